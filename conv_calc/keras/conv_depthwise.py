"""Keras 3 depthwise and separable convolutions: DepthwiseConv1D/2D, SeparableConv1D/2D.

Shape per spatial axis as a conv (:mod:`conv_calc.keras.conv`); the channels
become ``in_channels * depth_multiplier`` (depthwise) or ``filters`` (separable).

>>> DepthwiseConv2D(3, depth_multiplier=2, padding="same").compute_output_shape((None, 8, 8, 3))
(None, 8, 8, 6)

Errors (ValueError unless noted): at construction the shared checks of
:class:`~conv_calc.keras.conv_base.ConvBase`, depth_multiplier and filters <= 0;
when built, kernel shapes that are not fully defined.
"""

from __future__ import annotations

import math
from typing import Any

from conv_calc.keras.base import as_keras_shape, tracked, wrap_builtin
from conv_calc.keras.conv_base import ConvBase, compute_conv_output_shape
from conv_calc.keras.errors import KerasValueError

__all__ = ["DepthwiseConv1D", "DepthwiseConv2D", "SeparableConv1D", "SeparableConv2D",
           "BaseDepthwiseConv", "BaseSeparableConv"]


class BaseDepthwiseConv(ConvBase):
    """keras/src/layers/convolutional/base_depthwise_conv.py: BaseDepthwiseConv."""

    def _setup(self, depth_multiplier: Any, kernel_size: Any, strides: Any, padding: Any,
               data_format: Any, dilation_rate: Any, use_bias: Any, kwargs: dict,
               activation: Any = None) -> None:
        self.depth_multiplier = tracked(depth_multiplier)  # Layer.__setattr__
        self._common(kernel_size, strides, padding, data_format, dilation_rate, use_bias, kwargs,
                     activation=activation)
        self._check_depth_multiplier()
        self._check_kernel_strides()

    def _check_depth_multiplier(self) -> None:
        dm = self.depth_multiplier
        if dm is not None and dm <= 0:
            raise KerasValueError(
                "Invalid value for argument `depth_multiplier`. Expected a strictly positive "
                f"value. Received depth_multiplier={dm}.",
                hint=f"depth_multiplier={dm}: use depth_multiplier >= 1.")

    def _out_filters(self, shape: tuple) -> Any:
        return self.depth_multiplier * self._channels(shape)

    def _compute(self, shape: tuple) -> Any:
        return compute_conv_output_shape(shape, self._out_filters(shape), self.kernel_size,
                                         self.strides, self.padding, self.data_format,
                                         self.dilation_rate)

    def _build(self, shape: tuple) -> None:
        self.compute_output_shape(shape)
        self._check_weight_shape(self.kernel_size + (self._channels(shape), self.depth_multiplier))

    def _call(self, shape: tuple) -> tuple:
        self._torch_checks(shape)
        if self._channels(shape) == 0:
            raise self._backend_error(RuntimeError, "an input with 0 channels makes 0 groups, "
                                      "which torch rejects: the channel dim must be >= 1.")
        return self.compute_output_shape(shape)

    def count_params(self, input_shape: Any) -> int:
        c = self._channels(as_keras_shape(input_shape))
        return (math.prod(self.kernel_size) * c * self.depth_multiplier
                + (c * self.depth_multiplier if self.use_bias else 0))

    def macs(self, input_shape: Any) -> int:
        """``batch * prod(out spatial) * in_channels * depth_multiplier * prod(kernel)``."""
        shape = as_keras_shape(input_shape)
        out = self.compute_output_shape(shape)
        return ((shape[0] or 1) * math.prod(self._spatial(out)) * self._channels(shape)
                * self.depth_multiplier * math.prod(self.kernel_size))


class DepthwiseConv1D(BaseDepthwiseConv):
    """keras.layers.DepthwiseConv1D.

    >>> DepthwiseConv1D(3, depth_multiplier=2).compute_output_shape((None, 10, 4))
    (None, 8, 8)
    """

    rank = 1

    def __init__(self, kernel_size, strides=1, padding="valid", depth_multiplier=1,
                 data_format=None, dilation_rate=1, activation=None, use_bias=True,
                 depthwise_initializer="glorot_uniform", bias_initializer="zeros",
                 depthwise_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 depthwise_constraint=None, bias_constraint=None, **kwargs):
        self._setup(depth_multiplier, kernel_size, strides, padding, data_format, dilation_rate,
                    use_bias, kwargs, activation=activation)


