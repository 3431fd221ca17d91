"""Oracle cases for the padding layers (Zero/Constant/Reflection/Replication/CircularPad 1d-3d).

Systematic edge cases (every F.pad message we know of, ranks, zero sizes,
cropping, argument types) then seeded random configurations.
"""

from __future__ import annotations

import random

KINDS = ("Zero", "Constant", "Reflection", "Replication", "Circular")


def _case(cid, layer, args, inp, kwargs=None):
    return {"id": cid, "layer": layer, "args": list(args), "kwargs": kwargs or {},
            "input": list(inp), "forward_kwargs": {}}


def _args(kind, padding, value=1.5):
    return [padding, value] if kind == "Constant" else [padding]


def _edge():
    for kind in KINDS:
        for n in (1, 2, 3):
            layer = f"{kind}Pad{n}d"
            pre = f"edge/{layer}"
            k = 2 * n
            # ranks 0..n+3
            for r in range(0, n + 4):
                yield _case(f"{pre}/rank{r}", layer, _args(kind, 1), [4] * r)
            yield _case(f"{pre}/int", layer, _args(kind, 2), [2, 3] + [5] * n)
            yield _case(f"{pre}/unbatched", layer, _args(kind, 1), [3] + [4] * n)
            yield _case(f"{pre}/asym-tuple", layer, _args(kind, tuple(range(1, k + 1))),
                        [1, 2] + [9] * n)
            yield _case(f"{pre}/asym-list", layer, _args(kind, list(range(k, 0, -1))),
                        [1, 2] + [9] * n)
            yield _case(f"{pre}/zero", layer, _args(kind, 0), [1, 2] + [3] * n)
            yield _case(f"{pre}/zero-batch", layer, _args(kind, 1), [0, 2] + [3] * n)
            yield _case(f"{pre}/zero-channels", layer, _args(kind, 1), [1, 0] + [3] * n)
            yield _case(f"{pre}/zero-spatial", layer, _args(kind, 1), [1, 2] + [0] * n)
            yield _case(f"{pre}/zero-spatial-pad0", layer, _args(kind, 0), [1, 2] + [0] * n)
            yield _case(f"{pre}/zero-last", layer, _args(kind, 1), [1, 2] + [3] * (n - 1) + [0])
            yield _case(f"{pre}/unbatched-zero-channels", layer, _args(kind, 1), [0] + [3] * n)
            yield _case(f"{pre}/all-zero", layer, _args(kind, 1), [0, 0] + [3] * n)
            for p in (-1, -2, -3, -4):
                yield _case(f"{pre}/neg{-p}-size3", layer, _args(kind, p), [1, 1] + [3] * n)
            yield _case(f"{pre}/neg1-size2", layer, _args(kind, -1), [1, 1] + [2] * n)
            yield _case(f"{pre}/neg1-size1", layer, _args(kind, -1), [1, 1] + [1] * n)
            for p in (2, 3, 4):
                yield _case(f"{pre}/pad{p}-size3", layer, _args(kind, p), [1, 1] + [3] * n)
            yield _case(f"{pre}/pad-eq-size-zero-batch", layer, _args(kind, 3), [0, 1] + [3] * n)
            # one axis at a time: crop-to-zero, crop below zero, pad == size
            for axis in range(n):
                for name, pair in (("crop0", (-3, 0)), ("cropneg", (-3, -1)), ("eq", (3, 0)),
                                   ("eq-right", (0, 3)), ("mixed", (-3, 1)), ("mixed2", (4, -1)),
                                   ("crop-big", (-5, 2))):
                    pad = [0] * k
                    j = 2 * (n - 1 - axis)
                    pad[j], pad[j + 1] = pair
                    yield _case(f"{pre}/axis{axis}-{name}", layer, _args(kind, tuple(pad)),
                                [1, 1] + [3] * n)
                    yield _case(f"{pre}/axis{axis}-{name}-zero-batch", layer,
                                _args(kind, tuple(pad)), [0, 1] + [3] * n)
                    if n > 1:
                        yield _case(f"{pre}/axis{axis}-{name}-unbatched", layer,
                                    _args(kind, tuple(pad)), [2] + [3] * n)
            # two and three axes cropped: the "too small" and negative-size paths
            if n >= 2:
                for name, pad in (("two-crop0", (-3, 0, -3, 0)), ("two-cropneg", (-3, -1, -3, 0)),
                                  ("two-neg", (-3, -2, -3, -1)), ("w-neg", (-3, -2, 0, 0)),
                                  ("h-neg", (0, 0, -3, -2))):
                    full = tuple(pad) + (0,) * (k - 4)
                    yield _case(f"{pre}/{name}", layer, _args(kind, full), [1, 1] + [3] * n)
                    yield _case(f"{pre}/{name}-zero-batch", layer, _args(kind, full),
                                [0, 1] + [3] * n)
            if n == 3:
                for name, pad in (("three-crop0", (-3, 0, -3, 0, -3, 0)),
                                  ("wh-neg", (-3, -1, -3, -2, 0, 0)),
                                  ("hd-neg", (0, 0, -3, -2, -3, -1)),
                                  ("d-neg", (0, 0, 0, 0, -4, 0))):
                    yield _case(f"{pre}/{name}", layer, _args(kind, pad), [1, 1, 3, 3, 3])
            # argument forms
            for name, pad in (("float", 1.5), ("float-int", 2.0), ("bool", True), ("none", None),
                              ("str", "ab"), ("empty", ()), ("len1", (1,)), ("len3", (1, 2, 3)),
                              ("short", (1, 2) if n > 1 else (1,)),
                              ("long", tuple(range(1, k + 3))), ("long2", tuple(range(1, k + 5))),
                              ("second-float", (1, 1.5) + (1,) * (k - 2)),
                              ("second-bool", (1, True) + (1,) * (k - 2)),
                              ("second-none", (1, None) + (1,) * (k - 2)),
                              ("last-float", (1,) * (k - 1) + (2.0,)),
                              ("first-bool", (True,) + (1,) * (k - 1)),
                              ("list-float", [1.5] * k)):
                yield _case(f"{pre}/pad-{name}", layer, _args(kind, pad), [1, 2] + [5] * n)
                yield _case(f"{pre}/pad-{name}-rank{n}", layer, _args(kind, pad), [5] * n)
            yield _case(f"{pre}/kw-unknown", layer, _args(kind, 1), [1, 2] + [5] * n,
                        kwargs={"mode": "x"})
            yield _case(f"{pre}/huge-zero-batch", layer, _args(kind, 10**9), [0, 1] + [10**10 if n == 1 else 10**5] * n)
            yield _case(f"{pre}/huge-pad-zero-batch", layer, _args(kind, 10**9), [0, 1] + [3] * n)
            yield _case(f"{pre}/huge-crop-zero-batch", layer, _args(kind, -(10**9)),
                        [0, 1] + [3 * 10**9 if n == 1 else 10**5] * n)
    for value in ("a", None, True, 2, [1], 1e300):
        yield _case(f"edge/ConstantPad1d/value-{value!r}", "ConstantPad1d", [1, value], [1, 2, 5])
    yield _case("edge/ConstantPad1d/missing-value", "ConstantPad1d", [1], [1, 2, 5])
    yield _case("edge/ConstantPad1d/float-pad-str-value", "ConstantPad1d", [1.5, "a"], [1, 2, 5])
    yield _case("edge/ConstantPad2d/value-kw", "ConstantPad2d", [], [1, 2, 5, 5],
                kwargs={"padding": 1, "value": 2.0})
    yield _case("edge/ZeroPad2d/value-kw", "ZeroPad2d", [1], [1, 2, 5, 5], kwargs={"value": 2.0})
    yield _case("edge/ZeroPad2d/too-many-args", "ZeroPad2d", [1, 2], [1, 2, 5, 5])
    yield _case("edge/ReflectionPad1d/no-args", "ReflectionPad1d", [], [1, 2, 5])
    for value in (1e300, 3.5e38, 3.4028235e38, -1e39, float("inf"), 10**40):
        for name, pad, inp in (("pad", 1, [1, 1, 3]), ("zero-batch", 1, [0, 1, 3]),
                               ("crop", (-1, 0), [1, 1, 3])):
            yield _case(f"edge/ConstantPad1d/value-{value!r}-{name}", "ConstantPad1d",
                        [pad, value], inp)
    # circular: the internal copies (overlap with one sample, broadcast mismatches)
    for size in (3, 4, 5):
        for pl in range(-size - 1, size + 1):
            for pr in range(-size - 1, size + 1):
                for batch in ([1, 1], [2, 1], [0, 1], [1]):
                    if (pl, pr) != (0, 0) and (pl < 0 or pr < 0 or size == 3):
                        yield _case(f"edge/CircularPad1d/copy-{size}-{pl}-{pr}-{len(batch)}{batch[0]}",
                                    "CircularPad1d", [(pl, pr)], batch + [size])
    for pad in ((0, -2, -5, 2), (0, -2, -5, 1), (2, 0, -3, 0), (-3, 2, 0, 0), (1, 1, -2, 3)):
        for inp in ([1, 6, 11], [2, 6, 11], [1, 1, 6, 11], [1, 1, 1, 11], [1, 2, 6, 11]):
            yield _case(f"edge/CircularPad2d/copy-{pad}-{inp}", "CircularPad2d", [pad], inp)
    # conv-style higher-rank constant padding
    yield _case("edge/ZeroPad1d/pad-all-dims", "ZeroPad1d", [(1, 2, 3, 4, 5, 6, 7, 8)], [1, 1, 3, 3])
    yield _case("edge/ReflectionPad2d/six-on-4d", "ReflectionPad2d", [(1, 2, 1, 1, 1, 1)],
                [1, 1, 3, 3])
    yield _case("edge/ReflectionPad2d/six-on-5d", "ReflectionPad2d", [(1, 2, 1, 1, 1, 1)],
                [1, 1, 3, 3, 3])
    yield _case("edge/CircularPad2d/six-on-4d", "CircularPad2d", [(1, 2, 3, 4, 5, 6)],
                [1, 6, 6, 6])
    yield _case("edge/CircularPad1d/four-on-3d", "CircularPad1d", [(1, 2, 3, 4)], [2, 5, 5])


