"""Oracle cases for MaxPool1d/2d/3d, AvgPool1d/2d/3d and LPPool1d/2d/3d.

Three parts: hand-written edge cases (every message in the catalogue, the
ceil_mode decrement, the three padding-limit rules, 1d-as-2d leaks, argument
forms), every pair of two faults at once (check order), and seeded random
configurations over wide ranges.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator

MAX = ["MaxPool1d", "MaxPool2d", "MaxPool3d"]
AVG = ["AvgPool1d", "AvgPool2d", "AvgPool3d"]
LP = ["LPPool1d", "LPPool2d", "LPPool3d"]
ALL = MAX + AVG + LP

#: A valid batched input per dimensionality.
BASE = {1: [2, 3, 10], 2: [2, 3, 10, 9], 3: [1, 2, 7, 6, 5]}
INF = float("inf")


def _nd(layer: str) -> int:
    return int(layer[-2])


def _case(cid: str, layer: str, kwargs: dict, shape: list, args: list | None = None) -> dict:
    return {"id": cid, "layer": layer, "args": args or [], "kwargs": kwargs,
            "input": shape, "forward_kwargs": {}}


def _mk(layer: str, **kw) -> tuple[list, dict]:
    """(args, kwargs) with LPPool's required norm_type filled in."""
    if layer.startswith("LP"):
        norm = kw.pop("norm_type", 2)
        return [norm], kw
    return [], kw


