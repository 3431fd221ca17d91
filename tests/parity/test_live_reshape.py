"""Live parity: Flatten, Unflatten, Identity and Linear in conv-calc vs real torch.

Skipped when torch is not installed. No message here prints a Python set. torch
appends a C++ backtrace (with addresses) to Unflatten's "unexpected error"
messages; those are compared up to the backtrace.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oracle.codec import encode
from tests.golden_cases import conv_calc_outcome, describe

torch = pytest.importorskip("torch")
from oracle.torch_oracle import run_case  # noqa: E402  (after the torch check)

SHAPES = st.lists(st.integers(0, 6), min_size=0, max_size=5)
ODD = st.sampled_from([None, 1.0, True, "a"])


@st.composite
def reshape_cases(draw):
    shape = draw(SHAPES)
    layer = draw(st.sampled_from(["Flatten", "Unflatten", "Linear", "Identity"]))
    if layer == "Flatten":
        args = [draw(st.one_of(st.integers(-6, 5), ODD)), draw(st.integers(-6, 5))]
    elif layer == "Unflatten":
        sizes = draw(st.lists(st.integers(-2, 6), min_size=0, max_size=3))
        args = [draw(st.integers(-6, 5)), draw(st.sampled_from([tuple, list]))(sizes)]
    elif layer == "Linear":
        inf = shape[-1] if shape and draw(st.booleans()) else draw(st.integers(-1, 8))
        args = [inf, draw(st.one_of(st.integers(-1, 40), ODD))]
    else:
        args = draw(st.lists(st.integers(0, 3), max_size=2))
    kwargs = {"bias": draw(st.booleans())} if layer == "Linear" else {}
    return {"id": "live", "layer": layer, "args": args, "kwargs": kwargs, "input": shape,
            "forward_kwargs": {}}


def _strip_backtrace(outcome: dict) -> dict:
    if "message" in outcome:
        outcome = dict(outcome, message=outcome["message"].split("\nException raised from")[0])
    return outcome


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(reshape_cases())
def test_reshape_matches_live_torch(case):
    expect = run_case(torch, encode(case))["expect"]
    got = conv_calc_outcome(case)
    got.pop("_hinted", None)
    assert got == _strip_backtrace(expect), describe(case)
