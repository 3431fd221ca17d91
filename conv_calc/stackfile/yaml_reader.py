"""The hardened YAML reader behind stack files: bytes in, a tree of marked nodes out.

What it refuses, and why (ecosystem notes, section 5):

- any explicit tag (``!!python/object:...``, ``!foo``): never constructed, reported;
- anchors and aliases (``&a`` / ``*a``): reported and never expanded, so no alias
  bomb or recursive alias can hang or exhaust memory (``blocks:`` and ``repeat:``
  are the format's way to reuse layers);
- duplicate keys (PyYAML keeps the last one silently): reported with both lines;
- YAML 1.1 booleans: only ``true``/``false`` (``True``, ``TRUE``, ``False``,
  ``FALSE``) are booleans; ``yes``/``no``/``on``/``off`` stay strings;
- YAML 1.1 octal and base-60 integers (``010``, ``12:30``): stay strings;
- nesting deeper than :data:`MAX_DEPTH` and integers longer than
  :data:`MAX_INT_DIGITS` digits.

Floats follow YAML 1.2 (``1e-5`` is a float, as editors show it). Every node keeps
its 1-based :class:`~conv_calc.graph.nodes.Source` (start and end).

>>> tree = parse("layers:\\n  - ReLU\\n", "net.yaml", Collector())
>>> key, value = tree.pairs[0]
>>> key.value, str(key.source), value.items[0].value, str(value.items[0].source)
('layers', 'net.yaml:1:1', 'ReLU', 'net.yaml:2:5')
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.events import (AliasEvent, DocumentEndEvent, DocumentStartEvent, MappingEndEvent,
                         MappingStartEvent, ScalarEvent, SequenceEndEvent, SequenceStartEvent,
                         StreamEndEvent, StreamStartEvent)
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from conv_calc.stackfile.problems import Collector
from conv_calc.graph.nodes import Source

__all__ = ["YScalar", "YSeq", "YMap", "YNode", "parse", "read_text", "INVALID",
           "MAX_DEPTH", "MAX_INT_DIGITS"]

#: Deepest nesting of YAML collections accepted (real networks need about a dozen).
MAX_DEPTH = 100
#: Longest integer accepted, in digits (torch's sizes fit in 19).
MAX_INT_DIGITS = 100


class _Invalid:
    """A value already reported as a problem; later checks skip it."""

    def __repr__(self) -> str:
        return "INVALID"


INVALID: Any = _Invalid()


@dataclass(slots=True)
class YScalar:
    value: Any
    text: str
    source: Source
    quoted: bool = False


@dataclass(slots=True)
class YSeq:
    items: list[Any]
    source: Source
    flow: bool = False


@dataclass(slots=True)
class YMap:
    pairs: list[tuple[YScalar, Any]] = field(default_factory=list)
    source: Source | None = None

    def get(self, key: str) -> tuple[YScalar, Any] | None:
        for k, v in self.pairs:
            if k.value == key:
                return k, v
        return None


YNode = YScalar | YSeq | YMap

_BOOL = "tag:yaml.org,2002:bool"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_NULL = "tag:yaml.org,2002:null"
_STR = "tag:yaml.org,2002:str"

_RESOLVERS: list[tuple[str, re.Pattern[str], str]] = [
    (_BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), "tTfF"),
    (_INT, re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$"), "-+0123456789"),
    (_FLOAT, re.compile(r"^(?:[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?"
                        r"|[-+]?[0-9]+[eE][-+]?[0-9]+"
                        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"), "-+0123456789."),
    (_NULL, re.compile(r"^(?:~|null|Null|NULL|)$"), "~nN"),
]


class _TooDeep(Exception):
    def __init__(self, mark: Any) -> None:
        self.mark = mark


class HardenedLoader(yaml.SafeLoader):
    """SafeLoader that composes nodes only: no tags, anchors or aliases; bounded depth.

    Problems go to ``self.collector``; nothing is ever constructed from a tag.
    """

    yaml_implicit_resolvers: dict[str, list[tuple[str, re.Pattern[str]]]] = {}
    for _tag, _regexp, _first in _RESOLVERS:
        for _ch in _first:
            yaml_implicit_resolvers.setdefault(_ch, []).append((_tag, _regexp))
    yaml_implicit_resolvers.setdefault("", []).append((_NULL, _RESOLVERS[3][1]))
    del _tag, _regexp, _first, _ch

    def __init__(self, stream: str, filename: str, collector: Collector) -> None:
        super().__init__(stream)
        self.filename = filename
        self.collector = collector
        self.depth = 0

    def mark(self, start: Any, end: Any = None) -> Source:
        if end is None:
            return Source(self.filename, start.line + 1, start.column + 1)
        return Source(self.filename, start.line + 1, start.column + 1,
                      end.line + 1, end.column + 1)

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(AliasEvent):
            event = self.get_event()
            self.collector.add(
                f"alias '*{event.anchor}' is not supported", self.mark(event.start_mark, event.end_mark),
                hint="anchors and aliases are refused (they can hide alias bombs); "
                     "reuse layers with `blocks:` and `repeat:` instead",
                code="yaml-feature")
            return ScalarNode(_NULL, "", event.start_mark, event.end_mark)
        event = self.peek_event()
        if event.anchor is not None:
            self.collector.add(
                f"anchor '&{event.anchor}' is not supported", self.mark(event.start_mark),
                hint="anchors and aliases are refused (they can hide alias bombs); "
                     "reuse layers with `blocks:` and `repeat:` instead",
                code="yaml-feature")
            event.anchor = None
        if event.tag is not None and event.tag != "!":
            self.collector.add(
                f"tag '{event.tag.replace('tag:yaml.org,2002:', '!!')}' is not supported", self.mark(event.start_mark),
                hint="YAML tags are never executed or constructed here; remove the tag "
                     "and write a plain value", code="yaml-feature")
            event.tag = None
            if hasattr(event, "implicit") and isinstance(event.implicit, tuple):
                event.implicit = (True, True)
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                raise _TooDeep(event.start_mark)
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


def read_text(data: bytes, filename: str, collector: Collector) -> str | None:
    """Decode a file's bytes: UTF-8 (with or without BOM), or UTF-16/32 with a BOM."""
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        encoding = "utf-32"
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
    else:
        encoding = "utf-8-sig"
        if b"\x00" in data:
            line = data.count(b"\n", 0, data.index(b"\x00")) + 1
            collector.add("the file contains NUL bytes", Source(filename, line, 1),
                          hint="it looks like UTF-16 without a byte-order mark, or a binary "
                               "file; save it as UTF-8 text", code="unreadable")
            return None
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as err:
        before = data[:err.start]
        line = before.count(b"\n") + 1
        column = err.start - (before.rfind(b"\n") + 1) + 1
        collector.add(f"the file is not valid {encoding.upper().replace('-SIG', '')} "
                      f"(byte 0x{data[err.start]:02x})", Source(filename, line, column),
                      hint="save the file as UTF-8 text", code="unreadable")
        return None


