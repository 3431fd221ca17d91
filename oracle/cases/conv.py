"""Oracle cases for torch.nn.Conv1d, Conv2d and Conv3d.

Systematic edge cases (every message we know of, pairwise orderings of two wrong
arguments, 1d/2d/3d, batched/unbatched, zero sizes, huge sizes with a zero batch,
lists vs tuples, odd argument types), then seeded random configurations.
"""

from __future__ import annotations

import random

MODES = ("zeros", "reflect", "replicate", "circular")


def _case(cid, n, kwargs, inp, args=()):
    return {"id": cid, "layer": f"Conv{n}d", "args": list(args), "kwargs": kwargs,
            "input": list(inp), "forward_kwargs": {}}


def _sp(n, size):
    return [size] * n if isinstance(size, int) else list(size)


def _init_cases(n):
    pre = f"edge/Conv{n}d"
    c = lambda name, kw, inp=None: _case(f"{pre}/{name}", n, kw, inp or [1, 4] + [6] * n)  # noqa: E731
    base = {"in_channels": 4, "out_channels": 4, "kernel_size": 3}
    yield c("groups-0", {**base, "groups": 0})
    yield c("groups-neg", {**base, "groups": -2})
    yield c("groups-in-not-div", {**base, "in_channels": 3, "groups": 2})
    yield c("groups-out-not-div", {**base, "out_channels": 3, "groups": 2})
    yield c("groups-both-not-div", {**base, "in_channels": 3, "out_channels": 5, "groups": 2})
    yield c("groups0-vs-bad-string", {**base, "groups": 0, "padding": "full"})
    yield c("in-div-vs-out-div", {**base, "in_channels": 5, "out_channels": 7, "groups": 3})
    yield c("out-div-vs-bad-string", {**base, "out_channels": 5, "groups": 2, "padding": "x"})
    for s in ("full", "", "SAME", "Valid", "same ", "causal"):
        yield c(f"bad-string-{s.strip() or 'empty'}{'-sp' if s.endswith(' ') else ''}",
                {**base, "padding": s})
    yield c("bad-string-vs-stride2", {**base, "padding": "full", "stride": 2})
    yield c("bad-string-vs-pm", {**base, "padding": "full", "padding_mode": "foo"})
    yield c("same-stride2", {**base, "padding": "same", "stride": 2})
    yield c("same-stride0", {**base, "padding": "same", "stride": 0})
    yield c("same-stride-list-mixed", {**base, "padding": "same", "stride": [1] * (n - 1) + [2]})
    yield c("same-stride-list-ones", {**base, "padding": "same", "stride": [1] * n})
    yield c("same-stride-vs-pm", {**base, "padding": "same", "stride": 2, "padding_mode": "x"})
    yield c("valid-stride2", {**base, "padding": "valid", "stride": 2})
    for pm in ("foo", "Zeros", "constant", "reflection", ""):
        yield c(f"pm-bad-{pm or 'empty'}", {**base, "padding_mode": pm})
    yield c("pm-vs-neg-in", {**base, "in_channels": -4, "groups": 1, "padding_mode": "foo"})
    yield c("in-neg", {**base, "in_channels": -1})
    yield c("out-neg", {**base, "out_channels": -1})
    yield c("kernel-neg", {**base, "kernel_size": -1})
    yield c("out-neg-vs-kernel-neg", {**base, "out_channels": -2, "kernel_size": -3})
    yield c("in-neg-div-groups", {**base, "in_channels": -4, "out_channels": 4, "groups": 2})
    yield c("kernel-float", {**base, "kernel_size": 2.5})
    yield c("kernel-float-int-valued", {**base, "kernel_size": 3.0})
    yield c("kernel-none", {**base, "kernel_size": None})
    yield c("kernel-str", {**base, "kernel_size": "3"})
    yield c("init-kernel-bool", {**base, "kernel_size": True})
    yield c("kernel-float-in-list", {**base, "kernel_size": [2] * (n - 1) + [2.0]})
    yield c("kernel-float-vs-neg", {**base, "kernel_size": [-1] * (n - 1) + [1.5]})
    yield c("in-float", {**base, "in_channels": 4.0})
    yield c("out-float", {**base, "out_channels": 4.0})
    yield c("groups-float", {**base, "groups": 2.0})
    yield c("groups-bool", {**base, "groups": True})
    yield c("init-out-channels-0", {**base, "out_channels": 0})
    yield c("missing-kernel", {"in_channels": 4, "out_channels": 4})
    yield c("unknown-kwarg-output_padding", {**base, "output_padding": 1})
    yield c("unknown-kwarg-ceil_mode", {**base, "ceil_mode": True})
    yield _case(f"{pre}/positional", n, {}, [1, 4] + [6] * n,
                args=[4, 2, 3, 1, 1, 1, 2, False, "zeros"])
    yield _case(f"{pre}/positional-too-many", n, {}, [1, 4] + [6] * n,
                args=[4, 2, 3, 1, 1, 1, 1, True, "zeros", None, None, 5])


