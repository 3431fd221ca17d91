"""One layer, drawn with the user's numbers: ``conv-calc draw layer``.

The input grid with its padding cells (grey; asymmetric 'same' padding shows as more
cells on one side), the kernel's taps at each output position (orange, with the
dilation gaps inside the kernel's dashed span), the output grid (the current position
in green), each labelled, and the output-size formula per axis with the numbers put in.
:func:`layer_svg` cycles through every output position (an animated SVG); with
``sheet=True`` it draws every frame side by side, for print. A transposed convolution
is drawn twice: as what it does (each input pixel stamping the kernel into the output,
the overlaps counted as they add up; cells cropped by ``padding`` hatched) and as the
equivalent convolution over the input with zeros inserted. A 1-d layer is a strip; a
3-d layer shows its last two axes (one slice).

>>> from conv_calc import nn
>>> text = layer_svg(nn.Conv2d(1, 1, 3, stride=2, padding=1), (1, 1, 5, 5))
>>> text.count("<animate "), "output 3x3" in text
(9, True)
>>> sheet = layer_svg(nn.ConvTranspose1d(1, 1, 3, stride=2), (1, 1, 4), sheet=True)
>>> "<animate" in sheet, "zeros inserted" in sheet
(False, True)
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import product
from typing import Any, Sequence

from conv_calc.draw.grid import char_width, label_size, lines_height, notes
from conv_calc.draw.scene import AxisScene, StampScene, scene_for, stamp_scene
from conv_calc.draw.svg import KERNEL, LINE, MUTED, OUTPUT, PAD_FILL, Svg, num
from conv_calc.errors import InputError
from conv_calc.geometry import Axis
from conv_calc.render.layer import layer_formulas

__all__ = ["LayerPicture", "layer_picture", "layer_svg", "MAX_INPUT", "MAX_CANVAS", "MAX_FRAMES",
           "MAX_SHEET"]

#: The largest input drawn along one axis, and the most frames drawn (row-major).
MAX_INPUT = 40
#: The longest axis drawn: padded input, input with inserted zeros, or output.
MAX_CANVAS = 256
#: Cells a sheet (--sheet) draws at most, over all its frames.
SHEET_CELLS = 50_000
MAX_FRAMES = 256
#: The most frames on a sheet (a page of small pictures for print).
MAX_SHEET = 64
_ZERO_FILL = "#fff3c4"
_FRAME_SECONDS = 0.8

_TRIVIAL = AxisScene(0, ("pixel",), (0,), ((0,),), ((0, 0),))
_TRIVIAL_STAMP = StampScene(0, ("out",), ((0,),))


@dataclass(frozen=True)
class LayerPicture:
    """What :func:`layer_svg` draws: the drawn axes (rows, columns; a 1-d layer has one row)."""

    title: str
    type: str
    in_lengths: tuple[int, int]
    out_lengths: tuple[int, int]
    axes: tuple[Axis, ...]
    formulas: tuple[str, ...]
    notes: tuple[str, ...]
    scenes: tuple[AxisScene, AxisScene]
    stamps: tuple[StampScene, StampScene] | None
    in_spatial: str = ""   # every spatial size, as written on the picture: 4x5x6
    out_spatial: str = ""

    @property
    def transposed(self) -> bool:
        return self.stamps is not None


def layer_picture(layer: Any, in_shape: Sequence[int]) -> LayerPicture:
    """Everything the picture shows for ``layer`` (a conv_calc.nn layer) on ``in_shape``.

    Raises :class:`~conv_calc.errors.InputError` for an input over :data:`MAX_INPUT` along
    a drawn axis; the layer's own errors (torch's) propagate.
    """
    in_shape = tuple(in_shape)
    out = tuple(layer.output_shape(in_shape))
    axes_all = layer.axis_geometry(in_shape, out)
    n = getattr(layer, "spatial_dims", None) or max(len(in_shape) - 2, 1)
    drawn = list(range(len(in_shape) - min(n, 2), len(in_shape)))
    notes_: list[str] = []
    if n >= 3:
        notes_.append(f"A {n}-d layer: the last two axes are drawn (one slice); the kernel also "
                      f"spans {axes_all[len(in_shape) - n].kernel} along the first.")
    for d in drawn:
        if in_shape[d] > MAX_INPUT:
            raise InputError(
                f"draw layer draws inputs up to {MAX_INPUT} along an axis; this one has "
                f"{in_shape[d]}", hint="give a smaller --input: the picture shows the same "
                "window, padding and stride at any size (e.g. --input 8x8).")
        _check_canvas(axes_all[d], in_shape[d], out[d])
    axes = tuple(axes_all[d] for d in drawn)
    scenes = [scene_for(axes_all[d], in_shape[d], out[d]) for d in drawn]
    transposed = any(a.kind == "window" and a.transposed for a in axes)
    stamps = [stamp_scene(axes_all[d], in_shape[d], out[d]) for d in drawn] if transposed \
        else None
    ins = [in_shape[d] for d in drawn]
    outs = [out[d] for d in drawn]
    if len(drawn) == 1:
        scenes.insert(0, _TRIVIAL)
        ins.insert(0, 1)
        outs.insert(0, 1)
        if stamps is not None:
            stamps.insert(0, _TRIVIAL_STAMP)
    try:
        formulas = tuple(layer_formulas(type(layer).__name__, layer, in_shape, out, None))
    except Exception:  # noqa: BLE001 - a layer without a formula still gets its picture
        formulas = ()
    return LayerPicture(repr(layer), type(layer).__name__, (ins[0], ins[1]), (outs[0], outs[1]),
                        axes, formulas, tuple(notes_), (scenes[0], scenes[1]),
                        None if stamps is None else (stamps[0], stamps[1]),
                        "x".join(map(str, in_shape[len(in_shape) - n:])),
                        "x".join(map(str, out[len(out) - n:])))


def _check_canvas(axis: Any, n: int, out: int) -> None:
    """Refuse, before drawing, an axis whose padded input, zero-inserted input or output
    is longer than :data:`MAX_CANVAS` cells (padding 10**5 would draw 10**10 cells)."""
    lengths = {"output": out}
    if axis.kind == "window":
        pads = (axis.pad_left or 0) + (axis.pad_right or 0)
        lengths["padded input"] = n + max(pads, 0)
        if axis.transposed:
            lengths["input with zeros inserted"] = max(n - 1, 0) * axis.stride + 1
    for what, length in lengths.items():
        if length > MAX_CANVAS:
            raise InputError(
                f"draw layer draws up to {MAX_CANVAS} cells along an axis; the {what} has "
                f"{length}", hint="use a smaller padding, stride or kernel: the picture shows "
                "the same pattern at small sizes (e.g. --input 8x8).")


# ----------------------------------------------------------------------------- drawing

def _frames(counts: Sequence[int], most: int) -> list[tuple[int, int]]:
    return list(product(range(counts[0]), range(counts[1])))[:most]


def _input_grid(svg: Svg, x: float, y: float, cell: float, rows: AxisScene,
                cols: AxisScene) -> None:
    """The drawn input cells: pixels white, padding grey, inserted zeros pale yellow."""
    size = label_size(cell, "0")
    for r, kr in enumerate(rows.kinds):
        for c, kc in enumerate(cols.kinds):
            kinds = {kr, kc}
            fill = PAD_FILL if "pad" in kinds else _ZERO_FILL if "zero" in kinds else "#ffffff"
            svg.rect(x + c * cell, y + r * cell, cell, cell, fill=fill, stroke=LINE,
                     stroke_width=0.5)
            if fill != "#ffffff" and size:
                svg.text(x + c * cell + cell / 2, y + r * cell + cell / 2 + size * 0.35, "0",
                         font_size=size, text_anchor="middle", fill="#8a8a8a")


def _plain_grid(svg: Svg, x: float, y: float, cell: float, rows: int, cols: int,
                crop: tuple[Sequence[str], Sequence[str]] | None = None) -> None:
    for r in range(rows):
        for c in range(cols):
            cut = crop is not None and ("crop" in (crop[0][r], crop[1][c]))
            svg.rect(x + c * cell, y + r * cell, cell, cell,
                     fill="url(#cropped)" if cut else "#ffffff", stroke=LINE, stroke_width=0.5)


def _window_frame(svg: Svg, x_in: float, x_out: float, y: float, cell: float,
                  rows: AxisScene, cols: AxisScene, r: int, c: int) -> None:
    """Output (r, c): its taps on the input, the kernel's span, the output cell."""
    (r0, r1), (c0, c1) = rows.span[r], cols.span[c]
    svg.rect(x_in + c0 * cell, y + r0 * cell, (c1 - c0 + 1) * cell, (r1 - r0 + 1) * cell,
             fill="none", stroke=KERNEL, stroke_width=1.5, stroke_dasharray="4 2")
    for tr in sorted(set(rows.taps[r])):
        for tc in sorted(set(cols.taps[c])):
            svg.rect(x_in + tc * cell + 1.5, y + tr * cell + 1.5, cell - 3, cell - 3,
                     fill=KERNEL, fill_opacity=0.55, stroke=KERNEL, stroke_width=1)
    svg.rect(x_out + c * cell + 1.5, y + r * cell + 1.5, cell - 3, cell - 3, fill=OUTPUT,
             fill_opacity=0.7, stroke=OUTPUT, stroke_width=1)


