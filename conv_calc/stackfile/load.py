"""Stack files: YAML in, a :class:`~conv_calc.graph.nodes.Stack` out, or every problem at once.

>>> stack = load_stack('''
... input: [1, 3, 32, 32]
... layers:
...   - Conv2d: {out_channels: 8, kernel_size: 3, padding: [1, 1]}
...     name: conv1
...   - ReLU
... ''')
>>> stack.input_shape, stack.layers[0].type, stack.layers[0].kwargs, stack.layers[0].name
((1, 3, 32, 32), 'Conv2d', {'out_channels': 8, 'kernel_size': 3, 'padding': (1, 1)}, 'conv1')
>>> try:
...     load_stack("input: [1, 3, 32, 32]\\nlayers:\\n  - Conv2D: {kernel: 3}\\n", filename="net.yaml")
... except StackFileError as err:
...     print(err); print(err.problems[0].hint)
net.yaml:3:5: unknown layer 'Conv2D'
did you mean 'Conv2d'?

The format is described in docs/stack-format.md. This module and the other
``spec_*`` modules are the only ones that import PyYAML (``import conv_calc`` stays
free of it). Every problem carries a 1-based file:line:column; the analysis is not
run here, so values torch itself rejects (``groups: 0``) load fine and fail there.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Any

from conv_calc.stackfile.args import (
    UNKNOWN, ExprError, category, did_you_mean, evaluate, signature_of, type_problem,
)
from conv_calc.stackfile.problems import Collector, Expect, Problem, StackFileError
from conv_calc.stackfile.yaml_reader import INVALID, YMap, YNode, YScalar, YSeq, parse, read_text
from conv_calc.graph.nodes import LayerNode, Merge, Parallel, Residual, Save, Sequential, Source, Stack

__all__ = ["load_stack", "load_file", "load_text", "StackFileError", "Problem", "Expect",
           "FORMAT_VERSION", "KEYWORDS", "TOP_KEYS", "MAX_LAYERS"]

FORMAT_VERSION = 1
#: Item kinds that are not layers.
KEYWORDS = ("sequential", "residual", "parallel", "save", "cat", "add")
#: Keys any item may carry next to its kind.
COMMON = ("name", "repeat", "expect")
#: Keys only some kinds take.
OPTIONS = {"residual": ("shortcut",), "parallel": ("merge", "dim"),
           "cat": ("dim", "crop", "saved_first"), "add": ("crop", "saved_first")}
_ALL_OPTIONS = frozenset(COMMON).union(*OPTIONS.values())
TOP_KEYS = ("version", "name", "framework", "input", "layers", "blocks", "expect")
#: Values of the top-level `framework:` key (and of the CLI's --framework).
FRAMEWORKS = ("torch", "keras")
#: Keyword arguments every Keras layer takes (keras/src/layers/layer.py: Layer.__init__).
KERAS_BASE_KWARGS = ("name", "dtype", "trainable", "autocast", "activity_regularizer",
                     "input_shape", "input_dim")
EXPECT_KEYS = ("output_shape", "params", "macs", "receptive_field")
RF_KEYS = ("size", "size_min", "jump", "start", "effective_padding")
#: Most nodes an expanded network may have (repeats multiply).
MAX_LAYERS = 1_000_000
#: Deepest nesting of blocks inside blocks once expanded.
MAX_NEST = 50
#: Largest stack file read, in bytes.
MAX_BYTES = 64 * 1024 * 1024


def load_stack(path_or_text: str | bytes | os.PathLike[str], *, filename: str | None = None,
               layers: dict[str, type] | None = None, framework: str | None = None) -> Stack:
    """A stack from a path, or from YAML text (a string with a newline, or bytes).

    ``framework`` ("torch" or "keras") overrides the file's `framework:` key
    (default torch). Raises :class:`StackFileError` (a ``ValueError``) listing
    every problem.
    """
    if isinstance(path_or_text, os.PathLike):
        return load_file(path_or_text, layers=layers, framework=framework)
    if isinstance(path_or_text, bytes):
        return _load(path_or_text, filename or "<string>", layers, framework)
    text = str(path_or_text)
    if "\n" not in text and (os.path.exists(text) or text.endswith((".yaml", ".yml"))):
        return load_file(text, layers=layers, framework=framework)
    return load_text(text, filename or "<string>", layers=layers, framework=framework)


def load_file(path: str | os.PathLike[str], *, layers: dict[str, type] | None = None,
              framework: str | None = None) -> Stack:
    """A stack from the file at ``path`` (``-`` is not special here; the CLI reads stdin)."""
    name = os.fspath(path)
    try:
        if os.path.isdir(name):
            raise IsADirectoryError(21, "it is a directory")
        with open(name, "rb") as f:
            data = f.read(MAX_BYTES + 1)
    except OSError as err:
        raise StackFileError([Problem(f"cannot read {name}: {err.strerror or err}",
                                      "check the path and the file's permissions",
                                      Source(name, 1, 1), "unreadable")]) from None
    if len(data) > MAX_BYTES:
        raise StackFileError([Problem(f"{name} is larger than {MAX_BYTES // 2**20} MiB", "",
                                      Source(name, 1, 1), "too-large")])
    return _load(data, name, layers, framework)


def load_text(text: str, filename: str = "<string>", *,
              layers: dict[str, type] | None = None, framework: str | None = None) -> Stack:
    """A stack from YAML text; ``filename`` is used in every problem's location."""
    return _load(text, filename, layers, framework)


