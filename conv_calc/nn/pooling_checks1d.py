"""The 1d pooling kernels of ATen: ``max_pool1d``, and the two that run the 2d kernel.

``max_pool1d`` (no indices) has its own checks and ``max_pool1d() ...``
messages; ``max_pool1d_with_indices`` and ``avg_pool1d`` check the rank and the
argument lengths, then run the 2d kernel on ``(..., 1, L)``, so their messages
show that 4-d view (``Given input size: (4x1x2)``).

>>> max_pool1d((2, 3, 10), (3,), (), (1,), (1,), False)
(2, 3, 4)
>>> avg_pool1d((3, 10), (4,), (2,), (0,), True)
(3, 4)
"""

from __future__ import annotations

from conv_calc.formulas import effective_kernel_size
from conv_calc.nn.base import fmt_list
from conv_calc.nn.pooling_args import cdiv
from conv_calc.nn.pooling_checks import (
    avg_pool2d,
    max_pool2d_with_indices,
    pooling_output_shape,
    rt,
)

__all__ = ["max_pool1d", "max_pool1d_with_indices", "avg_pool1d"]


def _check_dim_range(fn: str, shape: tuple[int, ...], layer: str) -> None:
    if not 2 <= len(shape) < 4:
        # aten/src/ATen/TensorUtils.cpp: checkDimRange
        raise rt(f"Expected 2 to 3 dimensions, but got {len(shape)}-dimensional tensor for "
                  f"argument #1 'self' (while checking arguments for {fn})",
                  f"{layer} takes (C, L) or (N, C, L) input; got {len(shape)} dimensions "
                  f"{fmt_list(shape)}.")


def _check1d(fn: str, name: str, values: tuple[int, ...]) -> None:
    if len(values) != 1:
        # aten/src/ATen/native/Pooling.cpp: check1d
        raise rt(f"{fn}() argument '{name}' should contain one int (got {len(values)})",
                  f"{name} {fmt_list(values)} has {len(values)} values; a 1d pool takes one.")


def _squeeze_h(out: tuple[int, ...]) -> tuple[int, ...]:
    return (*out[:-2], out[-1])


def avg_pool1d(shape: tuple[int, ...], kernel: tuple[int, ...], stride: tuple[int, ...],
               padding: tuple[int, ...], ceil_mode: bool) -> tuple[int, ...]:
    """ATen Pooling.cpp ``avg_pool1d``: checks, then ``avg_pool2d`` on ``(…, 1, L)``."""
    # aten/src/ATen/native/Pooling.cpp: avg_pool1d
    if not stride:
        stride = kernel
    _check_dim_range("avg_pool1d", shape, "AvgPool1d")
    _check1d("avg_pool1d", "kernel_size", kernel)
    _check1d("avg_pool1d", "stride", stride)
    _check1d("avg_pool1d", "padding", padding)
    out = avg_pool2d((*shape[:-1], 1, shape[-1]), (1, kernel[0]), (1, stride[0]),
                     (0, padding[0]), ceil_mode, None)
    return _squeeze_h(out)


def max_pool1d_with_indices(shape: tuple[int, ...], kernel: tuple[int, ...],
                            stride: tuple[int, ...], padding: tuple[int, ...],
                            dilation: tuple[int, ...], ceil_mode: bool) -> tuple[int, ...]:
    """ATen Pooling.cpp ``max_pool1d_with_indices``: checks, then the 2d kernel."""
    # aten/src/ATen/native/Pooling.cpp: max_pool1d_with_indices
    if not stride:
        stride = kernel
    _check_dim_range("max_pool1d", shape, "MaxPool1d")
    _check1d("max_pool1d", "kernel_size", kernel)
    _check1d("max_pool1d", "stride", stride)
    _check1d("max_pool1d", "padding", padding)
    _check1d("max_pool1d", "dilation", dilation)
    out = max_pool2d_with_indices((*shape[:-1], 1, shape[-1]), (1, kernel[0]), (1, stride[0]),
                                  (0, padding[0]), (1, dilation[0]), ceil_mode)
    return _squeeze_h(out)


