"""When two layer rows are the same computation: the key of a layer built from its type,
arguments and input.

A deep stack repeats a few layers thousands of times (``repeat:``, blocks, long chains).
Building a layer spec and running torch's argument checks costs some 40 µs, against
under a microsecond for the shape formula, and the result depends only on the type,
the arguments and the input (shape and tracked axes): the analysis keeps one result per
key and reuses it (:mod:`conv_calc.graph.analysis`). Values are keyed with their type,
so ``1``, ``1.0`` and ``True`` (which torch tells apart) never share a result.

>>> layer_key("Conv2d", (), {"kernel_size": 3}, (1, 3, 8, 8), (-2, -1)) == \\
...     layer_key("Conv2d", (), {"kernel_size": 3}, (1, 3, 8, 8), (-2, -1))
True
>>> layer_key("Conv2d", (), {"kernel_size": 3}, (1, 3, 8, 8), (-2, -1)) == \\
...     layer_key("Conv2d", (), {"kernel_size": 3.0}, (1, 3, 8, 8), (-2, -1))
False
>>> layer_key("Conv2d", (), {"kernel_size": [3, 3]}, (1, 3, 8, 8), (-2, -1)) is None
False
>>> layer_key("X", (), {"f": {"a": 1}}, (1,), ()) is None   # not a plain value: never shared
True
"""

from __future__ import annotations

from typing import Any, Hashable, Mapping, Sequence

__all__ = ["layer_key"]

_PLAIN = (int, float, str, bool, type(None))


def layer_key(type_: str, args: Sequence[Any], kwargs: Mapping[str, Any],
              shape: Sequence[Any], dims: Sequence[Any]) -> Hashable | None:
    """A hashable key naming the layer and its input, or None when an argument is not a
    plain value (numbers, strings, booleans, None, lists and tuples of them)."""
    try:
        values = tuple([(k, type(v), v) if type(v) in _PLAIN else (k, _frozen(v))
                        for k, v in kwargs.items()])
        return (type_, _frozen(tuple(args)) if args else (), values, tuple(shape), tuple(dims))
    except _NotPlain:
        return None


class _NotPlain(Exception):
    pass


def _frozen(value: Any) -> Hashable:
    kind = type(value)
    if kind in _PLAIN:
        return kind, value
    if isinstance(value, (list, tuple)):
        return kind, tuple(_frozen(v) for v in value)
    raise _NotPlain
