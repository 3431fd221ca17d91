"""Independent cross-check of conv_calc.keras against real Keras 3: odd argument forms.

Written apart from the family generators (conv, pooling, reshaping, core) and
deliberately unlike them: every layer of ``conv_calc.keras.LAYERS``; arguments
given positionally as well as by keyword; ints vs tuples vs lists; strings in
odd case; zero, negative, huge (2**31, 10**20), float and bool values; None
batch and spatial dims; two and three wrong arguments at once (which one does
Keras report?); plus seeded random configurations over wide ranges with errors
mixed in. ``cases(n_random, seed)`` lets a scratch explorer draw many more.

Safety: weight-bearing sizes (filters, kernel, units, depth_multiplier) are
only made huge on inputs holding an unknown dim, so the oracle never calls
(and never allocates) such a layer.
"""

from __future__ import annotations

import itertools
import random
import re

CONV = ["Conv1D", "Conv2D", "Conv3D"]
TRANS = ["Conv1DTranspose", "Conv2DTranspose", "Conv3DTranspose"]
DEPTH = ["DepthwiseConv1D", "DepthwiseConv2D"]
SEP = ["SeparableConv1D", "SeparableConv2D"]
CONVS = CONV + TRANS + DEPTH + SEP
POOL = [f"{k}Pooling{n}D" for k in ("Max", "Average") for n in (1, 2, 3)]
GLOBAL = [f"Global{k}Pooling{n}D" for k in ("Max", "Average") for n in (1, 2, 3)]
ZPAD = [f"ZeroPadding{n}D" for n in (1, 2, 3)]
CROP = [f"Cropping{n}D" for n in (1, 2, 3)]
UPS = [f"UpSampling{n}D" for n in (1, 2, 3)]

#: Keras's positional order (keras/src/layers/**: each class's __init__), written out here
#: rather than read from conv-calc so that a wrong conv-calc signature shows up.
POSITIONAL = {
    **{k: ["filters", "kernel_size", "strides", "padding", "data_format", "dilation_rate",
           "groups", "activation", "use_bias"] for k in CONV},
    **{k: ["filters", "kernel_size", "strides", "padding", "output_padding", "data_format",
           "dilation_rate", "activation", "use_bias"] for k in TRANS},
    **{k: ["kernel_size", "strides", "padding", "depth_multiplier", "data_format",
           "dilation_rate", "activation", "use_bias"] for k in DEPTH},
    **{k: ["filters", "kernel_size", "strides", "padding", "data_format", "dilation_rate",
           "depth_multiplier", "activation", "use_bias"] for k in SEP},
    **{k: ["pool_size", "strides", "padding", "data_format"] for k in POOL},
    **{k: ["data_format", "keepdims"] for k in GLOBAL},
    **{k: ["padding", "data_format"] for k in ZPAD},
    "Cropping1D": ["cropping"], "Cropping2D": ["cropping", "data_format"],
    "Cropping3D": ["cropping", "data_format"],
    "UpSampling1D": ["size"], "UpSampling2D": ["size", "data_format", "interpolation"],
    "UpSampling3D": ["size", "data_format"],
    "Flatten": ["data_format"], "Reshape": ["target_shape"],
    "Dense": ["units", "activation", "use_bias"],
    "BatchNormalization": ["axis", "momentum", "epsilon", "center", "scale"],
    "Activation": ["activation"], "ReLU": ["max_value", "negative_slope", "threshold"],
    "LeakyReLU": ["negative_slope"], "Dropout": ["rate", "noise_shape", "seed"],
    "Add": [], "Concatenate": ["axis"],
}

HUGE = [2 ** 31, 2 ** 63, 10 ** 20]


def rank(layer: str) -> int:
    m = re.search(r"(\d)D", layer)
    return int(m.group(1)) if m else 0


def big(n: int) -> int:
    """A huge spatial size whose zero-batch array numpy can still describe."""
    return {1: 10 ** 9, 2: 10 ** 6}.get(n, 10 ** 4)


def has_df(layer: str) -> bool:
    return "data_format" in POSITIONAL[layer]


def base(layer: str) -> dict:
    """A valid keyword configuration (small, so calls stay cheap)."""
    if layer in CONV or layer in TRANS or layer in SEP:
        return {"filters": 4, "kernel_size": 2}
    if layer in DEPTH:
        return {"kernel_size": 2}
    if layer in POOL:
        return {"pool_size": 2}
    return {"Reshape": {"target_shape": (-1,)}, "Dense": {"units": 3},
            "Activation": {"activation": "relu"}, "Dropout": {"rate": 0.5}}.get(layer, {})


def x_in(layer: str, size=6, c=4, batch=2, first=False) -> list:
    n = rank(layer)
    if layer in ("Add", "Concatenate"):
        return [[batch, size, c], [batch, size, c]]
    if n == 0:
        return [batch, size, size, c]
    sp = list(size) if isinstance(size, (list, tuple)) else [size] * n
    return [batch, c, *sp] if first else [batch, *sp, c]


def per_axis_zoo(n: int) -> list:
    """Odd values for an integer-or-tuple argument of an n-d layer."""
    vals = [1, 3, 0, -1, True, False, 2.0, 2.5, "2", None, (2,) * n, [2] * n, (3,) * (n + 1),
            (), [], (2, 0, 1)[:n], (1, -2, 1)[:n], [2.0] * n, (True,) * n, [None] * n, HUGE[0],
            HUGE[2], ("2",) * n]
    if n > 1:
        vals += [(2,) * (n - 1), [3] * (n - 1)]
    return vals


