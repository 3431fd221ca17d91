"""``.onnx`` files as stack documents (``conv-calc import onnx``, ``conv-calc stack model.onnx``).

:func:`read_onnx` loads the file (:mod:`~conv_calc.interop.onnx_graph`: the ``onnx``
package, shape inference, constants folded), turns each node into rows
(:mod:`~conv_calc.interop.onnx_ops`) and writes them in the graph's order: a row reads
the row before it, or a tensor kept by name (``from:``, ``save:``); merges read
their operands by name; the graph's outputs are ``outputs:`` when the last row does
not give them all. Row names come from the nodes' names, made readable
(``/layer1/layer1.0/conv1/Conv`` -> ``layer1.0.conv1``) and unique.

The document is in eval mode (an ONNX file is an inference graph) and in NCHW, as
the file is. Parameters are what the file stores: an exporter that folds BatchNorm
into the convs writes a bias on each, and conv-calc counts it.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Any

from conv_calc.errors import InputError
from conv_calc.interop.onnx_graph import OnnxGraph, open_model, readable_name
from conv_calc.interop.onnx_ops import Step, convert_node
from conv_calc.interop.onnx_ops_more import unsupported

__all__ = ["read_onnx", "import_onnx", "OnnxImport", "FOLDED_NOTE"]

FOLDED_NOTE = ("note: parameters are counted from the file's initializers: an exporter that "
               "folds BatchNorm into the convs writes a bias on each, counted here")


@dataclass
class OnnxImport:
    """An imported file: the stack document, its header, and which row gives which node."""

    document: dict[str, Any]
    header: list[str]
    #: ONNX tensor name -> the row that gives it (each converted node's first output).
    rows: dict[str, str] = field(default_factory=dict)
    graph: OnnxGraph | None = None
    #: Per item of ``layers:``, the node it comes from (conv_calc/interop/locate.py).
    origins: list[str] = field(default_factory=list)


def read_onnx(path: str, input_shape: tuple[int, ...] | None = None,
              origins: list[str] | None = None) -> tuple[dict[str, Any], list[str]]:
    """The stack document of an ONNX file and its header lines.

    ``input_shape`` (``--input``) replaces the file's input shape; a file whose input
    has a dynamic size needs it. Problems are :class:`~conv_calc.errors.InputError`
    (exit 2): no onnx package, not an ONNX file, an op conv-calc cannot write.
    ``origins``, when given, receives the node each ``layers:`` item comes from.
    """
    result = import_onnx(path, input_shape)
    if origins is not None:
        origins.extend(result.origins)
    return result.document, result.header


def import_onnx(path: str, input_shape: tuple[int, ...] | None = None) -> OnnxImport:
    """:func:`read_onnx` with the node -> row map the tests compare shapes through."""
    graph = open_model(path, input_shape)
    steps: list[tuple[Any, Step]] = []
    skipped: set[int] = set()
    for index, node in enumerate(graph.nodes):
        if index in graph.folded or index in skipped:
            continue
        for step in _converted(graph, node):
            if step.flow in graph.consts or any(t in graph.consts for t in step.named):
                # A row reads a tensor a row gives: a constant fed in as data has none.
                raise unsupported(node, "a constant where the network's data goes")
            skipped.update(step.skips)
            steps.append((node, step))
    result = OnnxImport({}, [], graph=graph)
    layers, outputs = _assemble(graph, steps, result.rows)
    index = {id(node): k for k, node in enumerate(graph.nodes)}
    result.origins = [(f"ONNX node {node.name!r}, " if node.name else "ONNX node ")
                      + f"{node.op_type} graph.node[{index[id(node)]}]" for node, _ in steps]
    document: dict[str, Any] = {"name": os.path.basename(path), "mode": "eval",
                                "input": list(graph.input_shape), "layers": layers}
    if outputs:
        document["outputs"] = outputs
    header = [f"imported from {os.path.basename(path)} by conv-calc import onnx "
              f"(ONNX opset {graph.opset}{', ' + graph.producer if graph.producer else ''})",
              f"input {graph.input_name!r}: {'x'.join(map(str, graph.input_shape))}, NCHW "
              "as the file; eval mode (an inference graph)"]
    if _maybe_folded(steps):
        header.append(FOLDED_NOTE)
    if any(node.op_type == "BatchNormalization" for node, _ in steps):
        header.append("note: a BatchNormalization row counts scale and bias, as torch does; "
                      "its running mean and variance are buffers")
    if any(isinstance(s.item, dict) and "LayerScale" in s.item for _, s in steps):
        header.append("note: a constant tensor added or multiplied in is a LayerScale row; "
                      "its elements are counted as parameters (initializers of the file)")
    result.document, result.header = document, header
    return result


def _maybe_folded(steps: list[tuple[Any, Step]]) -> bool:
    """Whether the counts may differ from the model's: convs with a bias and no
    BatchNormalization anywhere is what an exporter folding BatchNorm leaves (said only
    then, so a file that keeps its BatchNorm, or has no biases, prints no note)."""
    ops = {node.op_type for node, _ in steps}
    if "BatchNormalization" in ops:
        return False
    return any(node.op_type in ("Conv", "ConvTranspose") and len(node.input) > 2
               and node.input[2] for node, _ in steps)


def _converted(graph: OnnxGraph, node: Any) -> list[Step]:
    """The node's rows; a node missing what its op requires is named, never a traceback."""
    try:
        return convert_node(graph, node)
    except InputError:
        raise
    except (KeyError, IndexError, TypeError, ValueError, AttributeError, ZeroDivisionError
            ) as err:
        raise InputError(f"ONNX node {node.name!r} ({node.op_type}) is malformed: "
                         f"{type(err).__name__}: {err}",
                         "check the file with onnx.checker.check_model; re-export it") from err


