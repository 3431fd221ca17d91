"""Lint output formats: full, concise, json, github, sarif. Plain strings; nothing is printed here.

- ``full`` and ``concise`` are for people (not a stable surface: do not parse
  them; ``concise`` is ``path:line:col: CODE message``, one line per finding);
- ``json`` is versioned (``schema_version``) and only ever gains fields;
- ``github`` follows GitHub's workflow commands, ``sarif`` SARIF 2.1.0.

>>> from conv_calc.lint.core import Finding
>>> f = Finding("CC202", "warning", "drops 1 row, 50%", "fix: a, b", "m/n.yaml", 3, 5, 3, 9)
>>> print(github_line(f))
::warning file=m/n.yaml,line=3,col=5,endLine=3,endColumn=9,title=conv-calc CC202 (dropped-input)::CC202 drops 1 row, 50%25%0Ahint: fix: a, b
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from conv_calc import __version__
from conv_calc.lint.rules import RULES
from conv_calc.render.report import dumps, jsonable, row_dict
from conv_calc.text import UNSAFE, printable

__all__ = ["render", "summary", "github_line", "github_error", "escape_data", "escape_property",
           "sarif_document", "json_document", "step_summary", "JSON_SCHEMA_VERSION",
           "GITHUB_LIMIT"]

JSON_SCHEMA_VERSION = 1
#: GitHub shows at most this many error and this many warning annotations per step.
GITHUB_LIMIT = 10
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://pypi.org/project/conv-calc/"


def _source_line(text: str) -> str:
    """A source line to print under a finding: one column per character, so the caret fits."""
    return UNSAFE.sub("\ufffd", text.expandtabs(1).replace("\t", " "))


def _findings(results: Sequence[Any]):
    for r in results:
        yield from r.findings


# ------------------------------------------------------------------ people

def concise(results: Sequence[Any]) -> str:
    return "".join(f"{printable(f.file)}:{f.line}:{f.column}: {f.code} {printable(f.message)}\n"
                   for f in _findings(results))


def _caret(line: str, f: Any) -> str:
    start = max(1, f.column)
    if f.end_line == f.line and f.end_column and f.end_column > start:
        end = f.end_column
    else:
        end = max(start + 1, len(line.rstrip()) + 1)
    return " " * (start - 1) + "^" * (end - start)


def full(results: Sequence[Any]) -> str:
    out = []
    for r in results:
        for f in r.findings:
            out.append(f"{printable(f.file)}:{f.line}:{f.column}: {f.code} [{f.severity}] "
                       f"{printable(f.message)}")
            if 1 <= f.line <= len(r.lines):
                text = _source_line(r.lines[f.line - 1])
                width = len(str(f.line))
                out.append(f"{' ' * width} |")
                out.append(f"{f.line} | {text}")
                out.append(f"{' ' * width} | {_caret(text, f)}")
            if f.layer_name is not None:
                out.append(f"  layer: {printable(f.layer_name)} (row {f.layer_index})")
            if f.hint:
                out.append(f"  hint: {printable(f.hint)}")
            out.append("")
    return "\n".join(out) + ("\n" if out else "")


def summary(results: Sequence[Any]) -> str:
    """One line for stderr: counts of errors, warnings, files, suppressed findings, and the
    files analysed in eval mode."""
    errors = sum(f.severity == "error" for f in _findings(results))
    warnings = sum(f.severity == "warning" for f in _findings(results))
    files = len(results)
    with_findings = sum(bool(r.findings) for r in results)
    hidden = sum(r.suppressed for r in results)
    tail = f" ({hidden} suppressed)" if hidden else ""
    # The mode is said where it is not the default (train), so CI logs show an eval run.
    evals = sum(getattr(r.report, "mode", "train") == "eval" for r in results)
    if evals:
        tail += " in eval mode" if evals == files else f" ({evals} in eval mode)"
    if not errors and not warnings:
        return f"All checks passed: {files} file{'s' if files != 1 else ''}{tail}.\n"
    return (f"Found {errors} error{'s' if errors != 1 else ''} and {warnings} "
            f"warning{'s' if warnings != 1 else ''} in {with_findings} of {files} "
            f"file{'s' if files != 1 else ''}{tail}.\n")


# ------------------------------------------------------------------ json

def _diagnostic(f: Any) -> dict[str, Any]:
    return {
        "code": f.code, "name": f.name, "severity": f.severity, "message": f.message,
        "hint": f.hint, "file": f.file, "line": f.line, "column": f.column,
        "end_line": f.end_line, "end_column": f.end_column,
        "layer": None if f.layer_name is None else {"index": f.layer_index, "name": f.layer_name},
    }


def json_document(results: Sequence[Any], exit_code: int | None = None) -> dict[str, Any]:
    files = []
    for r in results:
        report = r.report
        files.append({
            "path": r.path,
            "ok": not r.findings,
            "analysed": report is not None,
            "mode": None if report is None else getattr(report, "mode", "train"),
            "output_shape": None if report is None else jsonable(report.output_shape),
            "layers": [] if report is None else [row_dict(row) for row in report.layers],
            "suppressed": r.suppressed,
            "diagnostics": [_diagnostic(f) for f in r.findings],
            # the shapes of the tensors named in outputs: (added last: fields are only added)
            "outputs": {} if report is None else {name: jsonable(shape) for name, shape
                                                   in report.outputs.items()},
        })
    errors = sum(f.severity == "error" for f in _findings(results))
    return {
        "schema_version": JSON_SCHEMA_VERSION,
        "tool": {"name": "conv-calc", "version": __version__},
        "summary": {"files": len(results), "errors": errors,
                    "warnings": sum(f.severity == "warning" for f in _findings(results)),
                    "suppressed": sum(r.suppressed for r in results), "exit_code": exit_code},
        "files": files,
    }


# ------------------------------------------------------------------ github

def escape_data(text: str) -> str:
    """actions/toolkit command.ts escapeData: % CR LF."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """actions/toolkit command.ts escapeProperty: % CR LF : ,"""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_line(f: Any) -> str:
    props = [f"file={escape_property(f.file)}", f"line={f.line}", f"col={f.column}"]
    if f.end_line is not None:
        props.append(f"endLine={f.end_line}")
    if f.end_column is not None:
        props.append(f"endColumn={f.end_column}")
    props.append("title=" + escape_property(f"conv-calc {f.code} ({f.name})"))
    text = f"{f.code} {f.message}" + (f"\nhint: {f.hint}" if f.hint else "")
    return f"::{'error' if f.severity == 'error' else 'warning'} {','.join(props)}::{escape_data(text)}"


def github_error(message: str, hint: str = "") -> str:
    """One error annotation for a problem of the run itself (a broken configuration)."""
    text = message + (f"\nhint: {hint}" if hint else "")
    return f"::error title={escape_property('conv-calc configuration')}::{escape_data(text)}\n"


def github(results: Sequence[Any]) -> str:
    return "".join(github_line(f) + "\n" for f in _findings(results))


def github_overflow(results: Sequence[Any]) -> bool:
    """Whether GitHub will drop some annotations (more than 10 errors or warnings in a step)."""
    fs = list(_findings(results))
    return (sum(f.severity == "error" for f in fs) > GITHUB_LIMIT
            or sum(f.severity == "warning" for f in fs) > GITHUB_LIMIT)


def _md(text: str) -> str:
    # Markdown passes raw HTML through: &, < and > as entities keep a name text.
    text = printable(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace("|", "\\|")


def step_summary(results: Sequence[Any]) -> str:
    """A markdown table for $GITHUB_STEP_SUMMARY (every finding, not only the annotated ones)."""
    rows = [f"| {_md(f.file)}:{f.line}:{f.column} | {f.code} | {f.severity} | {_md(f.message)} |"
            for f in _findings(results)]
    head = "### conv-calc lint\n\n" + summary(results) + "\n"
    if not rows:
        return head
    return head + "| where | code | severity | message |\n|---|---|---|---|\n" + "\n".join(rows) + "\n"


# ------------------------------------------------------------------ sarif

def _fingerprint(f: Any, line_text: str, seen: dict[str, int]) -> str:
    base = hashlib.sha256("\0".join((f.code, f.file, line_text.strip(), f.layer_name or ""))
                          .encode("utf-8")).hexdigest()[:32]
    seen[base] = seen.get(base, 0) + 1
    return f"{base}:{seen[base]}"


def _uri(path: str) -> str:
    """A relative URI reference for a path below the current directory (what GitHub code
    scanning matches against the repository); a ``file://`` URI for one outside it."""
    if path.startswith("/") or re.match(r"[A-Za-z]:/", path):
        return "file://" + ("" if path.startswith("/") else "/") + quote(path, safe="/:")
    return quote(path, safe="/")


