"""Cases for the shape-keeping layers: LocalResponseNorm, Softmax2d, Threshold, SyncBatchNorm.

SyncBatchNorm runs in a plain process (torch.distributed not initialised), where torch
falls back to batch norm; see conv_calc/nn/norm_sync.py. Left out: LocalResponseNorm
sizes of 2**64 and beyond (the pad amounts overflow int64 inside a list: a message with
a C++ backtrace), and sizes from about 2**21 to 2**32 on a non-empty input, for which
torch really allocates the padded input (up to many GB) before failing or succeeding.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

SHAPES = [(), (0,), (5,), (2, 3), (0, 3), (2, 0), (1, 3), (2, 3, 4), (0, 3, 4), (2, 0, 4), (2, 3, 0),
          (1, 1, 1), (1, 3, 1, 1), (2, 3, 4, 5), (1, 0, 4, 5), (2, 3, 4, 5, 6), (1, 2, 1, 2, 1, 2),
          (2, 5, 2, 1, 1, 3, 1)]
BAD = [None, "a", [1], (1,), [], {"a": 1}]


def _c(cid, layer, args, kwargs, inp, fkw=None):
    return {"id": cid, "layer": layer, "args": list(args), "kwargs": dict(kwargs),
            "input": list(inp), "forward_kwargs": fkw or {}}


def lrn_cases() -> Iterator[dict]:
    for size in (1, 2, 3, 5, 0, -1, -2, -3, -4):
        for shape in SHAPES:
            yield _c(f"edge/LocalResponseNorm/s{size}-{list(shape)}", "LocalResponseNorm", [size],
                     {}, shape)
    for size in (2.0, 2.5, 0.5, True, False, *BAD, float("nan"), float("inf")):
        for shape in ((2, 3, 4), (1, 1, 5), (2, 3, 4, 5), (0, 3, 4)):
            yield _c(f"edge/LocalResponseNorm/size-{size!r}-{list(shape)}", "LocalResponseNorm",
                     [size], {}, shape)
    for size in (-2, -3, -4, -5, -8):
        for shape in ((1, 1, 5), (1, 3, 5), (1, 5, 5), (1, 3, 5, 5), (1, 4, 2, 2, 2)):
            yield _c(f"edge/LocalResponseNorm/crop{size}-{list(shape)}", "LocalResponseNorm",
                     [size], {}, shape)
    for size in (2**62, 2**63 - 1, 2**33, 2**40, -2**62, -2**62 - 1, -2**63, -2**63 + 1, 2**20):
        for shape in ((1, 1, 1), (1, 1, 1, 1), (2, 3, 4), (0, 1, 5, 1)):
            yield _c(f"edge/LocalResponseNorm/huge-{size}-{list(shape)}", "LocalResponseNorm",
                     [size], {}, shape)
    for name, pos in (("alpha", 1), ("beta", 2), ("k", 3)):
        for v in (0, 1, -1.5, True, 1e39, 2**63, 2**64, -2**63 - 1, -2**64, float("nan"), *BAD,
                  ["a", 1.0], (1, 2)):
            args = [2, 1e-4, 0.75, 1.0]
            args[pos] = v
            yield _c(f"edge/LocalResponseNorm/{name}-{v!r}", "LocalResponseNorm", args, {}, (2, 3, 4))
        yield _c(f"edge/LocalResponseNorm/{name}-str-empty", "LocalResponseNorm", [2],
                 {name: "a"}, (0, 3, 4))
    yield _c("edge/LocalResponseNorm/alpha-k-beta-bad", "LocalResponseNorm", [2, "a", "b", "c"], {},
             (2, 3, 4))
    yield _c("edge/LocalResponseNorm/k-beta-bad", "LocalResponseNorm", [2, 1, "b", "c"], {}, (2, 3, 4))
    yield _c("edge/LocalResponseNorm/size-and-alpha-bad", "LocalResponseNorm", ["a", "b"], {},
             (2, 3, 4))
    yield _c("edge/LocalResponseNorm/neg-size-bad-alpha", "LocalResponseNorm", [0, "b"], {},
             (2, 3, 4))
    yield _c("edge/LocalResponseNorm/kw", "LocalResponseNorm", [],
             {"size": 3, "alpha": 1e-3, "beta": 0.5, "k": 2.0}, (2, 6, 4, 4))
    yield _c("edge/LocalResponseNorm/missing", "LocalResponseNorm", [], {}, (2, 3, 4))
    yield _c("edge/LocalResponseNorm/toomany", "LocalResponseNorm", [2, 1, 1, 1, 1], {}, (2, 3, 4))
    yield _c("edge/LocalResponseNorm/badkw", "LocalResponseNorm", [2], {"n": 5}, (2, 3, 4))
    yield _c("edge/LocalResponseNorm/forward-kw", "LocalResponseNorm", [2], {}, (2, 3, 4),
             {"size": 2})


def softmax2d_cases() -> Iterator[dict]:
    for shape in SHAPES:
        yield _c(f"edge/Softmax2d/{list(shape)}", "Softmax2d", [], {}, shape)
    yield _c("edge/Softmax2d/arg", "Softmax2d", [1], {}, (2, 3, 4))
    yield _c("edge/Softmax2d/args", "Softmax2d", [1, 2], {}, (2, 3, 4))
    yield _c("edge/Softmax2d/kw", "Softmax2d", [], {"dim": 1}, (2, 3, 4))
    yield _c("edge/Softmax2d/kw-and-arg", "Softmax2d", [1], {"dim": 1, "x": 2}, (2, 3, 4))
    for fkw in ({"dim": 1}, {"input": 1}, {"x": 1, "y": 2}):
        yield _c(f"edge/Softmax2d/forward-{list(fkw)}", "Softmax2d", [], {}, (2, 3, 4), fkw)


def threshold_cases() -> Iterator[dict]:
    for shape in SHAPES:
        yield _c(f"edge/Threshold/{list(shape)}", "Threshold", [0.1, 20], {}, shape)
    values = (0, 0.5, -3, True, 1e39, -1e39, 3.4e38, 1e-45, 2**63, 2**64, -2**63 - 1, -2**64,
              float("inf"), float("nan"), *BAD)
    for v in values:
        for inplace in (False, True, 1):
            yield _c(f"edge/Threshold/threshold-{v!r}-{inplace!r}", "Threshold", [v, 1.0, inplace],
                     {}, (2, 3))
            yield _c(f"edge/Threshold/value-{v!r}-{inplace!r}", "Threshold", [1.0, v, inplace],
                     {}, (2, 3))
        yield _c(f"edge/Threshold/both-{v!r}", "Threshold", [v, v], {}, (2, 3))
        yield _c(f"edge/Threshold/value-{v!r}-empty", "Threshold", [1.0, v], {}, (0, 3))
        yield _c(f"edge/Threshold/value-{v!r}-0d", "Threshold", [1.0, v], {}, ())
    yield _c("edge/Threshold/type-then-range", "Threshold", [2**64, "a"], {}, (2, 3))
    yield _c("edge/Threshold/range-then-f32", "Threshold", [1e39, 2**64], {}, (2, 3))
    yield _c("edge/Threshold/missing", "Threshold", [0.1], {}, (2, 3))
    yield _c("edge/Threshold/kw", "Threshold", [], {"threshold": 0.5, "value": 0.0,
                                                     "inplace": True}, (2, 3))
    yield _c("edge/Threshold/toomany", "Threshold", [0.1, 1, False, 3], {}, (2, 3))
    yield _c("edge/Threshold/badkw", "Threshold", [0.1, 1], {"min_val": 0}, (2, 3))
    yield _c("edge/Threshold/forward-kw", "Threshold", [0.1, 1], {}, (2, 3), {"threshold": 2})


def sync_bn_cases() -> Iterator[dict]:
    for shape in SHAPES:
        for n in (3, 1, 0):
            yield _c(f"edge/SyncBatchNorm/n{n}-{list(shape)}", "SyncBatchNorm", [n], {}, shape)
    for flags in ({"affine": False}, {"track_running_stats": False},
                  {"affine": False, "track_running_stats": False}, {"bias": False}):
        for shape in ((2, 4, 5), (2, 3, 5), (0, 4, 5), (1, 3), (2, 0, 5)):
            yield _c(f"edge/SyncBatchNorm/{sorted(flags.items())}-{list(shape)}", "SyncBatchNorm",
                     [3], flags, shape)
    for eps in (0, -1.0, 1e-3, "a", None, True):
        yield _c(f"edge/SyncBatchNorm/eps-{eps!r}", "SyncBatchNorm", [3], {"eps": eps}, (2, 3, 4))
    for mom in (None, 0.5, "a", [0.1], True):
        yield _c(f"edge/SyncBatchNorm/momentum-{mom!r}", "SyncBatchNorm", [3], {"momentum": mom},
                 (2, 3, 4))
        yield _c(f"edge/SyncBatchNorm/momentum-{mom!r}-untracked", "SyncBatchNorm", [3],
                 {"momentum": mom, "track_running_stats": False}, (2, 3, 4))
    # Not here: num_features=(3, 1) (torch's CPU kernel refuses a 2-d weight), 10**12 (torch
    # cannot allocate the weight) and 2**63 (a backtrace in the message): gaps of the shared
    # batch-norm emulation in conv_calc/nn/norm.py, not of SyncBatchNorm.
    for n in (-1, 3.0, None, "3", True, [3], []):
        yield _c(f"edge/SyncBatchNorm/n-{n!r}", "SyncBatchNorm", [n], {}, (2, 3, 4))
    yield _c("edge/SyncBatchNorm/process-group", "SyncBatchNorm", [3], {"process_group": 5},
             (2, 3, 4))
    yield _c("edge/SyncBatchNorm/positional", "SyncBatchNorm",
             [3, 1e-5, 0.1, True, True, None, None, None], {}, (2, 3, 4))
    yield _c("edge/SyncBatchNorm/toomany", "SyncBatchNorm",
             [3, 1e-5, 0.1, True, True, None, None, None, True], {}, (2, 3, 4))
    yield _c("edge/SyncBatchNorm/badkw", "SyncBatchNorm", [3], {"group": 1}, (2, 3, 4))
    yield _c("edge/SyncBatchNorm/forward-kw", "SyncBatchNorm", [3], {}, (2, 3, 4), {"x": 1})
    yield _c("edge/SyncBatchNorm/rank-before-eps", "SyncBatchNorm", [3], {"eps": 0}, (3,))
    yield _c("edge/SyncBatchNorm/channels-before-eps", "SyncBatchNorm", [3], {"eps": 0}, (2, 0))
    yield _c("edge/SyncBatchNorm/one-value-before-eps", "SyncBatchNorm", [3], {"eps": 0}, (1, 3))


def random_cases(seed: int = 2718, n: int = 150) -> Iterator[dict]:
    rng = random.Random(seed)
    for i in range(n):
        layer = rng.choice(["LocalResponseNorm", "Softmax2d", "Threshold", "SyncBatchNorm"])
        shape = [rng.choice([0, 1, 1, 2, 3, 4, 5]) for _ in range(rng.randint(0, 6))]
        if layer == "LocalResponseNorm":
            args = [rng.choice([-3, -1, 0, 1, 2, 3, 4, 5, 7])]
        elif layer == "Threshold":
            args = [rng.uniform(-2, 2), rng.choice([0, 0.0, -1, 20])]
        elif layer == "SyncBatchNorm":
            args = [shape[1] if len(shape) > 1 and rng.random() < 0.7 else rng.randint(0, 5)]
        else:
            args = []
        yield _c(f"rand/{layer}/{i}", layer, args, {}, shape)


def cases() -> Iterator[dict]:
    yield from lrn_cases()
    yield from softmax2d_cases()
    yield from threshold_cases()
    yield from sync_bn_cases()
    yield from random_cases()
