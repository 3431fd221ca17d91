"""Golden cases for ConvTranspose1d/2d/3d: systematic edges, pairwise check orderings, random configs.

``python -m oracle.torch_oracle transposed`` runs them through torch and writes
tests/golden/torch_transposed.jsonl.
"""

from __future__ import annotations

import itertools
import random

SPATIAL = {1: [6], 2: [6, 5], 3: [5, 4, 3]}


def _case(cid, nd, kwargs, inp, fkw=None):
    return {"id": cid, "layer": f"ConvTranspose{nd}d", "args": [], "kwargs": kwargs,
            "input": list(inp), "forward_kwargs": fkw or {}}


def _edges(nd):
    sp = SPATIAL[nd]
    base = {"in_channels": 2, "out_channels": 3, "kernel_size": 3}
    b = [1, 2, *sp]
    u = [2, *sp]
    E = []

    def add(name, kw, inp=b, fkw=None):
        E.append(_case(f"edge/ConvTranspose{nd}d/{name}", nd, {**base, **kw}, inp, fkw))

    # plain shapes
    for k, s, p, op, d in [(3, 1, 0, 0, 1), (3, 2, 1, 1, 1), (4, 2, 1, 0, 1), (2, 2, 0, 0, 1),
                           (3, 3, 2, 2, 1), (3, 1, 1, 0, 2), (5, 2, 2, 1, 2), (1, 1, 0, 0, 1),
                           (3, 2, 0, 2, 3), (1, 3, 0, 0, 1)]:
        kw = {"kernel_size": k, "stride": s, "padding": p, "output_padding": op, "dilation": d}
        add(f"k{k}-s{s}-p{p}-op{op}-d{d}", kw)
        add(f"k{k}-s{s}-p{p}-op{op}-d{d}-unbatched", kw, u)
    add("bias-false", {"bias": False})
    add("groups-2", {"in_channels": 4, "out_channels": 6, "groups": 2}, [1, 4, *sp])
    add("groups-2-unbatched", {"in_channels": 4, "out_channels": 2, "groups": 2}, [4, *sp])
    add("kernel-bool", {"kernel_size": True})
    add("stride-bool", {"stride": True})
    add("kernel-one-elem-list", {"kernel_size": [3]})
    add("stride-one-elem-list", {"stride": [2]})
    add("stride-one-elem-tuple", {"stride": (2,)})
    add("padding-one-elem-list", {"padding": [1]})
    add("op-one-elem-list", {"stride": 2, "output_padding": [1]})
    add("dilation-one-elem-list", {"dilation": [2]})
    add("kernel-tuple", {"kernel_size": tuple(range(2, 2 + nd))})
    add("kernel-list", {"kernel_size": list(range(2, 2 + nd))})
    add("kernel-tuple-too-long", {"kernel_size": [2] * (nd + 1)})
    if nd > 1:
        add("kernel-tuple-too-short", {"kernel_size": [2] * (nd - 1)})
    add("kernel-empty", {"kernel_size": ()})
    add("stride-too-long", {"stride": [1] * (nd + 1)})
    add("padding-too-long", {"padding": [0] * (nd + 1)})
    add("dilation-too-long", {"dilation": [1] * (nd + 1)})
    add("op-too-long", {"stride": 2, "output_padding": [1] * (nd + 1)})
    add("padding-and-op-too-long", {"padding": [0] * (nd + 1), "output_padding": [0] * (nd + 1)})
    add("stride-and-dilation-too-long", {"stride": [1] * (nd + 1), "dilation": [1] * (nd + 1)})
    if nd > 1:
        add("stride-len2-of-3" if nd == 3 else "stride-empty", {"stride": [1, 1] if nd == 3 else []})
    # init errors and their order
    for pm in ["foo", "reflect", "circular", "replicate", "zeros"]:
        add(f"pm-{pm}", {"padding_mode": pm})
        add(f"pm-{pm}-groups0", {"padding_mode": pm, "groups": 0})
    add("groups-0", {"groups": 0})
    add("groups-neg", {"groups": -1})
    add("groups-in-not-divisible", {"in_channels": 3, "out_channels": 4, "groups": 2}, [1, 3, *sp])
    add("groups-out-not-divisible", {"in_channels": 4, "out_channels": 3, "groups": 2}, [1, 4, *sp])
    add("groups-both-not-divisible", {"in_channels": 3, "out_channels": 3, "groups": 2})
    add("groups-0-in-not-divisible", {"in_channels": 3, "groups": 0})
    add("kernel-neg", {"kernel_size": -2})
    add("in-channels-neg", {"in_channels": -1})
    add("out-channels-neg", {"out_channels": -2})
    add("out-channels-neg-groups2", {"in_channels": 2, "out_channels": -2, "groups": 2})
    add("kernel-float", {"kernel_size": 2.5})
    add("kernel-float-whole", {"kernel_size": 3.0})
    add("kernel-str", {"kernel_size": "ab"})
    add("kernel-neg-and-float", {"kernel_size": [-1] * (nd - 1) + [2.5]} if nd > 1 else
        {"kernel_size": [2.5], "in_channels": -1})
    # padding strings: accepted at init, fail in forward
    for ps in ["same", "valid", "", "ab", "abc", "x"]:
        add(f"padding-str-{ps or 'empty'}", {"padding": ps})
        add(f"padding-str-{ps or 'empty'}-output_size", {"padding": ps}, b,
            {"output_size": [8] * nd})
    add("padding-str-same-stride-float", {"padding": "same", "stride": 2.0})
    add("padding-str-same-wrong-rank", {"padding": "same"}, [6])
    # parser type errors
    add("stride-float", {"stride": 2.5})
    add("stride-none", {"stride": None})
    add("padding-float", {"padding": 1.5})
    add("op-float", {"output_padding": 0.0})
    add("dilation-float", {"dilation": 1.0})
    add("groups-bool", {"groups": True})
    add("groups-bool-stride-float", {"groups": True, "stride": 2.5})
    add("groups-bool-dilation-float", {"groups": True, "dilation": 2.5})
    if nd > 1:
        tail = [1] * (nd - 1)
        add("stride-float-later", {"stride": [*tail, 2.5]})
        add("stride-none-later", {"stride": [*tail, None]})
        add("stride-bool-later", {"stride": [*tail, True]})
        add("stride-bool-first", {"stride": [True, *tail]})
        add("padding-str-later", {"padding": [*tail, "a"]})
        add("stride-later-dilation-later", {"stride": [*tail, 2.5], "dilation": [*tail, 2.5]})
        add("stride-later-padding-later", {"stride": [*tail, 2.5], "padding": [*tail, 2.5]})
        add("op-later-padding-later", {"output_padding": [*tail, 0.5], "padding": [*tail, 1.5]})
        add("op-later-padding-first", {"output_padding": [*tail, 0.5], "padding": [1.5, *tail]})
        add("stride-later-groups-bool", {"stride": [*tail, 2.5], "groups": True})
        add("stride-later-wrong-rank", {"stride": [*tail, 2.5]}, [6])
    # rank
    add("rank-too-low", {}, sp)
    add("rank-too-high", {}, [1, *b])
    add("rank-0", {}, [])
    add("rank-1", {}, [6])
    add("rank-too-low-stride-float", {"stride": 2.5}, sp)
    add("rank-too-high-padding-neg", {"padding": -1}, [1, *b])
    # forward value checks
    add("padding-neg", {"padding": -1})
    add("op-neg", {"output_padding": -1})
    add("stride-0", {"stride": 0})
    add("stride-neg", {"stride": -1})
    add("dilation-neg", {"dilation": -1})
    add("dilation-0", {"dilation": 0})
    add("dilation-0-unbatched", {"dilation": 0}, u)
    add("kernel-0", {"kernel_size": 0})
    add("kernel-0-dilation-0", {"kernel_size": 0, "dilation": 0})
    add("kernel-0-op-big", {"kernel_size": 0, "output_padding": 1})
    add("kernel-0-zero-batch", {"kernel_size": 0}, [0, 2, *sp])
    add("wrong-channels", {}, [1, 3, *sp])
    add("wrong-channels-unbatched", {}, [3, *sp])
    add("wrong-channels-zero-batch", {}, [0, 3, *sp])
    add("in-channels-0", {"in_channels": 0}, [1, 0, *sp])
    add("in-channels-0-zero-batch", {"in_channels": 0}, [0, 0, *sp])
    add("in-channels-0-wrong-channels", {"in_channels": 0}, [1, 2, *sp])
    add("in-out-channels-0", {"in_channels": 0, "out_channels": 0}, [1, 0, *sp])
    add("out-channels-0", {"out_channels": 0})
    add("out-channels-0-unbatched", {"out_channels": 0}, u)
    add("out-channels-0-zero-batch", {"out_channels": 0}, [0, 2, *sp])
    add("out-channels-0-groups2", {"out_channels": 0, "groups": 2})
    add("out-channels-0-dilation0", {"out_channels": 0, "dilation": 0})
    add("out-channels-0-op-big", {"out_channels": 0, "output_padding": 1})
    add("out-channels-0-out-neg", {"out_channels": 0, "padding": 5})
    add("op1-stride1", {"output_padding": 1})
    add("op-eq-stride", {"stride": 2, "output_padding": 2})
    add("op-lt-dilation", {"stride": 2, "output_padding": 2, "dilation": 3})
    add("op-eq-stride-and-dilation", {"stride": 2, "output_padding": 2, "dilation": 2})
    add("op-big-unbatched", {"output_padding": 1}, u)
    add("op-big-zero-batch", {"output_padding": 1}, [0, 2, *sp])
    add("op-big-out-neg", {"output_padding": 1, "padding": 6})
    add("op-big-dilation0", {"output_padding": 1, "dilation": 0})
    add("zero-spatial", {}, [1, 2, *sp[:-1], 0])
    add("zero-spatial-unbatched", {}, [2, *sp[:-1], 0])
    add("zero-spatial-first", {}, [1, 2, 0, *sp[1:]])
    add("zero-spatial-zero-batch", {}, [0, 2, *sp[:-1], 0])
    add("zero-spatial-kernel0", {"kernel_size": 0}, [1, 2, *sp[:-1], 0])
    add("zero-spatial-op-big", {"output_padding": 1}, [1, 2, *sp[:-1], 0])
    add("zero-batch", {}, [0, 2, *sp])
    add("zero-batch-op-stride", {"stride": 2, "output_padding": 2}, [0, 2, *sp])
    one = [1] * nd
    add("out-0", {"kernel_size": 2, "padding": 1}, [1, 1, *one] if False else [1, 2, *one])
    add("out-0-zero-batch", {"kernel_size": 2, "padding": 1}, [0, 2, *one])
    add("out-neg", {"padding": 3}, [1, 2, *one])
    add("out-neg-zero-batch", {"padding": 3}, [0, 2, *one])
    add("out-minus1-zero-batch", {"kernel_size": 1, "padding": 1}, [0, 2, *one])
    add("out-minus1-unbatched", {"kernel_size": 1, "padding": 1}, [2, *one])
    add("out-neg-batch2", {"padding": 3}, [2, 2, *one])
    add("out-neg-groups", {"in_channels": 2, "out_channels": 2, "groups": 2, "padding": 3},
        [1, 2, *one])
    add("out-neg-dilation0", {"padding": 1, "dilation": 0})
    if nd > 1:
        add("out-minus1-first-zero-batch", {"kernel_size": 1, "padding": [1] + [0] * (nd - 1)},
            [0, 2, *one])
        add("out-minus1-last-neg-first-zero-batch",
            {"kernel_size": 1, "padding": [2] + [0] * (nd - 2) + [1]}, [0, 2, *one])
        add("out-minus1-first-neg-last-zero-batch",
            {"kernel_size": 1, "padding": [1] + [0] * (nd - 2) + [2]}, [0, 2, *one])
        add("out-one-dim-neg", {"padding": [0] * (nd - 1) + [4]}, [1, 2, *one])
    if nd == 3:
        add("out-minus1-mid-zero-batch", {"kernel_size": 1, "padding": [0, 1, 0]}, [0, 2, 1, 1, 1])
        add("out-minus1-three-zero-batch", {"kernel_size": 1, "padding": 1}, [0, 2, 1, 1, 1])
    # huge sizes with a zero batch
    big = 10**9
    add("huge-zero-batch", {"stride": 2}, [0, 2, *([big] * nd)] if nd == 1 else
        [0, 2, big, *([3] * (nd - 1))])
    add("beyond-int32-zero-batch", {"kernel_size": 3, "stride": 3}, [0, 2, 3 * big, *([2] * (nd - 1))])
    add("huge-dilation-zero-batch", {"dilation": big}, [0, 2, *sp])
    add("huge-padding-zero-batch", {"padding": 3 * big}, [0, 2, *sp])
    add("huge-padding-minus1-zero-batch", {"kernel_size": 1, "padding": big},
        [0, 2, 2 * big - 1, *([1] * (nd - 1))])
    if nd >= 2:
        add("stride-overflow-zero-batch", {"in_channels": 1, "out_channels": 2, "stride": 3,
                                           "kernel_size": 3}, [0, 1, 3 * big, 3 * big, *([1] * (nd - 2))])
        add("stride-no-overflow-zero-batch", {"in_channels": 1, "out_channels": 1, "stride": 1,
                                              "kernel_size": 1}, [0, 1, 2 * big, 2 * big, *([1] * (nd - 2))])
    if nd == 3:
        add("stride-wraps-positive-zero-batch", {"in_channels": 1, "out_channels": 2, "stride": 3},
            [0, 1, 3 * big, 3 * big, 1])
        add("stride-wraps-negative-zero-batch", {"in_channels": 1, "out_channels": 2,
                                                 "kernel_size": [3, 3, 1], "stride": 3},
            [0, 1, 3 * big, 3 * big, 1])
    if nd == 2:
        add("stride-overflow-same-shape-zero-batch", {"in_channels": 1, "out_channels": 1,
                                                      "kernel_size": 1}, [0, 1, 3 * big, 3 * big])
        add("stride-overflow-k1-zero-batch", {"in_channels": 1, "out_channels": 2,
                                              "kernel_size": 1}, [0, 1, 3 * big, 2 * big])
    return E


