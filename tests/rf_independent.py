"""An independent receptive-field oracle: explicit dependency sets, from DESIGN.md section 4 alone.

Written without reading conv_calc/receptive*.py: every layer is re-interpreted
from its *constructor arguments* (the same spec builds the conv_calc layer, the
torch module and this oracle's tap functions), and every output index ``u`` of
every tensor gets its explicit set ``D(u)`` of network-input coordinates by
propagating index sets back through the graph:

- conv / pool (k, s, left pad p, d): output ``o`` reads ``o*s - p + t*d``, t < k;
  ``padding='same'`` puts ``d*(k-1)//2`` on the left; ``ceil_mode`` and
  ``padding_mode`` change no dependency;
- transposed conv: ``o`` reads ``i`` when ``o = i*s - p + t*d`` for some t
  (``output_padding`` changes none);
- padding layers: ``o`` reads ``o - left`` (a negative pad crops); reflection,
  replication and circular pads too: outside ``0..n-1`` a coordinate is a coordinate;
- nearest upsampling by an integer factor f: ``floor(o / f)``; torch's other
  interpolation modes: the input indices with a nonzero weight, recomputed here
  from ATen's UpSample.h arithmetic on the real outputs and repeated with period
  (n_out -> n_in) outside them (the engine's documented convention);
- adaptive pooling: torch's bins ``floor(i*L/out) .. ceil((i+1)*L/out) - 1``;
- Linear on an axis, Flatten over it: every output sees the whole real axis
  (the engine's documented choice; the axis then has jump 0 and, once flattened,
  no later layer touches it);
- merges (residual add, parallel cat/add, saved skips with a centre crop): the union;
  an add that broadcasts a size-1 axis reads position 0 there.

Sets are ``(lo, mask)`` pairs (bit j = coordinate lo + j), so 1,000-layer chains
stay cheap. Each entry also carries ``virtual``: whether computing it touched a
position outside some tensor's real range (torch zero-pads there, DESIGN does
not: the live autograd check compares only entries with ``virtual`` False).

The size/size_min domain (DESIGN: "over all u"): when every path reaching a
tensor has the same jump J, the hulls are periodic (period bound P from the
layers' ``T(o + a) = T(o) + b`` structure), so ``u = 0 .. 2P-1`` covers all u
(and checks ``hull(u + P) = hull(u) + P*J``); otherwise (misaligned jumps,
where the hull grows with u) the engine's documented domain, the real outputs.
"""

from __future__ import annotations

import math
import sys
import random
import struct
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Callable

from conv_calc import nn as cnn
from conv_calc.graph.nodes import Merge, Parallel, Residual, Save

# --------------------------------------------------------------------------- sets
from conv_calc.graph.stack import Stack


def bits_union(a, b):
    if a is None:
        return b
    if b is None:
        return a
    lo = min(a[0], b[0])
    return lo, (a[1] << (a[0] - lo)) | (b[1] << (b[0] - lo))


def bits_hull(a):
    return None if a is None else (a[0], a[0] + a[1].bit_length() - 1)


def bits_set(a) -> set[int]:
    if a is None:
        return set()
    lo, m = a
    return {lo + j for j in range(m.bit_length()) if m >> j & 1}


# --------------------------------------------------------------------------- per-layer taps


def _tup(v, nd):
    if isinstance(v, (tuple, list)):
        v = tuple(v)
        return v * nd if len(v) == 1 else v
    return (v,) * nd


def _f32(x: float) -> float:
    return struct.unpack("f", struct.pack("f", x))[0]


