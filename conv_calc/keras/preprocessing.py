"""Keras 3 preprocessing layers met inside models: Rescaling and Normalization.

Ported from keras/src/layers/preprocessing/{rescaling,normalization}.py. Both keep
the shape. Normalization given ``mean`` and ``variance`` holds them as constants
(no weights); without them it builds ``mean``, ``variance`` (the kept axes'
shape) and a ``count``, which ``count_params()`` counts (EfficientNet's input
normalization: 3 + 3 + 1 = 7).

>>> Normalization(axis=-1).count_params((None, 224, 224, 3))
7
>>> Normalization(mean=[1.0, 2.0, 3.0], variance=[1.0, 1.0, 1.0]).count_params((None, 8, 8, 3))
0
>>> Rescaling(1 / 255).compute_output_shape((None, 224, 224, 3))
(None, 224, 224, 3)
"""

from __future__ import annotations

import math
from typing import Any

from conv_calc.keras.base import KerasLayer, as_keras_shape, wrap_builtin
from conv_calc.keras.errors import KerasValueError

__all__ = ["Rescaling", "Normalization"]


class Rescaling(KerasLayer):
    """keras.layers.Rescaling: ``x * scale + offset``, shape unchanged, no weights."""

    def __init__(self, scale, offset=0.0, **kwargs):
        self._layer_init(kwargs)
        self.scale, self.offset = scale, offset

    def compute_output_shape(self, input_shape: Any) -> tuple:
        return as_keras_shape(input_shape)

    def __repr__(self) -> str:
        return f"Rescaling(scale={self.scale!r}, offset={self.offset!r})"


def _np_shape(value: Any) -> tuple:
    """``numpy.shape`` of a number or nested lists (what Normalization compares)."""
    if isinstance(value, (list, tuple)):
        return (len(value),) + (_np_shape(value[0]) if value else ())
    return ()


class Normalization(KerasLayer):
    """keras.layers.Normalization: ``(x - mean) / sqrt(variance)`` over the kept ``axis``."""

    def __init__(self, axis=-1, mean=None, variance=None, invert=False, **kwargs):
        self._layer_init(kwargs)
        if axis is None:
            axis = ()
        elif isinstance(axis, int):
            axis = (axis,)
        else:
            try:
                axis = tuple(axis)
            except TypeError as exc:
                raise wrap_builtin(exc, "axis is an int, a list of ints or None.") from None
        self.axis = axis
        self.mean, self.variance, self.invert = mean, variance, invert
        hint = ("give both mean and variance (one value per kept axis entry), or neither "
                "(then adapt() computes them).")
        # keras/src/layers/preprocessing/normalization.py: Normalization.__init__
        if (mean is not None) != (variance is not None):
            raise KerasValueError("When setting values directly, both `mean` and `variance` "
                                  f"must be set. Received: mean={mean} and variance={variance}",
                                  hint=hint)
        if mean is not None:
            if _np_shape(mean) != _np_shape(variance):
                raise KerasValueError(
                    "When setting values directly, `mean` and `variance` must have the same "
                    f"shape. Received: mean shape {_np_shape(mean)} and variance shape "
                    f"{_np_shape(variance)}", hint=hint)
            if len(_np_shape(mean)) > len(self.axis):
                raise KerasValueError(
                    "The rank of `mean` must be less than or equal to the number of axes "
                    f"({len(self.axis)}). Received: mean shape {_np_shape(mean)} for axis "
                    f"{self.axis}", hint=hint)

    def compute_output_shape(self, input_shape: Any) -> tuple:
        return as_keras_shape(input_shape)

    def _kept(self, shape: tuple) -> tuple:
        """normalization.py: Normalization.build (the range and known-size checks)."""
        ndim = len(shape)
        hint = f"axis={self.axis} names the kept axes of a rank-{ndim} input {shape}."
        try:
            bad = any(a < -ndim or a >= ndim for a in self.axis)
        except TypeError as exc:
            raise wrap_builtin(exc, hint) from None
        if bad:
            raise KerasValueError("All `axis` values must be in the range [-ndim, ndim). "
                                  f"Received inputs with ndim={ndim}, while axis={self.axis}",
                                  hint=hint)
        keep = tuple(sorted(d if d >= 0 else d + ndim for d in self.axis))
        for d in keep:
            if shape[d] is None:
                raise KerasValueError(
                    "All `axis` values to be kept must have a known shape. Received "
                    f"axis={self.axis}, inputs.shape={shape}, with unknown axis at index {d}",
                    hint=hint)
        return keep

    def _build(self, shape: tuple) -> None:
        keep = self._kept(shape)
        if self.mean is None:
            return
        # build broadcasts the given mean onto the kept axes (torch's expand)
        target = [shape[d] if d in keep else 1 for d in range(len(shape))]
        given = [1] * len(shape)
        for i, size in enumerate(reversed(_np_shape(self.mean)), start=1):
            given[keep[-i]] = size
        for dim, (want, have) in enumerate(zip(target, given)):
            if have not in (1, want):
                raise wrap_builtin(RuntimeError(
                    f"The expanded size of the tensor ({want}) must match the existing size "
                    f"({have}) at non-singleton dimension {dim}.  Target sizes: {target}.  "
                    f"Tensor sizes: {given}"),
                    hint=f"mean and variance have {have} values where the input {shape} has "
                         f"{want} on axis {dim}: give one value per channel.")

    def count_params(self, input_shape: Any) -> int:
        if self.mean is not None:
            return 0
        shape = as_keras_shape(input_shape)
        return 2 * math.prod(shape[d] for d in self._kept(shape)) + 1

    def __repr__(self) -> str:
        return f"Normalization(axis={self.axis})"
