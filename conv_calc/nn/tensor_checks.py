"""What allocating a float32 tensor checks, emulated once: sizes, numel, bytes, strides.

Mirrors aten/src/ATen/EmptyTensor.cpp (``check_size_nonnegative``,
``computeStorageNbytesContiguous``), c10/util/safe_numerics.h (``safe_multiplies_u64``:
uint64 maths with a *sticky* overflow flag, so a 0 after an overflow does not clear it),
c10/core/TensorImpl.h (``safe_compute_numel``, ``empty_tensor_restride``: contiguous
strides with checked multiplies), c10/core/impl/alloc_cpu.cpp (``alloc_cpu``) and
c10/core/WrapDimMinimal.cpp (``maybe_wrap_dim``). Every check takes the caller's hint.

>>> check_storage([2**62, 1], hint="too big")
Traceback (most recent call last):
  ...
conv_calc.errors.LayerRuntimeError: Storage size calculation overflowed with sizes=[4611686018427387904, 1]
>>> check_strides([0, 2**40, 2**40], hint="too big")
Traceback (most recent call last):
  ...
conv_calc.errors.LayerRuntimeError: Stride calculation overflowed
"""

from __future__ import annotations

from collections.abc import Sequence

from conv_calc.errors import LayerIndexError, LayerRuntimeError
from conv_calc.nn.base import fmt_list
from conv_calc.nn.torch_args import INT64_MAX

__all__: list[str] = []

#: Linux refuses (overcommit heuristic) one allocation larger than RAM + swap; this is the
#: 24 GiB machine torch 2.13 was observed on (MemTotal 24684084 kB, no swap). A tensor
#: below it is allocated by torch; one above it fails.
ALLOC_LIMIT_BYTES = 24684084 * 1024


def u64_product(sizes: Sequence[int]) -> tuple[int, bool]:
    """c10/util/safe_numerics.h: safe_multiplies_u64 -- the product of the sizes read as
    uint64, modulo 2**64, and a sticky overflow flag.

    >>> u64_product([2**63, 2, 0]), u64_product([-3])
    ((0, True), (18446744073709551613, False))
    """
    prod, over = 1, False
    for d in sizes:
        prod *= d % 2**64 if d < 0 else d
        if prod >= 2**64:
            over, prod = True, prod % 2**64
    return prod, over


def negative_dim_error(sizes: Sequence[int], hint: str) -> LayerRuntimeError:
    """aten/src/ATen/EmptyTensor.cpp: check_size_nonnegative (names the first negative size)."""
    bad = next(d for d in sizes if d < 0)
    return LayerRuntimeError(
        f"Trying to create tensor with negative dimension {bad}: {fmt_list(sizes)}", hint=hint)


def check_size_nonnegative(sizes: Sequence[int], hint: str) -> None:
    if any(d < 0 for d in sizes):
        raise negative_dim_error(sizes, hint)


def check_numel(sizes: Sequence[int], hint: str) -> None:
    """c10/core/TensorImpl.h: safe_compute_numel (``resize_`` and ``numel()`` paths)."""
    numel, over = u64_product(sizes)
    if over or numel > INT64_MAX:
        raise LayerRuntimeError("numel: integer multiplication overflow", hint=hint)


def check_storage(sizes: Sequence[int], hint: str, itemsize: int = 4) -> int:
    """aten/src/ATen/EmptyTensor.cpp: computeStorageNbytesContiguous; returns the bytes."""
    numel, over = u64_product(sizes)
    nbytes = numel * itemsize
    if over or nbytes > INT64_MAX:
        raise LayerRuntimeError(
            f"Storage size calculation overflowed with sizes={fmt_list(sizes)}", hint=hint)
    return nbytes


def check_alloc(nbytes: int, hint: str) -> None:
    """c10/core/impl/alloc_cpu.cpp: alloc_cpu (posix_memalign fails with ENOMEM)."""
    if nbytes > ALLOC_LIMIT_BYTES:
        raise LayerRuntimeError(
            "[enforce fail at alloc_cpu.cpp:127] err == 0. DefaultCPUAllocator: can't allocate "
            f"memory: you tried to allocate {nbytes} bytes. Error code 12 (Cannot allocate memory)",
            hint=hint)


