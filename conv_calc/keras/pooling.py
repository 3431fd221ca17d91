"""Keras 3 pooling: MaxPooling/AveragePooling 1-3D and GlobalMax/GlobalAveragePooling 1-3D.

Shape per spatial axis (``pool_size`` k, ``strides`` s defaulting to k)::

    valid: (n - k) // s + 1        same: ceil(n / s) = (n - 1) // s + 1

>>> MaxPooling2D(3, strides=2, padding="same").compute_output_shape((None, 112, 112, 64))
(None, 56, 56, 64)
>>> GlobalAveragePooling2D(keepdims=True).compute_output_shape((None, 7, 7, 2048))
(None, 1, 1, 2048)

Errors: standardize_tuple / data_format at construction (strides may be 0 for
pools: Keras then divides by zero and fails with OverflowError in
compute_output_shape); "Computed output size would be zero or negative" (valid
padding); a padding other than valid/same in compute_output_shape; the input
spec (ndim) when called.
"""

from __future__ import annotations

from typing import Any

from conv_calc.geometry import MERGED, WHOLE, Axis, windows
from conv_calc.keras import ops
from conv_calc.keras.base import KerasLayer, as_keras_shape, standardize_data_format, \
    standardize_tuple, wrap_builtin
from conv_calc.keras.errors import WRAP_PREFIX, KerasValueError
from conv_calc.keras.fmt import np_str

__all__ = ["MaxPooling1D", "MaxPooling2D", "MaxPooling3D", "AveragePooling1D",
           "AveragePooling2D", "AveragePooling3D", "GlobalMaxPooling1D", "GlobalMaxPooling2D",
           "GlobalMaxPooling3D", "GlobalAveragePooling1D", "GlobalAveragePooling2D",
           "GlobalAveragePooling3D", "compute_pooling_output_shape"]


def compute_pooling_output_shape(input_shape: tuple, pool_size: tuple, strides: tuple,
                                 padding: Any = "valid",
                                 data_format: str = "channels_last") -> tuple:
    """keras/src/ops/operation_utils.py: compute_pooling_output_shape, integer maths.

    >>> compute_pooling_output_shape((None, 9, None, 3), (2, 2), (2, 2))
    (None, 4, None, 3)
    """
    shape = list(input_shape)
    spatial = shape[1:-1] if data_format == "channels_last" else shape[2:]
    # Keras overwrites unknown spatial dims with -1 in the array it prints.
    printed = list(shape)
    off = 1 if data_format == "channels_last" else 2
    for i, n in enumerate(spatial):
        if n is None:
            printed[off + i] = -1
    shown_pool, shown_strides = pool_size, strides
    # Only the 'valid' and 'same' branches do numpy arithmetic on the shapes, so any other
    # padding (e.g. 'Same': pools do not lower-case it) is reported before a rank mismatch.
    if padding not in ("valid", "same"):
        raise KerasValueError(
            f"Argument `padding` must be either 'valid' or 'same'. Received: padding={padding}",
            hint=f"padding={padding!r}: pooling takes 'valid' or 'same'.")
    if len(pool_size) == 1 and len(spatial) != 1:
        pool_size, strides = pool_size * len(spatial), strides * len(spatial)
    elif len(spatial) != len(pool_size) and len(spatial) != 1:
        # numpy broadcasting of (spatial - pool_size) in operation_utils.py
        raise wrap_builtin(ValueError(f"operands could not be broadcast together with shapes "
                                      f"({len(spatial)},) ({len(pool_size)},) "),
                           hint=f"a {len(pool_size)}-d pool takes inputs of rank "
                                f"{len(pool_size) + 2}; got rank {len(shape)}.")
    if len(spatial) == 1 and len(pool_size) != 1:
        spatial = spatial * len(pool_size)
    # A zero stride (allowed by the pools' constructor) divides by zero in numpy:
    # +inf, -inf or nan per axis; the <= 0 check sees -inf, then int() fails on the rest.
    if None in shape and 0 in strides:
        # with an unknown dim numpy computes on Python objects: int / 0 raises at once
        raise wrap_builtin(ZeroDivisionError("division by zero"),
                           hint="strides=0 makes the window never move: use strides >= 1.")
    out: list = []
    for i, n in enumerate(spatial):
        m = -1 if n is None else n
        s = strides[i]
        if s == 0:
            num = m - pool_size[i] if padding == "valid" else m - 1
            out.append(float("inf") if num > 0 else float("-inf") if num < 0 else float("nan"))
        else:
            out.append(ops.conv_output_length(m, pool_size[i], s, padding))
    if padding == "valid":
        for i, (n, o) in enumerate(zip(spatial, out)):
            if n is not None and o <= 0:
                # operation_utils.py: compute_pooling_output_shape
                raise KerasValueError(
                    "Computed output size would be zero or negative. Received: "
                    f"`inputs.shape={np_str(printed, None in shape)}`, "
                    f"`pool_size={np_str(shown_pool)}`, "
                    f"`strides={shown_strides}`, `padding={padding}`.",
                    hint=f"spatial axis {i} has {n} pixels, fewer than the pool size "
                         f"{pool_size[i]} (or the stride is 0): enlarge the input or use "
                         f"padding='same'.")
    for o in out:
        if isinstance(o, float) and (o != o or o in (float("inf"), float("-inf"))):
            hint = "strides=0 makes the window never move: use strides >= 1."
            if o != o:
                raise wrap_builtin(ValueError("cannot convert float NaN to integer"), hint=hint)
            raise wrap_builtin(OverflowError("cannot convert float infinity to integer"),
                               hint=hint)
    # float pool sizes or strides (2.0) give np.floor floats; Keras int()s them at the end
    out = tuple(None if n is None else int(o) for n, o in zip(spatial, out))
    if data_format == "channels_last":
        return (input_shape[0],) + out + (input_shape[-1],)
    return (input_shape[0], input_shape[1]) + out


