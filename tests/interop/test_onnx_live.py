"""Live: torch 2.13 exports the oracle's small models now, conv-calc imports the files.

Slow (each dynamo export takes seconds): CI runs it where torch, onnx and onnxscript are
installed, and skips it cleanly where they are not. Every converted node's row must have
onnx.shape_inference's shape (or onnx.reference's, where inference leaves a size
unknown), and the output the shape torch's own forward gives.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parent.parent.parent


def _models() -> list:
    try:
        import onnx  # noqa: F401
        import torch  # noqa: F401
    except ImportError:
        return [pytest.param(None, marks=pytest.mark.skip(reason="needs torch and onnx"))]
    sys.path.insert(0, str(ROOT))
    from oracle.onnx_models import torch_models

    return [pytest.param(m, id=m[0]) for m in torch_models()]


@pytest.mark.parametrize("case", _models())
def test_fresh_export_matches_row_by_row(case, tmp_path, monkeypatch) -> None:
    name, model, shape, exporter = case
    if exporter == "dynamo":
        pytest.importorskip("onnxscript", reason="torch's dynamo exporter needs onnxscript")
    from oracle.onnx_oracle import export_torch, record
    import oracle.onnx_oracle as oracle

    raw = tmp_path / f"{name}.onnx"
    expected = export_torch(model, shape, exporter, raw)
    monkeypatch.setattr(oracle, "OUT", tmp_path)  # record() writes its stack file there
    case = record(name, raw, expected, raw)
    assert case["rows"], name
    assert case["output"] == list(expected)
