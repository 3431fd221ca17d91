"""``conv-calc solve``: padding, stride/dilation, output_padding and input sizes, asked backwards.

Every subcommand prints a readable answer or, with ``--format json``, one JSON
object (``schema_version``, ``question``, ...). Exit 0 on an answer -- "no
solution" is an answer -- and 2 on bad usage or input.

:mod:`conv_calc.cli.app` imports this module for every command, so the solvers,
the layer and stack readers and the JSON writer are imported inside the
subcommands that use them (each such import is marked "deferred: start-up").
"""

from __future__ import annotations

import re
import sys
from enum import Enum
from typing import Annotated, Any, Optional

import typer

from conv_calc.cli.ctor import CtorError, ShapeError, parse_ctor, parse_shape
from conv_calc.cli.exits import fail, input_exists
from conv_calc.cli.options import MODE, mode_of
from conv_calc.errors import LayerError, hint_of

SCHEMA_VERSION = 1
#: Strides up to this many residues get one entry per residue in answers; larger ones ranges.
RESIDUE_LIMIT = 64
#: Most sizes `solve input-sizes --list` writes per axis (the count is always exact).
LIST_LIMIT = 100_000


class LayerFormat(str, Enum):
    text = "text"
    json = "json"


solve_app = typer.Typer(
    name="solve",
    help=(
        "Ask backwards: which padding, stride, output_padding or input size gives a shape.\n\n"
        "\b\nExamples:\n"
        "  conv-calc solve padding 'Conv2d(3, 8, 3, stride=2)' --input 224 --output 112\n"
        "  conv-calc solve stride 'Conv1d(1, 1, 3)' --input 32 --output 4 --max-stride 8\n"
        "  conv-calc solve output-padding 'Conv2d(3, 8, 3, stride=2, padding=1)' --input 224\n"
        "  conv-calc solve input-sizes examples/unet-padded.yaml --range 1..100000\n\n"
        "Exit codes: 0 an answer (including 'no solution'), 2 usage or malformed input."
    ),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)

FormatOpt = Annotated[LayerFormat, typer.Option("--format", "-f",
                                                help="text for people, json for programs.")]


def _layer(text: str) -> Any:
    from conv_calc.cli.layer import lookup  # deferred: start-up

    try:
        ctor = parse_ctor(text)
    except CtorError as err:
        fail(f"LAYER: {err} (column {err.column})", err.hint)
    cls = lookup(ctor.type)
    try:
        return cls(*ctor.args, **ctor.kwargs)
    except LayerError as err:
        fail(f"{ctor.type}: {err}", hint_of(err))
    except TypeError as err:
        fail(f"{ctor.type}: {err}", f"write the arguments as torch's {ctor.type} takes them.")


def _sizes(text: str | None, what: str) -> tuple[int, ...] | None:
    if text is None:
        return None
    try:
        sizes = parse_shape(text)
    except ShapeError as err:
        fail(f"{what}: {err}", err.hint)
    if not sizes or any(v < 1 for v in sizes):
        fail(f"{what}: sizes must be positive, got {text!r}", "give sizes >= 1, e.g. 224x224.")
    return input_exists(sizes)


def _spatial(sizes: tuple[int, ...], layer: Any, what: str) -> tuple[int, ...]:
    """Spatial sizes (224, 224x224) or a full shape (1x3x224x224): the spatial part."""
    from conv_calc.solve.layer import layer_axes, SolveError  # deferred: start-up

    try:
        nd = layer_axes(layer)["nd"]
    except SolveError as err:
        fail(str(err), err.hint)
    if len(sizes) == nd + 2:
        return sizes[2:]
    if len(sizes) in (1, nd):
        return sizes
    fail(f"{what}: {len(sizes)} sizes for a {nd}-d layer",
         f"give one size for every axis, {nd} sizes, or the full shape (N, C, ...).")


def _emit(payload: dict, text: str, fmt: LayerFormat) -> None:
    if fmt == LayerFormat.json:
        from conv_calc.render.report import dumps  # deferred: start-up

        payload = {"schema_version": SCHEMA_VERSION, **payload}
        sys.stdout.write(dumps(payload, ensure_ascii=True))
    else:
        sys.stdout.write(text.rstrip("\n") + "\n")


def _guard(fn):
    """Turn SolveError into exit 2 with its hint."""
    from conv_calc.solve.layer import SolveError  # deferred: start-up

    try:
        return fn()
    except SolveError as err:
        fail(str(err), err.hint)


