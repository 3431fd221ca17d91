"""The checks ``F.conv_transpose{1,2,3}d`` runs on CPU, in torch's order, with torch's messages.

Used by :mod:`conv_calc.nn.transposed`; split out so the layer classes read as
torch.nn's do. Each function mirrors one stage of torch 2.13's forward:

1. ``_output_padding`` (Python, torch/nn/modules/conv.py) when ``output_size`` is given;
2. the Python argument parser of ``conv_transpose{N}d`` (torch/csrc/utils/python_arg_parser.cpp);
3. ``batchify`` and ``_convolution`` / ``check_shape_forward``
   (aten/src/ATen/native/Convolution.cpp);
4. the zero-batch shortcut (``ConvBackend::Empty``) or the reference kernels'
   shape checks (aten/src/ATen/native/NaiveConvolutionTranspose{2,3}d.cpp).

>>> out_sizes((6, 7), kernel=(3, 3), s=[2, 1], p=[1, 0], op=[1, 0], d=[1, 2])
[12, 11]
"""

from __future__ import annotations

from typing import Any

from conv_calc.errors import (
    BACKEND_NOTE,
    LayerIndexError,
    LayerRuntimeError,
    LayerTypeError,
    LayerValueError,
)
from conv_calc.formulas import conv_transpose_output_size
from conv_calc.nn.base import fmt_list, fmt_size
from conv_calc.nn.conv_checks import check_padding_limit
from conv_calc.nn.tensor_checks import check_wrapped_strides
from conv_calc.nn.torch_args import check_list_head, is_index, unpack_list

__all__ = [
    "out_sizes",
    "output_padding_for",
    "parse_conv_args",
    "check_rank",
    "check_params",
    "zero_batch_shape",
    "check_reference_kernel",
]

_AXES = {1: ("width",), 2: ("height", "width"), 3: ("depth", "height", "width")}


def _backend(hint: str) -> str:
    return f"{hint} {BACKEND_NOTE}"


def _tensor_size(shape: tuple[int, ...], dim: int) -> int:
    """``Tensor.size(dim)`` with ATen's maybe_wrap_dim errors."""
    rank = len(shape)
    if rank == 0:
        # c10/core/WrapDimMinimal.h: a 0-d tensor has no dimension to index.
        raise LayerIndexError(
            f"Dimension specified as {dim} but tensor has no dimensions",
            hint="the input has no dimensions at all: give a batched or unbatched input with "
                 "channel and spatial dimensions.")
    if not -rank <= dim < rank:
        # c10/core/WrapDimMinimal.h: _wrap_dim
        raise LayerIndexError(
            f"Dimension out of range (expected to be in range of [{-rank}, {rank - 1}], "
            f"but got {dim})",
            hint=f"the input has {rank} dimension(s), too few for this layer with output_size: "
                 f"give (C, *spatial) or (N, C, *spatial).")
    return shape[dim]


def output_padding_for(layer: Any, shape: tuple[int, ...], output_size: Any, nd: int) -> Any:
    """torch/nn/modules/conv.py: _ConvTransposeNd._output_padding.

    Returns the output_padding forward passes on: the layer's own when
    ``output_size`` is None, else ``output_size - min_size`` per dim (the layer's
    output_padding is then ignored, even when invalid).
    """
    if output_size is None:
        return layer.output_padding
    try:
        return _output_padding_from_size(layer, shape, output_size, nd)
    except (TypeError, IndexError) as err:
        if isinstance(err, (LayerTypeError, LayerIndexError)):
            raise
        cls = LayerTypeError if isinstance(err, TypeError) else LayerIndexError
        raise cls(str(err), hint=(
            f"output_size={output_size!r} cannot be combined with stride={layer.stride}, "
            f"padding={layer.padding}, kernel_size={layer.kernel_size}: give integer sizes "
            f"and integer layer arguments.")) from None


