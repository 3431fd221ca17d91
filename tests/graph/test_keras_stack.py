"""Keras stacks (``framework: keras``): loading, analysis, merges, receptive fields, CLI.

The published numbers are google-research's receptive_field table (RF size /
effective stride / effective padding at the final end-point), which depend on
the input size under TF 'same' padding (reference/receptive-field.md, section 2).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conv_calc.keras import layers as L
from conv_calc.stackfile.load import StackFileError, load_stack
from conv_calc.graph.nodes import LayerNode, Residual, StackDefinitionError
from conv_calc.graph.stack import Stack
from tests.cli_runner import run

EXAMPLES = Path(__file__).resolve().parent.parent.parent / "examples" / "keras"


def _last_rf(report):
    row = [r for r in report.layers if r.receptive_field is not None][-1]
    rf = row.receptive_field
    return rf.size[0], rf.jump[0], rf.effective_padding[0]


@pytest.mark.parametrize("file, size, expected", [
    ("resnet50-v1.yaml", 224, (483, 32, 239)),     # resnet_v1_50/block4
    ("resnet50-v1.yaml", 321, (483, 32, 241)),
    ("mobilenet-v1.yaml", 224, (315, 32, 126)),    # MobilenetV1/Conv2d_13_pointwise
    ("mobilenet-v1.yaml", 321, (315, 32, 157)),
])
def test_published_receptive_fields(file, size, expected):
    report = load_stack(str(EXAMPLES / file)).analyze((None, size, size, 3))
    assert report.error is None
    assert _last_rf(report) == expected


@pytest.mark.parametrize("file, size, shape, params", [
    # Keras's MobileNet(include_top=False, alpha=1.0) has 3,228,864 parameters too.
    ("mobilenet-v1.yaml", 224, (None, 7, 7, 1024), 3_228_864),
    ("resnet50-v1.yaml", 224, (None, 7, 7, 2048), 23_561_152),
    ("resnet50-v1.yaml", 321, (None, 11, 11, 2048), 23_561_152),
])
def test_published_networks_shapes(file, size, shape, params):
    report = load_stack(str(EXAMPLES / file)).analyze((None, size, size, 3))
    assert (report.output_shape, report.total_params) == (shape, params)


def test_broken_example_fails_with_keras_message():
    report = load_stack(str(EXAMPLES / "broken-cropping.yaml")).analyze()
    assert report.failed.type == "Cropping2D"
    assert isinstance(report.error, ValueError)
    assert str(report.error) == (
        "Values in `cropping` argument should be smaller than the corresponding spatial "
        "dimension of the input. Received: input_shape=(None, 4, 4, 32), "
        "cropping=((2, 2), (1, 1))")
    assert report.error.stage == "forward" and report.error.keras_stage == "compute_output_shape"
    assert report.error.hint


def test_channels_first_example():
    report = load_stack(str(EXAMPLES / "unet-channels-first.yaml")).analyze()
    assert report.error is None
    assert report.output_shape == (None, 2, 64, 64)
    # the spatial axes are the last two: a 3x3 conv then a 2x2 pool read 3 then 4 pixels
    assert [r.receptive_field.size for r in report.layers[:5]][0] == (3, 3)
    assert report.layers[3].receptive_field.size == (4, 4)


def test_channels_last_dims_and_unknown_batch():
    st = Stack([LayerNode(type="Conv2D", kwargs={"filters": 4, "kernel_size": (3, 5)}),
                LayerNode(type="GlobalMaxPooling2D"), LayerNode(type="Dense", kwargs={"units": 3})],
               input_shape=(None, 9, 11, 2), framework="keras")
    rows = st.analyze().layers
    assert [r.output_shape for r in rows] == [(None, 7, 7, 4), (None, 4), (None, 3)]
    assert rows[0].receptive_field.size == (3, 5)
    assert rows[2].params == 4 * 3 + 3


@pytest.mark.parametrize("body, shortcut, message", [
    ((L.Conv2D(8, 3, strides=2, padding="same"),), (),
     "Inputs have incompatible shapes. Received shapes (4, 4, 8) and (8, 8, 8)"),
    ((L.Conv2D(16, 1),), (),
     "Inputs have incompatible shapes. Received shapes (8, 8, 16) and (8, 8, 8)"),
])
def test_add_uses_keras_rules(body, shortcut, message):
    report = Stack([Residual(body=body, shortcut=shortcut)], input_shape=(None, 8, 8, 8),
                   framework="keras").analyze()
    assert type(report.error).__mro__[1:] and isinstance(report.error, ValueError)
    assert str(report.error) == message


def test_cat_default_axis_is_keras_channels():
    st = load_stack("framework: keras\ninput: [2, 8, 8, 3]\nlayers:\n"
                    "  - save: x\n  - Conv2D: {filters: 5, kernel_size: 1}\n  - cat: x\n")
    assert st.analyze().output_shape == (2, 8, 8, 8)
    bad = load_stack("framework: keras\ninput: [2, 8, 8, 3]\nlayers:\n"
                     "  - save: x\n  - Conv2D: {filters: 5, kernel_size: 3}\n  - cat: x\n")
    err = bad.analyze().error
    assert str(err) == ("A `Concatenate` layer requires inputs with matching shapes except for "
                        "the concatenation axis. Received: input_shape=[(2, 8, 8, 3), (2, 6, 6, 5)]")


def test_loader_checks_keras_argument_names():
    with pytest.raises(StackFileError) as info:
        load_stack("framework: keras\ninput: [null, 8, 8, 3]\nlayers:\n"
                   "  - Conv2D: {filters: 4, kernel: 3}\n  - Conv2d: {out_channels: 3}\n")
    text = str(info.value)
    assert "Conv2D has no argument 'kernel'" in text and "unknown layer 'Conv2d'" in text


def test_null_batch_is_keras_only():
    with pytest.raises(StackFileError):
        load_stack("input: [null, 3, 8, 8]\nlayers:\n  - ReLU\n")
    with pytest.raises(StackDefinitionError):
        Stack([], input_shape=(2, None, 8, 3), framework="keras").analyze()


def test_framework_override_and_bad_value():
    text = "input: [1, 8, 8, 3]\nlayers:\n  - Conv2D: {filters: 4, kernel_size: 3}\n"
    assert load_stack(text, framework="keras").analyze().output_shape == (1, 6, 6, 4)
    with pytest.raises(StackFileError, match="framework must be torch or keras"):
        load_stack("framework: tf\n" + text)


def test_cli_stack_framework_and_unknown_batch(tmp_path):
    path = tmp_path / "net.yaml"
    path.write_text("input: [1, 8, 8, 3]\nlayers:\n  - Conv2D: {filters: 4, kernel_size: 3}\n")
    result = run("stack", str(path), "--framework", "keras", "--input", "Nonex10x10x3",
                 "--format", "json")
    assert result.code == 0, result.stderr
    assert '"output_shape": [\n' in result.stdout or "null" in result.stdout
    result = run("stack", str(EXAMPLES / "broken-cropping.yaml"))
    assert result.code == 1
    assert "Values in `cropping` argument should be smaller" in result.stderr
    result = run("stack", str(path), "--input", "Nonex10x10x3")
    assert result.code == 2