class BasePooling(KerasLayer):
    """keras/src/layers/pooling/base_pooling.py: BasePooling."""

    def _setup(self, pool_size: Any, strides: Any, padding: Any, data_format: Any,
               kwargs: dict) -> None:
        self._layer_init(kwargs)
        self.pool_size = standardize_tuple(pool_size, self.rank, "pool_size")
        strides = pool_size if strides is None else strides
        self.strides = standardize_tuple(strides, self.rank, "strides", allow_zero=True)
        self.padding = padding
        self.data_format = standardize_data_format(data_format)
        self.input_spec = ("ndim", self.rank + 2)

    def compute_output_shape(self, input_shape: Any) -> tuple:
        shape = as_keras_shape(input_shape)
        return compute_pooling_output_shape(shape, self.pool_size, self.strides, self.padding,
                                            self.data_format)

    def _spatial(self, shape: tuple) -> tuple:
        return shape[1:-1] if self.data_format == "channels_last" else shape[2:]

    def _call(self, shape: tuple) -> tuple:
        name = type(self).__name__
        # The torch backend re-checks the strides (strictly > 0) inside call, and
        # treats any padding other than 'same' (any case) as 'valid'.
        if not isinstance(self.padding, str):
            # keras/src/ops/nn.py: max_pool / average_pool start with padding.lower()
            raise wrap_builtin(AttributeError(f"{WRAP_PREFIX} {name}.call()."),
                               hint=f"padding={self.padding!r}: use 'valid' or 'same'.")
        padding = "same" if self.padding.lower() == "same" else "valid"
        if 0 in self.strides:
            raise wrap_builtin(ValueError(f"{WRAP_PREFIX} {name}.call()."),
                               hint=f"strides={self.strides}: every stride must be >= 1.")
        values = self.pool_size + self.strides
        bad = [v for v in values if not ops.torch_int(v)]
        if bad:
            # keras/src/backend/torch/nn.py: max_pool / average_pool pass the tuples to
            # torch.nn.functional.*_pool*d, whose argument parser takes plain int64s only
            raise wrap_builtin(TypeError(f"{WRAP_PREFIX} {name}.call()."),
                               hint=f"pool_size={self.pool_size} and strides={self.strides} "
                                    f"reach torch, which takes plain integers (not "
                                    f"{bad[0]!r}).")
        big = [v for v in (values if name.startswith("Average") else self.strides)
               if v >= 2 ** 31]
        if big and (name.startswith("Average") or self.rank > 1):
            # torch's avg_pool*d and max_pool2d/3d keep sizes in a C int: "value cannot be
            # converted to type int without overflow" (max_pool1d takes int64 strides)
            raise wrap_builtin(RuntimeError(f"{WRAP_PREFIX} {name}.call()."),
                               hint=f"{big[0]} does not fit torch's 32-bit pooling sizes: "
                                    f"use a value below 2**31.")
        spatial = self._spatial(shape)
        small = any(n < k for n, k in zip(spatial, self.pool_size))
        # keras/src/backend/torch/nn.py: _apply_same_padding hands symmetric 'same' pads to
        # torch's avg_pool3d, which then refuses an (unpadded) input smaller than the kernel.
        pads = [ops.same_padding(n, k, st) for n, k, st in zip(spatial, self.pool_size,
                                                               self.strides)]
        symmetric = all(left == right for left, right in pads)
        if (padding == "valid" and small) or 0 in shape[1:] or (
                padding == "same" and small and symmetric and name == "AveragePooling3D"):
            raise wrap_builtin(RuntimeError(f"{WRAP_PREFIX} {name}.call()."),
                               hint="the torch backend rejects this pooling window for this "
                                    "input: each spatial size must be at least the pool size, "
                                    "and only the batch may be 0.")
        return compute_pooling_output_shape(shape, self.pool_size, self.strides, padding,
                                            self.data_format)

    def axis_geometry(self, in_shape: Any, out_shape: Any = None) -> tuple[Axis, ...]:
        """A window on each spatial axis ('same' on an unknown size: unknown pads)."""
        shape = as_keras_shape(in_shape)
        pads = [ops.conv_padding(n, k, s, self.padding) or (None, None)
                for n, k, s in zip(self._spatial(shape), self.pool_size, self.strides)]
        return windows(len(shape), self._spatial_start(), tuple(self.pool_size),
                       tuple(self.strides), (1,) * len(pads), tuple(p[0] for p in pads),
                       tuple(p[1] for p in pads))


