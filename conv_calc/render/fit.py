"""The table of ``conv-calc stack`` laid out to fit a width, never splitting a cell.

The same layout serves the piped table written without rich
(:func:`plain_lines`) and the rich table on a terminal
(:mod:`conv_calc.render.table`), so both print the same characters.

A table wider than the width gives way in this order, stopping at the first step
that fits (docs/stack-format.md, "Tables that fit"):

1. columns 2 spaces apart instead of 3, and the short headers ``RF`` and ``shape``;
2. MACs, then params, rounded to 3 significant digits (``4.09G``, ``25.6M``);
3. the columns ``start``, then ``jump``, then ``#`` left out;
4. types shortened in the middle with "…" (not below 9 characters);
5. the column ``RF`` left out;
6. names shortened in the middle with "…" (not below 10 characters);
7. the column ``type`` left out.

If even that is too wide the lines are longer than the width: a number is
never cut or folded. A footer line says what was left out or shortened.

>>> abbreviate(4_089_184_256), abbreviate(25_557_032), abbreviate(9_408), abbreviate(999_999)
('4.09G', '25.6M', '9.41k', '1M')
>>> shorten_middle("layer1.0.downsample.0", 12)
'layer1…ple.0'
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from conv_calc.render.report import FAIL_MARK, failed_cells, fmt_axes, fmt_index, fmt_shape

__all__ = ["TableCells", "Layout", "abbreviate", "shorten_middle", "fit", "plain_lines",
           "footer_lines", "table_cells", "plain_table", "HEADERS", "SHORT_HEADERS", "RIGHT"]

#: The columns of the table: full headers, the tight layout's headers, right-aligned?
HEADERS = ("#", "name", "type", "output shape", "RF size", "jump", "start", "params", "MACs")
SHORT_HEADERS = ("#", "name", "type", "shape", "RF", "jump", "start", "params", "MACs")
RIGHT = (True, False, False, False, True, True, True, True, True)
INDEX, NAME, TYPE, SHAPE, RF, JUMP, START, PARAMS, MACS = range(9)
NUMBERS = (PARAMS, MACS)  #: cells holding an int (or "" where there is none)

#: Narrowest a shortened type or name gets.
MIN_TYPE, MIN_NAME = 9, 10
ELLIPSIS = "…"
_UNITS = ("", "k", "M", "G", "T", "P", "E", "Z", "Y")

Cell = Any  # str, or int in the NUMBERS columns
Measure = Callable[[str], int]


@dataclass(frozen=True)
class TableCells:
    """Every cell of the table, before layout: rows of 9 cells (ints for params and MACs)."""

    body: tuple[tuple[Cell, ...], ...]
    fail: tuple[Cell, ...] | None
    total: tuple[Cell, ...]
    outputs: tuple[tuple[Cell, ...], ...]


@dataclass(frozen=True)
class _State:
    tight: bool = False
    rounded: frozenset[int] = frozenset()
    dropped: tuple[int, ...] = ()
    limits: tuple[tuple[int, int], ...] = ()  # (column, widest) of shortened columns


@dataclass(frozen=True)
class Layout:
    """The table as it will be printed: the columns kept, their headers and widths, each row's
    cells as text; ``state`` records what gave way (for the footer)."""

    columns: tuple[int, ...]
    headers: tuple[str, ...]
    right: tuple[bool, ...]
    widths: tuple[int, ...]
    gap: int
    body: tuple[tuple[str, ...], ...]
    fail: tuple[str, ...] | None
    total: tuple[str, ...]
    outputs: tuple[tuple[str, ...], ...]
    state: _State
    available: int | None = None

    @property
    def width(self) -> int:
        return sum(self.widths) + self.gap * (len(self.widths) - 1)

    @property
    def lossy(self) -> bool:
        """Something was rounded, shortened or left out (the tight spacing alone is not)."""
        return replace(self.state, tight=False) != _State()


def abbreviate(value: int) -> str:
    """``value`` rounded half up to 3 significant digits with an SI prefix (k, M, G, ...).

    >>> [abbreviate(n) for n in (0, 432, 1000, 1_179_648, 99_950, 98_765_432_109_876_543)]
    ['0', '432', '1k', '1.18M', '100k', '98.8P']
    """
    sign, n = ("-", -value) if value < 0 else ("", value)
    unit = 0
    while n >= 1000 * 1000 ** unit and unit < len(_UNITS) - 1:
        unit += 1
    if unit == 0:
        return sign + str(n)
    scale = 1000 ** unit
    whole = len(str(n // scale))  # digits before the point: 1 to 3
    decimals = max(3 - whole, 0)  # beyond 999Y: whole yottas
    q = (n * 10 ** decimals * 2 + scale) // (2 * scale)  # round half up
    if decimals == 0 and q == 1000 and unit < len(_UNITS) - 1:  # 999.5k rounds to 1000k: 1M
        return f"{sign}1{_UNITS[unit + 1]}"
    text = str(q).rjust(decimals + 1, "0")
    if decimals:
        text = (text[:-decimals] + "." + text[-decimals:]).rstrip("0").rstrip(".")
    return f"{sign}{text}{_UNITS[unit]}"


def shorten_middle(text: str, width: int, measure: Measure = len) -> str:
    """``text`` at most ``width`` wide, its middle replaced by "…" (start and end kept).

    >>> shorten_middle("AdaptiveAvgPool2d", 9), shorten_middle("conv1", 9)
    ('Adap…ol2d', 'conv1')
    """
    if measure(text) <= width:
        return text
    room = max(width - measure(ELLIPSIS), 0)
    head_room, tail_room = (room + 1) // 2, room // 2
    head, used = [], 0
    for ch in text:
        if used + measure(ch) > head_room:
            break
        head.append(ch)
        used += measure(ch)
    tail: list[str] = []
    used = 0
    for ch in reversed(text[len(head):]):
        if used + measure(ch) > tail_room:
            break
        tail.append(ch)
        used += measure(ch)
    return "".join(head) + ELLIPSIS + "".join(reversed(tail))


def _text(cell: Cell, column: int, state: _State) -> str:
    if isinstance(cell, int):
        return abbreviate(cell) if column in state.rounded else f"{cell:,}"
    return cell


def _layout(cells: TableCells, state: _State, measure: Measure) -> Layout:
    columns = tuple(i for i in range(len(HEADERS)) if i not in state.dropped)
    headers = tuple((SHORT_HEADERS if state.tight else HEADERS)[i] for i in columns)

    def row(cells_: Sequence[Cell]) -> tuple[str, ...]:
        out = []
        for i in columns:
            text = _text(cells_[i], i, state)
            for col, widest in state.limits:
                if col == i:
                    text = shorten_middle(text, widest, measure)
            out.append(text)
        return tuple(out)

    body = tuple(row(r) for r in cells.body)
    fail = row(cells.fail) if cells.fail is not None else None
    total = row(cells.total)
    outputs = tuple(row(r) for r in cells.outputs)
    every = [headers, *body, *([fail] if fail else []), total, *outputs]
    widths = tuple(max(measure(r[k]) for r in every) for k in range(len(columns)))
    return Layout(columns, headers, tuple(RIGHT[i] for i in columns), widths,
                  2 if state.tight else 3, body, fail, total, outputs, state)


def _natural(cells: TableCells, column: int, measure: Measure) -> int:
    rows = [*cells.body, *([cells.fail] if cells.fail else []), cells.total, *cells.outputs]
    return max([measure(HEADERS[column])] + [measure(str(r[column])) for r in rows])


def fit(cells: TableCells, available: int | None, measure: Measure = len) -> Layout:
    """The layout of ``cells`` within ``available`` columns (None: the full table).

    >>> cells = TableCells(body=(("0", "conv1", "Conv2d", "[1, 64, 112, 112]", "7", "2", "0",
    ...                           9408, 118013952),), fail=None,
    ...                    total=("", "total", "", "[1, 64, 112, 112]", "", "", "", 9408, 118013952),
    ...                    outputs=())
    >>> fit(cells, None).width, fit(cells, 60).width <= 60
    (86, True)
    >>> fit(cells, 60).headers
    ('#', 'name', 'type', 'shape', 'RF', 'jump', 'params', 'MACs')
    """
    state = _State()
    layout = _layout(cells, state, measure)
    if available is None or layout.width <= available:
        return layout
    for step in _STEPS:
        state = step(state, cells, measure)
        layout = _layout(cells, state, measure)
        if layout.width <= available:
            return replace(_relax(cells, layout, available, measure), available=available)
    return replace(layout, available=available)


def _tighten(state: _State, *_: Any) -> _State:
    return replace(state, tight=True)


def _round(column: int) -> Callable[..., _State]:
    return lambda state, *_: replace(state, rounded=state.rounded | {column})


def _drop(column: int) -> Callable[..., _State]:
    return lambda state, *_: replace(state, dropped=(*state.dropped, column))


def _shorten(column: int, widest: int) -> Callable[..., _State]:
    def step(state: _State, cells: TableCells, measure: Measure) -> _State:
        if column in state.dropped or _natural(cells, column, measure) <= widest:
            return state
        return replace(state, limits=(*state.limits, (column, widest)))
    return step


_STEPS = (_tighten, _round(MACS), _round(PARAMS), _drop(START), _drop(JUMP), _drop(INDEX),
          _shorten(TYPE, MIN_TYPE), _drop(RF), _shorten(NAME, MIN_NAME), _drop(TYPE))


def _relax(cells: TableCells, layout: Layout, available: int, measure: Measure) -> Layout:
    """Give the shortened columns (names first) back the room the last step left over.

    Wide characters take 2 cells, so a limit is not always filled: each wider limit is
    tried, widest first, and the first that fits is kept.
    """
    state = layout.state
    for column in (NAME, TYPE):
        limits = dict(state.limits)
        if column not in limits or column in state.dropped:
            continue
        slack = available - layout.width
        for widest in range(min(limits[column] + slack, _natural(cells, column, measure)),
                            limits[column], -1):
            trial = replace(state, limits=tuple({**limits, column: widest}.items()))
            candidate = _layout(cells, trial, measure)
            if candidate.width <= available:
                state, layout = trial, candidate
                break
    return layout


def footer_lines(layout: Layout) -> list[str]:
    """What gave way, and how to see everything, wrapped to the width (none for a full table).

    >>> cells = TableCells(body=(("0", "conv1", "Conv2d", "[1, 64, 112, 112]", "7", "2", "0",
    ...                           9408, 118013952),), fail=None, total=("",) * 7 + (0, 0), outputs=())
    >>> print("\\n".join(footer_lines(fit(cells, 60))))
    at 60 columns: MACs and params rounded; not shown: start (a
    wider terminal or --format markdown shows everything)
    """
    state = layout.state
    if not layout.lossy or layout.available is None:
        return []
    parts = []
    rounded = [HEADERS[c] for c in (MACS, PARAMS) if c in state.rounded]
    if rounded:
        parts.append(" and ".join(rounded) + " rounded")
    dropped = [SHORT_HEADERS[c] if c != INDEX else "#" for c in state.dropped]
    if dropped:
        parts.append("not shown: " + ", ".join(dropped))
    shortened = [HEADERS[c] + "s" for c, _ in state.limits if c not in state.dropped]
    if shortened:
        parts.append(" and ".join(shortened) + " shortened with " + ELLIPSIS)
    text = (f"at {layout.available} columns: " + "; ".join(parts)
            + " (a wider terminal or --format markdown shows everything)")
    return textwrap.wrap(text, max(layout.available, 40), break_on_hyphens=False)


def plain_lines(layout: Layout, measure: Measure = len) -> list[str]:
    """The table as lines: the header, a rule, the rows, a blank line, the total and outputs
    (rich's SIMPLE_HEAD box without outer padding, trailing spaces dropped)."""
    sep = " " * layout.gap

    def line(cells: Sequence[str]) -> str:
        parts = []
        for cell, width, right in zip(cells, layout.widths, layout.right):
            pad = " " * (width - measure(cell))
            parts.append(pad + cell if right else cell + pad)
        return sep.join(parts).rstrip()

    out = [line(layout.headers), "─" * layout.width]
    out += [line(r) for r in layout.body]
    if layout.fail is not None:
        out.append(line(layout.fail))
    out += ["", line(layout.total)]
    out += [line(r) for r in layout.outputs]
    return out


def table_cells(report: Any, rows: Sequence[Any] | None = None) -> TableCells:
    """The cells of ``report``'s table; ``rows`` replaces its layers (``--depth``'s folded rows)."""
    body = []
    # Rows share field objects (a norm or activation hands its input's on) and shapes: each
    # is written once, and the rows share the strings.
    fields: dict[int, tuple[str, str, str]] = {}
    shapes: dict[Any, str] = {}
    for row in report.layers if rows is None else rows:
        rf = row.receptive_field
        rf_cells = fields.get(id(rf))
        if rf_cells is None:
            rf_cells = fields[id(rf)] = (
                fmt_axes(getattr(rf, "size", None)), fmt_axes(getattr(rf, "jump", None)),
                fmt_axes(getattr(rf, "start", None)))
        shape = shapes.get(row.output_shape)
        if shape is None:
            shape = shapes[row.output_shape] = fmt_shape(row.output_shape)
        body.append((fmt_index(row), row.name, row.type, shape, *rf_cells, row.params, row.macs))
    fail = failed_cells(report)
    total = ("", "total", "", fmt_shape(report.output_shape) if report.ok else "-", "", "", "",
             report.total_params, report.total_macs)
    outputs = tuple(("", f"output {name}", "", fmt_shape(shape), "", "", "", "", "")
                    for name, shape in report.outputs.items())
    return TableCells(tuple(body), tuple(fail) if fail is not None else None, total, outputs)


def plain_table(report: Any, title: str | None = None, width: int | None = None,
                rows: Sequence[Any] | None = None) -> str | None:
    """The table of ``conv-calc stack`` without importing rich, fitted to ``width`` (None: full).

    Byte for byte what :mod:`conv_calc.render.table` prints through rich (less its
    colours): importing and running rich costs more than the whole analysis of
    ResNet-50. Returns None for cells whose display width is not simply their
    length (wide or combining characters, line breaks); the caller then lets rich
    measure them.
    """
    cells = table_cells(report, rows)
    every = [*cells.body, *([cells.fail] if cells.fail else []), cells.total, *cells.outputs]
    if not _plain(title or "") or any(type(c) is not int and not _plain(str(c))
                                      for r in every for c in r):
        return None
    layout = fit(cells, width)
    out = ([title] if title else []) + plain_lines(layout) + footer_lines(layout)
    return "\n".join(out) + "\n"


def _plain(cell: str) -> bool:
    """Printable ASCII, or the failure mark: cells whose width is their length.

    >>> _plain("conv1"), _plain("✗ conv1"), _plain("é"), _plain("a\\tb")
    (True, True, False, False)
    """
    if not cell.isascii():  # str methods: a loop over characters was a third of the table
        cell = cell.replace(FAIL_MARK, "")
    return cell.isascii() and cell.isprintable()
