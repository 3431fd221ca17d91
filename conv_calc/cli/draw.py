"""``conv-calc draw layer|rf|overlap``: pictures as SVG (conv_calc.draw), written to ``-o FILE``
or standard output.

Thin: read the file or the layer, call :mod:`conv_calc.draw`, write the text. Bad input
(unknown row, position out of range, a grid too large to count) exits 2 with the
engine's message and hint; a network that breaks exits 1 with torch's message, as
``conv-calc stack`` does (a row before the failing layer is still drawn, then exit 1). :mod:`conv_calc.cli.app` imports this module for every command,
so the engine and the drawing code are imported inside the commands.
"""

from __future__ import annotations

import sys
from typing import Annotated, Any, Optional

import typer

from conv_calc.cli.ctor import ShapeError, parse_shape
from conv_calc.cli.exits import EXIT_PROBLEM, fail
from conv_calc.cli.output import guarded_engine, write_text

__all__ = ["draw_app"]

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


def _shape(text: str | None, option: str) -> tuple[int, ...] | None:
    if text is None:
        return None
    try:
        return parse_shape(text)
    except ShapeError as err:
        fail(f"{option}: {err}", err.hint)


_MODE = typer.Option(
    "--train/--eval", help="Check the layers in training mode or eval mode (as after "
    "model.eval()); default: the file's `mode:`, else train.", show_default=False)


def _tape(file: str, input_text: str | None, train: bool | None, layer: str | None) -> Any:
    """The network's path tape, or exit: 2 for an unreadable file; 1 when a layer fails at
    or before the row asked for (rows before a failing layer can still be drawn)."""
    from conv_calc.cli.stack import STDIN, STDIN_NAME, load
    from conv_calc.graph.paths import path_tape

    shape = _shape(input_text, "--input")
    network = load(file)
    mode = None if train is None else ("train" if train else "eval")
    tape = guarded_engine(lambda: path_tape(network, shape, mode))
    if tape.report.error is not None and (layer is None or layer not in tape.by_name):
        name = STDIN_NAME if file == STDIN else file
        _network_fails(tape, f"{name}: the network fails before "
                             + ("its last row" if layer is None else f"row {layer!r}")
                             + ", so it cannot be drawn:\n")
        raise typer.Exit(EXIT_PROBLEM)
    return tape


def _network_fails(tape: Any, intro: str) -> None:
    from conv_calc.render.report import format_layer_error

    sys.stderr.write(intro + format_layer_error(tape.report.error, tape.report.failed) + "\n")


def _done(tape: Any) -> None:
    """Exit 1 after drawing a row that comes before a failing layer, saying so."""
    if tape.report.error is not None:
        _network_fails(tape, "drawn; but a later layer fails:\n")
        raise typer.Exit(EXIT_PROBLEM)


@draw_app.command("overlap", no_args_is_help=True)
def overlap_command(
    file: Annotated[str, typer.Argument(metavar="FILE", help="The stack file; '-' reads stdin.")],
    layer: Annotated[Optional[str], _LAYER] = None,
    output: Annotated[Optional[str], _OUTPUT] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", metavar="svg|json",
                                     help="svg (a picture) or json (the counts).")] = "svg",
    input: Annotated[Optional[str], _INPUT] = None,
    train: Annotated[Optional[bool], _MODE] = None,
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
    tape = _tape(file, input, train, layer)
    m = guarded_engine(lambda: overlap_map(None, layer, tape=tape))
    if fmt == "json":
        write_text(dumps({"schema_version": SCHEMA_VERSION, **overlap_json(m)}), output)
    else:
        write_text(overlap_svg(m), output)
    if m.hint and output not in (None, "-"):
        sys.stderr.write(f"uneven overlap: {m.hint}\n")
    _done(tape)


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
    train: Annotated[Optional[bool], _MODE] = None,
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
    tape = _tape(file, input, train, layer)
    pic = guarded_engine(lambda: rf_picture(None, layer, position, tape=tape))
    write_text(rf_svg(pic), output)
    _done(tape)


