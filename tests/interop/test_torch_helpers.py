"""The importer recognises the helper classes ``conv-calc export --to torch`` writes
(conv_calc/interop/torch_helpers.py) by their code, and nothing that differs from it."""

from __future__ import annotations

import pytest

from conv_calc.interop.torch_ctor import HELPERS
from conv_calc.interop.torch_helpers import exported_helper

torch = pytest.importorskip("torch")

from conv_calc.interop.torch_fx import ImportRefused, import_module  # noqa: E402

pytestmark = pytest.mark.slow

IMPORTS = "import torch\nimport torch.nn.functional as F\nfrom torch import nn\n"


def define(text: str) -> dict:
    namespace: dict = {"__name__": "exported"}
    exec(compile(IMPORTS + text, "<model.py>", "exec"), namespace)  # noqa: S102 - the test
    return namespace


@pytest.mark.parametrize("name", sorted(HELPERS))
def test_every_helper_as_exported_is_recognised(name: str) -> None:
    assert exported_helper(define(HELPERS[name])[name]) == name


CHANGED = {
    "LayerNorm2d": ("x.permute(0, 3, 1, 2)", "x.permute(0, 3, 2, 1)"),
    "Conv3DSimple": ("kernel_size=(3, 3, 3)", "kernel_size=(3, 3, 1)"),
    "Conv3DNoTemporal": ("bias=False", "bias=True"),
    "LayerScale": ("return self.layer_scale * x", "return self.layer_scale * x * 2"),
}


@pytest.mark.parametrize("name", sorted(CHANGED))
def test_a_changed_helper_is_not_recognised(name: str) -> None:
    old, new = CHANGED[name]
    assert old in HELPERS[name]
    assert exported_helper(define(HELPERS[name].replace(old, new))[name]) is None


def test_another_base_or_an_extra_method_is_not_recognised() -> None:
    text = HELPERS["LayerNorm2d"]
    assert exported_helper(define(text.replace("(nn.LayerNorm)", "(nn.GroupNorm)"))
                           ["LayerNorm2d"]) is None
    extra = text + "\n    def extra_repr(self):\n        return ''\n"
    assert exported_helper(define(extra)["LayerNorm2d"]) is None


def _model(namespace: dict, name: str, *args):
    return torch.nn.Sequential(namespace[name](*args))


def test_import_keeps_the_helpers_and_refuses_a_changed_one() -> None:
    ns = define(HELPERS["Conv3DSimple"] + HELPERS["LayerScale"])
    model = torch.nn.Sequential(ns["Conv3DSimple"](3, 4), ns["LayerScale"]((4, 1, 1, 1)))
    rows = import_module(model, (1, 3, 4, 8, 8)).document["layers"]
    assert [next(iter(r)) for r in rows] == ["Conv3DSimple", "LayerScale"]
    assert rows[1]["LayerScale"] == {"shape": [4, 1, 1, 1]}
    old, new = CHANGED["Conv3DSimple"]
    changed = define(HELPERS["Conv3DSimple"].replace(old, new))
    rows = import_module(_model(changed, "Conv3DSimple", 3, 4), (1, 3, 4, 8, 8)).document["layers"]
    assert next(iter(rows[0])) == "Conv3d"  # only __init__ differs: written as its base
    assert rows[0]["Conv3d"]["kernel_size"] == [3, 3, 1]
    old, new = CHANGED["LayerNorm2d"]
    changed = define(HELPERS["LayerNorm2d"].replace(old, new))
    with pytest.raises(ImportRefused, match="layer_norm"):
        import_module(_model(changed, "LayerNorm2d", 4), (1, 4, 4, 4))