class DepthwiseConv2D(BaseDepthwiseConv):
    """keras.layers.DepthwiseConv2D.

    >>> DepthwiseConv2D(3, strides=2, padding="same").compute_output_shape((None, 112, 112, 32))
    (None, 56, 56, 32)
    """

    rank = 2

    def __init__(self, kernel_size, strides=(1, 1), padding="valid", depth_multiplier=1,
                 data_format=None, dilation_rate=(1, 1), activation=None, use_bias=True,
                 depthwise_initializer="glorot_uniform", bias_initializer="zeros",
                 depthwise_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 depthwise_constraint=None, bias_constraint=None, **kwargs):
        self._setup(depth_multiplier, kernel_size, strides, padding, data_format, dilation_rate,
                    use_bias, kwargs, activation=activation)


class BaseSeparableConv(BaseDepthwiseConv):
    """keras/src/layers/convolutional/base_separable_conv.py: BaseSeparableConv."""

    def _setup_sep(self, depth_multiplier: Any, filters: Any, kernel_size: Any, strides: Any,
                   padding: Any, data_format: Any, dilation_rate: Any, use_bias: Any,
                   kwargs: dict, activation: Any = None) -> None:
        # Layer.__setattr__ turns list values into TrackedList
        self.depth_multiplier, self.filters = tracked(depth_multiplier), tracked(filters)
        filters = self.filters
        self._common(kernel_size, strides, padding, data_format, dilation_rate, use_bias, kwargs,
                     activation=activation)
        self._check_depth_multiplier()
        self._check_filters(filters)
        self._check_kernel_strides(sep=True)

    def _out_filters(self, shape: tuple) -> Any:
        return self.filters

    def _build(self, shape: tuple) -> None:
        c = self._channels(shape)
        if self.depth_multiplier is None:
            # base_separable_conv.py: build computes the pointwise kernel shape
            # (depth_multiplier * input_channel) before compute_output_shape
            raise wrap_builtin(TypeError("unsupported operand type(s) for *: 'NoneType' and 'int'"),
                               hint="depth_multiplier=None: give an integer >= 1.")
        self.compute_output_shape(shape)
        self._check_weight_shape(self.kernel_size + (c, self.depth_multiplier))
        # base_separable_conv.py: build adds the pointwise kernel next (standardize_shape)
        self._check_weight_shape((1,) * self.rank + (self.depth_multiplier * c, self.filters))
        if self.filters is None:
            kshape = (1,) * self.rank + (self.depth_multiplier * c, self.filters)
            raise KerasValueError(
                "Shapes used to initialize variables must be fully-defined (no `None` "
                f"dimensions). Received: shape={kshape} for variable "
                f"path='{self.name}/pointwise_kernel'",
                hint="filters=None cannot make the pointwise kernel: give filters.")

    def count_params(self, input_shape: Any) -> int:
        c = self._channels(as_keras_shape(input_shape))
        dm = self.depth_multiplier
        return (math.prod(self.kernel_size) * c * dm + c * dm * self.filters
                + (self.filters if self.use_bias else 0))

    def macs(self, input_shape: Any) -> int:
        """The depthwise MACs plus ``batch * prod(out spatial) * in_channels * dm * filters``."""
        shape = as_keras_shape(input_shape)
        out = self.compute_output_shape(shape)
        c, dm = self._channels(shape), self.depth_multiplier
        pos = (shape[0] or 1) * math.prod(self._spatial(out))
        return pos * c * dm * math.prod(self.kernel_size) + pos * c * dm * self.filters


class SeparableConv1D(BaseSeparableConv):
    """keras.layers.SeparableConv1D.

    >>> SeparableConv1D(8, 3).compute_output_shape((None, 10, 4))
    (None, 8, 8)
    """

    rank = 1

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, depth_multiplier=1, activation=None, use_bias=True,
                 depthwise_initializer="glorot_uniform", pointwise_initializer="glorot_uniform",
                 bias_initializer="zeros", depthwise_regularizer=None,
                 pointwise_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 depthwise_constraint=None, pointwise_constraint=None, bias_constraint=None,
                 **kwargs):
        self._setup_sep(depth_multiplier, filters, kernel_size, strides, padding, data_format,
                        dilation_rate, use_bias, kwargs, activation=activation)


class SeparableConv2D(BaseSeparableConv):
    """keras.layers.SeparableConv2D.

    >>> SeparableConv2D(8, 3, padding="same").compute_output_shape((None, 10, 10, 4))
    (None, 10, 10, 8)
    """

    rank = 2

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid", data_format=None,
                 dilation_rate=(1, 1), depth_multiplier=1, activation=None, use_bias=True,
                 depthwise_initializer="glorot_uniform", pointwise_initializer="glorot_uniform",
                 bias_initializer="zeros", depthwise_regularizer=None,
                 pointwise_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 depthwise_constraint=None, pointwise_constraint=None, bias_constraint=None,
                 **kwargs):
        self._setup_sep(depth_multiplier, filters, kernel_size, strides, padding, data_format,
                        dilation_rate, use_bias, kwargs, activation=activation)

