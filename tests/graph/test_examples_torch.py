"""Every file in examples/ against real torch: each row's name, type, output shape and
parameter count, the conv/linear MACs, the final shape, and for the broken examples the
failing row with torch's exception class and message.

The torch side is tests/torch_build.py (the node tree rebuilt as torch.nn modules and run
on zeros). Skipped when torch is not installed.
"""

from __future__ import annotations

import functools
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")

import conv_calc  # noqa: E402
from tests.torch_build import run_stack  # noqa: E402

EXAMPLES = sorted((Path(__file__).parent.parent.parent / "examples").glob("*.yaml"))
#: Layer types whose MACs are defined as torch.utils.flop_counter FLOPs // 2.
COUNTED = ("Conv1d", "Conv2d", "Conv3d", "ConvTranspose1d", "ConvTranspose2d",
           "ConvTranspose3d", "Linear")


@functools.lru_cache(maxsize=None)
def _both(path: Path):
    stack = conv_calc.load_stack(str(path))
    return stack, stack.analyze(), run_stack(stack)


def _ids(paths):
    return [p.stem for p in paths]


@pytest.mark.parametrize("path", EXAMPLES, ids=_ids(EXAMPLES))
def test_rows_match_torch(path):
    _, report, ran = _both(path)
    ours = [(r.name, r.type, r.output_shape, r.params) for r in report.layers]
    theirs = [(r.name, r.type, r.output_shape, r.params) for r in ran.rows]
    assert ours == theirs


#: Modules whose print leaves out an argument conv-calc's config shows (torch prints
#: "Hardswish()" for Hardswish(inplace=True); torchvision's Permute prints no dims; LayerScale
#: is tests/torch_build.py's own stand-in for torchvision's).
PRINTS_LESS = {"Hardswish", "Permute", "LayerScale"}


@pytest.mark.parametrize("path", EXAMPLES, ids=_ids(EXAMPLES))
def test_config_column_is_what_print_model_shows(path):
    """The markdown and CSV `config` of each module row is the text between the parentheses
    of what print(model) shows for it."""
    from conv_calc.render.blocks import layer_config

    _, report, ran = _both(path)
    pairs = [(r.name, r.type, layer_config(r), t.config[t.config.index("(") + 1:-1])
             for r, t in zip(report.layers, ran.rows) if t.config is not None]
    assert pairs
    assert [(n, ours) for n, kind, ours, _ in pairs if kind not in PRINTS_LESS] == [
        (n, theirs) for n, kind, _, theirs in pairs if kind not in PRINTS_LESS]
    assert all(theirs == "" for _, kind, _, theirs in pairs if kind in PRINTS_LESS)


@pytest.mark.parametrize("path", EXAMPLES, ids=_ids(EXAMPLES))
def test_macs_match_flop_counter(path):
    _, report, ran = _both(path)
    pairs = [(r.name, r.macs, t.macs) for r, t in zip(report.layers, ran.rows) if r.type in COUNTED]
    assert pairs, "an example without conv or linear layers"
    assert [(n, ours) for n, ours, _ in pairs] == [(n, theirs) for n, _, theirs in pairs]


@pytest.mark.parametrize("path", EXAMPLES, ids=_ids(EXAMPLES))
def test_outcome_matches_torch(path):
    _, report, ran = _both(path)
    if ran.failure is None:
        assert report.error is None, f"conv-calc fails where torch runs: {report.error}"
        assert report.output_shape == ran.output_shape
        return
    failure = ran.failure
    assert report.error is not None, f"torch raises {failure.error_class.__name__}: {failure.message}"
    assert (report.failed.index, report.failed.name, report.failed.type) == \
        (failure.index, failure.name, failure.type)
    assert isinstance(report.error, failure.error_class)
    assert str(report.error) == failure.message
    assert report.error.hint


@pytest.mark.parametrize("path", EXAMPLES, ids=_ids(EXAMPLES))
def test_file_expectations_hold_in_torch(path):
    """The published numbers written in the files (params, output shape) are torch's."""
    stack, _, ran = _both(path)
    expect = getattr(stack, "expect", None)
    if expect is None:
        return
    if expect.output_shape is not None:
        assert ran.output_shape == expect.output_shape
    if expect.params is not None:
        assert sum(r.params for r in ran.rows) == expect.params


