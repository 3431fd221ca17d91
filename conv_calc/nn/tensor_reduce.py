"""Tensor functions that split a tensor or reduce dimensions, as torch 2.13 does them on shapes.

As in tensor_ops.py: the input shape first, then torch's own arguments; the output
shape (a tuple of shapes for chunk and split) or torch's exception with a hint.

- ``chunk(x, chunks, dim=0)``: pieces of ``ceil(size / chunks)``, the last one smaller,
  so there can be *fewer* than ``chunks`` pieces (10 in 6 chunks gives five of 2).
- ``split(x, split_size_or_sections, dim=0)``: pieces of ``split_size`` (the last one
  smaller), or one piece per listed size (they must add up to the dim's size).
- ``mean(x, dim=None, keepdim=False)``, ``sum``, ``amax``: the named dims (all when
  ``dim`` is None or empty) are removed, or kept as size 1 with ``keepdim=True``.

>>> chunk((10,), 6)
((2,), (2,), (2,), (2,), (2,))
>>> split((4, 10), [3, 7], 1)
((4, 3), (4, 7))
>>> mean((8, 64, 7, 7), (2, 3)), amax((8, 64, 7, 7), -1, True)
((8, 64), (8, 64, 7, 1))
"""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from typing import Any

from conv_calc.errors import LayerIndexError, LayerRuntimeError, LayerTypeError
from conv_calc.nn.arg_parser import TENSOR, Signature, parse
from conv_calc.nn.base import as_shape, fmt_list
from conv_calc.nn.tensor_checks import ALLOC_LIMIT_BYTES, wrap_dim
from conv_calc.nn.tensor_dims import dim_list_to_set
from conv_calc.nn.tensor_ops import check_concrete, i64

__all__ = ["chunk", "split", "mean", "sum", "amax"]

_CHUNK = [Signature("chunk(int64_t chunks, int64_t dim=0)")]
_VF_SPLIT = [Signature("split(Tensor input, SymInt split_size, int64_t dim=0)"),
             Signature("split(Tensor input, SymIntArrayRef split_size, int64_t dim=0)")]
_SPLIT_WITH_SIZES = [Signature("split_with_sizes(Tensor input, SymIntArrayRef split_sizes, int64_t dim=0)")]
_MEAN = [Signature("mean(*, ScalarType? dtype=None)"),
         Signature("mean(IntArrayRef[1]? dim, bool keepdim=False, *, ScalarType? dtype=None)")]
_SUM = [Signature("sum(*, ScalarType? dtype=None)"),
        Signature("sum(IntArrayRef[1]? dim, bool keepdim=False, *, ScalarType? dtype=None)")]
_AMAX = [Signature("amax(IntArrayRef[1]? dim={}, bool keepdim=False)")]

#: libstdc++'s std::vector<T>::max_size() for the 8-byte Tensor and SymInt: PTRDIFF_MAX / 8.
_VECTOR_MAX = (2**63 - 1) // 8


def _check_vector(n: int, what: str) -> None:
    """``std::vector<Tensor> v(n)`` (and of SymInt): beyond max_size(), or beyond memory."""
    if n > _VECTOR_MAX:
        raise LayerRuntimeError("cannot create std::vector larger than max_size()",
                                hint=f"{what} gives {n} pieces, more than torch can list.")
    if n * 8 > ALLOC_LIMIT_BYTES:
        raise LayerRuntimeError(
            "std::bad_alloc",
            hint=f"{what} gives {n} pieces, whose list alone does not fit in memory. (The limit "
                 "is the machine's memory: torch on a larger machine would allocate it.)")


def _cdiv(a: int, b: int) -> int:
    """C++ integer division (truncates toward zero)."""
    q = abs(a) // abs(b)
    return q if (a < 0) == (b < 0) else -q


def _pieces(shape: tuple[int, ...], dim: int, lengths: Sequence[int]) -> tuple[tuple[int, ...], ...]:
    d = dim % len(shape)
    return tuple(shape[:d] + (n,) + shape[d + 1:] for n in lengths)


def _need_1d(shape: tuple[int, ...], fn: str) -> None:
    if not shape:
        raise LayerRuntimeError(f"{fn} expects at least a 1-dimensional tensor",
                                hint=f"{fn} on a 0-d tensor (shape []): there is no dim to split.")


