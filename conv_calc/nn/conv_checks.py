"""The checks ATen runs in ``F.conv{1,2,3}d`` on the CPU, in torch's order.

:func:`conv_forward_shape` mirrors ``conv{N}d_symint`` / ``conv{N}d_padding_symint``
(aten/src/ATen/native/Convolution.cpp): the Python argument parser, ``batchify``
(rank check and unsqueeze), ``convolution_same`` for ``padding='same'``, then
``_convolution``: ``expand_param_if_needed``, ``check_shape_forward``, the 1d-as-2d
view, the empty-input shortcut and the reference kernels' own checks
(``slow_conv2d``, ``slow_conv_dilated{2,3}d``, ``slow_conv3d``).

Shape, per spatial dim::

    out = floor((L + 2*padding - dilation*(kernel_size - 1) - 1) / stride) + 1

>>> conv_forward_shape("conv2d", (1, 3, 224, 224), (64, 3, 7, 7), (2, 2), (3, 3), (1, 1), 1)
(1, 64, 112, 112)
>>> conv_forward_shape("conv1d", (3, 10), (4, 3, 4), (1,), "same", (1,), 1)
(4, 10)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from conv_calc.errors import BACKEND_NOTE, LayerIndexError, LayerRuntimeError, LayerTypeError
from conv_calc.formulas import conv_output_size
from conv_calc.nn.base import fmt_list
from conv_calc.nn.conv_pad import check_strides
from conv_calc.nn.torch_args import INT64_MAX as _INT64_MAX, is_int, unpack_list

__all__ = ["conv_forward_shape", "check_arg_types", "check_padding_limit"]

_AXES = {1: "L", 2: "H, W", 3: "D, H, W"}

_SIGNATURES = (
    " * (Tensor input, Tensor weight, Tensor bias = None, tuple of ints stride = 1, "
    "tuple of ints padding = 0, tuple of ints dilation = 1, int groups = 1)\n",
    " * (Tensor input, Tensor weight, Tensor bias = None, tuple of ints stride = 1, "
    'str padding = "valid", tuple of ints dilation = 1, int groups = 1)\n',
)


def _int_tuple_ok(value: Any) -> bool:
    """The parser's type check of an int list: it looks at the first element only."""
    return isinstance(value, tuple) and (len(value) == 0 or is_int(value[0]))


def _describe(value: Any) -> str:
    if isinstance(value, tuple):
        inner = ", ".join(type(v).__name__ for v in value)
        return f"tuple of ({inner}{',' if len(value) == 1 else ''})"
    return type(value).__name__


def check_arg_types(op: str, bias: bool, stride: Any, padding: Any, dilation: Any,
                    groups: Any) -> None:
    """torch's argument parser for ``F.conv{N}d``: int tuples, a str padding, an int groups."""
    pad_ok = isinstance(padding, str) or _int_tuple_ok(padding)
    groups_ok = is_int(groups)
    if _int_tuple_ok(stride) and pad_ok and _int_tuple_ok(dilation) and groups_ok:
        for name, value in (("stride", stride), ("padding", padding), ("dilation", dilation)):
            if isinstance(value, str):
                continue
            # torch/csrc/utils/python_arg_parser.h: PythonArgs::intlist (unpacking)
            unpack_list(op, name, value, hint=lambda i, v, name=name, value=value:
                        f"{name}={value!r}: every {name} value must be an int within 64 bits.")
        return
    bias_t = "Parameter" if bias else "NoneType"
    got = ", ".join(["Tensor", "Parameter", bias_t, type(stride).__name__,
                     type(padding).__name__, type(dilation).__name__, type(groups).__name__])
    marked = ", ".join(["Tensor"] + [f"!{t}!" for t in (
        "Parameter", bias_t, _describe(stride), _describe(padding), _describe(dilation),
        type(groups).__name__)])
    why = f"      didn't match because some of the arguments have invalid types: ({marked})\n"
    bad = [f"{name}={value!r}" for name, value, ok in (
        ("stride", stride, _int_tuple_ok(stride)), ("padding", padding, pad_ok),
        ("dilation", dilation, _int_tuple_ok(dilation)), ("groups", groups, groups_ok)) if not ok]
    # torch/csrc/utils/python_arg_parser.cpp: PythonArgParser::print_error
    raise LayerTypeError(
        f"{op}() received an invalid combination of arguments - got ({got}), but expected one "
        f"of:\n" + "".join(sig + why for sig in _SIGNATURES),
        hint=f"{', '.join(bad)}: stride, padding and dilation must be ints (not floats, bools or "
             "None) and groups an int.")


