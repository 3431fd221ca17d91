"""Printing values the way Keras's messages print them (numpy arrays, sets, shapes).

Keras builds several messages from numpy arrays (``dilation_rate=[1 1]``) and
Python sets (``{'same', 'valid'}``); these helpers reproduce that text without
numpy.

>>> np_str((1, 10, 10, 3)), np_str((None, 10, 3)), np_str((-1, 5))
('[ 1 10 10  3]', '[None 10 3]', '[-1  5]')
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

__all__ = ["np_str", "int_set_str", "PADDING_SET", "PADDING_SET_CAUSAL"]

_INT64 = (-(2 ** 63), 2 ** 63 - 1)

#: ``str({"valid", "same"})`` and ``str({"valid", "same", "causal"})`` as Keras
#: prints them under PYTHONHASHSEED=0 (keras/src/utils/argument_validation.py:
#: standardize_padding); the order of a set of strings depends on the hash seed.
PADDING_SET = "{'same', 'valid'}"
PADDING_SET_CAUSAL = "{'same', 'causal', 'valid'}"


def np_str(values: Iterable[Any], as_object: bool = False) -> str:
    """``str(numpy.array(values))`` for a short 1-d array of ints (or ints and None).

    An int64 array right-aligns its entries to a common width; an object array
    (``None`` present, or an int beyond int64) does not.
    """
    vals = list(values)
    if (not as_object and any(isinstance(v, float) for v in vals)
            and all(isinstance(v, (int, float)) and abs(v) < 1e16 for v in vals)):
        return _np_float_str([float(v) for v in vals])
    if vals and not as_object and all(isinstance(v, bool) for v in vals):
        return "[" + " ".join(str(v).rjust(5) for v in vals) + "]"  # numpy: [ True False]
    if not as_object and any(isinstance(v, bool) for v in vals) and \
            all(isinstance(v, int) for v in vals):
        vals = [int(v) for v in vals]  # bools among ints make an int64 array
    ints = all(isinstance(v, int) and not isinstance(v, bool) for v in vals)
    if ints and vals and not as_object and all(_INT64[0] <= v <= _INT64[1] for v in vals):
        width = max(len(str(v)) for v in vals)
        return "[" + " ".join(str(v).rjust(width) for v in vals) + "]"
    return "[" + " ".join(str(v) for v in vals) + "]"


def _np_float_str(vals: list) -> str:
    """``str(numpy.array(vals))`` of a float64 array (numpy's default, non-scientific form).

    Each value in its shortest repr with integral ones as ``2.``; the integer parts are
    right-aligned and the fractions left-aligned to common widths (``[2.5 1. ]``).

    >>> _np_float_str([2.0, 2.0]), _np_float_str([2.5, 1.0]), _np_float_str([10.0, 1.25])
    ('[2. 2.]', '[2.5 1. ]', '[10.    1.25]')
    """
    parts = []
    for v in vals:
        text = repr(v)
        head, _, tail = text.partition(".")
        parts.append((head, "" if tail == "0" else tail))
    lw = max(len(h) for h, _ in parts)
    rw = max(len(t) for _, t in parts)
    return "[" + " ".join(h.rjust(lw) + "." + t.ljust(rw) for h, t in parts) + "]"


def int_set_str(values: Iterable[int]) -> str:
    """``str({...})`` of ints, built in the same insertion order Keras uses.

    Int hashing does not depend on PYTHONHASHSEED, so Python's own set gives
    Keras's order.
    """
    return str({v for v in values})
