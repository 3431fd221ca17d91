"""Reading `repeat:`: a count, or ``{count, start, index}`` with the index visible to the copies.

``repeat: 6`` makes six copies. ``repeat: {count: 6, start: 1}`` also numbers
them: inside the repeated item ``$i`` is 1, 2, ... 6 (``index: j`` names it
``$j``), and a name with ``{i}`` in it (``name: denselayer{i}``) names each copy
(``denselayer1`` ... ``denselayer6``, siblings in the enclosing list, as
torchvision's ``_DenseBlock`` holds them). docs/stack-format.md "Repeats".

>>> fill_name("denselayer{i}", {"i": 3}), fill_name("stage{s}_{i}", {"s": 2, "i": 0})
('denselayer3', 'stage2_0')
>>> placeholders("block{i}x{j}"), placeholders("conv1")
(['i', 'j'], [])
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from typing import Any

from conv_calc.graph.expr import ExprError, parse
from conv_calc.stackfile.yaml_reader import YMap, YNode, YScalar, YSeq

__all__ = ["Repeat", "fill_name", "placeholders", "uses_name"]


_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


@dataclass(frozen=True)
class Repeat:
    """How many copies, the index of the first, and the index's name."""

    count: int
    start: int = 0
    index: str = "i"

    def values(self) -> range:
        return range(self.start, self.start + self.count)


def placeholders(name: str) -> list[str]:
    """The ``{NAME}`` placeholders of a name, in order."""
    return _PLACEHOLDER.findall(name)


def fill_name(name: str, names: dict[str, Any]) -> str:
    """``name`` with each ``{NAME}`` replaced by that name's value."""
    return _PLACEHOLDER.sub(lambda m: str(names[m.group(1)]), name)


def uses_name(node: YNode | None, name: str) -> bool:
    """Whether an expression or a name placeholder in the YAML subtree reads ``name``.

    >>> from conv_calc.graph.nodes import Source
    >>> at = Source("f", 1, 1)
    >>> uses_name(YSeq([YScalar("$c + $i * 32", "", at)], at), "i")
    True
    >>> uses_name(YScalar("$idx", "", at), "i")
    False
    """
    if isinstance(node, YMap):
        return any(uses_name(k, name) or uses_name(v, name) for k, v in node.pairs)
    if isinstance(node, YSeq):
        return any(uses_name(item, name) for item in node.items)
    if isinstance(node, YScalar) and isinstance(node.value, str):
        if name in placeholders(node.value):
            return True
        if "$" in node.value:
            try:
                tree = parse(node.value)
            except ExprError:
                return False
            return any(isinstance(n, ast.Name) and n.id == name for n in ast.walk(tree))
    return False
