"""The independent receptive-field oracle (tests/rf_independent.py) on graphs of named tensors.

Written from DESIGN.md section 4 and docs/stack-format.md's statements of what each new
construct does to an axis, not from conv_calc/receptive or conv_calc/nn/tensor_calls'
geometry. An oracle tensor is a shape plus, per *network-input* spatial axis j, the
dimension of the tensor that axis sits at (None once merged away) and its node in the
explicit-set graph of tests/rf_independent.py (``D(u)`` as bit sets):

- named tensors: ``save``, ``from: NAME`` (the items run on the saved tensor), merges
  over names (``add`` / ``mul`` / ``sub`` / ``cat`` over channels): the union per axis, a
  broadcast size-1 axis read at its position 0;
- ``permute`` / ``transpose``: the axis moves to the dimension its data moves to;
- ``flatten`` / ``reshape`` / ``view``: an axis keeps a place of its own when the new
  shape has a dimension of its size whose preceding dimensions hold exactly as many
  elements as the axis's preceding ones (row-major layout); otherwise it is merged: every
  output sees the whole real axis (jump 0) and no later operation moves it;
- ``chunk`` / ``split``: the field is kept; a piece taken *along* the axis reads ``o + offset``;
- ``mean`` / ``sum`` / ``amax``: a reduced axis is seen whole;
- ``PixelShuffle(r)``: output ``o`` reads ``floor(o / r)`` (exact for every phase);
  ``PixelUnshuffle(r)``: output ``o`` reads ``o*r .. o*r + r - 1`` (over its channels);
- ``interpolate`` and ``Upsample`` with ``size_of: NAME`` (the saved tensor's trailing
  sizes): an upsampling to that size, with the taps of tests/rf_independent.py;
- a layer acts on the trailing dims as torch does: an axis moved there by a transpose is
  convolved as that dim; ``Linear`` sees its last dim whole;
- several ``outputs``: the report's shapes of the named tensors.

Spec tree: ``("L", cls, args, kw)`` a conv_calc.nn layer; ``("U", kw, name)`` an Upsample
whose ``size`` is ``SizeOf(name)``; ``("S", name)``; ``("X", word, args, kw, outputs,
index, size_of)`` a tensor function; ``("F", name, specs)`` specs run from a saved tensor;
``("C", op, names)`` a merge over names (``cat`` along dim 1).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from fractions import Fraction

from conv_calc.graph.nodes import Call, Combine, From, LayerNode, Save, SizeOf
from conv_calc.graph.stack import Stack
from conv_calc.nn.tensor_calls import TensorCall
from tests.rf_independent import (
    FIELDS, PERIOD_CAP, AxisOp, Builder, Graph, _exact_type, build_layer, conv_op, layer_ops,
    whole_op,
)

ROW_TYPES = {"flatten": "torch.flatten", "interpolate": "F.interpolate"}


def row_type(word: str) -> str:
    return ROW_TYPES.get(word, f"Tensor.{word}")


@dataclass
class OT:
    """A tensor in the oracle: its shape; per input axis its dim (or None) and its node."""

    shape: tuple
    dims: tuple
    nodes: list


def _norm(d, rank):
    return d + rank if d < 0 else d


def _dims_arg(args, kw, key):
    v = kw.get(key, args[0] if len(args) == 1 else args)
    return tuple(v) if isinstance(v, (list, tuple)) else (v,)


def _prod(xs):
    return math.prod(xs) if xs else 1


def regroup(old: tuple, new: tuple, d: int):
    """The new dim holding old dim ``d`` in a row-major reshape, or None (merged / split)."""
    before = _prod(old[:d])
    hits = [e for e in range(len(new)) if new[e] == old[d] and _prod(new[:e]) == before]
    # A size-1 axis can sit at several places at once (its neighbours of size 1): no one
    # answer, so the random graphs reshape only tensors whose spatial sizes exceed 1.
    assert len(hits) <= 1, ("ambiguous place for a size-1 axis", old, new, d)
    return hits[0] if hits else None


def shift(off):
    return AxisOp(lambda o, off=off: [o + off], 1, 1, Fraction(1))


class Oracle:
    def __init__(self, shape: tuple):
        self.nd = len(shape) - 2
        self.g = Graph(self.nd, tuple(shape[2:]))
        self.input = OT(tuple(shape), tuple(range(2, self.nd + 2)), list(self.g.input))
        self.saved = {"input": self.input}

    # one step: per input axis an AxisOp (None: identity) and its new dim
    def step(self, t: OT, ops, new_dims, new_shape) -> OT:
        n_out = tuple(None if d is None else new_shape[d] for d in new_dims)
        ops = [None if t.dims[j] is None else ops[j] for j in range(self.nd)]
        nodes = self.g.layer(t.nodes, ops, n_out)
        dims = tuple(None if (t.dims[j] is None or new_dims[j] is None) else new_dims[j]
                     for j in range(self.nd))
        return OT(tuple(new_shape), dims, nodes)

    def layer(self, t: OT, cls, args, kw, out_shape) -> OT:
        rank = len(t.shape)
        lnd = rank - 2
        n_in = tuple(t.shape[2:])
        n_out_l = tuple(out_shape[2 + i] if 2 + i < len(out_shape) else None for i in range(lnd))
        alive = tuple(any(d == 2 + i for d in t.dims) for i in range(lnd))
        if cls in ("PixelShuffle", "PixelUnshuffle"):
            # (*, C*r*r, H, W) <-> (*, C, H*r, W*r): H and W as nearest upsampling / a window
            # of r; dim -3 (the channels, a spatial axis of a 5-d tensor) the other way round
            # by r*r (output channel c of PixelShuffle reads input channels c*r*r ..).
            r = args[0]
            near = AxisOp(lambda o, r=r: [o // r], r, 1, Fraction(1, r))
            near2 = AxisOp(lambda o, r=r: [o // (r * r)], r * r, 1, Fraction(1, r * r))
            if cls == "PixelShuffle":
                lops = [conv_op(r * r, r * r, 0, 1), near, near]
            else:
                lops = [near2, conv_op(r, r, 0, 1), conv_op(r, r, 0, 1)]
            lops = ([None] * lnd + lops)[-lnd:] if lnd >= 3 else lops[-lnd:]
        else:
            lops = layer_ops(cls, args, kw, lnd, n_in, n_out_l, alive)
        ops, dims = [], []
        for j, d in enumerate(t.dims):
            op = lops[d - 2] if d is not None and d >= 2 else None
            assert d is None or d >= 2 or cls in ("ReLU", "Sigmoid", "Linear"), (cls, t.dims)
            ops.append(op)
            dims.append(None if op is not None and op.retire else d)
        return self.step(t, ops, dims, out_shape)

    def call(self, t: OT, word, args, kw, outputs, index, size_of, out_shape):
        rank = len(t.shape)
        ops = [None] * self.nd
        dims = list(t.dims)
        pieces = None
        if word == "permute":
            perm = [_norm(p, rank) for p in _dims_arg(args, kw, "dims")]
            dims = [None if d is None else perm.index(d) for d in t.dims]
        elif word == "transpose":
            a, b = (_norm(v, rank) for v in (kw.get("dim0", args[0] if args else None),
                                              kw.get("dim1", args[1] if len(args) > 1 else None)))
            dims = [{a: b, b: a}.get(d, d) if d is not None else None for d in t.dims]
        elif word in ("flatten", "reshape", "view"):
            for j, d in enumerate(t.dims):
                if d is None:
                    continue
                e = regroup(tuple(t.shape), tuple(out_shape), d)
                if e is None:
                    ops[j] = whole_op(t.shape[d], retire=True)
                dims[j] = e
        elif word in ("mean", "sum", "amax"):
            red = sorted({_norm(v, rank) for v in _dims_arg(args, kw, "dim")})
            keep = kw.get("keepdim", False)
            for j, d in enumerate(t.dims):
                if d is None:
                    continue
                if d in red:
                    ops[j] = whole_op(t.shape[d], retire=not keep)
                    dims[j] = d if keep else None
                elif not keep:
                    dims[j] = d - sum(r < d for r in red)
        elif word in ("chunk", "split"):
            dim = _norm(kw.get("dim", args[1] if len(args) > 1 else 0), rank)
            n = t.shape[dim]
            if word == "chunk":
                size = -(-n // args[0])
                lens = [min(size, n - k) for k in range(0, n, size)]
            else:
                s = args[0]
                lens = list(s) if isinstance(s, (list, tuple)) else [min(s, n - k) for k in range(0, n, s)]
            offs = [sum(lens[:k]) for k in range(len(lens))]
            pieces = []
            for k, ln in enumerate(lens):
                pshape = tuple(ln if i == dim else v for i, v in enumerate(t.shape))
                pops = [shift(offs[k]) if d == dim else None for d in t.dims]
                pieces.append(self.step(t, pops, t.dims, pshape))
            for name, p in zip(outputs, pieces):
                self.saved[name] = p
            out = pieces[index]
            assert out.shape == tuple(out_shape), (out.shape, out_shape)
            return out
        elif word == "interpolate":
            kw = dict(kw)
            if size_of is not None:
                kw["size"] = tuple(self.saved[size_of].shape[-(rank - 2):])
            return self.layer(t, "Upsample", (), kw, out_shape)
        out = self.step(t, ops, dims, out_shape)
        if outputs:
            self.saved[outputs[0]] = out
        return out

    def merge(self, op, names, out_shape) -> OT:
        ts = [self.saved[n] for n in names]
        assert all(x.dims == ts[0].dims for x in ts), [x.dims for x in ts]
        n_out = tuple(None if d is None else out_shape[d] for d in ts[0].dims)
        nodes = self.g.merge([x.nodes for x in ts], n_out)
        return OT(tuple(out_shape), ts[0].dims, nodes)


def oracle_rows(shape, specs, report):
    """Walk the specs alongside the report's rows: (oracle, [(row, OT)])."""
    o = Oracle(tuple(shape))
    rows = iter(report.layers)
    pairs = []

    def run(specs_, t):
        for s in specs_:
            kind = s[0]
            if kind == "S":
                o.saved[s[1]] = t
                continue
            if kind == "F":
                t = run(s[2], o.saved[s[1]])
                continue
            row = next(rows)
            if kind == "L":
                assert row.type == s[1], (row.type, s)
                t = o.layer(t, s[1], s[2], s[3], row.output_shape)
            elif kind == "U":
                assert row.type == "Upsample", (row.type, s)
                kw = dict(s[1], size=tuple(o.saved[s[2]].shape[-(len(t.shape) - 2):]))
                t = o.layer(t, "Upsample", (), kw, row.output_shape)
            elif kind == "X":
                assert row.type == row_type(s[1]), (row.type, s)
                t = o.call(t, *s[1:], row.output_shape)
            elif kind == "C":
                assert row.type == s[1], (row.type, s)
                t = o.merge(s[1], s[2], row.output_shape)
            else:  # pragma: no cover
                raise AssertionError(s)
            pairs.append((row, t))
        return t

    run(specs, o.input)
    assert next(rows, None) is None
    return o, pairs


