"""Fuzz ``conv-calc export --to torch`` on mutated stack files.

Inputs: the seed files in tests/fuzz_seeds/ and a few examples, mutated generically and by
swapping words of the vocabulary (tests/stackfile/test_fuzz_vocabulary.py). Property: exit
0, 1 or 2, never a traceback, an internal error or a hang, nothing raw on a terminal; exit
0 writes Python that compiles (no name, string or number can break out of the code).
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.cli_runner import run
from tests.fuzz_support import budget, check_outcome, check_safe_output, no_hang
from tests.stackfile.test_fuzz_vocabulary import TEXTS, vocabulary_mutants

#: Hostile names and strings the generated code must quote, never run.
NAMES = ['x"); import os; os.system("echo pwned', "a\nb", "\x1b[2J", "class", "__init__",
         "def", "x'", "\\", "1abc", "a.b", "\u202e", "self", "torch", "nn"]


def _export(tmp_path, data: bytes):
    path = tmp_path / "net.yaml"
    path.write_bytes(data)
    with no_hang():
        result = run("export", str(path), "--to", "torch")
    check_outcome(result, located=False)
    check_safe_output(result)
    if result.code == 0:
        compile(result.stdout, "export.py", "exec")
    return result


#: The seeds with one input (export refuses `inputs:`, tested below), so that mutants reach
#: the writer.
ONE_INPUT = [t.replace(b"inputs: {side: [1, 8, 16, 16]}\n", b"").replace(b"side", b"input")
             for t in TEXTS]


def test_the_one_input_seeds_export(tmp_path):
    for i, text in enumerate(ONE_INPUT):
        (tmp_path / str(i)).mkdir()
        result = _export(tmp_path / str(i), text)
        assert result.code == 0, result.stderr


@pytest.mark.slow
@budget(60)
@given(data=vocabulary_mutants(ONE_INPUT))
def test_mutated_exports(tmp_path_factory, data):
    _export(tmp_path_factory.mktemp("e"), data)


@pytest.mark.slow
@budget(40)
@given(name=st.sampled_from(NAMES), where=st.sampled_from(["name", "save", "block", "stack"]))
def test_hostile_names_give_code_that_compiles(tmp_path_factory, name, where):
    quoted = '"' + name.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") \
        .replace("\x1b", "\\e") + '"'
    block = quoted if where == "block" else "Unit"
    text = (f"name: {quoted if where == 'stack' else 'net'}\ninput: [1, 3, 8, 8]\n"
            f"blocks:\n  {block}:\n    - Conv2d: {{out_channels: 4, kernel_size: 3}}\n"
            f"layers:\n  - {block}:\n    name: {quoted if where == 'name' else 'u'}\n"
            f"    save: {quoted if where == 'save' else 's'}\n  - ReLU\n")
    _export(tmp_path_factory.mktemp("n"), text.encode("utf-8"))


def test_several_inputs_are_refused_naming_them(tmp_path):
    # Found by fuzzing: `inputs:` was an internal error ("'side' is used before any
    # tensor was saved under that name") from the export's own walk.
    text = ("input: [1, 1, 8, 8]\ninputs: {side: [1, 1, 8, 8]}\nlayers:\n"
            "  - save: a\n  - add: [a, side]\n")
    result = _export(tmp_path, text.encode())
    assert result.code == 2
    assert "a network with several inputs (side besides `input`) cannot be exported" in result.stderr


def test_in_shape_in_a_calls_arguments_is_written_as_its_number(tmp_path):
    # Found by fuzzing: `view: ['$in_shape[0]', ...]` in a block was an internal error
    # (the export's walk did not evaluate it); torch code takes the number at this input.
    text = ("input: [1, 4, 6, 6]\nblocks:\n  Shuffle:\n    - view: ['$in_shape[0]', 2, "
            "$in_channels // 2, '$in_shape[2]', '$in_shape[-1]']\n    - transpose: [1, 2]\n"
            "    - contiguous\n    - view: ['$in_shape[0]', -1, 6, 6]\nlayers:\n  - Shuffle\n")
    result = _export(tmp_path, text.encode())
    assert result.code == 0, result.stderr
    assert "x.view(1, 2, 2, 6, 6)" in result.stdout
    assert "x.view(1, -1, 6, 6)" in result.stdout
