"""A network as a tree of nodes: the types, where each comes from, and what it must produce.

The node types map one to one onto the stack-file syntax (conv_calc.stackfile):

- :class:`LayerNode` one ``torch.nn`` layer, either already built
  (``LayerNode(nn.Conv2d(3, 8, 3))``) or described by its torch class name and
  keyword arguments and built during the analysis, when the incoming shape is
  known (so ``in_channels`` / ``num_features`` / ``in_features`` may be left out);
- :class:`Sequential` a nested, named block of nodes;
- :class:`Residual` ``body(x) + shortcut(x)`` (an empty shortcut is the identity);
- :class:`Parallel` branches on the same input, merged by ``torch.cat`` (or ``torch.add``);
- :class:`Save` / :class:`Merge` keep a tensor under a name and merge it much
  later (U-Net's long skips);
- :class:`From` runs nodes on a saved tensor (or the network's input), and
  :class:`Combine` merges saved tensors by name (``torch.cat([a, b])``,
  ``torch.mul(a, b)``, ...): any graph, written in execution order
  (:mod:`conv_calc.graph.named`).
- :class:`Call` one tensor function (``torch.flatten``, ``Tensor.chunk``,
  ``F.interpolate``, ...; :mod:`conv_calc.nn.tensor_calls`).

A plain :class:`~conv_calc.nn.Layer` in a list stands for ``LayerNode(layer)``.
:class:`~conv_calc.graph.stack.Stack` holds a tree and analyses it
(:mod:`conv_calc.graph.analysis`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple, Union

from conv_calc.errors import StackDefinitionError
from conv_calc.nn.base import Layer

__all__ = [
    "Source", "LayerNode", "Sequential", "Residual", "Parallel", "Save", "Merge",
    "From", "Combine", "Position", "INPUT", "ELEMENTWISE", "MERGE_OPS", "Call", "SizeOf",
    "Node", "Expect", "StackDefinitionError", "BLOCKS", "children",
]


class Source(NamedTuple):
    """Where a node comes from in a stack file (1-based line and column).

    A named tuple rather than a frozen dataclass: a stack file's reader makes one per
    YAML node, and a tuple is built in a third of the time.

    >>> str(Source("net.yaml", 3, 5, 3, 20))
    'net.yaml:3:5'
    """

    file: str
    line: int
    column: int
    end_line: int | None = None
    end_column: int | None = None
    #: The place in a model file (.keras, .onnx) the node was imported from, shown instead
    #: of the line of YAML the importer wrote (conv_calc/interop/locate.py).
    where: str | None = None

    def __str__(self) -> str:
        if self.where is not None:
            return f"{self.file} ({self.where})"
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
    frame: int | None = None  # a block use: see conv_calc.graph.expr (the incoming shape)
    #: The row this layer is a later call of (`shares: ROW`): the same weights, counted there.
    shares: str | None = None


@dataclass(frozen=True)
class Sequential:
    """A named block of nodes run one after another (row names get ``name.`` as prefix)."""

    nodes: tuple[Node, ...]
    name: str | None = None
    source: Source | None = None
    frame: int | None = None  # a block use: see conv_calc.graph.expr


@dataclass(frozen=True)
class Residual:
    """``torch.add(body(x), shortcut(x))``; an empty ``shortcut`` is the identity."""

    body: tuple[Node, ...]
    shortcut: tuple[Node, ...] = ()
    name: str | None = None
    source: Source | None = None
    frame: int | None = None  # a block use: see conv_calc.graph.expr


@dataclass(frozen=True)
class Parallel:
    """Branches applied to the same input, merged with ``torch.cat(dim=dim)`` or ``torch.add``."""

    branches: tuple[tuple[Node, ...], ...]
    merge: str = "cat"  # "cat" or "add"
    dim: int = 1
    name: str | None = None
    source: Source | None = None
    frame: int | None = None  # a block use: see conv_calc.graph.expr


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


#: The name of the network's input tensor (``from: input``).
INPUT = "input"
#: Elementwise merges (torch's broadcasting) and every merge op.
ELEMENTWISE = ("add", "mul", "sub", "div")
MERGE_OPS = ("cat", *ELEMENTWISE)


@dataclass(frozen=True)
class From:
    """Run ``nodes`` on the tensor saved as ``tensor`` (:data:`INPUT`: the network's input).

    The result continues the flow. The nodes sit in the enclosing list as if
    written there: an unnamed one takes the next position (wrap them in a named
    :class:`Sequential` for a level of their own).
    """

    tensor: str
    nodes: tuple[Node, ...]
    source: Source | None = None


@dataclass(frozen=True)
class Combine:
    """Merge saved tensors by name: ``torch.cat(tensors, dim)`` or, for ``add``, ``mul``,
    ``sub``, ``div``, the elementwise op with torch's broadcasting, left to right."""

    op: str
    tensors: tuple[str, ...]
    dim: int = 1
    name: str | None = None
    source: Source | None = None


@dataclass(frozen=True)
class Call:
    """A tensor function on the current tensor: ``function`` is its stack-file word (a key of
    :data:`conv_calc.nn.tensor_calls.WORDS`), ``args`` / ``kwargs`` torch's arguments.

    ``outputs`` saves the results by name (chunk's and split's pieces, as
    ``x1, x2 = x.chunk(2, dim=1)``; one name for the others), as a :class:`Save` does;
    the flow continues with piece ``index``. ``size_of`` names a saved tensor (or
    ``input``, the network's input) whose trailing sizes are ``interpolate``'s ``size``.
    Like a merge the row is named as torch.fx names the call (``chunk``, ``chunk_1``).
    """

    function: str
    args: tuple[Any, ...] = ()
    kwargs: Mapping[str, Any] = field(default_factory=dict)
    outputs: tuple[str, ...] = ()
    index: int = 0
    size_of: str | None = None
    name: str | None = None
    source: Source | None = None


class Position(str):
    """The name a reader gives a block use or repeat copy that has none: it is numbered by
    its position in the enclosing list, counted by the walk (the value is only a default)."""

    __slots__ = ()


@dataclass(frozen=True)
class SizeOf:
    """A layer argument (``nn.Upsample``'s ``size``) that is the trailing sizes of the tensor
    saved as ``name`` (or of the network's input, ``input``): one per spatial dim of the
    layer's input, as ``size=ref.shape[-2:]``."""

    name: str


Node = Union[LayerNode, Sequential, Residual, Parallel, Save, Merge, From, Combine, Call, Layer]
#: The nodes that hold lists of nodes.
BLOCKS = (Sequential, Residual, Parallel)


def children(node: Any) -> Iterator[tuple[Node, ...]]:
    """The lists of nodes a block holds, in execution order (none for a layer, save or merge)."""
    if isinstance(node, Sequential):
        yield node.nodes
    elif isinstance(node, Residual):
        yield node.body
        yield node.shortcut
    elif isinstance(node, Parallel):
        yield from node.branches
    elif isinstance(node, From):
        yield node.nodes


@dataclass(frozen=True, slots=True)
class Expect:
    """What a stack file says a layer (or the whole network) must produce (``expect:``).

    Only the keys written are set; ``receptive_field`` maps ``size``, ``size_min``,
    ``jump``, ``start`` or ``effective_padding`` to an int, a Fraction or a tuple
    (one per spatial axis). ``source`` is where the ``expect:`` key is.
    """

    output_shape: tuple[int, ...] | None = None
    params: int | None = None
    macs: int | None = None
    receptive_field: dict[str, Any] = field(default_factory=dict)
    source: Source | None = None


