"""Live parity in eval mode: every layer of conv_calc.nn.LAYERS after ``.eval()`` vs real torch.

Skipped when torch is not installed. Two parts: a sample of every layer's committed golden
cases (recorded in training mode) run again with ``"mode": "eval"``, so a layer whose checks
change with the mode cannot go unnoticed; and generated batch norm, instance norm and dropout
cases in eval mode, where the modes differ (oracle/cases/modes.py holds the committed ones).
"""

from __future__ import annotations

import collections

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conv_calc.nn import LAYERS
from oracle.codec import encode
from tests.golden_cases import conv_calc_outcome, describe, load

torch = pytest.importorskip("torch")
from oracle.torch_oracle import run_case  # noqa: E402  (after the torch check)

#: Cases per layer class taken from the training-mode golden files.
PER_LAYER = 25


def _sample() -> list[dict]:
    taken: dict[str, list[dict]] = collections.defaultdict(list)
    for case in load():
        layer = case.get("layer")
        if layer is None or case.get("mode") == "eval" or len(taken[layer]) >= PER_LAYER:
            continue
        if "{'" in case["expect"].get("message", ""):  # prints a Python set: hash seed
            continue
        taken[layer].append(dict(case, id=f"eval/{case['id']}", mode="eval"))
    return [case for layer in sorted(taken) for case in taken[layer]]


SAMPLE = _sample()


def test_the_sample_covers_every_layer():
    # Every torch.nn layer (torchvision's own layers are checked in tests/nn/test_torchvision_ops.py).
    assert {case["layer"] for case in SAMPLE} == {n for n in LAYERS if hasattr(torch.nn, n)}


@pytest.mark.parametrize("case", SAMPLE, ids=[c["id"] for c in SAMPLE])
def test_every_layer_in_eval_mode_matches_torch(case):
    record = run_case(torch, case)
    if record is None:
        pytest.skip("too large to run")
    got = conv_calc_outcome(case)
    hinted = got.pop("_hinted", None)
    assert got == record["expect"], describe(case)
    if "stage" in got:
        assert hinted, describe(case)


@st.composite
def modal_cases(draw):
    shape = draw(st.lists(st.integers(0, 3), min_size=0, max_size=6))
    layer = draw(st.sampled_from(["BatchNorm1d", "BatchNorm2d", "BatchNorm3d", "SyncBatchNorm",
                                  "InstanceNorm1d", "InstanceNorm2d", "InstanceNorm3d",
                                  "Dropout", "AlphaDropout", "Dropout1d", "Dropout2d", "Dropout3d"]))
    if "Dropout" in layer:
        return {"id": "live", "layer": layer, "args": [draw(st.sampled_from([0.0, 0.5, 1.0]))],
                "kwargs": {}, "input": shape, "forward_kwargs": {}, "mode": "eval"}
    channels = shape[1] if len(shape) >= 2 and draw(st.booleans()) else draw(st.integers(0, 4))
    kwargs = draw(st.fixed_dictionaries({}, optional={
        "affine": st.booleans(), "track_running_stats": st.booleans(), "bias": st.booleans(),
        "eps": st.sampled_from([1e-5, 0.0, -1.0, "a"])}))
    return {"id": "live", "layer": layer, "args": [channels], "kwargs": kwargs, "input": shape,
            "forward_kwargs": {}, "mode": "eval"}


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(modal_cases())
def test_modal_layers_match_live_torch_in_eval_mode(case):
    expect = run_case(torch, encode(case))["expect"]
    got = conv_calc_outcome(case)
    got.pop("_hinted", None)
    assert got == expect, describe(case)
