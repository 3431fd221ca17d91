"""Stack.analyze: walk the node tree in execution order, build layers, check shapes, track RFs.

Row names follow torch's ``named_modules``: the user's name where given,
otherwise the position among the modules of the enclosing list (``Save`` and
``Merge`` nodes take no position), joined with dots (``layer1.0.conv1``). A
:class:`~conv_calc.graph.nodes.Residual` block's body layers sit directly under the
block, its unnamed shortcut layers under ``<block>.shortcut`` (named ones, such
as torchvision's ``downsample.0``, directly under the block), its addition is
the row ``<block>.add``; a :class:`~conv_calc.graph.nodes.Parallel` block's branch
``j`` is ``<block>.<j>`` and its merge ``<block>.cat`` (or ``.add``); a
``Merge`` is named by its op (``cat``, ``cat_1``, ... as torch.fx names
functional calls) unless named. An unnamed residual, parallel or sequential
block adds no level for the named layers inside it (torchvision's Bottleneck
holds ``conv1`` and ``downsample`` as attributes, not in a nested list), while
its unnamed layers keep the block's position (``3.0``). Names are made unique
with ``_1``, ``_2``.

>>> from conv_calc import nn
>>> from conv_calc.graph.nodes import Residual, Stack
>>> block = Residual(body=(nn.Conv2d(8, 8, 3, padding=1), nn.ReLU()), name="block")
>>> [r.name for r in Stack([block]).analyze((1, 8, 16, 16)).layers]
['block.0', 'block.1', 'block.add']
"""

from __future__ import annotations

import functools
import inspect
import sys
from collections.abc import Mapping
from typing import Any, Sequence

from conv_calc.errors import LayerError
from conv_calc.nn.merge import add_shape, cat_shape
from conv_calc.nn.base import Layer, as_shape
from conv_calc.receptive import AxisState, ReceptiveField, aligned
from conv_calc.receptive.layers import crop_map, layer_axis_maps, layer_dimensionality
from conv_calc.graph.nodes import (
    FailedLayer, LayerNode, Merge, Parallel, Report, Residual, Row, Save, Sequential,
    StackDefinitionError,
)

__all__ = ["analyze"]

_MODULE_NODES = (LayerNode, Sequential, Residual, Parallel, Layer)
FRAMEWORKS = ("torch", "keras")


def _registry(framework: str) -> dict[str, type]:
    if framework == "keras":
        from conv_calc.keras import LAYERS
        return LAYERS
    from conv_calc.nn import LAYERS
    return LAYERS


def _is_layer(node: Any) -> bool:
    """A built layer of either framework (conv_calc.nn or conv_calc.keras)."""
    if isinstance(node, Layer):
        return True
    # Only look for Keras layers once conv_calc.keras is loaded: importing it costs a
    # torch-only analysis a sixth of its run time, and no Keras layer exists without it.
    keras_base = sys.modules.get("conv_calc.keras.base")
    return keras_base is not None and isinstance(node, keras_base.KerasLayer)


class _Stop(Exception):
    """A layer failed: unwind to analyze()."""


def _layer_class(node: Any, framework: str = "torch") -> type | None:
    if _is_layer(node):
        return type(node)
    if isinstance(node, LayerNode):
        if node.layer is not None:
            return type(node.layer)
        return _registry(framework).get(node.type)
    return None


