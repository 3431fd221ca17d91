"""``conv-calc lint`` on awkward inputs, in every format (tests/lint_contract.check_run).

Each input that once broke the output contract is kept here as a regression case:
files that are unreadable, empty, binary, not UTF-8 or have a duplicate key; CRLF
and tabs; paths with spaces, unicode and the characters GitHub's annotations
escape; broken configurations; suppression comments; the flags of the command.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from conv_calc.lint.rules import RULES
from tests.cli_runner import run
from tests.lint_contract import FORMATS, check_run

CASES = Path(__file__).parent.parent / "lint_cases"
ROOT = Path(__file__).parent.parent.parent


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write(root: Path, name: str, data: bytes | str) -> str:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return name


def diag(outcome, i: int = 0) -> tuple:
    d = outcome.diagnostics[i]
    return d["code"], d["line"], d["column"], d["end_line"], d["end_column"]


# ------------------------------------------------------------------ positions inside the file

def test_block_end_stays_inside_the_file(project):
    """Regression: a residual's end was the YAML end mark, line 6 of a 5-line file."""
    write(project, "a.yaml", (CASES / "CC102-trigger.yaml").read_bytes())
    out = check_run(["a.yaml"])
    assert out.code == 1
    assert diag(out) == ("CC102", 4, 5, 5, 73)


def test_unclosed_bracket_points_at_the_end_of_the_last_line(project):
    """Regression: '<stream end>' was reported at line 3 of a 2-line file."""
    write(project, "t.yaml", "input: [1, 3, 8, 8]\nlayers: [\n")
    out = check_run(["t.yaml"])
    assert diag(out)[:3] == ("CC002", 2, 10)


# ------------------------------------------------------------------ awkward files, every format

AWKWARD = {
    # name: (bytes, code, line, column)
    "empty.yaml": (b"", "CC003", 1, 1),
    "binary.yaml": (bytes(range(256)), "CC002", 1, 1),
    "latin1.yaml": ("input: [1, 3, 8, 8]  # café\nlayers: []\n".encode("latin-1"), "CC002", 1, 27),
    "duplicate.yaml": (b"input: [1, 3, 8, 8]\nlayers:\n  - ReLU\ninput: [1, 3, 9, 9]\n",
                       "CC002", 4, 1),
    "utf16-no-bom.yaml": ("input: [1]\nlayers: []\n".encode("utf-16-le"), "CC002", 1, 1),
}


@pytest.mark.parametrize("name", sorted(AWKWARD))
def test_awkward_file(project, name):
    data, code, line, column = AWKWARD[name]
    write(project, name, data)
    out = check_run([name])
    assert out.code == 1
    assert diag(out)[:3] == (code, line, column)


def test_unreadable_and_missing_paths_exit_2_after_the_rest(project):
    """A dangling symlink (named, and met in a directory) and a missing path: CC001, exit 2;
    the other files are still linted and reported."""
    os.symlink(project / "gone.yaml", project / "dangling.yaml")
    write(project, "d/ok.yaml", (CASES / "CC202-trigger.yaml").read_bytes())
    os.symlink(project / "gone.yaml", project / "d" / "link.yaml")
    out = check_run(["dangling.yaml", "missing/none.yaml", "d"])
    assert out.code == 2
    assert [(d["file"], d["code"]) for d in out.diagnostics] == [
        ("dangling.yaml", "CC001"), ("missing/none.yaml", "CC001"), ("d/link.yaml", "CC001"),
        ("d/ok.yaml", "CC202")]
    assert out.diagnostics[1]["message"] == ("cannot read missing/none.yaml: No such file or "
                                             "directory")
    for fmt in ("concise", "full", "github"):
        assert out.results[fmt].stderr.endswith("Found 3 errors and 1 warning in 4 of 4 files.\n")


def test_fifo_in_a_directory_is_skipped(project):
    """Regression: a named pipe called x.yaml in a searched directory hung the run."""
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs here")
    os.mkfifo(project / "pipe.yaml")
    write(project, "w.yaml", (CASES / "CC202-trigger.yaml").read_bytes())
    out = check_run(["."])
    assert [d["file"] for d in out.diagnostics] == ["w.yaml"]


