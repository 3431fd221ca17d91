"""Live parity: PixelShuffle, PixelUnshuffle, ChannelShuffle, Fold, Unfold and MaxUnpool1d/2d/3d
in conv-calc vs real torch on random configurations.

Skipped when torch is not installed. No message here prints a Python set. An int beyond
int64 inside a list makes torch append a C++ backtrace to its message; those are compared
up to the backtrace. MaxUnpool's indices are zeros of the input's shape, or of the shape
given as ``forward_kwargs["indices"]`` (oracle/torch_oracle.py, conv_calc/nn/unpool.py).
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oracle.codec import encode
from tests.golden_cases import conv_calc_outcome, describe

torch = pytest.importorskip("torch")
from oracle.torch_oracle import run_case  # noqa: E402  (after the torch check)

ODD = st.sampled_from([None, 1.5, 2.0, True, "a", [], 2**31, 2**62, 2**63])
SHAPES = st.lists(st.integers(0, 9), min_size=0, max_size=6)


def _per_dim(nd, values):
    """An int, or a list/tuple of nd values (sometimes of the wrong length or an odd value)."""
    vals = st.lists(values, min_size=nd, max_size=nd)
    wrong = st.lists(values, min_size=0, max_size=4)
    return st.one_of(values, values, vals, vals.map(tuple), wrong.map(tuple), ODD)


def _blocks(size, k, d, p, s):
    return (size + 2 * p - d * (k - 1) - 1) // s + 1


@st.composite
def rearrange_cases(draw):
    kind = draw(st.sampled_from(["PixelShuffle", "PixelUnshuffle", "ChannelShuffle", "Unfold",
                                 "Fold", "MaxUnpool1d", "MaxUnpool2d", "MaxUnpool3d"]))
    args, kwargs, fkw = [], {}, {}
    shape = draw(SHAPES)
    if kind in ("PixelShuffle", "PixelUnshuffle", "ChannelShuffle"):
        args = [draw(st.one_of(st.integers(-2, 5), st.integers(1, 4), ODD))]
        if draw(st.booleans()) and len(shape) >= 3:
            r = args[0] if isinstance(args[0], int) and 0 < args[0] < 5 else 2
            shape[-3] = shape[-3] * r * r
    elif kind == "Unfold":
        args = [draw(_per_dim(2, st.integers(-1, 4)))]
        for name, values in (("dilation", st.integers(-1, 3)), ("padding", st.integers(-1, 3)),
                             ("stride", st.integers(-1, 4))):
            if draw(st.booleans()):
                kwargs[name] = draw(_per_dim(2, values))
        if draw(st.booleans()):
            shape = [draw(st.integers(0, 2)), draw(st.integers(1, 4)), draw(st.integers(1, 9)),
                     draw(st.integers(1, 9))][draw(st.integers(0, 1)):]
    elif kind == "Fold":
        o = [draw(st.integers(-1, 9)), draw(st.integers(-1, 9))]
        k = [draw(st.integers(0, 3)), draw(st.integers(0, 3))]
        d, p, s = draw(st.integers(0, 2)), draw(st.integers(-1, 2)), draw(st.integers(0, 3))
        args = [draw(st.sampled_from([tuple(o), o, o[0]])), draw(st.sampled_from([tuple(k), k[0]]))]
        kwargs = {"dilation": d, "padding": p, "stride": s}
        if draw(st.integers(0, 9)) == 0:
            kwargs[draw(st.sampled_from(["dilation", "padding", "stride"]))] = draw(ODD)
        if draw(st.booleans()) and s > 0:
            oo = o if isinstance(args[0], (list, tuple)) else [o[0], o[0]]
            kk = k if isinstance(args[1], tuple) else [k[0], k[0]]
            nb = _blocks(oo[0], kk[0], d, p, s) * _blocks(oo[1], kk[1], d, p, s)
            planes = draw(st.integers(1, 3)) * max(kk[0] * kk[1], 1)
            shape = [draw(st.integers(0, 2)), planes, max(nb, 0)][draw(st.integers(0, 1)):]
    else:
        nd = int(kind[-2])
        k = draw(st.integers(-1, 4))
        args = [draw(st.one_of(st.just(k), _per_dim(nd, st.integers(-1, 4))))]
        if draw(st.booleans()):
            kwargs["stride"] = draw(_per_dim(nd, st.integers(-1, 3)))
        if draw(st.booleans()):
            kwargs["padding"] = draw(_per_dim(nd, st.integers(0, 3)))
        if draw(st.booleans()):
            shape = [draw(st.integers(0, 2)), draw(st.integers(1, 3))] + \
                    draw(st.lists(st.integers(1, 5), min_size=nd, max_size=nd))
        if draw(st.integers(0, 3)) == 0:
            out = draw(st.lists(st.integers(-1, 14), min_size=0, max_size=nd + 2))
            fkw["output_size"] = tuple(out) if draw(st.booleans()) else out
        if draw(st.integers(0, 9)) == 0:
            fkw["indices"] = draw(SHAPES)
    return {"id": "live", "layer": kind, "args": args, "kwargs": kwargs, "input": shape,
            "forward_kwargs": fkw}


def _strip_backtrace(outcome: dict) -> dict:
    if "message" in outcome:
        outcome = dict(outcome, message=outcome["message"].split("\nException raised from")[0])
    return outcome


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rearrange_cases())
def test_rearrange_matches_live_torch(case):
    record = run_case(torch, {k: encode(v) for k, v in case.items()})
    if record is None:  # too large for the oracle to run
        return
    got = conv_calc_outcome(record)
    got.pop("_hinted", None)
    assert got == _strip_backtrace(record["expect"]), describe(record)
