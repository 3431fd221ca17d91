"""``$in_shape[k]`` and ``$in_channels`` in tensor-function arguments inside a block: the shape
entering the block use, as in a layer's arguments (channel_shuffle's ``x.view(...)``)."""

from __future__ import annotations

import pytest

from conv_calc.stackfile.load import load_text
from conv_calc.errors import StackFileError
from tests.cli_runner import run

SHUFFLE = """\
input: [2, 8, 6, 10]
blocks:
  Shuffle:
    params: {groups: 2}
    sequential:
      - Conv2d: {out_channels: $in_channels, kernel_size: 3, padding: 1}
      - view: ['$in_shape[0]', $groups, $in_channels // $groups, '$in_shape[-2]', '$in_shape[-1]']
      - transpose: {dim0: 1, dim1: 2}
      - contiguous
      - view: ['$in_shape[0]', -1, '$in_shape[2]', '$in_shape[3]']
layers:
  - Shuffle
  - Shuffle: {groups: 4}
"""


def test_view_sized_from_the_incoming_shape():
    report = load_text(SHUFFLE).analyze()
    assert report.error is None
    rows = [(r.name, r.output_shape) for r in report.layers]
    assert rows == [("0.0", (2, 8, 6, 10)), ("0.view", (2, 2, 4, 6, 10)),
                    ("0.transpose", (2, 4, 2, 6, 10)), ("0.contiguous", (2, 4, 2, 6, 10)),
                    ("0.view_1", (2, 8, 6, 10)),
                    ("1.0", (2, 8, 6, 10)), ("1.view", (2, 4, 2, 6, 10)),
                    ("1.transpose", (2, 2, 4, 6, 10)), ("1.contiguous", (2, 2, 4, 6, 10)),
                    ("1.view_1", (2, 8, 6, 10))]
    # another input: the same file follows it
    other = load_text(SHUFFLE).analyze((1, 12, 3, 5))
    assert other.error is None and other.layers[1].output_shape == (1, 2, 6, 3, 5)


def test_outside_a_block_is_a_problem_at_its_place():
    with pytest.raises(StackFileError) as err:
        load_text(SHUFFLE.replace("  - Shuffle: {groups: 4}\n", "") + "  - view: ['$in_shape[0]', -1]\n")
    assert "reads the incoming shape, which only works inside a block definition" in str(err.value)


def test_a_mistake_the_shape_reveals_is_a_problem_with_its_place(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(SHUFFLE.replace("'$in_shape[-2]'", "'$in_shape[7]'"))
    res = run("stack", str(path))
    assert res.code == 2, res.stdout
    assert "bad.yaml:7:" in res.stderr + res.stdout and "out of range" in res.stderr + res.stdout
    assert "Traceback" not in res.stderr + res.stdout


def test_solve_reads_call_expressions_of_the_other_dims(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(SHUFFLE)
    # the width is solved; the views read it ($in_shape[-1]): refused at its place, with why
    res = run("solve", "input-sizes", str(path), "--axis", "W")
    out = res.stderr + res.stdout
    assert res.code == 2 and "s.yaml:7:" in out and "is not known here" in out, out
    assert "the size being solved" in out and "Traceback" not in out
