"""``outputs: [input]`` when no item reads the input by name (found by the torch export)."""

from conv_calc import nn
from conv_calc.graph.stack import Stack


def test_the_input_can_be_an_output_without_being_read_by_name() -> None:
    report = Stack([nn.Conv2d(3, 4, 3)], input_shape=(1, 3, 8, 8), outputs=("input",)).analyze()
    assert report.error is None
    assert dict(report.outputs) == {"input": (1, 3, 8, 8)}
