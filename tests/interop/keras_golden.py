"""Shared by the .keras tests: the committed files, their golden records, and the comparison.

tests/golden/keras_files/NAME.keras are *config-only* copies of what Keras 3's
``model.save`` wrote (config.json and metadata.json; the weights are left out, the
reader never opens them); NAME.json is what Keras said about every layer
(oracle/keras_files_oracle.py).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from conv_calc.interop.keras_graph import MERGES, SUM_LIKE

GOLDEN = Path(__file__).resolve().parent.parent / "golden" / "keras_files"
NAMES = sorted(p.stem for p in GOLDEN.glob("*.keras"))
#: keras.ops calls on a tensor and a number, written as Rescaling (the same values).
OP_AS = "Rescaling"


def golden(name: str) -> dict:
    return json.loads((GOLDEN / f"{name}.json").read_text())


def missing_class(record: dict, known: Any) -> str | None:
    """The first layer class of the model conv-calc has no spec for (None: all there).

    Merges need none; keras.ops calls (module keras.src.ops) on two tensors are merges,
    on a tensor and a number a Rescaling."""
    for layer in record["layers"]:
        cls = layer["class"]
        if layer.get("nested") or cls == "InputLayer" or cls in MERGES or cls in SUM_LIKE:
            continue
        if layer["module"].startswith("keras.src.ops"):
            cls = OP_AS
        if cls not in known:
            return cls
    return None


def expected_rows(record: dict) -> dict[str, dict]:
    """Row name -> what Keras says: the output shape of that call, the class, the params.

    A layer called k times gives rows ``name``, ``name_1``, ... (one per call), its
    parameters at the first call only (as summary() shows the layer once, and
    count_params() counts it once); a nested model gives no row, its layers do."""
    rows = {}
    names = {layer["name"] for layer in record["layers"]}
    for layer in record["layers"]:
        if layer["class"] == "InputLayer" or layer.get("nested"):
            continue
        for k, outs in enumerate(layer["calls"]):
            if layer.get("inside") is not None and k > 0:
                break  # the inner graph's own call only
            assert len(outs) == 1, layer
            # name_k, or name_callk where the model has a layer named name_k
            row = layer["name"] if k == 0 else f"{layer['name']}_{k}"
            rows[row if k == 0 or row not in names else f"{layer['name']}_call{k}"] = {
                "output_shape": outs[0], "class": layer["class"], "module": layer["module"],
                "params": layer["params"] if k == 0 else 0, "call": k}
    return rows


def row_type(expected: dict, inputs: int = 1) -> str:
    """The type conv-calc's row has for a Keras layer of this class."""
    cls = expected["class"]
    if cls in SUM_LIKE:
        return SUM_LIKE[cls]
    if expected["module"].startswith("keras.src.ops"):
        return MERGES[cls] if inputs > 1 else OP_AS
    return MERGES.get(cls, cls)