def _stamp_frame(svg: Svg, x_in: float, x_out: float, y: float, cell: float,
                 stamps: tuple[StampScene, StampScene], counts: dict[tuple[int, int], int],
                 r: int, c: int) -> None:
    """Input (r, c) stamps the kernel; the output cells show the counts so far."""
    svg.rect(x_in + c * cell + 1.5, y + r * cell + 1.5, cell - 3, cell - 3, fill=OUTPUT,
             fill_opacity=0.7, stroke=OUTPUT, stroke_width=1)
    for tr in stamps[0].stamps[r]:
        for tc in stamps[1].stamps[c]:
            svg.rect(x_out + tc * cell + 1.5, y + tr * cell + 1.5, cell - 3, cell - 3,
                     fill=KERNEL, fill_opacity=0.5, stroke=KERNEL, stroke_width=1)
    size = label_size(cell, str(max(counts.values(), default=0)))
    if size:
        for (cr, cc), v in sorted(counts.items()):
            svg.text(x_out + cc * cell + cell / 2, y + cr * cell + cell / 2 + size * 0.35,
                     str(v), font_size=size, text_anchor="middle")


def _animated(svg: Svg, index: int, total: int) -> None:
    """Open a frame group shown during the ``index``-th of ``total`` equal time slots."""
    svg.open("g", opacity=0 if index else 1)
    if total > 1:
        values = "1;0" if index == 0 else "0;1;0" if index < total - 1 else "0;1"
        times = [0, index / total, (index + 1) / total] if 0 < index < total - 1 else \
            [0, 1 / total] if index == 0 else [0, index / total]
        svg.element("animate", attributeName="opacity", values=values,
                    keyTimes=";".join(num(round(t, 4)) for t in times), calcMode="discrete",
                    dur=f"{num(round(total * _FRAME_SECONDS, 2))}s", repeatCount="indefinite")


