"""Compile a stack, for one axis, into a program on lengths (conv_calc.solve.program).

The walk and the row names are the analysis's (:class:`conv_calc.graph.walk.Walker`),
and so is the channel inference (:func:`conv_calc.graph.infer.inferred_kwargs`);
here a tensor is its shape with the solved axis standing for any length, and the
register that holds it. Each layer's map and threshold are read from its torch
attributes, then checked by running the real layer's ``output_shape`` at the
threshold, just below it and at a few sizes above; a layer whose behaviour does
not match (Upsample with a fractional scale, Unflatten of the axis) is reported as
not solvable.

>>> from conv_calc import nn
>>> from conv_calc.graph.stack import Stack
>>> ops = compile_axis(Stack([nn.Conv1d(1, 4, 3), nn.MaxPool1d(2)], input_shape=(1, 1, 64)), -1)
>>> [(op.kind, op.name, op.min_len) for op in ops]
[('map', '0 (Conv1d)', 3), ('map', '1 (MaxPool1d)', 2)]
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, Sequence

from conv_calc.errors import LayerError
from conv_calc.formulas import effective_kernel_size, pool_output_size
from conv_calc.graph.expr import DeferredError
from conv_calc.graph.framework import TORCH, is_layer
from conv_calc.graph.infer import inferred_kwargs
from conv_calc.graph.mode import check_mode, in_mode
from conv_calc.graph.stack import Stack
from conv_calc.graph.nodes import INPUT, SizeOf
from conv_calc.graph.walk import Walker
from conv_calc.nn.base import Layer
from conv_calc.nn.tensor_calls import TensorCall
from conv_calc.receptive.layers import crop_map
from conv_calc.solve.layer import SolveError, _per_axis, layer_axes, layer_kind
from conv_calc.solve.program import Op
from conv_calc.solve.resize import size_of

__all__ = ["compile_axis"]

_BIG = 1 << 62
_PROBE = 1 << 20
_MERGE_PROBE = 97


def _with(shape: tuple[int, ...], d: int, v: int) -> tuple[int, ...]:
    s = list(shape)
    s[d] = v
    return tuple(s)


@dataclass(frozen=True, eq=False)
class _Len:
    """A tensor: its shape (dim ``d`` is the solved axis), and the register keeping it (if any)."""

    shape: tuple[int, ...]
    d: int
    slot: int | None = None


class _Compiler(Walker[_Len]):
    def __init__(self, x: _Len, mode: str = "train") -> None:
        super().__init__()
        self.layer_compiler = _LayerCompiler  # conv_calc.solve.joint marks coupled layers
        self.mode = mode  # every layer runs its checks in this mode (conv_calc.graph.mode)
        self.ops: list[Op] = []
        self.slots = 1
        self.current = x  # the tensor in register 0

    def error(self, message: str) -> Exception:
        return SolveError(message)

    def shape_of(self, x: _Len) -> tuple:
        """The template shape, the solved axis unknown (expressions cannot read it)."""
        if not x.shape:
            return x.shape
        return tuple(None if i == x.d % len(x.shape) else n for i, n in enumerate(x.shape))

    def new(self, shape: tuple[int, ...], d: int) -> _Len:
        """A tensor just computed into register 0."""
        self.current = _Len(shape, d)
        return self.current

    def use(self, x: _Len) -> None:
        """Bring ``x`` into register 0."""
        if x is not self.current:
            self.ops.append(Op("load", "", slot=x.slot))  # type: ignore[arg-type]
            self.current = x

    def keep(self, x: _Len) -> _Len:
        if x.slot is not None:
            return x
        self.use(x)
        self.slots += 1
        self.ops.append(Op("save", "", slot=self.slots - 1))
        self.current = replace(x, slot=self.slots - 1)
        return self.current

    # -------------------------------------------------------------- merges
    def crop(self, saved: _Len, x: _Len) -> _Len:
        """The saved length cropped to the current one (register 0), in a register of its own."""
        self.use(x)
        shape = list(saved.shape)
        nd = max(0, len(shape) - 2)
        for i in range(len(shape) - nd, len(shape)):
            if i != saved.d % len(shape) and i < len(x.shape):
                shape[i] = crop_map(shape[i], x.shape[i])[1]
        self.slots += 1
        tmp = self.slots - 1
        self.ops.append(Op("copy", "", slot=saved.slot, value=tmp))  # type: ignore[arg-type]
        self.ops.append(Op("crop", "", slot=tmp))
        return _Len(tuple(shape), saved.d, tmp)

    def combine(self, op: str, xs: list[_Len], dim: int, name: str, node: Any) -> _Len:
        first = xs[0]
        for t in xs[1:]:
            if len(t.shape) != len(first.shape) or (
                    t.shape and t.d % len(t.shape) != first.d % len(first.shape)):
                raise SolveError(f"{name}: the merged tensors hold the axis in different places",
                                 "solve handles merges of tensors of the same rank.")
        acc = self.current if any(t is self.current for t in xs) else xs[-1]
        self.use(acc)
        # A moderate length: an elementwise merge checks its result's allocation, which at
        # _PROBE (with a squeeze-excitation's mul, say) would fail for every size.
        shapes = [_with(t.shape, t.d, _MERGE_PROBE) for t in xs]
        try:
            out = TORCH.merge_shape(op, shapes, dim)
        except LayerError as err:
            self.ops.append(Op("dead", name, why=f"{name}: {err}"))
            return self.new(acc.shape, acc.d)
        along = op == "cat" and (dim % len(out)) == acc.d % len(out)
        kind = "add" if op != "cat" else "sum" if along else "cat"
        for t in xs:
            if t is not acc:
                self.ops.append(Op(kind, name, slot=t.slot))  # type: ignore[arg-type]
        return self.new(tuple(out), acc.d)

    def call(self, node: Any, x: _Len, name: str, ref: Any) -> list[_Len]:
        """A tensor function whose effect on the solved axis is exact and simple: the axis
        kept (``contiguous``, chunk/split along another dim), moved (permute, transpose,
        unsqueeze, squeeze of another dim), scaled (flatten with it, integer-scale
        interpolate), or made a constant (reductions over it, interpolate to a size)."""
        fn_name = f"{name} ({node.function})"
        hint = "analyse the network with `conv-calc stack` at the sizes of interest."
        try:
            node = self.resolved(node)
        except DeferredError as found:  # an expression reading the solved size
            raise SolveError(str(found), found.hint) from None
        count = max(1, len(node.outputs), node.index + 1)
        if node.function == "contiguous":
            return [x] * count
        if node.size_of is not None:  # interpolate to another tensor's size
            got = size_of(self, x, ref, fn_name, lambda shape, size: TensorCall(
                node.function, node.args, {**node.kwargs, "size": size}).outputs(shape)[0])
            if isinstance(got, _Len):
                return [self._kept(node, got)] * count
            node = replace(node, kwargs={**node.kwargs, "size": got}, size_of=None)
        if node.function == "view":
            raise SolveError(f"{fn_name}: solve does not follow view: whether torch accepts it "
                             "depends on the memory layout at each length, which solve does not "
                             "track", "write reshape where the layout does not matter, or "
                             + hint)
        if not x.shape:
            raise SolveError(f"{fn_name}: solve does not follow tensor functions on a 0-d tensor")
        n = len(x.shape)
        pos = x.d % n

        def real(v: int):
            try:
                return TensorCall(node.function, node.args, node.kwargs, node.index).outputs(
                    _with(x.shape, pos, v))
            except LayerError:
                return None

        probes = [1, 2, 3, 4, 5, 7, 11, 64, 97, _PROBE, _PROBE + 1]
        outs = [real(v) for v in probes]
        if any(o is None for o in outs) or len({len(o) for o in outs}) != 1:
            m = next((v for v, o in zip(probes, outs) if o is not None), None)
            if m and node.function in ("chunk", "split"):
                raise SolveError(f"{fn_name}: solve does not follow {node.function} along the "
                                 "solved axis yet", hint)
            raise SolveError(f"{fn_name}: solve does not follow {node.function} here yet (it "
                             f"{'changes with' if m else 'fails at every'} the solved axis' "
                             "length)", hint)
        pieces = []
        for i in range(len(outs[0])):
            pieces.append(_piece_model([o[i] for o in outs], probes, pos, n))
        if any(p is None for p in pieces) and node.function == "squeeze":
            raise SolveError(f"{fn_name}: solve does not follow a squeeze that removes the "
                             "solved axis when its length is 1 yet", hint)
        if any(p is None for p in pieces):
            raise SolveError(f"{fn_name}: solve does not follow {node.function} on the solved "
                             "axis yet", hint)
        if node.function == "reshape" and any(p[0] != "id" or p[2] != pos - n or len(p[1]) != n
                                               for p in pieces):
            raise SolveError(f"{fn_name}: solve does not follow reshape of the solved axis yet",
                             hint)
        zero = real(0)
        self.use(x)
        if len(pieces) > 1:
            if any(p[0] != "id" for p in pieces):
                raise SolveError(f"{fn_name}: solve does not follow {node.function} along the "
                                 "solved axis yet", hint)
            if node.outputs and len(node.outputs) != len(pieces):  # as the analysis says
                self.ops.append(Op("dead", fn_name, why=f"{fn_name}: {len(pieces)} pieces for "
                                   f"{len(node.outputs)} names in outputs"))
            result: list[Any] = []
            for i, (_, shape, d, _) in enumerate(pieces):
                if i == node.index:
                    result.append(None)
                    continue
                self.slots += 1
                self.ops.append(Op("save", "", slot=self.slots - 1))
                result.append(_Len(shape, d, self.slots - 1))
            result[node.index] = self._kept(node, self.new(pieces[node.index][1],
                                                           pieces[node.index][2]))
            return result + [result[node.index]] * (count - len(result))
        kind, shape, d, c = pieces[0]
        if zero is None:
            zero_ok = False
        elif kind == "const":
            zero_ok = zero[0] == shape
        else:
            zero_ok = _with(zero[0], d, 0) == _with(shape, d, 0) and zero[0][d] == 0
        if kind == "const":
            self.ops.append(Op("map", fn_name, fn=lambda L: c, min_len=1, zero_ok=zero_ok))
        elif kind == "scale":
            self.ops.append(Op("map", fn_name, fn=lambda L: L * c, min_len=1, zero_ok=zero_ok))
        elif not zero_ok:
            self.ops.append(Op("map", fn_name, fn=_identity, min_len=1))
        return [self._kept(node, self.new(shape, d))] * count

    def _kept(self, node: Any, y: _Len) -> _Len:
        """The continuing result, in a register of its own when it is also saved by name
        (the walk keeps ``outputs`` but continues with the tensor it was given)."""
        return self.keep(y) if node.index < len(node.outputs) else y

    # -------------------------------------------------------------- layers
    def layer(self, node: Any, x: _Len, name: str) -> _Len:
        free: set[str] = set()
        if is_layer(node) or node.layer is not None:
            layer = node if is_layer(node) else node.layer
            if not isinstance(layer, Layer):
                raise SolveError(f"{node!r} is not a stack node")
        else:
            try:
                node = self.resolved(node)
            except DeferredError as found:  # an expression reading the solved size
                raise SolveError(str(found), found.hint) from None
            for key, value in node.kwargs.items():  # Upsample: {size_of: NAME}
                if isinstance(value, SizeOf):
                    got = size_of(self, x, self.input if value.name == INPUT else
                                  self.saved.get(value.name), f"{name} ({node.type})",
                                  lambda shape, size: _run(replace(
                                      node, kwargs={**node.kwargs, key: size}), shape, x.d))
                    if isinstance(got, _Len):
                        return got
                    node = replace(node, kwargs={**node.kwargs, key: got})
            layer, free, err = _build(node, x.shape, x.d)
            if layer is None:
                self.use(x)
                self.ops.append(Op("dead", name, why=f"{name} ({node.type}): {err}"))
                return self.new(x.shape, x.d)
        self.use(x)
        layer = in_mode(layer, self.mode)
        return self.new(*self.layer_compiler(layer, x.shape, x.d, name, free).compile(self.ops))


def _piece_model(shapes: list[tuple[int, ...]], probes: list[int], pos: int, n: int):
    """How one result's shape follows the solved length: ("id" | "scale" | "const", the
    template shape, the new (negative) dim of the axis, the factor or constant); None when
    it follows it in no such way."""
    rank = len(shapes[0])
    if rank == 0 or any(len(s) != rank for s in shapes):
        return None
    if all(s == shapes[0] for s in shapes):  # the axis reduced away or fixed
        j = pos if rank == n else rank - 1
        return "const", shapes[0], j - rank, shapes[0][j]
    for j in range(rank):
        rest = {_with(s, j, 0) for s in shapes}
        if len(rest) != 1:
            continue
        ratios = {s[j] / v for s, v in zip(shapes, probes)}
        if len(ratios) == 1 and all(s[j] % v == 0 for s, v in zip(shapes, probes)):
            c = shapes[0][j] // probes[0]
            return ("id" if c == 1 else "scale"), shapes[-1], j - rank, c
    return None


def _build(node: Any, shape: tuple[int, ...], d: int):
    """Build a LayerNode's layer, inferring missing channels from the template shape; the
    inferred arguments that depend on the solved axis are ``free``."""
    cls = TORCH.registry().get(node.type)
    if cls is None:
        raise SolveError(f"unknown layer type {node.type!r}")
    kwargs = dict(node.kwargs) if isinstance(node.kwargs, Mapping) else {}
    try:
        one = inferred_kwargs(cls, tuple(node.args), kwargs, _with(shape, d, _PROBE))
        two = inferred_kwargs(cls, tuple(node.args), kwargs, _with(shape, d, _PROBE + 1))
    except LayerError:  # the layer itself says what is wrong
        one = two = {}
    kwargs.update(one)
    free = {k for k in one if one.get(k) != two.get(k)}
    try:
        return cls(*node.args, **kwargs), free, None
    except LayerError as err:
        return None, free, err


def _run(node: Any, shape: tuple[int, ...], d: int) -> tuple[int, ...]:
    """The output shape of a LayerNode's layer on ``shape`` (raises LayerError)."""
    layer, _, err = _build(node, shape, d)
    if layer is None:
        raise err
    return tuple(layer.output_shape(shape))


