"""torchvision's video models (torchvision/models/video/resnet.py and s3d.py) as stack files,
against torchvision's own rows.

examples/r2plus1d_18.yaml, r3d_18.yaml, mc3_18.yaml and s3d.yaml against
tests/golden/torchvision/<model>.json (tests/torchvision_rows.py), in eval mode at torchvision's
video inputs (1x3x16x112x112; s3d 1x3x16x224x224). None of them writes a functional call as a
module row: x.flatten(1) and torch.mean(x, dim=(2, 3, 4)) are tensor-function rows, the residual
sums and S3D's torch.cat of four branches are merges.

r2plus1d_18 and s3d match exactly (Conv2Plus1D and Conv3dNormActivation are nn.Sequentials
of plain torch.nn layers; Conv2Plus1D is a (1,3,3) Conv3d, BatchNorm3d,
ReLU and a (3,1,1) Conv3d). r3d_18 and mc3_18 use torchvision's nn.Conv3d subclasses Conv3DSimple and
Conv3DNoTemporal, which add no parameters or computation of their own (only a fixed kernel,
stride and padding); conv-calc has no layers of those names, so the files write them as the
Conv3d they are, and the only differences allowed are those rows' class names.
"""

from __future__ import annotations

import ast

import pytest

from tests.torchvision_rows import mismatches, reference

#: torchvision's nn.Conv3d subclasses (video/resnet.py) written as Conv3d
CONV3D_SUBCLASSES = ("Conv3DSimple", "Conv3DNoTemporal")


def _class_name_only(problem: str) -> bool:
    """Whether ``problem`` is a row that differs from torchvision's only in naming the
    Conv3d subclass: names, shapes, params and MACs all equal."""
    head, sep, rest = problem.partition(": ours ")
    if not head.startswith("row ") or not sep:
        return False
    ours, sep, theirs = rest.partition(" != torchvision ")
    ours, theirs = ast.literal_eval(ours), ast.literal_eval(theirs)
    return (ours[1] == "Conv3d" and theirs[1] in CONV3D_SUBCLASSES
            and ours[:1] + ours[2:] == theirs[:1] + theirs[2:])


@pytest.mark.parametrize("model", ["r2plus1d_18", "s3d"])
def test_matches_torchvision_row_by_row(model):
    assert mismatches(model, model) == []


@pytest.mark.parametrize("model, subclass_rows", [("r3d_18", 16), ("mc3_18", 16)])
def test_matches_torchvision_but_for_the_conv3d_subclass_names(model, subclass_rows):
    problems = mismatches(model, model)
    assert [p for p in problems if not _class_name_only(p)] == []
    # every one of torchvision's subclass rows, and nothing else, is a class-name difference
    rows = reference(model)["eval"]["rows"]
    assert len(problems) == subclass_rows == sum(
        r["type"].rsplit(".", 1)[-1] in CONV3D_SUBCLASSES for r in rows)


@pytest.mark.parametrize("model", ["r2plus1d_18", "r3d_18", "mc3_18", "s3d"])
def test_the_file_has_every_row(model):
    # a guard against an empty comparison: the record has rows and the totals are real
    record = reference(model)["eval"]
    assert len(record["rows"]) > 50 and record["macs"] > 10**10


def test_a_different_model_does_not_match():
    # mc3's (1,3,3) convs in layers 2-4 keep the 16 frames that r3d's (3,3,3) convs halve
    assert [p for p in mismatches("mc3_18", "r3d_18") if not _class_name_only(p)]
