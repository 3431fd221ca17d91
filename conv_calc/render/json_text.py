"""JSON text indented by two spaces, byte for byte what ``json.dumps(doc, indent=2)`` writes.

The standard library only uses its C encoder without ``indent``; with it, every value
goes through a chain of Python generators, which made writing the JSON of a 5,000-layer
report cost as much as analysing it. This writer appends to one list instead, and
writes a list of scalars once per (value, depth) per document: a deep chain repeats the
same shapes and receptive-field entries on thousands of rows.

>>> import json
>>> doc = {"a": [1, [2, 3], {}], "b": {"c": None, "d": True, "e": 1.5, "f": "é"}, "g": []}
>>> dumps(doc) == json.dumps(doc, indent=2)
True
>>> dumps({"s": "é"}, ensure_ascii=True) == json.dumps({"s": "é"}, indent=2)
True
>>> dumps({"x": object()})
Traceback (most recent call last):
TypeError: Object of type object is not JSON serializable
"""

from __future__ import annotations

from json.encoder import encode_basestring, encode_basestring_ascii
from typing import Any, Callable

__all__ = ["dumps", "JsonWriter", "Raw"]

_INF = float("inf")
_FLAT = frozenset((int, str))


class Raw(str):
    """JSON text the writer copies as it is: a value already written at the depth where it
    goes (a report writes a receptive field shared by many rows once).

    >>> JsonWriter().text({"a": Raw("[1]")})
    '{\\n  "a": [1]\\n}'
    """

    __slots__ = ()


def _float(value: float) -> str:
    if value != value:
        return "NaN"
    if value == _INF:
        return "Infinity"
    if value == -_INF:
        return "-Infinity"
    return float.__repr__(value)


def _scalar(value: Any, text: Callable[[str], str]) -> str | None:
    """The JSON of a scalar, or None for a container (or anything JSON cannot write)."""
    if isinstance(value, str):
        return text(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, float):
        return _float(value)
    return None


def _key(key: Any, text: Callable[[str], str]) -> str:
    if isinstance(key, str):
        return text(key)
    if isinstance(key, (bool, int, float)) or key is None:
        # json turns these keys into strings first (True -> "true", 1.5 -> "1.5")
        return text(_scalar(key, str) or "")
    raise TypeError(f"keys must be str, int, float, bool or None, not {type(key).__name__}")


def dumps(document: Any, ensure_ascii: bool = True) -> str:
    """``json.dumps(document, indent=2, ensure_ascii=ensure_ascii)``, faster."""
    return JsonWriter(ensure_ascii).text(document)


class JsonWriter:
    """One document's writer: :meth:`text` of a value as it reads nested ``depth`` levels
    deep, so a long list can be written (and streamed) an element at a time.

    >>> w = JsonWriter(ensure_ascii=False)
    >>> w.text([1, 2], depth=1)
    '[\\n    1,\\n    2\\n  ]'
    """

    def __init__(self, ensure_ascii: bool = True) -> None:
        self.quote = encode_basestring_ascii if ensure_ascii else encode_basestring
        self.flat: dict[tuple[Any, ...], str] = {}  # (depth, *scalars) -> the list's text
        self.pads = ["\n"]
        self.keys: dict[str, str] = {}  # key -> its quoted text and ": "

    def pad(self, depth: int) -> str:
        pads = self.pads
        while len(pads) <= depth:
            pads.append("\n" + "  " * len(pads))
        return pads[depth]

    def text(self, value: Any, depth: int = 0) -> str:
        parts: list[str] = []
        self._write(value, depth, parts.append)
        return "".join(parts)

    def _write(self, value: Any, depth: int, append: Callable[[str], None]) -> None:
        text = self.quote
        kind = type(value)
        if kind is int:
            append(int.__repr__(value))
        elif kind is str:
            append(text(value))
        elif kind is Raw:
            append(value)
        elif kind is dict or (kind is not list and kind is not tuple and isinstance(value, dict)):
            if not value:
                append("{}")
                return
            inner = self.pad(depth + 1)
            sep = "{" + inner
            keys = self.keys
            for key, item in value.items():
                # a report repeats the same few keys on every row: quote each once
                name = keys.get(key) if type(key) is str else None
                if name is None:
                    name = _key(key, text) + ": "
                    if type(key) is str:
                        keys[key] = name
                kind = type(item)
                if kind is int:
                    append(sep + name + int.__repr__(item))
                elif kind is str:
                    append(sep + name + text(item))
                elif kind is Raw:
                    append(sep + name + item)
                else:
                    append(sep + name)
                    self._write(item, depth + 1, append)
                sep = "," + inner
            append(self.pad(depth) + "}")
        elif kind is list or kind is tuple or isinstance(value, (list, tuple)):
            if not value:
                append("[]")
                return
            if _FLAT.issuperset(map(type, value)):  # ints and strings only (not bool)
                key = (depth, *value)
                done = self.flat.get(key)
                if done is None:
                    inner = self.pad(depth + 1)
                    done = "[" + inner + ("," + inner).join(
                        int.__repr__(v) if type(v) is int else text(v) for v in value
                    ) + self.pad(depth) + "]"
                    self.flat[key] = done
                append(done)
                return
            inner = self.pad(depth + 1)
            sep = "[" + inner
            for item in value:
                append(sep)
                self._write(item, depth + 1, append)
                sep = "," + inner
            append(self.pad(depth) + "]")
        else:
            done = _scalar(value, text)
            if done is None:
                raise TypeError(f"Object of type {kind.__name__} is not JSON serializable")
            append(done)
