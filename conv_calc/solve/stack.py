"""Every input size a stack accepts, per spatial axis, without trying the sizes one by one.

The stack is compiled, for one axis (the other dims held at the stack's input
shape), into a short program on lengths: each layer becomes a quasi-affine map
(``floor((L + a) / s) + b``, ``(L - 1)*s + c``, ``L + a``, a constant...) with a
validity threshold ``L >= m``; merges become "these lengths agree" (``torch.cat``),
"agree or one is 1" (``torch.add``), or a sum (``cat`` along the axis). The program
runs on progressions of sizes (conv_calc.solve.sets), so the answer is a union
of arithmetic progressions whose period divides the product of the strides.

Each layer's map and threshold are read from its torch attributes, then checked
by running the real layer's ``output_shape`` at the threshold, just below it
and at a few sizes above; a layer whose behaviour does not match (Upsample with a
fractional scale, Unflatten of the axis) is reported as not solvable.

>>> from conv_calc import nn
>>> from conv_calc.graph.nodes import Stack
>>> ans = solve_input_sizes(Stack([nn.Conv1d(1, 4, 3), nn.MaxPool1d(2)], input_shape=(1, 1, 64)))
>>> ans[0].form.text(), ans[0].smallest
('every n >= 4', 4)
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Callable, Sequence

from conv_calc.errors import LayerError
from conv_calc.formulas import effective_kernel_size, pool_output_size
from conv_calc.nn.merge import add_shape, cat_shape
from conv_calc.solve.layer import SolveError, layer_kind, _per_axis
from conv_calc.solve.sets import (
    Cls, ClosedForm, apply, closed_form, count_in, equal, first_member, refine, split,
)
from conv_calc.graph.nodes import LayerNode, Merge, Parallel, Residual, Save, Sequential, Stack

__all__ = ["AxisSizes", "solve_input_sizes", "compile_axis", "run_program", "AXIS_NAMES"]

AXIS_NAMES = {1: ("L",), 2: ("H", "W"), 3: ("D", "H", "W")}
_BIG = 1 << 62
_PROBE = 1 << 20


@dataclass(frozen=True)
class AxisSizes:
    """The valid input sizes on one axis (dim ``dim`` of the input, others as in the stack)."""

    axis: str
    dim: int
    classes: tuple[Cls, ...]          # disjoint progressions (conv_calc.solve.sets.Cls)
    form: ClosedForm
    smallest: int | None
    blocked: str                      # why no size works, when none does ("" otherwise)

    def count(self, lo: int, hi: int) -> int:
        return count_in(list(self.classes), lo, hi)

    def sizes(self, lo: int, hi: int) -> list[int]:
        from conv_calc.solve.sets import members_upto

        return members_upto(self.classes, lo, hi)

    def __contains__(self, n: int) -> bool:
        from conv_calc.solve.sets import contains

        return contains(self.classes, n)


# ---------------------------------------------------------------------------- the program

@dataclass(frozen=True)
class Op:
    """One instruction on registers (0 is the current tensor's length on the axis)."""

    kind: str                  # map | const | eq | dead | save | load | add | cat | sum | crop
    name: str = ""
    fn: Callable[[int], int] | None = None
    period: int = 1
    min_len: int = 1           # the layer accepts L >= min_len ...
    zero_ok: bool = False      # ... and L == 0 when this is set
    value: int = 0
    slot: int = 0
    why: str = ""


def _with(shape: tuple[int, ...], d: int, v: int) -> tuple[int, ...]:
    s = list(shape)
    s[d] = v
    return tuple(s)


class _Compiler:
    def __init__(self) -> None:
        self.ops: list[Op] = []
        self.saved: dict[str, tuple[int, tuple[int, ...], int]] = {}
        self.slots = 1

    def slot(self) -> int:
        self.slots += 1
        return self.slots - 1

    # -------------------------------------------------------------- nodes
    def run_list(self, nodes: Sequence[Any], shape: tuple[int, ...], d: int, prefix: str):
        position = 0
        for node in nodes:
            if isinstance(node, Save):
                slot = self.slot()
                self.ops.append(Op("save", node.name, slot=slot))
                self.saved[node.name] = (slot, shape, d)
                continue
            if isinstance(node, Merge):
                if node.saved not in self.saved:
                    raise SolveError(f"merge with {node.saved!r}, which was never saved")
                slot, sshape, sd = self.saved[node.saved]
                shape, d = self.merge(node.op, slot, sshape, sd, shape, d, node.dim,
                                      node.crop == "center", f"{prefix}{node.name or node.op}")
                continue
            user = None if not hasattr(node, "name") or _is_layer(node) else node.name
            name = f"{prefix}{user or position}"
            position += 1
            shape, d = self.run_node(node, shape, d, name)
        return shape, d

    def run_node(self, node: Any, shape: tuple[int, ...], d: int, name: str):
        if _is_layer(node) or isinstance(node, LayerNode):
            return self.layer(node, shape, d, name)
        if isinstance(node, Sequential):
            return self.run_list(node.nodes, shape, d, name + ".")
        if isinstance(node, Residual):
            return self.branches([node.body, node.shortcut], "add", 1, shape, d, name,
                                 [name + ".", name + ".shortcut."])
        if isinstance(node, Parallel):
            return self.branches(list(node.branches), node.merge, node.dim, shape, d, name,
                                 [f"{name}.{j}." for j in range(len(node.branches))])
        raise SolveError(f"{node!r} is not a stack node")

    def branches(self, lists, op, dim, shape, d, name, prefixes):
        start = self.slot()
        self.ops.append(Op("save", name, slot=start))
        acc = None
        for j, (nodes, prefix) in enumerate(zip(lists, prefixes)):
            if j:
                self.ops.append(Op("load", name, slot=start))
            out_shape, out_d = self.run_list(nodes, shape, d, prefix)
            if acc is not None:
                out_shape, out_d = self.merge(op, acc[0], acc[1], acc[2], out_shape, out_d, dim,
                                              False, f"{name}.{op}")
            if j < len(lists) - 1:
                keep = self.slot()
                self.ops.append(Op("save", name, slot=keep))
                acc = (keep, out_shape, out_d)
        return out_shape, out_d

    # -------------------------------------------------------------- merges
    def merge(self, op, slot, sshape, sd, shape, d, dim, crop, name):
        if len(sshape) != len(shape) or (sshape and sd % len(sshape) != d % len(shape)):
            raise SolveError(f"{name}: the merged tensors hold the axis in different places",
                             "solve handles merges of tensors of the same rank.")
        big = _PROBE
        a, b = _with(sshape, d, big), _with(shape, d, big)
        if crop:
            from conv_calc.receptive.layers import crop_map

            nd = max(0, len(sshape) - 2)
            a = list(a)
            for i in range(len(a) - nd, len(a)):
                if i != d % len(a):
                    a[i] = crop_map(a[i], b[i])[1]
            a = tuple(a)
            tmp = self.slot()
            self.ops.append(Op("copy", name, slot=slot, value=tmp))
            self.ops.append(Op("crop", name, slot=tmp))
            slot = tmp
        try:
            if op == "add":
                out = add_shape(b, a)
                self.ops.append(Op("add", name, slot=slot))
            else:
                out = cat_shape([a, b], dim)
                along = (dim % len(out)) == d % len(out)
                self.ops.append(Op("sum" if along else "cat", name, slot=slot))
        except LayerError as err:
            self.ops.append(Op("dead", name, why=f"{name}: {err}"))
            return b, d
        return tuple(out), d

    # -------------------------------------------------------------- layers
    def layer(self, node: Any, shape: tuple[int, ...], d: int, name: str):
        free: set[str] = set()
        if _is_layer(node) or node.layer is not None:
            layer = node if _is_layer(node) else node.layer
        else:
            layer, free, err = _build(node, shape, d)
            if layer is None:
                self.ops.append(Op("dead", name, why=f"{name} ({node.type}): {err}"))
                return shape, d
        return _LayerCompiler(layer, shape, d, name, free).compile(self.ops)


def _is_layer(node: Any) -> bool:
    from conv_calc.nn.base import Layer

    return isinstance(node, Layer)


def _build(node: LayerNode, shape: tuple[int, ...], d: int):
    """Build a LayerNode's layer, inferring missing channels from the template shape."""
    from conv_calc.nn import LAYERS

    cls = LAYERS.get(node.type)
    if cls is None:
        raise SolveError(f"unknown layer type {node.type!r}")
    kwargs = dict(node.kwargs) if isinstance(node.kwargs, Mapping) else {}
    free: set[str] = set()
    try:
        one = cls.infer_kwargs(_with(shape, d, _PROBE))
        two = cls.infer_kwargs(_with(shape, d, _PROBE + 1))
    except Exception:  # noqa: BLE001 - the layer itself says what is wrong
        one = two = {}
    if one:
        try:
            bound = inspect.signature(cls.__init__).bind_partial(None, *node.args, **kwargs)
            missing = {k for k in one if k not in bound.arguments}
        except TypeError:
            missing = set()
        kwargs.update({k: v for k, v in one.items() if k in missing})
        free = {k for k in missing if one.get(k) != two.get(k)}
    try:
        return cls(*node.args, **kwargs), free, None
    except LayerError as err:
        return None, free, err


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
            from conv_calc.solve.layer import layer_axes

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


def compile_axis(stack: Stack, dim: int, input_shape: Sequence[int] | None = None) -> list[Op]:
    """The program of ``stack`` on input dim ``dim`` (negative), other dims from the shape."""
    shape = tuple(stack.input_shape if input_shape is None else input_shape)
    comp = _Compiler()
    comp.run_list(stack.layers, shape, dim, "")
    return comp.ops


# ---------------------------------------------------------------------------- running it

def _step(c: Cls, op: Op) -> list[Cls]:
    if op.kind == "map":
        a, b = c.vals[0]
        keep = split(c, (a, b - op.min_len))[0]
        if op.zero_ok:
            z = equal(c, (a, b))
            if z is not None:
                keep.append(z)
        out = []
        for x in keep:
            out.extend(apply(x, 0, op.fn, op.period))
        return out
    if op.kind == "const":
        return [_set(c, 0, (0, op.value))]
    if op.kind == "eq":
        a, b = c.vals[0]
        x = equal(c, (a, b - op.value))
        return [x] if x else []
    if op.kind == "dead":
        return []
    if op.kind == "save":
        return [_set(c, op.slot, c.vals[0])]
    if op.kind == "copy":
        return [_set(c, op.value, c.vals[op.slot])]
    if op.kind == "load":
        return [_set(c, 0, c.vals[op.slot])]
    if op.kind == "crop":
        return _crop(c, op.slot)
    if op.kind == "sum":
        (a1, b1), (a2, b2) = c.vals[0], c.vals[op.slot]
        return [_set(c, 0, (a1 + a2, b1 + b2))]
    if op.kind == "cat":
        (a1, b1), (a2, b2) = c.vals[0], c.vals[op.slot]
        x = equal(c, (a1 - a2, b1 - b2))
        return [x] if x else []
    if op.kind == "add":
        return _add(c, op.slot)
    raise AssertionError(op.kind)  # pragma: no cover


def _set(c: Cls, slot: int, value: tuple[int, int]) -> Cls:
    vals = list(c.vals)
    vals[slot] = value
    return Cls(c.M, c.r, c.count, tuple(vals))


def _add(c: Cls, slot: int) -> list[Cls]:
    """torch.add's broadcasting on the axis: equal lengths, or one of them 1."""
    (a1, b1), (a2, b2) = c.vals[0], c.vals[slot]
    if (a1, b1) == (a2, b2) or (a2, b2) == (0, 1):
        return [c]
    if (a1, b1) == (0, 1):
        return [_set(c, 0, (a2, b2))]
    points: dict[int, Cls] = {}
    for e in ((a1 - a2, b1 - b2), (a1, b1 - 1), (a2, b2 - 1)):
        x = equal(c, e)
        if x is not None:
            points[x.r] = x
    out = []
    for x in points.values():
        l1, l2 = x.vals[0][1], x.vals[slot][1]
        if l1 == l2 or l2 == 1:
            out.append(x)
        elif l1 == 1:
            out.append(_set(x, 0, (0, l2)))
    return out


def _crop(c: Cls, slot: int) -> list[Cls]:
    """Centre-crop the saved length H (register ``slot``) to the current h, as slicing does.

    ``x[top:top + h]`` with ``top = (H - h) // 2``: length h when H >= h; otherwise
    top < 0 counts from the end, giving ``-top`` when ``top >= -H`` and H when not.
    """
    (ha, hb), (ca, cb) = c.vals[slot], c.vals[0]
    fits, short = split(c, (ha - ca, hb - cb))
    out = [_set(x, slot, x.vals[0]) for x in fits]
    for x in short:
        for y in refine(x, x.vals[slot][0] - x.vals[0][0], 2):
            inside, before = split(y, _top_plus_h(y, slot))
            for z in inside:
                ta, tb = _top(z, slot)
                out.append(_set(z, slot, (-ta, -tb)))
            out += before
    return out


def _top(z: Cls, slot: int) -> tuple[int, int]:
    (ha, hb), (ca, cb) = z.vals[slot], z.vals[0]
    return (ha - ca) // 2, (hb - cb) // 2


def _top_plus_h(z: Cls, slot: int) -> tuple[int, int]:
    ta, tb = _top(z, slot)
    ha, hb = z.vals[slot]
    return ta + ha, tb + hb


def run_program(ops: Sequence[Op], start: int = 1, slots: int | None = None) -> tuple[list[Cls], str]:
    """Run on ``n = start + k`` (k >= 0): the progressions that pass, and why none does."""
    nslots = slots if slots is not None else 1 + max(
        (max(o.slot, o.value if o.kind == "copy" else 0) for o in ops), default=0)
    classes = [Cls(1, start, None, ((1, start),) + ((0, 0),) * (nslots - 1))]
    for op in ops:
        nxt: list[Cls] = []
        for c in classes:
            nxt.extend(_step(c, op))
        if not nxt:
            return [], op.why or f"{op.name}: no input size passes here"
        classes = nxt
    return classes, ""


def solve_input_sizes(stack: Stack, input_shape: Sequence[int] | None = None,
                      axes: Sequence[int] | None = None) -> list[AxisSizes]:
    """Per spatial axis: the set of input sizes every layer and merge accepts.

    ``axes`` are negative dims (default: every spatial axis of the stack's first
    layer); the other dims keep the stack's (or ``input_shape``'s) values.
    """
    from conv_calc.graph.analysis import _first_dimensionality

    shape = tuple(stack.input_shape if input_shape is None else input_shape)
    if not shape:
        raise SolveError("no input shape: give one in the stack file or with --input")
    nd = _first_dimensionality(stack.layers) or max(0, len(shape) - 2)
    nd = min(nd, len(shape))
    names = AXIS_NAMES.get(nd, tuple(f"dim{i}" for i in range(-nd, 0)))
    if axes is None:
        axes = tuple(range(-nd, 0))
    result = []
    for dim in axes:
        ops = compile_axis(stack, dim, shape)
        classes, why = run_program(ops)
        label = names[nd + dim] if -nd <= dim < 0 else f"dim{dim}"
        form = closed_form(classes) if classes else ClosedForm(0, (), ())
        result.append(AxisSizes(label, dim, tuple(classes), form, first_member(classes), why))
    return result
