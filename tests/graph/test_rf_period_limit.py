"""Past a receptive-field period conv-calc does not follow (MAX_PERIOD), the analysis goes
on: shapes, parameters and MACs for every row, no field from that row on, and a note
naming the row and the cause (the commands print it)."""

from __future__ import annotations

import pytest

from conv_calc import nn
from conv_calc.graph.nodes import LayerNode, Merge, Save
from conv_calc.graph.stack import Stack
from conv_calc.receptive.maps import MAX_PERIOD
from tests.cli_runner import run


def _report(*items, shape=(1, 1, 8, 8)):
    return Stack(list(items)).analyze(input_shape=shape)


def test_a_long_transposed_stride_stops_the_fields_not_the_shapes():
    stride = MAX_PERIOD + 1
    report = _report(LayerNode(nn.Conv2d(1, 2, 3, padding=1), name="c"),
                     LayerNode(nn.ConvTranspose2d(2, 2, 3, stride=stride), name="up"),
                     LayerNode(nn.Conv2d(2, 2, 1), name="after"))
    assert [r.output_shape for r in report.layers] == [
        (1, 2, 8, 8), (1, 2, 7 * stride + 3, 7 * stride + 3), (1, 2, 7 * stride + 3, 7 * stride + 3)]
    assert report.layers[0].receptive_field is not None
    assert [r.receptive_field for r in report.layers[1:]] == [None, None]
    assert report.total_params == 20 + 38 + 6
    assert report.notes == (f"receptive fields are not computed from row 1 (up) on: transposed "
                            f"stride {stride}: the exact receptive field repeats every "
                            f"{stride:,} output positions; conv-calc follows periods up to "
                            f"{MAX_PERIOD:,}",)


def test_at_the_limit_the_field_is_followed():
    report = _report(LayerNode(nn.ConvTranspose1d(1, 1, 3, stride=MAX_PERIOD), name="up"),
                     shape=(1, 1, 4))
    assert report.notes == () and report.layers[0].receptive_field.size == (1,)  # k 3 < stride: one input each


def test_a_composed_period_stops_at_the_layer_that_makes_it_and_merges_go_on():
    report = _report(LayerNode(nn.Conv1d(1, 1, 1), name="a"), Save("x"),
                     LayerNode(nn.ConvTranspose1d(1, 1, 3, stride=1009), name="t1"),
                     LayerNode(nn.ConvTranspose1d(1, 1, 3, stride=1013), name="t2"),
                     LayerNode(nn.AdaptiveAvgPool1d(4), name="pool"),
                     Merge("x", op="add"),
                     shape=(1, 1, 4))
    fields = [r.receptive_field is not None for r in report.layers]
    assert fields == [True, True, False, False, False]
    assert report.notes[0].startswith("receptive fields are not computed from row 2 (t2) on: ")
    assert report.layers[-1].output_shape == (1, 1, 4) and report.error is None


@pytest.mark.parametrize("fmt", ["table", "json"])
def test_stack_gives_the_table_and_the_note(tmp_path, fmt):
    net = tmp_path / "net.yaml"
    net.write_text("version: 1\ninput: [1, 1, 8, 8]\nlayers:\n"
                   "  - ConvTranspose2d: {out_channels: 1, kernel_size: 3, stride: 10000000}\n")
    result = run("stack", str(net), "--format", fmt)
    assert result.code == 0
    assert "70000003" in result.stdout
    assert "note: receptive fields are not computed from row 0 (0) on" in result.stderr


def test_layer_says_why_it_gives_no_field():
    result = run("layer", "ConvTranspose2d(1, 1, 3, stride=100000)", "-i", "1x1x8x8")
    assert result.code == 0 and "700003" in result.stdout
    assert "receptive field" not in result.stdout
    assert result.stderr.startswith("note: receptive fields are not computed from row 0")
