"""The console script's Typer-free fast path for ``stack`` behaves exactly like the Typer app."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conv_calc import cli, entry
from tests.cli_runner import PINNED_ENV

ROOT = Path(__file__).parent.parent
BROKEN = "input: [1, 3, 8, 8]\nlayers:\n  - Conv2D: {out_channels: 4}\n"


def _run(main, args, stdin=None):
    runner = CliRunner()
    with runner.isolation(input=stdin, env=PINNED_ENV) as (out, err, _):
        code = main(list(args))
        sys.stdout.flush()
        sys.stderr.flush()
        return code, out.getvalue().decode(), err.getvalue().decode()


@pytest.mark.parametrize("args", [
    ["stack", "examples/tiny.yaml"],
    ["stack", "examples/tiny.yaml", "--format", "json"],
    ["stack", "examples/tiny.yaml", "-f", "csv", "-i", "2x3x64x64"],
    ["stack", "examples/tiny.yaml", "--format=markdown", "--input=1x3x16x16"],
    ["stack", "examples/broken-lenet-mnist.yaml"],
    ["stack", "examples/keras/mobilenet-v1.yaml", "--framework", "keras", "-f", "json"],
    ["stack", "examples/tiny.yaml", "--input", "1x3xfoo"],
    ["stack", "missing.yaml", "--format", "json"],
    ["stack", "-"],
])
def test_fast_path_matches_typer(args, monkeypatch):
    monkeypatch.chdir(ROOT)
    assert entry._stack_call(args) is not None  # these take the fast path
    stdin = BROKEN if args[-1] == "-" else None
    assert _run(entry.main, args, stdin) == _run(cli.main, args, stdin)


@pytest.mark.parametrize("args", [
    ["stack", "--help"], ["stack"], ["stack", "a.yaml", "b.yaml"], ["stack", "a.yaml", "--format", "xml"],
    ["stack", "a.yaml", "--verbose"], ["stack", "a.yaml", "-i"], ["stack", "a.yaml", "-f", "json", "-f", "csv"],
    ["layer", "conv2d", "--input", "8"], ["--version"], [],
])
def test_everything_else_goes_to_typer(args):
    assert entry._stack_call(args) is None


def test_fast_path_does_not_import_typer_or_rich():
    code = ("import sys; from conv_calc.entry import main; "
            "rc = main(['stack', 'examples/tiny.yaml', '--format', 'json']); "
            "print(rc, sorted(m for m in ('typer', 'rich', 'pydantic') if m in sys.modules), file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                          timeout=60)
    assert done.stderr.strip().splitlines()[-1] == "0 []"