def test_permission_denied_is_cc001(project, monkeypatch):
    import builtins

    write(project, "a.yaml", (CASES / "CC202-trigger.yaml").read_bytes())
    real_open = builtins.open

    def denied(path, *args, **kwargs):
        if str(path).endswith("a.yaml"):
            raise PermissionError(13, "Permission denied")
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", denied)
    for fmt in FORMATS:
        r = run("lint", "a.yaml", ".", "-f", fmt)
        assert r.code == 2, (fmt, r.stdout, r.stderr)
        assert "internal error" not in r.stderr
    r = run("lint", "a.yaml", "-f", "concise")
    assert r.stdout == "a.yaml:1:1: CC001 cannot read a.yaml: Permission denied\n"


def test_same_file_twice_is_linted_once(project):
    """Regression: '.', './w.yaml' and 'w.yaml' reported every finding three times."""
    write(project, "w.yaml", (CASES / "CC202-trigger.yaml").read_bytes())
    out = check_run([".", "./w.yaml", "w.yaml", "sub/../w.yaml", "-", "-"], stdin=b"")
    assert [d["file"] for d in out.diagnostics] == ["w.yaml", "<stdin>"]


# ------------------------------------------------------------------ line endings, tabs, names

@pytest.mark.parametrize("case", ["CC101", "CC102", "CC202", "CC207", "CC301", "CC003"])
def test_crlf_gives_the_same_findings(project, case):
    data = (CASES / f"{case}-trigger.yaml").read_bytes()
    write(project, "lf.yaml", data)
    write(project, "crlf.yaml", data.replace(b"\n", b"\r\n"))
    lf, crlf = check_run(["lf.yaml"]), check_run(["crlf.yaml"])
    strip = [{k: v for k, v in d.items() if k != "file"} for d in lf.diagnostics]
    assert [{k: v for k, v in d.items() if k != "file"} for d in crlf.diagnostics] == strip
    assert lf.code == crlf.code


def test_tabs_in_comments_and_strings(project):
    write(project, "t.yaml", "input: [1, 1, 7, 7] # a\ttab\nlayers:\n"
                             "  - MaxPool2d: {kernel_size: 2}  # x\ty\n    name: \"a\tb\"\n")
    out = check_run(["t.yaml"])
    assert diag(out) == ("CC202", 3, 5, 4, 16)
    full = out.results["full"].stdout.splitlines()
    assert full[2:4] == ["3 |   - MaxPool2d: {kernel_size: 2}  # x y",
                         "  |     ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^"]
    assert full[4] == "  layer: a\tb (row 0)"  # a tab is harmless on one line


def test_control_characters_in_names_stay_on_one_line(project):
    """Regression: a layer name with a newline or an escape sequence (a YAML "\\e[31m")
    split concise lines and reached the terminal raw."""
    text = (CASES / "CC207-trigger.yaml").read_text()
    text = text.replace("save: enc", 'save: "e\\nn\\e[31m"').replace("cat: enc", 'cat: "e\\nn\\e[31m"')
    text = text.replace("stride: 2}   # <- CC207", 'stride: 2}\n    name: "u\\u202ep"')
    write(project, "n.yaml", text)
    out = check_run(["n.yaml"])
    concise = out.results["concise"].stdout
    assert "\x1b" not in concise and "\u202e" not in concise
    assert "'u\\u202ep' gives 8 but the saved 'e\\nn\\x1b[31m'" in concise
    assert "\x1b" not in out.results["full"].stdout


def test_tab_indentation_is_located(project):
    write(project, "t.yaml", "input: [1, 1, 7, 7]\r\nlayers:\r\n\t- ReLU\r\n")
    out = check_run(["t.yaml"])
    assert out.code == 1 and diag(out)[:3] == ("CC002", 3, 1)


@pytest.mark.parametrize("name", ["sp ace/a b.yaml", "ünï/cödé.yaml", "日本/網.yml",
                                  "odd/a,b:c%d.yaml", "odd/%0A%2C.yaml", "odd/#1 [x].yaml"])
