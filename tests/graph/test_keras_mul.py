"""`mul:` in a Keras stack: keras.layers.Multiply, whose checks and shape are every Keras
Merge's (Add's). Checked with Keras 3.15 (torch backend): Multiply()([Input((4, 4, 8)),
Input((4, 4, 3))]) raises ValueError "Inputs have incompatible shapes. Received shapes
(4, 4, 8) and (4, 4, 3)"; with Input((1, 1, 8)) it gives (None, 4, 4, 8)."""

from __future__ import annotations

from conv_calc.stackfile.load import load_stack

TEMPLATE = """framework: keras
input: [null, 4, 4, 3]
layers:
  - Conv2D: {filters: 8, kernel_size: 1}
    save: a
  - from: input
    layers: [%s]
    save: b
  - mul: [a, b]
    name: gate
"""


def _report(second: str):
    return load_stack(TEMPLATE % second, filename="mul.yaml").analyze()


def test_multiply_broadcasts_as_keras() -> None:
    report = _report("GlobalAveragePooling2D: {keepdims: true}, Conv2D: {filters: 8, kernel_size: 1}")
    gate = report.layers[-1]
    assert (gate.name, gate.type, gate.output_shape, gate.params) == \
        ("gate", "mul", (None, 4, 4, 8), 0)


def test_multiply_of_incompatible_shapes_fails_with_keras_message() -> None:
    report = _report("Conv2D: {filters: 3, kernel_size: 1}")
    assert isinstance(report.error, ValueError)
    assert str(report.error) == \
        "Inputs have incompatible shapes. Received shapes (4, 4, 8) and (4, 4, 3)"
    assert report.failed.name == "gate"
