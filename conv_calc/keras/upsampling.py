"""Keras 3 UpSampling1D-3D, ported from keras/src/layers/reshaping/up_sampling*.py.

Shape per spatial axis: ``n * size`` (channels_last; channels_first puts the
channels second). Nearest repeats each input ``size`` times; UpSampling2D's
'bilinear' and 'bicubic' resize with torch's interpolation (Keras's torch backend).

>>> UpSampling2D(2, data_format="channels_first").compute_output_shape((1, 3, 4, None))
(1, 3, 8, None)

Errors (ValueError unless noted): ``size`` at construction (TypeError for a
non-int UpSampling1D size); the input spec (ndim) and the backend's refusals
when called.
"""

from __future__ import annotations

from typing import Any

from conv_calc.geometry import Axis, resample
from conv_calc.keras.base import as_keras_shape, standardize_data_format, standardize_tuple, \
    wrap_builtin
from conv_calc.keras.errors import KerasTypeError, KerasValueError
from conv_calc.keras.spatial import SpatialLayer, call_error, python_errors

__all__ = ["UpSampling1D", "UpSampling2D", "UpSampling3D"]


class _UpSampling(SpatialLayer):
    interpolation = "nearest"
    family = "upsample"

    @python_errors
    def compute_output_shape(self, shape: tuple) -> tuple:
        off = self._spatial_start()
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
            raise call_error(type(self).__name__, ValueError,
                           f"interpolation={self.interpolation!r}: use 'nearest', 'bilinear' "
                           f"or 'bicubic'.")
        if self.interpolation != "nearest":
            off = self._spatial_start()
            if 0 in shape[off:off + self.rank]:
                # keras/src/backend/torch/image.py: resize refuses a zero-size image
                raise call_error(type(self).__name__, ValueError,
                               f"{self.interpolation} resizing needs every spatial size >= 1; "
                               f"got {shape}.")
            if 0 in shape[1:]:
                # torch's upsample_*2d: "Non-empty 4D data tensor expected" (0 channels)
                raise call_error(type(self).__name__, RuntimeError,
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
