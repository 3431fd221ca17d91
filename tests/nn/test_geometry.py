"""conv_calc.geometry: every registered layer answers the per-axis geometry protocol.

A layer that changes the shape without an ``axis_geometry`` of its own raises
NotImplementedError (it is never silently taken as mixing the whole axis); the
walk below over ``conv_calc.nn.LAYERS`` and ``conv_calc.keras.LAYERS`` finds one
before a user does, and fails when a registered layer has no sample here.
"""

from __future__ import annotations

import re

import pytest

from conv_calc import nn
from conv_calc.geometry import FAMILIES, KINDS, Axis
from conv_calc.keras import LAYERS as KERAS

#: Keras layers over several inputs: a stack's merge combines their geometry (graph/analysis).
MERGES = ("Multiply", "Subtract", "Average", "Maximum", "Minimum")

# name -> (args, kwargs, input shape): one ordinary call of every torch layer
TORCH = {
    **{f"Conv{n}d": ((2, 4, 3), {"stride": 2, "padding": 1}, (1, 2) + (9,) * n)
       for n in (1, 2, 3)},
    **{f"ConvTranspose{n}d": ((2, 4, 3), {"stride": 2, "padding": 1, "output_padding": 1},
                              (1, 2) + (5,) * n) for n in (1, 2, 3)},
    **{f"{p}Pool{n}d": ((3,), {"stride": 2}, (1, 2) + (9,) * n)
       for p in ("Max", "Avg") for n in (1, 2, 3)},
    **{f"LPPool{n}d": ((2, 3), {}, (1, 2) + (9,) * n) for n in (1, 2, 3)},
    **{f"Adaptive{p}Pool{n}d": ((4,), {}, (1, 2) + (9,) * n)
       for p in ("Avg", "Max") for n in (1, 2, 3)},
    "Upsample": ((), {"scale_factor": 2, "mode": "bilinear"}, (1, 2, 5, 5)),
    "UpsamplingNearest2d": ((), {"scale_factor": 3}, (1, 2, 5, 5)),
    "UpsamplingBilinear2d": ((), {"size": (7, 8)}, (1, 2, 5, 5)),
    **{f"{p}Pad{n}d": ((1,), {}, (1, 2) + (6,) * n)
       for p in ("Circular", "Reflection", "Replication", "Zero") for n in (1, 2, 3)},
    **{f"ConstantPad{n}d": ((1, 0.5), {}, (1, 2) + (6,) * n) for n in (1, 2, 3)},
    "Flatten": ((), {}, (1, 2, 3, 4)),
    "Unflatten": ((1, (2, 3)), {}, (1, 6, 4)),
    "Identity": ((), {}, (1, 2, 3)),
    "Linear": ((4, 5), {}, (1, 3, 4)),
    **{f"BatchNorm{n}d": ((2,), {}, (3, 2) + (4,) * n) for n in (1, 2, 3)},
    **{f"InstanceNorm{n}d": ((2,), {}, (1, 2) + (4,) * n) for n in (1, 2, 3)},
    "GroupNorm": ((2, 4), {}, (1, 4, 3, 3)),
    "LayerNorm": ((3,), {}, (1, 2, 3)),
    **{name: ((), {}, (1, 2, 3)) for name in (
        "ReLU", "ReLU6", "LeakyReLU", "PReLU", "ELU", "SELU", "CELU", "GELU", "SiLU", "Mish",
        "Hardswish", "Hardsigmoid", "Hardtanh", "Sigmoid", "Tanh", "Softplus", "Dropout",
        "AlphaDropout")},
    "Softmax": ((), {"dim": 1}, (1, 2, 3)),
    "LogSoftmax": ((), {"dim": -1}, (1, 2, 3)),
    "Dropout1d": ((), {}, (1, 2, 3)),
    "StochasticDepth": ((0.2, "row"), {}, (1, 2, 3, 3)),
    "Permute": (([0, 2, 3, 1],), {}, (1, 2, 3, 4)),
    "LayerNorm2d": ((2,), {"eps": 1e-6}, (1, 2, 3, 3)),
    "LayerScale": (([2, 1, 1],), {}, (1, 2, 3, 3)),
    "Dropout2d": ((), {}, (1, 2, 3, 3)),
    "Dropout3d": ((), {}, (1, 2, 3, 3, 3)),
    "PixelShuffle": ((2,), {}, (1, 8, 3, 3)),
    "PixelUnshuffle": ((2,), {}, (1, 2, 6, 6)),
    "ChannelShuffle": ((2,), {}, (1, 4, 3, 3)),
    "Unfold": ((3,), {}, (1, 2, 6, 6)),
    "Fold": (((4, 5), (2, 2)), {}, (1, 8, 12)),
    **{f"MaxUnpool{n}d": ((2,), {}, (1, 2) + (4,) * n) for n in (1, 2, 3)},
    "LocalResponseNorm": ((2,), {}, (1, 4, 3, 3)),
    "SyncBatchNorm": ((2,), {}, (3, 2, 4, 4)),
    "Softmax2d": ((), {}, (1, 2, 3, 3)),
    "Conv3DSimple": ((2, 4), {"stride": 2}, (1, 2, 5, 9, 9)),
    "Conv3DNoTemporal": ((2, 4), {"stride": 2}, (1, 2, 5, 9, 9)),
    "Threshold": ((0.1, 0.0), {}, (1, 2, 3)),
}

