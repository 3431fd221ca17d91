"""Sets of input sizes as unions of arithmetic progressions, with affine lengths attached.

A :class:`Cls` is the progression ``n = r + M*k`` (``0 <= k < count``, count
``None`` = unbounded) together with registers: the length of each tracked
tensor, affine in ``k`` (``alpha*k + beta``). A layer that divides by a stride
``s`` needs ``alpha`` divisible by ``s`` to stay affine, so the progression is
first split into ``s / gcd(alpha, s)`` sub-progressions (:func:`refine`); a
condition such as "the kernel fits" (``L >= m``) or "the branches agree"
(``A == B``) cuts ``k`` into intervals (:func:`split`, :func:`equal`). Nothing here
enumerates sizes: the cost depends on the number of progressions, not on n.

>>> c = Cls(1, 1, None, ((1, 1),))          # n = 1 + k, length L = n
>>> [(x.M, x.r, x.vals) for x in refine(c, 1, 2)]
[(2, 1, ((2, 1),)), (2, 2, ((2, 2),))]
>>> split(c, (1, -4))[0]                    # k - 4 >= 0: n >= 5
[Cls(M=1, r=5, count=None, vals=((1, 5),))]
"""

from __future__ import annotations

from dataclasses import dataclass
from math import gcd, lcm
from typing import Callable, Iterable

__all__ = ["Cls", "sub", "refine", "split", "equal", "apply", "members_upto", "contains",
           "ClosedForm", "closed_form", "count_in", "first_member"]

Affine = tuple[int, int]


@dataclass(frozen=True, slots=True)
class Cls:
    """The sizes ``r + M*k`` for ``0 <= k < count``; ``vals[i]`` = register i as ``(alpha, beta)``."""

    M: int
    r: int
    count: int | None
    vals: tuple[Affine, ...]


def _point(c: Cls) -> Cls:
    if c.count == 1 and (c.M or any(a for a, _ in c.vals)):
        return Cls(0, c.r, 1, tuple((0, b) for _, b in c.vals))
    return c


def sub(c: Cls, lo: int, hi: int | None) -> Cls | None:
    """Keep ``lo <= k < hi`` (hi None: no end), renumbered from 0; None when empty."""
    lo = max(lo, 0)
    if c.count is not None:
        hi = c.count if hi is None else min(hi, c.count)
    if hi is not None and hi <= lo:
        return None
    count = None if hi is None else hi - lo
    vals = tuple((a, b + a * lo) for a, b in c.vals)
    return _point(Cls(c.M, c.r + c.M * lo, count, vals))


def refine(c: Cls, alpha: int, s: int) -> list[Cls]:
    """Split ``c`` so that a quantity with slope ``alpha`` gets a slope divisible by ``s``."""
    q = s // gcd(alpha, s) if alpha else 1
    if q == 1:
        return [c]
    out = []
    for j in range(q):
        if c.count is None:
            count = None
        else:
            count = (c.count - j + q - 1) // q
            if count <= 0:
                continue
        vals = tuple((a * q, b + a * j) for a, b in c.vals)
        out.append(_point(Cls(c.M * q, c.r + c.M * j, count, vals)))
    return out


