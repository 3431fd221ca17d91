"""Conv1d/2d/3d against live torch: random configurations, same shape or same error.

Skipped when torch is not installed. Messages that print a Python set are
compared with the set's elements sorted, since their order depends on
PYTHONHASHSEED (conv-calc prints the PYTHONHASHSEED=0 order).
"""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oracle.codec import encode
from tests.golden_cases import conv_calc_outcome

torch = pytest.importorskip("torch")
from oracle.torch_oracle import run_case  # noqa: E402  (imports nothing from torch itself)

_SET = re.compile(r"\{('[^{}]*')\}")


def _normalise(outcome: dict) -> dict:
    out = dict(outcome)
    out.pop("_hinted", None)
    if "message" in out:
        out["message"] = _SET.sub(
            lambda m: "{" + ", ".join(sorted(m.group(1).split(", "))) + "}", out["message"])
    return out


def _param(n, lo, hi):
    one = st.integers(lo, hi)
    return st.one_of(one, st.lists(one, min_size=n, max_size=n),
                     st.lists(one, min_size=n, max_size=n).map(tuple),
                     st.lists(one, min_size=1, max_size=1),
                     st.lists(one, min_size=0, max_size=n + 1),
                     st.sampled_from([1.5, True, None, 2.0]))


@st.composite
def conv_case(draw):
    n = draw(st.sampled_from([1, 2, 3]))
    groups = draw(st.sampled_from([1, 1, 2, 3, 0, -1]))
    g = max(groups, 1)
    kw = {"in_channels": g * draw(st.integers(0, 3)) + draw(st.sampled_from([0, 0, 0, 1])),
          "out_channels": g * draw(st.integers(0, 3)) + draw(st.sampled_from([0, 0, 0, 1, -g])),
          "groups": groups,
          "kernel_size": draw(st.one_of(_param(n, -1, 5), st.just(True)))}
    for name, lo, hi in (("stride", -1, 4), ("dilation", -1, 4)):
        if draw(st.booleans()):
            kw[name] = draw(_param(n, lo, hi))
    if draw(st.booleans()):
        kw["padding"] = draw(st.one_of(_param(n, -3, 4),
                                       st.sampled_from(["same", "valid", "full"])))
    if draw(st.integers(0, 3)) == 0:
        kw["padding_mode"] = draw(st.sampled_from(["reflect", "replicate", "circular", "bad"]))
    if draw(st.booleans()):
        kw["bias"] = False
    rank = draw(st.sampled_from([n + 1, n + 2, n + 2, n + 2, n, n + 3]))
    channels = kw["in_channels"] if draw(st.integers(0, 5)) else draw(st.integers(0, 4))
    channels = max(channels, 0) if isinstance(channels, int) else 1
    dims = [draw(st.integers(0, 2))] + [channels] if rank == n + 2 else [channels]
    dims += [draw(st.integers(0, 9 if n < 3 else 6)) for _ in range(n)]
    dims = (dims + [2, 2, 2])[:rank] if rank >= len(dims) else dims[-rank:] if rank else []
    if draw(st.integers(0, 15)) == 0:  # huge sizes, with an empty batch
        dims = [0, max(channels, 1)] + [draw(st.integers(10**5, 10**9 if n == 1 else 10**6))
                                        for _ in range(n)]
    return {"id": "live", "layer": f"Conv{n}d", "args": [], "kwargs": kw, "input": dims,
            "forward_kwargs": {}}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(conv_case())
def test_conv_matches_live_torch(case):
    record = run_case(torch, encode(case))
    if record is None:  # too large to run
        return
    assert _normalise(conv_calc_outcome(case)) == _normalise(record["expect"]), case
