"""Keras 3 convolutions: Conv1D-3D; the transposed, depthwise and separable ones are re-exported.

Shape (channels_last ``(batch, *spatial, channels)``; channels_first puts the
channels second), per spatial axis, see :mod:`conv_calc.keras.ops`::

    valid: (n - k_eff) // s + 1      same / causal: ceil(n / s)
    transposed: (n - 1) * s + max(k_eff, s)  | n * s   (output_padding None)

>>> from conv_calc.keras import layers
>>> layers.Conv2D(64, 7, strides=2, padding="same").compute_output_shape((None, 224, 224, 3))
(None, 112, 112, 64)
>>> layers.Conv2D(64, 7, strides=2, padding="same").geometry((None, 224, 224, 3))[0]
Axis(kernel=7, stride=2, dilation=1, pad_left=2, pad_right=3, transposed=False)

Errors (ValueError unless noted): at construction standardize_tuple / padding /
data_format, filters, groups, kernel 0, strides 0, strides > 1 with dilation > 1,
output_padding >= strides; in compute_output_shape "Computed output size would
be zero or negative", kernel/input rank mismatch; when called, the input spec
(min_ndim) and build's groups check.
"""

from __future__ import annotations

import math
from typing import Any

from conv_calc.keras.base import as_keras_shape, tracked
from conv_calc.keras.conv_base import (  # noqa: F401 - importable from here as before
    ConvBase,
    compute_conv_output_shape,
    compute_conv_transpose_output_shape,
)
from conv_calc.keras.conv_depthwise import (  # noqa: F401
    DepthwiseConv1D,
    DepthwiseConv2D,
    SeparableConv1D,
    SeparableConv2D,
)
from conv_calc.keras.conv_transpose import (  # noqa: F401
    Conv1DTranspose,
    Conv2DTranspose,
    Conv3DTranspose,
)
from conv_calc.keras.errors import KerasValueError

__all__ = ["Conv1D", "Conv2D", "Conv3D", "Conv1DTranspose", "Conv2DTranspose",
           "Conv3DTranspose", "DepthwiseConv1D", "DepthwiseConv2D", "SeparableConv1D",
           "SeparableConv2D", "compute_conv_output_shape", "compute_conv_transpose_output_shape"]


class BaseConv(ConvBase):
    """keras/src/layers/convolutional/base_conv.py: BaseConv."""

    def _setup(self, filters: Any, kernel_size: Any, strides: Any, padding: Any,
               data_format: Any, dilation_rate: Any, groups: Any, use_bias: Any,
               kwargs: dict, activation: Any = None) -> None:
        filters, groups = tracked(filters), tracked(groups)  # Layer.__setattr__
        self.filters, self.groups = filters, groups
        self._common(kernel_size, strides, padding, data_format, dilation_rate, use_bias, kwargs,
                     causal=self.rank == 1, activation=activation)
        self._check_filters(filters)
        if groups <= 0:
            raise KerasValueError(
                f"The number of groups must be a positive integer. Received: groups={groups}.",
                hint=f"groups={groups}: use groups >= 1.")
        if filters is not None and filters % groups != 0:
            raise KerasValueError(
                "The number of filters must be evenly divisible by the number of groups. "
                f"Received: groups={groups}, filters={filters}.",
                hint=f"filters={filters} is not a multiple of groups={groups}.")
        self._check_kernel_strides()
        self._check_dilation_strides()

    def _compute(self, shape: tuple) -> Any:
        return compute_conv_output_shape(shape, self.filters, self.kernel_size, self.strides,
                                         self.padding, self.data_format, self.dilation_rate)

    def _build(self, shape: tuple) -> None:
        c = self._channels(shape)
        if c % self.groups != 0:
            # base_conv.py: BaseConv.build
            raise KerasValueError(
                "The number of input channels must be evenly divisible by the number of groups. "
                f"Received groups={self.groups}, but the input has {c} channels "
                f"(full input shape is {shape}).",
                hint=f"{c} input channels cannot be split into {self.groups} groups.")
        self.compute_output_shape(shape)
        self._check_weight_shape(self.kernel_size + (c // self.groups, self.filters))
        if self.filters is None:
            kshape = self.kernel_size + (c // self.groups, self.filters)
            raise KerasValueError(
                "Shapes used to initialize variables must be fully-defined (no `None` "
                f"dimensions). Received: shape={kshape} for variable path='{self.name}/kernel'",
                hint="filters=None cannot make a kernel: give filters.")

    def _call(self, shape: tuple) -> tuple:
        c = self._channels(shape)
        if c == 0:
            raise self._backend_error(ZeroDivisionError, "an input with 0 channels cannot be "
                                      "convolved: the channel dim must be >= 1.")
        self._torch_checks(shape)
        return self.compute_output_shape(shape)

    def count_params(self, input_shape: Any) -> int:
        c = self._channels(as_keras_shape(input_shape))
        return (math.prod(self.kernel_size) * (c // self.groups) * self.filters
                + (self.filters if self.use_bias else 0))

    def macs(self, input_shape: Any) -> int:
        """``batch * prod(out spatial) * filters * prod(kernel) * in_channels / groups``."""
        shape = as_keras_shape(input_shape)
        out = self.compute_output_shape(shape)
        c = self._channels(shape)
        return ((shape[0] or 1) * math.prod(self._spatial(out)) * self.filters
                * math.prod(self.kernel_size) * (c // self.groups))


class Conv1D(BaseConv):
    """keras.layers.Conv1D: ``(batch, steps, channels)``; padding may be 'causal'.

    >>> Conv1D(8, 3, padding="causal", dilation_rate=2).compute_output_shape((None, 10, 4))
    (None, 10, 8)
    """

    rank = 1

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, groups=1, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        self._setup(filters, kernel_size, strides, padding, data_format, dilation_rate, groups,
                    use_bias, kwargs, activation=activation)


class Conv2D(BaseConv):
    """keras.layers.Conv2D: ``(batch, rows, cols, channels)``.

    >>> Conv2D(4, 3).compute_output_shape((2, 8, 8, 3))
    (2, 6, 6, 4)
    """

    rank = 2

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid", data_format=None,
                 dilation_rate=(1, 1), groups=1, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        self._setup(filters, kernel_size, strides, padding, data_format, dilation_rate, groups,
                    use_bias, kwargs, activation=activation)


class Conv3D(BaseConv):
    """keras.layers.Conv3D: ``(batch, d1, d2, d3, channels)``.

    >>> Conv3D(4, 3, padding="same").compute_output_shape((1, 5, 5, 5, 2))
    (1, 5, 5, 5, 4)
    """

    rank = 3

    def __init__(self, filters, kernel_size, strides=(1, 1, 1), padding="valid",
                 data_format=None, dilation_rate=(1, 1, 1), groups=1, activation=None,
                 use_bias=True, kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        self._setup(filters, kernel_size, strides, padding, data_format, dilation_rate, groups,
                    use_bias, kwargs, activation=activation)

