"""The one walk over a node tree: execution order, row names, saved tensors.

:class:`Walker` runs a tree as torch's forward would and names every row as
torch's ``named_modules`` does; what a layer or a merge does to a tensor is
left to a subclass, over its own kind of tensor:

- the analysis (:mod:`conv_calc.graph.analysis`): shapes and receptive fields;
- solve (:mod:`conv_calc.solve.compile`): the lengths of one axis, as a program;
- lint (:mod:`conv_calc.lint.walk`): which rows each node and merge produced.

Names: the user's name where given, otherwise the position among the modules
of the enclosing list (``Save`` and ``Merge`` nodes take no position), joined
with dots (``layer1.0.conv1``). A :class:`~conv_calc.graph.nodes.Residual`
block's body layers sit directly under the block, its unnamed shortcut layers
under ``<block>.shortcut`` (named ones, such as torchvision's ``downsample.0``,
directly under the block), its addition is the row ``<block>.add`` (an unnamed
residual's is named in the enclosing list as torch.fx names the call there: ``add``,
``add_1``, as the parallel's below); a
:class:`~conv_calc.graph.nodes.Parallel` block's branch ``j`` is
``<block>.<j>`` (a named branch, or named layers in it, directly under the
block, as torch names a module's attributes) and its merge ``<block>.cat`` (or
``.add``; an unnamed parallel's merge is named in the enclosing list as torch.fx names
the call there, ``cat``, ``cat_1``, counted with the list's merges); a ``Merge`` or ``Combine`` is named by its op (``cat``, ``cat_1``,
``mul``, ... as torch.fx names functional calls) unless named, and so is a :class:`~conv_calc.graph.nodes.Call` (a tensor
function: ``flatten``, ``chunk_1``, ``sum_1``; its results are saved under its
``outputs`` names and the walk goes on with result ``index``). A ``From``'s
nodes take positions in the enclosing list, as if written there. An unnamed
residual, parallel or sequential block adds no level for the named layers inside it (torchvision's Bottleneck holds ``conv1`` and
``downsample`` as attributes, not in a nested list), while its unnamed layers
keep the block's position (``3.0``). Names are made unique with ``_1``, ``_2``.

Tensors are values: a block's input feeds every branch, a saved tensor is kept
by name (:attr:`Walker.saved`) until a merge reads it. :meth:`Walker.keep`
marks a value that will be read again after others were computed. A node with a
``frame`` (a block use) records the shape entering it (:meth:`Walker.shape_of`), and
:meth:`Walker.resolved` evaluates a layer's expressions that read that shape
(``$in_channels``, :mod:`conv_calc.graph.expr`).

>>> from conv_calc import nn
>>> from conv_calc.graph.nodes import Residual
>>> class Names(Walker):
...     def layer(self, node, x, name):
...         print(name)
...         return x
...     def combine(self, op, xs, dim, name, node):
...         print(name)
...         return xs[0]
>>> block = Residual(body=(nn.Conv2d(8, 8, 3, padding=1), nn.ReLU()), name="block")
>>> _ = Names().run([block, nn.ReLU()], "x")
block.0
block.1
block.add
1
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any, Generic, TypeVar

from conv_calc.graph.expr import has_deferred, resolve_value
from conv_calc.graph.framework import is_layer
from conv_calc.graph.nodes import (
    BLOCKS, INPUT, Call, Combine, From, LayerNode, Merge, Parallel, Position, Residual, Save,
    Sequential, SizeOf, StackDefinitionError, children,
)
from conv_calc.nn.tensor_calls import TensorCall, fx_name

__all__ = ["Walker", "join", "reads_input"]

T = TypeVar("T")


def join(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name


def reads_input(nodes: Sequence[Any]) -> bool:
    """Whether a tree reads the network's input by name (``from: input``, ``add: [input, x]``,
    ``size_of: input``)."""
    for node in nodes:
        if isinstance(node, From) and node.tensor == INPUT or \
                isinstance(node, Merge) and node.saved == INPUT or \
                isinstance(node, Combine) and INPUT in node.tensors or \
                isinstance(node, Call) and node.size_of == INPUT or \
                isinstance(node, LayerNode) and SizeOf(INPUT) in node.kwargs.values():
            return True
        if any(reads_input(inner) for inner in children(node)):
            return True
    return False


class Walker(Generic[T]):
    """Runs a node tree on tensors of type ``T``; subclasses define :meth:`layer` and :meth:`combine`."""

    def __init__(self) -> None:
        self.names: set[str] = set()
        self.owners: dict[str, str] = {}  # a user-named row -> the block that named it
        self.saved: dict[str, T] = {}
        self._shared: tuple[list[int], dict[str, int]] = ([0], {})
        self._merge_names: dict[int, str] = {}  # an unnamed parallel (by id) -> its merge row
        # The shape entering each block use whose expressions read it ($in_channels).
        self.frames: dict[int, tuple] = {}
        self.channel_dim = 1
        self.input: T | None = None  # the network's input (a Call's ``size_of: input``)

    # ------------------------------------------------------------------ what a subclass says

    def layer(self, node: Any, x: T, name: str) -> T:
        """Run one layer (a LayerNode or a built layer) on ``x``; ``name`` is its row name."""
        raise NotImplementedError

    def combine(self, op: str, xs: list[T], dim: int, name: str, node: Any) -> T:
        """Merge ``xs`` (in torch's operand order) with ``op`` along ``dim``.

        ``op`` is "cat" or an elementwise op ("add", "mul", "sub", "div": torch's
        broadcasting); ``node`` is the Residual, Parallel, Merge or Combine node.
        """
        raise NotImplementedError

    def call(self, node: Call, x: T, name: str, ref: T | None) -> list[T]:
        """Run a tensor function; every tensor it returns (chunk's and split's pieces).

        ``ref`` is the tensor named by ``node.size_of`` (None without one). By
        default one :meth:`layer` row whose result stands for every piece.
        """
        layer = TensorCall(node.function, node.args, node.kwargs, node.index)
        y = self.layer(LayerNode(layer=layer, type=layer.function, source=node.source), x, name)
        return [y] * max(1, len(node.outputs), node.index + 1)

    def crop(self, saved: T, x: T) -> T:
        """``saved`` centre-cropped to ``x``'s spatial size (``crop: center``)."""
        return saved

    def keep(self, x: T) -> T:
        """``x`` will be read again after other tensors were computed (by default: as is)."""
        return x

    def shape_of(self, x: T) -> tuple | None:
        """The shape of ``x`` for expressions that read it (None: this walk has no shapes)."""
        return None

    def resolved(self, node: Any) -> Any:
        """A LayerNode or a tensor function (Call) with its deferred expressions
        (conv_calc.graph.expr: ``$in_channels``, ``$in_shape[0]``) evaluated."""
        if isinstance(node, LayerNode) and any(has_deferred(v) for v in node.kwargs.values()):
            kwargs = {k: resolve_value(v, self.frames, self.channel_dim)
                      for k, v in node.kwargs.items()}
            return replace(node, kwargs=kwargs)
        if isinstance(node, Call) and (has_deferred(node.args)
                                       or any(has_deferred(v) for v in node.kwargs.values())):
            return replace(node, args=resolve_value(node.args, self.frames, self.channel_dim),
                           kwargs={k: resolve_value(v, self.frames, self.channel_dim)
                                   for k, v in node.kwargs.items()})
        return node

    def error(self, message: str) -> Exception:
        """The exception for a tree the walk cannot run (the analysis validates first)."""
        return StackDefinitionError(message)

    # ------------------------------------------------------------------ the walk

    def run(self, nodes: Sequence[Any], x: T) -> T:
        """Run a network's top-level list on its input ``x``; the last tensor."""
        if reads_input(nodes):
            x = self.saved[INPUT] = self.keep(x)
        self.input = x
        return self.run_list(tuple(nodes), x, "")

    def unique(self, name: str) -> str:
        if name not in self.names:
            self.names.add(name)
            return name
        k = 1
        while f"{name}_{k}" in self.names:
            k += 1
        self.names.add(f"{name}_{k}")
        return f"{name}_{k}"

    def run_list(self, nodes: Sequence[Any], x: T, prefix: str,
                 unnamed_prefix: str | None = None) -> T:
        """Run ``nodes``; named children go under ``prefix``, unnamed ones under
        ``unnamed_prefix`` (default ``prefix``) by position."""
        if unnamed_prefix is None:
            unnamed_prefix = prefix
        return self._run_items(nodes, x, prefix, unnamed_prefix, [0], {})

    def _run_items(self, nodes: Sequence[Any], x: T, prefix: str, unnamed_prefix: str,
                   position: list[int], fx_count: dict[str, int]) -> T:
        """The loop of :meth:`run_list`; a :class:`From`'s nodes share the list's positions."""
        for node in nodes:
            if isinstance(node, Save):
                x = self.run_node(node, x, node.name, node.name)
                continue
            if isinstance(node, From):
                self._shared = (position, fx_count)  # read at once by run_node
                x = self.run_node(node, x, prefix, unnamed_prefix)
                continue
            if isinstance(node, (Merge, Combine, Call)):
                op = node.function if isinstance(node, Call) else node.op
                if node.name:
                    local = node.name
                else:
                    k = fx_count.get(op, 0)
                    fx_count[op] = k + 1
                    local = fx_name(op, k)
                name = join(prefix, local)
                x = self.run_node(node, x, name, name)
                continue
            user = getattr(node, "name", None) if not is_layer(node) else None
            if user and not isinstance(user, Position):
                name = unnamed = join(prefix, user)
                owner = self.owners.setdefault(name, unnamed_prefix)
                if owner != unnamed_prefix:
                    # Taken by a layer outside this unnamed block: qualify it by the
                    # block's position (a repeat inside the block gets _1 instead).
                    name = unnamed = join(unnamed_prefix, user)
            elif isinstance(node, BLOCKS) and not user:
                name, unnamed = prefix, join(unnamed_prefix, str(position[0]))
                if isinstance(node, (Parallel, Residual)):
                    # Its merge is a call in the forward that holds the block: named as
                    # torch.fx names it there (cat, cat_1, add, ...), counted with the
                    # list's merges (torchvision's BasicBlock: layer1.0.add).
                    op = node.merge if isinstance(node, Parallel) else "add"
                    k = fx_count.get(op, 0)
                    fx_count[op] = k + 1
                    self._merge_names[id(node)] = join(prefix, fx_name(op, k))
            else:  # an unnamed layer, or a block use / repeat copy: a module at its position
                name = unnamed = join(unnamed_prefix, str(position[0]))
            position[0] += 1
            x = self.run_node(node, x, name, unnamed)
        return x

    def tensor(self, name: str) -> T:
        """The tensor saved as ``name`` (``input``: the network's input)."""
        if name not in self.saved:
            raise self.error(f"{name!r} is used before any tensor was saved under that name")
        return self.saved[name]

    def run_node(self, node: Any, x: T, name: str, unnamed: str) -> T:
        """Run one node: ``name`` is where its named rows go, ``unnamed`` its unnamed ones."""
        frame = getattr(node, "frame", None)
        if frame is not None:
            shape = self.shape_of(x)
            if shape is not None:
                self.frames[frame] = shape
        if isinstance(node, LayerNode) or is_layer(node):
            return self.layer(node, x, self.unique(name))
        if isinstance(node, From):  # the nodes continue the enclosing list (its positions)
            position, fx_count = self._shared
            return self._run_items(node.nodes, self.tensor(node.tensor), name, unnamed,
                                   position, fx_count)
        if isinstance(node, Sequential):
            return self.run_list(node.nodes, x, name, unnamed)
        if isinstance(node, Residual):
            x = self.keep(x)
            body = self.keep(self.run_list(node.body, x, name, unnamed))
            short = self.run_list(node.shortcut, x, name, join(unnamed, "shortcut"))
            merged = self._merge_names.pop(id(node), None) or join(unnamed, "add")
            return self.combine("add", [body, short], 1, self.unique(merged), node)
        if isinstance(node, Parallel):
            x = self.keep(x)
            outs = []
            last = len(node.branches) - 1
            for j, branch in enumerate(node.branches):
                # As in a residual: named layers (a named branch) directly under the block.
                out = self.run_list(branch, x, name, join(unnamed, str(j)))
                outs.append(self.keep(out) if j < last else out)
            merged = self._merge_names.pop(id(node), None) or join(unnamed, node.merge)
            return self.combine(node.merge, outs, node.dim, self.unique(merged), node)
        if isinstance(node, Save):
            self.saved[node.name] = self.keep(x)
            return self.saved[node.name]
        if isinstance(node, Call):
            ref = None
            if node.size_of is not None:
                ref = self.input if node.size_of == "input" else self.saved.get(node.size_of)
                if ref is None:
                    raise self.error(f"size_of {node.size_of!r}, which was never saved")
            outs = self.call(node, x, self.unique(name), ref)
            for saved, out in zip(node.outputs, outs):
                self.saved[saved] = self.keep(out)
            return outs[node.index]
        if isinstance(node, Merge):
            if node.saved not in self.saved:
                raise self.error(f"merge with {node.saved!r}, which was never saved")
            return self.merge_saved(node, x, self.saved[node.saved], self.unique(name))
        if isinstance(node, Combine):
            xs = [self.tensor(t) for t in node.tensors]
            return self.combine(node.op, xs, node.dim, self.unique(name), node)
        raise self.error(f"{node!r} is not a stack node")

    def merge_saved(self, node: Merge, x: T, saved: T, name: str) -> T:
        """``torch.cat([saved, x], dim)`` (or ``[x, saved]``) or ``torch.add(x, saved)``."""
        if node.crop == "center":
            saved = self.crop(saved, x)
        operands = [saved, x] if node.op == "cat" and node.saved_first else [x, saved]
        return self.combine(node.op, operands, node.dim, name, node)
