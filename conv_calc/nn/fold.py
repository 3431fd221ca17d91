"""Sliding blocks: Unfold (im2col) and Fold (col2im), torch.nn.Unfold and torch.nn.Fold.

Shape (torch "Shape:" sections), with ``L`` the number of blocks::

    Unfold: (N, C, H, W) -> (N, C * prod(kernel_size), L)
    Fold:   (N, C * prod(kernel_size), L) -> (N, C, output_size[0], output_size[1])
    L = prod_d floor((spatial[d] + 2*padding[d] - dilation[d]*(kernel_size[d] - 1) - 1)
                     / stride[d] + 1)

where ``spatial`` is the input's H, W for Unfold and ``output_size`` for Fold (which
requires the input's L to equal that count). Unbatched inputs drop N. No parameters,
no MACs. The arguments are stored as given and expanded with ``_pair`` in forward
(torch/nn/functional.py: unfold, fold), so everything is checked in forward:
argument types by the ``im2col`` / ``col2im`` bindings, then the ATen checks of
aten/src/ATen/native/im2col_shape_check.h and Im2Col.cpp / Col2Im.cpp.

>>> Unfold(kernel_size=(2, 3)).output_shape((2, 5, 3, 4))
(2, 30, 4)
>>> Fold(output_size=(4, 5), kernel_size=(2, 2)).output_shape((1, 12, 12))
(1, 3, 4, 5)
>>> Unfold(10).output_shape((1, 3, 4, 5))
Traceback (most recent call last):
  ...
conv_calc.errors.LayerRuntimeError: Given input with spatial size (4, 5), kernel_size=(10, 10), dilation=(1, 1), padding=(0, 0), calculated shape of the array of sliding blocks as (-5, -4), but its components must be at least one.

torch 2.13's shape checks count the blocks with ATen's ``div_rtn``, which keeps the
quotient in a 32-bit int (a count of ``2**32 + 5`` passes as 5, and is printed wrapped),
while the output is sized with the 64-bit counts; both are reproduced.
"""

from __future__ import annotations

from typing import Any

from conv_calc.errors import LayerIndexError, LayerRuntimeError
from conv_calc.geometry import MERGED, Axis, placed
from conv_calc.nn.base import Layer, as_shape, fmt_list, ntuple
from conv_calc.nn.forward_kwargs import check_forward_kwargs
from conv_calc.nn.pooling_args import cdiv, div_rtn, parse_args
from conv_calc.nn.tensor_checks import check_resize, wrap_dim, wrap_int64

__all__ = ["Fold", "Unfold"]

_NAMES = ("kernel_size", "dilation", "padding", "stride")


def _rt(message: str, hint: str) -> LayerRuntimeError:
    return LayerRuntimeError(message, hint=hint)


def _pair2(t: tuple[int, ...]) -> str:
    return f"({t[0]}, {t[1]})"


def _check_lengths(named: list[tuple[str, tuple[int, ...]]]) -> None:
    for name, value in named:
        if len(value) != 2:
            # aten/src/ATen/native/Im2Col.cpp / Col2Im.cpp: *_out_cpu_template
            raise _rt(f"It is expected {name} equals to 2, but got size {len(value)}",
                      f"{name} has {len(value)} value(s) {fmt_list(value)}: Fold and Unfold work on "
                      "two spatial dims, so give one int or two.")


def _blocks(size: int, k: int, d: int, p: int, s: int) -> int:
    """One axis of the shape check's block count: ``div_rtn<int64_t>(...) + 1`` with the
    int64 sum wrapping and div_rtn's 32-bit quotient (:func:`conv_calc.nn.pooling_args.div_rtn`)."""
    return div_rtn(wrap_int64(size + 2 * p - (d * (k - 1) + 1)), s) + 1