class _LayerCompiler:
    """One layer on one axis: its length map, its threshold, checked against output_shape."""

    def __init__(self, layer, shape, d, name, free):
        self.layer, self.shape, self.d, self.name, self.free = layer, shape, d, name, free
        self.rank = len(shape)

    def real(self, v: int) -> tuple[int, ...] | None:
        try:
            return tuple(self.layer.output_shape(_with(self.shape, self.d, v)))
        except LayerError:
            return None

    def error(self, v: int) -> str:
        try:
            self.layer.output_shape(_with(self.shape, self.d, v))
        except LayerError as err:
            return str(err)
        return ""

    def compile(self, ops: list[Op]):
        names = {c.__name__ for c in type(self.layer).__mro__}
        pos = self.d % self.rank if self.rank else 0
        lname = f"{self.name} ({type(self.layer).__name__})"
        if "Linear" in names and pos == self.rank - 1:
            out_f = self.layer.out_features
            if "in_features" in self.free:
                ops.append(Op("const", lname, value=out_f))
                out = self.real(_PROBE)
            else:
                ops.append(Op("eq", lname, value=self.layer.in_features))
                ops.append(Op("const", lname, value=out_f))
                out = self.real(self.layer.in_features)
            if out is None:
                v = _PROBE if "in_features" in self.free else self.layer.in_features
                ops.append(Op("dead", lname, why=f"{lname}: {self.error(v)}"))
                return self.shape, self.d
            return out, self.d
        fn, period, guess = self.length_map(names, pos)
        m, zero_ok = self.threshold(guess)
        if m is None:
            ops.append(Op("dead", lname, why=f"{lname}: {self.error(_PROBE)}"))
            return self.shape, self.d
        out = self.real(m)
        new_d = self.d
        if "Flatten" in names:
            fn, period, new_d = self.flatten(pos, out)
        elif "Unflatten" in names:
            dim = self.layer.dim % self.rank
            if dim == pos and len(out) != self.rank:
                raise SolveError(f"{lname} unflattens the solved axis", "solve cannot model it.")
            new_d = pos - len(out) if pos < dim else self.d
        elif len(out) != self.rank and fn is None:
            raise SolveError(f"{lname} changes the rank in a way solve does not model")
        if fn is None:
            fn = _identity
        for v in sorted({m, m + 1, m + 2, m + period, m + 7 * period + 3, m + 1000}):
            got = self.real(v)
            if got is None or got[new_d] != fn(v) or _with(got, new_d, 0) != _with(out, new_d, 0):
                raise SolveError(
                    f"{lname}: solve cannot model this layer on dim {self.d} (output "
                    f"{None if got is None else got[new_d]} at length {v}, model {fn(v)})",
                    "layers solve models: conv, transposed conv, pools, adaptive pools, "
                    "padding, Upsample with integer scale or fixed size, shape-keeping layers.")
        ops.append(Op("map", lname, fn=fn, period=period, min_len=m, zero_ok=zero_ok))
        return out, new_d

    def length_map(self, names: set[str], pos: int):
        """(fn, period, threshold guess) for the layer on this axis; fn None = unchanged."""
        layer = self.layer
        kind = layer_kind(layer)
        if kind is not None:
            info = layer_axes(layer)
            nd = info["nd"]
            j = nd + self.d
            if not 0 <= j < nd or self.rank < nd + 1:
                return None, 1, 1
            k, s, (pl, pr), dil = (info["kernel"][j], info["stride"][j], info["padding"][j],
                                   info["dilation"][j])
            keff = effective_kernel_size(k, dil)
            if kind == "conv":
                return (lambda L: (L + pl + pr - keff) // s + 1), s, max(1, keff - pl - pr)
            if kind == "transposed":
                op = _per_axis(layer.output_padding, nd)[j]
                fn = lambda L: (L - 1) * s - pl - pr + keff + op  # noqa: E731
                return fn, 1, max(1, 1 - ((keff + op - pl - pr - 1) // s))
            ceil = bool(getattr(layer, "ceil_mode", False))
            return (lambda L: pool_output_size(L, k, s, pl, dil, ceil)), s, max(1, keff - 2 * pl)
        if "_AdaptiveBase" in names:
            nd = int(type(layer).__name__[-2])
            sizes = _per_axis(layer.output_size, nd)
            j = nd + self.d
            if 0 <= j < nd and sizes[j] is not None:
                c = sizes[j]
                return (lambda L: c), 1, 1
            return None, 1, 1
        if "_PadNd" in names:
            pad = tuple(layer.padding)
            i = -self.d - 1
            if 2 * i + 1 < len(pad):
                left, right = pad[2 * i], pad[2 * i + 1]
                return (lambda L: L + left + right), 1, max(1, 1 - left - right)
            return None, 1, 1
        if "Upsample" in names:
            nd = self.rank - 2
            j = nd + self.d
            if not 0 <= j < nd:
                return None, 1, 1
            if layer.size is not None:
                c = _per_axis(layer.size, nd)[j]
                return (lambda L: c), 1, 1
            f = _per_axis(layer.scale_factor, nd)[j]
            if float(f).is_integer():
                f = int(f)
                return (lambda L: L * f), 1, 1
            raise SolveError(f"{self.name}: Upsample with scale_factor {f} (not an integer)",
                             "solve models only integer scale factors or a fixed size.")
        return None, 1, 1

    def flatten(self, pos: int, out: tuple[int, ...]):
        n = self.rank
        start, end = self.layer.start_dim % n, self.layer.end_dim % n
        if start <= pos <= end and end > start:
            c = 1
            for i in range(start, end + 1):
                if i != pos:
                    c *= self.shape[i]
            return (lambda L: L * c), 1, start - len(out)
        if pos < start:
            return None, 1, pos - len(out)
        return None, 1, self.d

    def threshold(self, guess: int) -> tuple[int | None, bool]:
        """The smallest L >= 1 the real layer accepts (valid from there on), and whether 0 is."""
        zero_ok = self.real(0) is not None
        if self.real(guess) is not None:
            if guess == 1 or self.real(guess - 1) is None:
                return guess, zero_ok
            lo, hi = 0, guess                  # lo invalid (or 0), hi valid
        else:
            lo, hi = guess, guess * 2 + 1
            while self.real(hi) is None:
                lo, hi = hi, hi * 2 + 1
                if hi > _BIG:
                    return None, zero_ok
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if self.real(mid) is not None:
                hi = mid
            else:
                lo = mid
        if lo == 0 and self.real(1) is not None:
            return 1, zero_ok
        return hi, zero_ok


def _identity(L: int) -> int:
    return L


def compile_axis(stack: Stack, dim: int, input_shape: Sequence[int] | None = None,
                 mode: str | None = None, compiler: type | None = None) -> list[Op]:
    """The program of ``stack`` on input dim ``dim`` (negative), other dims from the shape,
    its layers in ``mode`` ("train" or "eval"; default: the stack's)."""
    if getattr(stack, "inputs", None):
        raise SolveError(f"solve reads networks with one input; this one also has "
                         f"{', '.join(stack.inputs)} (`inputs:`)",
                         hint="ask about a network with one input, or write the part of the "
                              "network that reads `input` alone as a stack file of its own")
    if getattr(stack, "framework", "torch") != "torch":
        raise SolveError(f"solve reads torch stack files; this one is `framework: "
                         f"{stack.framework}`", hint="ask `conv-calc stack` or `lint` about it")
    shape = tuple(stack.input_shape if input_shape is None else input_shape)
    x = _Len(shape, dim)
    mode = check_mode(getattr(stack, "mode", "train") if mode is None else mode)
    comp = (compiler or _Compiler)(x, mode)
    comp.run(stack.layers, x)
    return comp.ops
