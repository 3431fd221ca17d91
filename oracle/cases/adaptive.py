"""Oracle cases for AdaptiveAvgPool1d/2d/3d and AdaptiveMaxPool1d/2d/3d.

Systematic edge cases (output_size forms, None entries, ranks, empty dims,
negative sizes, the all-ones mean shortcut, orderings of two wrong things)
then seeded random configurations.
"""

from __future__ import annotations

import random

LAYERS = [f"Adaptive{k}Pool{n}d" for k in ("Avg", "Max") for n in (1, 2, 3)]


def _case(cid, layer, args, inp, kwargs=None):
    return {"id": cid, "layer": layer, "args": list(args), "kwargs": kwargs or {},
            "input": list(inp), "forward_kwargs": {}}


def _edge():
    for layer in LAYERS:
        n = int(layer[-2])
        pre = f"edge/{layer}"
        sp = [5] * n
        forms = {
            "int2": 2, "int1": 1, "int0": 0, "neg1": -1, "neg2": -2, "big": 7, "none": None,
            "float": 1.5, "float-int": 2.0, "bool": True, "false": False, "str": "ab",
            "str1": "a", "empty-tuple": (), "empty-list": [], "tuple": tuple(range(2, n + 2)),
            "list": list(range(2, n + 2)), "ones": (1,) * n, "ones-list": [1] * n,
            "all-none": (None,) * n, "first-none": (None,) + (3,) * (n - 1),
            "last-none": (3,) * (n - 1) + (None,), "too-long": (3,) * (n + 1),
            "too-short": (3,) * max(n - 1, 1), "len1": [3], "first-bool": (True,) + (2,) * (n - 1),
            "last-bool": (2,) * (n - 1) + (True,), "last-float": (2,) * (n - 1) + (1.5,),
            "first-float": (1.5,) + (2,) * (n - 1), "first-neg": (-1,) + (2,) * (n - 1),
            "last-neg": (2,) * (n - 1) + (-3,), "zero-one": (0,) + (1,) * (n - 1),
            "neg-one": (-1,) + (1,) * (n - 1), "mixed-none-neg": (None,) + (-1,) * (n - 1),
            "last-str": (2,) * (n - 1) + ("x",), "huge": 10**9,
        }
        shapes = {
            "batched": [2, 3] + sp, "unbatched": [3] + sp, "rank-low": sp[:-1] or [],
            "rank0": [], "rank1": [5], "rank-spatial": sp, "rank-high": [1, 2, 3] + sp,
            "zero-batch": [0, 3] + sp, "zero-channels": [1, 0] + sp, "zero-last": [1, 3] + sp[:-1] + [0],
            "zero-first-spatial": [1, 3, 0] + sp[1:], "unbatched-zero-c": [0] + sp,
            "unbatched-zero-last": [3] + sp[:-1] + [0], "size1": [1, 3] + [1] * n,
            "all-zero-spatial": [1, 3] + [0] * n, "zero-batch-zero-c": [0, 0] + sp,
        }
        for fname, form in forms.items():
            for sname, shape in shapes.items():
                if sname in ("batched", "unbatched", "zero-channels", "zero-last", "rank-low",
                             "rank-spatial", "rank0") or fname in ("int2", "int1", "neg1", "ones",
                                                                   "tuple", "too-long",
                                                                   "too-short", "int0",
                                                                   "all-none"):
                    yield _case(f"{pre}/{fname}/{sname}", layer, [form], shape)
        yield _case(f"{pre}/kw-output_size", layer, [], [1, 3] + sp, kwargs={"output_size": 3})
        yield _case(f"{pre}/no-args", layer, [], [1, 3] + sp)
        yield _case(f"{pre}/unknown-kw", layer, [3], [1, 3] + sp, kwargs={"ceil_mode": True})
        if "Max" in layer:
            for ri in (True, 1, "yes", None):
                yield _case(f"{pre}/return_indices-{ri!r}", layer, [3], [1, 3] + sp,
                            kwargs={"return_indices": ri})
        else:
            yield _case(f"{pre}/extra-positional", layer, [3, True], [1, 3] + sp)
        yield _case(f"{pre}/huge-in-zero-batch", layer, [3], [0, 3, 10**9] + [5] * (n - 1))
        yield _case(f"{pre}/huge-out-zero-batch", layer, [10**9], [0, 3] + sp)
        yield _case(f"{pre}/huge10-out-zero-batch", layer, [10**10], [0, 3] + sp)
        yield _case(f"{pre}/upsampling", layer, [(9,) * n], [1, 2] + [4] * n)


def _random(count=420, seed=7031):
    rng = random.Random(seed)
    for i in range(count):
        layer = rng.choice(LAYERS)
        n = int(layer[-2])
        batched = rng.random() < 0.7
        spatial = [rng.choice([0, 1, 2, 3]) if rng.random() < 0.08 else rng.randint(1, 40)
                   for _ in range(n)]
        shape = ([rng.choice([0, 1, 2, 4])] if batched else []) + [
            0 if rng.random() < 0.05 else rng.randint(1, 8)] + spatial
        if rng.random() < 0.05:
            shape = [rng.randint(1, 4) for _ in range(rng.randint(0, 6))]
        r = rng.random()
        if r < 0.3:
            out = rng.randint(-1, 20)
        else:
            vals = [None if (n > 1 and rng.random() < 0.2) else rng.randint(-1 if rng.random() < 0.05 else 0, 20)
                    for _ in range(n if rng.random() < 0.95 else rng.randint(0, 4))]
            out = vals if r > 0.8 else tuple(vals)
        kwargs = {"return_indices": rng.random() < 0.5} if "Max" in layer else {}
        yield _case(f"rand/{layer}/{i:04d}", layer, [out], shape, kwargs)


def cases():
    yield from _edge()
    yield from _random()