def _labels(svg: Svg, x: float, y: float, text: str) -> None:
    svg.text(x, y - 20, text, font_size=12, font_weight="bold")


def _label_width(text: str) -> float:
    return char_width(12) * len(text) + 24


def _index_ticks(svg: Svg, x: float, y: float, cell: float, index: Sequence[int | None],
                 vertical: bool = False) -> None:
    """The input index of each pixel cell (padding and inserted zeros have none)."""
    size = min(10.0, cell * 0.6)
    if size < 6 or (not vertical and char_width(size) * len(str(len(index))) > cell):
        return
    for k, i in enumerate(index):
        if i is None:
            continue
        if vertical:
            svg.text(x - 3, y + k * cell + cell / 2 + size * 0.35, str(i), font_size=size,
                     text_anchor="end", fill=MUTED)
        else:
            svg.text(x + k * cell + cell / 2, y - 4, str(i), font_size=size,
                     text_anchor="middle", fill=MUTED)


def _panel_conv(svg: Svg, pic: LayerPicture, x: float, y: float, cell: float,
                frames: list[tuple[int, int]], animate: bool, gap: float, title: str) -> float:
    """Input with padding, output, one frame per output position; returns the bottom y."""
    rows, cols = pic.scenes
    x_out = x + max(len(cols.kinds) * cell + gap, _label_width(title))
    _labels(svg, x, y, title)
    _labels(svg, x_out, y, f"output {pic.out_lengths[0]}x{pic.out_lengths[1]}"
            if pic.out_lengths[0] > 1 else f"output {pic.out_lengths[1]}")
    _input_grid(svg, x, y, cell, rows, cols)
    _index_ticks(svg, x, y, cell, cols.index)
    if pic.in_lengths[0] > 1:
        _index_ticks(svg, x, y, cell, rows.index, vertical=True)
    _plain_grid(svg, x_out, y, cell, pic.out_lengths[0], pic.out_lengths[1])
    _index_ticks(svg, x_out, y, cell, range(pic.out_lengths[1]))
    for k, (r, c) in enumerate(frames):
        if animate:
            _animated(svg, k, len(frames))
        else:
            svg.open("g")
        _window_frame(svg, x, x_out, y, cell, rows, cols, r, c)
        svg.close("g")
    return y + max(len(rows.kinds), pic.out_lengths[0]) * cell