def _expand(values: Sequence[int], name: str, dim: int) -> list[int]:
    if len(values) == 1:
        return [values[0]] * dim
    if len(values) != dim:
        # aten/src/ATen/native/Convolution.cpp: expand_param_if_needed
        raise LayerRuntimeError(
            f"expected {name} to be a single integer value or a list of {dim} values to match "
            f"the convolution dimensions, but got {name}={fmt_list(values)}",
            hint=f"the weight has {dim} spatial dimension(s) (from len(kernel_size)), but "
                 f"{name} has {len(values)} values: give one value or {dim}.")
    return list(values)


def _wrap64(v: int) -> int:
    """``v`` as a C++ int64 computation leaves it (two's complement wrap-around)."""
    return (v + 2**63) % 2**64 - 2**63


def check_padding_limit(padding: Sequence[int]) -> None:
    """check_shape_forward's bound on each padding: ``2 * padding`` must fit an int64."""
    for i, p in enumerate(padding):
        if p > _INT64_MAX - p:
            # aten/src/ATen/native/Convolution.cpp: check_shape_forward
            raise LayerRuntimeError(
                f"Given padding={p} at dimension {i} , expected padding to be at most "
                f"{_INT64_MAX // 2}",
                hint=f"padding={p} is so large that twice it overflows a 64-bit integer: use a "
                     "realistic padding.")


def _check_shape_forward(x: tuple[int, ...], w: tuple[int, ...], stride: list[int],
                         padding: list[int], dilation: list[int], groups: int) -> None:
    # aten/src/ATen/native/Convolution.cpp: check_shape_forward, in its order.
    if any(p < 0 for p in padding):
        raise LayerRuntimeError("negative padding is not supported",
                                hint=f"padding={padding} has a negative value: use padding >= 0 "
                                     "(or padding_mode reflect/replicate/circular to crop).")
    if any(s <= 0 for s in stride):
        raise LayerRuntimeError("non-positive stride is not supported",
                                hint=f"stride={stride} has a value <= 0: use stride >= 1.")
    if any(d < 0 for d in dilation):
        raise LayerRuntimeError("dilation should be greater than zero",
                                hint=f"dilation={dilation} has a negative value: use dilation >= 1.")
    if len(w) != len(x):
        raise LayerRuntimeError(
            f"Expected {len(w)}-dimensional input for {len(w)}-dimensional weight {fmt_list(w)}, "
            f"but got {len(x)}-dimensional input of size {fmt_list(x)} instead",
            hint=f"kernel_size has {len(w) - 2} value(s), which makes a {len(w)}-d weight, but the "
                 f"input is {len(x)}-d: give kernel_size one value per spatial dimension.")
    if w[0] < groups:
        raise LayerRuntimeError(
            f"Given groups={groups}, expected weight to be at least {groups} at dimension 0, but "
            f"got weight of size {fmt_list(w)} instead",
            hint=f"out_channels={w[0]} is smaller than groups={groups}: use out_channels >= groups "
                 "(a multiple of groups).")
    if w[0] % groups:  # pragma: no cover - __init__ already requires it
        raise LayerRuntimeError(
            f"Given groups={groups}, expected weight to be divisible by {groups} at dimension 0, "
            f"but got weight of size [{fmt_list(w)}] instead",
            hint="out_channels must be a multiple of groups.")
    if x[1] != w[1] * groups:
        raise LayerRuntimeError(
            f"Given groups={groups}, weight of size {fmt_list(w)}, expected input{fmt_list(x)} to "
            f"have {w[1] * groups} channels, but got {x[1]} channels instead",
            hint=f"the layer expects {w[1] * groups} input channels (in_channels) but the input "
                 f"has {x[1]}: set in_channels={x[1]} or fix the previous layer.")
    check_padding_limit(padding[:len(x) - 2])
    # check_shape_forward computes in int64, so huge sizes wrap around as in torch.
    padded = [_wrap64(x[i + 2] + 2 * padding[i]) for i in range(len(x) - 2)]
    spans = [_wrap64(dilation[i] * (w[i + 2] - 1) + 1) for i in range(len(x) - 2)]
    if any(p < s for p, s in zip(padded, spans)):
        i = next(i for i, (p, s) in enumerate(zip(padded, spans)) if p < s)
        raise LayerRuntimeError(
            f"Calculated padded input size per channel: ({' x '.join(map(str, padded))}). "
            f"Kernel size: ({' x '.join(map(str, spans))}). Kernel size can't be greater than "
            "actual input size",
            hint=f"the kernel {w[i + 2]} with dilation {dilation[i]} spans {spans[i]} pixels, but "
                 f"the padded input has {padded[i]}: enlarge the input, add padding, or use a "
                 "smaller kernel or dilation.")