def interp_real_taps(mode: str, n_in: int, n_out: int, sf: float | None,
                     align: bool | None) -> list[tuple[int, ...]]:
    """Nonzero-weight input indices per real output (ATen UpSample.h, float64 opmath)."""
    taps = []
    if mode in ("nearest", "nearest-exact"):
        scale = _f32(1.0 / sf) if sf else _f32(n_in / n_out)
        for o in range(n_out):
            if mode == "nearest":
                if n_out == n_in:
                    i = o
                elif n_out == 2 * n_in:
                    i = o >> 1
                else:
                    i = min(math.floor(_f32(_f32(float(o)) * scale)), n_in - 1)
            else:
                i = min(math.floor(_f32((o + 0.5) * scale)), n_in - 1)
            taps.append((i,))
        return taps
    if align:
        scale = (n_in - 1) / (n_out - 1) if n_out > 1 else 0.0
    else:
        scale = 1.0 / sf if sf else n_in / n_out
    for o in range(n_out):
        if align:
            real = scale * o
        elif mode == "bicubic":
            real = scale * (o + 0.5) - 0.5
        else:  # compiled as a fused multiply-add in ATen's linear kernel: one rounding
            real = float(Fraction(scale) * Fraction(2 * o + 1, 2) - Fraction(1, 2))
        if mode == "bicubic":
            # guard_index_and_lambda: floorf (a float32 floor), the index capped, t clamped
            i = min(math.floor(_f32(real)), n_in - 1)
            t = min(max(real - i, 0.0), 1.0)
            a = -0.75
            x1 = t
            w = [((a * (x1 + 1) - 5 * a) * (x1 + 1) + 8 * a) * (x1 + 1) - 4 * a,
                 ((a + 2) * x1 - (a + 3)) * x1 * x1 + 1,
                 ((a + 2) * (1 - x1) - (a + 3)) * (1 - x1) * (1 - x1) + 1,
                 ((a * (2 - x1) - 5 * a) * (2 - x1) + 8 * a) * (2 - x1) - 4 * a]
            acc: dict[int, float] = {}
            for j, wj in zip(range(i - 1, i + 3), w):
                jj = min(max(j, 0), n_in - 1)
                acc[jj] = acc.get(jj, 0.0) + wj
            taps.append(tuple(sorted(j for j, v in acc.items() if v != 0)))
            continue
        if not align and real < 0:
            real = 0.0
        i0 = min(math.floor(_f32(real)), n_in - 1)
        lam = min(max(real - i0, 0.0), 1.0)
        i1 = i0 + (1 if i0 < n_in - 1 else 0)
        acc = {}
        acc[i0] = acc.get(i0, 0.0) + (1.0 - lam)
        acc[i1] = acc.get(i1, 0.0) + lam
        taps.append(tuple(sorted(j for j, v in acc.items() if v != 0)))
    return taps


@dataclass
class AxisOp:
    """One layer on one axis: ``taps(o)``, and the periodic structure ``T(o+a) = T(o)+b``."""

    taps: Callable[[int], Any]
    a: int
    b: int
    jump_mul: Fraction  # new jump = old jump * jump_mul (None: collapse -> 0)
    collapse: bool = False
    retire: bool = False  # Flatten: the axis leaves the tensor


def conv_op(k, s, p, d):
    return AxisOp(lambda o: [o * s - p + t * d for t in range(k)], 1, s, Fraction(s))