def _built_layer(spec: str, input_text: str, options: dict[str, Any]) -> tuple[Any, tuple]:
    """The torch layer spec of ``spec`` (a constructor or a short-form name with
    ``options``) and the full input shape; torch's errors exit 1 with its message."""
    # Deferred: the same reading of constructors and shapes as `conv-calc layer`.
    from conv_calc.cli import layer as cli_layer
    from conv_calc.cli.ctor import CtorError, parse_ctor
    from conv_calc.errors import LayerError
    from conv_calc.render.report import format_layer_error

    given = _shape(input_text, "--input")
    if "(" in spec or ")" in spec:
        if options:
            fail("-k, -s, -p, -d and --output-padding only go with the short form",
                 "put the values into the constructor instead, e.g. 'Conv2d(1, 1, 3, stride=2)'.")
        try:
            ctor = parse_ctor(spec)
        except CtorError as err:
            fail(f"cannot read the layer: {err} (column {err.column})",
                 err.hint or "write it as in PyTorch code, e.g. 'Conv2d(1, 1, 3, padding=1)'.")
        cls = cli_layer.lookup(ctor.type, exact=True)
        args, kwargs = ctor.args, dict(ctor.kwargs)
    else:
        cls = cli_layer.lookup(spec)
        args, kwargs = (), cli_layer._short_kwargs(cls, options, given, cls.spatial_dims)
    try:
        built = cls(*args, **kwargs)
        shape = cli_layer.expand_input(given, cls.spatial_dims, cli_layer._layer_channels(built))
        built.output_shape(shape)
    except LayerError as err:
        sys.stderr.write(f"error: {cls.__name__} fails, so it cannot be drawn:\n"
                         + format_layer_error(err) + "\n")
        raise typer.Exit(EXIT_PROBLEM)
    if getattr(built, "axis_geometry", None) is None:
        fail(f"{cls.__name__} cannot be drawn", "draw layer draws convs, transposed convs, pools "
             "and resizing layers.")
    return built, shape


@draw_app.command("layer", no_args_is_help=True)
def layer_command(
    spec: Annotated[str, typer.Argument(
        metavar="LAYER", help="A constructor such as 'Conv2d(1, 1, 3, stride=2)' (quote it), or "
                              "a name (conv2d, maxpool2d, convtranspose2d) with -k, -s, -p, -d.")],
    input: Annotated[Optional[str], typer.Option(
        "--input", "-i", metavar="SHAPE",
        help="Input shape: 1x1x7x7, or spatial only: 7, 7x7 (at most 40 per axis).")] = None,
    kernel_size: Annotated[Optional[str], typer.Option("--kernel-size", "-k", metavar="K")] = None,
    stride: Annotated[Optional[str], typer.Option("--stride", "-s", metavar="S")] = None,
    padding: Annotated[Optional[str], typer.Option("--padding", "-p", metavar="P")] = None,
    dilation: Annotated[Optional[str], typer.Option("--dilation", "-d", metavar="D")] = None,
    output_padding: Annotated[Optional[str], typer.Option("--output-padding",
                                                          metavar="OP")] = None,
    sheet: Annotated[bool, typer.Option(
        "--sheet", help="Every frame side by side (for print) instead of an animation.")] = False,
    output: Annotated[Optional[str], _OUTPUT] = None,
) -> None:
    """A layer drawn with its numbers: the padded input, the kernel's taps at each output
    position (dilation gaps included), the output, the formula per axis. An animated SVG
    by default (open it in a browser), every frame on one sheet with --sheet. A transposed
    convolution is drawn as each input pixel stamping the kernel into the output, and as
    the equivalent convolution over the input with zeros inserted.

    \b
      conv-calc draw layer 'Conv2d(1, 1, 4, padding="same")' --input 6x6 -o same.svg
      conv-calc draw layer convtranspose2d -i 4x4 -k 3 -s 2 -p 1 --sheet -o up.svg
      conv-calc draw layer maxpool1d -i 9 -k 3 -s 2 -o pool.svg
    """
    from conv_calc.draw.layer import layer_svg

    if input is None:
        fail("--input is required: the picture depends on it", "give the spatial size, e.g. "
             "--input 7x7 (or the full shape, 1x1x7x7).")
    options = {k: v for k, v in (("kernel_size", kernel_size), ("stride", stride),
                                 ("padding", padding), ("dilation", dilation),
                                 ("output_padding", output_padding)) if v is not None}
    built, shape = _built_layer(spec, input, options)
    write_text(guarded_engine(lambda: layer_svg(built, shape, sheet=sheet)), output)
