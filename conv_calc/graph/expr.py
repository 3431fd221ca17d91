"""Stack-file expressions: integer arithmetic over ``$names``, parsed with :mod:`ast`, never eval'd.

The grammar (docs/stack-format.md "Expressions")::

    expr   := term (("+" | "-") term)*
    term   := factor (("*" | "//" | "%") factor)*
    factor := ("-" | "+") factor | INTEGER | "$" NAME | "$" NAME "[" expr "]" | "(" expr ")"

with Python's integer semantics (``//`` and ``%`` floor). ``$name`` alone gives
the value as it is (a list, a string, ...); inside arithmetic every value must
be an integer. The names are a block's parameters, a repeat's index (``$i``),
and the shape of the tensor entering the block use (:data:`SHAPE_NAMES`): those
are known only when the analysis reaches the block, so an expression that reads
them is carried on the layer node as a :class:`Deferred` and evaluated then.

>>> evaluate("($c + 1) // 2", {"c": 7}), evaluate("-$k % 4", {"k": 3})
(4, 1)
>>> evaluate("$in_channels // 2", {}, {"in_channels": 256, "in_shape": (1, 256, 28, 28)})
128
>>> try:
...     evaluate("$a * $wdth", {"a": 2, "width": 3})
... except ExprError as err:
...     print(err.message, "|", err.hint, "|", err.offset)
unknown name '$wdth' in '$a * $wdth' | did you mean '$width'? | 5
"""

from __future__ import annotations

import ast
import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from conv_calc.graph.nodes import Source, StackDefinitionError
from conv_calc.text import suggest

__all__ = ["ExprError", "DeferredError", "UNKNOWN", "SHAPE_NAMES", "MAX_TEXT", "MAX_DIGITS",
           "HINT", "EXAMPLES", "is_expression", "parse", "shape_names_in", "evaluate", "Deferred",
           "shape_env", "resolve_value", "has_deferred"]

#: Names that read the tensor entering the block use: its channel count and its shape.
SHAPE_NAMES = ("in_channels", "in_shape")
#: Longest expression, and most digits of any number in it or computed by it.
MAX_TEXT = 200
MAX_DIGITS = 100
#: The examples the hints show (tests/stackfile/test_expressions.py evaluates each).
EXAMPLES = ("$width * 4", "($c + 1) // 2", "$in_channels // 2")
#: The hint for an expression that cannot be read.
HINT = (f"write $name, or integer arithmetic over $names such as {EXAMPLES[0]}, {EXAMPLES[1]} "
        f"or {EXAMPLES[2]} (+ - * // % and parentheses)")

_OPS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.FloorDiv: "//", ast.Mod: "%"}


class _Unknown:
    """A value not known yet: a block parameter while its definition is checked on its own,
    or the incoming shape while the file is read."""

    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN: Any = _Unknown()


class ExprError(Exception):
    """A bad expression: ``message``, ``hint``, and ``offset`` (0-based) of the culprit in the text."""

    def __init__(self, message: str, hint: str = "", offset: int | None = None) -> None:
        super().__init__(message)
        self.message, self.hint, self.offset = message, hint, offset


def is_expression(value: Any) -> bool:
    """Whether a YAML string is an expression: it holds a ``$``.

    >>> is_expression("$k"), is_expression("2 * $k"), is_expression("same")
    (True, True, False)
    """
    return isinstance(value, str) and "$" in value


_DOLLAR = re.compile(r"\$(?![A-Za-z_])")


@functools.lru_cache(maxsize=4096)
def parse(text: str) -> ast.expr:
    """The expression's tree (names without their ``$``); ExprError when it cannot be read.

    Column offsets in the tree are those of the text (each ``$`` is read as a space).
    """
    if len(text) > MAX_TEXT:
        raise ExprError(f"expression '{text[:40]}...' is longer than {MAX_TEXT} characters",
                        "keep expressions short: compute long ones in a block parameter")
    bad = _DOLLAR.search(text)
    if bad:
        raise ExprError(f"'$' must be followed by a name in '{text}'", HINT, bad.start())
    if "\n" in text or "\r" in text:
        raise ExprError(f"expression '{text}' spans several lines", "write it on one line")
    try:
        tree = ast.parse("(" + text.replace("$", " ") + ")", mode="eval").body
    except SyntaxError as err:
        offset = None if err.offset is None else max(0, min(len(text) - 1, err.offset - 2))
        raise ExprError(f"cannot read expression '{text}'", HINT, offset) from None
    _check(tree, text)
    return tree


def _offset(node: ast.AST, text: str = "") -> int:
    """Where a node starts in the text (at the '$' of a leading name)."""
    at = max(0, getattr(node, "col_offset", 1) - 1)
    if 0 < at <= len(text) and text[at - 1] == "$":
        at -= 1
    return at


