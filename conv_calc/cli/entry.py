"""The ``conv-calc`` console script: a Typer-free fast path for ``stack`` and ``layer``.

Typer (with the Click it vendors and pydantic) takes about as long to import as
conv-calc takes to analyse ResNet-50, so the two everyday calls, ``conv-calc
stack FILE [options]`` and ``conv-calc layer LAYER [options]``, are recognised
here, against the table the Typer commands are declared from
(:mod:`conv_calc.cli.options`), and run directly. Anything else (``--help``, an
unknown or repeated option, a value outside its choices, another command) goes
to the Typer app in :mod:`conv_calc.cli.app`, which owns every message about
usage. Both paths make the same call (:func:`conv_calc.cli.options.run`) and
share the exit codes and error path of :mod:`conv_calc.cli.exits`
(tests/cli/test_entry.py holds them to the same output).
"""

from __future__ import annotations

import sys
from typing import Any

from conv_calc.cli.exits import guarded
from conv_calc.cli.options import OPTIONS, run

__all__ = ["main"]

#: Per fast command: option spelling -> (parameter, the value of a switch or None, choices).
_FAST = {command: {spelling: (name, value, option.choices)
                   for name, option in table.items() for spelling, value in option.spellings()}
         for command, table in OPTIONS.items()}


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else list(argv)
    call = _fast_call(args)
    if call is None:
        # Deferred: importing the Typer app is what the fast path exists to avoid.
        from conv_calc.cli.app import main as typer_main

        return typer_main(args)
    return guarded(lambda: run(*call))


def _fast_call(args: list[str]) -> tuple[str, str, dict[str, Any]] | None:
    """(command, its one argument, option values) of a plain call, or None for Typer."""
    if not args or args[0] not in _FAST:
        return None
    table = _FAST[args[0]]
    values: dict[str, Any] = {}
    targets: list[str] = []
    rest = iter(args[1:])
    for token in rest:
        if not token.startswith("-") or token == "-":
            targets.append(token)
            continue
        name, eq, value = token.partition("=")
        if name not in table:
            return None
        key, switch, choices = table[name]
        if key in values:
            return None  # repeated: Typer decides what that means
        if switch is not None:
            if eq:
                return None
            values[key] = switch
            continue
        if not eq:
            value = next(rest, None)
            if value is None:
                return None
        elif len(name) == 2:
            return None  # "-i=..." is not an option spelling Typer takes as such
        if choices is not None and value not in choices:
            return None
        values[key] = value
    if len(targets) != 1:
        return None
    return args[0], targets[0], values
