"""Keras 3 reshaping layers: ZeroPadding1D-3D, Cropping1D-3D, UpSampling1D-3D, Flatten, Reshape.

Ported statement by statement from keras/src/layers/reshaping/*.py, so odd
arguments fail where and as Keras's do. Shapes (channels_last; channels_first
puts the channels second), per spatial axis::

    ZeroPadding:  n + left + right        Cropping: n - left - right  (must stay > 0)
    UpSampling:   n * size                Flatten:  (batch, prod(rest))
    Reshape:      (batch, *target_shape)  with one -1 resolved from the size

>>> ZeroPadding2D(((1, 2), (3, 0))).compute_output_shape((None, 5, 5, 3))
(None, 8, 8, 3)
>>> Cropping1D((1, 2)).compute_output_shape((2, 10, 4))
(2, 7, 4)
>>> UpSampling2D(2, data_format="channels_first").compute_output_shape((1, 3, 4, None))
(1, 3, 8, None)
>>> Reshape((-1, 4)).compute_output_shape((None, 6, 2))
(None, 3, 4)

Errors (ValueError unless noted): argument standardisation at construction;
cropping that leaves nothing ("must be smaller than the input length");
Reshape's "The total size of the tensor must be unchanged"; the input spec
(ndim) when called; Python's own IndexError/TypeError where Keras indexes a
shape of the wrong rank.
"""

from __future__ import annotations

import math
from typing import Any

from conv_calc.geometry import MERGED, POINTWISE, Axis, resample, shift
from conv_calc.keras.base import KerasLayer, as_keras_shape, standardize_data_format, \
    standardize_tuple, wrap_builtin
from conv_calc.keras.errors import WRAP_PREFIX, KerasTypeError, KerasValueError

__all__ = ["ZeroPadding1D", "ZeroPadding2D", "ZeroPadding3D", "Cropping1D", "Cropping2D",
           "Cropping3D", "UpSampling1D", "UpSampling2D", "UpSampling3D", "Flatten", "Reshape",
           "compute_reshape_output_shape"]

_ORDINAL = ("1st", "2nd", "3rd")


def _python_errors(method: Any) -> Any:
    """Keras indexes shapes directly: a wrong rank gives Python's IndexError/TypeError."""
    def wrapper(self: Any, input_shape: Any) -> Any:
        shape = as_keras_shape(input_shape)
        try:
            return method(self, shape)
        except (IndexError, TypeError, AttributeError) as exc:
            if isinstance(exc, KerasTypeError):
                raise
            raise wrap_builtin(exc, hint=f"{type(self).__name__} cannot read the input shape "
                                         f"{shape}: it needs rank {self.rank + 2}.") from None
    wrapper.__name__ = method.__name__
    wrapper.__doc__ = method.__doc__
    return wrapper


def _wrapped(name: str, cls: type, hint: str) -> Exception:
    """An error raised inside ``call`` by Keras or the backend, wrapped by Keras."""
    return wrap_builtin(cls(f"{WRAP_PREFIX} {name}.call()."), hint=hint)


class _Spatial(KerasLayer):
    """Shared by the layers that act on each spatial axis separately."""

    data_format = "channels_last"

    def _offset(self) -> int:
        return 2 if self.data_format == "channels_first" else 1

    def _spatial(self, shape: tuple) -> tuple:
        off = self._offset()
        return tuple(shape[off:off + self.rank])


# --------------------------------------------------------------------------- ZeroPadding

def _pairs(value: Any, rank: int, what: str, name: str, default_msg: str) -> tuple:
    """ZeroPadding2D/3D and Cropping2D/3D's int / 2-tuple / tuple-of-pairs standardisation."""
    if isinstance(value, int):
        return ((value, value),) * rank
    if hasattr(value, "__len__"):
        if len(value) != rank:
            # keras/src/layers/reshaping/{zero_padding,cropping}{2,3}d.py: __init__
            msg = (f"`{what}` should have two elements. Received: {what}={value}."
                   if rank == 2 else f"`{what}` should have 3 elements. Received: {value}.")
            raise KerasValueError(msg, hint=f"{name} takes {rank} entries, one per spatial "
                                            f"axis; got {len(value)}: {value!r}.")
        return tuple(standardize_tuple(value[i], 2, f"{_ORDINAL[i]} entry of {what}",
                                       allow_zero=True) for i in range(rank))
    raise KerasValueError(default_msg, hint=f"{what} is an int, {rank} ints, or {rank} "
                                            f"(before, after) pairs; got {value!r}.")


