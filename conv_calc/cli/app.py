"""The ``conv-calc`` command line (thin: parse, call the engine, render, exit code).

Exit codes and the one error path: :mod:`conv_calc.cli.exits`. Plain ``stack`` and
``layer`` calls usually never get here: :mod:`conv_calc.cli.entry` runs them without Typer.

Start-up matters (``conv-calc --version`` should cost little more than Typer
itself), so the engine, rich, yaml, the JSON writer and the schema are imported
inside the commands that use them (here, in :func:`conv_calc.cli.options.run`,
:mod:`conv_calc.cli.lint` and :mod:`conv_calc.cli.solve`), never at module level.
"""

from __future__ import annotations

import inspect
import sys
from collections.abc import Callable
from enum import Enum
from typing import Annotated, Any, Optional

import typer

from conv_calc import __version__
from conv_calc.cli import lint as lint_commands
from conv_calc.cli import options
from conv_calc.cli.exits import guarded
from conv_calc.cli.export import EXPORT_HELP, export_command
from conv_calc.cli.options import LAYER, STACK
from conv_calc.cli.draw import draw_app
from conv_calc.cli.imports import import_app
from conv_calc.cli.solve import solve_app

app = typer.Typer(
    name="conv-calc",
    help=(
        "Output shapes, receptive fields and PyTorch's exact errors for convolutional "
        "networks, without PyTorch.\n\n"
        "\b\nExamples:\n"
        "  conv-calc layer 'Conv2d(3, 64, kernel_size=7, stride=2, padding=3)' --input 1x3x224x224\n"
        "  conv-calc layer conv2d --input 224 -k 7 -s 2 -p 3\n"
        "  conv-calc stack examples/resnet18.yaml --format json\n"
        "  conv-calc schema > conv-calc.schema.json\n"
        "  conv-calc layers --format json\n\n"
        "Exit codes: 0 ok, 1 the network has a problem, 2 usage or malformed input, 130 interrupted."
    ),
    pretty_exceptions_enable=False,
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)


# The choices of the table-declared options, as the Enums Typer shows and checks.
Format = Enum("Format", {c: c for c in options.FORMATS}, type=str)
LayerFormat = Enum("LayerFormat", {c: c for c in options.LAYER_FORMATS}, type=str)
Framework = Enum("Framework", {c: c for c in options.FRAMEWORKS}, type=str)


def _option(table: dict[str, options.Option], name: str) -> Any:
    """The ``typer.Option`` of a table-declared option."""
    o = table[name]
    return typer.Option(*o.decls, metavar=o.metavar, help=o.help, show_default=o.show_default)