def _output_padding_from_size(layer: Any, shape: tuple[int, ...], output_size: Any,
                              nd: int) -> list:
    rank = len(shape)
    has_batch_dim = rank == nd + 2
    non_spatial = 2 if has_batch_dim else 1
    if len(output_size) == non_spatial + nd:
        output_size = output_size[non_spatial:]
    if len(output_size) != nd:
        # torch/nn/modules/conv.py: _ConvTransposeNd._output_padding
        raise LayerValueError(
            f"ConvTranspose{nd}D: for {rank}D input, output_size must have {nd} "
            f"or {non_spatial + nd} elements (got {len(output_size)})",
            hint=f"give output_size as the {nd} spatial size(s) of the output"
                 f" (or all {non_spatial + nd} dims of it), not {len(output_size)} value(s).")
    stride, padding, kernel, dilation = (layer.stride, layer.padding, layer.kernel_size,
                                         layer.dilation)
    min_sizes = []
    max_sizes = []
    for d in range(nd):
        dim_size = conv_transpose_output_size(_tensor_size(shape, d + non_spatial), kernel[d],
                                              stride[d], padding[d], 0, dilation[d])
        min_sizes.append(dim_size)
        max_sizes.append(min_sizes[d] + stride[d] - 1)
    for i in range(len(output_size)):
        size = output_size[i]
        if size < min_sizes[i] or size > max_sizes[i]:
            # torch/nn/modules/conv.py: _ConvTransposeNd._output_padding
            raise LayerValueError(
                f"requested an output size of {output_size}, but valid sizes range "
                f"from {min_sizes} to {max_sizes} (for an input of {fmt_size(shape[2:])})",
                hint=f"with this stride the output can only be {_ranges(min_sizes, max_sizes)}"
                     f" per spatial dim (output_padding 0 to stride-1): pick output_size there, "
                     f"or change stride/padding.")
    return [output_size[d] - min_sizes[d] for d in range(nd)]


def _ranges(lo: list, hi: list) -> str:
    return ", ".join(f"{a}..{b}" if a != b else f"{a}" for a, b in zip(lo, hi))


def parse_conv_args(fn: str, stride: Any, padding: Any, output_padding: Any, groups: Any,
                    dilation: Any) -> None:
    """The Python argument parser of ``conv_transpose{N}d`` (one signature).

    Matching checks the first element of each int list in argument order; the
    elements are unpacked afterwards, dilation first (C++ evaluates the call's
    arguments right to left).
    """
    lists = (("stride", 4, stride), ("padding", 5, padding),
             ("output_padding", 6, output_padding))
    for name, pos, value in lists:
        _match(fn, name, pos, value)
    if isinstance(groups, bool) or not is_index(groups):
        # torch/csrc/utils/python_arg_parser.cpp: FunctionSignature::parse
        raise LayerTypeError(
            f"{fn}(): argument 'groups' (position 7) must be int, not {type(groups).__name__}",
            hint=f"groups={groups!r} must be a plain integer such as 1.")
    _match(fn, "dilation", 8, dilation)
    for name, value in (("dilation", dilation), ("output_padding", output_padding),
                        ("padding", padding), ("stride", stride)):
        # torch/csrc/utils/python_arg_parser.cpp: PythonArgs::symintlist
        unpack_list(fn, name, value, accept=lambda v: isinstance(v, bool) or is_index(v),
                    hint=lambda i, v, name=name: f"{name} element {i} is {v!r}: every {name} "
                                                 "value must be an integer within 64 bits.")


def _match(fn: str, name: str, pos: int, value: Any) -> None:
    check_list_head(fn, name, pos, value, hint=_type_hint(name, value), accept=is_index)


def _type_hint(name: str, value: Any) -> str:
    if all(isinstance(v, str) for v in value):
        return (f"{name}={''.join(value)!r} was split into characters by torch's _ntuple; "
                f"ConvTranspose takes no padding strings: give integers.")
    return f"{name}={value!r} must hold integers, not {type(value[0]).__name__}."


