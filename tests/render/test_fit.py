"""Tables that fit: at 60, 80, 100 and 120 columns no line is wider than the terminal (unless
nothing else can give way), no number is split or cut, columns give way in the documented order,
and rich on a terminal prints what the rich-free layout says."""

from __future__ import annotations

import io
import re
from functools import lru_cache
from pathlib import Path

import pytest

from tests.render.terminal import run_in_terminal

import conv_calc
from conv_calc.render.blocks import fold
from conv_calc.render.fit import (INDEX, JUMP, MACS, NAME, PARAMS, RF, START, TYPE,
                                  abbreviate, fit, footer_lines, plain_table, shorten_middle,
                                  table_cells)
from conv_calc.render.report import fmt_shape
from conv_calc.render.table import print_report_table
from tests.report_fixtures import FAILED, WIDE

ROOT = Path(__file__).parent.parent.parent
WIDTHS = (60, 80, 100, 120)
NETS = ("tiny", "resnet50", "unet", "convnext_tiny", "broken-unet-skip", "wavenet", "mc3_18")
ANSI = re.compile(r"\x1b\[[0-9;]*m")


@lru_cache(maxsize=None)
def _report(name):
    return conv_calc.load_stack(str(ROOT / "examples" / f"{name}.yaml")).analyze()


class _Terminal(io.StringIO):
    """What rich takes for a terminal: colours on, width from COLUMNS."""

    def isatty(self):
        return True


def _on_terminal(report, width, monkeypatch, title="net", rows=None):
    monkeypatch.setenv("COLUMNS", str(width))
    monkeypatch.delenv("NO_COLOR", raising=False)
    out = _Terminal()
    print_report_table(report, out, title=title, rows=rows)
    return "".join(ANSI.sub("", line).rstrip() + "\n" for line in out.getvalue().splitlines())


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", NETS)
def test_rich_on_a_terminal_prints_the_fitted_layout(name, width, monkeypatch):
    report = _report(name)
    text = _on_terminal(report, width, monkeypatch, title=name)
    assert text == plain_table(report, name, width)
    assert "\x1b[" not in plain_table(report, name, width)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", NETS)
def test_no_line_is_wider_and_no_number_is_split(name, width):
    report = _report(name)
    lines = plain_table(report, name, width).splitlines()
    assert all(len(line) <= width for line in lines), [line for line in lines if len(line) > width]
    layout = fit(table_cells(report), width)
    # One line per row: the title, header and rule, then each layer on its own line holding
    # its shape and its numbers whole (exact, or rounded as the footer says).
    body = lines[3:3 + len(report.layers)]
    for row, line in zip(report.layers, body):
        assert fmt_shape(row.output_shape) in line, (row.name, line)
        for column, value in ((PARAMS, row.params), (MACS, row.macs)):
            shown = abbreviate(value) if column in layout.state.rounded else f"{value:,}"
            assert re.search(r"(^|\s)" + re.escape(shown) + r"(\s|$)", line), (row.name, shown)
    assert len(lines) == (3 + len(layout.body) + (layout.fail is not None) + 2
                          + len(layout.outputs) + len(footer_lines(layout)))


def test_wide_numbers_stay_whole_on_a_narrow_terminal(monkeypatch):
    text = _on_terminal(WIDE, 60, monkeypatch)
    assert "98.8P" in text and "123G" in text  # rounded, whole, never "98,765,4" / "32,109"
    assert "[123456789, 987654321, 4096, 4096]" in text
    assert "encod…" in text  # the name gave way, in the middle
    assert "rounded" in text and "not shown" in text


def test_a_terminal_wide_enough_gets_the_full_table(monkeypatch):
    report = _report("tiny")
    assert _on_terminal(report, 200, monkeypatch, "t") == plain_table(report, "t")
    assert "RF size" in plain_table(report, "t") and "at 200" not in plain_table(report, "t")


def test_the_failing_row_stays_marked_when_columns_give_way(monkeypatch):
    text = _on_terminal(FAILED, 40, monkeypatch)
    assert "✗ RuntimeError" in text


EXPECTED_ORDER = ["tight", "round MACs", "round params", "drop start", "drop jump", "drop #",
                  "shorten type", "drop RF size", "shorten name", "drop type"]


def _steps(state):
    """What gave way, in the documented order."""
    shortened = {c for c, _ in state.limits}
    taken = {"tight": state.tight, "round MACs": MACS in state.rounded,
             "round params": PARAMS in state.rounded, "drop start": START in state.dropped,
             "drop jump": JUMP in state.dropped, "drop #": INDEX in state.dropped,
             "shorten type": TYPE in shortened, "drop RF size": RF in state.dropped,
             "shorten name": NAME in shortened, "drop type": TYPE in state.dropped}
    return [step for step in EXPECTED_ORDER if taken[step]]


