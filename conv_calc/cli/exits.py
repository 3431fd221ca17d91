"""Exit codes and the one error path of the command line (DESIGN.md section 5).

- 0 all good;
- 1 the layer or network (or a linted file) has a problem torch would raise;
- 2 usage error, unreadable or malformed input, or an internal error;
- 130 interrupted.

A command that must stop on a usage error or an unreadable input raises
:class:`Failure` (:func:`fail` writes the usual ``error: ...`` / ``hint: ...``
block) wherever it finds it. :func:`guarded`, around both the fast path
(:mod:`conv_calc.cli.entry`) and the Typer app (:mod:`conv_calc.cli.app`), is
the one place that prints it and turns it, and every other outcome, into an
exit code: a user's input never produces a traceback.

Light on purpose: the fast path imports it before anything else.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import Any, NoReturn

__all__ = ["EXIT_OK", "EXIT_PROBLEM", "EXIT_USAGE", "EXIT_INTERRUPTED", "Failure", "fail",
           "input_exists",
           "guarded", "internal_error"]

EXIT_OK = 0
EXIT_PROBLEM = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


class Failure(Exception):
    """Stop the command: ``text`` goes to stderr as it is, the exit code is ``code``.

    >>> err = Failure("error: no input\\n")
    >>> err.text, err.code
    ('error: no input\\n', 2)
    """

    def __init__(self, text: str, code: int = EXIT_USAGE) -> None:
        super().__init__(text)
        self.text = text
        self.code = code


def fail(message: str, hint: str = "", code: int = EXIT_USAGE, *, detail: str = "") -> NoReturn:
    """Stop with ``error: message``, then ``detail`` (whole lines), then ``hint: hint``.

    >>> try:
    ...     fail("unknown layer 'Conf2d'", "did you mean 'Conv2d'?")
    ... except Failure as err:
    ...     print(err.text, end="")
    error: unknown layer 'Conf2d'
    hint: did you mean 'Conv2d'?
    """
    raise Failure(f"error: {message}\n{detail}" + (f"hint: {hint}\n" if hint else ""), code)


def input_exists(shape: tuple) -> tuple:
    """``shape``, or exit 2 when torch could not even make the input tensor (a size or the
    element count past int64), as ``stack`` refuses such an input (``layer``, ``solve``)."""
    from conv_calc.errors import InputError, hint_of  # deferred: start-up
    from conv_calc.graph.framework import check_allocatable

    try:
        return check_allocatable(shape)
    except InputError as err:
        fail(f"--input: {err}", hint_of(err))


class SafeStream:
    """A text stream that escapes what must not reach a terminal raw (ESC, C1 controls,
    bidi overrides, lone surrogates: :func:`conv_calc.text.terminal_safe`), so a layer
    called ``\\x1b[2J`` cannot clear the screen whatever command prints it. ``raw`` is
    the stream underneath, for rich, whose own colour codes must pass."""

    def __init__(self, stream: Any) -> None:
        self.raw = stream

    def write(self, text: str) -> int:
        from conv_calc.text import terminal_safe

        return self.raw.write(terminal_safe(text))

    def __getattr__(self, name: str) -> Any:
        return getattr(self.raw, name)


def guarded(run: Callable[[], int | None]) -> int:
    """Run ``run()`` and map every outcome to an exit code; no traceback for users.

    Everything written to stdout and stderr meanwhile goes through :class:`SafeStream`.
    """
    out, err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = SafeStream(out), SafeStream(err)
    try:
        return _guarded(run)
    finally:
        sys.stdout, sys.stderr = out, err


def _guarded(run: Callable[[], int | None]) -> int:
    try:
        code = run()
        # Flush here, not at interpreter exit: a full disk or a closed pipe must be
        # reported like any other failure to write.
        sys.stdout.flush()
    except Failure as exc:
        sys.stderr.write(exc.text)
        return exc.code
    except SystemExit as exc:  # Typer's own exits: --help, --version, a usage error
        code = exc.code
        if code is None:
            return EXIT_OK
        return code if isinstance(code, int) else EXIT_USAGE
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader went away (`conv-calc stack net.yaml | head`): not a bug. Point stdout
        # at devnull so the interpreter's final flush does not fail a second time.
        _drop_stdout()
        sys.stderr.write("conv-calc: standard output was closed before all of it was written "
                         "(broken pipe)\n")
        return EXIT_USAGE
    except OSError as exc:
        # Inputs are read through conv_calc.stackfile.files, whose failures become
        # problems with a location; an OSError that gets here is the output failing
        # (a full disk, a device error, a file we were told to write).
        where = f"cannot write {exc.filename}" if exc.filename else "cannot write the output"
        _drop_stdout()
        sys.stderr.write(f"error: {where}: {exc.strerror or exc}\n"
                         "hint: check the free space and the destination.\n")
        return EXIT_USAGE
    except RecursionError:
        return internal_error("the input is nested too deeply")
    except MemoryError:
        return internal_error("out of memory")
    except Exception:  # noqa: BLE001 - the last line of defence
        return internal_error()
    return EXIT_OK if code is None else code


def _drop_stdout() -> None:
    """Point stdout at devnull, so the interpreter's final flush does not fail again."""
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def internal_error(what: str | None = None) -> int:
    """Report the exception being handled as a bug (its traceback with CONV_CALC_DEBUG=1)."""
    exc = sys.exc_info()[1]
    if os.environ.get("CONV_CALC_DEBUG"):
        import traceback  # only when asked for: it costs start-up time

        traceback.print_exc()
    detail = what or f"{type(exc).__name__}: {exc}"
    sys.stderr.write(
        f"conv-calc: internal error ({detail})\n"
        "This is a bug in conv-calc, not in your input; please report it. "
        "Set CONV_CALC_DEBUG=1 to see the traceback.\n")
    return EXIT_USAGE
