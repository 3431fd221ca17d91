"""Replay every committed torch 2.13 golden case against conv_calc.nn.

The cases come from ``python -m oracle.torch_oracle --all`` (real torch on the
CPU); each must give the same shape, or the same stage, builtin exception class
and message, and every error must carry a hint.
"""

from __future__ import annotations

import pytest

from tests.golden_cases import conv_calc_outcome, describe, load

CASES = load()


def test_golden_data_is_present():
    assert len(CASES) > 0, "no golden data under tests/golden/"


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_matches_torch(case):
    got = conv_calc_outcome(case)
    hinted = got.pop("_hinted", None)
    assert got == case["expect"], describe(case)
    if "stage" in got:
        assert hinted, f"{describe(case)}: the error carries no hint"
