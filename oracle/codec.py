"""JSON encoding of case arguments that keeps tuples apart from lists.

torch treats some tuples and lists differently (``Upsample(scale_factor=[2, 3])``
fails, ``(2, 3)`` works), so the golden data must record which one was passed.
A tuple is written as ``{"tuple": [...]}``; everything else is plain JSON.
This module is imported by the tests too, so it must not import torch.

>>> encode({"k": (1, 2), "s": [3]})
{'k': {'tuple': [1, 2]}, 's': [3]}
>>> decode(encode({"k": (1, 2), "s": [3]}))
{'k': (1, 2), 's': [3]}
"""

from __future__ import annotations

from typing import Any


def encode(value: Any) -> Any:
    """Turn a Python value into JSON-able data, marking tuples."""
    if isinstance(value, tuple):
        return {"tuple": [encode(v) for v in value]}
    if isinstance(value, list):
        return [encode(v) for v in value]
    if isinstance(value, dict):
        return {str(k): encode(v) for k, v in value.items()}
    if isinstance(value, float) and value != value:  # NaN is not JSON
        return {"float": "nan"}
    if isinstance(value, float) and value in (float("inf"), float("-inf")):
        return {"float": "inf" if value > 0 else "-inf"}
    return value


def decode(value: Any) -> Any:
    """Inverse of :func:`encode`."""
    if isinstance(value, dict):
        if set(value) == {"tuple"}:
            return tuple(decode(v) for v in value["tuple"])
        if set(value) == {"float"}:
            return float(value["float"])
        return {k: decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [decode(v) for v in value]
    return value
