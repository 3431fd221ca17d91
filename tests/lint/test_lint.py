"""The lint engine, config and renderers (no CLI): suppression, settings, escaping, SARIF, JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conv_calc.render import lint as lint_render
from conv_calc.lint.core import Finding, Settings, lint_bytes, lint_path, suppressions
from conv_calc.lint.config import ConfigError, LintConfig, load_config, matches_glob, parse_config
from conv_calc.lint.rules import RULES, lookup, matches

CASES = Path(__file__).parent.parent / "lint_cases"
POOL7 = b"input: [1, 1, 7, 7]\nlayers:\n  - MaxPool2d: {kernel_size: 2}%s\n"


# ------------------------------------------------------------------ rules

def test_codes_are_stable_and_documented():
    assert list(RULES) == sorted(RULES)
    assert [r.name for r in RULES.values()] == [
        "unreadable-file", "invalid-yaml", "invalid-stack-file", "invalid-suppression",
        "torch-error", "merge-mismatch",
        "checkerboard-risk", "dropped-input", "rf-exceeds-input", "rf-covers-input",
        "same-padding-asymmetric", "excess-padding", "skip-size-mismatch", "misaligned-branches",
        "ceil-mode-dropped-window", "expect-output-shape", "expect-receptive-field",
        "expect-params", "expect-macs"]
    for rule in RULES.values():
        assert rule.severity in ("error", "warning") and rule.summary and len(rule.doc) > 80
        assert rule.severity == ("warning" if rule.code.startswith("CC2") else "error")


@pytest.mark.parametrize("selector, code, expected", [
    ("CC2", "CC202", True), ("CC20", "CC211", False), ("ALL", "CC001", True),
    ("dropped-input", "CC202", True), ("CC202", "CC2021", True),
])
def test_matches(selector, code, expected):
    assert matches(code, (selector,)) is expected


def test_lookup():
    assert lookup("cc201").code == "CC201" and lookup("misaligned-branches").code == "CC208"
    assert lookup("CC999") is None


# ------------------------------------------------------------------ suppression and settings

@pytest.mark.parametrize("comment, kept", [
    (b"", ["CC202"]),
    (b"  # conv-calc: ignore[CC202]", []),
    (b"  # conv-calc: ignore[cc2]", []),
    (b"  # conv-calc: ignore", []),
    (b"  # conv-calc: ignore[CC201]", ["CC202"]),
    (b"  # conv-calc:ignore[CC201,CC202]", []),
])
def test_line_suppression(comment, kept):
    result = lint_bytes(POOL7 % comment, "n.yaml")
    assert [f.code for f in result.findings] == kept
    assert result.suppressed == (1 if not kept else 0)


def test_file_suppression_and_unsuppressible():
    text = b"# conv-calc: ignore-file[CC202]\n" + POOL7 % b""
    assert lint_bytes(text, "n.yaml").findings == ()
    broken = b"input: [1, 3]\ninput: [1, 3]  # conv-calc: ignore\nlayers: []\n"
    assert [f.code for f in lint_bytes(broken, "n.yaml").findings] == ["CC002"]


def test_suppressions_parser():
    per_line, whole = suppressions(["x  # conv-calc: ignore", "# conv-calc: ignore-file"])
    assert per_line == {1: None} and whole is None


def test_settings_select_ignore_severity():
    text = POOL7 % b""
    assert lint_bytes(text, "n.yaml", Settings(select=("CC1",))).findings == ()
    assert lint_bytes(text, "n.yaml", Settings(ignore=("dropped-input",))).findings == ()
    (f,) = lint_bytes(text, "n.yaml", Settings(severity=(("CC202", "error"),))).findings
    assert f.severity == "error"


def test_every_problem_in_one_file():
    text = (b"input: [1, 1, 7, 7]\nlayers:\n  - MaxPool2d: {kernel_size: 2}\n"
            b"  - ConvTranspose2d: {out_channels: 1, kernel_size: 3, stride: 2}\n"
            b"  - Conv2d: {out_channels: 1, kernel_size: 3, padding: same}\n"
            b"expect: {output_shape: [1, 1, 1, 1]}\n")
    codes = [(f.line, f.code) for f in lint_bytes(text, "n.yaml").findings]
    assert codes == [(3, "CC202"), (4, "CC201"), (6, "CC301")]


def test_no_input_shape_is_a_finding():
    (f,) = lint_bytes(b"layers:\n  - ReLU\n", "n.yaml").findings
    assert f.code == "CC003" and "no input shape" in f.message


def test_an_expression_failing_on_the_shape_is_located():
    text = (b"input: [1, 8, 4, 4]\nblocks:\n  B:\n    sequential:\n"
            b"      - Conv2d: {out_channels: 8 // ($in_channels - 8), kernel_size: 1}\n"
            b"layers:\n  - B\n")
    (f,) = lint_bytes(text, "n.yaml").findings
    assert (f.code, f.line, f.column) == ("CC003", 5, 38)
    assert f.message.startswith("division by zero in '8 // ($in_channels - 8)'") and f.hint


def test_examples_lint_without_crashing():
    for path in sorted(Path("examples").glob("*.yaml")):
        result = lint_path(str(path))
        broken = path.name.startswith("broken-")
        assert any(f.severity == "error" for f in result.findings) is broken, path


# ------------------------------------------------------------------ config

def test_config_discovery(tmp_path, monkeypatch):
    (tmp_path / "pyproject.toml").write_text(
        '[tool.conv-calc]\nignore = ["CC204"]\nseverity = {CC2 = "error"}\n'
        'files = ["models/**/*.yaml"]\nfail-on = "warning"\n')
    sub = tmp_path / "a" / "b"
    sub.mkdir(parents=True)
    (sub / "pyproject.toml").write_text("[project]\nname = 'x'\n")  # no table: skipped
    cfg = load_config(start=str(sub))
    assert cfg.path == str(tmp_path / "pyproject.toml")
    assert (cfg.ignore, cfg.severity, cfg.files, cfg.fail_on) == (
        ("CC204",), (("CC2", "error"),), ("models/**/*.yaml",), "warning")
    assert load_config(start="/") == LintConfig()


@pytest.mark.parametrize("table, message", [
    ({"ignor": []}, "unknown key 'ignor' in [tool.conv-calc]"),
    ({"ignore": ["CC999"]}, "unknown rule 'CC999'"),
    ({"select": "CC2x"}, "unknown rule 'CC2x'"),
    ({"severity": {"CC202": "fatal"}}, "severity.CC202 must be one of warning, error"),
    ({"fail-on": "info"}, "fail-on must be one of warning, error"),
    ({"files": [1]}, "files must be a list of strings"),
    ({"output-format": "text"}, "output-format must be one of full, concise"),
])
def test_broken_config(table, message):
    with pytest.raises(ConfigError) as info:
        parse_config({"tool": {"conv-calc": table}}, "pyproject.toml")
    assert message in str(info.value)


def test_invalid_toml(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.conv-calc\n")
    with pytest.raises(ConfigError, match="invalid TOML"):
        load_config(start=str(tmp_path))


@pytest.mark.parametrize("path, pattern, expected", [
    ("models/a/b.yaml", "models/**/*.yaml", True),
    ("models/b.yaml", "models/**/*.yaml", True),
    ("other/b.yaml", "models/**/*.yaml", False),
    ("x/y/net.yml", "*.yml", True),
    ("./net.yaml", "net.yaml", True),
    ("models/legacy/x.yaml", "models/legacy/**", True),
    ("models/legacyx.yaml", "models/legacy/**", False),
])
def test_globs(path, pattern, expected):
    assert matches_glob(path, pattern) is expected


# ------------------------------------------------------------------ renderers

F = Finding("CC202", "warning", "50% of rows: a, b\nsecond", "hint: x,y", "dir,1/n:a.yaml",
            3, 5, 3, 9, 0, "pool")


def test_github_escaping():
    assert lint_render.escape_data("a%b\r\nc:d,e") == "a%25b%0D%0Ac:d,e"
    assert lint_render.escape_property("a%b\r\nc:d,e") == "a%25b%0D%0Ac%3Ad%2Ce"
    assert lint_render.github_line(F) == (
        "::warning file=dir%2C1/n%3Aa.yaml,line=3,col=5,endLine=3,endColumn=9,"
        "title=conv-calc CC202 (dropped-input)::CC202 50%25 of rows: a, b%0Asecond"
        "%0Ahint: hint: x,y")


def test_github_error_level_and_missing_end():
    f = Finding("CC101", "error", "m", "", "n.yaml", 1, 1)
    assert lint_render.github_line(f) == (
        "::error file=n.yaml,line=1,col=1,title=conv-calc CC101 (torch-error)::CC101 m")


class _Result:
    def __init__(self, findings, lines=("a", "b", "  - MaxPool2d: {kernel_size: 2}")):
        self.findings, self.lines, self.report, self.suppressed = findings, lines, None, 0
        self.path = findings[0].file if findings else "x.yaml"


SARIF_SUBSET = {
    "type": "object", "required": ["version", "runs", "$schema"],
    "properties": {
        "version": {"const": "2.1.0"},
        "runs": {"type": "array", "minItems": 1, "items": {
            "type": "object", "required": ["tool", "results"],
            "properties": {
                "tool": {"type": "object", "required": ["driver"], "properties": {"driver": {
                    "type": "object", "required": ["name", "rules"], "properties": {
                        "rules": {"type": "array", "items": {
                            "type": "object", "required": ["id", "shortDescription"],
                            "properties": {"id": {"type": "string"},
                                           "defaultConfiguration": {"type": "object", "properties": {
                                               "level": {"enum": ["none", "note", "warning", "error"]}}}}}}}}}},
                "results": {"type": "array", "items": {
                    "type": "object", "required": ["ruleId", "message", "locations", "level"],
                    "properties": {
                        "level": {"enum": ["none", "note", "warning", "error"]},
                        "message": {"type": "object", "required": ["text"]},
                        "ruleIndex": {"type": "integer", "minimum": 0},
                        "partialFingerprints": {"type": "object",
                                                "additionalProperties": {"type": "string"}},
                        "locations": {"type": "array", "items": {"type": "object", "properties": {
                            "physicalLocation": {"type": "object", "required": ["artifactLocation"],
                                                 "properties": {
                                "artifactLocation": {"type": "object", "required": ["uri"]},
                                "region": {"type": "object", "required": ["startLine"], "properties": {
                                    "startLine": {"type": "integer", "minimum": 1},
                                    "startColumn": {"type": "integer", "minimum": 1}}}}}}}}}}}}}}},
}


def test_sarif_structure():
    doc = lint_render.sarif_document([_Result([F])])
    jsonschema = pytest.importorskip("jsonschema")
    jsonschema.validate(doc, SARIF_SUBSET)
    run = doc["runs"][0]
    assert [r["id"] for r in run["tool"]["driver"]["rules"]] == list(RULES)
    (result,) = run["results"]
    assert result["ruleId"] == "CC202"
    assert run["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == "CC202"
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == \
        "dir%2C1/n%3Aa.yaml"
    again = lint_render.sarif_document([_Result([F])])["runs"][0]["results"][0]
    assert again["partialFingerprints"] == result["partialFingerprints"]  # stable across runs
    assert result["partialFingerprints"]["primaryLocationLineHash"].endswith(":1")


def test_sarif_identical_findings_get_distinct_fingerprints():
    doc = lint_render.sarif_document([_Result([F, F])])
    prints = [r["partialFingerprints"]["primaryLocationLineHash"] for r in doc["runs"][0]["results"]]
    assert len(set(prints)) == 2


def test_full_shows_the_source_line():
    text = lint_render.full([_Result([F])])
    assert "3 |   - MaxPool2d: {kernel_size: 2}\n  |     ^^^^\n" in text


def test_json_document_is_versioned():
    result = lint_path(str(CASES / "CC202-trigger.yaml"), display="t.yaml")
    doc = json.loads(lint_render.render("json", [result], 0))
    assert doc["schema_version"] == 1 and doc["tool"]["name"] == "conv-calc"
    (entry,) = doc["files"]
    assert entry["path"] == "t.yaml" and entry["output_shape"] == [1, 1, 3, 3]
    (d,) = entry["diagnostics"]
    assert d == {"code": "CC202", "name": "dropped-input", "severity": "warning",
                 "message": d["message"], "hint": d["hint"], "file": "t.yaml", "line": 4,
                 "column": 5, "end_line": 4, "end_column": 32,
                 "layer": {"index": 0, "name": "0"}}
    assert entry["layers"][0]["receptive_field"]["size"] == [2, 2]


def test_expect_on_repeated_items_is_the_whole_item():
    text = (b"input: [1, 3, 32, 32]\nlayers:\n"
            b"  - Conv2d: {out_channels: 8, kernel_size: 3, padding: 1}\n"
            b"    repeat: 3\n    name: convs\n"
            b"    expect: {output_shape: [1, 8, 32, 32], params: 1384}\n"
            b"  - Conv2d: {out_channels: 8, kernel_size: 3, padding: 1}\n"
            b"    repeat: 2\n    expect: {params: 1000, receptive_field: {size: 11}}\n"
            b"expect: {output_shape: [1, 8, 32, 32], params: 2560, receptive_field: 11}\n")
    assert [(f.line, f.code, f.message) for f in lint_bytes(text, "n.yaml").findings] == [
        (6, "CC303", "'convs': 1,392 parameters, expected 1,384"),
        (9, "CC303", "'1'..'2': 1,168 parameters, expected 1,000")]


def test_expect_after_a_failure_is_not_checked():
    text = (b"input: [1, 3, 8, 8]\nlayers:\n  - Conv2d: {in_channels: 4, out_channels: 8, "
            b"kernel_size: 3}\n  - ReLU:\n    expect: {output_shape: [1]}\nexpect: {params: 1}\n")
    assert [f.code for f in lint_bytes(text, "n.yaml").findings] == ["CC101"]


def test_walk_ties_nodes_to_rows():
    from conv_calc import nn
    from conv_calc.lint.walk import walk
    from conv_calc.graph.nodes import Merge, Parallel, Save
    from conv_calc.graph.stack import Stack

    nodes = [nn.Conv2d(3, 4, 3, padding=1), Save("a"),
             Parallel(((nn.Conv2d(4, 4, 1),), ())), nn.MaxPool2d(2), Merge("a")]
    report = Stack(nodes).analyze((1, 3, 8, 8))
    spans, merges = walk(nodes, report)
    assert [(type(s.node).__name__, s.first, s.last, s.failed) for s in spans] == [
        ("Conv2d", 0, 0, False), ("Save", 1, 0, False), ("Conv2d", 1, 1, False),
        ("Parallel", 1, 2, False), ("MaxPool2d", 3, 3, False), ("Merge", 4, 3, True)]
    # the parallel merge (branch 1 is the identity: the conv's row 0), then the failing cat
    assert [(m.operands, m.row, m.saved) for m in merges] == [
        ((1, 0), 2, None), ((0, 3), None, "a")]
    assert report.failed.type == "cat"
