"""What the Keras 3 convolutions share: the output-shape functions and :class:`ConvBase`.

``compute_conv_output_shape`` and ``compute_conv_transpose_output_shape`` port
keras/src/ops/operation_utils.py and keras/src/backend/common/backend_utils.py
with integer maths (:mod:`conv_calc.keras.ops`); :class:`ConvBase` holds the
argument standardisation, the checks the four conv families share, the torch
backend's own refusals and the per-axis geometry (:mod:`conv_calc.geometry`).

>>> compute_conv_transpose_output_shape((None, 5, 4), (3,), 2, (2,), "same", None,
...                                     "channels_last", (1,))
[None, 10, 2]
"""

from __future__ import annotations

from typing import Any

from conv_calc.formulas import effective_kernel_size
from conv_calc.geometry import Axis, windows
from conv_calc.keras import ops
from conv_calc.keras.base import (
    KerasLayer,
    as_keras_shape,
    standardize_data_format,
    standardize_padding,
    standardize_tuple,
    wrap_builtin,
)
from conv_calc.keras.core import _activation
from conv_calc.keras.errors import WRAP_PREFIX, KerasTypeError, KerasValueError
from conv_calc.nn.tensor_checks import check_storage
from conv_calc.keras.fmt import np_str

__all__ = ["ConvBase", "compute_conv_output_shape", "compute_conv_transpose_output_shape"]


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



class ConvBase(KerasLayer):
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
        pads = []
        for i in range(self.rank):
            n, k, s, d = spatial[i], self.kernel_size[i], self.strides[i], self.dilation_rate[i]
            if self.transposed:
                op = None if self.output_padding is None else self.output_padding[i]
                pads.append(ops.deconv_padding(k, s, self.padding, op, d))
            else:
                pads.append(ops.conv_padding(n, k, s, self.padding, d) or (None, None))
        return windows(len(shape), self._spatial_start(), tuple(self.kernel_size),
                       tuple(self.strides), tuple(self.dilation_rate),
                       tuple(p[0] for p in pads), tuple(p[1] for p in pads), self.transposed)

    def _check_weight_shape(self, kshape: tuple) -> None:
        """keras/src/backend/common/variables.py: standardize_shape on a weight's shape."""
        for d in kshape:
            if d is not None and not isinstance(d, int):
                raise KerasValueError(
                    f"Cannot convert '{kshape}' to a shape. Found invalid dimension '{d}' of "
                    f"type '{type(d)}'. ",
                    hint=f"the kernel shape {kshape} holds {d!r}: sizes must be integers.")
        # The torch backend then makes the kernel (torch.rand in its initializers): sizes are
        # int64 and so is the tensor's byte count.
        for pos, d in enumerate(kshape, 1):
            # Only the range: torch.rand takes bools as sizes (kernel_size=(True, True) works).
            if d is not None and not -2 ** 63 <= d < 2 ** 63:
                raise KerasTypeError(
                    f"rand(): argument 'size' failed to unpack the object at pos {pos} with "
                    f"error \"Overflow when unpacking long long",
                    hint=f"the kernel shape {kshape} has {d}, past int64: use sizes below 2**63.")
        check_storage([d for d in kshape if d is not None],
                      hint=f"the kernel {kshape} has more float32 bytes than int64 counts: use "
                           f"fewer filters or a smaller kernel.")

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
        return wrap_builtin(exc_cls(f"{WRAP_PREFIX} {name}.call()."), hint)

