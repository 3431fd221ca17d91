"""Stack.analyze: build each layer, check shapes, track receptive fields, one row per layer and merge.

The walk and the row names are :class:`conv_calc.graph.walk.Walker`'s; what
differs between torch and Keras is :mod:`conv_calc.graph.framework`'s. Here a
tensor is its shape plus, per tracked spatial axis, the input positions each of
its positions depends on (:class:`conv_calc.receptive.AxisState`).

>>> from conv_calc import nn
>>> from conv_calc.graph.nodes import Residual
>>> block = Residual(body=(nn.Conv2d(8, 8, 3, padding=1), nn.ReLU()), name="block")
>>> [r.name for r in analyze([block], (1, 8, 16, 16)).layers]
['block.0', 'block.1', 'block.add']
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from types import MappingProxyType
from typing import Any, Sequence

from conv_calc.errors import LayerError, LayerValueError
from conv_calc.graph import framework as frameworks
from conv_calc.graph.framework import Framework, is_layer
from conv_calc.graph.layer_key import layer_key
from conv_calc.graph.mode import DEFAULT_MODE, check_mode, in_mode
from conv_calc.graph.report import FailedLayer, Report, Row
from conv_calc.graph.validate import validate
from conv_calc.graph.nodes import INPUT, Call, LayerNode, SizeOf
from conv_calc.graph.walk import Walker
from conv_calc.nn.tensor_calls import MULTI, TensorCall, TorchSize
from conv_calc.receptive import AxisState, ReceptiveField, aligned
from conv_calc.receptive.layers import crop_map
from conv_calc.receptive.maps import PeriodTooLong
from conv_calc.receptive.piecewise import cat_state

__all__ = ["analyze"]


class _Stop(Exception):
    """A layer failed: unwind to analyze()."""


class _Tensor:
    """A tensor: its shape and, per tracked spatial axis, its dependencies."""

    __slots__ = ("shape", "states", "dims", "_rf", "strides")

    def __init__(self, shape: tuple[int, ...], states: tuple[AxisState, ...],
                 dims: tuple[int | None, ...], strides: tuple[int, ...] | None = None) -> None:
        self.shape, self.states, self.dims = shape, states, dims
        self._rf: ReceptiveField | None = None
        self.strides = strides  # None: contiguous (only tensor functions make others)

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


class _Analysis(Walker[_Tensor]):
    def __init__(self, framework: Framework, mode: str = DEFAULT_MODE) -> None:
        super().__init__()
        self.framework = framework
        self.mode = mode
        self.rows: list[Row] = []
        self.error: LayerError | None = None
        self.failed: FailedLayer | None = None
        self.channel_dim = framework.cat_dim
        #: layer_key -> (layer, output shape, axis maps and dims, params, MACs)
        self.built: dict[Any, tuple] = {}
        #: Why receptive fields stopped being followed (a period past MAX_PERIOD), if they
        #: did: the rows from there on have none; shapes, parameters and MACs go on.
        self.rf_note: str | None = None
        #: a layer row's name -> (its layer, its parameters), for `shares:` (see _row)
        self.layer_rows: dict[str, tuple] = {}

    def shape_of(self, x: _Tensor) -> tuple:
        return x.shape

    def fail(self, err: LayerError, name: str, type_: str, x: _Tensor | None, source: Any) -> None:
        err.layer = name
        self.failed = FailedLayer(len(self.rows), name, type_, None if x is None else x.shape,
                                  source)
        self.error = err
        raise _Stop

    def layer(self, node: Any, x: _Tensor, name: str) -> _Tensor:
        fw = self.framework
        node = self.resolved(node)
        source = getattr(node, "source", None)
        layer = node if is_layer(node) else node.layer
        type_ = type(layer).__name__ if layer is not None else node.type
        key = None
        try:
            if layer is None:
                if any(isinstance(v, SizeOf) for v in node.kwargs.values()):
                    node = self.sized(node, x)
                key = layer_key(node.type, node.args, node.kwargs, x.shape, x.dims)
                done = self.built.get(key) if key is not None else None
                if done is not None:  # the same layer on the same input: checked once
                    return self._row(done, x, name, type_, source, node)
                layer = fw.build(node, x.shape)
            layer = in_mode(layer, self.mode)
            out = fw.output_shape(layer, x.shape)
        except LayerError as err:
            self.fail(err, name, type_, x, source)
        done = (layer, out, self.axis_maps(layer, x, out, name),
                fw.params(layer, x.shape), fw.macs(layer, x.shape, out))
        if key is not None:
            self.built[key] = done
        return self._row(done, x, name, type_, source, node)

    def _row(self, done: tuple, x: _Tensor, name: str, type_: str, source: Any,
             node: Any) -> _Tensor:
        """The row of a built layer (see :meth:`layer`) and its output tensor."""
        layer, out, (maps, dims), params, macs = done
        shares = getattr(node, "shares", None)
        # What makes two calls the same layer: the arguments as written (a Keras layer keeps
        # the input shape it was built for, which may differ between calls), and weights of
        # the same size (torch's in_channels is inferred from the input).
        config = (node.type, node.args, dict(node.kwargs)) if \
            isinstance(node, LayerNode) and node.layer is None else layer
        if shares is not None:
            params = self._called_again(shares, config, params, name, type_, x, source)
        else:
            self.layer_rows[name] = (config, params)
        y = _Tensor(out, self.then(x, maps, name), dims)
        self.rows.append(Row(
            index=len(self.rows), name=name, type=type_, input_shape=x.shape, output_shape=out,
            params=params, macs=macs, receptive_field=self.rf(y, before=x), source=source,
            layer=layer))
        return y

    def notes(self) -> tuple[str, ...]:
        return () if self.rf_note is None else (self.rf_note,)

    def axis_maps(self, layer: Any, x: _Tensor, out: tuple[int, ...], name: str
                  ) -> tuple[Sequence[Any], tuple[int | None, ...]]:
        """The layer's axis maps and the new dims; none once fields have stopped, or when
        this layer's period is past what conv-calc follows (fields stop here)."""
        if self.rf_note is None:
            try:
                return self.framework.axis_maps(layer, x.shape, out, x.dims)
            except PeriodTooLong as err:
                self.stop_fields(err, name)
        return [None] * len(x.dims), x.dims

    def then(self, x: _Tensor, maps: Sequence[Any], name: str) -> tuple[AxisState, ...]:
        """:func:`_then`, or ``x``'s states unchanged once fields have stopped (a composed
        period can pass the limit where no single layer's does)."""
        if self.rf_note is None:
            try:
                return _then(x, maps)
            except PeriodTooLong as err:
                self.stop_fields(err, name)
        return x.states

    def stop_fields(self, err: PeriodTooLong, name: str) -> None:
        self.rf_note = (f"receptive fields are not computed from row {len(self.rows)} "
                        f"({name}) on: {err}")

    def rf(self, y: _Tensor, aligned_: Sequence[bool] | None = None,
           before: _Tensor | None = None) -> ReceptiveField | None:
        """``y``'s receptive field, or None once fields have stopped."""
        return None if self.rf_note is not None else y.rf(aligned_, before)

    def _called_again(self, first: str, config: Any, params: int, name: str, type_: str, x: _Tensor,
                source: Any) -> int:
        """0: the parameters of a layer called again (``shares: FIRST``) are counted at its
        first call, as torch's ``parameters()`` and Keras's ``count_params()`` and
        ``summary()`` count them; an error when FIRST is no earlier layer row or a different
        layer (other arguments, or weights of other sizes for this input)."""
        if first not in self.layer_rows:
            self.fail(LayerValueError(
                f"shares: {first!r} names no earlier layer row",
                hint="name the row of the layer's first call (as the table names it), "
                     "above this one", stage="forward"), name, type_, x, source)
        theirs, their_params = self.layer_rows[first]
        if (theirs, their_params) != (config, params):
            self.fail(LayerValueError(
                f"shares: {first!r}: this call's layer ({params:,} parameters) is not the layer "
                f"of row {first!r} ({their_params:,} parameters)",
                hint="a layer called again has its first call's arguments, and weights that "
                     "fit this input: check the arguments and the input of this row, or remove "
                     "`shares:` for a layer of its own", stage="forward"), name, type_, x, source)
        return 0

    def sized(self, node: LayerNode, x: _Tensor) -> LayerNode:
        """``node`` with each :class:`SizeOf` argument replaced by the named tensor's sizes."""
        kwargs = dict(node.kwargs)
        for key, value in node.kwargs.items():
            if isinstance(value, SizeOf):
                ref = self.input if value.name == "input" else self.saved.get(value.name)
                if ref is None:
                    raise self.error(f"size_of {value.name!r}, which was never saved")
                kwargs[key] = _trailing(ref.shape, x.shape)
        return replace(node, kwargs=kwargs)

    def call(self, node: Call, x: _Tensor, name: str, ref: _Tensor | None) -> list[_Tensor]:
        """A tensor function's row (its first or chosen result) and every result's tensor."""
        node = self.resolved(node)  # $in_shape[0] in view's arguments (a block's incoming shape)
        kwargs = dict(node.kwargs)
        if ref is not None:
            kwargs["size"] = _trailing(ref.shape, x.shape)
        layer = TensorCall(node.function, node.args, kwargs, node.index)
        try:
            pieces = layer.outputs(x.shape, x.strides)
            if node.function in MULTI and node.outputs and len(node.outputs) != len(pieces):
                # Python's own message for `a, b = x.chunk(3)`
                few = len(pieces) < len(node.outputs)
                raise LayerValueError(
                    f"not enough values to unpack (expected {len(node.outputs)}, got {len(pieces)})"
                    if few else f"too many values to unpack (expected {len(node.outputs)})",
                    hint=f"{node.function} gives {len(pieces)} pieces here, but {len(node.outputs)} "
                         "names are listed in outputs: list one name per piece.")
            if node.index >= len(pieces):  # the chosen piece exists
                layer.output_shape(x.shape)
        except LayerError as err:
            err.stage = "forward"
            self.fail(err, name, layer.function, x, node.source)
        outs = []
        for i, out in enumerate(pieces):
            piece = layer if i == node.index else TensorCall(node.function, node.args, kwargs, i)
            maps, dims = self.axis_maps(piece, x, out, name)
            outs.append(_Tensor(out, self.then(x, maps, name), dims,
                                strides=piece.out_strides(x.shape, x.strides, out)))
        y = outs[node.index]
        self.rows.append(Row(
            index=len(self.rows), name=name, type=layer.function, input_shape=x.shape,
            output_shape=y.shape, params=0, macs=0, receptive_field=self.rf(y, before=x),
            source=node.source, layer=layer))
        return outs

    def combine(self, op: str, xs: list[_Tensor], dim: int, name: str, node: Any) -> _Tensor:
        source = node.source
        try:
            shape = self.framework.merge_shape(op, [t.shape for t in xs], dim)
        except LayerError as err:
            err.stage = "forward"
            self.fail(err, name, op, xs[0], source)
        dims = xs[0].dims
        states = []
        flags = []
        try:
            self._merge_states(op, xs, shape, dim, states, flags)
        except PeriodTooLong as err:
            self.stop_fields(err, name)
        y = _Tensor(shape, tuple(states) if self.rf_note is None else xs[0].states, dims)
        self.rows.append(Row(
            index=len(self.rows), name=name, type=op, input_shape=xs[0].shape, output_shape=shape,
            params=0, macs=0, receptive_field=self.rf(y, flags), source=source, layer=None))
        return y

    def _merge_states(self, op: str, xs: list[_Tensor], shape: tuple[int, ...], dim: int,
                      states: list[AxisState], flags: list[bool]) -> None:
        """The merged tensor's per-axis states and aligned flags, appended to the lists."""
        dims = xs[0].dims
        for a, d in enumerate(dims if self.rf_note is None else ()):
            parts = []
            for t in xs:
                s = t.states[a]
                n_t = None if d is None or len(t.shape) < -d else t.shape[d]
                n_out = None if d is None or len(shape) < -d else shape[d]
                if op != "cat" and n_t == 1 and n_out not in (None, 1):
                    s = s.constant(0)  # broadcast: every output reads position 0
                parts.append(s)
            if op == "cat" and d is not None and len(shape) >= -d and \
                    (dim % len(shape)) == len(shape) + d:
                # torch.cat along a spatial axis: output u reads branch k at u - offset_k,
                # piecewise (conv_calc/receptive/piecewise.py), never per output position.
                states.append(cat_state(parts, [t.shape[d] for t in xs]))
            else:
                states.append(parts[0].union(*parts[1:]))
            flags.append(aligned(parts))

    def crop(self, saved: _Tensor, x: _Tensor) -> _Tensor:
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


