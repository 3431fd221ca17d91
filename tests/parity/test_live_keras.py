"""Live parity: conv_calc.keras vs real Keras 3 (torch backend) on random configurations.

Skipped when keras is not importable. Run with PYTHONHASHSEED=0 for the padding
messages that print a set of strings (the oracle does; a different seed only
changes that set's order, which this test normalises).
"""

from __future__ import annotations

import os
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

os.environ.setdefault("KERAS_BACKEND", "torch")
keras = pytest.importorskip("keras")

from oracle.codec import encode  # noqa: E402
from oracle.keras_oracle import run_case  # noqa: E402
from tests.keras_golden import comparable, conv_calc_outcome, describe  # noqa: E402

CONV = ["Conv1D", "Conv2D", "Conv3D", "Conv1DTranspose", "Conv2DTranspose", "Conv3DTranspose",
        "DepthwiseConv1D", "DepthwiseConv2D", "SeparableConv1D", "SeparableConv2D"]
POOL = [f"{k}Pooling{n}D" for k in ("Max", "Average") for n in (1, 2, 3)]
GLOBAL = [f"Global{k}Pooling{n}D" for k in ("Max", "Average") for n in (1, 2, 3)]


def _rank(layer: str) -> int:
    return int(re.search(r"(\d)D", layer).group(1))


def _per_axis(n, values):
    return st.one_of(values, st.lists(values, min_size=n, max_size=n).map(tuple),
                     st.lists(values, min_size=0, max_size=4).map(tuple))


@st.composite
def keras_cases(draw):
    layer = draw(st.sampled_from(CONV + POOL + GLOBAL))
    n = _rank(layer)
    kw: dict = {}
    if layer in GLOBAL:
        if draw(st.booleans()):
            kw["keepdims"] = True
    elif layer in POOL:
        kw["pool_size"] = draw(_per_axis(n, st.integers(-1, 5)))
        if draw(st.booleans()):
            kw["strides"] = draw(_per_axis(n, st.integers(0, 4)))
        kw["padding"] = draw(st.sampled_from(["valid", "same", "SAME", "causal"]))
    else:
        if not layer.startswith("Depthwise"):
            kw["filters"] = draw(st.sampled_from([1, 2, 4, 6, 0, -1]))
        kw["kernel_size"] = draw(_per_axis(n, st.integers(-1, 5)))
        if draw(st.booleans()):
            kw["strides"] = draw(_per_axis(n, st.integers(0, 4)))
        if draw(st.booleans()):
            kw["dilation_rate"] = draw(_per_axis(n, st.integers(0, 3)))
        kw["padding"] = draw(st.sampled_from(["valid", "same", "causal"]))
        if layer in CONV[:3] and draw(st.booleans()):
            kw["groups"] = draw(st.sampled_from([0, 1, 2, 3]))
        if "Transpose" in layer and draw(st.booleans()):
            kw["output_padding"] = draw(_per_axis(n, st.integers(-1, 3)))
        if layer.startswith(("Depthwise", "Separable")) and draw(st.booleans()):
            kw["depth_multiplier"] = draw(st.integers(0, 3))
    first = draw(st.booleans())
    if first:
        kw["data_format"] = "channels_first"
    spatial = draw(st.lists(st.one_of(st.integers(0, 9), st.none()), min_size=n, max_size=n))
    c = draw(st.sampled_from([1, 2, 3, 4, 6, None]))
    batch = draw(st.sampled_from([1, 2, None, 0]))
    x = [batch, c, *spatial] if first else [batch, *spatial, c]
    if draw(st.integers(0, 9)) == 0:
        x = x[:-1] if draw(st.booleans()) else [*x, 3]
    return {"id": "live", "layer": layer, "kwargs": kw, "input": x}


def _normalise_sets(outcome: dict) -> dict:
    text = repr(outcome)
    return {"text": re.sub(r"\{'[a-z]+'(, '[a-z]+')*\}",
                           lambda m: str(sorted(re.findall(r"'([a-z]+)'", m.group(0)))), text)}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(keras_cases())
def test_matches_live_keras(case):
    record = run_case(keras, {k: encode(v) for k, v in case.items()})
    got = conv_calc_outcome(record)
    assert _normalise_sets(comparable(got)) == _normalise_sets(comparable(record["expect"])), \
        describe(record)