def chunk(input_shape: Sequence[int], /, *args: Any, **kwargs: Any) -> tuple[tuple[int, ...], ...]:
    """``x.chunk(chunks, dim=0)``: pieces of ``ceil(size / chunks)`` along ``dim``.

    aten/src/ATen/native/TensorShape.cpp: chunk -- a 1-d or larger input, ``chunks > 0``,
    then ``split(ceil(size / chunks))``, except that an empty dim gives ``chunks`` empty pieces.

    >>> chunk((0, 5), 3, 1), chunk((0, 5), 3)
    (((0, 2), (0, 2), (0, 1)), ((0, 5), (0, 5), (0, 5)))
    >>> chunk((5,), 0)
    Traceback (most recent call last):
      ...
    conv_calc.errors.LayerRuntimeError: chunk expects `chunks` to be greater than 0, got: 0
    """
    shape = as_shape(input_shape)
    got = parse(_CHUNK, args, kwargs)
    chunks, dim = got["chunks"], got["dim"]
    _need_1d(shape, "chunk")
    if chunks <= 0:
        raise LayerRuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}",
                                hint=f"chunks={chunks}: ask for at least one piece.")
    size = shape[wrap_dim(dim, len(shape))]
    split_size = _cdiv(i64(size + chunks - 1), chunks)
    if split_size == 0 and size == 0:
        _check_vector(chunks, f"chunks={chunks} on an empty dim")
        return _pieces(shape, dim, [0] * chunks)
    return _split_size(shape, split_size, dim)


def _split_size(shape: tuple[int, ...], split_size: int, dim: int) -> tuple[tuple[int, ...], ...]:
    """aten/src/ATen/native/TensorShape.cpp: split (one size; the last piece smaller)."""
    _need_1d(shape, "split")
    if split_size < 0:
        raise LayerRuntimeError(
            f"split expects split_size be non-negative, but got split_size={split_size}",
            hint=f"split_size={split_size} is negative: give the size of each piece (>= 1).")
    size = shape[wrap_dim(dim, len(shape))]
    if split_size == 0 and size != 0:
        raise LayerRuntimeError(
            f"split_size can only be 0 if dimension size is 0, but got dimension size of {size}",
            hint=f"split_size=0 cannot cut a dim of size {size}: give the size of each piece (>= 1).")
    n = 1 if split_size == 0 else max(_cdiv(i64(size + split_size - 1), split_size), 1)
    _check_vector(n, f"pieces of {split_size} along a dim of {size}")
    last = i64(split_size - i64(split_size * n - size))
    return _pieces(shape, dim, [split_size] * (n - 1) + [last])


def _split_with_sizes(shape: tuple[int, ...], sizes: list[int], dim: int) -> tuple[tuple[int, ...], ...]:
    """aten/src/ATen/native/TensorShape.cpp: split_with_sizes; each piece is a slice, so
    sizes whose sum wrapped around at 64 bits give clamped pieces."""
    check_concrete(sizes, "aten/src/ATen/RegisterCompositeExplicitAutograd_0.cpp:10430")
    _need_1d(shape, "split")
    size = shape[wrap_dim(dim, len(shape))]
    total = 0
    for n in sizes:
        if n < 0:
            raise LayerRuntimeError(
                "split_with_sizes expects split_sizes have only non-negative entries, but got "
                f"split_sizes={fmt_list(sizes)}",
                hint=f"split sizes {fmt_list(sizes)} include {n}: every size must be >= 0.")
        total = i64(total + n)
    if total != size:
        raise LayerRuntimeError(
            f"split_with_sizes expects split_sizes to sum exactly to {size} (input tensor's size at "
            f"dimension {dim}), but got split_sizes={fmt_list(sizes)}",
            hint=f"the sizes {fmt_list(sizes)} add up to {builtins.sum(sizes)}, but dim {dim} has {size}: "
                 f"make them add up to {size}.")
    lengths, start = [], 0
    for n in sizes:
        lo, hi = _clamp(start, size), _clamp(i64(start + n), size)
        lengths.append(max(hi - lo, 0))
        start = i64(start + n)
    return _pieces(shape, dim, lengths)


def _clamp(index: int, size: int) -> int:
    """A slice bound as ATen's slice clamps it (a negative one counts from the end)."""
    if index < 0:
        index += size
    return min(max(index, 0), size)


class Tensor:
    """torch/_tensor.py's Python-level ``Tensor.split``, so that a wrong call gets Python's
    own message naming ``Tensor.split()`` (Python 3.11 and later)."""

    def split(self, split_size, dim=0):  # noqa: ANN001, ANN201 - torch's signature as it is
        return split_size, dim


