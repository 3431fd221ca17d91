"""Turn reports into text: JSON, markdown, CSV and the plain error blocks.

Nothing here imports rich: the rich table lives in :mod:`conv_calc.render.table`
and is imported only by the table format. Machine formats are plain strings the
CLI writes with ``sys.stdout.write``, never through a rich console (which would
wrap them and eat ``[...]``).

>>> from fractions import Fraction
>>> jsonable((3, Fraction(1, 2), Fraction(4, 2)))
[3, '1/2', 2]
>>> fmt_axes((7, 7)), fmt_axes((7, 5)), fmt_axes((Fraction(1, 2),))
('7', '(7, 5)', '1/2')
"""

from __future__ import annotations

import io
from fractions import Fraction
from typing import Any, Callable, Iterator

from conv_calc.errors import hint_of
from conv_calc.render import json_text
from conv_calc.render.blocks import fold

__all__ = [
    "SCHEMA_VERSION", "mode_line", "jsonable", "fmt_axes", "fmt_shape", "fmt_int",
    "rf_dict", "source_dict", "error_dict", "row_dict", "report_dict", "report_json",
    "report_json_chunks", "dumps",
    "report_markdown", "report_csv", "csv_axes", "fmt_index", "row_cells", "COLUMNS",
    "format_layer_error", "format_problems",
]

#: Version of the JSON documents; fields are only ever added.
SCHEMA_VERSION = 1

#: Receptive-field fields, in the order of conv_calc.receptive.ReceptiveField.
RF_FIELDS = ("size", "size_min", "jump", "start", "effective_padding")

#: Table columns (header, right-aligned?) shared by the table, markdown and CSV.
COLUMNS = (
    ("#", True), ("name", False), ("type", False), ("output shape", False),
    ("RF size", True), ("jump", True), ("start", True), ("params", True), ("MACs", True),
)
CSV_HEADER = ("index", "name", "type", "input_shape", "output_shape", "rf_size", "rf_jump",
              "rf_start", "params", "macs", "config", "rows", "status", "mode")
FAIL_MARK = "✗"
_INTS = frozenset((int,))


def jsonable(value: Any) -> Any:
    """JSON form of a value: a Fraction as ``"p/q"`` (an integer one as a number), tuples as lists."""
    kind = type(value)
    if kind is int or kind is str:  # the common cases first: isinstance of Fraction is slow
        return value
    if (kind is tuple or kind is list) and _INTS.issuperset(map(type, value)):
        return list(value)
    if isinstance(value, Fraction):
        return value.numerator if value.denominator == 1 else f"{value.numerator}/{value.denominator}"
    if isinstance(value, (tuple, list)):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    return value


def _num(value: Any) -> str:
    if isinstance(value, Fraction) and value.denominator != 1:
        return f"{value.numerator}/{value.denominator}"
    if isinstance(value, Fraction):
        return str(value.numerator)
    return str(value)


def fmt_axes(values: Any) -> str:
    """One value per spatial axis: a single number when they agree."""
    if values is None:
        return "-"
    values = tuple(values) if isinstance(values, (tuple, list)) else (values,)
    if not values:
        return "-"
    if all(v == values[0] for v in values):
        return _num(values[0])
    return "(" + ", ".join(_num(v) for v in values) + ")"


def fmt_shape(shape: Any) -> str:
    """``[1, 64, 112, 112]``, as torch prints sizes."""
    return "-" if shape is None else "[" + ", ".join(str(d) for d in shape) + "]"


def fmt_int(value: int) -> str:
    """Thousands separated: ``9,408``."""
    return f"{value:,}"


def rf_dict(rf: Any) -> dict[str, Any] | None:
    """The receptive field as JSON: one list entry per spatial axis."""
    if rf is None:
        return None
    out = {name: jsonable(getattr(rf, name)) for name in RF_FIELDS if hasattr(rf, name)}
    aligned = getattr(rf, "aligned", None)
    if aligned is not None:
        out["aligned"] = jsonable(aligned)
    return out


def source_dict(source: Any) -> dict[str, Any] | None:
    if source is None:
        return None
    if getattr(source, "where", None) is not None:  # a model file: no line of it to give
        return {"file": source.file, "where": source.where}
    out = {"file": source.file, "line": source.line, "column": source.column}
    for name in ("end_line", "end_column"):
        if getattr(source, name, None) is not None:
            out[name] = getattr(source, name)
    return out


