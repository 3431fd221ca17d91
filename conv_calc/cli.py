"""The ``conv-calc`` command line (thin: parse, call the engine, render, exit code)."""

from __future__ import annotations

import sys

import typer

from conv_calc import __version__

app = typer.Typer(
    name="conv-calc",
    help="Output shapes, receptive fields and PyTorch's errors for convolutional networks.",
    pretty_exceptions_enable=False,
    no_args_is_help=True,
)


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"conv-calc {__version__}\n")
        raise typer.Exit()


@app.callback()
def _main(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                 help="Print the version and exit."),
) -> None:
    """Output shapes, receptive fields and PyTorch's errors for convolutional networks."""


def main(argv: list[str] | None = None) -> int:
    try:
        app(args=argv, standalone_mode=True)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        return 130
    return 0
