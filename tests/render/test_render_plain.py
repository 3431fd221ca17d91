"""The rich-free piped table is byte-identical to what rich prints for piped output."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

import conv_calc
from conv_calc.render.fit import plain_table
from conv_calc.render.table import print_report_table
from conv_calc.graph.stack import Stack

EXAMPLES = sorted((Path(__file__).parent.parent.parent / "examples").rglob("*.yaml"))


def _rich(report, title):
    buffer = io.StringIO()  # not a terminal: render_table's piped layout
    print_report_table(report, buffer, title=title)
    return buffer.getvalue()


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_plain_table_equals_rich(path):
    report = conv_calc.load_stack(str(path)).analyze()
    assert plain_table(report, str(path)) == _rich(report, str(path))


def test_wide_characters_are_left_to_rich():
    from conv_calc import nn
    from conv_calc.graph.nodes import LayerNode

    report = Stack([LayerNode(nn.ReLU(), name="活性化")]).analyze((1, 2, 3))
    assert plain_table(report, "net") is None
    assert "活性化" in _rich(report, "net")
