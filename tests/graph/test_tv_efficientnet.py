"""torchvision's EfficientNet-B0, -B1 and -V2-S as stack files, against torchvision's own rows.

examples/efficientnet_b0.yaml, efficientnet_b1.yaml and efficientnet_v2_s.yaml against
tests/golden/torchvision/<model>.json (tests/torchvision_rows.py), in eval mode at batch 1.
No row stands for a torchvision functional call: torch.flatten is the tensor-function row
`flatten`, SqueezeExcitation's `scale * input` and MBConv's `result += input` are merges,
and StochasticDepth is a layer (conv_calc/nn/torchvision_ops.py), called only in the
blocks with a residual, with the p torchvision computes (0.2 * block_index / blocks).
"""

from __future__ import annotations

import pytest

import conv_calc
from tests.torchvision_rows import ROOT, mismatches, reference

MODELS = ["efficientnet_b0", "efficientnet_b1", "efficientnet_v2_s"]


@pytest.mark.parametrize("model", MODELS)
def test_matches_torchvision_row_by_row(model):
    assert mismatches(model, model) == []


@pytest.mark.parametrize("model, blocks", [("efficientnet_b0", 16), ("efficientnet_b1", 23),
                                           ("efficientnet_v2_s", 40)])
def test_stochastic_depth_rows_carry_torchvisions_linear_p(model, blocks):
    stack = conv_calc.load_stack(str(ROOT / "examples" / f"{model}.yaml"))
    report = stack.analyze()
    rows = [r for r in report.layers if r.type == "StochasticDepth"]
    ref = [r for r in reference(model)["eval"]["rows"] if r["name"].endswith(".stochastic_depth")]
    assert [r.name for r in rows] == [r["name"] for r in ref]
    assert rows and all(r.params == 0 and r.macs == 0 and r.input_shape == r.output_shape
                        for r in rows)
    # the file states every block's p, in torchvision's float arithmetic
    text = (ROOT / "examples" / f"{model}.yaml").read_text()
    for i in range(blocks):
        p = 0.2 * i / blocks
        assert f"p: {p!r}, mode: row" in text or f"(p = {p!r})" in text


def test_b0_is_not_b1():
    assert mismatches("efficientnet_b0", "efficientnet_b1")


def test_v2_s_has_fused_stages_without_squeeze_excitation():
    rows = reference("efficientnet_v2_s")["eval"]["rows"]
    assert not any(r["name"].startswith(("features.1.", "features.2.", "features.3."))
                   and ".fc1" in r["name"] for r in rows)
    assert mismatches("efficientnet_v2_s", "efficientnet_v2_s") == []