def split(c: Cls, e: Affine) -> tuple[list[Cls], list[Cls]]:
    """``(part where alpha*k + beta >= 0, part where it is < 0)``."""
    a, b = e
    if a == 0:
        return ([c], []) if b >= 0 else ([], [c])
    if a > 0:
        k0 = -(b // a)                       # ceil(-b / a)
        yes, no = sub(c, k0, None), sub(c, 0, k0)
    else:
        k1 = b // -a                         # floor(b / -a): the last k with e >= 0
        yes, no = sub(c, 0, k1 + 1), sub(c, k1 + 1, None)
    return [x for x in (yes,) if x], [x for x in (no,) if x]


def equal(c: Cls, e: Affine) -> Cls | None:
    """The part of ``c`` where ``alpha*k + beta == 0`` (all of it, one size, or nothing)."""
    a, b = e
    if a == 0:
        return c if b == 0 else None
    if b % a:
        return None
    k = -b // a
    return sub(c, k, k + 1)


def apply(c: Cls, slot: int, fn: Callable[[int], int], period: int) -> list[Cls]:
    """Register ``slot`` := ``fn(register)`` for a quasi-affine ``fn`` of period ``period``."""
    out = []
    for x in refine(c, c.vals[slot][0], period):
        a, b = x.vals[slot]
        y = fn(b)
        slope = 0 if a == 0 else fn(b + a) - y
        vals = list(x.vals)
        vals[slot] = (slope, y)
        out.append(Cls(x.M, x.r, x.count, tuple(vals)))
    return out


# ---------------------------------------------------------------------------- the final set

def contains(classes: Iterable[Cls], n: int) -> bool:
    for c in classes:
        if c.M == 0:
            if n == c.r:
                return True
            continue
        k, rem = divmod(n - c.r, c.M)
        if rem == 0 and k >= 0 and (c.count is None or k < c.count):
            return True
    return False


def members_upto(classes: Iterable[Cls], lo: int, hi: int, limit: int | None = None) -> list[int]:
    """Every size in ``[lo, hi]`` (enumerates the answer, for lists and tests); with
    ``limit``, only the smallest ``limit`` of them (each progression is cut to its first
    ``limit`` terms first, so the work never depends on the width of the range)."""
    found: set[int] = set()
    for c in classes:
        if c.M == 0:
            if lo <= c.r <= hi:
                found.add(c.r)
            continue
        k0 = max(0, -((c.r - lo) // c.M))
        k1 = (hi - c.r) // c.M
        if c.count is not None:
            k1 = min(k1, c.count - 1)
        if limit is not None:
            k1 = min(k1, k0 + limit - 1)
        found.update(range(c.r + c.M * k0, c.r + c.M * k1 + 1, c.M) if k1 >= k0 else ())
    return sorted(found)[:limit]


def count_in(classes: list[Cls], lo: int, hi: int) -> int:
    """How many sizes in ``[lo, hi]``, without listing them (progressions are disjoint)."""
    total = 0
    for c in classes:
        if c.M == 0:
            total += lo <= c.r <= hi
            continue
        k0 = max(0, -((c.r - lo) // c.M))
        k1 = (hi - c.r) // c.M
        if c.count is not None:
            k1 = min(k1, c.count - 1)
        total += max(0, k1 - k0 + 1)
    return total


def first_member(classes: list[Cls], lo: int = 1) -> int | None:
    best = None
    for c in classes:
        if c.M == 0:
            cand = c.r if c.r >= lo else None
        else:
            k0 = max(0, -((c.r - lo) // c.M))
            cand = c.r + c.M * k0 if c.count is None or k0 < c.count else None
        if cand is not None and (best is None or cand < best):
            best = cand
    return best


@dataclass(frozen=True)
class ClosedForm:
    """``{start_i + period*k : k >= 0}`` for each start, plus finitely many ``exceptions``.

    ``period`` 0 means the set is finite (only ``exceptions``).
    """

    period: int
    starts: tuple[int, ...]
    exceptions: tuple[int, ...]

    def text(self) -> str:
        """``"16k + 12"``, ``"n >= 5"``, ``"2k + 1, k >= 3"`` joined with ``or``; lists for the rest.

        >>> ClosedForm(16, (12,), ()).text(), ClosedForm(1, (5,), (2,)).text()
        ('16k + 12 (k >= 0)', 'every n >= 5, and 2')
        """
        parts = []
        if self.period == 1:
            parts = [f"every n >= {s}" for s in self.starts]
        elif self.period:
            for s in self.starts:
                base, k0 = s % self.period or self.period, None
                k0 = (s - base) // self.period
                if base == self.period:          # 32, 48, ...: "16k (k >= 2)"
                    base, k0 = 0, k0 + 1
                parts.append(f"{self.period}k + {base} (k >= {k0})" if base else
                             f"{self.period}k (k >= {k0})")
        text = " or ".join(parts) if parts else "no size"
        if self.exceptions:
            extra = ", ".join(str(v) for v in self.exceptions[:20])
            if len(self.exceptions) > 20:
                extra += f", ... ({len(self.exceptions)} in all)"
            text = extra if not parts else f"{text}, and {extra}"
        return text


def closed_form(classes: list[Cls], lo: int = 1, max_walk: int = 2_000_000) -> ClosedForm:
    """The eventually periodic set as progressions with the smallest period, plus exceptions.

    >>> c = Cls(4, 6, None, ()), Cls(4, 8, None, ()), Cls(0, 3, 1, ())
    >>> closed_form(list(c))
    ClosedForm(period=2, starts=(6,), exceptions=(3,))
    """
    infinite = [c for c in classes if c.count is None and c.M > 0]
    finite_end = max((c.r + c.M * (c.count - 1) for c in classes if c.count is not None),
                     default=lo - 1)
    if not infinite:
        return ClosedForm(0, (), tuple(members_upto(classes, lo, finite_end)))
    period = 1
    for c in infinite:
        period = lcm(period, c.M)
    threshold = max(lo, finite_end + 1, max(c.r for c in infinite))
    residues = {n % period for n in range(threshold, threshold + period) if contains(classes, n)}
    for p in sorted(d for d in range(1, period + 1) if period % d == 0):
        if all((x + p) % period in residues for x in residues):
            period = p
            break
    residues = {x % period for x in residues}
    starts = []
    for rho in sorted(residues):
        n = threshold + ((rho - threshold) % period)
        steps = 0
        while n - period >= lo and steps < max_walk and contains(classes, n - period):
            n -= period
            steps += 1
        starts.append(n)
    starts.sort()
    below = members_upto(classes, lo, max(starts))
    covered = {s for s in starts}
    exceptions = tuple(n for n in below
                       if n not in covered and not any(n >= s and (n - s) % period == 0
                                                       for s in starts))
    return ClosedForm(period, tuple(starts), exceptions)
