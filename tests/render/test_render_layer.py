"""conv_calc.render.layer: the per-axis formulas with the user's numbers, as a table."""

from __future__ import annotations

from fractions import Fraction
from types import SimpleNamespace as NS

import pytest

from conv_calc import nn
from conv_calc.render.layer import _decimal, axis_formula, layer_formulas, layer_text
from tests.report_fixtures import RF


@pytest.mark.parametrize("num, den, expected", [
    (223, 2, "111.5"), (224, 1, "224"), (221, 3, "73.666…"), (-1, 2, "-0.5"), (1, 8, "0.125"),
    (1, 16, "0.062…"),
])
def test_decimal(num, den, expected):
    assert _decimal(num, den) == expected


@pytest.mark.parametrize("type_name, layer, size, expected", [
    ("Conv2d", NS(kernel_size=(3, 3), stride=(2, 2), padding=(1, 1), dilation=(2, 2)), 10,
     "H_out = floor((10 + 2*1 - 2*(3-1) - 1) / 2) + 1 = floor(3.5) + 1 = 4"),
    ("Conv2d", NS(kernel_size=(4, 4), stride=(1, 1), padding="same", dilation=(1, 1)), 10,
     "H_out = H_in = 10  (padding='same' adds 1*(4-1) = 3: 1 before, 2 after)"),
    ("Conv2d", NS(kernel_size=(3, 3), stride=(1, 1), padding="valid", dilation=(1, 1)), 10,
     "H_out = floor((10 + 2*0 - 1*(3-1) - 1) / 1) + 1 = floor(7) + 1 = 8"),
    ("ConvTranspose2d", NS(kernel_size=(3, 3), stride=(2, 2), padding=(1, 1), dilation=(1, 1),
                           output_padding=(1, 1)), 7,
     "H_out = (7 - 1)*2 - 2*1 + 1*(3-1) + 1 + 1 = 14"),
    ("MaxPool2d", NS(kernel_size=3, stride=2, padding=1, dilation=1, ceil_mode=True), 112,
     "H_out = ceil((112 + 2*1 - 1*(3-1) - 1) / 2) + 1 = ceil(55.5) + 1 = 57"),
    ("AvgPool2d", NS(kernel_size=2, stride=None, padding=0, ceil_mode=False), 7,
     "H_out = floor((7 + 2*0 - 2) / 2) + 1 = floor(2.5) + 1 = 3"),
    ("AdaptiveAvgPool2d", NS(output_size=(7, None)), 14, "H_out = output_size = 7"),
    ("Upsample", NS(size=None, scale_factor=2.0), 7, "H_out = floor(7 * 2.0) = 14"),
    ("ReLU", NS(), 7, None),
])
def test_axis_formula(type_name, layer, size, expected):
    assert axis_formula(type_name, layer, 0, size, 2) == expected


def test_adaptive_none_keeps_the_size():
    layer = NS(output_size=(7, None))
    assert axis_formula("AdaptiveAvgPool2d", layer, 1, 14, 2) == \
        "W_out = W_in = 14  (output_size None keeps the size)"


def test_layer_formulas_checked_against_the_layer():
    conv = nn.Conv2d(3, 8, kernel_size=(3, 5), stride=(1, 2))
    out = conv.output_shape((1, 3, 9, 11))
    assert layer_formulas("Conv2d", conv, (1, 3, 9, 11), out) == [
        "H_out = floor((9 + 2*0 - 1*(3-1) - 1) / 1) + 1 = floor(6) + 1 = 7",
        "W_out = floor((11 + 2*0 - 1*(5-1) - 1) / 2) + 1 = floor(3) + 1 = 4",
    ]
    # a formula that disagrees with the layer is not shown at all
    assert layer_formulas("Conv2d", conv, (1, 3, 9, 11), (1, 8, 7, 5)) == []


def test_layer_text_with_receptive_field():
    rf = RF((5, 5), (3, 3), (Fraction(1, 2), Fraction(1, 2)), (0, 0), (1, 1))
    text = layer_text(title="ConvTranspose2d(...)", input_shape=(1, 3, 8, 8),
                      output_shape=(1, 3, 16, 16), formulas=["H_out = 16", "W_out = 16"],
                      general="out = ...", rf=rf, params=1234, macs=98765)
    assert text == (
        "ConvTranspose2d(...)\n\n"
        "input   [1, 3, 8, 8]\n"
        "output  [1, 3, 16, 16]\n\n"
        "  out = ...\n"
        "  H_out = 16\n"
        "  W_out = 16\n\n"
        "receptive field (per spatial axis)\n"
        "  size 5, jump 1/2, start 0, effective padding 1\n"
        "  size varies by position: smallest 3\n\n"
        "params  1,234\n"
        "MACs    98,765\n")