def _output_size_edges(nd):
    sp = SPATIAL[nd]
    base = {"in_channels": 2, "out_channels": 3, "kernel_size": 3, "stride": 3, "padding": 1}
    b = [1, 2, *sp]
    u = [2, *sp]
    mins = [(n - 1) * 3 - 2 + 2 + 1 for n in sp]
    E = []

    def add(name, os, inp=b, kw=None):
        E.append(_case(f"edge/ConvTranspose{nd}d/output_size-{name}", nd, {**base, **(kw or {})},
                       inp, {"output_size": os}))

    add("min-list", list(mins))
    add("min-tuple", tuple(mins))
    add("max-list", [m + 2 for m in mins])
    add("mid-tuple", tuple(m + 1 for m in mins))
    add("below-list", [m - 1 for m in mins])
    add("below-tuple", tuple(m - 1 for m in mins))
    add("above-list", [m + 3 for m in mins])
    add("above-last-tuple", tuple([*mins[:-1], mins[-1] + 3]))
    add("none", None)
    add("full-batched", [1, 3, *mins])
    add("full-batched-tuple", (1, 3, *mins))
    add("full-batched-bad", (1, 3, *[m + 5 for m in mins]))
    add("nd-plus-1-batched", [3, *mins])
    add("empty", [])
    add("empty-tuple", ())
    add("too-long", [1, 1, 1, *mins])
    add("int", mins[0])
    add("unbatched", list(mins), u)
    add("unbatched-bad", list(m + 4 for m in mins), u)
    add("unbatched-bad-tuple", tuple(m + 4 for m in mins), u)
    add("unbatched-nd-plus-1", [3, *mins], u)
    add("unbatched-nd-plus-1-bad", (3, *[m - 1 for m in mins]), u)
    add("unbatched-nd-plus-2", [1, 3, *mins], u)
    add("float", [float(m) for m in mins])
    add("float-later", [*mins[:-1], float(mins[-1])])
    add("float-frac", [m + 0.5 for m in mins])
    add("float-out-of-range", [m + 9.5 for m in mins])
    add("op-invalid-ignored", list(mins), b, {"output_padding": 5})
    add("op-neg-ignored", list(mins), b, {"output_padding": -1})
    add("wrong-rank", list(mins), sp)
    add("wrong-rank-0", list(mins), [])
    add("wrong-rank-high", list(mins), [1, *b])
    add("wrong-rank-high-nd", [6] * nd, [1, *b])
    add("wrong-channels", list(mins), [1, 5, *sp])
    add("padding-neg", list(mins), b, {"padding": -1})
    add("padding-neg-range-ok", [(n - 1) * 3 + 2 + 2 + 1 for n in sp], b, {"padding": -1})
    add("stride-0", [3] * nd, b, {"stride": 0})
    add("stride-neg", [3] * nd, b, {"stride": -1})
    add("dilation-gt-stride-range", [m + 2 for m in mins], b, {"dilation": 3, "kernel_size": 1,
                                                               "padding": 0})
    add("dilation-0", list(mins), b, {"dilation": 0})
    add("dilation-0-ok-range", [(n - 1) * 3 - 2 + 1 for n in sp], b, {"dilation": 0})
    add("kernel-0", [(n - 1) * 3 - 2 + -3 + 1 for n in sp], b, {"kernel_size": 0, "dilation": 3})
    add("zero-batch", list(mins), [0, 2, *sp])
    add("zero-batch-out-channels-0", list(mins), [0, 2, *sp], {"out_channels": 0})
    add("out-channels-0", list(mins), b, {"out_channels": 0})
    add("zero-spatial", [1] * nd, [1, 2, *sp[:-1], 0], {"padding": 0})
    add("zero-spatial-bad", [9] * nd, [1, 2, *sp[:-1], 0])
    add("padding-str-len", [8] * nd, b, {"padding": "ab"[: nd] if nd < 3 else "abc"})
    add("stride-str", [8] * nd, b, {"stride": "x"})
    add("out-neg-min", [-1] * nd, [1, 2, *([1] * nd)], {"padding": 4})
    add("out-neg-min-zero-batch", [-1] * nd, [0, 2, *([1] * nd)], {"padding": 4, "stride": 1})
    add("out-0-zero-batch", [0] * nd, [0, 2, *([1] * nd)], {"padding": 2, "stride": 1,
                                                            "kernel_size": 3})
    add("huge-zero-batch", [3 * 10**9 - 2, *[(n - 1) * 3 + 1 for n in sp[1:]]],
        [0, 2, 10**9, *sp[1:]])
    add("groups", list(mins), [1, 4, *sp], {"in_channels": 4, "out_channels": 2, "groups": 2})
    return E