def _validate(nodes: Sequence[Any], saved: set[str], where: str, framework: str = "torch") -> None:
    """Raise StackDefinitionError for anything that is not a well-formed node tree."""
    if isinstance(nodes, (str, bytes)) or not isinstance(nodes, (tuple, list)):
        raise StackDefinitionError(f"{where}: expected a list of nodes, got {nodes!r}")
    for i, node in enumerate(nodes):
        at = f"{where}[{i}]"
        if _is_layer(node):
            continue
        if isinstance(node, LayerNode):
            if node.layer is None:
                if node.type not in _registry(framework):
                    raise StackDefinitionError(f"{at}: unknown {framework} layer type {node.type!r}")
                if not isinstance(node.args, (tuple, list)) or not isinstance(node.kwargs, Mapping):
                    raise StackDefinitionError(f"{at}: args must be a tuple and kwargs a mapping")
            elif not _is_layer(node.layer):
                raise StackDefinitionError(f"{at}: {node.layer!r} is not a conv_calc.nn layer")
        elif isinstance(node, Sequential):
            _validate(node.nodes, saved, f"{at}.nodes", framework)
        elif isinstance(node, Residual):
            _validate(node.body, saved, f"{at}.body", framework)
            _validate(node.shortcut, saved, f"{at}.shortcut", framework)
        elif isinstance(node, Parallel):
            if node.merge not in ("cat", "add"):
                raise StackDefinitionError(f"{at}: merge must be 'cat' or 'add', got {node.merge!r}")
            if isinstance(node.dim, bool) or not isinstance(node.dim, int):
                raise StackDefinitionError(f"{at}: dim must be an integer, got {node.dim!r}")
            if not node.branches:
                raise StackDefinitionError(f"{at}: a parallel block needs at least one branch")
            for j, branch in enumerate(node.branches):
                _validate(branch, saved, f"{at}.branches[{j}]", framework)
        elif isinstance(node, Save):
            if not isinstance(node.name, str) or not node.name:
                raise StackDefinitionError(f"{at}: save needs a name")
            saved.add(node.name)
        elif isinstance(node, Merge):
            if node.saved not in saved:
                raise StackDefinitionError(
                    f"{at}: merge with {node.saved!r}, but no tensor was saved under that name "
                    f"before it" + (f" (saved: {', '.join(sorted(saved))})" if saved else ""))
            if node.op not in ("cat", "add"):
                raise StackDefinitionError(f"{at}: op must be 'cat' or 'add', got {node.op!r}")
            if node.crop not in (None, "center"):
                raise StackDefinitionError(f"{at}: crop must be None or 'center', got {node.crop!r}")
            if isinstance(node.dim, bool) or not isinstance(node.dim, int):
                raise StackDefinitionError(f"{at}: dim must be an integer, got {node.dim!r}")
        else:
            raise StackDefinitionError(f"{at}: {node!r} is not a stack node")


def _first_dimensionality(nodes: Sequence[Any], framework: str = "torch") -> Any:
    """torch: the first layer's number of spatial dims; keras: its (rank, data_format kwargs)."""
    for node in nodes:
        cls = _layer_class(node, framework)
        if cls is not None:
            if framework == "keras":
                from conv_calc.graph.keras_support import layer_rank
                layer = node if _is_layer(node) else node.layer
                kwargs = vars(layer) if layer is not None else dict(node.kwargs)
                if layer_rank(cls):
                    return layer_rank(cls), kwargs
                continue
            nd = layer_dimensionality(cls)
            if nd:
                return nd
            continue
        children: list = []
        if isinstance(node, Sequential):
            children = [node.nodes]
        elif isinstance(node, Residual):
            children = [node.body, node.shortcut]
        elif isinstance(node, Parallel):
            children = list(node.branches)
        for ch in children:
            nd = _first_dimensionality(ch, framework)
            if nd:
                return nd
    return None


class _Tensor:
    """The current tensor: its shape and, per tracked spatial axis, its dependencies."""

    __slots__ = ("shape", "states", "dims", "_rf")

    def __init__(self, shape: tuple[int, ...], states: tuple[AxisState, ...],
                 dims: tuple[int | None, ...]) -> None:
        self.shape, self.states, self.dims = shape, states, dims
        self._rf: ReceptiveField | None = None

    def lengths(self) -> list[int | None]:
        return [None if d is None or len(self.shape) < -d else self.shape[d] for d in self.dims]

    def rf(self, aligned_: Sequence[bool] | None = None,
           before: _Tensor | None = None) -> ReceptiveField:
        """The row's receptive field; ``before`` (the layer's input) is reused when the
        layer changed no state, dim or tracked length (norms, activations: most rows)."""
        if aligned_ is None and before is not None and before._rf is not None and \
                before.states is self.states and before.dims == self.dims and \
                (before.shape == self.shape or before.lengths() == self.lengths()):
            self._rf = before._rf
        else:
            self._rf = ReceptiveField.from_states(self.states, self.lengths(), self.dims,
                                                  aligned_)
        return self._rf


