"""Fuzz ``conv-calc draw`` (rf, overlap, layer) on mutated stack files, hostile positions,
layer names, input shapes and layer constructors.

Property: exit 0, 1 or 2, never a traceback, an internal error or a hang, nothing raw on a
terminal; exit 0 writes a whole SVG document (or JSON that parses).
"""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.cli_runner import run
from tests.fuzz_support import ROOT, budget, check_outcome, check_safe_output, no_hang
from tests.stackfile.test_fuzz_vocabulary import vocabulary_mutants

pytestmark = pytest.mark.slow

SMALL = [ROOT / "examples" / n for n in ("tiny.yaml", "residual.yaml", "dcgan-generator.yaml",
                                         "squeeze-excitation.yaml")]
TEXTS = [p.read_bytes() for p in SMALL]
POSITIONS = st.one_of(
    st.sampled_from(["0,0", "3x4", "-1,0", "0", "1,2,3", "9223372036854775808,0", "a,b", "",
                     ",", "1e3,1", "\x1b[2J", "0x0x0", "99999,99999", " 1 , 2 ", "1,,2"]),
    st.lists(st.integers(-3, 40), min_size=1, max_size=3).map(lambda v: ",".join(map(str, v))))
LAYER_NAMES = st.sampled_from(["", "conv1", "0", "layer1.0.conv2", "nope", "\x1b]0;t\x07", "add",
                               "se.mul", "output", "-1", "expand"])
SHAPES = st.sampled_from(["", "1x3x64x64", "64", "64x64", "0x3x8x8", "1x3x1x1", "abc", "1x3x-5x5",
                          "1x3x9223372036854775808x8", "1x3x100000x100000", "1x1x1", "1,3,8,8"])


def _check(*args: str):
    with no_hang():
        result = run(*args)
    check_outcome(result, located=False)
    check_safe_output(result)
    if result.code == 0 and "--format" not in args:
        assert result.stdout.lstrip().startswith("<"), result.stdout[:200]
        assert result.stdout.rstrip().endswith("</svg>"), result.stdout[-200:]
    if result.code == 0 and "--format" in args:
        json.loads(result.stdout)
    return result


@st.composite
def drawn_files(draw) -> bytes:
    if draw(st.booleans()):
        return draw(st.sampled_from(TEXTS))
    return draw(vocabulary_mutants(TEXTS))


@budget(40)
@given(data=drawn_files(), command=st.sampled_from(["rf", "overlap"]),
       layer=st.one_of(st.none(), LAYER_NAMES), at=st.one_of(st.none(), POSITIONS),
       shape=st.one_of(st.none(), SHAPES), as_json=st.booleans())
def test_draw_on_files(tmp_path_factory, data, command, layer, at, shape, as_json):
    path = tmp_path_factory.mktemp("d") / "net.yaml"
    path.write_bytes(data)
    args = ["draw", command, str(path)]
    if layer is not None:
        args += ["--layer", layer]
    if at is not None and command == "rf":
        args += [f"--at={at}"]
    if shape is not None:
        args += [f"--input={shape}"]
    if as_json and command == "overlap":
        args += ["--format", "json"]
    _check(*args)


CONSTRUCTORS = st.one_of(
    st.sampled_from(["conv2d", "maxpool1d", "convtranspose2d", "Conv2d(1, 1, 3, stride=2)",
                     "Conv2d(1, 1, 4, padding='same')", "ConvTranspose2d(1, 1, 3, stride=2)",
                     "Conv2d(1,1,3", "Linear(3, 4)", "Conv2d(1, 1, 3, dilation=9999999999)",
                     "ReLU()", "Conv3d(1, 1, 3)", "\x1b[2J", "Conv2d(1, 1, kernel_size=(3, 3, 3))"]),
    st.text(max_size=20))
NUMBERS = st.one_of(st.none(), st.sampled_from(["1", "3", "0", "-1", "2,3", "x", "40", "1e9",
                                                "9223372036854775808"]))


@budget(40)
@given(layer=CONSTRUCTORS, shape=st.one_of(st.none(), SHAPES, st.sampled_from(["7", "7x7", "41", "40x40"])),
       k=NUMBERS, s=NUMBERS, p=NUMBERS, d=NUMBERS, sheet=st.booleans())
def test_draw_layer(layer, shape, k, s, p, d, sheet):
    args = ["draw", "layer", layer]
    for flag, value in (("-i", shape), ("-k", k), ("-s", s), ("-p", p), ("-d", d)):
        if value is not None:
            args += [flag, value]
    if sheet:
        args.append("--sheet")
    _check(*args)
