"""Live parity: activations, softmax and dropout in conv-calc vs real torch.

Skipped when torch is not installed. No message here prints a Python set.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oracle.codec import encode
from tests.golden_cases import conv_calc_outcome, describe

torch = pytest.importorskip("torch")
from oracle.torch_oracle import run_case  # noqa: E402  (after the torch check)

ODD = st.sampled_from([None, "a", True, 0, -1, 2.5])


@st.composite
def activation_cases(draw):
    shape = draw(st.lists(st.integers(0, 5), min_size=0, max_size=6))
    layer = draw(st.sampled_from([
        "ReLU", "ReLU6", "LeakyReLU", "PReLU", "ELU", "SELU", "CELU", "GELU", "SiLU", "Mish", "Hardswish",
        "Hardsigmoid", "Hardtanh", "Sigmoid", "Tanh", "Softplus", "Softmax", "LogSoftmax", "Dropout",
        "Dropout1d", "Dropout2d", "Dropout3d", "AlphaDropout"]))
    args: list = []
    if layer == "PReLU":
        args = [draw(st.one_of(st.integers(-1, 6), ODD))]
    elif layer in ("Softmax", "LogSoftmax"):
        args = [draw(st.one_of(st.none(), st.integers(-7, 6), ODD))]
    elif layer.startswith("Dropout") or layer == "AlphaDropout":
        args = [draw(st.one_of(st.sampled_from([0, 0.0, 1, 1.0, 0.3, -0.5, 1.5]), ODD))]
    elif layer == "Hardtanh":
        args = [draw(st.integers(-3, 3)), draw(st.integers(-3, 3))]
    elif layer == "GELU":
        args = [draw(st.sampled_from(["none", "tanh", "x", None]))]
    elif layer in ("LeakyReLU", "ELU", "CELU", "Softplus"):
        args = [draw(st.one_of(st.floats(-2, 2), ODD))]
    return {"id": "live", "layer": layer, "args": args, "kwargs": {}, "input": shape, "forward_kwargs": {}}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(activation_cases())
def test_activation_matches_live_torch(case):
    expect = run_case(torch, encode(case))["expect"]
    got = conv_calc_outcome(case)
    got.pop("_hinted", None)
    assert got == expect, describe(case)