def check_rank(shape: tuple[int, ...], nd: int) -> bool:
    """aten/src/ATen/native/Convolution.cpp: batchify. Returns whether the input is batched."""
    if len(shape) not in (nd + 1, nd + 2):
        raise LayerRuntimeError(
            f"Expected {nd + 1}D (unbatched) or {nd + 2}D (batched) input to conv_transpose{nd}d, "
            f"but got input of size: {fmt_list(shape)}",
            hint=f"ConvTranspose{nd}d takes (C, {_spatial(nd)}) or (N, C, {_spatial(nd)}); "
                 f"the input has {len(shape)} dimension(s).")
    return len(shape) == nd + 2


def _spatial(nd: int) -> str:
    return ", ".join(("D", "H", "W")[3 - nd:]) if nd <= 3 else "*spatial"


def _expand(name: str, value: Any, dim: int) -> list:
    """aten/src/ATen/native/Convolution.cpp: expand_param_if_needed."""
    if len(value) == 1:
        return [value[0]] * dim
    if len(value) != dim:
        raise LayerRuntimeError(
            f"expected {name} to be a single integer value or a list of {dim} values to match "
            f"the convolution dimensions, but got {name}={fmt_list(int(v) for v in value)}",
            hint=f"{name} has {len(value)} value(s) but the {dim}-d kernel needs 1 or {dim}.")
    return list(value)


def check_params(weight: tuple[int, ...], shape4: tuple[int, ...], stride: Any, padding: Any,
                 output_padding: Any, dilation: Any, groups: int) -> tuple[list, list, list, list]:
    """``_convolution`` up to ``check_shape_forward`` (Convolution.cpp), on the batched input.

    Returns the per-dim stride, padding, output_padding and dilation.
    """
    k = len(weight)
    dim = k - 2
    if dim <= 0:
        # aten/src/ATen/native/Convolution.cpp: _convolution
        raise LayerRuntimeError(
            "weight should have at least three dimensions",
            hint="kernel_size is empty, so the weight has no spatial dims: give a kernel size.")
    s = _expand("stride", stride, dim)
    p = _expand("padding", padding, dim)
    d = _expand("dilation", dilation, dim)
    op = _expand("output_padding", output_padding, dim)
    # aten/src/ATen/native/Convolution.cpp: check_shape_forward
    if any(v < 0 for v in p):
        raise LayerRuntimeError("negative padding is not supported",
                                hint=f"padding={_v(p)} is below 0: use padding >= 0.")
    if any(v < 0 for v in op):
        raise LayerRuntimeError("negative output_padding is not supported",
                                hint=f"output_padding={_v(op)} is below 0: use output_padding >= 0.")
    if any(v <= 0 for v in s):
        raise LayerRuntimeError("non-positive stride is not supported",
                                hint=f"stride={_v(s)}: every stride must be at least 1.")
    if any(v < 0 for v in d):
        raise LayerRuntimeError("dilation should be greater than zero",
                                hint=f"dilation={_v(d)} is negative: use dilation >= 1.")
    if k != len(shape4):
        raise LayerRuntimeError(
            f"Expected {k}-dimensional input for {k}-dimensional weight {fmt_list(weight)}, but got "
            f"{len(shape4)}-dimensional input of size {fmt_list(shape4)} instead",
            hint=f"kernel_size has {dim} value(s), so the weight is {k}-d, but the input has "
                 f"{len(shape4) - 2} spatial dim(s): give one kernel size per spatial dim.")
    if weight[0] < groups:
        raise LayerRuntimeError(
            f"Given groups={groups}, expected weight to be at least {groups} at dimension 0, "
            f"but got weight of size {fmt_list(weight)} instead",
            hint=f"in_channels={weight[0]} is fewer than groups={groups}: "
                 f"a transposed conv needs at least one input channel per group.")
    check_padding_limit(p)  # Convolution.cpp: check_shape_forward, transposed branch
    if shape4[1] != weight[0]:
        raise LayerRuntimeError(
            f"Given transposed=1, weight of size {fmt_list(weight)}, expected input"
            f"{fmt_list(shape4)} to have {weight[0]} channels, but got {shape4[1]} channels instead",
            hint=f"the layer expects in_channels={weight[0]} but the input has {shape4[1]} "
                 f"channels: set in_channels={shape4[1]} or fix the previous layer.")
    return s, p, op, d


