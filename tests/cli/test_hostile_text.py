"""Hostile text in names, values and arguments: escaped on every output, refused where
it cannot mean anything, never an internal error."""

from __future__ import annotations

import json

import pytest

from tests.cli_runner import run

EVIL = "evil\\e[2J\\e]0;title\\a\\u202e\\ud800x"
STACK = ("input: [1, 3, 8, 8]\nlayers:\n  - Conv2d: {out_channels: 8, kernel_size: 3}\n"
         f'    name: "{EVIL}"\n')
RAW = ("\x1b", "\x07", "\u202e", "\ud800")


@pytest.fixture
def evil(tmp_path):
    path = tmp_path / "evil.yaml"
    path.write_text(STACK, encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("fmt", ["table", "json", "markdown", "csv"])
def test_names_with_controls_are_escaped_in_every_format(evil, fmt):
    result = run("stack", evil, "--format", fmt)
    assert result.code == 0, result.stderr
    assert not any(ch in result.stdout + result.stderr for ch in RAW)
    if fmt == "json":
        # Escaped the JSON way: the data is unchanged.
        name = json.loads(result.stdout)["layers"][0]["name"]
        assert name == "evil\x1b[2J\x1b]0;title\x07\u202e\ud800x"


def test_controls_in_a_failing_layer_are_escaped(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text('input: [1, 3, 8, 8]\nlayers:\n  - Conv2d: {out_channels: 8, kernel_size: 30}\n'
                    f'    name: "{EVIL}"\n', encoding="utf-8")
    result = run("stack", str(path))
    assert result.code == 1
    assert not any(ch in result.stdout + result.stderr for ch in RAW)


@pytest.mark.parametrize("args", [
    ["layer", 'Conv2d(3,8,3,padding_mode="\x1b[2J\udcff")', "-i", "8"],
    ["stack", "\udcff\x1b[2J.yaml"],
    ["solve", "padding", "Conv2d(3,8,3,padding_mode='\x1b]0;x\x07')", "--input", "8",
     "--output", "8"],
])
def test_hostile_arguments_are_escaped(args):
    result = run(*args)
    assert result.code == 2
    assert "internal error" not in result.stderr
    assert not any(ch in result.stdout + result.stderr for ch in RAW + ("\udcff",))


def test_repeated_keyword_is_refused_as_python_refuses_it():
    result = run("layer", "Conv2d(3, 8, kernel_size=3, kernel_size=5)", "-i", "32")
    assert result.code == 2
    assert "keyword argument repeated: kernel_size" in result.stderr


@pytest.mark.parametrize("args", [
    ["layer", "conv2d", "-i", "32", "-k", "3", "-s", "abc"],
    ["layer", "conv2d", "-i", "32", "-k", "abc"],
    ["layer", "conv2d", "--framework", "keras", "-i", "Nonex32x32x3", "--out", "4", "-k", "3",
     "-d", "two"],
])
def test_words_where_numbers_belong_are_refused(args):
    result = run(*args)
    assert result.code == 2
    assert "where a whole number should be" in result.stderr


def test_padding_words_still_work():
    assert run("layer", "conv2d", "-i", "32", "-k", "3", "-p", "same").code == 0
