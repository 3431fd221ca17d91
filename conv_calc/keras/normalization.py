"""Keras 3 LayerNormalization, ported from keras/src/layers/normalization/layer_normalization.py.

The shape is unchanged; ``gamma`` (``scale``) and ``beta`` (``center``) have the
shape of the normalised axes (``axis``, an int or a list), so ConvNeXt's
``LayerNormalization(epsilon=1e-6)`` on 96 channels has 192 weights.

>>> LayerNormalization(epsilon=1e-6).count_params((None, 56, 56, 96))
192
>>> LayerNormalization(axis=[1, 2], center=False).count_params((None, 7, 5, 3))
35
"""

from __future__ import annotations

import math
from typing import Any

from conv_calc.keras.base import KerasLayer, as_keras_shape, wrap_builtin
from conv_calc.keras.errors import WRAP_PREFIX, KerasTypeError, KerasValueError

__all__ = ["LayerNormalization"]


class LayerNormalization(KerasLayer):
    """keras.layers.LayerNormalization: shape unchanged, per-position scale and shift on ``axis``."""

    def __init__(self, axis=-1, epsilon=1e-3, center=True, scale=True,
                 beta_initializer="zeros", gamma_initializer="ones", beta_regularizer=None,
                 gamma_regularizer=None, beta_constraint=None, gamma_constraint=None, **kwargs):
        self.rms_scaling = kwargs.pop("rms_scaling", False)
        self._layer_init(kwargs)
        if isinstance(axis, (list, tuple)):
            self.axis = list(axis)
        elif isinstance(axis, int):
            self.axis = axis
        else:
            # layer_normalization.py: LayerNormalization.__init__
            raise KerasTypeError("Expected an int or a list/tuple of ints for the argument "
                                 f"'axis', but received: {axis!r}",
                                 hint="axis is the normalised axis (-1, the channels) or a "
                                      "list of axes.")
        self.epsilon, self.center, self.scale = epsilon, center, scale

    def _axes(self) -> list:
        return self.axis if isinstance(self.axis, list) else [self.axis]

    def _weight_shape(self, shape: tuple) -> tuple:
        """layer_normalization.py: build reads ``input_shape[axis]`` for each axis."""
        try:
            return tuple(shape[a] for a in sorted(self._axes()))
        except (IndexError, TypeError) as exc:
            raise wrap_builtin(exc, f"axis={self.axis} does not exist in a rank-{len(shape)} "
                                    f"input {shape}.") from None

    def _build(self, shape: tuple) -> None:
        self._weight_shape(shape)

    def _call(self, shape: tuple) -> tuple:
        """On the torch backend, contiguous axes go to ``F.layer_norm``, which normalises the
        trailing dims only (keras/src/ops/nn.py: _layer_normalization)."""
        axes = sorted(self._axes())
        continuous = len(axes) <= 1 or (axes[1] - axes[0] in (1, -1) and all(
            b - a == axes[1] - axes[0] for a, b in zip(axes, axes[1:])))
        if continuous and not self.rms_scaling:
            normalized = tuple(shape[a] for a in axes)
            if not normalized or tuple(shape[-len(normalized):]) != normalized:
                raise wrap_builtin(
                    RuntimeError(f"{WRAP_PREFIX} LayerNormalization.call()."),
                    hint=f"on the torch backend, axis={self.axis} must be the last axes of the "
                         f"input {shape} (torch's layer_norm normalises trailing dims): use "
                         f"axis=-1 or move the axis last (Permute) first.")
        return self.compute_output_shape(shape)

    def compute_output_shape(self, input_shape: Any) -> tuple:
        shape = as_keras_shape(input_shape)
        for axis in self._axes():
            if axis >= len(shape) or axis < -len(shape):
                raise KerasValueError(
                    f"Axis {axis} is out of bounds for input shape {shape}. "
                    f"Received: axis={self.axis}",
                    hint=f"axis={axis} does not exist in a rank-{len(shape)} input; -1 is the "
                         "channels (channels_last).")
        return shape

    def count_params(self, input_shape: Any) -> int:
        n = math.prod(d or 0 for d in self._weight_shape(as_keras_shape(input_shape)))
        gamma = bool(self.scale) or bool(self.rms_scaling)
        beta = bool(self.center) and not self.rms_scaling
        return n * (gamma + beta)

    def __repr__(self) -> str:
        return f"LayerNormalization(axis={self.axis})"
