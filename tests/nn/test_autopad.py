"""conv_calc.autopad against the ONNX spec formulas (onnx is not installed; the spec text is
quoted in conv_calc/autopad.py) and against Keras 'same' (SAME_UPPER)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conv_calc.autopad import auto_pad, auto_pad_axis, auto_pad_output_size
from conv_calc.keras import ops


@pytest.mark.parametrize("mode, n, k, s, d, pads", [
    ("SAME_UPPER", 224, 7, 2, 1, (2, 3)),
    ("SAME_LOWER", 224, 7, 2, 1, (3, 2)),
    ("SAME_UPPER", 224, 3, 1, 1, (1, 1)),
    ("SAME_UPPER", 5, 1, 2, 1, (0, 0)),      # kernel below stride: no negative padding
    ("SAME_LOWER", 7, 3, 1, 2, (2, 2)),
    ("SAME_LOWER", 8, 4, 1, 1, (2, 1)),
    ("VALID", 8, 4, 1, 1, (0, 0)),
])
def test_pads_table(mode, n, k, s, d, pads):
    assert auto_pad_axis(mode, n, k, s, d) == pads


@given(st.integers(1, 500), st.integers(1, 9), st.integers(1, 6), st.integers(1, 4),
       st.sampled_from(["SAME_UPPER", "SAME_LOWER", "VALID"]))
def test_spec_formulas(n, k, s, d, mode):
    span = (k - 1) * d + 1
    if mode == "VALID":
        want_out = math.ceil((n - span + 1) / s)          # the spec's VALID formula
        assert auto_pad_output_size(mode, n, k, s, d) == want_out
        return
    out = math.ceil(n / s)                                 # the spec's SAME output
    total = max((out - 1) * s + span - n, 0)               # the spec's pad_shape
    lo, hi = auto_pad_axis(mode, n, k, s, d)
    assert lo + hi == total and abs(lo - hi) <= 1
    assert (hi >= lo) if mode == "SAME_UPPER" else (lo >= hi)
    assert (n + lo + hi - span) // s + 1 == out == auto_pad_output_size(mode, n, k, s, d)
    if mode == "SAME_UPPER":
        assert (lo, hi) == ops.same_padding(n, k, s, d)    # TF / Keras 'same'


def test_pads_layout_and_errors():
    assert auto_pad("SAME_UPPER", (5, 6), (2, 3), (1, 2)) == (0, 0, 1, 1)
    with pytest.raises(ValueError, match="NOTSET"):
        auto_pad_axis("NOTSET", 5, 3)
    with pytest.raises(ValueError, match="auto_pad must be one of"):
        auto_pad_axis("SAME", 5, 3)
