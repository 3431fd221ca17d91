"""Live parity: random adaptive pooling layers against real torch (skipped without torch)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oracle.codec import encode
from tests.golden_cases import conv_calc_outcome

torch = pytest.importorskip("torch")
from oracle.torch_oracle import run_case  # noqa: E402


@st.composite
def adaptive_cases(draw):
    kind = draw(st.sampled_from(["Avg", "Max"]))
    n = draw(st.integers(1, 3))
    rank = draw(st.sampled_from([n + 1, n + 2, n + 2, draw(st.integers(0, 6))]))
    shape = [draw(st.integers(0, 4)) if draw(st.integers(0, 9)) == 0 else draw(st.integers(1, 30))
             for _ in range(rank)]
    entry = st.one_of(st.integers(-1, 25), st.none()) if n > 1 else st.integers(-1, 25)
    size = draw(st.one_of(st.integers(-1, 25),
                          st.tuples(*[entry] * n),
                          st.lists(entry, min_size=0, max_size=4)))
    kwargs = {"return_indices": draw(st.booleans())} if kind == "Max" else {}
    return {"id": "live", "layer": f"Adaptive{kind}Pool{n}d", "args": [size], "kwargs": kwargs,
            "input": shape, "forward_kwargs": {}}


@settings(max_examples=150, deadline=None)
@given(adaptive_cases())
def test_adaptive_matches_live_torch(case):
    record = run_case(torch, encode(case))
    if record is None:
        return
    got = conv_calc_outcome(case)
    got.pop("_hinted", None)
    assert got == record["expect"], case
