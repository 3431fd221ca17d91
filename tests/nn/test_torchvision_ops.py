"""torchvision.ops.StochasticDepth (conv_calc/nn/torchvision_ops.py) against torchvision 0.28.

The expected errors were recorded from torchvision 0.28 (torchvision/ops/stochastic_depth.py):
the constructor stores p and mode unchecked; forward raises.
"""

from __future__ import annotations

import math

import pytest

from conv_calc import nn
from conv_calc.nn import StochasticDepth


def test_registered_with_no_params():
    assert nn.LAYERS["StochasticDepth"] is StochasticDepth
    layer = StochasticDepth(0.2, "row")
    assert layer.output_shape((2, 3, 4, 4)) == (2, 3, 4, 4)
    assert repr(layer) == "StochasticDepth(p=0.2, mode=row)"


@pytest.mark.parametrize("p, mode, cls, message", [
    (1.5, "row", ValueError, "drop probability has to be between 0 and 1, but got 1.5"),
    (-0.1, "batch", ValueError, "drop probability has to be between 0 and 1, but got -0.1"),
    (0.2, "col", ValueError, "mode has to be either 'batch' or 'row', but got col"),
    (math.nan, "row", RuntimeError, "bernoulli_ expects p to be in [0, 1], but got p=nan"),
])
def test_forward_errors_as_torchvision(p, mode, cls, message):
    layer = StochasticDepth(p, mode)   # built without complaint, as in torchvision
    with pytest.raises(cls) as err:
        layer.output_shape((2, 3))
    assert str(err.value) == message


def test_range_and_mode_are_checked_in_eval_too():
    with pytest.raises(ValueError, match="drop probability"):
        StochasticDepth(2, "row").eval().output_shape((2, 3))
    with pytest.raises(ValueError, match="mode has to be"):
        StochasticDepth(0.1, "x").eval().output_shape((2, 3))


def test_row_mode_needs_a_batch_dim_only_in_training():
    with pytest.raises(IndexError, match="tuple index out of range"):
        StochasticDepth(0.2, "row").output_shape(())
    assert StochasticDepth(0.2, "row").eval().output_shape(()) == ()
    assert StochasticDepth(0.0, "row").output_shape(()) == ()
    assert StochasticDepth(0.2, "batch").output_shape(()) == ()
    assert StochasticDepth(math.nan, "row").eval().output_shape((2,)) == (2,)


def _torchvision():
    import sys
    import types
    for name in ("torchvision._meta_registrations", "torchvision._autograd_registrations"):
        sys.modules.setdefault(name, types.ModuleType(name))
    torch = pytest.importorskip("torch")
    ops = pytest.importorskip("torchvision.ops")
    return torch, ops


@pytest.mark.parametrize("p, mode, shape, training", [
    (1.5, "row", (2, 3), True), (-0.1, "batch", (2, 3), False), (0.2, "col", (2, 3), True),
    (math.nan, "row", (2, 3), True), (math.nan, "row", (2, 3), False), (0.2, "row", (), True),
    (0.2, "row", (), False), (0.3, "batch", (), True), (0.0, "row", (), True),
    (0.5, "row", (2, 3, 4, 4), True),
])
def test_live_against_torchvision(p, mode, shape, training):
    torch, ops = _torchvision()
    theirs = ops.StochasticDepth(p, mode).train(training)
    ours = StochasticDepth(p, mode).train(training)
    try:
        want = tuple(theirs(torch.zeros(shape)).shape)
    except Exception as err:  # noqa: BLE001 - the class and message are the expectation
        with pytest.raises(type(err)) as got:
            ours.output_shape(shape)
        assert str(got.value) == str(err)
    else:
        assert ours.output_shape(shape) == want


# Permute, LayerNorm2d and ConvNeXt's LayerScale (torchvision.ops.misc.Permute,
# torchvision.models.convnext.LayerNorm2d, CNBlock.layer_scale) against torchvision live.

