"""The committed keras.applications layer records (``python -m oracle.keras_apps_oracle``) and
how conv_calc.keras answers one: the contract a .keras file reader relies on."""

from __future__ import annotations

import gzip
import json
from functools import lru_cache
from pathlib import Path

from conv_calc.graph.framework import KERAS_BASE_KWARGS
from conv_calc.keras import LAYERS

PATH = Path(__file__).resolve().parents[1] / "golden" / "keras_applications" / "layers.json.gz"


@lru_cache(maxsize=1)
def load() -> dict:
    return json.loads(gzip.decompress(PATH.read_bytes()))


def spec_kwargs(config: dict) -> dict:
    """``layer.get_config()`` minus Keras's base keys: what the spec is built from."""
    return {k: v for k, v in config.items() if k not in KERAS_BASE_KWARGS}


def answer(record: dict) -> dict:
    """conv-calc's class, output shape and count_params for one record (shapes as lists)."""
    from conv_calc.graph.keras_support import symbolic_shape

    layer = LAYERS[record["class"]](**spec_kwargs(record["config"]))
    inp = record["in"]
    if not inp:                                    # an InputLayer: no input
        out = layer.compute_output_shape(None)
    elif isinstance(inp[0], list):                 # a merge: a list of shapes
        out = layer.call_shape([tuple(s) for s in inp])
    else:
        out = symbolic_shape(layer, tuple(inp))
    params = layer.count_params([tuple(s) for s in inp] if inp and isinstance(inp[0], list)
                                else tuple(inp))
    return {"out": [d for d in out], "params": params}