def _panel_stamp(svg: Svg, pic: LayerPicture, x: float, y: float, cell: float,
                 frames: list[tuple[int, int]], animate: bool, gap: float) -> float:
    stamps = pic.stamps
    assert stamps is not None
    label = "input" + (f" {pic.in_lengths[0]}x{pic.in_lengths[1]}"
                       if pic.in_lengths[0] > 1 else f" {pic.in_lengths[1]}")
    x_out = x + max(pic.in_lengths[1] * cell + gap, _label_width(label))
    _labels(svg, x, y, label)
    _labels(svg, x_out, y, "output, uncropped (hatched: cut by padding)")
    _plain_grid(svg, x, y, cell, *pic.in_lengths)
    _plain_grid(svg, x_out, y, cell, len(stamps[0].kinds), len(stamps[1].kinds),
                crop=(stamps[0].kinds, stamps[1].kinds))
    counts: dict[tuple[int, int], int] = {}
    for k, (r, c) in enumerate(frames):
        for tr in stamps[0].stamps[r]:
            for tc in stamps[1].stamps[c]:
                counts[(tr, tc)] = counts.get((tr, tc), 0) + 1
        if animate:
            _animated(svg, k, len(frames))
        else:
            svg.open("g")
        _stamp_frame(svg, x, x_out, y, cell, stamps, dict(counts), r, c)
        svg.close("g")
    return y + max(pic.in_lengths[0], len(stamps[0].kinds)) * cell


_CROP_PATTERN = ('<defs><pattern id="cropped" width="6" height="6" patternUnits="userSpaceOnUse" '
                 'patternTransform="rotate(45)"><rect width="6" height="6" fill="#f2f2f2"/>'
                 '<line x1="0" y1="0" x2="0" y2="6" stroke="#b0b0b0" stroke-width="2"/>'
                 '</pattern></defs>')


