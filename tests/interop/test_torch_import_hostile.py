"""``conv-calc import torch`` given hostile arguments: every one is exit 2 with a message
and a hint, never a traceback, an internal error or an exit code the user's code chose."""

from __future__ import annotations

import pytest

from tests.cli_runner import run
from tests.fuzz_support import check_outcome, check_safe_output, no_hang

CODE = '''
import sys
import torch


def raises():
    raise RuntimeError("boom \\x1b[2J")


def not_module():
    return 42


def exits():
    sys.exit(3)


def needs_arg(x):
    return torch.nn.Sequential(torch.nn.Conv2d(x, 4, 3))


def fine():
    return torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3))


value = 3
'''


@pytest.fixture
def model(tmp_path):
    path = tmp_path / "hostile.py"
    path.write_text(CODE)
    return str(path)


def _refused(*args: str) -> str:
    with no_hang(60):
        result = run("import", "torch", *args)
    check_outcome(result, located=False)
    check_safe_output(result)
    assert result.code == 2, result.stdout + result.stderr
    assert "hint:" in result.stderr
    return result.stderr


def test_deeply_nested_kwargs_are_refused():
    # Found by hand: json's recursion limit was an internal error.
    err = _refused("m:f", "-i", "1x3x8x8", "--kwargs", "[" * 100_000)
    assert "--kwargs is nested too deeply to read" in err


@pytest.mark.parametrize("args, needle", [
    (["", "-i", "1x3x8x8"], "is not MODULE:CALLABLE"),
    (["m:f", "-i", "1x3x8x8", "--kwargs", '{"x": 3'], "--kwargs is not JSON"),
    (["m:f", "-i", "1x3x8x8", "--kwargs", "[1]"], "--kwargs must be a JSON object, got list"),
    (["m:f", "-i", "abc"], "--input: the shape 'abc'"),
])
def test_argument_errors(args, needle):
    assert needle in _refused(*args)


@pytest.mark.slow
@pytest.mark.parametrize("spec, args, needle", [
    ("/nonexistent/file.py:f", [], "no file '/nonexistent/file.py'"),
    ("{dir}:f", [], "is not a regular file"),
    ("{model}:nothere", [], "has no callable 'nothere'"),
    ("{model}:value", [], "has no callable 'value'"),
    ("{model}:raises", [], "raises() raised RuntimeError: boom \\u001b[2J"),
    ("{model}:not_module", [], "returned int, not a torch.nn.Module"),
    # sys.exit(3) in the user's code was conv-calc's exit code 3.
    ("{model}:exits", [], "exits() raised SystemExit: 3"),
    ("{model}:needs_arg", ["--kwargs", '{"y": 3}'], "unexpected keyword argument 'y'"),
    # torch.zeros raised outside the run: an internal error.
    ("{model}:fine", ["-i", "1x3x99999999999x99999999999"],
     "cannot be built in torch: Storage size calculation overflowed with sizes=[1, 3, 99999999999, 99999999999]"),
])
def test_model_errors(model, tmp_path, spec, args, needle):
    pytest.importorskip("torch")
    spec = spec.format(model=model, dir=tmp_path)
    shape = [] if "-i" in args else ["-i", "1x3x8x8"]
    assert needle in _refused(spec, *shape, *args)


@pytest.mark.slow
def test_a_fifo_named_as_the_code_is_refused(tmp_path):
    import os

    pytest.importorskip("torch")
    fifo = tmp_path / "model.py"
    os.mkfifo(fifo)
    assert "is not a regular file" in _refused(f"{fifo}:f", "-i", "1x3x8x8")
