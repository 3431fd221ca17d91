"""The checks and shape rules of ATen's pooling kernels (CPU), one function per kernel.

Each function takes the input shape and the arguments as C++ receives them
(tuples of ints after :func:`conv_calc.nn.pooling_args.parse_args`), runs
torch's checks in torch's order and returns the output shape. The layer
classes in :mod:`conv_calc.nn.pooling` call these the way ``F.max_pool2d`` &c.
call ATen; the 1d kernels are in :mod:`conv_calc.nn.pooling_checks1d`.

Per spatial dimension (ATen native/Pool.h ``pooling_output_shape``)::

    out = floor_or_ceil((L + 2*p - d*(k-1) - 1) / s) + 1
    if ceil_mode and (out - 1)*s >= L + p: out -= 1

>>> max_pool2d_with_indices((1, 3, 10, 9), (3,), (2,), (1,), (1,), False)
(1, 3, 5, 5)
>>> avg_pool3d((2, 7, 6, 5), (2, 2, 2), (), (0,), True, None)
(2, 4, 3, 3)
"""

from __future__ import annotations

from conv_calc.errors import LayerIndexError, LayerRuntimeError
from conv_calc.formulas import effective_kernel_size, pool_output_size
from conv_calc.nn.base import fmt_list
from conv_calc.nn.pooling_args import cdiv, downcast_int, wrap_int32

__all__ = [
    "pooling_output_shape",
    "rt",
    "max_pool2d_with_indices",
    "max_pool3d_with_indices",
    "avg_pool2d",
    "avg_pool3d",
]

_AXES = {2: ("height", "width"), 3: ("depth", "height", "width")}


def rt(message: str, hint: str) -> LayerRuntimeError:
    return LayerRuntimeError(message, hint=hint)


def pooling_output_shape(size: int, k: int, pad: int, stride: int, dilation: int,
                         ceil_mode: bool, axis: str = "") -> int:
    """ATen native/Pool.h ``pooling_output_shape``: three checks, then the formula.

    >>> pooling_output_shape(5, 2, 1, 2, 1, True)
    3
    """
    where = f" on the {axis} axis" if axis else ""
    # aten/src/ATen/native/Pool.h: pooling_output_shape
    if stride == 0:
        raise rt("stride should not be zero",
                  f"the stride{where} is 0 (a kernel_size of 0 with no stride gives stride 0 "
                  f"too): use a stride of at least 1.")
    if pad < 0:
        raise rt(f"pad must be non-negative, but got pad: {pad}",
                  f"padding{where} is {pad}: pooling padding must be 0 or more.")
    eff = (k - 1) * dilation + 1
    if pad > cdiv(eff, 2):
        raise rt(f"pad should be at most half of effective kernel size, but got pad={pad}, "
                  f"kernel_size={k} and dilation={dilation}",
                  f"padding {pad}{where} is more than half of the kernel's span "
                  f"{eff} (kernel {k}, dilation {dilation}): use padding <= {max(cdiv(eff, 2), 0)} "
                  f"or a larger kernel.")
    # Sizes beyond int32 wrap around in torch 2.13's CPU pooling (see wrap_int32).
    return wrap_int32(pool_output_size(size, k, stride, pad, dilation, ceil_mode))


def _too_small(planes: int, sizes: tuple[int, ...], outs: tuple[int, ...],
               k: tuple[int, ...], s: tuple[int, ...], p: tuple[int, ...],
               d: tuple[int, ...]) -> LayerRuntimeError:
    parts = [f"padded size {L + 2 * pp} against a window spanning {effective_kernel_size(kk, dd)}"
             f" gives {o}" for L, kk, pp, dd, o in zip(sizes, k, p, d, outs) if o < 1]
    # aten/src/ATen/native/Pool.h: pool2d_shape_check / pool3d_shape_check
    return rt(f"Given input size: ({'x'.join(str(v) for v in (planes, *sizes))}). "
               f"Calculated output size: ({'x'.join(str(v) for v in (planes, *outs))}). "
               f"Output size is too small",
               f"no window fits ({'; '.join(parts)}): enlarge the input, or lower "
               f"kernel_size or dilation.")


