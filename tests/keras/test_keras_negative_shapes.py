"""A Keras layer whose output would have a negative size is refused as Keras refuses it.

Keras 3.15 (torch backend), checked live below where Keras is installed:
``keras.layers.ZeroPadding2D(-3)(keras.Input((5, 4, 3)))`` raises ValueError "...Cannot
convert '(None, -1, -2, 3)' to a shape. Negative dimensions are not allowed." (wrapped in
"Exception encountered when calling ZeroPadding2D.call()"); on a 9x9 input it gives
(None, 3, 3, 3).
"""

from __future__ import annotations

import os

import pytest

from conv_calc import Stack
from conv_calc.keras import LAYERS

MESSAGE = "Cannot convert '(None, -1, -2, 3)' to a shape. Negative dimensions are not allowed."


def test_negative_padding_past_the_input_is_refused():
    report = Stack([LAYERS["ZeroPadding2D"](-3)], framework="keras").analyze((None, 5, 4, 3))
    assert report.error is not None and str(report.error) == MESSAGE
    assert isinstance(report.error, ValueError)


def test_negative_padding_within_the_input_is_a_crop():
    report = Stack([LAYERS["ZeroPadding2D"](-3)], framework="keras").analyze((None, 9, 9, 3))
    assert report.error is None and report.output_shape == (None, 3, 3, 3)


@pytest.mark.slow
def test_keras_agrees():
    os.environ.setdefault("KERAS_BACKEND", "torch")
    keras = pytest.importorskip("keras")
    with pytest.raises(ValueError) as err:
        keras.layers.ZeroPadding2D(-3)(keras.Input((5, 4, 3)))
    assert MESSAGE in str(err.value)
    assert tuple(keras.layers.ZeroPadding2D(-3)(keras.Input((9, 9, 3))).shape) == (None, 3, 3, 3)
