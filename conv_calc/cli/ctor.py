"""Read what a user types on the command line: a PyTorch constructor call and a shape.

A constructor is parsed with :mod:`ast` and only literals are accepted, so
nothing the user types is ever evaluated. Both spellings work: as written in
code and as printed by ``print(model)``:

>>> parse_ctor("nn.Conv2d(3, 64, kernel_size=(7, 7), stride=2, bias=False)")
Ctor(type='Conv2d', args=(3, 64), kwargs={'kernel_size': (7, 7), 'stride': 2, 'bias': False})
>>> parse_ctor("(conv1): Conv2d(3, 64, kernel_size=(7, 7), padding=same)").kwargs
{'kernel_size': (7, 7), 'padding': 'same'}
>>> parse_shape("1x3x224x224"), parse_shape("1,3,224,224"), parse_shape("[224, 224]")
((1, 3, 224, 224), (1, 3, 224, 224), (224, 224))

Errors are :class:`CtorError` / :class:`ShapeError` (both ``ValueError``) with
the 1-based ``column`` of the offending character:

>>> try:
...     parse_ctor("Conv2d(3, 64, kernel_size=k)")
... except CtorError as err:
...     print(err.column, err)
27 'k' is not a literal value
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from typing import Any

from conv_calc.errors import CtorError, ShapeError

__all__ = ["Ctor", "CtorError", "KERAS_PREFIXES", "ShapeError", "parse_ctor", "parse_shape", "parse_option_value",
           "format_ctor"]

#: Longest input accepted; a layer constructor is never this long.
MAX_LENGTH = 10_000

# print(model) writes some string arguments without quotes
# (Conv's extra_repr: ", padding={padding}", ", padding_mode={padding_mode}").
BARE_STRINGS = frozenset({
    "same", "valid", "zeros", "reflect", "replicate", "circular",
    "nearest", "linear", "bilinear", "bicubic", "trilinear", "area",
})

# "(conv1): Conv2d(...)" as print(model) shows a child module.
_CHILD_PREFIX = re.compile(r"^\s*\([^()]*\):\s*")
_PREFIXES = ("nn", "torch.nn")
# Keras code writes keras.layers.Conv2D(...), layers.Conv2D(...) or tf.keras.layers.Conv2D(...).
KERAS_PREFIXES = ("keras.layers", "layers", "tf.keras.layers", "tensorflow.keras.layers")


@dataclass(frozen=True)
class Ctor:
    """A parsed constructor call: the class name, positional and keyword arguments.

    ``module`` is the dotted prefix as written (``"nn"``, ``"keras.layers"``, ``""``).
    """

    type: str
    args: tuple[Any, ...] = ()
    kwargs: dict[str, Any] = field(default_factory=dict)
    module: str = field(default="", repr=False, compare=False)


def parse_ctor(text: str) -> Ctor:
    """Parse ``Conv2d(3, 64, kernel_size=7)`` (optionally ``nn.`` / ``torch.nn.``) safely.

    Keras's prefixes (``keras.layers.``, ``layers.``, ``tf.keras.layers.``) are
    accepted too and kept in ``Ctor.module``.

    Values may be ints, floats, strings, ``True``/``False``/``None``, negative
    numbers, tuples and lists of those; a bare ``same``/``valid``/``zeros``...
    (as ``print(model)`` writes them) is read as a string.
    """
    if len(text) > MAX_LENGTH:
        raise CtorError(f"the constructor is {len(text)} characters long; at most "
                        f"{MAX_LENGTH} are accepted", text[:80], 1)
    bad = next((i for i, ch in enumerate(text) if "\ud800" <= ch <= "\udfff"), None)
    if bad is not None:
        # Bytes that were not UTF-8 on the command line arrive as lone surrogates.
        raise CtorError("the layer has a byte that is not UTF-8 text",
                        text, bad + 1, hint="retype the constructor in plain text.")
    offset = 0
    match = _CHILD_PREFIX.match(text)
    if match and "(" in text[match.end():]:
        offset = match.end()
    source = text[offset:]
    stripped = source.lstrip()
    offset += len(source) - len(stripped)
    source = stripped.rstrip()
    if not source:
        raise CtorError("the layer is empty", text, 1,
                        hint="write a constructor such as 'Conv2d(3, 64, kernel_size=3)'.")

    def fail(message: str, node: ast.AST | None = None, col: int | None = None,
             hint: str = "") -> CtorError:
        if col is None:
            col = getattr(node, "col_offset", 0) + 1
        return CtorError(message, text, offset + col, hint=hint)

    if "\n" in source or "\r" in source:
        raise fail("the constructor must be on one line", col=source.find("\n") + 1)
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError as err:
        msg = (err.msg or "invalid syntax").split(" (<unknown>")[0]
        raise fail(f"not a constructor call: {msg}", col=err.offset or 1,
                   hint="write it as in Python, e.g. 'Conv2d(3, 64, kernel_size=3, stride=2)'.") from None
    except (ValueError, RecursionError, MemoryError) as err:
        raise fail(f"not a constructor call: {type(err).__name__}", col=1) from None
    call = tree.body
    if not isinstance(call, ast.Call):
        raise fail("expected a layer constructor call such as 'Conv2d(3, 64, 3)'", call,
                   hint="for the short form write the layer name alone, e.g. 'conv2d -k 3'.")
    name = _dotted(call.func)
    if name is None:
        raise fail("the called name must be a layer class, e.g. 'Conv2d' or 'nn.Conv2d'", call.func)
    prefix, _, type_name = name.rpartition(".")
    if prefix and prefix not in _PREFIXES and prefix not in KERAS_PREFIXES:
        raise fail(f"unknown module prefix '{prefix}.': use 'nn.{type_name}', "
                   f"'torch.nn.{type_name}' or '{type_name}'", call.func)
    args = []
    for arg in call.args:
        if isinstance(arg, ast.Starred):
            raise fail("'*' arguments are not supported: write the values out", arg)
        args.append(_literal(arg, fail))
    kwargs: dict[str, Any] = {}
    for kw in call.keywords:
        if kw.arg is None:
            raise fail("'**' arguments are not supported: write the keywords out", kw.value,
                       col=kw.value.col_offset - 1)
        if kw.arg in kwargs:
            # Python's own compiler refuses this call (ast.parse does not check it).
            raise fail(f"keyword argument repeated: {kw.arg}", kw,
                       hint=f"give {kw.arg}= once")
        kwargs[kw.arg] = _literal(kw.value, fail)
    return Ctor(type_name, tuple(args), kwargs, module=prefix)


def _dotted(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value)
        return None if base is None else f"{base}.{node.attr}"
    return None


def _literal(node: ast.AST, fail: Any) -> Any:
    if isinstance(node, ast.Constant):
        if isinstance(node.value, (bool, int, float, str)) or node.value is None:
            return node.value
        raise fail(f"{type(node.value).__name__} values are not supported", node)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        operand = node.operand
        if (isinstance(operand, ast.Constant) and isinstance(operand.value, (int, float))
                and not isinstance(operand.value, bool)):
            return -operand.value if isinstance(node.op, ast.USub) else operand.value
        raise fail("'-' and '+' apply to numbers only", node)
    if isinstance(node, ast.Tuple):
        return tuple(_literal(e, fail) for e in node.elts)
    if isinstance(node, ast.List):
        return [_literal(e, fail) for e in node.elts]
    if isinstance(node, ast.Name):
        if node.id in BARE_STRINGS:
            return node.id
        raise fail(f"'{node.id}' is not a literal value", node,
                   hint="arguments must be numbers, strings, True/False/None, tuples or lists; "
                        "quote strings, e.g. padding='same'.")
    raise fail("arguments must be numbers, strings, True/False/None, tuples or lists "
               "(nothing is evaluated)", node)


def format_ctor(ctor: Ctor) -> str:
    """The call written back as Python.

    >>> format_ctor(Ctor("Conv2d", (3, 8), {"kernel_size": (3, 3), "padding": "same"}))
    "Conv2d(3, 8, kernel_size=(3, 3), padding='same')"
    """
    parts = [repr(a) for a in ctor.args] + [f"{k}={v!r}" for k, v in ctor.kwargs.items()]
    return f"{ctor.type}({', '.join(parts)})"


_SHAPE_SPLIT = re.compile(r"\s*[x×X,]\s*|\s+")


def parse_shape(text: str) -> tuple[int, ...]:
    """``1x3x224x224``, ``1,3,224,224``, ``[1, 3, 224, 224]`` or ``224`` -> a tuple of ints >= 0.

    >>> parse_shape(" (1, 3, 32) ")
    (1, 3, 32)
    """
    return _ints(text, "shape", negative=False)


#: Short-form options whose value may be a word (padding='same', 'valid', Keras's 'causal').
WORD_OPTIONS = frozenset({"padding"})


def parse_option_value(text: str, words: bool = True) -> Any:
    """A short-form option: ``7`` -> 7, ``7x5`` / ``7,5`` -> (7, 5), ``same`` -> 'same'.

    ``words=False`` for options that only take numbers: torch would take ``-s abc``
    as the tuple ('a', 'b', 'c') and fail in forward, which is never what was meant.

    >>> parse_option_value("7"), parse_option_value("7x5"), parse_option_value("same")
    (7, (7, 5), 'same')
    >>> parse_option_value("-1")
    -1
    >>> parse_option_value("abc", words=False)
    Traceback (most recent call last):
    ...
    conv_calc.errors.ShapeError: got 'abc' where a whole number should be
    """
    stripped = text.strip()
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_-]*", stripped):
        if not words:
            raise ShapeError(f"got {stripped!r} where a whole number should be",
                             hint="write a number, or one per axis such as 2x1.")
        return stripped
    values = _ints(text, "value", negative=True)
    return values[0] if len(values) == 1 else values


def _ints(text: str, what: str, negative: bool) -> tuple[int, ...]:
    raw = text
    text = text.strip()
    if len(text) > 1000:
        raise ShapeError(f"the {what} is {len(text)} characters long; at most 1000 are accepted",
                         hint="sizes are int64 in torch: a shape is a few numbers of at most "
                              "19 digits.")
    if len(text) >= 2 and (text[0], text[-1]) in {("[", "]"), ("(", ")")}:
        text = text[1:-1].strip().rstrip(",").strip()
    if not text:
        raise ShapeError(f"the {what} {raw!r} is empty",
                         hint="write the sizes separated by 'x' or ',', e.g. 1x3x224x224.")
    dims = []
    for part in _SHAPE_SPLIT.split(text):
        # [0-9], not \d: int() would read other scripts' digits ('\u0661\u0662' is 12).
        if not re.fullmatch(r"[+-]?[0-9]+", part):
            raise ShapeError(f"the {what} {raw!r} has {part!r} where a whole number should be",
                             hint="write whole numbers separated by 'x' or ',', e.g. 1x3x224x224.")
        if len(part.lstrip("+-")) > 30:
            raise ShapeError(f"the {what} {raw!r} has a number with {len(part)} digits",
                             hint="sizes must fit in 64 bits, as in torch.")
        value = int(part)
        if value < 0 and not negative:
            raise ShapeError(f"the {what} {raw!r} has the negative size {value}",
                             hint="sizes must be integers >= 0.")
        dims.append(value)
    return tuple(dims)