def _assemble(graph: OnnxGraph, steps: list[tuple[Any, Step]], row_of: dict[str, str]
              ) -> tuple[list[dict[str, Any]], list[str]]:
    wanted: set[str] = set()   # tensors read by name later
    current = graph.input_name
    for _, step in steps:
        if step.flow is not None and step.flow != current:
            wanted.add(step.flow)
        wanted.update(step.named)
        current = step.output
    final = list(graph.outputs)
    if final != [current]:
        wanted.update(final)
    saves = _SaveNames(graph.input_name)
    rows = _RowNames()
    layers: list[dict[str, Any]] = []
    current = graph.input_name
    for node, step in steps:
        item = step.item
        if step.named:
            word = next(iter(item))
            item = {**item, word: [saves.name(t) for t in step.named]}
        entry = dict(item) if isinstance(item, dict) else {item: None}
        kind = next(iter(entry))
        if entry[kind] is None and kind[:1].isupper():
            entry[kind] = {}  # `- ReLU: {}` with a name: a bare layer takes no other keys
        entry["name"] = rows.name(readable_name(node) + step.suffix)
        if step.flow is not None and step.flow != current:
            entry["from"] = saves.name(step.flow)
        if step.pieces:  # a split: every piece by name, the flow goes on with the first
            entry["outputs"] = [saves.name(t, f"{entry['name']}_{k}")
                                for k, t in enumerate(step.pieces)]
            if step.output != step.pieces[0]:
                entry["continue_with"] = saves.name(step.output)
        elif step.output in wanted and step.output != graph.input_name:
            entry["save"] = saves.name(step.output, entry["name"])
        if "#" not in step.output:  # a node's own output, not a helper row's
            row_of[step.output] = entry["name"]
        layers.append(entry)
        current = step.output
    outputs = [saves.name(o) for o in final] if final != [current] else []
    return layers, outputs


class _SaveNames:
    """Tensor names as `save:` names: identifiers, unique, the graph input as `input`."""

    def __init__(self, input_name: str) -> None:
        self.input_name = input_name
        self.names: dict[str, str] = {}
        self.used = {"input"}

    def name(self, tensor: str, row: str | None = None) -> str:
        """The name of ``tensor``; a new one is made from ``row``, the row that gives it."""
        if tensor == self.input_name:
            return "input"
        if tensor not in self.names:
            base = re.sub(r"[^A-Za-z0-9_]+", "_", row or tensor).strip("_") or "t"
            if not base[0].isalpha():
                base = "t_" + base
            name, k = base, 1
            while name in self.used:
                name, k = f"{base}_{k}", k + 1
            self.used.add(name)
            self.names[tensor] = name
        return self.names[tensor]


class _RowNames:
    """Row names made unique as torch.fx does: `relu`, `relu_1`, ..."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def name(self, base: str) -> str:
        name, k = base, 1
        while name in self.used:
            name, k = f"{base}_{k}", k + 1
        self.used.add(name)
        return name