def edge_cases() -> Iterator[dict]:
    for layer in ALL:
        nd = _nd(layer)
        base = BASE[nd]
        unb = base[1:]
        is_max, is_avg, is_lp = layer in MAX, layer in AVG, layer in LP

        def c(name: str, shape: list | None = None, **kw):
            args, kwargs = _mk(layer, **kw)
            return _case(f"edge/{layer}/{name}", layer, kwargs, base if shape is None else shape,
                         args)

        yield c("basic", kernel_size=2)
        yield c("basic-unbatched", unb, kernel_size=2)
        yield c("k3-s1", kernel_size=3, stride=1)
        yield c("k3-s2-unbatched", unb, kernel_size=3, stride=2)
        for r in range(0, nd + 4):
            if r in (nd + 1, nd + 2):
                continue
            yield c(f"rank{r}", [4] * r, kernel_size=1)
        yield c("rank-low-zero", [0] * nd, kernel_size=1)
        yield c("zero-batch", [0, *base[1:]], kernel_size=2)
        yield c("zero-batch-huge", [0, 1] + [10**9 if nd < 3 else 10**6] * nd, kernel_size=3,
                stride=2)
        big = {1: 3 * 10**9, 2: 3 * 10**9, 3: 2 * 10**6}[nd]  # torch.zeros must not overflow
        yield c("zero-batch-beyond-int32", [0, 1] + [big] * nd, kernel_size=2)
        yield c("zero-batch-k-too-big", [0, *base[1:]], kernel_size=30)
        for L in (2**31, 2**31 + 5, 2**32 + 5, 3 * 10**9):
            if nd < 3 or L < 3 * 10**9:
                yield c(f"zero-batch-size{L}-k1", [0, 1] + [1] * (nd - 1) + [L], kernel_size=1)
                yield c(f"zero-batch-size{L}-k2s1", [0, 1] + [2] * (nd - 1) + [L],
                        kernel_size=2, stride=1)
        yield c("zero-batch-size-2e9-k2-first", [0, 1, 2 * 10**9] + [2] * (nd - 1), kernel_size=1)
        yield c("zero-channels", [base[0], 0, *base[2:]], kernel_size=2)
        yield c("zero-channels-unbatched", [0, *base[2:]], kernel_size=2)
        yield c("zero-all", [0] * (nd + 2), kernel_size=2)
        for i in range(nd):
            shp = list(base)
            shp[2 + i] = 0
            yield c(f"zero-spatial{i}", shp, kernel_size=2)
            yield c(f"zero-spatial{i}-zero-batch", [0, *shp[1:]], kernel_size=2)
            yield c(f"zero-spatial{i}-unbatched", shp[1:], kernel_size=2)
        yield c("unbatched-zero-first", [0, *base[2:]], kernel_size=1)
        for k in (0, -1, -2):
            yield c(f"kernel{k}", kernel_size=k)
            yield c(f"kernel{k}-stride1", kernel_size=k, stride=1)
        yield c("kernel-too-big", kernel_size=30)
        yield c("kernel-too-big-unbatched", unb, kernel_size=30)
        yield c("kernel-equals-input", [1, 1] + [4] * nd, kernel_size=4)
        yield c("kernel-input-plus1", [1, 1] + [4] * nd, kernel_size=5)
        for s in (0, -1, -3):
            yield c(f"stride{s}", kernel_size=2, stride=s)
        yield c("stride-big", kernel_size=2, stride=50)
        yield c("stride-omitted-none", kernel_size=3, stride=None)
        yield c("stride-empty-list", kernel_size=3, stride=[])
        yield c("stride-empty-tuple", kernel_size=3, stride=())
        yield c("kernel-empty", kernel_size=[])
        for bad, val in [("float", 2.5), ("float-whole", 2.0), ("bool", True), ("bool-false", False),
                         ("none", None), ("str", "ab"), ("list-float-first", [2.5] * nd),
                         ("list-float-second", [2, 2.5, 2][:max(nd, 2)]),
                         ("list-bool-first", [True] * nd), ("list-bool-second", [2, True, 2][:max(nd, 2)]),
                         ("list-none-second", [2, None]), ("list-str-first", ["a"] * nd)]:
            yield c(f"kernel-{bad}", kernel_size=val)
            yield c(f"stride-{bad}", kernel_size=2, stride=val)
        for bad, val in [("ceil-int", 1), ("ceil-int0", 0), ("ceil-none", None), ("ceil-str", "x")]:
            yield c(f"{bad}", kernel_size=2, ceil_mode=val)
        yield c("ceil-int-and-kernel-float", kernel_size=2.5, ceil_mode=1)
        yield c("ceil-int-and-kernel-list-float2", kernel_size=[2, 2.5], ceil_mode=1)
        # one-element lists, tuples, wrong lengths
        for form in ("list1", "tuple1", "listN", "tupleN", "list-long", "tuple-long", "list2"):
            n = {"list1": 1, "tuple1": 1, "listN": nd, "tupleN": nd, "list-long": nd + 1,
                 "tuple-long": nd + 1, "list2": 2}[form]
            mk = tuple if form.startswith("tuple") else list
            yield c(f"kernel-{form}", kernel_size=mk([2] * n))
            yield c(f"stride-{form}", kernel_size=2, stride=mk([1] * n))
            if not is_lp:
                yield c(f"padding-{form}", kernel_size=3, padding=mk([1] * n))
            if is_max:
                yield c(f"dilation-{form}", kernel_size=2, dilation=mk([2] * n))
        yield c("distinct-kernel", kernel_size=[2, 3, 1][:nd] if nd > 1 else [3])
        if nd > 1:
            yield c("distinct-all", kernel_size=[3, 2, 1][:nd], stride=[1, 2, 3][:nd])
        # ceil_mode decrement
        for L, k, s, p in [(5, 2, 2, 1), (8, 1, 3, 0), (1, 2, 2, 1), (6, 3, 3, 1), (7, 3, 2, 1),
                           (10, 4, 3, 2), (2, 2, 2, 1), (9, 5, 4, 2), (4, 3, 3, 0)]:
            shp = [1, 2] + [L] * nd
            if is_lp:
                if p == 0:
                    yield c(f"ceil-L{L}-k{k}-s{s}", shp, kernel_size=k, stride=s, ceil_mode=True)
                continue
            yield c(f"ceil-L{L}-k{k}-s{s}-p{p}", shp, kernel_size=k, stride=s, padding=p,
                    ceil_mode=True)
            yield c(f"floor-L{L}-k{k}-s{s}-p{p}", shp, kernel_size=k, stride=s, padding=p)
        if is_lp:
            for norm in (1, 2, 3, 1.5, INF, -INF, 0, 0.0, -1, "2", "inf", "abc", None, [2], True):
                tag = repr(norm).replace(" ", "").replace("'", "str-")
                yield c(f"norm-{tag}", kernel_size=2, norm_type=norm)
                yield c(f"norm-{tag}-k0", kernel_size=0, norm_type=norm)
                yield c(f"norm-{tag}-too-big", kernel_size=30, norm_type=norm)
            for norm in (2, INF):
                yield c(f"norm{norm}-kernel-list1", kernel_size=[2], norm_type=norm)
                yield c(f"norm{norm}-kernel-tuple1", kernel_size=(2,), norm_type=norm)
                yield c(f"norm{norm}-kernel-listN", kernel_size=[2] * nd, norm_type=norm)
                yield c(f"norm{norm}-kernel-list-long", kernel_size=[2] * (nd + 1), norm_type=norm)
                yield c(f"norm{norm}-stride0", kernel_size=2, stride=0, norm_type=norm)
                yield c(f"norm{norm}-stride-neg", kernel_size=2, stride=-1, norm_type=norm)
                yield c(f"norm{norm}-kernel-neg", kernel_size=-1, norm_type=norm)
                yield c(f"norm{norm}-rank-low", [5] * nd, kernel_size=1, norm_type=norm)
                yield c(f"norm{norm}-zero-channel", [1, 0] + [5] * nd, kernel_size=1, norm_type=norm)
                yield c(f"norm{norm}-ceil-int", kernel_size=2, ceil_mode=1, norm_type=norm)
                yield c(f"norm{norm}-ceil", [1, 1] + [5] * nd, kernel_size=2, ceil_mode=True,
                        norm_type=norm)
            yield c("norm0-kernel-list1", kernel_size=[2], norm_type=0)
            yield c("norm-str-kernel-bad", kernel_size=2.5, norm_type="x")
            yield c("unknown-kwarg-padding", kernel_size=2, padding=1)
            yield c("unknown-kwarg-dilation", kernel_size=2, dilation=1)
            yield _case(f"edge/{layer}/positional", layer, {}, base, [2, 3, 2, True])
            yield _case(f"edge/{layer}/positional-too-many", layer, {}, base, [2, 3, 2, True, 1])
            yield _case(f"edge/{layer}/missing-kernel", layer, {}, base, [2])
            yield _case(f"edge/{layer}/kernel-twice", layer, {"kernel_size": 3}, base, [2, 3])
            continue
        # padding rules (MaxPool and AvgPool)
        for k, p, d in [(3, 1, 1), (3, 2, 1), (4, 2, 1), (4, 3, 1), (2, 1, 1), (1, 1, 1), (5, 2, 1),
                        (5, 3, 1), (3, 2, 2), (3, 3, 2), (2, 1, 3), (3, 4, 3), (2, 2, 2), (1, 0, 5)]:
            if d != 1 and not is_max:
                continue
            kw = {"kernel_size": k, "padding": p}
            if d != 1:
                kw["dilation"] = d
            yield c(f"pad-k{k}-p{p}-d{d}", **kw)
            yield c(f"pad-k{k}-p{p}-d{d}-unbatched", unb, **kw)
        yield c("pad-neg", kernel_size=3, padding=-1)
        yield c("pad-neg-and-over", kernel_size=1, padding=-5)
        yield c("pad-float", kernel_size=3, padding=1.0)
        yield c("pad-list-float-second", kernel_size=3, padding=[1, 1.0])
        yield c("pad-bool", kernel_size=3, padding=True)
        yield c("pad-makes-ok", [1, 1] + [2] * nd, kernel_size=4, padding=2)
        yield c("pad-makes-ok-ceil", [1, 1] + [2] * nd, kernel_size=4, padding=2, ceil_mode=True)
        yield c("k-exceeds-input-padded-ok", [1, 1] + [5] * nd, kernel_size=[7, 8, 9][:nd],
                padding=[3, 4, 4][:nd])
        if nd > 1:
            for i in range(nd):
                pad = [0] * nd
                pad[i] = 2
                yield c(f"pad-over-half-dim{i}", kernel_size=2, padding=pad)
                ks = [2] * nd
                ks[i] = 0
                yield c(f"kernel0-dim{i}", kernel_size=ks)
                ks = [2] * nd
                ks[i] = -1
                yield c(f"kernel-neg-dim{i}", kernel_size=ks, stride=1)
                ss = [1] * nd
                ss[i] = 0
                yield c(f"stride0-dim{i}", kernel_size=2, stride=ss)
                ss[i] = -1
                yield c(f"stride-neg-dim{i}", kernel_size=2, stride=ss)
            yield c("kernel0-and-dilation3", kernel_size=[3, 0, 3][:nd], stride=1,
                    **({"dilation": 3} if is_max else {}))
        if is_max:
            for dv in (0, -1, 2.5, True, [0], [1, 0, 1][:max(nd, 2)]):
                yield c(f"dilation-{dv}".replace(" ", ""), kernel_size=2, dilation=dv)
            yield c("dilation0-pad1", kernel_size=2, dilation=0, padding=1)
            yield c("dilated-pad-over-kernel-half", kernel_size=3, dilation=2, padding=2)
            yield c("dilated-pad-over-kernel-half-unbatched", unb, kernel_size=3, dilation=2,
                    padding=2)
            yield c("dilation-too-big", kernel_size=3, dilation=10)
            yield c("dilation-huge-zero-batch", [0, 1] + [10**9 if nd < 3 else 10**6] * nd,
                    kernel_size=3,
                    dilation=10**8)
            for ri in (True, 1, "x", 0, None, []):
                tag = str(ri).replace(" ", "")
                yield c(f"ri-{tag}", kernel_size=2, return_indices=ri)
                yield c(f"ri-{tag}-too-small", [1, 2] + [2] * nd, kernel_size=3, return_indices=ri)
                yield c(f"ri-{tag}-kernel0", kernel_size=0, return_indices=ri)
                yield c(f"ri-{tag}-pad-over-half", kernel_size=3, padding=2, return_indices=ri)
                yield c(f"ri-{tag}-rank-low", [10] * nd, kernel_size=2, return_indices=ri)
                yield c(f"ri-{tag}-zero-channel", [1, 0] + [10] * nd, kernel_size=2,
                        return_indices=ri)
                yield c(f"ri-{tag}-kernel-list-long", kernel_size=[2] * (nd + 1),
                        return_indices=ri)
                yield c(f"ri-{tag}-ceil-int", kernel_size=2, ceil_mode=1, return_indices=ri)
            yield c("ri-dilated-pad", kernel_size=3, dilation=2, padding=2, return_indices=True)
            yield c("ri-dilation0", kernel_size=3, dilation=0, return_indices=True)
            yield c("ri-stride-neg", kernel_size=3, stride=-1, return_indices=True)
            yield c("ri-kernel-huge", kernel_size=2**31, return_indices=True)
            yield c("unknown-kwarg-count_include_pad", kernel_size=2, count_include_pad=False)
            yield _case(f"edge/{layer}/positional", layer, {}, base, [3, 2, 1, 1, True, True])
            yield _case(f"edge/{layer}/positional-too-many", layer, {}, base, [3, 2, 1, 1, True,
                                                                              True, 1])
            yield _case(f"edge/{layer}/missing-kernel", layer, {}, base, [])
        if is_avg:
            for cip in (False, 1, None):
                yield c(f"count_include_pad-{cip}", kernel_size=2, count_include_pad=cip)
            yield c("count_include_pad-int-and-ceil-int", kernel_size=2, count_include_pad=1,
                    ceil_mode=1)
            yield c("unknown-kwarg-dilation", kernel_size=2, dilation=2)
            if nd == 1:
                yield c("unknown-kwarg-divisor_override", kernel_size=2, divisor_override=2)
                yield _case(f"edge/{layer}/positional", layer, {}, base, [3, 2, 1, True, False])
            else:
                for dv in (0, 1, 3, -1, 1.5, True, "a", None, 2**31):
                    yield c(f"divisor-{dv}", kernel_size=2, divisor_override=dv)
                yield c("divisor0-rank-low", [4] * (nd - 1), kernel_size=2, divisor_override=0)
                yield c("divisor0-rank0", [], kernel_size=2, divisor_override=0)
                yield c("divisor0-rank-high", [1] * (nd + 3), kernel_size=2, divisor_override=0)
                yield c("divisor0-stride0", kernel_size=2, stride=0, divisor_override=0)
                yield c("divisor0-kernel0", kernel_size=0, divisor_override=0)
                yield c("divisor0-kernel-long", kernel_size=[2] * (nd + 1), divisor_override=0)
                yield c("divisor0-stride-long", kernel_size=2, stride=[1] * (nd + 1),
                        divisor_override=0)
                yield c("divisor0-pad-long", kernel_size=2, padding=[1] * (nd + 1),
                        divisor_override=0)
                yield c("divisor0-pad-neg", kernel_size=2, padding=-1, divisor_override=0)
                yield c("divisor0-zero-channel", [1, 0] + [5] * nd, kernel_size=2,
                        divisor_override=0)
                yield c("divisor0-too-small", kernel_size=30, divisor_override=0)
                yield c("divisor-float-ceil-int", kernel_size=2, ceil_mode=1,
                        divisor_override=1.5)
                yield _case(f"edge/{layer}/positional", layer, {}, base, [3, 2, 1, True, False, 2])
            yield _case(f"edge/{layer}/missing-kernel", layer, {}, base, [])
        for v in (2**31 - 1, 2**31, -2**31 - 1, 2**40):
            # MaxPool1d with a kernel of 2**32 or more gives sizes no model here explains.
            if not (layer == "MaxPool1d" and v >= 2**32):
                yield c(f"kernel-big{v}", [0, 1] + [5] * nd, kernel_size=v)
            yield c(f"stride-big{v}", [0, 1] + [5] * nd, kernel_size=2, stride=v)
        yield c("stride-big-list", [0, 1] + [5] * nd, kernel_size=2, stride=[2**31] * nd)
        yield c("kernel-big-then-stride-long", [0, 1] + [5] * nd, kernel_size=2**31,
                stride=[1] * (nd + 1))


