"""torchvision's segmentation models fcn_resnet50 and deeplabv3_resnet50 as stack files,
against torchvision's own rows (tests/torchvision_rows.py, tests/golden/torchvision/).

Both are compared in eval mode at batch 1, 224x224, as recorded. No row stands for a
functional call: every ReLU is a module, and the final F.interpolate (and ASPPPooling's) is a
tensor-function row.
"""

from __future__ import annotations

import pytest

import conv_calc
from tests.torchvision_rows import ROOT, mismatches, reference

CASES = [
    ("fcn_resnet50", "fcn_resnet50"),
    ("deeplabv3_resnet50", "deeplabv3_resnet50"),
]


@pytest.mark.parametrize("example, model", CASES, ids=[c[0] for c in CASES])
def test_example_matches_torchvision_row_by_row(example, model):
    assert mismatches(example, model) == []


@pytest.mark.parametrize("example, model", CASES, ids=[c[0] for c in CASES])
def test_totals_match_torchvision(example, model):
    golden = reference(model)
    report = conv_calc.load_stack(str(ROOT / "examples" / f"{example}.yaml")).analyze()
    assert report.error is None
    assert report.total_params == golden["params"]
    assert report.total_macs == golden["eval"]["macs"]
    assert report.output_shape == tuple(golden["eval"]["output"]["dict"]["out"])


def test_deeplabv3_fails_in_train_mode_at_batch_1_as_torch_does():
    stack = conv_calc.load_stack(str(ROOT / "examples" / "deeplabv3_resnet50.yaml"))
    report = stack.analyze(mode="train")
    assert report.failed.name == "classifier.0.convs.4.2"
    assert isinstance(report.error, ValueError)
    assert str(report.error) == ("Expected more than 1 value per channel when training, got "
                                 "input size torch.Size([1, 256, 1, 1])")
    # At batch 2 (the oracle's train run) it runs, with the same rows as eval.
    assert stack.analyze(input_shape=(2, 3, 224, 224), mode="train").error is None


def test_the_heads_tell_the_models_apart():
    assert mismatches("fcn_resnet50", "deeplabv3_resnet50")
    assert mismatches("deeplabv3_resnet50", "fcn_resnet50")
