"""conv_calc.keras: formula tables, geometry, params and MACs (values measured with Keras 3.15,
torch backend: shapes from compute_output_shape, params from count_params() after a call)."""

from __future__ import annotations

import pytest

from conv_calc.keras import LAYERS, layers
from conv_calc.keras.ops import AxisGeometry


@pytest.mark.parametrize("layer, kwargs, inp, out", [
    ("Conv2D", {"filters": 64, "kernel_size": 7, "strides": 2, "padding": "same"},
     (None, 224, 224, 3), (None, 112, 112, 64)),
    ("Conv2D", {"filters": 8, "kernel_size": 3, "data_format": "channels_first"},
     (2, 3, 10, 12), (2, 8, 8, 10)),
    ("Conv1D", {"filters": 2, "kernel_size": 3, "padding": "causal", "strides": 3},
     (2, 10, 3), (2, 4, 2)),
    ("Conv2DTranspose", {"filters": 2, "kernel_size": 3, "strides": 2}, (1, 5, 5, 4), (1, 11, 11, 2)),
    ("Conv2DTranspose", {"filters": 2, "kernel_size": 3, "strides": 2, "padding": "same"},
     (1, 5, None, 4), (1, 10, None, 2)),
    ("Conv1DTranspose", {"filters": 2, "kernel_size": 3, "strides": 2, "padding": "same",
                         "output_padding": 1}, (1, 5, 4), (1, 10, 2)),
    ("Conv1DTranspose", {"filters": 2, "kernel_size": 1, "strides": 3}, (1, 4, 4), (1, 12, 2)),
    ("DepthwiseConv2D", {"kernel_size": 3, "strides": 2, "padding": "same", "depth_multiplier": 2},
     (None, 7, 7, 3), (None, 4, 4, 6)),
    ("MaxPooling2D", {"pool_size": 3, "strides": 2, "padding": "same"}, (None, 112, 112, 64),
     (None, 56, 56, 64)),
    ("AveragePooling1D", {"pool_size": 2}, (None, 7, 3), (None, 3, 3)),
    ("GlobalMaxPooling3D", {"keepdims": True}, (None, 4, 4, 4, 8), (None, 1, 1, 1, 8)),
])
def test_shapes(layer, kwargs, inp, out):
    assert LAYERS[layer](**kwargs).compute_output_shape(inp) == out


def test_same_padding_geometry_depends_on_input_size():
    conv = layers.Conv2D(8, 3, strides=2, padding="same")
    assert conv.geometry((None, 224, 224, 3))[0] == AxisGeometry(3, 2, 1, 0, 1)
    assert conv.geometry((None, 225, 225, 3))[0] == AxisGeometry(3, 2, 1, 1, 1)
    assert conv.geometry((None, None, 225, 3))[0].pad_left is None   # unknown until the size is
    causal = layers.Conv1D(2, 3, padding="causal", dilation_rate=2)
    assert causal.geometry((None, 10, 1)) == (AxisGeometry(3, 1, 2, 4, 0),)


@pytest.mark.parametrize("layer, kwargs, inp, params", [   # count_params() measured in Keras
    ("Conv2D", {"filters": 4, "kernel_size": 3, "strides": 2, "padding": "same"}, (1, 7, 8, 3), 112),
    ("Conv2D", {"filters": 4, "kernel_size": 2, "groups": 2, "use_bias": False}, (1, 5, 5, 6), 48),
    ("Conv2DTranspose", {"filters": 2, "kernel_size": 3}, (1, 5, 5, 4), 74),
    ("DepthwiseConv2D", {"kernel_size": 3, "depth_multiplier": 2}, (1, 5, 5, 3), 60),
    ("SeparableConv2D", {"filters": 8, "kernel_size": 3}, (1, 5, 5, 4), 76),
])
def test_params(layer, kwargs, inp, params):
    assert LAYERS[layer](**kwargs).count_params(inp) == params


def test_macs():
    # batch * out positions * filters * k*k * cin/groups
    assert layers.Conv2D(64, 7, strides=2, padding="same").macs((1, 224, 224, 3)) == \
        112 * 112 * 64 * 49 * 3
    assert layers.DepthwiseConv2D(3).macs((None, 5, 5, 4)) == 3 * 3 * 4 * 9
    assert layers.SeparableConv2D(8, 3).macs((2, 5, 5, 4)) == 2 * 9 * (4 * 9 + 4 * 8)


def test_errors_by_stage_type_message():
    with pytest.raises(ValueError, match=r"^`strides > 1` not supported in conjunction"):
        layers.Conv2D(4, 3, strides=2, dilation_rate=2)
    with pytest.raises(ValueError) as err:
        layers.Conv2D(4, 3).compute_output_shape((None, 2, 2, 3))
    assert err.value.stage == "compute_output_shape" and err.value.hint
    assert str(err.value).startswith("Computed output size would be zero or negative. Received "
                                     "`inputs shape=(None, 2, 2, 3)`, `kernel shape=(3, 3, 3, 4)`, "
                                     "`dilation_rate=[1 1]`")
    with pytest.raises(ValueError) as err:
        layers.Conv2D(4, 3, groups=2).call_shape((1, 5, 5, 3))
    assert err.value.stage == "call"
    with pytest.raises(TypeError, match=r"Conv2D.__init__\(\) missing 1 required positional"):
        layers.Conv2D(4)