class _ZeroPadding(_Spatial):
    family = "pad"

    def _setup(self, padding: Any, data_format: Any, kwargs: dict) -> None:
        self._layer_init(kwargs)
        self.data_format = standardize_data_format(data_format)
        if self.rank == 1:
            self.padding = (standardize_tuple(padding, 2, "padding", allow_zero=True),)
        else:
            if self.rank == 2:
                msg = ("`padding` should be either an int, a tuple of 2 ints "
                       "(symmetric_height_crop, symmetric_width_crop), "
                       "or a tuple of 2 tuples of 2 ints "
                       "((top_crop, bottom_crop), (left_crop, right_crop)). "
                       f"Received: padding={padding}.")
            else:
                msg = ("`padding` should be either an int, a tuple of 3 ints "
                       "(symmetric_dim1_pad, symmetric_dim2_pad, symmetric_dim3_pad), "
                       "or a tuple of 3 tuples of 2 ints "
                       "((left_dim1_pad, right_dim1_pad),"
                       " (left_dim2_pad, right_dim2_pad),"
                       " (left_dim3_pad, right_dim2_pad)). "
                       f"Received: padding={padding}.")
            self.padding = _pairs(padding, self.rank, "padding", type(self).__name__, msg)
        self.input_spec = ("ndim", self.rank + 2)

    @_python_errors
    def compute_output_shape(self, shape: tuple) -> tuple:
        out = list(shape)
        off = self._offset()
        for i in range(self.rank):
            if out[i + off] is not None:
                out[i + off] += self.padding[i][0] + self.padding[i][1]
        return tuple(out)

    def _call(self, shape: tuple) -> tuple:
        out = self.compute_output_shape(shape)
        bad = [p for pair in self.padding for p in pair
               if not isinstance(p, int) or not -2 ** 63 <= p < 2 ** 63]  # bools pass
        if bad:
            # keras/src/backend/torch/numpy.py: pad -> torch.nn.functional.pad, whose argument
            # parser takes plain ints only (a 1.0 passes Keras's own checks)
            raise _wrapped("Pad", TypeError, f"padding {self.padding} holds {bad[0]!r}: "
                                             f"torch pads by whole integers only.")
        if any(o < 0 for o in self._spatial(out)):
            # torch.nn.functional.pad (constant) with negative pads that remove too much
            # keras/src/backend/torch/numpy.py: pad -> torch's constant_pad_nd, inside the Pad op
            raise _wrapped("Pad", RuntimeError,
                           f"the negative padding {self.padding} removes more than the input "
                           f"{self._spatial(shape)} holds.")
        return out

    def axis_geometry(self, in_shape: Any, out_shape: Any = None) -> tuple[Axis, ...]:
        """Each spatial axis shifted by its padding before."""
        shape = as_keras_shape(in_shape)
        return self._on_spatial(shape, [shift(before, after) for before, after in self.padding])

    def __repr__(self) -> str:
        pads = self.padding[0] if self.rank == 1 else self.padding
        return f"{type(self).__name__}(padding={pads})"


class ZeroPadding1D(_ZeroPadding):
    """keras.layers.ZeroPadding1D: ``(batch, n + left + right, channels)``."""

    rank = 1

    def __init__(self, padding=1, data_format=None, **kwargs):
        self._setup(padding, data_format, kwargs)


class ZeroPadding2D(_ZeroPadding):
    """keras.layers.ZeroPadding2D: each spatial axis grows by its (before, after) pair."""

    rank = 2

    def __init__(self, padding=(1, 1), data_format=None, **kwargs):
        self._setup(padding, data_format, kwargs)


