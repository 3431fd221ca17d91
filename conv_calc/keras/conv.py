"""Keras 3 convolutions: Conv1D-3D, Conv1D-3DTranspose, DepthwiseConv1D/2D, SeparableConv1D/2D.

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

from conv_calc.formulas import effective_kernel_size
from conv_calc.geometry import Axis
from conv_calc.keras import ops
from conv_calc.keras.base import (
    KerasLayer,
    as_keras_shape,
    standardize_data_format,
    standardize_padding,
    standardize_tuple,
    tracked,
    wrap_builtin,
)
from conv_calc.keras.errors import WRAP_PREFIX, KerasValueError
from conv_calc.keras.fmt import np_str
from conv_calc.keras.core import _activation

__all__ = ["Conv1D", "Conv2D", "Conv3D", "Conv1DTranspose", "Conv2DTranspose",
           "Conv3DTranspose", "DepthwiseConv1D", "DepthwiseConv2D", "SeparableConv1D",
           "SeparableConv2D", "compute_conv_output_shape", "compute_conv_transpose_output_shape"]


def compute_conv_output_shape(input_shape: tuple, filters: Any, kernel_size: tuple,
                              strides: tuple, padding: Any, data_format: str,
                              dilation_rate: tuple) -> tuple:
    """keras/src/ops/operation_utils.py: compute_conv_output_shape, with integer maths.

    >>> compute_conv_output_shape((None, 9, None, 3), 8, (3, 3), (2, 2), "valid", "channels_last", (1, 1))
    (None, 4, None, 8)
    """
    if data_format == "channels_last":
        spatial = input_shape[1:-1]
        kernel_shape = kernel_size + (input_shape[-1], filters)
    else:
        spatial = input_shape[2:]
        kernel_shape = kernel_size + (input_shape[1], filters)
    if len(kernel_shape) != len(input_shape):
        # keras/src/ops/operation_utils.py: compute_conv_output_shape
        raise KerasValueError(
            "Kernel shape must have the same length as input, but received kernel of shape "
            f"{kernel_shape} and input of shape {input_shape}.",
            hint=f"a {len(kernel_size)}-d conv takes inputs of rank {len(kernel_size) + 2} "
                 f"(batch, spatial..., channels); got rank {len(input_shape)}: {input_shape}.")
    if padding not in ("valid", "same", "causal"):
        # operation_utils.py: compute_conv_output_shape (a list/tuple padding passes the constructor)
        raise KerasValueError(
            f"`padding` must be either `'valid'` or `'same'`. Received {padding}.",
            hint=f"padding={padding!r}: Keras convs take 'valid' or 'same' only; pad explicitly "
                 f"with a ZeroPadding layer.")
    out = []
    for n, k, s, d in zip(spatial, kernel_size, strides, dilation_rate):
        size = ops.conv_output_length(-1 if n is None else n, k, s, padding, d)
        out.append(size)
    if padding == "valid":
        bad = [i for i, (n, o) in enumerate(zip(spatial, out)) if n is not None and o <= 0]
        if bad:
            i = bad[0]
            k_eff = effective_kernel_size(kernel_size[i], dilation_rate[i])
            # operation_utils.py: compute_conv_output_shape
            raise KerasValueError(
                "Computed output size would be zero or negative. Received "
                f"`inputs shape={input_shape}`, `kernel shape={kernel_shape}`, "
                f"`dilation_rate={np_str(dilation_rate)}`, `strides={strides}`, "
                f"`padding={padding}`.",
                hint=f"spatial axis {i} has {spatial[i]} pixels but the kernel spans {k_eff} "
                     f"(kernel {kernel_size[i]}, dilation {dilation_rate[i]}): enlarge the input, "
                     f"shrink the kernel, or use padding='same'.")
    out = tuple(None if n is None else o for n, o in zip(spatial, out))
    if data_format == "channels_last":
        return (input_shape[0],) + out + (kernel_shape[-1],)
    return (input_shape[0], kernel_shape[-1]) + out


def compute_conv_transpose_output_shape(input_shape: tuple, kernel_size: tuple, filters: Any,
                                        strides: tuple, padding: Any, output_padding: Any,
                                        data_format: str, dilation_rate: tuple) -> list:
    """keras/src/backend/common/backend_utils.py: compute_conv_transpose_output_shape (a list)."""
    nd = len(input_shape) - 2
    spatial = input_shape[1:-1] if data_format == "channels_last" else input_shape[2:]
    out = []
    for i in range(nd):
        op = None if output_padding is None else output_padding[i]
        n, k, s, d = spatial[i], kernel_size[i], strides[i], dilation_rate[i]
        if n is None:
            out.append(None)
            continue
        if not isinstance(padding, str):
            kind = "TrackedList" if isinstance(padding, list) else type(padding).__name__
            raise AttributeError(f"'{kind}' object has no attribute 'lower'")
        size = ops.deconv_output_length(n, k, s, padding.lower(), op, d)
        out.append(size if isinstance(size, int) else int(size))  # float kernels: Keras truncates
    if data_format == "channels_last":
        return [input_shape[0]] + out + [filters]
    return [input_shape[0], filters] + out


class _Base(KerasLayer):
    """Shared by the four conv families."""

    rank = 0
    transposed = False
    family = "conv"

    def _common(self, kernel_size: Any, strides: Any, padding: Any, data_format: Any,
                dilation_rate: Any, use_bias: Any, kwargs: dict, causal: bool = False,
                activation: Any = None) -> None:
        self._layer_init(kwargs)
        self.kernel_size = standardize_tuple(kernel_size, self.rank, "kernel_size")
        self.strides = standardize_tuple(strides, self.rank, "strides")
        self.dilation_rate = standardize_tuple(dilation_rate, self.rank, "dilation_rate")
        self.padding = standardize_padding(padding, allow_causal=causal)
        self.data_format = standardize_data_format(data_format)
        # base_conv.py (and the depthwise/separable bases): activations.get(activation) right
        # after the data_format, before filters/groups/depth_multiplier are checked
        self.activation = _activation(activation)
        self.use_bias = use_bias
        self.input_spec = ("min_ndim", self.rank + 2)

    def _channels(self, shape: tuple) -> Any:
        return shape[-1] if self.data_format == "channels_last" else shape[1]

    def _spatial(self, shape: tuple) -> tuple:
        return shape[1:-1] if self.data_format == "channels_last" else shape[2:]

    def _check_filters(self, filters: Any) -> None:
        if filters is not None and filters <= 0:
            # keras/src/layers/convolutional/base_conv.py: BaseConv.__init__
            raise KerasValueError(
                "Invalid value for argument `filters`. Expected a strictly positive value. "
                f"Received filters={filters}.", hint=f"filters={filters}: use filters >= 1.")

    def _check_kernel_strides(self, sep: bool = False) -> None:
        if not all(self.kernel_size):
            # base_conv.py / base_separable_conv.py: __init__
            raise KerasValueError(
                f"The argument `kernel_size` cannot contain 0. Received{':' if sep else ''} "
                f"kernel_size={self.kernel_size}.",
                hint="every kernel size must be >= 1.")
        if not all(self.strides):
            tail = "." if self.transposed else ""
            raise KerasValueError(
                f"The argument `strides` cannot contains 0{'(s)' if sep else ''}. "
                f"Received{':' if sep else ''} strides={self.strides}{tail}",
                hint="every stride must be >= 1.")

    def _check_dilation_strides(self) -> None:
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:
            # base_conv.py: BaseConv.__init__ (and base_conv_transpose.py)
            raise KerasValueError(
                "`strides > 1` not supported in conjunction with `dilation_rate > 1`. "
                f"Received: strides={self.strides} and dilation_rate={self.dilation_rate}",
                hint="Keras refuses strides > 1 together with dilation_rate > 1: use one of "
                     "them, or a strided layer followed by a dilated one.")

    def compute_output_shape(self, input_shape: Any) -> tuple:
        shape = as_keras_shape(input_shape)
        try:
            return tuple(self._compute(shape))
        except (TypeError, IndexError, AttributeError) as exc:
            if isinstance(exc, KerasValueError):
                raise
            raise wrap_builtin(exc, hint=f"{type(self).__name__} cannot read the input shape "
                                         f"{shape}: it needs rank {self.rank + 2} with a "
                                         f"known channel count.") from None

    def _compute(self, shape: tuple) -> Any:
        raise NotImplementedError

    def _out_filters(self, shape: tuple) -> Any:
        raise NotImplementedError

    def axis_geometry(self, in_shape: Any, out_shape: Any = None) -> tuple[Axis, ...]:
        """A window on each spatial axis, padded as Keras pads it (see :mod:`conv_calc.keras.ops`);
        'same' on an unknown size has unknown pads (None)."""
        shape = as_keras_shape(in_shape)
        spatial = self._spatial(shape)
        axes = []
        for i in range(self.rank):
            n, k, s, d = spatial[i], self.kernel_size[i], self.strides[i], self.dilation_rate[i]
            if self.transposed:
                op = None if self.output_padding is None else self.output_padding[i]
                left, right = ops.deconv_padding(k, s, self.padding, op, d)
                axes.append(Axis(k, s, d, left, right, transposed=True))
            else:
                pads = ops.conv_padding(n, k, s, self.padding, d)
                left, right = pads if pads is not None else (None, None)
                axes.append(Axis(k, s, d, left, right))
        return self._on_spatial(shape, axes)

    def _check_weight_shape(self, kshape: tuple) -> None:
        """keras/src/backend/common/variables.py: standardize_shape on a weight's shape."""
        for d in kshape:
            if d is not None and not isinstance(d, int):
                raise KerasValueError(
                    f"Cannot convert '{kshape}' to a shape. Found invalid dimension '{d}' of "
                    f"type '{type(d)}'. ",
                    hint=f"the kernel shape {kshape} holds {d!r}: sizes must be integers.")

    def _torch_checks(self, shape: tuple) -> None:
        """What the torch backend's conv call refuses that Keras's own checks let through."""
        bad = [v for v in self.strides + self.dilation_rate if not ops.torch_int(v)]
        if self.transposed and self.output_padding is not None:
            # backend_utils.py: compute_conv_transpose_padding_args_for_torch does arithmetic
            # on output_padding (a bool becomes an int there; a float stays a float)
            bad += [v for v in self.output_padding if not isinstance(v, int)]
        if bad:
            # keras/src/backend/torch/nn.py: conv / conv_transpose hand the standardized
            # tuples to torch.nn.functional.conv*d, whose argument parser takes ints only
            raise self._backend_error(TypeError, f"strides={self.strides} and dilation_rate="
                                      f"{self.dilation_rate} reach torch, which takes plain "
                                      f"integers below 2**63 (not {bad[0]!r}).")
        if not self.transposed and self.padding in ("same", "causal") and \
                0 in self._spatial(shape):
            # keras/src/backend/torch/nn.py: conv pads 'same'/'causal' to at most k_eff - 1
            # pixels, fewer than the kernel: torch's "Kernel size can't be greater than actual
            # input size"
            raise self._backend_error(RuntimeError, "a zero-size spatial dim stays smaller "
                                      "than the kernel even after 'same' padding: every "
                                      "spatial size must be >= 1.")

    def _backend_error(self, exc_cls: type, hint: str) -> Exception:
        # keras/src/utils/traceback_utils.py wraps errors raised inside Layer.call; the
        # body after the first line is the backend's (torch) text.
        name = type(self).__name__
        from conv_calc.keras.base import wrap_builtin as _wrap
        return _wrap(exc_cls(f"{WRAP_PREFIX} {name}.call()."), hint)


class BaseConv(_Base):
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


class BaseConvTranspose(_Base):
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


class BaseDepthwiseConv(_Base):
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
