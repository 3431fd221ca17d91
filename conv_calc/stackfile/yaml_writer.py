"""Stack files out: a document of plain values in, deterministic YAML text out.

The importers (``conv-calc import``) build a stack document as the reader would
return it (dicts, lists, str, int, float, bool, None) and write it here. The text is
what a person would write by hand: top-level keys in the order given, lists of
items in block style, and a mapping or list of scalars on one line in flow style
(``Conv2d: {out_channels: 64, kernel_size: 3}``) when it fits.

No YAML library is used: every scalar is written in a form the hardened reader
(:mod:`conv_calc.stackfile.yaml_reader`) reads back as the same value, so a file
written here loads to the same document (tests/stackfile/test_yaml_writer.py).

>>> print(dump_stack({"version": 1, "input": [1, 3, 32, 32],
...                   "layers": [{"Conv2d": {"out_channels": 8, "kernel_size": 3}},
...                              "ReLU"]}, header=["made by hand"]), end="")
# made by hand
version: 1
input: [1, 3, 32, 32]
layers:
  - Conv2d: {out_channels: 8, kernel_size: 3}
  - ReLU
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

__all__ = ["dump_stack", "scalar"]

#: The widest line a flow collection may make before it is written in block style.
FLOW_WIDTH = 100

# A plain (unquoted) scalar must read back as the same string: no YAML indicator at
# the start, no ": " or " #" inside, and nothing another type would claim.
_PLAIN = re.compile(r"[A-Za-z_$][A-Za-z0-9_.$\-/+*() ]*")
_NOT_PLAIN = re.compile(
    r"(?i)^(true|false|null|~|yes|no|on|off|y|n|nan|inf|\.nan|\.inf|[-+]?\.?[0-9].*)$")


def scalar(value: Any) -> str:
    """One scalar as YAML text that reads back as the same value.

    >>> [scalar(v) for v in (3, -1, 0.5, 1e-05, True, None, "same", "yes", "a: b")]
    ['3', '-1', '0.5', '1e-05', 'true', 'null', 'same', "'yes'", "'a: b'"]
    """
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return ".nan"
        if math.isinf(value):
            return ".inf" if value > 0 else "-.inf"
        text = repr(value)
        # YAML 1.2 needs a dot or an exponent to read a float ("1e5" is one in the reader).
        return text if any(c in text for c in ".en") else text + ".0"
    if isinstance(value, str):
        if (_PLAIN.fullmatch(value) and not _NOT_PLAIN.match(value)
                and value == value.strip()):
            return value
        if value.isprintable() and "'" not in value:
            return f"'{value}'"
        return '"' + "".join(map(_escape, value)) + '"'

    raise TypeError(f"cannot write {type(value).__name__} in a stack file: {value!r}")


def _escape(char: str) -> str:
    """One character inside a YAML double-quoted scalar."""
    if char in '"\\':
        return "\\" + char
    if char.isprintable():
        return char
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else (
        f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")


def _is_scalar(value: Any) -> bool:
    return value is None or isinstance(value, (bool, int, float, str))


def _flow(value: Any) -> str | None:
    """``value`` on one line, or None when it holds a collection of collections."""
    if _is_scalar(value):
        return scalar(value)
    if isinstance(value, Mapping):
        parts = []
        for key, item in value.items():
            inner = _flat(item)
            if inner is None:
                return None
            parts.append(f"{scalar(key)}: {inner}")
        return "{" + ", ".join(parts) + "}"
    if isinstance(value, Sequence):
        parts = [_flat(item) for item in value]
        if any(p is None for p in parts):
            return None
        return "[" + ", ".join(parts) + "]"  # type: ignore[arg-type]
    raise TypeError(f"cannot write {type(value).__name__} in a stack file: {value!r}")


def _flat(value: Any) -> str | None:
    """A scalar, or a list of scalars or lists of scalars (kernel sizes, paddings)."""
    if _is_scalar(value):
        return scalar(value)
    if isinstance(value, Sequence) and not isinstance(value, str):
        parts = [_flat(item) for item in value]
        if any(p is None for p in parts):
            return None
        return "[" + ", ".join(parts) + "]"  # type: ignore[arg-type]
    return None


def _lines(value: Any, indent: int) -> Iterable[str]:
    """The block-style lines of a collection, each indented by ``indent`` spaces."""
    pad = " " * indent
    if isinstance(value, Mapping):
        for key, item in value.items():
            head = f"{pad}{scalar(key)}:"
            flow = _flow(item)
            if flow is not None and len(head) + 1 + len(flow) <= FLOW_WIDTH:
                yield f"{head} {flow}"
            elif isinstance(item, (Mapping, Sequence)) and not isinstance(item, str):
                yield head
                # Lists under a key are indented one step, as the examples are.
                yield from _lines(item, indent + 2)
            else:
                yield f"{head} {flow}"
        return
    for item in value:
        # An item with several keys (a layer and its name) reads best one key per line.
        flow = None if isinstance(item, Mapping) and len(item) > 1 else _flow(item)
        if flow is not None and len(pad) + 2 + len(flow) <= FLOW_WIDTH:
            yield f"{pad}- {flow}"
            continue
        inner = list(_lines(item, indent + 2))
        if not inner:
            yield f"{pad}- {flow}"
            continue
        yield f"{pad}- {inner[0].lstrip()}"
        yield from inner[1:]


def dump_stack(document: Mapping[str, Any], header: Sequence[str] = ()) -> str:
    """The stack file holding ``document``, with ``header`` as comment lines on top.

    An item whose mapping has a single layer key keeps its other keys (``name``,
    ``save``) below it, as the examples are written:

    >>> print(dump_stack({"layers": [{"Conv2d": {"out_channels": 8, "kernel_size": 1},
    ...                               "name": "conv1"}]}), end="")
    layers:
      - Conv2d: {out_channels: 8, kernel_size: 1}
        name: conv1
    """
    lines = [f"# {line}".rstrip() for text in header for line in text.splitlines() or [""]]
    lines.extend(_lines(document, 0))
    return "\n".join(lines) + "\n"