def _framework_of(tree: Any, framework: str | None) -> str:
    """The --framework override, else the file's `framework:` (checked by the builder), else torch."""
    if framework is not None:
        return framework
    if isinstance(tree, YMap):
        found = tree.get("framework")
        if found is not None and isinstance(found[1], YScalar) and found[1].value in FRAMEWORKS:
            return found[1].value
    return "torch"


def _load(data: str | bytes, filename: str, layers: dict[str, type] | None,
          framework: str | None = None) -> Stack:
    if framework is not None and framework not in FRAMEWORKS:
        raise ValueError(f"framework must be one of {', '.join(FRAMEWORKS)}, got {framework!r}")
    collector = Collector()
    text = read_text(data, filename, collector) if isinstance(data, bytes) else data
    tree = parse(text, filename, collector) if text is not None else None
    if collector:
        collector.raise_if_any()
    if tree is None or isinstance(tree, YScalar) and tree.value is None and not tree.text:
        collector.add("the file is empty", Source(filename, 1, 1), code="missing-key",
                      hint="a stack file needs at least `input: [1, 3, 224, 224]` and `layers:`")
        collector.raise_if_any()
    framework = _framework_of(tree, framework)
    if layers is None:
        if framework == "keras":
            from conv_calc.keras import LAYERS as layers  # noqa: N811 - the registry
        else:
            from conv_calc.nn import LAYERS as layers  # noqa: N811 - the registry
    try:
        stack = _Builder(filename, layers, collector, framework).build(tree)
    except RecursionError:  # pragma: no cover - MAX_DEPTH and MAX_NEST keep the walk shallow
        collector.add("the network is nested too deeply", Source(filename, 1, 1),
                      hint="flatten the network", code="too-deep")
    collector.raise_if_any()
    return stack


@dataclass
class _Block:
    name: str
    key: YScalar
    body: YNode
    params: dict[str, tuple[Any, Source]]


@dataclass(frozen=True)
class _Scope:
    params: dict[str, Any] | None = None   # None outside block definitions
    checking: bool = False                 # a definition checked on its own (values unknown)
    chain: tuple[str, ...] = ()            # blocks being expanded, outermost first
    depth: int = 0
    where: str = ""                        # appended to messages: which block use