def _trailing(ref: tuple[int, ...], shape: tuple[int, ...]) -> tuple[int, ...]:
    """``ref[-k:]`` for the ``k`` spatial dims of ``shape`` (``size=ref.shape[-2:]`` on a 4-d
    input); all of ``ref`` when it has fewer dims (torch then rejects the size)."""
    k = max(len(shape) - 2, 0)
    return TorchSize(ref[len(ref) - k:] if k <= len(ref) else ref)


def _then(x: _Tensor, maps: Sequence[Any]) -> tuple[AxisState, ...]:
    """The per-axis states after the axis maps ``maps`` (the same tuple when none maps)."""
    if not any(maps):
        return x.states
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
    return tuple(states)


def analyze(nodes: Sequence[Any], input_shape: Sequence[int], framework: str = "torch",
            outputs: Sequence[str] = (), mode: str = DEFAULT_MODE,
            inputs: Mapping[str, Sequence[int]] | None = None) -> Report:
    """See :meth:`conv_calc.graph.stack.Stack.analyze`; ``outputs`` names saved tensors,
    ``inputs`` the network's other inputs (name -> shape)."""
    mode = check_mode(mode)
    fw = frameworks.get(framework)
    shape = fw.check_input(input_shape)
    others = {name: fw.check_input(s) for name, s in (inputs or {}).items()}
    validate(tuple(nodes), fw, outputs=outputs, inputs=tuple(others))
    dims = fw.spatial_dims(nodes, shape)
    x = _Tensor(shape, tuple(AxisState.identity() for _ in dims), dims)
    walk = _Analysis(fw, mode)
    for name, other in others.items():
        # Another input: its receptive fields are in its own pixel coordinates.
        walk.saved[name] = _Tensor(other, tuple(AxisState.identity() for _ in dims), dims)
    try:
        walk.run(nodes, x)
    except _Stop:
        return Report(shape, tuple(walk.rows), walk.error, walk.failed, mode=mode,
                      notes=walk.notes())
    # `outputs: [input]` names the input even when no item reads it by name (so it was not
    # kept in walk.saved).
    named = {name: (x if name == INPUT and INPUT not in walk.saved else walk.tensor(name)).shape
             for name in outputs}
    return Report(shape, tuple(walk.rows), outputs=MappingProxyType(named), mode=mode,
                  notes=walk.notes())

