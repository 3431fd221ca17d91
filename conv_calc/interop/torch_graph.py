"""A torch.fx graph, run once on a real input, as a flat list of stack-file items.

:class:`Translator` walks the graph's nodes in order and writes one item per row:

- ``call_module`` -> the layer (:func:`conv_calc.interop.torch_layers.layer_item`), named
  by its ``named_modules()`` name (the walker names a second call ``name_1``, as fx does);
- ``call_function`` / ``call_method`` -> a layer call, a tensor-function row or a merge
  (:mod:`conv_calc.interop.torch_calls`), named as fx names the node (``relu_3``,
  ``add_1``, ``flatten``); a parameter multiplied in (ConvNeXt's ``layer_scale``) is the
  ``LayerScale`` row named by the parameter;
- shape reads (``x.shape[-2:]``, ``x.size(0)``) and arithmetic on them are numbers known
  from the run; a row that uses one is listed in :attr:`Translator.frozen` (its sizes hold
  for the imported input only), except ``F.interpolate(size=t.shape[-k:])``, written
  ``size_of: t``.

Tensors are named by their fx node (:attr:`Entry.out`); :mod:`conv_calc.interop.torch_blocks`
arranges the entries into items (``from:``, ``save:``, nested blocks).
Anything else is refused (:class:`~conv_calc.interop.torch_layers.ImportRefused`) with
the operation and the module path it occurs in.
"""

from __future__ import annotations

import operator
import re
from dataclasses import dataclass, field
from typing import Any

from conv_calc.interop.torch_calls import (
    ATTENTION, LAYER_CALLS, MERGES, SHAPE_READS, TENSOR_CALLS, call_value, layer_call,
)
from conv_calc.interop.torch_layers import layer_item, qualified, refuse, without_defaults
from conv_calc.interop.torch_slices import crop_merge, hashable, translate_getitem

__all__ = ["Shape", "Entry", "Translator"]

INPUT = "input"
# F.interpolate's defaults, left out of a row (torch.fx records some of them as given).
_INTERPOLATE = {"scale_factor": None, "mode": "nearest", "align_corners": None,
                "recompute_scale_factor": None, "antialias": False}


class Shape(tuple):
    """A tensor's shape as recorded by the run (a tuple that is known to be a tensor)."""


@dataclass
class Entry:
    """One row: ``body`` (layer key or word first, then ``name``: the flat row name;
    operands and ``size_of`` as tensor ids), the tensor it reads (None: it names its
    operands), the tensors it reads by name, the tensor id it gives."""

    body: dict[str, Any]
    reads: str | None
    named: list[str]
    out: str
    row: str
    shape: Shape | None = None
    params: int | None = None
    module: bool = False
    pieces: list[str] = field(default_factory=list)
    group: str = ""  # the module path the row sits under (a module's parent, a call's scope)
    local: str = ""  # its name there: a module's attribute, or the call's base name (relu)