# ---------------------------------------------------------------- padding

@solve_app.command(no_args_is_help=True)
def padding(
    layer: Annotated[str, typer.Argument(metavar="LAYER",
                                         help="A conv or pool constructor, e.g. 'Conv2d(3, 8, 3, stride=2)'.")],
    input: Annotated[str, typer.Option("--input", "-i", metavar="SIZE",
                                       help="Input size: 224, 224x200 or 1x3x224x224.")],
    output: Annotated[str, typer.Option("--output", "-o", metavar="SIZE",
                                        help="Wanted output size: 112 or 112x100.")],
    fmt: FormatOpt = LayerFormat.text,
) -> None:
    """The padding that gives a target output size (symmetric, else the minimal asymmetric pair).

    \b
    Examples:
      conv-calc solve padding 'Conv2d(3, 8, 3, stride=2)' --input 224 --output 112
      conv-calc solve padding 'Conv1d(1, 1, 4)' --input 10 --output 10
      conv-calc solve padding 'MaxPool2d(3, stride=2, ceil_mode=True)' -i 112 -o 56
    """
    from conv_calc.solve.layer import solve_padding  # deferred: start-up

    lay = _layer(layer)
    ins = _spatial(_sizes(input, "--input"), lay, "--input")
    outs = _spatial(_sizes(output, "--output"), lay, "--output")
    ans = _guard(lambda: solve_padding(lay, ins, outs))
    lines = [f"{lay!r}: input {_x(ans.axes[i].input for i in range(len(ans.axes)))} -> "
             f"output {_x(a.output for a in ans.axes)}"]
    for name, a in zip(_axis_names(len(ans.axes)), ans.axes):
        sym = ", ".join(map(str, a.symmetric)) if a.symmetric else "none"
        asym = f"(left {a.asymmetric[0]}, right {a.asymmetric[1]})" if a.asymmetric else \
            f"none ({a.reason})"
        lines.append(f"  {name}: symmetric padding {sym}; minimal asymmetric {asym}")
    if ans.padding is not None:
        lines.append(f"answer: padding={_tup(ans.padding)}  ->  {ans.layer_with_padding!r}")
    elif ans.pad is not None:
        lines.append("answer: no symmetric padding works; pad asymmetrically:")
        lines.append(f"  {ans.pad_layers[0]!r}, then {ans.pad_layers[1]!r}")
    else:
        lines.append("answer: no padding gives this output size")
    if ans.output_shape is not None:
        lines.append(f"checked: output_shape {_tup(ans.output_shape)}")
    payload = {
        "question": "padding", "layer": repr(lay), "input": list(ins), "output": list(outs),
        "axes": [{"axis": n, "symmetric": list(a.symmetric),
                  "asymmetric": None if a.asymmetric is None else list(a.asymmetric),
                  "reason": a.reason or None}
                 for n, a in zip(_axis_names(len(ans.axes)), ans.axes)],
        "padding": None if ans.padding is None else list(ans.padding),
        "pad": None if ans.pad is None else list(ans.pad),
        "solved": ans.padding is not None or ans.pad is not None,
        "output_shape": None if ans.output_shape is None else list(ans.output_shape),
    }
    _emit(payload, "\n".join(lines), fmt)


# ---------------------------------------------------------------- stride / dilation

