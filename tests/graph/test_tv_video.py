"""torchvision's video models (torchvision/models/video/resnet.py and s3d.py) as stack files,
against torchvision's own rows.

examples/r2plus1d_18.yaml, r3d_18.yaml, mc3_18.yaml and s3d.yaml against
tests/golden/torchvision/<model>.json (tests/torchvision_rows.py), in eval mode at torchvision's
video inputs (1x3x16x112x112; s3d 1x3x16x224x224). None of them writes a functional call as a
module row: x.flatten(1) and torch.mean(x, dim=(2, 3, 4)) are tensor-function rows, the residual
sums and S3D's torch.cat of four branches are merges.

All four match exactly. Conv2Plus1D and Conv3dNormActivation are nn.Sequentials of plain
torch.nn layers; r3d_18 and mc3_18 use torchvision's nn.Conv3d subclasses Conv3DSimple and
Conv3DNoTemporal, which conv-calc has as layers of the same names.
"""

from __future__ import annotations

import pytest

from tests.torchvision_rows import mismatches, reference

@pytest.mark.parametrize("model", ["r2plus1d_18", "s3d", "r3d_18", "mc3_18"])
def test_matches_torchvision_row_by_row(model):
    assert mismatches(model, model) == []


@pytest.mark.parametrize("model", ["r2plus1d_18", "r3d_18", "mc3_18", "s3d"])
def test_the_file_has_every_row(model):
    # a guard against an empty comparison: the record has rows and the totals are real
    record = reference(model)["eval"]
    assert len(record["rows"]) > 50 and record["macs"] > 10**10


def test_a_different_model_does_not_match():
    # mc3's (1,3,3) convs in layers 2-4 keep the 16 frames that r3d's (3,3,3) convs halve
    assert mismatches("mc3_18", "r3d_18")