def _pool2d_shape_check(shape: tuple[int, ...], k: tuple[int, int], s: tuple[int, int],
                        p: tuple[int, int], d: tuple[int, int], outs: tuple[int, int],
                        dilated_max: bool) -> None:
    (kH, kW), (dH, dW), (padH, padW), (dilH, dilW) = k, s, p, d
    ndim = len(shape)
    # aten/src/ATen/native/Pool.h: pool2d_shape_check
    if not (kW > 0 and kH > 0):
        raise rt(f"kernel size should be greater than zero, but got kH: {kH} kW: {kW}",
                  f"kernel_size ({kH}, {kW}) has a value below 1: pooling windows need "
                  f"kernel_size >= 1.")
    if not (dW > 0 and dH > 0):
        raise rt(f"stride should be greater than zero, but got dH: {dH} dW: {dW}",
                  f"stride ({dH}, {dW}) has a negative value: use a stride of at least 1.")
    if not (dilH > 0 and dilW > 0):
        raise rt(f"dilation should be greater than zero, but got dilationH: {dilH} "
                  f"dilationW: {dilW}",
                  f"dilation ({dilH}, {dilW}) has a value below 1: use dilation >= 1.")
    valid_dims = shape[1] != 0 and shape[2] != 0
    if not ((ndim == 3 and shape[0] != 0 and valid_dims)
            or (ndim == 4 and valid_dims and shape[3] != 0)):
        raise rt("Expected 3D or 4D (batch mode) tensor with optional 0 dim batch size for "
                  f"input, but got:{fmt_list(shape)}",
                  f"input {fmt_list(shape)} has a zero-size dimension (or the wrong rank); only "
                  f"the batch may be 0: give every channel and spatial dim a size >= 1.")
    if dilated_max and not (cdiv(kW, 2) >= padW and cdiv(kH, 2) >= padH):
        # aten/src/ATen/native/Pool.h: pool2d_shape_check (max pooling's CPU kernel)
        raise rt("pad should be smaller than or equal to half of kernel size, but got "
                  f"padW = {padW}, padH = {padH}, kW = {kW}, kH = {kH}",
                  f"max pooling also needs padding <= kernel_size/2 of the kernel without "
                  f"dilation: padding ({padH}, {padW}) with kernel ({kH}, {kW}) is too much; "
                  f"use padding <= ({kH // 2}, {kW // 2}).")
    oH, oW = outs
    if not (oW >= 1 and oH >= 1):
        raise _too_small(shape[-3], shape[-2:], outs, k, s, p, d)