#: Faults combined two at a time: name -> (kwargs patch, input transform or None).
def _faults(layer: str) -> dict:
    nd = _nd(layer)
    is_max, is_avg, is_lp = layer in MAX, layer in AVG, layer in LP
    f = {
        "rank-low": ({}, lambda s: s[2:]),
        "rank-high": ({}, lambda s: [1] + s),
        "zero-channel": ({}, lambda s: [s[0], 0, *s[2:]]),
        "zero-spatial": ({}, lambda s: [*s[:-1], 0]),
        "zero-batch": ({}, lambda s: [0, *s[1:]]),
        "unbatched": ({}, lambda s: s[1:]),
        "kernel0": ({"kernel_size": 0}, None),
        "kernel-neg": ({"kernel_size": -2}, None),
        "stride0": ({"stride": 0}, None),
        "stride-neg": ({"stride": -1}, None),
        "kernel-long": ({"kernel_size": [2] * (nd + 1)}, None),
        "stride-long": ({"stride": [1] * (nd + 1)}, None),
        "kernel-float": ({"kernel_size": 2.5}, None),
        "kernel-list-float2": ({"kernel_size": [2, 2.5]}, None),
        "stride-float": ({"stride": 1.5}, None),
        "ceil-int": ({"ceil_mode": 1}, None),
        "too-small": ({"kernel_size": 40}, None),
    }
    if not is_lp:
        f.update({
            "pad-neg": ({"padding": -1}, None),
            "pad-over-half": ({"padding": 3}, None),
            "pad-long": ({"padding": [1] * (nd + 1)}, None),
            "pad-float": ({"padding": 0.5}, None),
            "pad-list-float2": ({"padding": [0, 0.5]}, None),
        })
    if is_max:
        f.update({
            "dilation0": ({"dilation": 0}, None),
            "dilation-neg": ({"dilation": -1}, None),
            "dilation-long": ({"dilation": [1] * (nd + 1)}, None),
            "dilated-pad": ({"dilation": 2, "padding": 2}, None),
            "ri": ({"return_indices": True}, None),
        })
    if is_avg:
        f["cip-int"] = ({"count_include_pad": 1}, None)
        if nd > 1:
            f["divisor0"] = ({"divisor_override": 0}, None)
            f["divisor-float"] = ({"divisor_override": 0.5}, None)
        f["k-over-input-padded"] = ({"kernel_size": 9, "padding": 4}, None)
    if is_lp:
        f["norm0"] = ({"norm_type": 0}, None)
        f["norm-inf"] = ({"norm_type": INF}, None)
        f["norm-str"] = ({"norm_type": "p"}, None)
        f["kernel-list1"] = ({"kernel_size": [3]}, None)
    return f