class _Walker:
    def __init__(self, framework: str = "torch") -> None:
        self.keras = framework == "keras"
        self.rows: list[Row] = []
        self.names: set[str] = set()
        self.owners: dict[str, str] = {}  # a user-named row -> the block that named it
        self.saved: dict[str, _Tensor] = {}

    def unique(self, name: str) -> str:
        if name not in self.names:
            self.names.add(name)
            return name
        k = 1
        while f"{name}_{k}" in self.names:
            k += 1
        self.names.add(f"{name}_{k}")
        return f"{name}_{k}"

    def fail(self, err: LayerError, name: str, type_: str, x: _Tensor | None, source: Any) -> None:
        err.layer = name
        self.failed = FailedLayer(len(self.rows), name, type_, None if x is None else x.shape,
                                  source)
        self.error = err
        raise _Stop

    # ------------------------------------------------------------------ lists and blocks

    def run_list(self, nodes: Sequence[Any], x: _Tensor, prefix: str,
                 unnamed_prefix: str | None = None) -> _Tensor:
        """Run ``nodes``; named children go under ``prefix``, unnamed ones under
        ``unnamed_prefix`` (default ``prefix``) by position."""
        if unnamed_prefix is None:
            unnamed_prefix = prefix
        position = 0
        fx_count: dict[str, int] = {}
        for node in nodes:
            if isinstance(node, Save):
                self.saved[node.name] = x
                continue
            if isinstance(node, Merge):
                if node.name:
                    local = node.name
                else:
                    k = fx_count.get(node.op, 0)
                    fx_count[node.op] = k + 1
                    local = node.op if k == 0 else f"{node.op}_{k}"
                x = self.merge_saved(node, x, _join(prefix, local))
                continue
            user = getattr(node, "name", None) if not _is_layer(node) else None
            if user:
                name = unnamed = _join(prefix, user)
                owner = self.owners.setdefault(name, unnamed_prefix)
                if owner != unnamed_prefix:
                    # Taken by a layer outside this unnamed block: qualify it by the
                    # block's position (a repeat inside the block gets _1 instead).
                    name = unnamed = _join(unnamed_prefix, user)
            elif isinstance(node, (Sequential, Residual, Parallel)):
                name, unnamed = prefix, _join(unnamed_prefix, str(position))
            else:
                name = unnamed = _join(unnamed_prefix, str(position))
            position += 1
            x = self.run_node(node, x, name, unnamed)
        return x

    def run_node(self, node: Any, x: _Tensor, name: str, unnamed: str | None = None) -> _Tensor:
        if unnamed is None:
            unnamed = name
        if isinstance(node, LayerNode) or _is_layer(node):
            return self.run_layer(node, x, name)
        if isinstance(node, Sequential):
            return self.run_list(node.nodes, x, name, unnamed)
        if isinstance(node, Residual):
            body = self.run_list(node.body, x, name, unnamed)
            short = self.run_list(node.shortcut, x, name, _join(unnamed, "shortcut"))
            return self.combine("add", [body, short], 1, self.unique(_join(unnamed, "add")),
                                node.source)
        if isinstance(node, Parallel):
            outs = [self.run_list(b, x, _join(unnamed, str(j))) for j, b in enumerate(node.branches)]
            return self.combine(node.merge, outs, node.dim,
                                self.unique(_join(unnamed, node.merge)), node.source)
        raise StackDefinitionError(f"{node!r} is not a stack node")  # pragma: no cover

    # ------------------------------------------------------------------ layers

    def run_layer(self, node: Any, x: _Tensor, name: str) -> _Tensor:
        name = self.unique(name)
        source = getattr(node, "source", None)
        layer = node if _is_layer(node) else node.layer
        type_ = type(layer).__name__ if layer is not None else node.type
        if self.keras:
            return self.run_keras_layer(node, layer, x, name, type_, source)
        if layer is None:
            from conv_calc.nn import LAYERS
            cls = LAYERS[node.type]
            kwargs = dict(node.kwargs)
            # infer_kwargs is asked even when `inferable` is empty: a layer that
            # overrides it but forgot the attribute still gets its channels.
            if cls.inferable or "infer_kwargs" in _overrides(cls):
                try:
                    inferred = cls.infer_kwargs(x.shape)
                except LayerError as err:
                    self.fail(err, name, type_, x, source)
                except Exception:  # the layer itself will say what is wrong with the input
                    inferred = {}
                missing = _unbound(cls, tuple(node.args), kwargs, tuple(inferred))
                kwargs.update({k: v for k, v in inferred.items() if k in missing})
            try:
                layer = cls(*node.args, **kwargs)
            except LayerError as err:
                self.fail(err, name, type_, x, source)
        try:
            out = tuple(layer.output_shape(x.shape))
        except LayerError as err:
            self.fail(err, name, type_, x, source)
        y = _Tensor(out, *_next_states(layer, x, out))
        self.rows.append(Row(
            index=len(self.rows), name=name, type=type_, input_shape=x.shape, output_shape=out,
            params=layer.param_count(), macs=layer.macs(x.shape, out),
            receptive_field=y.rf(before=x), source=source, layer=layer))
        return y

    def run_keras_layer(self, node: Any, layer: Any, x: _Tensor, name: str, type_: str,
                        source: Any) -> _Tensor:
        """A Keras layer as on a symbolic ``keras.Input``: no inferred arguments (Keras
        reads the channels from the shape)."""
        from conv_calc.graph import keras_support as ks

        if layer is None:
            try:
                layer = ks.LAYERS[node.type](*node.args, **dict(node.kwargs))
            except LayerError as err:
                self.fail(err, name, type_, x, source)
        try:
            out = ks.symbolic_shape(layer, x.shape)
        except LayerError as err:
            self.fail(err, name, type_, x, source)
        y = _Tensor(out, *_next_states(layer, x, out))
        self.rows.append(Row(
            index=len(self.rows), name=name, type=type_, input_shape=x.shape, output_shape=out,
            params=ks.params(layer, x.shape), macs=ks.macs(layer, x.shape),
            receptive_field=y.rf(before=x), source=source, layer=layer))
        return y

    # ------------------------------------------------------------------ merges

    def merge_saved(self, node: Merge, x: _Tensor, name: str) -> _Tensor:
        name = self.unique(name)
        saved = self.saved[node.saved]
        if node.crop == "center":
            saved = _center_crop(saved, x)
        if node.op == "add":
            operands = [x, saved]
        else:
            operands = [saved, x] if node.saved_first else [x, saved]
        return self.combine(node.op, operands, node.dim, name, node.source, unique=False)

    def combine(self, op: str, xs: list[_Tensor], dim: int, name: str, source: Any,
                unique: bool = False) -> _Tensor:
        try:
            if self.keras:
                from conv_calc.graph.keras_support import merge_shape
                shape = merge_shape(op, [t.shape for t in xs], dim)
            elif op == "add":
                shape = xs[0].shape
                for other in xs[1:]:
                    shape = add_shape(shape, other.shape)
            else:
                shape = cat_shape([t.shape for t in xs], dim)
        except LayerError as err:
            err.stage = "forward"
            self.fail(err, name, op, xs[0], source)
        dims = xs[0].dims
        states = []
        flags = []
        for a, d in enumerate(dims):
            parts = []
            for t in xs:
                s = t.states[a]
                n_t = None if d is None or len(t.shape) < -d else t.shape[d]
                n_out = None if d is None or len(shape) < -d else shape[d]
                if op == "add" and n_t == 1 and n_out not in (None, 1):
                    s = s.constant(0)  # broadcast: every output reads position 0
                parts.append(s)
            if op == "cat" and d is not None and len(shape) >= -d and \
                    (dim % len(shape)) == len(shape) + d:
                states.append(_cat_along(parts, [t.shape[d] for t in xs]))
            else:
                states.append(parts[0].union(*parts[1:]))
            flags.append(aligned(parts))
        y = _Tensor(shape, tuple(states), dims)
        self.rows.append(Row(
            index=len(self.rows), name=name, type=op, input_shape=xs[0].shape, output_shape=shape,
            params=0, macs=0, receptive_field=y.rf(flags), source=source, layer=None))
        return y


