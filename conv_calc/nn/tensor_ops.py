"""Tensor functions that broadcast or rearrange dimensions, as torch 2.13 does them on shapes.

Each function takes the input shape(s) first, then torch's own arguments as torch's
Python argument parser sees them (positional or keyword, var-args int lists, wrong
types, extra or missing arguments), and returns the output shape or raises torch's
exception: same builtin class, same message, plus a ``hint``.

- ``add(a, b)``, ``sub(a, b)``, ``mul(a, b)``, ``div(a, b, rounding_mode=None)``:
  ``torch.add(a, b)`` and so on; :func:`elementwise` folds one of them over several
  shapes left to right. Shape: the broadcast of the inputs (aligned at the last dim,
  each pair of sizes equal or one of them 1).
- ``flatten(x, start_dim=0, end_dim=-1)``: ``torch.flatten``.
- ``reshape(x, *shape)``, ``view(x, *size)``: one size may be -1 and is inferred. A view
  also needs strides that allow it; pass ``input_strides`` for a tensor that is not
  contiguous (after ``permute`` / ``transpose``): permute :func:`contiguous_strides`.

tensor_dims.py moves dims (permute, transpose, squeeze, unsqueeze); tensor_reduce.py
splits and reduces (chunk, split, mean, sum, amax).

>>> add((8, 1, 6, 1), (7, 1, 5))
(8, 7, 6, 5)
>>> reshape((2, 3, 4), 6, -1), view((2, 3, 4), (-1,)), flatten((2, 3, 4), 1)
((6, 4), (24,), (2, 12))
>>> reshape((7,), 2, -1)
Traceback (most recent call last):
  ...
conv_calc.errors.LayerRuntimeError: shape '[2, -1]' is invalid for input of size 7

Limits: a zero-element result of an elementwise op whose contiguous strides would pass
int64 may fail in torch with "Stride calculation overflowed" or not, depending on the
memory layout TensorIterator picks; conv-calc does not model that layout and accepts it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

# The one import of merge.py in the engine (main is moving it to conv_calc/nn/merge.py).
from conv_calc.nn.merge import add_shape
from conv_calc.errors import LayerRuntimeError, LayerTypeError
from conv_calc.nn.arg_parser import TENSOR, Signature, format_invalid_args, parse
from conv_calc.nn.base import as_shape, fmt_list
from conv_calc.nn.tensor_checks import (
    check_alloc,
    check_numel,
    check_storage,
    check_wrapped_strides,
    wrap_dim,
)

__all__ = ["add", "sub", "mul", "div", "elementwise", "flatten", "tensor_flatten", "reshape", "view",
           "infer_size", "contiguous_strides", "check_concrete", "flatten_dims", "view_dims"]

# The signatures as torch 2.13's generated bindings (python_torch_functions.cpp,
# python_variable_methods.cpp) declare them.
_FLATTEN = [Signature("flatten(Tensor input, int64_t start_dim=0, int64_t end_dim=-1)")]
_TENSOR_FLATTEN = [Signature("flatten(int64_t start_dim=0, int64_t end_dim=-1)")]
_RESHAPE = [Signature("reshape(SymIntArrayRef shape)")]
_VIEW = [Signature("view(ScalarType dtype)"), Signature("view(SymIntArrayRef size)")]
_DIV_OPTIONS = ["(Tensor input, Tensor other, *, Tensor out = None)",
                "(Tensor input, Tensor other, *, str rounding_mode, Tensor out = None)",
                "(Tensor input, Number other, *, str rounding_mode)"]


def i64(value: int) -> int:
    """``value`` wrapped to a signed 64-bit int, as ATen's size arithmetic wraps.

    >>> i64(2**63), i64(2**64 + 5)
    (-9223372036854775808, 5)
    """
    return (value + 2**63) % 2**64 - 2**63


# ----------------------------------------------------------------- elementwise

def _broadcast(op: str, a: Sequence[int], b: Sequence[int]) -> tuple[int, ...]:
    out = add_shape(as_shape(a), as_shape(b), op=op)
    # TensorIterator allocates the result: at::empty's byte count, then the allocator.
    hint = (f"torch.{op} of shapes {fmt_list(a)} and {fmt_list(b)} gives {fmt_list(out)}, "
            "too large to allocate: check which dims should be 1.")
    check_alloc(check_storage(out, hint), hint)
    return out


def add(a: Sequence[int], b: Sequence[int]) -> tuple[int, ...]:
    """``torch.add(a, b)`` on tensors of shapes ``a`` and ``b``: their broadcast shape.

    ATen infer_size aligns the shapes at their last dim; each pair of sizes must be
    equal or contain a 1. Raises RuntimeError for a pair that is neither.

    >>> try:
    ...     add((2, 3), (4, 3))
    ... except RuntimeError as err:
    ...     print(err)
    The size of tensor a (2) must match the size of tensor b (4) at non-singleton dimension 0
    """
    return _broadcast("add", a, b)


def sub(a: Sequence[int], b: Sequence[int]) -> tuple[int, ...]:
    """``torch.sub(a, b)``: as :func:`add`.

    >>> sub((3, 1), (1, 4))
    (3, 4)
    """
    return _broadcast("sub", a, b)


def mul(a: Sequence[int], b: Sequence[int]) -> tuple[int, ...]:
    """``torch.mul(a, b)``: as :func:`add` (a squeeze-excitation gate: ``(N, C, 1, 1)``).

    >>> mul((8, 64, 7, 7), (8, 64, 1, 1))
    (8, 64, 7, 7)
    """
    return _broadcast("mul", a, b)


def div(a: Sequence[int], b: Sequence[int], *, rounding_mode: Any = None) -> tuple[int, ...]:
    """``torch.div(a, b, rounding_mode=...)``: as :func:`add`; ``rounding_mode`` is checked first.

    >>> div((2, 3), (3,), rounding_mode="floor")
    (2, 3)
    >>> div((2, 3), (3,), rounding_mode="round")
    Traceback (most recent call last):
      ...
    conv_calc.errors.LayerRuntimeError: div expected rounding_mode to be one of None, 'trunc', or 'floor' but found 'round'
    """
    if rounding_mode is not None and not isinstance(rounding_mode, str):
        # torch/csrc/utils/python_arg_parser.cpp: PythonArgParser::print_error
        raise LayerTypeError(
            format_invalid_args((TENSOR, TENSOR), {"rounding_mode": rounding_mode}, "div()",
                                _DIV_OPTIONS),
            hint=f"rounding_mode={rounding_mode!r}: use None, 'trunc' or 'floor'.")
    if rounding_mode not in (None, "trunc", "floor"):
        # aten/src/ATen/native/BinaryOps.cpp: get_rounding_mode
        raise LayerRuntimeError(
            "div expected rounding_mode to be one of None, 'trunc', or 'floor' but found "
            f"'{rounding_mode}'", hint=f"rounding_mode={rounding_mode!r}: use None, 'trunc' or 'floor'.")
    return _broadcast("div", a, b)


_ELEMENTWISE = {"add": add, "sub": sub, "mul": mul, "div": div}


def elementwise(op: str, shapes: Sequence[Sequence[int]]) -> tuple[int, ...]:
    """``op`` (add, sub, mul or div) folded left to right: ``op(op(s0, s1), s2) ...``.

    A merge over several named tensors; an error names the running result as tensor a.

    >>> elementwise("add", [(1, 64, 8, 8), (1, 64, 1, 1), (64, 8, 1)])
    (1, 64, 8, 8)
    >>> try:
    ...     elementwise("mul", [(4, 3), (1, 3), (5, 3)])
    ... except RuntimeError as err:
    ...     print(err)
    The size of tensor a (4) must match the size of tensor b (5) at non-singleton dimension 0
    """
    if op not in _ELEMENTWISE:
        raise ValueError(f"elementwise op must be one of {', '.join(_ELEMENTWISE)}, got {op!r}")
    if not shapes:
        raise ValueError(f"elementwise {op} needs at least one shape")
    out = as_shape(shapes[0])
    for s in shapes[1:]:
        out = _ELEMENTWISE[op](out, s)
    return out


# ----------------------------------------------------------------- reshape / view

def infer_size(shape: Sequence[int], numel: int) -> list[int]:
    """aten/src/ATen/InferSize.h: infer_size_impl -- ``shape`` with its -1 filled in for
    ``numel`` elements (products wrap at 64 bits as in ATen).

    >>> infer_size([2, -1, 3], 24)
    [2, 4, 3]
    >>> infer_size([0, -1], 0)
    Traceback (most recent call last):
      ...
    conv_calc.errors.LayerRuntimeError: cannot reshape tensor of 0 elements into shape [0, -1] because the unspecified dimension size -1 can be any value and is ambiguous
    """
    newsize, infer = 1, None
    for i, d in enumerate(shape):
        if d == -1:
            if infer is not None:
                raise LayerRuntimeError(
                    "only one dimension can be inferred",
                    hint=f"shape {fmt_list(shape)} has more than one -1: at most one size can be inferred.")
            infer = i
        elif d >= 0:
            newsize = i64(newsize * d)
        else:
            raise LayerRuntimeError(
                f"invalid shape dimension {d} at index {i} of shape {fmt_list(shape)}",
                hint=f"size {d} is negative: sizes must be >= 0, or -1 for the one inferred size.")
    if numel == newsize or (infer is not None and newsize > 0 and numel % newsize == 0):
        out = list(shape)
        if infer is not None:
            if newsize == 0:
                raise LayerRuntimeError(
                    f"cannot reshape tensor of 0 elements into shape {fmt_list(shape)} because the "
                    "unspecified dimension size -1 can be any value and is ambiguous",
                    hint="with a 0 among the sizes of an empty tensor the -1 could be anything: "
                         "give that size explicitly.")
            out[infer] = numel // newsize
        return out
    raise LayerRuntimeError(
        f"shape '{fmt_list(shape)}' is invalid for input of size {numel}",
        hint=f"the input has {numel} element{'' if numel == 1 else 's'}, which shape "
             f"{fmt_list(shape)} cannot hold: choose sizes whose product is {numel}, or use -1 "
             "for one of them.")


def check_concrete(sizes: Sequence[int], where: str) -> None:
    """c10::asIntArrayRefSlow in a kernel's generated wrapper: a SymInt below -2**62 is
    stored as a heap node (c10/core/SymInt.h: MAX_UNREPRESENTABLE_INT), not a concrete
    int. ``where`` is the wrapper's file and line in torch 2.13.0's CPU build, which torch
    prints with its build directory."""
    if any(d < -2**62 for d in sizes):
        raise LayerRuntimeError(
            f"/__w/pytorch/pytorch/build/{where}: SymIntArrayRef expected to contain only "
            "concrete integers",
            hint=f"a size in {fmt_list(sizes)} is below -2**62 (a product that wrapped around "
                 "at 64 bits, or a typo): sizes must be >= 0, or -1 for the one inferred size.")


def contiguous_strides(shape: Sequence[int]) -> tuple[int, ...]:
    """The strides of a contiguous tensor of ``shape`` (a size 0 counts as 1).

    >>> contiguous_strides((2, 3, 4)), contiguous_strides(())
    ((12, 4, 1), ())
    """
    out, stride = [], 1
    for d in reversed(shape):
        out.append(stride)
        stride *= max(d, 1)
    return tuple(reversed(out))


def _compute_stride(old: Sequence[int], old_stride: Sequence[int], new: Sequence[int]) -> bool:
    """aten/src/ATen/TensorUtils.cpp: computeStride_impl, for a non-empty tensor: can
    ``new`` view memory laid out as (``old``, ``old_stride``)?"""
    if not old:
        return True
    view_d = len(new) - 1
    base = old_stride[-1]
    tensor_numel = view_numel = 1
    for d in range(len(old) - 1, -1, -1):
        tensor_numel = i64(tensor_numel * old[d])
        if d == 0 or (old[d - 1] != 1 and old_stride[d - 1] != tensor_numel * base):
            while view_d >= 0 and (view_numel < tensor_numel or new[view_d] == 1):
                view_numel = i64(view_numel * new[view_d])
                view_d -= 1
            if view_numel != tensor_numel:
                return False
            if d > 0:
                base = old_stride[d - 1]
                tensor_numel = view_numel = 1
    return view_d == -1


def view_dims(shape: Sequence[int], sizes: Sequence[int],
              strides: Sequence[int] | None = None, *, what: str = "view") -> tuple[int, ...]:
    """``x.view(sizes)`` on a tensor of ``shape`` (and ``strides``; None: contiguous) once
    the arguments are parsed: infer_size, computeStride, then what
    ``TensorImpl::set_sizes_and_strides`` checks (strides, then numel).

    >>> view_dims((4, 2, 3), [4, 6], strides=(1, 12, 4))
    (4, 6)
    """
    shape = tuple(shape)
    check_concrete(sizes, "aten/src/ATen/RegisterCPU_3.cpp:5710")
    numel = math.prod(shape)
    new = infer_size(sizes, numel)
    # A tensor that is not contiguous is copied by reshape first, so only view takes
    # strides; contiguous strides can still fail when the sizes wrapped at 64 bits.
    strides = contiguous_strides(shape) if strides is None else tuple(strides)
    if numel and not _compute_stride(shape, strides, new):
        # aten/src/ATen/native/TensorShape.cpp: view_impl
        raise LayerRuntimeError(
            "view size is not compatible with input tensor's size and stride (at least one "
            "dimension spans across two contiguous subspaces). Use .reshape(...) instead.",
            hint=f"the input (shape {fmt_list(shape)}, strides {fmt_list(strides)}) cannot be "
                 f"viewed as {fmt_list(new)}: for a tensor that is not contiguous use reshape or "
                 "call .contiguous() first; otherwise the sizes wrapped around at 64 bits.")
    if not numel and new != list(shape):
        # computeStride gives an empty tensor contiguous strides in wrapping int64
        check_wrapped_strides(new, hint=f"the empty {what} {fmt_list(new)} has strides beyond "
                                        "torch's 64-bit range: use smaller sizes.")
    check_numel(new, hint=f"the {what} {fmt_list(new)} has more than 2**63 elements: "
                          "use smaller sizes.")
    return tuple(new)


def reshape(input_shape: Sequence[int], /, *args: Any, **kwargs: Any) -> tuple[int, ...]:
    """``x.reshape(*shape)`` (or ``x.reshape(shape)``): one size may be -1.

    Shape: the given sizes, with ``prod(shape) == x.numel()``. A reshape never fails
    for lack of contiguity (it copies), so it takes no strides.

    >>> reshape((2, 3, 4), -1, -1)
    Traceback (most recent call last):
      ...
    conv_calc.errors.LayerRuntimeError: only one dimension can be inferred
    """
    shape = as_shape(input_shape)
    sizes = parse(_RESHAPE, args, kwargs)["shape"]
    return view_dims(shape, sizes, what="reshape")


def view(input_shape: Sequence[int], /, *args: Any, input_strides: Sequence[int] | None = None,
         **kwargs: Any) -> tuple[int, ...]:
    """``x.view(*size)``: as :func:`reshape`, but ``x`` must be laid out so that no new
    dimension spans two separate runs of memory (``input_strides``; None: contiguous).

    >>> x = (4, 2, 3)  # torch.zeros(2, 3, 4).permute(2, 0, 1): strides (1, 12, 4)
    >>> view(x, 4, 6, input_strides=(1, 12, 4))
    (4, 6)
    >>> view(x, -1, input_strides=(1, 12, 4))
    Traceback (most recent call last):
      ...
    conv_calc.errors.LayerRuntimeError: view size is not compatible with input tensor's size and stride (at least one dimension spans across two contiguous subspaces). Use .reshape(...) instead.
    """
    shape = as_shape(input_shape)
    sizes = parse(_VIEW, args, kwargs)["size"]
    return view_dims(shape, sizes, input_strides)


def flatten_dims(shape: Sequence[int], start_dim: int, end_dim: int) -> tuple[int, ...]:
    """aten/src/ATen/native/TensorShape.cpp: flatten, once the arguments are parsed (shared
    by :func:`flatten` and ``nn.Flatten``).

    >>> flatten_dims((), 0, -1), flatten_dims((2, 3, 4), 1, 1)
    ((1,), (2, 3, 4))
    """
    shape = tuple(shape)
    start = wrap_dim(start_dim, len(shape), "start_dim")
    end = wrap_dim(end_dim, len(shape), "end_dim")
    if start > end:
        raise LayerRuntimeError(
            "flatten() has invalid args: start_dim cannot come after end_dim",
            hint=f"start_dim={start_dim} is dim {start} and end_dim={end_dim} is dim {end} of the "
                 f"{len(shape)}-d input: start_dim must not come after end_dim.")
    if not shape:
        return (1,)
    if start == end:
        return shape
    merged = i64(math.prod(shape[start:end + 1]))
    return view_dims(shape, [*shape[:start], merged, *shape[end + 1:]], what="flatten")


def flatten(input_shape: Sequence[int], /, *args: Any, **kwargs: Any) -> tuple[int, ...]:
    """``torch.flatten(x, start_dim=0, end_dim=-1)``: dims start..end become one.

    Shape: ``(*, S_start, ..., S_end, *)`` -> ``(*, prod(S_start..S_end), *)``; a 0-d
    input gives ``(1,)``.

    >>> flatten((2, 3, 4))
    (24,)
    >>> flatten((2, 3, 4), 1.0)
    Traceback (most recent call last):
      ...
    conv_calc.errors.LayerTypeError: flatten(): argument 'start_dim' (position 2) must be int, not float
    """
    shape = as_shape(input_shape)
    got = parse(_FLATTEN, (TENSOR, *args), kwargs)
    return flatten_dims(shape, got["start_dim"], got["end_dim"])


def tensor_flatten(input_shape: Sequence[int], /, *args: Any, **kwargs: Any) -> tuple[int, ...]:
    """``x.flatten(start_dim=0, end_dim=-1)``: :func:`flatten` as a method (what
    ``nn.Flatten`` calls), so its arguments are counted from position 1.

    >>> tensor_flatten((2, 3, 4), 1, 2.0)
    Traceback (most recent call last):
      ...
    conv_calc.errors.LayerTypeError: flatten(): argument 'end_dim' (position 2) must be int, not float
    """
    shape = as_shape(input_shape)
    got = parse(_TENSOR_FLATTEN, args, kwargs)
    return flatten_dims(shape, got["start_dim"], got["end_dim"])
