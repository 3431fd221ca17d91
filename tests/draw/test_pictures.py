"""The pictures: every SVG parses as XML, the numbers drawn are the engine's (which
tests/draw/test_paths.py checks against torch), a few pictures match golden files byte
for byte (set CONV_CALC_REGEN=1 to rewrite them after a deliberate change, then look at
them), and the layer scenes read the same inputs as the receptive-field maps.
"""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from conv_calc import nn
from conv_calc.draw.layer import MAX_FRAMES, layer_picture, layer_svg
from conv_calc.draw.overlap import overlap_map, overlap_svg
from conv_calc.draw.page import flow_svg, rf_bars_svg
from conv_calc.draw.rf import rf_picture, rf_svg
from conv_calc.draw.scene import scene_for, stamp_scene
from conv_calc.errors import InputError
from conv_calc.geometry import Axis
from conv_calc.graph.paths import path_tape
from conv_calc.receptive.paths import axis_rows
from conv_calc.stackfile.load import load_file, load_text
from tests.draw.cases import CASES

SVG = "{http://www.w3.org/2000/svg}"
GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "draw"
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

LAYERS = {
    "conv-same-even": (nn.Conv2d(1, 1, 4, padding="same"), (1, 1, 6, 6)),
    "conv-dilated": (nn.Conv2d(1, 1, 3, stride=2, padding=1, dilation=2), (1, 1, 7, 7)),
    "transposed": (nn.ConvTranspose2d(1, 1, 3, stride=2, padding=1, output_padding=1),
                   (1, 1, 3, 3)),
    "transposed-crop": (nn.ConvTranspose2d(1, 1, 2, stride=2, padding=2), (1, 1, 4, 4)),
    "maxpool-ceil": (nn.MaxPool2d(3, 2, ceil_mode=True), (1, 1, 6, 6)),
    "avgpool-1d": (nn.AvgPool1d(3, 2, padding=1), (1, 1, 7)),
    "transposed-1d": (nn.ConvTranspose1d(1, 1, 5, stride=3, padding=1), (1, 1, 4)),
    "conv-3d": (nn.Conv3d(1, 1, 3, padding=(0, 1, 2)), (1, 1, 4, 5, 6)),
    "adaptive": (nn.AdaptiveAvgPool2d(3), (1, 1, 7, 5)),
    "upsample": (nn.Upsample(scale_factor=2, mode="bilinear"), (1, 1, 3, 3)),
}


def parse(text: str) -> ET.Element:
    root = ET.fromstring(text)
    assert root.tag == f"{SVG}svg"
    assert float(root.get("width")) > 0 and float(root.get("height")) > 0
    return root


