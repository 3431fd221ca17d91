"""Reading a stack file's values: problems with their place, `$expressions`, argument types.

:class:`ValueReader` is the base of the stack-file reader (conv_calc.stackfile.load):
it records problems in a :class:`~conv_calc.stackfile.problems.Collector`, and
turns YAML values into Python ones (lists as tuples, ``$name`` and ``$a * 4``
evaluated in the :class:`Scope` of a block use), refusing values of the wrong type.

>>> describe(None), span(Source("n.yaml", 3, 5), Source("n.yaml", 3, 9, 3, 20), None)
('nothing', Source(file='n.yaml', line=3, column=5, end_line=3, end_column=20, where=None))
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from conv_calc.graph.framework import Framework
from conv_calc.graph.nodes import Source
from conv_calc.graph.expr import Deferred, has_deferred, is_expression, shape_names_in
from conv_calc.stackfile.args import UNKNOWN, ExprError, evaluate, type_problem
from conv_calc.stackfile.problems import Collector
from conv_calc.stackfile.yaml_reader import INVALID, YMap, YNode, YScalar, YSeq

__all__ = ["Scope", "ValueReader", "describe", "span"]


@dataclass(frozen=True)
class Scope:
    """Where an item is read: inside which block uses, with which parameter values."""

    params: dict[str, Any] | None = None   # None outside block definitions
    checking: bool = False                 # a definition checked on its own (values unknown)
    chain: tuple[str, ...] = ()            # blocks being expanded, outermost first
    depth: int = 0
    where: str = ""                        # appended to messages: which block use
    frame: int | None = None               # the block use whose incoming shape $in_channels reads

    def deeper(self) -> Scope:
        return replace(self, depth=self.depth + 1)

    def with_names(self, names: dict[str, Any]) -> Scope:
        """This scope with more names (a repeat's index) visible to expressions."""
        return replace(self, params={**(self.params or {}), **names})


class ValueReader:
    """Problems and values of one stack file read for one framework."""

    def __init__(self, filename: str, layers: Mapping[str, type], collector: Collector,
                 framework: Framework) -> None:
        self.framework = framework
        self.filename = filename
        self.layers = layers
        self.out = collector

    # -- problems ---------------------------------------------------------------------
    def problem(self, message: str, source: Source | None, hint: str = "",
                code: str = "bad-value", scope: Scope | None = None) -> None:
        self.out.add(message, source, hint=hint, code=code, context=scope.where if scope else "")

    def wrong_kind(self, what: str, node: YNode, hint: str, scope: Scope | None = None) -> None:
        self.problem(f"{what} must be {hint}, got {describe(node)}", node.source,
                     f"write `{what}` as {hint}", code="wrong-type", scope=scope)

    # -- values -----------------------------------------------------------------------
    def scalar_value(self, node: YScalar, scope: Scope, integer: bool | None = None) -> Any:
        """A scalar's value, an expression evaluated. ``integer`` is None where the value
        is needed now; True or False (whether integers are needed) for a layer argument,
        which may read the incoming shape (then a :class:`Deferred` is returned)."""
        value = node.value
        if not is_expression(value):
            return value
        if scope.params is None and not shape_names_in_safe(value):
            self.problem(f"'{value}' refers to a block parameter outside a block definition",
                         node.source, "`$name` works only inside `blocks:` and in a repeated "
                         "item (`$i`)", "undefined-name", scope)
            return INVALID
        try:
            result = evaluate(value, scope.params or {})
            deferred = result is UNKNOWN and shape_names_in(value)
        except ExprError as err:
            code = "undefined-name" if err.message.startswith("unknown name") else "bad-value"
            self.problem(err.message, self.at(node, err.offset), err.hint, code, scope)
            return INVALID
        if not deferred or scope.checking:
            return result
        if scope.frame is None or integer is None:
            where = ("inside a block definition (the tensor entering the block use)"
                     if scope.frame is None else "in a layer's arguments")
            self.problem(f"'{value}' reads the incoming shape, which only works {where}",
                         node.source, "move the expression into the block that needs it",
                         "bad-value", scope)
            return INVALID
        return Deferred(value, dict(scope.params or {}), scope.frame, self.at(node, 0),
                        integer, scope.where)

    @staticmethod
    def at(node: YScalar, offset: int | None) -> Source:
        """The place of character ``offset`` of a one-line scalar's value."""
        source = node.source
        if offset is None or source is None or node.text and "\n" in node.text:
            return source
        shift = offset + (1 if node.quoted else 0)
        return Source(source.file, source.line, source.column + shift)

    def plain_value(self, node: YNode, scope: Scope) -> Any:
        """A YAML value as Python: lists as tuples, ``$expressions`` evaluated."""
        if isinstance(node, YScalar):
            return self.scalar_value(node, scope)
        if isinstance(node, YSeq):
            return tuple(self.plain_value(item, scope) for item in node.items)
        self.problem("got a mapping where a value belongs", node.source,
                     "write a number, a string or a list (is the indentation right?)",
                     "wrong-type", scope)
        return INVALID

    def arg_value(self, node: YNode, arg: str, cat: str | None, scope: Scope) -> Any:
        if isinstance(node, YMap):
            self.problem(f"{arg}: got a mapping", node.source,
                         "write a number, a string or a list (is the indentation right?)",
                         "wrong-type", scope)
            return INVALID
        if isinstance(node, YSeq):
            return tuple(self.arg_value(item, arg, cat, scope) for item in node.items)
        value = self.scalar_value(node, scope, cat == "int")
        if value is INVALID or has_deferred(value):
            return value
        evaluated = value is not node.value
        found = type_problem(arg, cat, value, None if evaluated else node.text)
        if found is not None:
            message, hint = found
            self.problem(message, node.source, hint, "wrong-type", scope)
            return INVALID
        return value

    def tensor_name(self, key: YScalar, value: Any, scope: Scope) -> str | None:
        if isinstance(value, YScalar) and isinstance(value.value, str) and value.value:
            return value.value
        node = value if value is not None else key
        self.wrong_kind(f"`{key.value}`", node, "the name of a saved tensor, e.g. enc1", scope)
        return None

    def int_option(self, node: YNode, what: str, scope: Scope, default: int) -> int:
        value = self.scalar_value(node, scope) if isinstance(node, YScalar) else INVALID
        if value is UNKNOWN:
            return default
        if isinstance(value, bool) or not isinstance(value, int):
            if value is not INVALID or not isinstance(node, YScalar):
                self.wrong_kind(what, node, "an integer", scope)
            return default
        return value


def span(start: Source, end: Source, node: YMap | None) -> Source:
    """From an item's kind key to the end of its last value (not the next line's start)."""
    if node is not None and node.pairs:
        last = max((v.source for _, v in node.pairs), key=lambda s: (s.end_line or 0, s.end_column or 0))
        end = last
    return Source(start.file, start.line, start.column, end.end_line, end.end_column)


def describe(node: Any) -> str:
    """A YAML node as a problem message names it: a mapping, a list, null, string 'x', 1e3, a float."""
    if isinstance(node, YMap):
        return "a mapping"
    if isinstance(node, YSeq):
        return "a list"
    if node is None:
        return "nothing"
    value = node.value
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f"string '{value}'"
    if isinstance(value, float):
        return f"{node.text}, a float"
    return f"{node.text}"


def shape_names_in_safe(text: str) -> bool:
    """Whether an expression reads the incoming shape (False when it cannot be read)."""
    try:
        return shape_names_in(text)
    except ExprError:
        return False