@solve_app.command(no_args_is_help=True)
def stride(
    layer: Annotated[str, typer.Argument(metavar="LAYER", help="A conv or pool constructor.")],
    input: Annotated[str, typer.Option("--input", "-i", metavar="SIZE", help="Input size.")],
    output: Annotated[str, typer.Option("--output", "-o", metavar="SIZE", help="Wanted output size.")],
    max_stride: Annotated[int, typer.Option("--max-stride", min=1, max=1_000_000,
                                            help="Largest stride considered.")] = 64,
    max_dilation: Annotated[int, typer.Option("--max-dilation", min=1, max=100_000,
                                              help="Largest dilation considered.")] = 16,
    fmt: FormatOpt = LayerFormat.text,
) -> None:
    """The (stride, dilation) pairs, within bounds, that give a target output size, per axis.

    \b
    Examples:
      conv-calc solve stride 'Conv1d(1, 1, 3)' --input 32 --output 4 --max-stride 8
      conv-calc solve stride 'MaxPool2d(2)' -i 224 -o 56
    """
    from conv_calc.solve.layer import solve_stride_dilation  # deferred: start-up

    lay = _layer(layer)
    ins = _spatial(_sizes(input, "--input"), lay, "--input")
    outs = _spatial(_sizes(output, "--output"), lay, "--output")
    ans = _guard(lambda: solve_stride_dilation(lay, ins, outs, max_stride, max_dilation))
    lines = [f"{lay!r}: input {_x(ins)} -> output {_x(outs)} "
             f"(stride <= {max_stride}, dilation <= {max_dilation})"]
    axes_json = []
    for name, n, t, ranges in zip(_axis_names(len(ans.axes)), ans.input, ans.output, ans.axes):
        if not ranges:
            lines.append(f"  {name}: {n} -> {t}: no stride/dilation within the bounds")
        for r in ranges:
            s = (f"stride {r.stride_min}" if r.stride_min == r.stride_max
                 else f"stride {r.stride_min}..{r.stride_max}")
            lines.append(f"  {name}: {n} -> {t}: {s} with dilation {r.dilation}")
        axes_json.append({"axis": name, "input": n, "output": t,
                          "solutions": [{"dilation": r.dilation, "stride_min": r.stride_min,
                                         "stride_max": r.stride_max} for r in ranges]})
    payload = {"question": "stride", "layer": repr(lay), "max_stride": max_stride,
               "max_dilation": max_dilation, "axes": axes_json,
               "solved": all(a["solutions"] for a in axes_json)}
    _emit(payload, "\n".join(lines), fmt)


# ---------------------------------------------------------------- output_padding

@solve_app.command("output-padding", no_args_is_help=True)
def output_padding(
    conv: Annotated[str, typer.Argument(metavar="CONV",
                                        help="The conv to invert, e.g. 'Conv2d(3, 8, 3, stride=2, padding=1)'.")],
    input: Annotated[Optional[str], typer.Option(
        "--input", "-i", metavar="SIZE",
        help="The conv's input size; without it, the rule for every size.")] = None,
    transposed: Annotated[Optional[str], typer.Option(
        "--transposed", "-t", metavar="LAYER",
        help="The transposed conv to use (default: the conv mirrored: same k, s, p, d).")] = None,
    fmt: FormatOpt = LayerFormat.text,
) -> None:
    """The output_padding (or output_size) that makes a transposed conv undo a conv.

    \b
    Examples:
      conv-calc solve output-padding 'Conv2d(3, 8, 3, stride=2, padding=1)' --input 224
      conv-calc solve output-padding 'Conv1d(1, 1, 5, stride=3)'
      conv-calc solve output-padding 'Conv2d(3, 8, 3, 2, 1)' -t 'ConvTranspose2d(8, 3, 4, 2, 1)' -i 57
    """
    from conv_calc.solve.transposed import solve_output_padding  # deferred: start-up

    lay = _layer(conv)
    tlay = None if transposed is None else _layer(transposed)
    ins = None if input is None else _spatial(_sizes(input, "--input"), lay, "--input")
    ans = _guard(lambda: solve_output_padding(lay, ins, tlay))
    names = _axis_names(len(ans.rule))
    lines = [f"invert {lay!r}", f"  with {ans.transposed!r}"]
    for name, rule in zip(names, ans.rule):
        if not rule.period:
            lines.append(f"  {name}: {rule.formula}")
            continue
        if rule.period <= RESIDUE_LIMIT:
            cells = ", ".join(f"n%{rule.period}={r}: {'none' if op is None else op}"
                              for r, op in enumerate(rule.table))
        else:  # a huge stride: the residues as ranges, never one entry each
            cells = ", ".join(
                (f"n%{rule.period} in {lo}..{hi}: " if hi > lo else f"n%{rule.period}={lo}: ")
                + ("none" if op is None else f"{op}..{op + hi - lo}" if hi > lo else f"{op}")
                for lo, hi, op in rule.runs())
        lines.append(f"  {name}: {rule.formula}   [{cells}]")
    if ins is not None:
        lines.append(f"for input {_x(ins)} (conv output {_x(ans.conv_output)}):")
        if ans.output_padding is None:
            lines.append(f"  no solution: {ans.reason}")
        else:
            lines.append(f"  output_padding={_tup(ans.output_padding)}  ->  {ans.layer!r}")
            lines.append(f"  or forward(x, output_size={list(ans.output_size)})")
    payload = {
        "question": "output_padding", "conv": repr(lay), "transposed": repr(ans.transposed),
        "rule": [{"axis": n, "period": r.period, "formula": r.formula,
                  # Per residue up to RESIDUE_LIMIT of them; "runs" says the same for any stride.
                  "by_residue": list(r.table) if r.period <= RESIDUE_LIMIT else None,
                  "runs": [{"from": lo, "to": hi, "output_padding": op}
                           for lo, hi, op in (r.runs() if r.period else [])]}
                 for n, r in zip(names, ans.rule)],
        "input": None if ins is None else list(ins),
        "conv_output": None if ans.conv_output is None else list(ans.conv_output),
        "output_padding": None if ans.output_padding is None else list(ans.output_padding),
        "output_size": None if ans.output_size is None else list(ans.output_size),
        "reason": ans.reason or None,
    }
    _emit(payload, "\n".join(lines), fmt)


