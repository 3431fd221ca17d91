"""Keras conv-family cases: Conv, ConvTranspose, DepthwiseConv, SeparableConv (1-3d).

Systematic edges (every argument form and every rejection we know of) plus
seeded random configurations. Inputs stay small so that calling the real layer
is cheap.
"""

from __future__ import annotations

import random
import re

CONV = ["Conv1D", "Conv2D", "Conv3D"]
TRANS = ["Conv1DTranspose", "Conv2DTranspose", "Conv3DTranspose"]
DEPTH = ["DepthwiseConv1D", "DepthwiseConv2D"]
SEP = ["SeparableConv1D", "SeparableConv2D"]
ALL = CONV + TRANS + DEPTH + SEP


def rank(layer: str) -> int:
    return int(re.search(r"(\d)D", layer).group(1))


def base_kwargs(layer: str) -> dict:
    if layer.startswith("Depthwise"):
        return {"kernel_size": 3}
    return {"filters": 4, "kernel_size": 3}


def inp(n: int, size: int = 8, c: int = 3, batch=1, first=False) -> list:
    spatial = [size] * n
    return [batch, c, *spatial] if first else [batch, *spatial, c]


def cases():
    k = 0

    def case(layer, kwargs, input_, tag=""):
        nonlocal k
        k += 1
        return {"id": f"conv-{k:04d}-{layer}{('-' + tag) if tag else ''}", "layer": layer,
                "kwargs": kwargs, "input": input_}

    # --- constructor argument forms and rejections -------------------------------------
    for layer in ALL:
        n = rank(layer)
        b = base_kwargs(layer)
        x = inp(n)
        yield case(layer, b, x, "basic")
        yield case(layer, {**b, "kernel_size": 0}, x, "k0")
        yield case(layer, {**b, "kernel_size": -2}, x, "kneg")
        yield case(layer, {**b, "kernel_size": (3,) * (n + 1)}, x, "klen")
        yield case(layer, {**b, "kernel_size": [2] * n}, x, "klist")
        yield case(layer, {**b, "kernel_size": (2, 0, 3)[:n] if n > 1 else (0,)}, x, "ktuple0")
        yield case(layer, {**b, "kernel_size": "3"}, x, "kstr")
        yield case(layer, {**b, "kernel_size": 2.0}, x, "kfloat")
        yield case(layer, {**b, "kernel_size": (2.5,) * n}, x, "ktuplefloat")
        yield case(layer, {**b, "kernel_size": (None,) * n}, x, "ktuplenone")
        yield case(layer, {**b, "strides": 0}, x, "s0")
        yield case(layer, {**b, "strides": -1}, x, "sneg")
        yield case(layer, {**b, "strides": (1,) * (n + 1)}, x, "slen")
        yield case(layer, {**b, "dilation_rate": 0}, x, "d0")
        yield case(layer, {**b, "dilation_rate": 2, "strides": 2}, x, "d2s2")
        yield case(layer, {**b, "dilation_rate": (1,) * (n - 1) + (2,), "strides": (2,) + (1,) * (n - 1)},
                   x, "dmix")
        for pad in ("same", "SAME", "Valid", "causal", "full", ""):
            yield case(layer, {**b, "padding": pad}, x, f"pad-{pad or 'empty'}")
        yield case(layer, {**b, "padding": [1, 1]}, x, "padlist")
        for df in ("channels_first", "CHANNELS_LAST", "nchw"):
            yield case(layer, {**b, "data_format": df}, inp(n, first=df == "channels_first"),
                       f"df-{df}")
        yield case(layer, {**b, "use_bias": False}, x, "nobias")
        yield case(layer, {**b, "name": "my_layer"}, x, "named")
        yield case(layer, {**b, "bogus": 1}, x, "badkw")
        # input forms
        yield case(layer, b, [None, *([8] * n), 3], "nonebatch")
        yield case(layer, b, [None, *([None] * n), 3], "nonespatial")
        yield case(layer, b, [2, *([None] * (n - 1)), 9, 3], "nonesome")
        yield case(layer, b, [None, *([8] * n), None], "nonechan")
        yield case(layer, {**b, "data_format": "channels_first"}, [None, None, *([8] * n)],
                   "nonechan-first")
        yield case(layer, b, [0, *([8] * n), 3], "zerobatch")
        yield case(layer, b, [1, *([8] * n), 0], "zerochan")
        yield case(layer, b, [1, *([2] * n), 3], "small")
        yield case(layer, b, [1, *([3] * n), 3], "exact")
        yield case(layer, b, [1, *([0] * n), 3], "zerospatial")
        yield case(layer, b, [1, *([8] * (n - 1)), 2, 3], "smalllast")
        yield case(layer, b, [1, *([8] * n)], "rankminus")
        yield case(layer, b, [1, *([8] * (n + 1)), 3], "rankplus")
        yield case(layer, b, [8] * (n + 2 - 2), "ranktiny")
        yield case(layer, {**b, "padding": "same", "strides": 2}, [1, *([7] * n), 3], "same-s2-odd")
        yield case(layer, {**b, "padding": "same", "strides": 3}, [1, *([1] * n), 3], "same-s3-1")
        yield case(layer, {**b, "padding": "same"}, [1, *([1] * n), 3], "same-tiny")
        yield case(layer, {**b, "dilation_rate": 3}, [1, *([7] * n), 3], "dil-tight")
        yield case(layer, {**b, "dilation_rate": 3}, [1, *([6] * n), 3], "dil-too-small")

    # --- family-specific rejections ---------------------------------------------------------
    for layer in CONV:
        n = rank(layer)
        x = inp(n)
        for filters in (0, -1, 5):
            for groups in (0, -1, 1, 2, 3):
                yield case(layer, {"filters": filters, "kernel_size": 2, "groups": groups},
                           inp(n, c=6), f"f{filters}g{groups}")
        yield case(layer, {"filters": 4, "kernel_size": 2, "groups": 2}, inp(n, c=3), "gchan")
        yield case(layer, {"filters": 4, "kernel_size": 2, "groups": 2}, [None, *([5] * n), 3],
                   "gchan-nonebatch")
        yield case(layer, {"filters": 4, "kernel_size": 2, "groups": 4}, inp(n, c=8), "g4")
        yield case(layer, {"filters": None, "kernel_size": 2}, x, "fnone")
    for layer in TRANS:
        n = rank(layer)
        x = inp(n)
        for s in (1, 2, 3):
            for op in (None, 0, 1, 2, 3, -1):
                for pad in ("valid", "same"):
                    yield case(layer, {"filters": 2, "kernel_size": 3, "strides": s,
                                       "output_padding": op, "padding": pad}, inp(n, size=5),
                               f"s{s}op{op}{pad}")
        yield case(layer, {"filters": 0, "kernel_size": 3}, x, "f0")
        yield case(layer, {"filters": 2, "kernel_size": 3, "output_padding": (0,) * (n + 1)}, x,
                   "oplen")
        yield case(layer, {"filters": 2, "kernel_size": 3, "groups": 2}, x, "groups")
        for kk in (1, 2, 4, 5):
            for s in (1, 2, 3, 4):
                for pad in ("valid", "same"):
                    yield case(layer, {"filters": 2, "kernel_size": kk, "strides": s,
                                       "padding": pad}, inp(n, size=4), f"k{kk}s{s}{pad}")
    for layer in DEPTH + SEP:
        n = rank(layer)
        x = inp(n)
        b = base_kwargs(layer)
        for dm in (0, -1, 2, None):
            yield case(layer, {**b, "depth_multiplier": dm}, x, f"dm{dm}")
        if layer in SEP:
            yield case(layer, {**b, "filters": 0}, x, "f0")
            yield case(layer, {**b, "filters": None}, x, "fnone")
            yield case(layer, {**b, "filters": 0, "depth_multiplier": 0}, x, "f0dm0")
            yield case(layer, {**b, "filters": 0, "kernel_size": 0}, x, "f0k0")
    for layer in ("Conv1D",):
        for s in (1, 2, 3):
            for d in (1, 2, 4):
                for size in (1, 3, 10):
                    yield case(layer, {"filters": 2, "kernel_size": 3, "padding": "causal",
                                       "strides": s, "dilation_rate": d}, [2, size, 3],
                               f"causal-s{s}d{d}n{size}")
        yield case(layer, {"filters": 2, "kernel_size": 3, "padding": "causal",
                           "data_format": "channels_first"}, [2, 3, 10], "causal-first")
    # ordering of two wrong constructor arguments
    wrong = {"filters": 0, "kernel_size": 0, "strides": 0, "dilation_rate": 0, "padding": "foo",
             "data_format": "foo", "groups": 0, "depth_multiplier": 0, "output_padding": 5}
    names = list(wrong)
    for layer in ("Conv2D", "Conv2DTranspose", "DepthwiseConv2D", "SeparableConv2D", "Conv1D"):
        for i, a in enumerate(names):
            for bname in names[i + 1:]:
                kw = dict(base_kwargs(layer))
                if layer == "SeparableConv2D" or layer.startswith("Depthwise"):
                    if "groups" in (a, bname) or "output_padding" in (a, bname):
                        continue
                if layer.startswith("Conv") and "Transpose" not in layer:
                    if "depth_multiplier" in (a, bname) or "output_padding" in (a, bname):
                        continue
                if "Transpose" in layer and ("groups" in (a, bname) or "depth_multiplier" in (a, bname)):
                    continue
                if layer.startswith("Depthwise") and "filters" in (a, bname):
                    continue
                kw[a], kw[bname] = wrong[a], wrong[bname]
                yield case(layer, kw, inp(rank(layer)), f"two-{a}-{bname}")

    # --- seeded random configurations -----------------------------------------------------
    rng = random.Random(20240611)
    for i in range(560):
        layer = rng.choice(ALL)
        n = rank(layer)
        first = rng.random() < 0.3
        kw: dict = {}
        if not layer.startswith("Depthwise"):
            kw["filters"] = rng.choice([1, 2, 3, 4, 6, 8])
        ks = [rng.randint(1, 5) for _ in range(n)]
        kw["kernel_size"] = ks[0] if rng.random() < 0.5 else tuple(ks)
        if rng.random() < 0.7:
            ss = [rng.randint(1, 4) for _ in range(n)]
            kw["strides"] = ss[0] if rng.random() < 0.5 else tuple(ss)
        if rng.random() < 0.35:
            dd = [rng.randint(1, 3) for _ in range(n)]
            kw["dilation_rate"] = dd[0] if rng.random() < 0.5 else tuple(dd)
        kw["padding"] = rng.choice(["valid", "same"] + (["causal"] if layer == "Conv1D" else []))
        if first:
            kw["data_format"] = "channels_first"
        if layer in CONV and rng.random() < 0.25:
            kw["groups"] = rng.choice([1, 2, 3])
        if layer.startswith(("Depthwise", "Separable")) and rng.random() < 0.5:
            kw["depth_multiplier"] = rng.randint(1, 3)
        if layer in TRANS and rng.random() < 0.5:
            ops = [rng.randint(0, 3) for _ in range(n)]
            kw["output_padding"] = ops[0] if rng.random() < 0.5 else tuple(ops)
        if rng.random() < 0.2:
            kw["use_bias"] = False
        c = rng.choice([1, 2, 3, 4, 6])
        maxs = {1: 40, 2: 14, 3: 7}[n]
        spatial = [rng.randint(1, maxs) for _ in range(n)]
        batch = rng.choice([1, 2, None]) if rng.random() < 0.9 else 0
        if rng.random() < 0.1:
            spatial[rng.randrange(n)] = None
        x = [batch, c, *spatial] if first else [batch, *spatial, c]
        if batch is None and None not in spatial and rng.random() < 0.5:
            x[0] = 1
        yield case(layer, kw, x, f"rand{i}")
