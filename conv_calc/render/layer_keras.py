"""The output-size formula of one Keras 3 layer, per spatial axis, with the user's numbers put in.

The Keras counterpart of :mod:`conv_calc.render.layer` (plain text, no rich).
The layer class's ``family`` (:mod:`conv_calc.geometry`) says which formula
applies; Keras's rules (:mod:`conv_calc.keras.ops`) give the numbers. Each line
is compared with the layer's own output shape and, on any disagreement, no
formula is shown at all.

>>> from conv_calc.keras import layers
>>> conv = layers.Conv2D(64, 7, strides=2, padding="same")
>>> for line in keras_formulas(conv, (None, 224, 224, 3), (None, 112, 112, 64)):
...     print(line)
H_out = ceil(224 / 2) = 112  (padding 'same' pads max((112-1)*2 + 7 - 224, 0) = 5: 2 before, 3 after)
W_out = ceil(224 / 2) = 112  (padding 'same' pads max((112-1)*2 + 7 - 224, 0) = 5: 2 before, 3 after)
"""

from __future__ import annotations

from typing import Any

from conv_calc.formulas import effective_kernel_size
from conv_calc.keras import ops
from conv_calc.render.layer import _decimal, axis_names

__all__ = ["keras_kind", "keras_general_formula", "keras_formulas"]

#: Layer family -> the formula shown (max and average pooling share one).
_KINDS = {"conv": "conv", "transposed": "transposed", "maxpool": "pool", "avgpool": "pool",
          "upsample": "upsampling", "pad": "zeropadding", "crop": "cropping"}


def keras_kind(layer: Any) -> str | None:
    """conv, transposed, pool, upsampling, zeropadding, cropping, or None (no size formula)."""
    return _KINDS.get(getattr(type(layer), "family", None))


def _padding(layer: Any) -> str:
    padding = getattr(layer, "padding", "valid")
    return padding.lower() if isinstance(padding, str) else padding


def keras_general_formula(layer: Any) -> str | None:
    """The textbook line of the layer's kind and padding, in Keras's argument names."""
    kind = keras_kind(layer)
    padding = _padding(layer)
    k_eff = "dilation_rate*(kernel_size-1) + 1"
    if kind == "conv":
        if padding == "valid":
            return "out = floor((in - dilation_rate*(kernel_size-1) - 1) / strides) + 1"
        if padding == "same":
            return ("out = ceil(in / strides); 'same' pads max((out-1)*strides + k_eff - in, 0), "
                    "the odd pixel after")
        if padding == "causal":
            return "out = ceil(in / strides); 'causal' pads dilation_rate*(kernel_size-1) before"
    if kind == "pool":
        if padding == "valid":
            return "out = floor((in - pool_size) / strides) + 1"
        if padding == "same":
            return ("out = ceil(in / strides); 'same' pads max((out-1)*strides + pool_size - in, 0), "
                    "the odd pixel after")
    if kind == "transposed":
        op = getattr(layer, "output_padding", None)
        if padding == "valid":
            return ("out = (in - 1)*strides + max(k_eff, strides)" if op is None else
                    "out = (in - 1)*strides + k_eff + output_padding") + \
                f", k_eff = {k_eff}"
        if padding == "same":
            return ("out = in * strides" if op is None else
                    f"out = (in - 1)*strides + k_eff % 2 + output_padding, k_eff = {k_eff}")
    if kind == "upsampling":
        return "out = in * size"
    if kind == "zeropadding":
        return "out = in + padding_before + padding_after"
    if kind == "cropping":
        return "out = in - cropping_before - cropping_after"
    return None