def _v(values: list) -> str:
    return str(values[0]) if len(set(values)) == 1 else fmt_list(values)


def out_sizes(spatial: tuple[int, ...], kernel: tuple[int, ...], s: list, p: list, op: list,
              d: list) -> list[int]:
    """``(L - 1)*stride - 2*padding + dilation*(k - 1) + output_padding + 1`` per dim."""
    return [conv_transpose_output_size(n, kernel[i], s[i], p[i], op[i], d[i])
            for i, n in enumerate(spatial)]


def zero_batch_shape(view: tuple[int, ...], weight: tuple[int, ...], groups: int,
                     sizes: list[int]) -> tuple[int, ...]:
    """Convolution.cpp ConvBackend::Empty: ``(input * weight.view(-1)[0]).view(out)``.

    No kernel check runs; a negative output size surfaces from ``view``.
    """
    numel = 1
    for v in weight:
        numel *= v
    if numel == 0:
        # aten/src/ATen/native/TensorShape.cpp: select
        raise LayerIndexError(
            "select(): index 0 out of range for tensor of size [0] at dimension 0",
            hint=_backend(f"the weight {fmt_list(weight)} is empty (a zero out_channels or kernel "
                          f"size): use out_channels >= 1 and kernel sizes >= 1."))
    shape = [view[0], weight[1] * groups, *sizes]
    infer = None
    for i, v in enumerate(shape):
        # aten/src/ATen/InferSize.h: infer_size_impl
        if v == -1:
            if infer is not None:
                raise LayerRuntimeError("only one dimension can be inferred",
                                        hint=_backend(_neg_hint(view, sizes)))
            infer = i
        elif v < 0:
            raise LayerRuntimeError(
                f"invalid shape dimension {v} at index {i} of shape {fmt_list(shape)}",
                hint=_backend(_neg_hint(view, sizes)))
    if infer is not None:
        raise LayerRuntimeError(
            f"cannot reshape tensor of 0 elements into shape {fmt_list(shape)} because the "
            f"unspecified dimension size -1 can be any value and is ambiguous",
            hint=_backend(_neg_hint(view, sizes)))
    if shape != list(view):
        # aten/src/ATen/TensorUtils.cpp computeStride: a 0-element view gets contiguous strides
        # computed with int64 wrap-around; c10 TensorImpl::set_sizes_and_strides recomputes a
        # stride that came out negative with an overflow check, and that check fails.
        check_wrapped_strides(shape, hint=f"the output {fmt_list(shape)} has more elements per "
                                          "sample than a 64-bit stride can address: use smaller sizes.")
    return tuple(shape)


def _neg_hint(view: tuple[int, ...], sizes: list[int]) -> str:
    return (f"the input {_x(view[2:])} gives an output of {_x(sizes)}, which is not positive: "
            f"lower padding or enlarge the input, kernel or stride.")


def _x(values: Any) -> str:
    return " x ".join(str(v) for v in values)


def _int32(value: int) -> int:
    """``value`` as a C++ int holds it (two's complement wrap-around).

    >>> _int32(3000000000), _int32(2**32 + 2), _int32(5)
    (-1294967296, 2, 5)
    """
    return (value + 2**31) % 2**32 - 2**31