def _pool3d_shape_check(shape: tuple[int, ...], k: tuple[int, ...], s: tuple[int, ...],
                        p: tuple[int, ...], d: tuple[int, ...], outs: tuple[int, ...],
                        fn_name: str, check_input_size: bool) -> None:
    (kT, kH, kW), (dT, dH, dW), (pT, pH, pW), (dilT, dilH, dilW) = k, s, p, d
    ndim = len(shape)
    # aten/src/ATen/native/Pool.h: pool3d_shape_check
    if not (kT > 0 and kW > 0 and kH > 0):
        raise rt(f"kernel size should be greater than zero, but got kT: {kT} kH: {kH} kW: {kW}",
                  f"kernel_size ({kT}, {kH}, {kW}) has a value below 1: pooling windows need "
                  f"kernel_size >= 1.")
    if not (dT > 0 and dW > 0 and dH > 0):
        raise rt(f"stride should be greater than zero, but got dT: {dT} dH: {dH} dW: {dW}",
                  f"stride ({dT}, {dH}, {dW}) has a negative value: use a stride of at least 1.")
    if not (dilT > 0 and dilW > 0 and dilH > 0):
        raise rt("dilation should be greater than zero, but got "
                  f"dilationT: {dilT} dilationH: {dilH} dilationW: {dilW}",
                  f"dilation ({dilT}, {dilH}, {dilW}) has a value below 1: use dilation >= 1.")
    for i, size in enumerate(shape):
        if ndim == 5 and i == 0:
            continue
        if size <= 0:
            raise rt(f"{fn_name}: Expected input's non-batch dimensions to have positive "
                      f"length, but input has a shape of {fmt_list(shape)} and non-batch "
                      f"dimension {size} has length zero!",
                      f"dimension {i} of input {fmt_list(shape)} is 0; only the batch may be "
                      f"empty: give it a size >= 1.")
    itime, iheight, iwidth = shape[-3:]
    if check_input_size and not (itime >= kT and iheight >= kH and iwidth >= kW):
        raise rt(f"input image (T: {itime} H: {iheight} W: {iwidth}) smaller than kernel size "
                  f"(kT: {kT} kH: {kH} kW: {kW})",
                  f"AvgPool3d needs the unpadded input ({itime}x{iheight}x{iwidth}) to be at "
                  f"least the kernel ({kT}x{kH}x{kW}) in every dimension, whatever the "
                  f"padding: enlarge the input or shrink the kernel.")
    if not (cdiv(kT, 2) >= pT and cdiv(kW, 2) >= pW and cdiv(kH, 2) >= pH):
        raise rt("pad should be smaller than or equal to half of kernel size, but got "
                  f"kT: {kT} kW: {kW} kH: {kH} padT: {pT} padW: {pW} padH: {pH}",
                  f"max pooling also needs padding <= kernel_size/2 of the kernel without "
                  f"dilation: padding ({pT}, {pH}, {pW}) with kernel ({kT}, {kH}, {kW}) is "
                  f"too much; use padding <= ({kT // 2}, {kH // 2}, {kW // 2}).")
    if not all(o >= 1 for o in outs):
        raise _too_small(shape[-4], shape[-3:], outs, k, s, p, d)


def _expand(values: tuple[int, ...], n: int) -> tuple[int, ...]:
    return values if len(values) == n else values * n


def max_pool2d_with_indices(shape: tuple[int, ...], kernel: tuple[int, ...],
                            stride: tuple[int, ...], padding: tuple[int, ...],
                            dilation: tuple[int, ...], ceil_mode: bool) -> tuple[int, ...]:
    """ATen DilatedMaxPool2d.cpp ``max_pool2d_with_indices`` (meta function)."""
    # aten/src/ATen/native/DilatedMaxPool2d.cpp: TORCH_META_FUNC(max_pool2d_with_indices)
    if len(kernel) not in (1, 2):
        raise rt("max_pool2d: kernel_size must either be a single int, or a tuple of two ints",
                  f"kernel_size {fmt_list(kernel)} has {len(kernel)} values: give 1 or 2.")
    downcast_int(kernel, "max_pool2d")
    k = _expand(kernel, 2)
    if len(stride) not in (0, 1, 2):
        raise rt("max_pool2d: stride must either be omitted, a single int, or a tuple of "
                  "two ints", f"stride {fmt_list(stride)} has {len(stride)} values: give 1 or 2.")
    downcast_int(stride, "max_pool2d")
    s = k if not stride else _expand(stride, 2)
    if len(padding) not in (1, 2):
        raise rt("max_pool2d: padding must either be a single int, or a tuple of two ints",
                  f"padding {fmt_list(padding)} has {len(padding)} values: give 1 or 2.")
    downcast_int(padding, "max_pool2d")
    p = _expand(padding, 2)
    if len(dilation) not in (1, 2):
        raise rt("max_pool2d: dilation must be either a single int, or a tuple of two ints",
                  f"dilation {fmt_list(dilation)} has {len(dilation)} values: give 1 or 2.")
    downcast_int(dilation, "max_pool2d")
    d = _expand(dilation, 2)
    if len(shape) not in (3, 4):
        raise rt("non-empty 3D or 4D (batch mode) tensor expected for input",
                  f"MaxPool2d takes (C, H, W) or (N, C, H, W) input; got {len(shape)} "
                  f"dimensions {fmt_list(shape)}.")
    outs = tuple(pooling_output_shape(shape[-2 + i], k[i], p[i], s[i], d[i], ceil_mode,
                                      _AXES[2][i]) for i in range(2))
    _pool2d_shape_check(shape, k, s, p, d, outs, dilated_max=True)
    return (*shape[:-2], *outs)


