"""examples/convnext_tiny.yaml against torchvision's convnext_tiny, row by row
(tests/torchvision_rows.py), and the parameter total with the layer scales."""

from __future__ import annotations

import conv_calc
from tests.torchvision_rows import ROOT, mismatches, reference

# ConvNeXt's layer scales are nn.Parameters, not modules: torchvision's record has no rows for
# them (they are its other_params); the stack file writes them as LayerScale rows, skipped here.
DEPTHS = {1: 3, 3: 3, 5: 9, 7: 3}
LAYER_SCALES = tuple(f"features.{s}.{i}.layer_scale" for s, n in DEPTHS.items() for i in range(n))


def test_convnext_tiny_matches_torchvision_row_by_row():
    assert mismatches("convnext_tiny", "convnext_tiny", functional=LAYER_SCALES) == []


def test_convnext_tiny_layer_scales_are_torchvisions_other_params():
    golden = reference("convnext_tiny")
    report = conv_calc.load_stack(str(ROOT / "examples" / "convnext_tiny.yaml")).analyze(
        input_shape=tuple(golden["input"]), mode="eval")
    scales = {r.name.rsplit(".", 1)[0]: r.params for r in report.layers if r.type == "LayerScale"}
    assert scales == golden["other_params"]
    assert sum(r.params for r in report.layers) == golden["params"]
    assert report.layers[-1].output_shape == (1, 1000)