class _Builder:
    def __init__(self, filename: str, layers: dict[str, type], collector: Collector,
                 framework: str = "torch") -> None:
        self.framework = framework
        self.keras = framework == "keras"
        self.filename = filename
        self.layers = layers
        self.out = collector
        self.blocks: dict[str, _Block] = {}
        self.saved: set[str] = set()
        self.count = 0
        self.stopped = False
        self.expectations: dict[Source, Expect] = {}

    # -- problems ---------------------------------------------------------------------
    def problem(self, message: str, source: Source | None, hint: str = "",
                code: str = "bad-value", scope: _Scope | None = None) -> None:
        self.out.add(message, source, hint=hint, code=code, context=scope.where if scope else "")

    def wrong_kind(self, what: str, node: YNode, hint: str, scope: _Scope | None = None) -> None:
        self.problem(f"{what} must be {hint}, got {_describe(node)}", node.source, code="wrong-type",
                     scope=scope)

    # -- the document -----------------------------------------------------------------
    def build(self, tree: YNode) -> Stack:
        if not isinstance(tree, YMap):
            hint = ("put the list under `layers:`" if isinstance(tree, YSeq)
                    else "start with `input: [1, 3, 224, 224]` and `layers:`")
            self.problem(f"a stack file must be a mapping with `input:` and `layers:`, "
                         f"got {_describe(tree)}", tree.source, hint, "not-a-mapping")
            return Stack(())
        top = {k.value: (k, v) for k, v in tree.pairs}
        for key, _ in tree.pairs:
            if key.value not in TOP_KEYS:
                hint = did_you_mean(key.value, TOP_KEYS)
                if key.value in self.layers or key.value in KEYWORDS:
                    hint = "layers go in the list under `layers:`, each starting with '- '"
                self.problem(f"unknown top-level key '{key.value}'", key.source,
                             hint or f"the top-level keys are: {', '.join(TOP_KEYS)}", "unknown-key")
        version = self.top_version(top.get("version"))
        name = None
        if "name" in top:
            node = top["name"][1]
            if isinstance(node, YScalar) and isinstance(node.value, str):
                name = node.value
            else:
                self.wrong_kind("name", node, "a string")
        if "framework" in top:
            node = top["framework"][1]
            if not (isinstance(node, YScalar) and node.value in FRAMEWORKS):
                self.wrong_kind("framework", node, "torch or keras")
        input_shape = self.input_shape(top["input"][1]) if "input" in top else None
        if "blocks" in top:
            self.define_blocks(top["blocks"][1])
        nodes: tuple[Any, ...] = ()
        if "layers" not in top:
            self.problem("missing `layers:`", Source(self.filename, 1, 1),
                         "list the network's layers under `layers:`, one '- ' item each",
                         "missing-key")
        else:
            layers_node = top["layers"][1]
            if isinstance(layers_node, YSeq):
                nodes = self.build_list(layers_node.items, _Scope())
            elif isinstance(layers_node, YScalar) and layers_node.value is None:
                nodes = ()
            else:
                self.wrong_kind("`layers`", layers_node, "a list of layers (one '- ' item each)")
        stack = Stack(nodes, input_shape=input_shape, name=name, source=self.filename,
                      framework=self.framework)
        # Side tables until the node types carry these (see the report to the stack owner).
        stack.version = version  # type: ignore[attr-defined]
        stack.expect = (self.expect(top["expect"][0], top["expect"][1], _Scope())  # type: ignore[attr-defined]
                        if "expect" in top else None)
        stack.expectations = self.expectations  # type: ignore[attr-defined]
        return stack

    def top_version(self, pair: tuple[YScalar, YNode] | None) -> int:
        if pair is None:
            return FORMAT_VERSION
        node = pair[1]
        if not (isinstance(node, YScalar) and type(node.value) is int):
            self.wrong_kind("version", node, f"the integer {FORMAT_VERSION}")
        elif node.value != FORMAT_VERSION:
            self.problem(f"unsupported format version {node.value}", node.source,
                         f"this conv-calc reads version {FORMAT_VERSION}", "bad-value")
        return FORMAT_VERSION

    def input_shape(self, node: YNode) -> tuple[int, ...] | None:
        if isinstance(node, YScalar) and isinstance(node.value, str):
            parts = [p for p in node.value.replace("×", "x").split("x")]
            hint = ("write [" + ", ".join(parts) + "]" if all(p.strip().isdigit() for p in parts)
                    else "write the shape as a list, e.g. [1, 3, 224, 224]")
            self.problem(f"input: got string '{node.value}'", node.source, hint, "wrong-type")
            return None
        if isinstance(node, YScalar) and node.value is None:
            return None
        if not isinstance(node, YSeq):
            self.wrong_kind("input", node, "a list of sizes such as [1, 3, 224, 224]")
            return None
        if not node.items:
            self.problem("input: the shape is empty", node.source,
                         "write the input shape as PyTorch sees it, e.g. [1, 3, 224, 224]")
            return None
        dims: list[int] = []
        for i, item in enumerate(node.items):
            value = item.value if isinstance(item, YScalar) else None
            if value is INVALID:
                continue
            if self.keras and i == 0 and value is None:  # Keras: the batch may be unknown
                dims.append(None)  # type: ignore[arg-type]
                continue
            if isinstance(value, bool) or not isinstance(value, int):
                self.problem(f"input: got {_describe(item)} as a size", item.source,
                             "sizes are positive integers, e.g. [1, 3, 224, 224]", "wrong-type")
            elif value < 1:
                self.problem(f"input: size {value} is below 1", item.source,
                             "every dimension of the input must be at least 1", "bad-value")
            else:
                dims.append(value)
        return tuple(dims) if len(dims) == len(node.items) else None

    # -- blocks -----------------------------------------------------------------------
    def define_blocks(self, node: YNode) -> None:
        if not isinstance(node, YMap):
            self.wrong_kind("`blocks`", node, "a mapping of block names to definitions")
            return
        for key, body in node.pairs:
            name = key.value
            if name in self.layers or name in KEYWORDS or name in _ALL_OPTIONS:
                self.problem(f"block name '{name}' is already taken by "
                             f"{'a torch layer' if name in self.layers else 'the format'}",
                             key.source, "give the block another name", "bad-value")
                continue
            if name.startswith("$") or not name:
                self.problem(f"block name '{name}' is not allowed", key.source,
                             "use a plain word such as Bottleneck", "bad-value")
                continue
            params: dict[str, tuple[Any, Source]] = {}
            if isinstance(body, YMap):
                rest = [(k, v) for k, v in body.pairs if k.value != "params"]
                found = body.get("params")
                if found is not None:
                    params = self.block_params(found[1])
                for k, _ in rest:
                    if k.value in COMMON[:2]:
                        self.problem(f"`{k.value}:` does not belong in a block definition", k.source,
                                     f"write `{k.value}:` where the block is used", "unknown-key")
                body = YMap([(k, v) for k, v in rest if k.value not in COMMON[:2]], body.source)
            elif not isinstance(body, YSeq):
                self.wrong_kind(f"block '{name}'", body,
                                "a list of layers, or a mapping such as `residual: [...]`")
                continue
            self.blocks[name] = _Block(name, key, body, params)
        # Each definition is checked once on its own, so that a typo in a block used
        # sixteen times (or never) is reported once, at its line.
        for block in self.blocks.values():
            scope = _Scope(params={p: UNKNOWN for p in block.params}, checking=True,
                           chain=(block.name,))
            self.block_body(block, block.body, scope, block.key.source)
        self.count = 0

    def block_params(self, node: YNode) -> dict[str, tuple[Any, Source]]:
        if not isinstance(node, YMap):
            self.wrong_kind("params", node, "a mapping of parameter names to defaults "
                            "(null: the parameter must be given)")
            return {}
        params = {}
        for key, value in node.pairs:
            if not key.value.isidentifier():
                self.problem(f"parameter name '{key.value}' is not a plain word", key.source,
                             "use letters, digits and _ (e.g. width, out_channels)", "bad-value")
                continue
            params[key.value] = (self.plain_value(value, _Scope()), key.source)
        return params

    def block_body(self, block: _Block, body: YNode, scope: _Scope, source: Source) -> Any:
        if isinstance(body, YSeq):
            return Sequential(self.build_list(body.items, scope), source=source)
        parsed = self.parse_item(body, scope)
        if parsed is None:
            return None
        kind, key, value, options, _modifiers = parsed
        node = self.build_core(kind, key, value, options, scope, source)
        if node is None or isinstance(node, LayerNode):
            return node  # a one-layer block keeps the layer's own line
        return replace(node, source=source)

    def use_block(self, block: _Block, key: YScalar, value: YNode | None, scope: _Scope,
                  source: Source) -> Any:
        given: dict[str, Any] = {}
        if isinstance(value, YMap):
            for k, v in value.pairs:
                if k.value not in block.params:
                    hint = did_you_mean(k.value, block.params) or (
                        f"block '{block.name}' takes: {', '.join(block.params)}" if block.params
                        else f"block '{block.name}' takes no parameters")
                    self.problem(f"block '{block.name}' has no parameter '{k.value}'", k.source,
                                 hint, "unknown-argument", scope)
                    continue
                given[k.value] = self.plain_value(v, scope)
        elif value is not None and not (isinstance(value, YScalar) and value.value is None):
            self.wrong_kind(f"the parameters of block '{block.name}'", value,
                            "a mapping such as {width: 64}", scope)
        for p, (default, _) in block.params.items():
            if p not in given:
                if default is None:
                    self.problem(f"block '{block.name}' needs parameter '{p}'", key.source,
                                 f"write {block.name}: {{{p}: ...}}", "missing-key", scope)
                    given[p] = UNKNOWN
                else:
                    given[p] = default
        if scope.checking:
            return Sequential((), source=source)
        if block.name in scope.chain:
            cycle = " -> ".join((*scope.chain[scope.chain.index(block.name):], block.name))
            self.problem(f"block '{block.name}' uses itself ({cycle})", key.source,
                         "a block cannot contain itself, directly or through other blocks",
                         "bad-value")
            return None
        inner = _Scope(params=given, chain=(*scope.chain, block.name), depth=scope.depth + 1,
                       where=f" (in block '{block.name}' used at line {source.line})")
        return self.block_body(block, block.body, inner, source)

    # -- items ------------------------------------------------------------------------
    def build_list(self, items: list[YNode], scope: _Scope) -> tuple[Any, ...]:
        if scope.depth > MAX_NEST:
            if not self.stopped:
                self.problem(f"blocks are nested deeper than {MAX_NEST} levels",
                             items[0].source if items else None, "flatten the network",
                             "too-deep", scope)
            self.stopped = True
            return ()
        out: list[tuple[Any, bool]] = []
        for item in items:
            if self.stopped:
                break
            out.extend(self.build_item(item, scope))
        return tuple(replace(node, name=str(i)) if positional else node
                     for i, (node, positional) in enumerate(out))

    def classify(self, word: str) -> str | None:
        if word in self.layers:
            return "layer"
        if word in self.blocks:
            return "block"
        if word in KEYWORDS:
            return word
        return None

    def parse_item(self, node: YNode, scope: _Scope) -> tuple[str, YScalar, Any, dict, dict] | None:
        """(kind, kind key, kind value, options, modifiers) of one list item, or None."""
        if isinstance(node, YScalar):
            if not isinstance(node.value, str):
                self.wrong_kind("a layer", node, "a layer name or a mapping such as "
                                "`Conv2d: {out_channels: 8, kernel_size: 3}`", scope)
                return None
            kind = self.classify(node.value)
            if kind is None:
                self.unknown_layer(node, scope)
                return None
            return kind, node, None, {}, {}
        if isinstance(node, YSeq):
            self.problem("a list cannot stand for a layer", node.source,
                         "wrap nested layers in `sequential: [...]`, or remove the extra '- '",
                         "wrong-type", scope)
            return None
        kinds = [(k, v) for k, v in node.pairs if k.value not in _ALL_OPTIONS]
        known = [(k, v) for k, v in kinds if self.classify(k.value)]
        options = {k.value: (k, v) for k, v in node.pairs if k.value in _ALL_OPTIONS}
        if not known:
            if kinds:
                self.unknown_layer(kinds[0][0], scope)
                for k, _ in kinds[1:]:
                    self.unknown_key(k, COMMON, scope)
            else:
                self.problem("this item names no layer", node.source,
                             "write e.g. `- Conv2d: {...}`; `name:`, `repeat:` and `expect:` go "
                             "next to the layer's name", "missing-key", scope)
            return None
        key, value = known[0]
        kind = self.classify(key.value) or ""
        for k, _ in known[1:]:
            self.problem(f"one item holds both '{key.value}' (line {key.source.line}) and "
                         f"'{k.value}'", k.source,
                         "start each layer with its own '- ' at the same indentation",
                         "unknown-key", scope)
        allowed = (*COMMON, *OPTIONS.get(kind, ()))
        for k, _ in kinds:
            if not self.classify(k.value):
                self.unknown_key(k, allowed, scope)
        for name, (k, _) in options.items():
            if name not in allowed:
                owner = [kd for kd, opts in OPTIONS.items() if name in opts]
                self.problem(f"`{name}:` does not apply to {key.value}", k.source,
                             f"`{name}:` belongs to {' and '.join(f'`{o}:`' for o in owner)} items",
                             "unknown-key", scope)
        modifiers = {n: options[n] for n in COMMON if n in options}
        opts = {n: options[n] for n in OPTIONS.get(kind, ()) if n in options}
        return kind, key, value, opts, modifiers

    def unknown_layer(self, key: YScalar, scope: _Scope) -> None:
        candidates = [*self.layers, *self.blocks, *KEYWORDS]
        hint = did_you_mean(key.value, candidates)
        if not hint:
            hint = ("not a torch.nn layer conv-calc knows, a block under `blocks:`, or one of "
                    + ", ".join(KEYWORDS))
        self.problem(f"unknown layer '{key.value}'", key.source, hint, "unknown-layer", scope)

    def unknown_key(self, key: YScalar, allowed: tuple[str, ...], scope: _Scope) -> None:
        hint = did_you_mean(key.value, allowed) or f"an item may have: {', '.join(allowed)}"
        self.problem(f"unknown key '{key.value}' in this item", key.source, hint, "unknown-key", scope)

    def build_item(self, node: YNode, scope: _Scope) -> list[tuple[Any, bool]]:
        parsed = self.parse_item(node, scope)
        if parsed is None:
            return []
        kind, key, value, options, modifiers = parsed
        source = _span(key.source, node.source if isinstance(node, YMap) else key.source,
                       node if isinstance(node, YMap) else None)
        name = None
        if "name" in modifiers:
            k, v = modifiers["name"]
            if kind == "save":
                self.problem("a `save:` has no name of its own", k.source,
                             "the saved tensor's name is the value of `save:`", "unknown-key", scope)
            elif isinstance(v, YScalar) and isinstance(v.value, str) and v.value:
                name = v.value
            else:
                self.wrong_kind("name", v, "a non-empty string", scope)
        repeat = None
        if "repeat" in modifiers:
            repeat = self.repeat_count(*modifiers["repeat"], kind, scope)
        before = self.count
        core = self.build_core(kind, key, value, options, scope, source)
        if core is None:
            return []
        if "expect" in modifiers:
            expect = self.expect(*modifiers["expect"], scope)
            if expect is not None and not scope.checking:
                self.expectations[source] = expect
        if repeat is None:
            if name is not None:
                return [(replace(core, name=name), False)]
            return [(core, kind == "block")]
        extra = (self.count - before) * (repeat - 1)
        if self.count + extra > MAX_LAYERS:
            self.problem(f"repeat: {repeat} makes the network larger than {MAX_LAYERS:,} nodes",
                         modifiers["repeat"][1].source, "lower the repeat count", "too-large", scope)
            self.stopped = True
            return []
        self.count += extra
        copies = [replace(core, name=str(i)) for i in range(repeat)]
        if name is not None:
            return [(Sequential(tuple(copies), name=name, source=source), False)]
        return [(c, True) for c in copies]

    def repeat_count(self, key: YScalar, node: YNode, kind: str, scope: _Scope) -> int | None:
        if kind == "save":
            self.problem("a `save:` cannot be repeated", key.source, "", "unknown-key", scope)
            return None
        value = self.scalar_value(node, scope) if isinstance(node, YScalar) else INVALID
        if value is UNKNOWN:
            return None
        if value is INVALID or isinstance(value, bool) or not isinstance(value, int):
            if value is not INVALID or not isinstance(node, YScalar):
                self.wrong_kind("repeat", node, "a whole number of copies (1 or more)", scope)
            return None
        if value < 1:
            self.problem(f"repeat: {value} is below 1", node.source,
                         "write the number of copies, 1 or more (remove the item to drop it)",
                         "bad-value", scope)
            return None
        if value > MAX_LAYERS:
            self.problem(f"repeat: {value} is more than {MAX_LAYERS:,}", node.source,
                         "lower the repeat count", "too-large", scope)
            return None
        return value

    def build_core(self, kind: str, key: YScalar, value: Any, options: dict, scope: _Scope,
                   source: Source) -> Any:
        if kind == "layer":
            self.count += 1
            if self.count > MAX_LAYERS and not self.stopped:
                self.problem(f"the network has more than {MAX_LAYERS:,} nodes", source,
                             "split it into smaller files", "too-large", scope)
                self.stopped = True
            return self.build_layer(key, value, scope, source)
        if kind == "block":
            return self.use_block(self.blocks[key.value], key, value, scope, source)
        if kind == "sequential":
            return Sequential(self.sub_list(value, "sequential", scope), source=source)
        if kind == "residual":
            body = self.sub_list(value, "residual", scope)
            shortcut: tuple[Any, ...] = ()
            if "shortcut" in options:
                shortcut = self.sub_list(options["shortcut"][1], "shortcut", scope)
            return Residual(body, shortcut, source=source)
        if kind == "parallel":
            return self.build_parallel(value, options, scope, source)
        if kind == "save":
            self.count += 1
            saved = self.tensor_name(key, value, scope)
            if saved is None:
                return None
            if not scope.checking:
                self.saved.add(saved)
            return Save(saved, source=source)
        self.count += 1
        return self.build_merge(kind, key, value, options, scope, source)

    def sub_list(self, node: Any, what: str, scope: _Scope) -> tuple[Any, ...]:
        if isinstance(node, YSeq):
            return self.build_list(node.items, _Scope(scope.params, scope.checking, scope.chain,
                                                      scope.depth + 1, scope.where))
        if node is None or isinstance(node, YScalar) and node.value is None:
            return ()
        self.wrong_kind(f"`{what}`", node, "a list of layers (one '- ' item each)", scope)
        return ()

    def build_parallel(self, value: Any, options: dict, scope: _Scope, source: Source) -> Any:
        branches: list[tuple[Any, ...]] = []
        if not isinstance(value, YSeq) or not value.items:
            self.wrong_kind("`parallel`", value if value is not None else YScalar(None, "", source),
                            "a list of branches, each a list of layers", scope)
        else:
            inner = _Scope(scope.params, scope.checking, scope.chain, scope.depth + 1, scope.where)
            for branch in value.items:
                items = branch.items if isinstance(branch, YSeq) else [branch]
                branches.append(self.build_list(items, inner))
        merge, dim = "cat", self.default_cat_dim()
        if "merge" in options:
            node = options["merge"][1]
            merge = self.scalar_value(node, scope)
            if merge not in ("cat", "add"):
                self.problem(f"merge: got {_describe(node)}", node.source,
                             "write merge: cat (torch.cat) or merge: add (torch.add)", "wrong-type",
                             scope)
                merge = "cat"
        if "dim" in options:
            dim = self.int_option(options["dim"][1], "dim", scope, dim)
        return Parallel(tuple(branches), merge=merge, dim=dim, source=source)

    def build_merge(self, kind: str, key: YScalar, value: Any, options: dict, scope: _Scope,
                    source: Source) -> Any:
        saved = self.tensor_name(key, value, scope)
        if saved is None:
            return None
        if not scope.checking and saved not in self.saved:
            hint = did_you_mean(saved, self.saved)
            self.problem(f"no tensor was saved as '{saved}' before this point", value.source,
                         hint or "add `- save: NAME` earlier in the network, where the tensor "
                         "to keep is", "undefined-name", scope)
        dim, crop, saved_first = self.default_cat_dim(), None, True
        if "dim" in options:
            dim = self.int_option(options["dim"][1], "dim", scope, dim)
        if "crop" in options:
            node = options["crop"][1]
            crop = self.scalar_value(node, scope)
            if crop not in (None, "center"):
                self.problem(f"crop: got {_describe(node)}", node.source,
                             "write crop: center (crop the saved tensor to the current size, as "
                             "the original U-Net does)", "wrong-type", scope)
                crop = None
        if "saved_first" in options:
            node = options["saved_first"][1]
            saved_first = self.scalar_value(node, scope)
            if not isinstance(saved_first, bool):
                self.wrong_kind("saved_first", node, "true or false", scope)
                saved_first = True
        return Merge(saved, op=kind, dim=dim, crop=crop, saved_first=saved_first, source=source)

    def tensor_name(self, key: YScalar, value: Any, scope: _Scope) -> str | None:
        if isinstance(value, YScalar) and isinstance(value.value, str) and value.value:
            return value.value
        node = value if value is not None else key
        self.wrong_kind(f"`{key.value}`", node, "the name of a saved tensor, e.g. enc1", scope)
        return None

    def int_option(self, node: YNode, what: str, scope: _Scope, default: int) -> int:
        value = self.scalar_value(node, scope) if isinstance(node, YScalar) else INVALID
        if value is UNKNOWN:
            return default
        if isinstance(value, bool) or not isinstance(value, int):
            if value is not INVALID or not isinstance(node, YScalar):
                self.wrong_kind(what, node, "an integer", scope)
            return default
        return value

    def default_cat_dim(self) -> int:
        """torch.cat's channels (1); Keras's Concatenate default axis (-1)."""
        return -1 if self.keras else 1

    # -- layers and values ------------------------------------------------------------
    def build_layer(self, key: YScalar, value: Any, scope: _Scope, source: Source) -> LayerNode:
        cls = self.layers[key.value]
        kwargs: dict[str, Any] = {}
        if isinstance(value, YMap):
            params, var_kw = signature_of(cls)
            if self.keras:  # Keras layers take **kwargs, but only Layer's own keywords
                params = {**params, **{k: None for k in KERAS_BASE_KWARGS}}
                if key.value == "LeakyReLU":
                    params["alpha"] = None
                var_kw = False
            for k, v in value.pairs:
                arg = k.value
                if arg not in params and not var_kw:
                    hint = did_you_mean(arg, params)
                    if arg in COMMON:
                        hint = (f"to set the item's {arg}, write `{arg}:` at the same indentation "
                                f"as `{key.value}:`, not inside its arguments")
                    self.problem(f"{key.value} has no argument '{arg}'", k.source,
                                 hint or f"{key.value} takes: {', '.join(params)}",
                                 "unknown-argument", scope)
                    continue
                cat = None if self.keras else category(arg, params.get(arg))
                kwargs[arg] = self.arg_value(v, arg, cat, scope)
        elif value is not None and not (isinstance(value, YScalar) and value.value is None):
            example = ", ".join(f"{p}: ..." for p in list(signature_of(cls)[0])[:2])
            self.problem(f"{key.value}: the arguments must be a mapping, got {_describe(value)}",
                         value.source, f"write keyword arguments, e.g. {key.value}: {{{example}}}",
                         "wrong-type", scope)
        return LayerNode(type=key.value, kwargs=kwargs, source=source)

    def scalar_value(self, node: YScalar, scope: _Scope) -> Any:
        value = node.value
        if isinstance(value, str) and value.startswith("$"):
            if scope.params is None:
                self.problem(f"'{value}' refers to a block parameter outside a block definition",
                             node.source, "`$name` works only inside `blocks:`", "undefined-name",
                             scope)
                return INVALID
            try:
                return evaluate(value, scope.params)
            except ExprError as err:
                self.problem(err.message, node.source, err.hint, "undefined-name", scope)
                return INVALID
        return value

    def plain_value(self, node: YNode, scope: _Scope) -> Any:
        """A YAML value as Python: lists as tuples, ``$expressions`` evaluated."""
        if isinstance(node, YScalar):
            return self.scalar_value(node, scope)
        if isinstance(node, YSeq):
            return tuple(self.plain_value(item, scope) for item in node.items)
        self.problem("got a mapping where a value belongs", node.source,
                     "write a number, a string or a list (is the indentation right?)",
                     "wrong-type", scope)
        return INVALID

    def arg_value(self, node: YNode, arg: str, cat: str | None, scope: _Scope) -> Any:
        if isinstance(node, YMap):
            self.problem(f"{arg}: got a mapping", node.source,
                         "write a number, a string or a list (is the indentation right?)",
                         "wrong-type", scope)
            return INVALID
        if isinstance(node, YSeq):
            return tuple(self.arg_value(item, arg, cat, scope) for item in node.items)
        value = self.scalar_value(node, scope)
        if value is INVALID:
            return INVALID
        evaluated = value is not node.value
        found = type_problem(arg, cat, value, None if evaluated else node.text)
        if found is not None:
            message, hint = found
            self.problem(message, node.source, hint, "wrong-type", scope)
            return INVALID
        return value

    # -- expectations -----------------------------------------------------------------
    def expect(self, key: YScalar, node: YNode, scope: _Scope) -> Expect | None:
        if not isinstance(node, YMap):
            self.wrong_kind("expect", node, "a mapping such as {output_shape: [1, 64, 56, 56]}",
                            scope)
            return None
        fields: dict[str, Any] = {}
        for k, v in node.pairs:
            if k.value not in EXPECT_KEYS:
                hint = did_you_mean(k.value, EXPECT_KEYS) or f"expect takes: {', '.join(EXPECT_KEYS)}"
                self.problem(f"unknown key '{k.value}' in expect", k.source, hint, "unknown-key",
                             scope)
            elif k.value == "receptive_field":
                fields["receptive_field"] = self.expect_rf(v, scope)
            elif k.value == "output_shape":
                value = self.plain_value(v, scope)
                if (not isinstance(value, tuple) or not value
                        or any(type(d) is not int or d < 0 for d in value)):
                    self.wrong_kind("expect.output_shape", v, "a list of sizes, e.g. [1, 64, 56, 56]",
                                    scope)
                else:
                    fields["output_shape"] = value
            else:
                value = self.plain_value(v, scope)
                if type(value) is not int or value < 0:
                    self.wrong_kind(f"expect.{k.value}", v, "a whole number", scope)
                else:
                    fields[k.value] = value
        return Expect(**fields, source=key.source)

    def expect_rf(self, node: YNode, scope: _Scope) -> dict[str, Any]:
        if isinstance(node, YScalar) and type(node.value) is int:
            return {"size": node.value}
        if not isinstance(node, YMap):
            self.wrong_kind("expect.receptive_field", node, "a mapping such as {size: 35}", scope)
            return {}
        result: dict[str, Any] = {}
        for k, v in node.pairs:
            if k.value not in RF_KEYS:
                hint = did_you_mean(k.value, RF_KEYS) or f"receptive_field takes: {', '.join(RF_KEYS)}"
                self.problem(f"unknown key '{k.value}' in expect.receptive_field", k.source, hint,
                             "unknown-key", scope)
                continue
            value = _rf_number(self.plain_value(v, scope))
            if value is None:
                self.wrong_kind(f"expect.receptive_field.{k.value}", v,
                                "an integer, a fraction such as \"1/2\", or a list of them", scope)
            else:
                result[k.value] = value
        return result


def _rf_number(value: Any) -> Any:
    if isinstance(value, tuple):
        items = [_rf_number(v) for v in value]
        return None if not items or any(i is None or isinstance(i, tuple) for i in items) else tuple(items)
    if type(value) is int:
        return value
    if isinstance(value, str):
        try:
            f = Fraction(value)
        except (ValueError, ZeroDivisionError):
            return None
        return int(f) if f.denominator == 1 else f
    return None


def _span(start: Source, end: Source, node: YMap | None) -> Source:
    """From an item's kind key to the end of its last value (not the next line's start)."""
    if node is not None and node.pairs:
        last = max((v.source for _, v in node.pairs), key=lambda s: (s.end_line or 0, s.end_column or 0))
        end = last
    return Source(start.file, start.line, start.column, end.end_line, end.end_column)


def _describe(node: Any) -> str:
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