def test_odd_paths(project, name):
    write(project, name, (CASES / "CC202-trigger.yaml").read_bytes())
    out = check_run([name.split("/")[0]])
    assert [d["file"] for d in out.diagnostics] == [name]
    sarif = json.loads(out.results["sarif"].stdout)
    uri = sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    from urllib.parse import unquote

    assert unquote(uri["uri"]) == name
    line = out.results["github"].stdout
    assert line.startswith("::warning file=" + name.replace("%", "%25").replace(",", "%2C")
                           .replace(":", "%3A") + ",line=4,col=5,")


def test_github_escapes_message_and_properties(project):
    """Layer names and messages carry %, :, , and newlines into annotations."""
    write(project, "a:b,c.yaml", "input: [1, 1, 7, 7]\nlayers:\n"
                                 "  - MaxPool2d: {kernel_size: 2}\n    name: \"p%1,\\r\\n:x\"\n")
    out = check_run(["a:b,c.yaml"])
    line = out.results["github"].stdout
    assert line.count("\n") == 1 and "\r" not in line
    assert line.startswith("::warning file=a%3Ab%2Cc.yaml,line=3,col=5,endLine=4,endColumn=")
    assert "%25 2 = 1" in line  # "(7 + 2*0 - 2) % 2 = 1" in the data


# ------------------------------------------------------------------ configuration

BROKEN_CONFIGS = {
    "bad-toml": ("[tool.conv-calc\nselect = [\"ALL\"]\n", "invalid TOML"),
    "unknown-key": ("[tool.conv-calc]\nfail_on = \"warning\"\n", "unknown key 'fail_on'"),
    "bad-select": ("[tool.conv-calc]\nselect = [\"CC999\"]\n", "select: unknown rule 'CC999'"),
    "bad-ignore": ("[tool.conv-calc]\nignore = [\"no-such-rule\"]\n",
                   "ignore: unknown rule 'no-such-rule'"),
    "bad-severity-code": ("[tool.conv-calc]\nseverity = {CC9 = \"error\"}\n",
                          "severity: unknown rule 'CC9'"),
    "bad-severity": ("[tool.conv-calc]\nseverity = {CC202 = \"fatal\"}\n",
                     "severity.CC202 must be one of warning, error, got 'fatal'"),
    "bad-glob-brace": ("[tool.conv-calc]\nfiles = [\"models/*.{yaml,yml}\"]\n",
                       "files: unsupported character '{' in glob"),
    "bad-glob-absolute": ("[tool.conv-calc]\nexclude = [\"/models/**\"]\n", "is absolute"),
    "bad-glob-stars": ("[tool.conv-calc]\nfiles = [\"models/**.yaml\"]\n", "has '**' inside"),
    "bad-glob-type": ("[tool.conv-calc]\nfiles = [1]\n", "files must be a list of strings"),
    "bad-fail-on": ("[tool.conv-calc]\nfail-on = \"info\"\n", "fail-on must be one of"),
    "bad-format": ("[tool.conv-calc]\noutput-format = \"text\"\n", "output-format must be one of"),
    "not-a-table": ("[tool]\nconv-calc = 3\n", "[tool.conv-calc] must be a table"),
}


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("case", sorted(BROKEN_CONFIGS))
def test_broken_config_exits_2_in_every_format(project, case, fmt):
    text, message = BROKEN_CONFIGS[case]
    write(project, "pyproject.toml", text)
    write(project, "w.yaml", (CASES / "CC202-trigger.yaml").read_bytes())
    r = run("lint", "w.yaml", "-f", fmt)
    assert r.code == 2, (r.stdout, r.stderr)
    assert r.stderr.startswith("error: ") and message in r.stderr, r.stderr
    assert "pyproject.toml" in r.stderr and "internal error" not in r.stderr
    if fmt == "json":
        doc = json.loads(r.stdout)
        assert doc["schema_version"] == 1 and doc["files"] == []
        assert doc["summary"]["exit_code"] == 2 and message in doc["error"]["message"]
    elif fmt == "sarif":
        doc = json.loads(r.stdout)
        (inv,) = doc["runs"][0]["invocations"]
        assert inv["executionSuccessful"] is False and doc["runs"][0]["results"] == []
        assert message in inv["toolExecutionNotifications"][0]["message"]["text"]
    elif fmt == "github":
        assert r.stdout.startswith("::error title=conv-calc configuration::")
        assert r.stdout.count("\n") == 1
    else:
        assert r.stdout == ""


