"""conv_calc.render.report: JSON, markdown and CSV of hand-built reports."""

from __future__ import annotations

import csv
import io
import json

import pytest

from conv_calc.render.report import (SCHEMA_VERSION, fmt_axes, format_layer_error, format_problems,
                              jsonable, report_csv, report_dict, report_json, report_markdown)
from conv_calc.stackfile.problems import Problem
from conv_calc.graph.nodes import Source
from tests.report_fixtures import FAILED, OK, WIDE


@pytest.mark.parametrize("value, expected", [
    (3, 3), (pytest.importorskip("fractions").Fraction(1, 2), "1/2"),
    (pytest.importorskip("fractions").Fraction(-6, 2), -3), ((1, (2, 3)), [1, [2, 3]]), (None, None),
])
def test_jsonable(value, expected):
    assert jsonable(value) == expected


def test_report_json_field_names_and_values():
    doc = json.loads(report_json(OK, "net.yaml"))
    assert doc["schema_version"] == SCHEMA_VERSION
    assert (doc["ok"], doc["error"], doc["failed"]) == (True, None, None)
    assert doc["input_shape"] == [1, 3, 224, 224]
    assert doc["output_shape"] == [1, 36963]
    assert doc["total_params"] == 9408 + 128 + 3075
    assert doc["total_macs"] == 118013952 + 9633792
    first = doc["layers"][0]
    assert first == {
        "index": 0, "name": "conv1", "type": "Conv2d", "input_shape": [1, 3, 224, 224],
        "output_shape": [1, 64, 112, 112], "params": 9408, "macs": 118013952,
        "receptive_field": {"size": [7, 7], "size_min": [7, 7], "jump": [2, 2], "start": [0, 0],
                            "effective_padding": [3, 3]},
        "source": {"file": "net.yaml", "line": 3, "column": 5},
    }
    # a Fraction is "p/q", an integral one a number; no RF after Flatten
    assert doc["layers"][3]["receptive_field"]["start"] == ["1/2", -1]
    assert doc["layers"][3]["receptive_field"]["jump"] == [2, 2]
    assert doc["layers"][4]["receptive_field"] is None
    assert doc["layers"][4]["source"] is None


def test_report_json_failure():
    doc = json.loads(report_json(FAILED, "net.yaml"))
    assert doc["ok"] is False and doc["output_shape"] is None
    assert [row["index"] for row in doc["layers"]] == [0, 1, 2]
    assert doc["failed"] == {"index": 3, "name": "conv2", "type": "Conv2d",
                             "input_shape": [1, 64, 56, 56],
                             "source": {"file": "net.yaml", "line": 7, "column": 5}}
    assert doc["error"]["type"] == "RuntimeError"
    assert doc["error"]["message"].startswith("Given groups=1, weight of size [128, 65, 3, 3]")
    assert doc["error"]["hint"].startswith("the layer expects 65 input channels")
    assert (doc["error"]["stage"], doc["error"]["layer"], doc["error"]["index"]) == \
        ("forward", "conv2", 3)


def test_report_json_keeps_markup_like_text():
    assert json.loads(report_json(OK))["layers"][2]["name"] == "maxpool[1]"


def test_markdown_table():
    text = report_markdown(OK)
    assert text.startswith("mode: train\n\n")
    lines = text.splitlines()[2:]
    assert lines[0] == ("| # | name | type | output shape | RF size | jump | start | params | MACs "
                        "| config |")
    assert lines[1] == "|---:|---|---|---|---:|---:|---:|---:|---:|---|"
    assert lines[2] == ("| 0 | conv1 | Conv2d | [1, 64, 112, 112] | 7 | 2 | 0 | 9,408 | 118,013,952 "
                        "|  |")  # hand-built rows carry no layer: no configuration
    assert lines[5] == ("| 3 | up | ConvTranspose2d | [1, 3, 111, 111] | (11, 12) | 2 | (1/2, -1) "
                        "| 3,075 | 9,633,792 |  |")
    assert lines[6] == "| 4 | flat | Flatten | [1, 36963] | - | - | - | 0 | 0 |  |"
    assert lines[-1] == ("|  | **total** |  | **[1, 36963]** |  |  |  | **12,611** | **127,647,744** "
                         "|  |")


