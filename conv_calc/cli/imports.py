"""``conv-calc import``: write a stack file from a model that exists.

Each framework is a subcommand (``import torch``, ``import keras``, ``import onnx``);
they share :func:`write_document`: the stack document written as YAML to ``-o FILE``
or to standard output. :mod:`conv_calc.cli.app` imports this module for every
command, so the importers themselves are imported inside the subcommands.
"""

from __future__ import annotations

from typing import Any, Optional

import typer

from conv_calc.cli.exits import fail
from conv_calc.cli.output import write_text

__all__ = ["import_app", "write_document"]

import_app = typer.Typer(
    name="import",
    help="Write a stack file from a model that exists (PyTorch code, .keras, ONNX).",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)


def write_document(document: dict[str, Any], header: list[str], output: str | None) -> None:
    """Write ``document`` as a stack file to ``output`` (None or '-' = standard output)."""
    # Deferred: start-up of every other command.
    from conv_calc.stackfile.yaml_writer import dump_stack

    write_text(dump_stack(document, header), output)


@import_app.command("keras")
def import_keras(
    file: str = typer.Argument(..., metavar="FILE",
                               help="A .keras file (Keras 3's model.save) or model.to_json() text."),
    output: str | None = typer.Option(None, "-o", "--output", metavar="FILE",
                                      help="Write the stack file here (default: standard output)."),
) -> None:
    """Write a stack file (framework: keras) from a .keras file or Keras model JSON.

    Reads the model's config.json alone, with the standard library (no Keras needed).
    Example: conv-calc import keras mobilenet_v2.keras -o mobilenet_v2.yaml
    """
    # Deferred: the importer loads the Keras layer specs, which other commands do not need.
    from conv_calc.errors import InputError
    from conv_calc.interop.keras_file import read_keras_file

    try:
        document, header = read_keras_file(file)
    except InputError as err:
        fail(f"{file}: {err}", err.hint)
    write_document(document, header, output)


@import_app.command("torch")
def import_torch_command(
    model: str = typer.Argument(..., metavar="MODEL",
                                help="package.module:callable or path/to/file.py:callable "
                                     "returning the torch.nn.Module."),
    input: str = typer.Option(..., "--input", "-i", metavar="SHAPE",
                              help="The input shape to trace and run the model on, "
                                   "e.g. 1x3x224x224."),
    kwargs: str = typer.Option(None, "--kwargs", metavar="JSON",
                               help="""Keyword arguments for the callable, a JSON object: '{"weights": null}'."""),
    train: bool = typer.Option(None, "--train/--eval", show_default=False,
                               help="Trace in training or eval mode (default: the model's own)."),
    output: str = typer.Option(None, "--output", "-o", metavar="FILE",
                               help="Write the stack file here (default: standard output)."),
) -> None:
    """Write a stack file from PyTorch code, traced with torch.fx (needs conv-calc[torch])."""
    # Deferred: the command's code only when it runs.
    from conv_calc.cli.import_torch import run_import_torch  # noqa: PLC0415

    document, header = run_import_torch(model, input, kwargs, None if train is None else
                                        ("train" if train else "eval"))
    write_document(document, header, output)


# ---------------------------------------------------------------- conv-calc import onnx

@import_app.command("onnx", no_args_is_help=True)
def import_onnx(
    file: str = typer.Argument(..., metavar="FILE", help="The .onnx file."),
    input: Optional[str] = typer.Option(  # noqa: A002 - the option's name
        None, "--input", "-i",
        help="The input shape (1x3x224x224); needed when the file's input is dynamic."),
    output: Optional[str] = typer.Option(
        None, "--output", "-o", help="Write the stack file here (default: standard output)."),
) -> None:
    """Write a stack file from an ONNX model (needs the onnx package: conv-calc[onnx]).

    \b
      conv-calc import onnx model.onnx -o model.yaml
      conv-calc import onnx dynamic.onnx --input 1x3x224x224
    """
    # Deferred: the importer loads only for this command.
    from conv_calc.cli.import_onnx import read

    write_document(*read(file, input), output)
