"""The program solve compiles a stack into, for one axis, and how it runs on sets of sizes.

Registers hold tensor lengths on the solved axis (register 0: the current tensor).
A program is a list of :class:`Op`: ``map`` (a layer's quasi-affine length map
with its validity threshold), ``const``, ``eq``, ``dead`` (nothing passes, and
why), ``save`` / ``load`` / ``copy`` between registers, ``crop`` (a centre crop to
the current length) and the merges ``add`` (equal, or one of them 1), ``cat``
(equal) and ``sum`` (``torch.cat`` along the axis). :func:`run_program` runs it
on progressions of input sizes (:mod:`conv_calc.solve.sets`).

>>> ops = [Op("map", "conv", fn=lambda L: L - 2, min_len=3), Op("map", "pool", fn=lambda L: L // 2,
...        period=2, min_len=2)]
>>> classes, why = run_program(ops)
>>> [(c.M, c.r, c.count) for c in classes], why
([(2, 4, None), (2, 5, None)], '')
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

from conv_calc.solve.sets import Cls, apply, equal, refine, split

__all__ = ["Op", "run_program"]


@dataclass(frozen=True)
class Op:
    """One instruction on registers (0 is the current tensor's length on the axis)."""

    kind: str                  # map | const | eq | dead | save | load | add | cat | sum | crop
    name: str = ""
    fn: Callable[[int], int] | None = None
    period: int = 1
    min_len: int = 1           # the layer accepts L >= min_len ...
    zero_ok: bool = False      # ... and L == 0 when this is set
    value: int = 0
    slot: int = 0
    why: str = ""


def _step(c: Cls, op: Op) -> list[Cls]:
    if op.kind == "map":
        a, b = c.vals[0]
        keep = split(c, (a, b - op.min_len))[0]
        if op.zero_ok:
            z = equal(c, (a, b))
            if z is not None:
                keep.append(z)
        out = []
        for x in keep:
            out.extend(apply(x, 0, op.fn, op.period))
        return out
    if op.kind == "const":
        return [_set(c, 0, (0, op.value))]
    if op.kind == "eq":
        a, b = c.vals[0]
        x = equal(c, (a, b - op.value))
        return [x] if x else []
    if op.kind == "dead":
        return []
    if op.kind == "save":
        return [_set(c, op.slot, c.vals[0])]
    if op.kind == "copy":
        return [_set(c, op.value, c.vals[op.slot])]
    if op.kind == "load":
        return [_set(c, 0, c.vals[op.slot])]
    if op.kind == "crop":
        return _crop(c, op.slot)
    if op.kind == "sum":
        (a1, b1), (a2, b2) = c.vals[0], c.vals[op.slot]
        return [_set(c, 0, (a1 + a2, b1 + b2))]
    if op.kind == "cat":
        (a1, b1), (a2, b2) = c.vals[0], c.vals[op.slot]
        x = equal(c, (a1 - a2, b1 - b2))
        return [x] if x else []
    if op.kind == "add":
        return _add(c, op.slot)
    raise AssertionError(op.kind)  # pragma: no cover


def _set(c: Cls, slot: int, value: tuple[int, int]) -> Cls:
    vals = list(c.vals)
    vals[slot] = value
    return Cls(c.M, c.r, c.count, tuple(vals))


def _add(c: Cls, slot: int) -> list[Cls]:
    """torch.add's broadcasting on the axis: equal lengths, or one of them 1."""
    (a1, b1), (a2, b2) = c.vals[0], c.vals[slot]
    if (a1, b1) == (a2, b2) or (a2, b2) == (0, 1):
        return [c]
    if (a1, b1) == (0, 1):
        return [_set(c, 0, (a2, b2))]
    points: dict[int, Cls] = {}
    for e in ((a1 - a2, b1 - b2), (a1, b1 - 1), (a2, b2 - 1)):
        x = equal(c, e)
        if x is not None:
            points[x.r] = x
    out = []
    for x in points.values():
        l1, l2 = x.vals[0][1], x.vals[slot][1]
        if l1 == l2 or l2 == 1:
            out.append(x)
        elif l1 == 1:
            out.append(_set(x, 0, (0, l2)))
    return out


def _crop(c: Cls, slot: int) -> list[Cls]:
    """Centre-crop the saved length H (register ``slot``) to the current h, as slicing does.

    ``x[top:top + h]`` with ``top = (H - h) // 2``: length h when H >= h; otherwise
    top < 0 counts from the end, giving ``-top`` when ``top >= -H`` and H when not.
    """
    (ha, hb), (ca, cb) = c.vals[slot], c.vals[0]
    fits, short = split(c, (ha - ca, hb - cb))
    out = [_set(x, slot, x.vals[0]) for x in fits]
    for x in short:
        for y in refine(x, x.vals[slot][0] - x.vals[0][0], 2):
            inside, before = split(y, _top_plus_h(y, slot))
            for z in inside:
                ta, tb = _top(z, slot)
                out.append(_set(z, slot, (-ta, -tb)))
            out += before
    return out


def _top(z: Cls, slot: int) -> tuple[int, int]:
    (ha, hb), (ca, cb) = z.vals[slot], z.vals[0]
    return (ha - ca) // 2, (hb - cb) // 2


def _top_plus_h(z: Cls, slot: int) -> tuple[int, int]:
    ta, tb = _top(z, slot)
    ha, hb = z.vals[slot]
    return ta + ha, tb + hb


def run_program(ops: Sequence[Op], start: int = 1, slots: int | None = None) -> tuple[list[Cls], str]:
    """Run on ``n = start + k`` (k >= 0): the progressions that pass, and why none does."""
    nslots = slots if slots is not None else 1 + max(
        (max(o.slot, o.value if o.kind == "copy" else 0) for o in ops), default=0)
    classes = [Cls(1, start, None, ((1, start),) + ((0, 0),) * (nslots - 1))]
    for op in ops:
        nxt: list[Cls] = []
        for c in classes:
            nxt.extend(_step(c, op))
        if not nxt:
            return [], op.why or f"{op.name}: no input size passes here"
        classes = nxt
    return classes, ""
