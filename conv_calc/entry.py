"""The ``conv-calc`` console script: a Typer-free fast path for ``conv-calc stack``.

Typer (with the Click it vendors and pydantic) takes about as long to import as
conv-calc takes to analyse ResNet-50, so the most common call, ``conv-calc stack
FILE [--input SHAPE] [--format F] [--framework F]``, is recognised here and run
directly. Anything else (``--help``, an unknown option, a bad value, another
command) goes to the Typer app in :mod:`conv_calc.cli`, which owns every
message about usage; both paths share the exit-code mapping below.
"""

from __future__ import annotations

import os
import sys
from typing import NoReturn

__all__ = ["main", "internal_error", "EXIT_OK", "EXIT_PROBLEM", "EXIT_USAGE", "EXIT_INTERRUPTED"]

EXIT_OK, EXIT_PROBLEM, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130

_FORMATS = ("table", "json", "markdown", "csv")
_FRAMEWORKS = ("torch", "keras")
_OPTIONS = {"--input": "input", "-i": "input", "--format": "format", "-f": "format",
            "--framework": "framework"}


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else list(argv)
    call = _stack_call(args)
    if call is None:
        from conv_calc.cli import main as typer_main

        return typer_main(args)
    return guarded(lambda: _run_stack(**call))


def guarded(run) -> int:
    """Run ``run()`` and map every outcome to an exit code; no traceback for users."""
    try:
        code = run()
    except SystemExit as exc:
        code = exc.code
        if code is None:
            return EXIT_OK
        return code if isinstance(code, int) else EXIT_USAGE
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        return EXIT_INTERRUPTED
    except RecursionError:
        return internal_error("the input is nested too deeply")
    except MemoryError:
        return internal_error("out of memory")
    except Exception:  # noqa: BLE001 - the last line of defence
        return internal_error()
    return EXIT_OK if code is None else code


def internal_error(what: str | None = None) -> int:
    exc = sys.exc_info()[1]
    if os.environ.get("CONV_CALC_DEBUG"):
        import traceback

        traceback.print_exc()
    detail = what or f"{type(exc).__name__}: {exc}"
    sys.stderr.write(
        f"conv-calc: internal error ({detail})\n"
        "This is a bug in conv-calc, not in your input; please report it. "
        "Set CONV_CALC_DEBUG=1 to see the traceback.\n")
    return EXIT_USAGE


def _stack_call(args: list[str]) -> dict | None:
    """The arguments of a plain ``stack`` call, or None for anything Typer should see."""
    if not args or args[0] != "stack":
        return None
    values: dict[str, str] = {}
    files: list[str] = []
    rest = iter(args[1:])
    for token in rest:
        if token.startswith("-") and token != "-":
            name, eq, value = token.partition("=")
            key = _OPTIONS.get(name)
            if key is None or key in values or (eq and name.startswith("-") and len(name) == 2):
                return None
            if not eq:
                value = next(rest, None)
                if value is None:
                    return None
            values[key] = value
        else:
            files.append(token)
    if len(files) != 1:
        return None
    if values.get("format", "table") not in _FORMATS:
        return None
    if values.get("framework", "torch") not in _FRAMEWORKS:
        return None
    return {"file": files[0], "input_text": values.get("input"),
            "fmt": values.get("format", "table"), "framework": values.get("framework")}


def _fail(message: str, hint: str = "", code: int = EXIT_USAGE) -> NoReturn:
    sys.stderr.write(f"error: {message}\n" + (f"hint: {hint}\n" if hint else ""))
    raise SystemExit(code)


def _run_stack(file: str, input_text: str | None, fmt: str, framework: str | None) -> int:
    from conv_calc import cli_stack

    return cli_stack.run(file, input_text, fmt, _fail, framework=framework)
