"""Stack files written by ``conv-calc import torch`` from torchvision models, replayed
without torch: every module row (name, class, shapes, parameters, MACs) and the output
agree with torchvision's own record (tests/golden/torchvision/<model>.json).

The files in tests/golden/torch_import/ come from
``python -m oracle.torch_import_sweep --write tests/golden/torch_import resnet18
mobilenet_v3_small googlenet shufflenet_v2_x0_5`` (eval mode, the record's input). Where
torchvision imports, the live tests import the models again and compare the text with the
committed files, and sweep every torchvision model (oracle/torch_import_sweep.py): the
conv models import exactly, the attention models are refused with a reason, none is wrong.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import conv_calc
from tests.torchvision_rows import GOLDEN, reference, stack_mismatches

DIR = Path(__file__).resolve().parent.parent / "golden" / "torch_import"
FILES = sorted(p.stem for p in DIR.glob("*.yaml"))


def test_the_committed_files_are_there():
    assert FILES == ["googlenet", "mobilenet_v3_small", "resnet18", "shufflenet_v2_x0_5"]


@pytest.mark.parametrize("model", FILES)
def test_imported_file_matches_torchvision_without_torch(model):
    stack = conv_calc.load_stack(str(DIR / f"{model}.yaml"))
    modules = {r["name"] for r in reference(model)["eval"]["rows"]}
    report = stack.analyze()
    # Rows that are no module call (F.relu as ReLU, merges, tensor functions): fx's names.
    functional = tuple(r.name for r in report.layers if r.name not in modules)
    assert stack_mismatches(stack, model, "eval", functional) == []
    assert report.mode == "eval"


@pytest.mark.parametrize("model", FILES)
def test_header_names_the_source(model):
    lines = (DIR / f"{model}.yaml").read_text(encoding="utf-8").splitlines()
    assert lines[0] == f"# Imported by conv-calc import torch from torchvision.models:{model}"
    assert lines[1].startswith("# input 1x3x224x224, mode eval, torch 2.13.0")


def test_googlenet_functional_relus_are_rows_named_by_fx():
    text = (DIR / "googlenet.yaml").read_text(encoding="utf-8")
    stack = conv_calc.load_stack(text)
    names = [r.name for r in stack.analyze().layers if r.type == "ReLU"]
    assert len(names) == 57  # BasicConv2d's F.relu, 57 calls (torch.fx's count)


# ---------------------------------------------------------------- live, with torchvision

def _torchvision():
    from oracle.torchvision_oracle import import_torchvision
    try:
        return import_torchvision()
    except Exception:  # noqa: BLE001 - not installed, or its compiled ops fail to load
        pytest.skip("torchvision is not importable here")


@pytest.mark.slow
@pytest.mark.parametrize("model", FILES)
def test_live_import_gives_the_committed_file(model):
    torch, torchvision = _torchvision()
    from conv_calc.interop.torch_fx import import_module
    from conv_calc.stackfile.yaml_writer import dump_stack
    from oracle.torchvision_oracle import build

    golden = reference(model)
    built = build(torchvision, model, golden["category"])
    imported = import_module(built, tuple(golden["input"]), "eval",
                             f"torchvision.models:{model}")
    text = dump_stack(imported.document, imported.header)
    committed = (DIR / f"{model}.yaml").read_text(encoding="utf-8")
    drop = (lambda t: [line for line in t.splitlines() if not line.startswith("# input ")])
    assert drop(text) == drop(committed)


def _all_models() -> list[str]:
    index = json.loads((GOLDEN / "index.json").read_text(encoding="utf-8"))
    return sorted(index["models"])


@pytest.mark.slow
@pytest.mark.parametrize("model", _all_models())
def test_live_sweep_every_torchvision_model(model):
    torch, torchvision = _torchvision()
    from oracle.torch_import_sweep import is_conv_model, sweep_one

    outcome, detail = sweep_one(model, torch, torchvision)
    assert outcome != "wrong", detail
    if is_conv_model(model):
        assert outcome == "exact", detail
    else:
        assert outcome == "refused" and "attention op" in detail, detail


@pytest.mark.slow
@pytest.mark.parametrize("model", ["googlenet", "inception_v3"])
def test_live_train_mode_keeps_the_auxiliary_heads(model):
    """In training GoogLeNet and Inception v3 run their auxiliary classifiers and return a
    namedtuple: every output is in ``outputs:``, every row as torchvision's train record."""
    torch, torchvision = _torchvision()
    from conv_calc.interop.torch_fx import import_module
    from conv_calc.stackfile.yaml_writer import dump_stack
    from oracle.torchvision_oracle import build

    golden = reference(model)
    shape = (golden["train"]["batch"],) + tuple(golden["input"][1:])
    imported = import_module(build(torchvision, model, golden["category"]), shape, "train")
    stack = conv_calc.load_stack(dump_stack(imported.document, imported.header))
    report = stack.analyze()
    functional = tuple(r.name for r in report.layers if r.name not in set(imported.module_rows))
    assert stack_mismatches(stack, model, "train", functional) == []
    assert len(imported.document["outputs"]) == len(golden["train"]["output"]["dict"])
