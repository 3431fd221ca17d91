"""``conv-calc lint``, ``rules``, ``rule``: exit code, stdout and stderr together, every format."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from conv_calc.lint.rules import RULES
from tests.cli_runner import run

CASES = Path(__file__).parent.parent / "lint_cases"


@pytest.fixture
def work(tmp_path, monkeypatch):
    """A project directory (cwd) with a clean file, a warning file and a broken file."""
    models = tmp_path / "models"
    models.mkdir()
    shutil.copy(CASES / "CC201-clean.yaml", models / "ok.yaml")
    shutil.copy(CASES / "CC202-trigger.yaml", models / "warn.yaml")
    shutil.copy(CASES / "CC101-trigger.yaml", models / "bad.yaml")
    (models / "notes.yaml").write_text("title: not a network\n")  # skipped: no `layers:`
    monkeypatch.chdir(tmp_path)
    return tmp_path


WARN = ("models/warn.yaml:4:5: CC202 MaxPool2d with stride 2 never reads the last 1 input row "
        "(of 7): (7 + 2*0 - 2) % 2 = 1 and the last 1 input column (of 7): (7 + 2*0 - 2) % 2 = 1\n")
BAD = ("models/bad.yaml:4:5: CC101 Given groups=1, weight of size [8, 4, 3, 3], expected "
       "input[1, 3, 32, 32] to have 4 channels, but got 3 channels instead\n")


def test_concise_directory(work):
    r = run("lint", "models", "--format", "concise")
    assert (r.code, r.stdout, r.stderr) == (
        1, BAD + WARN, "Found 1 error and 1 warning in 2 of 3 files.\n")


def test_default_format_when_piped_is_concise(work):
    r = run("lint", "models/warn.yaml")
    assert (r.code, r.stdout, r.stderr) == (0, WARN, "Found 0 errors and 1 warning in 1 of 1 file.\n")


def test_clean(work):
    r = run("lint", "models/ok.yaml", "--format", "full")
    assert (r.code, r.stdout, r.stderr) == (0, "", "All checks passed: 1 file.\n")


def test_fail_on_warning_and_exit_zero(work):
    assert run("lint", "models/warn.yaml", "--fail-on", "warning").code == 1
    r = run("lint", "models", "--exit-zero", "-q")
    assert (r.code, r.stdout, r.stderr) == (0, BAD + WARN, "")


def test_full(work):
    r = run("lint", "models/warn.yaml", "--format", "full")
    assert r.code == 0 and r.stderr == "Found 0 errors and 1 warning in 1 of 1 file.\n"
    assert r.stdout == (
        "models/warn.yaml:4:5: CC202 [warning] MaxPool2d with stride 2 never reads the last 1 "
        "input row (of 7): (7 + 2*0 - 2) % 2 = 1 and the last 1 input column (of 7): "
        "(7 + 2*0 - 2) % 2 = 1\n"
        "  |\n"
        "4 |   - MaxPool2d: {kernel_size: 2}   # <- CC202\n"
        "  |     ^^^^^^^^^^^^^^^^^^^^^^^^^^^\n"
        "  layer: 0 (row 0)\n"
        "  hint: to read every input row: an input of 6 or 8 on each axis here, padding=1 (at this "
        "size), or ceil_mode=True\n\n")


def test_json(work):
    r = run("lint", "models", "--format", "json")
    assert r.code == 1 and r.stderr == ""
    doc = json.loads(r.stdout)
    assert doc["schema_version"] == 1
    assert doc["summary"] == {"files": 3, "errors": 1, "warnings": 1, "suppressed": 0,
                              "exit_code": 1}
    assert [(f["path"], f["ok"], [d["code"] for d in f["diagnostics"]]) for f in doc["files"]] == [
        ("models/bad.yaml", False, ["CC101"]), ("models/ok.yaml", True, []),
        ("models/warn.yaml", False, ["CC202"])]


def test_github_chosen_in_actions(work):
    r = run("lint", "models/bad.yaml", env={"GITHUB_ACTIONS": "true"})
    assert r.code == 1
    assert r.stdout == (
        "::error file=models/bad.yaml,line=4,col=5,endLine=4,endColumn=74,"
        "title=conv-calc CC101 (torch-error)::CC101 Given groups=1, weight of size [8, 4, 3, 3], "
        "expected input[1, 3, 32, 32] to have 4 channels, but got 3 channels instead%0Ahint: the "
        "layer expects 4 input channels (in_channels) but the input has 3: set in_channels=3 or "
        "fix the previous layer.\n")
    assert r.stderr == "Found 1 error and 0 warnings in 1 of 1 file.\n"


def test_github_overflow_and_step_summary(work):
    for i in range(11):
        shutil.copy(CASES / "CC202-trigger.yaml", work / "models" / f"w{i:02}.yaml")
    summary = work / "summary.md"
    r = run("lint", "models", "--format", "github", env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert r.code == 1 and r.stdout.count("::warning ") == 12
    assert r.stderr.startswith("GitHub shows at most 10 error and 10 warning annotations per "
                               "step; every finding:\nmodels/bad.yaml:4:5: CC101 ")
    assert "| models/w10.yaml:4:5 | CC202 | warning |" in summary.read_text()


def test_sarif_and_output_file(work):
    r = run("lint", "models", "--format", "sarif", "--output-file", "out.sarif")
    assert (r.code, r.stdout, r.stderr) == (1, "", "")
    doc = json.loads((work / "out.sarif").read_text())
    results = doc["runs"][0]["results"]
    assert [(x["ruleId"], x["level"], x["locations"][0]["physicalLocation"]["artifactLocation"]["uri"])
            for x in results] == [("CC101", "error", "models/bad.yaml"),
                                  ("CC202", "warning", "models/warn.yaml")]


def test_unreadable_exits_2_after_linting_the_rest(work):
    r = run("lint", "missing.yaml", "models/warn.yaml", "--format", "concise")
    assert r.code == 2
    assert r.stdout == ("missing.yaml:1:1: CC001 cannot read missing.yaml: No such file or "
                        "directory\n" + WARN)
    assert run("lint", "missing.yaml", "--exit-zero").code == 2


def test_malformed_file_is_a_finding(work):
    r = run("lint", str(CASES / "CC003-trigger.yaml"), "-f", "json")
    doc = json.loads(r.stdout)
    assert r.code == 1 and [d["line"] for d in doc["files"][0]["diagnostics"]] == [4, 5]


def test_stdin(work):
    r = run("lint", "-", "-f", "concise", input=(CASES / "CC205-trigger.yaml").read_bytes())
    assert r.code == 0 and r.stdout.startswith("<stdin>:4:5: CC205 padding='same'")


def test_select_ignore_flags(work):
    r = run("lint", "models", "--select", "CC2", "-q")
    assert (r.code, r.stdout) == (0, WARN)
    r = run("lint", "models", "--ignore", "torch-error,CC202", "-q")
    assert (r.code, r.stdout) == (0, "")
    r = run("lint", "models", "--ignore", "CC9")
    assert r.code == 2 and r.stdout == "" and r.stderr.startswith("error: --ignore: unknown rule 'CC9'")


def test_config(work):
    (work / "pyproject.toml").write_text(
        '[tool.conv-calc]\nignore = ["CC101"]\nseverity = {CC202 = "error"}\n'
        'exclude = ["models/ok.yaml"]\n')
    r = run("lint", "models", "-f", "concise")
    assert (r.code, r.stdout, r.stderr) == (
        1, WARN, "Found 1 error and 0 warnings in 1 of 2 files.\n")
    r = run("lint", "models", "-f", "concise", "--isolated", "-q")
    assert (r.code, r.stdout) == (1, BAD + WARN)


def test_config_files_globs_and_force_exclude(work):
    (work / "pyproject.toml").write_text('[tool.conv-calc]\nfiles = ["models/w*.yaml"]\n')
    assert run("lint", "models", "-q").stdout == WARN
    assert run("lint", "models/bad.yaml", "-q").stdout == BAD  # named files are linted
    r = run("lint", "models/bad.yaml", "models/warn.yaml", "--force-exclude", "-q")
    assert (r.code, r.stdout) == (0, WARN)


def test_force_exclude_skips_other_yaml(work):
    (work / ".pre-commit-config.yaml").write_text("repos: []\n")
    r = run("lint", ".pre-commit-config.yaml", "models/warn.yaml", "--force-exclude", "-q")
    assert (r.code, r.stdout) == (0, WARN)


@pytest.mark.parametrize("fmt", ["concise", "json", "sarif"])
def test_broken_config_exits_2(work, fmt):
    (work / "pyproject.toml").write_text('[tool.conv-calc]\nfail_on = "warning"\n')
    r = run("lint", "models", "-f", fmt)
    assert r.code == 2
    assert r.stderr == ("error: " + os.path.join(str(work), "pyproject.toml")
                        + ": unknown key 'fail_on' in [tool.conv-calc]\nhint: did you mean "
                        "'fail-on'?\n")
    if fmt == "concise":
        assert r.stdout == ""
    elif fmt == "json":
        assert json.loads(r.stdout)["error"]["message"].endswith("unknown key 'fail_on' in "
                                                                 "[tool.conv-calc]")
    else:
        run_ = json.loads(r.stdout)["runs"][0]
        assert run_["invocations"][0]["executionSuccessful"] is False


def test_suppression_comment(work):
    text = (CASES / "CC202-trigger.yaml").read_text().replace(
        "# <- CC202", "# conv-calc: ignore[CC202]")
    (work / "models" / "warn.yaml").write_text(text)
    r = run("lint", "models/warn.yaml")
    assert (r.code, r.stdout, r.stderr) == (0, "", "All checks passed: 1 file (1 suppressed).\n")


def test_interrupted(work, monkeypatch):
    from conv_calc.lint import core as lint
    def stop(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(lint, "lint_path", stop)
    r = run("lint", "models/warn.yaml")
    assert (r.code, r.stdout) == (130, "")  # Click/Typer turn Ctrl+C into exit 130


def test_bad_format_is_usage():
    r = run("lint", "x.yaml", "--format", "text")
    assert r.code == 2 and r.stdout == "" and "Invalid value for '--format'" in r.stderr


def test_rules():
    r = run("rules")
    assert r.code == 0 and r.stderr == ""
    lines = r.stdout.splitlines()
    assert len(lines) == 19
    assert lines[6].split()[:3] == ["CC201", "warning", "checkerboard-risk"]
    doc = json.loads(run("rules", "--format", "json").stdout)
    assert doc[0] == {"code": "CC001", "name": "unreadable-file", "severity": "error",
                      "summary": "the file cannot be read", "default": True}
    assert [r["code"] for r in doc if not r["default"]] == ["CC203", "CC204"]


def test_rule():
    r = run("rule", "cc207")
    assert r.code == 0 and r.stderr == ""
    assert r.stdout.startswith("CC207 skip-size-mismatch (warning)\n\n")
    assert r.stdout.endswith("Suppress it on one line with `# conv-calc: ignore[CC207]`, or in "
                             "pyproject.toml: [tool.conv-calc] ignore = [\"CC207\"].\n")
    r = run("rule", "CC2O1")
    assert (r.code, r.stdout) == (2, "")
    assert r.stderr == ("error: unknown rule 'CC2O1'\nhint: did you mean 'CC201'? "
                        "`conv-calc rules` lists them.\n")


def test_pre_commit_hook_definition():
    import yaml

    root = Path(__file__).parent.parent.parent
    (hook,) = yaml.safe_load((root / ".pre-commit-hooks.yaml").read_text())
    assert {"id", "name", "entry", "language"} <= set(hook)
    assert hook["entry"] == "conv-calc lint --force-exclude" and hook["types"] == ["yaml"]


def test_docs_list_every_rule():
    from conv_calc.lint.rules import RULES

    text = (Path(__file__).parent.parent.parent / "docs" / "lint.md").read_text()
    for rule in RULES.values():
        assert f"| {rule.code} | {rule.name} | {rule.severity} |" in text


def test_keras_stack_files_lint_without_internal_errors(monkeypatch):
    """Keras layers have other attribute names than torch's; the torch-only rules skip them."""
    monkeypatch.chdir(Path(__file__).parent.parent.parent)
    r = run("lint", "examples/keras", "--format", "concise")
    assert r.code == 1, r.stderr  # broken-cropping.yaml is broken on purpose
    assert "internal error" not in r.stderr
    assert r.stdout.startswith("examples/keras/broken-cropping.yaml:13:5: CC101 Values in `cropping`")


def test_rules_wrap_under_their_summary_on_an_80_column_terminal():
    """Piped, one line per rule (for grep); on a terminal, summaries wrap beneath themselves."""
    pytest.importorskip("pty")
    from tests.render.terminal import run_in_terminal

    code, text = run_in_terminal(["rules"])
    lines = text.splitlines()
    assert code == 0 and max(len(line) for line in lines) <= 80
    codes = [line.split()[0] for line in lines if line[:2] == "CC"]
    assert codes == list(RULES)
    continued = [line for line in lines if line[:1] == " "]
    assert continued and all(line.startswith(" " * 42) and line[42] != " " for line in continued)