try:
    from yaml._yaml import CParser as _CParser
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    _CParser = None


def parse(text: str, filename: str, collector: Collector) -> YNode | None:
    """Compose ``text`` into marked nodes; None (with problems collected) when it cannot."""
    if _CParser is not None and text.endswith("\n") and "\t" not in text:
        # A file libyaml cannot read in one go is read again by the pure-Python
        # parser, whose messages (and positions) are the ones users and tests see.
        # The two disagree on where the last node ends without a final newline, and
        # libyaml accepts tabs after a value, which PyYAML refuses: those go the slow way.
        trial, later = Collector(collector.limit), Collector(collector.limit)
        try:
            node = _compose_events(text, filename, trial, later)
        except Exception:  # noqa: BLE001 - any failure: the slow path reports it
            pass
        else:
            # composition problems first, then the values': the slow path's order
            for p in trial.problems + later.problems:
                collector.add(p.message, p.source, hint=p.hint, code=p.code)
            return node
    return _parse_slow(text, filename, collector)


_ANCHOR_HINT = ("anchors and aliases are refused (they can hide alias bombs); "
                "reuse layers with `blocks:` and `repeat:` instead")
_QUOTED = ("'", '"', "|", ">")
_NO_KEY: Any = object()


def _compose_events(text: str, filename: str, problems: Collector, later: Collector) -> YNode | None:
    """The nodes :func:`_parse_slow` gives, straight from libyaml's events.

    What HardenedLoader does node by node (refusals, implicit types, depth) is done here
    in one loop over the events, without PyYAML's composer and its intermediate nodes
    (which cost more per layer than libyaml's parsing). Anything unusual (several
    documents, a character the reader refuses, too deep) raises: the slow path reports it.
    Composition problems go to ``problems``, value problems to ``later``.
    """
    if yaml.reader.Reader.NON_PRINTABLE.search(text):
        raise ValueError("unprintable character")
    get = _CParser(text).get_event
    resolvers = HardenedLoader.yaml_implicit_resolvers

    def mark(start: Any, end: Any) -> Source:
        return Source(filename, start.line + 1, start.column + 1, end.line + 1, end.column + 1)

    if type(get()) is not StreamStartEvent:
        raise ValueError("no stream")
    event = get()
    if type(event) is StreamEndEvent:
        return None
    if type(event) is not DocumentStartEvent:
        raise ValueError("no document")
    stack: list[list[Any]] = []  # open collections: [node, start mark, pending key, seen keys]
    while True:
        event = get()
        kind = type(event)
        if kind is SequenceEndEvent or kind is MappingEndEvent:
            frame = stack.pop()
            done = frame[0]
            done.source = mark(frame[1], event.end_mark)
        elif kind is AliasEvent:
            problems.add(f"alias '*{event.anchor}' is not supported",
                         mark(event.start_mark, event.end_mark), hint=_ANCHOR_HINT, code="yaml-feature")
            done = YScalar(None, "", mark(event.start_mark, event.end_mark))
        else:
            start = event.start_mark
            if event.anchor is not None:
                problems.add(f"anchor '&{event.anchor}' is not supported",
                             Source(filename, start.line + 1, start.column + 1),
                             hint=_ANCHOR_HINT, code="yaml-feature")
            tag = event.tag
            plain = kind is ScalarEvent and event.implicit[0]
            if tag is not None and tag != "!":
                problems.add(
                    f"tag '{tag.replace('tag:yaml.org,2002:', '!!')}' is not supported",
                    Source(filename, start.line + 1, start.column + 1),
                    hint="YAML tags are never executed or constructed here; remove the tag "
                         "and write a plain value", code="yaml-feature")
                plain = True
            if len(stack) >= MAX_DEPTH:
                raise _TooDeep(start)
            if kind is ScalarEvent:
                value = event.value
                tag = _STR
                if plain:
                    for resolved, regexp in resolvers.get(value[:1], ()):
                        if regexp.match(value):
                            tag = resolved
                            break
                source = mark(start, event.end_mark)
                done = YScalar(_typed(tag, value, source, later), value, source,
                               quoted=event.style in _QUOTED)
            elif kind is SequenceStartEvent:
                stack.append([YSeq([], None, flow=bool(event.flow_style)), start, _NO_KEY, None])
                continue
            elif kind is MappingStartEvent:
                stack.append([YMap(source=None), start, _NO_KEY, {}])
                continue
            else:
                raise ValueError(f"unexpected {kind.__name__}")
        if not stack:
            break
        frame = stack[-1]
        if frame[3] is None:
            frame[0].items.append(done)
        elif frame[2] is _NO_KEY:
            frame[2] = done
        else:
            _add_pair(frame[0], frame[2], done, frame[3], later)
            frame[2] = _NO_KEY
    if type(get()) is not DocumentEndEvent or type(get()) is not StreamEndEvent:
        raise ValueError("more than one document")
    return done


