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

from tests.cli_runner import run
from tests.lint_contract import FORMATS, check_run

CASES = Path(__file__).parent / "lint_cases"
ROOT = Path(__file__).parent.parent


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
