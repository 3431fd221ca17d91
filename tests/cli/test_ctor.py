"""conv_calc.cli.ctor: constructor strings and shapes, parsed without eval."""

from __future__ import annotations

import pytest

from conv_calc.cli.ctor import Ctor, CtorError, ShapeError, format_ctor, parse_ctor, \
    parse_option_value, parse_shape


@pytest.mark.parametrize("text, expected", [
    ("Conv2d(3, 64, kernel_size=7, stride=2, padding=3)",
     Ctor("Conv2d", (3, 64), {"kernel_size": 7, "stride": 2, "padding": 3})),
    # as print(model) writes it
    ("Conv2d(3, 64, kernel_size=(7, 7), stride=(2, 2), padding=(3, 3), bias=False)",
     Ctor("Conv2d", (3, 64), {"kernel_size": (7, 7), "stride": (2, 2), "padding": (3, 3),
                              "bias": False})),
    ("(conv1): Conv2d(3, 64, kernel_size=(7, 7), stride=(2, 2), padding=(3, 3), bias=False)",
     Ctor("Conv2d", (3, 64), {"kernel_size": (7, 7), "stride": (2, 2), "padding": (3, 3),
                              "bias": False})),
    ("Conv2d(3, 8, kernel_size=(3, 3), stride=(1, 1), padding=same, padding_mode=circular)",
     Ctor("Conv2d", (3, 8), {"kernel_size": (3, 3), "stride": (1, 1), "padding": "same",
                             "padding_mode": "circular"})),
    ("nn.MaxPool2d(kernel_size=[3, 3], stride=None, ceil_mode=True)",
     Ctor("MaxPool2d", (), {"kernel_size": [3, 3], "stride": None, "ceil_mode": True})),
    ("torch.nn.ConvTranspose1d(4, 2, 3, padding=-1)",
     Ctor("ConvTranspose1d", (4, 2, 3), {"padding": -1})),
    ("  BatchNorm2d(64, eps=1e-05, momentum=0.1)  ",
     Ctor("BatchNorm2d", (64,), {"eps": 1e-05, "momentum": 0.1})),
    ("Upsample(scale_factor=2.0, mode='nearest')",
     Ctor("Upsample", (), {"scale_factor": 2.0, "mode": "nearest"})),
    ("ReLU()", Ctor("ReLU")),
    ("Conv2d(3, 64, (3,), +1)", Ctor("Conv2d", (3, 64, (3,), 1))),
])
def test_parse_ctor(text, expected):
    assert parse_ctor(text) == expected


@pytest.mark.parametrize("text, column, message", [
    ("Conv2d(3, 64, kernel_size=k)", 27, "'k' is not a literal value"),
    ("Conv2d(3, 64, kernel_size=__import__('os').system('x'))", 27,
     "arguments must be numbers, strings, True/False/None, tuples or lists (nothing is evaluated)"),
    ("Conv2d(3, 64, 1 + 2)", 15,
     "arguments must be numbers, strings, True/False/None, tuples or lists (nothing is evaluated)"),
    ("Conv2d(*args)", 8, "'*' arguments are not supported: write the values out"),
    ("Conv2d(3, 64, 3", 7, "not a constructor call: '(' was never closed"),
    ("3 + 4", 1, "expected a layer constructor call such as 'Conv2d(3, 64, 3)'"),
    ("os.system('x')", 1,
     "unknown module prefix 'os.': use 'nn.system', 'torch.nn.system' or 'system'"),
    ("Conv2d(3, 64, -x)", 15, "'-' and '+' apply to numbers only"),
    ("Conv2d(3, 64, b'x')", 15, "bytes values are not supported"),
    ("", 1, "the layer is empty"),
    ("Conv2d(" + "(" * 300 + ")" * 300 + ")", 207,
     "not a constructor call: too many nested parentheses"),
])
def test_parse_ctor_errors_point_at_the_column(text, column, message):
    with pytest.raises(CtorError) as info:
        parse_ctor(text)
    assert isinstance(info.value, ValueError)
    assert (info.value.column, str(info.value)) == (column, message)


def test_parse_ctor_column_counts_the_child_prefix():
    with pytest.raises(CtorError) as info:
        parse_ctor("(conv1): Conv2d(3, k)")
    assert info.value.column == 20
    assert info.value.caret() == "(conv1): Conv2d(3, k)\n                   ^"


def test_parse_ctor_rejects_huge_inputs():
    with pytest.raises(CtorError, match="at most"):
        parse_ctor("Conv2d(" + "1, " * 5000 + ")")
    with pytest.raises(CtorError, match="not a constructor call"):
        parse_ctor("Conv2d(" + "9" * 5000 + ")")


def test_format_ctor_round_trips():
    text = "Conv2d(3, 64, kernel_size=(7, 7), padding='same', bias=False)"
    assert format_ctor(parse_ctor(text)) == text


@pytest.mark.parametrize("text, expected", [
    ("1x3x224x224", (1, 3, 224, 224)),
    ("1,3,224,224", (1, 3, 224, 224)),
    ("1, 3, 224, 224", (1, 3, 224, 224)),
    ("[1, 3, 224, 224]", (1, 3, 224, 224)),
    ("(1, 3)", (1, 3)),
    ("224", (224,)),
    ("0x3X8×8", (0, 3, 8, 8)),
    ("1 3 8", (1, 3, 8)),
])
def test_parse_shape(text, expected):
    assert parse_shape(text) == expected


@pytest.mark.parametrize("text, message", [
    ("", "the shape '' is empty"),
    ("1x3xa", "the shape '1x3xa' has 'a' where a whole number should be"),
    ("1x-3", "the shape '1x-3' has the negative size -3"),
    ("1x3.5", "the shape '1x3.5' has '3.5' where a whole number should be"),
    ("1xx3", "the shape '1xx3' has '' where a whole number should be"),
    ("9" * 40, f"the shape '{'9' * 40}' has a number with 40 digits"),
])
def test_parse_shape_errors(text, message):
    with pytest.raises(ShapeError) as info:
        parse_shape(text)
    assert str(info.value) == message and info.value.hint


@pytest.mark.parametrize("text, expected", [
    ("7", 7), ("7x5", (7, 5)), ("3,3,3", (3, 3, 3)), ("same", "same"), ("-1", -1),
])
def test_parse_option_value(text, expected):
    assert parse_option_value(text) == expected