class ZeroPadding3D(_ZeroPadding):
    """keras.layers.ZeroPadding3D: each spatial axis grows by its (before, after) pair."""

    rank = 3

    def __init__(self, padding=((1, 1), (1, 1), (1, 1)), data_format=None, **kwargs):
        self._setup(padding, data_format, kwargs)


# --------------------------------------------------------------------------- Cropping

_CROP_MSG = ("Values in `cropping` argument should be smaller than the corresponding spatial "
             "dimension of the input. Received: input_shape={shape}, cropping={cropping}")


class _Cropping(_Spatial):
    family = "crop"

    def _setup(self, cropping: Any, data_format: Any, kwargs: dict) -> None:
        self._layer_init(kwargs)
        self.data_format = standardize_data_format(data_format)
        if isinstance(cropping, int) and cropping < 0:
            # keras/src/layers/reshaping/cropping{2,3}d.py: __init__
            raise KerasValueError(f"`cropping` cannot be negative. Received: cropping={cropping}.",
                                  hint=f"cropping={cropping}: crop amounts are >= 0.")
        if self.rank == 2:
            msg = ("`cropping` should be either an int, a tuple of 2 ints "
                   "(symmetric_height_crop, symmetric_width_crop), "
                   "or a tuple of 2 tuples of 2 ints "
                   "((top_crop, bottom_crop), (left_crop, right_crop)). "
                   f"Received: cropping={cropping}.")
        else:
            msg = ("`cropping` should be either an int, a tuple of 3 ints "
                   "(symmetric_dim1_crop, symmetric_dim2_crop, "
                   "symmetric_dim3_crop), "
                   "or a tuple of 3 tuples of 2 ints "
                   "((left_dim1_crop, right_dim1_crop),"
                   " (left_dim2_crop, right_dim2_crop),"
                   " (left_dim3_crop, right_dim2_crop)). "
                   f"Received: {cropping}.")
        self.cropping = _pairs(cropping, self.rank, "cropping", type(self).__name__, msg)
        self.input_spec = ("ndim", self.rank + 2)

    def _hint(self, shape: tuple) -> str:
        return (f"cropping {self.cropping} removes at least as many pixels as the input "
                f"{self._spatial(shape)} has on some axis: crop less or enlarge the input.")

    @_python_errors
    def compute_output_shape(self, shape: tuple) -> tuple:
        off = self._offset()
        if self.rank == 2:
            # cropping2d.py: compute_output_shape checks both axes before computing
            if (shape[off] is not None and sum(self.cropping[0]) >= shape[off]) or (
                    shape[off + 1] is not None and sum(self.cropping[1]) >= shape[off + 1]):
                raise KerasValueError(_CROP_MSG.format(shape=shape, cropping=self.cropping),
                                      hint=self._hint(shape))
            dims = [None if shape[off + i] is None else
                    shape[off + i] - self.cropping[i][0] - self.cropping[i][1] for i in range(2)]
            return ((shape[0], shape[1], *dims) if off == 2 else (shape[0], *dims, shape[3]))
        spatial = list(shape[2:5] if off == 2 else shape[1:4])
        for i in range(3):
            if spatial[i] is None:
                continue
            spatial[i] -= sum(self.cropping[i])
            if spatial[i] <= 0:
                # cropping3d.py: compute_output_shape
                raise KerasValueError(_CROP_MSG.format(shape=shape, cropping=self.cropping),
                                      hint=self._hint(shape))
        return ((shape[0], shape[1], *spatial) if off == 2 else (shape[0], *spatial, shape[4]))

    def _call(self, shape: tuple) -> tuple:
        spatial = self._spatial(shape)
        if any(sum(c) >= n for c, n in zip(self.cropping, spatial)):
            raise _wrapped(type(self).__name__, ValueError, self._hint(shape))
        bad = [c for pair in self.cropping for c in pair if not isinstance(c, int)]
        if bad:
            # cropping{1,2,3}d.py: call slices the tensor with the crop amounts; a float
            # is no slice index (TypeError)
            raise _wrapped(type(self).__name__, TypeError, f"cropping {self.cropping} holds "
                                                           f"{bad[0]!r}: crop by whole integers.")
        return self.compute_output_shape(shape)

    def axis_geometry(self, in_shape: Any, out_shape: Any = None) -> tuple[Axis, ...]:
        """Each spatial axis shifted by its cropping before (a negative padding)."""
        shape = as_keras_shape(in_shape)
        return self._on_spatial(shape, [shift(-before, -after) for before, after in self.cropping])

    def __repr__(self) -> str:
        crops = self.cropping[0] if self.rank == 1 else self.cropping
        return f"{type(self).__name__}(cropping={crops})"


