"""Write .keras files with Keras 3 and what Keras says about every layer in them.

Usage (from the repository root, in a venv with ``keras``, ``scipy`` and
``torch==2.13.0``; the script sets ``KERAS_BACKEND=torch``)::

    python -m oracle.keras_files_oracle            # every model below
    python -m oracle.keras_files_oracle MobileNetV2 two_inputs

For each model it writes to ``tests/golden/keras_files/``:

- ``NAME.keras``: a *config-only* copy of ``model.save()``'s zip (``config.json`` and
  ``metadata.json``; the weights are left out to keep the repository small; the
  reader never opens them);
- ``NAME.json``: the golden record: the model's input and output shapes, its
  ``count_params()``, and per layer (in the config's order) the Keras class, the
  output shape of each call (``layer.get_output_at``-style, from the inbound nodes)
  and ``count_params()``.

keras.applications models are built with ``weights=None`` at their default size;
the hand-made functional models below cover branches, several inputs and outputs,
shared layers, nested models and a Sequential model.
"""

from __future__ import annotations

import json
import os
import sys
import zipfile
from pathlib import Path

os.environ.setdefault("KERAS_BACKEND", "torch")

OUT = Path(__file__).resolve().parent.parent / "tests" / "golden" / "keras_files"

#: keras.applications models that build on the torch backend (the issue's list).
APPLICATIONS = (
    "ConvNeXtTiny", "DenseNet121", "EfficientNetB0", "EfficientNetV2B0", "InceptionV3",
    "InceptionResNetV2", "MobileNet", "MobileNetV2", "MobileNetV3Small", "MobileNetV3Large",
    "ResNet50", "ResNet50V2", "VGG16", "Xception",
)


#: Models whose default input has no fixed size ((None, None, 3)): built at 224 so that
#: every layer's shape is known (conv-calc analyses a given size).
SIZED = {"MobileNetV3Small": {"input_shape": (224, 224, 3)},
         "MobileNetV3Large": {"input_shape": (224, 224, 3)}}


def _hand_made(keras):
    """Small functional models for what applications do not cover."""
    L = keras.layers
    models = {}

    x = L.Input((32, 32, 3), name="image")
    a = L.Conv2D(8, 3, padding="same", name="branch_a")(x)
    b = L.Conv2D(8, 1, name="branch_b")(x)
    b = L.Conv2D(8, 3, padding="same", name="branch_b2")(b)
    s = L.Add(name="sum")([a, b])
    c = L.Concatenate(name="concat")([s, a, b])
    m = L.Multiply(name="gate")([a, b])
    y = L.Concatenate(axis=-1, name="both")([c, m])
    y = L.GlobalAveragePooling2D(name="gap")(y)
    y = L.Dense(10, name="logits")(y)
    models["branches"] = keras.Model(x, y, name="branches")

    x = L.Input((28, 28, 1), name="left")
    z = L.Input((28, 28, 1), name="right")
    a = L.Conv2D(4, 3, name="conv_left")(x)
    b = L.Conv2D(4, 3, name="conv_right")(z)
    s = L.Add(name="merge")([a, b])
    o1 = L.Flatten(name="flat")(s)
    o1 = L.Dense(3, name="head1")(o1)
    o2 = L.GlobalMaxPooling2D(name="head2")(s)
    models["two_inputs"] = keras.Model([x, z], [o1, o2], name="two_inputs")

    x = L.Input((16, 16, 3), name="x")
    conv = L.Conv2D(3, 3, padding="same", name="shared_conv")
    y = conv(x)
    y = conv(y)
    y = L.ReLU(name="relu")(y)
    models["shared"] = keras.Model(x, y, name="shared")

    # A head shared by two pyramid levels (called at 16x16 and 8x8), a Dense called on two
    # branches, and Keras's own naming: a shared conv2d beside another layer conv2d_1.
    x = L.Input((16, 16, 3), name="x")
    head = L.Conv2D(4, 3, padding="same", name="head")
    shared_1x1 = L.Conv2D(6, 1, name="conv2d")
    p3 = L.Conv2D(6, 1, name="stem")(x)
    p4 = L.MaxPooling2D(2, name="down")(p3)
    p3 = L.Conv2D(6, 1, name="conv2d_1")(shared_1x1(p3))
    o3 = head(p3)
    o4 = L.UpSampling2D(2, name="up")(head(shared_1x1(p4)))
    y = L.Add(name="sum")([o3, o4])
    dense = L.Dense(5, name="fc")
    a = dense(L.GlobalAveragePooling2D(name="gap")(y))
    b = dense(L.GlobalMaxPooling2D(name="gmp")(y))
    models["shared_levels"] = keras.Model(x, L.Concatenate(name="both")([a, b]),
                                          name="shared_levels")

    x = L.Input((24, 24, 3), name="x")
    y = L.Conv2D(8, 3, strides=2, name="stem")(x)
    p = L.MaxPooling2D(2, name="pool")(y)
    u = L.UpSampling2D(2, name="up")(p)
    u = L.ZeroPadding2D(((0, 1), (0, 1)), name="pad")(u)
    y = L.Concatenate(name="skip")([y, u])
    y1 = L.Conv2D(2, 1, name="out_a")(y)
    y2 = L.Conv2D(5, 1, name="out_b")(y)
    models["two_outputs"] = keras.Model(x, [y1, y2], name="two_outputs")

    models["sequential"] = keras.Sequential([
        keras.Input((32, 32, 3), name="inp"),
        L.Conv2D(16, 3, strides=2, padding="same", name="c1"),
        L.BatchNormalization(name="bn1"),
        L.ReLU(name="r1"),
        L.MaxPooling2D(2, name="p1"),
        L.Flatten(name="flat"),
        L.Dense(10, name="fc"),
    ], name="sequential")

    inner_in = L.Input((16, 16, 8), name="inner_in")
    inner = keras.Model(inner_in, L.Conv2D(8, 3, padding="same", name="inner_conv")(inner_in),
                        name="inner")
    x = L.Input((16, 16, 3), name="x")
    y = L.Conv2D(8, 1, name="pre")(x)
    y = inner(y)
    y = L.ReLU(name="post")(y)
    models["nested"] = keras.Model(x, y, name="nested")
    return models


