"""``conv-calc layer`` with the layers added on the new-layers branch: exit code, stdout and
stderr together (MaxUnpool's forward output_size, short forms without an option)."""

from __future__ import annotations

import pytest

from tests.cli_runner import run


@pytest.mark.parametrize("args, output", [
    (("PixelShuffle(2)", "--input", "1x8x4x4"), "output  [1, 2, 8, 8]\n"),
    (("Fold((4, 5), 2)", "--input", "1x12x12"), "output  [1, 3, 4, 5]\n"),
    (("Unfold(2, stride=2)", "--input", "1x3x4x6"), "output  [1, 12, 6]\n"),
    (("MaxUnpool2d(2)", "--input", "1x3x4x5", "--output-size", "9x11"), "output  [1, 3, 9, 11]\n"),
    (("maxunpool1d", "-k", "2", "--input", "1x3x4"), "output  [1, 3, 8]\n"),
    (("channelshuffle", "-g", "2", "--input", "1x4x3x3"), "output  [1, 4, 3, 3]\n"),
    (("SyncBatchNorm(3)", "--input", "2x3x4"), "params  6\n"),
])
def test_layer_new_layers(args, output):
    result = run("layer", *args)
    assert (result.code, result.stderr) == (0, "")
    assert output in result.stdout


def test_layer_new_layer_torch_error_exits_1():
    result = run("layer", "MaxUnpool2d(2)", "--input", "1x3x4x5", "--output-size", "12x11")
    assert result.code == 1
    assert ('ValueError: invalid output_size "[12, 11]" (dim 0 must be between 6 and 10)\n'
            in result.stderr)
    assert "hint: unpooling gives size 8 on spatial dim 0" in result.stderr


def test_layer_short_form_without_an_option_exits_2():
    result = run("layer", "pixelshuffle", "--input", "1x8x4x4")
    assert (result.code, result.stdout) == (2, "")
    assert result.stderr == (
        "error: PixelShuffle needs upscale_factor, which the short form has no option for\n"
        "hint: write the constructor instead: conv-calc layer 'PixelShuffle(upscale_factor=...)' "
        "--input 1x3x224x224\n")
