"""Every layer of every keras.applications conv model, as Keras 3 builds it, for the layer specs.

Usage (from the repository root, in a venv with ``keras``, ``scipy`` and ``torch==2.13.0``)::

    python -m oracle.keras_apps_oracle            # every model -> tests/golden/keras_applications/layers.json.gz
    python -m oracle.keras_apps_oracle VGG16 ...  # some models, printed (the golden file is left alone)

Each model is built with ``weights=None`` at its default input size (plus a few
variants that use other layers: ``pooling="max"``, MobileNetV3's ``minimalistic``,
no preprocessing, ConvNeXt with stochastic depth). For every layer in
``model.layers`` (and, for a nested ``Sequential``, every layer inside it) and every
call of it (its inbound nodes), it records:

- ``class``: ``type(layer).__name__`` (the key in ``conv_calc.keras.LAYERS``);
- ``config``: ``layer.get_config()`` minus ``name`` (JSON: tuples become lists);
- ``in``: the input shape, or the list of input shapes of a merge (batch None);
- ``out``: the output shape; ``params``: ``layer.count_params()``.

The file is compact: identical records are stored once (``records``), each model is its
list of ``[layer name, record index]`` rows in ``model.layers`` order
(``Sequential`` inner layers follow their container, named ``<container>/<layer>``), and
``params``, the model's ``count_params()``.
``operations`` lists, per model, the ``keras.ops`` calls made between layers (they are
not layers: MobileNetV3's ``x + 3.0`` and ``* (1/6)``), by class and module.
"""

from __future__ import annotations

import gzip
import json
import os
import sys
import time
import warnings
from pathlib import Path

from oracle.driver import GOLDEN

OUT = GOLDEN / "keras_applications" / "layers.json.gz"

#: (record name, application function, keyword arguments); weights=None is always added.
MODELS = [
    *[(n, n, {}) for n in (
        "ConvNeXtTiny", "ConvNeXtSmall", "ConvNeXtBase", "ConvNeXtLarge", "ConvNeXtXLarge",
        "DenseNet121", "DenseNet169", "DenseNet201",
        *[f"EfficientNetB{i}" for i in range(8)],
        "EfficientNetV2B0", "EfficientNetV2B1", "EfficientNetV2B2", "EfficientNetV2B3",
        "EfficientNetV2S", "EfficientNetV2M", "EfficientNetV2L",
        "InceptionV3", "InceptionResNetV2", "MobileNet", "MobileNetV2", "MobileNetV3Small",
        "MobileNetV3Large", "ResNet50", "ResNet101", "ResNet152", "ResNet50V2", "ResNet101V2",
        "ResNet152V2", "VGG16", "VGG19", "Xception")],
    ("ResNet50-notop-max", "ResNet50", {"include_top": False, "pooling": "max"}),
    ("VGG16-notop-avg", "VGG16", {"include_top": False, "pooling": "avg"}),
    ("MobileNetV3Small-minimalistic", "MobileNetV3Small", {"minimalistic": True}),
    ("MobileNetV3Large-nopre", "MobileNetV3Large", {"include_preprocessing": False}),
    ("EfficientNetV2B0-nopre", "EfficientNetV2B0", {"include_preprocessing": False}),
    ("ConvNeXtTiny-nopre", "ConvNeXtTiny", {"include_preprocessing": False}),
    ("MobileNet-160-a050", "MobileNet", {"input_shape": (160, 160, 3), "alpha": 0.5}),
    ("MobileNetV2-96-a035", "MobileNetV2", {"input_shape": (96, 96, 3), "alpha": 0.35}),
    ("InceptionV3-notop-139", "InceptionV3", {"include_top": False, "input_shape": (139, 139, 3)}),
    # ConvNeXt-T with stochastic depth (the only model with StochasticDepth layers)
    ("ConvNeXtTiny-droppath", "convnext.ConvNeXt",
     {"depths": [3, 3, 9, 3], "projection_dims": [96, 192, 384, 768], "drop_path_rate": 0.1,
      "name": "convnext_tiny_droppath"}),
]


def _application(keras, fn_name: str):
    """``keras.applications.X``, or ``keras.src.applications.<module>.X`` for a dotted name."""
    if "." not in fn_name:
        return getattr(keras.applications, fn_name)
    import importlib

    module, attr = fn_name.rsplit(".", 1)
    return getattr(importlib.import_module(f"keras.src.applications.{module}"), attr)


def _shape(value) -> list:
    return [None if d is None else int(d) for d in value]


def _jsonable(value):
    """get_config() values as JSON (tuples as lists); anything else as its repr, flagged."""
    return json.loads(json.dumps(value, default=lambda v: {"__repr__": repr(v)}))


def _shapes(tensors):
    if isinstance(tensors, (list, tuple)):
        return [_shapes(t) for t in tensors]
    return _shape(tensors.shape)


def _calls(layer) -> list:
    """(input shape(s), output shape) per inbound node of ``layer``."""
    out = []
    for node in layer._inbound_nodes:
        args = node.arguments.args
        inp = _shapes(args[0]) if len(args) == 1 else _shapes(list(args))
        res = _shapes(node.outputs[0] if len(node.outputs) == 1 else node.outputs)
        if [inp, res] not in out:
            out.append([inp, res])
    return out


def record_model(keras, fn, kwargs) -> tuple[list, list, int]:
    """[(layer name, record)] in model.layers order, the ops between layers, count_params()."""
    model = fn(weights=None, **kwargs)
    rows = []

    def visit(layer, prefix=""):
        config = _jsonable(layer.get_config())
        config.pop("name", None)
        for inp, res in _calls(layer):
            rows.append((prefix + layer.name, {"class": type(layer).__name__, "config": config,
                                               "in": inp, "out": res,
                                               "params": int(layer.count_params())}))
        if isinstance(layer, keras.Sequential):
            for inner in layer.layers:
                visit(inner, prefix + layer.name + "/")

    for layer in model.layers:
        visit(layer)
    ops = sorted({f"{type(op).__module__}.{type(op).__name__}" for op in model.operations
                  if not isinstance(op, keras.layers.Layer)})
    return rows, ops, int(model.count_params())


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    os.environ.setdefault("KERAS_BACKEND", "torch")
    import keras

    warnings.simplefilter("ignore")
    chosen = [m for m in MODELS if not argv or m[0] in argv]
    records: list = []
    index: dict = {}
    models: dict = {}
    operations: dict = {}
    for name, fn_name, kwargs in chosen:
        start = time.time()
        keras.backend.clear_session()
        rows, ops, params = record_model(keras, _application(keras, fn_name), kwargs)
        refs = []
        for layer_name, rec in rows:
            key = json.dumps(rec, sort_keys=True)
            if key not in index:
                index[key] = len(records)
                records.append(rec)
            refs.append([layer_name, index[key]])
        models[name] = {"application": fn_name, "kwargs": _jsonable(kwargs), "layers": refs,
                        "params": params}
        if ops:
            operations[name] = ops
        print(f"{name}: {len(rows)} layer calls, {len(records)} records so far, "
              f"{time.time() - start:.1f}s", flush=True)
    data = {"generator": "python -m oracle.keras_apps_oracle", "keras": keras.__version__,
            "backend": keras.backend.backend(), "records": records, "models": models,
            "operations": operations}
    if argv:
        print(json.dumps(data, indent=1)[:20000])
        return 0
    OUT.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(data, sort_keys=True, separators=(",", ":")).encode()
    OUT.write_bytes(gzip.compress(text, mtime=0))
    print(f"wrote {OUT} ({OUT.stat().st_size:,} bytes, {len(records)} records)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