def _same(make_theirs, ours, shape, params=None):
    torch, _ = _torchvision()
    try:
        theirs = make_theirs(torch)
        want = tuple(theirs(torch.zeros(shape)).shape)
    except Exception as err:  # noqa: BLE001 - the class and message are the expectation
        with pytest.raises(type(err)) as got:
            ours().output_shape(shape)
        assert str(got.value) == str(err)
        return
    layer = ours()
    assert layer.output_shape(shape) == want
    assert layer.param_count() == sum(p.numel() for p in theirs.parameters())


@pytest.mark.parametrize("dims, shape", [
    ([0, 2, 3, 1], (1, 96, 7, 5)), ([0, 3, 1, 2], (1, 7, 5, 96)), ([0, 2, 3, 1], (2, 3, 4)),
    ([0, 0, 1, 2], (2, 3, 4)), ([0, 1, 5], (2, 3, 4)), ([-1, 0, 1], (2, 3, 4)), ([1, 0], (4, 5)),
])
def test_permute_live(dims, shape):
    from conv_calc.nn import Permute
    _same(lambda torch: __import__("torchvision.ops.misc", fromlist=["Permute"]).Permute(dims),
          lambda: Permute(dims), shape)


@pytest.mark.parametrize("c, kwargs, shape", [
    (96, {"eps": 1e-6}, (1, 96, 7, 7)), (768, {}, (1, 768, 1, 1)), (8, {}, (2, 4, 3, 3)),
    (8, {}, (2, 8, 3)), (8, {}, (8,)), ([3, 8], {}, (2, 8, 4, 3)), (8, {"elementwise_affine": False}, (1, 8, 2, 2)),
    (8, {"bias": False}, (1, 8, 2, 2)), ([], {}, (1, 8, 2, 2)),
])
def test_layernorm2d_live(c, kwargs, shape):
    from conv_calc.nn import LayerNorm2d

    def theirs(torch):
        _torchvision()
        from torchvision.models.convnext import LayerNorm2d as TV
        return TV(c, **kwargs)

    _same(theirs, lambda: LayerNorm2d(c, **kwargs), shape)


@pytest.mark.parametrize("scale, shape", [
    ((96, 1, 1), (1, 96, 56, 56)), ((4, 1, 1), (2, 5, 3, 3)), ((4, 1, 1), (4,)), ((3,), (2, 3)),
])
def test_layer_scale_live(scale, shape):
    from conv_calc.nn import LayerScale

    def theirs(torch):
        class Scale(torch.nn.Module):  # CNBlock: self.layer_scale * self.block(input)
            def __init__(self):
                super().__init__()
                self.layer_scale = torch.nn.Parameter(torch.ones(scale) * 1e-6)

            def forward(self, x):
                return self.layer_scale * x
        return Scale()

    _same(theirs, lambda: LayerScale(list(scale)), shape)


# torchvision's video Conv3d subclasses (torchvision/models/video/resnet.py). The table was
# read off torchvision 0.28; the live test compares with it where torchvision is installed.
VIDEO_CONVS = [  # class, args, input shape, output shape, params
    ("Conv3DSimple", (3, 64), (1, 3, 16, 28, 28), (1, 64, 16, 28, 28), 5184),
    ("Conv3DSimple", (64, 128, None, 2), (1, 64, 16, 28, 28), (1, 128, 8, 14, 14), 221184),
    ("Conv3DNoTemporal", (64, 128), (1, 64, 16, 28, 28), (1, 128, 16, 28, 28), 73728),
    ("Conv3DNoTemporal", (64, 128, None, 2), (1, 64, 16, 28, 28), (1, 128, 16, 14, 14), 73728),
]


@pytest.mark.parametrize("name, args, shape, out, params", VIDEO_CONVS)
def test_video_conv3d_subclasses(name, args, shape, out, params):
    layer = nn.LAYERS[name](*args)
    assert (layer.output_shape(shape), layer.param_count()) == (out, params)
    assert nn.LAYERS[name].infer_kwargs(shape) == {"in_planes": shape[1]}


@pytest.mark.parametrize("name, args, shape, out, params", VIDEO_CONVS)
def test_video_conv3d_subclasses_live(name, args, shape, out, params):
    _torchvision()
    from torchvision.models.video import resnet

    _same(lambda torch: getattr(resnet, name)(*args), lambda: nn.LAYERS[name](*args), shape)