def _forward_cases(n):
    pre = f"edge/Conv{n}d"
    sp = lambda s: _sp(n, s)  # noqa: E731

    def c(name, kw, inp):
        return _case(f"{pre}/{name}", n, kw, inp)

    k = {"in_channels": 2, "out_channels": 3, "kernel_size": 3}
    # ranks
    for r in range(0, n + 4):
        yield c(f"rank{r}", k, [2] * r if r != 1 else [2])
    yield c("rank-high-unbatched-like", k, [1, 1, 2] + sp(6))
    # basic shapes
    yield c("basic", k, [2, 2] + sp(9))
    yield c("unbatched", k, [2] + sp(9))
    yield c("stride2-pad1", {**k, "stride": 2, "padding": 1}, [1, 2] + sp(9))
    yield c("dil2", {**k, "dilation": 2}, [1, 2] + sp(9))
    yield c("groups2", {"in_channels": 4, "out_channels": 6, "kernel_size": 3, "groups": 2},
            [1, 4] + sp(7))
    yield c("depthwise", {"in_channels": 4, "out_channels": 8, "kernel_size": 1, "groups": 4},
            [1, 4] + sp(5))
    yield c("no-bias", {**k, "bias": False}, [1, 2] + sp(5))
    yield c("kernel-bool", {**k, "kernel_size": True}, [1, 2] + sp(5))
    yield c("kernel-equals-input", {**k, "kernel_size": 5}, [1, 2] + sp(5))
    yield c("kernel-too-big", {**k, "kernel_size": 6}, [1, 2] + sp(5))
    yield c("kernel-too-big-unbatched", {**k, "kernel_size": 6}, [2] + sp(5))
    yield c("padding-rescues-kernel", {**k, "kernel_size": 7, "padding": 1}, [1, 2] + sp(5))
    yield c("dilation-too-big", {**k, "dilation": 3}, [1, 2] + sp(6))
    yield c("dilation-too-big-last-dim", {**k, "dilation": [1] * (n - 1) + [4]},
            [1, 2] + sp(8)[:-1] + [8])
    yield c("kernel-too-big-first-dim", {**k, "kernel_size": [9] + [1] * (n - 1)}, [1, 2] + sp(5))
    # channels
    yield c("wrong-channels", k, [1, 3] + sp(6))
    yield c("wrong-channels-unbatched", k, [3] + sp(6))
    yield c("wrong-channels-groups", {"in_channels": 4, "out_channels": 4, "kernel_size": 1,
                                      "groups": 2}, [1, 2] + sp(3))
    yield c("zero-channels-input", k, [1, 0] + sp(5))
    yield c("in-channels-0", {**k, "in_channels": 0}, [1, 0] + sp(6))
    yield c("in-channels-0-unbatched", {**k, "in_channels": 0}, [0] + sp(6))
    yield c("in-channels-0-groups", {"in_channels": 0, "out_channels": 4, "kernel_size": 2,
                                     "groups": 2}, [1, 0] + sp(6))
    yield c("in-channels-0-kernel0", {**k, "in_channels": 0, "kernel_size": 0}, [1, 0] + sp(6))
    yield c("in-channels-0-too-small", {**k, "in_channels": 0, "kernel_size": 7}, [1, 0] + sp(6))
    yield c("out-channels-0", {**k, "out_channels": 0}, [1, 2] + sp(6))
    yield c("out-channels-0-groups", {"in_channels": 4, "out_channels": 0, "kernel_size": 1,
                                      "groups": 2}, [1, 4] + sp(3))
    yield c("out-channels-0-vs-channels", {**k, "out_channels": 0}, [1, 5] + sp(6))
    # zero sizes
    yield c("zero-batch", k, [0, 2] + sp(6))
    yield c("zero-batch-too-small", k, [0, 2] + sp(2))
    yield c("zero-spatial", k, [1, 2] + sp(0))
    yield c("zero-spatial-padded", {**k, "padding": 2}, [1, 2] + sp(0))
    yield c("zero-spatial-one-dim", {**k, "padding": 1}, [1, 2] + sp(4)[:-1] + [0])
    yield c("zero-spatial-kernel0", {**k, "kernel_size": 0}, [1, 2] + sp(0))
    yield c("zero-spatial-zero-batch", {**k, "padding": 2}, [0, 2] + sp(0))
    yield c("zero-spatial-unbatched", {**k, "padding": 2}, [2] + sp(0))
    yield c("zero-all", k, [0, 0] + sp(0))
    # parameter values
    for name, val in (("padding", -1), ("stride", 0), ("stride", -1), ("dilation", -1),
                      ("dilation", 0), ("kernel_size", 0)):
        yield c(f"{name}{val}", {**k, name: val}, [1, 2] + sp(8))
        yield c(f"{name}{val}-zero-batch", {**k, name: val}, [0, 2] + sp(8))
    yield c("kernel0-dilation0", {**k, "kernel_size": 0, "dilation": 0}, [1, 2] + sp(8))
    yield c("kernel0-dilation2", {**k, "kernel_size": 0, "dilation": 2}, [1, 2] + sp(8))
    yield c("kernel0-groups2", {"in_channels": 2, "out_channels": 2, "kernel_size": 0,
                                "groups": 2}, [1, 2] + sp(8))
    yield c("kernel-partial0", {**k, "kernel_size": [0] + [2] * (n - 1)}, [1, 2] + sp(8))
    yield c("kernel-partial0-last", {**k, "kernel_size": [2] * (n - 1) + [0]}, [1, 2] + sp(8))
    yield c("dilation-partial0", {**k, "dilation": [1] * (n - 1) + [0]}, [1, 2] + sp(8))
    yield c("dilation-partial0-first", {**k, "dilation": [0] + [2] * (n - 1)}, [1, 2] + sp(8))
    yield c("dilation0-kernel-too-big", {**k, "kernel_size": 30, "dilation": 0}, [1, 2] + sp(8))
    yield c("dilation0-unbatched", {**k, "dilation": 0}, [2] + sp(8))
    yield c("kernel0-unbatched", {**k, "kernel_size": 0}, [2] + sp(8))
    # pairwise orderings in forward
    pairs = {
        "padneg-vs-stride0": {"padding": -1, "stride": 0},
        "stride0-vs-dilneg": {"stride": 0, "dilation": -1},
        "dilneg-vs-channels": {"dilation": -1, "in_channels": 5},
        "padneg-vs-channels": {"padding": -1, "in_channels": 5},
        "stride0-vs-kernel-too-big": {"stride": 0, "kernel_size": 20},
        "channels-vs-kernel-too-big": {"in_channels": 5, "kernel_size": 20},
        "out0-vs-channels": {"out_channels": 0, "in_channels": 5},
        "out0-vs-padneg": {"out_channels": 0, "padding": -1},
        "kernel0-vs-dil0": {"kernel_size": 0, "dilation": 0},
        "dil0-vs-channels": {"dilation": 0, "in_channels": 5},
        "kernel-too-big-vs-dil0": {"kernel_size": 20, "dilation": [0] + [1] * (n - 1)},
        "stride-float-vs-rank": {"stride": 1.5},
        "padding-float-vs-channels": {"padding": 1.5, "in_channels": 5},
        "len-vs-padneg": {"stride": [1] * (n + 1), "padding": -1},
        "stride-len-vs-padding-len": {"stride": [1] * (n + 1), "padding": [0] * (n + 1)},
    }
    for name, extra in pairs.items():
        yield c(f"order-{name}", {**k, **extra}, [1, 2] + sp(8))
    yield c("order-rank-vs-stride-float", {**k, "stride": 1.5}, [2] * (n + 3))
    yield c("order-rank-vs-len", {**k, "stride": [1] * (n + 1)}, [2] * (n + 3))
    yield c("order-rank-vs-padneg", {**k, "padding": -1}, [2] * (n + 3))
    yield c("order-zero-spatial-vs-kernel0", {**k, "kernel_size": 0}, [1, 2] + sp(0))
    yield c("order-zero-batch-vs-dil0", {**k, "dilation": 0}, [0, 2] + sp(8))
    yield c("order-zero-batch-vs-kernel-too-big", {**k, "kernel_size": 20}, [0, 2] + sp(8))
    # argument lists: lengths, broadcasting, list vs tuple
    for name in ("stride", "padding", "dilation"):
        yield c(f"{name}-list1", {**k, name: [1]}, [1, 2] + sp(8))
        yield c(f"{name}-tuple1", {**k, name: (2,)}, [1, 2] + sp(8))
        yield c(f"{name}-too-long", {**k, name: [1] * (n + 1)}, [1, 2] + sp(8))
        yield c(f"{name}-too-long-tuple", {**k, name: (1,) * (n + 1)}, [1, 2] + sp(8))
        yield c(f"{name}-empty", {**k, name: []}, [1, 2] + sp(8))
        yield c(f"{name}-float", {**k, name: 1.5}, [1, 2] + sp(8))
        yield c(f"{name}-float-int-valued", {**k, name: 2.0}, [1, 2] + sp(8))
        yield c(f"{name}-none", {**k, name: None}, [1, 2] + sp(8))
        yield c(f"{name}-bool", {**k, name: True}, [1, 2] + sp(8))
        yield c(f"{name}-str", {**k, name: "12"[:n]}, [1, 2] + sp(8))
        yield c(f"{name}-float-no-bias", {**k, name: [1.5] * n, "bias": False}, [1, 2] + sp(8))
        yield c(f"{name}-mixed", {**k, name: [1] * (n - 1) + [2.5]}, [1, 2] + sp(8))
        if n > 1:
            yield c(f"{name}-too-short", {**k, name: [1] * (n - 1)}, [1, 2] + sp(8))
    yield c("groups-bool-forward", {**k, "groups": True}, [1, 2] + sp(8))
    yield c("kernel-tuple-too-short", {**k, "kernel_size": [2] * max(n - 1, 1)}, [1, 2] + sp(8))
    yield c("kernel-tuple-too-long", {**k, "kernel_size": [2] * (n + 1)}, [1, 2] + sp(8))
    yield c("kernel-too-long-padneg", {**k, "kernel_size": [2] * (n + 1), "padding": [-1]},
            [1, 2] + sp(8))
    yield c("kernel-empty", {**k, "kernel_size": []}, [1, 2] + sp(8))
    yield c("kernel-too-short-all-ones", {**k, "kernel_size": [2] * max(n - 1, 1), "stride": [1],
                                          "padding": [0], "dilation": [1]}, [1, 2] + sp(8))
    # 'same' and 'valid'
    for kern, dil in ((3, 1), (4, 1), (4, 2), (5, 3), (2, 1), (1, 1)):
        yield c(f"same-k{kern}-d{dil}", {**k, "kernel_size": kern, "dilation": dil,
                                         "padding": "same"}, [1, 2] + sp(7))
    yield c("same-kernel-bigger-than-input", {**k, "kernel_size": 9, "padding": "same"},
            [1, 2] + sp(3))
    yield c("same-zero-spatial", {**k, "padding": "same"}, [1, 2] + sp(0))
    yield c("same-zero-spatial-even", {**k, "kernel_size": 4, "padding": "same"}, [1, 2] + sp(0))
    yield c("same-zero-batch", {**k, "kernel_size": 4, "padding": "same"}, [0, 2] + sp(5))
    yield c("same-unbatched-even", {**k, "kernel_size": 2, "padding": "same"}, [2] + sp(5))
    yield c("same-wrong-channels-even", {**k, "kernel_size": 2, "padding": "same"}, [1, 3] + sp(5))
    yield c("same-wrong-channels-odd", {**k, "kernel_size": 3, "padding": "same"}, [1, 3] + sp(5))
    yield c("same-dilation0", {**k, "padding": "same", "dilation": 0}, [1, 2] + sp(5))
    yield c("same-dilation-neg1", {**k, "padding": "same", "dilation": -1}, [1, 2] + sp(5))
    yield c("same-dilation-neg1-even", {**k, "kernel_size": 2, "padding": "same", "dilation": -1},
            [1, 2] + sp(5))
    yield c("same-dilation-neg2-even", {**k, "kernel_size": 2, "padding": "same", "dilation": -2},
            [1, 2] + sp(5))
    yield c("same-kernel0", {**k, "kernel_size": 0, "padding": "same"}, [1, 2] + sp(5))
    yield c("same-kernel0-size1", {**k, "kernel_size": 0, "padding": "same"}, [1, 2] + sp(1))
    yield c("same-kernel0-size0", {**k, "kernel_size": 0, "padding": "same"}, [1, 2] + sp(0))
    yield c("same-kernel0-zero-batch", {**k, "kernel_size": 0, "padding": "same"}, [0, 2] + sp(3))
    yield c("same-kernel0-d3", {**k, "kernel_size": 0, "padding": "same", "dilation": 3},
            [1, 2] + sp(5))
    yield c("same-kernel0-d2", {**k, "kernel_size": 0, "padding": "same", "dilation": 2},
            [1, 2] + sp(5))
    yield c("same-kernel-too-short", {**k, "kernel_size": [3] * max(n - 1, 1), "padding": "same"},
            [1, 2] + sp(5))
    yield c("same-kernel-too-long", {**k, "kernel_size": [3] * (n + 1), "padding": "same"},
            [2] + sp(5))
    yield c("same-dilation-too-long", {**k, "padding": "same", "dilation": [1] * (n + 1)},
            [1, 2] + sp(5))
    yield c("same-dilation-empty", {**k, "padding": "same", "dilation": []}, [1, 2] + sp(5))
    yield c("same-stride-too-long", {**k, "padding": "same", "stride": [1] * (n + 1)},
            [1, 2] + sp(5))
    yield c("same-dilation-list1", {**k, "padding": "same", "dilation": [2]}, [1, 2] + sp(5))
    yield c("same-dilation-float", {**k, "padding": "same", "dilation": 1.5}, [1, 2] + sp(5))
    yield c("same-rank", {**k, "padding": "same"}, [2] * (n + 3))
    yield c("same-out0", {**k, "padding": "same", "out_channels": 0}, [1, 2] + sp(5))
    yield c("valid", {**k, "padding": "valid"}, [1, 2] + sp(5))
    yield c("valid-too-small", {**k, "padding": "valid"}, [1, 2] + sp(2))
    yield c("valid-stride-too-long", {**k, "padding": "valid", "stride": [1] * (n + 1)},
            [1, 2] + sp(5))
    yield c("valid-kernel-too-long", {**k, "padding": "valid", "kernel_size": [2] * (n + 1)},
            [1, 2] + sp(5))
    yield c("valid-dilation-float", {**k, "padding": "valid", "dilation": 1.5}, [1, 2] + sp(5))
    # huge sizes
    huge = 10**9 if n < 3 else 10**6
    yield c("huge-zero-batch", {**k, "stride": 3, "padding": 1}, [0, 2] + sp(huge))
    yield c("huge-zero-batch-dilation-too-big", {**k, "dilation": huge // 2 + 1},
            [0, 2] + sp(huge))
    yield c("beyond-int32-zero-batch", {**k, "kernel_size": 1}, [0, 2] + sp(3 * 10**9 if n == 1
                                                                        else 5 * 10**4))
    big = {1: [2**62 - 1], 2: [2**31, 2**31 - 1], 3: [2**21, 2**21, 2**20]}[n]
    yield c("stride-overflow-ok", {"in_channels": 1, "out_channels": 2 if n < 3 else 1,
                                   "kernel_size": 1}, [0, 1] + big)
    yield c("stride-overflow", {"in_channels": 1, "out_channels": 4, "kernel_size": 1},
            [0, 1] + big)
    yield c("stride-overflow-padding", {"in_channels": 1, "out_channels": 2, "kernel_size": 1,
                                        "padding": 2}, [0, 1] + big)
    yield c("stride-overflow-unbatched-zero", {"in_channels": 1, "out_channels": 4,
                                               "kernel_size": 1}, [1] + big[:-1] + [0])


def _pm_cases(n):
    pre = f"edge/Conv{n}d"
    sp = lambda s: _sp(n, s)  # noqa: E731

    def c(name, kw, inp):
        return _case(f"{pre}/{name}", n, kw, inp)

    k = {"in_channels": 2, "out_channels": 3, "kernel_size": 3}
    for pm in MODES[1:]:
        kp = {**k, "padding_mode": pm, "padding": 1}
        yield c(f"pm-{pm}", kp, [1, 2] + sp(6))
        yield c(f"pm-{pm}-unbatched", kp, [2] + sp(6))
        yield c(f"pm-{pm}-zero-batch", kp, [0, 2] + sp(6))
        yield c(f"pm-{pm}-zero-channels", {**kp, "in_channels": 0}, [1, 0] + sp(6))
        yield c(f"pm-{pm}-zero-spatial", kp, [1, 2] + sp(0))
        yield c(f"pm-{pm}-zero-spatial-p0", {**kp, "padding": 0}, [1, 2] + sp(4)[:-1] + [0])
        yield c(f"pm-{pm}-zero-spatial-zero-batch", kp, [0, 2] + sp(0))
        yield c(f"pm-{pm}-unbatched-zero", kp, [2] + sp(0))
        for r in range(0, n + 4):
            yield c(f"pm-{pm}-rank{r}", kp, [2] * r)
        yield c(f"pm-{pm}-size1-p1", kp, [1, 2] + sp(1))
        yield c(f"pm-{pm}-size2-p2", {**kp, "padding": 2, "kernel_size": 1}, [1, 2] + sp(2))
        yield c(f"pm-{pm}-size2-p3", {**kp, "padding": 3, "kernel_size": 1}, [1, 2] + sp(2))
        yield c(f"pm-{pm}-pad-eq-size-last", {**kp, "padding": [1] * (n - 1) + [4]},
                [1, 2] + sp(5)[:-1] + [4])
        yield c(f"pm-{pm}-pad-eq-size-first", {**kp, "padding": [4] + [1] * (n - 1)},
                [1, 2] + [4] + sp(5)[1:])
        yield c(f"pm-{pm}-pad-big-all", {**kp, "padding": 9}, [1, 2] + sp(4))
        yield c(f"pm-{pm}-wrong-channels", kp, [1, 3] + sp(5))
        yield c(f"pm-{pm}-wrong-channels-unbatched", kp, [3] + sp(5))
        yield c(f"pm-{pm}-kernel-too-big", {**kp, "kernel_size": 9}, [1, 2] + sp(5))
        yield c(f"pm-{pm}-neg-padding", {**kp, "padding": -1}, [1, 2] + sp(8))
        yield c(f"pm-{pm}-neg-padding-to-zero", {**kp, "padding": -3, "kernel_size": 1},
                [1, 2] + sp(6))
        yield c(f"pm-{pm}-neg-padding-too-much", {**kp, "padding": -5, "kernel_size": 1},
                [1, 2] + sp(8)[:-1] + [9])
        yield c(f"pm-{pm}-neg-padding-way-too-much", {**kp, "padding": -9, "kernel_size": 1},
                [1, 2] + sp(8))
        yield c(f"pm-{pm}-neg-padding-kernel", {**kp, "padding": -2}, [1, 2] + sp(6))
        if n > 1:
            yield c(f"pm-{pm}-neg-padding-one-dim-neg", {**kp, "kernel_size": 1,
                                                         "padding": [-5] + [1] * (n - 1)},
                    [1, 2] + sp(8))
            yield c(f"pm-{pm}-neg-padding-one-dim-zero", {**kp, "kernel_size": 1,
                                                          "padding": [-4] + [1] * (n - 1)},
                    [1, 2] + sp(8))
        yield c(f"pm-{pm}-same", {**kp, "padding": "same"}, [1, 2] + sp(5))
        yield c(f"pm-{pm}-same-even", {**kp, "padding": "same", "kernel_size": 4}, [1, 2] + sp(2))
        yield c(f"pm-{pm}-same-even-ok", {**kp, "padding": "same", "kernel_size": 4},
                [1, 2] + sp(5))
        yield c(f"pm-{pm}-same-dil2", {**kp, "padding": "same", "dilation": 2}, [1, 2] + sp(5))
        yield c(f"pm-{pm}-same-dil-neg", {**kp, "padding": "same", "dilation": -1, "kernel_size": 2},
                [1, 2] + sp(5))
        yield c(f"pm-{pm}-valid", {**kp, "padding": "valid"}, [1, 2] + sp(5))
        yield c(f"pm-{pm}-valid-zero-spatial", {**kp, "padding": "valid"}, [1, 2] + sp(0))
        yield c(f"pm-{pm}-padding-float", {**kp, "padding": 1.5}, [1, 2] + sp(5))
        yield c(f"pm-{pm}-padding-bool", {**kp, "padding": True}, [1, 2] + sp(5))
        yield c(f"pm-{pm}-padding-none", {**kp, "padding": None}, [1, 2] + sp(5))
        yield c(f"pm-{pm}-padding-float-wrong-rank", {**kp, "padding": 1.5}, [2] * (n + 3))
        yield c(f"pm-{pm}-stride-float", {**kp, "stride": 1.5}, [1, 2] + sp(5))
        yield c(f"pm-{pm}-stride0", {**kp, "stride": 0}, [1, 2] + sp(5))
        yield c(f"pm-{pm}-dilation0", {**kp, "dilation": 0}, [1, 2] + sp(5))
        yield c(f"pm-{pm}-padding-too-long", {**kp, "padding": [1] * (n + 1)}, [1, 2] + sp(5))
        yield c(f"pm-{pm}-padding-too-long-unbatched", {**kp, "padding": [1] * (n + 1)},
                [2] + sp(5))
        yield c(f"pm-{pm}-padding-list1", {**kp, "padding": [1]}, [1, 2] + sp(5))
        yield c(f"pm-{pm}-padding-list1-2d-input", {**kp, "padding": [1]}, [2, 5])
        yield c(f"pm-{pm}-padding-asym", {**kp, "padding": list(range(1, n + 1))}, [1, 2] + sp(5))
        yield c(f"pm-{pm}-huge-zero-batch", kp, [0, 2] + sp(10**8 if n == 1 else 10**4))
        yield c(f"pm-{pm}-stride-overflow", {**kp, "kernel_size": 1, "in_channels": 2,
                                             "out_channels": 1},
                [0, 2] + {1: [2**62 - 1], 2: [2**31, 2**31 - 1], 3: [2**21, 2**21, 2**20 - 1]}[n])


def _extra_cases():
    """Argument-parser corners and the int64 stride wrap-around, found while building."""
    yield _case("edge/Conv2d/stride-mixed-bool", 2, {"in_channels": 1, "out_channels": 1,
                                                     "kernel_size": 1, "stride": [1, True]},
                [1, 1, 4, 4])
    yield _case("edge/Conv2d/padding-mixed-none", 2, {"in_channels": 1, "out_channels": 1,
                                                      "kernel_size": 1, "padding": (0, None)},
                [1, 1, 4, 4])
    yield _case("edge/Conv3d/dilation-mixed-late", 3, {"in_channels": 1, "out_channels": 1,
                                                       "kernel_size": 1,
                                                       "dilation": [1, 1, 2.0]}, [1, 1, 4, 4, 4])
    yield _case("edge/Conv2d/stride-mixed-vs-padding-first", 2,
                {"in_channels": 1, "out_channels": 1, "kernel_size": 1, "stride": [1, 2.5],
                 "padding": [1.5, 0]}, [1, 1, 4, 4])
    for pm in MODES[1:]:
        yield _case(f"edge/Conv2d/pm-{pm}-padding-mixed-first-dim", 2,
                    {"in_channels": 1, "out_channels": 1, "kernel_size": 1, "padding": [1.5, 1],
                     "padding_mode": pm}, [1, 1, 4, 4])
        yield _case(f"edge/Conv3d/pm-{pm}-padding-mixed-bool", 3,
                    {"in_channels": 1, "out_channels": 1, "kernel_size": 1,
                     "padding": [True, 1, 1], "padding_mode": pm}, [1, 1, 4, 4, 4])
    yield _case("edge/Conv1d/out-bool", 1, {"in_channels": 1, "out_channels": True,
                                            "kernel_size": 1}, [1, 1, 4])
    yield _case("edge/Conv1d/in-bool", 1, {"in_channels": True, "out_channels": 1,
                                           "kernel_size": 1}, [1, 1, 4])
    yield _case("edge/Conv2d/kernel-bool-out-neg", 2, {"in_channels": 1, "out_channels": -1,
                                                       "kernel_size": True}, [1, 1, 4, 4])
    yield _case("edge/Conv2d/kernel-bool-list", 2, {"in_channels": 1, "out_channels": 1,
                                                    "kernel_size": [True, 2]}, [1, 1, 4, 4])
    wrap = {  # (out_channels, spatial): strides that wrap to exactly 2**64 pass, others fail
        "wrap-2pow64": (4, [2**21, 2**21, 2**20]), "wrap-6x": (6, [2**21, 2**21, 2**20]),
        "wrap-8x": (8, [2**21, 2**21, 2**20]), "wrap-3x": (3, [2**21, 2**21, 2**20])}
    for name, (cout, spatial) in wrap.items():
        yield _case(f"edge/Conv3d/{name}", 3, {"in_channels": 1, "out_channels": cout,
                                               "kernel_size": 1}, [0, 1] + spatial)
    yield _case("edge/Conv2d/wrap-2pow64", 2, {"in_channels": 1, "out_channels": 4,
                                               "kernel_size": 1}, [0, 1, 2**31, 2**31])
    yield _case("edge/Conv1d/wrap-3x", 1, {"in_channels": 1, "out_channels": 3,
                                           "kernel_size": 1}, [0, 1, 2**62 - 1])
    yield _case("edge/Conv1d/wrap-padding-crosses", 1, {"in_channels": 1, "out_channels": 2,
                                                        "kernel_size": 3, "padding": 2},
                [0, 1, 2**62 - 2])
    yield _case("edge/Conv2d/same-wrap", 2, {"in_channels": 2, "out_channels": 1,
                                             "kernel_size": 2, "padding": "same"},
                [0, 2, 2**31 - 1, 2**31 - 1])


def _edge():
    for n in (1, 2, 3):
        yield from _init_cases(n)
        yield from _forward_cases(n)
        yield from _pm_cases(n)
    yield from _extra_cases()


def _rand_param(rng, n, lo, hi, allow_list=True):
    r = rng.random()
    if r < 0.45 or not allow_list:
        return rng.randint(lo, hi)
    vals = [rng.randint(lo, hi) for _ in range(n)]
    if r < 0.75:
        return vals
    if r < 0.9:
        return tuple(vals)
    return [vals[0]]


def _random(count, seed):
    rng = random.Random(seed)
    for i in range(count):
        n = rng.choice((1, 2, 3))
        g = rng.choice((1, 1, 1, 2, 3, 4))
        cin = g * rng.randint(0 if rng.random() < 0.03 else 1, 3)
        cout = g * rng.randint(0 if rng.random() < 0.03 else 1, 3)
        kw = {"in_channels": cin, "out_channels": cout, "groups": g}
        wild = rng.random() < 0.25  # a quarter of the cases draw invalid values too
        klo = 0 if wild else 1
        kw["kernel_size"] = _rand_param(rng, n, klo, 6)
        if rng.random() < 0.6:
            kw["stride"] = _rand_param(rng, n, -1 if wild else 1, 4)
        r = rng.random()
        if r < 0.15:
            kw["padding"] = rng.choice(("same", "valid"))
            if kw["padding"] == "same" and rng.random() < 0.8:
                kw["stride"] = 1
        elif r < 0.7:
            kw["padding"] = _rand_param(rng, n, -2 if wild else 0, 4)
        if rng.random() < 0.4:
            kw["dilation"] = _rand_param(rng, n, -1 if wild else 1, 4)
        if rng.random() < 0.2:
            kw["padding_mode"] = rng.choice(MODES[1:])
        if rng.random() < 0.2:
            kw["bias"] = False
        batched = rng.random() < 0.75
        cin_in = cin if rng.random() < 0.92 else rng.randint(0, 6)
        if rng.random() < 0.5:
            spatial = [rng.randint(1, 12) for _ in range(n)]
        elif rng.random() < 0.85:
            spatial = [rng.randint(0, 40 if n < 3 else 14) for _ in range(n)]
        else:
            spatial = [rng.randint(1, 3) for _ in range(n)]
        batch = rng.choice((0, 1, 1, 2, 3))
        if rng.random() < 0.05:  # huge sizes are only run with an empty batch
            batch = 0
            spatial = [rng.randint(10**6, 10**9) for _ in range(n)] if n == 1 else \
                [rng.randint(10**3, 10**5) for _ in range(n)]
        inp = ([batch] if batched else []) + [cin_in] + spatial
        if rng.random() < 0.02:
            inp = inp + [2] if rng.random() < 0.5 else inp[1:]
        # keep real computation small
        numel = 1
        for d in inp:
            numel *= d
        if numel > 200_000:
            inp[0] = 0 if batched else inp[0]
            if not batched:
                spatial = [min(s, 30) for s in spatial]
                inp = [cin_in] + spatial
        yield _case(f"rand/Conv{n}d/{seed}-{i:04d}", n, kw, inp)


def cases():
    yield from _edge()
    yield from _random(1100, seed=1)
