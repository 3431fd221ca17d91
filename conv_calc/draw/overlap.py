"""The checkerboard (overlap) map of a layer's output: ``conv-calc draw overlap``.

For each output pixel, the number of paths (chains of kernel taps) from the input that
reach it: what an all-ones input through all-ones weights gives (counted by
:mod:`conv_calc.graph.paths`). A transposed convolution whose kernel is not divisible by
its stride stamps its kernel unevenly (Odena et al., "Deconvolution and Checkerboard
Artifacts"): the map says so and the hint names the fix.

>>> from conv_calc import nn
>>> from conv_calc.graph.stack import Stack
>>> net = Stack([nn.ConvTranspose2d(1, 1, 3, stride=2, padding=1)], input_shape=(1, 1, 4, 4))
>>> m = overlap_map(net)
>>> m.layer, m.counts[1][:4], m.even
('0', [2, 4, 2, 4], False)
>>> print(m.hint)
ConvTranspose2d '0': kernel 3 is not divisible by stride 2, so neighbouring outputs get 1 or 2 taps of it along that axis (a checkerboard). Use kernel_size=4 (a multiple of the stride), or resize then convolve: Upsample(scale_factor=2, mode='nearest') followed by Conv2d(kernel_size=3, padding=1).
>>> overlap_svg(m).startswith("<svg")
True
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import product
from math import prod
from typing import Any, Sequence

from conv_calc.draw.grid import (
    MAX_DRAWN, cell_size, heat_cells, legend, lines_height, notes, ticks,
)
from conv_calc.draw.svg import ACCENT, MUTED, Svg
from conv_calc.graph.paths import PathTape, path_tape

__all__ = ["OverlapMap", "overlap_map", "overlap_json", "overlap_svg", "uneven_causes"]


@dataclass(frozen=True)
class OverlapMap:
    """One row's overlap map: ``counts`` over its first two spatial axes (further axes at
    ``plane_at``), ``interior`` the distinct counts of the outputs whose input region stays
    inside the input (away from the borders)."""

    layer: str
    type: str
    lengths: tuple[int, ...]
    counts: list[list[int]]
    plane_at: tuple[int, ...]
    interior: tuple[int, ...]
    hint: str

    @property
    def even(self) -> bool:
        """Every output away from the borders gets the same number of paths."""
        return len(self.interior) <= 1


def _interior(tape: PathTape, target: int, values: Sequence[int]) -> tuple[int, ...]:
    """The distinct counts of the outputs whose input region stays inside the input on every
    axis: near the borders an output reads padding or missing inputs and gets fewer paths
    by construction, which is not a checkerboard."""
    lengths = tape.lengths[target]
    inside = []
    for axis, n in enumerate(lengths):
        state, n_in = tape.states[target][axis], tape.input_lengths[axis]
        keep = []
        for u in range(n):
            h = state.hull(u)
            if h is not None and h[0] >= 0 and h[1] <= n_in - 1:
                keep.append(u)
        # A grid too small to have such outputs: its middle, so a verdict is still given.
        inside.append(keep or [n // 2])
    strides = [prod(lengths[a + 1:]) for a in range(len(lengths))]
    found = set()
    for index in product(*inside):
        found.add(values[sum(i * st for i, st in zip(index, strides))])
    return tuple(sorted(found))


def uneven_causes(tape: PathTape, name: str) -> list[str]:
    """Sentences naming each layer up to row ``name`` that stamps unevenly, with its fix."""
    causes = []
    for row in tape.report.layers:
        layer = row.layer
        if layer is not None and hasattr(layer, "axis_geometry"):
            for axis in layer.axis_geometry(row.input_shape, row.output_shape):
                text = _cause(row, axis)
                if text:
                    causes.append(text)
                    break
        if row.name == name:
            break
    return causes


def _cause(row: Any, axis: Any) -> str:
    spatial = len(row.input_shape) - 2
    if axis.kind == "window" and axis.transposed and axis.stride > 1 and \
            axis.kernel % axis.stride:
        k, s = axis.kernel, axis.stride
        fit = -(-k // s) * s
        conv = f"Conv{spatial}d" if 1 <= spatial <= 3 else "Conv2d"
        return (f"{row.type} {row.name!r}: kernel {k} is not divisible by stride {s}, so "
                f"neighbouring outputs get {k // s} or {k // s + 1} taps of it along that axis "
                f"(a checkerboard). Use kernel_size={fit} (a multiple of the stride), or resize "
                f"then convolve: Upsample(scale_factor={s}, mode='nearest') followed by "
                f"{conv}(kernel_size={k}, padding={k // 2}).")
    if axis.kind == "resample" and axis.sizes and axis.sizes[0] and \
            axis.sizes[1] % axis.sizes[0] and axis.mode in ("nearest", "nearest-exact"):
        return (f"{row.type} {row.name!r}: nearest resizing from {axis.sizes[0]} to "
                f"{axis.sizes[1]} repeats some pixels more often than others; resize by a "
                "whole factor.")
    return ""


def overlap_map(stack: Any, layer: str | None = None, input_shape: Sequence[int] | None = None,
                mode: str | None = None, tape: PathTape | None = None) -> OverlapMap:
    """The overlap map of row ``layer`` (None: the last row) of ``stack``."""
    tape = tape or path_tape(stack, input_shape, mode)
    tape.tensor_of(layer)  # an unknown name stops here, with a suggestion
    name = layer or tape.names[-1]
    grid = tape.overlap(name)
    lengths = grid.shape
    at = tuple(n // 2 for n in lengths[2:])
    interior = _interior(tape, tape.tensor_of(name), grid.values)
    row = next(r for r in tape.report.layers if r.name == name)
    hint = ""
    if len(interior) > 1:
        causes = uneven_causes(tape, name)
        hint = " ".join(causes) or (
            "Resize then convolve (a nearest Upsample by a whole factor followed by a stride-1 "
            "convolution) gives every output the same number of paths.")
    return OverlapMap(name, row.type, lengths, grid.plane(at), at, interior, hint)


def overlap_json(m: OverlapMap) -> dict[str, Any]:
    """``{"layer": NAME, "counts": [[...], ...], ...}``: rows of the first two spatial axes."""
    return {"layer": m.layer, "type": m.type, "shape": list(m.lengths), "counts": m.counts,
            "plane_at": list(m.plane_at), "interior_counts": list(m.interior), "even": m.even,
            "hint": m.hint or None}


def overlap_svg(m: OverlapMap, title: str | None = None) -> str:
    """The map as SVG text: one shaded cell per output pixel, its count written in it."""
    plane = m.counts
    rows, cols = len(plane), len(plane[0]) if plane else 0
    shown = [r[:MAX_DRAWN] for r in plane[:MAX_DRAWN]]
    cell = cell_size(len(shown), len(shown[0]) if shown else 1)
    width = max(640, 60 + cell * len(shown[0]) + 20)
    text_width = width - 40
    size = "x".join(map(str, m.lengths)) or "1"
    head = title or f"Overlap map of {m.layer} ({m.type}), output {size}"
    lines = ["Each cell: the number of paths (chains of kernel taps) from the input reaching "
             "that output pixel, which is what an all-ones input through all-ones weights gives."]
    if m.plane_at:
        lines.append("A 3-d output: the slice at index "
                     + ", ".join(map(str, m.plane_at)) + " of the last axis is shown.")
    if rows > MAX_DRAWN or cols > MAX_DRAWN:
        lines.append(f"Showing the first {len(shown)} rows and {len(shown[0])} columns of "
                     f"{rows}x{cols}; the pattern repeats with the layers' strides.")
    verdict = ("Even: away from the borders every output gets " + str(m.interior[0])
               + (" path." if m.interior[0] == 1 else " paths.")
               if m.even else "Uneven: away from the borders (where an output's region stays "
               "inside the input) outputs get "
               + ", ".join(map(str, m.interior)) + " paths (a checkerboard).")
    top = 30 + lines_height(lines, text_width, 12) + 34
    grid_h = cell * len(shown)
    bottom_notes = [verdict] + ([f"Hint: {m.hint}"] if m.hint else [])
    height = top + grid_h + 50 + lines_height(bottom_notes, text_width, 12) + 10
    svg = Svg(width, height, title=head)
    svg.rect(0, 0, width, height, fill="#ffffff")
    svg.text(20, 24, head, font_size=16, font_weight="bold")
    notes(svg, 20, 46, lines, text_width, 12, MUTED)
    x0, y0 = 60, top
    ticks(svg, x0, y0, cell, len(shown[0]))
    ticks(svg, x0, y0, cell, len(shown), vertical=True)
    largest = max((max(r) for r in plane if r), default=0)
    heat_cells(svg, x0, y0, cell, shown, largest)
    y = y0 + grid_h + 14
    legend(svg, x0, y, [v for r in shown for v in r], largest)
    notes(svg, 20, y + 36, bottom_notes, text_width, 12)
    if not m.even:
        svg.rect(1, 1, width - 2, height - 2, fill="none", stroke=ACCENT, stroke_width=2)
    return svg.render()