class Translator:
    """Turns a traced graph module and its recorded values into stack items."""

    def __init__(self, gm: Any, values: dict[Any, Any], fx_name: Any) -> None:
        self.gm = gm
        self.values = values
        self.qualified_name = fx_name
        self.entries: list[Entry] = []
        self.tensor: dict[Any, str] = {}  # fx node -> the tensor name it stands for
        self.params: dict[Any, str] = {}  # get_attr nodes of parameters
        self.derived: set[Any] = set()  # numbers read off a tensor's shape
        self.frozen: list[Entry] = []  # rows whose arguments were read off a shape
        self.outputs: list[str] = []
        self.calls: dict[str, int] = {}
        self.pieces: dict[Any, list[str]] = {}  # a chunk / split node -> its pieces' names
        self.tuples: dict[Any, list[Any]] = {}  # a namedtuple node -> its fields
        self.crops: dict[Any, Any] = {}  # a centre-crop slice -> the node it crops

    # ------------------------------------------------------------------ helpers

    def where(self, node: Any) -> str:
        path, cls = node.meta.get("cc_scope", ("", None))
        where = f"module '{path}'" if path else "the model's own forward"
        return f"{where} ({qualified(cls)})" if cls is not None else where

    def function(self, node: Any) -> str:
        if node.op == "call_method":
            return f"Tensor.{node.target}"
        name = self.qualified_name(node.target)
        return "operator." + name[len("_operator."):] if name.startswith("_operator.") else name

    def value(self, arg: Any, node: Any) -> Any:
        """An argument with every number node replaced by its value (tensors refused)."""
        fx_node = type(node)
        if isinstance(arg, fx_node):
            if arg in self.tensor or arg in self.params:
                raise refuse(f"{self.function(node)} in {self.where(node)} takes a tensor "
                             "where the stack file can only write a number",
                             "only the first argument of a row may be a tensor.")
            if arg in self.derived:
                self.derived.add(node)
            return _plain(self.values[arg], self, node)
        if isinstance(arg, (list, tuple)):
            return [self.value(a, node) for a in arg]
        if isinstance(arg, dict):
            return {k: self.value(v, node) for k, v in arg.items()}
        return _plain(arg, self, node)

    def add(self, node: Any, body: dict[str, Any], reads: str | None, named: list[str],
            **extra: Any) -> Entry:
        row = body["name"]
        key = next(iter(body))
        if body[key] == {}:
            body[key] = None  # `- ReLU:` with its name below: every argument defaulted
        entry = Entry(body, reads, named, node.name, row, **extra)
        if node in self.derived:
            self.frozen.append(entry)
        if extra.get("params") is not None:  # a module, or a parameter (LayerScale)
            entry.group, _, entry.local = row.rpartition(".")
        else:
            entry.group = node.meta.get("cc_scope", ("", None))[0]
            word = next(iter(body))
            entry.local = word if word[0].islower() else re.sub(r"_\d+$", "", node.name)
        self.entries.append(entry)
        self.tensor[node] = node.name
        return entry

    def module_row(self, target: str) -> str:
        k = self.calls.get(target, 0)
        self.calls[target] = k + 1
        return f"{target}_{k}" if k else target

    # ------------------------------------------------------------------ the nodes

    def precheck(self, graph: Any) -> None:
        """Refuse a graph with a second input or an attention op before anything runs: the first attention
        call (torch.nn.MultiheadAttention, matmul, einsum, ...) with its module path, else
        the first node inside a module whose class is an attention class."""
        placeholders = [n for n in graph.nodes if n.op == "placeholder"]
        for node in placeholders[1:]:
            if node.users:
                raise refuse(f"forward takes a second input '{node.target}'",
                             "a stack file has one input; wrap the model so that forward "
                             "takes one tensor.")
        fallback = None
        for node in graph.nodes:
            path, cls = node.meta.get("cc_scope", ("", None))
            what = None
            if node.op == "call_module":
                module = self.gm.get_submodule(node.target)
                if any(c.__name__ == "MultiheadAttention" for c in type(module).__mro__):
                    what, path, cls = "torch.nn.MultiheadAttention", node.target, type(module)
            elif node.op in ("call_function", "call_method"):
                function = self.function(node)
                if function in ATTENTION or "attention" in function.lower():
                    what = function
                elif fallback is None and cls is not None and "Attention" in cls.__name__:
                    fallback = (function, path, cls)
            if what is not None:
                break
        else:
            if fallback is None:
                return
            what, path, cls = fallback
        where = f"module '{path}' ({qualified(cls)})" if path else "the model's forward"
        raise refuse(f"an attention op ({what}) in {where} cannot be written as a stack file",
                     "conv-calc models convolutional networks; attention has no stack-file "
                     "row. Import the convolutional part of the model instead.")

    def run(self, graph: Any) -> None:
        for node in graph.nodes:
            getattr(self, f"on_{node.op}")(node)

    def on_placeholder(self, node: Any) -> None:
        if INPUT not in self.tensor.values():  # the first: others are unused (precheck)
            self.tensor[node] = INPUT

    def on_get_attr(self, node: Any) -> None:
        if isinstance(self.values[node], Shape):
            self.params[node] = node.target
        else:
            self.derived.discard(node)

    def on_call_module(self, node: Any) -> None:
        module = self.gm.get_submodule(node.target)
        path = node.target
        key, kwargs = layer_item(module, path)
        x = self.tensor_arg(node, node.args[0] if node.args else None)
        if len(node.args) > 1 or node.kwargs:
            raise refuse(f"module '{path}' ({qualified(type(module))}) is called with more "
                         "than one argument", "a stack-file layer takes one tensor.")
        shape = self.values[node]
        if not isinstance(shape, Shape):
            raise refuse(f"module '{path}' ({qualified(type(module))}) returns "
                         f"{type(shape).__name__}, not one tensor",
                         "a stack-file layer gives one tensor (return_indices=True is not "
                         "written).")
        params = sum(p.numel() for p in module.parameters())
        row = self.module_row(path)
        body = {key: kwargs, "name": path}
        if row != path and params:
            # A module called again: the same weights, counted at its first call (as
            # model.parameters() counts them).
            body["shares"] = path
            params = 0
        self.add(node, body, x, [], shape=shape, params=params, module=True)
        self.entries[-1].row = row

    def tensor_arg(self, node: Any, arg: Any) -> str:
        if arg not in self.tensor:
            raise refuse(f"{self.function(node) if node.op != 'call_module' else node.target} "
                         f"in {self.where(node)} does not take a tensor first",
                         "each row reads one tensor made by an earlier row or the input.")
        return self.tensor[arg]

    def on_call_method(self, node: Any) -> None:
        self.on_call_function(node)

    def on_call_function(self, node: Any) -> None:
        function = self.function(node)
        value = self.values[node]
        if function == "operator.getitem" and isinstance(node.args[0], type(node)) \
                and node.args[0] in self.pieces:
            self.tensor[node] = self.pieces[node.args[0]][node.args[1]]
            return
        if function == "operator.getitem" and isinstance(node.args[0], type(node)) \
                and node.args[0] in self.tensor:
            return translate_getitem(self, node, MERGES)
        if isinstance(node.target, type) and issubclass(node.target, tuple):
            # A namedtuple of results (GoogLeNetOutputs in training): not a row.
            self.tuples[node] = [*node.args, *node.kwargs.values()]
            return None
        if not _has_tensor(value):
            return self.number(node, function)
        args = node.args
        if function in MERGES:
            return self.merge(node, function, MERGES[function])
        if function in LAYER_CALLS:
            x = self.tensor_arg(node, args[0] if args else None)
            try:
                key, kwargs = layer_call(function, self.value(args[1:], node),
                                         self.value(dict(node.kwargs), node))
            except TypeError as err:
                raise refuse(f"{function} in {self.where(node)}: {err}",
                             "the importer knows this function's usual arguments only.") from None
            self.add(node, {key: without_defaults(key, kwargs), "name": node.name}, x, [],
                     shape=value)
            return None
        if function in TENSOR_CALLS:
            return self.tensor_call(node, function, TENSOR_CALLS[function])
        raise refuse(f"{function} in {self.where(node)} has no stack-file row",
                     "conv-calc writes torch.nn layers, their functional forms, merges "
                     "(+, *, torch.cat) and the tensor functions conv-calc layers lists.")

    def number(self, node: Any, function: str) -> None:
        """A call whose result holds no tensor: a number, kept from the run."""
        tensors = [a for a in node.all_input_nodes if a in self.tensor or a in self.params]
        reads = function in SHAPE_READS or (
            function == "getattr" and len(node.args) > 1 and node.args[1] in ("shape", "ndim"))
        if tensors and not reads:
            raise refuse(f"{function} in {self.where(node)} turns a tensor into a Python "
                         "value: the network's structure would depend on the data",
                         "a stack file holds what forward does for every input; remove the "
                         "data-dependent step.")
        if tensors or any(a in self.derived for a in node.all_input_nodes):
            self.derived.add(node)

    def merge(self, node: Any, function: str, op: str) -> None:
        if crop_merge(self, node, op):
            return
        if op == "cat":
            tensors = node.args[0] if node.args else node.kwargs.get("tensors")
            rest = dict(node.kwargs)
            rest.pop("tensors", None)
            dim = self.value(node.args[1], node) if len(node.args) > 1 else \
                self.value(rest.pop("dim", 0), node)
            names = [self.tensor_arg(node, t) for t in tensors]
            body = {"cat": names, "name": node.name}
            if dim != 1:
                body["dim"] = dim
            self.add(node, body, None, names, shape=self.values[node])
            return
        if len(node.args) != 2 or node.kwargs:
            raise refuse(f"{function} in {self.where(node)} with {len(node.args)} operands "
                         f"and keywords {sorted(node.kwargs)}",
                         "a merge row takes two tensors (alpha= is not written).")
        a, b = node.args
        param = next((p for p in (a, b) if p in self.params), None)
        if param is not None and op == "mul":
            other = b if param is a else a
            x = self.tensor_arg(node, other)
            body = {"LayerScale": {"shape": list(self.values[param])}, "name": self.params[param]}
            size = 1
            for d in self.values[param]:
                size *= d
            self.add(node, body, x, [], shape=self.values[node], params=size)
            return
        if a not in self.tensor or b not in self.tensor:
            raise refuse(f"{function} in {self.where(node)} combines a tensor with "
                         f"{'a parameter' if param is not None else 'a number'}",
                         "a merge row takes two tensors made by earlier rows; the stack format "
                         "has no row for arithmetic with a constant.")
        names = [self.tensor[a], self.tensor[b]]
        self.add(node, {op: names, "name": node.name}, None, names, shape=self.values[node])

    def tensor_call(self, node: Any, function: str, word: str) -> None:
        args = list(node.args)
        x = self.tensor_arg(node, args.pop(0) if args else node.kwargs.get("input"))
        kwargs = {k: v for k, v in node.kwargs.items() if k != "input"}
        named: list[str] = []
        size_of = None
        if word == "interpolate":
            size = kwargs.get("size", args[0] if args else None)
            size_of = self.size_of(size, node)
            if size_of is not None:
                kwargs.pop("size", None)
                args = args[1:] if args else args
                if kwargs.get("scale_factor", 0) is None:
                    del kwargs["scale_factor"]  # size_of takes the place of both
        kwargs = {k: v for k, v in kwargs.items()
                  if word != "interpolate" or k not in _INTERPOLATE or _INTERPOLATE[k] != v}
        body = {word: call_value(word, tuple(self.value(args, node)), self.value(kwargs, node)),
                "name": node.name}
        if size_of is not None:
            body[word] = {**(body[word] or {}), "size_of": size_of}
            if size_of != INPUT:
                named.append(size_of)
        value = self.values[node]
        if isinstance(value, (list, tuple)) and not isinstance(value, Shape):
            pieces = [f"{node.name}_{k}" for k in range(len(value))]
            self.pieces[node] = pieces
            body["outputs"] = pieces
            entry = self.add(node, body, x, named, pieces=pieces)
            self.tensor[node] = pieces[0]
            entry.out = pieces[0]
            return
        self.add(node, body, x, named, shape=value)

    def size_of(self, size: Any, node: Any) -> str | None:
        """The tensor whose trailing sizes ``size`` is (``t.shape[-2:]``), or None."""
        fx_node = type(node)
        if not isinstance(size, fx_node) or size.target is not operator.getitem:
            return None
        source, index = size.args
        if not isinstance(source, fx_node) or not isinstance(index, slice) or \
                index.stop is not None or index.step is not None:
            return None
        if source.op == "call_function" and source.target is getattr and source.args[1] == "shape" \
                or source.op == "call_method" and source.target == "size" and len(source.args) == 1:
            tensor = source.args[0]
        else:
            return None
        if tensor not in self.tensor:
            return None
        shape = self.values[tensor]
        x = self.values[node.args[0]]
        k = len(x) - 2
        if tuple(self.values[size]) != tuple(shape[len(shape) - k:]) or k <= 0:
            return None
        return self.tensor[tensor]

    def on_output(self, node: Any) -> None:
        found: list[str] = []
        _tensors(node.args[0], self.tensor, found, self.tuples)
        self.outputs = found

