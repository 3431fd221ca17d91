"""One periodic table of hulls (:class:`Component`): the dependencies of one jump class.

>>> from conv_calc.receptive.maps import AxisMap
>>> c = Component(1, 1, (0,), (0,)).then(AxisMap.conv(3, padding=1))
>>> c.at(0), c.at(5)
((-1, 1), (4, 6))
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from math import gcd, lcm
from typing import Sequence

from conv_calc.receptive.maps import AxisMap, Number, cached_property, check_period, ratio

__all__ = ["Component", "union_components"]

# --------------------------------------------------------------------------- one component

@dataclass(frozen=True)
class Component:
    """A periodic table of hulls: ``lo[u]``, ``hi[u]`` for ``u`` in one period, ``None`` = empty."""

    period: int
    shift: int  # lo(u + period) = lo(u) + shift
    lo: tuple[int | None, ...]
    hi: tuple[int | None, ...]

    # The summaries below are cached on the (immutable) table: a row's receptive
    # field is read from them instead of rescanning the period every time.

    @cached_property
    def jump(self) -> Fraction:
        return Fraction(self.shift, self.period)

    @cached_property
    def jump_number(self) -> Number:
        """``jump`` as an int when integral (what the public fields hold)."""
        return ratio(self.shift, self.period)

    @cached_property
    def is_live(self) -> bool:
        """Whether some output sees something."""
        return self.lo.count(None) != len(self.lo)

    @cached_property
    def summary(self) -> tuple[int, int, int | None]:
        """``(largest hull size, smallest, first u in 0 .. period-1 that sees something)``."""
        biggest, smallest, first = 0, None, None
        for u, (lo, hi) in enumerate(zip(self.lo, self.hi)):
            if lo is None:
                continue
            size = hi - lo + 1
            if first is None:
                first = u
                biggest = smallest = size
            elif size > biggest:
                biggest = size
            elif size < smallest:
                smallest = size
        return biggest, (smallest or 0), first

    def at(self, u: int) -> tuple[int, int] | None:
        q, r = divmod(u, self.period)
        lo = self.lo[r]
        if lo is None:
            return None
        return lo + q * self.shift, self.hi[r] + q * self.shift

    def then(self, m: AxisMap) -> Component:
        """The table after one more layer (cost: new period x relevant taps)."""
        P, S, lo_t, hi_t = self.period, self.shift, self.lo, self.hi
        g = gcd(P, m.b) if m.b else P
        P2 = m.a * (P // g)
        check_period(P2, "the layers so far")
        S2 = S * (m.b // g) if m.b else 0
        if P == 1:
            # One hull [lo, hi] moving by S >= 0 per input: the extreme taps decide.
            lo0, hi0 = lo_t[0], hi_t[0]
            ext = m.extremes
            if len(ext) == 1:  # conv, pool, shift: the closed-form recurrence
                if lo0 is None or ext[0] is None:
                    return Component(1, S2, (None,), (None,))
                t0, t1 = ext[0]
                return Component(1, S2, (lo0 + t0 * S,), (hi0 + t1 * S,))
            if lo0 is None:
                return Component(P2, S2, (None,) * P2, (None,) * P2).reduced()
            return Component(P2, S2,
                             tuple(None if e is None else lo0 + e[0] * S for e in ext),
                             tuple(None if e is None else hi0 + e[1] * S for e in ext)).reduced()
        # Within one residue class mod P the hulls move monotonically (S >= 0),
        # so only the first and last tap of each residue class can matter.
        cands = []
        for rngs in m.taps:
            xs: list[int] = []
            for rg in rngs:
                k = P // gcd(rg.step, P)
                if 2 * k >= len(rg):
                    xs.extend(rg)
                else:
                    xs.extend(rg[:k])
                    xs.extend(rg[-k:])
            cands.append(xs)
        new_lo = [None] * P2
        new_hi = [None] * P2
        a, b = m.a, m.b
        for o in range(P2):
            q, r = divmod(o, a)
            base = q * b
            best_lo = best_hi = None
            for t in cands[r]:
                qq, rr = divmod(base + t, P)
                lo = lo_t[rr]
                if lo is None:
                    continue
                off = qq * S
                lo += off
                hi = hi_t[rr] + off
                if best_lo is None or lo < best_lo:
                    best_lo = lo
                if best_hi is None or hi > best_hi:
                    best_hi = hi
            new_lo[o] = best_lo
            new_hi[o] = best_hi
        return Component(P2, S2, tuple(new_lo), tuple(new_hi)).reduced()

    def reduced(self) -> Component:
        """The same table over its smallest period."""
        P, S = self.period, self.shift
        if P == 1:
            return self
        for d in range(1, P):
            if P % d or (S * d) % P:
                continue
            sd = S * d // P
            ok = True
            for u in range(P - d):
                lo, lo2 = self.lo[u], self.lo[u + d]
                if lo is None:
                    if lo2 is not None:
                        ok = False
                        break
                elif lo2 is None or lo2 != lo + sd or self.hi[u + d] != self.hi[u] + sd:
                    ok = False
                    break
            if ok:
                return Component(d, sd, self.lo[:d], self.hi[:d])
        return self

    def resampled(self, period: int) -> tuple[list, list]:
        """lo/hi lists over ``period`` (a multiple of self.period)."""
        lo, hi = [], []
        for u in range(period):
            h = self.at(u)
            lo.append(None if h is None else h[0])
            hi.append(None if h is None else h[1])
        return lo, hi

    def span(self, n: int) -> tuple[int, int] | None:
        """The hull of D(0) .. D(n-1)."""
        if n <= 0:
            return None
        los = [h for h in (self.at(u) for u in range(min(n, self.period))) if h]
        his = [h for h in (self.at(u) for u in range(max(0, n - self.period), n)) if h]
        if not los:
            return None
        return min(h[0] for h in los), max(h[1] for h in his)


def union_components(comps: Sequence[Component]) -> Component:
    """Union of plain components with equal jump, over the lcm of their periods."""
    L = 1
    for c in comps:
        L = lcm(L, c.period)
    lo: list = [None] * L
    hi: list = [None] * L
    for c in comps:
        clo, chi = c.resampled(L)
        for u in range(L):
            if clo[u] is None:
                continue
            if lo[u] is None or clo[u] < lo[u]:
                lo[u] = clo[u]
            if hi[u] is None or chi[u] > hi[u]:
                hi[u] = chi[u]
    shift = comps[0].jump * L
    return Component(L, int(shift), tuple(lo), tuple(hi)).reduced()