def _check(node: ast.AST, text: str) -> None:
    """Refuse every construct outside the grammar, at its place."""
    if isinstance(node, ast.Constant):
        if type(node.value) is not int:
            raise ExprError(f"{node.value!r} is not an integer in '{text}'",
                            "expressions compute with integers only", _offset(node, text))
        if len(str(node.value)) > MAX_DIGITS:
            raise ExprError(f"a number of more than {MAX_DIGITS} digits in '{text}'", "",
                            _offset(node, text))
        return
    if isinstance(node, ast.Name):
        at = node.col_offset - 1  # the name's first letter
        if at == 0 or text[at - 1] != "$":
            raise ExprError(f"'{node.id}' needs a '$' in '{text}'",
                            f"write ${node.id} for the value named {node.id}", at)
        return
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        _check(node.operand, text)
        return
    if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
        _check(node.left, text)
        _check(node.right, text)
        return
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and \
            not isinstance(node.slice, (ast.Slice, ast.Tuple)):
        _check(node.value, text)
        _check(node.slice, text)
        return
    what = {ast.Div: "'/' (true division)", ast.Pow: "'**'"}.get(
        type(getattr(node, "op", None)), "this")
    raise ExprError(f"{what} is not supported in '{text}'",
                    "use + - * // % and parentheses (// rounds down, as in Python)"
                    if what != "this" else HINT, _offset(node, text))


def shape_names_in(text: str) -> bool:
    """Whether the expression reads the incoming shape (:data:`SHAPE_NAMES`)."""
    return any(isinstance(n, ast.Name) and n.id in SHAPE_NAMES for n in ast.walk(parse(text)))


def evaluate(text: str, env: Mapping[str, Any], shape: Mapping[str, Any] | None = None) -> Any:
    """The value of an expression; names from ``env``, then ``shape`` (:func:`shape_env`).

    With ``shape`` None the shape names are :data:`UNKNOWN` (so is any result that
    depends on an UNKNOWN value). Raises ExprError.
    """
    tree = parse(text)
    names = dict(dict.fromkeys(SHAPE_NAMES, UNKNOWN) if shape is None else shape)
    names.update(env)
    return _Eval(text, names).value(tree)


def shape_env(shape: tuple, channel_dim: int) -> dict[str, Any]:
    """``in_channels`` and ``in_shape`` of a tensor of ``shape`` (None: an unknown size)."""
    try:
        channels = shape[channel_dim]
    except IndexError:
        channels = None
    return {"in_channels": channels, "in_shape": tuple(shape)}


def _digits(n: int) -> int:
    return len(str(abs(n))) if abs(n) < 10 ** (MAX_DIGITS + 2) else MAX_DIGITS + 2


class _Eval:
    def __init__(self, text: str, names: Mapping[str, Any]) -> None:
        self.text, self.names = text, names

    def fail(self, message: str, node: ast.AST, hint: str = "") -> ExprError:
        return ExprError(f"{message} in '{self.text}'", hint, _offset(node, self.text))

    def value(self, node: ast.AST) -> Any:
        """A top-level value: a name alone may be anything, anything else is an integer."""
        if isinstance(node, ast.Name):
            return self.lookup(node)
        return self.int(node)

    def lookup(self, node: ast.Name) -> Any:
        if node.id not in self.names:
            found = suggest(node.id, [n for n in self.names], 3)
            hint = ("did you mean " + " or ".join(f"'${c}'" for c in found) + "?" if found else
                    "the names are a block's parameters, a repeat's $i, "
                    + ", ".join(f"${n}" for n in SHAPE_NAMES))
            inside = "" if self.text.strip() == f"${node.id}" else f" in '{self.text}'"
            raise ExprError(f"unknown name '${node.id}'{inside}", hint, _offset(node, self.text))
        value = self.names[node.id]
        if value is None and node.id in SHAPE_NAMES:
            raise self.fail(f"${node.id} is not known here", node,
                            "the incoming tensor has no such size (or it is the size being solved)")
        return value

    def int(self, node: ast.AST) -> Any:
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, ast.Name):
            return self.need_int(self.lookup(node), node, f"${node.id}")
        if isinstance(node, ast.Subscript):
            return self.subscript(node)
        if isinstance(node, ast.UnaryOp):
            value = self.int(node.operand)
            return value if value is UNKNOWN or isinstance(node.op, ast.UAdd) else -value
        assert isinstance(node, ast.BinOp)
        left, right = self.int(node.left), self.int(node.right)
        op = type(node.op)
        if op in (ast.FloorDiv, ast.Mod) and right == 0 and right is not UNKNOWN:
            what = "division" if op is ast.FloorDiv else "modulo"
            raise self.fail(f"{what} by zero", node.right,
                            "the right-hand side of " + _OPS[op] + " is 0 here")
        if left is UNKNOWN or right is UNKNOWN:
            return UNKNOWN
        if op is ast.Mult and _digits(left) + _digits(right) > MAX_DIGITS + 1 or \
                op is ast.Add and max(_digits(left), _digits(right)) > MAX_DIGITS:
            raise self.fail(f"a number of more than {MAX_DIGITS} digits", node)
        result = {ast.Add: int.__add__, ast.Sub: int.__sub__, ast.Mult: int.__mul__,
                  ast.FloorDiv: int.__floordiv__, ast.Mod: int.__mod__}[op](left, right)
        if _digits(result) > MAX_DIGITS:
            raise self.fail(f"a number of more than {MAX_DIGITS} digits", node)
        return result

    def subscript(self, node: ast.Subscript) -> Any:
        assert isinstance(node.value, ast.Name)
        seq = self.lookup(node.value)
        index = self.int(node.slice)
        if seq is UNKNOWN or index is UNKNOWN:
            return UNKNOWN
        if not isinstance(seq, tuple):
            raise self.fail(f"${node.value.id} is {_show(seq)}, not a list", node,
                            "only a list (such as $in_shape) can be indexed")
        if not -len(seq) <= index < len(seq):
            raise self.fail(f"index {index} is out of range for ${node.value.id} = {_show(seq)}",
                            node.slice, f"indices go from {-len(seq)} to {len(seq) - 1}")
        value = seq[index]
        if value is None:
            raise self.fail(f"${node.value.id}[{index}] is not known here", node,
                            "it is the size being solved")
        return self.need_int(value, node, f"${node.value.id}[{index}]")

    def need_int(self, value: Any, node: ast.AST, what: str) -> Any:
        if value is UNKNOWN or type(value) is int:
            return value
        raise self.fail(f"{what} is {_show(value)}, not an integer", node,
                        "arithmetic works on integers only")


