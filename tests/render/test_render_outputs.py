"""Several outputs (``outputs:``) in every machine format: CSV lines and lint's JSON."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from tests.cli_runner import run

ROOT = Path(__file__).resolve().parents[2]
SE = ROOT / "examples" / "squeeze-excitation.yaml"  # outputs: [out, expanded]


def test_csv_has_a_line_per_output_after_the_layers():
    res = run("stack", str(SE), "--format", "csv")
    assert res.code == 0, res.stdout
    rows = list(csv.DictReader(io.StringIO(res.stdout)))
    layers = [r for r in rows if r["status"] == "ok"]
    outs = [r for r in rows if r["status"] == "output"]
    assert rows[-len(outs):] == outs and len(layers) + len(outs) == len(rows)
    assert [(r["name"], r["type"], r["output_shape"], r["mode"]) for r in outs] == [
        ("out", "output", "1x64x56x56", "train"), ("expanded", "output", "1x64x56x56", "train")]
    # the same shapes as the JSON's outputs object
    doc = json.loads(run("stack", str(SE), "--format", "json").stdout)
    assert {r["name"]: [int(v) for v in r["output_shape"].split("x")] for r in outs} == doc["outputs"]


def test_csv_without_outputs_is_unchanged(tmp_path):
    path = tmp_path / "plain.yaml"
    path.write_text("input: [1, 3, 8, 8]\nlayers:\n  - Conv2d: {out_channels: 4, kernel_size: 3}\n")
    rows = list(csv.DictReader(io.StringIO(run("stack", str(path), "--format", "csv").stdout)))
    assert [r["status"] for r in rows] == ["ok"]


def test_lint_json_gives_each_files_outputs(tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("input: [1, 3, 8, 8]\nlayers:\n  - Conv2d: {out_channels: 4, kernel_size: 9}\n"
                      "    save: a\noutputs: [a]\n")
    res = run("lint", str(SE), str(broken), "--format", "json")
    doc = json.loads(res.stdout)
    files = {Path(f["path"]).name: f for f in doc["files"]}
    assert files["squeeze-excitation.yaml"]["outputs"] == {"out": [1, 64, 56, 56],
                                                           "expanded": [1, 64, 56, 56]}
    assert files["broken.yaml"]["outputs"] == {}  # the analysis stopped before the outputs
    assert list(files["broken.yaml"])[-1] == "outputs"  # a field added last