def check_strides(sizes: Sequence[int], hint: str) -> None:
    """c10/core/TensorImpl.h: empty_tensor_restride -- contiguous strides, checked multiplies
    (so they fail even with a zero batch)."""
    stride = 1
    for d in reversed(sizes[1:]):
        stride *= max(d, 1)
        if stride > INT64_MAX:
            raise LayerRuntimeError("Stride calculation overflowed", hint=hint)


def check_wrapped_strides(sizes: Sequence[int], hint: str) -> None:
    """Contiguous strides computed in wrapping int64 (aten/src/ATen/TensorUtils.cpp:
    computeStride for an empty tensor / a 0-element view); c10's set_sizes_and_strides
    only rejects a stride that wrapped negative (2**64 wraps to 0 and passes)."""
    stride = 1
    for d in reversed(sizes[1:]):
        stride = (stride * max(d, 1)) % 2**64
        if stride > INT64_MAX:
            raise LayerRuntimeError("Stride calculation overflowed", hint=hint)


def check_empty(sizes: Sequence[int], hint: str, *, numel: bool = False,
                alloc: bool = False) -> None:
    """``at::empty(sizes)`` after the size parsing: [numel (for ``resize_``)], sign, bytes,
    [allocation], strides."""
    if numel:
        check_numel(sizes, hint)
    check_size_nonnegative(sizes, hint)
    nbytes = check_storage(sizes, hint)
    if alloc:
        check_alloc(nbytes, hint + " (The limit is the machine's memory: torch on a larger "
                                   "machine would allocate it.)")
    check_strides(sizes, hint)


def wrap_int64(value: int) -> int:
    """An int64 result as C++ computes it on a two's-complement machine (wrapping).

    >>> wrap_int64(2**63), wrap_int64(-2**63 - 1)
    (-9223372036854775808, 9223372036854775807)
    """
    return (value + 2**63) % 2**64 - 2**63


def check_symint(sizes: Sequence[int], hint: str) -> None:
    """c10/core/SymIntArrayRef.h: fromIntArrayRefSlow -- a C++ size list handed to an op that
    takes SymInts (``resize_``): a value below -2**62 has no inline SymInt representation."""
    for d in sizes:
        if d < -2**62:
            raise LayerRuntimeError(
                f"IntArrayRef contains an int that cannot be represented as a SymInt: {d}",
                hint=hint)


def check_resize(sizes: Sequence[int], hint: str) -> None:
    """``output.resize_(sizes)`` from C++ on an empty CPU tensor (aten/src/ATen/native/Resize.cpp:
    resize_impl_cpu_): the SymInt conversion, numel, bytes, the allocation, the strides.

    No sign check: a negative size that the numel product lets through (a zero elsewhere)
    ends up in the output's shape, as in torch.

    >>> check_resize([0, -5, 3], hint="")
    >>> check_resize([2**31, 2**31, 2**31], hint="")
    Traceback (most recent call last):
      ...
    conv_calc.errors.LayerRuntimeError: numel: integer multiplication overflow
    """
    check_symint(sizes, hint)
    check_numel(sizes, hint)
    nbytes = check_storage(sizes, hint)
    check_alloc(nbytes, hint + " (The limit is the machine's memory: torch on a larger "
                               "machine would allocate it.)")
    check_strides(sizes, hint)


def wrap_dim(dim: int, ndim: int, what: str = "dim") -> int:
    """c10::maybe_wrap_dim: a dim in [-ndim, ndim-1] (a 0-d tensor counts as 1-d).

    >>> wrap_dim(-1, 4)
    3
    """
    rank = max(ndim, 1)
    if not -rank <= dim <= rank - 1:
        # c10/core/WrapDimMinimal.cpp: maybe_wrap_dim_slow
        raise LayerIndexError(
            f"Dimension out of range (expected to be in range of [{-rank}, {rank - 1}], but got {dim})",
            hint=f"{what}={dim} does not exist in a {ndim}-d input: use a value from {-rank} to {rank - 1}.")
    return dim + rank if dim < 0 else dim
