"""Keras reshaping cases: ZeroPadding/Cropping/UpSampling 1-3D, Flatten, Reshape; edges plus seeded random."""

from __future__ import annotations

import random


def cases():
    k = 0

    def case(layer, kwargs, input_, tag=""):
        nonlocal k
        k += 1
        return {"id": f"reshape-{k:04d}-{layer}-{tag}", "layer": layer, "kwargs": kwargs,
                "input": input_}

    for n in (1, 2, 3):
        x = [2, *([5] * n), 3]
        first = [2, 3, *([5] * n)]
        for fam in ("ZeroPadding", "Cropping", "UpSampling"):
            layer = f"{fam}{n}D"
            arg = {"ZeroPadding": "padding", "Cropping": "cropping", "UpSampling": "size"}[fam]
            yield case(layer, {}, x, "default")
            values = [0, 1, 2, -1, (1, 2), (0, 3), (1, 2, 3), (2,), "2", 1.5, True, None, ((1, 0), (0, 2)),
                      ((1, 0), (0, 2), (2, 1)), ((1, 2, 3), (1, 1)), ((-1, 0), (0, 0)), (1, -1)]
            for v in values:
                yield case(layer, {arg: v}, x, f"{arg}{v}")
            if fam != "Cropping" or n > 1:
                yield case(layer, {"data_format": "channels_first"}, first, "first")
                yield case(layer, {"data_format": "channels_first", arg: 2}, first, "first2")
                yield case(layer, {"data_format": "bad"}, x, "dfbad")
            yield case(layer, {arg: 2}, [None, *([None] * n), 3], "nonespatial")
            yield case(layer, {arg: 2}, [None, *([5] * n), None], "nonechan")
            yield case(layer, {arg: 2}, [0, *([5] * n), 3], "zerobatch")
            yield case(layer, {arg: 2}, [1, *([0] * n), 3], "zerospatial")
            yield case(layer, {arg: 2}, [1, *([4] * n), 3], "four")
            yield case(layer, {arg: 2}, [1, *([5] * (n - 1)), 4, 3], "crop-edge")
            yield case(layer, {arg: 1}, [1, *([5] * n)], "rankminus")
            yield case(layer, {arg: 1}, [1, *([5] * (n + 1)), 3], "rankplus")
            yield case(layer, {arg: 1}, [5], "rank1")
            yield case(layer, {"bogus": 1}, x, "badkw")
        yield case(f"ZeroPadding{n}D", {"padding": -2}, [1, *([3] * n), 2], "negcrop")
        yield case(f"ZeroPadding{n}D", {"padding": -3}, [1, *([5] * n), 2], "negcrop-zero")
        yield case(f"ZeroPadding{n}D", {"padding": -2}, [1, *([3] * n), 2], "negcrop-neg")
    yield case("Cropping1D", {"data_format": "channels_first"}, [1, 3, 5], "nodf")
    yield case("Cropping1D", {"cropping": (2, 2)}, [1, 4, 3], "exact")
    yield case("Cropping1D", {"cropping": (2, 1)}, [1, 4, 3], "leaves1")
    for interp in ("nearest", "bilinear", "bicubic", "NEAREST", "lanczos3", "area", "foo", 3):
        yield case("UpSampling2D", {"interpolation": interp}, [1, 3, 4, 2], f"interp{interp}")
    yield case("UpSampling1D", {"size": 3.0}, [1, 3, 2], "float")
    yield case("UpSampling1D", {"size": 0}, [1, 3, 2], "zero")
    # Flatten
    for x in ([2, 3, 4, 5], [None, 3, 4], [None, None, 4], [2, 3], [3], [], [0, 3, 4], [2, 0, 5],
              [2, 3, 4, 5, 6, 7], [None, 10 ** 6, 10 ** 6, 3]):
        yield case("Flatten", {}, x, f"x{len(x)}-{x[-1] if x else 'e'}")
        yield case("Flatten", {"data_format": "channels_first"}, x, f"first{len(x)}")
    yield case("Flatten", {"data_format": "x"}, [2, 3], "dfbad")
    yield case("Flatten", {"bogus": 1}, [2, 3], "badkw")
    # Reshape
    for t in ((12,), (-1,), (3, 4), (4, -1), (-1, 5), (5,), (2, 2, 3), (-1, -1), (-2, 6), (0,),
              (0, -1), (12, 1, 1), (6, None), [3, 4], 12, "34", (3.0, 4)):
        for x in ([2, 3, 4], [None, 3, 4], [2, None, 4], [0, 3, 4], [2, 0, 4]):
            yield case("Reshape", {"target_shape": t}, x, f"{t}-{x}")
    yield case("Reshape", {"target_shape": (3,)}, [3], "rank1")
    yield case("Reshape", {}, [2, 3], "missing")
    rng = random.Random(11)
    fams = ["ZeroPadding", "Cropping", "UpSampling"]
    for i in range(240):
        fam = rng.choice(fams)
        n = rng.randint(1, 3)
        layer = f"{fam}{n}D"
        kw = {}
        if fam == "UpSampling":
            s = [rng.randint(1, 4) for _ in range(n)]
            kw["size"] = s[0] if n == 1 or rng.random() < 0.4 else tuple(s)
        else:
            arg = "padding" if fam == "ZeroPadding" else "cropping"
            pairs = [(rng.randint(0, 4), rng.randint(0, 4)) for _ in range(n)]
            if n == 1:
                kw[arg] = pairs[0] if rng.random() < 0.6 else pairs[0][0]
            else:
                r = rng.random()
                kw[arg] = (tuple(pairs) if r < 0.5 else tuple(p[0] for p in pairs) if r < 0.8
                           else pairs[0][0])
        first = n > 1 or fam != "Cropping"
        first = first and rng.random() < 0.3
        if first:
            kw["data_format"] = "channels_first"
        spatial = [rng.randint(1, {1: 30, 2: 10, 3: 6}[n]) for _ in range(n)]
        if rng.random() < 0.1:
            spatial[rng.randrange(n)] = None
        c = rng.randint(1, 4)
        batch = rng.choice([1, 2, None])
        x = [batch, c, *spatial] if first else [batch, *spatial, c]
        yield case(layer, kw, x, f"rand{i}")