_REQUIRED = object()


def _pool(name: str, family: str, rank: int, default_pool: Any) -> type:
    if default_pool is _REQUIRED:  # AveragePooling*D: pool_size has no default
        def __init__(self, pool_size, strides=None, padding="valid", data_format=None,
                     name=None, **kwargs):
            if name is not None:
                kwargs["name"] = name
            self._setup(pool_size, strides, padding, data_format, kwargs)
    else:
        def __init__(self, pool_size=default_pool, strides=None, padding="valid",
                     data_format=None, name=None, **kwargs):
            if name is not None:
                kwargs["name"] = name
            self._setup(pool_size, strides, padding, data_format, kwargs)
    __init__.__qualname__ = f"{name}.__init__"
    return type(name, (BasePooling,), {"__init__": __init__, "rank": rank, "family": family,
                                       "__doc__": f"keras.layers.{name}.", "__module__": __name__})


MaxPooling1D = _pool("MaxPooling1D", "maxpool", 1, 2)
MaxPooling2D = _pool("MaxPooling2D", "maxpool", 2, (2, 2))
MaxPooling3D = _pool("MaxPooling3D", "maxpool", 3, (2, 2, 2))
AveragePooling1D = _pool("AveragePooling1D", "avgpool", 1, _REQUIRED)
AveragePooling2D = _pool("AveragePooling2D", "avgpool", 2, _REQUIRED)
AveragePooling3D = _pool("AveragePooling3D", "avgpool", 3, _REQUIRED)


class BaseGlobalPooling(KerasLayer):
    """keras/src/layers/pooling/base_global_pooling.py: a reduction over every spatial axis."""

    def _setup(self, data_format: Any, keepdims: Any, kwargs: dict) -> None:
        self._layer_init(kwargs)
        self.data_format = standardize_data_format(data_format)
        self.keepdims = keepdims
        self.input_spec = ("ndim", self.rank + 2)

    def compute_output_shape(self, input_shape: Any) -> tuple:
        shape = as_keras_shape(input_shape)
        nd = len(shape) - 2
        if self.data_format == "channels_last":
            return ((shape[0],) + (1,) * nd + (shape[-1],) if self.keepdims
                    else (shape[0], shape[-1]))
        return (shape[0], shape[1]) + (1,) * nd if self.keepdims else (shape[0], shape[1])

    def axis_geometry(self, in_shape: Any, out_shape: Any = None) -> tuple[Axis, ...]:
        """Every spatial axis reduced to one value (kept as size 1 with ``keepdims``)."""
        shape = as_keras_shape(in_shape)
        return self._on_spatial(shape, [WHOLE if self.keepdims else MERGED] * self.rank)

    def _call(self, shape: tuple) -> tuple:
        if "Max" in type(self).__name__ and 0 in shape:
            # torch's amax refuses an empty reduction (raised inside call, wrapped by Keras)
            raise wrap_builtin(ValueError(f"{WRAP_PREFIX} {type(self).__name__}.call()."),
                               hint="a max over a tensor with a zero-size dim is undefined: "
                                    "every dim must be >= 1.")
        if not isinstance(self.keepdims, bool):
            # keras/src/backend/torch/numpy.py: max / mean hand keepdims to torch.amax /
            # torch.mean, whose argument parser wants a bool (0, 1, None, 'yes' fail)
            raise wrap_builtin(TypeError(f"{WRAP_PREFIX} {type(self).__name__}.call()."),
                               hint=f"keepdims={self.keepdims!r}: use True or False.")
        return self.compute_output_shape(shape)


def _global(name: str, rank: int) -> type:
    def __init__(self, data_format=None, keepdims=False, **kwargs):
        self._setup(data_format, keepdims, kwargs)
    __init__.__qualname__ = f"{name}.__init__"
    return type(name, (BaseGlobalPooling,), {"__init__": __init__, "rank": rank,
                                             "__doc__": f"keras.layers.{name}.",
                                             "__module__": __name__})


GlobalMaxPooling1D = _global("GlobalMaxPooling1D", 1)
GlobalMaxPooling2D = _global("GlobalMaxPooling2D", 2)
GlobalMaxPooling3D = _global("GlobalMaxPooling3D", 3)
GlobalAveragePooling1D = _global("GlobalAveragePooling1D", 1)
GlobalAveragePooling2D = _global("GlobalAveragePooling2D", 2)
GlobalAveragePooling3D = _global("GlobalAveragePooling3D", 3)
