"""Interpolation taps at the edges of float arithmetic: which input pixels get a nonzero weight.

Each row was read off torch 2.13's Jacobian (float64, CPU: the gradient of one output
of F.interpolate with respect to the input); the live property test in
tests/parity/test_live_receptive_2d.py compares many more against torch directly.
What decides them: ATen's linear source index is one fused multiply-add (a single
rounding), the index floor is taken in float32 (guard_index_and_lambda's floorf)
with the fraction clamped to [0, 1], and a bicubic tap whose coefficient computes to
exactly zero is no dependency.
"""

from __future__ import annotations

import pytest

from conv_calc.receptive.layers import interpolate_taps
from tests.rf_independent import interp_real_taps

CASES = [  # mode, n_in, n_out, scale_factor, align_corners, output index, taps (torch)
    ("linear", 2, 10, None, None, 2, (0, 1)),
    ("linear", 14, 24, None, True, 23, (13,)),
    ("linear", 2, 6, None, None, 4, (1,)),
    ("bicubic", 9, 33, None, None, 27, (7,)),
    ("bicubic", 145, 89, None, True, 77, (125, 126, 127)),
    ("bicubic", 107, 335, None, None, 167, (52, 53, 54)),
]


@pytest.mark.parametrize("mode, n_in, n_out, sf, align, o, taps", CASES)
def test_taps_as_torch_computes_them(mode, n_in, n_out, sf, align, o, taps):
    assert interpolate_taps(mode, n_in, n_out, sf, align)[o] == taps
    assert interp_real_taps(mode, n_in, n_out, sf, align)[o] == taps
