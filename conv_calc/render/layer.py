"""The output-size formula of one layer, per spatial axis, with the user's numbers put in.

Plain text, no rich. Which formula applies is the layer class's ``family`` and
how many axes it has its ``spatial_dims`` (:mod:`conv_calc.geometry`), looked up in
:data:`conv_calc.nn.LAYERS`; the numbers are the layer's arguments as given, put
into :mod:`conv_calc.formulas`. Each line is compared with the layer's own
``output_shape`` and a formula that disagrees is not shown at all (better no
explanation than a wrong one).

>>> from types import SimpleNamespace as NS
>>> conv = NS(kernel_size=(7, 7), stride=(2, 2), padding=(3, 3), dilation=(1, 1))
>>> print(axis_formula("Conv2d", conv, 0, 224))
H_out = floor((224 + 2*3 - 1*(7-1) - 1) / 2) + 1 = floor(111.5) + 1 = 112
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

from conv_calc.formulas import conv_output_size, conv_transpose_output_size, pool_output_size, \
    same_padding
from conv_calc.render.report import fmt_axes, fmt_int, fmt_shape

__all__ = ["spatial_dims", "axis_names", "general_formula", "axis_formula", "layer_formulas",
           "layer_text"]

AXES = {1: ("L",), 2: ("H", "W"), 3: ("D", "H", "W")}
#: Layer family -> the formula shown (LPPool's is AvgPool's: no padding, no dilation).
_FORMULAS = {"conv": "conv", "transposed": "transposed", "maxpool": "maxpool",
             "avgpool": "avgpool", "lppool": "avgpool", "adaptive": "adaptive",
             "upsample": "upsample"}


def _layer_class(type_name: str) -> type | None:
    # Deferred: the torch layers are loaded only when a torch layer is explained
    # (conv-calc layer --framework keras renders with this module too).
    from conv_calc.nn import LAYERS

    return LAYERS.get(type_name)


def spatial_dims(type_name: str) -> int | None:
    """The number of spatial dims of a torch layer class, by name (Conv2d -> 2).

    >>> spatial_dims("Conv2d"), spatial_dims("Upsample"), spatial_dims("Conv2D")
    (2, None, None)
    """
    cls = _layer_class(type_name)
    return None if cls is None else cls.spatial_dims


def axis_names(n: int) -> tuple[str, ...]:
    return AXES.get(n, tuple(f"S{i}" for i in range(n)))


def _kind(type_name: str) -> str | None:
    cls = _layer_class(type_name)
    return None if cls is None else _FORMULAS.get(cls.family)


def general_formula(type_name: str, ceil_mode: bool = False) -> str | None:
    """The textbook formula of a layer kind, in torch's argument names."""
    kind = _kind(type_name)
    rnd = "ceil" if ceil_mode else "floor"
    return {
        "conv": "out = floor((in + 2*padding - dilation*(kernel_size-1) - 1) / stride) + 1",
        "transposed": ("out = (in - 1)*stride - 2*padding + dilation*(kernel_size-1)"
                       " + output_padding + 1"),
        "maxpool": f"out = {rnd}((in + 2*padding - dilation*(kernel_size-1) - 1) / stride) + 1",
        "avgpool": f"out = {rnd}((in + 2*padding - kernel_size) / stride) + 1",
        "adaptive": "out = output_size (or in where output_size is None)",
        "upsample": "out = size, or floor(in * scale_factor)",
    }.get(kind) if kind else None


def _at(value: Any, axis: int, n: int, default: Any = None) -> Any:
    """torch's int-or-tuple argument, for one axis."""
    if value is None:
        return default
    if isinstance(value, (tuple, list)):
        if len(value) == n:
            return value[axis]
        if len(value) == 1:
            return value[0]
        raise ValueError("length mismatch")
    return value


