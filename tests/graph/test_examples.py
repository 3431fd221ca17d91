"""Every file in examples/ loads and analyses with its intended outcome (no torch needed).

Most examples are real architectures that must run; the ``broken-*`` ones are meant to
fail, each at a known row with PyTorch's exact message (checked against torch by
tests/graph/test_examples_torch.py), and each file's header comment quotes that message.
Every ``expect:`` written in a file (the network's or a layer's) must hold.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import conv_calc
from conv_calc.graph.nodes import (
    Call, Combine, From, LayerNode, Merge, Parallel, Residual, Save, Sequential,
)

EXAMPLES_DIR = Path(__file__).parent.parent.parent / "examples"
EXAMPLES = sorted(EXAMPLES_DIR.glob("*.yaml"))

#: The examples meant to fail: file stem -> (failing row, builtin class, torch's message).
BROKEN = {
    "broken-aspp-batch1": (
        "convs.4.2", ValueError,
        "Expected more than 1 value per channel when training, got input size "
        "torch.Size([1, 256, 1, 1])"),
    "broken-inception-channels": (
        "inception3b.branch1", RuntimeError,
        "Given groups=1, weight of size [128, 192, 1, 1], expected input[1, 256, 28, 28] to have "
        "192 channels, but got 256 channels instead"),
    "broken-lenet-mnist": (
        "c5", RuntimeError,
        "Calculated padded input size per channel: (4 x 4). Kernel size: (5 x 5). Kernel size "
        "can't be greater than actual input size"),
    "broken-unet-skip": (
        "cat", RuntimeError,
        "Sizes of tensors must match except in dimension 1. Expected size 25 but got size 24 for "
        "tensor number 1 in the list."),
    "broken-vgg-cifar-linear": (
        "classifier.0", RuntimeError,
        "mat1 and mat2 shapes cannot be multiplied (1x512 and 25088x4096)"),
}

#: The examples that must run, with their output shape (the published one where there is one).
WORKING = {
    "alexnet": (1, 1000),
    "aspp": (2, 256, 32, 32),
    "aspp-eval-batch1": (1, 256, 32, 32),
    "dcgan-generator": (1, 3, 64, 64),
    "convnext_tiny": (1, 1000),
    "efficientnet_b0": (1, 1000),
    "efficientnet_b1": (1, 1000),
    "efficientnet_v2_s": (1, 1000),
    "deeplabv3_resnet50": (1, 21, 224, 224),
    "densenet121": (1, 1000),
    "espcn": (1, 1, 192, 192),
    "fcn_resnet50": (1, 21, 224, 224),
    "fcn-head-small": (1, 21, 96, 128),
    "googlenet": (1, 1000),
    "regnet_y_400mf": (1, 1000),
    "resnext50_32x4d": (1, 1000),
    "inception": (1, 480, 14, 14),
    "inception_v3": (1, 1000),
    "lraspp_mobilenet_v3_large": (1, 21, 224, 224),
    "mc3_18": (1, 400),
    "mnasnet0_5": (1, 1000),
    "mobilenet_v3_large": (1, 1000),
    "mobilenet_v3_small": (1, 1000),
    "mobilenetv2-block": (1, 24, 56, 56),
    "r2plus1d_18": (1, 400),
    "r3d_18": (1, 400),
    "residual": (1, 128, 28, 28),
    "resnet18": (1, 1000),
    "resnet50": (1, 1000),
    "squeezenet1_1": (1, 1000),
    "squeeze-excitation": (1, 64, 56, 56),
    "s3d": (1, 400),
    "shufflenet-v2-unit": (1, 1000),
    "shufflenet_v2_x1_0": (1, 1000),
    "tiny": (1, 10),
    "unet": (1, 2, 388, 388),
    "unet-padded": (1, 2, 256, 256),
    "unet-small": (1, 2, 84, 84),
    "vgg16": (1, 1000),
    "video-c3d-small": (1, 101),
    "wavenet": (1, 256, 16000),
    "wide_resnet50_2": (1, 1000),
}


def _ids(paths):
    return [p.stem for p in paths]


def test_every_example_is_classified():
    assert {p.stem for p in EXAMPLES} == set(BROKEN) | set(WORKING)
    assert all(stem.startswith("broken-") for stem in BROKEN)
    assert not any(stem.startswith("broken-") for stem in WORKING)


@pytest.mark.parametrize("path", EXAMPLES, ids=_ids(EXAMPLES))
def test_loads_with_its_name(path):
    stack = conv_calc.load_stack(str(path))
    assert stack.name == path.stem
    assert stack.input_shape is not None


@pytest.mark.parametrize("stem", sorted(WORKING))
def test_working_example_runs(stem):
    report = conv_calc.load_stack(str(EXAMPLES_DIR / f"{stem}.yaml")).analyze()
    assert report.error is None, f"{report.failed}: {report.error}"
    assert report.output_shape == WORKING[stem]


def test_eval_example_is_the_broken_one_in_eval_mode():
    """aspp-eval-batch1 is broken-aspp-batch1 with `mode: eval`: the mode alone decides."""
    fixed = conv_calc.load_stack(str(EXAMPLES_DIR / "aspp-eval-batch1.yaml"))
    broken = conv_calc.load_stack(str(EXAMPLES_DIR / "broken-aspp-batch1.yaml"))
    assert (fixed.mode, broken.mode) == ("eval", "train")
    assert fixed.input_shape == broken.input_shape

    def rows(report):
        return [(r.name, r.type, r.output_shape, r.params, r.macs) for r in report.layers]
    assert rows(fixed.analyze()) == rows(broken.analyze(mode="eval"))
    in_train = fixed.analyze(mode="train")
    name, cls, message = BROKEN["broken-aspp-batch1"]
    assert in_train.failed.name == name and isinstance(in_train.error, cls)
    assert str(in_train.error) == message
    assert in_train.mode == "train"
    in_eval = broken.analyze(mode="eval")
    assert in_eval.error is None and in_eval.mode == "eval"
    assert in_eval.output_shape == WORKING["aspp-eval-batch1"]


@pytest.mark.parametrize("stem", sorted(BROKEN))
def test_broken_example_fails_where_torch_does(stem):
    name, cls, message = BROKEN[stem]
    report = conv_calc.load_stack(str(EXAMPLES_DIR / f"{stem}.yaml")).analyze()
    assert report.failed is not None and report.failed.name == name
    assert isinstance(report.error, cls)
    assert str(report.error) == message
    assert report.error.hint
    assert len(report.layers) == report.failed.index


@pytest.mark.parametrize("stem", sorted(BROKEN))
def test_broken_example_documents_its_error(stem):
    """The header comment says it is broken on purpose and quotes torch's message."""
    text = (EXAMPLES_DIR / f"{stem}.yaml").read_text()
    header = " ".join(line.lstrip("#").strip() for line in text.splitlines()
                      if line.startswith("#"))
    assert "BROKEN on purpose" in header
    _, cls, message = BROKEN[stem]
    assert f"{cls.__name__}: {message}" in re.sub(r"\s+", " ", header)


