"""``torch.nn.functional.pad`` on shapes: the output shape and every check, in torch's order.

:func:`pad_shape` is what the padding layers (and ``Conv*d`` with a
``padding_mode`` other than ``'zeros'``) run in forward. ``pad`` lists pairs
for the *last* dimensions first: ``(left, right, top, bottom, front, back)``;
negative entries crop.

Out = In + pad_before + pad_after for each padded dimension, after torch's checks:

>>> pad_shape((1, 3, 8, 8), (1, 1, 2, 0), "reflect")
(1, 3, 10, 10)
>>> pad_shape((4,), (-1, 2), "constant")
(5,)
>>> pad_shape((1, 1, 3), (3, 3), "reflect")
Traceback (most recent call last):
  ...
conv_calc.errors.LayerRuntimeError: Argument #4: Padding size should be less than the corresponding input dimension, but got: padding (3, 3) at dimension 2 of input [1, 1, 3]

Errors (all raised here, never at construction): ``TypeError`` for a pad that
is not a sequence of ints or a value that is not a float; ``RuntimeError`` for
an odd or too long pad, a reflect pad not smaller than the input, cropping
too much, circular padding wrapping more than once; ``NotImplementedError``
when a non-constant mode gets a pad length that does not fit the input rank.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from conv_calc.errors import LayerNotImplementedError, LayerRuntimeError, LayerTypeError
from conv_calc.nn.base import fmt_list
from conv_calc.nn.tensor_checks import check_alloc, check_storage, check_strides, wrap_int64
from conv_calc.nn.torch_args import parse_int_list

__all__ = ["pad_shape", "check_pad_arg", "PAD_MODES"]

PAD_MODES = ("constant", "reflect", "replicate", "circular")

_FLOAT32_MAX = 3.4028234663852886e38

_AXIS_NAMES = {1: ("W",), 2: ("H", "W"), 3: ("D", "H", "W")}


def check_pad_arg(pad: Any) -> tuple[int, ...]:
    """torch's Python argument parser on ``pad``: a sequence of ints.

    The first element is type-checked (a bool is refused there); the rest are
    only unpacked, where a bool passes as 0 or 1.
    """
    items = tuple(pad) if isinstance(pad, (list, tuple)) else (pad,)
    return tuple(parse_int_list("pad", "pad", 2, items,
                                hint=f"padding {pad!r}: give whole numbers of pixels within 64 "
                                     "bits, e.g. 1 or (1, 2)."))


def _check_value(value: Any) -> None:
    if value is None or isinstance(value, (int, float)):
        return
    # torch/csrc/utils/python_arg_parser.cpp: FunctionParameter::check (DOUBLE)
    raise LayerTypeError(
        f"pad(): argument 'value' (position 4) must be float, not {type(value).__name__}",
        hint=f"the fill value {value!r} is not a number: give a float such as 0.0.")


def pad_shape(shape: Sequence[int], pad: Any, mode: str = "constant",
              value: Any = None) -> tuple[int, ...]:
    """The shape of ``F.pad(torch.zeros(shape), pad, mode, value)``, with torch's errors.

    >>> pad_shape((2, 5), (1, 2), "circular")
    (2, 8)
    """
    shape = tuple(shape)
    # python_arg_parser.cpp: the first pass type-checks pad's first element and then
    # 'value'; pad's later elements are unpacked only afterwards (PythonArgs::intlist).
    check_pad_arg(pad[:1] if isinstance(pad, (list, tuple)) else pad)
    _check_value(value)
    pad = check_pad_arg(pad)
    ndim = len(shape)
    if len(pad) % 2:
        # aten/src/ATen/native/PadNd.cpp: _pad_enum
        raise LayerRuntimeError(
            "Padding length must be divisible by 2",
            hint=f"the padding has {len(pad)} entries; it needs a (before, after) pair per "
                 "padded dimension.")
    if len(pad) > 2 * ndim:
        # aten/src/ATen/native/PadNd.cpp: _pad_enum
        raise LayerRuntimeError(
            "Padding length should be less than or equal to two times the input dimension but "
            f"got padding length {len(pad)} and input of dimension {ndim}",
            hint=f"{len(pad)} padding entries pad {len(pad) // 2} dimensions, but the input "
                 f"{fmt_list(shape)} has only {ndim}: give a longer input shape or fewer pads.")
    if mode == "constant":
        return _constant(shape, pad, value)
    if value is not None and value != 0:
        # aten/src/ATen/native/PadNd.cpp: _pad_enum
        raise LayerRuntimeError(
            f"Padding mode \"{mode}\" doesn't take in value argument",
            hint="only mode='constant' uses a fill value: drop value or switch the mode.")
    n = len(pad) // 2
    if n not in (1, 2, 3) or ndim not in (n + 1, n + 2):
        # aten/src/ATen/native/PadNd.cpp: _pad_enum_symint
        raise LayerNotImplementedError(
            f"Padding size {len(pad)} is not supported for {ndim}D input tensor.\n"
            "Supported combinations for non-constant padding:\n"
            "  - 2D or 3D input: padding size = 2 (pads last dimension)\n"
            "  - 3D or 4D input: padding size = 4 (pads last 2 dimensions)\n"
            "  - 4D or 5D input: padding size = 6 (pads last 3 dimensions)",
            hint=f"{mode} padding with {len(pad)} entries pads {n} dimension(s) of a "
                 f"({n + 1}D or {n + 2}D) input, but the input {fmt_list(shape)} is {ndim}D.")
    if mode == "circular":
        return _circular(shape, pad)
    return _reflect_or_replicate(shape, pad, n, reflect=(mode == "reflect"))


def _pairs(shape: tuple[int, ...], pad: tuple[int, ...]):
    """(dim, size, before, after) for the padded dims, first padded dim first."""
    n = len(pad) // 2
    for k in range(n):
        dim = len(shape) - n + k
        j = 2 * (n - 1 - k)
        yield dim, shape[dim], pad[j], pad[j + 1]


def _constant(shape: tuple[int, ...], pad: tuple[int, ...], value: Any) -> tuple[int, ...]:
    out = list(shape)
    if any(p < -2**62 for p in pad):
        # The dispatcher's SymInt -> int conversion for constant_pad_nd (C10_AS_INTARRAYREF_SLOW);
        # torch's message starts with the generated file's path in its build tree.
        raise LayerRuntimeError(
            "/__w/pytorch/pytorch/build/aten/src/ATen/RegisterCompositeExplicitAutograd_0.cpp:3016: "
            "SymIntArrayRef expected to contain only concrete integers",
            hint=f"a padding below -2**62 ({min(pad)}) is beyond what torch can store as a size: "
                 "crop less.")
    for dim, size, before, after in _pairs(shape, pad):
        # Negative pads are applied first as narrow() calls, before then after.
        cur = size
        for p in (before, after):
            if p < 0:
                if cur + p < 0:
                    # aten/src/ATen/native/TensorShape.cpp: narrow_symint
                    raise LayerRuntimeError(
                        "narrow(): length must be non-negative.",
                        hint=f"padding ({before}, {after}) crops {-min(before, 0) - min(after, 0)} "
                             f"of the {size} elements of dimension {dim}: crop less or give a "
                             "larger input.")
                cur += p
        out[dim] = size + before + after
    if any(p > 0 for p in pad):
        for dim, size, before, after in _pairs(shape, pad):
            if wrap_int64(size + before + after) < 0:
                # aten/src/ATen/native/PadNd.cpp: constant_pad_nd (the sum wraps around in int64)
                raise LayerRuntimeError(
                    f"The input size {size}, plus negative padding {before} and {after} resulted "
                    f"in a negative output size, which is invalid. Check dimension {dim} of your "
                    "input.",
                    hint=f"padding ({before}, {after}) on a dimension of size {size} makes a size "
                         "beyond 2**63 that wraps around in torch's int64 maths: pad less.")
        _check_strides(out)
        if value is not None and not isinstance(value, bool) and abs(float(value)) > _FLOAT32_MAX \
                and abs(float(value)) != float("inf"):
            # c10/util/TypeCast.h: checked_convert (at fill_)
            raise LayerRuntimeError(
                "value cannot be converted to type float without overflow",
                hint=f"the fill value {value!r} does not fit in float32 (max about 3.4e38): "
                     "use a smaller value or float('inf').")
    return tuple(out)


def _slice(size: int, start: int, end: int) -> tuple[int, int]:
    """ATen ``slice`` bounds (step 1): negative ends wrap once, then clamp to [0, size]."""
    start = start + size if start < 0 else start
    end = end + size if end < 0 else end
    start = min(max(start, 0), size)
    end = min(max(end, start), size)
    return start, end


def _check_copy(dest: list[int], src: list[int]) -> None:
    """``dest.copy_(src)``: src must broadcast to dest (TensorIterator compute_shape)."""
    result = list(dest)
    for i in range(len(dest) - 1, -1, -1):
        a, b = dest[i], src[i]
        if a != b and a != 1 and b != 1:
            # aten/src/ATen/ExpandUtils.cpp: infer_size_impl
            raise LayerRuntimeError(
                f"The size of tensor a ({a}) must match the size of tensor b ({b}) at "
                f"non-singleton dimension {i}",
                hint="circular padding that mixes a positive and a cropping pad larger than "
                     "the input makes torch's internal copy mismatch: crop less.")
        result[i] = b if a == 1 else a
    if result != list(dest):
        # aten/src/ATen/TensorIterator.cpp: compute_shape
        raise LayerRuntimeError(
            f"output with shape {fmt_list(dest)} doesn't match the broadcast shape "
            f"{fmt_list(result)}",
            hint="circular padding that crops more than the input holds on one side makes "
                 "torch's internal copy mismatch: crop less.")


def _check_wrap_copy(out: list[int], dim: int, dest: tuple[int, int],
                     src: tuple[int, int]) -> None:
    """``out.slice(dim, *dest).copy_(out.slice(dim, *src))``: overlap, then shapes."""
    if dest == src:
        return  # copy_ returns early for the very same view
    dshape, sshape = list(out), list(out)
    dshape[dim], sshape[dim] = dest[1] - dest[0], src[1] - src[0]
    if math.prod(dshape) and math.prod(sshape):
        outer = math.prod(out[:dim])

        def dense(shape):
            return outer == 1 or shape[dim] == out[dim]

        if dense(dshape) and dense(sshape) and dest[0] < src[1] and src[0] < dest[1]:
            # aten/src/ATen/MemoryOverlap.cpp: assert_no_partial_overlap
            raise LayerRuntimeError(
                "unsupported operation: some elements of the input tensor and the written-to "
                "tensor refer to a single memory location. Please clone() the tensor before "
                "performing the operation.",
                hint=f"with a single sample, circular padding of dimension {dim} reads the "
                     "cells it writes (the pad wraps onto itself after cropping): crop less or "
                     "pad less on that dimension.")
    _check_copy(dshape, sshape)


def _circular(shape: tuple[int, ...], pad: tuple[int, ...]) -> tuple[int, ...]:
    out = list(shape)
    pairs = list(_pairs(shape, pad))
    for dim, size, before, after in pairs:
        if before > size or after > size:
            # aten/src/ATen/native/PadNd.cpp: _pad_circular_symint
            raise LayerRuntimeError(
                "Padding value causes wrapping around more than once.",
                hint=f"circular padding ({before}, {after}) on dimension {dim} of size {size} "
                     f"needs each pad <= {size}: lower the padding or give a larger input.")
        out[dim] = size + before + after
        if out[dim] < 0:
            # aten/src/ATen/native/PadNd.cpp: _pad_circular_symint
            raise LayerRuntimeError(
                "Negative padding value is resulting in an empty dimension",
                hint=f"padding ({before}, {after}) crops dimension {dim} of size {size} to "
                     f"{out[dim]}: crop less.")
    _check_strides(out)
    # The input is copied into the middle, then each padded dim (last first)
    # copies its own edges; torch checks those copies, and so do we.
    dest, src = list(out), list(shape)
    for dim, size, before, after in reversed(pairs):
        a, b = _slice(out[dim], max(before, 0), out[dim] - max(after, 0))
        dest[dim] = b - a
        a, b = _slice(size, max(-before, 0), size - max(-after, 0))
        src[dim] = b - a
    _check_copy(dest, src)
    for dim, size, before, after in reversed(pairs):
        o = out[dim]
        if before > 0:
            _check_wrap_copy(out, dim, _slice(o, 0, before),
                             _slice(o, o - before - max(after, 0), o - max(after, 0)))
        if after > 0:
            _check_wrap_copy(out, dim, _slice(o, o - after, o),
                             _slice(o, max(before, 0), max(before, 0) + after))
    return tuple(out)


def _check_strides(out: list[int]) -> None:
    """The output's bytes, then its contiguous strides, must fit in int64 (the strides
    even with a zero batch); negative sizes fail first in check_size_nonnegative (see the
    callers)."""
    if all(d >= 0 for d in out):
        nbytes = check_storage(out, hint=f"the output {fmt_list(out)} has more bytes than an int64 "
                                         "can count: pad less or use a smaller input.")
        check_alloc(nbytes, hint=f"the output {fmt_list(out)} takes {nbytes} bytes, more than "
                                 "torch could allocate on the reference machine: pad less or use a "
                                 "smaller input.")
    check_strides(out, hint=f"the output {fmt_list(out)} has more elements per sample than an "
                            "int64 can index: pad less or use a smaller input.")


def _reflect_or_replicate(shape: tuple[int, ...], pad: tuple[int, ...], n: int,
                          reflect: bool) -> tuple[int, ...]:
    ndim = len(shape)
    first = 1 if ndim == n + 2 else 0
    if any(d == 0 for d in shape[first:]):
        # aten/src/ATen/native/Padding.h: check_valid_input
        raise LayerRuntimeError(
            f"Expected {n + 1}D or {n + 2}D (batch mode) tensor with possibly 0 batch size and "
            f"other non-zero dimensions for input, but got: {fmt_list(shape)}",
            hint=f"{'reflect' if reflect else 'replicate'} padding needs every dimension but "
                 f"the batch to be non-empty; the input is {fmt_list(shape)}.")
    pairs = list(_pairs(shape, pad))
    if reflect:
        # Checked from the last dimension on; "Argument #4" names the W pair.
        for k, (dim, size, before, after) in enumerate(reversed(pairs)):
            if before >= size or after >= size:
                # aten/src/ATen/native/ReflectionPad.cpp: reflection_pad{1,2,3}d meta
                raise LayerRuntimeError(
                    f"Argument #{4 + 2 * k}: Padding size should be less than the corresponding "
                    f"input dimension, but got: padding ({before}, {after}) at dimension {dim} "
                    f"of input {fmt_list(shape)}",
                    hint=f"reflect padding ({before}, {after}) needs each pad < {size}, the size "
                         f"of dimension {dim}: lower the padding, use replicate, or enlarge the "
                         "input.")
    sizes = [size for _, size, _, _ in pairs]
    outs = [size + before + after for _, size, before, after in pairs]
    if (n == 1 and outs[0] < 1) or (n > 1 and not any(o >= 1 for o in outs)):
        names = _AXIS_NAMES[n]
        if n == 1:
            # aten/src/ATen/native/{Reflection,Replication}Pad.cpp: *_pad1d meta
            msg = f"input (W: {sizes[0]}) is too small. Calculated output W: {outs[0]}"
        elif n == 2:
            # ReflectionPad.cpp / ReplicationPadding.cpp: *_pad2d (the latter with a stray space)
            gap = " " if not reflect else ""
            msg = (f"input (H: {sizes[0]}, W: {sizes[1]}{gap}) is too small. "
                   f"Calculated output H: {outs[0]} W: {outs[1]}")
        else:
            # ReflectionPad.cpp / ReplicationPadding.cpp: *_pad3d
            msg = (f"input (D: {sizes[0]} H: {sizes[1]}, W: {sizes[2]}) is too small. "
                   f"Calculated output D: {outs[0]} H: {outs[1]} W: {outs[2]}")
        raise LayerRuntimeError(
            msg, hint=f"the padding crops the input ({' x '.join(map(str, sizes))}, "
                      f"{'/'.join(names)}) to {' x '.join(map(str, outs))}: crop less.")
    out = list(shape)
    for (dim, _, _, _), o in zip(pairs, outs):
        out[dim] = o
    _check_strides(out)
    negative = [o for o in out if o < 0]
    if negative:
        if reflect and n == 2:
            numel = 1
            for d in out:
                numel *= d
            if numel == 0:
                return tuple(out)  # torch returns a shape with a negative size here
            # c10/core/TensorImpl.h: safe_compute_numel (the negative size wraps as unsigned)
            raise LayerRuntimeError(
                "numel: integer multiplication overflow",
                hint=f"the padding crops one dimension to {negative[0]} (below zero): crop "
                     "less.")
        # aten/src/ATen/EmptyTensor.cpp: check_size_nonnegative
        raise LayerRuntimeError(
            f"Trying to create tensor with negative dimension {negative[0]}: {fmt_list(out)}",
            hint=f"the padding crops one dimension to {negative[0]} (below zero): crop less.")
    return tuple(out)
