"""GoogLeNet and Inception v3 stack files against torchvision's own rows (tests/torchvision_rows.py).

Both models end every BasicConv2d with F.relu, and Inception v3's blocks call F.avg_pool2d and
F.max_pool2d: the stack files write these functional calls as layers named `relu`,
`avg_pool2d` and `max_pool2d`, rows torchvision's named_modules() does not list. The
functional names passed to ``mismatches`` are exactly those rows (type and last name part
both checked), and their count is torchvision's count of such calls (torch.fx, in the record).
"""

from __future__ import annotations

import pytest

import conv_calc
from tests.torchvision_rows import ROOT, mismatches, reference

#: (row type, last part of its name) -> torch.fx's name of the functional call it stands for.
FUNCTIONAL = {
    ("ReLU", "relu"): "torch.nn.functional.relu",
    ("AvgPool2d", "avg_pool2d"): "torch._C._nn.avg_pool2d",
    ("MaxPool2d", "max_pool2d"): "torch.nn.functional.max_pool2d",
}

CASES = ["googlenet", "inception_v3"]


def _functional_rows(example: str) -> list:
    stack = conv_calc.load_stack(str(ROOT / "examples" / f"{example}.yaml"))
    report = stack.analyze(mode="eval")
    assert report.error is None
    return [r for r in report.layers if (r.type, r.name.split(".")[-1]) in FUNCTIONAL]


@pytest.mark.parametrize("model", CASES)
def test_example_matches_torchvision_row_by_row(model):
    functional = tuple(r.name for r in _functional_rows(model))
    assert mismatches(model, model, functional=functional) == []


@pytest.mark.parametrize("model", CASES)
def test_functional_rows_are_torchvisions_functional_calls(model):
    counts: dict[str, int] = {}
    for r in _functional_rows(model):
        call = FUNCTIONAL[(r.type, r.name.split(".")[-1])]
        counts[call] = counts.get(call, 0) + 1
    fx = reference(model)["fx"]["functions"]
    assert counts == {k: v for k, v in fx.items() if k in FUNCTIONAL.values()}


def test_eval_totals_match_torchvision():
    for model in CASES:
        golden = reference(model)
        stack = conv_calc.load_stack(str(ROOT / "examples" / f"{model}.yaml"))
        report = stack.analyze(mode="eval")
        assert sum(r.macs for r in report.layers) == golden["eval"]["macs"]
        # torchvision's total counts the auxiliary classifiers, which eval never runs
        aux = sum(golden.get("other_params", {}).values())
        assert sum(r.params for r in report.layers) + aux == golden["params"]


def test_googlenet_rows_checked_against_inception_v3_fail():
    functional = tuple(r.name for r in _functional_rows("googlenet"))
    assert mismatches("googlenet", "inception_v3", functional=functional)


# vgg16 and alexnet write VGG.forward's and AlexNet.forward's torch.flatten(x, 1) as the
# tensor-function row `- flatten: 1` (row `flatten`, not a module), so they match with no
# functional names; `conv-calc solve input-sizes` follows it (tests/solve/test_solve_stack.py).
@pytest.mark.parametrize("model", ["vgg16", "alexnet"])
def test_flat_classifiers_match_torchvision_with_their_flatten_row(model):
    assert mismatches(model, model, functional=()) == []
