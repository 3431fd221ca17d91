"""Live parity: random padding layers against real torch (skipped without torch)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oracle.codec import encode
from tests.golden_cases import conv_calc_outcome

torch = pytest.importorskip("torch")
from oracle.torch_oracle import run_case  # noqa: E402

KINDS = ("Zero", "Constant", "Reflection", "Replication", "Circular")


@st.composite
def pad_cases(draw):
    kind = draw(st.sampled_from(KINDS))
    n = draw(st.integers(1, 3))
    rank = draw(st.sampled_from([n + 1, n + 2, n + 2, n + 2, draw(st.integers(0, 6))]))
    shape = [draw(st.integers(0, 9)) if draw(st.booleans()) else draw(st.integers(1, 9))
             for _ in range(rank)]
    pad = draw(st.one_of(st.integers(-6, 8),
                         st.tuples(*[st.integers(-6, 8)] * (2 * n)),
                         st.lists(st.integers(-6, 8), min_size=0, max_size=8)))
    args = [pad, draw(st.sampled_from([0.0, 2.5]))] if kind == "Constant" else [pad]
    return {"id": "live", "layer": f"{kind}Pad{n}d", "args": args, "kwargs": {},
            "input": shape, "forward_kwargs": {}}


@settings(max_examples=150, deadline=None)
@given(pad_cases())
def test_padding_matches_live_torch(case):
    record = run_case(torch, encode(case))
    if record is None:
        return
    got = conv_calc_outcome(case)
    got.pop("_hinted", None)
    assert got == record["expect"], case
