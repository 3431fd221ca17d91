"""The rich table of ``conv-calc stack`` (the only engine-side module importing rich).

Two rich pitfalls are handled here: user text never goes through markup (cells
are :class:`rich.text.Text`), and no cell is ever folded or cut: the layout of
:mod:`conv_calc.render.fit` decides, for a terminal narrower than the table, which
columns give way (in a documented order), and rich prints it with fixed widths.
When stdout is not a real terminal (a pipe, a CI log) rich would fall back to 80
columns, so the console is sized to the full table instead.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import IO, Any

from rich import box
from rich.console import Console
from rich.cells import cell_len
from rich.table import Table
from rich.text import Text

from conv_calc.render.fit import Layout, TableCells, fit, footer_lines, table_cells
from conv_calc.text import printable

__all__ = ["print_report_table", "make_console"]


def make_console(file: IO[str]) -> Console:
    """A console on ``file``; colour follows rich's rules (NO_COLOR, TERM=dumb, FORCE_COLOR)."""
    return Console(file=file, highlight=False, emoji=False, markup=False, soft_wrap=False)


def build_table(layout: Layout) -> Table:
    """The rich table of a :class:`~conv_calc.render.fit.Layout`: fixed widths, nothing
    wrapped or folded (the layout already fits, or is allowed to be wider than the screen)."""
    table = Table(box=box.SIMPLE_HEAD, show_footer=False, pad_edge=False, show_edge=False,
                  padding=(0, 1, 0, 1) if layout.gap == 3 else (0, 1, 0, 0))
    for header, right, width in zip(layout.headers, layout.right, layout.widths):
        table.add_column(header, justify="right" if right else "left", overflow="fold",
                         no_wrap=True, width=width)
    for cells in layout.body:
        table.add_row(*(Text(c) for c in cells))
    if layout.fail is not None:
        table.add_row(*(Text(c) for c in layout.fail), style="bold red")
    table.add_section()
    table.add_row(*(Text(c) for c in layout.total), style="bold")
    for cells in layout.outputs:
        table.add_row(*(Text(c) for c in cells))
    return table


def _escaped(cells: TableCells) -> TableCells:
    """Control and bidi characters escaped before anything is measured."""
    def row(r: Any) -> tuple[Any, ...]:
        return tuple(printable(c) if isinstance(c, str) else c for c in r)
    return TableCells(tuple(row(r) for r in cells.body),
                      row(cells.fail) if cells.fail is not None else None,
                      row(cells.total), tuple(row(r) for r in cells.outputs))


def _is_real_tty(file: IO[str]) -> bool:
    try:
        return file.isatty()
    except (AttributeError, ValueError, OSError):
        return False


def print_report_table(report: Any, file: IO[str], title: str | None = None,
                       rows: Sequence[Any] | None = None) -> None:
    """Print the per-layer table of ``report`` to ``file``: fitted to a terminal's width
    (rich's: COLUMNS, else the terminal's size), in full anywhere else (a pipe, a CI log).
    ``rows`` replaces the report's layers (``--depth``'s folded rows)."""
    cells = _escaped(table_cells(report, rows))
    title = printable(title) if title else title
    if _is_real_tty(file):
        # The cells are escaped here, so rich's own colour codes may bypass the CLI's filter.
        console = make_console(getattr(file, "raw", file))
        layout = fit(cells, console.width, cell_len)
        # Wider than the screen only when even the narrowest layout is: the terminal
        # then wraps whole lines, and no cell is cut.
        console.width = max(console.width, layout.width)
        _print(console, layout, title)
        return
    # Piped or in CI: every column, every digit; the console sized to the table, and the
    # padding rich adds at the end of each line dropped.
    layout = fit(cells, None, cell_len)
    buffer = io.StringIO()
    console = make_console(buffer)
    console.width = max(layout.width, cell_len(title or ""), 20)
    _print(console, layout, title)
    file.write("".join(line.rstrip() + "\n" for line in buffer.getvalue().splitlines()))


def _print(console: Console, layout: Layout, title: str | None) -> None:
    if title:
        console.print(Text(title, no_wrap=True, overflow="ignore"), crop=False)
    console.print(build_table(layout), crop=False)
    for line in footer_lines(layout):
        console.print(Text(line, no_wrap=True, overflow="ignore"), crop=False)