def _has_tensor(value: Any) -> bool:
    if isinstance(value, Shape):
        return True
    if isinstance(value, (list, tuple)):
        return any(_has_tensor(v) for v in value)
    if isinstance(value, dict):
        return any(_has_tensor(v) for v in value.values())
    return False


def _tensors(value: Any, names: dict[Any, str], found: list[str],
             tuples: dict[Any, list[Any]]) -> None:
    """The tensor names in a result (tuples, dicts, namedtuples), in order."""
    if isinstance(value, (list, tuple)):
        for v in value:
            _tensors(v, names, found, tuples)
    elif isinstance(value, dict):
        for v in value.values():
            _tensors(v, names, found, tuples)
    elif hashable(value) and value in tuples:
        _tensors(tuples[value], names, found, tuples)
    elif hashable(value) and value in names:
        found.append(names[value])


def _plain(value: Any, translator: Translator, node: Any) -> Any:
    """An argument value as a stack document holds it (lists for tuples); refused when it
    is something a stack file cannot write (a slice, a dtype, a device)."""
    if isinstance(value, (list, tuple)):
        return [_plain(v, translator, node) for v in value]
    if value is None or isinstance(value, (bool, int, float, str, dict)):
        return value
    raise refuse(f"{translator.function(node)} in {translator.where(node)} takes "
                 f"{type(value).__name__} {value!r}, which a stack file cannot write",
                 "a stack-file row takes numbers, strings, booleans and lists of them.")
