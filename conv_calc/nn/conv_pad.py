"""``F.pad`` with a non-constant mode, as ``Conv*d(padding_mode=...)`` runs it before the conv.

torch's ``_ConvNd._conv_forward`` calls ``F.pad(input, _reversed_padding_repeated_twice,
mode=padding_mode)`` for ``padding_mode`` reflect, replicate or circular, so a wrong
input rank, a reflect padding as large as the input, or a negative padding that crops
too much is reported by the padding kernels, with their own messages, before any
conv check. :func:`pad_shape` returns the padded shape or raises what torch raises.

Shape: each padded dim becomes ``L + pad_left + pad_right`` (negative pads crop).

>>> pad_shape((1, 3, 5, 5), [1, 1, 2, 2], "reflect")
(1, 3, 9, 7)
>>> pad_shape((1, 3, 10), [-2, -2], "circular")
(1, 3, 6)

Raises LayerTypeError, LayerRuntimeError and LayerNotImplementedError (see the
comments at each message).
"""

from __future__ import annotations

from collections.abc import Sequence

from conv_calc.errors import LayerNotImplementedError, LayerRuntimeError
from conv_calc.nn.base import fmt_list
from conv_calc.nn.tensor_checks import check_numel, check_wrapped_strides, negative_dim_error
from conv_calc.nn.torch_args import parse_int_list

__all__ = ["pad_shape", "check_pad_arg", "check_strides"]

_NOT_SUPPORTED = (
    "Padding size {n} is not supported for {dim}D input tensor.\n"
    "Supported combinations for non-constant padding:\n"
    "  - 2D or 3D input: padding size = 2 (pads last dimension)\n"
    "  - 3D or 4D input: padding size = 4 (pads last 2 dimensions)\n"
    "  - 4D or 5D input: padding size = 6 (pads last 3 dimensions)"
)


def check_pad_arg(pad: Sequence[object]) -> None:
    """The argument parser of ``torch._C._nn.pad``: every entry must be an int.

    The parser's type check looks at the first element only; the others fail
    later, when the list is unpacked, with another message.
    """
    parse_int_list("pad", "pad", 2, pad,
                   hint=f"padding must be whole numbers when padding_mode is not 'zeros'; got "
                        f"{pad!r}: use ints.")


def check_strides(shape: Sequence[int]) -> None:
    """The wrapping-int64 strides of an empty tensor of ``shape`` (see tensor_checks)."""
    check_wrapped_strides(shape, hint=f"a tensor of shape {fmt_list(shape)} has strides beyond "
                                      "int64 even with a zero batch: use smaller sizes or fewer "
                                      "channels.")


def _check_valid_input(shape: tuple[int, ...], n: int) -> None:
    batch_mode = len(shape) == n + 2
    dims = shape[1:] if batch_mode else shape
    if any(d == 0 for d in dims):
        # aten/src/ATen/native/Padding.h: padding::check_valid_input
        raise LayerRuntimeError(
            f"Expected {n + 1}D or {n + 2}D (batch mode) tensor with possibly 0 batch size and "
            f"other non-zero dimensions for input, but got: {fmt_list(shape)}",
            hint="reflect and replicate padding need every non-batch dimension of the input to "
                 f"be non-zero, but the input is {fmt_list(shape)}: use padding_mode='zeros' "
                 "or a non-empty input.")


def _reflect_limits(shape: tuple[int, ...], pad: Sequence[int], n: int) -> None:
    # Last dim first; "Argument #4" counts pad entries (W), #6 (H), #8 (D).
    for j in range(n):
        dim = len(shape) - 1 - j
        left, right = pad[2 * j], pad[2 * j + 1]
        if not (left < shape[dim] and right < shape[dim]):
            # aten/src/ATen/native/ReflectionPad.cpp: reflection_pad{1,2,3}d
            raise LayerRuntimeError(
                f"Argument #{4 + 2 * j}: Padding size should be less than the corresponding "
                f"input dimension, but got: padding ({left}, {right}) at dimension {dim} of "
                f"input {fmt_list(shape)}",
                hint=f"reflect padding must be smaller than the dimension it pads: padding "
                     f"({left}, {right}) on a dimension of size {shape[dim]}; lower the padding, "
                     "enlarge the input, or use padding_mode='replicate' or 'zeros'.")


