"""Keras 3 ZeroPadding1D-3D and Cropping1D-3D, ported from keras/src/layers/reshaping/.

Shapes per spatial axis (channels_last; channels_first puts the channels second)::

    ZeroPadding:  n + left + right        Cropping: n - left - right  (must stay > 0)

>>> ZeroPadding2D(((1, 2), (3, 0))).compute_output_shape((None, 5, 5, 3))
(None, 8, 8, 3)
>>> Cropping1D((1, 2)).compute_output_shape((2, 10, 4))
(2, 7, 4)

Errors (ValueError unless noted): argument standardisation at construction;
cropping that leaves nothing ("must be smaller than the input length"); the
input spec (ndim) when called; Python's own IndexError/TypeError where Keras
indexes a shape of the wrong rank.
"""

from __future__ import annotations

from typing import Any

from conv_calc.geometry import Axis, shift
from conv_calc.keras.base import as_keras_shape, standardize_data_format, standardize_tuple
from conv_calc.keras.errors import KerasValueError
from conv_calc.keras.spatial import SpatialLayer, call_error, python_errors

__all__ = ["ZeroPadding1D", "ZeroPadding2D", "ZeroPadding3D", "Cropping1D", "Cropping2D",
           "Cropping3D"]

_ORDINAL = ("1st", "2nd", "3rd")

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


class _ZeroPadding(SpatialLayer):
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

    @python_errors
    def compute_output_shape(self, shape: tuple) -> tuple:
        out = list(shape)
        off = self._spatial_start()
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
            raise call_error("Pad", TypeError, f"padding {self.padding} holds {bad[0]!r}: "
                                             f"torch pads by whole integers only.")
        if any(o < 0 for o in self._spatial(out)):
            # torch.nn.functional.pad (constant) with negative pads that remove too much
            # keras/src/backend/torch/numpy.py: pad -> torch's constant_pad_nd, inside the Pad op
            raise call_error("Pad", RuntimeError,
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


class _Cropping(SpatialLayer):
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

    @python_errors
    def compute_output_shape(self, shape: tuple) -> tuple:
        off = self._spatial_start()
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
            raise call_error(type(self).__name__, ValueError, self._hint(shape))
        bad = [c for pair in self.cropping for c in pair if not isinstance(c, int)]
        if bad:
            # cropping{1,2,3}d.py: call slices the tensor with the crop amounts; a float
            # is no slice index (TypeError)
            raise call_error(type(self).__name__, TypeError, f"cropping {self.cropping} holds "
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

    @python_errors
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