def to_nodes(specs):
    out = []
    for s in specs:
        if s[0] == "L":
            out.append(build_layer(s))
        elif s[0] == "U":
            out.append(LayerNode(type="Upsample", kwargs={**s[1], "size": SizeOf(s[2])}))
        elif s[0] == "S":
            out.append(Save(s[1]))
        elif s[0] == "X":
            _, word, args, kw, outputs, index, size_of = s
            out.append(Call(word, tuple(args), dict(kw), tuple(outputs), index, size_of))
        elif s[0] == "F":
            out.append(From(s[1], tuple(to_nodes(s[2]))))
        else:
            out.append(Combine(s[1], tuple(s[2])))
    return out


def compare(shape, specs, outputs=()) -> dict:
    """Analyse through the public API; every row, axis and field against the oracle."""
    report = Stack(to_nodes(specs), input_shape=shape, outputs=tuple(outputs)).analyze()
    assert report.error is None, report.error
    o, pairs = oracle_rows(shape, specs, report)
    counts = {"networks": 1, "rows": 0, "fields": 0, "skipped": 0, "calls": 0, "merges": 0}
    assert dict(report.outputs) == {n: o.saved[n].shape for n in outputs}
    if any(node.period > PERIOD_CAP for _, t in pairs for node in t.nodes):
        return {**counts, "networks": 0, "skipped": 1}
    for row, t in pairs:
        rf = row.receptive_field
        counts["rows"] += 1
        counts["calls"] += row.type.startswith(("Tensor.", "torch.", "F."))
        counts["merges"] += row.type in ("add", "mul", "sub", "cat")
        for j, node in enumerate(t.nodes):
            want = {f: (None if v is None else _exact_type(v)) for f, v in o.g.fields(node).items()}
            got = {f: getattr(rf, f)[j] for f in FIELDS}
            assert got == want, (row.name, row.type, j, got, want)
            for f in FIELDS:  # ints stay ints, Fractions only where not whole
                assert want[f] is None or type(got[f]) is type(want[f]), (row.name, f, got[f])
            counts["fields"] += len(FIELDS)
    return counts


