"""Keras stack files as graphs: save/from, merges over named tensors (add, mul, sub, cat), several
outputs, and the layers keras.applications uses, checked against Keras 3.

The expected messages were read off Keras 3.15 (torch backend) on ``keras.Input`` tensors of the
same shapes; examples/keras/efficientnet-b0-stem.yaml is compared row by row with the Keras
model's layers recorded in tests/golden/keras_applications/ (no Keras needed).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conv_calc.stackfile.load import StackFileError, load_stack
from tests.keras.keras_apps_golden import load as load_apps

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "keras" / "efficientnet-b0-stem.yaml"

HEAD = "framework: keras\ninput: [null, 16, 16, 8]\nlayers:\n"
SE = HEAD + """\
  - save: x
  - Conv2D: {filters: 8, kernel_size: 1}
    save: a
  - from: x
    layers: [GlobalAveragePooling2D: {keepdims: true}, Dense: {units: 8}]
    save: s
  - mul: [a, s]
    save: m
  - sub: [m, x]
    save: y
  - Permute: {dims: [3, 1, 2]}
  - LayerNormalization: {axis: -1}
  - Reshape: {target_shape: [8, 256]}
    save: r
outputs: [y, r, s]
"""


def test_graph_of_named_tensors():
    report = load_stack(SE).analyze()
    assert report.error is None
    assert [(r.name, r.type, r.output_shape) for r in report.layers[3:]] == [
        ("mul", "mul", (None, 16, 16, 8)), ("sub", "sub", (None, 16, 16, 8)),
        ("3", "Permute", (None, 8, 16, 16)), ("4", "LayerNormalization", (None, 8, 16, 16)),
        ("5", "Reshape", (None, 8, 256))]
    assert report.outputs == {"y": (None, 16, 16, 8), "r": (None, 8, 256), "s": (None, 1, 1, 8)}
    assert report.layers[6].params == 32    # gamma and beta over the last axis (16)


@pytest.mark.parametrize("merge, message", [
    ("mul: [a, b]", "Inputs have incompatible shapes. Received shapes (16, 16, 8) and "
                    "(16, 16, 4)"),
    ("sub: [a, a, a]", "A `Subtract` layer should be called on exactly 2 inputs. Received: "
                       "input_shape=[(None, 16, 16, 8), (None, 16, 16, 8), (None, 16, 16, 8)]"),
])
def test_merges_fail_with_keras_messages(merge, message):
    text = HEAD + ("  - save: a\n  - Conv2D: {filters: 4, kernel_size: 1}\n    save: b\n"
                   f"  - {merge}\n")
    report = load_stack(text).analyze()
    assert isinstance(report.error, ValueError)
    assert str(report.error) == message
    assert report.error.hint


@pytest.mark.parametrize("merge, shape", [
    ("mul: [a, c]", (None, 16, 16, 8)), ("add: [a]", (None, 16, 16, 8)),
    ("mul: [a, c, a]", (None, 16, 16, 8)), ("sub: [c, a]", (None, 16, 16, 8)),
])
def test_merges_broadcast_and_take_lists_as_keras(merge, shape):
    text = HEAD + ("  - save: a\n  - GlobalAveragePooling2D: {keepdims: true}\n    save: c\n"
                   f"  - {merge}\n")
    assert load_stack(text).analyze().output_shape == shape


def test_div_is_torch_only_and_structure_layers_are_not_stack_layers():
    with pytest.raises(StackFileError, match="`div:` is not available for keras stack files"):
        load_stack(HEAD + "  - save: a\n  - div: [a, a]\n")
    for name in ("InputLayer", "Sequential"):
        with pytest.raises(StackFileError):
            load_stack(HEAD + f"  - {name}: {{}}\n")


def test_a_merge_layer_on_one_tensor_says_so():
    report = load_stack(HEAD + "  - Multiply\n").analyze()
    assert str(report.error) == ("A merge layer should be called on a list of inputs. Received: "
                                 "input_shape=(None, 16, 16, 8) (not a list of shapes)")
    assert "mul:" in report.error.hint


def test_permute_checks_rank_as_keras():
    report = load_stack(HEAD + "  - Permute: {dims: [2, 1]}\n").analyze()
    assert str(report.error) == (
        "Input 0 with name 'None' of layer 'permute' is incompatible with the layer: expected "
        "ndim=3, found ndim=4. Full shape received: (None, 16, 16, 8)")


def test_efficientnet_example_matches_keras_rows():
    """Every row: Keras's layer name, output shape and count_params (EfficientNetB0's first 45)."""
    data = load_apps()
    keras_rows = [(name, data["records"][i]) for name, i in data["models"]["EfficientNetB0"]["layers"]]
    report = load_stack(str(EXAMPLE)).analyze()
    assert report.error is None
    ours = [(r.name, list(r.output_shape), r.params) for r in report.layers]
    theirs = [(name, rec["out"], rec["params"]) for name, rec in keras_rows[1:len(ours) + 1]]
    assert ours == theirs
    assert len(ours) == 45


@pytest.mark.slow
def test_live_graph_against_keras():
    """The SE graph above, and the two failing merges, built with Keras's functional API."""
    import os

    os.environ.setdefault("KERAS_BACKEND", "torch")
    keras = pytest.importorskip("keras")
    L = keras.layers
    x = keras.Input((16, 16, 8))
    a = L.Conv2D(8, 1)(x)
    s = L.Dense(8)(L.GlobalAveragePooling2D(keepdims=True)(x))
    m = L.Multiply()([a, s])
    y = L.Subtract()([m, x])
    p = L.Permute((3, 1, 2))(y)
    n_layer = L.LayerNormalization(axis=-1)
    n = n_layer(p)
    r = L.Reshape((8, 256))(n)
    report = load_stack(SE).analyze()
    assert report.outputs == {"y": tuple(y.shape), "r": tuple(r.shape), "s": tuple(s.shape)}
    assert [r_.output_shape for r_ in report.layers[3:]] == [
        tuple(t.shape) for t in (m, y, p, n, r)]
    assert report.layers[6].params == n_layer.count_params()
    b = L.Conv2D(4, 1)(x)
    for build, merge in ((lambda: L.Multiply()([x, b]), "mul: [a, b]"),
                         (lambda: L.Subtract()([x, x, x]), "sub: [a, a, a]")):
        with pytest.raises(ValueError) as keras_error:
            build()
        text = HEAD + ("  - save: a\n  - Conv2D: {filters: 4, kernel_size: 1}\n    save: b\n"
                       f"  - {merge}\n")
        assert str(load_stack(text).analyze().error) == str(keras_error.value)
