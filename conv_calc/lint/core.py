"""Lint stack files: every problem of a file as :class:`Finding` records; never prints.

``lint_bytes`` turns one file's bytes into a :class:`FileResult`: loader
problems (CC0xx), what torch would raise (CC1xx), the warning rules
(CC2xx, :mod:`conv_calc.lint.checks`) and unmet ``expect:`` keys (CC3xx), after
``# conv-calc: ignore[...]`` comments and the :class:`Settings` (select,
ignore, severity overrides) are applied. The CLI decides format and exit code.

>>> text = b"input: [1, 1, 7, 7]\\nlayers:\\n  - MaxPool2d: {kernel_size: 2}\\n"
>>> [f"{f.line}:{f.column} {f.code} {f.severity}" for f in lint_bytes(text, "net.yaml").findings]
['3:5 CC202 warning']
>>> text += b"expect: {output_shape: [1, 1, 3, 3]}  # conv-calc: ignore[CC301]\\n"
>>> [f.code for f in lint_bytes(text, "net.yaml", Settings(ignore=("CC2",))).findings]
[]
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from conv_calc.errors import hint_of
from conv_calc.graph.report import Report
from conv_calc.graph.stack import Stack
from conv_calc.lint.checks import LAYER_CHECKS
from conv_calc.lint.checks_net import NET_CHECKS
from conv_calc.lint.expect import check_expectations
from conv_calc.lint.findings import Context, Finding, finding
from conv_calc.lint.rules import DEFAULT_SELECT, RULES, lookup, matches
from conv_calc.text import suggest
from conv_calc.stackfile.files import hint_for, read_bounded, read_stream_bounded
from conv_calc.stackfile.load import load_stack
from conv_calc.stackfile.vocabulary import MAX_BYTES
from conv_calc.stackfile.problems import StackFileError

__all__ = ["Finding", "FileResult", "Settings", "lint_bytes", "lint_path", "finding",
           "suppressions", "invalid_suppressions", "SEVERITY_RANK", "slim"]

SEVERITY_RANK = {"warning": 1, "error": 2}
_YAML_CODES = frozenset({"unreadable", "yaml-syntax", "yaml-feature", "duplicate-key", "too-deep"})
_SUPPRESS = re.compile(r"#\s*conv-calc:\s*(ignore(?:-file)?)\b\s*(?:\[([^\]]*)\])?",
                       re.IGNORECASE)
#: A code prefix a suppression may name (``CC2``, ``CC20``); whole codes and names too.
_PREFIX = re.compile(r"CC\d{1,3}")


@dataclass(frozen=True, slots=True)
class Settings:
    """Which findings to keep: ``select``/``ignore`` (codes, prefixes, names), severity overrides."""

    select: tuple[str, ...] = DEFAULT_SELECT
    ignore: tuple[str, ...] = ()
    severity: tuple[tuple[str, str], ...] = ()

    def keep(self, code: str) -> bool:
        return matches(code, self.select) and not matches(code, self.ignore)

    def severity_of(self, code: str, default: str) -> str:
        for sel, level in self.severity:
            if matches(code, (sel,)):
                return level
        return default


@dataclass(frozen=True)
class FileResult:
    """The findings of one file (sorted), its report when it was analysed, and its text."""

    path: str
    findings: tuple[Finding, ...]
    report: Any = None
    lines: tuple[str, ...] = ()
    unreadable: bool = False
    suppressed: int = 0
    stack: Any = field(default=None, repr=False)


@dataclass(frozen=True, slots=True)
class _Mode:
    """What the text formats read of a report: the mode it was analysed in."""

    mode: str


def slim(result: FileResult) -> FileResult:
    """``result`` without what only the JSON format reads (the report's rows, the stack):
    its findings, mode, suppressed count and (for files with findings) its lines.

    >>> r = slim(FileResult("n.yaml", (), report=None, lines=("a",)))
    >>> r.lines, r.report
    ((), None)
    """
    report = None if result.report is None else _Mode(getattr(result.report, "mode", "train"))
    return replace(result, report=report, stack=None,
                   lines=result.lines if result.findings else ())


# ------------------------------------------------------------------ suppression comments

def suppressions(lines: Iterable[str]) -> tuple[dict[int, frozenset[str] | None], frozenset[str] | None]:
    """Per line, the codes ignored there (None: all); and the codes ignored in the whole file.

    >>> per_line, whole = suppressions(["a: 1  # conv-calc: ignore[CC201, cc202, skip-size-mismatch]",
    ...                                 "# conv-calc: ignore-file[CC2]"])
    >>> sorted(per_line[1]), whole
    (['CC201', 'CC202', 'CC207'], frozenset({'CC2'}))

    An unknown selector silences nothing (:func:`invalid_suppressions` reports it):

    >>> suppressions(["a: 1  # conv-calc: ignore[CC999]"])
    ({1: frozenset()}, frozenset())
    """
    per_line: dict[int, frozenset[str] | None] = {}
    whole: set[str] | None = set()
    for number, line, codes, is_file, _bad in _comments(lines):
        if is_file:
            whole = None if codes is None or whole is None else whole | codes
        else:
            old = per_line.get(number, frozenset())
            per_line[number] = None if codes is None or old is None else old | codes
    return per_line, (None if whole is None else frozenset(whole))


def invalid_suppressions(lines: Iterable[str], path: str) -> list[Finding]:
    """CC004 for each selector of a suppression comment that names no rule.

    >>> [f.message for f in invalid_suppressions(["a: 1  # conv-calc: ignore[CC999, C]"], "n.yaml")]
    ["unknown code 'CC999' in a suppression comment: it silences nothing", "unknown code 'C' in a suppression comment: it silences nothing"]
    """
    found = []
    for number, line, _codes, _is_file, bad in _comments(lines):
        for selector in bad:
            column = line.find(selector) + 1 or 1
            close = suggest(selector.upper(), list(RULES), 1) or suggest(
                selector.lower(), [r.name for r in RULES.values()], 1)
            hint = (f"did you mean '{close[0]}'? " if close else "") + (
                "codes look like CC201, names like dropped-input (conv-calc rules lists them)")
            found.append(replace(
                finding("CC004", f"unknown code '{selector}' in a suppression comment: it "
                        "silences nothing", hint, None, path),
                line=number, column=column, end_line=number, end_column=column + len(selector)))
    return found


def _comments(lines: Iterable[str]):
    """(line number, line, codes or None for all, ignore-file?, unknown selectors) per comment."""
    for number, line in enumerate(lines, 1):
        if "conv-calc" not in line:
            continue
        for m in _SUPPRESS.finditer(line):
            bad: list[str] = []
            codes = None
            if m.group(2) is not None:
                known = set()
                for raw in (c.strip() for c in m.group(2).split(",")):
                    if not raw:
                        continue
                    code = _code_of(raw)
                    if code in RULES or (_PREFIX.fullmatch(code)
                                         and any(c.startswith(code) for c in RULES)):
                        known.add(code)
                    else:
                        bad.append(raw)
                codes = frozenset(known)
            yield number, line, codes, m.group(1).lower() == "ignore-file", bad


def _code_of(selector: str) -> str:
    """A code or prefix as written (upper-cased), or the code of a rule name (``dropped-input``)."""
    rule = lookup(selector)
    return rule.code if rule is not None else selector.upper()


def _suppressed(f: Finding, per_line: dict, whole: frozenset[str] | None) -> bool:
    if not RULES[f.code].suppressible:
        return False
    if whole is None or any(f.code.startswith(c) for c in whole):
        return True
    for line in {f.line, f.end_line or f.line}:
        if line in per_line:
            codes = per_line[line]
            if codes is None or any(f.code.startswith(c) for c in codes):
                return True
    return False


# ------------------------------------------------------------------ one file

def lint_path(path: str, settings: Settings = Settings(), display: str | None = None,
              mode: str | None = None) -> FileResult:
    """Read and lint the file at ``path``; ``display`` is the name findings carry; ``mode``
    ("train" or "eval", --train/--eval) overrides the file's `mode:`."""
    name = display or path
    try:
        data = read_bounded(path, MAX_BYTES)
    except OSError as err:
        f = finding("CC001", f"cannot read {name}: {err.strerror or err}", hint_for(err), None,
                    name)
        return FileResult(name, (f,), unreadable=True)
    return lint_bytes(data, name, settings, mode)


#: The line breaks of YAML 1.1 (what the reader counts), not str.splitlines's (which also
#: splits at form feeds, vertical tabs and \x1c-\x1e: lines would no longer match).
_YAML_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")


def _text_lines(data: bytes) -> tuple[str, ...]:
    text = None
    for bom, codec in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            text = data.decode(codec, errors="replace")
            break
    if text is None:
        text = data.decode("utf-8", errors="replace")
    lines = _YAML_BREAK.split(text)
    if lines[-1] == "":
        lines.pop()  # the last line break ends a line, it does not start one
    return tuple(lines)


def _inside(f: Finding, lines: tuple[str, ...]) -> Finding:
    """``f`` with its position moved inside the file (the reader's marks can point past it).

    A YAML end mark is exclusive: a block ends at column 1 of the line after
    it (or past the last line). Such an end moves back to the end of the last
    line with content before it; a start past the end of the file moves to the
    end of its last line (an unclosed bracket is reported at the end of the stream).
    """
    count = len(lines)

    def width(n: int) -> int:
        return len(lines[n - 1]) if 1 <= n <= count else 0

    line = min(max(f.line, 1), max(count, 1))
    column = f.column if line == f.line else width(line) + 1
    column = min(max(column, 1), width(line) + 1)
    end_line, end_column = f.end_line, f.end_column
    if end_line is not None:
        if end_column is not None and end_column <= 1 and end_line > line:
            end_line -= 1
            while end_line > line and not lines[end_line - 1].split("#", 1)[0].strip():
                end_line -= 1
            end_column = len(lines[end_line - 1].rstrip()) + 1 if end_line <= count else None
        end_line = min(max(end_line, line), max(count, 1))
        if end_column is not None:
            end_column = min(max(end_column, 1), width(end_line) + 1)
            if end_line == line and end_column < column:
                end_column = column
    if (line, column, end_line, end_column) == (f.line, f.column, f.end_line, f.end_column):
        return f
    return replace(f, line=line, column=column, end_line=end_line, end_column=end_column)


def lint_stdin(settings: Settings = Settings(), mode: str | None = None,
               stream: Any = None) -> FileResult:
    """Lint standard input (or ``stream``, a binary stream), read up to the files' size cap."""
    import sys  # deferred: only stdin needs it

    name = "<stdin>"
    if stream is None:
        stream = getattr(sys.stdin, "buffer", None) or sys.stdin
    try:
        data = read_stream_bounded(stream, MAX_BYTES)
    except OSError as err:
        f = finding("CC001", f"cannot read {name}: {err.strerror or err}", hint_for(err), None,
                    name)
        return FileResult(name, (f,), unreadable=True)
    if isinstance(data, str):  # pragma: no cover - a text-only stdin
        data = data.encode("utf-8")
    return lint_bytes(data, name, settings, mode)


def lint_bytes(data: bytes, path: str, settings: Settings = Settings(),
               mode: str | None = None) -> FileResult:
    """Every finding of one stack file given as bytes (``path`` is only its name), its layers
    checked in ``mode`` (default: the file's `mode:`, else train)."""
    lines = _text_lines(data)
    found: list[Finding] = []
    stack = report = None
    try:
        stack = load_stack(data, filename=path)
    except StackFileError as err:
        for p in err.problems:
            code = "CC002" if p.code in _YAML_CODES else "CC003"
            found.append(finding(code, p.message, p.hint, p.source, path))
    if stack is not None:
        try:
            report = stack.analyze(mode=mode)
        except ValueError as err:  # StackDefinitionError: e.g. no input shape
            # An expression that fails on the incoming shape (conv_calc.graph.expr) has its place.
            found.append(finding("CC003", getattr(err, "message", None) or str(err),
                                 hint_of(err) or "give the input shape with `input: [1, 3, 224, 224]`",
                                 getattr(err, "source", None), path))
    if report is not None:
        found.extend(_analysis_findings(stack, report, path))
    return _finish(found, path, lines, report, stack, settings)


def _finish(found: list[Finding], path: str, lines: tuple[str, ...], report: Any, stack: Any,
            settings: Settings) -> FileResult:
    per_line, whole = suppressions(lines)
    found = found + invalid_suppressions(lines, path)
    kept: list[Finding] = []
    seen: set[tuple] = set()
    hidden = 0
    for f in found:
        f = _inside(f, lines)
        key = (f.code, f.line, f.column, f.message)
        if key in seen:
            continue
        seen.add(key)
        if _suppressed(f, per_line, whole):
            hidden += 1
            continue
        if RULES[f.code].suppressible and not settings.keep(f.code):
            # A file that cannot be read or parsed is never deselected: "All checks
            # passed" must not be said of it.
            continue
        level = settings.severity_of(f.code, f.severity)
        kept.append(f if level == f.severity else replace(f, severity=level))
    kept.sort(key=Finding.sort_key)
    return FileResult(path, tuple(kept), report, lines, False, hidden, stack)


def _analysis_findings(stack: Stack, report: Report, path: str) -> list[Finding]:
    found: list[Finding] = []
    if report.error is not None:
        failed = report.failed
        merge = failed is not None and failed.type in ("cat", "add")
        err = report.error
        f = finding("CC102" if merge else "CC101", str(err),
                    hint_of(err), failed.source if failed else None, path)
        if failed is not None:
            f = replace(f, layer_index=failed.index, layer_name=failed.name)
        found.append(f)
    ctx = Context.of(stack, report, path)
    for check in LAYER_CHECKS + NET_CHECKS:
        found.extend(check(ctx))
    found.extend(check_expectations(ctx, stack))
    return found