def _next_states(layer: Any, x: _Tensor, out: tuple[int, ...]
                 ) -> tuple[tuple[AxisState, ...], tuple[int | None, ...]]:
    """The per-axis states and dims after ``layer`` (the same tuple when it maps no axis)."""
    maps, dims = layer_axis_maps(layer, x.shape, out, x.dims)
    if not any(maps):
        return x.states, dims
    # Axes in the same state under the same map (a square kernel on a square input)
    # share one result, so the next layers and the summaries are computed once too.
    done: dict[tuple, AxisState] = {}
    states = []
    for s, m, d in zip(x.states, maps, x.dims):
        if m is not None:
            n_in = None if d is None else x.shape[d]
            key = (id(s), m, n_in if m.collapse else None)
            if key not in done:
                done[key] = s.then(m, n_in)
            s = done[key]
        states.append(s)
    return tuple(states), dims


def _join(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name


@functools.lru_cache(maxsize=None)
def _overrides(cls: type) -> frozenset[str]:
    return frozenset(name for c in cls.__mro__ if c is not Layer and issubclass(c, Layer)
                     for name in vars(c))


@functools.lru_cache(maxsize=None)
def _signature(cls: type) -> inspect.Signature:
    # Per class, not per layer: inspect.signature was a quarter of a 10,000-layer analysis.
    return inspect.signature(cls.__init__)


def _unbound(cls: type, args: tuple, kwargs: dict, names: tuple[str, ...]) -> set[str]:
    """The inferable constructor arguments (``names``) not given by args/kwargs."""
    # Binding depends only on how many positional arguments there are and which
    # keywords: cached on that (Signature.bind was a tenth of a 10,000-layer analysis).
    return set(_unbound_names(cls, len(args), tuple(kwargs), names))


@functools.lru_cache(maxsize=4096)
def _unbound_names(cls: type, n_args: int, keys: tuple, names: tuple[str, ...]) -> frozenset[str]:
    kwargs = dict.fromkeys(keys)
    try:
        bound = _signature(cls).bind_partial(None, *([None] * n_args), **kwargs)
    except TypeError:
        return frozenset(n for n in names if n not in kwargs) if not n_args else frozenset()
    return frozenset(n for n in names if n not in bound.arguments)


def _center_crop(saved: _Tensor, x: _Tensor) -> _Tensor:
    """``saved[..., top:top+h, left:left+w]`` on the spatial dims, top = (H - h) // 2."""
    shape = list(saved.shape)
    states = list(saved.states)
    for a, d in enumerate(saved.dims):
        if d is None or len(shape) < -d or len(x.shape) < -d:
            continue
        m, length = crop_map(shape[d], x.shape[d])
        shape[d] = length
        states[a] = states[a].then(m)
    return _Tensor(tuple(shape), tuple(states), saved.dims)


def _cat_along(parts: list[AxisState], sizes: list[int]) -> AxisState:
    """torch.cat along a spatial axis: output u reads branch k at u - offset_k (real outputs).

    Piecewise (conv_calc/receptive/piecewise.py): never one entry per output position."""
    from conv_calc.receptive.piecewise import cat_state
    return cat_state(parts, sizes)


def analyze(nodes: Sequence[Any], input_shape: Sequence[int], framework: str = "torch") -> Report:
    """See :meth:`conv_calc.graph.nodes.Stack.analyze`."""
    if framework not in FRAMEWORKS:
        raise StackDefinitionError(f"framework must be one of {', '.join(FRAMEWORKS)}, "
                                   f"got {framework!r}")
    if framework == "keras":
        shape, dims = _keras_input(nodes, input_shape)
    else:
        try:
            shape = as_shape(input_shape)
        except ValueError as err:
            raise StackDefinitionError(str(err)) from None
        _validate(tuple(nodes), set(), "layers")
        nd = _first_dimensionality(nodes)
        if nd is None:
            nd = max(0, len(shape) - 2)
        nd = min(nd, len(shape))
        dims = tuple(range(-nd, 0))
    x = _Tensor(shape, tuple(AxisState.identity() for _ in dims), dims)
    walker = _Walker(framework)
    try:
        walker.run_list(tuple(nodes), x, "")
    except _Stop:
        return Report(shape, tuple(walker.rows), walker.error, walker.failed)
    return Report(shape, tuple(walker.rows))


def _keras_input(nodes: Sequence[Any], input_shape: Sequence[Any]) -> tuple[tuple, tuple]:
    """A Keras input shape (the batch may be None) and its spatial dims: the dims between
    the batch and the channels, or after the channels when the first spatial layer says
    data_format='channels_first'."""
    from conv_calc.graph.keras_support import spatial_dims

    shape = tuple(input_shape)
    if not shape or any(d is not None and (isinstance(d, bool) or not isinstance(d, int) or d < 0)
                        for d in shape) or None in shape[1:]:
        raise StackDefinitionError(
            f"a Keras input shape is a list of sizes >= 0 where only the batch may be None, "
            f"got {list(shape)}")
    _validate(tuple(nodes), set(), "layers", "keras")
    first = _first_dimensionality(nodes, "keras")
    rank, kwargs = first if first else (max(0, len(shape) - 2), {})
    rank = min(rank, max(0, len(shape) - 2))
    return shape, spatial_dims(None, kwargs, rank)