def _declared(command: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Check, as the app is built, that a command's options are its table's, defaults included:
    the fast path (conv_calc.cli.entry) reads the same table, so the two cannot drift."""
    table = options.OPTIONS[command]

    def check(function: Callable[..., None]) -> Callable[..., None]:
        params = list(inspect.signature(function).parameters.values())[1:]
        declared = [(p.name, p.default) for p in params]
        if declared != [(name, o.default) for name, o in table.items()]:
            raise RuntimeError(f"conv-calc {command}: the Typer parameters {declared} are not "
                               "the options of conv_calc.cli.options")
        return function
    return check


def _run(command: str, arguments: dict[str, Any]) -> None:
    """Run a table-declared command with what Typer parsed (its argument first, then every
    option, as ``locals()`` gives them); a non-zero exit code ends the program."""
    target, *names = arguments
    given = {n: arguments[n].value if isinstance(arguments[n], Enum) else arguments[n]
             for n in names}
    code = options.run(command, arguments[target], given)
    if code:
        raise typer.Exit(code)


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


# ---------------------------------------------------------------- conv-calc layer

_LAYER_HELP = """Explain one layer: output shape, the formula per axis, receptive field, params.

Write the layer as in PyTorch code (or as print(model) shows it), or use the short
form: a layer name and options.

\b
Examples:
  conv-calc layer 'Conv2d(3, 64, kernel_size=7, stride=2, padding=3)' --input 1x3x224x224
  conv-calc layer 'nn.Conv2d(3, 64, kernel_size=(7, 7), stride=(2, 2), bias=False)' -i 224
  conv-calc layer conv2d --input 224 -k 7 -s 2 -p 3
  conv-calc layer maxpool2d --input 112 -k 3 -s 2 -p 1 --ceil-mode
  conv-calc layer convtranspose2d -i 1x64x56x56 --in 64 --out 3 -k 4 -s 2 -p 1 --output-size 112
  conv-calc layer conv1d --input 1x16x1000 --out 32 -k 3 -d 4 --format json
  conv-calc layer "Conv2D(64, 3, strides=2, padding='same')" --input None,224,224,3
  conv-calc layer conv2d --framework keras -i Nonex224x224x3 --out 64 -k 3 -s 2 -p same

--input is the full shape (1x3x224x224 or 1,3,224,224) or only the spatial sizes
(224 or 224x224: batch 1, and the layer's in_channels or 3 channels). An invalid
layer prints PyTorch's exact message and a hint, and exits 1.

Keras 3 layers (Conv2D, keras.layers.MaxPooling2D, ...: detected from the name,
or --framework keras) take channels_last shapes, the batch may be None
(None,224,224,3), and report Keras's messages.
"""


@app.command(help=_LAYER_HELP, no_args_is_help=True)
@_declared("layer")
def layer(
    spec: Annotated[str, typer.Argument(
        metavar="LAYER",
        help="A constructor such as 'Conv2d(3, 64, kernel_size=7)' (quote it), or a layer name "
             "such as conv2d, maxpool2d, convtranspose2d for the short form.")],
    input: Annotated[Optional[str], _option(LAYER, "input")] = None,
    kernel_size: Annotated[Optional[str], _option(LAYER, "kernel_size")] = None,
    stride: Annotated[Optional[str], _option(LAYER, "stride")] = None,
    padding: Annotated[Optional[str], _option(LAYER, "padding")] = None,
    dilation: Annotated[Optional[str], _option(LAYER, "dilation")] = None,
    output_padding: Annotated[Optional[str], _option(LAYER, "output_padding")] = None,
    groups: Annotated[Optional[str], _option(LAYER, "groups")] = None,
    in_channels: Annotated[Optional[str], _option(LAYER, "in_channels")] = None,
    out_channels: Annotated[Optional[str], _option(LAYER, "out_channels")] = None,
    ceil_mode: Annotated[bool, _option(LAYER, "ceil_mode")] = False,
    bias: Annotated[Optional[bool], _option(LAYER, "bias")] = None,
    output_size: Annotated[Optional[str], _option(LAYER, "output_size")] = None,
    fmt: Annotated[LayerFormat, _option(LAYER, "fmt")] = LayerFormat.text,
    framework: Annotated[Optional[Framework], _option(LAYER, "framework")] = None,
    train: Annotated[Optional[bool], _option(LAYER, "train")] = None,
) -> None:
    _run("layer", locals())


# ---------------------------------------------------------------- conv-calc stack

_STACK_HELP = """Analyse a network described in a YAML stack file, layer by layer.

For each layer: index, name, type, output shape, receptive field (size, jump and
start of the centre of output 0, in input pixels), parameters and multiply-accumulates.
On the first layer PyTorch would reject, the table stops at that layer (marked),
PyTorch's exact message and a hint follow, and the exit code is 1. A malformed
file prints every problem as file:line:col and exits 2. On a terminal narrower than
the table, columns give way in a fixed order (a line under the table says which);
piped, the table is printed in full.

\b
  conv-calc stack examples/resnet18.yaml
  conv-calc stack net.yaml --input 1x3x320x320 --format markdown
  cat net.yaml | conv-calc stack - --format json
  conv-calc stack net.yaml --eval        # as after model.eval(); default: the file's mode:, else train
  conv-calc stack net.yaml --format html -o report.html   # table, shape flow, RF, overlap maps
  conv-calc stack examples/resnet50.yaml --depth 2 --format markdown   # one row per block
"""


@app.command(help=_STACK_HELP, no_args_is_help=True)
@_declared("stack")
def stack(
    file: Annotated[str, typer.Argument(
        metavar="FILE", help="The stack file (YAML); '-' reads standard input.")],
    input: Annotated[Optional[str], _option(STACK, "input")] = None,
    fmt: Annotated[Format, _option(STACK, "fmt")] = Format.table,
    framework: Annotated[Optional[Framework], _option(STACK, "framework")] = None,
    train: Annotated[Optional[bool], _option(STACK, "train")] = None,
    output: Annotated[Optional[str], _option(STACK, "output")] = None,
    depth: Annotated[Optional[str], _option(STACK, "depth")] = None,
) -> None:
    _run("stack", locals())


# ---------------------------------------------------------------- conv-calc schema

@app.command()
def schema() -> None:
    """Print the JSON Schema (draft-07) of stack files, for editors and CI.

    Save it and point the YAML language server at it from the top of a stack file:

    \b
      conv-calc schema > conv-calc.schema.json
      # yaml-language-server: $schema=conv-calc.schema.json
    """
    # Deferred: start-up of every other command.
    from conv_calc.render.report import dumps
    from conv_calc.stackfile.schema import stack_schema

    sys.stdout.write(dumps(stack_schema()))


# ---------------------------------------------------------------- conv-calc layers

@app.command("layers")
def layers(
    framework: Annotated[Framework, _option(options.LAYERS, "framework")] = Framework.torch,
    fmt: Annotated[LayerFormat, _option(options.LAYERS, "fmt")] = LayerFormat.text,
) -> None:
    """List every layer a stack file may use, with its constructor signature and defaults,
    grouped by kind, then the tensor functions and the merges.

    \b
      conv-calc layers
      conv-calc layers --framework keras
      conv-calc layers --format json
    """
    # Deferred: start-up of every other command.
    from conv_calc.render.catalog import catalog, render_text
    from conv_calc.render.report import dumps

    doc = catalog(framework.value)
    sys.stdout.write(dumps(doc) if fmt.value == "json" else render_text(doc))


# ---------------------------------------------------------------- conv-calc lint, rules, rule

app.command("lint", help=lint_commands.LINT_HELP, no_args_is_help=True)(lint_commands.lint_command)
app.command("rules")(lint_commands.rules_command)
app.command("rule", no_args_is_help=True)(lint_commands.rule_command)


# ---------------------------------------------------------------- conv-calc solve

app.add_typer(solve_app, name="solve")
app.add_typer(import_app, name="import")
app.add_typer(draw_app, name="draw")


# ---------------------------------------------------------------- conv-calc export

app.command("export", help=EXPORT_HELP, no_args_is_help=True)(export_command)


# ---------------------------------------------------------------- entry point

def main(argv: list[str] | None = None) -> int:
    """Run the Typer app and map every outcome to an exit code (conv_calc.cli.exits.guarded)."""
    return guarded(lambda: app(args=argv, prog_name="conv-calc", standalone_mode=True))
