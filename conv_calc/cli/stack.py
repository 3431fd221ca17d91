"""``conv-calc stack``: load a stack file, analyse it, print it in the chosen format.

Exit codes: 0 the network is fine, 1 a layer fails as torch would, 2 unreadable
or malformed file or a bad ``--input``.
"""

from __future__ import annotations

import gc
import os
import sys
from typing import Any, NoReturn

from conv_calc.cli.exits import EXIT_OK, EXIT_PROBLEM, Failure, fail
from conv_calc.errors import LayerError, StackFileError, hint_of
from conv_calc.interop import FILE_READERS, file_notes, file_reader
from conv_calc.render import report as render
from conv_calc.stackfile import load as spec
from conv_calc.stackfile.files import TooLarge, read_stream_bounded
from conv_calc.stackfile.vocabulary import MAX_BYTES

__all__ = ["load", "run"]

STDIN = "-"
STDIN_NAME = "<stdin>"


def load(file: str, fmt: str = "table", framework: str | None = None,
         input_shape: tuple[int, ...] | None = None) -> Any:
    """The :class:`~conv_calc.graph.nodes.Stack` of ``file`` (``-`` = stdin); problems -> exit 2.

    ``input_shape`` (``--input``) goes to an importer that takes it (``input_shape=``):
    an ONNX file with a dynamic input needs it to be read at all."""
    try:
        if file == STDIN:
            return spec.load_stack(_read_stdin(), filename=STDIN_NAME, framework=framework)
        reader = file_reader(file)
        if reader is not None:
            # A model file (.keras, .onnx): imported to a stack document, then read as
            # the file `conv-calc import` would write, so both give the same table.
            import inspect  # noqa: PLC0415 - deferred, as everything only model files need

            from conv_calc.interop.locate import Locator, default_origins  # noqa: PLC0415
            from conv_calc.stackfile.yaml_writer import dump_stack  # noqa: PLC0415

            takes = inspect.signature(reader).parameters
            origins: list[str] = []
            options: dict[str, Any] = {"origins": origins} if "origins" in takes else {}
            if "input_shape" in takes:
                options["input_shape"] = input_shape
            document, header = reader(file, **options)
            _notes(file, header)
            text = dump_stack(document, header)
            # Problems and rows are located in the model file, not in the YAML just written.
            where = Locator(text, origins or default_origins(document))
            try:
                network = spec.load_stack(text.encode("utf-8"), filename=file,
                                          framework=framework)
            except StackFileError as err:
                raise where.problems(err) from None
            return where.stack(network)
        return spec.load_file(file, framework=framework)
    except OSError as err:  # the loader reports unreadable files as problems; belt and braces
        fail(f"cannot read {file}: {err.strerror or err}", "check the path and its permissions.")
    except LayerError:
        raise
    except ValueError as err:
        _problems(err, STDIN_NAME if file == STDIN else file, fmt)


def _notes(file: str, header: list[str]) -> None:
    """An importer's `note:` lines (how its parameters were counted) beside the table."""
    for line in header:
        if line.startswith("note: "):
            sys.stderr.write(f"{file}: {line}\n")


def _read_stdin() -> bytes:
    """Standard input, capped as files are (a pipe from /dev/zero must not fill memory)."""
    buffer = getattr(sys.stdin, "buffer", None)
    try:
        if buffer is not None:
            return read_stream_bounded(buffer, MAX_BYTES)
        return sys.stdin.read(MAX_BYTES + 1).encode("utf-8")  # pragma: no cover - text-only stdin
    except TooLarge as err:
        fail(f"cannot read {STDIN_NAME}: {err.strerror}",
             "a stack file is text of a few kilobytes; check what is piped in.")


def _problems(err: ValueError, file: str, fmt: str = "table") -> NoReturn:
    problems = getattr(err, "problems", None)
    if fmt == "json":
        # Machine readers get the problems as data on stdout too (the text stays on stderr).
        sys.stdout.write(_problems_json(err, file))
    if problems:
        count = len(problems)
        raise Failure(render.format_problems(problems, file) + "\n"
                      + f"{file}: {count} problem{'s' if count != 1 else ''}, "
                        "the network was not analysed\n")
    hint = hint_of(err)
    # Problems found after loading (no input shape anywhere) concern the whole
    # document: located at its start, as every malformed input is.
    # A model file (.keras, .onnx) has no lines: its importer's message names the layer.
    place = file if os.path.splitext(file)[1].lower() in FILE_READERS else f"{file}:1:1"
    raise Failure(f"{place}: {err}\n" + (f"  hint: {hint}\n" if hint else ""))