PADDING_ZOO = ["valid", "same", "SAME", "Valid", "sAmE", "causal", "CAUSAL", "full", "", None, 1,
               ["same"], ("valid",)]
DF_ZOO = ["channels_first", "channels_last", "CHANNELS_FIRST", "Channels_Last", "nhwc", "", None,
          1, True]


#: share of each systematic section kept in the committed file (the explorer takes all)
KEEP = {"w": 0.2, "op": 0.07, "g": 0.08, "ps": 0.15, "psP": 0.15, "strides": 0.2,
        "padding": 0.2, "kernel_size": 0.2, "dilation_rate": 0.2, "df": 0.2, "kw": 0.3,
        "pool_size": 0.3, "reshape": 0.3, "dense": 0.4, "bias": 0.2, "interp": 0.4,
        "cropping": 0.5, "size": 0.5, "output_padding": 0.5, "groups": 0.5, "sd": 0.5}


def _section(case_id: str) -> str:
    tag = case_id.split("-", 3)[3]
    return re.split(r"[-(0-9]", tag)[0] or tag[:3]


def cases(n_random: int = 420, seed: int = 20250917, full: bool = False):
    """The committed cases (``full=True``: every systematic case, for exploration)."""
    pick = random.Random(seed + 7)
    yield from regressions()
    for case in _systematic(n_random, seed):
        if full or case["id"].split("-", 3)[3].startswith("rand"):
            yield case
            continue
        if pick.random() < KEEP.get(_section(case["id"]), 0.7):
            yield case


