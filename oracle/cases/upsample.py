"""Oracle cases for Upsample, UpsamplingNearest2d and UpsamplingBilinear2d.

Systematic edge cases (every mode and rank, mode/rank mismatches, size vs
scale_factor forms, the float64 floor rule, zero and negative sizes,
align_corners, recompute_scale_factor) then seeded random configurations.
"""

from __future__ import annotations

import random

MODES = ("nearest", "nearest-exact", "linear", "bilinear", "bicubic", "trilinear", "area")


def _case(cid, layer, inp, kwargs=None, args=()):
    return {"id": cid, "layer": layer, "args": list(args), "kwargs": kwargs or {},
            "input": list(inp), "forward_kwargs": {}}


def _edge():
    shapes = {"r0": [], "r1": [5], "r2": [2, 5], "r3": [1, 2, 5], "r4": [1, 2, 5, 7],
              "r5": [1, 2, 3, 5, 7], "r6": [1, 1, 2, 3, 4, 5]}
    for mode in MODES + ("lanczos", "bogus"):
        for sname, shape in shapes.items():
            yield _case(f"edge/Upsample/{mode}/scale2-{sname}", "Upsample", shape,
                        {"scale_factor": 2, "mode": mode})
            yield _case(f"edge/Upsample/{mode}/size4-{sname}", "Upsample", shape,
                        {"size": 4, "mode": mode})
        for ac in (True, False):
            yield _case(f"edge/Upsample/{mode}/align-{ac}", "Upsample", [1, 2, 5, 7],
                        {"scale_factor": 2, "mode": mode, "align_corners": ac})
            yield _case(f"edge/Upsample/{mode}/align-{ac}-3d", "Upsample", [1, 2, 5],
                        {"scale_factor": 2, "mode": mode, "align_corners": ac})
        for r, base in ((3, [1, 2, 10]), (4, [1, 2, 10, 7]), (5, [1, 2, 10, 7, 3])):
            n = r - 2
            for s in (1.1, 0.3, 0.5, 1.5, 2.5, 0.1, 0.05, 1 / 3, 3.0001, 0.999, 1e-9, -1.0, -0.5,
                      float("inf"), float("nan")):
                yield _case(f"edge/Upsample/{mode}/r{r}-scale-{s!r}", "Upsample", base,
                            {"scale_factor": s, "mode": mode})
            yield _case(f"edge/Upsample/{mode}/r{r}-scale-tuple", "Upsample", base,
                        {"scale_factor": tuple([1.5, 2, 0.7][:n]), "mode": mode})
            yield _case(f"edge/Upsample/{mode}/r{r}-scale-tuple-wrong", "Upsample", base,
                        {"scale_factor": tuple([1.5, 2, 0.7, 2][:n + 1]), "mode": mode})
            yield _case(f"edge/Upsample/{mode}/r{r}-size-tuple", "Upsample", base,
                        {"size": tuple([3, 11, 5][:n]), "mode": mode})
            yield _case(f"edge/Upsample/{mode}/r{r}-size-list", "Upsample", base,
                        {"size": [3, 11, 5][:n], "mode": mode})
            yield _case(f"edge/Upsample/{mode}/r{r}-size-list-wrong", "Upsample", base,
                        {"size": [3, 11, 5, 2][:n + 1], "mode": mode})
            yield _case(f"edge/Upsample/{mode}/r{r}-size-tuple-wrong", "Upsample", base,
                        {"size": tuple([3, 11, 5, 2][:max(n - 1, 0)]), "mode": mode})
            yield _case(f"edge/Upsample/{mode}/r{r}-size0", "Upsample", base,
                        {"size": 0, "mode": mode})
            yield _case(f"edge/Upsample/{mode}/r{r}-size-neg", "Upsample", base,
                        {"size": -2, "mode": mode})
            yield _case(f"edge/Upsample/{mode}/r{r}-size-float", "Upsample", base,
                        {"size": 2.5, "mode": mode})
            yield _case(f"edge/Upsample/{mode}/r{r}-size-float-tuple", "Upsample", base,
                        {"size": tuple([2.0] * n), "mode": mode})
            yield _case(f"edge/Upsample/{mode}/r{r}-size-bool", "Upsample", base,
                        {"size": True, "mode": mode})
            yield _case(f"edge/Upsample/{mode}/r{r}-size-last-bool", "Upsample", base,
                        {"size": tuple([3] * (n - 1) + [True]), "mode": mode})
            yield _case(f"edge/Upsample/{mode}/r{r}-size-str", "Upsample", base,
                        {"size": "ab", "mode": mode})
            yield _case(f"edge/Upsample/{mode}/r{r}-zero-batch", "Upsample", [0] + base[1:],
                        {"scale_factor": 2, "mode": mode})
            yield _case(f"edge/Upsample/{mode}/r{r}-zero-channels", "Upsample",
                        [1, 0] + base[2:], {"scale_factor": 2, "mode": mode})
            yield _case(f"edge/Upsample/{mode}/r{r}-zero-spatial", "Upsample",
                        base[:-1] + [0], {"scale_factor": 2, "mode": mode})
            yield _case(f"edge/Upsample/{mode}/r{r}-zero-spatial-size", "Upsample",
                        base[:-1] + [0], {"size": 3, "mode": mode})
            yield _case(f"edge/Upsample/{mode}/r{r}-recompute", "Upsample", base,
                        {"scale_factor": 1.7, "mode": mode, "recompute_scale_factor": True})
            yield _case(f"edge/Upsample/{mode}/r{r}-recompute-false", "Upsample", base,
                        {"scale_factor": 1.7, "mode": mode, "recompute_scale_factor": False})
            yield _case(f"edge/Upsample/{mode}/r{r}-recompute-size", "Upsample", base,
                        {"size": 4, "mode": mode, "recompute_scale_factor": True})
            # no huge sizes: the CPU kernels build per-output index tables even for a zero batch
            yield _case(f"edge/Upsample/{mode}/r{r}-size1-in1", "Upsample",
                        base[:2] + [1] * n, {"size": 1, "mode": mode})
    for s in (0, 0.0, False, "", (), [], None, [2, 3], "2", "x", (2, None), (2, "a"), (True, 2)):
        yield _case(f"edge/Upsample/scale-{s!r}", "Upsample", [1, 2, 5, 7], {"scale_factor": s})
    yield _case("edge/Upsample/neither", "Upsample", [1, 2, 5, 7])
    yield _case("edge/Upsample/both", "Upsample", [1, 2, 5, 7], {"size": 8, "scale_factor": 2})
    yield _case("edge/Upsample/both-align", "Upsample", [1, 2, 5, 7],
                {"size": 8, "scale_factor": 2, "align_corners": True})
    yield _case("edge/Upsample/positional", "Upsample", [1, 2, 5, 7], args=(None, 2, "bilinear"))
    yield _case("edge/Upsample/unknown-kw", "Upsample", [1, 2, 5, 7], {"scale": 2})
    for s in (1.1, 0.3, 1.15, 2.675, 0.7, 1 / 3, 2 / 3, 0.29, 0.57, 1.4, 4.35):
        for length in (3, 7, 10, 20, 29, 100, 1000, 12345):
            yield _case(f"edge/Upsample/floor-{s!r}-{length}", "Upsample", [1, 1, length],
                        {"scale_factor": s})
            yield _case(f"edge/Upsample/floor-area-{s!r}-{length}", "Upsample", [1, 1, length],
                        {"scale_factor": s, "mode": "area"})
    for layer in ("UpsamplingNearest2d", "UpsamplingBilinear2d"):
        for name, kw, inp in (("scale2", {"scale_factor": 2}, [1, 2, 5, 7]),
                              ("size", {"size": (3, 9)}, [1, 2, 5, 7]),
                              ("size-int", {"size": 4}, [2, 5, 7]),
                              ("scale-tuple", {"scale_factor": (2, 0.5)}, [1, 2, 5, 7]),
                              ("scale-list", {"scale_factor": [2, 3]}, [1, 2, 5, 7]),
                              ("neither", {}, [1, 2, 5, 7]), ("r3", {"scale_factor": 2}, [1, 2, 5]),
                              ("r5", {"scale_factor": 2}, [1, 2, 3, 5, 7]),
                              ("mode-kw", {"scale_factor": 2, "mode": "nearest"}, [1, 2, 5, 7]),
                              ("zero", {"scale_factor": 0.1}, [1, 2, 5, 7]),
                              ("zero-channels", {"scale_factor": 2}, [1, 0, 5, 7]),
                              ("zero-batch", {"scale_factor": 2}, [0, 2, 5, 7])):
            yield _case(f"edge/{layer}/{name}", layer, inp, kw)


