"""examples/densenet121.yaml against torchvision's densenet121, row by row, without torch.

The reference is the committed torch 2.13 / torchvision 0.28 record
(tests/golden/torchvision/densenet121.json, written by oracle/torchvision_oracle.py;
format in oracle/README.md): every leaf module's name, output shape, parameters and MACs in
eval mode at 1x3x224x224. The stack file's extra rows are the concatenations (torch.cat in
torchvision's forward, not modules) and the closing F.relu / F.adaptive_avg_pool2d /
torch.flatten, which the file writes as layers named relu, pool and flatten.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import conv_calc

ROOT = Path(__file__).parent.parent.parent
GOLDEN = ROOT / "tests" / "golden" / "torchvision" / "densenet121.json"
EXAMPLE = ROOT / "examples" / "densenet121.yaml"
#: torchvision's functional calls, written as layers in the stack file.
FUNCTIONAL = ("relu", "pool", "flatten")


@pytest.fixture(scope="module")
def pair():
    golden = json.loads(GOLDEN.read_text())
    report = conv_calc.load_stack(str(EXAMPLE)).analyze(input_shape=tuple(golden["input"]))
    assert report.error is None
    modules = [r for r in report.layers if r.type != "cat" and r.name not in FUNCTIONAL]
    return golden, report, modules


def test_same_modules_in_the_same_order(pair):
    golden, _, modules = pair
    assert [r.name for r in modules] == [g["name"] for g in golden["eval"]["rows"]]
    assert [r.type for r in modules] == [g["type"] for g in golden["eval"]["rows"]]
    assert len(modules) == 366


def test_rows_match_torchvision(pair):
    golden, _, modules = pair
    for ours, ref in zip(modules, golden["eval"]["rows"], strict=True):
        assert (ours.input_shape, ours.output_shape, ours.params, ours.macs) == (
            tuple(ref["in"][0]), tuple(ref["out"]), ref["params"], ref["macs"]), ref["name"]


def test_totals_match_torchvision(pair):
    golden, report, _ = pair
    assert sum(r.params for r in report.layers) == golden["params"] == 7978856
    assert sum(r.macs for r in report.layers) == golden["eval"]["macs"]
    assert report.layers[-1].output_shape == tuple(golden["eval"]["output"])


def test_the_extra_rows_are_the_functional_calls(pair):
    golden, report, modules = pair
    extra = [r for r in report.layers if r not in modules]
    assert [r.name for r in extra if r.type != "cat"] == list(FUNCTIONAL)
    # one torch.cat per dense layer: 6 + 12 + 24 + 16
    assert sum(r.type == "cat" for r in extra) == 58
    assert all(r.params == 0 and r.macs == 0 for r in extra)


def test_transition_widths_come_from_the_incoming_channels(pair):
    _, report, _ = pair
    widths = {r.name: r.output_shape[1] for r in report.layers if r.name.endswith("transition"
                                                                                  "1.conv")
              or r.name.endswith(("transition2.conv", "transition3.conv"))}
    assert widths == {"features.transition1.conv": 128, "features.transition2.conv": 256,
                      "features.transition3.conv": 512}
