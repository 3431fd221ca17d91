"""Cases for BatchNorm1d/2d/3d, InstanceNorm1d/2d/3d, GroupNorm and LayerNorm.

torch builds modules in training mode, so the batch-of-one and single-spatial-
element checks are part of every forward.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

BAD = [None, "a", 1.5, True, [1]]


def _c(cid, layer, args, kwargs, inp):
    return {"id": cid, "layer": layer, "args": list(args), "kwargs": dict(kwargs),
            "input": list(inp), "forward_kwargs": {}}


FLAGS = [{}, {"affine": False}, {"track_running_stats": False},
         {"affine": False, "track_running_stats": False}, {"bias": False},
         {"affine": True, "track_running_stats": False},
         {"affine": True, "track_running_stats": True}]


def _flag_id(kw):
    return "-".join(f"{k}{int(v)}" for k, v in kw.items()) or "default"


def edge() -> Iterator[dict]:
    bn_shapes = {
        "BatchNorm1d": [(), (3,), (2, 3), (1, 3), (0, 3), (2, 4), (1, 4), (0, 4), (2, 3, 5), (1, 3, 1),
                        (1, 3, 2), (2, 3, 1), (1, 3, 0), (2, 4, 5), (1, 4, 1), (2, 3, 4, 5), (2, 0), (2, 0, 3)],
        "BatchNorm2d": [(2, 3, 4), (2, 3, 4, 5), (1, 3, 1, 1), (1, 3, 1, 2), (1, 3, 0, 2), (0, 3, 1, 2),
                        (2, 4, 4, 5), (1, 4, 1, 1), (0, 4, 2, 2), (2, 3, 4, 5, 6), (3, 4, 5), (2, 0, 3, 3)],
        "BatchNorm3d": [(2, 3, 4, 5), (2, 3, 2, 2, 2), (1, 3, 1, 1, 1), (1, 3, 1, 1, 2), (2, 4, 2, 2, 2),
                        (0, 4, 2, 2, 2), (2, 3, 2, 2, 2, 2), (3, 2, 2, 2)],
    }
    for layer, shapes in bn_shapes.items():
        for kw in FLAGS:
            for shape in shapes:
                yield _c(f"edge/{layer}/{_flag_id(kw)}-{list(shape)}", layer, [3], kw, shape)
    for n in [0, -1, 3.0, None, True, "3", [3]]:
        for kw in FLAGS[:4]:
            yield _c(f"edge/BatchNorm1d/n{n!r}-{_flag_id(kw)}", "BatchNorm1d", [n], kw, (2, 3))
    for shape in [(2, 0), (1, 0), (2, 0, 3), (0, 0), (0, 3), (0, 3, 2)]:
        for kw in FLAGS:
            yield _c(f"edge/BatchNorm1d/zero-nf-{_flag_id(kw)}-{list(shape)}", "BatchNorm1d", [0], kw, shape)
    for eps in [0, 0.0, -1, 1e-3, True, False, None, "a"]:
        yield _c(f"edge/BatchNorm1d/eps-{eps!r}", "BatchNorm1d", [3], {"eps": eps}, (2, 3))
        yield _c(f"edge/BatchNorm1d/eps-{eps!r}-batch1", "BatchNorm1d", [3], {"eps": eps}, (1, 3))
    for m in [None, 0, 1, 0.5, True, "a", [0.1]]:
        for kw in ({}, {"track_running_stats": False}):
            yield _c(f"edge/BatchNorm2d/momentum-{m!r}-{_flag_id(kw)}", "BatchNorm2d", [3],
                     {"momentum": m, **kw}, (2, 3, 2, 2))
    yield _c("edge/BatchNorm2d/eps-and-momentum", "BatchNorm2d", [3], {"eps": "a", "momentum": "b"}, (2, 3, 2, 2))
    yield _c("edge/BatchNorm2d/eps-bad-mismatch", "BatchNorm2d", [3], {"eps": -1}, (2, 4, 2, 2))
    yield _c("edge/BatchNorm2d/momentum-bad-mismatch", "BatchNorm2d", [3], {"momentum": "x"}, (2, 4, 2, 2))
    yield _c("edge/BatchNorm2d/badkw", "BatchNorm2d", [3], {"foo": 1}, (2, 3, 2, 2))
    yield _c("edge/BatchNorm2d/bias-positional", "BatchNorm2d", [3, 1e-5, 0.1, True, True, None, None, False],
             {}, (2, 3, 2, 2))
    yield _c("edge/BatchNorm2d/huge-zero-batch", "BatchNorm2d", [3], {}, (0, 3, 10**6, 10**6))

    # InstanceNorm
    in_shapes = {
        "InstanceNorm1d": [(), (3,), (3, 5), (4, 5), (3, 1), (2, 3, 5), (2, 4, 5), (2, 3, 1), (0, 3, 5),
                           (0, 3, 1), (2, 3, 0), (1, 4, 1), (2, 3, 4, 5), (0, 4, 5), (3, 0)],
        "InstanceNorm2d": [(3, 4), (3, 4, 5), (4, 4, 5), (3, 1, 1), (2, 3, 4, 5), (2, 4, 4, 5), (2, 3, 1, 1),
                           (0, 3, 1, 1), (0, 4, 2, 2), (2, 3, 1, 2), (2, 3, 4, 5, 6)],
        "InstanceNorm3d": [(3, 4, 5), (3, 2, 2, 2), (4, 2, 2, 2), (2, 3, 2, 2, 2), (2, 4, 2, 2, 2),
                           (2, 3, 1, 1, 1), (3, 1, 1, 1), (2, 3, 2, 2, 2, 2), (0, 4, 1, 2, 1)],
    }
    for layer, shapes in in_shapes.items():
        for kw in FLAGS:
            for shape in shapes:
                yield _c(f"edge/{layer}/{_flag_id(kw)}-{list(shape)}", layer, [3], kw, shape)
    for n in [0, -1, 3.0, None, True, "3"]:
        for kw in FLAGS[:4]:
            yield _c(f"edge/InstanceNorm1d/n{n!r}-{_flag_id(kw)}", "InstanceNorm1d", [n], kw, (2, 3, 4))
    for m in [None, "a", True]:
        yield _c(f"edge/InstanceNorm1d/momentum-{m!r}", "InstanceNorm1d", [3], {"momentum": m}, (2, 3, 4))
    for eps in [0, -1, None, "a", True]:
        yield _c(f"edge/InstanceNorm1d/eps-{eps!r}", "InstanceNorm1d", [3], {"eps": eps}, (2, 3, 4))
    yield _c("edge/InstanceNorm2d/badkw", "InstanceNorm2d", [3], {"foo": 1}, (2, 3, 2, 2))

    # GroupNorm
    for g, c in [(2, 4), (4, 4), (1, 4), (3, 4), (0, 4), (0, 0), (2, 0), (2, -4), (-2, 4), (2.0, 4), (2, 4.0),
                 (None, 4), (2, None), ("2", 4), (True, 4), (1, True), (5, 10), (10, 5), (-1, -1)]:
        for shape in [(2, 4, 3), (2, 6, 3), (2, 3, 3), (4,), (), (1, 4), (1, 4, 1), (0, 4, 3), (1, 4, 0),
                      (2, 0), (2, 10, 3, 3), (1, 2), (2, 4)]:
            yield _c(f"edge/GroupNorm/{g!r}-{c!r}-{list(shape)}", "GroupNorm", [g, c], {}, shape)
        yield _c(f"edge/GroupNorm/{g!r}-{c!r}-noaffine", "GroupNorm", [g, c], {"affine": False}, (2, 6, 3))
        yield _c(f"edge/GroupNorm/{g!r}-{c!r}-nobias", "GroupNorm", [g, c], {"bias": False}, (2, 6, 3))
    yield _c("edge/GroupNorm/badkw", "GroupNorm", [2, 4], {"foo": 1}, (2, 4))
    yield _c("edge/GroupNorm/missing", "GroupNorm", [2], {}, (2, 4))

    # LayerNorm
    for ns in [4, 3, [4], (4,), [3, 4], (2, 3, 4), [], (), 0, -1, [3, -1], 3.0, "ab", [3.0], None, [True, 4],
               [4, True], [1], True, [2, 3, 4, 5]]:
        for shape in [(2, 3, 4), (4,), (), (2, 3), (0, 4), (3, 4), (2, 0), (1, 1), (2, 3, 4, 5)]:
            for kw in ({}, {"elementwise_affine": False}, {"bias": False}):
                yield _c(f"edge/LayerNorm/{ns!r}-{_flag_id(kw)}-{list(shape)}", "LayerNorm", [ns], kw, shape)
    yield _c("edge/LayerNorm/badkw", "LayerNorm", [4], {"foo": 1}, (2, 4))
    for eps in [0, -1, None, "a"]:
        yield _c(f"edge/LayerNorm/eps-{eps!r}", "LayerNorm", [4], {"eps": eps}, (2, 4))


def random_cases(seed: int = 2024, n: int = 300) -> Iterator[dict]:
    rng = random.Random(seed)
    for k in range(n):
        layer = rng.choice(["BatchNorm1d", "BatchNorm2d", "BatchNorm3d", "InstanceNorm1d", "InstanceNorm2d",
                            "InstanceNorm3d", "GroupNorm", "LayerNorm"])
        rank = rng.randint(0, 6)
        shape = [rng.choice([0, 1, 1, 2, 3, 4, 6]) for _ in range(rank)]
        kw = dict(rng.choice(FLAGS))
        if layer == "GroupNorm":
            c = shape[1] if rank >= 2 and rng.random() < 0.7 else rng.randint(0, 8)
            divisors = [d for d in range(1, c + 1) if c % d == 0] or [1, 2, 3]
            g = rng.choice(divisors) if rng.random() < 0.8 else rng.randint(1, 4)
            kw.pop("track_running_stats", None)
            yield _c(f"rand/GroupNorm/{k}", layer, [g, c], kw, shape)
        elif layer == "LayerNorm":
            kk = rng.randint(0, min(rank, 3))
            ns = shape[rank - kk:] if rng.random() < 0.7 else [rng.randint(0, 4) for _ in range(kk)]
            kw = rng.choice([{}, {"elementwise_affine": False}, {"bias": False}])
            yield _c(f"rand/LayerNorm/{k}", layer, [ns], kw, shape)
        else:
            c = shape[1] if rank >= 2 and rng.random() < 0.7 else rng.randint(0, 6)
            yield _c(f"rand/{layer}/{k}", layer, [c], kw, shape)


def cases() -> Iterator[dict]:
    yield from edge()
    yield from random_cases()
