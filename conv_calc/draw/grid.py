"""Pieces every grid picture shares: shaded count cells, index ticks, legends, wrapped notes.

>>> from conv_calc.draw.svg import Svg
>>> svg = Svg(100, 60)
>>> heat_cells(svg, 10, 10, 20, [[1, 2]], largest=2)
>>> [p.split()[0] for p in svg.parts]
['<rect', '<text', '<rect', '<text']
>>> wrap("one two three four", 60, 10)
['one two', 'three four']
"""

from __future__ import annotations

from typing import Sequence

from conv_calc.draw.svg import LINE, MUTED, Svg, ink_on, shade

__all__ = ["heat_cells", "ticks", "legend", "wrap", "notes", "cell_size", "MAX_DRAWN",
           "label_size", "char_width", "lines_height"]

#: The most cells drawn along one axis; a bigger grid is shown in part, and the picture says so.
MAX_DRAWN = 64


def char_width(font_size: float) -> float:
    """A generous average glyph width for DejaVu Sans / Verdana, so text never overruns."""
    return 0.62 * font_size


def cell_size(rows: int, cols: int, room: float = 560, largest: float = 30,
              smallest: float = 6) -> float:
    """The side of a cell so the grid fits in ``room`` pixels (within ``smallest..largest``).

    >>> cell_size(4, 4), cell_size(64, 64), cell_size(1, 200)
    (30, 8.75, 6)
    """
    side = room / max(rows, cols, 1)
    return max(smallest, min(largest, round(side * 4) / 4))


def label_size(cell: float, text: str) -> float:
    """The font size that fits ``text`` in a cell (0: no room for a label)."""
    size = min(cell * 0.5, 13)
    while size >= 7 and char_width(size) * len(text) > cell - 3:
        size -= 1
    return size if size >= 7 else 0


def heat_cells(svg: Svg, x: float, y: float, cell: float, plane: Sequence[Sequence[int]],
               largest: int, labels: bool = True, stroke: str = LINE,
               zeros: bool = True) -> None:
    """One rect per count (shaded by ``count / largest``) with the count written in it when
    it fits (a 0 only with ``zeros``); row ``r``, column ``c`` at ``(x + c*cell, y + r*cell)``."""
    # One font size for every label, from the longest, or no labels at all: a grid with
    # some cells labelled and others not would read as if the blanks were zeros.
    longest = max((len(str(v)) for row in plane for v in row), default=1)
    size = label_size(cell, "8" * longest) if labels else 0
    for r, row in enumerate(plane):
        for c, value in enumerate(row):
            fill = shade(value, largest)
            cx, cy = x + c * cell, y + r * cell
            svg.rect(cx, cy, cell, cell, fill=fill, stroke=stroke, stroke_width=0.5)
            if size and (value or zeros):
                svg.text(cx + cell / 2, cy + cell / 2 + size * 0.35, str(value),
                         font_size=size, text_anchor="middle", fill=ink_on(fill))


def ticks(svg: Svg, x: float, y: float, cell: float, count: int, first: int = 0,
          vertical: bool = False) -> None:
    """Index labels along the top (or, ``vertical``, the left side) of a grid, thinned out so
    they never collide."""
    size = 10
    widest = char_width(size) * max(len(str(first)), len(str(first + count - 1))) + 6
    step = 1
    while step * cell < (size + 3 if vertical else widest):
        step = {1: 2, 2: 5}.get(step, step * 2 if str(step)[0] == "5" else step * 5 // 2)
    for k in range(0, count, step):
        label = str(first + k)
        if vertical:
            svg.text(x - 4, y + k * cell + cell / 2 + size * 0.35, label, font_size=size,
                     text_anchor="end", fill=MUTED)
        else:
            svg.text(x + k * cell + cell / 2, y - 4, label, font_size=size, text_anchor="middle",
                     fill=MUTED)


def legend(svg: Svg, x: float, y: float, values: Sequence[int], largest: int) -> float:
    """Swatches for ``values`` (at most 9 shown: the smallest, the largest and some between);
    returns the width used."""
    shown = sorted(set(values))
    if len(shown) > 9:
        picks = {shown[round(i * (len(shown) - 1) / 8)] for i in range(9)}
        shown = sorted(picks)
    at = x
    svg.text(at, y + 11, "paths:", font_size=11, fill=MUTED)
    at += 44
    for v in shown:
        svg.rect(at, y, 14, 14, fill=shade(v, largest), stroke=LINE, stroke_width=0.5)
        svg.text(at + 18, y + 11, str(v), font_size=11)
        at += 26 + char_width(11) * len(str(v))
    return at - x


def wrap(text: str, width: float, font_size: float) -> list[str]:
    """``text`` broken into lines no wider than ``width`` pixels at ``font_size``."""
    per_line = max(10, int(width / char_width(font_size)))
    lines: list[str] = []
    current = ""
    for word in text.split():
        if current and len(current) + 1 + len(word) > per_line:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    if current:
        lines.append(current)
    return lines


def notes(svg: Svg, x: float, y: float, texts: Sequence[str], width: float,
          font_size: float = 12, fill: str = "#000000") -> float:
    """Wrapped paragraphs from ``(x, y)`` (the first baseline); returns the y below them."""
    for text in texts:
        for line in wrap(text, width, font_size):
            svg.text(x, y, line, font_size=font_size, fill=fill)
            y += font_size * 1.35
        y += font_size * 0.4
    return y


def lines_height(texts: Sequence[str], width: float, font_size: float = 12) -> float:
    """The height :func:`notes` takes for ``texts``."""
    n = sum(len(wrap(t, width, font_size)) for t in texts)
    return n * font_size * 1.35 + len(texts) * font_size * 0.4
