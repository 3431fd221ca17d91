"""The pictures committed in docs/pictures/ are what the commands in docs/pictures/make.sh
(named in README.md) draw today: run each command in-process and compare the bytes."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest

from tests.cli_runner import run

PICTURES = Path(__file__).resolve().parents[2] / "docs" / "pictures"


def commands() -> list[list[str]]:
    lines = (PICTURES / "make.sh").read_text(encoding="utf-8").splitlines()
    return [shlex.split(line)[1:] for line in lines if line.startswith("conv-calc ")]


def test_make_script_draws_every_committed_picture() -> None:
    outputs = {args[args.index("-o") + 1] for args in commands()}
    assert outputs == {p.name for p in PICTURES.glob("*.svg")}


@pytest.mark.parametrize("args", commands(), ids=lambda a: a[a.index("-o") + 1])
def test_committed_picture_is_current(args: list[str], tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(PICTURES)  # the script runs there: its paths are relative to it
    name = args[args.index("-o") + 1]
    args = list(args)
    args[args.index("-o") + 1] = str(tmp_path / name)
    r = run(*args)
    assert r.code == 0, r.stderr
    assert (tmp_path / name).read_text(encoding="utf-8") == \
        (PICTURES / name).read_text(encoding="utf-8"), \
        f"docs/pictures/{name} is stale: run sh docs/pictures/make.sh and look at it"