def _expected_rows(nodes, expectations, start=0, found=None):
    """(row index of each node's last row, Expect) for the nodes carrying an ``expect:``."""
    found = [] if found is None else found
    index = start
    for node in nodes:
        before = index
        if isinstance(node, LayerNode):
            index += 1
        elif isinstance(node, Sequential):
            index = _expected_rows(node.nodes, expectations, index, found)
        elif isinstance(node, Residual):
            index = _expected_rows(node.body, expectations, index, found)
            index = _expected_rows(node.shortcut, expectations, index, found) + 1
        elif isinstance(node, Parallel):
            for branch in node.branches:
                index = _expected_rows(branch, expectations, index, found)
            index += 1
        elif isinstance(node, From):
            index = _expected_rows(node.nodes, expectations, index, found)
        elif isinstance(node, (Merge, Combine, Call)):
            index += 1
        else:
            assert isinstance(node, Save)
        if node.source in expectations and index > before:
            found.append((index - 1, expectations[node.source]))
    return index


def _rf_matches(rf, expected: dict) -> bool:
    for key, value in expected.items():
        got = getattr(rf, key)
        if isinstance(value, tuple):
            if tuple(got) != value:
                return False
        elif any(v != value for v in got):
            return False
    return True


@pytest.mark.parametrize("path", EXAMPLES, ids=_ids(EXAMPLES))
def test_expectations_in_the_file_hold(path):
    stack = conv_calc.load_stack(str(path))
    report = stack.analyze()
    checks: list = []
    _expected_rows(stack.layers, stack.expectations, found=checks)
    assert len(checks) >= len(stack.expectations)  # a repeated block is checked per copy
    if stack.expect is not None:
        assert report.ok
        checks.append((len(report.layers) - 1, stack.expect))
    for index, expect in checks:
        row = report.layers[index]
        if expect.output_shape is not None:
            assert row.output_shape == expect.output_shape, row.name
        if expect.receptive_field:
            assert _rf_matches(row.receptive_field, expect.receptive_field), row.name
    if stack.expect is not None and stack.expect.params is not None:
        assert report.total_params == stack.expect.params
    if stack.expect is not None and stack.expect.macs is not None:
        assert report.total_macs == stack.expect.macs


def test_readme_lists_every_example():
    readme = (EXAMPLES_DIR / "README.md").read_text()
    listed = set(re.findall(r"\[([\w.-]+)\.yaml\]", readme))
    assert listed == {p.stem for p in EXAMPLES}
