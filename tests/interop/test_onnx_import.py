"""The ONNX importer against onnx's own shape inference (tests/golden/onnx, oracle/onnx_oracle.py).

Without the onnx package (CI installs torch and the test extra only) the committed stack
files (what ``conv-calc import onnx`` wrote) replay: conv-calc's analysis must give, on
every row that stands for an ONNX node, the shape onnx.shape_inference gives that node
(or, where it leaves a size unknown, the shape onnx.reference's run gives: ``evaluated``
in the index). With onnx installed, the committed ``.onnx`` files (their large weights'
numbers removed, their dims kept) are imported again: the same stack file, the shapes
inferred again, the parameters the file's initializers hold.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conv_calc.stackfile.load import load_file

GOLDEN = Path(__file__).resolve().parent.parent / "golden" / "onnx"
INDEX = json.loads((GOLDEN / "index.json").read_text(encoding="utf-8"))
#: Cases the oracle checked but left out of the repository for size (their counts only).
LARGE = INDEX.pop("checked_not_committed", {})
CASES = sorted(INDEX)
# The inner loop replays every case (a few ms each); the re-imports run every 4th there.
LIVE_SAMPLE = 4


def _live(cases: list[str]) -> list:
    return [pytest.param(c, marks=() if i % LIVE_SAMPLE == 0 else pytest.mark.slow)
            for i, c in enumerate(cases)]


def test_the_golden_set_is_not_empty() -> None:
    # the counts the closing note gives: files, nodes matched
    assert len(CASES) >= 20
    assert sum(len(INDEX[c]["rows"]) for c in CASES) >= 300
    assert {c.split("_")[-1] for c in CASES if not c.startswith("example_")} >= {
        "dynamo", "legacy"}


@pytest.mark.parametrize("name", CASES)
def test_replayed_rows_have_onnx_shapes(name: str) -> None:
    case = INDEX[name]
    report = load_file(str(GOLDEN / f"{name}.yaml")).analyze()
    assert report.error is None, report.error
    assert report.mode == "eval"
    got = {row.name: list(row.output_shape) for row in report.layers}
    wrong = {row: (got.get(row), shape) for row, shape in case["rows"].items()
             if got.get(row) != shape}
    assert not wrong, f"conv-calc vs onnx: {wrong}"
    outputs = dict(report.outputs) or {"": report.output_shape}
    assert case["output"] in [list(s) for s in outputs.values()]
    assert report.total_params == case["params"]


def test_every_row_without_a_node_is_a_helper_row() -> None:
    # Rows that stand for no ONNX node are the pads torch needs as layers of their own, a
    # transposed conv whose pads are cropped after it (the crop row gives the node's shape),
    # and all but the last of several unsqueezes.
    for name in CASES:
        report = load_file(str(GOLDEN / f"{name}.yaml")).analyze()
        names = {r.name for r in report.layers}
        extra = [r for r in report.layers if r.name not in INDEX[name]["rows"]]
        assert all(r.name.endswith("_pad") or f"{r.name}_crop" in names
                   or (r.type == "Tensor.unsqueeze" and r.name[-2:-1] == "_")
                   for r in extra), (name, [r.name for r in extra])


# ---------------------------------------------------------------- with the onnx package

@pytest.mark.parametrize("name", _live(CASES))
def test_import_writes_the_committed_stack_file(name: str) -> None:
    pytest.importorskip("onnx", reason="reading .onnx files needs the onnx package")
    from conv_calc.interop.onnx_file import read_onnx
    from conv_calc.stackfile.yaml_writer import dump_stack

    document, header = read_onnx(str(GOLDEN / f"{name}.onnx"))
    assert dump_stack(document, header) == (GOLDEN / f"{name}.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", _live(CASES))
def test_rows_agree_with_shape_inference_live(name: str) -> None:
    onnx = pytest.importorskip("onnx", reason="shape inference needs the onnx package")
    from conv_calc.interop.onnx_file import import_onnx
    from conv_calc.stackfile.load import load_text
    from conv_calc.stackfile.yaml_writer import dump_stack

    model = onnx.load(str(GOLDEN / f"{name}.onnx"), load_external_data=False)
    inferred = onnx.shape_inference.infer_shapes(model, strict_mode=True, data_prop=True)
    shapes = {v.name: [d.dim_value for d in v.type.tensor_type.shape.dim]
              for v in [*inferred.graph.value_info, *inferred.graph.output]}
    result = import_onnx(str(GOLDEN / f"{name}.onnx"))
    report = load_text(dump_stack(result.document, result.header), filename=name).analyze()
    got = {row.name: list(row.output_shape) for row in report.layers}
    checked = 0
    for tensor, row in result.rows.items():
        shape = shapes.get(tensor)
        if shape and 0 not in shape:  # known to onnx's inference on the file as it is
            assert got[row] == shape, (row, tensor)
            checked += 1
    assert checked + INDEX[name]["evaluated"] >= len(result.rows)


@pytest.mark.parametrize("name", _live(CASES))
def test_parameters_are_the_files_initializers(name: str) -> None:
    onnx = pytest.importorskip("onnx", reason="reading initializers needs the onnx package")
    model = onnx.load(str(GOLDEN / f"{name}.onnx"), load_external_data=False)
    sizes = {t.name: _numel(t.dims) for t in model.graph.initializer
             if t.data_type in (onnx.TensorProto.FLOAT, onnx.TensorProto.FLOAT16)}
    # What holds parameters: weights and biases of the layers, BatchNorm's scale and bias
    # (its running statistics are buffers), constants multiplied or added in (LayerScale rows).
    # The TorchScript exporter passes some weights through Identity nodes: follow them.
    alias = {n.output[0]: n.input[0] for n in model.graph.node
             if n.op_type == "Identity" and n.input[0] in sizes}
    counted = 0
    for node in model.graph.node:
        if node.op_type == "Identity" and node.input[0] in sizes:
            continue
        inputs = [alias.get(i, i) for i in node.input]
        inputs = [i for i in inputs if i in sizes]
        if node.op_type == "BatchNormalization":
            inputs = inputs[:2]
        elif node.op_type in ("Reshape", "Resize", "Upsample", "Pad", "Clip", "Expand",
                              "Slice", "Gather", "ConstantOfShape", "Where", "Greater",
                              "Less", "Equal"):
            inputs = []
        elif node.op_type in ("Add", "Sub", "Mul", "Div"):
            inputs = [i for i in inputs if sizes[i] > 1]  # a scalar is no LayerScale
        counted += sum(sizes[i] for i in inputs)
    assert counted == INDEX[name]["params"]


def _numel(dims) -> int:
    out = 1
    for d in dims:
        out *= int(d)
    return out


@pytest.mark.parametrize("name, noted", [("example_resnet18", True),  # BatchNorm folded away
                                         ("example_dcgan-generator", False),  # BatchNorm kept
                                         ("shapes_legacy", False)])  # no conv bias at all
def test_folding_note_only_where_folding_may_have_happened(name: str, noted: bool) -> None:
    """`conv-calc stack model.onnx` says parameters may differ from the model's only when
    the file has convs with a bias and no BatchNormalization: what folding leaves."""
    pytest.importorskip("onnx", reason="reading .onnx files needs the onnx package")
    from conv_calc.interop.onnx_file import FOLDED_NOTE, read_onnx

    _, header = read_onnx(str(GOLDEN / f"{name}.onnx"))
    assert (FOLDED_NOTE in header) is noted
