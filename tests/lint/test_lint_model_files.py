"""`conv-calc lint` on model files: linted as the stack file `conv-calc import` writes."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli_runner import run

GOLDEN = Path(__file__).resolve().parents[1] / "golden"


def test_keras_file_is_linted_through_its_importer():
    result = run("lint", str(GOLDEN / "keras_files" / "ResNet50.keras"), "--format", "json")
    assert result.code == 0, result.stdout + result.stderr
    assert "NUL" not in result.stdout and "CC002" not in result.stdout


def test_onnx_file_is_linted_through_its_importer():
    pytest.importorskip("onnx", reason="reading .onnx files needs the onnx package")
    result = run("lint", str(GOLDEN / "onnx" / "basic_dynamo.onnx"))
    assert result.code == 0, result.stdout + result.stderr


def test_a_broken_model_file_is_a_finding(tmp_path):
    path = tmp_path / "bad.keras"
    path.write_bytes(b"junk")
    result = run("lint", str(path))
    assert result.code == 1
    assert "CC003 not a zip, so not a .keras file" in result.stdout


def test_text_formats_keep_no_rows_once_a_file_is_done():
    from conv_calc.lint.core import lint_path, slim

    full = lint_path(str(Path(__file__).resolve().parents[2] / "examples" / "resnet18.yaml"))
    small = slim(full)
    assert full.report is not None and len(full.report.layers) > 60
    assert small.stack is None and not hasattr(small.report, "layers")
    assert small.report.mode == full.report.mode and small.findings == full.findings
