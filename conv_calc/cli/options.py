"""The options of ``conv-calc stack`` and ``layer``, declared once, and the call they make.

Two front ends read these tables: the Typer commands of :mod:`conv_calc.cli.app`
build every ``typer.Option`` from them (and check, when the app is built, that
their parameters are exactly the table's), and the Typer-free fast path of
:mod:`conv_calc.cli.entry` recognises exactly the spellings declared here. Both
then call :func:`run`, so a new option is one line here plus one parameter in
the Typer command.

Light on purpose: the fast path imports it before anything else.

>>> [spelling for spelling, _ in LAYER["bias"].spellings()]
['--bias', '--no-bias']
>>> short_form({**defaults("layer"), "kernel_size": "3", "ceil_mode": False, "bias": False})
{'kernel_size': '3', 'bias': False}
"""

from __future__ import annotations

from typing import Any, NamedTuple

__all__ = ["Option", "MODE", "mode_of", "STACK", "LAYER", "OPTIONS", "SHORT_FORM", "FORMATS", "LAYER_FORMATS",
           "FRAMEWORKS", "LAYERS", "defaults", "short_form", "run"]


class Option(NamedTuple):
    """One option as Typer declares it; ``choices`` become an Enum there."""

    decls: tuple[str, ...]  #: ("--input", "-i"); a switch pair as ("--bias/--no-bias",)
    help: str
    metavar: str | None = None
    choices: tuple[str, ...] | None = None
    default: Any = None
    switch: bool = False  #: takes no value
    show_default: bool = True

    def spellings(self) -> list[tuple[str, bool | None]]:
        """Each spelling with the value a switch gives (None for an option taking a value)."""
        if not self.switch:
            return [(decl, None) for decl in self.decls]
        out: list[tuple[str, bool | None]] = []
        for decl in self.decls:
            on, _, off = decl.partition("/")
            out.append((on, True))
            if off:
                out.append((off, False))
        return out


FORMATS = ("table", "json", "markdown", "csv", "html")
LAYER_FORMATS = ("text", "json")
FRAMEWORKS = ("torch", "keras")

#: ``--train/--eval``, shared by stack, layer, lint and solve: True, False, or None (the
#: file's `mode:`, else train, as a freshly built torch module is).
MODE = Option(
    ("--train/--eval",),
    "Check the layers in training mode (a freshly built torch module) or eval mode (after "
    "model.eval(): batch norm uses its running statistics); default: the file's `mode:`, "
    "else train.", switch=True, show_default=False)


def mode_of(train: bool | None) -> str | None:
    """The mode a ``--train/--eval`` value asks for: "train", "eval" or None (not given).

    >>> mode_of(True), mode_of(False), mode_of(None)
    ('train', 'eval', None)
    """
    return None if train is None else ("train" if train else "eval")

#: ``conv-calc stack FILE``: parameter name (as the Typer command spells it) -> option.
STACK: dict[str, Option] = {
    "input": Option(
        ("--input", "-i"),
        "Override the file's input shape: 1x3x224x224, or the spatial sizes only "
        "(224, 224x320: batch and channels from the file).",
        metavar="SHAPE"),
    "fmt": Option(
        ("--format", "-f"),
        "table (people), json (programs, stdout), markdown (docs), csv (spreadsheets), "
        "html (a self-contained report with pictures; -o FILE).",
        choices=FORMATS, default="table"),
    "framework": Option(
        ("--framework",),
        "Read the file as torch (conv_calc.nn) or keras (Keras 3 layers, channels_last); "
        "default: the file's `framework:` key, else torch.", choices=FRAMEWORKS),
    "train": MODE,
    "output": Option(
        ("--output", "-o"), "Write the report to FILE (--format html; default: standard output).",
        metavar="FILE"),
    "depth": Option(
        ("--depth",),
        "Fold the rows named deeper than N parts (layer1.0.conv1 has 3) into one row per "
        "block, with its summed params and MACs (table, markdown, csv; JSON keeps every row).",
        metavar="N"),
}

