"""Run ``python -m conv_calc`` in a pseudo-terminal, as a user's terminal shows it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def run_in_terminal(args: list[str], env: dict[str, str] | None = None) -> tuple[int, str]:
    """(exit code, what the terminal showed without colour codes, "\\n" line ends).

    COLUMNS=80 and a colour TERM unless ``env`` says otherwise; NO_COLOR is removed.
    """
    import pty

    full = {**os.environ, "COLUMNS": "80", "PYTHONPATH": str(ROOT), "TERM": "xterm-256color"}
    full.pop("NO_COLOR", None)
    full.update(env or {})
    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "conv_calc", *args], cwd=ROOT,
                            stdout=slave, stderr=slave, env=full)
    os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    code = proc.wait(timeout=60)
    return code, ANSI.sub("", b"".join(chunks).decode()).replace("\r\n", "\n")