def _show(value: Any) -> str:
    if isinstance(value, tuple):
        return "[" + ", ".join(_show(v) for v in value) + "]"
    if isinstance(value, str):
        return f"'{value}'"
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value)


class DeferredError(StackDefinitionError):
    """An expression that fails once the incoming shape is known: a problem at its place.

    ``problems`` is this error itself, as a stack file's problems are read.
    """

    code = "bad-value"

    def __init__(self, message: str, hint: str, source: Source | None) -> None:
        super().__init__(f"{source}: {message}" if source is not None else message)
        self.message, self.hint, self.source = message, hint, source
        self.problems = (self,)

    def __str__(self) -> str:  # as a stack file's problem reads: file:line:column: message
        return f"{self.source}: {self.message}" if self.source is not None else self.message


@dataclass(frozen=True, eq=False)
class Deferred:
    """An argument value that reads the incoming shape: evaluated when the walk reaches the layer.

    ``env`` holds the other names' values (parameters, ``$i``); ``frame`` is the
    block use whose incoming tensor the shape names read; ``source`` where the
    expression is written (its column the expression's first character);
    ``integer`` whether the argument takes integers.
    """

    text: str
    env: Mapping[str, Any]
    frame: int
    source: Source | None = None
    integer: bool = True
    context: str = ""

    def value(self, shape: tuple, channel_dim: int) -> Any:
        try:
            result = evaluate(self.text, self.env, shape_env(shape, channel_dim))
        except ExprError as err:
            raise self.error(err.message, err.hint, err.offset) from None
        if self.integer and not _ints(result):
            raise self.error(f"'{self.text}' is {_show(result)}, not an integer",
                             "this argument takes integers", 0)
        return result

    def error(self, message: str, hint: str, offset: int | None) -> DeferredError:
        source = self.source
        if source is not None and offset:
            source = Source(source.file, source.line, source.column + offset)
        return DeferredError(message + self.context, hint, source)

    def __repr__(self) -> str:
        return f"Deferred({self.text!r})"


def _ints(value: Any) -> bool:
    if isinstance(value, tuple):
        return all(_ints(v) for v in value)
    return type(value) is int


def has_deferred(value: Any) -> bool:
    if isinstance(value, Deferred):
        return True
    return isinstance(value, tuple) and any(has_deferred(v) for v in value)


def resolve_value(value: Any, frames: Mapping[int, tuple], channel_dim: int) -> Any:
    """``value`` with every :class:`Deferred` in it evaluated on its frame's shape."""
    if isinstance(value, Deferred):
        shape = frames.get(value.frame)
        if shape is None:
            raise value.error(f"'{value.text}' reads the incoming shape, which is not known here",
                              "only the analysis knows shapes", None)
        return value.value(shape, channel_dim)
    if isinstance(value, tuple):
        return tuple(resolve_value(v, frames, channel_dim) for v in value)
    return value
