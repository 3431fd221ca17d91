"""The round trip of issue 12: every torch example exported to PyTorch code
(``conv-calc export --to torch``), the file run in torch 2.13, the module imported back
(``conv-calc import torch``'s interop API), and the imported stack file analysed by
conv-calc: the same table as the original file.

Compared per row: the name, the type, the output shape, the parameters, the MACs and the
receptive field; then the network's output shape and, with ``outputs:``, the shapes of the
outputs in order. The exported file is written to a temporary directory and imported from
there, as a user's file would be.

``outputs:`` names survive too: forward's variables are invisible to torch.fx, so the
exported class says them (``output_names = ('out', 'expanded')``) and the importer names
the outputs so. A centre crop (``crop: center``, U-Net's skips) is exported as a slice read by the merge,
which the importer writes back as the merge with ``crop: center``: the same rows.

All examples take about a minute of CPU (the subset about 15 s); CI runs :data:`CI_SUBSET`
(one of each construct: blocks, residuals, helper classes, tensor functions sized from the
input, named outputs, 3-d convs) and ``CONV_CALC_ROUNDTRIP_ALL=1`` runs every example.
"""

from __future__ import annotations

import importlib.util
import os
import sys
import types
from pathlib import Path

import pytest

from conv_calc.interop.torch_export import class_name, export_torch
from conv_calc.stackfile.load import load_stack, load_text
from conv_calc.stackfile.yaml_writer import dump_stack

torch = pytest.importorskip("torch")

from conv_calc.interop.torch_fx import import_module  # noqa: E402

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted(p for p in (ROOT / "examples").glob("*.yaml") if not p.name.startswith("broken-"))
CI_SUBSET = {"tiny", "residual", "resnet18", "mc3_18", "shufflenet_v2_x1_0", "inception",
             "squeeze-excitation", "fcn-head-small", "mobilenetv2-block", "wavenet", "espcn",
             "unet-small", "convnext_tiny"}
ALL = os.environ.get("CONV_CALC_ROUNDTRIP_ALL") == "1"
CASES = [p for p in EXAMPLES if ALL or p.stem in CI_SUBSET]
#: Examples whose outputs are named by the file (``outputs: [out, expanded]``).
NAMED_OUTPUTS = {"squeeze-excitation"}
#: Examples with a centre crop (a slice in the exported code): they round-trip too.
CROPS = {"unet", "unet-small"}


def _torchvision() -> None:
    for name in ("torchvision._meta_registrations", "torchvision._autograd_registrations"):
        sys.modules.setdefault(name, types.ModuleType(name))  # its ops are built for CUDA torch
    pytest.importorskip("torchvision")


def build(path: Path, tmp: Path):
    """The example exported to ``tmp``/NAME.py, imported as a module and built."""
    stack = load_stack(str(path))
    report = stack.analyze()
    text = export_torch(stack, path.name, report)
    if "from torchvision" in text:
        _torchvision()
    file = tmp / f"{path.stem.replace('-', '_')}.py"
    file.write_text(text)
    spec = importlib.util.spec_from_file_location(f"roundtrip_{file.stem}", file)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    torch.manual_seed(0)
    return stack, report, getattr(module, class_name(stack.name or path.stem))()


def table(report):
    return [(r.name, r.type, tuple(r.output_shape), r.params, r.macs, r.receptive_field)
            for r in report.layers]


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_export_import_gives_the_same_table(path: Path, tmp_path: Path) -> None:
    _, report, model = build(path, tmp_path)
    imported = import_module(model, tuple(report.input_shape), None, path.name)
    again = load_text(dump_stack(imported.document, imported.header), "imported.yaml").analyze()
    assert again.error is None, again.error
    assert again.mode == report.mode
    assert tuple(again.input_shape) == tuple(report.input_shape)
    assert len(again.layers) == len(report.layers)
    for theirs, ours in zip(table(again), table(report)):
        assert theirs == ours
    assert again.output_shape == report.output_shape
    assert again.total_params == report.total_params
    assert list(again.outputs.values()) == list(report.outputs.values())
    assert list(again.outputs) == list(report.outputs)
    if path.stem in NAMED_OUTPUTS:
        assert imported.document["outputs"] == list(report.outputs) == list(model.output_names)
    if path.stem in CROPS:  # the crop is the merge's again, not a row (nor a frozen size)
        assert imported.frozen == []
        assert "crop: center" in dump_stack(imported.document, imported.header)
    # the imported module rows are the modules the exported file defines
    leaves = [n for n, m in model.named_modules() if n and not list(m.children())]
    assert imported.module_rows == leaves


def test_ci_subset_names_examples() -> None:
    assert CI_SUBSET <= {p.stem for p in EXAMPLES}
    assert CROPS | NAMED_OUTPUTS <= {p.stem for p in EXAMPLES}
