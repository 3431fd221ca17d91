"""``conv-calc export FILE --to torch [-o model.py]``: a stack file as PyTorch code.

The code is :func:`conv_calc.interop.torch_export.export_torch`'s; here the file is
read (as ``conv-calc stack`` reads it: a malformed file exits 2 with every problem),
analysed, and the code written to ``-o`` or standard output. A network conv-calc
reports broken is not exported (exit 1, torch's message and the hint); what the
exporter cannot write (a Keras stack, a name torch refuses) exits 2 naming the row.
"""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Optional

import typer

from conv_calc.cli.exits import EXIT_PROBLEM, fail
from conv_calc.cli.output import write_text

__all__ = ["export_command", "EXPORT_HELP", "TARGETS"]

#: The frameworks ``--to`` accepts.
TARGETS = ("torch",)
Target = Enum("Target", {t: t for t in TARGETS}, type=str)

EXPORT_HELP = """Write a stack file as code for another framework (PyTorch for now).

The PyTorch module is one class named after the stack, built from nn.Sequential and a
class per block; its named_modules() are the stack's row names, its forward gives every
row's shape and its parameters are conv-calc's counts. It imports only torch (and
torchvision.ops for torchvision's layers). A network conv-calc reports broken is not
written (exit 1); what cannot be written exits 2, naming the row.

\b
  conv-calc export examples/resnet18.yaml --to torch
  conv-calc export net.yaml --to torch -o model.py
"""


def export_command(
    file: Annotated[str, typer.Argument(
        metavar="FILE", help="The stack file (YAML); '-' reads standard input.")],
    to: Annotated[Target, typer.Option(
        "--to", help="The framework to write code for (required: more may come).")],
    output: Annotated[Optional[str], typer.Option(
        "--output", "-o", metavar="FILE", help="Write the code to FILE (default: standard output).",
        show_default=False)] = None,
) -> None:
    # Deferred: start-up of every other command.
    from conv_calc.cli.stack import STDIN, STDIN_NAME, load
    from conv_calc.errors import ExportError, hint_of
    from conv_calc.interop.torch_export import export_torch

    name = STDIN_NAME if file == STDIN else file
    network = load(file)
    if network.framework != "torch":
        fail(f"{name}: a {network.framework} stack cannot be exported --to {to.value}",
             "conv-calc export --to torch writes torch stack files (torch.nn layers); Keras "
             "layers differ in arguments and layout.")
    try:
        report = network.analyze()
    except ValueError as err:  # a malformed definition, e.g. no input shape anywhere
        fail(f"{name}: {err}", hint_of(err))
    if report.error is not None:
        fail(f"{name}: row {report.failed.name!r} fails in torch, so it is not exported: "
             f"{report.error}",
             (hint_of(report.error) + " " if hint_of(report.error) else "")
             + "conv-calc exports networks that run: fix that row first.", code=EXIT_PROBLEM)
    try:
        text = export_torch(network, None if file == STDIN else file, report)
    except ExportError as err:
        fail(f"{name}: {err}", hint_of(err))
    write_text(text, output)
