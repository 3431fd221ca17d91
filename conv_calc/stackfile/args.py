"""Argument checks for stack files: names against torch's signatures, value types, suggestions.

The rule for values: refuse only what is the wrong *type* for the argument and
that a YAML slip produces (``kernel_size: "3x3"``, ``bias: yes``, ``eps: abc``,
a mapping where torch takes a number); pass every value torch accepts, and pass
wrong *values* (``groups: 0``, ``kernel_size: -1``) to the analysis, which
reports torch's own message. No YAML import here.

>>> from conv_calc.graph.framework import KERAS
>>> from conv_calc.keras import LAYERS
>>> params, var_kw = layer_arguments(LAYERS["ReLU"], "ReLU", KERAS)
>>> list(params)[-3:], var_kw
(['activity_regularizer', 'input_shape', 'input_dim'], False)
"""

from __future__ import annotations

import functools
import inspect
import re
from typing import Any

from conv_calc.graph import expr
from conv_calc.graph.framework import Framework

__all__ = [
    "INT_ARGS", "FLOAT_ARGS", "BOOL_ARGS", "STRING_CHOICES", "category", "signature_of",
    "layer_arguments", "type_problem", "evaluate", "ExprError", "UNKNOWN",
]

#: Arguments that take an int or a tuple of ints (None where torch allows it is passed on).
INT_ARGS = frozenset({
    "in_channels", "out_channels", "kernel_size", "stride", "padding", "dilation",
    "output_padding", "groups", "num_features", "in_features", "out_features", "num_groups",
    "num_channels", "output_size", "size", "start_dim", "end_dim", "dim", "upscale_factor",
    "downscale_factor", "divisor_override", "num_parameters", "unflattened_size",
    "normalized_shape",
})
#: Arguments that take a float (ints are floats too).
FLOAT_ARGS = frozenset({
    "eps", "momentum", "negative_slope", "p", "scale_factor", "alpha", "beta", "lambd",
    "min_val", "max_val", "threshold", "value", "init", "lower", "upper", "k", "norm_type",
    "output_ratio", "min_value", "max_value",
})
#: Arguments that take a bool (torch also accepts ints and None there: passed on).
BOOL_ARGS = frozenset({
    "bias", "affine", "track_running_stats", "inplace", "ceil_mode", "count_include_pad",
    "return_indices", "align_corners", "recompute_scale_factor", "elementwise_affine",
})
#: Strings that an otherwise-int argument accepts.
STRING_CHOICES = {"padding": ("same", "valid")}

_YAML11_BOOLS = {"yes", "no", "on", "off", "y", "n"}


UNKNOWN = expr.UNKNOWN
ExprError = expr.ExprError


def category(name: str, default: Any = inspect.Parameter.empty) -> str | None:
    """'int', 'float', 'bool' or None (unchecked) for an argument, by name, else by default.

    >>> category("kernel_size"), category("eps"), category("bias"), category("mode")
    ('int', 'float', 'bool', None)
    >>> category("new_flag", False), category("new_rate", 0.5)
    ('bool', 'float')
    """
    if name in INT_ARGS:
        return "int"
    if name in FLOAT_ARGS:
        return "float"
    if name in BOOL_ARGS:
        return "bool"
    if isinstance(default, bool):
        return "bool"
    if isinstance(default, float):
        return "float"
    if isinstance(default, int):
        return "int"
    return None


@functools.lru_cache(maxsize=None)
def signature_of(cls: type) -> tuple[dict[str, Any], bool]:
    """The constructor's keyword names with their defaults, and whether it takes ``**kwargs``."""
    params: dict[str, Any] = {}
    var_kw = False
    try:
        sig = inspect.signature(cls.__init__)
    except (TypeError, ValueError):  # pragma: no cover - builtins without a signature
        return {}, True
    for i, p in enumerate(sig.parameters.values()):
        if i == 0 and p.name == "self":
            continue
        if p.kind is p.VAR_KEYWORD:
            var_kw = True
        elif p.kind is not p.VAR_POSITIONAL:
            params[p.name] = p.default
    return params, var_kw


