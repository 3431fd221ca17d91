"""Keras pooling cases: Max/Average 1-3D and Global pools; edges plus seeded random."""

from __future__ import annotations

import random

POOL = [f"{k}Pooling{n}D" for k in ("Max", "Average") for n in (1, 2, 3)]
GLOBAL = [f"Global{k}Pooling{n}D" for k in ("Max", "Average") for n in (1, 2, 3)]


def cases():
    k = 0

    def case(layer, kwargs, input_, tag=""):
        nonlocal k
        k += 1
        return {"id": f"pool-{k:04d}-{layer}-{tag}", "layer": layer, "kwargs": kwargs,
                "input": input_}

    for layer in POOL:
        n = int(layer[-2])
        x = [1, *([6] * n), 2]
        yield case(layer, {}, x, "default")
        for ps in (0, -1, 3, (2,) * (n + 1), "2", 2.0):
            yield case(layer, {"pool_size": ps}, x, f"ps{ps}")
        for s in (0, -1, 1, 3, (1,) * (n + 1)):
            yield case(layer, {"pool_size": 2, "strides": s}, x, f"s{s}")
        for pad in ("same", "SAME", "foo", "causal"):
            yield case(layer, {"pool_size": 4, "padding": pad}, x, f"pad{pad}")
        yield case(layer, {"pool_size": 2, "strides": 0, "padding": "same"}, [1, *([1] * n), 2],
                   "s0-nan")
        yield case(layer, {"pool_size": 1, "strides": 0}, [1, *([1] * n), 2], "s0-nan-valid")
        yield case(layer, {"data_format": "channels_first"}, [1, 2, *([6] * n)], "first")
        yield case(layer, {"data_format": "foo"}, x, "dffoo")
        yield case(layer, {"pool_size": 7}, x, "toosmall")
        yield case(layer, {"pool_size": 7}, [None, *([None] * n), 2], "nonespatial")
        yield case(layer, {"pool_size": 7}, [None, *([3] * (n - 1)), None, 2], "nonesome")
        yield case(layer, {"pool_size": 7}, [1, *([3] * (n - 1)), None, 2], "nonesome2")
        yield case(layer, {}, [None, *([6] * n), None], "nonechan")
        yield case(layer, {}, [0, *([6] * n), 2], "zerobatch")
        yield case(layer, {}, [1, *([6] * n), 0], "zerochan")
        yield case(layer, {}, [1, *([0] * n), 2], "zerospatial")
        yield case(layer, {}, [1, *([6] * n)], "rankminus")
        yield case(layer, {}, [1, *([6] * (n + 1)), 2], "rankplus")
        yield case(layer, {"pool_size": 3, "strides": 2, "padding": "same"}, [1, *([7] * n), 2],
                   "same72")
        yield case(layer, {"bogus": 1}, x, "badkw")
        yield case(layer, {"pool_size": 2, "strides": 2, "padding": "same"},
                   [1, *([123] * (n - 1)), 10, 2] if n < 3 else [1, 20, 11, 9, 2], "bigger")
    for layer in GLOBAL:
        n = int(layer[-2])
        for kw in ({}, {"keepdims": True}, {"data_format": "channels_first"},
                   {"data_format": "channels_first", "keepdims": True}, {"data_format": "x"},
                   {"bogus": 2}):
            for x in ([2, *([5] * n), 3], [None, *([None] * n), 3], [1, *([5] * n)],
                      [0, *([5] * n), 3], [1, *([5] * (n + 1)), 3]):
                yield case(layer, kw, x, f"{sorted(kw.items())}-{len(x)}")
    rng = random.Random(7)
    for i in range(260):
        layer = rng.choice(POOL)
        n = int(layer[-2])
        kw = {}
        ps = [rng.randint(1, 5) for _ in range(n)]
        kw["pool_size"] = ps[0] if rng.random() < 0.5 else tuple(ps)
        if rng.random() < 0.7:
            ss = [rng.randint(1, 4) for _ in range(n)]
            kw["strides"] = ss[0] if rng.random() < 0.5 else tuple(ss)
        kw["padding"] = rng.choice(["valid", "same"])
        first = rng.random() < 0.3
        if first:
            kw["data_format"] = "channels_first"
        maxs = {1: 40, 2: 14, 3: 7}[n]
        spatial = [rng.randint(1, maxs) for _ in range(n)]
        if rng.random() < 0.1:
            spatial[rng.randrange(n)] = None
        c = rng.randint(1, 4)
        batch = rng.choice([1, 2, None])
        x = [batch, c, *spatial] if first else [batch, *spatial, c]
        yield case(layer, kw, x, f"rand{i}")
