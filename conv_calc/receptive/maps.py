"""What one layer does to one axis: :class:`AxisMap`, and the exact-number helpers.

>>> AxisMap.conv(3, stride=2, padding=1).taps
((range(-1, 2),),)
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from math import gcd
from typing import Any, Iterable, Sequence, Union

from conv_calc.errors import StackDefinitionError
from conv_calc.formulas import adaptive_pool_bin

__all__ = ["Number", "AxisMap", "as_number", "ratio", "cached_property", "MAX_PERIOD",
           "PeriodTooLong", "check_period"]

#: The longest period (outputs before a map's pattern of taps repeats) the exact receptive
#: field follows. Its tables hold one entry per position of a period, so a transposed conv
#: with stride 10**7 would take minutes and gigabytes; real networks stay under a few hundred.
MAX_PERIOD = 2**16


class PeriodTooLong(StackDefinitionError):
    """A receptive-field period over :data:`MAX_PERIOD` (the layer, not the input, is at fault)."""


def check_period(period: int, what: str) -> None:
    """Refuse, before building it, a receptive-field table longer than :data:`MAX_PERIOD`.

    >>> try:
    ...     check_period(2**20, "stride 1048576")
    ... except PeriodTooLong as err:
    ...     print(err)
    stride 1048576: the exact receptive field repeats every 1,048,576 output positions; conv-calc follows periods up to 65,536
    """
    if period > MAX_PERIOD:
        raise PeriodTooLong(
            f"{what}: the exact receptive field repeats every {period:,} output positions; "
            f"conv-calc follows periods up to {MAX_PERIOD:,}",
            hint="a stride, upsampling factor or pooling ratio this large is beyond what "
                 "conv-calc analyses; use a smaller one")

Number = Union[int, Fraction]


def as_number(x: Fraction | int) -> Number:
    """An int when integral, else the Fraction."""
    x = Fraction(x)
    return x.numerator if x.denominator == 1 else x


class cached_property:
    """functools.cached_property without its per-access lock (Python 3.11): the value
    lands in the instance's ``__dict__``, which later lookups read directly."""

    def __init__(self, func: Any) -> None:
        self.func, self.name, self.__doc__ = func, func.__name__, func.__doc__

    def __get__(self, obj: Any, owner: Any = None) -> Any:
        if obj is None:
            return self
        value = obj.__dict__[self.name] = self.func(obj)
        return value


def ratio(p: int, q: int) -> Number:
    """``p / q`` as an int when integral (no Fraction built), else the Fraction."""
    return p // q if p % q == 0 else Fraction(p, q)


def _ranges(values: Iterable[int]) -> tuple[range, ...]:
    vals = sorted(set(values))
    return tuple(range(v, v + 1) for v in vals)


# --------------------------------------------------------------------------- layer maps

@dataclass(frozen=True)
class AxisMap:
    """What one layer does to one axis: output ``o = q*a + r`` reads input ``T(r) + q*b``.

    ``taps[r]`` is a tuple of ``range`` objects (possibly empty) for ``r`` in
    ``0 .. a-1``. ``collapse`` marks a layer that mixes the whole axis.

    >>> AxisMap.conv(3, stride=2, padding=1).taps
    ((range(-1, 2),),)
    >>> AxisMap.transposed(4, stride=2, padding=1).taps
    ((range(0, -2, -1),), (range(1, -1, -1),))
    """

    a: int = 1
    b: int = 1
    taps: tuple[tuple[range, ...], ...] = ((range(0, 1),),)
    collapse: bool = False

    @classmethod
    def identity(cls) -> AxisMap:
        return cls()

    @cached_property
    def extremes(self) -> tuple[tuple[int, int] | None, ...]:
        """Per residue ``r``: the smallest and largest tap (None: no tap)."""
        out = []
        for rngs in self.taps:
            ends = [x for rg in rngs if rg for x in (rg[0], rg[-1])]
            out.append((min(ends), max(ends)) if ends else None)
        return tuple(out)

    @classmethod
    @lru_cache(maxsize=1024)  # maps are immutable: one per distinct layer
    def shift(cls, offset: int) -> AxisMap:
        """Output ``o`` reads input ``o + offset`` (padding layers: ``offset = -left``; crops)."""
        return cls(1, 1, ((range(offset, offset + 1),),))

    @classmethod
    @lru_cache(maxsize=1024)  # maps are immutable: one per distinct layer
    def conv(cls, kernel_size: int, stride: int = 1, padding: int = 0, dilation: int = 1) -> AxisMap:
        """Conv or pool: output ``o`` reads ``o*s - p + t*d`` for ``t = 0 .. k-1``."""
        start = -padding
        return cls(1, stride, ((range(start, start + kernel_size * dilation, dilation),),))

    @classmethod
    @lru_cache(maxsize=1024)  # maps are immutable: one per distinct layer
    def transposed(cls, kernel_size: int, stride: int = 1, padding: int = 0,
                   dilation: int = 1) -> AxisMap:
        """Transposed conv: output ``o`` reads ``i`` where ``i*s = o + p - t*d`` for some ``t``."""
        taps = []
        for r in range(stride):
            ts = [t for t in range(kernel_size) if (r + padding - t * dilation) % stride == 0]
            if ts:
                # t strides by stride/g when it stays in one residue class
                step = stride // gcd(stride, dilation)
                first = (r + padding - ts[0] * dilation) // stride
                last = (r + padding - ts[-1] * dilation) // stride
                di = -(step * dilation) // stride
                taps.append((range(first, last + di, di) if di else range(first, first + 1),))
            else:
                taps.append(())
        return cls(stride, 1, tuple(taps))

    @classmethod
    @lru_cache(maxsize=1024)  # maps are immutable: one per distinct layer
    def nearest(cls, factor: int) -> AxisMap:
        """Nearest upsampling by an integer factor: output ``o`` reads ``floor(o / f)``."""
        return cls(factor, 1, tuple((range(0, 1),) for _ in range(factor)))

    @classmethod
    def table(cls, in_size: int, taps: Sequence[Iterable[int]]) -> AxisMap:
        """An explicit map for the real outputs ``0 .. len(taps)-1``, repeated with that period."""
        return cls(max(len(taps), 1), in_size if taps else 0,
                   tuple(_ranges(t) for t in taps) or ((),))

    @classmethod
    def bins(cls, in_size: int, out_size: int) -> AxisMap:
        """Adaptive pooling: output ``i`` reads ``floor(i*L/out) .. ceil((i+1)*L/out) - 1``."""
        if out_size <= 0:
            return cls(1, 0, ((),))
        g = gcd(in_size, out_size) or 1
        a, b = out_size // g, in_size // g
        taps = []
        for i in range(a):
            taps.append((range(*adaptive_pool_bin(i, in_size, out_size)),))
        return cls(a, b, tuple(taps))

    @classmethod
    def whole(cls) -> AxisMap:
        """A layer that mixes the whole axis (Linear on it, Flatten over it, ...)."""
        return cls(collapse=True)
