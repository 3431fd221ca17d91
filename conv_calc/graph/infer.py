"""Channel inference: the constructor arguments a stack may leave out, read off the incoming shape.

``in_channels``, ``num_features``, ``in_features`` (a layer's :attr:`~conv_calc.nn.base.Layer.inferable`)
are taken from the shape that reaches the layer, unless the stack gives them.
The analysis and solve both build layers through :func:`inferred_kwargs`.

>>> from conv_calc import nn
>>> inferred_kwargs(nn.Conv2d, (), {"out_channels": 8, "kernel_size": 3}, (1, 3, 32, 32))
{'in_channels': 3}
>>> inferred_kwargs(nn.Conv2d, (4,), {"out_channels": 8, "kernel_size": 3}, (1, 3, 32, 32))
{}
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Mapping
from typing import Any

from conv_calc.errors import LayerError
from conv_calc.nn.base import Layer

__all__ = ["inferred_kwargs"]


def inferred_kwargs(cls: type, args: tuple, kwargs: Mapping[str, Any],
                    shape: tuple) -> dict[str, Any]:
    """The inferable arguments of ``cls`` that ``args``/``kwargs`` leave out, from ``shape``.

    Raises the LayerError the layer's own inference raises; any other failure
    infers nothing (the layer itself will then say what is wrong with the input).
    """
    # infer_kwargs is asked even when `inferable` is empty: a layer that
    # overrides it but forgot the attribute still gets its channels.
    if not (cls.inferable or "infer_kwargs" in _overrides(cls)):  # type: ignore[attr-defined]
        return {}
    try:
        inferred = cls.infer_kwargs(shape)  # type: ignore[attr-defined]
    except LayerError:
        raise
    except Exception:  # noqa: BLE001 - the layer itself will say what is wrong with the input
        return {}
    missing = _unbound_names(cls, len(args), tuple(kwargs), tuple(inferred))
    return {k: v for k, v in inferred.items() if k in missing}


@functools.lru_cache(maxsize=None)
def _overrides(cls: type) -> frozenset[str]:
    return frozenset(name for c in cls.__mro__ if c is not Layer and issubclass(c, Layer)
                     for name in vars(c))


@functools.lru_cache(maxsize=None)
def _signature(cls: type) -> inspect.Signature:
    # Per class, not per layer: inspect.signature was a quarter of a 10,000-layer analysis.
    return inspect.signature(cls.__init__)


@functools.lru_cache(maxsize=4096)
def _unbound_names(cls: type, n_args: int, keys: tuple, names: tuple[str, ...]) -> frozenset[str]:
    """The inferable constructor arguments (``names``) not given by args/kwargs.

    Binding depends only on how many positional arguments there are and which
    keywords: cached on that (Signature.bind was a tenth of a 10,000-layer analysis).
    """
    kwargs = dict.fromkeys(keys)
    try:
        bound = _signature(cls).bind_partial(None, *([None] * n_args), **kwargs)
    except TypeError:
        return frozenset(n for n in names if n not in kwargs) if not n_args else frozenset()
    return frozenset(n for n in names if n not in bound.arguments)