# Pairwise orderings: each fault alone and every pair (the one torch reports first wins).
# A fault is (constructor kwargs, input transform); transforms run in the listed order.
def _faults(nd):
    def spatial_ones(x):
        return [*x[:2], *([1] * nd)]

    return [
        ("pm", {"padding_mode": "reflect"}, None),
        ("groups0", {"groups": 0}, None),
        ("strfloat", {"stride": 1.5}, None),
        ("padneg", {"padding": -1}, None),
        ("opneg", {"output_padding": -1}, None),
        ("stride0", {"stride": 0}, None),
        ("dilneg", {"dilation": -1}, None),
        ("channels", {"in_channels": 4}, None),
        ("opbig", {"output_padding": 3, "stride": 2}, None),
        ("kernel0", {"kernel_size": 0}, None),
        ("dil0", {"dilation": 0}, None),
        ("outneg", {"padding": 4}, spatial_ones),
        ("outch0", {"out_channels": 0}, None),
        ("zerospatial", {}, lambda x: [*x[:-1], 0]),
        ("zerobatch", {}, lambda x: [0, *x[1:]]),
        ("rank", {}, lambda x: x[2:]),
    ]


def _pairs(nd):
    faults = _faults(nd)
    base = {"in_channels": 2, "out_channels": 2, "kernel_size": 3}
    E = []
    for r in (1, 2):
        for combo in itertools.combinations(range(len(faults)), r):
            kw = dict(base)
            inp = [1, 2, *SPATIAL[nd]]
            for idx in combo:
                _, fkw, transform = faults[idx]
                kw.update(fkw)
                if transform is not None:
                    inp = transform(inp)
            name = "+".join(faults[i][0] for i in combo)
            E.append(_case(f"order/ConvTranspose{nd}d/{name}", nd, kw, inp))
    return E