def error_dict(error: BaseException, failed: Any = None) -> dict[str, Any]:
    """A layer error as JSON: the builtin class torch raises, torch's message, the hint."""
    builtin = getattr(error, "builtin", None)
    out: dict[str, Any] = {
        "type": builtin.__name__ if builtin is not None else type(error).__name__,
        "message": str(error),
        "hint": hint_of(error),
        "stage": getattr(error, "stage", None),
        "layer": getattr(error, "layer", None),
    }
    if failed is not None:
        out["index"] = failed.index
        out["source"] = source_dict(failed.source)
    return out


def row_dict(row: Any, field: Callable[[Any], Any] = rf_dict) -> dict[str, Any]:
    """One analysed layer as JSON (a row of ``conv-calc stack`` and of ``conv-calc lint``);
    ``field`` writes its receptive field."""
    return {
        "index": row.index,
        "name": row.name,
        "type": row.type,
        "input_shape": jsonable(row.input_shape),
        "output_shape": jsonable(row.output_shape),
        "params": row.params,
        "macs": row.macs,
        "receptive_field": field(row.receptive_field),
        "source": source_dict(row.source),
    }


def report_dict(report: Any, file: str | None = None) -> dict[str, Any]:
    """A :class:`conv_calc.graph.nodes.Report` as the ``conv-calc stack --format json`` document."""
    failed = report.failed
    return {
        "schema_version": SCHEMA_VERSION,
        "file": file,
        "ok": report.error is None,
        "mode": getattr(report, "mode", "train"),
        "input_shape": jsonable(report.input_shape),
        "output_shape": jsonable(report.output_shape),
        "total_params": report.total_params,
        "total_macs": report.total_macs,
        "layers": [row_dict(row) for row in report.layers],
        "failed": None if failed is None else {
            "index": failed.index,
            "name": failed.name,
            "type": failed.type,
            "input_shape": jsonable(failed.input_shape),
            "source": source_dict(failed.source),
        },
        "error": None if report.error is None else error_dict(report.error, failed),
        "outputs": {name: jsonable(shape) for name, shape in report.outputs.items()},
    }


def report_json(report: Any, file: str | None = None) -> str:
    return "".join(report_json_chunks(report, file))


#: Stands for the rows in the document written around them (no row is a string).
_ROWS = "\x00rows\x00"


def report_json_chunks(report: Any, file: str | None = None) -> Iterator[str]:
    """:func:`report_json` a row at a time: the text of ``dumps(report_dict(report, file))``
    without holding every row's dict and text at once (a 100,000-layer report is ~80 MB
    of JSON)."""
    if not report.layers:
        yield dumps(report_dict(report, file))
        return
    writer = json_text.JsonWriter(ensure_ascii=False)
    document = report_dict(_NoRows(report), file)
    document["layers"] = [_ROWS]
    pieces = writer.text(document).split(writer.quote(_ROWS))
    if len(pieces) != 2:  # the marker inside a message: write the document whole
        yield dumps(report_dict(report, file))
        return
    head, tail = pieces
    yield head
    separator = "," + writer.pad(2)
    # Rows whose layer leaves the field as it was (norms, activations) share its object:
    # its text is written once. The report keeps every field alive, so ids stay unique.
    written: dict[int, json_text.Raw] = {}

    def field(rf: Any) -> Any:
        done = written.get(id(rf))
        if done is None:
            done = written[id(rf)] = json_text.Raw(writer.text(rf_dict(rf), depth=3))
        return done

    for i, row in enumerate(report.layers):
        yield (separator if i else "") + writer.text(row_dict(row, field), depth=2)
    yield tail + "\n"


class _NoRows:
    """A report seen without its rows (the rest of :func:`report_dict` reads through)."""

    layers: tuple[Any, ...] = ()

    def __init__(self, report: Any) -> None:
        self._report = report

    def __getattr__(self, name: str) -> Any:
        return getattr(self._report, name)


