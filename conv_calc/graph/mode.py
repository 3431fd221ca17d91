"""Training and eval mode: which one a network is analysed in, and its layers set to it.

torch builds every module in training mode; ``model.eval()`` sets ``training = False`` on
every submodule. A stack's ``mode`` ("train", the default, or "eval") does the same for the
analysis: each layer runs its checks in that mode (batch norm's batch-of-one check, for
example, is training only). A layer the caller built is never changed: the analysis uses a
copy in the stack's mode when its own differs.

>>> from conv_calc import nn
>>> bn = nn.BatchNorm2d(8)
>>> in_mode(bn, "eval").training, bn.training
(False, True)
>>> in_mode(bn, "train") is bn
True
"""

from __future__ import annotations

import copy
from typing import Any

from conv_calc.nn.base import Layer

__all__ = ["MODES", "DEFAULT_MODE", "check_mode", "in_mode"]

#: The modes, the default first (a freshly built torch module is in training mode).
MODES = ("train", "eval")
DEFAULT_MODE = "train"


def check_mode(mode: Any) -> str:
    """``mode`` if it is "train" or "eval"; ValueError otherwise.

    >>> check_mode("eval")
    'eval'
    """
    if mode not in MODES:
        raise ValueError(f"mode must be 'train' or 'eval', got {mode!r}")
    return mode


def in_mode(layer: Any, mode: str) -> Any:
    """``layer`` with ``training`` as ``mode`` says: itself when it already is (or is not a
    torch layer spec, such as a Keras layer), else a shallow copy set by ``.train()``."""
    training = mode == "train"
    if not isinstance(layer, Layer) or layer.training == training:
        return layer
    return copy.copy(layer).train(training)