# name -> (args, kwargs, input shape) for every Keras layer (merges are combined by the stack)
KERAS_CALLS = {
    **{f"Conv{n}D": ((4, 3), {"strides": 2, "padding": "same"}, (None,) + (9,) * n + (2,))
       for n in (1, 2, 3)},
    **{f"Conv{n}DTranspose": ((4, 3), {"strides": 2}, (None,) + (5,) * n + (2,))
       for n in (1, 2, 3)},
    **{f"DepthwiseConv{n}D": ((3,), {}, (None,) + (9,) * n + (2,)) for n in (1, 2)},
    **{f"SeparableConv{n}D": ((4, 3), {}, (None,) + (9,) * n + (2,)) for n in (1, 2)},
    **{f"{p}Pooling{n}D": ((2,), {"padding": "same"}, (None,) + (9,) * n + (2,))
       for p in ("Max", "Average") for n in (1, 2, 3)},
    **{f"Global{p}Pooling{n}D": ((), {}, (None,) + (9,) * n + (2,))
       for p in ("Max", "Average") for n in (1, 2, 3)},
    **{f"ZeroPadding{n}D": ((1,), {}, (None,) + (5,) * n + (2,)) for n in (1, 2, 3)},
    **{f"Cropping{n}D": ((1,), {}, (None,) + (5,) * n + (2,)) for n in (1, 2, 3)},
    **{f"UpSampling{n}D": ((2,), {}, (None,) + (5,) * n + (2,)) for n in (1, 2, 3)},
    "Flatten": ((), {}, (None, 3, 3, 2)),
    "Reshape": (((9, 2),), {}, (None, 3, 3, 2)),
    "Dense": ((5,), {}, (None, 3, 4)),
    "BatchNormalization": ((), {}, (None, 3, 4)),
    "Activation": (("relu",), {}, (None, 3, 4)),
    "ReLU": ((), {}, (None, 3, 4)),
    "LeakyReLU": ((), {}, (None, 3, 4)),
    "Dropout": ((0.5,), {}, (None, 3, 4)),
    "Add": ((), {}, (None, 3, 4)),
    "Concatenate": ((), {}, (None, 3, 4)),
    **{name: ((), {}, (None, 3, 4)) for name in MERGES},
    "Permute": (((2, 1),), {}, (None, 3, 4)),
    "LayerNormalization": ((), {"axis": [1, 2]}, (None, 3, 4)),
    "Normalization": ((), {}, (None, 3, 4)),
    "Rescaling": ((0.5,), {}, (None, 3, 4)),
    "Identity": ((), {}, (None, 3, 4)),
    "InputLayer": ((), {"shape": (3, 4)}, (None, 3, 4)),
    "Sequential": ((), {"layers": [{"class_name": "ReLU", "config": {}}]}, (None, 3, 4)),
    "LayerScale": ((1e-6, 4), {}, (None, 3, 4)),
    "StochasticDepth": ((0.1,), {}, (None, 3, 4)),
    "CustomScaleLayer": ((0.2,), {}, (None, 3, 4)),
}


def test_every_registered_layer_has_a_sample():
    assert set(TORCH) == set(nn.LAYERS)
    assert set(KERAS_CALLS) == set(KERAS)


def _check(layer, shape, out):
    axes = layer.axis_geometry(shape, out)
    assert len(axes) == len(shape)
    assert all(isinstance(a, Axis) and a.kind in KINDS for a in axes)
    assert axes == layer.axis_geometry(shape)   # out_shape is optional
    if tuple(out) != tuple(shape):               # a layer that changes the shape says where
        assert any(a.kind != "pointwise" or a.dim_shift != 0 for a in axes)
    assert type(layer).family in FAMILIES + (None,)


@pytest.mark.parametrize("name", sorted(TORCH))
def test_torch_layer_answers(name):
    args, kwargs, shape = TORCH[name]
    layer = nn.LAYERS[name](*args, **kwargs)
    _check(layer, shape, layer.output_shape(shape))


@pytest.mark.parametrize("name", sorted(set(KERAS_CALLS) - {"Add", "Concatenate",
                                                             "CustomScaleLayer", *MERGES}))
