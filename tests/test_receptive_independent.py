"""Independent verification of every receptive-field field, through the public API only.

The oracle (tests/rf_independent.py) was written from DESIGN.md section 4, not
from the engine: explicit per-axis dependency sets propagated back from every
output of every row of random 2-d and 3-d networks built from conv_calc.nn
classes (anisotropic convs, ceil_mode and dilated max pools, avg pools,
transposed convs with output_padding and dilation, every Upsample mode,
asymmetric / negative / reflection pads, adaptive pools, Linear, Flatten,
residual adds incl. broadcasting, parallel cat/add branches resized to a common
size, saved skips merged with a centre crop). Every row, every axis, all five fields.
"""

from __future__ import annotations

from fractions import Fraction

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conv_calc import nn
from conv_calc.stack import Residual, Stack
from tests.rf_independent import Graph, compare, layer_ops, random_network

SETTINGS = dict(deadline=None, suppress_health_check=list(HealthCheck))


@settings(max_examples=60, **SETTINGS)
@given(st.integers(0, 2**32 - 1))
def test_random_2d_networks(seed):
    compare(*random_network(seed, 2))


@settings(max_examples=30, **SETTINGS)
@given(st.integers(0, 2**32 - 1))
def test_random_3d_networks(seed):
    compare(*random_network(seed, 3))


# Seeds that exposed a disagreement (fixed in the engine or in the oracle): replayed.
REGRESSION_SEEDS_2D = [28]
REGRESSION_SEEDS_3D = [46, 63, 106, 174]


def test_regression_seeds():
    for seed in REGRESSION_SEEDS_2D:
        compare(*random_network(seed, 2))
    for seed in REGRESSION_SEEDS_3D:
        compare(*random_network(seed, 3))


def test_empty_d0_with_misaligned_components_gives_no_start():
    """Regression (seed 28): D(0) empty and the only real output sees nothing.

    With misaligned components the sizes are taken over the real outputs (size 0
    here); start/effective_padding used to be extrapolated from the virtual output
    u = 1 all the same, so a row said "size 0" and "start 7/2" at once.
    """
    layers = [
        Residual(body=(nn.AvgPool1d(3, stride=2, padding=1),
                       nn.Upsample(size=5, mode="linear")), shortcut=()),
        nn.AdaptiveAvgPool1d(1),
        # one input, k=2 < s=2 with p=1: the single output (o=0) sees nothing
        nn.ConvTranspose1d(1, 1, 2, stride=2, padding=1, dilation=2),
    ]
    report = Stack(layers, input_shape=(1, 1, 5)).analyze()
    assert report.error is None
    rf = report.layers[-1].receptive_field
    assert report.layers[-1].output_shape == (1, 1, 1)
    assert rf.size == (0,) and rf.size_min == (0,)
    assert rf.start == (None,) and rf.effective_padding == (None,)


def test_thousand_layer_chains():
    """1,000-layer chains (2-d, anisotropic) through the brute force, every row."""
    import random

    for seed in range(2):
        rng = random.Random(seed)
        specs = []
        for i in range(1000):
            c = rng.random()
            if c < 0.06:  # size-preserving, anisotropic, dilated
                k = (rng.choice([1, 3]), rng.choice([1, 3, 5]))
                d = (rng.randint(1, 2), 1)
                p = tuple(dd * (kk - 1) // 2 for kk, dd in zip(k, d))
                specs.append(("L", "Conv2d", (1, 1), dict(kernel_size=k, padding=p, dilation=d, bias=False)))
            elif c < 0.07:
                specs.append(("L", "ConvTranspose2d", (1, 1), dict(kernel_size=3, padding=1, bias=False)))
            elif c < 0.08:
                a_, b_ = rng.randint(-1, 1), rng.randint(-1, 1)
                specs.append(("L", "ZeroPad2d", ((a_, -a_, b_, -b_),), {}))
            elif c < 0.085:
                specs.append(("L", "AvgPool2d", (), dict(kernel_size=(3, 1), stride=1, padding=(1, 0))))
            elif c < 0.6:
                specs.append(("L", "ReLU", (), {}))
            else:
                specs.append(("L", "Identity", (), {}))
        counts = compare((1, 1, 12, 9), specs)
        assert counts["rows"] == 1000


def test_oracle_layer_taps_examples():
    """The oracle's own taps on textbook cases (so the oracle is checked too)."""
    g = Graph(1, (8,))
    (op,) = layer_ops("ConvTranspose1d", (1, 1), dict(kernel_size=3, stride=2, padding=1), 1, (8,), (15,),
                      (True,))
    assert [sorted(op.taps(o)) for o in range(4)] == [[0], [0, 1], [1], [1, 2]]
    (op,) = layer_ops("Upsample", (), dict(scale_factor=2, mode="linear", align_corners=False), 1,
                      (2,), (4,), (True,))
    assert [sorted(op.taps(o)) for o in range(4)] == [[0], [0, 1], [0, 1], [1]]
    (op,) = layer_ops("AdaptiveAvgPool1d", (3,), {}, 1, (8,), (3,), (True,))
    assert [list(op.taps(o)) for o in range(3)] == [[0, 1, 2], [2, 3, 4, 5], [5, 6, 7]]
    (op,) = layer_ops("ZeroPad1d", ((-2, 3),), {}, 1, (8,), (9,), (True,))
    assert list(op.taps(0)) == [2]
    del g
    assert Fraction(3, 1) == 3
