"""A network as a tree of nodes, and its analysis into a per-layer report.

The node types map one to one onto the stack-file syntax (conv_calc.stackfile.load):

- :class:`LayerNode` one ``torch.nn`` layer, either already built
  (``LayerNode(nn.Conv2d(3, 8, 3))``) or described by its torch class name and
  keyword arguments and built during the analysis, when the incoming shape is
  known (so ``in_channels`` / ``num_features`` / ``in_features`` may be left out);
- :class:`Sequential` a nested, named block of nodes;
- :class:`Residual` ``body(x) + shortcut(x)`` (an empty shortcut is the identity);
- :class:`Parallel` branches on the same input, merged by ``torch.cat`` (or ``torch.add``);
- :class:`Save` / :class:`Merge` keep a tensor under a name and merge it much
  later (U-Net's long skips).

A plain :class:`~conv_calc.nn.Layer` in a list stands for ``LayerNode(layer)``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Union

from conv_calc.errors import LayerError
from conv_calc.nn.base import Layer

__all__ = [
    "Source", "LayerNode", "Sequential", "Residual", "Parallel", "Save", "Merge",
    "Node", "Stack", "Row", "FailedLayer", "Report", "StackDefinitionError",
]


@dataclass(frozen=True)
class Source:
    """Where a node comes from in a stack file (1-based line and column)."""

    file: str
    line: int
    column: int
    end_line: int | None = None
    end_column: int | None = None

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


@dataclass(frozen=True)
class LayerNode:
    """One layer: ``layer`` already built, or ``type`` + ``args``/``kwargs`` built at analysis time."""

    layer: Layer | None = None
    type: str | None = None
    args: tuple[Any, ...] = ()
    kwargs: Mapping[str, Any] = field(default_factory=dict)
    name: str | None = None
    source: Source | None = None


@dataclass(frozen=True)
class Sequential:
    """A named block of nodes run one after another (row names get ``name.`` as prefix)."""

    nodes: tuple[Node, ...]
    name: str | None = None
    source: Source | None = None


@dataclass(frozen=True)
class Residual:
    """``torch.add(body(x), shortcut(x))``; an empty ``shortcut`` is the identity."""

    body: tuple[Node, ...]
    shortcut: tuple[Node, ...] = ()
    name: str | None = None
    source: Source | None = None


@dataclass(frozen=True)
class Parallel:
    """Branches applied to the same input, merged with ``torch.cat(dim=dim)`` or ``torch.add``."""

    branches: tuple[tuple[Node, ...], ...]
    merge: str = "cat"  # "cat" or "add"
    dim: int = 1
    name: str | None = None
    source: Source | None = None


@dataclass(frozen=True)
class Save:
    """Keep the current tensor under ``name`` for a later :class:`Merge`."""

    name: str
    source: Source | None = None


@dataclass(frozen=True)
class Merge:
    """Merge a saved tensor into the current one: ``torch.cat([saved, x], dim)`` or ``torch.add(x, saved)``.

    ``crop="center"`` first crops the saved tensor's spatial dims to the
    current tensor's, as the original U-Net does before concatenating.
    """

    saved: str
    op: str = "cat"  # "cat" or "add"
    dim: int = 1
    crop: str | None = None  # None or "center"
    saved_first: bool = True
    name: str | None = None
    source: Source | None = None


Node = Union[LayerNode, Sequential, Residual, Parallel, Save, Merge, Layer]


@dataclass(frozen=True)
class Row:
    """One analysed layer (or merge) in execution order."""

    index: int
    name: str
    type: str
    input_shape: tuple[int, ...]
    output_shape: tuple[int, ...]
    params: int
    macs: int
    receptive_field: Any  # conv_calc.receptive.ReceptiveField, or None when not defined
    source: Source | None = None
    layer: Layer | None = None


@dataclass(frozen=True)
class FailedLayer:
    """The layer at which the analysis stopped."""

    index: int
    name: str
    type: str
    input_shape: tuple[int, ...] | None
    source: Source | None = None


@dataclass(frozen=True)
class Report:
    """The result of :meth:`Stack.analyze`."""

    input_shape: tuple[int, ...]
    layers: tuple[Row, ...]
    error: LayerError | None = None
    failed: FailedLayer | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def output_shape(self) -> tuple[int, ...] | None:
        if self.error is not None:
            return None
        return self.layers[-1].output_shape if self.layers else self.input_shape

    @property
    def total_params(self) -> int:
        return sum(row.params for row in self.layers)

    @property
    def total_macs(self) -> int:
        return sum(row.macs for row in self.layers)


class Stack:
    """A network: a list of nodes and an optional default input shape."""

    def __init__(self, layers: Sequence[Node], input_shape: Sequence[int] | None = None,
                 name: str | None = None, source: str | None = None,
                 framework: str = "torch") -> None:
        self.layers = tuple(layers)
        #: "torch" (conv_calc.nn layers) or "keras" (conv_calc.keras layers, channels_last).
        self.framework = framework
        self.input_shape = None if input_shape is None else tuple(input_shape)
        self.name = name
        self.source = source

    def analyze(self, input_shape: Sequence[int] | None = None) -> Report:
        """Run every layer's shape checks in order; never raises for a network that breaks.

        Returns one :class:`Row` per layer and per merge, in execution order,
        with the receptive field of each (conv_calc.receptive). When a layer
        fails (at construction or in its shape checks), ``report.error`` is
        that :class:`~conv_calc.errors.LayerError` with ``.layer`` set to the
        row name, ``report.failed`` says where, and ``report.layers`` holds
        the rows before it.

        Raises :class:`StackDefinitionError` (a ``ValueError``) for a
        malformed definition: no input shape, an unknown layer type, a node
        that is not a node, a merge of a name never saved.

        >>> from conv_calc import nn
        >>> report = Stack([nn.Conv2d(3, 8, 3, padding=1), nn.MaxPool2d(2)]).analyze((1, 3, 32, 32))
        >>> [(r.name, r.output_shape, r.receptive_field.size) for r in report.layers]
        [('0', (1, 8, 32, 32), (3, 3)), ('1', (1, 8, 16, 16), (4, 4))]
        """
        from conv_calc.graph.analysis import analyze

        shape = self.input_shape if input_shape is None else input_shape
        if shape is None:
            raise StackDefinitionError(
                "no input shape: give one in the stack (input: [1, 3, 224, 224]) or to analyze()")
        return analyze(self.layers, shape, self.framework)


class StackDefinitionError(ValueError):
    """A malformed stack definition (not a network that breaks: that is ``Report.error``).

    >>> Stack([]).analyze()
    Traceback (most recent call last):
    ...
    conv_calc.graph.nodes.StackDefinitionError: no input shape: give one in the stack (input: [1, 3, 224, 224]) or to analyze()
    """