# ---------------------------------------------------------------- input sizes

@solve_app.command("input-sizes", no_args_is_help=True)
def input_sizes(
    file: Annotated[str, typer.Argument(metavar="FILE", help="A stack file; '-' reads stdin.")],
    range_: Annotated[str, typer.Option("--range", "-r", metavar="LO..HI",
                                        help="The sizes to report (default 1..1024).")] = "1..1024",
    axis: Annotated[Optional[str], typer.Option(
        "--axis", "-a", metavar="AXIS",
        help="H, W, D, L or a negative dim (default: every spatial axis).")] = None,
    input: Annotated[Optional[str], typer.Option(
        "--input", "-i", metavar="SHAPE",
        help="The shape whose other dims are held (default: the file's input).")] = None,
    list_all: Annotated[bool, typer.Option("--list", help="List every size in the range.")] = False,
    square: Annotated[bool, typer.Option(
        "--square", help="Every spatial axis the same size n: the n the network accepts.")] = False,
    joint: Annotated[bool, typer.Option(
        "--joint", help="Every axis at once: the per-axis sets if independent, "
                        "else the combinations that fail.")] = False,
    fmt: FormatOpt = LayerFormat.text,
    train: Annotated[Optional[bool], typer.Option(
        *MODE.decls, help=MODE.help, show_default=False)] = None,
) -> None:
    """Every input size the network accepts, per axis: smallest, closed form, count in a range.

    Per axis, the other dims (channels, the other axes) keep the file's input values;
    --square asks for (n, n) / (n, n, n) inputs, --joint for every axis at once.

    \b
    Examples:
      conv-calc solve input-sizes examples/unet-padded.yaml
      conv-calc solve input-sizes examples/resnet50.yaml --range 1..100000 --axis H
      conv-calc solve input-sizes net.yaml --range 100..200 --list --format json
      conv-calc solve input-sizes examples/googlenet.yaml --eval   # as after model.eval()
      conv-calc solve input-sizes examples/resnet18.yaml --square
      conv-calc solve input-sizes examples/unet-padded.yaml --joint
    """
    from conv_calc.cli.stack import load  # deferred: start-up
    from conv_calc.solve.stack import solve_input_sizes

    lo, hi = _range(range_)
    shape = None
    if input is not None:
        shape = _sizes(input, "--input")
    network = load(file)
    full = shape or network.input_shape
    if not full:
        fail("no input shape: give one in the file (input: [...]) or with --input",
             "e.g. --input 1x3x224x224.")
    axes = None
    if square and joint:
        fail("--square and --joint ask different questions: give one of them",
             "--square: the sizes n of (n, n) inputs; --joint: every axis at once.")
    if axis is not None:
        if square or joint:
            fail("--axis asks about one axis; --square and --joint about all of them",
                 "drop --axis, or --square/--joint.")
        axes = (_axis(axis, len(full)),)
    mode = mode_of(train) or network.mode
    name = '<stdin>' if file == '-' else file
    if square or joint:
        _joint(network, full, mode, name, square, lo, hi, list_all, fmt)
        return
    answers = _guard(lambda: solve_input_sizes(network, full, axes, mode))
    held = _x(full[2:]) if len(full) > 3 else ""  # N, C, then two or three spatial axes
    lines = [f"{name}: input {_x(full)}, sizes {lo}..{hi}; per axis"
             + (f", the other axes held at {'--input' if input else 'the file'}'s {held} "
                "(--square, --joint: all axes at once)" if held else "")]
    out = []
    for a in answers:
        count = a.count(lo, hi)
        sizes = a.sizes(lo, hi, LIST_LIMIT) if (list_all or count <= 30) else None
        first = a.sizes(lo, hi, 1)
        lines.append(f"  {a.axis} (dim {a.dim}): " + (
            f"{a.form.text()}" if a.classes else f"no size works: {a.blocked}"))
        if a.classes:
            lines.append(f"      smallest {a.smallest}; {count} size(s) in {lo}..{hi}"
                         + (f", first {first[0]}" if first and first[0] != a.smallest else ""))
            if sizes is not None and count:
                lines.append("      " + ", ".join(map(str, sizes)))
                if count > len(sizes):
                    lines.append(f"      (the first {len(sizes):,} of {count:,} listed: "
                                 "narrow --range for the others)")
        out.append({"axis": a.axis, "dim": a.dim, "closed_form": a.form.text() if a.classes else None,
                    "period": a.form.period,
                    "progressions": [{"start": s, "step": a.form.period} for s in a.form.starts],
                    "exceptions": list(a.form.exceptions), "smallest": a.smallest,
                    "count": count, "sizes": sizes, "blocked": a.blocked or None,
                    # sizes holds at most LIST_LIMIT sizes, the smallest; count has them all.
                    "sizes_truncated": sizes is not None and count > len(sizes)})
    payload = {"question": "input_sizes", "axes_question": "per_axis", "file": file,
               "input": list(full), "range": [lo, hi], "axes": out, "mode": mode}
    lines.append(f"mode: {mode}")
    _emit(payload, "\n".join(lines), fmt)


