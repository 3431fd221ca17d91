"""`conv-calc stack`: a spatial-only --input means what it means for `layer`, and the
file's `expect:` entries are checked (exit 1), as `lint` checks them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli_runner import run

ROOT = Path(__file__).resolve().parents[2]
CASES = ROOT / "tests" / "lint_cases"


@pytest.mark.parametrize("given, shape", [("320", [1, 3, 320, 320]),
                                          ("320x256", [1, 3, 320, 256]),
                                          ("1x3x320x256", [1, 3, 320, 256])])
def test_spatial_only_input(given, shape):
    result = run("stack", str(ROOT / "examples" / "resnet18.yaml"), "-i", given,
                 "--format", "json")
    assert result.code == 0, result.stderr
    assert json.loads(result.stdout)["input_shape"] == shape


def test_keras_spatial_only_input():
    result = run("stack", str(ROOT / "examples" / "keras" / "mobilenet-v1.yaml"), "-i", "160",
                 "--format", "json")
    assert result.code == 0, result.stderr
    assert json.loads(result.stdout)["input_shape"] == [None, 160, 160, 3]


@pytest.mark.parametrize("given", ["3x320x256", "1x2x3"])
def test_wrong_number_of_sizes(given):
    result = run("stack", str(ROOT / "examples" / "resnet18.yaml"), "-i", given)
    assert result.code == 2
    assert "has 2 spatial axes: give one size, one per spatial axis, or the whole shape" in (
        result.stderr)


def test_no_file_input_and_one_size(tmp_path):
    path = tmp_path / "n.yaml"
    path.write_text("layers:\n  - Conv2d: {in_channels: 3, out_channels: 8, kernel_size: 3}\n")
    result = run("stack", str(path), "-i", "224")
    assert result.code == 2 and "give the whole shape" in result.stderr


@pytest.mark.parametrize("code", ["CC301", "CC302", "CC303", "CC304"])
def test_unmet_expectations_fail(code):
    path = CASES / f"{code}-trigger.yaml"
    result = run("stack", str(path))
    assert result.code == 1
    line = next(n for n, text in enumerate(path.read_text().splitlines(), 1)
                if f"<- {code}" in text)
    assert f"{path}:{line}:" in result.stderr and ": expect: " in result.stderr


@pytest.mark.parametrize("code", ["CC301", "CC302", "CC303", "CC304"])
def test_met_expectations_pass(code):
    assert run("stack", str(CASES / f"{code}-clean.yaml")).code == 0


def test_another_input_skips_expectations_and_says_so():
    result = run("stack", str(CASES / "CC301-trigger.yaml"), "-i", "1x3x34x34")
    assert result.code == 0
    assert "expect: not checked: --input [1, 3, 34, 34]" in result.stderr
