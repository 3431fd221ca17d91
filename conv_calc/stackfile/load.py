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

The format is described in docs/stack-format.md, its words in
:mod:`conv_calc.stackfile.vocabulary`. This package is the only one that imports
PyYAML (``import conv_calc`` stays free of it). Every problem carries a 1-based
file:line:column; the analysis is not run here, so values torch itself rejects
(``groups: 0``) load fine and fail there.

The reader is layered by idea: :mod:`~conv_calc.stackfile.values` (problems,
values), :mod:`~conv_calc.stackfile.blocks` (`blocks:`), :mod:`~conv_calc.stackfile.items`
(the items of a list), :mod:`~conv_calc.stackfile.expect` (`expect:`), and here
the document and the entry points.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from conv_calc.graph import framework as frameworks
from conv_calc.graph.nodes import Expect, Source
from conv_calc.graph.stack import Stack
from conv_calc.stackfile.expect import read_expect
from conv_calc.stackfile.items import ItemReader
from conv_calc.stackfile.files import TooLarge, hint_for, read_bounded
from conv_calc.stackfile.problems import Collector, Problem, StackFileError
from conv_calc.stackfile.values import Scope, describe
from conv_calc.stackfile.vocabulary import (
    FORMAT_VERSION, FRAMEWORKS, KEYWORDS, MAX_BYTES, MAX_LAYERS, MODES, TOP_KEYS,
)
from conv_calc.graph.mode import DEFAULT_MODE
from conv_calc.stackfile.yaml_reader import INVALID, YMap, YNode, YScalar, YSeq, parse, read_text
from conv_calc.text import did_you_mean

__all__ = ["load_stack", "load_file", "load_text", "StackFileError", "Problem", "Expect",
           "FORMAT_VERSION", "KEYWORDS", "TOP_KEYS", "MAX_LAYERS"]


def load_stack(path_or_text: str | bytes | os.PathLike[str], *, filename: str | None = None,
               layers: Mapping[str, type] | None = None, framework: str | None = None) -> Stack:
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


def load_file(path: str | os.PathLike[str], *, layers: Mapping[str, type] | None = None,
              framework: str | None = None) -> Stack:
    """A stack from the file at ``path`` (``-`` is not special here; the CLI reads stdin)."""
    name = os.fspath(path)
    try:
        data = read_bounded(name, MAX_BYTES)
    except TooLarge as err:
        raise StackFileError([Problem(f"{name} is larger than {MAX_BYTES // 2**20} MiB",
                                      hint_for(err), Source(name, 1, 1), "too-large")]) from None
    except OSError as err:
        raise StackFileError([Problem(f"cannot read {name}: {err.strerror or err}",
                                      hint_for(err),
                                      Source(name, 1, 1), "unreadable")]) from None
    return _load(data, name, layers, framework)


def load_text(text: str, filename: str = "<string>", *,
              layers: Mapping[str, type] | None = None, framework: str | None = None) -> Stack:
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


def _load(data: str | bytes, filename: str, layers: Mapping[str, type] | None,
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
    fw = frameworks.get(_framework_of(tree, framework))
    try:
        stack = _Document(filename, fw.registry() if layers is None else layers, collector,
                          fw).build(tree)
    except RecursionError:  # pragma: no cover - MAX_DEPTH and MAX_NEST keep the walk shallow
        collector.add("the network is nested too deeply", Source(filename, 1, 1),
                      hint="flatten the network", code="too-deep")
    collector.raise_if_any()
    return stack


class _Document(ItemReader):
    """The top level of a stack file: its keys, the input shape, then the items."""

    def build(self, tree: YNode) -> Stack:
        if not isinstance(tree, YMap):
            hint = ("put the list under `layers:`" if isinstance(tree, YSeq)
                    else "start with `input: [1, 3, 224, 224]` and `layers:`")
            self.problem(f"a stack file must be a mapping with `input:` and `layers:`, "
                         f"got {describe(tree)}", tree.source, hint, "not-a-mapping")
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
                self.wrong_kind("framework", node, " or ".join(FRAMEWORKS))
        mode = self.top_mode(top["mode"][1]) if "mode" in top else DEFAULT_MODE
        input_shape = self.input_shape(top["input"][1]) if "input" in top else None
        # `inputs: {name: shape}`: the network's other inputs, read by name (tensors.py)
        inputs = self.read_inputs(*top["inputs"]) if "inputs" in top else {}
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
                nodes = self.build_list(layers_node.items, Scope())
            elif isinstance(layers_node, YScalar) and layers_node.value is None:
                nodes = ()
            else:
                self.wrong_kind("`layers`", layers_node, "a list of layers (one '- ' item each)")
        expect = read_expect(self, *top["expect"], Scope()) if "expect" in top else None
        outputs = self.read_outputs(*top["outputs"]) if "outputs" in top else ()
        return Stack(nodes, input_shape=input_shape, name=name, source=self.filename,
                     framework=self.framework.name, version=version, expect=expect,
                     expectations=self.expectations, outputs=outputs, mode=mode,
                     inputs=inputs)

    def top_mode(self, node: YNode) -> str:
        """`mode: train | eval`: the mode every layer is analysed in (conv_calc.graph.mode)."""
        if isinstance(node, YScalar) and node.value in MODES:
            return node.value
        what = f"'{node.value}'" if isinstance(node, YScalar) and isinstance(node.value, str) \
            else describe(node)
        hint = did_you_mean(node.value, MODES) if isinstance(node, YScalar) and \
            isinstance(node.value, str) else None
        self.problem(f"mode must be train or eval, got {what}", node.source,
                     hint or "train (the default, as torch builds modules) or eval (as after "
                     "model.eval())", "bad-value")
        return DEFAULT_MODE

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
            if self.framework.unknown_batch and i == 0 and value is None:
                dims.append(None)  # type: ignore[arg-type]
                continue
            if isinstance(value, bool) or not isinstance(value, int):
                self.problem(f"input: got {describe(item)} as a size", item.source,
                             "sizes are positive integers, e.g. [1, 3, 224, 224]", "wrong-type")
            elif value < 1:
                self.problem(f"input: size {value} is below 1", item.source,
                             "every dimension of the input must be at least 1", "bad-value")
            else:
                dims.append(value)
        return tuple(dims) if len(dims) == len(node.items) else None