def test_keras_layer_answers(name):
    args, kwargs, shape = KERAS_CALLS[name]
    layer = KERAS[name](*args, **kwargs)
    _check(layer, shape, layer.symbolic_output_shape(shape))


def test_keras_permute_moves_axes():
    axes = KERAS["Permute"]((3, 1, 2)).axis_geometry((None, 7, 5, 8))
    assert [a.dim_shift for a in axes] == [0, 1, 1, -2]


def test_spatial_dims_is_the_class_name_suffix():
    for name, cls in nn.LAYERS.items():
        m = re.search(r"([123])[dD]$|Conv([123])D", name)  # torchvision's Conv3DSimple too
        want = int(m.group(1) or m.group(2)) if m else None
        assert cls.spatial_dims == want, name
    for name, cls in KERAS.items():
        assert cls.spatial_dims == (cls.rank or None), name


def test_a_layer_that_changes_the_shape_must_say_how():
    class Crop(nn.Layer):
        def output_shape(self, input_shape, **forward_kwargs):
            return tuple(input_shape)[:-1] + (input_shape[-1] - 1,)

    with pytest.raises(NotImplementedError, match="Crop turns"):
        Crop().axis_geometry((1, 2, 5))
    assert nn.ReLU().axis_geometry((1, 2, 5)) == (Axis(kind="pointwise"),) * 3


@pytest.mark.parametrize("layer, shape, kinds, shifts", [
    (nn.Flatten(), (2, 3, 4, 5), ("pointwise", "whole", "whole", "whole"), (2, None, None, None)),
    (nn.Flatten(0, 1), (2, 3, 4), ("whole", "whole", "pointwise"), (None, None, 0)),
    (nn.Flatten(1, 2), (2, 3, 4, 5), ("pointwise", "whole", "whole", "pointwise"),
     (1, None, None, 0)),
    (nn.Unflatten(1, (2, 3)), (1, 6, 4), ("pointwise", "whole", "pointwise"), (-1, None, 0)),
    (nn.Linear(4, 5), (1, 3, 4), ("pointwise", "pointwise", "whole"), (0, 0, 0)),
    (nn.Softmax(dim=1), (1, 2, 3), ("pointwise", "whole", "pointwise"), (0, 0, 0)),
    (KERAS["GlobalMaxPooling2D"](), (None, 3, 3, 2), ("pointwise", "whole", "whole", "pointwise"),
     (0, None, None, 0)),
    (KERAS["GlobalMaxPooling2D"](keepdims=True), (None, 3, 3, 2),
     ("pointwise", "whole", "whole", "pointwise"), (0, 0, 0, 0)),
])
def test_axes_that_move(layer, shape, kinds, shifts):
    axes = layer.axis_geometry(shape)
    assert tuple(a.kind for a in axes) == kinds
    assert tuple(a.dim_shift for a in axes) == shifts


@pytest.mark.parametrize("layer, shape, axis", [
    (nn.Conv2d(1, 1, 4, padding="same"), (1, 1, 8, 8), Axis(4, 1, 1, 1, 2)),
    (nn.Conv1d(1, 1, 3, padding=(2,), stride=(2,)), (1, 1, 8), Axis(3, 2, 1, 2, 2)),
    (nn.ConvTranspose1d(1, 1, 3, stride=2, padding=1, output_padding=1), (1, 1, 4),
     Axis(3, 2, 1, 1, 1, transposed=True, output_padding=1)),
    (nn.MaxPool1d(3, stride=2, padding=1, dilation=2, ceil_mode=True), (1, 1, 9),
     Axis(3, 2, 2, 1, 1, ceil_mode=True)),
    (nn.ZeroPad1d((2, -1)), (1, 1, 9), Axis(1, 1, 1, 2, -1)),
    (nn.AdaptiveAvgPool1d(4), (1, 1, 9), Axis(kind="bins", sizes=(9, 4))),
    (nn.Upsample(scale_factor=2.0), (1, 1, 3), Axis(kind="resample", sizes=(3, 6), mode="nearest",
                                                    scale=2.0)),
    (KERAS["Conv1D"](1, 3, padding="causal", dilation_rate=2), (None, 10, 1), Axis(3, 1, 2, 4, 0)),
    (KERAS["Cropping1D"]((1, 2)), (None, 10, 1), Axis(1, 1, 1, -1, -2)),
    (KERAS["UpSampling1D"](3), (None, 10, 1), Axis(3, 3, 1, 0, 0, transposed=True)),
])
def test_last_spatial_axis(layer, shape, axis):
    spatial = -1 if isinstance(layer, nn.Layer) else -2
    assert layer.axis_geometry(shape)[spatial] == axis
