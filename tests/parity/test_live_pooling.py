"""Live parity: random MaxPool/AvgPool/LPPool layers in conv-calc vs real torch.

Skipped when torch is not installed. No pooling message prints a Python set,
so messages are compared as they are.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oracle.codec import encode
from tests.golden_cases import conv_calc_outcome, describe

torch = pytest.importorskip("torch")
from oracle.torch_oracle import run_case  # noqa: E402  (after the torch check)

LAYERS = [f"{kind}Pool{nd}d" for kind in ("Max", "Avg", "LP") for nd in (1, 2, 3)]
ODD = st.sampled_from([None, True, False, 2.5, 1.0, "ab"])


def int_arg(lo: int, hi: int, odd: bool = True):
    """An int, a list or tuple of 0-4 ints, or (rarely) a value of the wrong type."""
    ints = st.integers(lo, hi)
    seqs = st.lists(ints, min_size=0, max_size=4)
    forms = [ints, ints, seqs, seqs.map(tuple),
             st.lists(st.one_of(ints, ints, ODD), min_size=1, max_size=3)]
    if odd:
        forms.append(ODD)
    return st.one_of(*forms)


@st.composite
def pooling_cases(draw):
    layer = draw(st.sampled_from(LAYERS))
    nd = int(layer[-2])
    kwargs: dict = {"kernel_size": draw(int_arg(-1, 6))}
    if draw(st.booleans()):
        kwargs["stride"] = draw(st.one_of(st.none(), st.just([]), int_arg(-1, 5)))
    if not layer.startswith("LP") and draw(st.booleans()):
        kwargs["padding"] = draw(int_arg(-1, 4))
    if layer.startswith("Max"):
        if draw(st.booleans()):
            kwargs["dilation"] = draw(int_arg(-1, 4))
        if draw(st.integers(0, 4)) == 0:
            kwargs["return_indices"] = draw(st.sampled_from([True, 1, "x", 0]))
    if draw(st.booleans()):
        kwargs["ceil_mode"] = draw(st.sampled_from([True, True, False, 1, None]))
    if layer.startswith("Avg"):
        if draw(st.integers(0, 3)) == 0:
            kwargs["count_include_pad"] = draw(st.sampled_from([True, False, 1]))
        if nd > 1 and draw(st.integers(0, 3)) == 0:
            kwargs["divisor_override"] = draw(st.sampled_from([0, 1, 3, -2, 1.5, True, None]))
    args = []
    if layer.startswith("LP"):
        args = [draw(st.sampled_from([1, 2, 3, 1.5, float("inf"), float("-inf"), 0, -1, "2", "p"]))]
    rank = draw(st.sampled_from([nd + 1, nd + 2, nd + 2, nd + 2, nd, nd + 3]))
    dims = st.integers(0, 12) if draw(st.integers(0, 5)) == 0 else st.integers(1, 12)
    shape = draw(st.lists(dims, min_size=rank, max_size=rank))
    if rank == nd + 2 and draw(st.integers(0, 9)) == 0:  # huge sizes need an empty batch
        shape[0] = 0
        shape[-1] = draw(st.sampled_from([10**6, 2**31, 2**31 + 7, 3 * 10**9]))
    return {"id": "live", "layer": layer, "args": args, "kwargs": kwargs, "input": shape,
            "forward_kwargs": {}}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pooling_cases())
def test_pooling_matches_live_torch(case):
    record = run_case(torch, encode(case))
    if record is None:  # too large for the oracle to run
        return
    got = conv_calc_outcome(case)
    got.pop("_hinted", None)
    assert got == record["expect"], describe(case)