def _decimal(num: int, den: int, places: int = 3) -> str:
    """num/den written exactly when it terminates within ``places`` digits, else cut with '…'."""
    value = Fraction(num, den)
    sign = "-" if value < 0 else ""
    value = abs(value)
    whole = value.numerator // value.denominator
    rest = value - whole
    digits = ""
    for _ in range(places):
        if rest == 0:
            break
        rest *= 10
        digit = rest.numerator // rest.denominator
        digits += str(digit)
        rest -= digit
    text = f"{sign}{whole}" + (f".{digits}" if digits else "")
    return text + ("…" if rest else "")


def axis_formula(type_name: str, layer: Any, axis: int, size: int, n: int | None = None,
                 output_size: int | None = None) -> str | None:
    """``H_out = ...`` for one axis, or None when the layer has no size formula."""
    found = _axis(type_name, layer, axis, size, n, output_size)
    return None if found is None else found[0]


def _axis(type_name: str, layer: Any, axis: int, size: int, n: int | None,
          output_size: int | None) -> tuple[str, int] | None:
    n = n or spatial_dims(type_name) or 1
    name = axis_names(n)[axis] if axis < n else f"S{axis}"
    kind = _kind(type_name)
    try:
        if kind == "conv":
            return _conv(name, layer, axis, n, size)
        if kind == "transposed":
            return _transposed(name, layer, axis, n, size, output_size)
        if kind in ("maxpool", "avgpool"):
            return _pool(name, layer, axis, n, size, dilated=kind == "maxpool")
        if kind == "adaptive":
            out = _at(getattr(layer, "output_size", None), axis, n)
            if out is None:
                return f"{name}_out = {name}_in = {size}  (output_size None keeps the size)", size
            return f"{name}_out = output_size = {out}", out
        if kind == "upsample":
            return _upsample(name, layer, axis, n, size)
    except (ValueError, TypeError, ZeroDivisionError, OverflowError, AttributeError):
        return None
    return None


def _floor_line(name: str, head: str, num: int, s: int, out: int,
                rnd: str = "floor") -> str:
    """``{name}_out = floor(head / s) + 1 = floor(num / s) + 1 = out``."""
    return f"{name}_out = {rnd}({head} / {s}) + 1 = {rnd}({_decimal(num, s)}) + 1 = {out}"


def _conv(name: str, layer: Any, axis: int, n: int, size: int) -> tuple[str, int]:
    k = _at(layer.kernel_size, axis, n)
    d = _at(getattr(layer, "dilation", 1), axis, n, 1)
    padding = layer.padding
    if padding == "same":
        left, right = same_padding(k, d)
        return (f"{name}_out = {name}_in = {size}  (padding='same' adds {d}*({k}-1) = "
                f"{left + right}: {left} before, {right} after)", size)
    p = 0 if padding == "valid" else _at(padding, axis, n)
    s = _at(layer.stride, axis, n)
    num = size + 2 * p - d * (k - 1) - 1
    out = conv_output_size(size, k, s, p, d)
    return _floor_line(name, f"({size} + 2*{p} - {d}*({k}-1) - 1)", num, s, out), out


def _transposed(name: str, layer: Any, axis: int, n: int, size: int,
                output_size: int | None) -> tuple[str, int]:
    k = _at(layer.kernel_size, axis, n)
    s = _at(layer.stride, axis, n)
    p = _at(layer.padding, axis, n)
    d = _at(getattr(layer, "dilation", 1), axis, n, 1)
    op = _at(getattr(layer, "output_padding", 0), axis, n, 0)
    base = conv_transpose_output_size(size, k, s, p, 0, d)
    note = ""
    if output_size is not None:
        op = output_size - base
        note = f"  (output_padding {op}, chosen to reach output_size {output_size})"
    return (f"{name}_out = ({size} - 1)*{s} - 2*{p} + {d}*({k}-1) + {op} + 1 = {base + op}"
            + note, base + op)


