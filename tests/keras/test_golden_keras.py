"""Replay every committed Keras 3 golden case against conv_calc.keras (no Keras needed).

The cases come from ``python -m oracle.keras_oracle --all`` (real Keras 3 with the
torch backend). For each: the constructor's error, or compute_output_shape's
shape or error, and (where recorded) calling the layer: shape and
count_params(), or the error. Errors raised inside ``call`` by the backend are
compared on their class and first line only; every error must carry a hint.
"""

from __future__ import annotations

import pytest

from tests.keras_golden import comparable, conv_calc_outcome, describe, hinted, load

CASES = load()


def test_keras_golden_data_is_present():
    assert len(CASES) > 1000


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_matches_keras(case):
    got = conv_calc_outcome(case)
    assert comparable(got) == comparable(case["expect"]), describe(case)
    assert hinted(got), f"{describe(case)}: an error carries no hint"
