"""Live parity: BatchNorm, InstanceNorm, GroupNorm and LayerNorm in conv-calc vs real torch.

Skipped when torch is not installed. No message here prints a Python set.
Modules run in training mode, as torch builds them.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oracle.codec import encode
from tests.golden_cases import conv_calc_outcome, describe

torch = pytest.importorskip("torch")
from oracle.torch_oracle import run_case  # noqa: E402  (after the torch check)

FLAGS = st.fixed_dictionaries({}, optional={"affine": st.booleans(), "track_running_stats": st.booleans(),
                                            "bias": st.booleans()})


@st.composite
def norm_cases(draw):
    shape = draw(st.lists(st.integers(0, 4), min_size=0, max_size=6))
    layer = draw(st.sampled_from(["BatchNorm1d", "BatchNorm2d", "BatchNorm3d", "InstanceNorm1d",
                                  "InstanceNorm2d", "InstanceNorm3d", "GroupNorm", "LayerNorm"]))
    channels = shape[1] if len(shape) >= 2 and draw(st.booleans()) else draw(st.integers(-1, 5))
    if layer == "GroupNorm":
        kwargs = draw(FLAGS)
        kwargs.pop("track_running_stats", None)
        args = [draw(st.integers(-1, 4)), channels]
    elif layer == "LayerNorm":
        k = draw(st.integers(0, min(3, len(shape))))
        ns = shape[len(shape) - k:] if draw(st.booleans()) else draw(st.lists(st.integers(-1, 4), max_size=3))
        args = [draw(st.sampled_from([list, tuple]))(ns)]
        kwargs = draw(st.fixed_dictionaries({}, optional={"elementwise_affine": st.booleans(),
                                                          "bias": st.booleans()}))
    else:
        args = [channels]
        kwargs = draw(FLAGS)
        if draw(st.integers(0, 9)) == 0:
            kwargs["eps"] = draw(st.sampled_from([0, -1.0, "a", None]))
        if draw(st.integers(0, 9)) == 0:
            kwargs["momentum"] = draw(st.sampled_from([None, "a", 1]))
    return {"id": "live", "layer": layer, "args": args, "kwargs": kwargs, "input": shape,
            "forward_kwargs": {}}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(norm_cases())
def test_norm_matches_live_torch(case):
    expect = run_case(torch, encode(case))["expect"]
    got = conv_calc_outcome(case)
    got.pop("_hinted", None)
    assert got == expect, describe(case)