def test_broken_config_document_goes_to_the_output_file(project):
    write(project, "pyproject.toml", BROKEN_CONFIGS["unknown-key"][0])
    r = run("lint", ".", "-f", "json", "-o", "report.json")
    assert (r.code, r.stdout) == (2, "")
    assert "fail_on" in json.loads((project / "report.json").read_text())["error"]["message"]


def test_pyproject_whose_tool_is_not_a_table_is_skipped(project):
    """Regression: `tool = 3` in a pyproject.toml was an internal error."""
    write(project, "pyproject.toml", "tool = 3\n")
    write(project, "w.yaml", (CASES / "CC202-trigger.yaml").read_bytes())
    assert check_run(["w.yaml"]).code == 0


@pytest.mark.parametrize("fmt", FORMATS)
def test_bad_select_flag_still_gives_a_document(project, fmt):
    write(project, "w.yaml", (CASES / "CC202-trigger.yaml").read_bytes())
    r = run("lint", "w.yaml", "-f", fmt, "--select", "CC9")
    assert r.code == 2 and "--select: unknown rule 'CC9'" in r.stderr
    if fmt in ("json", "sarif"):
        json.loads(r.stdout)


# ------------------------------------------------------------------ suppression comments

SUPPRESSIBLE = sorted(p.name.split("-")[0] for p in CASES.glob("CC*-trigger.yaml")
                      if RULES[p.name[:5]].suppressible)


@pytest.mark.parametrize("code", SUPPRESSIBLE)
@pytest.mark.parametrize("how", ["code", "prefix", "name", "bare", "file"])
def test_suppression_comment_for_each_rule(project, code, how):
    from conv_calc.lint.rules import RULES

    text = (CASES / f"{code}-trigger.yaml").read_text()
    marked = text.count(f"# <- {code}")
    comment = {"code": f"# conv-calc: ignore[{code}]", "prefix": f"# conv-calc: ignore[{code[:3]}]",
               "name": f"# conv-calc: ignore[{RULES[code].name}]", "bare": "# conv-calc: ignore",
               "file": "# <- x"}[how]
    text = text.replace(f"# <- {code}", comment)
    if how == "file":
        text += f"# conv-calc: ignore-file[{code}]\n"
    write(project, "s.yaml", text)
    out = check_run(["s.yaml"])
    assert code not in [d["code"] for d in out.diagnostics], out.diagnostics
    assert out.doc["summary"]["suppressed"] >= marked


@pytest.mark.parametrize("code", ["CC002", "CC003"])
def test_file_problems_cannot_be_suppressed(project, code):
    text = (CASES / f"{code}-trigger.yaml").read_text() + "\n# conv-calc: ignore-file\n"
    write(project, "s.yaml", text.replace(f"# <- {code}", "# conv-calc: ignore"))
    out = check_run(["s.yaml"])
    assert code in [d["code"] for d in out.diagnostics]


# ------------------------------------------------------------------ flags

@pytest.fixture
def mixed(project):
    write(project, "m/bad.yaml", (CASES / "CC101-trigger.yaml").read_bytes())
    write(project, "m/warn.yaml", (CASES / "CC202-trigger.yaml").read_bytes())
    return project


@pytest.mark.parametrize("fmt", FORMATS)
def test_output_file_in_every_format(mixed, fmt):
    plain = run("lint", "m", "-f", fmt)
    r = run("lint", "m", "-f", fmt, "--output-file", "out/report.txt")
    assert r.code == 2 and r.stdout == "" and "cannot write out/report.txt" in r.stderr
    (mixed / "out").mkdir()
    r = run("lint", "m", "-f", fmt, "--output-file", "out/report.txt")
    assert (r.code, r.stdout, r.stderr) == (plain.code, "", plain.stderr) and r.code == 1
    assert (mixed / "out" / "report.txt").read_text(encoding="utf-8") == plain.stdout