def avg_pool2d(shape: tuple[int, ...], kernel: tuple[int, ...], stride: tuple[int, ...],
               padding: tuple[int, ...], ceil_mode: bool,
               divisor_override: int | None) -> tuple[int, ...]:
    """ATen AveragePool2d.cpp ``avg_pool2d`` (meta function)."""
    # aten/src/ATen/native/AveragePool2d.cpp: TORCH_META_FUNC(avg_pool2d)
    if len(kernel) not in (1, 2):
        raise rt("avg_pool2d: kernel_size must either be a single int, or a tuple of two ints",
                  f"kernel_size {fmt_list(kernel)} has {len(kernel)} values: give 1 or 2.")
    downcast_int(kernel, "avg_pool2d")
    k = _expand(kernel, 2)
    if len(stride) not in (0, 1, 2):
        raise rt("avg_pool2d: stride must either be omitted, a single int, or a tuple of "
                  "two ints", f"stride {fmt_list(stride)} has {len(stride)} values: give 1 or 2.")
    downcast_int(stride, "avg_pool2d")
    s = k if not stride else _expand(stride, 2)
    if len(padding) not in (1, 2):
        raise rt("avg_pool2d: padding must either be a single int, or a tuple of two ints",
                  f"padding {fmt_list(padding)} has {len(padding)} values: give 1 or 2.")
    downcast_int(padding, "avg_pool2d")
    p = _expand(padding, 2)
    if divisor_override == 0:
        raise rt("divisor must be not zero",
                  "divisor_override=0 would divide every window by zero: use None (the "
                  "window size) or a non-zero divisor.")
    ndim = len(shape)
    if ndim < 3:
        # c10/core/WrapDimMinimal.h: maybe_wrap_dim, from input.size(-3)
        if ndim == 0:
            raise LayerIndexError("Dimension specified as -3 but tensor has no dimensions",
                                  hint="AvgPool2d needs a (C, H, W) or (N, C, H, W) input; "
                                       "got a 0-d tensor.")
        raise LayerIndexError(
            f"Dimension out of range (expected to be in range of [{-ndim}, {ndim - 1}], "
            f"but got -3)",
            hint=f"AvgPool2d needs a (C, H, W) or (N, C, H, W) input; got {ndim} dimensions "
                 f"{fmt_list(shape)}.")
    one = (1, 1)
    outs = tuple(pooling_output_shape(shape[-2 + i], k[i], p[i], s[i], 1, ceil_mode,
                                      _AXES[2][i]) for i in range(2))
    _pool2d_shape_check(shape, k, s, p, one, outs, dilated_max=False)
    return (*shape[:-2], *outs)