def max_pool1d(shape: tuple[int, ...], kernel: tuple[int, ...], stride: tuple[int, ...],
               padding: tuple[int, ...], dilation: tuple[int, ...],
               ceil_mode: bool) -> tuple[int, ...]:
    """ATen MaxPooling.cpp ``max_pool1d`` (no indices): its own checks and messages."""
    ndim = len(shape)
    # aten/src/ATen/native/MaxPooling.cpp: max_pool1d
    if not ((ndim == 2 and shape[0] != 0 and shape[1] != 0)
            or (ndim == 3 and shape[1] != 0 and shape[2] != 0)):
        raise rt("max_pool1d: Expected 2D or 3D (batch mode) tensor with optional 0 dim batch "
                  f"size for input, but got:{fmt_list(shape)}",
                  f"MaxPool1d takes (C, L) or (N, C, L) input with only the batch allowed to be "
                  f"0; got {fmt_list(shape)}.")
    # aten/src/ATen/native/MaxPooling.cpp: check_max_pool1d
    if len(kernel) != 1:
        raise rt("max_pool1d() kernel_size must be an int, list of ints or tuple of ints of "
                  f"size 1 but got size {len(kernel)}",
                  f"kernel_size {fmt_list(kernel)} has {len(kernel)} values; MaxPool1d takes one.")
    if len(stride) not in (0, 1):
        raise rt("max_pool1d() stride must be None, an int, list of ints, or tuple of ints of "
                  f"size 1 but got size {len(stride)}",
                  f"stride {fmt_list(stride)} has {len(stride)} values; MaxPool1d takes one.")
    if len(padding) != 1:
        raise rt("max_pool1d() padding must be an int, list of ints, or tuple of ints of "
                  f"size 1 but got size {len(padding)}",
                  f"padding {fmt_list(padding)} has {len(padding)} values; MaxPool1d takes one.")
    if len(dilation) != 1:
        raise rt("max_pool1d() dilation must be an int, list of ints or tuple of ints of "
                  f"size 1 but got size {len(dilation)}",
                  f"dilation {fmt_list(dilation)} has {len(dilation)} values; MaxPool1d takes one.")
    if not stride:
        stride = kernel
    k, s, p, d = kernel[0], stride[0], padding[0], dilation[0]
    if k <= 0:
        raise rt(f"max_pool1d() kernel_size must be greater than zero, but got {k}",
                  f"kernel_size is {k}: use kernel_size >= 1.")
    if s <= 0:
        raise rt(f"max_pool1d() stride must be greater than zero, but got {s}",
                  f"stride is {s}: use a stride of at least 1.")
    if p < 0:
        raise rt(f"max_pool1d() padding must be non-negative, but got {p}",
                  f"padding is {p}: pooling padding must be 0 or more.")
    if p > cdiv(k, 2):
        raise rt(f"max_pool1d() padding should be at most half of kernel size, but got "
                  f"padding={p} and kernel_size={k}",
                  f"padding {p} is more than half of kernel_size {k} (dilation does not count "
                  f"here): use padding <= {k // 2}.")
    if d <= 0:
        raise rt(f"max_pool1d() dilation must be greater than zero, but got {d}",
                  f"dilation is {d}: use dilation >= 1.")
    out = pooling_output_shape(shape[-1], k, p, s, d, ceil_mode)
    if out <= 0:
        raise rt(f"max_pool1d() Invalid computed output size: {out}",
                  f"the window spans {effective_kernel_size(k, d)} (kernel {k}, dilation {d}) "
                  f"but the padded input has {shape[-1] + 2 * p}: enlarge the input or lower "
                  f"kernel_size or dilation.")
    return (*shape[:-1], out)