def pair_cases() -> Iterator[dict]:
    for layer in ALL:
        nd = _nd(layer)
        faults = _faults(layer)
        for (a, (pa, ta)), (b, (pb, tb)) in itertools.combinations(faults.items(), 2):
            kw = {"kernel_size": 3, "stride": 2}
            if layer in LP:
                kw["norm_type"] = 2
            kw.update(pa)
            kw.update(pb)
            shape = [2, 3] + [8, 7, 6][:nd]
            for t in (ta, tb):
                if t is not None:
                    shape = t(shape)
            args, kwargs = _mk(layer, **kw)
            yield _case(f"pair/{layer}/{a}+{b}", layer, kwargs, shape, args)


def _numel(shape: list) -> int:
    n = 1
    for d in shape:
        n *= d
    return n


def _rand_param(rng: random.Random, nd: int, lo: int, hi: int, allow_list: bool = True):
    """An int, or a list/tuple of nd ints (sometimes one element)."""
    r = rng.random()
    if r < 0.45 or not allow_list:
        return rng.randint(lo, hi)
    n = 1 if r < 0.55 else nd
    vals = [rng.randint(lo, hi) for _ in range(n)]
    return tuple(vals) if rng.random() < 0.5 else vals


def random_cases(seed: int = 2013, per_layer: int = 115) -> Iterator[dict]:
    rng = random.Random(seed)
    for layer in ALL:
        nd = _nd(layer)
        for i in range(per_layer):
            wild = rng.random() < 0.15  # sometimes allow invalid values
            k = _rand_param(rng, nd, 0 if wild else 1, 7)
            kw: dict = {"kernel_size": k}
            r = rng.random()
            if r < 0.25:
                pass
            elif r < 0.3:
                kw["stride"] = rng.choice([None, [], ()])
            else:
                kw["stride"] = _rand_param(rng, nd, -1 if wild else 1, 5)
            kmin = min(k) if isinstance(k, (list, tuple)) else k
            if layer not in LP and rng.random() < 0.6:
                kw["padding"] = _rand_param(rng, nd, -1 if wild else 0,
                                            max(kmin // 2 + (1 if wild else 0), 0))
            if layer in MAX and rng.random() < 0.45:
                kw["dilation"] = _rand_param(rng, nd, 0 if wild else 1, 4)
            if layer in MAX and rng.random() < 0.12:
                kw["return_indices"] = True
            if rng.random() < 0.5:
                kw["ceil_mode"] = rng.random() < 0.7
            if layer in AVG and rng.random() < 0.3:
                kw["count_include_pad"] = rng.random() < 0.5
            if layer in AVG and nd > 1 and rng.random() < 0.15:
                kw["divisor_override"] = rng.choice([0, 1, 2, 7, -3, None])
            if layer in LP:
                kw["norm_type"] = rng.choice([1, 2, 2, 3, 1.5, INF, -INF, 0.5, -1])
            hi = 24 if nd == 1 else (14 if nd == 2 else 9)
            spatial = [rng.randint(0 if wild else 1, hi) for _ in range(nd)]
            r = rng.random()
            if r < 0.05:
                shape = [0, rng.randint(1, 3)] + [rng.choice([10**6, 10**9, 3 * 10**9, 17])
                                                  for _ in range(nd)]
                while _numel(shape[1:]) >= 2**62:  # torch.zeros must not overflow
                    shape[rng.randrange(2, nd + 2)] = rng.choice([17, 10**3, 10**6])
            elif r < 0.35:
                shape = [rng.randint(1, 3)] + spatial
            else:
                shape = [rng.choice([0, 1, 1, 2, 3]), rng.randint(0 if wild else 1, 3)] + spatial
            args, kwargs = _mk(layer, **kw)
            yield _case(f"rand/{layer}/{i:04d}", layer, kwargs, shape, args)


def cases() -> Iterator[dict]:
    yield from edge_cases()
    yield from pair_cases()
    yield from random_cases()