def _parse_slow(text: str, filename: str, collector: Collector) -> YNode | None:
    try:
        loader = HardenedLoader(text, filename, collector)
        node = loader.get_single_node()
    except _TooDeep as err:
        collector.add(f"the document is nested deeper than {MAX_DEPTH} levels",
                      Source(filename, err.mark.line + 1, err.mark.column + 1), hint="flatten the structure; use `blocks:` for "
                      "reusable parts", code="too-deep")
        return None
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        message = err.problem or "invalid YAML"
        if err.context and err.problem:
            message = f"{err.context}: {err.problem}"
        if mark is not None and mark.index < len(text) and text[mark.index:mark.index + 1] == "\t":
            hint = "YAML does not allow tabs for indentation; indent with spaces"
        elif "mapping values are not allowed" in message:
            hint = ("a key cannot follow a plain value here; to give a bare layer a name, end "
                    "it with a colon (`- BatchNorm2d:` then `name: bn1` below), and check the "
                    "indentation")
        else:
            hint = "fix the YAML syntax at this position (check indentation, colons and brackets)"
        collector.add(message, Source(filename, mark.line + 1, mark.column + 1)
                      if mark is not None else Source(filename, 1, 1),
                      hint=hint, code="yaml-syntax")
        return None
    except yaml.reader.ReaderError as err:
        before = text[:err.position]
        line = before.count("\n") + 1
        column = err.position - (before.rfind("\n") + 1) + 1
        collector.add(f"the file contains the unprintable character U+{err.character:04X}"
                      if isinstance(err.character, int) else "the file contains an unprintable character",
                      Source(filename, line, column), hint="remove it; stack files are plain text",
                      code="unreadable")
        return None
    except yaml.YAMLError as err:  # pragma: no cover - every PyYAML error is one of the above
        collector.add(str(err), Source(filename, 1, 1), code="yaml-syntax")
        return None
    except RecursionError:  # pragma: no cover - MAX_DEPTH keeps the composer shallow
        collector.add("the document is nested too deeply", Source(filename, 1, 1), code="too-deep")
        return None
    if node is None:
        return None
    return _convert(node, loader, collector)


