"""The output contract of ``conv-calc lint``, checked on any run (fuzz and explicit tests).

:func:`check_run` runs one ``lint`` call in every format on the same files and
checks each output against docs/lint.md and against the others: the same
findings everywhere, exit code 0/1/2 as documented, JSON and SARIF that parse
and have the documented structure, one GitHub annotation per line with correct
escaping (and the complete concise list on stderr past the per-step limit),
``path:line:col: CODE message`` concise lines, and positions inside the file.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass

from conv_calc.render.lint import printable
from conv_calc.text import terminal_safe
from conv_calc.lint.rules import RULES
from tests.cli_runner import Result, run
from tests.fuzz_support import no_hang

FORMATS = ("full", "concise", "json", "github", "sarif")
DIAGNOSTIC_KEYS = {"code", "name", "severity", "message", "hint", "file", "line", "column",
                   "end_line", "end_column", "layer"}
#: YAML's line breaks (YAML 1.1, which PyYAML and libyaml read): not str.splitlines's.
YAML_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
CONCISE = re.compile(r"(?P<file>.+?):(?P<line>[1-9]\d*):(?P<col>[1-9]\d*): (?P<code>CC\d{3}) "
                     r"(?P<message>.*)")
GITHUB = re.compile(r"::(?P<kind>error|warning) (?P<props>[^:]*)::(?P<data>.*)")
_BAD_DATA_ESCAPE = re.compile(r"%(?!25|0D|0A)")
_BAD_PROP_ESCAPE = re.compile(r"%(?!25|0D|0A|3A|2C)")


@dataclass
class Outcome:
    """Every format's result of one lint call, and the findings (the JSON diagnostics)."""

    results: dict[str, Result]
    code: int
    doc: dict
    diagnostics: list[dict]


def unescape(text: str) -> str:
    return (text.replace("%0D", "\r").replace("%0A", "\n").replace("%3A", ":")
            .replace("%2C", ",").replace("%25", "%"))


def file_lines(path: str) -> list[str] | None:
    """The lines of a file as YAML counts them (None: cannot be read)."""
    try:
        with open(path, "rb") as f:
            return text_lines(f.read())
    except OSError:
        return None


