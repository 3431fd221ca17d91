"""The shape checks of ``torch.add`` (broadcasting) and ``torch.cat``, with torch's messages.

>>> add_shape((1, 3, 8, 8), (1, 3, 1, 1))
(1, 3, 8, 8)
>>> cat_shape([(1, 3, 8, 8), (1, 5, 8, 8)], dim=1)
(1, 8, 8, 8)
>>> try:
...     cat_shape([(1, 3, 8, 8), (1, 3, 7, 8)], dim=1)
... except RuntimeError as err:
...     print(err)
Sizes of tensors must match except in dimension 1. Expected size 8 but got size 7 for tensor number 1 in the list.
"""

from __future__ import annotations

from typing import Sequence

from conv_calc.errors import MergeIndexError, MergeRuntimeError
from conv_calc.nn.base import fmt_list

__all__ = ["add_shape", "cat_shape", "MergeRuntimeError", "MergeIndexError"]


_VERBS = {"add": "adding", "sub": "subtracting", "mul": "multiplying", "div": "dividing"}


def add_shape(a: Sequence[int], b: Sequence[int], *, op: str = "add") -> tuple[int, ...]:
    """The broadcast shape of ``torch.add(a, b)``, or torch's error.

    ATen ``infer_size`` walks the dims from the last one and reports the first
    mismatch it meets, numbered in the broadcast result. ``sub``, ``mul`` and
    ``div`` broadcast the same way; ``op`` only words the hint.

    >>> try:
    ...     add_shape((1, 3, 8, 8), (1, 4, 8, 9))
    ... except RuntimeError as err:
    ...     print(err)
    The size of tensor a (8) must match the size of tensor b (9) at non-singleton dimension 3
    """
    a, b = tuple(a), tuple(b)
    n = max(len(a), len(b))
    out = [0] * n
    for i in range(n - 1, -1, -1):
        off = n - 1 - i
        da = a[len(a) - 1 - off] if off < len(a) else 1
        db = b[len(b) - 1 - off] if off < len(b) else 1
        if da != db and da != 1 and db != 1:
            # aten/src/ATen/ExpandUtils.cpp: infer_size_impl
            raise MergeRuntimeError(
                f"The size of tensor a ({da}) must match the size of tensor b ({db}) "
                f"at non-singleton dimension {i}",
                hint=f"{_VERBS.get(op, op)} shapes {fmt_list(a)} and {fmt_list(b)}: dimension {i} is {da} on "
                     f"one side and {db} on the other; make the branches produce the same size "
                     "(a projection shortcut, matching strides or padding).")
        out[i] = db if da == 1 else da
    return tuple(out)


def cat_shape(shapes: Sequence[Sequence[int]], dim: int = 1) -> tuple[int, ...]:
    """The shape of ``torch.cat(tensors, dim)``, or torch's error, checked in torch's order.

    1-d empty tensors (shape ``(0,)``) are skipped as torch's legacy rule does.

    >>> try:
    ...     cat_shape([(1, 3, 8, 8), (3, 8, 8)], dim=4)
    ... except IndexError as err:
    ...     print(err)
    Dimension out of range (expected to be in range of [-4, 3], but got 4)
    """
    shapes = [tuple(s) for s in shapes]
    for i, s in enumerate(shapes):
        if len(s) == 0:
            # aten/src/ATen/native/TensorShape.cpp: cat meta (zero-dim check)
            raise MergeRuntimeError(
                f"zero-dimensional tensor (at position {i}) cannot be concatenated",
                hint=f"tensor {i} is a scalar (shape []); torch.cat needs tensors with at least "
                     "one dimension.")
    kept = [(i, s) for i, s in enumerate(shapes) if s != (0,)]
    if not kept:
        return (0,)
    ref_i, ref = kept[0]
    n = len(ref)
    if not -n <= dim <= n - 1:
        # c10/core/WrapDimMinimal.h: maybe_wrap_dim
        raise MergeIndexError(
            f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})",
            hint=f"dim={dim} does not exist in a {n}-d tensor: use a dim from {-n} to {n - 1} "
                 "(1 is the channel dim).")
    d = dim % n
    total = 0
    for i, s in kept:
        if len(s) != n:
            # aten/src/ATen/native/TensorShape.cpp: check_cat_shape_except_dim
            raise MergeRuntimeError(
                f"Tensors must have same number of dimensions: got {n} and {len(s)}",
                hint=f"tensor {i} has shape {fmt_list(s)} but tensor {ref_i} has "
                     f"{fmt_list(ref)}: concatenated tensors need the same rank.")
        for k in range(n):
            if k != d and s[k] != ref[k]:
                raise MergeRuntimeError(
                    f"Sizes of tensors must match except in dimension {d}. Expected size "
                    f"{ref[k]} but got size {s[k]} for tensor number {i} in the list.",
                    hint=f"tensor {i} has shape {fmt_list(s)} and tensor {ref_i} has "
                         f"{fmt_list(ref)}: every dim but {d} must agree; crop or pad the "
                         "larger one (e.g. crop='center' on a saved skip) or fix the strides.")
        total += s[d]
    return ref[:d] + (total,) + ref[d + 1:]
