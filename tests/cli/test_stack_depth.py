"""``conv-calc stack --depth N`` on both front ends (the fast path and Typer), every format."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from tests.cli_runner import run

RESNET50 = str(Path(__file__).parent.parent.parent / "examples" / "resnet50.yaml")


def _csv(text):
    return list(csv.DictReader(io.StringIO(text)))


def test_depth_folds_csv_rows_and_keeps_the_totals():
    full = _csv(run("stack", RESNET50, "-f", "csv").stdout)
    folded = _csv(run("stack", RESNET50, "-f", "csv", "--depth", "1").stdout)
    assert [r["name"] for r in folded] == ["conv1", "bn1", "relu", "maxpool", "layer1", "layer2",
                                           "layer3", "layer4", "avgpool", "flatten", "fc"]
    assert sum(int(r["rows"]) for r in folded) == len(full) == 175
    assert sum(int(r["params"]) for r in folded) == sum(int(r["params"]) for r in full) == 25557032
    assert sum(int(r["macs"]) for r in folded) == sum(int(r["macs"]) for r in full)
    layer2 = next(r for r in folded if r["name"] == "layer2")
    inside = [r for r in full if r["name"].startswith("layer2.")]
    assert int(layer2["params"]) == sum(int(r["params"]) for r in inside)
    assert layer2["output_shape"] == inside[-1]["output_shape"] == "1x512x28x28"
    assert layer2["input_shape"] == inside[0]["input_shape"] == "1x256x56x56"
    assert layer2["index"] == inside[0]["index"] and layer2["type"] == "block"
    assert layer2["config"] == "Conv2d x13, BatchNorm2d x13, ReLU x12, add x4"


def test_depth_in_markdown_and_the_table():
    md = run("stack", RESNET50, "-f", "markdown", "--depth", "2").stdout
    assert "| 4-15 | layer1.0 | block | [1, 256, 56, 56] |" in md
    assert "| config |" in md.splitlines()[2]
    table = run("stack", RESNET50, "--depth", "2").stdout
    assert "layer4.2" in table and "layer4.2.conv1" not in table
    assert "25,557,032" in table  # piped: in full, totals unchanged


@pytest.mark.parametrize("spelling", [["--depth", "2"], ["--depth=2"]])
def test_both_front_ends_agree(spelling):
    fast = run("stack", RESNET50, "-f", "csv", *spelling)
    typer = run("stack", RESNET50, "-f", "csv", "-f", "csv", *spelling)  # repeated: Typer's path
    assert fast.code == typer.code == 0 and fast.stdout == typer.stdout


@pytest.mark.parametrize("value", ["0", "-1", "x", "1.5", "²"])
def test_a_bad_depth_is_a_usage_error(value):
    result = run("stack", RESNET50, "--depth", value)
    assert result.code == 2 and "--depth" in result.stderr and "hint:" in result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""


def test_json_keeps_every_row_and_refuses_depth():
    result = run("stack", RESNET50, "-f", "json", "--depth", "1")
    assert result.code == 2 and "JSON keeps every row" in result.stderr
    assert len(json.loads(run("stack", RESNET50, "-f", "json").stdout)["layers"]) == 175
