"""Receptive-field arithmetic: exact, per spatial axis, through any layer and any merge.

DESIGN.md section 4 fixes the definitions. On one axis, ``D(u)`` is the set of
network-input coordinates that output index ``u`` depends on; input pixel ``i``
sits at coordinate ``i`` and every tensor is treated as extending without end,
so padding positions are just coordinates below 0 or from ``n`` on.

- ``size`` is the largest hull size ``max D(u) - min D(u) + 1``, ``size_min``
  the smallest over the ``u`` whose ``D(u)`` is not empty;
- ``jump`` is the distance in input pixels between neighbouring outputs
  (an exact ``Fraction`` after transposed convs and upsampling);
- ``effective_padding = -min D(0)`` and ``start = (min D(0) + max D(0)) / 2``.

>>> rf = chain_receptive_field([(3, 1, 1), (3, 1, 1)])       # two 3x3 convs, padding 1
>>> rf.size, rf.jump, rf.start, rf.effective_padding
((5,), (1,), (0,), (2,))
>>> conv = AxisMap.conv(3, stride=2, padding=1)
>>> up = AxisMap.transposed(3, stride=2, padding=1)
>>> s = AxisState.identity().then(conv).then(up)
>>> s.fields(n=None)                                          # phase dependent: 3 or 5 pixels
{'size': 5, 'size_min': 3, 'jump': 1, 'start': 0, 'effective_padding': 1}

How it is computed
------------------
Per axis the state is a *periodic table of hulls*: for the ``P`` output
positions ``u = 0 .. P-1`` of one period, the hull ``[lo(u), hi(u)]`` of
``D(u)`` (or "empty"), with ``lo(u + P) = lo(u) + S`` where ``S = P * jump`` is
an integer. Every layer maps its output ``o`` to a finite set of its input
positions ("taps") with ``T(o + a) = T(o) + b`` for some integers ``a, b``
(conv: ``a = 1, b = stride``; transposed conv: ``a = stride, b = 1``). The hull
of a union only needs the hulls, so the new table, over the new period
``a * P / gcd(P, b)``, is computed from the old table alone: a conv/pool chain
keeps ``P = 1`` and is the closed-form recurrence of Araujo et al.; transposed
convs and upsampling multiply the period, strided convs divide it again.

Merges take the union of the branches' hulls. Branches with the same jump are
merged into one table over the lcm of their periods; branches with different
jumps (misaligned in the sense of Araujo et al.) are kept as separate
*components* of the state, and every later layer maps each component on its
own (the hull of a union is still the union of hulls).

States, components and maps are immutable, so what a row's receptive field
needs (largest and smallest hull, first output that sees something, jump) is
computed once per table and cached on it; a state of one component reads its
fields from there without rescanning the period.

Conventions
-----------
- ``size`` and ``size_min`` are taken over all ``u`` (one period suffices)
  when the state has one component; with misaligned components the hull grows
  without bound with ``u``, so they are taken over the layer's real outputs
  ``u = 0 .. n-1`` instead (as the Distill misaligned example does).
- When the state has several components, ``jump`` is the largest of their
  jumps.
- When ``D(0)`` is empty (a transposed conv whose kernel is smaller than its
  stride), ``start`` and ``effective_padding`` are extrapolated from the first
  output ``u > 0`` that sees something: ``start = centre(D(u)) - u * jump`` and
  ``effective_padding = u * jump - min D(u)`` (with misaligned components, only
  among the real outputs, the domain of their sizes). When no output sees
  anything at all, ``size = size_min = 0`` and ``start = effective_padding = None``.
- Layers that mix a whole axis (``Linear`` on it, ``Flatten`` over it,
  ``Softmax`` along it) take the hull of everything the current tensor's axis
  covers, and the axis then has ``jump = 0``: every output sees the same
  range. After ``Flatten`` an axis stays in that state for the rest of the
  network. Adaptive pooling uses its real bins (which repeat with period
  ``out / gcd(in, out)``), so pooling to 1 sees the whole axis too.
- Interpolation (``Upsample``) follows torch's source-index arithmetic on the
  real output range (float32 as ATen computes it); nearest upsampling by an
  integer factor is the exact ``floor(o / f)``. Non-periodic maps (bilinear,
  fractional scales, ``torch.cat`` along a spatial dim) are repeated with the
  real output length as their period: exact on the real outputs, a convention
  outside them. A cat is kept piecewise (receptive_piecewise.py: each branch's
  table on its stretch), so a 10^8-position axis is never written out.
- Normalisation layers are treated as pointwise (their statistics are not
  dependencies), ``padding_mode`` is ignored (padding positions are virtual
  coordinates, as for zero padding), ``ceil_mode`` and ``output_padding``
  change output lengths but no dependency.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from functools import lru_cache
from math import gcd, lcm
from typing import Any, Iterable, Sequence, Union

from conv_calc.formulas import adaptive_pool_bin

__all__ = [
    "Number", "ReceptiveField", "AxisMap", "AxisState", "Component",
    "chain_receptive_field", "aligned",
]

Number = Union[int, Fraction]


def _num(x: Fraction | int) -> Number:
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


def _ratio(p: int, q: int) -> Number:
    """``p / q`` as an int when integral (no Fraction built), else the Fraction."""
    return p // q if p % q == 0 else Fraction(p, q)


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


def _ranges(values: Iterable[int]) -> tuple[range, ...]:
    vals = sorted(set(values))
    return tuple(range(v, v + 1) for v in vals)


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
        return _ratio(self.shift, self.period)

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


def _union(comps: Sequence[Component]) -> Component:
    """Union of components with equal jump, over the lcm of their periods."""
    if len(comps) == 1:
        return comps[0]
    if any(type(c) is not Component for c in comps):
        from conv_calc.receptive.piecewise import union
        return union(comps)
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
            return size, size_min, jump, _ratio(lo + hi, 2), -lo
        # D(0) is empty: extrapolate from the first output that sees something.
        uj = first * jump
        return size, size_min, jump, _num(Fraction(lo + hi, 2) - uj), _num(uj - lo)

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
            start = _num(Fraction(h0[0] + h0[1], 2))
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
                    start = _num(Fraction(h[0] + h[1], 2) - u * Fraction(jump))
                    pad = _num(u * Fraction(jump) - h[0])
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
    if any(type(c) is not Component for c in comps):  # a cat along the axis (piecewise)
        from conv_calc.receptive.piecewise import aligned_piecewise
        return aligned_piecewise(states, comps, L)
    for u in range(L):
        centres = {h[0] + h[1] for h in (s.hull(u) for s in states) if h}
        if len(centres) > 1:
            return False
    return True


# --------------------------------------------------------------------------- the record

@dataclass(frozen=True)
class ReceptiveField:
    """The receptive field of one row, one tuple entry per spatial axis (ints or Fractions).

    ``aligned`` is set on merge rows: whether the merged branches are aligned
    on each axis (same jump, same centre for every output). ``dims`` are the
    tensor dims (negative, from the end) of the axes, None for an axis that
    was flattened away.

    >>> rf = chain_receptive_field([(3, 3, 1), (2, 1, 0)])   # Distill fig. 3
    >>> rf.size, rf.effective_padding, rf.region(0)
    ((6,), (1,), ((-1, 4),))
    """

    size: tuple[int, ...]
    size_min: tuple[int, ...]
    jump: tuple[Number, ...]
    start: tuple[Number | None, ...]
    effective_padding: tuple[Number | None, ...]
    aligned: tuple[bool, ...] | None = None
    dims: tuple[int | None, ...] = ()
    states: tuple[AxisState, ...] = field(default=(), repr=False, compare=False)

    @classmethod
    def from_states(cls, states: Sequence[AxisState], lengths: Sequence[int | None],
                    dims: Sequence[int | None] = (),
                    aligned: Sequence[bool] | None = None) -> ReceptiveField:
        if len(states) == 2 and states[0] is states[1] and len(states[0].live) <= 1:
            f = states[0].summary()  # both axes in one state: n plays no part
            size, size_min, jump, start, pad = zip(f, f)
        else:
            fs = [s.summary(n) for s, n in zip(states, lengths)]
            size, size_min, jump, start, pad = zip(*fs) if fs else ((),) * 5
        return cls(
            size=size, size_min=size_min, jump=jump, start=start, effective_padding=pad,
            aligned=None if aligned is None else tuple(aligned),
            dims=tuple(dims),
            states=tuple(states),
        )

    def region(self, *index: int) -> tuple[tuple[int, int] | None, ...]:
        """``(min D(u), max D(u))`` per axis for the output at ``index`` (None: sees nothing)."""
        if len(index) == 1 and len(self.states) > 1:
            index = index * len(self.states)
        return tuple(s.hull(u) for s, u in zip(self.states, index))

    def as_dict(self) -> dict[str, Any]:
        """The public fields (Fractions stay Fractions)."""
        d = {k: getattr(self, k) for k in ("size", "size_min", "jump", "start", "effective_padding")}
        if self.aligned is not None:
            d["aligned"] = self.aligned
        return d


def chain_receptive_field(layers: Iterable[tuple[int, int, int] | tuple[int, int, int, int]]
                          ) -> ReceptiveField:
    """One axis through conv/pool layers given as ``(kernel, stride, padding[, dilation])``.

    >>> chain_receptive_field([(3, 1, 1, 1), (3, 1, 2, 2), (3, 1, 4, 4)]).size
    (15,)
    """
    state = AxisState.identity()
    for spec in layers:
        state = state.then(AxisMap.conv(*spec))
    return ReceptiveField.from_states([state], [None])
