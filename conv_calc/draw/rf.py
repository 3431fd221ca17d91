"""The exact input region one output position sees: ``conv-calc draw rf``.

Over the network's input grid (padding coordinates around it in grey), each pixel is
shaded by the number of paths from it to the chosen output position (the gradient of
that output with all weights one; :mod:`conv_calc.graph.paths`); the hull ``D(u)`` of
DESIGN.md section 4 is outlined, its centre marked, and how far it reaches past the
input's edges (the effective padding) written. Where the region's size depends on the
position (``size_min < size``: transposed convolutions, misaligned branches), a second
panel shows a position with the other size.

>>> from conv_calc import nn
>>> from conv_calc.graph.stack import Stack
>>> net = Stack([nn.Conv2d(1, 1, 3, padding=1), nn.Conv2d(1, 1, 3, stride=2, padding=1)],
...             input_shape=(1, 1, 8, 8))
>>> pic = rf_picture(net, at=(0, 0))
>>> panel = pic.panels[0]
>>> panel.hull, panel.view                  # coordinates -2 and -1 are padding
(((-2, 2), (-2, 2)), ((-2, 7), (-2, 7)))
>>> panel.counts[2][:6]                      # row 0 of the input; -1 marks padding
[-1, -1, 4, 4, 2, 0]
>>> rf_svg(pic).count("<svg")
1
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Sequence

from conv_calc.draw.grid import MAX_DRAWN, cell_size, heat_cells, legend, lines_height, notes, ticks
from conv_calc.draw.svg import ACCENT, LINE, MUTED, PAD_FILL, Svg
from conv_calc.graph.paths import PathTape, path_tape

__all__ = ["RfPanel", "RfPicture", "rf_picture", "rf_svg"]


@dataclass(frozen=True)
class RfPanel:
    """One output position's region: ``counts`` over the input coordinates ``view`` (per
    drawn axis, first and last coordinate, padding included), the hull per axis."""

    position: tuple[int, ...]
    hull: tuple[tuple[int, int] | None, ...]
    view: tuple[tuple[int, int], ...]
    counts: list[list[int]]
    cut: bool  # the view does not hold the whole hull and input

    @property
    def sizes(self) -> tuple[int, ...]:
        return tuple(0 if h is None else h[1] - h[0] + 1 for h in self.hull)


@dataclass(frozen=True)
class RfPicture:
    layer: str
    type: str
    output: tuple[int, ...]
    input: tuple[int, ...]
    panels: tuple[RfPanel, ...]
    varies: bool  # size_min < size on some axis


def _hull_sizes(tape: PathTape, target: int, axis: int, n: int) -> list[int]:
    state = tape.states[target][axis]
    return [0 if h is None else h[1] - h[0] + 1 for h in (state.hull(u) for u in range(n))]


def _tightened(hull: tuple, grid: Any) -> tuple:
    """The per-axis hulls, cut to the pixels that really have paths where those lie inside
    the input. The per-axis hull is a union over every position of the other axes (DESIGN.md
    section 4), so after a cat along one spatial axis it can be wider on another axis than
    this position's region; beyond the input's edges only the hull says how far it reaches."""
    shape = grid.shape
    out = []
    for axis, h in enumerate(hull):
        inner = 1
        for n in shape[axis + 1:]:
            inner *= n
        coords = {(i // inner) % shape[axis] for i, v in enumerate(grid.values) if v}
        if h is None or not coords:
            out.append(h)
            continue
        lo = h[0] if h[0] < 0 else max(h[0], min(coords))
        hi = h[1] if h[1] >= shape[axis] else min(h[1], max(coords))
        out.append((lo, hi))
    return tuple(out)


def _panel(tape: PathTape, name: str, position: tuple[int, ...]) -> RfPanel:
    grid = tape.region(name, position)
    lengths = grid.shape
    hull = _tightened(tape.hull(name, position), grid)
    drawn = lengths[:2] if len(lengths) >= 2 else (lengths or (1,))
    hulls = list(hull[:2]) if len(hull) >= 2 else list(hull) or [None]
    view = []
    cut = False
    for n, h in zip(drawn, hulls):
        lo, hi = (0, n - 1) if h is None else (min(0, h[0]), max(n - 1, h[1]))
        if hi - lo + 1 > MAX_DRAWN:  # the hull and a margin; centred on it if still too big
            cut = True
            lo, hi = (0, n - 1) if h is None else (h[0] - 4, h[1] + 4)
            if hi - lo + 1 > MAX_DRAWN:
                lo = (lo + hi) // 2 - MAX_DRAWN // 2
                hi = lo + MAX_DRAWN - 1
        view.append((lo, hi))
    # Further axes (3-d): the slice through the hull's centre, inside the input.
    at = []
    for n, h in zip(lengths[2:], hull[2:]):
        c = n // 2 if h is None else (h[0] + h[1]) // 2
        at.append(min(max(c, 0), n - 1))
    plane = grid.plane(at) if lengths else [[grid.values[0]]]
    if len(lengths) == 1:
        view = [(0, 0)] + view
        hulls = [(0, 0)] + hulls
        drawn = (1,) + tuple(drawn)
    counts = []
    for r in range(view[0][0], view[0][1] + 1):
        row = []
        for c in range(view[1][0], view[1][1] + 1):
            inside = 0 <= r < drawn[0] and 0 <= c < drawn[1]
            row.append(plane[r][c] if inside else -1)  # -1: a padding coordinate
        counts.append(row)
    return RfPanel(position, hull, tuple(view), counts, cut)


def rf_picture(stack: Any, layer: str | None = None, at: Sequence[int] | None = None,
               input_shape: Sequence[int] | None = None, mode: str | None = None,
               tape: PathTape | None = None) -> RfPicture:
    """The region output ``at`` (default: the middle) of row ``layer`` (default: the last)
    sees, and a second position when the region's size depends on the position."""
    tape = tape or path_tape(stack, input_shape, mode)
    target = tape.tensor_of(layer)
    name = layer or tape.names[-1]
    lengths = tape.lengths[target]
    position = tuple(at) if at is not None else tuple(n // 2 for n in lengths)
    panels = [_panel(tape, name, position)]
    other = list(position)
    varies = False
    for axis, n in enumerate(lengths):
        sizes = _hull_sizes(tape, target, axis, n)
        real = [s for s in sizes if s]
        if real and min(real) < max(real):
            varies = True
            mine = sizes[position[axis]] if position[axis] < n else 0
            want = min(real) if mine == max(real) else max(real)
            other[axis] = min(range(n), key=lambda u: (sizes[u] != want, abs(u - position[axis])))
    if varies and tuple(other) != position:
        panels.append(_panel(tape, name, tuple(other)))
    row = next(r for r in tape.report.layers if r.name == name)
    return RfPicture(name, row.type, lengths, tape.input_lengths, tuple(panels), varies)


def _coords(position: Sequence[int]) -> str:
    return "(" + ", ".join(map(str, position)) + ")"


def _centre(h: tuple[int, int] | None) -> str:
    if h is None:
        return "-"
    c = Fraction(h[0] + h[1], 2)
    return str(c.numerator) if c.denominator == 1 else f"{float(c):g}"


def _panel_lines(pic: RfPicture, panel: RfPanel) -> list[str]:
    if all(h is None for h in panel.hull):
        return [f"Output {_coords(panel.position)} sees no input pixel at all (a transposed "
                "convolution whose kernel is smaller than its stride leaves it empty)."]
    sizes = "x".join(map(str, panel.sizes))
    centre = ", ".join(_centre(h) for h in panel.hull)
    beyond = []
    names = ("rows", "columns", "depth") if len(pic.input) >= 2 else ("positions",)
    for axis, (h, n) in enumerate(zip(panel.hull, pic.input)):
        if h is not None and (h[0] < 0 or h[1] > n - 1):
            beyond.append(f"{names[min(axis, len(names) - 1)]}: {max(0, -h[0])} before the "
                          f"first and {max(0, h[1] - n + 1)} after the last")
    text = [f"Output {_coords(panel.position)} sees {sizes} input pixels (hull, in red), "
            f"centred at ({centre})."]
    if beyond:
        text.append("It reaches into the padding (grey) by " + "; ".join(beyond) + ".")
    if panel.cut:
        text.append("Only the part of the input around the hull is shown (the whole is "
                    f"more than {MAX_DRAWN} cells along an axis).")
    return text


def rf_svg(pic: RfPicture) -> str:
    """The picture as SVG text: one panel per position, stacked."""
    width = 640.0
    blocks = []
    for panel in pic.panels:
        rows, cols = len(panel.counts), len(panel.counts[0])
        cell = cell_size(rows, cols)
        width = max(width, 70 + cell * cols + 30)
        blocks.append((panel, cell, rows, cols))
    text_width = width - 40
    head = f"Receptive field of {pic.layer} ({pic.type})"
    intro = [f"Output {'x'.join(map(str, pic.output))}, input {'x'.join(map(str, pic.input))}. "
             "Each input pixel is shaded by the number of paths from it to the output "
             "position (the gradient of that output with all weights one); grey cells are "
             "padding coordinates."]
    if pic.varies:
        intro.append("The region's size depends on the output position (size_min < size): "
                     "both sizes are shown.")
    if len(pic.input) > 2:
        intro.append("A 3-d input: the slice through the hull's centre on the last axis.")
    height = 30 + lines_height(intro, text_width) + 10
    layout = []
    for panel, cell, rows, cols in blocks:
        lines = _panel_lines(pic, panel)
        top = height + lines_height(lines, text_width) + 22
        layout.append((panel, cell, rows, cols, lines, height, top))
        height = top + cell * rows + 48
    svg = Svg(width, height, title=head)
    svg.rect(0, 0, width, height, fill="#ffffff")
    svg.text(20, 24, head, font_size=16, font_weight="bold")
    notes(svg, 20, 46, intro, text_width, 12, MUTED)
    for panel, cell, rows, cols, lines, y_text, top in layout:
        notes(svg, 20, y_text + 16, lines, text_width)
        x0 = 70
        (r0, _), (c0, _) = panel.view
        ticks(svg, x0, top, cell, cols, first=c0)
        ticks(svg, x0, top, cell, rows, first=r0, vertical=True)
        real = [v for row in panel.counts for v in row if v > 0]
        largest = max(real, default=0)
        heat_cells(svg, x0, top, cell, [[max(v, 0) for v in row] for row in panel.counts],
                   largest, zeros=False)
        for r, row in enumerate(panel.counts):
            for c, v in enumerate(row):
                if v < 0:  # a padding coordinate: drawn over the (empty) count cell
                    svg.rect(x0 + c * cell, top + r * cell, cell, cell, fill=PAD_FILL,
                             stroke=LINE, stroke_width=0.5)
        hulls = list(panel.hull[:2]) if len(panel.hull) >= 2 else [(0, 0)] + list(panel.hull)
        if all(h is not None for h in hulls):
            (hr0, hr1), (hc0, hc1) = hulls
            x = x0 + (max(hc0, c0) - c0) * cell
            y = top + (max(hr0, r0) - r0) * cell
            w = (min(hc1, c0 + cols - 1) - max(hc0, c0) + 1) * cell
            h = (min(hr1, r0 + rows - 1) - max(hr0, r0) + 1) * cell
            svg.rect(x, y, w, h, fill="none", stroke=ACCENT, stroke_width=2.5)
            cx = x0 + ((hc0 + hc1) / 2 - c0 + 0.5) * cell
            cy = top + ((hr0 + hr1) / 2 - r0 + 0.5) * cell
            # A ring, not a dot: the count written in the centre cell stays legible.
            svg.circle(cx, cy, max(3.0, cell * 0.42), fill="none", stroke=ACCENT,
                       stroke_width=2)
            # The input's own edges (those inside the view), so the reach into the
            # padding reads at a glance.
            n_r = pic.input[0] if len(pic.input) >= 2 else 1
            n_c = pic.input[1] if len(pic.input) >= 2 else pic.input[0]
            left, right = x0 + (0 - c0) * cell, x0 + (n_c - c0) * cell
            upper, lower = top + (0 - r0) * cell, top + (n_r - r0) * cell
            xs = (max(left, x0), min(right, x0 + cols * cell))
            ys = (max(upper, top), min(lower, top + rows * cell))
            edge = {"stroke": "#000000", "stroke_width": 1.5, "stroke_dasharray": "5 3"}
            for ex in (left, right):
                if x0 < ex < x0 + cols * cell:
                    svg.line(ex, ys[0], ex, ys[1], **edge)
            for ey in (upper, lower):
                if top < ey < top + rows * cell:
                    svg.line(xs[0], ey, xs[1], ey, **edge)
        legend(svg, x0, top + rows * cell + 14, real or [0], largest)
    return svg.render()
