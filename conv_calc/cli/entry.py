"""The ``conv-calc`` console script: a Typer-free fast path for ``stack`` and ``layer``.

Typer (with the Click it vendors and pydantic) takes about as long to import as
conv-calc takes to analyse ResNet-50, so the two everyday calls, ``conv-calc
stack FILE [options]`` and ``conv-calc layer LAYER [options]``, are recognised
here, against a table of the options the Typer commands declare, and run
directly. Anything else (``--help``, an unknown or repeated option, a value
outside its choices, another command) goes to the Typer app in
:mod:`conv_calc.cli.app`, which owns every message about usage; both paths share the
exit codes and error path of :mod:`conv_calc.cli.exits` (tests/test_entry.py holds
them to the same output).
"""

from __future__ import annotations

import sys
from typing import Any

from conv_calc.cli.exits import guarded

__all__ = ["main"]

_FRAMEWORKS = ("torch", "keras")

#: Per fast command: option spelling -> (parameter, choices or None; "flag" for a switch).
_FAST: dict[str, dict[str, tuple[str, Any]]] = {
    "stack": {
        "--input": ("input", None), "-i": ("input", None),
        "--format": ("format", ("table", "json", "markdown", "csv")),
        "-f": ("format", ("table", "json", "markdown", "csv")),
        "--framework": ("framework", _FRAMEWORKS),
    },
    "layer": {
        "--input": ("input", None), "-i": ("input", None),
        "--kernel-size": ("kernel_size", None), "-k": ("kernel_size", None),
        "--stride": ("stride", None), "-s": ("stride", None),
        "--padding": ("padding", None), "-p": ("padding", None),
        "--dilation": ("dilation", None), "-d": ("dilation", None),
        "--output-padding": ("output_padding", None),
        "--groups": ("groups", None), "-g": ("groups", None),
        "--in-channels": ("in_channels", None), "--in": ("in_channels", None),
        "--out-channels": ("out_channels", None), "--out": ("out_channels", None),
        "--ceil-mode": ("ceil_mode", "flag"),
        "--bias": ("bias", "flag"), "--no-bias": ("bias", "flag"),
        "--output-size": ("output_size", None),
        "--format": ("format", ("text", "json")), "-f": ("format", ("text", "json")),
        "--framework": ("framework", _FRAMEWORKS),
    },
}
_SHORT_FORM = ("kernel_size", "stride", "padding", "dilation", "output_padding", "groups",
               "in_channels", "out_channels", "ceil_mode", "bias")


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else list(argv)
    call = _fast_call(args)
    if call is None:
        # Deferred: importing the Typer app is what the fast path exists to avoid.
        from conv_calc.cli.app import main as typer_main

        return typer_main(args)
    command, target, values = call
    run = _run_stack if command == "stack" else _run_layer
    return guarded(lambda: run(target, values))


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
        key, choices = table[name]
        if key in values:
            return None  # repeated: Typer decides what that means
        if choices == "flag":
            if eq:
                return None
            values[key] = name != "--no-bias"
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


def _run_stack(file: str, values: dict[str, Any]) -> int:
    from conv_calc.cli import stack as cli_stack
    return cli_stack.run(file, values.get("input"), values.get("format", "table"),
                         framework=values.get("framework"))


def _run_layer(spec: str, values: dict[str, Any]) -> int:
    from conv_calc.cli import layer as cli_layer
    # The short-form options as conv_calc.cli.layer passes them: ceil_mode only when set.
    options = {k: values[k] for k in _SHORT_FORM if k in values}
    if options.get("ceil_mode") is False:
        del options["ceil_mode"]
    return cli_layer.run(spec, values.get("input"), options, values.get("output_size"),
                         values.get("format", "text"), framework=values.get("framework"))
