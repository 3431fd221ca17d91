"""The rich table of ``conv-calc stack`` (the only engine-side module importing rich).

Two rich pitfalls are handled here: user text never goes through markup (cells
are :class:`rich.text.Text`), and the table never loses digits: when stdout is
not a real terminal (a pipe, a CI log) rich would fall back to 80 columns and
cut cells with "…", so the console is sized to the table instead; on a narrow
terminal the columns fold rather than truncate.
"""

from __future__ import annotations

import io
from typing import IO, Any

from rich import box
from rich.console import Console
from rich.cells import cell_len
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text

from conv_calc.render.report import COLUMNS, failed_cells, output_cells, row_cells, total_cells
from conv_calc.text import printable

__all__ = ["print_report_table", "make_console"]


def make_console(file: IO[str]) -> Console:
    """A console on ``file``; colour follows rich's rules (NO_COLOR, TERM=dumb, FORCE_COLOR)."""
    return Console(file=file, highlight=False, emoji=False, markup=False, soft_wrap=False)


def build_table(report: Any, title: str | None = None, fixed: bool = False) -> Table:
    """The table; ``fixed`` gives each column the width of its widest cell. Control and
    bidi characters in cells and the title are escaped before widths are measured.

    Fixed widths spare rich from measuring every cell twice (a second, on
    ResNet-50's 175 rows, in a profile; about a third of ``conv-calc stack``).
    """
    rows = [row_cells(row) for row in report.layers]
    fail = failed_cells(report)
    total = total_cells(report)
    outputs = output_cells(report)
    rows = [[printable(c) for c in r] for r in rows]
    outputs = [[printable(c) for c in r] for r in outputs]
    fail = [printable(c) for c in fail] if fail is not None else None
    title = printable(title) if title else title
    widths: list[int | None] = [None] * len(COLUMNS)
    if fixed:
        cells = [[header for header, _ in COLUMNS], *rows, total, *outputs] + ([fail] if fail else [])
        widths = [max(_width(r[i]) for r in cells if i < len(r)) for i in range(len(COLUMNS))]
    table = Table(box=box.SIMPLE_HEAD, title=Text(title) if title else None,
                  title_justify="left", show_footer=False, pad_edge=False, show_edge=False)
    for (header, right), width in zip(COLUMNS, widths):
        table.add_column(header, justify="right" if right else "left", overflow="fold",
                         no_wrap=False, width=width)
    for cells_ in rows:
        table.add_row(*(Text(c) for c in cells_))
    if fail is not None:
        table.add_row(*(Text(c) for c in fail), style="bold red")
    table.add_section()
    table.add_row(*(Text(c) for c in total), style="bold")
    for cells_ in outputs:
        table.add_row(*(Text(c) for c in cells_))
    return table


def _width(cell: str) -> int:
    return max((cell_len(line) for line in str(cell).split("\n")), default=0)


def _is_real_tty(file: IO[str]) -> bool:
    try:
        return file.isatty()
    except (AttributeError, ValueError, OSError):
        return False


def print_report_table(report: Any, file: IO[str], title: str | None = None) -> None:
    """Print the per-layer table of ``report`` to ``file``."""
    if _is_real_tty(file):
        # A narrow terminal folds cells (overflow="fold") rather than cutting them. The
        # cells are escaped here, so rich's own colour codes may bypass the CLI's filter.
        make_console(getattr(file, "raw", file)).print(build_table(report, title))
        return
    # Piped or in CI: never squeeze to rich's 80-column default; size the console to
    # the table, and drop the padding rich adds at the end of each line.
    table = build_table(report, title, fixed=True)
    buffer = io.StringIO()
    console = make_console(buffer)
    needed = Measurement.get(console, console.options.update_width(1_000_000), table).maximum
    console.width = max(needed, 20)
    console.print(table)
    file.write("".join(line.rstrip() + "\n" for line in buffer.getvalue().splitlines()))