def _problems_json(err: ValueError, file: str) -> str:
    problems = getattr(err, "problems", None) or ()
    items = [{"code": getattr(p, "code", None), "message": p.message, "hint": p.hint,
              "source": render.source_dict(p.source)}
             for p in problems]
    if not items:
        items = [{"code": None, "message": str(err), "hint": hint_of(err),
                  "source": None}]
    return render.dumps({"schema_version": render.SCHEMA_VERSION, "file": file, "ok": False,
                         "malformed": True, "problems": items})


def run(file: str, input_text: str | None, fmt: str, framework: str | None = None,
        mode: str | None = None, output: str | None = None, depth: str | None = None) -> int:
    """``mode`` ("train" or "eval", from --train/--eval) overrides the file's `mode:`;
    ``output`` is where ``--format html`` writes (None: standard output); ``depth``
    (--depth N) folds the rows deeper than N into their blocks' rows."""
    # The cyclic collector re-walks every live object as the rows pile up, which made a
    # long file's cost per layer grow with its length (35% of the time at 20,000 layers).
    # The work is bounded (MAX_LAYERS, MAX_BYTES) and its few cycles are freed when the
    # collector is back on.
    paused = gc.isenabled()
    gc.disable()
    try:
        return _run(file, input_text, fmt, framework, mode, output, depth)
    finally:
        if paused:
            gc.enable()


def _run(file: str, input_text: str | None, fmt: str, framework: str | None,
         mode: str | None, output: str | None, depth: str | None) -> int:
    if output is not None and fmt != "html":
        fail("-o/--output goes with --format html", "redirect the other formats: "
             "conv-calc stack net.yaml --format json > report.json")
    levels = _depth(depth, fmt)
    shape = None
    keras_batch = False
    if input_text is not None:
        text = input_text
        # Keras: an unknown batch is written None (or ?): Nonex224x224x3
        for unknown in ("None", "none", "null", "?"):
            if text.startswith(unknown):
                text, keras_batch = "1" + text[len(unknown):], True
                break
        from conv_calc.cli.ctor import ShapeError, parse_shape  # noqa: PLC0415 - only with --input

        try:
            shape = parse_shape(text)
        except ShapeError as err:
            fail(f"--input: {err}", err.hint)
    # --input also goes to an importer that reads a model file (an ONNX file's dynamic input).
    given = ({"input_shape": shape} if shape is not None and not keras_batch
             and os.path.splitext(file)[1].lower() in FILE_READERS else {})
    network = load(file, fmt, framework, **given)
    if keras_batch:
        if getattr(network, "framework", "torch") != "keras":
            fail(f"--input: {input_text}: an unknown (None) batch is a Keras notion",
                 "give the batch size, or read the file with --framework keras.")
        shape = (None, *shape[1:])
    name = STDIN_NAME if file == STDIN else file
    if shape is not None and (len(shape) < len(network.input_shape or ())
                              or network.input_shape is None and len(shape) == 1):
        try:  # spatial sizes only, as in `conv-calc layer -i 224`
            shape = network.with_spatial_sizes(shape)
        except ValueError as err:
            fail(str(err), hint_of(err))
    if fmt == "html":
        from conv_calc.cli.output import html_report  # deferred: only this format draws

        return html_report(network, name, shape, mode, output)
    try:
        report = network.analyze(input_shape=shape, mode=mode)
    except LayerError as err:  # analyze() should not raise these; treat as the network's problem
        sys.stderr.write(render.format_layer_error(err) + "\n")
        return EXIT_PROBLEM
    except ValueError as err:  # a malformed definition, e.g. no input shape anywhere
        _problems(err, name, fmt)
    _write(report, name, fmt, levels)
    for note in report.notes:  # what the analysis could not do (fields past a long period)
        sys.stderr.write(f"{name}: note: {note}\n")
    notes = file_notes(file) if file != STDIN else None
    if notes is not None:
        # A model file: what the analysis took from it that another input size may change.
        for note in notes(file, report):
            sys.stderr.write(f"note: {note}\n")
    if report.error is not None:
        return EXIT_PROBLEM
    return _check_expectations(network, report, name, overridden=shape is not None)