def regressions():
    """Every mismatch class the cross-check found and fixed, literally (ids ``xk-fix-*``)."""
    n = 0

    def fix(layer, kwargs, input_, args=None):
        nonlocal n
        n += 1
        out = {"id": f"xk-fix-{n:03d}-{layer}", "layer": layer, "kwargs": kwargs, "input": input_}
        if args:
            out["args"] = args
        return out

    # Conv3DTranspose's positional order puts data_format before output_padding
    yield fix("Conv3DTranspose", {}, [2, 8, 8, 8, 4],
              args=[2, 3, 1, "Same", None, "channels_last", 1, "relu", False])
    yield fix("Conv3DTranspose", {}, [0, 2, 4, 5, 4], args=[8, [3, 3, 2], [1, 3, 1], "valid", 1])
    yield fix("Conv3DTranspose", {}, [1, 2, 4, 5, 4],
              args=[2, 2, 2, "valid", "channels_first", 1])
    # Add inherits Merge.__init__ (Python's positional-argument TypeError names Merge)
    yield fix("Add", {}, [[2, 6, 4], [2, 6, 4]], args=[None])
    yield fix("Add", {}, [[2, 6, 4], [2, 6, 4]], args=[None, None, None])
    # activations.get(activation) runs before filters / groups / depth_multiplier checks
    yield fix("Conv1D", {"filters": -1, "kernel_size": 2, "activation": "nope"}, [2, 5, 3])
    yield fix("Conv2D", {"filters": None, "kernel_size": 2, "activation": "nope"}, [2, 5, 5, 3])
    yield fix("Conv1D", {"filters": 4, "kernel_size": 2, "groups": 0, "activation": "nope"},
              [2, 5, 3])
    yield fix("Conv1D", {}, [2, 5, 3], args=[4, 2, 1, "causal", None, 1, 1, "nope"])
    yield fix("DepthwiseConv1D", {"depth_multiplier": 0, "activation": "nope"}, [2, 5, 3],
              args=[2])
    yield fix("Conv2DTranspose", {"output_padding": 5, "activation": "nope"}, [2, 5, 5, 3],
              args=[4, 2])
    yield fix("SeparableConv1D", {"filters": 0, "kernel_size": 2, "activation": "Relu"},
              [2, 5, 3])
    yield fix("Conv2D", {"filters": 4, "kernel_size": 2, "activation": "nope", "use_bias": "x"},
              [2, 5, 5, 3])
    # a list set on a layer becomes Keras's TrackedList (named in comparison TypeErrors)
    yield fix("Conv1D", {"filters": [4], "kernel_size": 2}, [2, 5, 4])
    yield fix("Conv2D", {"filters": 4, "kernel_size": 2, "groups": [2]}, [2, 5, 5, 4])
    yield fix("Conv1DTranspose", {"filters": [4], "kernel_size": 2}, [2, 5, 4])
    yield fix("DepthwiseConv2D", {"kernel_size": 2, "depth_multiplier": [2]}, [2, 5, 5, 4])
    yield fix("SeparableConv1D", {"filters": [3], "kernel_size": 2}, [2, 5, 4])
    # pools do not lower-case padding; an unknown one is reported before a rank mismatch
    yield fix("AveragePooling3D", {}, [0, 6, 7, 3, 4, 2], args=[(3, 3, 2), (2, 2, 5), "Same"])
    yield fix("MaxPooling2D", {"pool_size": 2, "padding": "foo"}, [2, 6, 6, 6, 3])
    yield fix("MaxPooling2D", {"pool_size": 2, "padding": "same"}, [2, 6, 6, 6, 3])
    # bool / float / beyond-int64 strides and dilations reach torch's argument parser
    for layer, kw in [("Conv1D", {"strides": True}), ("Conv2D", {"strides": [2.0, 2.0]}),
                      ("Conv3D", {"dilation_rate": (True, 1, 1)}),
                      ("Conv1D", {"strides": 10 ** 20}), ("Conv1D", {"strides": 2 ** 31}),
                      ("Conv1DTranspose", {"strides": True}),
                      ("Conv2DTranspose", {"strides": [2.0, 2.0]}),
                      ("Conv1DTranspose", {"strides": 4, "output_padding": [2.0]}),
                      ("Conv1DTranspose", {"strides": 4, "output_padding": True}),
                      ("DepthwiseConv2D", {"strides": [2.0, 2.0]}),
                      ("DepthwiseConv1D", {"dilation_rate": 2.0}),
                      ("SeparableConv1D", {"strides": True}),
                      ("SeparableConv2D", {"strides": (1, 2.0), "padding": "same"})]:
        base_kw = {"kernel_size": 2} if layer.startswith("Depthwise") else {"filters": 4,
                                                                            "kernel_size": 2}
        yield fix(layer, {**base_kw, **kw}, x_in(layer, size=7))
    # pools: float sizes compute as numpy floats; the call fails in torch's parser
    for layer, kw in [("MaxPooling1D", {"pool_size": [2.0]}),
                      ("AveragePooling2D", {"pool_size": 2, "strides": [2.0, 2.0]}),
                      ("MaxPooling3D", {"pool_size": 2, "strides": True}),
                      ("AveragePooling1D", {"pool_size": (True,)}),
                      ("MaxPooling1D", {"pool_size": 10 ** 20}),
                      ("AveragePooling2D", {"pool_size": 2, "strides": 10 ** 20}),
                      ("AveragePooling1D", {"pool_size": 2, "strides": 2 ** 31}),
                      ("MaxPooling2D", {"pool_size": 2, "strides": 2 ** 31}),
                      ("MaxPooling1D", {"pool_size": 2, "strides": 2 ** 31}),
                      ("MaxPooling2D", {"pool_size": True, "padding": "Same",
                                        "data_format": "channels_first"}),
                      ("MaxPooling1D", {"pool_size": 2, "padding": None}),
                      ("AveragePooling2D", {"pool_size": 2, "padding": ["same"]}),
                      ("AveragePooling3D", {"pool_size": 2, "strides": 0, "padding": 1})]:
        yield fix(layer, kw, x_in(layer, size=7, first="data_format" in kw))
    # global pools: keepdims must be a bool for torch (after GlobalMax's empty check)
    for layer, kd, x in [("GlobalAveragePooling2D", 1, [2, 3, 3, 4]),
                         ("GlobalMaxPooling1D", "yes", [2, 3, 4]),
                         ("GlobalMaxPooling1D", 0, [0, 4, 2]),
                         ("GlobalAveragePooling3D", None, [0, 2, 2, 2, 1])]:
        yield fix(layer, {"keepdims": kd}, x)
    # 'same' / 'causal' on a zero-size spatial dim: torch's kernel-size RuntimeError
    yield fix("Conv3D", {"data_format": "channels_first", "filters": 1, "kernel_size": (2, 3, 1),
                         "strides": (5, 1, 5), "padding": "same"}, [1, 4, 5, 7, 0])
    yield fix("Conv1D", {"filters": 2, "kernel_size": 3, "padding": "causal"}, [2, 0, 3])
    yield fix("DepthwiseConv2D", {"kernel_size": 3, "padding": "same"}, [0, 0, 5, 3])
    yield fix("SeparableConv2D", {"filters": 2, "kernel_size": 1, "padding": "same"},
              [1, 4, 0, 3])
    # kernels that cannot be created
    yield fix("Conv1DTranspose", {"filters": None, "kernel_size": 2}, [2, 5, 4])
    yield fix("Conv3DTranspose", {"filters": None, "kernel_size": 2}, [2, 5, 5, 5, 4])
    yield fix("SeparableConv1D", {"filters": 3.0, "kernel_size": 2}, [2, 5, 4])
    yield fix("SeparableConv2D", {"data_format": "Channels_first", "filters": 2.0,
                                  "kernel_size": [7, 1], "strides": (3, 5), "padding": "same",
                                  "depth_multiplier": 4}, [1, 8, 7, 16])
    # float pads / crops fail in the call; bool pads do not
    yield fix("ZeroPadding2D", {"padding": ((1.0, 2), (0, 0))}, [2, 6, 6, 2])
    yield fix("Cropping2D", {"cropping": ((1.0, 2), (0, 0))}, [2, 6, 6, 2])
    yield fix("Cropping3D", {"cropping": 1.0}, [2, 6, 6, 6, 2])
    yield fix("ZeroPadding1D", {"padding": True}, [2, 6, 2])
    # Concatenate: build computes axis % rank first; a single input never reads the axis
    for axis in (None, 1.0, "1"):
        for shapes in ([[2, 3, 4], [2, 3, 5]], [[2, 3, 4]], [[None, 3, 4], [2, None, 5]]):
            yield fix("Concatenate", {"axis": axis}, shapes)
    yield fix("Concatenate", {"axis": 0}, [[], []])
    # SeparableConv's build multiplies depth_multiplier * channels before anything else
    yield fix("SeparableConv2D", {"filters": 4, "kernel_size": 2, "depth_multiplier": None},
              [2, 3, 3, 1, 2])
    # bilinear / bicubic upsampling of empty images: ValueError (spatial) or RuntimeError
    for interp in ("bilinear", "bicubic"):
        for df in ("channels_first", "channels_last"):
            for x in ([0, 0, 8, 2], [2, 3, 0, 2], [2, 0, 4, 2], [2, 3, 4, 0], [0, 3, 4, 2]):
                yield fix("UpSampling2D", {"interpolation": interp, "data_format": df}, x)
    # float dilation printed by numpy as [2. 2.] in the output-size message
    yield fix("Conv2D", {"data_format": "channels_first", "dilation_rate": [2.0, 2.0]},
              [2, 1, 3, 0], args=[4, 2])
    yield fix("Conv1D", {"dilation_rate": 2.5}, [2, 3, 1], args=[4, 2])
    # numpy prints a bool array as [ True]
    yield fix("AveragePooling1D", {"pool_size": (True,), "strides": (2,)}, [None, 0, 2])
    yield fix("MaxPooling2D", {"pool_size": (True, False), "strides": 1}, [1, 0, 3, 2])
    # transposed conv whose 'same' output would be negative (zero batch): torch refuses
    yield fix("Conv3DTranspose", {"filters": 4, "kernel_size": 2, "strides": 5, "padding": "SAME",
                                  "output_padding": False, "data_format": "channels_first"},
              [0, 2, 0, 2, 1])