def _random(seed, count):
    rng = random.Random(seed)
    E = []
    for i in range(count):
        nd = rng.choice((1, 2, 2, 3))
        g = rng.choice((1, 1, 1, 2, 3))
        cin = g * rng.randint(1, 3)
        cout = g * rng.randint(1, 3) if rng.random() > 0.03 else 0
        if rng.random() < 0.02:
            cin += 1  # init error: not divisible

        def dimval(lo, hi, odd=()):
            if odd and rng.random() < 0.04:
                return rng.choice(odd)
            return rng.randint(lo, hi)

        ks = [dimval(1, 5, (0,)) for _ in range(nd)]
        st = [dimval(1, 4, (0, -1)) for _ in range(nd)]
        pd = [dimval(0, 4, (-1,)) for _ in range(nd)]
        dl = [dimval(1, 3, (0, -1)) for _ in range(nd)]
        op = [rng.randint(0, max(0, max(s, d) - 1)) if rng.random() > 0.08
              else rng.randint(0, 4) for s, d in zip(st, dl)]
        if rng.random() < 0.02:
            op[0] = -1

        def form(v):
            r = rng.random()
            if len(set(v)) == 1 and r < 0.4:
                return v[0]
            if r < 0.7:
                return list(v)
            return tuple(v)

        kw = {"in_channels": cin, "out_channels": cout, "kernel_size": form(ks)}
        for name, v, default in (("stride", st, 1), ("padding", pd, 0),
                                 ("output_padding", op, 0), ("dilation", dl, 1)):
            if any(x != default for x in v) or rng.random() < 0.3:
                kw[name] = form(v)
        if g != 1 or rng.random() < 0.1:
            kw["groups"] = g
        if rng.random() < 0.15:
            kw["bias"] = False
        sizes = [rng.randint(1, 12) for _ in range(nd)]
        if rng.random() < 0.04:
            sizes[rng.randrange(nd)] = 0
        batch = rng.choice((0, 1, 1, 2, 3)) if rng.random() > 0.05 else 0
        chans = cin if rng.random() > 0.04 else cin + 1
        unbatched = rng.random() < 0.25
        inp = [chans, *sizes] if unbatched else [batch, chans, *sizes]
        if rng.random() < 0.015:
            inp = inp[1:]
        fkw = {}
        if rng.random() < 0.35:
            mins = [(n - 1) * s - 2 * p + d * (k - 1) + 1 for n, s, p, d, k in
                    zip(sizes, st, pd, dl, ks)]
            want = [m + rng.randint(0, max(0, s - 1)) for m, s in zip(mins, st)]
            if rng.random() < 0.12:
                j = rng.randrange(nd)
                want[j] += rng.choice((-1, 1)) * rng.randint(1, 3) + (st[j] - 1 if want[j] > 0 else 0)
            r = rng.random()
            if r < 0.1:
                want = ([chans] if unbatched else [batch, cout]) + want
            os = tuple(want) if rng.random() < 0.4 else list(want)
            fkw["output_size"] = os
        E.append(_case(f"rand/ConvTranspose{nd}d/{i:04d}", nd, kw, inp, fkw))
    return E


def cases():
    for nd in (1, 2, 3):
        yield from _edges(nd)
        yield from _output_size_edges(nd)
        yield from _pairs(nd)
    yield from _random(20250613, 950)