class Cropping1D(_Cropping):
    """keras.layers.Cropping1D: ``(batch, n - left - right, channels)``; no data_format."""

    rank = 1

    def __init__(self, cropping=(1, 1), **kwargs):
        self._layer_init(kwargs)
        self.cropping = (standardize_tuple(cropping, 2, "cropping", allow_zero=True),)
        self.input_spec = ("ndim", 3)

    @_python_errors
    def compute_output_shape(self, shape: tuple) -> tuple:
        if shape[1] is not None:
            length = shape[1] - self.cropping[0][0] - self.cropping[0][1]
            if length <= 0:
                # keras/src/layers/reshaping/cropping1d.py: compute_output_shape
                raise KerasValueError(
                    "`cropping` parameter of `Cropping1D` layer must be smaller than the input "
                    f"length. Received: input_shape={shape}, cropping={self.cropping[0]}",
                    hint=self._hint(shape))
        else:
            length = None
        return (shape[0], length, shape[2])


class Cropping2D(_Cropping):
    """keras.layers.Cropping2D: each spatial axis shrinks by its (before, after) pair."""

    rank = 2

    def __init__(self, cropping=((0, 0), (0, 0)), data_format=None, **kwargs):
        self._setup(cropping, data_format, kwargs)


class Cropping3D(_Cropping):
    """keras.layers.Cropping3D: each spatial axis shrinks by its (before, after) pair."""

    rank = 3

    def __init__(self, cropping=((1, 1), (1, 1), (1, 1)), data_format=None, **kwargs):
        self._setup(cropping, data_format, kwargs)


# --------------------------------------------------------------------------- UpSampling

class _UpSampling(_Spatial):
    interpolation = "nearest"
    family = "upsample"

    @_python_errors
    def compute_output_shape(self, shape: tuple) -> tuple:
        off = self._offset()
        dims = [None if shape[off + i] is None else self.size[i] * shape[off + i]
                for i in range(self.rank)]
        if self.rank == 1:
            return (shape[0], dims[0], shape[2])
        if off == 2:
            return (shape[0], shape[1], *dims)
        return (shape[0], *dims, shape[self.rank + 1])

    def _call(self, shape: tuple) -> tuple:
        if self.interpolation not in ("nearest", "bilinear", "bicubic"):
            # keras/src/backend/torch/image.py: resize (inside UpSampling2D.call)
            raise _wrapped(type(self).__name__, ValueError,
                           f"interpolation={self.interpolation!r}: use 'nearest', 'bilinear' "
                           f"or 'bicubic'.")
        if self.interpolation != "nearest":
            off = self._offset()
            if 0 in shape[off:off + self.rank]:
                # keras/src/backend/torch/image.py: resize refuses a zero-size image
                raise _wrapped(type(self).__name__, ValueError,
                               f"{self.interpolation} resizing needs every spatial size >= 1; "
                               f"got {shape}.")
            if 0 in shape[1:]:
                # torch's upsample_*2d: "Non-empty 4D data tensor expected" (0 channels)
                raise _wrapped(type(self).__name__, RuntimeError,
                               f"{self.interpolation} resizing needs channels >= 1; got {shape}.")
        return self.compute_output_shape(shape)

    def axis_geometry(self, in_shape: Any, out_shape: Any = None) -> tuple[Axis, ...]:
        """Nearest: each input repeated ``size`` times (a transposed window of kernel and stride
        ``size``); otherwise torch's interpolation, which Keras's torch backend calls."""
        shape = as_keras_shape(in_shape)
        if self.interpolation == "nearest":
            return self._on_spatial(shape, [Axis(f, f, 1, 0, 0, transposed=True)
                                            for f in self.size])
        # Only 'bilinear' and 'bicubic' pass call; any other mode is read as 'bicubic'.
        mode = "linear" if self.interpolation == "bilinear" else "bicubic"
        spatial = self._spatial(shape)
        return self._on_spatial(shape, [resample(mode, n, n * f, None, False)
                                        for n, f in zip(spatial, self.size)])

    def __repr__(self) -> str:
        return f"{type(self).__name__}(size={self.size[0] if self.rank == 1 else self.size})"