def _backend_checks(w: tuple[int, ...], dilation: list[int]) -> None:
    kernel = list(w[2:])
    dilated = any(d != 1 for d in dilation)
    what = (f"kernel_size={kernel}, dilation={dilation}: every kernel size and dilation must "
            f"be >= 1. {BACKEND_NOTE}")
    if dilated:
        if any(k <= 0 for k in kernel):
            # aten/src/ATen/native/DilatedConvolutionUtils.h: slow_conv_dilated_shape_check
            raise LayerRuntimeError(
                f"kernel size should be greater than zero, but got {fmt_list(kernel)}", hint=what)
        if any(d <= 0 for d in dilation):
            # aten/src/ATen/native/DilatedConvolutionUtils.h: slow_conv_dilated_shape_check
            raise LayerRuntimeError(
                f"dilation should be greater than zero, but got {fmt_list(dilation)}", hint=what)
    elif any(k <= 0 for k in kernel):
        if len(kernel) == 2:
            # aten/src/ATen/native/ConvolutionMM2d.cpp: slow_conv2d_shape_check
            msg = ("kernel size should be greater than zero, but got kernel_height: "
                   f"{kernel[0]} kernel_width: {kernel[1]}")
        else:
            # aten/src/ATen/native/ConvolutionMM3d.cpp: slow_conv3d_shape_check
            msg = ("kernel size should be greater than zero, but got: "
                   f"{kernel[0]} x {kernel[1]} x {kernel[2]} (TxHxW)")
        raise LayerRuntimeError(msg, hint=what)


def _convolution(x: tuple[int, ...], w: tuple[int, ...], stride: Sequence[int],
                 padding: Sequence[int], dilation: Sequence[int], groups: int,
                 output_padding_len: int) -> tuple[int, ...]:
    """aten/src/ATen/native/Convolution.cpp: _convolution (non-transposed, CPU)."""
    dim = len(w) - 2
    if dim <= 0:
        # aten/src/ATen/native/Convolution.cpp: _convolution
        raise LayerRuntimeError("weight should have at least three dimensions",
                                hint="kernel_size is empty: give one size per spatial dimension.")
    st = _expand(stride, "stride", dim)
    pd = _expand(padding, "padding", dim)
    dl = _expand(dilation, "dilation", dim)
    _expand([0] * output_padding_len, "output_padding", dim)
    _check_shape_forward(x, w, st, pd, dl, groups)
    if len(w) == 3:  # params.view1d_as_2d(): 1d runs as 2d with H = 1
        x, w = (x[0], x[1], 1, x[2]), (w[0], w[1], 1, w[2])
        st, pd, dl = [1, *st], [0, *pd], [1, *dl]
    # ATen conv_output_size; Python's // rounds as its div_rtn
    spatial = [conv_output_size(x[i + 2], w[i + 2], st[i], pd[i], dl[i])
               for i in range(len(x) - 2)]
    if x[0] == 0 or x[1] == 0:
        if x[1] != 0 and any(k == 0 for k in w):
            # aten/src/ATen/native/Convolution.cpp: _convolution, ConvBackend::Empty
            # (weight_view[0] on an empty weight)
            raise LayerIndexError(
                "select(): index 0 out of range for tensor of size [0] at dimension 0",
                hint=f"kernel_size={list(w[2:])} has a zero, so the weight is empty: use kernel "
                     f"sizes >= 1. {BACKEND_NOTE}")
        # calc_output_size: a zero-channel input gives zero output channels.
        out = (x[0], 0 if x[1] == 0 else w[0], *spatial)
        check_strides(out)
        return out
    if any(d == 0 for d in x):
        # aten/src/ATen/native/Convolution.cpp: _select_conv_backend
        raise LayerRuntimeError(
            f"Only zero batch or zero channel inputs are supported, but got input shape: "
            f"{fmt_list(x)}",
            hint=f"the (padded) input {fmt_list(x)} has a zero-size spatial dimension with a "
                 "non-zero batch: give every spatial dimension at least one element.")
    _backend_checks(w, dl)
    return (x[0], w[0], *spatial)


