"""The console script's Typer-free fast path (``stack``, ``layer``) behaves exactly like the Typer app."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conv_calc.cli import app as cli
from conv_calc.cli import entry
from tests.cli_runner import PINNED_ENV

ROOT = Path(__file__).parent.parent.parent
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
    ["layer", "Conv2d(3, 64, kernel_size=7, stride=2, padding=3)", "--input", "1x3x224x224"],
    ["layer", "Conv2d(3, 64, 7)", "-i", "5", "--format", "json"],
    ["layer", "conv2d", "--input", "224", "-k", "7", "-s", "2", "-p", "3", "--no-bias"],
    ["layer", "maxpool2d", "-i", "112", "-k", "3", "-s", "2", "-p", "1", "--ceil-mode"],
    ["layer", "convtranspose2d", "-i", "1x64x56x56", "--in", "64", "--out", "3", "-k", "4", "-s", "2",
     "-p", "1", "--output-size", "112"],
    ["layer", "Conv2D(64, 3, strides=2, padding='same')", "--input", "None,224,224,3"],
    ["layer", "conv2d", "--framework", "keras", "-i", "Nonex224x224x3", "--out", "64", "-k", "3"],
    ["layer", "Conv9d(1, 2, 3)", "-i", "8"],
    ["layer", "Conv2d(3, 8, 3, groups=2)", "-i", "1x3x8x8"],
    ["stack", "examples/broken-aspp-batch1.yaml", "--eval"],
    ["stack", "examples/aspp-eval-batch1.yaml", "--train", "-f", "json"],
    ["stack", "examples/resnet18.yaml", "-i", "1x3x32x32", "--eval", "-f", "csv"],
    ["layer", "BatchNorm2d(8)", "-i", "1x8x1x1", "--eval"],
    ["layer", "BatchNorm2d(8)", "-i", "1x8x1x1", "--train", "-f", "json"],
])
def test_fast_path_matches_typer(args, monkeypatch):
    monkeypatch.chdir(ROOT)
    assert entry._fast_call(args) is not None  # these take the fast path
    stdin = BROKEN if args[-1] == "-" else None
    assert _run(entry.main, args, stdin) == _run(cli.main, args, stdin)


@pytest.mark.parametrize("args", [
    ["stack", "--help"], ["stack"], ["stack", "a.yaml", "b.yaml"], ["stack", "a.yaml", "--format", "xml"],
    ["stack", "a.yaml", "--verbose"], ["stack", "a.yaml", "-i"], ["stack", "a.yaml", "-f", "json", "-f", "csv"],
    ["layer", "conv2d", "--help"], ["layer", "conv2d", "-f", "table"], ["layer", "conv2d", "--bias=1"],
    ["layer", "conv2d", "--bias", "--no-bias"], ["layer", "a", "b"],
    ["stack", "a.yaml", "--eval", "--train"], ["stack", "a.yaml", "--eval=1"], ["lint", "x.yaml"], ["--version"], [],
])
def test_everything_else_goes_to_typer(args):
    assert entry._fast_call(args) is None


@pytest.mark.parametrize("args", [
    ["stack", "examples/tiny.yaml", "--format", "json"],
    ["layer", "Conv2d(3, 64, 7, 2, 3)", "--input", "1x3x224x224"],
])
def test_fast_path_does_not_import_typer_or_rich(args):
    code = ("import sys; from conv_calc.cli.entry import main; "
            f"rc = main({args!r}); "
            "print(rc, sorted(m for m in ('typer', 'rich', 'pydantic', 'yaml') if m in sys.modules),"
            " file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                          timeout=60)
    loaded = done.stderr.strip().splitlines()[-1]
    assert loaded in ("0 []", "0 ['yaml']") and ("yaml" not in loaded or args[0] == "stack")


def test_a_closed_pipe_is_no_internal_error(tmp_path):
    """`conv-calc stack net.yaml | head`: the reader leaves early; exit 2 with a plain message.

    3,000 rows make a table larger than a pipe holds (64 KiB), so the writer is still
    writing when the reader closes its end.
    """
    import subprocess
    import sys

    path = tmp_path / "many.yaml"
    path.write_text("input: [1, 3, 8, 8]\nlayers:\n" + "  - ReLU\n" * 3000)
    proc = subprocess.Popen([sys.executable, "-m", "conv_calc", "stack", str(path)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
    proc.stdout.read(10)
    proc.stdout.close()  # as head does after its lines
    err = proc.stderr.read().decode()
    proc.wait(timeout=60)
    assert proc.returncode == 2, err
    assert "internal error" not in err and "Traceback" not in err
    assert "broken pipe" in err
