"""torchvision's MobileNetV3 family as stack files, against torchvision's own rows.

examples/mobilenet_v3_large.yaml, mobilenet_v3_small.yaml and lraspp_mobilenet_v3_large.yaml
against tests/golden/torchvision/<model>.json (tests/torchvision_rows.py), in eval mode at
batch 1. None of them writes a torchvision functional call as a module row: torch.flatten
and F.interpolate are tensor-function rows, `result += input`, `scale * input` and LRASPP's
`x * s` and `low + high` are merges.
"""

from __future__ import annotations

import pytest

from tests.torchvision_rows import mismatches, reference


@pytest.mark.parametrize("model", ["mobilenet_v3_large", "mobilenet_v3_small"])
def test_classifier_matches_torchvision_row_by_row(model):
    assert mismatches(model, model) == []


def test_lraspp_matches_torchvision_row_by_row():
    # torchvision returns OrderedDict(out=...), recorded as {"dict": {"out": shape}};
    # mismatches() compares the stack's output with that "out" tensor.
    model = "lraspp_mobilenet_v3_large"
    assert mismatches(model, model) == []
    assert tuple(reference(model)["eval"]["output"]["dict"]["out"]) == (1, 21, 224, 224)


def test_the_small_file_is_not_the_large_model():
    assert mismatches("mobilenet_v3_small", "mobilenet_v3_large")
