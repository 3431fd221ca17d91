"""Run ``conv_calc.cli.app.main`` in-process with pinned environment and captured streams.

Going through ``main()`` (not ``CliRunner.invoke(app)``) tests the real entry
point: its exit-code mapping and its last-resort handling of unexpected errors.
The environment is pinned so the results do not depend on the terminal or CI:
80 columns, no colour forcing, no GitHub Actions.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

from typer.testing import CliRunner

from conv_calc.cli.entry import main

PINNED_ENV = {
    "COLUMNS": "80",
    "LINES": "25",
    "TERMINAL_WIDTH": "80",
    "GITHUB_ACTIONS": None,
    "FORCE_COLOR": None,
    "PY_COLORS": None,
    "TTY_COMPATIBLE": None,
    "TTY_INTERACTIVE": None,
    "NO_COLOR": None,
    "CONV_CALC_DEBUG": None,
    "TERM": "xterm-256color",
}


@dataclass(frozen=True)
class Result:
    code: int
    stdout: str
    stderr: str


def run(*args: str, input: str | bytes | None = None, env: dict | None = None) -> Result:
    runner = CliRunner()
    with runner.isolation(input=input, env={**PINNED_ENV, **(env or {})}) as (out, err, _):
        code = main(list(args))
        sys.stdout.flush()
        sys.stderr.flush()
        return Result(code, out.getvalue().decode(), err.getvalue().decode())