def max_pool3d_with_indices(shape: tuple[int, ...], kernel: tuple[int, ...],
                            stride: tuple[int, ...], padding: tuple[int, ...],
                            dilation: tuple[int, ...], ceil_mode: bool) -> tuple[int, ...]:
    """ATen DilatedMaxPool3d.cpp ``max_pool3d_with_indices_out_cpu_template``."""
    # aten/src/ATen/native/DilatedMaxPool3d.cpp: max_pool3d_with_indices_out_cpu_template
    if len(kernel) not in (1, 3):
        raise rt("max_pool3d: kernel_size must either be a single int, or a tuple of three "
                  "ints", f"kernel_size {fmt_list(kernel)} has {len(kernel)} values: give 1 or 3.")
    downcast_int(kernel, "max_pool3d")
    k = _expand(kernel, 3)
    if len(stride) not in (0, 1, 3):
        raise rt("max_pool3d: stride must either be omitted, a single int, or a tuple of "
                  "three ints", f"stride {fmt_list(stride)} has {len(stride)} values: give 1 or 3.")
    downcast_int(stride, "max_pool3d")
    s = k if not stride else _expand(stride, 3)
    if len(padding) not in (1, 3):
        raise rt("max_pool3d: padding must either be a single int, or a tuple of three ints",
                  f"padding {fmt_list(padding)} has {len(padding)} values: give 1 or 3.")
    downcast_int(padding, "max_pool3d")
    p = _expand(padding, 3)
    if len(dilation) not in (1, 3):
        raise rt("max_pool3d: dilation must be either a single int, or a tuple of three ints",
                  f"dilation {fmt_list(dilation)} has {len(dilation)} values: give 1 or 3.")
    downcast_int(dilation, "max_pool3d")
    d = _expand(dilation, 3)
    if len(shape) not in (4, 5):
        raise rt("non-empty 4D or 5D (batch mode) tensor expected for input",
                  f"MaxPool3d takes (C, D, H, W) or (N, C, D, H, W) input; got {len(shape)} "
                  f"dimensions {fmt_list(shape)}.")
    outs = tuple(pooling_output_shape(shape[-3 + i], k[i], p[i], s[i], d[i], ceil_mode,
                                      _AXES[3][i]) for i in range(3))
    _pool3d_shape_check(shape, k, s, p, d, outs,
                        "max_pool3d_with_indices_out_cpu_template()", check_input_size=False)
    return (*shape[:-3], *outs)


def avg_pool3d(shape: tuple[int, ...], kernel: tuple[int, ...], stride: tuple[int, ...],
               padding: tuple[int, ...], ceil_mode: bool,
               divisor_override: int | None) -> tuple[int, ...]:
    """ATen AveragePool3d.cpp ``avg_pool3d`` (meta function)."""
    # aten/src/ATen/native/AveragePool3d.cpp: TORCH_META_FUNC(avg_pool3d)
    if len(kernel) not in (1, 3):
        raise rt("avg_pool3d: kernel_size must be a single int, or a tuple of three ints",
                  f"kernel_size {fmt_list(kernel)} has {len(kernel)} values: give 1 or 3.")
    downcast_int(kernel, "avg_pool3d")
    k = _expand(kernel, 3)
    if len(stride) not in (0, 1, 3):
        raise rt("avg_pool3d: stride must be omitted, a single int, or a tuple of three ints",
                  f"stride {fmt_list(stride)} has {len(stride)} values: give 1 or 3.")
    downcast_int(stride, "avg_pool3d")
    s = k if not stride else _expand(stride, 3)
    if len(padding) not in (1, 3):
        raise rt("avg_pool3d: padding must be a single int, or a tuple of three ints",
                  f"padding {fmt_list(padding)} has {len(padding)} values: give 1 or 3.")
    downcast_int(padding, "avg_pool3d")
    p = _expand(padding, 3)
    if len(shape) not in (4, 5):
        raise rt("non-empty 4D or 5D (batch mode) tensor expected for input",
                  f"AvgPool3d takes (C, D, H, W) or (N, C, D, H, W) input; got {len(shape)} "
                  f"dimensions {fmt_list(shape)}.")
    if divisor_override == 0:
        raise rt("divisor must be not zero",
                  "divisor_override=0 would divide every window by zero: use None (the "
                  "window size) or a non-zero divisor.")
    one = (1, 1, 1)
    outs = tuple(pooling_output_shape(shape[-3 + i], k[i], p[i], s[i], 1, ceil_mode,
                                      _AXES[3][i]) for i in range(3))
    _pool3d_shape_check(shape, k, s, p, one, outs, "avg_pool3d()", check_input_size=True)
    return (*shape[:-3], *outs)
