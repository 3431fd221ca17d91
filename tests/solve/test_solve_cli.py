"""conv-calc solve: exit code, stdout and stderr together."""

from __future__ import annotations

import json

import pytest

from tests.cli_runner import run


def test_padding_text() -> None:
    r = run("solve", "padding", "Conv2d(3, 8, 3, stride=2)", "--input", "224", "--output", "112")
    assert (r.code, r.stderr) == (0, "")
    assert "answer: padding=(1, 1)" in r.stdout
    assert "checked: output_shape (1, 8, 112, 112)" in r.stdout


def test_padding_asymmetric_json() -> None:
    r = run("solve", "padding", "Conv1d(1, 1, 4)", "-i", "10", "-o", "10", "--format", "json")
    data = json.loads(r.stdout)
    assert r.code == 0 and data["padding"] is None and data["pad"] == [1, 2]
    assert data["schema_version"] == 1 and data["solved"] is True


def test_no_solution_is_an_answer() -> None:
    r = run("solve", "padding", "Conv1d(1, 1, 3)", "-i", "10", "-o", "5")
    assert r.code == 0 and "no padding gives this output size" in r.stdout


def test_output_padding() -> None:
    r = run("solve", "output-padding", "Conv2d(3, 8, 3, stride=2, padding=1)", "-i", "224",
            "-f", "json")
    data = json.loads(r.stdout)
    assert r.code == 0 and data["output_padding"] == [1, 1] and data["output_size"] == [224, 224]
    assert data["rule"][0]["by_residue"] == [1, 0]


def test_stride() -> None:
    r = run("solve", "stride", "Conv1d(1, 1, 3)", "-i", "32", "-o", "4", "--max-stride", "8",
            "--max-dilation", "3")
    assert r.code == 0
    assert "stride 7..8 with dilation 2" in r.stdout


def test_input_sizes() -> None:
    r = run("solve", "input-sizes", "examples/unet-padded.yaml", "--range", "1..100000",
            "--axis", "H", "--format", "json")
    data = json.loads(r.stdout)
    (axis,) = data["axes"]
    assert r.code == 0 and axis["closed_form"] == "16k (k >= 1)" and axis["count"] == 6250


@pytest.mark.parametrize("args,message", [
    (("solve", "padding", "Conv2d(3, 8, 3", "-i", "3", "-o", "3"), "error: LAYER:"),
    (("solve", "input-sizes", "examples/tiny.yaml", "-r", "5..1"), "error: --range"),
    (("solve", "input-sizes", "examples/tiny.yaml", "--axis", "Q"), "error: --axis"),
    (("solve", "padding", "ReLU()", "-i", "3", "-o", "3"), "is not a convolution or pooling"),
])
def test_usage_errors_exit_2(args, message) -> None:
    r = run(*args)
    assert r.code == 2 and message in r.stderr and r.stdout == ""
