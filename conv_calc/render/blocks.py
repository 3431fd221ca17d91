"""Rows for people reading a summary: each layer's configuration, and ``--depth``'s blocks.

A row's configuration is its constructor's arguments as ``print(model)`` shows
them (the text between the parentheses of the layer's repr, which is torch's). ``--depth N`` folds the rows whose name has more
than N dot-separated parts into one row per block (as torchinfo's ``depth``):
consecutive rows whose names share their first N parts become one row, named
by those parts, with the block's first input shape, its last output shape and
receptive field, and the sum of its parameters and MACs.

>>> from conv_calc import nn
>>> from conv_calc.graph.nodes import LayerNode
>>> from conv_calc.graph.stack import Stack
>>> net = Stack([LayerNode(nn.Conv2d(3, 8, 3), name="stem"),
...              LayerNode(nn.Conv2d(8, 8, 3, stride=2), name="stage.0.conv"),
...              LayerNode(nn.ReLU(), name="stage.0.relu"),
...              LayerNode(nn.Conv2d(8, 16, 1), name="stage.1.conv")])
>>> report = net.analyze((1, 3, 32, 32))
>>> layer_config(report.layers[1])
'8, 8, kernel_size=(3, 3), stride=(2, 2)'
>>> [(b.name, b.index, b.last_index, b.params, b.output_shape) for b in fold(report.layers, 1)]
[('stem', 0, 0, 224, (1, 8, 30, 30)), ('stage', 1, 3, 728, (1, 16, 14, 14))]
>>> fold(report.layers, 1)[1].config
'Conv2d x2, ReLU'
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["BlockRow", "layer_config", "fold", "name_depth"]


@dataclass(frozen=True)
class BlockRow:
    """A row of a table: one layer, or a block of consecutive layers folded by ``--depth``.

    It has the attributes of :class:`conv_calc.graph.report.Row` the tables read, plus
    ``last_index`` (the last row folded in), ``rows`` (how many) and ``config``.
    """

    index: int
    last_index: int
    rows: int
    name: str
    type: str
    input_shape: tuple[int, ...]
    output_shape: tuple[int, ...]
    params: int
    macs: int
    receptive_field: Any
    config: str


def layer_config(row: Any) -> str:
    """The arguments of the row's layer as torch prints them (its repr's); "" for a merge.

    A tensor function's are its call's, the tensor written ``x`` (``x, 1`` for
    ``torch.flatten(x, 1)``).
    """
    layer = getattr(row, "layer", None)
    if layer is None:
        return getattr(row, "config", "")
    text = repr(layer)
    opening = text.find("(")
    if opening < 0 or not text.endswith(")"):
        return text
    return text[opening + 1:-1]


def name_depth(name: str) -> int:
    """How deep a row sits: the number of dot-separated parts of its name.

    >>> name_depth("layer1.0.conv1"), name_depth("fc")
    (3, 1)
    """
    return name.count(".") + 1


def fold(rows: Sequence[Any], depth: int | None) -> list[BlockRow]:
    """``rows`` with those below ``depth`` folded into their block (None: every row as is)."""
    out: list[BlockRow] = []
    group: list[Any] = []
    key = None
    for row in rows:
        parts = row.name.split(".")
        row_key = ".".join(parts[:depth]) if depth is not None and len(parts) > depth else None
        if group and (row_key is None or row_key != key):
            out.append(_block(group, key))
            group = []
        if row_key is None:
            out.append(_single(row))
        else:
            group.append(row)
            key = row_key
    if group:
        out.append(_block(group, key))
    return out


def _single(row: Any) -> BlockRow:
    return BlockRow(row.index, row.index, 1, row.name, row.type, row.input_shape,
                    row.output_shape, row.params, row.macs, row.receptive_field,
                    layer_config(row))


def _block(group: list[Any], name: str | None) -> BlockRow:
    if len(group) == 1:
        return _single(group[0])
    first, last = group[0], group[-1]
    counts: dict[str, int] = {}
    for row in group:
        counts[row.type] = counts.get(row.type, 0) + 1
    contents = ", ".join(t if n == 1 else f"{t} x{n}" for t, n in counts.items())
    return BlockRow(first.index, last.index, len(group), name or first.name, "block",
                    first.input_shape, last.output_shape, sum(r.params for r in group),
                    sum(r.macs for r in group), last.receptive_field, contents)