def layer_arguments(cls: type, name: str, framework: Framework) -> tuple[dict[str, Any], bool]:
    """The keyword arguments a stack file may give layer ``name`` of ``framework``, with their
    defaults, and whether it takes any other (``**kwargs``)."""
    params, var_kw = signature_of(cls)
    extra = framework.layer_kwargs(name)
    if extra is None:
        return params, var_kw
    return {**params, **{k: None for k in extra}}, False


def _string_hint(arg: str, text: str, cat: str) -> str:
    choices = STRING_CHOICES.get(arg, ())
    if cat == "bool":
        return "write true or false (only true/false are booleans in stack files)"
    if cat == "float":
        return "write a number, e.g. 0.1 or 1.0e-5"
    t = text.strip()
    if re.fullmatch(r"[0-9]+(\s*[x×*,]\s*[0-9]+)+", t):
        parts = re.split(r"\s*[x×*,]\s*", t)
        if len(set(parts)) == 1:
            return f"write {int(parts[0])} or [{', '.join(str(int(p)) for p in parts)}]"
        return f"write [{', '.join(str(int(p)) for p in parts)}]"
    if re.fullmatch(r"[-+]?0[0-9]+", t):
        return f"write {int(t)} (YAML 1.1 reads a leading zero as octal, so it is not taken as a number)"
    if re.fullmatch(r"\(\s*[0-9]+(\s*,\s*[0-9]+)*\s*,?\s*\)", t):
        inner = [s.strip() for s in t.strip("()").split(",") if s.strip()]
        return f"write [{', '.join(inner)}] (YAML lists stand for tuples)"
    if t.lower() in _YAML11_BOOLS:
        return "write an integer; yes/no/on/off are plain strings here"
    extra = " or " + " or ".join(f"'{c}'" for c in choices) if choices else ""
    return f"write an integer or a list of integers{extra}"


def type_problem(arg: str, cat: str | None, value: Any, text: str | None = None) -> tuple[str, str] | None:
    """``(message, hint)`` when ``value`` has a type the argument cannot take, else None.

    ``value`` is a converted YAML value (lists already tuples); ``text`` is how the
    scalar was written, if it is one.

    >>> type_problem("kernel_size", "int", "3x3")
    ("kernel_size: got string '3x3'", 'write 3 or [3, 3]')
    >>> type_problem("kernel_size", "int", 1000.0, "1e3")
    ('kernel_size: got 1e3, a float', 'write 1000')
    >>> type_problem("bias", "bool", "yes")
    ("bias: got string 'yes'", 'write true or false (only true/false are booleans in stack files)')
    >>> type_problem("padding", "int", "same") is None, type_problem("eps", "float", 1) is None
    (True, True)
    """
    if value is UNKNOWN or cat is None and not isinstance(value, dict):
        return None
    if isinstance(value, dict):
        return (f"{arg}: got a mapping", "write a number, a string or a list; a mapping is "
                "never an argument value (is the indentation right?)")
    if isinstance(value, tuple):
        for item in value:
            found = type_problem(arg, cat, item)
            if found is not None:
                return found
        return None
    if isinstance(value, str):
        if value in STRING_CHOICES.get(arg, ()):
            return None
        return f"{arg}: got string '{value}'", _string_hint(arg, value, cat)
    if cat == "int" and isinstance(value, float):
        shown = text if text is not None else repr(value)
        if value == value and value not in (float("inf"), float("-inf")) and value == int(value):
            return f"{arg}: got {shown}, a float", f"write {int(value)}"
        return f"{arg}: got {shown}, a float", f"{arg} takes integers"
    return None


def evaluate(text: str, params: dict[str, Any]) -> Any:
    """A block-parameter expression's value (:func:`conv_calc.graph.expr.evaluate`); the
    incoming shape's names are UNKNOWN here.

    >>> evaluate("$width * 4", {"width": 64}), evaluate("$pad", {"pad": (1, 2)})
    (256, (1, 2))
    >>> evaluate("($c + 1) // 2", {"c": 7}), evaluate("$a * $b", {"a": 3, "b": 5})
    (4, 15)
    """
    return expr.evaluate(text, params)
