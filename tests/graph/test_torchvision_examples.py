"""Stack files of torchvision models against torchvision's own rows (tests/torchvision_rows.py).

Each entry: the example, the torchvision model, and the rows the stack file writes as layers
for torchvision's functional calls (F.relu, torch.flatten, ...).
"""

from __future__ import annotations

import pytest

from tests.torchvision_rows import mismatches

CASES = [
    ("resnet18", "resnet18", ("flatten",)),
    ("resnet50", "resnet50", ("flatten",)),
    ("densenet121", "densenet121", ("relu", "pool", "flatten")),
    ("squeezenet1_1", "squeezenet1_1", ("flatten",)),
]


@pytest.mark.parametrize("example, model, functional", CASES, ids=[c[0] for c in CASES])
def test_example_matches_torchvision_row_by_row(example, model, functional):
    assert mismatches(example, model, functional=functional) == []


def test_a_wrong_example_is_caught():
    # resnet18's file compared with resnet50's rows: must report differences, not pass.
    assert mismatches("resnet18", "resnet50", functional=("flatten",))