def _trunc_half(total: int) -> int:
    return -((-total) // 2) if total < 0 else total // 2


def _convolution_same(x: tuple[int, ...], w: tuple[int, ...], stride: Sequence[int],
                      dilation: Sequence[int], groups: int) -> tuple[int, ...]:
    """aten/src/ATen/native/Convolution.cpp: _convolution_mode -> convolution_same."""
    k = len(w)
    if k <= 2:
        raise LayerRuntimeError("weight should have at least three dimensions",
                                hint="kernel_size is empty: give one size per spatial dimension.")
    dim = k - 2
    if k != len(x):
        # aten/src/ATen/native/Convolution.cpp: convolution_same (no space before the weight)
        raise LayerRuntimeError(
            f"Expected {k}-dimensional input for {k}-dimensional weight{fmt_list(w)}, but got "
            f"{len(x)}-dimensional input of size {fmt_list(x)} instead",
            hint=f"kernel_size has {dim} value(s), which makes a {k}-d weight, but the input is "
                 f"{len(x)}-d: give kernel_size one value per spatial dimension.")
    for name, values in (("stride", stride), ("dilation", dilation)):
        if len(values) not in (dim, 1):
            # aten/src/ATen/native/Convolution.cpp: convolution_same
            raise LayerRuntimeError(
                f"{name} cannot broadcast to {dim} dimensions",
                hint=f"{name} has {len(values)} values but the convolution has {dim} spatial "
                     f"dimension(s): give one value or {dim}.")
    if any(s != 1 for s in stride):  # pragma: no cover - __init__ already rejects it
        raise LayerRuntimeError("padding='same' is not supported for strided convolutions",
                                hint="use stride=1 with padding='same'.")
    left, crop_or_pad = [], []
    for i in range(dim):
        d = dilation[0] if len(dilation) == 1 else dilation[i]
        total = d * (w[i + 2] - 1)
        lo = _trunc_half(total)  # C++ integer division truncates toward zero
        left.append(lo)
        crop_or_pad.append(total - lo - lo)
    if any(c != 0 for c in crop_or_pad):
        padded = list(x)
        for i, delta in enumerate(crop_or_pad):
            # delta > 0 pads the right; delta < 0 (negative kernels spans) crops the left.
            if delta < 0 and x[i + 2] + delta < 0:
                # aten/src/ATen/native/PadNd.cpp: constant_pad_nd -> narrow
                raise LayerRuntimeError(
                    "narrow(): length must be non-negative.",
                    hint=f"padding='same' with kernel_size={list(w[2:])} and dilation="
                         f"{list(dilation)} would crop a dimension of size {x[i + 2]}: use "
                         "kernel sizes and dilations >= 1.")
            padded[i + 2] = x[i + 2] + delta
        x = tuple(padded)
        check_strides(x)
    return _convolution(x, w, stride, left, dilation, groups, dim)


def conv_forward_shape(op: str, input_shape: tuple[int, ...], weight: tuple[int, ...],
                       stride: Any, padding: Any, dilation: Any, groups: Any,
                       bias: bool = True) -> tuple[int, ...]:
    """The shape of ``F.conv{N}d(zeros(input_shape), weight, ...)``, or torch's error."""
    check_arg_types(op, bias, stride, padding, dilation, groups)
    nd = int(op[4])
    if len(input_shape) not in (nd + 1, nd + 2):
        # aten/src/ATen/native/Convolution.cpp: batchify
        raise LayerRuntimeError(
            f"Expected {nd + 1}D (unbatched) or {nd + 2}D (batched) input to {op}, but got "
            f"input of size: {fmt_list(input_shape)}",
            hint=f"{op} takes (C, {_AXES[nd]}) or (N, C, {_AXES[nd]}) inputs, but the input "
                 f"{fmt_list(input_shape)} has {len(input_shape)} dimensions.")
    batched = len(input_shape) == nd + 2
    x = input_shape if batched else (1, *input_shape)
    if isinstance(padding, str):
        if padding == "same":
            out = _convolution_same(x, weight, stride, dilation, groups)
        else:  # 'valid': at::convolution with padding {0} and output_padding {0}
            out = _convolution(x, weight, stride, (0,), dilation, groups, 1)
    else:
        out = _convolution(x, weight, stride, padding, dilation, groups, nd)
    if len(weight) == 3 and len(out) == 4:
        out = (out[0], out[1], out[3])
    return out if batched else out[1:]
