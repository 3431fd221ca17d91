"""Path counts (conv_calc.graph.paths) against torch: overlap maps are all-ones inputs
through all-ones weights, regions are the gradient of one output with all weights one.

Replayed from tests/golden/draw_paths.json (oracle/draw_paths_oracle.py) without torch,
and re-run live when torch is installed.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conv_calc.errors import InputError
from conv_calc.graph.paths import path_tape
from conv_calc.receptive import paths as grid_paths
from conv_calc.stackfile.load import load_text
from tests.draw.cases import CASES

GOLDEN = json.loads((Path(__file__).resolve().parents[1] / "golden" / "draw_paths.json")
                    .read_text(encoding="utf-8"))


def test_golden_file_covers_every_case() -> None:
    assert set(GOLDEN["cases"]) == set(CASES)


@pytest.mark.parametrize("case", sorted(CASES))
def test_overlap_matches_torch_golden(case: str) -> None:
    tape = path_tape(load_text(CASES[case]))
    want = GOLDEN["cases"][case]["overlap"]
    assert tape.names == list(want)
    for name, counts in want.items():
        assert tape.overlap(name).rows() == counts, name


@pytest.mark.parametrize("case", sorted(CASES))
def test_regions_match_autograd_golden(case: str) -> None:
    tape = path_tape(load_text(CASES[case]))
    golden = GOLDEN["cases"][case]
    assert golden["regions"]
    for region in golden["regions"]:
        assert tape.region(golden["row"], region["position"]).rows() == region["counts"], \
            region["position"]


@pytest.mark.slow
@pytest.mark.parametrize("case", sorted(CASES))
def test_live_torch(case: str) -> None:
    pytest.importorskip("torch")
    from oracle.draw_paths_oracle import torch_case

    live = torch_case(CASES[case])
    tape = path_tape(load_text(CASES[case]))
    for name, counts in live["overlap"].items():
        assert tape.overlap(name).rows() == counts, name
    for region in live["regions"]:
        assert tape.region(live["row"], region["position"]).rows() == region["counts"]


def test_checkerboard_of_kernel_3_stride_2() -> None:
    tape = path_tape(load_text(CASES["transposed-k3-s2"]))
    first_rows = tape.overlap().plane()[:2]
    assert first_rows == [[1, 2, 1, 2, 1, 2, 1, 2, 1], [2, 4, 2, 4, 2, 4, 2, 4, 2]]


def test_unknown_row_is_named_with_a_suggestion() -> None:
    tape = path_tape(load_text(CASES["residual-cat"]))
    with pytest.raises(InputError, match="no row named 'Add'") as info:
        tape.overlap("Add")
    assert "add" in info.value.hint


def test_position_out_of_range() -> None:
    tape = path_tape(load_text(CASES["transposed-k3-s2"]))
    with pytest.raises(InputError, match="outside the 9x9 output"):
        tape.region(None, (9, 0))
    with pytest.raises(InputError, match="outside"):
        tape.region(None, (1,))


def test_huge_grid_is_refused() -> None:
    text = "input: [1, 1, 2048, 1024]\nlayers:\n  - Conv2d: {out_channels: 1, kernel_size: 1}\n"
    tape = path_tape(load_text(text))  # the graph is recorded; counting is refused
    with pytest.raises(InputError, match="more than the 1048576 cells") as info:
        tape.overlap()
    assert info.value.hint


def test_grid_axis_mapping_is_row_major() -> None:
    grid = grid_paths.Grid((2, 3), (1, 2, 3, 4, 5, 6))
    summed = grid.mapped(1, (((0, 1), (1, 1), (2, 1)),), 1)
    assert summed.rows() == [[6], [15]]