def dumps(document: Any, *, ensure_ascii: bool = False) -> str:
    """The JSON text of every command: indented by 2, key order kept, a final newline.

    >>> print(dumps({"shape": [1, 3], "name": "конв"}), end="")
    {
      "shape": [
        1,
        3
      ],
      "name": "конв"
    }

    ``ensure_ascii=True`` escapes non-ASCII text, as ``conv-calc solve`` has always written it.
    """
    # The same text as json.dumps(document, indent=2), written without its generators.
    return json_text.dumps(document, ensure_ascii=ensure_ascii) + "\n"


def fmt_index(row: Any) -> str:
    """The ``#`` cell: the row's index, or the range of rows a folded block stands for."""
    last = getattr(row, "last_index", row.index)
    return str(row.index) if last == row.index else f"{row.index}-{last}"


def row_cells(row: Any) -> list[str]:
    """The table cells of one row, as strings (digits never abbreviated)."""
    rf = row.receptive_field
    return [
        fmt_index(row), row.name, row.type, fmt_shape(row.output_shape),
        fmt_axes(getattr(rf, "size", None)), fmt_axes(getattr(rf, "jump", None)),
        fmt_axes(getattr(rf, "start", None)), fmt_int(row.params), fmt_int(row.macs),
    ]


def failed_cells(report: Any) -> list[str] | None:
    """The cells of the failing row (marked), or None."""
    failed = report.failed
    if failed is None:
        return None
    builtin = getattr(report.error, "builtin", None)
    kind = builtin.__name__ if builtin is not None else type(report.error).__name__
    return [f"{FAIL_MARK} {failed.index}", failed.name, failed.type, f"{FAIL_MARK} {kind}",
            "", "", "", "", ""]


def total_cells(report: Any) -> list[str]:
    return ["", "total", "", fmt_shape(report.output_shape) if report.ok else "-",
            "", "", "", fmt_int(report.total_params), fmt_int(report.total_macs)]


def output_cells(report: Any) -> list[list[str]]:
    """A line per named output (``outputs:``), below the total: its name and shape."""
    return [["", f"output {name}", "", fmt_shape(shape), "", "", "", "", ""]
            for name, shape in report.outputs.items()]


def _md_escape(text: str) -> str:
    """A table cell's text: pipes and backslashes escaped, and HTML's three characters as
    entities (markdown passes raw HTML through: a layer named <script> must stay text).

    >>> print(_md_escape("<b>a|b</b> & c"))
    &lt;b&gt;a\\|b&lt;/b&gt; &amp; c
    """
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def report_markdown(report: Any, depth: int | None = None) -> str:
    """A GitHub-flavoured markdown table (the failing row marked, totals last), with each
    layer's configuration (``print(model)``'s arguments) in a last column; ``depth`` folds
    the rows below it into their block's row (:func:`conv_calc.render.blocks.fold`)."""
    lines = ["| " + " | ".join([*(h for h, _ in COLUMNS), "config"]) + " |",
             "|" + "|".join("---:" if right else "---" for _, right in COLUMNS) + "|---|"]
    rows = [[*row_cells(r), r.config] for r in fold(report.layers, depth)]
    fail = failed_cells(report)
    if fail is not None:
        rows.append([*fail, ""])
    rows.append(["**" + c + "**" if c else "" for c in total_cells(report)] + [""])
    rows.extend([*cells, ""] for cells in output_cells(report))
    for cells in rows:
        lines.append("| " + " | ".join(_md_escape(c) for c in cells) + " |")
    text = mode_line(report) + "\n\n" + "\n".join(lines) + "\n"
    if report.error is not None:
        text += "\n" + "\n".join("> " + _md_escape(line) if line else ">"
                                 for line in format_layer_error(report.error, report.failed)
                                 .splitlines()) + "\n"
    return text


def mode_line(report: Any) -> str:
    """The line every table output carries: the mode the layers were checked in.

    >>> from conv_calc.graph.report import Report
    >>> mode_line(Report((1, 3), ())), mode_line(Report((1, 3), (), mode="eval"))
    ('mode: train', 'mode: eval (as after model.eval())')
    """
    if getattr(report, "mode", "train") == "eval":
        return "mode: eval (as after model.eval())"
    return "mode: train"


