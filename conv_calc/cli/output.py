"""Writing pictures and reports: to ``-o FILE`` or standard output, with the engine's input
errors as exit 2; and ``conv-calc stack FILE --format html``.

Light: no Typer; :mod:`conv_calc.cli.stack` (on the fast path) imports it only for html.
"""

from __future__ import annotations

import sys
from typing import Any

from conv_calc.cli.exits import EXIT_OK, EXIT_PROBLEM, fail
from conv_calc.errors import InputError, hint_of

__all__ = ["write_text", "guarded_engine", "html_report"]


def write_text(text: str, output: str | None) -> None:
    """``text`` to ``output`` (None or '-': standard output)."""
    if output in (None, "-"):
        sys.stdout.write(text)
        return
    try:
        with open(output, "w", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as err:
        fail(f"cannot write {output}: {err.strerror or err}",
             "check that the directory exists and is writable.")


def guarded_engine(run: Any) -> Any:
    """``run()``, with the engine's input errors (conv_calc.errors.InputError) as exit 2."""
    try:
        return run()
    except InputError as err:
        fail(str(err), hint_of(err))


def html_report(network: Any, name: str, shape: tuple[int, ...] | None, mode: str | None,
                output: str | None) -> int:
    """``conv-calc stack FILE --format html``: the report to ``output``; exit 1 when a layer
    fails (the page still shows the table up to it, the message and the hint)."""
    # Deferred: only this format needs the drawing code.
    from conv_calc.draw.page import report_html
    from conv_calc.graph.paths import path_tape
    from conv_calc.render.report import format_layer_error

    tape = guarded_engine(lambda: path_tape(network, shape, mode))
    write_text(guarded_engine(lambda: report_html(network, name, tape=tape)), output)
    if tape.report.error is not None:
        sys.stderr.write(format_layer_error(tape.report.error, tape.report.failed) + "\n")
        return EXIT_PROBLEM
    return EXIT_OK