def sarif_document(results: Sequence[Any]) -> dict[str, Any]:
    codes = list(RULES)
    rules = []
    for code in codes:
        rule = RULES[code]
        rules.append({
            "id": code, "name": rule.name,
            "shortDescription": {"text": rule.summary},
            "fullDescription": {"text": rule.doc.split("\n\n")[0].replace("\n", " ")},
            "help": {"text": rule.doc, "markdown": rule.doc},
            "defaultConfiguration": {"level": rule.severity},
            "properties": {"tags": ["conv-calc", "shapes"]},
        })
    out = []
    seen: dict[str, int] = {}
    for r in results:
        for f in r.findings:
            region: dict[str, int] = {"startLine": f.line, "startColumn": f.column}
            if f.end_line is not None:
                region["endLine"] = f.end_line
            if f.end_column is not None:
                region["endColumn"] = f.end_column
            line_text = r.lines[f.line - 1] if 1 <= f.line <= len(r.lines) else ""
            result: dict[str, Any] = {
                "ruleId": f.code, "ruleIndex": codes.index(f.code),
                "level": "error" if f.severity == "error" else "warning",
                "message": {"text": f.message + (f"\nhint: {f.hint}" if f.hint else "")},
                "locations": [{"physicalLocation": {
                    "artifactLocation": {"uri": _uri(f.file)},
                    "region": region}}],
                "partialFingerprints": {"primaryLocationLineHash": _fingerprint(f, line_text, seen)},
            }
            if f.layer_name is not None:
                result["properties"] = {"layer": {"index": f.layer_index, "name": f.layer_name}}
            out.append(result)
    return {
        "$schema": SARIF_SCHEMA, "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "conv-calc", "version": __version__,
                                "semanticVersion": __version__,
                                "informationUri": INFORMATION_URI, "rules": rules}},
            "columnKind": "unicodeCodePoints",
            "results": out,
        }],
    }


def render(fmt: str, results: Sequence[Any], exit_code: int | None = None) -> str:
    """The whole output of one run in format ``fmt``."""
    if fmt == "concise":
        return concise(results)
    if fmt == "full":
        return full(results)
    if fmt == "github":
        return github(results)
    if fmt == "json":
        return dumps(json_document(results, exit_code))
    if fmt == "sarif":
        return dumps(sarif_document(results))
    raise ValueError(f"unknown format {fmt!r}")
