"""Inputs that are not files and outputs that cannot be written: clear errors, exit 2.

A FIFO would block forever and /dev/zero never ends, so both are refused before they
are opened; standard input has the files' size cap; a full disk is a user's problem,
not an internal error.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli_runner import run

ROOT = Path(__file__).resolve().parents[2]
TINY = str(ROOT / "examples" / "tiny.yaml")


@pytest.fixture
def fifo(tmp_path):
    path = tmp_path / "net.yaml"
    os.mkfifo(path)
    return str(path)


@pytest.mark.parametrize("command", [["stack"], ["lint"], ["solve", "input-sizes"]])
def test_fifo_is_refused_without_opening_it(fifo, command):
    # Opening a FIFO with no writer blocks: reaching the assertion at all is the test.
    result = run(*command, fifo)
    assert result.code == 2
    assert "it is a FIFO (named pipe), not a regular file" in result.stdout + result.stderr


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero here")
@pytest.mark.parametrize("command", [["stack"], ["lint"]])
def test_device_is_refused(command):
    result = run(*command, "/dev/zero")
    assert result.code == 2
    assert "it is a character device, not a regular file" in result.stdout + result.stderr


def test_stdin_has_the_size_cap_of_files(monkeypatch):
    import conv_calc.cli.stack as stack_cli
    import conv_calc.lint.core as lint_core

    monkeypatch.setattr(stack_cli, "MAX_BYTES", 100)
    monkeypatch.setattr(lint_core, "MAX_BYTES", 100)
    big = b"# " + b"x" * 200 + b"\n"
    result = run("stack", "-", input=big)
    assert result.code == 2 and "cannot read <stdin>: it is larger than 100 bytes" in result.stderr
    result = run("lint", "-", input=big)
    assert result.code == 2 and "CC001 cannot read <stdin>: it is larger than 100 bytes" in (
        result.stdout)


@pytest.mark.parametrize("content, message", [
    (b"\xff\xfe[\x00t\x00", "not UTF-8 text (byte 1)"),
    (b"[tool.conv-calc]\nx = " + b"{a = " * 3000 + b"1" + b"}" * 3000 + b"\n",
     "invalid TOML: nested too deeply"),
])
def test_broken_config_is_a_usage_error(tmp_path, content, message):
    (tmp_path / "pyproject.toml").write_bytes(content)
    (tmp_path / "net.yaml").write_text(Path(TINY).read_text())
    # A fresh interpreter: the test runner may have raised the recursion limit.
    done = subprocess.run([sys.executable, "-m", "conv_calc", "lint", "net.yaml"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=60,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 2
    assert message in done.stderr and "internal error" not in done.stderr


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full here")
@pytest.mark.parametrize("args", [["stack", TINY], ["stack", TINY, "--format", "json"],
                                  ["layer", "conv2d", "-i", "32", "-k", "3"],
                                  ["lint", TINY, "--format", "json"]])
def test_full_disk_is_a_write_error(args):
    with open("/dev/full", "w") as full:
        done = subprocess.run([sys.executable, "-m", "conv_calc", *args], stdout=full,
                              stderr=subprocess.PIPE, text=True, cwd=ROOT, timeout=60)
    assert done.returncode == 2
    assert done.stderr.startswith("error: cannot write the output: No space left on device")