@pytest.mark.parametrize("name", ["resnet50", "convnext_tiny", "tiny"])
def test_columns_give_way_in_the_documented_order(name):
    """Narrowing one column at a time, what gave way only ever grows, in the documented
    order (a shortening that would change nothing is skipped), and the table fits unless
    every step has been taken."""
    cells = table_cells(_report(name))
    previous: list[str] = []
    for width in range(fit(cells, None).width, 20, -1):
        layout = fit(cells, width)
        steps = _steps(layout.state)
        assert set(previous) <= set(steps), (width, steps)
        # a prefix of the order, save shortenings that were no-ops for this table
        expected = [s for s in EXPECTED_ORDER if s in steps or not s.startswith("shorten")]
        assert steps == expected[:len(steps)], (width, steps)
        assert layout.width <= width or steps[-1:] == ["drop type"], (width, steps)
        previous = steps
    assert previous[-1] == "drop type" and previous[:6] == EXPECTED_ORDER[:6]


def test_names_are_shortened_in_the_middle():
    assert shorten_middle("layer4.2.downsample.0", 10) == "layer…le.0"
    assert len(shorten_middle("layer4.2.downsample.0", 10)) == 10
    assert shorten_middle("活性化活性化", 7, measure=lambda s: 2 * len(s)) == "活…化"


def test_abbreviations_round_half_up_to_three_digits():
    assert [abbreviate(n) for n in (999, 1_000, 1_499, 1_500, 12_345, 999_499, 999_500,
                                   4_089_184_256, 10 ** 27)] == [
        "999", "1k", "1.5k", "1.5k", "12.3k", "999k", "1M", "4.09G", "1000Y"]


@pytest.mark.parametrize("depth", [1, 2, 3])
@pytest.mark.parametrize("name", ["resnet50", "convnext_tiny", "unet", "mc3_18"])
def test_depth_folding_sums_match_the_unfolded_rows(name, depth):
    report = _report(name)
    layers = {row.index: row for row in report.layers}
    blocks = fold(report.layers, depth)
    assert sum(b.rows for b in blocks) == len(report.layers)
    assert sum(b.params for b in blocks) == report.total_params
    assert sum(b.macs for b in blocks) == report.total_macs
    for block in blocks:
        inside = [layers[i] for i in range(block.index, block.last_index + 1)]
        assert len(inside) == block.rows
        assert block.params == sum(r.params for r in inside)
        assert block.macs == sum(r.macs for r in inside)
        assert block.output_shape == inside[-1].output_shape
        assert block.input_shape == inside[0].input_shape
        assert block.receptive_field == inside[-1].receptive_field
        assert all(r.name == block.name or r.name.startswith(block.name + ".") for r in inside)
        assert block.rows == 1 or block.name.count(".") < depth  # a lone row keeps its name


def test_depth_two_gives_resnet50_one_row_per_bottleneck(monkeypatch):
    blocks = fold(_report("resnet50").layers, 2)
    assert [b.name for b in blocks if b.type == "block"] == [
        f"layer{stage}.{i}" for stage, count in ((1, 3), (2, 4), (3, 6), (4, 3))
        for i in range(count)]
    text = _on_terminal(_report("resnet50"), 80, monkeypatch, rows=blocks)
    assert "layer4.2" in text and len(text.splitlines()) < 40


def test_a_real_terminal_at_80_columns():
    """End to end through a pseudo-terminal, as a user sees it."""
    pytest.importorskip("pty")
    code, text = run_in_terminal(["stack", "examples/resnet50.yaml"])
    assert code == 0
    lines = [line.rstrip() for line in text.splitlines()]
    assert max(len(line) for line in lines) <= 80
    assert any(line.split()[-2:] == ["25.6M", "4.09G"] for line in lines)  # the total, whole
    assert "at 80 columns:" in text and lines[-1] == "mode: train"


@pytest.mark.parametrize("width", WIDTHS)
def test_wide_characters_are_measured_as_the_terminal_shows_them(width, monkeypatch):
    from rich.cells import cell_len

    from conv_calc import nn
    from conv_calc.graph.nodes import LayerNode
    from conv_calc.graph.stack import Stack

    report = Stack([LayerNode(nn.Conv2d(3, 640, 3), name="エンコーダー.段階四.畳み込み層"),
                    LayerNode(nn.ReLU(), name="活性化")]).analyze((1, 3, 4096, 4096))
    text = _on_terminal(report, width, monkeypatch)
    assert all(cell_len(line) <= width for line in text.splitlines()), text
    assert "[1, 640, 4094, 4094]" in text and "活性化" in text