def _size(shape: tuple[int, ...], dim: int) -> int:
    """``input.size(dim)``: maybe_wrap_dim without wrapping a 0-d tensor as 1-d."""
    if not shape:
        # c10/core/WrapDimMinimal.cpp: maybe_wrap_dim_slow (wrap_scalar=false)
        raise LayerIndexError(f"Dimension specified as {dim} but tensor has no dimensions",
                              hint="Unfold takes (N, C, H, W) or (C, H, W); a 0-d input has none "
                                   "of those dims.")
    try:
        return shape[wrap_dim(dim, len(shape))]
    except LayerIndexError as err:
        err.hint = (f"Unfold takes (N, C, H, W) or (C, H, W); torch reads dim {dim} of this "
                    f"{len(shape)}-d input before checking its rank.")
        raise


def _check_positive(k, d, p, s, order: tuple[str, ...]) -> None:
    """im2col_shape_check.h's argument checks, in the order each kernel runs them."""
    checks = {
        "kernel": (k[0] > 0 and k[1] > 0,
                   f"kernel size should be greater than zero, but got kernel_height: {k[0]} "
                   f"kernel_width: {k[1]}", f"kernel_size {_pair2(k)} has a value below 1"),
        "stride": (s[0] > 0 and s[1] > 0,
                   f"stride should be greater than zero, but got stride_height: {s[0]} "
                   f"stride_width: {s[1]}", f"stride {_pair2(s)} has a value below 1"),
        "dilation": (d[0] > 0 and d[1] > 0,
                     f"dilation should be greater than zero, but got dilation_height: {d[0]} "
                     f"dilation_width: {d[1]}", f"dilation {_pair2(d)} has a value below 1"),
        "padding": (p[0] >= 0 and p[1] >= 0,
                    f"padding should be non-negative, but got pad_height: {p[0]} "
                    f"pad_width: {p[1]}", f"padding {_pair2(p)} is negative"),
    }
    for name in order:
        ok, message, what = checks[name]
        if not ok:
            # aten/src/ATen/native/im2col_shape_check.h: im2col_shape_check / col2im_shape_check
            raise _rt(message, f"{what}: kernel_size, stride and dilation must be >= 1 and "
                               "padding >= 0.")


def _parse(fn: str, values: list[tuple[str, Any]], first_pos: int) -> list[tuple[int, ...]]:
    """``_pair`` each argument (torch/nn/functional.py), then the binding's int[2] parsing."""
    specs = [(name, first_pos + i, ntuple(value, 2), "ints", 2)
             for i, (name, value) in enumerate(values)]
    return [tuple(v) for v in parse_args(fn, specs)]


def _output(sizes: list[int], batched: bool) -> tuple[int, ...]:
    check_resize(sizes, hint=f"the output {fmt_list(sizes)} is too large for torch to size (int64 "
                             "overflow or more memory than the machine has): use a smaller kernel, "
                             "padding or output_size.")
    return tuple(sizes) if batched else tuple(sizes[1:])


