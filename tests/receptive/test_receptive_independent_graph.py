"""The independent oracle on graphs: named tensors, merges over names, tensor functions.

tests/rf_independent_graph.py re-derives every field from explicit dependency sets (DESIGN.md
section 4 and docs/stack-format.md's rules per construct) on random 2-d and 3-d networks
mixing layers with permute / transpose, reshape / view / flatten (axes kept or merged),
channel shuffles, chunk / split (along channels and along a spatial axis), pixel shuffle and
unshuffle, interpolate / Upsample to a saved tensor's size (``size_of``), squeeze-excitation
``mul``, ``add`` / ``sub`` / ``cat`` over saved names, ``from:`` and several outputs. Every
row, every axis, all five fields. ``python -m tests.rf_independent_graph 100`` prints counts.
"""

from __future__ import annotations

from fractions import Fraction

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conv_calc import nn
from conv_calc.graph.stack import Stack
from tests.rf_independent_graph import compare, random_graph

SETTINGS = dict(deadline=None, suppress_health_check=list(HealthCheck))


@settings(max_examples=60, **SETTINGS)
@given(st.integers(0, 2**32 - 1))
def test_random_2d_graphs(seed):
    compare(*random_graph(seed, 2))


@settings(max_examples=30, **SETTINGS)
@given(st.integers(0, 2**32 - 1))
def test_random_3d_graphs(seed):
    compare(*random_graph(seed, 3))


# Seeds that exposed a disagreement: 3-d pixel (un)shuffle (dim -3 is the depth).
REGRESSION_SEEDS_3D = [0, 1, 5, 11, 24]


def test_regression_seeds_and_counts():
    counts = {}
    for seed in REGRESSION_SEEDS_3D:
        for k, v in compare(*random_graph(seed, 3)).items():
            counts[k] = counts.get(k, 0) + v
    for seed in range(6):
        for k, v in compare(*random_graph(seed, 2)).items():
            counts[k] = counts.get(k, 0) + v
    # not vacuous: rows of every kind are compared
    assert counts["networks"] >= 10 and counts["calls"] >= 20 and counts["merges"] >= 3, counts
    assert counts["fields"] >= 5 * counts["rows"] * 2, counts


def test_pixel_shuffle_on_a_5d_tensor_moves_the_depth():
    """Regression: PixelShuffle / PixelUnshuffle on (N, C, D, H, W) treat D as the channels:
    output depth c of a shuffle reads depths c*r*r .. c*r*r + r*r - 1, and an unshuffle's
    output depth c reads c // (r*r) (torch's gradients say so:
    tests/parity/test_live_receptive_graph.py); the depth axis was left unchanged."""
    shuffle = Stack([nn.Conv3d(1, 1, 1), nn.PixelShuffle(2)], input_shape=(1, 1, 8, 4, 4)).analyze()
    rf = shuffle.layers[-1].receptive_field
    assert shuffle.layers[-1].output_shape == (1, 1, 2, 8, 8)
    assert rf.region(1, 0, 0) == ((4, 7), (0, 0), (0, 0))
    assert rf.size == (4, 1, 1) and rf.jump == (4, Fraction(1, 2), Fraction(1, 2))
    unshuffle = Stack([nn.Conv3d(1, 1, 1), nn.PixelUnshuffle(2)], input_shape=(1, 1, 3, 4, 4)).analyze()
    rf = unshuffle.layers[-1].receptive_field
    assert unshuffle.layers[-1].output_shape == (1, 1, 12, 2, 2)
    assert rf.region(5, 0, 0) == ((1, 1), (0, 1), (0, 1))
    assert rf.size == (1, 2, 2) and rf.jump == (Fraction(1, 4), 2, 2)
