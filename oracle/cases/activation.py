"""Cases for activations, softmax and dropout layers."""

from __future__ import annotations

import random
from collections.abc import Iterator

SHAPES = [(), (0,), (5,), (2, 3), (0, 3), (2, 0), (1, 1), (2, 3, 4), (1, 3, 1), (2, 3, 4, 5), (0, 3, 4, 5),
          (2, 3, 4, 5, 6), (1, 2, 1, 2, 1, 2)]

SIMPLE = ["ReLU", "ReLU6", "SELU", "SiLU", "Mish", "Hardswish", "Hardsigmoid", "Sigmoid", "Tanh",
          "LeakyReLU", "ELU", "CELU", "GELU", "Hardtanh", "Softplus", "Softmax", "LogSoftmax",
          "Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "AlphaDropout", "PReLU"]

BAD = [None, "a", 1.5, True, [1], (1,)]


def _c(cid, layer, args, kwargs, inp):
    return {"id": cid, "layer": layer, "args": list(args), "kwargs": dict(kwargs),
            "input": list(inp), "forward_kwargs": {}}


def edge() -> Iterator[dict]:
    for layer in SIMPLE:
        for shape in SHAPES:
            yield _c(f"edge/{layer}/default-{list(shape)}", layer, [], {}, shape)
        yield _c(f"edge/{layer}/badkw", layer, [], {"foo": 1}, (2, 3))
    for layer in ["ReLU", "ReLU6", "SELU", "SiLU", "Mish", "Hardswish", "Hardsigmoid"]:
        yield _c(f"edge/{layer}/inplace", layer, [True], {}, (2, 3))
        yield _c(f"edge/{layer}/toomany", layer, [True, 1], {}, (2, 3))
    for layer in ["Sigmoid", "Tanh"]:
        yield _c(f"edge/{layer}/arg", layer, [1], {}, (2, 3))
    for v in [0.0, -1, 2, 0.2, *BAD]:
        yield _c(f"edge/LeakyReLU/slope-{v!r}", "LeakyReLU", [v], {}, (2, 3))
        yield _c(f"edge/ELU/alpha-{v!r}", "ELU", [v], {}, (2, 3))
        yield _c(f"edge/CELU/alpha-{v!r}", "CELU", [v], {}, (2, 3))
        yield _c(f"edge/Softplus/beta-{v!r}", "Softplus", [v], {}, (2, 3))
        yield _c(f"edge/Softplus/threshold-{v!r}", "Softplus", [1, v], {}, (2, 3))
        yield _c(f"edge/Hardtanh/min-{v!r}", "Hardtanh", [v], {}, (2, 3))
        yield _c(f"edge/Hardtanh/max-{v!r}", "Hardtanh", [-5, v], {}, (2, 3))
        if not isinstance(v, (list, tuple)):  # torch prints a list's element types; not mirrored
            yield _c(f"edge/PReLU/init-{v!r}", "PReLU", [1, v], {}, (2, 3))
        yield _c(f"edge/CELU/alpha-{v!r}-0d", "CELU", [v], {}, ())
    yield _c("edge/CELU/alpha-0-empty", "CELU", [0], {}, (0, 3))
    # Scalars beyond float32's range (CELU also passes 1 / alpha)
    for layer in ("CELU", "ELU", "LeakyReLU"):
        for v in (1e-40, 4e-39, 1e39, -1e39, 1e-300, 3.4e38, 3.5e38):
            for shape in ((2,), (0,)):
                yield _c(f"edge/{layer}/f32-{v!r}-{list(shape)}", layer, [v], {}, shape)
    yield _c("edge/CELU/alpha-float0", "CELU", [0.0], {}, (0,))
    yield _c("edge/CELU/alpha-False", "CELU", [False], {}, (2, 3))
    for lo, hi in [(1, 1), (2, 1), (0, 6), (-1.0, -0.5), (0.5, 0.5), (True, 1), (0, True)]:
        yield _c(f"edge/Hardtanh/{lo!r}-{hi!r}", "Hardtanh", [lo, hi], {}, (2, 3))
    yield _c("edge/Hardtanh/min_value", "Hardtanh", [], {"min_value": 2.0}, (2, 3))
    yield _c("edge/Hardtanh/max_value", "Hardtanh", [], {"max_value": -2.0}, (2, 3))
    yield _c("edge/Hardtanh/both-values", "Hardtanh", [], {"min_value": 0.0, "max_value": 3.0}, (2, 3))
    for approx in ["none", "tanh", "foo", "", "None", "TANH", None, 1, True]:
        yield _c(f"edge/GELU/{approx!r}", "GELU", [approx], {}, (2, 3))
        yield _c(f"edge/GELU/{approx!r}-0d", "GELU", [], {"approximate": approx}, ())
    # Softmax / LogSoftmax
    for layer in ("Softmax", "LogSoftmax"):
        for shape in [(), (5,), (2, 3), (2, 3, 4), (2, 3, 4, 5), (0, 3), (2, 0, 4)]:
            for dim in [None, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4]:
                yield _c(f"edge/{layer}/{list(shape)}-d{dim}", layer, [], {"dim": dim}, shape)
        for dim in [1.0, "a", True, False, [1], (0,)]:
            yield _c(f"edge/{layer}/dim-{dim!r}", layer, [dim], {}, (2, 3))
            yield _c(f"edge/{layer}/dim-{dim!r}-0d", layer, [dim], {}, ())
    # PReLU
    for n in [1, 2, 3, 4, 0]:
        for shape in [(), (3,), (4,), (1,), (0,), (2, 3), (2, 4), (0, 3), (0, 4), (2, 0), (2, 3, 5),
                      (2, 1, 5), (1, 3, 1, 1), (2, 0, 4, 4), (2, 3, 4, 5, 6)]:
            yield _c(f"edge/PReLU/n{n}-{list(shape)}", "PReLU", [n], {}, shape)
    for n in [-1, -5, 3.0, None, True, False, "3", [3]]:
        yield _c(f"edge/PReLU/n-{n!r}", "PReLU", [n], {}, (2, 3))
    yield _c("edge/PReLU/kw", "PReLU", [], {"num_parameters": 3, "init": 0.1}, (2, 3, 4))
    # Dropouts
    for layer in ("Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "AlphaDropout"):
        for p in [0, 0.0, 1, 1.0, 0.5, -0.1, 1.5, -1, 2, True, False, None, "a", [0.5], float("nan"),
                  float("inf")]:
            yield _c(f"edge/{layer}/p-{p!r}", layer, [p], {}, (2, 3, 4))
        for p in (0.0, 0.5, 1.0):
            for shape in SHAPES:
                yield _c(f"edge/{layer}/p{p}-{list(shape)}", layer, [p], {}, shape)
        yield _c(f"edge/{layer}/inplace", layer, [0.5, True], {}, (2, 3, 4))
        yield _c(f"edge/{layer}/toomany", layer, [0.5, True, 1], {}, (2, 3, 4))


def random_cases(seed: int = 4321, n: int = 200) -> Iterator[dict]:
    rng = random.Random(seed)
    for k in range(n):
        rank = rng.randint(0, 6)
        shape = tuple(rng.choice([0, 1, 2, 3, 4, 7]) for _ in range(rank))
        layer = rng.choice(SIMPLE)
        args: list = []
        if layer == "PReLU":
            args = [rng.choice([1, 1, 2, 3, 4, 7, 0])]
        elif layer in ("Softmax", "LogSoftmax"):
            args = [rng.choice([None, rng.randint(-rank - 1, rank)])]
        elif layer.startswith("Dropout") or layer == "AlphaDropout":
            args = [rng.choice([0.0, 0.2, 0.5, 1.0, 1.2])]
        elif layer == "Hardtanh":
            args = [rng.uniform(-3, 3), rng.uniform(-3, 3)]
        yield _c(f"rand/{layer}/{k}", layer, args, {}, shape)


def cases() -> Iterator[dict]:
    yield from edge()
    yield from random_cases()
