"""Stack.analyze: rows, names, failures, merges (messages verified against torch 2.13)."""

from __future__ import annotations

from fractions import Fraction

import pytest

from conv_calc import nn
from conv_calc.errors import LayerError
from conv_calc.graph.nodes import LayerNode, Merge, Parallel, Residual, Save, Sequential, StackDefinitionError
from conv_calc.graph.stack import Stack


def names(report):
    return [r.name for r in report.layers]


def test_rows_names_params_and_inferred_channels():
    stack = Stack([
        LayerNode(type="Conv2d", kwargs={"out_channels": 8, "kernel_size": 3, "padding": 1},
                  name="conv1"),
        LayerNode(type="BatchNorm2d"),
        Sequential((nn.ReLU(), LayerNode(type="Conv2d", kwargs={"out_channels": 4, "kernel_size": 1})),
                   name="layer1"),
        Residual(body=(LayerNode(type="Conv2d", kwargs={"out_channels": 4, "kernel_size": 3,
                                                        "padding": 1}, name="conv1"),)),
        Residual(body=(LayerNode(type="Conv2d", kwargs={"out_channels": 8, "kernel_size": 3,
                                                        "stride": 2, "padding": 1}),),
                 shortcut=(LayerNode(type="Conv2d", kwargs={"out_channels": 8, "kernel_size": 1,
                                                            "stride": 2}),)),
    ], input_shape=(1, 3, 16, 16))
    report = stack.analyze()
    assert report.error is None
    assert names(report) == ["conv1", "1", "layer1.0", "layer1.1", "3.conv1", "add",
                             "4.0", "4.shortcut.0", "add_1"]
    assert report.layers[0].params == 3 * 8 * 9 + 8
    assert report.layers[0].macs == 8 * 16 * 16 * 27
    assert report.output_shape == (1, 8, 8, 8)
    assert [r.type for r in report.layers][-1] == "add"


def test_failure_stops_with_the_layer_name_and_rows_before():
    report = Stack([nn.Conv2d(3, 8, 3), nn.Conv2d(3, 8, 3)]).analyze((1, 3, 8, 8))
    assert names(report) == ["0"]
    assert isinstance(report.error, RuntimeError) and isinstance(report.error, LayerError)
    assert report.error.layer == "1" and report.failed.index == 1
    assert report.failed.input_shape == (1, 8, 6, 6)


def test_construction_failure():
    report = Stack([LayerNode(type="Conv2d", kwargs={"out_channels": 8, "kernel_size": 3,
                                                     "groups": 0}, name="c")]).analyze((1, 3, 8, 8))
    assert report.layers == () and str(report.error) == "groups must be a positive integer"
    assert report.error.layer == "c" and report.failed.type == "Conv2d"


@pytest.mark.parametrize("nodes, shape, exc, message", [
    ([Residual(body=(nn.Conv2d(3, 4, 1),))], (1, 3, 4, 4), RuntimeError,
     "The size of tensor a (4) must match the size of tensor b (3) at non-singleton dimension 1"),
    ([Residual(body=(nn.Conv2d(3, 3, 3),))], (1, 3, 5, 5), RuntimeError,
     "The size of tensor a (3) must match the size of tensor b (5) at non-singleton dimension 3"),
    ([Save("skip"), nn.Conv2d(3, 3, 2), Merge("skip")], (1, 3, 8, 8), RuntimeError,
     "Sizes of tensors must match except in dimension 1. Expected size 8 but got size 7 for "
     "tensor number 1 in the list."),
    ([Save("skip"), nn.Conv2d(3, 3, 2), Merge("skip", dim=4)], (1, 3, 8, 8), IndexError,
     "Dimension out of range (expected to be in range of [-4, 3], but got 4)"),
    ([Save("s"), nn.Flatten(2), Merge("s")], (1, 3, 8, 8), RuntimeError,
     "Tensors must have same number of dimensions: got 4 and 3"),
])
def test_merge_errors_are_torchs(nodes, shape, exc, message):
    report = Stack(nodes).analyze(shape)
    assert isinstance(report.error, exc) and str(report.error) == message
    assert report.error.hint and report.failed.type in ("add", "cat")


def test_broadcast_add_and_cat():
    report = Stack([Parallel(branches=((nn.AdaptiveAvgPool2d(1),), ()), merge="add")]
                   ).analyze((1, 3, 8, 8))
    assert report.output_shape == (1, 3, 8, 8)
    cat = Stack([Parallel(branches=((nn.Conv2d(3, 4, 1),), (nn.Conv2d(3, 5, 3, padding=1),)))]
                ).analyze((2, 3, 8, 8))
    assert cat.output_shape == (2, 9, 8, 8) and names(cat)[-1] == "cat"
    rf = cat.layers[-1].receptive_field
    assert rf.size == (3, 3) and rf.aligned == (True, True)


def test_unet_center_crop():
    nodes = [nn.Conv2d(1, 4, 3), Save("s"), nn.MaxPool2d(2), nn.Conv2d(4, 4, 3),
             nn.ConvTranspose2d(4, 4, 2, stride=2), Merge("s", crop="center")]
    report = Stack(nodes).analyze((1, 1, 20, 20))
    # saved 18x18 cropped to 14x14 at top = 2
    assert report.output_shape == (1, 8, 14, 14)
    rf = report.layers[-1].receptive_field
    assert rf.region(0, 0)[0] == (0, 7)  # union of the cropped skip [2, 4] and the up path [0, 7]


def test_transposed_and_upsampling_fields():
    report = Stack([nn.Conv1d(1, 1, 3, stride=2, padding=1), nn.ConvTranspose1d(1, 1, 3, stride=2, padding=1),
                    nn.Upsample(scale_factor=3), nn.ConvTranspose1d(1, 1, 1, stride=2)]).analyze((1, 1, 9))
    t, u, empty = (r.receptive_field for r in report.layers[1:])
    assert (t.size, t.size_min, t.jump) == ((5,), (3,), (1,))
    assert u.jump == (Fraction(1, 3),)
    assert empty.size_min == (3,) and empty.region(1) == (None,)


def test_flatten_linear_sees_the_whole_input():
    report = Stack([nn.Conv2d(1, 2, 3), nn.Flatten(), nn.Linear(2 * 6 * 6, 10)]).analyze((1, 1, 8, 8))
    rf = report.layers[-1].receptive_field
    assert rf.size == (8, 8) and rf.jump == (0, 0) and rf.dims == (None, None)


@pytest.mark.parametrize("nodes", [
    [Merge("nope")],
    [LayerNode(type="Conv9d")],
    ["Conv2d"],
    [Parallel(branches=((),), merge="mul")],
    [Save("a"), Merge("a", crop="left")],
])
def test_malformed_definitions_raise(nodes):
    with pytest.raises(StackDefinitionError):
        Stack(nodes).analyze((1, 3, 8, 8))


def test_no_input_shape_raises():
    with pytest.raises(ValueError):
        Stack([nn.ReLU()]).analyze()
