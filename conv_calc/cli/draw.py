"""``conv-calc draw layer|rf|overlap``: pictures as SVG (conv_calc.draw), written to ``-o FILE``
or standard output.

Thin: read the file or the layer, call :mod:`conv_calc.draw`, write the text. Bad input
(unknown row, position out of range, a grid too large to count) exits 2 with the
engine's message and hint; a network that breaks exits 1 with torch's message, as
``conv-calc stack`` does. :mod:`conv_calc.cli.app` imports this module for every command,
so the engine and the drawing code are imported inside the commands.
"""

from __future__ import annotations

import sys
from typing import Annotated, Any, Optional

import typer

from conv_calc.cli.ctor import ShapeError, parse_shape
from conv_calc.cli.exits import EXIT_PROBLEM, fail

__all__ = ["draw_app", "write_text", "guarded_engine"]

draw_app = typer.Typer(
    name="draw",
    help=("Pictures as SVG: a layer's sliding window, the input region an output sees, the "
          "checkerboard map of overlapping kernel taps."),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)

_OUTPUT = typer.Option("--output", "-o", metavar="FILE",
                       help="Write to FILE (default: standard output).")
_INPUT = typer.Option("--input", "-i", metavar="SHAPE",
                      help="Override the file's input shape: 1x3x64x64.")
_LAYER = typer.Option("--layer", "-l", metavar="NAME",
                      help="The row name, as `conv-calc stack FILE` shows it (default: the "
                           "last row).")


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
    from conv_calc.errors import InputError, hint_of  # deferred: start-up of other commands

    try:
        return run()
    except InputError as err:
        fail(str(err), hint_of(err))


def _shape(text: str | None, option: str) -> tuple[int, ...] | None:
    if text is None:
        return None
    try:
        return parse_shape(text)
    except ShapeError as err:
        fail(f"{option}: {err}", err.hint)


def _tape(file: str, input_text: str | None) -> Any:
    """The network's path tape, or exit (2: unreadable file; 1: a layer fails)."""
    from conv_calc.cli.stack import STDIN, STDIN_NAME, load
    from conv_calc.graph.paths import path_tape
    from conv_calc.render.report import format_layer_error

    shape = _shape(input_text, "--input")
    network = load(file)
    tape = guarded_engine(lambda: path_tape(network, shape))
    if tape.report.error is not None:
        name = STDIN_NAME if file == STDIN else file
        sys.stderr.write(f"{name}: the network fails, so it cannot be drawn:\n"
                         + format_layer_error(tape.report.error, tape.report.failed) + "\n")
        raise typer.Exit(EXIT_PROBLEM)
    return tape


@draw_app.command("overlap", no_args_is_help=True)
def overlap_command(
    file: Annotated[str, typer.Argument(metavar="FILE", help="The stack file; '-' reads stdin.")],
    layer: Annotated[Optional[str], _LAYER] = None,
    output: Annotated[Optional[str], _OUTPUT] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", metavar="svg|json",
                                     help="svg (a picture) or json (the counts).")] = "svg",
    input: Annotated[Optional[str], _INPUT] = None,
) -> None:
    """The checkerboard map of a layer's output: for each output pixel, the number of paths
    (chains of kernel taps) from the input that reach it, which is what an all-ones input
    through all-ones weights gives. A hint names the fix when the map is uneven.

    \b
      conv-calc draw overlap examples/dcgan-generator.yaml -o map.svg
      conv-calc draw overlap net.yaml --layer up1 --format json
    """
    from conv_calc.draw.overlap import overlap_json, overlap_map, overlap_svg
    from conv_calc.render.report import SCHEMA_VERSION, dumps

    if fmt not in ("svg", "json"):
        fail(f"--format {fmt!r}: not a format of draw overlap", "use svg or json.")
    tape = _tape(file, input)
    m = guarded_engine(lambda: overlap_map(None, layer, tape=tape))
    if fmt == "json":
        write_text(dumps({"schema_version": SCHEMA_VERSION, **overlap_json(m)}), output)
    else:
        write_text(overlap_svg(m), output)
    if m.hint and output not in (None, "-"):
        sys.stderr.write(f"uneven overlap: {m.hint}\n")


@draw_app.command("rf", no_args_is_help=True)
def rf_command(
    file: Annotated[str, typer.Argument(metavar="FILE", help="The stack file; '-' reads stdin.")],
    layer: Annotated[Optional[str], _LAYER] = None,
    at: Annotated[Optional[str], typer.Option(
        "--at", metavar="POSITION",
        help="The output position, one index per spatial axis: 3,4 or 3x4 (default: the "
             "middle).")] = None,
    output: Annotated[Optional[str], _OUTPUT] = None,
    input: Annotated[Optional[str], _INPUT] = None,
) -> None:
    """The exact input region one output position sees through the whole network, shaded by
    how many paths reach each input pixel, its hull, centre and reach into the padding;
    where the region's size depends on the position, both sizes are shown.

    \b
      conv-calc draw rf examples/resnet18.yaml --layer layer1.0.conv2 -o rf.svg
      conv-calc draw rf net.yaml --at 3,4
    """
    from conv_calc.draw.rf import rf_picture, rf_svg

    position = _shape(at, "--at")
    tape = _tape(file, input)
    pic = guarded_engine(lambda: rf_picture(None, layer, position, tape=tape))
    write_text(rf_svg(pic), output)