def report_csv(report: Any, depth: int | None = None) -> str:
    """One row per layer with raw numbers; the failing layer last with status ``error``;
    then one line per named output (``outputs:``) with status ``output``: its name and shape.

    Every per-axis value is written as shapes are, one value per axis joined by ``x``
    (``7x5``, ``31/2x31/2``), whether or not the axes agree. ``config`` is the layer's
    arguments as ``print(model)`` shows them; ``rows`` how many layers a line stands for
    (``depth`` folds the rows below it into their block's line, whose ``index`` is its
    first row's).

    >>> from conv_calc import nn
    >>> from conv_calc.graph.nodes import Save
    >>> from conv_calc.graph.stack import Stack
    >>> net = Stack([nn.Conv2d(3, 4, 3), Save("a"), nn.ReLU(), Save("b")], outputs=("a", "b"))
    >>> print(report_csv(net.analyze((1, 3, 8, 8))).splitlines()[1])
    0,0,Conv2d,1x3x8x8,1x4x6x6,3x3,1x1,1x1,112,3888,"3, 4, kernel_size=(3, 3), stride=(1, 1)",1,ok,train
    >>> print(report_csv(net.analyze((1, 3, 8, 8))).splitlines()[-2:])
    [',a,output,,1x4x6x6,,,,,,,,output,train', ',b,output,,1x4x6x6,,,,,,,,output,train']
    """
    import csv  # noqa: PLC0415 - deferred: only the CSV format needs it

    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    mode = getattr(report, "mode", "train")
    for row in fold(report.layers, depth):
        rf = row.receptive_field
        writer.writerow([
            row.index, row.name, row.type, csv_axes(row.input_shape), csv_axes(row.output_shape),
            csv_axes(getattr(rf, "size", None)), csv_axes(getattr(rf, "jump", None)),
            csv_axes(getattr(rf, "start", None)), row.params, row.macs, row.config, row.rows,
            "ok", mode,
        ])
    failed = report.failed
    if failed is not None:
        writer.writerow([failed.index, failed.name, failed.type, csv_axes(failed.input_shape),
                         "", "", "", "", "", "", "", 1, "error", mode])
    for name, out in report.outputs.items():
        writer.writerow(["", name, "output", "", csv_axes(out), "", "", "", "", "", "", "",
                         "output", mode])
    return buf.getvalue()


def csv_axes(values: Any) -> str:
    """Per-axis values (a shape, a receptive field's sizes) in CSV: joined by ``x``.

    >>> csv_axes((1, 64, 112, 112)), csv_axes((Fraction(31, 2), 3)), csv_axes(None)
    ('1x64x112x112', '31/2x3', '')
    """
    if values is None:
        return ""
    values = tuple(values) if isinstance(values, (tuple, list)) else (values,)
    return "x".join(_num(v) for v in values)


def format_layer_error(error: BaseException, failed: Any = None) -> str:
    """The plain error block shown after a table: where, torch's message, the hint.

    >>> from conv_calc.errors import LayerRuntimeError
    >>> print(format_layer_error(LayerRuntimeError("boom", hint="fix it", stage="forward")))
    RuntimeError: boom
    hint: fix it
    """
    lines = []
    if failed is not None:
        where = f"layer {failed.index} '{failed.name}' ({failed.type})"
        if failed.source is not None:
            where += f" at {failed.source}"
        stage = getattr(error, "stage", None)
        when = {"init": "cannot be built", "forward": "fails in forward"}.get(stage, "fails")
        shape = "" if failed.input_shape is None else f" on input {fmt_shape(failed.input_shape)}"
        lines.append(f"error: {where} {when}{shape}:")
    builtin = getattr(error, "builtin", None)
    kind = builtin.__name__ if builtin is not None else type(error).__name__
    lines.append(f"{kind}: {error}")
    hint = hint_of(error)
    if hint:
        lines.append(f"hint: {hint}")
    return "\n".join(lines)


def format_problems(problems: Any, fallback_file: str = "<input>") -> str:
    """``file:line:col: message`` plus an indented hint, one block per problem."""
    lines = []
    for problem in problems:
        source = getattr(problem, "source", None)
        if source is not None:
            where = str(source) if getattr(source, "where", None) is not None else \
                f"{source.file}:{source.line}:{source.column}"
        else:
            where = fallback_file
        lines.append(f"{where}: {getattr(problem, 'message', problem)}")
        hint = hint_of(problem)
        if hint:
            lines.append(f"  hint: {hint}")
    return "\n".join(lines)
