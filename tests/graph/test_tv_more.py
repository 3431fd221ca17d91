"""More of torchvision's conv models as stack files, against torchvision's own rows.

examples/shufflenet_v2_x1_0.yaml, regnet_y_400mf.yaml, resnext50_32x4d.yaml, mnasnet0_5.yaml
and wide_resnet50_2.yaml against tests/golden/torchvision/<model>.json
(tests/torchvision_rows.py), in eval mode at batch 1. None of them writes a torchvision
functional call as a module row: torch.flatten and x.mean([2, 3]) are tensor-function rows;
ShuffleNetV2's chunk / cat / channel_shuffle are tensor functions and merges; RegNet's
`proj(x) + f(x)` and `scale * input` are merges; MNASNet's `self.layers(input) + input` is a
residual.
"""

from __future__ import annotations

import pytest

from tests.torchvision_rows import mismatches, reference

MODELS = [
    "shufflenet_v2_x1_0", "regnet_y_400mf", "resnext50_32x4d", "mnasnet0_5", "wide_resnet50_2",
]


@pytest.mark.parametrize("model", MODELS)
def test_matches_torchvision_row_by_row(model):
    assert mismatches(model, model) == []


@pytest.mark.parametrize("model", MODELS)
def test_the_file_has_every_row(model):
    # a guard against an empty comparison: the record has rows and the totals are real
    rows = reference(model)["eval"]["rows"]
    assert len(rows) > 100


def test_a_different_model_does_not_match():
    # resnext's grouped 3x3 convs against wide_resnet's dense ones: same shapes, other params
    assert mismatches("resnext50_32x4d", "wide_resnet50_2")
    assert mismatches("shufflenet_v2_x1_0", "shufflenet_v2_x0_5")