# --------------------------------------------------------------------------- random graphs


class GraphBuilder(Builder):
    """Random networks mixing layers with the named-tensor constructs (always back in the
    (N, C, *spatial) layout between episodes; shapes from conv_calc)."""

    def __init__(self, rng, nd, shape, autograd=False):
        super().__init__(rng, nd, shape, autograd)
        self.tensors = {"input": (tuple(shape), frozenset())}
        self.n = 0

    def fresh(self):
        self.n += 1
        return f"t{self.n}"

    def save(self, name=None):
        name = name or self.fresh()
        self.specs.append(("S", name))
        self.tensors[name] = (self.shape, frozenset(self.dead))
        return name

    def try_call(self, word, args=(), kw=None, outputs=(), index=0, size_of=None, specs=None):
        kw = dict(kw or {})
        real = dict(kw)
        if size_of is not None:
            real["size"] = self.tensors[size_of][0][-self.nd:]
        try:
            pieces = TensorCall(word, args, real).outputs(self.shape)
        except Exception:
            return False
        out = pieces[index]
        if any(v < 1 for v in out) or (len(out) == self.nd + 2 and any(v > self.MAXS for v in out[2:])):
            return False
        (self.specs if specs is None else specs).append(("X", word, tuple(args), kw, tuple(outputs),
                                                         index, size_of))
        for name, p in zip(outputs, pieces):
            self.tensors[name] = (tuple(p), frozenset(self.dead))
        self.shape = tuple(out)
        return True

    def episode(self) -> bool:
        r, nd, N = self.rng, self.nd, self.shape[0]
        sp = tuple(self.sp)
        kind = r.choice(["layer", "layer", "layer", "channels_last", "transpose", "shuffle", "merge_axes",
                         "chunk", "chunk_spatial", "pixel", "size_of", "se", "combine", "from", "save"])
        if kind == "layer":
            return self.random_layer()
        if kind == "channels_last":
            to_last = (0, *range(2, nd + 2), 1)
            back = (0, nd + 1, *range(1, nd + 1))
            if not self.try_call("permute", to_last):
                return False
            if r.random() < 0.6:
                self.try_add("Linear", (self.shape[-1], r.randint(1, 4)), {"bias": False})
            if r.random() < 0.3:
                self.try_add("ReLU")
            # the permuted-back tensor is not contiguous: torch code writes contiguous() before a view
            return self.try_call("permute", [back] if r.random() < 0.5 else back) and self.try_call("contiguous")
        if kind == "transpose":
            a, b = r.sample(range(2, nd + 2), 2)
            if not self.try_call("transpose", (a, b)):
                return False
            saved_dead, self.dead = self.dead, set(range(nd))  # no Linear in here
            for _ in range(r.randint(1, 3)):
                for _ in range(5):
                    if super().random_layer():
                        break
            self.dead = saved_dead
            return (self.try_call("transpose", (b, a) if r.random() < 0.5 else (a, b))
                    and self.try_call("contiguous"))
        if kind in ("shuffle", "merge_axes") and min(sp) == 1:
            return False  # see regroup(): a size-1 axis has no unique place in a reshape
        if kind == "shuffle":
            C = self.C
            gs = [g for g in (2, 3, 4) if C % g == 0]
            if not gs:
                return self.try_add(f"Conv{nd}d", (C, 2 * r.randint(1, 3), 1), {"bias": False})
            g = r.choice(gs)
            word = r.choice(["view", "reshape"])
            return (self.try_call(word, (N, g, C // g, *sp)) and self.try_call("transpose", (1, 2))
                    and self.try_call("contiguous")
                    and self.try_call(word, (N, -1, *sp) if r.random() < 0.5 else (N, C, *sp)))
        if kind == "merge_axes":
            C = self.C
            if nd == 3 and r.random() < 0.5:
                s, e = r.choice([(2, 3), (3, 4)])
                if not self.try_call("flatten", (), {"start_dim": s, "end_dim": e}):
                    return False
            elif r.random() < 0.5:
                if not self.try_call("flatten", (2,)):
                    return False
            elif not self.try_call("reshape", (N, C, -1)):
                return False
            if r.random() < 0.4:
                self.try_add("ReLU")
            ok = self.try_call("view", (N, C, *sp))
            self.dead = set(range(nd)) if ok else self.dead
            return ok
        if kind == "chunk":
            C = self.C
            if C < 2:
                return self.try_add(f"Conv{nd}d", (C, r.randint(2, 4), 1), {"bias": False})
            names = None
            if r.random() < 0.5:
                k = r.randint(2, min(C, 3))
                names = [self.fresh() for _ in range(-(-C // -(-C // k)))]
                args, kw = (k,), {"dim": 1}
                word = "chunk"
            else:
                a = r.randint(1, C - 1)
                names = [self.fresh(), self.fresh()]
                args, kw = ([a, C - a],), {"dim": 1}
                word = "split"
            if not self.try_call(word, args, kw, outputs=names, index=r.randrange(len(names))):
                return False
            if r.random() < 0.5:  # the pieces back together (a shuffled order: a permutation)
                order = r.sample(names, len(names))
                self.specs.append(("C", "cat", tuple(order)))
                self.shape = (self.shape[0], C, *sp)
            return True
        if kind == "chunk_spatial":
            d = r.randrange(2, nd + 2)
            n = self.shape[d]
            if n < 2:
                return False
            k = 2
            names = [self.fresh() for _ in range(len(range(0, n, -(-n // k))))]
            if not (self.try_call("chunk", (k, d), outputs=names, index=r.randrange(len(names)))
                    and self.try_call("contiguous")):  # a piece along a spatial dim is not contiguous
                return False
            a, b = names[0], names[-1]
            if self.tensors[a][0] == self.tensors[b][0] and r.random() < 0.6:
                self.specs.append(("C", r.choice(["add", "mul", "sub"]), (a, b)))
                return True
            return True
        if kind == "pixel":
            f = r.choice([2, 2, 3])
            if r.random() < 0.5:
                if any(n % f for n in sp):  # pad up to a multiple of f first
                    pads = [v for n in reversed(sp) for v in (0, -n % f)]
                    cls, args = (("ZeroPad2d", (tuple(pads),)) if nd == 2 else
                                 ("ConstantPad3d", (tuple(pads), 0.0)))
                    if not self.try_add(cls, args):
                        return False
                return self.try_add("PixelUnshuffle", (f,))
            if nd == 3:  # dim -3 is the depth: it must split into f*f groups
                if sp[0] % (f * f) and not self.try_add("ConstantPad3d", ((0, 0, 0, 0, 0, -sp[0] % (f * f)), 0.0)):
                    return False
            elif self.C % (f * f):
                self.try_add("Conv2d", (self.C, f * f * r.randint(1, 2), 1), {"bias": False})
            return self.try_add("PixelShuffle", (f,))
        if kind == "size_of":
            cands = [n for n, (s, dead) in self.tensors.items() if len(s) >= nd + 2 and dead == frozenset(self.dead)]
            if not cands:
                return False
            name = r.choice(cands)
            mode = r.choice(["nearest", "nearest", "linear"] + (["nearest-exact"] if not self.autograd else []))
            kw = {"mode": mode}
            if mode == "linear":
                kw["mode"] = "bilinear" if nd == 2 else "trilinear"
                kw["align_corners"] = r.random() < 0.5
            target = tuple(self.tensors[name][0][-nd:])
            if any(t > self.MAXS for t in target):
                return False
            if r.random() < 0.25:  # F.interpolate to a size written out, or by a factor
                if r.random() < 0.5:
                    kw["size"] = tuple(max(1, t + r.randint(-2, 2)) for t in target)
                else:
                    kw["scale_factor"] = r.choice([2, 3, 2.0])
                return self.try_call("interpolate", (), kw)
            if r.random() < 0.5:
                return self.try_call("interpolate", (), kw, size_of=name)
            self.specs.append(("U", kw, name))
            self.shape = (*self.shape[:2], *target)
            return True
        if kind == "se":
            x = self.save()
            body = []
            sub = Builder(self.rng, nd, self.shape, self.autograd, 1, False)
            if r.random() < 0.5:
                sub.try_add(f"AdaptiveAvgPool{nd}d", (1,), specs=body)
            else:
                body.append(("X", "mean", (), {"dim": tuple(range(2, nd + 2)), "keepdim": True}, (), 0, None))
                sub.shape = (*self.shape[:2], *(1,) * nd)
            sub.try_add(f"Conv{nd}d", (self.C, self.C, 1), {"bias": False}, specs=body)
            sub.try_add("Sigmoid", specs=body)
            self.specs.append(("F", x, body))
            self.shape = sub.shape
            s = self.save()
            self.shape = self.tensors[x][0]
            self.specs.append(("C", "mul", (s, x) if r.random() < 0.5 else (x, s)))
            return True
        if kind == "combine":
            mine = (self.shape, frozenset(self.dead))
            cands = [n for n, v in self.tensors.items() if v == mine]
            if not cands:
                return False
            x = self.save()
            other = r.choice(cands)
            op = r.choice(["add", "mul", "sub", "cat"])
            self.specs.append(("C", op, (x, other) if r.random() < 0.5 else (other, x)))
            if op == "cat":
                self.shape = (self.shape[0], 2 * self.C, *sp)
            return True
        if kind == "from":
            name = r.choice(sorted(self.tensors))
            shp, dead = self.tensors[name]
            if len(shp) != nd + 2:
                return False
            sub = Builder(self.rng, nd, shp, self.autograd, 1, False)
            sub.dead = set(dead)
            for _ in range(r.randint(1, 3)):
                for _ in range(5):
                    if sub.random_layer():
                        break
            if not sub.specs:
                return False
            self.specs.append(("F", name, sub.specs))
            self.shape, self.dead = sub.shape, sub.dead
            return True
        if kind == "save":
            self.save()
            return True
        return False


def random_graph(seed: int, nd: int = 2, autograd: bool = False, n_items: int | None = None,
                 max_size: int | None = None):
    """(input shape, specs, outputs) of one random graph."""
    rng = random.Random(seed)
    hi = max_size or (24 if nd == 2 else 10)
    spatial = tuple(rng.randint(2, hi) for _ in range(nd))
    shape = (1, rng.randint(1, 4)) + spatial
    b = GraphBuilder(rng, nd, shape, autograd)
    for _ in range(n_items if n_items is not None else rng.randint(2, 12)):
        for _ in range(10):
            mark = (len(b.specs), b.shape, set(b.dead), dict(b.tensors))
            if b.episode():
                break
            b.specs[mark[0]:] = []  # an episode that failed half-way leaves nothing
            b.shape, b.dead, b.tensors = mark[1], mark[2], mark[3]
    names = [n for n in b.tensors if n != "input"]
    outputs = rng.sample(names, min(len(names), rng.randint(0, 3)))
    return shape, b.specs, outputs


def main(argv=None) -> None:
    """``python -m tests.rf_independent_graph [N]``: N random 2-d and N 3-d graphs compared,
    with the counts (networks, rows, tensor-function rows, merges, field comparisons)."""
    import sys
    from collections import Counter

    n = int((argv or sys.argv[1:] or ["100"])[0])
    for nd in (2, 3):
        total = Counter()
        for seed in range(n):
            total.update(compare(*random_graph(seed, nd)))
        print(f"{nd}-d: {dict(total)}")


if __name__ == "__main__":
    main()