def split(input_shape: Sequence[int], /, *args: Any, **kwargs: Any) -> tuple[tuple[int, ...], ...]:
    """``x.split(split_size_or_sections, dim=0)``: an int (a bool counts as one) goes to
    ``torch._VF.split``, anything else to ``torch._VF.split_with_sizes``, as torch/_tensor.py does.

    >>> split((10,), 3)
    ((3,), (3,), (3,), (1,))
    >>> split((10,), [3, 6])
    Traceback (most recent call last):
      ...
    conv_calc.errors.LayerRuntimeError: split_with_sizes expects split_sizes to sum exactly to 10 (input tensor's size at dimension 0), but got split_sizes=[3, 6]
    """
    shape = as_shape(input_shape)
    try:
        split_size, dim = Tensor.split(None, *args, **kwargs)
    except TypeError as err:
        raise LayerTypeError(str(err), hint="Tensor.split takes (split_size, dim=0), split_size being "
                                           "an int or a list of sizes.") from None
    if isinstance(split_size, int):
        got = parse(_VF_SPLIT, (TENSOR, split_size, dim), {})
        if isinstance(got["split_size"], list):  # pragma: no cover - an int matches the first
            return _split_with_sizes(shape, got["split_size"], got["dim"])
        return _split_size(shape, got["split_size"], got["dim"])
    got = parse(_SPLIT_WITH_SIZES, (TENSOR, split_size, dim), {})
    return _split_with_sizes(shape, got["split_sizes"], got["dim"])


# ----------------------------------------------------------------- reductions

def _reduced(shape: tuple[int, ...], dims: list[int] | None, keepdim: bool) -> tuple[int, ...]:
    """aten/src/ATen/native/ReduceOpsUtils.h: make_dim_mask, then the reduction's shape.

    Every dim is range-checked before any is checked for repeats (unlike squeeze).
    """
    for d in dims or ():
        wrap_dim(d, len(shape))
    drop = set(range(len(shape))) if not dims else dim_list_to_set(dims, len(shape))
    return tuple(1 if i in drop else s for i, s in enumerate(shape) if keepdim or i not in drop)


def _mean_or_sum(sigs: list[Signature], shape: Sequence[int], args: tuple, kwargs: dict) -> tuple[int, ...]:
    shape = as_shape(shape)
    got = parse(sigs, args, kwargs)
    return _reduced(shape, got.get("dim"), got.get("keepdim", False))


def mean(input_shape: Sequence[int], /, *args: Any, **kwargs: Any) -> tuple[int, ...]:
    """``x.mean(dim=None, keepdim=False)``: global average pooling is ``mean((2, 3))``.

    >>> mean((2, 3, 4)), mean((2, 3, 4), None, True)
    ((), (1, 1, 1))
    >>> mean((2, 3, 4), [1, -2])
    Traceback (most recent call last):
      ...
    conv_calc.errors.LayerRuntimeError: dim 1 appears multiple times in the list of dims
    """
    return _mean_or_sum(_MEAN, input_shape, args, kwargs)


def sum(input_shape: Sequence[int], /, *args: Any, **kwargs: Any) -> tuple[int, ...]:  # noqa: A001
    """``x.sum(dim=None, keepdim=False)``: as :func:`mean`.

    >>> sum((2, 3, 4), 1, keepdim=True)
    (2, 1, 4)
    """
    return _mean_or_sum(_SUM, input_shape, args, kwargs)


def amax(input_shape: Sequence[int], /, *args: Any, **kwargs: Any) -> tuple[int, ...]:
    """``x.amax(dim=(), keepdim=False)``: as :func:`mean`, but an empty input needs named
    dims, none of them empty (aten/src/ATen/native/ReduceOps.cpp: zero_numel_check_dims).

    >>> amax((0, 3, 4), 1)
    (0, 4)
    >>> amax((0, 3, 4), 0)
    Traceback (most recent call last):
      ...
    conv_calc.errors.LayerIndexError: amax(): Expected reduction dim 0 to have non-zero size.
    """
    shape = as_shape(input_shape)
    got = parse(_AMAX, args, kwargs)
    dims = got["dim"] or []
    if 0 in shape:
        if not dims:
            raise LayerRuntimeError(
                "amax(): Expected reduction dim to be specified for input.numel() == 0. Specify "
                "the reduction dim with the 'dim' argument.",
                hint=f"the input {fmt_list(shape)} is empty, so its max is undefined: name the dims to reduce.")
        for d in dims:
            if shape[wrap_dim(d, len(shape))] == 0:
                raise LayerIndexError(
                    f"amax(): Expected reduction dim {d} to have non-zero size.",
                    hint=f"dim {d} of {fmt_list(shape)} is empty, so its max is undefined: "
                         "reduce other dims.")
    return _reduced(shape, dims, got["keepdim"])
