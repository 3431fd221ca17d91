"""Keras 3 transposed convolutions: Conv1DTranspose, Conv2DTranspose, Conv3DTranspose.

Shape per spatial axis (:mod:`conv_calc.keras.ops`)::

    output_padding None:  valid (n - 1) * s + max(k_eff, s)     same n * s
    output_padding op:    valid (n - 1) * s + k_eff + op        same (n - 1) * s + k_eff % 2 + op

>>> Conv2DTranspose(8, 3, strides=2, padding="same").compute_output_shape((None, 7, 7, 4))
(None, 14, 14, 8)

Errors (ValueError unless noted): at construction the shared checks of
:class:`~conv_calc.keras.conv_base.ConvBase` and output_padding >= strides; when
built, a kernel shape that is not fully defined; when called, the torch backend's
refusals (rank, padding, zero-size dims).
"""

from __future__ import annotations

import math
from typing import Any

from conv_calc.keras.base import (
    as_keras_shape,
    standardize_data_format,
    standardize_padding,
    standardize_tuple,
    tracked,
)
from conv_calc.keras.conv_base import ConvBase, compute_conv_transpose_output_shape
from conv_calc.keras.core import _activation
from conv_calc.keras.errors import KerasValueError

__all__ = ["Conv1DTranspose", "Conv2DTranspose", "Conv3DTranspose", "BaseConvTranspose"]


class BaseConvTranspose(ConvBase):
    """keras/src/layers/convolutional/base_conv_transpose.py: BaseConvTranspose."""

    transposed = True
    family = "transposed"

    def _setup(self, filters: Any, kernel_size: Any, strides: Any, padding: Any,
               output_padding: Any, data_format: Any, dilation_rate: Any, use_bias: Any,
               kwargs: dict, activation: Any = None) -> None:
        filters = tracked(filters)  # Layer.__setattr__
        self.filters = filters
        self._layer_init(kwargs)
        self.kernel_size = standardize_tuple(kernel_size, self.rank, "kernel_size")
        self.strides = standardize_tuple(strides, self.rank, "strides")
        self.dilation_rate = standardize_tuple(dilation_rate, self.rank, "dilation_rate")
        self.padding = standardize_padding(padding)
        self.output_padding = (None if output_padding is None else
                               standardize_tuple(output_padding, self.rank, "output_padding",
                                                 allow_zero=True))
        self.data_format = standardize_data_format(data_format)
        # base_conv_transpose.py: activations.get(activation) before the filters check
        self.activation = _activation(activation)
        self.use_bias = use_bias
        self.input_spec = ("min_ndim", self.rank + 2)
        self._check_filters(filters)
        self._check_kernel_strides()
        if self.output_padding is not None:
            for i, (op, s) in enumerate(zip(self.output_padding, self.strides)):
                if op >= s:
                    # base_conv_transpose.py: BaseConvTranspose.__init__
                    raise KerasValueError(
                        "`output_padding` must be strictly less than `strides` for all "
                        f"dimensions. At dimension {i}, `output_padding` is {op} but `strides` "
                        f"is {s}. Received: output_padding={self.output_padding}, "
                        f"strides={self.strides}",
                        hint=f"output_padding {op} on axis {i} must be below the stride {s}.")
        self._check_dilation_strides()

    def _compute(self, shape: tuple) -> Any:
        return compute_conv_transpose_output_shape(
            shape, self.kernel_size, self.filters, self.strides, self.padding,
            self.output_padding, self.data_format, self.dilation_rate)

    def _build(self, shape: tuple) -> None:
        kshape = self.kernel_size + (self.filters, self._channels(shape))
        self._check_weight_shape(kshape)
        if self.filters is None:
            # keras/src/backend/common/variables.py: standardize_shape (via add_weight in
            # base_conv_transpose.py: BaseConvTranspose.build)
            raise KerasValueError(
                "Shapes used to initialize variables must be fully-defined (no `None` "
                f"dimensions). Received: shape={kshape} for variable path='{self.name}/kernel'",
                hint="filters=None cannot make a kernel: give filters.")

    def _call(self, shape: tuple) -> tuple:
        if len(shape) != self.rank + 2:
            # the torch backend's standardize_tuple on the strides, inside call
            raise self._backend_error(ValueError, f"{type(self).__name__} takes inputs of rank "
                                      f"{self.rank + 2}; got {len(shape)}.")
        if not isinstance(self.padding, str):
            raise self._backend_error(AttributeError, "padding must be 'valid' or 'same'.")
        self._torch_checks(shape)
        out = self.compute_output_shape(shape)
        if 0 in self._spatial(shape) and shape[0] != 0 or self._channels(shape) == 0 or any(
                o < 0 for o in self._spatial(out)):  # a negative size: torch refuses it too
            raise self._backend_error(RuntimeError, "torch's transposed conv rejects zero-size "
                                      "spatial or channel dims (only the batch may be 0).")
        return self.compute_output_shape(shape)

    def count_params(self, input_shape: Any) -> int:
        c = self._channels(as_keras_shape(input_shape))
        return (math.prod(self.kernel_size) * self.filters * c
                + (self.filters if self.use_bias else 0))

    def macs(self, input_shape: Any) -> int:
        """``batch * prod(in spatial) * in_channels * filters * prod(kernel)`` (torch's count)."""
        shape = as_keras_shape(input_shape)
        return ((shape[0] or 1) * math.prod(self._spatial(shape)) * self._channels(shape)
                * self.filters * math.prod(self.kernel_size))


class Conv1DTranspose(BaseConvTranspose):
    """keras.layers.Conv1DTranspose.

    >>> Conv1DTranspose(2, 3, strides=2, padding="same").compute_output_shape((None, 5, 4))
    (None, 10, 2)
    """

    rank = 1

    def __init__(self, filters, kernel_size, strides=1, padding="valid", output_padding=None,
                 data_format=None, dilation_rate=1, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        self._setup(filters, kernel_size, strides, padding, output_padding, data_format,
                    dilation_rate, use_bias, kwargs, activation=activation)


class Conv2DTranspose(BaseConvTranspose):
    """keras.layers.Conv2DTranspose.

    >>> Conv2DTranspose(2, 3, strides=2).compute_output_shape((1, 5, 5, 4))
    (1, 11, 11, 2)
    """

    rank = 2

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid",
                 output_padding=None, data_format=None, dilation_rate=(1, 1), activation=None,
                 use_bias=True, kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        self._setup(filters, kernel_size, strides, padding, output_padding, data_format,
                    dilation_rate, use_bias, kwargs, activation=activation)


class Conv3DTranspose(BaseConvTranspose):
    """keras.layers.Conv3DTranspose.

    >>> Conv3DTranspose(2, 2, strides=2, padding="same").compute_output_shape((1, 3, 3, 3, 4))
    (1, 6, 6, 6, 2)
    """

    rank = 3

    # keras/src/layers/convolutional/conv3d_transpose.py: unlike Conv1D/2DTranspose, the
    # positional order is (..., padding, data_format, output_padding, dilation_rate, ...)
    def __init__(self, filters, kernel_size, strides=(1, 1, 1), padding="valid",
                 data_format=None, output_padding=None, dilation_rate=(1, 1, 1),
                 activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None,
                 **kwargs):
        self._setup(filters, kernel_size, strides, padding, output_padding, data_format,
                    dilation_rate, use_bias, kwargs, activation=activation)