class Unfold(Layer):
    """torch.nn.Unfold: ``(N, C, H, W) -> (N, C * kH * kW, L)``, or unbatched ``(C, H, W)``.

    >>> Unfold(2, dilation=2, padding=1, stride=2).output_shape((3, 4, 5))
    (12, 6)
    """

    def __init__(self, kernel_size: Any, dilation: Any = 1, padding: Any = 0,
                 stride: Any = 1) -> None:
        self.kernel_size = kernel_size
        self.dilation = dilation
        self.padding = padding
        self.stride = stride

    def __repr__(self) -> str:
        return (f"Unfold(kernel_size={self.kernel_size}, dilation={self.dilation}, "
                f"padding={self.padding}, stride={self.stride})")

    def axis_geometry(self, in_shape: Any, out_shape: Any = None) -> tuple[Axis, ...]:
        """H and W become the one block axis L: both are mixed into it (as Flatten does)."""
        return placed(len(tuple(in_shape)), -2, (MERGED, MERGED))

    def output_shape(self, input_shape: Any, **forward_kwargs: Any) -> tuple[int, ...]:
        check_forward_kwargs(self, forward_kwargs)
        shape = as_shape(input_shape)
        k, d, p, s = _parse("im2col", [(n, getattr(self, n)) for n in _NAMES], 2)
        _check_lengths(list(zip(_NAMES, (k, d, p, s))))
        _check_positive(k, d, p, s, ("kernel", "dilation", "padding", "stride"))
        ndim = len(shape)
        # aten/src/ATen/native/im2col_shape_check.h: im2col_shape_check reads size(1) and
        # size(2) before looking at the rank (short-circuit: size(2) only when size(1) != 0).
        valid = _size(shape, 1) != 0 and _size(shape, 2) != 0
        if not ((ndim == 3 and shape[0] and valid) or (ndim == 4 and valid and shape[3] != 0)):
            raise _rt("Expected 3D or 4D (batch mode) tensor with possibly 0 batch size and other "
                      f"non-zero dimensions for input, but got: {fmt_list(shape)}",
                      f"Unfold takes (N, C, H, W) or (C, H, W) with non-zero C, H and W; got "
                      f"{fmt_list(shape)}.")
        h, w = shape[-2:]
        oh, ow = _blocks(h, k[0], d[0], p[0], s[0]), _blocks(w, k[1], d[1], p[1], s[1])
        if oh < 1 or ow < 1:
            # aten/src/ATen/native/im2col_shape_check.h: im2col_shape_check
            raise _rt(f"Given input with spatial size ({h}, {w}), kernel_size={_pair2(k)}, "
                      f"dilation={_pair2(d)}, padding={_pair2(p)}, calculated shape of the array "
                      f"of sliding blocks as ({oh}, {ow}), but its components must be at least one.",
                      f"the padded input ({h + 2 * p[0]}, {w + 2 * p[1]}) is smaller than the "
                      f"dilated kernel ({d[0] * (k[0] - 1) + 1}, {d[1] * (k[1] - 1) + 1}): enlarge "
                      "the input or padding, or lower kernel_size or dilation.")
        # aten/src/ATen/native/Im2Col.cpp: im2col_out_cpu_template, in int64 with C++ division
        oh = wrap_int64(cdiv(wrap_int64(h + 2 * p[0] - (d[0] * (k[0] - 1) + 1)), s[0]) + 1)
        ow = wrap_int64(cdiv(wrap_int64(w + 2 * p[1] - (d[1] * (k[1] - 1) + 1)), s[1]) + 1)
        batched = ndim == 4
        n, c = (shape[0], shape[1]) if batched else (1, shape[0])
        return _output([n, wrap_int64(c * k[1] * k[0]), wrap_int64(oh * ow)], batched)