def _pool(name: str, layer: Any, axis: int, n: int, size: int,
          dilated: bool) -> tuple[str, int]:
    k = _at(layer.kernel_size, axis, n)
    stride = getattr(layer, "stride", None)
    s = _at(stride if stride not in (None, (), []) else layer.kernel_size, axis, n)
    p = _at(getattr(layer, "padding", 0), axis, n, 0)
    d = _at(getattr(layer, "dilation", 1), axis, n, 1) if dilated else 1
    ceil = bool(getattr(layer, "ceil_mode", False))
    num = size + 2 * p - d * (k - 1) - 1
    head = (f"({size} + 2*{p} - {d}*({k}-1) - 1)" if dilated
            else f"({size} + 2*{p} - {k})")
    out = pool_output_size(size, k, s, p, d, ceil)
    windows = -((-num) // s) + 1 if ceil else out   # before torch drops a last window
    text = _floor_line(name, head, num, s, windows, "ceil" if ceil else "floor")
    if windows != out:
        text += (f" - 1 = {out}  (the last window would start at ({windows}-1)*{s} = "
                 f"{(windows - 1) * s} >= {size} + {p}, inside the right padding, so it is "
                 "dropped)")
    return text, out


def _upsample(name: str, layer: Any, axis: int, n: int, size: int) -> tuple[str, int]:
    target = getattr(layer, "size", None)
    if target is not None:
        out = _at(target, axis, n)
        return f"{name}_out = size = {out}", out
    scale = _at(layer.scale_factor, axis, n)
    out = math.floor(float(size) * float(scale))
    return f"{name}_out = floor({size} * {scale}) = {out}", out


def layer_formulas(type_name: str, layer: Any, input_shape: tuple[int, ...],
                   output_shape: tuple[int, ...],
                   output_size: tuple[int, ...] | None = None) -> list[str]:
    """One line per spatial axis, each checked against the layer's own output shape."""
    n = spatial_dims(type_name)
    if n is None and _kind(type_name) == "upsample":  # Upsample: every dim after (N, C)
        n = len(input_shape) - 2 if len(input_shape) >= 3 else None
    if not n or len(input_shape) < n + 1 or len(output_shape) < n:
        return []
    lines = []
    for axis in range(n):
        size = input_shape[len(input_shape) - n + axis]
        out = output_shape[len(output_shape) - n + axis]
        target = None if output_size is None else output_size[len(output_size) - n + axis]
        found = _axis(type_name, layer, axis, size, n, target)
        if found is None or found[1] != out:
            return []
        lines.append(found[0])
    return lines


def layer_text(*, title: str, input_shape: tuple[int, ...], output_shape: tuple[int, ...] | None,
               formulas: list[str], general: str | None, rf: Any, params: int | None,
               macs: int | None, mode: str | None = None) -> str:
    """The report of ``conv-calc layer`` as plain text (``mode``: the line saying which)."""
    lines = [title, "", f"input   {fmt_shape(input_shape)}"]
    if output_shape is not None:
        lines.append(f"output  {fmt_shape(output_shape)}")
    if formulas:
        lines.append("")
        if general:
            lines.append(f"  {general}")
        lines.extend(f"  {line}" for line in formulas)
    if rf is not None:
        lines.append("")
        lines.append("receptive field (per spatial axis)")
        lines.append(f"  size {fmt_axes(rf.size)}, jump {fmt_axes(rf.jump)}, "
                     f"start {fmt_axes(rf.start)}, effective padding "
                     f"{fmt_axes(getattr(rf, 'effective_padding', None))}")
        size_min = getattr(rf, "size_min", None)
        if size_min is not None and tuple(size_min) != tuple(rf.size):
            lines.append(f"  size varies by position: smallest {fmt_axes(size_min)}")
    if params is not None:
        lines.append("")
        lines.append(f"params  {fmt_int(params)}")
    if macs is not None:
        lines.append(f"MACs    {fmt_int(macs)}")
    if mode is not None:
        lines.append(f"mode    {mode}")
    return "\n".join(lines) + "\n"
