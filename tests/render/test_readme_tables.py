"""Every `conv-calc stack` table shown in README.md and docs/*.md is what the command prints
in an 80-column terminal (a pseudo-terminal, COLUMNS=80 unless the block sets it), line for
line; a line "..." in a block stands for any number of lines left out."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

pty = pytest.importorskip("pty")

from tests.render.terminal import run_in_terminal  # noqa: E402

ROOT = Path(__file__).parent.parent.parent
BLOCK = re.compile(r"```console\n(\$ [^\n]*conv-calc stack [^\n]*)\n(.*?)```", re.S)


def _blocks():
    for path in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        for match in BLOCK.finditer(path.read_text(encoding="utf-8")):
            command, shown = match.group(1), match.group(2)
            lines = shown.splitlines()
            if not lines or lines[0].startswith("$"):
                continue  # commands without their output
            yield pytest.param(command[2:], lines, id=f"{path.name}:{command[2:]}")


def _in_a_terminal(command: str) -> list[str]:
    words = shlex.split(command.split("#")[0])
    env = {}
    while "=" in words[0]:
        key, _, value = words.pop(0).partition("=")
        env[key] = value
    assert words[0] == "conv-calc"
    _code, text = run_in_terminal(words[1:], env)
    return [line.rstrip() for line in text.splitlines()]


def _matches(shown: list[str], printed: list[str]) -> bool:
    """``shown`` is ``printed`` with "..." lines standing for any run of lines."""
    if not shown:
        return not printed
    if shown[0] == "...":
        return any(_matches(shown[1:], printed[i:]) for i in range(len(printed) + 1))
    return bool(printed) and shown[0] == printed[0] and _matches(shown[1:], printed[1:])


@pytest.mark.parametrize(("command", "shown"), list(_blocks()))
def test_documented_tables_are_what_the_command_prints(command, shown):
    printed = _in_a_terminal(command)
    assert _matches([line.rstrip() for line in shown], printed), "\n".join(printed)
    assert all(len(line) <= 80 for line in shown if not line.startswith(("error:", "RuntimeError",
                                                                         "hint:")))


def test_the_documented_blocks_are_found():
    ids = [p.id for p in _blocks()]
    assert "README.md:conv-calc stack examples/tiny.yaml" in ids
    assert any("broken-unet-skip" in i for i in ids) and any("tables.md" in i for i in ids)