def _shape(shape) -> list:
    return [None if d is None else int(d) for d in shape]


def _tensors(value):
    if isinstance(value, (list, tuple)):
        return [t for v in value for t in _tensors(v)]
    return [value] if hasattr(value, "shape") else []


def _layers(model, inside=None) -> list:
    """Per layer: class, output shape of each call, count_params(); the layers of a nested
    model follow it (``"inside"``: the nested model's name), as conv-calc flattens them."""
    layers = []
    # operations: the layers and the keras.ops calls recorded in the graph (MobileNetV3's
    # ops.add(x, 3.0), ConvNeXt's residual ops.add), which model.layers leaves out.
    for layer in getattr(model, "operations", model.layers):
        if type(layer).__name__ == "InputLayer" and inside is not None:
            continue
        calls = []
        for node in layer._inbound_nodes:
            calls.append([_shape(t.shape) for t in _tensors(node.output_tensors)])
        entry = {"name": layer.name, "class": type(layer).__name__,
                 "module": type(layer).__module__, "calls": calls,
                 "params": int(layer.count_params()) if hasattr(layer, "count_params") else 0}
        if inside is not None:
            entry["inside"] = inside
        if hasattr(layer, "layers") and type(layer).__name__ in ("Functional", "Sequential"):
            entry["nested"] = True
            layers.append(entry)
            # a nested model's own layers: their calls are those of the inner graph
            layers.extend(_layers(layer, layer.name))
            continue
        layers.append(entry)
    return layers


def record(model) -> dict:
    """The model's inputs, outputs, count_params() and its layers (:func:`_layers`)."""
    layers = _layers(model)
    return {"model": model.name, "class": type(model).__name__,
            "inputs": [_shape(t.shape) for t in _tensors(model.inputs)],
            "outputs": [_shape(t.shape) for t in _tensors(model.outputs)],
            "params": int(model.count_params()), "layers": layers}


def save_config_only(model, path: Path) -> None:
    """``model.save()`` then keep config.json and metadata.json only (no weights)."""
    full = path.with_suffix(".full.keras")
    model.save(full)
    with zipfile.ZipFile(full) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for member in ("metadata.json", "config.json"):
            info = zipfile.ZipInfo(member, date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(info, src.read(member), compresslevel=9)
    full.unlink()


def main(argv: list[str]) -> int:
    import keras

    OUT.mkdir(parents=True, exist_ok=True)
    wanted = set(argv)
    builders = {name: (lambda n=name: getattr(keras.applications, n)(
                    weights=None, **SIZED.get(n, {}))) for name in APPLICATIONS}
    hand = _hand_made(keras)
    builders.update({name: (lambda m=m: m) for name, m in hand.items()})
    for name, build in builders.items():
        if wanted and name not in wanted:
            continue
        keras.backend.clear_session()
        model = build()
        save_config_only(model, OUT / f"{name}.keras")
        data = record(model)
        data["keras_version"] = keras.__version__
        (OUT / f"{name}.json").write_text(json.dumps(data, indent=None) + "\n")
        print(f"{name}: {len(model.layers)} layers, {data['params']} params")
    if not wanted or "sequential_json" in wanted:
        # model.to_json() text, the other input the reader takes
        (OUT / "sequential.model.json").write_text(hand["sequential"].to_json() + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