def _too_small(shape: tuple[int, ...], out: tuple[int, ...], n: int, mode: str) -> None:
    ins, outs = shape[-n:], out[-n:]
    if not all(o < 1 for o in outs):
        return
    hint = (f"the negative padding crops the input {fmt_list(ins)} to {fmt_list(outs)}: "
            "make the padding less negative.")
    # aten/src/ATen/native/ReflectionPad.cpp, ReplicationPadding.cpp: *_pad{1,2,3}d shape checks
    if n == 1:
        msg = f"input (W: {ins[0]}) is too small. Calculated output W: {outs[0]}"
    elif n == 2:
        space = " " if mode == "replicate" else ""
        msg = (f"input (H: {ins[0]}, W: {ins[1]}{space}) is too small. "
               f"Calculated output H: {outs[0]} W: {outs[1]}")
    else:
        msg = (f"input (D: {ins[0]} H: {ins[1]}, W: {ins[2]}) is too small. "
               f"Calculated output D: {outs[0]} H: {outs[1]} W: {outs[2]}")
    raise LayerRuntimeError(msg, hint=hint)


def _allocate(out: tuple[int, ...], mode: str, n: int) -> None:
    if not any(d < 0 for d in out):
        return
    if mode == "reflect" and n == 2:
        # reflection_pad2d sizes its output through numel(), an unsigned product.
        # c10/core/TensorImpl.h: safe_compute_numel multiplies the sizes as uint64 (sticky
        # overflow flag) and also rejects a product above int64 max, as -3 % 2**64 is.
        check_numel(out, hint=f"the negative padding crops a dimension below zero ({fmt_list(out)}): "
                              "make the padding less negative.")
        # With a zero batch the product is 0: torch makes the tensor, negative size and all,
        # and the conv checks that follow see it.
        return
    raise negative_dim_error(out, hint="the padded input would have a negative size: make the "
                                       "sizes non-negative.")


def pad_shape(shape: tuple[int, ...], pad: Sequence[int], mode: str) -> tuple[int, ...]:
    """The shape of ``F.pad(zeros(shape), pad, mode)`` for reflect, replicate or circular."""
    check_pad_arg(pad)
    dim = len(shape)
    if len(pad) > 2 * dim:
        # aten/src/ATen/native/PadNd.cpp: _pad_enum
        raise LayerRuntimeError(
            f"Padding length should be less than or equal to two times the input dimension but "
            f"got padding length {len(pad)} and input of dimension {dim}",
            hint=f"padding_mode='{mode}' pads {len(pad) // 2} dimension(s), but the input "
                 f"{fmt_list(shape)} has only {dim}: give the input its channel (and batch) "
                 "dimensions.")
    n = len(pad) // 2
    if n not in (1, 2, 3) or dim not in (n + 1, n + 2):
        # aten/src/ATen/native/PadNd.cpp: _pad_enum
        raise LayerNotImplementedError(
            _NOT_SUPPORTED.format(n=len(pad), dim=dim),
            hint=f"with padding_mode='{mode}' the input must have {n + 1} or {n + 2} dimensions "
                 f"(unbatched or batched), but it has {dim}: fix the input rank or the length "
                 "of padding.")
    out = list(shape)
    for j in range(n):
        out[dim - 1 - j] = shape[dim - 1 - j] + pad[2 * j] + pad[2 * j + 1]
    out_t = tuple(out)
    if mode == "circular":
        for j in reversed(range(n)):  # outermost padded dim first
            size, left, right = shape[dim - 1 - j], pad[2 * j], pad[2 * j + 1]
            if not (left <= size and right <= size):
                # aten/src/ATen/native/PadNd.cpp: _pad_circular_symint
                raise LayerRuntimeError(
                    "Padding value causes wrapping around more than once.",
                    hint=f"circular padding ({left}, {right}) is larger than the dimension it "
                         f"wraps (size {size}): lower the padding or enlarge the input.")
            if out_t[dim - 1 - j] < 0:
                # aten/src/ATen/native/PadNd.cpp: _pad_circular_symint
                raise LayerRuntimeError(
                    "Negative padding value is resulting in an empty dimension",
                    hint=f"the negative padding ({left}, {right}) crops a dimension of size "
                         f"{size} below zero: make the padding less negative.")
        check_strides(out_t)
        return out_t
    _check_valid_input(shape, n)
    if mode == "reflect":
        _reflect_limits(shape, pad, n)
    _too_small(shape, out_t, n, mode)
    _allocate(out_t, mode, n)
    check_strides(out_t)
    return out_t