def _random(count=520, seed=20251):
    rng = random.Random(seed)
    for i in range(count):
        kind = rng.choice(KINDS)
        n = rng.randint(1, 3)
        layer = f"{kind}Pad{n}d"
        k = 2 * n
        batched = rng.random() < 0.7
        sizes = [rng.choice([0, 1, 2, 3, 5, 8, 13, rng.randint(1, 40)]) if rng.random() < 0.15
                 else rng.randint(1, 12) for _ in range(n)]
        shape = ([rng.choice([0, 1, 2, 3])] if batched else []) + [rng.choice([0, 1, 2, 4])
                                                                   if rng.random() < 0.1
                                                                   else rng.randint(1, 4)] + sizes
        if rng.random() < 0.05:
            shape = [rng.randint(1, 3) for _ in range(rng.randint(0, 6))]
        form = rng.random()
        if form < 0.3:
            pad = rng.randint(-4, 6)
        else:
            pad = tuple(rng.randint(-6, 8) for _ in range(k))
            if form > 0.9:
                pad = list(pad)
        yield _case(f"rand/{layer}/{i:04d}", layer, _args(kind, pad, rng.choice([0.0, 1.5, -2])),
                    shape)


def _huge_constant():
    """Constant padding near int64's limits: pads below -2**62 (no SymInt), sizes that wrap
    around, outputs torch cannot allocate. After the random cases, so that adding them left
    the earlier records unchanged."""
    for pad, inp in [((-2**62 - 1, 0), [1, 1, 5]), ((-2**62, 0), [1, 1, 5]), ((-2**63, 3), [1, 1, 5]),
                     ((2**62, 2**62), [1, 1, 5]), ((2**62, 2**62), [0, 1, 5]),
                     ((2**62, 2**62 - 6), [1, 1, 5]), ((2**62, 2**62 - 5), [0, 1, 5]),
                     ((2**34, 0), [1, 1, 5]), ((2**34, 0), [0, 1, 5]), ((2**61, 0), [1, 1, 5]),
                     ((2**63 - 1, -5), [1, 1, 5]), ((2**63 - 1, 1), [1, 1, 5])]:
        yield _case(f"edge/ConstantPad1d/huge-{pad}-{inp}", "ConstantPad1d", [pad, 0.0], inp)
    yield _case("edge/ZeroPad2d/huge-wrap-second-dim", "ZeroPad2d", [(0, 0, 2**62, 2**62)], [1, 1, 3, 3])
    yield _case("edge/ZeroPad2d/huge-alloc", "ZeroPad2d", [(2**16, 2**16, 2**16, 2**16)], [1, 1, 3, 3])


def cases():
    yield from _edge()
    yield from _random()
    yield from _huge_constant()