class Fold(Layer):
    """torch.nn.Fold: ``(N, C * kH * kW, L) -> (N, C, *output_size)``, or unbatched.

    >>> Fold(4, 2).output_shape((12, 9))
    (3, 4, 4)
    """

    def __init__(self, output_size: Any, kernel_size: Any, dilation: Any = 1, padding: Any = 0,
                 stride: Any = 1) -> None:
        self.output_size = output_size
        self.kernel_size = kernel_size
        self.dilation = dilation
        self.padding = padding
        self.stride = stride

    def __repr__(self) -> str:
        return (f"Fold(output_size={self.output_size}, kernel_size={self.kernel_size}, "
                f"dilation={self.dilation}, padding={self.padding}, stride={self.stride})")

    def axis_geometry(self, in_shape: Any, out_shape: Any = None) -> tuple[Axis, ...]:
        """The block axis L is spread over the output's H and W: it is mixed into them."""
        return placed(len(tuple(in_shape)), -1, (MERGED,))

    def output_shape(self, input_shape: Any, **forward_kwargs: Any) -> tuple[int, ...]:
        check_forward_kwargs(self, forward_kwargs)
        shape = as_shape(input_shape)
        names = ("output_size", *_NAMES)
        o, k, d, p, s = _parse("col2im", [(n, getattr(self, n)) for n in names], 2)
        _check_lengths(list(zip(names, (o, k, d, p, s))))
        _check_positive(k, d, p, s, ("kernel", "stride", "dilation", "padding"))
        ndim = len(shape)
        if not ((ndim == 2 and shape[0] != 0 and shape[1] != 0)
                or (ndim == 3 and shape[1] != 0 and shape[2] != 0)):
            # aten/src/ATen/native/im2col_shape_check.h: col2im_shape_check
            raise _rt("Expected 2D or 3D (batch mode) tensor for input with possibly 0 batch size "
                      f"and non-zero dimensions for input, but got: {fmt_list(shape)}",
                      f"Fold takes (N, C * kH * kW, L) or (C * kH * kW, L) with non-zero sizes "
                      f"(only N may be 0); got {fmt_list(shape)}.")
        planes, length = shape[-2:]
        if k[0] * k[1] >= 2**64:
            # aten/src/ATen/native/im2col_shape_check.h: col2im_shape_check (c10::mul_overflows)
            raise _rt(f"Given kernel_width = {k[1]} and kernel_height = {k[0]} the product of "
                      "kernel_width and kernel_height overflowed.",
                      f"kernel_size {_pair2(k)} has a product beyond 64 bits: use a realistic "
                      "kernel.")
        area = wrap_int64(k[0] * k[1])
        if planes % area:
            # aten/src/ATen/native/im2col_shape_check.h: col2im_shape_check
            raise _rt("Expected size of input's dimension 1 to be divisible by the product of "
                      f"kernel_size, but got input.size(1)={planes} and kernel_size={_pair2(k)}.",
                      f"each block has {k[0]}x{k[1]} = {k[0] * k[1]} values per channel, so dim 1 "
                      f"({planes}) must be a multiple of {k[0] * k[1]}: it is C * kH * kW, as "
                      "Unfold writes it.")
        nh, nw = _blocks(o[0], k[0], d[0], p[0], s[0]), _blocks(o[1], k[1], d[1], p[1], s[1])
        where = (f"Given output_size={_pair2(o)}, kernel_size={_pair2(k)}, dilation={_pair2(d)}, "
                 f"padding={_pair2(p)}, stride={_pair2(s)}, ")
        if length != nh * nw:
            # aten/src/ATen/native/im2col_shape_check.h: col2im_shape_check
            raise _rt(where + "expected size of input's dimension 2 to match the calculated number "
                      f"of sliding blocks {nh} * {nw} = {nh * nw}, but got input.size(2)={length}.",
                      f"an output of {_pair2(o)} holds {nh} x {nw} = {nh * nw} blocks with these "
                      f"kernel, dilation, padding and stride, but the input has L = {length}: "
                      "give Fold the output_size and block settings Unfold used.")
        if nh < 1 or nw < 1:
            # aten/src/ATen/native/im2col_shape_check.h: col2im_shape_check
            raise _rt(where + f"calculated shape of the array of sliding blocks as ({nh}, {nw}), "
                      "which is too small (non-positive)",
                      f"output_size {_pair2(o)} with this padding is smaller than the dilated "
                      "kernel: no block fits; enlarge output_size or padding.")
        if o[0] < 1 or o[1] < 1:
            # aten/src/ATen/native/im2col_shape_check.h: col2im_shape_check
            raise _rt("Expected output spatial size to be positive, but got: "
                      f"output_size={_pair2(o)}.",
                      f"output_size {_pair2(o)} has a value below 1: give the positive (H, W) "
                      "of the image to rebuild.")
        batched = ndim == 3
        n = shape[0] if batched else 1
        # aten/src/ATen/native/Col2Im.cpp: col2im_out_cpu_template
        return _output([n, planes // area, o[0], o[1]], batched)
