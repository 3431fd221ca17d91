"""InputLayer, a nested Sequential, and the shape rules of keras.applications' own layers.

Keras's own messages are replayed from tests/golden/keras_apps.jsonl; here: what conv-calc
adds (an InputLayer given an input, a Sequential holding an unknown class) and the
broadcasting keras.applications' layers get when Keras traces their call.
"""

from __future__ import annotations

import pytest

from conv_calc.errors import LayerError
from conv_calc.keras import LAYERS


def test_input_layer_gives_its_shape_and_takes_no_other():
    layer = LAYERS["InputLayer"](shape=(224, 224, 3), batch_size=None, dtype="float32",
                                 sparse=False, ragged=False, optional=False)
    assert layer.compute_output_shape(None) == (None, 224, 224, 3)
    assert layer.compute_output_shape((None, 224, 224, 3)) == (None, 224, 224, 3)
    with pytest.raises(ValueError, match="does not take an input of shape") as info:
        layer.compute_output_shape((None, 8, 8, 3))
    assert info.value.hint


def test_sequential_builds_its_serialized_layers_and_names_unknown_ones():
    seq = LAYERS["Sequential"](name="stem", trainable=True, layers=[
        {"module": "keras.layers", "class_name": "InputLayer",
         "config": {"batch_shape": [None, 32, 32, 3], "name": "in"}},
        {"module": "keras.layers", "class_name": "Conv2D",
         "config": {"filters": 8, "kernel_size": [2, 2], "strides": [2, 2], "name": "c",
                    "kernel_initializer": {"class_name": "GlorotUniform", "config": {}}}},
        {"module": "keras.layers", "class_name": "LayerNormalization",
         "config": {"epsilon": 1e-6, "rms_scaling": False}}],
        build_input_shape=[None, 32, 32, 3])
    assert seq.input_layer.batch_shape == (None, 32, 32, 3)
    assert seq.shapes((None, 32, 32, 3)) == [(None, 32, 32, 3), (None, 16, 16, 8),
                                            (None, 16, 16, 8)]
    assert seq.count_params((None, 32, 32, 3)) == 3 * 4 * 8 + 8 + 16
    with pytest.raises(LayerError, match=r"Sequential layer 1: unknown layer class 'Foo'"):
        LAYERS["Sequential"](layers=[{"class_name": "ReLU", "config": {}},
                                     {"class_name": "Foo", "config": {}}])


def test_sequential_propagates_its_layers_errors():
    seq = LAYERS["Sequential"](layers=[{"class_name": "Conv2D",
                                        "config": {"filters": 4, "kernel_size": 5}}])
    with pytest.raises(ValueError, match="Negative dimension|Computed output size would be"):
        seq.compute_output_shape((None, 3, 3, 3))


@pytest.mark.parametrize("a, b, out", [
    ((None, 5, 5, 8), (None, 5, 5, 8), (None, 5, 5, 8)),
    ((None, 5, 5, 8), (None, 5, 5, 1), (None, 5, 5, 8)),
    ((None, 5, 5, 1), (None, 1, 5, 8), (None, 5, 5, 8)),
    ((None, 5, 5, 8), (1, 5, 5, 8), (None, 5, 5, 8)),
])
def test_custom_scale_layer_broadcasts_as_traced(a, b, out):
    assert LAYERS["CustomScaleLayer"](scale=0.1).symbolic_output_shape([a, b]) == out


def test_unknown_against_known_size_fails_as_the_trace_does():
    # Keras traces None as 83 and 89: against 2 both fail in torch (RuntimeError in call)
    with pytest.raises(RuntimeError, match=r"^Exception encountered when calling "
                                           r"CustomScaleLayer\.call\(\)\.$"):
        LAYERS["CustomScaleLayer"](scale=0.1).symbolic_output_shape(
            [(2, 5, 5, 8), (None, 5, 5, 8)])


def test_layer_scale_broadcasts_a_single_channel():
    layer = LAYERS["LayerScale"](init_values=1e-6, projection_dim=4)
    assert layer.symbolic_output_shape((None, 3, 3, 1)) == (None, 3, 3, 4)
    assert [a.kind for a in layer.axis_geometry((None, 3, 3, 1))] == [
        "pointwise", "pointwise", "pointwise", "bins"]
