"""Live parity: ConvTranspose1d/2d/3d in conv-calc vs real torch on random configurations.

Skipped when torch is not installed. No message of this family prints a Python
set, so no PYTHONHASHSEED normalisation is needed.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oracle.codec import encode
from tests.golden_cases import conv_calc_outcome, describe

torch = pytest.importorskip("torch")
from oracle.torch_oracle import run_case  # noqa: E402  (after the torch check)


def _per_dim(nd, values):
    """An int, or a list/tuple of nd values (sometimes of the wrong length)."""
    vals = st.lists(values, min_size=nd, max_size=nd)
    wrong = st.lists(values, min_size=0, max_size=4)
    return st.one_of(values, vals, vals.map(tuple), wrong.map(tuple), wrong)


@st.composite
def transposed_cases(draw):
    nd = draw(st.sampled_from((1, 2, 3)))
    groups = draw(st.sampled_from((1, 1, 2, 3, 0)))
    g = max(groups, 1)
    cin = draw(st.integers(0, 3)) * g + draw(st.sampled_from((0, 0, 0, 0, 1)))
    cout = draw(st.integers(0, 3)) * g + draw(st.sampled_from((0, 0, 0, 0, 1)))
    kwargs = {
        "in_channels": cin, "out_channels": cout,
        "kernel_size": draw(_per_dim(nd, st.integers(0, 5))),
    }
    for name, values in (("stride", st.integers(-1, 4)), ("padding", st.integers(-1, 5)),
                         ("output_padding", st.integers(-1, 4)), ("dilation", st.integers(-1, 3))):
        if draw(st.booleans()):
            kwargs[name] = draw(_per_dim(nd, values))
    if groups != 1:
        kwargs["groups"] = groups
    if draw(st.integers(0, 20)) == 0:
        kwargs["padding"] = draw(st.sampled_from(("same", "valid", "", "ab")))
    if draw(st.integers(0, 20)) == 0:
        kwargs["padding_mode"] = "reflect"
    if draw(st.booleans()):
        kwargs["bias"] = False
    spatial = draw(st.lists(st.integers(0, 9), min_size=nd, max_size=nd))
    chans = draw(st.sampled_from((cin, cin, cin, cin + 1)))
    rank = draw(st.sampled_from(("batched", "batched", "unbatched", "wrong")))
    if rank == "batched":
        inp = [draw(st.integers(0, 3)), chans, *spatial]
    elif rank == "unbatched":
        inp = [chans, *spatial]
    else:
        inp = draw(st.sampled_from(([*spatial], [1, 1, chans, *spatial])))
    fkw = {}
    if draw(st.integers(0, 2)) == 0:
        sizes = draw(st.lists(st.integers(-2, 40), min_size=0, max_size=nd + 2))
        fkw["output_size"] = tuple(sizes) if draw(st.booleans()) else sizes
    return {"id": "live", "layer": f"ConvTranspose{nd}d", "args": [], "kwargs": kwargs,
            "input": inp, "forward_kwargs": fkw}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(transposed_cases())
def test_conv_transpose_matches_live_torch(case):
    record = run_case(torch, {k: encode(v) for k, v in case.items()})
    if record is None:
        return
    got = conv_calc_outcome(record)
    got.pop("_hinted", None)
    assert got == record["expect"], describe(record)


@settings(max_examples=60, deadline=None)
@given(transposed_cases())
def test_output_size_is_exact_when_in_range(case):
    """A requested output_size in the valid range comes back exactly (checked against torch)."""
    from conv_calc import nn
    from oracle.codec import decode

    case["forward_kwargs"] = {}
    record = run_case(torch, {k: encode(v) for k, v in case.items()})
    if record is None or "shape" not in record["expect"]:
        return
    layer = getattr(nn, case["layer"])(**decode(encode(case["kwargs"])))
    nd = int(case["layer"][-2])
    shape = record["expect"]["shape"]
    stride = layer.stride if len(layer.stride) == nd else layer.stride * nd
    want = [s + st_ - 1 for s, st_ in zip(shape[-nd:], stride)]
    record = run_case(torch, encode({**case, "forward_kwargs": {"output_size": want}}))
    got = conv_calc_outcome(record)
    got.pop("_hinted", None)
    assert got == record["expect"], describe(record)