#: Other inputs (``--input``) for some examples: odd sizes, tiny maps, unbatched inputs,
#: wrong channels, so that the comparison also covers the error paths of the real networks.
OTHER_INPUTS = [
    ("alexnet", (2, 3, 100, 80)),
    ("alexnet", (3, 224, 224)),          # unbatched: flatten(x, 1) keeps 256, Linear sees 256x36
    ("vgg16", (1, 3, 31, 31)),           # pool5 would be 0x0
    ("resnet18", (1, 3, 33, 33)),
    ("resnet18", (3, 64, 64)),           # BatchNorm2d wants 4-d input
    ("inception", (1, 3, 97, 97)),       # ceil_mode pools on odd sizes
    ("unet", (1, 1, 571, 571)),          # odd size: the crops lose a pixel unevenly
    ("unet", (1, 1, 60, 60)),            # the 3x3 kernel meets a 2x2 map
    ("unet-padded", (1, 3, 100, 100)),   # skip mismatch, as broken-unet-skip
    ("dcgan-generator", (1, 99, 1, 1)),  # transposed conv channel check
    ("wavenet", (1, 2, 100)),
    ("aspp", (2, 2048, 16, 16)),         # the fixed-size Upsample no longer fits (see the file)
    ("mobilenetv2-block", (1, 16, 2, 2)),
    ("video-c3d-small", (1, 3, 2, 8, 8)),
    # channel_shuffle's views sized by $in_shape / $in_channels: any size, any batch
    ("shufflenet_v2_x1_0", (2, 3, 96, 160)),
    ("shufflenet_v2_x1_0", (1, 3, 65, 33)),
]


@pytest.mark.parametrize("stem,shape", OTHER_INPUTS, ids=[f"{s}-{'x'.join(map(str, i))}"
                                                          for s, i in OTHER_INPUTS])
def test_other_inputs_match_torch(stem, shape):
    stack = conv_calc.load_stack(str(Path(__file__).parent.parent.parent / "examples" / f"{stem}.yaml"))
    report, ran = stack.analyze(shape), run_stack(stack, shape)
    assert [(r.name, r.type, r.output_shape, r.params) for r in report.layers] == \
        [(r.name, r.type, r.output_shape, r.params) for r in ran.rows]
    if ran.failure is None:
        assert report.error is None and report.output_shape == ran.output_shape
    else:
        assert report.failed.name == ran.failure.name
        assert isinstance(report.error, ran.failure.error_class)
        assert str(report.error) == ran.failure.message


#: Examples and inputs where training and eval mode differ (batch norm on one value per
#: channel): each is compared with torch in both modes (module.eval() for eval).
MODE_INPUTS = [
    ("resnet18", (1, 3, 32, 32)),        # layer4 is 1x1 at batch 1: train fails, eval runs
    ("aspp", (1, 2048, 32, 32)),         # the image-pooling branch (broken-aspp-batch1)
    ("aspp-eval-batch1", (2, 2048, 32, 32)),
    ("resnet50", (1, 3, 32, 32)),        # the same in a Bottleneck network
]


@pytest.mark.parametrize("mode", ["train", "eval"])
@pytest.mark.parametrize("stem,shape", MODE_INPUTS, ids=[f"{s}-{'x'.join(map(str, i))}"
                                                        for s, i in MODE_INPUTS])
def test_modes_match_torch(stem, shape, mode):
    stack = conv_calc.load_stack(str(Path(__file__).parent.parent.parent / "examples" / f"{stem}.yaml"))
    report, ran = stack.analyze(shape, mode=mode), run_stack(stack, shape, mode=mode)
    assert report.mode == mode
    assert [(r.name, r.type, r.output_shape, r.params) for r in report.layers] == \
        [(r.name, r.type, r.output_shape, r.params) for r in ran.rows]
    if ran.failure is None:
        assert report.error is None and report.output_shape == ran.output_shape
    else:
        assert report.failed.name == ran.failure.name
        assert isinstance(report.error, ran.failure.error_class)
        assert str(report.error) == ran.failure.message
