"""`inputs: {name: shape}`: a network's inputs besides `input`, read by name from the start
(a Keras model with several inputs; `conv-calc import keras` writes them)."""

from __future__ import annotations

import pytest

import conv_calc
from conv_calc import nn
from conv_calc.errors import StackFileError
from conv_calc.graph.nodes import Combine, From, Save
from conv_calc.graph.stack import Stack
from tests.cli_runner import run

TEXT = """input: [1, 1, 28, 28]
inputs: {right: [1, 1, 28, 28], small: [1, 4, 1, 1]}
layers:
  - Conv2d: {out_channels: 4, kernel_size: 3}
    name: conv_left
    save: a
  - Conv2d: {out_channels: 4, kernel_size: 5, padding: 1}
    from: right
    name: conv_right
    save: b
  - add: [a, b]
  - mul: small
"""


def test_other_inputs_are_read_by_name(tmp_path) -> None:
    stack = conv_calc.load_stack(TEXT, filename="net.yaml")
    assert dict(stack.inputs) == {"right": (1, 1, 28, 28), "small": (1, 4, 1, 1)}
    report = stack.analyze()
    rows = [(r.name, r.output_shape, r.receptive_field.size) for r in report.layers[:3]]
    # torch: conv_left(x) (3x3) + conv_right(y) (5x5, padding 1): (1, 4, 26, 26); the
    # receptive field is in each input's own pixels, the union as for any merge.
    assert rows == [("conv_left", (1, 4, 26, 26), (3, 3)), ("conv_right", (1, 4, 26, 26), (5, 5)),
                    ("add", (1, 4, 26, 26), (5, 5))]
    assert report.layers[3].output_shape == (1, 4, 26, 26)  # broadcast with small's 1x1
    # --input changes the first input only: conv_right's 26 no longer matches
    report = stack.analyze(input_shape=(1, 1, 30, 30))
    assert report.failed.name == "add"
    assert str(report.error) == ("The size of tensor a (28) must match the size of tensor b (26) "
                                 "at non-singleton dimension 3")


def test_python_api() -> None:
    stack = Stack([nn.Conv2d(1, 4, 3), Save("a"), From("right", (nn.Conv2d(1, 4, 3),)),
                   Save("b"), Combine("cat", ("a", "b"), dim=1)],
                  input_shape=(1, 1, 8, 8), inputs={"right": (1, 1, 8, 8)})
    assert stack.analyze().output_shape == (1, 8, 6, 6)
    with pytest.raises(ValueError, match="'right' is used, but no tensor was saved"):
        Stack(stack.layers, input_shape=(1, 1, 8, 8)).analyze()


@pytest.mark.parametrize("inputs, message, column", [
    ("inputs: [1, 2]", "`inputs` must be a mapping of names to shapes, got a list", 9),
    ("inputs: {input: [1, 1, 8, 8]}",
     "an input name must be a word other than 'input', got string 'input'", 10),
    ("inputs: {b: null}", "inputs: 'b' has no shape", 13),
    ("inputs: {b: [1, 0, 8]}", "input: size 0 is below 1", 17),
])
def test_bad_inputs_are_problems(inputs, message, column) -> None:
    text = f"input: [1, 1, 8, 8]\n{inputs}\nlayers: [ReLU]\n"
    with pytest.raises(StackFileError) as info:
        conv_calc.load_stack(text, filename="net.yaml")
    found = [(p.message, p.source.line, p.source.column) for p in info.value.problems]
    assert (message, 2, column) in found
    assert all(p.hint for p in info.value.problems)


def test_an_unknown_name_is_still_a_problem() -> None:
    text = "input: [1, 1, 8, 8]\ninputs: {right: [1, 1, 8, 8]}\nlayers:\n  - add: [input, rigth]\n"
    with pytest.raises(StackFileError) as info:
        conv_calc.load_stack(text, filename="net.yaml")
    assert info.value.problems[0].message == "no tensor was saved as 'rigth' before this point"
    assert "right" in info.value.problems[0].hint


def test_lint_reads_it_and_solve_says_it_cannot(tmp_path) -> None:
    path = tmp_path / "net.yaml"
    path.write_text(TEXT)
    assert run("lint", str(path)).code == 0
    result = run("solve", "input-sizes", str(path), "--range", "1..64")
    assert result.code == 2
    assert "solve reads networks with one input; this one also has right, small" in result.stderr