def tconv_op(k, s, p, d):
    def taps(o):
        return [(o + p - t * d) // s for t in range(k) if (o + p - t * d) % s == 0]
    return AxisOp(taps, s, 1, Fraction(1, s))


def shift_op(left):
    return AxisOp(lambda o: [o - left], 1, 1, Fraction(1))


def table_op(n_in, table):
    n_out = len(table)

    def taps(o):
        q, r = divmod(o, n_out)
        return [t + q * n_in for t in table[r]]
    return AxisOp(taps, n_out, n_in, Fraction(n_in, n_out))


def bins_op(L, out):
    def taps(o):
        return list(range((o * L) // out, -((-(o + 1) * L) // out)))
    g = math.gcd(L, out)
    return AxisOp(taps, out // g, L // g, Fraction(L, out))


def whole_op(n_in, retire=False):
    return AxisOp(lambda o: range(n_in), 1, 0, Fraction(0), collapse=True, retire=retire)


def layer_ops(cls: str, args: tuple, kw: dict, nd: int, n_in: tuple, n_out: tuple,
              alive: tuple) -> list[AxisOp | None]:
    """Per spatial axis (H, W[, D order as in the tensor]) the AxisOp, None = unchanged."""
    ops: list[AxisOp | None] = [None] * nd
    if cls.startswith("Conv") and len(args) >= 3:
        kw = {**kw, "kernel_size": args[2]}
    if cls.startswith("ConvTranspose"):
        k = _tup(kw["kernel_size"], nd)
        s = _tup(kw.get("stride", 1), nd)
        p = _tup(kw.get("padding", 0), nd)
        d = _tup(kw.get("dilation", 1), nd)
        return [tconv_op(k[j], s[j], p[j], d[j]) for j in range(nd)]
    if cls.startswith("Conv"):
        k = _tup(kw["kernel_size"], nd)
        s = _tup(kw.get("stride", 1), nd)
        d = _tup(kw.get("dilation", 1), nd)
        pad = kw.get("padding", 0)
        if pad == "same":
            p = tuple(d[j] * (k[j] - 1) // 2 for j in range(nd))
        elif pad == "valid":
            p = (0,) * nd
        else:
            p = _tup(pad, nd)
        return [conv_op(k[j], s[j], p[j], d[j]) for j in range(nd)]
    if cls.startswith(("MaxPool", "AvgPool", "LPPool")):
        if cls.startswith("LPPool"):
            k = _tup(args[1], nd)
            s = _tup(kw.get("stride") or args[1], nd)
            p, d = (0,) * nd, (1,) * nd
        else:
            k = _tup(kw["kernel_size"], nd)
            s = _tup(kw.get("stride") or kw["kernel_size"], nd)
            p = _tup(kw.get("padding", 0), nd)
            d = _tup(kw.get("dilation", 1), nd)
        return [conv_op(k[j], s[j], p[j], d[j]) for j in range(nd)]
    if cls.startswith(("ZeroPad", "ConstantPad", "ReflectionPad", "ReplicationPad", "CircularPad")):
        pad = _tup(args[0], 2 * nd)
        # torch order: last dim first (left, right, top, bottom, front, back)
        return [shift_op(pad[2 * (nd - 1 - j)]) for j in range(nd)]
    if cls.startswith("Adaptive"):
        return [bins_op(n_in[j], n_out[j]) if alive[j] else None for j in range(nd)]
    if cls.startswith("Upsampl"):
        mode = kw.get("mode", "nearest")
        align = kw.get("align_corners")
        if cls == "UpsamplingBilinear2d":
            mode, align = "bilinear", True
        sf = kw.get("scale_factor")
        sfs = _tup(sf, nd) if sf is not None and not kw.get("recompute_scale_factor") else (None,) * nd
        for j in range(nd):
            a, b = n_in[j], n_out[j]
            if mode == "area":
                ops[j] = bins_op(a, b)
            elif mode == "nearest" and b % a == 0 and (sfs[j] is None or float(sfs[j]) == b // a):
                f = b // a  # DESIGN: floor(o / f)
                ops[j] = AxisOp(lambda o, f=f: [o // f], f, 1, Fraction(1, f))
            else:
                m = {"linear": "linear", "bilinear": "linear", "trilinear": "linear"}.get(mode, mode)
                ops[j] = table_op(a, interp_real_taps(m, a, b, sfs[j], align))
        return ops
    if cls == "Linear":
        ops[nd - 1] = whole_op(n_in[nd - 1]) if alive[nd - 1] else None
        return ops
    if cls == "Flatten":
        start = kw.get("start_dim", 1)
        ndim = nd + 2
        start %= ndim
        end = kw.get("end_dim", -1) % ndim
        for j in range(nd):
            pos = 2 + j
            if alive[j] and start <= pos <= end and end > start:
                ops[j] = whole_op(n_in[j], retire=True)
        return ops
    return ops  # pointwise


# --------------------------------------------------------------------------- the graph


@dataclass(eq=False)
class ANode:
    """One tensor on one axis."""

    n: int | None                       # real length (None: flattened away)
    parents: list = field(default_factory=list)  # (ANode, taps)
    period: int = 1
    jumps: frozenset = frozenset({Fraction(1)})
    is_input: bool = False
    D: dict = field(default_factory=dict)  # u -> (bits, virtual)


sys.setrecursionlimit(max(sys.getrecursionlimit(), 20000))


class Graph:
    def __init__(self, nd: int, spatial: tuple[int, ...]):
        self.nd = nd
        self.nodes: list[list[ANode]] = [[] for _ in range(nd)]
        self.input = [self._new(j, ANode(spatial[j], is_input=True)) for j in range(nd)]

    def _new(self, j, node):
        self.nodes[j].append(node)
        return node

    def layer(self, x: list[ANode], ops: list[AxisOp | None], n_out: tuple) -> list[ANode]:
        out = []
        for j, (p, op) in enumerate(zip(x, ops)):
            if op is None or p.n is None:
                node = ANode(p.n if p.n is None else n_out[j], [(p, lambda o: [o], Fraction(1))],
                             p.period, p.jumps)
            elif op.collapse:
                node = ANode(None if op.retire else n_out[j], [(p, op.taps, None)], 1,
                             frozenset({Fraction(0)}))
            else:
                period = op.a * p.period // math.gcd(p.period, op.b) if op.b else op.a
                node = ANode(n_out[j], [(p, op.taps, op.jump_mul)], period,
                             frozenset(jj * op.jump_mul for jj in p.jumps))
            out.append(self._new(j, node))
        return out

    def get(self, node: ANode, u: int):
        """({jump class: D_J(u) as bits}, virtual), memoised; recursive through the parents.

        D(u) is split by the jump of the path it came through (DESIGN: jump = the
        product of strides / upsampling factors along the path): a merge of paths
        with different jumps is misaligned, and a class none of whose outputs
        sees anything has no say in the jump or the size domain.
        """
        hit = node.D.get(u)
        if hit is not None:
            return hit
        if node.is_input:
            res = ({Fraction(1): (u, 1)}, not 0 <= u < node.n)
        else:
            acc: dict = {}
            virt = node.n is not None and not 0 <= u < node.n
            for p, taps, mul in node.parents:
                for i in taps(u):
                    d, v = self.get(p, i)
                    for J, bits in d.items():
                        J2 = Fraction(0) if mul is None else J * mul
                        acc[J2] = bits_union(acc.get(J2), bits)
                    virt = virt or v or (p.n is not None and not 0 <= i < p.n)
            res = (acc, virt)
        node.D[u] = res
        return res

    def live(self, node: ANode) -> set:
        out = set()
        for u in range(2 * node.period):
            out |= set(self.get(node, u)[0])
        return out

    def merge(self, xs: list[list[ANode]], n_out: tuple) -> list[ANode]:
        out = []
        for j in range(self.nd):
            parents, period, jumps = [], 1, set()
            for x in xs:
                p = x[j]
                if p.n is not None and p.n == 1 and n_out[j] not in (None, 1):
                    parents.append((p, lambda o: [0], None))  # broadcast: class 0
                    jumps.add(Fraction(0))
                else:
                    parents.append((p, lambda o: [o], Fraction(1)))
                    period = period * p.period // math.gcd(period, p.period)
                    jumps |= p.jumps
            n = None if xs[0][j].n is None else n_out[j]
            out.append(self._new(j, ANode(n, parents, period, frozenset(jumps))))
        return out

    def crop(self, saved: list[ANode], target_n: tuple) -> list[ANode]:
        out = []
        for j, p in enumerate(saved):
            if p.n is None:
                out.append(p)
                continue
            top = (p.n - target_n[j]) // 2
            out.append(self._new(j, ANode(target_n[j], [(p, lambda o, t=top: [o + t], Fraction(1))],
                                          p.period, p.jumps)))
        return out

    def domain(self, node: ANode) -> list[int]:
        if len(self.live(node)) <= 1:
            return list(range(max(2 * node.period, 1)))
        return list(range(max(node.n if node.n is not None else 1, 1)))

    def hull(self, node: ANode, u: int):
        lo = hi = None
        for bits in self.get(node, u)[0].values():
            h = bits_hull(bits)
            lo = h[0] if lo is None else min(lo, h[0])
            hi = h[1] if hi is None else max(hi, h[1])
        return None if lo is None else (lo, hi)

    def fields(self, node: ANode) -> dict:
        live = self.live(node)
        dom = self.domain(node)
        hulls = {u: self.hull(node, u) for u in dom}
        sizes = [h[1] - h[0] + 1 for h in hulls.values() if h]
        jump = max(live or node.jumps)
        if len(live) <= 1:
            P = node.period
            for u in range(P):
                h, h2 = hulls[u], hulls[u + P]
                assert (h is None) == (h2 is None)
                if h:
                    assert h2 == (h[0] + P * jump, h[1] + P * jump), "oracle: not periodic"
        start = pad = None
        first = next((u for u in sorted(hulls) if hulls[u]), None)
        if first is not None and first < max(node.period, 1):
            h = hulls[first]
            start = Fraction(h[0] + h[1], 2) - first * jump
            pad = first * jump - h[0]
        return {"size": max(sizes, default=0), "size_min": min(sizes, default=0),
                "jump": jump, "start": start, "effective_padding": pad}


# --------------------------------------------------------------------------- random networks

# Spec tree: ("L", cls, args, kwargs) | ("R", body, shortcut) | ("P", branches, op)
#            | ("S", name) | ("M", name, op, crop)

NO_AUTOGRAD = ("MaxPool", "AdaptiveMaxPool", "LPPool")


def build_layer(spec):
    _, cls, args, kw = spec
    return getattr(cnn, cls)(*args, **kw)


def to_nodes(specs):
    out = []
    for s in specs:
        if s[0] == "L":
            out.append(build_layer(s))
        elif s[0] == "R":
            out.append(Residual(body=tuple(to_nodes(s[1])), shortcut=tuple(to_nodes(s[2]))))
        elif s[0] == "P":
            out.append(Parallel(branches=tuple(tuple(to_nodes(b)) for b in s[1]), merge=s[2], dim=1))
        elif s[0] == "S":
            out.append(Save(s[1]))
        else:
            out.append(Merge(s[1], op=s[2], crop="center" if s[3] else None))
    return out


class Builder:
    """Random networks of conv_calc layers (shapes from conv_calc, checked against torch live)."""

    MAXS = 96

    def __init__(self, rng: random.Random, nd: int, shape: tuple, autograd: bool = False,
                 depth: int = 0, allow_tail: bool = True):
        self.rng, self.nd, self.shape, self.autograd, self.depth = rng, nd, tuple(shape), autograd, depth
        self.specs: list = []
        self.saved: dict[str, tuple] = {}
        self.counter = [0]
        self.allow_tail = allow_tail
        self.dead = set()  # spatial axes collapsed by Linear / Flatten

    @property
    def sp(self):
        return self.shape[2:]

    @property
    def C(self):
        return self.shape[1]

    def try_add(self, cls, args=(), kw=None, specs=None) -> bool:
        kw = kw or {}
        spec = ("L", cls, tuple(args), dict(kw))
        try:
            out = build_layer(spec).output_shape(self.shape)
        except Exception:
            return False
        if len(out) == len(self.shape) and any(not 1 <= v <= self.MAXS for v in out[2:]):
            return False
        if any(v < 1 for v in out):
            return False
        (self.specs if specs is None else specs).append(spec)
        self.shape = tuple(out)
        return True

    def per_axis(self, lo, hi):
        r = self.rng
        vals = tuple(r.randint(lo, hi) for _ in range(self.nd))
        return vals if r.random() < 0.8 else vals[0]

    def random_layer(self):
        r, nd = self.rng, self.nd
        kinds = ["conv"] * 4 + ["maxpool", "avgpool", "tconv", "tconv", "pad", "up", "up",
                                "adaptive", "point", "linear"]
        if self.autograd:
            kinds = [k for k in kinds if k != "maxpool"]
        kind = r.choice(kinds)
        cout = r.randint(1, 3)
        if kind == "conv":
            kw = dict(kernel_size=self.per_axis(1, 5), stride=self.per_axis(1, 3),
                      padding=self.per_axis(0, 3), dilation=self.per_axis(1, 3), bias=False)
            if r.random() < 0.15:
                kw.update(stride=1, padding="same")
            if r.random() < 0.15:
                kw["padding_mode"] = r.choice(["reflect", "replicate", "circular"])
            return self.try_add(f"Conv{nd}d", (self.C, cout), kw)
        if kind == "maxpool":
            k = self.per_axis(1, 4)
            kt = _tup(k, nd)
            kw = dict(kernel_size=k, stride=r.choice([None, self.per_axis(1, 3)]),
                      padding=tuple(r.randint(0, kk // 2) for kk in kt),
                      dilation=self.per_axis(1, 2), ceil_mode=r.random() < 0.5)
            return self.try_add(f"MaxPool{nd}d", (), kw)
        if kind == "avgpool":
            k = self.per_axis(1, 4)
            kt = _tup(k, nd)
            kw = dict(kernel_size=k, stride=r.choice([None, self.per_axis(1, 3)]),
                      padding=tuple(r.randint(0, kk // 2) for kk in kt),
                      ceil_mode=r.random() < 0.5, count_include_pad=r.random() < 0.5)
            return self.try_add(f"AvgPool{nd}d", (), kw)
        if kind == "tconv":
            s = _tup(self.per_axis(1, 3), nd)
            d = _tup(self.per_axis(1, 2), nd)
            op = tuple(r.randint(0, max(a, b) - 1) for a, b in zip(s, d))
            kw = dict(kernel_size=self.per_axis(1, 5), stride=s, padding=self.per_axis(0, 2),
                      output_padding=op, dilation=d, bias=False)
            return self.try_add(f"ConvTranspose{nd}d", (self.C, cout), kw)
        if kind == "pad":
            cls = r.choice(["ZeroPad", "ConstantPad", "ReflectionPad", "ReplicationPad", "CircularPad"])
            lo = -2 if cls in ("ZeroPad", "ConstantPad") else 0
            pads = tuple(r.randint(lo, 3) for _ in range(2 * nd))
            if cls == "ZeroPad" and nd == 3:
                cls = "ConstantPad"
            args = (pads, 0.5) if cls == "ConstantPad" else (pads,)
            return self.try_add(f"{cls}{nd}d", args)
        if kind == "up":
            modes = ["nearest", "nearest", "nearest-exact", "linear", "area"]
            if nd == 2 and not self.autograd:
                modes.append("bicubic")
            mode = r.choice(modes)
            if mode == "linear":
                mode = "bilinear" if nd == 2 else "trilinear"
            kw = {"mode": mode}
            if mode in ("bilinear", "trilinear", "bicubic"):
                kw["align_corners"] = r.random() < 0.5
            c = r.random()
            if c < 0.35:
                kw["scale_factor"] = r.choice([2, 3, 2.0, (2, 3)[:nd] if nd == 2 else (2, 1, 3)])
            elif c < 0.6:
                kw["scale_factor"] = r.choice([1.5, 2.5, 0.5, 1.7, 0.75])
                if r.random() < 0.3:
                    kw["recompute_scale_factor"] = True
            else:
                kw["size"] = tuple(max(1, int(n * r.choice([1, 2, 3, 0.5, 1.4, 0.7]) + r.randint(-1, 1)))
                                   for n in self.sp)
            if nd == 2 and r.random() < 0.15:
                if "size" in kw:
                    return self.try_add(r.choice(["UpsamplingNearest2d", "UpsamplingBilinear2d"]),
                                        (), {"size": kw["size"]})
            return self.try_add("Upsample", (), kw)
        if kind == "adaptive":
            cls = "AdaptiveAvgPool" if self.autograd or r.random() < 0.7 else "AdaptiveMaxPool"
            if r.random() < 0.3:
                size = 1
            else:
                size = tuple(r.choice([None, r.randint(1, n + 3)]) for n in self.sp)
            return self.try_add(f"{cls}{nd}d", (size,))
        if kind == "point":
            if r.random() < 0.5:
                return self.try_add("ReLU")
            return self.try_add(f"BatchNorm{nd}d", (self.C,))
        if kind == "linear":
            if r.random() < 0.5 or (nd - 1) in self.dead:
                return False
            ok = self.try_add("Linear", (self.sp[-1], r.randint(1, 12)), {"bias": False})
            if ok:
                self.dead.add(nd - 1)
            return ok
        return False

    def resize_to(self, target_sp, specs=None):
        """Append a layer bringing the spatial size to target_sp (various dependency patterns)."""
        r = self.rng
        if tuple(self.sp) == tuple(target_sp):
            return True
        c = r.random()
        if c < 0.35:
            return self.try_add(f"AdaptiveAvgPool{self.nd}d", (tuple(target_sp),), specs=specs)
        if c < 0.7:
            mode = r.choice(["nearest", "nearest-exact", "linear", "area"])
            kw = {"size": tuple(target_sp), "mode": mode}
            if mode == "linear":
                kw["mode"] = "bilinear" if self.nd == 2 else "trilinear"
                kw["align_corners"] = r.random() < 0.5
            return self.try_add("Upsample", (), kw, specs=specs)
        pads = []
        for n, t in zip(reversed(self.sp), reversed(tuple(target_sp))):
            diff = t - n
            left = r.randint(min(0, diff), max(0, diff))
            pads += [left, diff - left]
        cls = "ZeroPad" if self.nd == 2 else "ConstantPad"
        args = (tuple(pads), 0.0) if cls == "ConstantPad" else (tuple(pads),)
        return self.try_add(f"{cls}{self.nd}d", args, specs=specs)

    def sub(self, n_layers):
        b = Builder(self.rng, self.nd, self.shape, self.autograd, self.depth + 1, False)
        b.dead = set(self.dead)
        for _ in range(n_layers):
            for _ in range(10):
                if b.random_layer():
                    break
        return b

    def block(self) -> bool:
        r = self.rng
        kind = r.choice(["res", "res", "par", "bcast", "save"]) if self.depth < 2 else "none"
        if kind == "res":
            b = self.sub(r.randint(1, 3))
            sc = Builder(self.rng, self.nd, self.shape, self.autograd, self.depth + 1)
            if b.shape[2:] != self.shape[2:] or r.random() < 0.3:
                if not sc.resize_to(b.sp) and tuple(sc.sp) != tuple(b.sp):
                    return False
            if sc.C != b.C:
                if not sc.try_add(f"Conv{self.nd}d", (sc.C, b.C, 1), {"bias": False}):
                    return False
            if tuple(sc.shape) != tuple(b.shape):
                return False
            self.specs.append(("R", b.specs, sc.specs))
            self.shape = b.shape
            self.dead |= b.dead
            return True
        if kind == "par":
            op = r.choice(["cat", "cat", "add"])
            branches, target, C = [], None, None
            for _ in range(r.randint(2, 3)):
                b = self.sub(r.randint(0, 3))
                if b.dead != self.dead:
                    return False
                if target is None:
                    target = b.sp
                elif not b.resize_to(target):
                    return False
                if op == "add":
                    if C is None:
                        C = b.C
                    elif b.C != C and not b.try_add(f"Conv{self.nd}d", (b.C, C, 1), {"bias": False}):
                        return False
                branches.append(b)
            self.specs.append(("P", [b.specs for b in branches], op))
            chans = sum(b.C for b in branches) if op == "cat" else C
            self.shape = (self.shape[0], chans) + tuple(target)
            return True
        if kind == "bcast":
            body = []
            if not self.try_add(f"AdaptiveAvgPool{self.nd}d", (1,), specs=body):
                return False
            self.shape = self.shape  # adaptive pool to 1 then broadcast add: same shape
            self.specs.append(("R", body, []))
            # try_add moved self.shape to the pooled shape: restore the broadcast result
            self.shape = (self.shape[0], self.shape[1]) + self._before_bcast
            return True
        if kind == "save":
            self.counter[0] += 1
            name = f"s{self.counter[0]}"
            self.specs.append(("S", name))
            self.saved[name] = self.shape
            return True
        return False

    def merge_saved(self) -> bool:
        r = self.rng
        for name, shp in list(self.saved.items()):
            if all(a >= b for a, b in zip(shp[2:], self.sp)) and r.random() < 0.7:
                crop = tuple(shp[2:]) != tuple(self.sp) or r.random() < 0.3
                op = "add" if shp[1] == self.C and r.random() < 0.4 else "cat"
                self.specs.append(("M", name, op, crop))
                self.shape = (self.shape[0], self.C + (shp[1] if op == "cat" else 0)) + tuple(self.sp)
                del self.saved[name]
                return True
        return False

    def build(self, n_items: int):
        r = self.rng
        for _ in range(n_items):
            c = r.random()
            for _ in range(10):
                if c < 0.25:
                    self._before_bcast = tuple(self.sp)
                    if self.block():
                        break
                    c = 1.0
                elif c < 0.32 and self.saved:
                    if self.merge_saved():
                        break
                    c = 1.0
                elif self.random_layer():
                    break
        if self.allow_tail and r.random() < 0.15:
            if self.try_add("Flatten"):
                self.try_add("Linear", (self.shape[-1], 5), {"bias": False})
                self.dead = set(range(self.nd))
        return self.specs


def random_network(seed: int, nd: int, autograd: bool = False, n_items: int | None = None,
                   max_size: int | None = None):
    rng = random.Random(seed)
    hi = max_size or (40 if nd == 2 else 16)
    spatial = tuple(rng.randint(3, hi) for _ in range(nd))
    shape = (1, rng.randint(1, 3)) + spatial
    b = Builder(rng, nd, shape, autograd)
    specs = b.build(n_items if n_items is not None else rng.randint(1, 10))
    return shape, specs


# --------------------------------------------------------------------------- the comparison


def oracle_rows(shape, specs, report):
    """Walk the spec tree alongside the report rows; return (graph, [(row, nodes)])."""
    nd = len(shape) - 2
    g = Graph(nd, tuple(shape[2:]))
    rows = iter(report.layers)
    pairs = []
    saved = {}
    alive = [True] * nd

    def spatial_of(shp):
        return tuple(shp[2 + j] if len(shp) == nd + 2 else None for j in range(nd))

    def run(specs_, x, cur_shape):
        for s in specs_:
            if s[0] == "L":
                row = next(rows)
                assert row.type == s[1], (row.type, s)
                n_in = tuple(node.n for node in x)
                n_out = spatial_of(row.output_shape)
                ops = layer_ops(s[1], s[2], s[3], nd, n_in, n_out,
                                tuple(node.n is not None for node in x))
                x = g.layer(x, ops, n_out)
                cur_shape = row.output_shape
                pairs.append((row, x))
            elif s[0] == "R":
                body, _ = run(s[1], x, cur_shape)
                short, _ = run(s[2], x, cur_shape)
                row = next(rows)
                assert row.type == "add"
                x = g.merge([body, short], spatial_of(row.output_shape))
                cur_shape = row.output_shape
                pairs.append((row, x))
            elif s[0] == "P":
                outs = [run(b, x, cur_shape)[0] for b in s[1]]
                row = next(rows)
                assert row.type == s[2]
                x = g.merge(outs, spatial_of(row.output_shape))
                cur_shape = row.output_shape
                pairs.append((row, x))
            elif s[0] == "S":
                saved[s[1]] = x
            else:
                row = next(rows)
                sv = saved[s[1]]
                n_now = tuple(node.n for node in x)
                if s[3]:
                    sv = g.crop(sv, n_now)
                x = g.merge([x, sv], spatial_of(row.output_shape))
                pairs.append((row, x))
        return x, cur_shape

    run(specs, g.input, tuple(shape))
    assert next(rows, None) is None
    del alive
    return g, pairs


def _exact_type(v):
    if isinstance(v, Fraction) and v.denominator == 1:
        return int(v)
    return v


PERIOD_CAP = 1500
FIELDS = ("size", "size_min", "jump", "start", "effective_padding")


def compare(shape, specs) -> dict:
    """Analyse with the public API, brute-force every row and axis; return counts or raise."""
    report = Stack(to_nodes(specs), input_shape=shape).analyze()
    assert report.error is None, report.error
    g, pairs = oracle_rows(shape, specs, report)
    counts = {"rows": 0, "fields": 0, "sets": 0, "skipped": 0}
    if any(node.period > PERIOD_CAP for _, nodes in pairs for node in nodes):
        counts["skipped"] = 1  # too long a period for explicit sets (stacked resizes)
        return counts
    for row, nodes in pairs:
        rf = row.receptive_field
        counts["rows"] += 1
        for j, node in enumerate(nodes):
            want = g.fields(node)
            got = {f: getattr(rf, f)[j] for f in FIELDS}
            for f in FIELDS:
                w = want[f]
                gv = got[f]
                if w is not None:
                    w = _exact_type(w)
                    assert type(gv) is type(w) or (gv == w and isinstance(gv, int) and not isinstance(gv, bool)
                                                   and isinstance(w, int)), (row.name, f, j, gv, w)
            assert got == {f: (None if v is None else _exact_type(v)) for f, v in want.items()}, \
                (row.name, row.type, j, got, want)
            counts["fields"] += len(FIELDS)
            counts["sets"] += len(node.D)
    return counts
