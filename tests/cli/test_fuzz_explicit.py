"""Hostile inputs named in the robustness brief, each through ``conv-calc stack``.

Alias bombs and recursive aliases, nesting thousands of levels deep (YAML and
blocks), a 10^5000-digit size, non-UTF-8 / UTF-16 / empty files, a directory, an
unreadable file, stdin, a file of several MB, and Ctrl-C (SIGINT to a real
process: exit 130, no traceback).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from tests.cli_runner import run
from tests.fuzz_support import ROOT, check_outcome, no_hang

OK_NET = "input: [1, 3, 8, 8]\nlayers:\n  - Conv2d: {out_channels: 4, kernel_size: 3}\n  - ReLU\n"


def _stack_file(tmp_path, data: bytes | str, *extra: str):
    path = tmp_path / "net.yaml"
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    with no_hang():
        return run("stack", str(path), *extra)


def _billion_laughs(levels: int = 9) -> str:
    lines = ['a0: &a0 ["lol"]']
    for i in range(1, levels + 1):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    return "\n".join(lines) + f"\ninput: [1, 3, 8, 8]\nlayers: *a{levels}\n"


def _nested_blocks(depth: int) -> str:
    lines = ["input: [1, 3, 8, 8]", "blocks:", "  B0:", "    sequential:", "      - ReLU"]
    for i in range(1, depth):
        lines += [f"  B{i}:", "    sequential:", f"      - B{i - 1}"]
    return "\n".join(lines + ["layers:", f"  - B{depth - 1}"]) + "\n"


MALFORMED = {
    "alias-bomb": _billion_laughs(),
    "recursive-alias": "input: [1, 3, 8, 8]\nlayers: &a [*a]\n",
    "deep-flow-nesting": "input: [1, 3, 8, 8]\nlayers: " + "[" * 5000 + "]" * 5000 + "\n",
    "deep-block-nesting": "input: [1, 3, 8, 8]\nlayers:\n" + "".join(
        "  " * (i + 1) + "- sequential:\n" for i in range(3000)) + "  " * 3001 + "- ReLU\n",
    "blocks-3000-deep": _nested_blocks(3000),
    "recursive-block": "input: [1, 3, 8, 8]\nblocks:\n  B:\n    sequential:\n      - B\n"
                       "layers:\n  - B\n",
    "huge-size": "input: [1, 3, 1" + "0" * 5000 + ", 8]\nlayers:\n  - ReLU\n",
    "huge-kernel": "input: [1, 3, 8, 8]\nlayers:\n  - Conv2d: {out_channels: 4, kernel_size: 1"
                   + "0" * 5000 + "}\n",
    "huge-repeat": "input: [1, 3, 8, 8]\nlayers:\n  - ReLU: {}\n    repeat: 1" + "0" * 30 + "\n",
    "python-tag": "input: !!python/object/apply:os.system ['echo hi']\nlayers: []\n",
    "empty": "",
    "whitespace": "  \n\n   \n",
    "only-comment": "# nothing here\n",
    "a-scalar": "42\n",
    "a-list": "- ReLU\n",
    "latin-1": "input: [1, 3, 8, 8]\nlayers:\n  - ReLU  # caf\xe9\n".encode("latin-1"),
    "utf-16-no-bom": OK_NET.encode("utf-16-le"),
    "binary": bytes(range(256)) * 8,
    "two-documents": OK_NET + "---\n" + OK_NET,
}


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_malformed_exit_2_with_location(tmp_path, name):
    result = _stack_file(tmp_path, MALFORMED[name])
    check_outcome(result)
    assert result.code == 2, result.stdout + result.stderr


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32", "utf-8-sig"])
def test_files_with_a_byte_order_mark_read(tmp_path, encoding):
    result = _stack_file(tmp_path, OK_NET.encode(encoding))
    check_outcome(result)
    assert result.code == 0, result.stderr


def test_stdin(tmp_path):
    with no_hang():
        result = run("stack", "-", "--format", "json", input=OK_NET.encode())
    check_outcome(result)
    assert result.code == 0 and json.loads(result.stdout)["output_shape"] == [1, 4, 6, 6]


def test_stdin_garbage():
    with no_hang():
        result = run("stack", "-", input=b"\xff\x00garbage")
    check_outcome(result)
    assert result.code == 2 and "<stdin>:" in result.stderr


def test_directory(tmp_path):
    with no_hang():
        result = run("stack", str(tmp_path))
    check_outcome(result, located=False)
    assert result.code == 2


def test_missing_file(tmp_path):
    with no_hang():
        result = run("stack", str(tmp_path / "nope.yaml"))
    check_outcome(result, located=False)
    assert result.code == 2


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0,
                    reason="root can read a chmod 000 file")
def test_unreadable_file(tmp_path):
    path = tmp_path / "net.yaml"
    path.write_text(OK_NET)
    path.chmod(0)
    try:
        with no_hang():
            result = run("stack", str(path))
    finally:
        path.chmod(0o600)
    check_outcome(result, located=False)
    assert result.code == 2


def test_several_megabytes(tmp_path):
    comment = "# " + "x" * 1000 + "\n"
    layers = "".join("  - Conv2d: {out_channels: 4, kernel_size: 3, padding: 1}\n  - ReLU\n"
                     for _ in range(500))
    text = "input: [1, 4, 16, 16]\nlayers:\n" + layers + comment * 4000
    assert len(text) > 4_000_000
    t0 = time.perf_counter()
    result = _stack_file(tmp_path, text, "--format", "json")
    check_outcome(result)
    assert result.code == 0
    assert time.perf_counter() - t0 < 15


def test_cat_along_a_huge_spatial_axis_does_not_hang(tmp_path):
    # was a hang: _cat_along visited every output position (now piecewise)
    text = ("input: [1, 2, 100000000]\nlayers:\n  - parallel:\n      - [Identity]\n"
            "      - [Identity]\n    dim: 2\n  - Conv1d: {out_channels: 2, kernel_size: 3}\n")
    t0 = time.perf_counter()
    result = _stack_file(tmp_path, text, "--format", "json")
    check_outcome(result)
    assert result.code == 0, result.stdout + result.stderr
    assert '200000000' in result.stdout and time.perf_counter() - t0 < 5


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a running process (Linux /proc; 0 where unreadable)."""
    try:
        fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def test_ctrl_c_exits_130_without_traceback(tmp_path):
    path = tmp_path / "huge.yaml"
    path.write_text("input: [1, 4, 16, 16]\nlayers:\n"
                    + "  - Conv2d: {out_channels: 4, kernel_size: 3, padding: 1}\n" * 200_000)
    # A job started in the background by a non-interactive shell inherits SIGINT ignored, and
    # Python then keeps it ignored: give the child the default disposition, as a terminal does.
    proc = subprocess.Popen([sys.executable, "-m", "conv_calc", "stack", str(path)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT,
                            env=dict(os.environ, PYTHONWARNINGS="ignore"),
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        # Interrupt once the process has spent 1.5 s of its own CPU time (well past start-up,
        # reading or analysing the file): CPU time, not wall time, so a loaded machine changes
        # nothing.
        deadline = time.monotonic() + 120
        while _cpu_seconds(proc.pid) < 1.5 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert proc.poll() is None, "finished before the interrupt"
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 130, err
    assert b"Traceback" not in err
