"""Piecewise hull tables: ``torch.cat`` along a spatial axis without visiting every position.

The output of a cat along an axis is branch ``k``'s table shifted by the sizes
of the branches before it, repeated with the total length ``n`` as its period
(receptive.py's convention for non-periodic maps). A :class:`Piecewise`
component keeps exactly that: over one period ``[0, P)`` a sorted list of
segments ``(start, end, state, x, y)`` meaning ``hull(u) = state.hull(u - x) + y``
for ``start <= u < end``, and ``hull(u + P) = hull(u) + S``. Every query costs
the segments times their states' (small) periods, never ``P``:

- :meth:`Piecewise.then` maps each segment's state through the layer for the
  outputs whose taps stay inside the segment, and evaluates only the outputs
  near a boundary explicitly (a small table segment);
- summaries (largest and smallest hull, first output that sees something) take
  each segment over at most one period of its state;
- merges and alignment sweep the segments' boundaries.

A table whose period is at most :data:`ENUMERATE` is written out as a plain
:class:`~conv_calc.receptive.core.Component`, as before, so small cats are unchanged.

>>> from conv_calc.receptive.core import AxisState, AxisMap
>>> x = AxisState.identity()
>>> s = cat_state([x, x.then(AxisMap.conv(3, 1, 1))], [10**8, 10**8])
>>> s.hull(0), s.hull(10**8), s.hull(2 * 10**8 - 1), s.fields(2 * 10**8)["size"]
((0, 0), (-1, 1), (99999998, 100000000), 3)
"""

from __future__ import annotations

from bisect import bisect_right
from fractions import Fraction
from math import gcd, lcm
from typing import Any, Iterable, Sequence

from conv_calc.receptive.core import AxisMap, AxisState, Component, Number, _ratio, cached_property

__all__ = ["Piecewise", "cat_state", "ENUMERATE"]

#: Periods up to this are enumerated into a plain Component (the exact, old path).
ENUMERATE = 4096
#: Tap ranges up to this length are read tap by tap.
_SHORT = 64


def _shifted(st: AxisState, dx: int) -> AxisState:
    """``hull'(v) = st.hull(v + dx)``."""
    return st.then(AxisMap.shift(dx)) if dx else st


def _moved(st: AxisState, dy: int) -> AxisState:
    """``hull'(v) = st.hull(v) + dy`` (coordinates moved, not positions)."""
    if not dy:
        return st
    return AxisState(tuple(_moved_component(c, dy) for c in st.components))


def _moved_component(c: Any, dy: int) -> Any:
    if isinstance(c, Piecewise):
        return Piecewise(c.period, c.shift,
                         tuple((a, b, st, x, y + dy) for a, b, st, x, y in c.segments))
    return Component(c.period, c.shift, tuple(None if v is None else v + dy for v in c.lo),
                     tuple(None if v is None else v + dy for v in c.hi))


def _plain(P: int, S: int, at: Any) -> Component:
    """The plain table of a hull function over one period (P <= ENUMERATE)."""
    lo, hi = [], []
    for u in range(P):
        h = at(u)
        lo.append(None if h is None else h[0])
        hi.append(None if h is None else h[1])
    return Component(P, S, tuple(lo), tuple(hi)).reduced()


def _hull_of(hs: Iterable[tuple[int, int] | None]) -> tuple[int, int] | None:
    lo = hi = None
    for h in hs:
        if h is None:
            continue
        if lo is None or h[0] < lo:
            lo = h[0]
        if hi is None or h[1] > hi:
            hi = h[1]
    return None if lo is None else (lo, hi)