def _joint(network, full, mode, name, square, lo, hi, list_all, fmt) -> None:
    from conv_calc.cli.solve_joint import joint_report  # deferred: start-up
    from conv_calc.solve.joint import solve_joint

    ans = _guard(lambda: solve_joint(network, full, mode))
    nd = len(ans.axes)
    what = ("square inputs: every spatial axis the same size n" if square else
            "every spatial axis at once")
    lines = [f"{name}: input {_x(full)}, sizes {lo}..{hi}; {what} "
             f"({_x(full[:len(full) - nd])} kept)"]
    more, fields = joint_report(ans, square, lo, hi, LIST_LIMIT, list_all)
    payload = {"question": "input_sizes", "axes_question": "square" if square else "joint",
               "file": "-" if name == "<stdin>" else name, "input": list(full),
               "range": [lo, hi], **fields, "mode": mode}
    _emit(payload, "\n".join(lines + more + [f"mode: {mode}"]), fmt)


# ---------------------------------------------------------------- small helpers

def _range(text: str) -> tuple[int, int]:
    # [0-9] with at most 19 digits: int() would also take '1_000', other scripts' digits
    # and numbers whose sizes no tensor can have.
    found = re.fullmatch(r"\s*([0-9]{1,19})\s*\.\.\s*([0-9]{1,19})\s*", text)
    if found is None:
        fail(f"--range: expected LO..HI such as 1..100000, got {text!r}",
             "write two whole numbers (below 2**63) joined by '..', e.g. --range 1..1024.")
    lo, hi = int(found[1]), int(found[2])
    if lo < 1 or hi < lo:
        fail(f"--range: need 1 <= LO <= HI, got {text!r}",
             "sizes start at 1 and the range goes upwards, e.g. --range 32..512.")
    return lo, hi


def _axis(text: str, rank: int) -> int:
    names = {"L": -1, "W": -1, "H": -2, "D": -3}
    t = text.strip()
    if t.upper() in names:
        return names[t.upper()]
    if not re.fullmatch(r"[+-]?[0-9]{1,19}", t):
        fail(f"--axis: expected H, W, D, L or a dim number, got {text!r}",
             "name a spatial axis (H, W, D, L) or give its dim, e.g. -1 for the last.")
    v = int(t)
    if not -rank <= v < rank or (v % rank) < 2:
        fail(f"--axis: {v} is not a spatial dim of a rank-{rank} input",
             f"the spatial dims of a rank-{rank} input are {2 - rank}..-1 "
             f"(or 2..{rank - 1}).")
    return v - rank if v >= 0 else v


def _axis_names(nd: int) -> tuple[str, ...]:
    from conv_calc.solve.stack import AXIS_NAMES  # deferred: start-up

    return AXIS_NAMES.get(nd, tuple(f"dim{i}" for i in range(nd)))


def _x(values) -> str:
    return "x".join(str(v) for v in values)


def _tup(values) -> str:
    values = tuple(values)
    return str(values)
