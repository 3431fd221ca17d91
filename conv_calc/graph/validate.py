"""Check that a node tree is well formed before it is run: StackDefinitionError otherwise.

>>> from conv_calc.graph.framework import TORCH
>>> from conv_calc.graph.nodes import LayerNode, Merge
>>> validate((LayerNode(type="Conv3x3"),), TORCH)
Traceback (most recent call last):
...
conv_calc.errors.StackDefinitionError: layers[0]: unknown torch layer type 'Conv3x3'
>>> validate((Merge("skip"),), TORCH)
Traceback (most recent call last):
...
conv_calc.errors.StackDefinitionError: layers[0]: merge with 'skip', but no tensor was saved under that name before it
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from conv_calc.graph.framework import Framework, is_layer
from conv_calc.nn.tensor_calls import WORDS
from conv_calc.graph.nodes import (
    INPUT, Call, Combine, From, LayerNode, Merge, Parallel, Residual, Save, Sequential, SizeOf,
    StackDefinitionError,
)

__all__ = ["validate"]


def validate(nodes: Sequence[Any], framework: Framework, where: str = "layers",
             saved: set[str] | None = None, outputs: Sequence[str] = (),
             inputs: Sequence[str] = ()) -> None:
    """Raise StackDefinitionError for anything that is not a well-formed node tree;
    ``inputs`` names the network's other inputs (known from the start)."""
    top = saved is None
    saved = {INPUT, *inputs} if saved is None else saved
    if isinstance(nodes, (str, bytes)) or not isinstance(nodes, (tuple, list)):
        raise StackDefinitionError(f"{where}: expected a list of nodes, got {nodes!r}")
    for i, node in enumerate(nodes):
        at = f"{where}[{i}]"
        if is_layer(node):
            continue
        if isinstance(node, LayerNode):
            if node.layer is None:
                if node.type not in framework.registry():
                    raise StackDefinitionError(
                        f"{at}: unknown {framework.name} layer type {node.type!r}")
                if not isinstance(node.args, (tuple, list)) or not isinstance(node.kwargs, Mapping):
                    raise StackDefinitionError(f"{at}: args must be a tuple and kwargs a mapping")
                for value in node.kwargs.values():
                    if isinstance(value, SizeOf) and value.name != "input" and \
                            value.name not in saved:
                        raise StackDefinitionError(f"{at}: size_of {value.name!r}, but no tensor "
                                                   "was saved under that name before it")
            elif not is_layer(node.layer):
                raise StackDefinitionError(f"{at}: {node.layer!r} is not a conv_calc.nn layer")
        elif isinstance(node, Sequential):
            validate(node.nodes, framework, f"{at}.nodes", saved)
        elif isinstance(node, Residual):
            validate(node.body, framework, f"{at}.body", saved)
            validate(node.shortcut, framework, f"{at}.shortcut", saved)
        elif isinstance(node, Parallel):
            if node.merge not in ("cat", "add"):
                raise StackDefinitionError(f"{at}: merge must be 'cat' or 'add', got {node.merge!r}")
            _check_dim(node.dim, at)
            if not node.branches:
                raise StackDefinitionError(f"{at}: a parallel block needs at least one branch")
            for j, branch in enumerate(node.branches):
                validate(branch, framework, f"{at}.branches[{j}]", saved)
        elif isinstance(node, Save):
            if not isinstance(node.name, str) or not node.name:
                raise StackDefinitionError(f"{at}: save needs a name")
            if node.name == INPUT:
                raise StackDefinitionError(f"{at}: {INPUT!r} is the network's input; save under "
                                           f"another name")
            saved.add(node.name)
        elif isinstance(node, From):
            _check_saved(node.tensor, saved, at)
            validate(node.nodes, framework, f"{at}.nodes", saved)
        elif isinstance(node, Combine):
            check_combine(node, framework, saved, at)
        elif isinstance(node, Call):
            _check_call(node, at, saved)
        elif isinstance(node, Merge):
            if node.saved not in saved:
                raise StackDefinitionError(
                    f"{at}: merge with {node.saved!r}, but no tensor was saved under that name "
                    f"before it" + (f" (saved: {', '.join(sorted(saved - {INPUT}))})"
                                    if saved - {INPUT} else ""))
            if node.op not in framework.merges:
                raise StackDefinitionError(f"{at}: op must be one of {', '.join(framework.merges)} "
                                           f"for {framework.name}, got {node.op!r}")
            if node.crop not in (None, "center"):
                raise StackDefinitionError(f"{at}: crop must be None or 'center', got {node.crop!r}")
            _check_dim(node.dim, at)
        else:
            raise StackDefinitionError(f"{at}: {node!r} is not a stack node")
    if top:
        for name in outputs:
            _check_saved(name, saved, "outputs")


def check_combine(node: Combine, framework: Framework, saved: set[str], at: str) -> None:
    if node.op not in framework.merges:
        raise StackDefinitionError(f"{at}: op must be one of {', '.join(framework.merges)} "
                                   f"for {framework.name}, got {node.op!r}")
    if isinstance(node.tensors, (str, bytes)) or not node.tensors:
        raise StackDefinitionError(f"{at}: {node.op} needs a tuple of saved tensor names")
    if node.op in framework.binary_merges and len(node.tensors) != 2:
        raise StackDefinitionError(f"{at}: {node.op} takes two tensors (torch.{node.op}(a, b)), "
                                   f"got {len(node.tensors)}")
    for name in node.tensors:
        _check_saved(name, saved, at)
    _check_dim(node.dim, at)


def _check_saved(name: Any, saved: set[str], at: str) -> None:
    if name not in saved:
        known = sorted(saved - {INPUT})
        raise StackDefinitionError(
            f"{at}: {name!r} is used, but no tensor was saved under that name before it"
            + (f" (saved: {', '.join(known)})" if known else ""))


def _check_dim(dim: Any, at: str) -> None:
    if isinstance(dim, bool) or not isinstance(dim, int):
        raise StackDefinitionError(f"{at}: dim must be an integer, got {dim!r}")


def _check_call(node: Call, at: str, saved: set[str]) -> None:
    if node.function not in WORDS:
        raise StackDefinitionError(f"{at}: unknown tensor function {node.function!r} "
                                   f"(one of {', '.join(WORDS)})")
    if not isinstance(node.args, (tuple, list)) or not isinstance(node.kwargs, Mapping):
        raise StackDefinitionError(f"{at}: args must be a tuple and kwargs a mapping")
    if node.size_of is not None and node.size_of != "input" and node.size_of not in saved:
        raise StackDefinitionError(f"{at}: size_of {node.size_of!r}, but no tensor was saved "
                                   "under that name before it")
    if isinstance(node.index, bool) or not isinstance(node.index, int) or node.index < 0:
        raise StackDefinitionError(f"{at}: index must be an integer >= 0, got {node.index!r}")
    saved.update(node.outputs)
