"""Every layer of every keras.applications conv model, built from its get_config(), against Keras 3.

The contract a .keras file reader relies on: for each layer ``l`` of those models,
``conv_calc.keras.LAYERS[type(l).__name__](**config)`` (``config = l.get_config()`` minus
Keras's base keywords, ``KERAS_BASE_KWARGS``) builds and gives Keras's output shape and
``count_params()`` on the layer's real input. The records come from
``python -m oracle.keras_apps_oracle`` (tests/golden/keras_applications/layers.json.gz:
every model at its default size, plus variants); the live test rebuilds some models in
Keras where it is installed.
"""

from __future__ import annotations

import os
from collections import defaultdict

import pytest

from conv_calc.keras import LAYERS
from tests.keras.keras_apps_golden import answer, load, spec_kwargs

DATA = load()
RECORDS = DATA["records"]

#: The keras.applications models the golden file must hold (each at its default size).
APPLICATIONS = (
    "ConvNeXtTiny", "ConvNeXtSmall", "ConvNeXtBase", "ConvNeXtLarge", "ConvNeXtXLarge",
    "DenseNet121", "DenseNet169", "DenseNet201", *[f"EfficientNetB{i}" for i in range(8)],
    "EfficientNetV2B0", "EfficientNetV2B1", "EfficientNetV2B2", "EfficientNetV2B3",
    "EfficientNetV2S", "EfficientNetV2M", "EfficientNetV2L", "InceptionV3", "InceptionResNetV2",
    "MobileNet", "MobileNetV2", "MobileNetV3Small", "MobileNetV3Large", "ResNet50", "ResNet101",
    "ResNet152", "ResNet50V2", "ResNet101V2", "ResNet152V2", "VGG16", "VGG19", "Xception")

#: Every layer class those models (and the variants) use.
CLASSES = (
    "Activation", "Add", "AveragePooling2D", "BatchNormalization", "Concatenate", "Conv2D",
    "CustomScaleLayer", "Dense", "DepthwiseConv2D", "Dropout", "Flatten",
    "GlobalAveragePooling2D", "GlobalMaxPooling2D", "InputLayer", "LayerNormalization",
    "LayerScale", "MaxPooling2D", "Multiply", "Normalization", "ReLU", "Rescaling", "Reshape",
    "SeparableConv2D", "Sequential", "StochasticDepth", "ZeroPadding2D")

BY_CLASS: dict[str, list[int]] = defaultdict(list)
for _i, _r in enumerate(RECORDS):
    BY_CLASS[_r["class"]].append(_i)


def test_golden_holds_every_application_and_class():
    assert set(APPLICATIONS) <= set(DATA["models"])
    assert set(BY_CLASS) == set(CLASSES)
    assert set(CLASSES) <= set(LAYERS)
    # every activation the models use is one the spec knows (and was replayed below)
    acts = {r["config"]["activation"] for r in RECORDS if "activation" in r["config"]}
    assert acts == {"relu", "silu", "sigmoid", "softmax", "gelu", "hard_silu", "linear"}


def _mismatches(indices: list[int]) -> list[str]:
    bad = []
    for i in indices:
        record = RECORDS[i]
        try:
            got = answer(record)
        except Exception as exc:  # noqa: BLE001 - reported with the record
            got = {"error": f"{type(exc).__name__}: {exc}"}
        want = {"out": record["out"], "params": record["params"]}
        if got != want:
            bad.append(f"record {i} {record['class']} in={record['in']}: got {got}, "
                       f"Keras {want}; config {spec_kwargs(record['config'])}")
    return bad


@pytest.mark.parametrize("cls", CLASSES)
def test_every_record_of_a_class_matches_keras(cls):
    bad = _mismatches(BY_CLASS[cls])
    assert not bad, f"{len(bad)} of {len(BY_CLASS[cls])} differ:\n" + "\n".join(bad[:5])


@pytest.mark.parametrize("model", sorted(DATA["models"]))
def test_model_parameters_add_up(model):
    """The top-level layers' count_params sum to the model's (a Sequential holds its layers')."""
    entry = DATA["models"][model]
    total = sum(answer(RECORDS[i])["params"] for name, i in entry["layers"] if "/" not in name)
    assert total == entry["params"]


def test_a_sequential_is_its_layers():
    """ConvNeXt's stem: the nested Sequential's shape and weights are its inner layers'."""
    stem = next(r for r in RECORDS if r["class"] == "Sequential" and r["in"][1] == 224)
    spec = LAYERS["Sequential"](**spec_kwargs(stem["config"]))
    assert [type(layer).__name__ for layer in spec.layers] == ["Conv2D", "LayerNormalization"]
    assert spec.shapes(tuple(stem["in"]))[1] == (None, 56, 56, 96)
    assert answer(stem) == {"out": [None, 56, 56, 96], "params": 4896}


def test_config_without_base_keys_is_what_the_specs_take():
    """No record needs a key beyond its get_config(); the base keys are taken too (a reader may
    pass the whole config); unknown keys still fail as in Keras."""
    for record in RECORDS:
        LAYERS[record["class"]](**record["config"])
    with pytest.raises(ValueError, match="Unrecognized keyword arguments passed to LayerScale"):
        LAYERS["LayerScale"](init_values=1e-6, projection_dim=4, gamma=1)


@pytest.mark.slow
@pytest.mark.parametrize("app", ["MobileNetV3Small", "ConvNeXtTiny", "InceptionResNetV2",
                                 "EfficientNetB0"])
def test_live_against_keras(app):
    """Rebuild the model in Keras and compare every layer call (skipped without Keras)."""
    os.environ.setdefault("KERAS_BACKEND", "torch")
    keras = pytest.importorskip("keras")
    from oracle.keras_apps_oracle import record_model

    rows, _, params = record_model(keras, getattr(keras.applications, app), {})
    assert params == DATA["models"][app]["params"]
    bad = []
    for name, record in rows:
        got = answer(record)
        if got != {"out": record["out"], "params": record["params"]}:
            bad.append(f"{name}: {got} vs {record['out']}, {record['params']}")
    assert not bad, "\n".join(bad[:5])