class Piecewise:
    """A periodic hull table given by segments of small periodic states (see the module doc)."""

    def __init__(self, period: int, shift: int,
                 segments: tuple[tuple[int, int, AxisState, int, int], ...]) -> None:
        self.period, self.shift, self.segments = period, shift, segments
        self._starts = [s[0] for s in segments]

    def __repr__(self) -> str:
        return f"Piecewise(period={self.period}, shift={self.shift}, segments={len(self.segments)})"

    @classmethod
    def make(cls, period: int, shift: int, segments: Sequence[tuple]) -> Any:
        """A Piecewise, or the plain Component when the period is small."""
        pw = cls(period, shift, tuple(s for s in segments if s[1] > s[0]))
        if period <= ENUMERATE:
            return _plain(period, shift, pw.at)
        return pw

    # ------------------------------------------------------------------ like Component

    @cached_property
    def jump(self) -> Fraction:
        return Fraction(self.shift, self.period)

    @cached_property
    def jump_number(self) -> Number:
        return _ratio(self.shift, self.period)

    def at(self, u: int) -> tuple[int, int] | None:
        q, r = divmod(u, self.period)
        a, b, st, x, y = self.segments[bisect_right(self._starts, r) - 1]
        h = st.hull(r - x)
        if h is None:
            return None
        dy = y + q * self.shift
        return h[0] + dy, h[1] + dy

    @cached_property
    def summary(self) -> tuple[int, int, int | None]:
        """``(largest hull size, smallest, first u in 0 .. period-1 that sees something)``."""
        return _window_piecewise(self, self.period)

    @cached_property
    def is_live(self) -> bool:
        return self.summary[2] is not None

    def span(self, n: int) -> tuple[int, int] | None:
        """The hull of D(0) .. D(n-1)."""
        return self.span_range(range(0, n)) if n > 0 else None

    def span_range(self, rg: range) -> tuple[int, int] | None:
        """The hull of the union of ``D(v)`` for ``v`` in ``rg``."""
        if len(rg) <= _SHORT:
            return _hull_of(self.at(v) for v in rg)
        if rg.step < 0:
            rg = rg[::-1]
        P, S, step = self.period, self.shift, rg.step
        first, last = rg[0], rg[-1]
        found = []
        for q in range(first // P, last // P + 1):
            for a, b, st, x, y in self.segments:
                lo_v, hi_v = max(first, q * P + a), min(last, q * P + b - 1)
                if lo_v > hi_v:
                    continue
                lo_v += (first - lo_v) % step  # first tap of rg at or after lo_v
                if lo_v > hi_v:
                    continue
                d = q * P + x
                h = _state_span(st, range(lo_v - d, hi_v + 1 - d, step))
                if h is not None:
                    dy = y + q * S
                    found.append((h[0] + dy, h[1] + dy))
        return _hull_of(found)

    def resampled_segments(self, L: int) -> list[tuple[int, int, AxisState, int, int]]:
        """The segments over ``[0, L)`` (L a multiple of the period)."""
        out = []
        for c in range(L // self.period):
            for a, b, st, x, y in self.segments:
                out.append((a + c * self.period, b + c * self.period, st,
                            x + c * self.period, y + c * self.shift))
        return out

    def then(self, m: AxisMap) -> Any:
        """The table after one more layer (cost: segments x their periods, not the period)."""
        P, S = self.period, self.shift
        if not m.b:
            g = P
        else:
            g = gcd(P, m.b)
        P2 = m.a * (P // g)
        S2 = S * (m.b // g) if m.b else 0
        a, b = m.a, m.b

        def out_hull(o: int) -> tuple[int, int] | None:
            q, r = divmod(o, a)
            base = q * b
            return _hull_of(self.span_range(range(rg.start + base, rg.stop + base, rg.step))
                            for rg in m.taps[r] if rg)

        if P2 <= ENUMERATE or not b:
            return _plain(P2, S2, out_hull)
        ext = [e for e in m.extremes]
        tapped = [e for e in ext if e is not None]
        if not tapped:  # no output sees anything; the jump stays S2 / P2
            dead = AxisState((Component(1, 0, (None,), (None,)),))
            return Piecewise.make(P2, S2, [(0, P2, dead, 0, 0)])
        interior = []
        for start, end, st, x, y in self.resampled_segments(P * (b // g)):
            q_lo = max(-((t0 - start) // b) for t0, _ in tapped)    # ceil((start - t0) / b)
            q_hi = min((end - 1 - t1) // b for _, t1 in tapped)
            o0, o1 = max(q_lo * a, 0), min((q_hi + 1) * a, P2)
            if o0 >= o1:
                continue
            xr = x % b
            st2 = _shifted(st, -xr).then(m)
            interior.append((o0, o1, st2, (x - xr) // b * a, y))
        interior.sort(key=lambda s: s[0])
        segments: list = []
        pos = 0
        for seg in interior + [(P2, P2, None, 0, 0)]:
            if seg[0] > pos:  # outputs near a boundary: evaluated one by one
                hs = [out_hull(o) for o in range(pos, seg[0])]
                table = Component(len(hs), 0, tuple(None if h is None else h[0] for h in hs),
                                  tuple(None if h is None else h[1] for h in hs))
                segments.append((pos, seg[0], AxisState((table,)), pos, 0))
            if seg[2] is not None:
                lo = max(seg[0], pos)
                if seg[1] > lo:
                    segments.append((lo,) + seg[1:])
            pos = max(pos, seg[1])
        return Piecewise.make(P2, S2, segments)


def _state_span(st: AxisState, rg: range) -> tuple[int, int] | None:
    """The hull of ``st``'s hulls over the positions of ``rg`` (step > 0)."""
    found = []
    for c in st.components:
        if isinstance(c, Piecewise):
            found.append(c.span_range(rg))
            continue
        # Per residue class of the period the hulls move monotonically (shift >= 0):
        # the first and last tap of each class decide.
        k = c.period // gcd(rg.step, c.period)
        cands = rg if 2 * k >= len(rg) else list(rg[:k]) + list(rg[-k:])
        found.append(_hull_of(c.at(v) for v in cands))
    return _hull_of(found)


def _window(st: AxisState, n: int) -> tuple[int, int, int | None]:
    """(largest, smallest hull size, first u that sees something) over ``u = 0 .. n-1``."""
    if len(st.live) == 1 and isinstance(st.live[0], Piecewise) and n < st.period:
        return _window_piecewise(st.live[0], n)
    if len(st.live) <= 1 and n >= st.period:
        size, size_min, _, _, _ = st.summary()
        first = None
        if st.live:
            c = st.live[0]
            first = c.summary[2]
        return size, size_min, first
    if len(st.live) <= 1:
        hs = [st.hull(u) for u in range(n)]
        sizes = [h[1] - h[0] + 1 for h in hs if h]
        first = next((u for u, h in enumerate(hs) if h), None)
        return max(sizes, default=0), min(sizes, default=0), first
    big, small = st._sizes(n)
    first = next((u for u in range(min(n, st.period)) if st.hull(u)), None)
    return big, small, first


def _window_piecewise(c: Piecewise, n: int) -> tuple[int, int, int | None]:
    """:func:`_window` of a lone piecewise component over ``0 .. n-1`` (n < its period)."""
    biggest, smallest, first = 0, None, None
    for a, b, st, x, y in c.segments:
        if a >= n:
            break
        big, small, f = _window(_shifted(st, a - x), min(b, n) - a)
        if f is None:
            continue
        biggest = max(biggest, big)
        smallest = small if smallest is None else min(smallest, small)
        if first is None:
            first = a + f
    return biggest, (smallest or 0), first


def _segments(c: Any, L: int) -> list[tuple[int, int, AxisState, int, int]]:
    if isinstance(c, Piecewise):
        return c.resampled_segments(L)
    return [(0, L, AxisState((c,)), 0, 0)]


def _sweep(comps: Sequence[Any], L: int) -> list[tuple[int, int, list[tuple]]]:
    """Elementary intervals of ``[0, L)`` with each component's covering segment."""
    per = [_segments(c, L) for c in comps]
    cuts = sorted({s[0] for segs in per for s in segs} | {L})
    idx = [0] * len(per)
    out = []
    for lo, hi in zip(cuts, cuts[1:]):
        covering = []
        for i, segs in enumerate(per):
            while segs[idx[i]][1] <= lo:
                idx[i] += 1
            covering.append(segs[idx[i]])
        out.append((lo, hi, covering))
    return out


def union(comps: Sequence[Any]) -> Any:
    """The union of components of one jump, at least one of them Piecewise."""
    L = 1
    for c in comps:
        L = lcm(L, c.period)
    shift = int(comps[0].jump * L)
    if L <= ENUMERATE:
        return _plain(L, shift, lambda u: _hull_of(c.at(u) for c in comps))
    segments = []
    for lo, hi, covering in _sweep(comps, L):
        _, _, st0, x0, y0 = covering[0]
        others = [_moved(_shifted(st, x0 - x), y - y0) for _, _, st, x, y in covering[1:]]
        segments.append((lo, hi, st0.union(*others), x0, y0))
    return Piecewise.make(L, shift, segments)


def aligned_piecewise(states: Sequence[AxisState], comps: Sequence[Any], L: int) -> bool:
    """:func:`~conv_calc.receptive.core.aligned` over a long period: per elementary interval,
    two periods of its states' lcm decide (equal jumps repeat, unequal ones drift)."""
    for lo, hi, covering in _sweep(comps, L):
        Lc = 1
        for _, _, st, _, _ in covering:
            Lc = lcm(Lc, st.period)
        for u in range(lo, min(hi, lo + 2 * Lc)):
            centres = set()
            for _, _, st, x, y in covering:
                h = st.hull(u - x)
                if h is not None:
                    centres.add(h[0] + h[1] + 2 * y)
            if len(centres) > 1:
                return False
    return True


def cat_state(parts: Sequence[AxisState], sizes: Sequence[int]) -> AxisState:
    """torch.cat along a spatial axis: output u reads branch k at u - offset_k (real outputs),
    repeated with the total length as period and the largest branch jump."""
    n = sum(sizes)
    if n == 0:
        return parts[0].union(*parts[1:])
    jump = max(parts, key=lambda p: p.jump).jump
    shift = round(n * jump)
    segments, off = [], 0
    for st, size in zip(parts, sizes):
        segments.append((off, off + size, st, off, 0))
        off += size
    return AxisState((Piecewise.make(n, shift, segments),))
