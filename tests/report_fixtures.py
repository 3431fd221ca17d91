"""Hand-built reports for the renderer and CLI tests (independent of the analysis code)."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from conv_calc.errors import LayerRuntimeError
from conv_calc.graph.nodes import Source
from conv_calc.graph.report import FailedLayer, Report, Row


@dataclass(frozen=True)
class RF:
    size: tuple
    size_min: tuple
    jump: tuple
    start: tuple
    effective_padding: tuple


def rf(size, jump, start, pad, size_min=None):
    return RF((size, size), (size_min or size, size_min or size), (jump, jump), (start, start),
              (pad, pad))


ROWS = (
    Row(0, "conv1", "Conv2d", (1, 3, 224, 224), (1, 64, 112, 112), 9408, 118013952,
        rf(7, 2, 0, 3), Source("net.yaml", 3, 5)),
    Row(1, "bn1", "BatchNorm2d", (1, 64, 112, 112), (1, 64, 112, 112), 128, 0,
        rf(7, 2, 0, 3), Source("net.yaml", 5, 5)),
    Row(2, "maxpool[1]", "MaxPool2d", (1, 64, 112, 112), (1, 64, 56, 56), 0, 0,
        rf(11, 4, 0, 5), Source("net.yaml", 6, 5)),
    Row(3, "up", "ConvTranspose2d", (1, 64, 56, 56), (1, 3, 111, 111), 3075, 9633792,
        RF((11, 12), (10, 10), (2, Fraction(2, 1)), (Fraction(1, 2), -1), (5, 5)),
        Source("net.yaml", 7, 5)),
    Row(4, "flat", "Flatten", (1, 3, 111, 111), (1, 36963), 0, 0, None, None),
)

OK = Report(input_shape=(1, 3, 224, 224), layers=ROWS)

ERROR = LayerRuntimeError(
    "Given groups=1, weight of size [128, 65, 3, 3], expected input[1, 64, 56, 56] to have 65 "
    "channels, but got 64 channels instead",
    hint="the layer expects 65 input channels (in_channels) but the input has 64: set "
         "in_channels=64 or fix the previous layer.", stage="forward", layer="conv2")
FAILED = Report(
    input_shape=(1, 3, 224, 224), layers=ROWS[:3], error=ERROR,
    failed=FailedLayer(3, "conv2", "Conv2d", (1, 64, 56, 56), Source("net.yaml", 7, 5)))

#: A very wide row: long name, huge numbers (what rich would cut at 80 columns).
WIDE = Report(input_shape=(1, 3, 4096, 4096), layers=(
    Row(0, "encoder.stage4.block3.conv_expand_pointwise", "ConvTranspose3d",
        (1, 3, 4096, 4096), (123456789, 987654321, 4096, 4096), 123456789012, 98765432109876543,
        rf(123457, 65536, Fraction(-7, 2), 61728), None),
))