def text_lines(data: bytes) -> list[str]:
    """The lines of a file's bytes as YAML counts them."""
    for bom, codec in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"),
                       (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            text = data.decode(codec, errors="replace")
            break
    else:
        text = data.decode("utf-8", errors="replace")
    lines = YAML_BREAK.split(text)
    if len(lines) > 1 and lines[-1] == "":
        lines.pop()  # the final line break ends the last line; it does not start another
    return lines


def check_position(d: dict, lines: list[str] | None) -> None:
    """1-based, inside the file: a line that exists (1 for an empty file), a column on it or
    just after its end, and an end that is not before the start."""
    where = f"{d['file']}:{d['line']}:{d['column']} {d['code']} {d['message'][:200]!r}"
    assert isinstance(d["line"], int) and isinstance(d["column"], int), where
    assert d["line"] >= 1 and d["column"] >= 1, where
    if lines is None:  # unreadable: line 1, column 1
        assert (d["line"], d["column"]) == (1, 1), where
        return
    count = max(len(lines), 1)
    assert d["line"] <= count, (where, count)
    width = len(lines[d["line"] - 1]) if lines else 0
    assert d["column"] <= width + 1, (where, width)
    if d["end_line"] is not None:
        assert d["line"] <= d["end_line"] <= count, where
        end_width = len(lines[d["end_line"] - 1]) if lines else 0
        if d["end_column"] is not None:
            assert 1 <= d["end_column"] <= end_width + 1, (where, d["end_column"], end_width)
            if d["end_line"] == d["line"]:
                assert d["end_column"] >= d["column"], where


def _run(args: list[str], fmt: str, env: dict | None) -> Result:
    with no_hang():
        result = run("lint", "--format", fmt, *args, env=env)
    text = result.stdout + result.stderr
    assert "Traceback" not in text, text[-3000:]
    assert "internal error" not in text, text[-3000:]
    assert result.code in (0, 1, 2), (fmt, result.code, text[-3000:])
    return result


def strict_json(text: str):
    """json.loads that refuses NaN and Infinity (not JSON: other parsers reject them)."""
    def refuse(name):
        raise ValueError(f"{name} is not JSON")

    return json.loads(text, parse_constant=refuse)


def check_json(result: Result) -> dict:
    doc = strict_json(result.stdout)
    assert doc["schema_version"] == 1
    assert doc["tool"]["name"] == "conv-calc" and isinstance(doc["tool"]["version"], str)
    assert set(doc["summary"]) >= {"files", "errors", "warnings", "suppressed", "exit_code"}
    assert doc["summary"]["exit_code"] == result.code
    assert doc["summary"]["files"] == len(doc["files"])
    errors = warnings = 0
    for entry in doc["files"]:
        assert set(entry) >= {"path", "ok", "analysed", "output_shape", "layers", "suppressed",
                              "diagnostics"}, entry.keys()
        assert entry["ok"] == (not entry["diagnostics"])
        for d in entry["diagnostics"]:
            assert set(d) >= DIAGNOSTIC_KEYS, d.keys()
            assert d["code"] in RULES and d["name"] == RULES[d["code"]].name
            assert d["severity"] in ("error", "warning")
            assert isinstance(d["message"], str) and d["message"].strip(), d
            assert isinstance(d["hint"], str)
            assert d["file"] == entry["path"]
            assert "\\" not in d["file"] and not os.path.isabs(d["file"]), d["file"]
            errors += d["severity"] == "error"
            warnings += d["severity"] == "warning"
    assert (doc["summary"]["errors"], doc["summary"]["warnings"]) == (errors, warnings)
    return doc


def check_sarif(result: Result, diagnostics: list[dict]) -> None:
    doc = strict_json(result.stdout)
    assert doc["version"] == "2.1.0" and "sarif-2.1.0" in doc["$schema"]
    (run_,) = doc["runs"]
    rules = run_["tool"]["driver"]["rules"]
    ids = [r["id"] for r in rules]
    assert ids == list(RULES)
    for r in rules:
        assert {"id", "name", "shortDescription", "fullDescription", "help",
                "defaultConfiguration"} <= set(r)
    results = run_["results"]
    assert len(results) == len(diagnostics)
    fingerprints = set()
    for x, d in zip(results, diagnostics):
        assert x["ruleId"] in ids and rules[x["ruleIndex"]]["id"] == x["ruleId"] == d["code"]
        assert x["level"] == d["severity"]
        assert x["message"]["text"].startswith(d["message"])
        (loc,) = x["locations"]
        uri = loc["physicalLocation"]["artifactLocation"]["uri"]
        assert "\\" not in uri and not re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", uri), uri
        assert " " not in uri, uri
        assert not uri.startswith("/"), uri
        region = loc["physicalLocation"]["region"]
        assert (region["startLine"], region["startColumn"]) == (d["line"], d["column"])
        assert region["startLine"] >= 1 and region["startColumn"] >= 1
        fp = x["partialFingerprints"]["primaryLocationLineHash"]
        assert re.fullmatch(r"[0-9a-f]+:\d+", fp) and fp not in fingerprints, fp
        fingerprints.add(fp)


def check_github(result: Result, diagnostics: list[dict]) -> None:
    lines = result.stdout.split("\n")
    assert lines[-1] == "", result.stdout[-500:]
    lines = lines[:-1]
    assert len(lines) == len(diagnostics), (len(lines), len(diagnostics))
    for line, d in zip(lines, diagnostics):
        assert "\r" not in line, line
        m = GITHUB.fullmatch(line)
        assert m, line
        assert m.group("kind") == d["severity"]
        assert not _BAD_DATA_ESCAPE.search(m.group("data")), line
        props = {}
        for item in m.group("props").split(","):
            key, eq, value = item.partition("=")
            assert eq and key in ("file", "line", "col", "endLine", "endColumn", "title"), item
            assert not _BAD_PROP_ESCAPE.search(value), item
            props[key] = unescape(value)
        # Control and bidi characters reach no log raw (conv_calc.text.terminal_safe);
        # JSON carries them as data.
        assert props["file"] == terminal_safe(d["file"])
        assert (int(props["line"]), int(props["col"])) == (d["line"], d["column"])
        data = unescape(m.group("data"))
        assert data == terminal_safe(f"{d['code']} {d['message']}"
                                     + (f"\nhint: {d['hint']}" if d["hint"] else ""))
    errors = sum(d["severity"] == "error" for d in diagnostics)
    warnings = len(diagnostics) - errors
    if errors > 10 or warnings > 10:  # GitHub drops the rest: the complete list goes to stderr
        assert "GitHub shows at most 10 error and 10 warning annotations" in result.stderr
        for d in diagnostics:
            assert f"{d['file']}:{d['line']}:{d['column']}: {d['code']} " in result.stderr
    else:
        assert "GitHub shows at most" not in result.stderr


def check_concise(result: Result, diagnostics: list[dict]) -> None:
    lines = result.stdout.splitlines()
    assert len(lines) == len(diagnostics), (result.stdout[-2000:], len(diagnostics))
    for line, d in zip(lines, diagnostics):
        m = CONCISE.fullmatch(line)
        assert m, line
        assert (m.group("file"), int(m.group("line")), int(m.group("col")), m.group("code"),
                m.group("message")) == (printable(d["file"]), d["line"], d["column"], d["code"],
                                        printable(d["message"]))


def expected_code(diagnostics: list[dict], fail_on: str = "error") -> int:
    if any(d["code"] == "CC001" for d in diagnostics):
        return 2
    levels = ("error",) if fail_on == "error" else ("error", "warning")
    return 1 if any(d["severity"] in levels for d in diagnostics) else 0


def check_run(args: list[str], env: dict | None = None, stdin: bytes | None = None) -> Outcome:
    """Lint ``args`` in every format (cwd: the project) and check every output."""
    results = {}
    for fmt in FORMATS:
        if stdin is not None:
            with no_hang():
                results[fmt] = run("lint", "--format", fmt, *args, input=stdin, env=env)
        else:
            results[fmt] = _run(args, fmt, env)
    doc = check_json(results["json"])
    diagnostics = [d for entry in doc["files"] for d in entry["diagnostics"]]
    for d in diagnostics:
        check_position(d, None if d["code"] == "CC001" else
                       text_lines(stdin) if d["file"] == "<stdin>" else file_lines(d["file"]))
    code = results["json"].code
    assert code == expected_code(diagnostics), (code, [d["code"] for d in diagnostics])
    for fmt, result in results.items():
        assert result.code == code, (fmt, result.code, code)
    check_sarif(results["sarif"], diagnostics)
    check_github(results["github"], diagnostics)
    check_concise(results["concise"], diagnostics)
    for fmt in ("json", "sarif"):
        assert results[fmt].stderr == "", (fmt, results[fmt].stderr[-2000:])
    return Outcome(results, code, doc, diagnostics)