def same_as_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("CONV_CALC_REGEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.read_text(encoding="utf-8") == text, f"{name} differs from its golden file"


@pytest.mark.parametrize("case", sorted(LAYERS))
@pytest.mark.parametrize("sheet", [False, True])
def test_layer_pictures_parse(case: str, sheet: bool) -> None:
    layer, shape = LAYERS[case]
    root = parse(layer_svg(layer, shape, sheet=sheet))
    animations = root.findall(f".//{SVG}animate")
    pic = layer_picture(layer, shape)
    frames = pic.out_lengths[0] * pic.out_lengths[1]  # every output position: all under the cap
    if pic.transposed:
        frames += pic.in_lengths[0] * pic.in_lengths[1]
    assert frames <= MAX_FRAMES
    assert len(animations) == (0 if sheet else frames)


def test_layer_picture_is_deterministic() -> None:
    layer, shape = LAYERS["transposed"]
    assert layer_svg(layer, shape) == layer_svg(layer, shape)


def test_asymmetric_same_padding_is_drawn() -> None:
    pic = layer_picture(*LAYERS["conv-same-even"])
    rows = pic.scenes[0]
    assert rows.kinds[:1] == ("pad",) and rows.kinds[-2:] == ("pad", "pad")  # 1 before, 2 after
    words = " ".join(t.text for t in parse(layer_svg(*LAYERS["conv-same-even"])).iter(f"{SVG}text"))
    assert "1 before, 2 after" in words


def test_frame_caps_are_said() -> None:
    layer = nn.Conv2d(1, 1, 3, padding=1)
    words = " ".join(t.text for t in parse(layer_svg(layer, (1, 1, 12, 12), sheet=True))
                     .iter(f"{SVG}text"))
    assert "first 64 output positions" in words
    animated = parse(layer_svg(layer, (1, 1, 12, 12)))
    assert len(animated.findall(f".//{SVG}animate")) == 144  # every one of the 12x12


def test_layer_input_cap() -> None:
    with pytest.raises(InputError, match="up to 40"):
        layer_svg(nn.Conv2d(1, 1, 3), (1, 1, 41, 8))


@pytest.mark.parametrize("axis,n_in,n_out", [
    (Axis(3, stride=2, pad_left=1, pad_right=1), 7, 4),
    (Axis(3, stride=2, dilation=2, pad_left=2, pad_right=2), 9, 5),
    (Axis(4, stride=1, pad_left=1, pad_right=2), 5, 5),
    (Axis(3, stride=2, pad_left=1, pad_right=1, transposed=True, output_padding=1), 4, 8),
    (Axis(5, stride=3, dilation=2, pad_left=2, pad_right=2, transposed=True), 4, 15),
    (Axis(2, stride=2, pad_left=2, pad_right=2, transposed=True), 4, 4),
])
def test_scenes_read_what_the_count_matrix_reads(axis: Axis, n_in: int, n_out: int) -> None:
    scene = scene_for(axis, n_in, n_out)
    rows = axis_rows(axis, n_in, n_out)
    for o in range(n_out):
        read: dict[int, int] = {}
        for cell in scene.taps[o]:
            i = scene.index[cell]
            if scene.kinds[cell] == "pixel":
                read[i] = read.get(i, 0) + 1
        assert tuple(sorted(read.items())) == rows[o], o
    if axis.transposed:  # the stamps give the same counts from the input's side
        stamp = stamp_scene(axis, n_in, n_out)
        counts = [0] * n_out
        for cells in stamp.stamps:
            for cell in cells:
                if stamp.kinds[cell] == "out":
                    counts[cell + stamp.first] += 1
        assert counts == [sum(c for _, c in row) for row in rows]


@pytest.mark.parametrize("case", sorted(CASES))
def test_overlap_and_rf_pictures_parse(case: str) -> None:
    tape = path_tape(load_text(CASES[case]))
    m = overlap_map(None, tape=tape)
    root = parse(overlap_svg(m))
    texts = [t.text for t in root.iter(f"{SVG}text")]
    flat = [v for row in m.counts for v in row]
    if len(m.counts) <= 20 and len(m.counts[0]) <= 20:
        assert all(str(v) in texts for v in flat)  # every count is written on the map
    parse(rf_svg(rf_picture(None, tape=tape)))
    parse(flow_svg(tape))
    parse(rf_bars_svg(tape.report))


@pytest.mark.parametrize("case", sorted(CASES))
def test_rf_hull_bounds_the_region(case: str) -> None:
    tape = path_tape(load_text(CASES[case]))
    name = tape.names[-1]
    lengths = tape.lengths[tape.tensor_of(name)]
    largest = [0] * len(lengths)
    for u in range(max(lengths)):
        pos = tuple(min(u, n - 1) for n in lengths)
        hull = tape.hull(name, pos)
        grid = tape.region(name, pos)
        for axis, h in enumerate(hull):
            if h is not None:
                largest[axis] = max(largest[axis], h[1] - h[0] + 1)
        nonzero = [i for i, v in enumerate(grid.values) if v]
        if not nonzero or any(h is None for h in hull):
            continue
        # the pixels with paths lie inside the hull, and reach its ends wherever those are
        # real input pixels
        strides = [1] * len(lengths)
        for a in range(len(lengths) - 2, -1, -1):
            strides[a] = strides[a + 1] * grid.shape[a + 1]
        for axis, (lo, hi) in enumerate(hull):
            coords = {(i // strides[axis]) % grid.shape[axis] for i in nonzero}
            assert lo <= min(coords) and max(coords) <= hi
        # the picture's hull is the region's own extent inside the input (the per-axis hull
        # is a union over the other axes' positions: wider after a cat along another axis)
        panel = rf_picture(None, name, pos, tape=tape).panels[0]
        for axis, (lo, hi) in enumerate(panel.hull):
            coords = {(i // strides[axis]) % grid.shape[axis] for i in nonzero}
            assert (lo if lo >= 0 else min(coords)) == min(coords)
            assert (hi if hi < grid.shape[axis] else max(coords)) == max(coords)
    row = next(r for r in tape.report.layers if r.name == name)
    assert tuple(largest) <= tuple(row.receptive_field.size)


def test_rf_shows_both_sizes_when_they_differ() -> None:
    net = load_text(CASES["transposed-k3-s2"])
    pic = rf_picture(net)
    assert pic.varies and len(pic.panels) == 2
    assert {p.sizes for p in pic.panels} == {(1, 1), (2, 2)}
    words = " ".join(t.text for t in parse(rf_svg(pic)).iter(f"{SVG}text"))
    assert "both sizes are shown" in words


def test_rf_marks_padding_of_a_deep_network() -> None:
    pic = rf_picture(load_file(EXAMPLES / "resnet18.yaml"), layer="layer1.0.conv2", at=(0, 1))
    panel = pic.panels[0]
    assert panel.hull == ((-13, 13), (-9, 17))  # 27 pixels, centre (0, 4): jump 4
    assert panel.counts[0][0] == -1  # a padding coordinate
    parse(rf_svg(pic))


def test_uneven_hints() -> None:
    uneven = overlap_map(load_text(CASES["transposed-k3-s2"]))
    assert not uneven.even and uneven.interior == (1, 2, 4)
    assert "kernel_size=4" in uneven.hint and "Upsample(scale_factor=2" in uneven.hint
    for even_case in ("transposed-k4-s2", "pool-upsample"):
        m = overlap_map(load_text(CASES[even_case]))
        assert m.even and not m.hint, even_case


def test_golden_pictures() -> None:
    layer, shape = LAYERS["transposed"]
    same_as_golden("transposed-k3-s2.svg", layer_svg(layer, shape))
    same_as_golden("conv-same-even-sheet.svg", layer_svg(*LAYERS["conv-same-even"], sheet=True))
    tape = path_tape(load_text(CASES["transposed-k3-s2"]))
    same_as_golden("overlap-k3-s2.svg", overlap_svg(overlap_map(None, tape=tape)))
    same_as_golden("rf-k3-s2.svg", rf_svg(rf_picture(None, tape=tape)))


def test_flow_draws_every_skip_as_an_arc() -> None:
    tape = path_tape(load_file(EXAMPLES / "unet.yaml"))
    parents = tape.parents()
    assert set(parents["cat_3"]) == {"enc1.3", "up1"}  # the long skip, and the path below
    root = parse(flow_svg(tape))
    paths = root.findall(f"{SVG}path")
    assert len(paths) == 2 * 4  # four long skips, each a line and an arrow head
    boxes = [t.text for t in root.iter(f"{SVG}text") if t.text and t.text.startswith("cat")
             and "[" in t.text]
    assert len(boxes) == 4


@pytest.mark.parametrize("case,rows,cols", [("strip-1d", 1, 12), ("volume-3d", 3, 7)])
def test_overlap_json_rows_of_the_first_two_axes(case: str, rows: int, cols: int) -> None:
    from conv_calc.draw.overlap import overlap_json

    tape = path_tape(load_text(CASES[case]))
    doc = overlap_json(overlap_map(None, tape=tape))
    assert len(doc["counts"]) == rows and {len(r) for r in doc["counts"]} == {cols}
    full = tape.overlap().rows()
    if len(doc["shape"]) == 3:
        at = doc["plane_at"][0]
        assert doc["counts"] == [[full[r][c][at] for c in range(cols)] for r in range(rows)]
    else:
        assert doc["counts"] == [full]
