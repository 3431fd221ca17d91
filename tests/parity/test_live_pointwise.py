"""Live parity: LocalResponseNorm, Softmax2d, Threshold and SyncBatchNorm in conv-calc vs real torch.

Skipped when torch is not installed. No message here prints a Python set. Modules run in
training mode, as torch builds them, in a process without torch.distributed initialised
(SyncBatchNorm then runs as batch norm; conv_calc/nn/norm_sync.py). LocalResponseNorm's
size stays small or far beyond memory: in between, torch really allocates the padded input.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oracle.codec import encode
from tests.golden_cases import conv_calc_outcome, describe

torch = pytest.importorskip("torch")
from oracle.torch_oracle import run_case  # noqa: E402  (after the torch check)

ODD = st.sampled_from([None, "a", [1], (1, 2), True])
NUMBERS = st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-3, 3),
                    st.sampled_from([1e39, -1e39, 2**63, 2**64, -2**63 - 1]))


@st.composite
def pointwise_cases(draw):
    shape = draw(st.lists(st.integers(0, 5), min_size=0, max_size=6))
    layer = draw(st.sampled_from(["LocalResponseNorm", "Softmax2d", "Threshold", "SyncBatchNorm"]))
    args, kwargs = [], {}
    if layer == "LocalResponseNorm":
        size = draw(st.one_of(st.integers(-6, 8), ODD, st.sampled_from([2.5, 2**62, 2**40, -2**63])))
        args = [size] + draw(st.lists(st.one_of(NUMBERS, ODD), max_size=3))
    elif layer == "Threshold":
        args = [draw(st.one_of(NUMBERS, ODD)), draw(st.one_of(NUMBERS, ODD))]
        if draw(st.booleans()):
            args.append(draw(st.sampled_from([True, False, 1, 0])))
    elif layer == "SyncBatchNorm":
        args = [shape[1] if len(shape) > 1 and draw(st.booleans()) else draw(st.integers(-1, 5))]
        kwargs = draw(st.fixed_dictionaries({}, optional={
            "affine": st.booleans(), "track_running_stats": st.booleans(), "bias": st.booleans(),
            "eps": st.sampled_from([0, -1.0, 1e-3, "a"]), "momentum": st.sampled_from([None, 0.5, "a"])}))
    elif draw(st.integers(0, 9)) == 0:
        args = [1]
    return {"id": "live", "layer": layer, "args": args, "kwargs": kwargs, "input": shape,
            "forward_kwargs": {}}


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pointwise_cases())
def test_pointwise_matches_live_torch(case):
    record = run_case(torch, {k: encode(v) for k, v in case.items()})
    if record is None:
        return
    got = conv_calc_outcome(record)
    got.pop("_hinted", None)
    assert got == record["expect"], describe(record)
