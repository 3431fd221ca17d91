"""Keras core cases: Dense, BatchNormalization, Activation, ReLU, LeakyReLU, Dropout, Add, Concatenate."""

from __future__ import annotations

import random


def cases():
    k = 0

    def case(layer, kwargs, input_, tag="", args=None):
        nonlocal k
        k += 1
        out = {"id": f"core-{k:04d}-{layer}-{tag}", "layer": layer, "kwargs": kwargs,
               "input": input_}
        if args:
            out["args"] = args
        return out

    shapes = ([2, 5], [2, 3, 4], [None, 7, 7, 8], [None, None], [3], [], [0, 4], [2, 0],
              [2, 3, 4, 5, 6], [1, 2, 3, 4])
    # Dense
    for units in (1, 7, 0, -3, True, 2.0, "4", None):
        for x in shapes[:4]:
            yield case("Dense", {"units": units}, x, f"u{units}-{x}")
    for kw in ({"use_bias": False}, {"activation": "relu"}, {"activation": "swish"},
               {"activation": "foo"}, {"activation": None}, {"activation": 3}, {"bogus": 1},
               {"name": "fc"}):
        for x in shapes:
            yield case("Dense", {"units": 6, **kw}, x, f"{sorted(kw.items())}-{x}")
    yield case("Dense", {}, [2, 3], "nounits")
    # BatchNormalization
    for axis in (-1, 1, 0, 2, 3, -4, -5, 4, "1", "a", None, 1.7):
        for x in ([2, 5, 5, 3], [None, 6, 4], [2, 3], [3], [0, 4, 4, 2]):
            yield case("BatchNormalization", {"axis": axis}, x, f"a{axis}-{x}")
    for kw in ({"center": False}, {"scale": False}, {"center": False, "scale": False},
               {"renorm": True}, {"renorm": True, "renorm_clipping": {"foo": 1}},
               {"synchronized": True}, {"momentum": "x"}, {"epsilon": None}, {"bogus": 1}):
        yield case("BatchNormalization", kw, [2, 4, 4, 6], f"{sorted(kw.items())}")
    # Activation & friends
    for act in ("relu", "softmax", "gelu", "swish", "hard_swish", "relu6", "linear", None,
                "foo", "ReLU", 3):
        for x in ([2, 3, 4], [None, 5], [3], []):
            yield case("Activation", {"activation": act}, x, f"{act}-{x}")
    yield case("Activation", {}, [2, 3], "missing")
    relu_kw = [{}, {"max_value": 6}, {"max_value": -1}, {"max_value": 0}, {"negative_slope": -0.1},
               {"negative_slope": None}, {"threshold": -1}, {"threshold": None},
               {"max_value": "6"}, {"negative_slope": 0.2, "threshold": 1.0}, {"bogus": 1}]
    for kw in relu_kw:
        yield case("ReLU", kw, [2, 3, 4], f"{sorted(kw.items())}")
    for kw in ({}, {"negative_slope": 0.1}, {"negative_slope": -0.1}, {"negative_slope": None},
               {"alpha": 0.2}, {"alpha": -1}, {"negative_slope": "x"}, {"bogus": 2}):
        yield case("LeakyReLU", kw, [2, 3, 4], f"{sorted(kw.items())}")
    for kw in ({"rate": 0.5}, {"rate": 0}, {"rate": 1}, {"rate": 1.5}, {"rate": -0.1},
               {"rate": "0.5"}, {"rate": 0.5, "noise_shape": (None, 1, 4)},
               {"rate": 0.5, "noise_shape": "abc"}, {"rate": 0.5, "noise_shape": 3},
               {"rate": 0.5, "noise_shape": (1, 0)}, {"rate": 0.5, "noise_shape": (1, 2.0)},
               {"rate": 0.5, "seed": 3}, {"rate": 0.5, "seed": "x"}, {"rate": 0, "seed": "x"},
               {}, {"rate": 0.5, "bogus": 1}):
        for x in ([2, 3, 4], [None, 5]):
            yield case("Dropout", kw, x, f"{sorted(kw.items())}-{x}")
    # merges
    pairs = [
        [[2, 4, 3], [2, 4, 3]], [[2, 4, 3], [2, 5, 3]], [[2, 4, 3], [1, 4, 3]],
        [[2, 4, 3], [2, 1, 3]], [[2, 4, 3], [2, 3]], [[2, 4, 3], [2, 4]], [[2, 4, 3], [4, 3]],
        [[None, 4, 3], [2, 4, 3]], [[None, 4, 3], [None, 4, 5]], [[None, None, 3], [None, 4, 3]],
        [[2, 4, 3]], [[2, 4, 3], [2, 4, 3], [2, 4, 3]], [[2, 4, 3], [2, 4, 3], [2, 4, 2]],
        [[2, 8, 8, 16], [2, 8, 8, 32]], [[2, 16, 8, 8], [2, 32, 8, 8]], [[0, 4, 3], [0, 4, 3]],
        [[2, 0, 3], [2, 1, 3]], [[2, 0, 3], [2, 3, 3]], [[2, 4, 1], [2, 1, 5]],
        [[None, 7, 7, 8], [None, 7, 7, 8]], [[2, 3], [2, 3, 4]],
    ]
    for p in pairs:
        yield case("Add", {}, p, f"{p}")
        for axis in (-1, 1, 2, 0, 3, -2, -3, -4, 5):
            yield case("Concatenate", {"axis": axis}, p, f"{axis}-{p}")
    yield case("Add", {"bogus": 1}, pairs[0], "badkw")
    yield case("Concatenate", {}, pairs[13], "default")
    rng = random.Random(5)
    for i in range(200):
        rank = rng.randint(2, 5)
        base = [rng.choice([None, 1, 2])] + [rng.randint(1, 6) for _ in range(rank - 1)]
        m = rng.randint(2, 3)
        shapes_ = []
        for _ in range(m):
            s = list(base)
            if rng.random() < 0.5:
                j = rng.randrange(1, rank)
                s[j] = rng.choice([1, rng.randint(1, 6), None])
            shapes_.append(s)
        if rng.random() < 0.5:
            yield case("Add", {}, shapes_, f"rand{i}")
        else:
            yield case("Concatenate", {"axis": rng.choice([-1, 1, rank - 1, -2])}, shapes_,
                       f"rand{i}")
    for i in range(80):
        rank = rng.randint(2, 5)
        x = [rng.choice([None, 1, 3])] + [rng.randint(0, 9) for _ in range(rank - 1)]
        layer = rng.choice(["Dense", "BatchNormalization", "ReLU", "Dropout"])
        kw = {"Dense": {"units": rng.randint(1, 9), "use_bias": rng.random() < 0.7},
              "BatchNormalization": {"axis": rng.choice([-1, 1, rank - 1])},
              "ReLU": {"max_value": rng.choice([None, 6.0])},
              "Dropout": {"rate": rng.random()}}[layer]
        yield case(layer, kw, x, f"rand{i}")