#: ``conv-calc layer LAYER``: parameter name -> option.
LAYER: dict[str, Option] = {
    "input": Option(
        ("--input", "-i"),
        "Input shape: 1x3x224x224, 1,3,224,224, or spatial only: 224, 224x224.", metavar="SHAPE"),
    "kernel_size": Option(
        ("--kernel-size", "-k"), "Short form: kernel size, 7 or 7x5.", metavar="K"),
    "stride": Option(("--stride", "-s"), "Short form: stride, 2 or 2x1.", metavar="S"),
    "padding": Option(
        ("--padding", "-p"), "Short form: padding, 3, 3x1, same or valid.", metavar="P"),
    "dilation": Option(("--dilation", "-d"), "Short form: dilation.", metavar="D"),
    "output_padding": Option(
        ("--output-padding",), "Short form: output_padding (transposed convs).", metavar="OP"),
    "groups": Option(("--groups", "-g"), "Short form: groups.", metavar="G"),
    "in_channels": Option(
        ("--in-channels", "--in"), "Short form: in_channels (default: from --input, else 3).",
        metavar="C"),
    "out_channels": Option(
        ("--out-channels", "--out"), "Short form: out_channels (default: in_channels).",
        metavar="C"),
    "ceil_mode": Option(
        ("--ceil-mode",), "Short form: ceil_mode=True (pooling).", default=False, switch=True),
    "bias": Option(
        ("--bias/--no-bias",), "Short form: bias (default as torch: True).", switch=True,
        show_default=False),
    "output_size": Option(
        ("--output-size",),
        "Transposed convs: forward's output_size (e.g. 112 or 112x112); adaptive pools: "
        "the output_size argument.", metavar="SIZE"),
    "fmt": Option(
        ("--format", "-f"), "text for people, json for programs.", choices=LAYER_FORMATS,
        default="text"),
    "framework": Option(
        ("--framework",),
        "torch (conv_calc.nn) or keras (Keras 3 layers, channels_last); default: keras "
        "for a Keras-only class name (Conv2D) or prefix (keras.layers.), else torch.",
        choices=FRAMEWORKS),
    "train": MODE,
}

OPTIONS = {"stack": STACK, "layer": LAYER}

#: ``conv-calc layers`` (no argument, so not on the fast path): parameter name -> option.
LAYERS: dict[str, Option] = {
    "framework": Option(
        ("--framework",), "torch (conv_calc.nn) or keras (Keras 3 layers).",
        choices=FRAMEWORKS, default="torch"),
    "fmt": Option(
        ("--format", "-f"), "text for people, json for programs.", choices=LAYER_FORMATS,
        default="text"),
}

#: The options of ``layer``'s short form (a layer name and its arguments), in message order.
SHORT_FORM = ("kernel_size", "stride", "padding", "dilation", "output_padding", "groups",
              "in_channels", "out_channels", "ceil_mode", "bias")


def defaults(command: str) -> dict[str, Any]:
    """Every option of ``command`` at its default."""
    return {name: option.default for name, option in OPTIONS[command].items()}


def short_form(values: dict[str, Any]) -> dict[str, Any]:
    """The short-form options given, in order: those left at their default are not passed."""
    return {name: values[name] for name in SHORT_FORM if values[name] != LAYER[name].default}


def run(command: str, target: str, given: dict[str, Any]) -> int:
    """Run ``stack FILE`` or ``layer LAYER`` with the options ``given`` (plain values, by
    parameter name; the others at their default); returns the exit code."""
    values = {**defaults(command), **given}
    # Deferred: the Typer path imports this module for every command, and only these two
    # need the engine and the renderers.
    if command == "stack":
        from conv_calc.cli.stack import run as run_stack

        return run_stack(target, values["input"], values["fmt"], framework=values["framework"],
                         mode=mode_of(values["train"]), output=values["output"],
                         depth=values["depth"])
    from conv_calc.cli.layer import run as run_layer

    return run_layer(target, values["input"], short_form(values), values["output_size"],
                     values["fmt"], framework=values["framework"], mode=mode_of(values["train"]))
