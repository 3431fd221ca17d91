"""Keras cases for the layers keras.applications' models use beyond the basic ones, and the
merges of a Keras stack file: Multiply, Subtract, Average, Maximum, Minimum, Permute,
LayerNormalization, Normalization, Rescaling, Identity, and keras.applications' own
LayerScale, StochasticDepth and CustomScaleLayer."""

from __future__ import annotations

import random


def cases():
    k = 0

    def case(layer, kwargs, input_, tag=""):
        nonlocal k
        k += 1
        return {"id": f"apps-{k:04d}-{layer}-{tag}", "layer": layer, "kwargs": kwargs,
                "input": input_}

    # element-wise merges: Add's rules (broadcasting, batch sizes); Subtract takes two
    pairs = [
        [[2, 4, 3], [2, 4, 3]], [[2, 4, 3], [2, 5, 3]], [[2, 4, 3], [1, 4, 3]],
        [[2, 4, 3], [2, 1, 3]], [[2, 4, 3], [2, 3]], [[2, 4, 3], [2, 4]], [[2, 4, 3], [4, 3]],
        [[None, 4, 3], [2, 4, 3]], [[None, 4, 3], [None, 4, 5]], [[None, None, 3], [None, 4, 3]],
        [[2, 4, 3]], [[2, 4, 3], [2, 4, 3], [2, 4, 3]], [[2, 4, 3], [2, 4, 3], [2, 4, 2]],
        [[2, 8, 8, 16], [2, 1, 1, 16]], [[None, 7, 7, 8], [None, 1, 1, 8]], [[0, 4, 3], [0, 4, 3]],
        [[2, 0, 3], [2, 1, 3]], [[2, 4, 1], [2, 1, 5]], [[2, 3], [2, 3, 4]],
        [[None, 16, 16, 8], [None, 16, 16, 8], [None, 16, 16, 8]],
    ]
    for layer in ("Multiply", "Subtract", "Average", "Maximum", "Minimum"):
        for p in pairs:
            yield case(layer, {}, p, f"{p}")
        yield case(layer, {"bogus": 1}, pairs[0], "badkw")
        yield case(layer, {"name": "m"}, pairs[1], "named")
    rng = random.Random(11)
    for i in range(120):
        rank = rng.randint(2, 5)
        base = [rng.choice([None, 1, 2])] + [rng.randint(1, 6) for _ in range(rank - 1)]
        shapes = []
        for _ in range(rng.choice([2, 2, 3])):
            s = list(base)
            if rng.random() < 0.5:
                j = rng.randrange(1, rank)
                s[j] = rng.choice([1, rng.randint(1, 6), None])
            shapes.append(s)
        yield case(rng.choice(["Multiply", "Subtract", "Average", "Maximum", "Minimum"]), {},
                   shapes, f"rand{i}")
    # Permute
    for dims in ((2, 1), (1, 2), (3, 1, 2), (2, 3, 1), (1,), (), (0, 1), (1, 3), (2, 2),
                 (1, 1), "ab", 3, None, [3, 2, 1], (1.0, 2), (4, 3, 2, 1)):
        for x in ([2, 5, 6], [None, 7, 5, 3], [2, 3, 4, 5, 6], [3], [2, 4]):
            yield case("Permute", {"dims": dims}, x, f"{dims}-{x}")
    yield case("Permute", {}, [2, 3, 4], "missing")
    yield case("Permute", {"dims": (2, 1), "bogus": 1}, [2, 3, 4], "badkw")
    # LayerNormalization
    for axis in (-1, 1, 2, 3, 4, -4, -5, [1, 2], [-1, -2], (1, 3), [5], [], "1", None, 1.5):
        for x in ([2, 5, 5, 3], [None, 7, 7, 96], [2, 3], [3], [0, 4, 2]):
            yield case("LayerNormalization", {"axis": axis}, x, f"a{axis}-{x}")
    for kw in ({"center": False}, {"scale": False}, {"center": False, "scale": False},
               {"epsilon": 1e-6}, {"rms_scaling": True}, {"rms_scaling": True, "center": False},
               {"bogus": 1}, {"beta_initializer": "ones"}, {"gamma_regularizer": "l2"}):
        yield case("LayerNormalization", kw, [2, 4, 4, 6], f"{sorted(kw.items())}")
    # Normalization
    norm_kw = [{}, {"axis": -1}, {"axis": None}, {"axis": 1}, {"axis": (1, 2)}, {"axis": [-1]},
               {"axis": 3}, {"axis": -4}, {"axis": 4}, {"axis": "x"},
               {"mean": [1.0, 2.0, 3.0], "variance": [1.0, 1.0, 1.0]},
               {"mean": 0.5, "variance": 2.0}, {"mean": [1.0, 2.0]},
               {"variance": [1.0]}, {"mean": [1.0, 2.0], "variance": [1.0, 2.0, 3.0]},
               {"mean": [[1.0, 2.0, 3.0]], "variance": [[1.0, 1.0, 1.0]]},
               {"axis": None, "mean": [1.0], "variance": [1.0]},
               {"invert": True}, {"bogus": 1}]
    for kw in norm_kw:
        for x in ([2, 6, 6, 3], [None, 5, 3], [None, None, 3], [2, None, 4], [4]):
            yield case("Normalization", kw, x, f"{sorted(kw.items())}-{x}")
    # Rescaling, Identity, StochasticDepth: shape-keeping, no weights
    for kw in ({"scale": 1 / 255}, {"scale": 1 / 127.5, "offset": -1},
               {"scale": [0.1, 0.2, 0.3]}, {}, {"scale": 2, "bogus": 1}):
        for x in ([2, 4, 4, 3], [None, 7], [3]):
            yield case("Rescaling", kw, x, f"{sorted(kw.items())}-{x}")
    for kw in ({}, {"name": "id"}, {"bogus": 1}):
        for x in ([2, 4, 4, 3], [None, 7], [3], []):
            yield case("Identity", kw, x, f"{sorted(kw.items())}-{x}")
    # keras.applications' own layers
    for kw in ({"drop_path_rate": 0.1}, {"drop_path_rate": 0.0}, {}, {"drop_path_rate": 0.2,
                                                                        "bogus": 1}):
        for x in ([2, 4, 4, 3], [None, 7, 7, 96]):
            yield case("StochasticDepth", kw, x, f"{sorted(kw.items())}-{x}")
    for kw in ({"init_values": 1e-6, "projection_dim": 96}, {"init_values": 1e-6, "projection_dim": 3},
               {"init_values": 0.5, "projection_dim": 1}, {"init_values": 1e-6},
               {"init_values": 1.0, "projection_dim": 4, "bogus": 1}):
        for x in ([2, 4, 4, 96], [None, 7, 7, 96], [2, 4, 4, 3], [2, 4, 4, 1], [2, 96]):
            yield case("LayerScale", kw, x, f"{sorted(kw.items())}-{x}")
    for kw in ({"scale": 0.17}, {"scale": 1.0}, {}):
        for p in ([[2, 5, 5, 8], [2, 5, 5, 8]], [[None, 35, 35, 320], [None, 35, 35, 320]],
                  [[2, 5, 5, 8], [2, 5, 5, 1]], [[2, 5, 5, 8], [2, 5, 5, 4]]):
            yield case("CustomScaleLayer", kw, p, f"{sorted(kw.items())}-{p}")
    # InputLayer: the constructor's checks only (it takes no input to compare shapes on)
    for kw in ({"shape": (3,), "batch_shape": (None, 3)}, {"batch_size": 2, "batch_shape": (2, 3)},
               {}, {"dtype": "float32"}):
        yield case("InputLayer", kw, [2, 3], f"{sorted(kw.items())}")