def test_markdown_failure_marks_the_row_and_quotes_the_error():
    lines = report_markdown(FAILED).splitlines()[2:]
    assert lines[5] == "| ✗ 3 | conv2 | Conv2d | ✗ RuntimeError |  |  |  |  |  |  |"
    assert lines[-3] == ("> error: layer 3 'conv2' (Conv2d) at net.yaml:7:5 fails in forward on "
                         "input [1, 64, 56, 56]:")
    assert lines[-2].startswith("> RuntimeError: Given groups=1")
    assert lines[-1].startswith("> hint: the layer expects 65")


def test_csv_has_raw_numbers():
    rows = list(csv.reader(io.StringIO(report_csv(OK))))
    assert rows[0] == ["index", "name", "type", "input_shape", "output_shape", "rf_size",
                       "rf_jump", "rf_start", "params", "macs", "config", "rows", "status", "mode"]
    assert rows[1] == ["0", "conv1", "Conv2d", "1x3x224x224", "1x64x112x112", "7x7", "2x2", "0x0",
                       "9408", "118013952", "", "1", "ok", "train"]
    assert len(rows) == 6


def test_csv_writes_every_axis_as_shapes_are():
    """One format for per-axis values: joined by x, equal or not, fractions as p/q."""
    rows = list(csv.reader(io.StringIO(report_csv(OK))))
    up = rows[4]
    assert up[1] == "up" and up[5:8] == ["11x12", "2x2", "1/2x-1"]
    assert rows[5][5:8] == ["", "", ""]  # Flatten: no receptive field per axis


def test_csv_failure_row():
    rows = list(csv.reader(io.StringIO(report_csv(FAILED))))
    assert rows[-1] == ["3", "conv2", "Conv2d", "1x64x56x56", "", "", "", "", "", "", "", "1",
                        "error", "train"]


def test_wide_numbers_are_never_abbreviated():
    text = report_markdown(WIDE)
    assert "98,765,432,109,876,543" in text and "123,456,789,012" in text
    assert report_dict(WIDE)["layers"][0]["receptive_field"]["start"] == ["-7/2", "-7/2"]


def test_fmt_axes():
    assert (fmt_axes(None), fmt_axes(()), fmt_axes((3, 3, 3)), fmt_axes((1, 2))) == \
        ("-", "-", "3", "(1, 2)")


def test_format_layer_error():
    assert format_layer_error(FAILED.error, FAILED.failed) == (
        "error: layer 3 'conv2' (Conv2d) at net.yaml:7:5 fails in forward on input "
        "[1, 64, 56, 56]:\n"
        "RuntimeError: Given groups=1, weight of size [128, 65, 3, 3], expected input[1, 64, 56, 56] "
        "to have 65 channels, but got 64 channels instead\n"
        "hint: the layer expects 65 input channels (in_channels) but the input has 64: set "
        "in_channels=64 or fix the previous layer.")


def test_format_problems():
    problems = [Problem("unknown layer 'Conv2D'", "did you mean 'Conv2d'?", Source("n.yaml", 3, 5)),
                Problem("kernel_size must be an int or a list", "", Source("n.yaml", 4, 20)),
                Problem("no input shape", "add 'input:'", None)]
    assert format_problems(problems, "n.yaml") == (
        "n.yaml:3:5: unknown layer 'Conv2D'\n"
        "  hint: did you mean 'Conv2d'?\n"
        "n.yaml:4:20: kernel_size must be an int or a list\n"
        "n.yaml: no input shape\n"
        "  hint: add 'input:'")