def _check_expectations(network: Any, report: Any, name: str, overridden: bool) -> int:
    """The file's ``expect:`` entries, as ``lint`` checks them (CC301-CC304): each unmet
    one on stderr, and exit 1. They describe the file's own input, so another --input
    skips them (and says so)."""
    if network.expect is None and not network.expectations:
        return EXIT_OK
    if overridden and tuple(report.input_shape) != tuple(network.input_shape or ()):
        sys.stderr.write(f"{name}: expect: not checked: --input {list(report.input_shape)} "
                         f"is not the file's input {list(network.input_shape or ())}\n")
        return EXIT_OK
    # Deferred: only files with expectations need the lint machinery.
    from conv_calc.lint.expect import check_expectations
    from conv_calc.lint.findings import Context

    unmet = list(check_expectations(Context.of(network, report, name), network))
    for f in unmet:
        where = f"{name}:{f.line}:{f.column}" if f.line else name
        sys.stderr.write(f"{where}: expect: {f.message}\n" + (f"  hint: {f.hint}\n" if f.hint
                                                                else ""))
    return EXIT_PROBLEM if unmet else EXIT_OK


def _terminal(stream: Any) -> bool:
    """A real terminal, or colour forced the way rich reads the environment."""
    if os.environ.get("FORCE_COLOR") is not None or os.environ.get("TTY_COMPATIBLE") == "1":
        return True
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):
        return False


def _depth(text: str | None, fmt: str) -> int | None:
    """``--depth N``: a whole number from 1, for the formats that show rows to people."""
    if text is None:
        return None
    if fmt in ("json", "html"):
        fail(f"--depth goes with --format table, markdown or csv, not {fmt}",
             "JSON keeps every row; group them by the first N dot-separated parts of "
             "their names, as --depth does.")
    if not (text.isascii() and text.isdigit()) or int(text) < 1:
        fail(f"--depth: expected a whole number from 1, got {text!r}",
             "--depth 1 keeps the top-level rows (conv1, layer1, fc); --depth 2 one row per "
             "block (layer1.0).")
    return int(text)


def _write(report: Any, name: str, fmt: str, depth: int | None = None) -> None:
    if fmt == "json":
        # A few hundred rows at a time: memory stays bounded, and each write (escaped for
        # the terminal) is large enough that writing costs no more than it must.
        batch: list[str] = []
        for chunk in render.report_json_chunks(report, name):
            batch.append(chunk)
            if len(batch) >= 256:
                sys.stdout.write("".join(batch))
                batch.clear()
        sys.stdout.write("".join(batch))
        return
    if fmt == "markdown":
        sys.stdout.write(render.report_markdown(report, depth))
        return
    if fmt == "csv":
        sys.stdout.write(render.report_csv(report, depth))
        if report.error is not None:
            sys.stderr.write(render.format_layer_error(report.error, report.failed) + "\n")
        return
    # Deferred: the JSON, markdown and CSV paths above need neither.
    from conv_calc.render.blocks import fold  # noqa: PLC0415
    from conv_calc.render.fit import plain_table  # noqa: PLC0415

    rows = None if depth is None else fold(report.layers, depth)
    text = None if _terminal(sys.stdout) else plain_table(report, name, rows=rows)
    if text is not None:
        sys.stdout.write(text)  # piped: the same bytes rich would print, without importing it
    else:
        # Deferred: rich costs more start-up time than analysing ResNet-50.
        from conv_calc.render.table import print_report_table

        print_report_table(report, sys.stdout, title=name, rows=rows)
    sys.stdout.write(render.mode_line(report) + "\n")
    sys.stdout.flush()
    if report.error is not None:
        sys.stderr.write("\n" + render.format_layer_error(report.error, report.failed) + "\n")
