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
from conv_calc.graph.nodes import Residual
from conv_calc.graph.stack import Stack
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


# --------------------------------------------------------------------------- published numbers
# The networks of tests/graph/test_stack_published.py (TF-Slim 'SAME' = explicit asymmetric
# ZeroPad2d), re-checked three ways: the Python API, this file's independent oracle,
# and a stack file through `conv-calc stack --format json`.

import json  # noqa: E402

import pytest  # noqa: E402
import yaml  # noqa: E402

from tests.graph import test_stack_published as pub  # noqa: E402
from tests.cli_runner import run  # noqa: E402


def _specs(nodes):
    """conv_calc layers / Residual nodes -> (oracle spec tree, YAML layer list)."""
    specs, items = [], []
    for node in nodes:
        if isinstance(node, Residual):
            bs, by = _specs(node.body)
            ss, sy = _specs(node.shortcut)
            specs.append(("R", bs, ss))
            items.append({"residual": by, "shortcut": sy})
            continue
        cls = type(node).__name__
        if cls == "Conv2d":
            kw = dict(kernel_size=list(node.kernel_size), stride=list(node.stride),
                      padding=list(node.padding), dilation=list(node.dilation))
            specs.append(("L", cls, (node.in_channels, node.out_channels), dict(kw)))
            items.append({cls: {"out_channels": node.out_channels, **kw}})
        elif cls == "ZeroPad2d":
            specs.append(("L", cls, (tuple(node.padding),), {}))
            items.append({cls: {"padding": list(node.padding)}})
        elif cls == "MaxPool2d":
            kw = dict(kernel_size=node.kernel_size, stride=node.stride, padding=node.padding)
            specs.append(("L", cls, (), kw))
            items.append({cls: kw})
        else:  # pragma: no cover
            raise AssertionError(cls)
    return specs, items


def _alexnet_v2():
    n = pub.Net(224)
    n.conv(64, 11, 4, "VALID").pool(3, 2).conv(192, 5).pool(3, 2)
    n.conv(384, 3).conv(384, 3).conv(256, 3).pool(3, 2)
    return n.nodes, (1, 3, 224, 224)


def _vgg16():
    n = pub.Net(224)
    for reps, c in ((2, 64), (2, 128), (3, 256), (3, 512), (3, 512)):
        for _ in range(reps):
            n.conv(c, 3)
        n.pool(2, 2)
    return n.nodes, (1, 3, 224, 224)


def _resnet50():
    n = pub.Net(224)
    n.conv(64, 7, 2, "FIXED").pool(3, 2, "SAME")
    for i, (count, depth) in enumerate(zip((3, 4, 6, 3), (64, 128, 256, 512))):
        for u in range(count):
            pub.bottleneck(n, depth * 4, depth, 2 if (u == count - 1 and i < 3) else 1)
    return n.nodes, (1, 3, 224, 224)


def _patchgan():
    return ([nn.Conv2d(3, 64, 4, 2, 1), nn.Conv2d(64, 128, 4, 2, 1), nn.Conv2d(128, 256, 4, 2, 1),
             nn.Conv2d(256, 512, 4, 1, 1), nn.Conv2d(512, 1, 4, 1, 1)], (1, 3, 256, 256))


def _dilated():
    return [nn.Conv2d(1, 1, 3, padding=d, dilation=d) for d in (1, 2, 4)], (1, 1, 64, 64)


def _distill_fig3():
    return [nn.Conv2d(1, 1, 3, stride=3, padding=1), nn.Conv2d(1, 1, 2)], (1, 1, 12, 12)


def _dang_alexnet():
    """Caffe AlexNet at 227 (Dang's guide, receptive-field.md s7), fc6 as a 6x6 conv."""
    return ([nn.Conv2d(3, 96, 11, 4), nn.MaxPool2d(3, 2), nn.Conv2d(96, 256, 5, padding=2),
             nn.MaxPool2d(3, 2), nn.Conv2d(256, 384, 3, padding=1), nn.Conv2d(384, 384, 3, padding=1),
             nn.Conv2d(384, 256, 3, padding=1), nn.MaxPool2d(3, 2), nn.Conv2d(256, 4096, 6)],
            (1, 3, 227, 227))


# (network, row index from the end, size, jump, effective_padding, start)
PUBLISHED = [
    ("alexnet_v2 pool5", _alexnet_v2, -1, 195, 32, 64, 33),
    ("vgg_16 pool5", _vgg16, -1, 212, 32, 90, Fraction(31, 2)),
    ("resnet_v1_50 block4", _resnet50, -1, 483, 32, 239, 2),
    ("patchgan", _patchgan, -1, 70, 8, 23, Fraction(23, 2)),
    ("dilation 1,2,4", _dilated, -1, 15, 1, 7, 0),
    ("distill fig3", _distill_fig3, -1, 6, 3, 1, Fraction(3, 2)),   # output 0 sees [-1, 4]
    # Dang: pool5 r 195, j 32, start 33.5 and fc6 r 355, start 113.5 with pixel centres at
    # i + 0.5; DESIGN puts pixel i at coordinate i, so start is 0.5 lower (33, 113).
    ("dang alexnet pool5", _dang_alexnet, -2, 195, 32, 64, 33),
    ("dang alexnet fc6", _dang_alexnet, -1, 355, 32, 64, 113),
]


@pytest.mark.parametrize("name, net, at, size, jump, pad, start", PUBLISHED, ids=[p[0] for p in PUBLISHED])
def test_published_python_api_and_oracle(name, net, at, size, jump, pad, start):
    nodes, shape = net()
    report = Stack(nodes, input_shape=shape).analyze()
    assert report.error is None
    rf = report.layers[at].receptive_field
    assert (rf.size, rf.jump, rf.effective_padding, rf.start) == ((size,) * 2, (jump,) * 2, (pad,) * 2,
                                                                   (start,) * 2)
    if name == "distill fig3":
        assert rf.region(0) == ((-1, 4), (-1, 4))
    specs, _ = _specs(nodes)
    compare(shape, specs)  # the independent oracle agrees on every row


@pytest.mark.parametrize("name, net, at, size, jump, pad, start", PUBLISHED, ids=[p[0] for p in PUBLISHED])
def test_published_stack_file_json(tmp_path, name, net, at, size, jump, pad, start):
    nodes, shape = net()
    _, items = _specs(nodes)
    path = tmp_path / "net.yaml"
    path.write_text(yaml.safe_dump({"version": 1, "input": list(shape), "layers": items}))
    res = run("stack", str(path), "--format", "json")
    assert res.code == 0, res.stdout
    doc = json.loads(res.stdout)
    rf = doc["layers"][at]["receptive_field"]
    as_json = (lambda v: v if isinstance(v, int) else f"{v.numerator}/{v.denominator}")
    assert rf["size"] == [size] * 2 and rf["jump"] == [jump] * 2
    assert rf["effective_padding"] == [pad] * 2 and rf["start"] == [as_json(start)] * 2