def _random(count=450, seed=90125):
    rng = random.Random(seed)
    for i in range(count):
        mode = rng.choice(MODES)
        r = rng.choice([3, 3, 4, 4, 4, 5, 5, 2, 6]) if rng.random() < 0.3 else \
            {"linear": 3, "bilinear": 4, "bicubic": 4, "trilinear": 5}.get(mode, rng.choice([3, 4, 5]))
        shape = [rng.choice([0, 1, 2, 3]), rng.choice([0, 1, 2, 3]) if rng.random() < 0.1
                 else rng.randint(1, 4)] + [rng.choice([0, 1]) if rng.random() < 0.05
                                            else rng.randint(1, 30) for _ in range(r - 2)]
        shape = shape[:r]
        kw = {"mode": mode}
        n = r - 2
        if rng.random() < 0.5:
            if rng.random() < 0.5:
                kw["scale_factor"] = rng.choice([2, 3, 0.5, round(rng.uniform(0.05, 4), rng.randint(1, 4))])
            else:
                kw["scale_factor"] = tuple(round(rng.uniform(0.1, 3.5), 2) for _ in range(max(n, 1)))
            if rng.random() < 0.15:
                kw["recompute_scale_factor"] = True
        else:
            if rng.random() < 0.4:
                kw["size"] = rng.randint(0, 40)
            else:
                sz = [rng.randint(1, 40) for _ in range(max(n, 1))]
                kw["size"] = sz if rng.random() < 0.5 else tuple(sz)
        if mode in ("linear", "bilinear", "bicubic", "trilinear") and rng.random() < 0.5:
            kw["align_corners"] = rng.random() < 0.5
        elif rng.random() < 0.03:
            kw["align_corners"] = True
        yield _case(f"rand/Upsample/{i:04d}", "Upsample", shape, kw)


def cases():
    yield from _edge()
    yield from _random()