def _convert(node: Any, loader: HardenedLoader, collector: Collector) -> YNode:
    source = loader.mark(node.start_mark, node.end_mark)
    if isinstance(node, ScalarNode):
        return YScalar(_scalar(node, source, collector), node.value, source,
                       quoted=node.style in ("'", '"', "|", ">"))
    if isinstance(node, SequenceNode):
        return YSeq([_convert(item, loader, collector) for item in node.value], source,
                    flow=bool(node.flow_style))
    assert isinstance(node, MappingNode)
    result = YMap(source=source)
    seen: dict[str, YScalar] = {}
    for key_node, value_node in node.value:
        key = _convert(key_node, loader, collector)
        _add_pair(result, key, _convert(value_node, loader, collector), seen, collector)
    return result


def _add_pair(result: YMap, key: YNode, value: YNode, seen: dict[str, YScalar],
              collector: Collector) -> None:
    """Append ``key: value`` to a mapping unless the key is refused (reported)."""
    if not isinstance(key, YScalar):
        collector.add("a key must be a plain word, not a list or mapping", key.source,
                      hint="write `key: value`", code="yaml-syntax")
        return
    text = key.text
    key.value = text
    if text == "<<" and not key.quoted:
        collector.add("merge keys (<<) are not supported", key.source,
                      hint="write the keys out, or reuse layers with `blocks:`",
                      code="yaml-feature")
        return
    if text in seen:
        first = seen[text].source
        collector.add(f"duplicate key '{text}' (first defined at line {first.line}, "
                      f"column {first.column})", key.source,
                      hint="YAML would silently keep only the last one; remove one of them "
                           "(to add another layer, start a new list item with '- ')",
                      code="duplicate-key")
        return
    seen[text] = key
    result.pairs.append((key, value))


def _scalar(node: ScalarNode, source: Source, collector: Collector) -> Any:
    return _typed(node.tag, node.value, source, collector)


def _typed(tag: str, text: str, source: Source, collector: Collector) -> Any:
    """The value of a scalar of resolved type ``tag`` (over-long numbers reported)."""
    if tag == _BOOL:
        return text.lower() == "true"
    if tag == _NULL:
        return None
    if tag == _INT:
        digits = len(text.lstrip("+-"))
        if digits > MAX_INT_DIGITS:
            collector.add(f"integer with {digits} digits is too large", source,
                          hint=f"conv-calc reads integers of up to {MAX_INT_DIGITS} digits; "
                               "tensor sizes fit in 19", code="too-large")
            return INVALID
        return int(text)
    if tag == _FLOAT:
        low = text.lower()
        if low.endswith(".inf"):
            return float("-inf") if low.startswith("-") else float("inf")
        if low.endswith(".nan"):
            return float("nan")
        if len(text) > 400:
            collector.add(f"number with {len(text)} characters is too long", source,
                          code="too-large")
            return INVALID
        return float(text)
    return text