@pytest.mark.parametrize("fmt", FORMATS)
def test_exit_zero_and_fail_on(mixed, fmt):
    assert run("lint", "m", "-f", fmt).code == 1
    r = run("lint", "m", "-f", fmt, "--exit-zero")
    assert r.code == 0
    if fmt == "json":
        assert json.loads(r.stdout)["summary"]["exit_code"] == 0
    assert run("lint", "m/warn.yaml", "-f", fmt).code == 0
    r = run("lint", "m/warn.yaml", "-f", fmt, "--fail-on", "warning")
    assert r.code == 1
    if fmt == "json":
        assert json.loads(r.stdout)["summary"]["exit_code"] == 1
    assert run("lint", "m/warn.yaml", "-f", fmt, "--fail-on", "warning", "--exit-zero").code == 0
    assert run("lint", "m", "nope.yaml", "-f", fmt, "--exit-zero").code == 2


def test_fail_on_warning_from_config(mixed):
    write(mixed, "pyproject.toml", '[tool.conv-calc]\nfail-on = "warning"\n')
    assert run("lint", "m/warn.yaml").code == 1
    assert run("lint", "m/warn.yaml", "--fail-on", "error").code == 0  # the flag wins


@pytest.mark.parametrize("name", ["CC101", "CC202", "CC002"])
def test_stdin_every_format(project, name):
    data = (CASES / f"{name}-trigger.yaml").read_bytes()
    out = check_run(["-"], stdin=data)
    assert {d["file"] for d in out.diagnostics} == {"<stdin>"}
    assert out.code == (0 if name == "CC202" else 1)


def test_stdin_empty_and_binary(project):
    assert diag(check_run(["-"], stdin=b""))[0] == "CC003"
    assert diag(check_run(["-"], stdin=b"\x00\xff" * 50))[0] == "CC002"


def test_no_stack_files_found(project):
    write(project, "notes.yaml", "title: not a network\n")
    out = check_run(["."])
    assert out.code == 0 and out.doc["summary"]["files"] == 0
    assert "no stack files found" in out.results["concise"].stderr


def test_a_thousand_files(project):
    import time

    for i in range(1000):
        src = ("CC202-trigger.yaml" if i % 100 == 0 else "CC201-clean.yaml")
        shutil.copyfile(CASES / src, (project / f"n{i:04}.yaml"))
    start = time.perf_counter()
    r = run("lint", ".", "-f", "concise")
    elapsed = time.perf_counter() - start
    assert (r.code, r.stderr) == (0, "Found 0 errors and 10 warnings in 10 of 1000 files.\n")
    assert elapsed < 30, elapsed  # about 2 s on a shared 2-core machine
    doc = json.loads(run("lint", ".", "-f", "json").stdout)
    assert doc["summary"] == {"files": 1000, "errors": 0, "warnings": 10, "suppressed": 0,
                              "exit_code": 0}


def test_sarif_uri_outside_the_current_directory(project):
    """A path outside the working directory is absolute: a file:// URI, not '/tmp/...'."""
    (project / "here").mkdir()
    write(project, "there/w y.yaml", (CASES / "CC202-trigger.yaml").read_bytes())
    os.chdir(project / "here")
    r = run("lint", str(project / "there"), "-f", "sarif")
    (x,) = json.loads(r.stdout)["runs"][0]["results"]
    uri = x["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri.startswith("file:///") and uri.endswith("/there/w%20y.yaml")


# ------------------------------------------------------------------ selection never hides a broken file

@pytest.mark.parametrize("options", [["--select", "CC1"], ["--ignore", "ALL"],
                                     ["--ignore", "CC002"], ["--select", "CC301"]])
def test_selection_never_hides_an_unparseable_file(tmp_path, options):
    from tests.cli_runner import run

    path = tmp_path / "broken.yaml"
    path.write_text("input: [1,3,8,8\nlayers: [")
    result = run("lint", str(path), *options)
    assert result.code == 1
    assert "CC002" in result.stdout and "All checks passed" not in result.stdout + result.stderr


def test_unknown_suppression_code_silences_nothing():
    from conv_calc.lint.core import lint_bytes

    text = (b"input: [1, 16, 8, 8]\nlayers:\n  - ConvTranspose2d: {out_channels: 8, kernel_size: 3,"
            b" stride: 2}  # conv-calc: ignore [CC9]\n")
    codes = sorted(f.code for f in lint_bytes(text, "n.yaml").findings)
    assert codes == ["CC004", "CC201"]
