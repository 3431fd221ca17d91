"""Live parity: random Upsample configurations against real torch (skipped without torch)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oracle.codec import encode
from tests.golden_cases import conv_calc_outcome

torch = pytest.importorskip("torch")
from oracle.torch_oracle import run_case  # noqa: E402

MODES = ("nearest", "nearest-exact", "linear", "bilinear", "bicubic", "trilinear", "area")


@st.composite
def upsample_cases(draw):
    mode = draw(st.sampled_from(MODES))
    rank = draw(st.sampled_from([3, 4, 5, 3, 4, 5, 2, 6]))
    shape = [draw(st.integers(0, 2)) if draw(st.integers(0, 9)) == 0 else draw(st.integers(1, 24))
             for _ in range(rank)]
    n = max(rank - 2, 1)
    kwargs = {"mode": mode}
    if draw(st.booleans()):
        scale = st.floats(0.05, 4.0, allow_nan=False)
        kwargs["scale_factor"] = draw(st.one_of(scale, st.integers(0, 4),
                                                st.tuples(*[scale] * n)))
        if draw(st.integers(0, 5)) == 0:
            kwargs["recompute_scale_factor"] = True
    else:
        kwargs["size"] = draw(st.one_of(st.integers(0, 40),
                                        st.lists(st.integers(1, 40), min_size=n, max_size=n),
                                        st.tuples(*[st.integers(1, 40)] * n)))
    if draw(st.integers(0, 3)) == 0:
        kwargs["align_corners"] = draw(st.booleans())
    return {"id": "live", "layer": "Upsample", "args": [], "kwargs": kwargs,
            "input": shape, "forward_kwargs": {}}


@settings(max_examples=150, deadline=None)
@given(upsample_cases())
def test_upsample_matches_live_torch(case):
    record = run_case(torch, encode(case))
    if record is None:
        return
    got = conv_calc_outcome(case)
    got.pop("_hinted", None)
    assert got == record["expect"], case