def _systematic(n_random: int, seed: int):
    k = 0

    def case(layer, kwargs, input_, tag, args=None):
        nonlocal k
        k += 1
        out = {"id": f"xk-{k:05d}-{layer}-{tag}", "layer": layer, "kwargs": dict(kwargs),
               "input": input_}
        if args:
            out["args"] = list(args)
        return out

    def positional(layer, kw):
        """Split ``kw`` into the longest Keras-positional prefix plus keywords."""
        order = POSITIONAL[layer]
        args = []
        rest = dict(kw)
        for name in order:
            if name not in rest:
                break
            args.append(rest.pop(name))
        return args, rest

    # --- 1. every layer, positional vs keyword, with a few inputs ----------------------------
    for layer, order in POSITIONAL.items():
        n = rank(layer)
        kw = base(layer)
        for first in ((False, True) if has_df(layer) else (False,)):
            kwf = dict(kw)
            if first:
                kwf["data_format"] = "channels_first"
            inputs = [x_in(layer, first=first)]
            if layer not in ("Add", "Concatenate"):
                inputs += [[None, *x_in(layer, first=first)[1:]]]
                if n:
                    sp = [None] * n
                    inputs.append([None, 3, *sp] if first else [None, *sp, 3])
            for j, x in enumerate(inputs):
                yield case(layer, kwf, x, f"kw{int(first)}{j}")
                args, rest = positional(layer, kwf)
                if args:
                    yield case(layer, rest, x, f"pos{int(first)}{j}", args=args)
        # every positional argument filled, with a valid value each
        full = {"filters": 2, "kernel_size": 3, "strides": 1, "padding": "Same",
                "data_format": "channels_last", "dilation_rate": 1, "groups": 1,
                "output_padding": None, "depth_multiplier": 2, "activation": "relu",
                "use_bias": False, "pool_size": 3, "keepdims": True, "cropping": 1,
                "size": 2, "interpolation": "bilinear", "target_shape": (-1, 2), "units": 5,
                "axis": -1, "momentum": 0.5, "epsilon": 0.01, "center": False, "scale": False,
                "max_value": 6.0, "negative_slope": 0.1, "threshold": 0.0, "rate": 0.2,
                "noise_shape": None, "seed": 1}
        if layer.startswith(("ZeroPadding",)):
            full["padding"] = 1
        vals = [full[a] for a in order]
        if vals:
            yield case(layer, {}, x_in(layer, size=8), "posall", args=vals)
            # a keyword repeating a positional one: Python's own TypeError
            yield case(layer, {order[0]: vals[0]}, x_in(layer, size=8), "posdup", args=vals[:1])
        # one positional argument too many
        yield case(layer, {}, x_in(layer), "postoomany", args=vals + ([None] * 12))

    # --- 2. odd values for every per-axis argument ---------------------------------------------
    for layer in CONVS + POOL + ZPAD + CROP + UPS:
        n = rank(layer)
        kw0 = base(layer)
        for arg in ("kernel_size", "strides", "dilation_rate", "output_padding", "pool_size",
                    "size"):
            if arg not in POSITIONAL[layer]:
                continue
            for v in per_axis_zoo(n):
                heavy = arg == "kernel_size" and isinstance(v, int) and v in HUGE
                x = x_in(layer, size=7)
                if heavy or (arg == "size" and v in HUGE):
                    x = [None, *x[1:]]
                kw = {**kw0, arg: v}
                if arg == "output_padding":
                    kw["strides"] = 4
                yield case(layer, kw, x, f"{arg}-{v!r}")
        for v in PADDING_ZOO:
            if "padding" in POSITIONAL[layer] and layer not in ZPAD:
                yield case(layer, {**kw0, "padding": v, "strides": 2}
                           if "strides" in POSITIONAL[layer] else {**kw0, "padding": v},
                           x_in(layer, size=7), f"padding-{v!r}")
        for v in DF_ZOO:
            if has_df(layer):
                first = isinstance(v, str) and v.lower() == "channels_first"
                yield case(layer, {**kw0, "data_format": v}, x_in(layer, size=5, first=first),
                           f"df-{v!r}")

    # conv-specific scalars
    for layer in CONVS:
        kw0 = base(layer)
        if "filters" in kw0:
            # (a non-integral float such as 2.5 only where Keras rejects it at construction:
            # the oracle records shapes through int(), which would hide a 2.5 channel count)
            for v in (1, 0, -2, True, False, 3.0, "4", None, [4], HUGE[0]) + (
                    (2.5,) if layer in CONV else ()):
                x = x_in(layer, size=5)
                if v in HUGE:
                    x = [None, *x[1:]]
                yield case(layer, {**kw0, "filters": v}, x, f"filters-{v!r}")
        if "groups" in POSITIONAL[layer]:
            for g in (1, 2, 4, 0, -1, True, 2.0, "2", None, 3):
                for c in (4, 6, None):
                    yield case(layer, {"filters": 12, "kernel_size": 1, "groups": g},
                               x_in(layer, size=3, c=c), f"groups-{g!r}-c{c}")
        if "depth_multiplier" in POSITIONAL[layer]:
            for dm in (1, 3, 0, -1, True, 2.0, 2.5, "2", None, HUGE[0]):
                x = x_in(layer, size=5)
                if dm in HUGE:
                    x = [None, *x[1:]]
                yield case(layer, {**kw0, "depth_multiplier": dm}, x, f"dm-{dm!r}")
        for u in (True, False, 0, 1, "yes", None):
            yield case(layer, {**kw0, "use_bias": u}, x_in(layer, size=4), f"bias-{u!r}")
        # strides with dilation: which combinations are rejected
        n = rank(layer)
        for s, d in [(2, 2), (1, 2), (2, 1), ((2,) + (1,) * (n - 1), (1,) * (n - 1) + (2,)),
                     ((2,) * n, [1] * n), ([1] * n, (3,) * n), (3, (1,) * n), ((1,) * n, 1)]:
            yield case(layer, {**kw0, "strides": s, "dilation_rate": d, "padding": "same"},
                       x_in(layer, size=9), f"sd-{s}-{d}")
        # causal everywhere
        for s in (1, 2):
            yield case(layer, {**kw0, "padding": "causal", "strides": s}, x_in(layer, size=9),
                       f"causal-s{s}")
            yield case(layer, {**kw0, "padding": "Causal", "strides": s,
                               "data_format": "channels_first"},
                       x_in(layer, size=9, first=True), f"causal-first-s{s}")

    for layer in POOL:
        for p in ("causal", "Causal"):
            yield case(layer, {"pool_size": 2, "padding": p}, x_in(layer, size=5), f"causal-{p}")

    # --- 3. transposed: output_padding with and without strides --------------------------------
    for layer in TRANS:
        n = rank(layer)
        for s in (1, 2, 3, (2,) * n, [1] * n):
            for op in (None, 0, 1, 2, (1,) * n, [0] * n):
                for pad in ("valid", "same", "Same"):
                    for kk in (1, 2, 3):
                        yield case(layer, {"filters": 2, "kernel_size": kk, "strides": s,
                                           "output_padding": op, "padding": pad},
                                   x_in(layer, size=3, c=2), f"op-{s}-{op}-{pad}-k{kk}")
        yield case(layer, {"filters": 2, "kernel_size": 3, "output_padding": 1, "dilation_rate": 2},
                   x_in(layer, size=4, c=2), "op1-d2")
        yield case(layer, {"filters": 2, "kernel_size": 3, "output_padding": 2, "dilation_rate": 3},
                   x_in(layer, size=4, c=2), "op2-d3")

    # --- 4. pool_size vs strides None ----------------------------------------------------------
    for layer in POOL:
        n = rank(layer)
        for ps, s in [(3, None), ((3,) * n, None), ([2] * n, None), (None, 2), (None, None),
                      (1, None), (4, 1), ((2,) * n, 3), (2, (1,) * n), (3, [2] * n)]:
            for pad in ("valid", "same"):
                for size in (1, 3, 8):
                    kw = {"pool_size": ps, "strides": s, "padding": pad}
                    yield case(layer, kw, x_in(layer, size=size, c=2), f"ps-{ps}-{s}-{pad}-{size}")
                    args, rest = positional(layer, kw)
                    if size == 8:
                        yield case(layer, rest, x_in(layer, size=size, c=2), f"psP-{ps}-{s}-{pad}",
                                   args=args)

    # --- 5. Global pools ----------------------------------------------------------------------
    for layer in GLOBAL:
        n = rank(layer)
        for df in ("channels_last", "channels_first", "Channels_First", None):
            for kd in (False, True, 1, 0, "yes", None):
                for x in (x_in(layer, size=3), [None, *([None] * n), 5], [0, *([4] * n), 2],
                          [2, *([3] * n)], [2, 2, *([3] * (n + 1))]):
                    yield case(layer, {"data_format": df, "keepdims": kd}, x,
                               f"g-{df}-{kd!r}-{x}")

    # --- 6. ZeroPadding / Cropping: every argument form ------------------------------------------
    def pad_forms(n):
        forms = [0, 1, 3, -1, True, 2.0, "1", None, (1, 2), [1, 2], (0, 0), ((1, 2),),
                 [[1, 2]], (1,), (), [], (1, 2, 3), ((1, 0), (0, 2)), [[1, 0], [0, 2]],
                 ((1, 0), 2), (1, (2, 0)), ((1, 0), (0, 2), (2, 1)), [[1, 0], (2, 0), [0, 1]],
                 ((1, 1, 1),), ((1,), (2,)), ((-1, 0), (0, 0)), ((1.0, 2), (0, 0)),
                 ((None, 1), (0, 0)), (1, 2, 3, 4), [1] * n, (2,) * n, ((1, 1),) * n]
        return forms
    for layer in ZPAD + CROP:
        n = rank(layer)
        arg = "padding" if layer in ZPAD else "cropping"
        for v in pad_forms(n):
            yield case(layer, {arg: v}, x_in(layer, size=6, c=2), f"{arg}-{v!r}")
        for v in (1, (1, 2), ((1, 2),) * n, [2] * n):
            args = [v]
            x = x_in(layer, size=6, c=2)
            yield case(layer, {}, x, f"{arg}P-{v!r}", args=args)
            if has_df(layer):
                yield case(layer, {}, x_in(layer, size=6, c=2, first=True),
                           f"{arg}P1-{v!r}", args=[v, "channels_first"])
        for size in (0, 1, 2, 3, 4, None):
            yield case(layer, {arg: (1, 2) if n == 1 else ((1, 2),) * n},
                       x_in(layer, size=size, c=2), f"{arg}-size{size}")
            yield case(layer, {arg: -2}, x_in(layer, size=size, c=2), f"{arg}neg-size{size}")
        for b in (None, 0):
            yield case(layer, {arg: 2}, x_in(layer, size=big(rank(layer)), c=2, batch=b), f"{arg}-huge{b}")

    # --- 7. UpSampling: interpolation modes and sizes --------------------------------------------
    for interp in ("nearest", "bilinear", "bicubic", "lanczos3", "lanczos5", "area", "NEAREST",
                   "Bilinear", "linear", "trilinear", "", None, 1):
        for size in (2, (2, 3), [1, 2], 1):
            yield case("UpSampling2D", {"size": size, "interpolation": interp}, [1, 3, 4, 2],
                       f"interp-{interp!r}-{size!r}")
        yield case("UpSampling2D", {"size": 2, "interpolation": interp,
                                    "data_format": "channels_first"}, [1, 2, 3, 4],
                   f"interp1-{interp!r}")
    for layer in UPS:
        for x in (x_in(layer, size=None, c=3), x_in(layer, size=0, c=3),
                  x_in(layer, size=3, c=3, batch=None), x_in(layer, size=big(rank(layer)), batch=0)):
            yield case(layer, {"size": 3}, x, f"ups-{x}")
    yield case("UpSampling3D", {"size": 2, "interpolation": "bilinear"}, [1, 2, 2, 2, 1],
               "interp3d")
    yield case("UpSampling1D", {"size": 2, "data_format": "channels_first"}, [1, 2, 3], "df1d")

    # --- 8. Dense on N-d inputs; Reshape with -1; Flatten on None dims --------------------------
    for units in (1, 5, 0, -1, 2.0, 2.7, True, "3", None, [3]):
        for x in ([2, 3], [2, 3, 4], [None, 2, 3, 4], [2, 1, 1, 1, 6], [None, None],
                  [2, None, 7], [2, 3, None], [3], [], [0, 3], [2, 0]):
            yield case("Dense", {"units": units}, x, f"dense-{units!r}-{x}")
    for units in HUGE:
        yield case("Dense", {"units": units}, [None, 3], f"dense-huge{units}")
    yield case("Dense", {}, [2, 3], "dense-pos", args=[4, "relu", False])
    for t in ((-1,), (-1, 2), (2, -1, 3), (-1, -1), (4, -1), (-1, 5), (5, -1), (0, -1), (-1, 0),
              [-1, 6], (-2,), (6,), (24,), (2, 3, 4), (1, 1, -1), (None,), (2.0, -1), "-1", -1,
              (True, -1)):
        for x in ([2, 2, 3, 4], [None, 2, 3, 4], [2, None, 3, 4], [2, None, None, 4],
                  [0, 2, 3, 4], [2, 0, 3, 4], [2, 24]):
            yield case("Reshape", {"target_shape": t}, x, f"reshape-{t!r}-{x}")
        yield case("Reshape", {}, [2, 2, 3, 4], f"reshapeP-{t!r}", args=[t])
    for df in (None, "channels_first", "channels_last", "Channels_First"):
        for x in ([None, None], [None, 3, None], [2, None, 3], [None], [2], [None, 2, 3, 4],
                  [0, None, 2], [2, 3, 4, None], [3, 10 ** 9, 10 ** 9]):
            yield case("Flatten", {"data_format": df}, x, f"flatten-{df}-{x}")

    # --- 9. core odds ---------------------------------------------------------------------------
    for axis in (-1, 1, -2, 3, 4, -5, (1, 2), [1, -1], [], True, 1.0, None):
        for x in ([2, 3, 4, 5], [None, None, 3], [2, 3]):
            yield case("BatchNormalization", {"axis": axis}, x, f"bn-{axis!r}-{x}")
    for kw in ({"momentum": 1.5}, {"epsilon": -1}, {"epsilon": 0}, {"center": "no"},
               {"scale": 0}, {"renorm": True, "renorm_clipping": {"rmax": 2}}):
        yield case("BatchNormalization", kw, [2, 3, 4], f"bn-{sorted(kw)}")
    for kw in ({"max_value": 6, "negative_slope": -1}, {"max_value": -1, "negative_slope": -1},
               {"threshold": -1, "max_value": -1}, {"max_value": "a", "threshold": None},
               {"max_value": 0.0}, {"negative_slope": 0, "threshold": 0}):
        yield case("ReLU", kw, [2, 3], f"relu-{sorted(kw.items())}")
    yield case("ReLU", {}, [2, 3], "reluP3", args=[-1, -1, -1])
    yield case("LeakyReLU", {}, [2, 3], "lreluP", args=[-2])
    yield case("LeakyReLU", {"negative_slope": 0.2, "alpha": 0.1}, [2, 3], "lrelu-both")
    for rate in (0.0, 1.0, 0.999, -0.0, 2, True, None, float("nan"), float("inf")):
        yield case("Dropout", {"rate": rate}, [2, 3], f"drop-{rate!r}")
    yield case("Dropout", {}, [2, 3], "dropP", args=[0.5, (1, 3), 7])
    yield case("Dropout", {}, [2, 3], "dropP-bad", args=[0.5, "x", "y"])
    for act in ("Relu", "RELU", "sigmoid", "tanh", "elu", "selu", "softplus", "leaky_relu",
                "silu", "mish", "log_softmax", "hard_sigmoid", "exponential", "linear", ""):
        yield case("Activation", {}, [2, 3], f"act-{act}", args=[act])
    for axis in (-1, 0, 1, 2, -3, 3, None, 1.0, "1"):
        for shapes in ([[2, 3, 4], [2, 3, 5]], [[None, 3, 4], [2, None, 5]],
                       [[2, 3, 4], [2, 3, 4], [2, 3, 4]], [[2, 3], [2, 3, 4]], [[2, 3, 4]],
                       [[0, 3, 4], [0, 3, 4]]):
            yield case("Concatenate", {"axis": axis}, shapes, f"cat-{axis!r}-{shapes}")
    for shapes in ([[2, 3, 4], [2, 3, 4]], [[2, 3, 4], [2, 1, 4]], [[None, 3, 4], [2, 3, 4]],
                   [[2, 3, 4], [2, 3, 5]], [[2, 3, 4], [3, 4]], [[2, 3, 4]], [[2, 3], [2, 3], [2, 1]],
                   [[None, None, 4], [None, 3, None]]):
        yield case("Add", {}, shapes, f"add-{shapes}")

    # --- 10. two and three wrong arguments at once -------------------------------------------
    wrong = {"filters": [0, -1, "4", None, 2.0], "kernel_size": [0, (1,) * 5, "3", None, -2],
             "strides": [0, (1,) * 5, "2", -1], "padding": ["foo", 1, "causal"],
             "data_format": ["foo", 1], "dilation_rate": [0, (1,) * 5, "x", -3],
             "groups": [0, -1, 5], "output_padding": [5, -1, (1,) * 5],
             "depth_multiplier": [0, -1, None], "pool_size": [0, -1, "2", (2,) * 5],
             "use_bias": ["x"], "activation": ["nope"],
             "padding#z": [-1, "x", (1, 2, 3, 4)], "cropping": [-1, "x", (1, 2, 3, 4)],
             "size": [0, -1, "x", (2,) * 5], "interpolation": ["foo", 1],
             "units": [0, -1, "3", None], "target_shape": ["x", 5, (-1, -1)],
             "keepdims": ["x"], "axis": ["x", 1.5], "rate": [-1, 2, "x"]}
    rng = random.Random(seed + 1)
    for layer, order in POSITIONAL.items():
        names = [a for a in order if (a + "#z" if layer in ZPAD and a == "padding" else a) in wrong]
        for m in (2, 3):
            for combo in itertools.combinations(names, m):
                for rep in range(2 if m == 2 else 1):
                    kw = base(layer)
                    for a in combo:
                        key = a + "#z" if (a == "padding" and layer in ZPAD) else a
                        kw[a] = rng.choice(wrong[key])
                    x = x_in(layer, size=5, c=3)
                    tag = "-".join(combo)
                    if rng.random() < 0.5:
                        args, rest = positional(layer, kw)
                        yield case(layer, rest, x, f"w{m}P-{tag}-{rep}", args=args)
                    else:
                        yield case(layer, kw, x, f"w{m}-{tag}-{rep}")

    # --- 11. seeded random over wide ranges, errors mixed in -----------------------------------
    rng = random.Random(seed)
    everything = list(POSITIONAL)
    for i in range(n_random):
        layer = rng.choice(everything)
        yield from _random_case(rng, layer, lambda kw, x, tag, args=None: case(
            layer, kw, x, f"rand{i}-{tag}", args=args), positional)


