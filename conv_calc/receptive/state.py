"""The dependencies of every output position on one axis (:class:`AxisState`), and alignment.

A state holds one component per jump class. Components of another kind (a cat
along the axis, :mod:`conv_calc.receptive.piecewise`) carry their own union and
alignment as ``union_of`` / ``aligned_of`` class methods, so this module needs
not know them.

>>> from conv_calc.receptive.maps import AxisMap
>>> s = AxisState.identity().then(AxisMap.conv(3, stride=2, padding=1))
>>> s.fields(n=None)
{'size': 3, 'size_min': 3, 'jump': 2, 'start': 0, 'effective_padding': 1}
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from math import lcm
from typing import Any, Iterable, Sequence

from conv_calc.receptive.component import Component, union_components
from conv_calc.receptive.maps import AxisMap, Number, as_number, cached_property, ratio

__all__ = ["AxisState", "aligned"]

def _union(comps: Sequence[Component]) -> Component:
    """Union of components with equal jump; a component of another kind brings its own union."""
    if len(comps) == 1:
        return comps[0]
    other = next((type(c) for c in comps if type(c) is not Component), None)
    if other is not None:
        return other.union_of(comps)
    return union_components(comps)


def _group(comps: Iterable[Component]) -> tuple[Component, ...]:
    """Merge components of equal jump (entirely empty ones are kept: they still have a jump)."""
    comps = tuple(comps)
    if len(comps) == 1:
        return comps
    by_jump: dict[Fraction, list[Component]] = {}
    for c in comps:
        by_jump.setdefault(c.jump, []).append(c)
    return tuple(_union(cs) for _, cs in sorted(by_jump.items()))


# --------------------------------------------------------------------------- one axis


@dataclass(frozen=True)
class AxisState:
    """The dependencies of every output position on one axis: one or more components."""

    components: tuple[Component, ...]

    @classmethod
    @lru_cache(maxsize=None)
    def identity(cls) -> AxisState:
        """The network input: ``D(u) = {u}`` (one shared, immutable object)."""
        return cls((Component(1, 1, (0,), (0,)),))

    def then(self, m: AxisMap, n_in: int | None = None) -> AxisState:
        """After one more layer; ``n_in`` (the layer's input length on this axis) for ``collapse``."""
        if m.collapse:
            return self.collapsed(n_in)
        if len(self.components) == 1:
            return AxisState((self.components[0].then(m),))
        return AxisState(_group(c.then(m) for c in self.components))

    def collapsed(self, n: int | None) -> AxisState:
        """Every output sees the hull of what positions ``0 .. n-1`` see; jump 0."""
        if n is None:
            n = max(c.period for c in self.components)
        spans = [s for s in (c.span(n) for c in self.components) if s]
        if not spans:
            return AxisState((Component(1, 0, (None,), (None,)),))
        lo, hi = min(s[0] for s in spans), max(s[1] for s in spans)
        return AxisState((Component(1, 0, (lo,), (hi,)),))

    def constant(self, u: int = 0) -> AxisState:
        """Every output reads this axis' position ``u`` (broadcasting a size-1 dim)."""
        h = self.hull(u)
        if h is None:
            return AxisState((Component(1, 0, (None,), (None,)),))
        return AxisState((Component(1, 0, (h[0],), (h[1],)),))

    def union(self, *others: AxisState) -> AxisState:
        comps = list(self.components)
        for o in others:
            comps.extend(o.components)
        return AxisState(_group(comps))

    def hull(self, u: int) -> tuple[int, int] | None:
        """``(min D(u), max D(u))``, or None when output ``u`` sees nothing."""
        hs = [h for h in (c.at(u) for c in self.components) if h]
        if not hs:
            return None
        return min(h[0] for h in hs), max(h[1] for h in hs)

    @cached_property
    def period(self) -> int:
        L = 1
        for c in self.components:
            L = lcm(L, c.period)
        return L

    @cached_property
    def live(self) -> tuple[Component, ...]:
        """The components in which some output sees something."""
        return tuple(c for c in self.components if c.is_live)

    @cached_property
    def jump(self) -> Number:
        return max(c.jump_number for c in (self.live or self.components))

    def _sizes(self, n: int | None) -> tuple[int, int]:
        L = self.period
        if len(self.live) <= 1 or not n or n <= 0:
            sizes = [h[1] - h[0] + 1 for h in (self.hull(u) for u in range(L)) if h]
            return (max(sizes), min(sizes)) if sizes else (0, 0)
        if n <= 4 * L:
            sizes = [h[1] - h[0] + 1 for h in (self.hull(u) for u in range(n)) if h]
            return (max(sizes), min(sizes)) if sizes else (0, 0)
        # Per residue r mod L the hull size is a convex function of q (u = q*L + r):
        # the maximum sits at an end, the minimum is found by bisection on the slope.
        biggest, smallest = 0, None
        for r in range(L):
            qmax = (n - 1 - r) // L

            def size(q: int) -> int | None:
                h = self.hull(q * L + r)
                return None if h is None else h[1] - h[0] + 1

            s0 = size(0)
            if s0 is None:
                continue
            s1 = size(qmax)
            biggest = max(biggest, s0, s1)
            lo_q, hi_q = 0, qmax
            while lo_q < hi_q:
                mid = (lo_q + hi_q) // 2
                if size(mid + 1) < size(mid):
                    lo_q = mid + 1
                else:
                    hi_q = mid
            m = size(lo_q)
            smallest = m if smallest is None else min(smallest, m)
        return biggest, (smallest or 0)

    def fields(self, n: int | None = None) -> dict[str, Any]:
        """The five DESIGN.md fields; ``n`` = the real number of outputs on this axis."""
        return dict(zip(_FIELDS, self.summary(n)))

    @cached_property
    def _aligned_summary(self) -> tuple:
        """:meth:`summary` when at most one component is live (then ``n`` plays no part):
        read from that component's cached table summary."""
        live = self.live
        if not live:
            return 0, 0, self.jump, None, None
        c = live[0]
        size, size_min, first = c.summary
        jump = self.jump
        lo, hi = c.at(first)
        if first == 0:
            return size, size_min, jump, ratio(lo + hi, 2), -lo
        # D(0) is empty: extrapolate from the first output that sees something.
        uj = first * jump
        return size, size_min, jump, as_number(Fraction(lo + hi, 2) - uj), as_number(uj - lo)

    def summary(self, n: int | None = None) -> tuple:
        """``(size, size_min, jump, start, effective_padding)`` (see :meth:`fields`)."""
        if len(self.live) <= 1:
            return self._aligned_summary
        return self._fields(n)

    def _fields(self, n: int | None) -> tuple:
        size, size_min = self._sizes(n)
        jump = self.jump
        h0 = self.hull(0)
        if h0 is not None:
            start = as_number(Fraction(h0[0] + h0[1], 2))
            pad = -h0[0]
        else:
            start = pad = None
            # Misaligned components: the sizes are taken over the real outputs, so
            # the extrapolation is too (else size 0 came with a start seen only by
            # a virtual output u >= n). The emptiness pattern repeats with the
            # period, so one period (or the real outputs) is enough.
            limit = self.period
            if len(self.live) > 1 and n and n > 0:
                limit = min(limit, n)
            for u in range(1, limit):
                h = self.hull(u)
                if h is not None:
                    start = as_number(Fraction(h[0] + h[1], 2) - u * Fraction(jump))
                    pad = as_number(u * Fraction(jump) - h[0])
                    break
        return size, size_min, jump, start, pad


_FIELDS = ("size", "size_min", "jump", "start", "effective_padding")


def aligned(states: Sequence[AxisState]) -> bool:
    """Araujo et al.'s alignment: one jump for all branches and the same centre for every output.

    >>> a = AxisState.identity().then(AxisMap.conv(1, stride=4))
    >>> b = AxisState.identity().then(AxisMap.conv(3, 2, 1)).then(AxisMap.conv(1, 2))
    >>> aligned([a, b])
    True
    """
    if any(len(s.live) > 1 for s in states):
        return False
    comps = [(s.live or s.components)[-1] for s in states]
    first = comps[0]
    L = 1
    for c in comps:
        if c.jump != first.jump:
            return False
        L = lcm(L, c.period)
    other = next((type(c) for c in comps if type(c) is not Component), None)
    if other is not None:  # a cat along the axis (piecewise)
        return other.aligned_of(states, comps, L)
    for u in range(L):
        centres = {h[0] + h[1] for h in (s.hull(u) for s in states) if h}
        if len(centres) > 1:
            return False
    return True


# --------------------------------------------------------------------------- the record