def layer_svg(layer: Any, in_shape: Sequence[int] | None = None, sheet: bool = False,
              picture: LayerPicture | None = None) -> str:
    """The layer's picture as SVG text: animated over its output positions, or (``sheet``)
    every frame side by side."""
    pic = picture or layer_picture(layer, in_shape or ())
    rows, cols = pic.scenes
    most = MAX_SHEET if sheet else MAX_FRAMES
    if sheet:
        # A sheet draws every grid once per frame: fewer frames for big grids, so the file
        # stays a few MB (64 frames of a 157x157 transposed conv were 500 MB in 55 s).
        per_frame = len(rows.kinds) * len(cols.kinds) + pic.out_lengths[0] * pic.out_lengths[1]
        if pic.transposed:
            per_frame += pic.in_lengths[0] * pic.in_lengths[1] + \
                len(pic.stamps[0].kinds) * len(pic.stamps[1].kinds)
        most = max(1, min(most, SHEET_CELLS // max(per_frame, 1)))
    conv_frames = _frames(pic.out_lengths, most)
    stamp_frames = _frames(pic.in_lengths, most) if pic.transposed else []
    total_cols = len(cols.kinds) + pic.out_lengths[1]
    if pic.transposed:
        total_cols = max(total_cols, pic.in_lengths[1] + len(pic.stamps[1].kinds))
    text = [f"{pic.type}: input {pic.in_spatial}, output {pic.out_spatial}.",
            *pic.formulas, *pic.notes]
    shown = len(conv_frames) < pic.out_lengths[0] * pic.out_lengths[1]
    if shown:
        text.append(f"Frames for the first {most} output positions (row by row).")
    key = ("Grey: padding; orange: the kernel's taps (dashed: its span, gaps are the "
           "dilation); green: the output position" + ("; pale yellow: inserted zeros." if
                                                      pic.transposed else "."))
    text.append(key)
    if not sheet:
        cell = max(12.0, min(36.0, 900 / max(total_cols, 1)))
        width = max(720.0, 40 + total_cols * cell + 60 + 200,
                    40 + char_width(15) * len(pic.title))
        tw = width - 40
        top = 30 + lines_height(text, tw) + 36
        h_conv = max(len(rows.kinds), pic.out_lengths[0]) * cell
        h_stamp = (max(pic.in_lengths[0], len(pic.stamps[0].kinds)) * cell + 40) \
            if pic.transposed else 0
        height = top + h_stamp + h_conv + 40
        svg = Svg(width, height, title=pic.title)
        svg.raw(_CROP_PATTERN)
        svg.rect(0, 0, width, height, fill="#ffffff")
        svg.text(20, 22, pic.title, font_size=15, font_weight="bold")
        notes(svg, 20, 44, text, tw, 12, MUTED)
        y = top
        if pic.transposed:
            y = _panel_stamp(svg, pic, 30, y, cell, stamp_frames, True, 60) + 50
            title = "as a convolution: zeros inserted, padded"
        else:
            title = "input (grey: padding)"
        _panel_conv(svg, pic, 30, y, cell, conv_frames, True, 60, title)
        return svg.render()
    return _sheet(pic, conv_frames, stamp_frames, text)


def _sheet(pic: LayerPicture, conv_frames: list, stamp_frames: list, text: list[str]) -> str:
    """Every frame, small, in rows across the page."""
    rows, cols = pic.scenes
    width = 1200.0
    tw = width - 40
    conv_w = len(cols.kinds) + pic.out_lengths[1]
    cell = max(6.0, min(16.0, 520 / max(conv_w, 1)))
    gap = 2 * cell
    blocks: list[tuple[str, float, float, list]] = []
    if pic.transposed:
        st = pic.stamps
        blocks.append(("stamp", (pic.in_lengths[1] + len(st[1].kinds)) * cell + gap,
                       max(pic.in_lengths[0], len(st[0].kinds)) * cell, stamp_frames))
    blocks.append(("conv", conv_w * cell + gap, max(len(rows.kinds), pic.out_lengths[0]) * cell,
                   conv_frames))
    top = 30 + lines_height(text, tw) + 10
    height = top
    for _, fw, fh, frames in blocks:
        per_row = max(1, int((width - 20) // (fw + 24)))
        height += 30 + ((len(frames) + per_row - 1) // per_row) * (fh + 34)
    svg = Svg(width, height + 10, title=pic.title + " (every frame)")
    svg.raw(_CROP_PATTERN)
    svg.rect(0, 0, width, height + 10, fill="#ffffff")
    svg.text(20, 22, pic.title, font_size=15, font_weight="bold")
    notes(svg, 20, 44, text, tw, 12, MUTED)
    y = top
    for kind, fw, fh, frames in blocks:
        heading = ("What it does: each input pixel (green) stamps the kernel (orange) into the "
                   "output; the numbers count the overlaps so far." if kind == "stamp" else
                   "As a convolution over the input with zeros inserted (pale yellow), "
                   "stride 1." if pic.transposed else "One frame per output position.")
        svg.text(20, y + 16, heading, font_size=12, font_weight="bold")
        y += 30
        per_row = max(1, int((width - 20) // (fw + 24)))
        counts: dict[tuple[int, int], int] = {}
        for k, (r, c) in enumerate(frames):
            x = 20 + (k % per_row) * (fw + 24)
            fy = y + (k // per_row) * (fh + 34) + 14
            label = f"{'input' if kind == 'stamp' else 'output'} ({r}, {c})" \
                if pic.in_lengths[0] > 1 else f"{'input' if kind == 'stamp' else 'output'} {c}"
            svg.text(x, fy - 4, label, font_size=max(9.0, min(11.0, fw / len(label) / 0.62)),
                     fill=MUTED)
            if kind == "stamp":
                st = pic.stamps
                x_out = x + pic.in_lengths[1] * cell + gap
                _plain_grid(svg, x, fy, cell, *pic.in_lengths)
                _plain_grid(svg, x_out, fy, cell, len(st[0].kinds), len(st[1].kinds),
                            crop=(st[0].kinds, st[1].kinds))
                for tr in st[0].stamps[r]:
                    for tc in st[1].stamps[c]:
                        counts[(tr, tc)] = counts.get((tr, tc), 0) + 1
                _stamp_frame(svg, x, x_out, fy, cell, st, dict(counts), r, c)
            else:
                x_out = x + len(cols.kinds) * cell + gap
                _input_grid(svg, x, fy, cell, rows, cols)
                _plain_grid(svg, x_out, fy, cell, *pic.out_lengths)
                _window_frame(svg, x, x_out, fy, cell, rows, cols, r, c)
        y += ((len(frames) + per_row - 1) // per_row) * (fh + 34)
    return svg.render()
