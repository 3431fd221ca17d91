"""The ``conv-calc`` command line (thin: parse, call the engine, render, exit code).

Exit codes and the one error path: :mod:`conv_calc.cli.exits`. Plain ``stack`` and
``layer`` calls usually never get here: :mod:`conv_calc.cli.entry` runs them without Typer.

Start-up matters (``conv-calc layer`` should cost little more than Typer
itself), so rich, yaml, json and the schema are imported inside the commands
that use them, never at module level.
"""

from __future__ import annotations

import sys
from enum import Enum
from typing import Annotated, Optional

import typer

from conv_calc import __version__
from conv_calc.cli import lint as lint_commands
from conv_calc.cli.exits import guarded
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
        "  conv-calc schema > conv-calc.schema.json\n\n"
        "Exit codes: 0 ok, 1 the network has a problem, 2 usage or malformed input, 130 interrupted."
    ),
    pretty_exceptions_enable=False,
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)


class Format(str, Enum):
    table = "table"
    json = "json"
    markdown = "markdown"
    csv = "csv"


class LayerFormat(str, Enum):
    text = "text"
    json = "json"


class Framework(str, Enum):
    torch = "torch"
    keras = "keras"


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
def layer(
    spec: Annotated[str, typer.Argument(
        metavar="LAYER",
        help="A constructor such as 'Conv2d(3, 64, kernel_size=7)' (quote it), or a layer name "
             "such as conv2d, maxpool2d, convtranspose2d for the short form.")],
    input: Annotated[Optional[str], typer.Option(
        "--input", "-i", metavar="SHAPE",
        help="Input shape: 1x3x224x224, 1,3,224,224, or spatial only: 224, 224x224.")] = None,
    kernel_size: Annotated[Optional[str], typer.Option(
        "--kernel-size", "-k", metavar="K", help="Short form: kernel size, 7 or 7x5.")] = None,
    stride: Annotated[Optional[str], typer.Option(
        "--stride", "-s", metavar="S", help="Short form: stride, 2 or 2x1.")] = None,
    padding: Annotated[Optional[str], typer.Option(
        "--padding", "-p", metavar="P", help="Short form: padding, 3, 3x1, same or valid.")] = None,
    dilation: Annotated[Optional[str], typer.Option(
        "--dilation", "-d", metavar="D", help="Short form: dilation.")] = None,
    output_padding: Annotated[Optional[str], typer.Option(
        "--output-padding", metavar="OP", help="Short form: output_padding (transposed convs).")
    ] = None,
    groups: Annotated[Optional[str], typer.Option(
        "--groups", "-g", metavar="G", help="Short form: groups.")] = None,
    in_channels: Annotated[Optional[str], typer.Option(
        "--in-channels", "--in", metavar="C",
        help="Short form: in_channels (default: from --input, else 3).")] = None,
    out_channels: Annotated[Optional[str], typer.Option(
        "--out-channels", "--out", metavar="C",
        help="Short form: out_channels (default: in_channels).")] = None,
    ceil_mode: Annotated[bool, typer.Option(
        "--ceil-mode", help="Short form: ceil_mode=True (pooling).")] = False,
    bias: Annotated[Optional[bool], typer.Option(
        "--bias/--no-bias", help="Short form: bias (default as torch: True).",
        show_default=False)] = None,
    output_size: Annotated[Optional[str], typer.Option(
        "--output-size", metavar="SIZE",
        help="Transposed convs: forward's output_size (e.g. 112 or 112x112); adaptive pools: "
             "the output_size argument.")] = None,
    fmt: Annotated[LayerFormat, typer.Option(
        "--format", "-f", help="text for people, json for programs.")] = LayerFormat.text,
    framework: Annotated[Optional[Framework], typer.Option(
        "--framework",
        help="torch (conv_calc.nn) or keras (Keras 3 layers, channels_last); default: keras "
             "for a Keras-only class name (Conv2D) or prefix (keras.layers.), else torch.")
    ] = None,
) -> None:
    from conv_calc.cli import layer as cli_layer
    options = {
        "kernel_size": kernel_size, "stride": stride, "padding": padding, "dilation": dilation,
        "output_padding": output_padding, "groups": groups, "in_channels": in_channels,
        "out_channels": out_channels, "ceil_mode": True if ceil_mode else None, "bias": bias,
    }
    code = cli_layer.run(spec, input, {k: v for k, v in options.items() if v is not None},
                         output_size, fmt.value,
                         framework=framework.value if framework else None)
    if code:
        raise typer.Exit(code)


# ---------------------------------------------------------------- conv-calc stack

_STACK_HELP = """Analyse a network described in a YAML stack file, layer by layer.

For each layer: index, name, type, output shape, receptive field (size, jump and
start of the centre of output 0, in input pixels), parameters and multiply-accumulates.
On the first layer PyTorch would reject, the table stops at that layer (marked),
PyTorch's exact message and a hint follow, and the exit code is 1. A malformed
file prints every problem as file:line:col and exits 2.

\b
  conv-calc stack examples/resnet18.yaml
  conv-calc stack net.yaml --input 1x3x320x320 --format markdown
  cat net.yaml | conv-calc stack - --format json
"""


@app.command(help=_STACK_HELP, no_args_is_help=True)
def stack(
    file: Annotated[str, typer.Argument(
        metavar="FILE", help="The stack file (YAML); '-' reads standard input.")],
    input: Annotated[Optional[str], typer.Option(
        "--input", "-i", metavar="SHAPE",
        help="Override the file's input shape: 1x3x224x224 or 1,3,224,224.")] = None,
    fmt: Annotated[Format, typer.Option(
        "--format", "-f",
        help="table (people), json (programs, stdout), markdown (docs), csv (spreadsheets).")
    ] = Format.table,
    framework: Annotated[Optional[Framework], typer.Option(
        "--framework",
        help="Read the file as torch (conv_calc.nn) or keras (Keras 3 layers, channels_last); "
             "default: the file's `framework:` key, else torch.")] = None,
) -> None:
    from conv_calc.cli import stack as cli_stack
    code = cli_stack.run(file, input, fmt.value,
                         framework=framework.value if framework else None)
    if code:
        raise typer.Exit(code)


# ---------------------------------------------------------------- conv-calc schema

@app.command()
def schema() -> None:
    """Print the JSON Schema (draft-07) of stack files, for editors and CI.

    Save it and point the YAML language server at it from the top of a stack file:

    \b
      conv-calc schema > conv-calc.schema.json
      # yaml-language-server: $schema=conv-calc.schema.json
    """
    import json

    from conv_calc.stackfile.schema import stack_schema

    sys.stdout.write(json.dumps(stack_schema(), indent=2, ensure_ascii=False) + "\n")


# ---------------------------------------------------------------- conv-calc lint, rules, rule

app.command("lint", help=lint_commands.LINT_HELP, no_args_is_help=True)(lint_commands.lint_command)
app.command("rules")(lint_commands.rules_command)
app.command("rule", no_args_is_help=True)(lint_commands.rule_command)


# ---------------------------------------------------------------- conv-calc solve

app.add_typer(solve_app, name="solve")


# ---------------------------------------------------------------- entry point

def main(argv: list[str] | None = None) -> int:
    """Run the Typer app and map every outcome to an exit code (conv_calc.cli.exits.guarded)."""
    return guarded(lambda: app(args=argv, prog_name="conv-calc", standalone_mode=True))