class UpSampling1D(_UpSampling):
    """keras.layers.UpSampling1D: repeats each step ``size`` times."""

    rank = 1

    def __init__(self, size=2, **kwargs):
        self._layer_init(kwargs)
        if not isinstance(size, int) or isinstance(size, bool):
            # keras/src/layers/reshaping/up_sampling1d.py: __init__
            raise KerasTypeError(f"Expected an integer value for `size`, got {type(size)}.",
                                 hint=f"size={size!r}: UpSampling1D takes one integer >= 1.")
        if size <= 0:
            raise KerasValueError(
                f"Argument `size` should be a positive integer. Received: size={size}",
                hint=f"size={size}: use size >= 1.")
        self.size = (size,)
        self.input_spec = ("ndim", 3)


class UpSampling2D(_UpSampling):
    """keras.layers.UpSampling2D: ``(batch, h * size[0], w * size[1], channels)``."""

    rank = 2

    def __init__(self, size=(2, 2), data_format=None, interpolation="nearest", **kwargs):
        self._layer_init(kwargs)
        self.data_format = standardize_data_format(data_format)
        self.size = standardize_tuple(size, 2, "size")
        try:
            self.interpolation = interpolation.lower()
        except AttributeError as exc:
            raise wrap_builtin(exc, hint=f"interpolation={interpolation!r}: give a string such "
                                         f"as 'nearest' or 'bilinear'.") from None
        self.input_spec = ("ndim", 4)


class UpSampling3D(_UpSampling):
    """keras.layers.UpSampling3D: each spatial axis times its size."""

    rank = 3

    def __init__(self, size=(2, 2, 2), data_format=None, **kwargs):
        self._layer_init(kwargs)
        self.data_format = standardize_data_format(data_format)
        self.size = standardize_tuple(size, 3, "size")
        self.input_spec = ("ndim", 5)


# --------------------------------------------------------------------------- Flatten, Reshape

class Flatten(KerasLayer):
    """keras.layers.Flatten: ``(batch, prod(rest))``; ``(batch, 1)`` for a rank-1 input.

    >>> Flatten().compute_output_shape((None, 7, 7, 512))
    (None, 25088)
    """

    def __init__(self, data_format=None, **kwargs):
        self._layer_init(kwargs)
        self.data_format = standardize_data_format(data_format)
        self.input_spec = ("min_ndim", 1)

    def compute_output_shape(self, input_shape: Any) -> tuple:
        shape = as_keras_shape(input_shape)
        try:
            non_batch = shape[1:]
            if len(non_batch) == 0:
                flat = 1
            elif any(d is None for d in non_batch):
                flat = None
            else:
                flat = math.prod(non_batch)
            return (shape[0], flat)
        except IndexError as exc:  # Keras indexes input_shape[0] of an empty shape
            raise wrap_builtin(exc, hint="Flatten needs at least the batch dimension.") from None

    def axis_geometry(self, in_shape: Any, out_shape: Any = None) -> tuple[Axis, ...]:
        """Every axis but the batch mixed into one."""
        n = len(tuple(in_shape))
        return (POINTWISE,) + (MERGED,) * (n - 1) if n else ()

    def __repr__(self) -> str:
        return "Flatten()"