def _conv(name: str, n: int, k: int, s: int, d: int, padding: str,
          what: str = "kernel") -> tuple[str, int] | None:
    k_eff = effective_kernel_size(k, d)
    kernel = f"{d}*({k}-1) - 1" if what == "kernel" else f"{k}"
    if padding not in ("valid", "same", "causal"):
        return None
    out = ops.conv_output_length(n, k, s, padding, d)
    if padding == "valid":
        head = f"({n} - {kernel})" if what == "kernel" else f"({n} - {k})"
        return (f"{name}_out = floor({head} / {s}) + 1 = floor({_decimal(n - k_eff, s)}) + 1 = "
                f"{out}", out)
    if padding == "same":
        left, right = ops.same_padding(n, k, s, d)
        return (f"{name}_out = ceil({n} / {s}) = {out}  (padding 'same' pads "
                f"max(({out}-1)*{s} + {k_eff} - {n}, 0) = {left + right}: {left} before, "
                f"{right} after)", out)
    if padding == "causal":
        return (f"{name}_out = ceil({n} / {s}) = {out}  (padding 'causal' pads {d}*({k}-1) = "
                f"{k_eff - 1} before, 0 after)", out)
    return None


def _transposed(name: str, n: int, k: int, s: int, d: int, padding: str,
                op: int | None) -> tuple[str, int] | None:
    k_eff = effective_kernel_size(k, d)
    shown_k = f"{k}" if d == 1 else f"{d}*({k}-1)+1"
    full = (n - 1) * s + k_eff
    out = ops.deconv_output_length(n, k, s, padding, op, d)
    if out is None:
        return None
    if padding == "valid" and op is None:
        text = f"({n} - 1)*{s} + max({shown_k}, {s}) = {out}"
    elif padding == "valid":
        text = f"({n} - 1)*{s} + {shown_k} + {op} = {out}"
    elif padding == "same" and op is None:
        text = f"{n}*{s} = {out}"
    elif padding == "same":
        text = f"({n} - 1)*{s} + {shown_k} % 2 + {op} = {out}"
    else:
        return None
    left, right = ops.deconv_padding(k, s, padding, op, d)
    if (left, right) != (0, 0):
        text += (f"  (the full ({n}-1)*{s} + {k_eff} = {full}, cropped {left} before, "
                 f"{right} after)" if left >= 0 and right >= 0 else
                 f"  (the full ({n}-1)*{s} + {k_eff} = {full}, with {-left} before and "
                 f"{-right} after added)" if left <= 0 and right <= 0 else
                 f"  (the full ({n}-1)*{s} + {k_eff} = {full}; {left} before, {right} after "
                 f"removed)")
    return f"{name}_out = {text}", out


def _axis(layer: Any, kind: str, name: str, j: int, n: int) -> tuple[str, int] | None:
    padding = _padding(layer)
    if kind == "conv":
        return _conv(name, n, layer.kernel_size[j], layer.strides[j], layer.dilation_rate[j],
                     padding)
    if kind == "transposed":
        op = None if layer.output_padding is None else layer.output_padding[j]
        return _transposed(name, n, layer.kernel_size[j], layer.strides[j],
                           layer.dilation_rate[j], padding, op)
    if kind == "pool":
        s = layer.strides[j]
        if s <= 0:
            return None
        return _conv(name, n, layer.pool_size[j], s, 1, padding, what="pool")
    if kind == "upsampling":
        f = layer.size[j]
        return f"{name}_out = {n} * {f} = {n * f}", n * f
    if kind == "zeropadding":
        a, b = layer.padding[j]
        return f"{name}_out = {n} + {a} + {b} = {n + a + b}", n + a + b
    if kind == "cropping":
        a, b = layer.cropping[j]
        return f"{name}_out = {n} - {a} - {b} = {n - a - b}", n - a - b
    return None


def keras_formulas(layer: Any, input_shape: tuple, output_shape: tuple) -> list[str]:
    """One line per spatial axis, each checked against the layer's own output shape."""
    kind = keras_kind(layer)
    rank = getattr(layer, "rank", 0) or 0
    if kind is None or not rank or len(input_shape) != rank + 2 or len(output_shape) != rank + 2:
        return []
    first = getattr(layer, "data_format", "channels_last") == "channels_first"
    off = 2 if first else 1
    names = axis_names(rank)
    lines = []
    for j in range(rank):
        n, out = input_shape[off + j], output_shape[off + j]
        if n is None or out is None:
            return []
        try:
            found = _axis(layer, kind, names[j], j, n)
        except (TypeError, ValueError, IndexError, ZeroDivisionError, AttributeError):
            return []
        if found is None or found[1] != out:
            return []
        lines.append(found[0])
    return lines