def check_reference_kernel(view: tuple[int, ...], weight_g: tuple[int, ...], s: list, p: list,
                           op: list, d: list) -> list[int]:
    """slow_conv_transpose{2,3}d_shape_check on the 4-d/5-d view and one group's weight.

    Returns the output spatial sizes.
    """
    kernel = weight_g[2:]
    nd = len(kernel)
    axes = _AXES[nd]
    if nd == 2 and not all(v > 0 for v in kernel):
        # aten/src/ATen/native/NaiveConvolutionTranspose2d.cpp: slow_conv_transpose2d_shape_check
        raise LayerRuntimeError(
            f"kernel size should be greater than zero, but got kernel_height: {kernel[0]} "
            f"kernel_width: {kernel[1]}",
            hint=_backend(f"kernel_size {_x(kernel)} has a zero: every kernel size must be >= 1."))
    # The shape check takes its sizes as C++ ints: stride and dilation past int32 wrap
    # around (3000000000 -> -1294967296) and are refused as not positive.
    s, d = [_int32(v) for v in s], [_int32(v) for v in d]
    if not all(v > 0 for v in s):
        # NaiveConvolutionTranspose{2,3}d.cpp: slow_conv_transpose{2,3}d_shape_check
        parts = " ".join(f"stride_{a}: {v}" for a, v in zip(axes, s))
        raise LayerRuntimeError(f"stride should be greater than zero, but got {parts}",
                                hint=_backend(f"stride {_x(s)} (as int32) is not positive: "
                                              f"strides must be below 2**31."))
    if not all(v > 0 for v in d):
        # NaiveConvolutionTranspose{2,3}d.cpp: slow_conv_transpose{2,3}d_shape_check
        parts = ", ".join(f"dilation_{a}: {v}" for a, v in zip(axes, d))
        raise LayerRuntimeError(f"dilation should be greater than zero, but got {parts}",
                                hint=_backend(f"dilation {_x(d)} has a zero: use dilation >= 1."))
    if not all(o < st or o < di for o, st, di in zip(op, s, d)):
        parts = " ".join([*(f"output_padding_{a}: {v}" for a, v in zip(axes, op)),
                          *(f"stride_{a}: {v}" for a, v in zip(axes, s)),
                          *(f"dilation_{a}: {v}" for a, v in zip(axes, d))])
        # NaiveConvolutionTranspose{2,3}d.cpp: slow_conv_transpose{2,3}d_shape_check
        raise LayerRuntimeError(
            f"output padding must be smaller than either stride or dilation, but got {parts}",
            hint=_backend(f"output_padding {_x(op)} must be below stride {_x(s)} or dilation "
                          f"{_x(d)} in every dim: lower output_padding or raise the stride."))
    numel = 1
    for v in weight_g:
        numel *= v
    if numel == 0:
        if nd == 2:
            # NaiveConvolutionTranspose2d.cpp: slow_conv_transpose2d_shape_check
            msg = f"non-empty 2D or 4D weight tensor expected, but got: {fmt_list(weight_g)}"
        else:
            # NaiveConvolutionTranspose3d.cpp: slow_conv_transpose3d_shape_check
            msg = ("non-empty 5D (n_output_plane x n_input_plane x kernel_depth x kernel_height x "
                   f"kernel_width) tensor expected for weight, but got: {fmt_list(weight_g)}")
        raise LayerRuntimeError(msg, hint=_backend(
            f"the weight of each group {fmt_list(weight_g)} is empty: use out_channels >= groups "
            f"and kernel sizes >= 1."))
    spatial = view[2:]
    sizes = out_sizes(spatial, kernel, s, p, op, d)
    if any(v < 1 for v in sizes):
        # NaiveConvolutionTranspose{2,3}d.cpp: slow_conv_transpose{2,3}d_shape_check
        raise LayerRuntimeError(
            f"Given input size per channel: ({_x(spatial)}). Calculated output size per channel: "
            f"({_x(sizes)}). Output size is too small",
            hint=_backend(f"(L-1)*stride - 2*padding + dilation*(k-1) + output_padding + 1 gives "
                          f"{_x(sizes)} for input {_x(spatial)}: lower padding or enlarge the "
                          f"input, kernel or stride."))
    return sizes