def _maybe(rng, p, good, bad):
    return rng.choice(bad) if rng.random() < p else good


def _axis_value(rng, n, lo, hi, p_bad=0.08, bad=(0, -1, "2", 2.5, None, True)):
    vals = [rng.randint(lo, hi) for _ in range(n)]
    r = rng.random()
    if r < p_bad:
        return rng.choice(list(bad))
    if r < 0.45:
        return vals[0]
    if r < 0.75:
        return tuple(vals)
    return list(vals)


def _random_case(rng, layer, mk, positional):
    n = rank(layer)
    first = has_df(layer) and rng.random() < 0.35
    kw: dict = {}
    if first:
        kw["data_format"] = rng.choice(["channels_first", "CHANNELS_FIRST", "Channels_first"])
    elif has_df(layer) and rng.random() < 0.1:
        kw["data_format"] = rng.choice(["channels_last", "CHANNELS_LAST", "bad"])
    c = rng.choice([1, 2, 3, 4, 6, 8, 12])
    batch = rng.choice([1, 2, None, 1, 0])
    maxs = {1: 120, 2: 24, 3: 9}.get(n, 6)
    sp = [rng.randint(0 if rng.random() < 0.05 else 1, maxs) for _ in range(n)]
    if n and rng.random() < 0.15:
        sp[rng.randrange(n)] = None
    if layer in CONVS:
        if layer not in DEPTH:
            kw["filters"] = _maybe(rng, 0.05, rng.choice([1, 2, 3, 4, 6, 8, 12]), [0, -2, 2.0])
        kw["kernel_size"] = _axis_value(rng, n, 1, 7 if n < 3 else 3)
        if rng.random() < 0.7:
            kw["strides"] = _axis_value(rng, n, 1, 5)
        if rng.random() < 0.4:
            kw["dilation_rate"] = _axis_value(rng, n, 1, 4)
        kw["padding"] = rng.choice(["valid", "same", "VALID", "Same", "causal"]
                                   if rng.random() < 0.15 else ["valid", "same"])
        if layer in CONV and rng.random() < 0.35:
            kw["groups"] = rng.choice([1, 2, 3, 4, 6, 0])
        if layer in TRANS and rng.random() < 0.5:
            kw["output_padding"] = _axis_value(rng, n, 0, 3)
        if (layer in DEPTH or layer in SEP) and rng.random() < 0.5:
            kw["depth_multiplier"] = _maybe(rng, 0.05, rng.randint(1, 4), [0, -1])
        if rng.random() < 0.15:
            kw["use_bias"] = False
    elif layer in POOL:
        kw["pool_size"] = _axis_value(rng, n, 1, 6 if n < 3 else 3)
        if rng.random() < 0.6:
            kw["strides"] = rng.choice([None, _axis_value(rng, n, 1, 5)])
        kw["padding"] = rng.choice(["valid", "same", "Same", "VALID"])
    elif layer in GLOBAL:
        kw["keepdims"] = rng.choice([True, False])
    elif layer in ZPAD or layer in CROP:
        arg = "padding" if layer in ZPAD else "cropping"
        pairs = [(rng.randint(0, 4), rng.randint(0, 4)) for _ in range(n)]
        forms = [pairs[0][0], pairs[0], [list(p) for p in pairs], tuple(p[0] for p in pairs),
                 tuple(pairs), [p[0] for p in pairs]]
        kw[arg] = rng.choice(forms[:2] if n == 1 else forms)
    elif layer in UPS:
        kw["size"] = _axis_value(rng, n, 1, 4)
        if layer == "UpSampling2D" and rng.random() < 0.4:
            kw["interpolation"] = rng.choice(["bilinear", "nearest", "bicubic", "area",
                                              "lanczos3"])
    elif layer == "Dense":
        kw["units"] = rng.choice([1, 3, 7, 16])
        r = rng.randint(1, 5)
        x = [batch, *[rng.randint(1, 6) for _ in range(r - 1)]]
        if rng.random() < 0.1:
            x[rng.randrange(len(x))] = None
        return [mk(kw, x, "dense")]
    elif layer == "Reshape":
        dims = [rng.randint(1, 4) for _ in range(rng.randint(1, 3))]
        total = 1
        for d in dims:
            total *= d
        x = [batch, *dims]
        target = [rng.choice([total, -1])] if rng.random() < 0.3 else [
            rng.choice([d, -1, d + 1]) for d in reversed(dims)]
        kw["target_shape"] = tuple(target) if rng.random() < 0.7 else target
        return [mk(kw, x, "reshape")]
    elif layer == "Flatten":
        x = [batch, *[rng.choice([1, 2, 3, None]) for _ in range(rng.randint(0, 3))]]
        return [mk(kw, x, "flatten")]
    elif layer in ("Add", "Concatenate"):
        r = rng.randint(2, 4)
        shp = [batch, *[rng.randint(1, 4) for _ in range(r - 1)]]
        shapes = []
        for _ in range(rng.randint(1, 3)):
            s = list(shp)
            if rng.random() < 0.3:
                s[rng.randrange(1, r)] = rng.choice([1, 2, 5, None])
            shapes.append(s)
        if layer == "Concatenate":
            kw["axis"] = rng.randint(-r, r - 1)
        return [mk(kw, shapes, "merge")]
    else:
        # BatchNormalization, Activation, ReLU, LeakyReLU, Dropout
        kw = {"BatchNormalization": {"axis": rng.choice([-1, 1, 2, -2])},
              "Activation": {"activation": rng.choice(["relu", "softmax", "tanh"])},
              "ReLU": {"max_value": rng.choice([None, 6.0, 1])},
              "LeakyReLU": {"negative_slope": rng.choice([0.1, 0.3])},
              "Dropout": {"rate": rng.choice([0.0, 0.5])}}[layer]
        x = [batch, *[rng.randint(1, 5) for _ in range(rng.randint(1, 3))]]
        return [mk(kw, x, "misc")]
    x = [batch, c, *sp] if first else [batch, *sp, c]
    if rng.random() < 0.04:
        x = x[:-1] if rng.random() < 0.5 else [*x, 2]
    if rng.random() < 0.3:
        args, rest = positional(layer, kw)
        return [mk(rest, x, "P", args=args)]
    return [mk(kw, x, "K")]