def compute_reshape_output_shape(input_shape: tuple, newshape: tuple, name: str) -> tuple:
    """keras/src/ops/operation_utils.py: compute_reshape_output_shape (one -1 resolved).

    >>> compute_reshape_output_shape((4, 3), (2, -1), "target_shape")
    (2, 6)
    """
    _validate_reshape(newshape, name)
    newshape = tuple(d if isinstance(d, int) else None for d in newshape)
    hint = (f"the input holds {' x '.join(map(str, input_shape))} values per sample, which "
            f"{name}={newshape} cannot hold: make the sizes multiply to the same total.")
    if None in input_shape or None in newshape:
        return tuple(d if d != -1 else None for d in newshape)
    size = math.prod(input_shape)
    if newshape.count(-1) == 0:
        if size != math.prod(newshape):
            # operation_utils.py: compute_reshape_output_shape
            raise KerasValueError("The total size of the tensor must be unchanged. Received: "
                                  f"input_shape={input_shape}, {name}={newshape}", hint=hint)
        return newshape
    known, where = 1, 0
    for i, d in enumerate(newshape):
        if d == -1:
            where = i
        else:
            known *= d
    if known == 0 or size % known != 0:
        raise KerasValueError(
            "The total size of the tensor must be unchanged, however, the input size cannot by "
            f"divided by the specified dimensions in {name}. Received: "
            f"input_shape={input_shape}, {name}={newshape}", hint=hint)
    out = list(newshape)
    out[where] = size // known
    return tuple(out)


def _validate_reshape(newshape: tuple, name: str) -> None:
    """operation_utils.py: validate_reshape_shape."""
    count = 0
    for d in newshape:
        if not isinstance(d, int):
            continue
        if d < -1:
            raise KerasValueError(
                f"Each dimension in `{name}` must be a non-negative integer, or `-1` for a "
                f"single unknown dimension. Received: {name}={newshape}.",
                hint=f"{name}={newshape}: sizes are >= 0, with at most one -1.")
        if d == -1:
            count += 1
    if count > 1:
        raise KerasValueError(
            f"There must be at most one unknown dimension (-1) in `{name}`. Received: "
            f"{name}={newshape}.", hint=f"{name}={newshape}: only one size may be -1.")


class Reshape(KerasLayer):
    """keras.layers.Reshape: ``(batch, *target_shape)``, the batch kept.

    >>> Reshape((7, 7, 64)).compute_output_shape((None, 3136))
    (None, 7, 7, 64)
    """

    def __init__(self, target_shape, **kwargs):
        self._layer_init(kwargs)
        try:
            target_shape = tuple(target_shape)
        except TypeError as exc:
            raise wrap_builtin(exc, hint=f"target_shape={target_shape!r}: give a list of sizes "
                                         f"(without the batch).") from None
        _validate_reshape(target_shape, "target_shape")
        self.target_shape = target_shape

    def compute_output_shape(self, input_shape: Any) -> tuple:
        shape = as_keras_shape(input_shape)
        if not shape:
            raise wrap_builtin(IndexError("tuple index out of range"),
                               hint="Reshape needs at least the batch dimension.")
        return (shape[0], *compute_reshape_output_shape(shape[1:], self.target_shape,
                                                        "target_shape"))

    def _call(self, shape: tuple) -> tuple:
        try:
            out = self.compute_output_shape(shape)
        except KerasValueError as err:
            raise _wrapped("Reshape", ValueError, err.hint) from None
        # Reshape.call hands torch.reshape the target with each unresolved dim as -1
        # (a non-integer entry of target_shape stays unresolved).
        target = [-1 if d is None else d for d in out]
        hint = (f"target_shape={self.target_shape} has entries that are not integers; torch "
                f"can infer only one of them, from {shape}.")
        if target.count(-1) > 1:
            # keras/src/ops/operation_utils.py: validate_reshape_shape, inside ops.reshape
            raise _wrapped("Reshape", ValueError, hint)
        if -1 in target:
            known = math.prod(d for d in target if d != -1)
            total = math.prod(shape)
            if known == 0 or total % known:
                # torch.reshape: "shape '[...]' is invalid for input of size N"
                raise _wrapped("Reshape", RuntimeError, hint)
            target[target.index(-1)] = total // known
        return tuple(target)

    def axis_geometry(self, in_shape: Any, out_shape: Any = None) -> tuple[Axis, ...]:
        """Every axis but the batch mixed into the new ones."""
        n = len(tuple(in_shape))
        return (POINTWISE,) + (MERGED,) * (n - 1) if n else ()

    def __repr__(self) -> str:
        return f"Reshape(target_shape={self.target_shape})"
