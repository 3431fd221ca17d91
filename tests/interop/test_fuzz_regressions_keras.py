"""Replay the Keras files in tests/fuzz_regressions/ (each once gave an internal error):
``conv-calc stack`` and ``conv-calc import keras`` refuse each with exit 2, the message
below and a hint, never an internal error."""

from __future__ import annotations

import pytest

from tests.cli_runner import run
from tests.fuzz_support import REGRESSIONS, check_outcome, check_safe_output, no_hang

#: file -> text the refusal must hold (found by tests/interop/test_fuzz_keras_files.py).
EXPECTED = {
    # A flipped byte in the deflated config.json: zlib's own error, not BadZipFile.
    "keras-bad-deflate.keras": "not a readable zip (Error -3 while decompressing data",
    "keras-layer-config-int.keras": "config.layers[1]: config must be a dict, got int",
    "keras-kwargs-list.keras": "config.layers[1].inbound_nodes[0]: kwargs must be a dict, got list",
    "keras-output-ref-config-str.keras": "config.output_layers: a tensor reference must be",
    # output_layers names a layer that has no inbound node: a KeyError in the writer.
    "keras-output-never-called.keras": "the model's output ['relu', 0, 0] is made by no layer call",
}
FILES = sorted(REGRESSIONS.glob("*.keras"))


def test_every_file_has_its_expectation():
    assert sorted(p.name for p in FILES) == sorted(EXPECTED)


@pytest.mark.parametrize("command", [("stack",), ("import", "keras")], ids=["stack", "import"])
@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_replay(path, command):
    with no_hang():
        result = run(*command, str(path))
    check_outcome(result, located=False)
    check_safe_output(result)
    assert result.code == 2, result.stdout + result.stderr
    assert EXPECTED[path.name] in result.stderr, result.stderr
    assert "hint:" in result.stderr


@pytest.mark.parametrize("command", [("stack",), ("import", "keras")], ids=["stack", "import"])
@pytest.mark.parametrize("name", ["model.json", "model.keras"])
def test_a_fifo_is_refused_not_waited_on(tmp_path, command, name):
    import os

    fifo = tmp_path / name
    os.mkfifo(fifo)
    with no_hang(10):
        result = run(*command, str(fifo))
    assert result.code == 2, result.stdout + result.stderr
    assert "it is a FIFO (named pipe), not a regular file" in result.stderr
