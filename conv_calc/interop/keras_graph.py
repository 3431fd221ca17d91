"""A Keras model configuration -> a stack document (``framework: keras``).

The configuration is the JSON Keras 3 writes (``config.json`` in a ``.keras`` zip,
or ``model.to_json()``): a ``Sequential`` (layers in order) or a ``Functional``
model (each layer with its ``inbound_nodes``: the tensors each call reads, by
``keras_history = [layer, node, tensor]``). Models nested inside are flattened:
their layers become rows of their own, named by their Keras names.

The document runs the calls in a topological order of the graph (the config's own
order where it is one): a call reads the current tensor, or a named one with
``from:``; a tensor read again later is kept with ``save:`` under its layer's name;
``Add`` / ``Concatenate`` / ``Multiply`` / ``Subtract`` are merges over names (``add:``, ``cat:``,
``mul:``, ``sub:``), named by their Keras names; several model outputs are ``outputs:``.
Layer arguments are the layer's config minus Layer's own keywords, initializers,
regularizers, constraints and values equal to the spec's defaults.

>>> from conv_calc.interop.keras_config import tensor_ref
>>> config = {"class_name": "Functional", "config": {"name": "m",
...     "input_layers": ["x", 0, 0], "output_layers": ["sum", 0, 0], "layers": [
...     {"class_name": "InputLayer", "name": "x", "config": {"batch_shape": [None, 8, 8, 3]},
...      "inbound_nodes": []},
...     {"class_name": "Conv2D", "name": "a", "config": {"filters": 3, "kernel_size": 1},
...      "inbound_nodes": [{"args": [tensor_ref("x")], "kwargs": {}}]},
...     {"class_name": "Add", "name": "sum", "config": {},
...      "inbound_nodes": [{"args": [[tensor_ref("x"), tensor_ref("a")]], "kwargs": {}}]}]}}
>>> document, header = build_document(config, "m.json")
>>> document["layers"]
[{'Conv2D': {'filters': 3, 'kernel_size': 1}, 'name': 'a', 'save': 'a'}, {'add': ['input', 'a'], 'name': 'sum'}]
"""

from __future__ import annotations

import inspect
from typing import Any

from conv_calc.errors import InputError
from conv_calc.graph.framework import KERAS_BASE_KWARGS
from conv_calc.interop.keras_config import INPUT, MODELS, Call, Reader, fail
from conv_calc.keras import LAYERS

__all__ = ["MERGES", "build_document", "graph_facts"]

#: Keras merge layers (and keras.ops calls on two tensors) -> the stack file's merge word.
MERGES = {"Add": "add", "Concatenate": "cat", "Multiply": "mul", "Subtract": "sub"}
#: keras.applications' InceptionResNetV2 ``CustomScaleLayer``: inputs[0] + inputs[1] * scale,
#: the shape of an add of its two inputs and no weights: written as an `add:` merge.
SUM_LIKE = {"CustomScaleLayer": "add"}
#: keras.ops calls recorded as layers (module keras.src.ops.*) on a tensor and a number:
#: written as the Rescaling that computes the same values (x * scale + offset).
OPS_WITH_NUMBER = {"Add": lambda c: {"scale": 1.0, "offset": c},
                   "Subtract": lambda c: {"scale": 1.0, "offset": -c},
                   "Multiply": lambda c: {"scale": c, "offset": 0.0},
                   "TrueDivide": lambda c: {"scale": 1.0 / c, "offset": 0.0},
                   "Divide": lambda c: {"scale": 1.0 / c, "offset": 0.0}}
#: Config values that mean what the spec's default means: Keras saves data_format=None
#: as the image data format (channels_last, which conv-calc assumes) and activation=None
#: as "linear".
EQUIVALENT = {"data_format": ("channels_last", None), "activation": ("linear", None)}
#: Config keys that never change a shape or a parameter count.
_DROPPED_SUFFIXES = ("_initializer", "_regularizer", "_constraint")
_DROPPED = frozenset(KERAS_BASE_KWARGS) | {"seed"}

# -------------------------------------------------------------------- document


def _signature(cls: type) -> tuple[set[str], dict[str, Any]]:
    """The keyword names the spec takes and their defaults."""
    try:
        # The class's own __init__: the stage-marking metaclass hides it behind (*args, **kwargs).
        params = list(inspect.signature(cls.__init__).parameters.values())[1:]
    except (TypeError, ValueError):  # pragma: no cover - every spec has a Python __init__
        return set(), {}
    named = {p.name for p in params if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)}
    return named, {p.name: p.default for p in params if p.default is not inspect.Parameter.empty}


def _same(value: Any, default: Any) -> bool:
    """``value`` (from the config) is what the default gives: Keras stores ``strides=1``
    as ``[1, 1]``, so a list of the default int is the default too."""
    def norm(v: Any) -> Any:
        return [norm(x) for x in v] if isinstance(v, (list, tuple)) else (type(v), v)
    if isinstance(value, list) and isinstance(default, int) and not isinstance(default, bool):
        return bool(value) and all(norm(v) == norm(default) for v in value)
    return norm(value) == norm(default)


def layer_arguments(cls_name: str, config: dict, where: str = "") -> dict[str, Any]:
    """The spec's keyword arguments from a layer's config (what can change a shape or a count).

    A key the spec does not take is left out when it is off (None or false: a feature of a
    newer Keras, unused) and refused otherwise, since it may change what the layer does.

    >>> layer_arguments("Conv2D", {"name": "c", "filters": 8, "kernel_size": [3, 3],
    ...     "strides": [1, 1], "kernel_initializer": {"class_name": "GlorotUniform"},
    ...     "new_feature": None})
    {'filters': 8, 'kernel_size': [3, 3]}
    """
    named, defaults = _signature(LAYERS[cls_name])
    out = {}
    for key, value in config.items():
        if key in _DROPPED or key.endswith(_DROPPED_SUFFIXES):
            continue
        if key not in named:
            if value is None or value is False:
                continue
            raise fail(f"{where}: {cls_name}'s config has {key}={value!r}, which conv-calc's "
                       f"{cls_name} does not take",
                       f"conv-calc's {cls_name} follows Keras 3.15's arguments; a newer Keras "
                       "option that changes the layer is not read")
        if key in defaults and (_same(value, defaults[key])
                                or EQUIVALENT.get(key) == (value, defaults[key])):
            continue
        out[key] = value
    return out


def _unknown(call: Call, reason: str = "") -> InputError:
    return fail(f"{call.where}: layer '{call.name}': Keras layer class {call.cls!r} is not "
                 f"supported{reason}",
                 "docs/keras.md lists the Keras layers conv-calc knows; a custom layer needs a "
                 "spec in conv_calc.keras (registered in conv_calc.keras.LAYERS)")


def _item(call: Call) -> dict[str, Any]:
    """The document item of one call, without `from:` and `save:`."""
    is_op = call.module.startswith("keras.src.ops") or call.module.startswith("keras.ops")
    if is_op and len(call.inputs) == 1 and call.cls in OPS_WITH_NUMBER:
        numbers = [n for n in call.numbers if isinstance(n, (int, float)) and not isinstance(n, bool)]
        if len(numbers) != 1 or len(call.numbers) != 1 or (
                call.cls in ("TrueDivide", "Divide") and (call.number_first or numbers[0] == 0)):
            # c / x is not x * scale + offset; x / 0 is no number
            raise _unknown(call, f" as keras.ops.{call.cls.lower()} on {call.numbers!r}"
                                 f"{' before the tensor' if call.number_first else ''}")
        if "Rescaling" not in LAYERS:
            raise _unknown(call, " (keras.ops with a number is written as Rescaling, which "
                                 "this conv-calc lacks)")
        call.kind = "op"
        scaling = OPS_WITH_NUMBER[call.cls](float(numbers[0]))
        if call.cls == "Subtract" and call.number_first:  # c - x
            scaling = {"scale": -1.0, "offset": float(numbers[0])}
        return {"Rescaling": scaling, "name": call.name}
    merge = MERGES.get(call.cls) if (len(call.inputs) > 1 or not is_op) else None
    merge = merge or SUM_LIKE.get(call.cls)
    if merge is not None:
        if len(call.inputs) < 2:
            raise fail(f"{call.where}: layer '{call.name}': {call.cls} on one tensor (Keras "
                        "gives it back unchanged) has no stack-file form",
                        "call the merge on two tensors or more, or leave it out of the model")
        if merge == "sub" and len(call.inputs) > 2:
            raise fail(f"{call.where}: layer '{call.name}': {call.cls} of {len(call.inputs)} "
                       "tensors; Keras's Subtract takes exactly two",
                       "subtract two tensors at a time")
        call.kind = "merge"
        item: dict[str, Any] = {merge: None, "name": call.name}
        if merge == "cat":
            axis = call.config.get("axis", -1)
            if axis != -1:
                item["dim"] = axis
        return item
    if call.cls not in LAYERS or is_op:
        raise _unknown(call, " (a keras.ops call)" if is_op else "")
    if len(call.inputs) != 1:
        raise fail(f"{call.where}: layer '{call.name}': {call.cls} is called on "
                    f"{len(call.inputs)} tensors", "conv-calc runs one-input layers on one tensor")
    args = layer_arguments(call.cls, call.config, f"{call.where}: layer '{call.name}'")
    return {call.cls: args, "name": call.name}


def _order(calls: list[Call], inputs: list[tuple], where: str) -> list[Call]:
    """The calls in a topological order, the config's own where it is one."""
    producer = {c.output: c for c in calls}
    for c in calls:
        for t in c.inputs:
            if t not in producer and t not in inputs:
                raise fail(f"{c.where}: layer '{c.name}' reads the output of "
                            f"'{t[1]}' (node {t[2]}, tensor {t[3]}), which no layer gives",
                            "the file's inbound_nodes are inconsistent; save the model again")
    done = set(inputs)
    order, pending = [], list(calls)
    while pending:
        # One pass in the config's order: a config that is already topological (as Keras
        # writes them) is kept as it is.
        rest = []
        for c in pending:
            if all(t in done for t in c.inputs):
                order.append(c)
                done.add(c.output)
            else:
                rest.append(c)
        if len(rest) == len(pending):
            c = rest[0]
            raise fail(f"{c.where}: layer '{c.name}' is in a cycle of inbound nodes",
                        "a Keras model is a graph without cycles; the file is damaged")
        pending = rest
    return order


def _call_names(items: list[tuple[Call, dict]]) -> None:
    """Rows of a layer's later calls: ``name_1``, ``name_2``, ... (as the walker would make
    them unique), or ``name_call1`` where the model has a layer called ``name_1`` itself."""
    layer_names = {c.name for c, _ in items}
    seen: dict[str, int] = {}
    taken = set(layer_names)
    for c, item in items:
        k = seen.get(c.name, 0)
        seen[c.name] = k + 1
        if k == 0:
            continue
        row = f"{c.name}_{k}" if f"{c.name}_{k}" not in taken else f"{c.name}_call{k}"
        while row in taken:
            row += "_"
        taken.add(row)
        item["name"] = row
        item["shares"] = c.name  # the same weights: counted at the first call, as Keras does


def _tensor_names(order: list[Call], inputs: list[tuple]) -> dict[tuple, str]:
    # The first input is the stack's `input`; the others keep their InputLayer names.
    names: dict[tuple, str] = {key: INPUT if i == 0 else key[1] for i, key in enumerate(inputs)}
    used = set(names.values())
    for c in order:
        base = c.name if c.output[2] == 0 else f"{c.name}_{c.output[2]}"
        name, k = base, 1
        while name in used:
            name, k = f"{base}_{k}", k + 1
        used.add(name)
        names[c.output] = name
    return names


def build_document(config: dict, where: str, origins: list[str] | None = None
                   ) -> tuple[dict[str, Any], list[str]]:
    """The stack document of a checked model config, and header lines on where it came from;
    ``origins``, when given, receives each item's Keras layer (and the call, for a layer
    called again) with its place in the config."""
    if config["class_name"] not in MODELS:
        raise fail(f"{where}: the top-level class is {config['class_name']!r}, not a model",
                    "give a saved Functional or Sequential model")
    r = Reader(where)
    outputs = [r.resolve(t) for t in r.model(config, "", "", None)]
    for c in r.calls:
        c.inputs = [r.resolve(t) for t in c.inputs]
    if not r.inputs:
        raise fail(f"{where}: the model has no input layer",
                   "the file does not look like one Keras wrote; save the model again")
    order = _order(r.calls, r.inputs, where)
    items = [(c, _item(c)) for c in order]
    _call_names(items)
    if origins is not None:
        calls: dict[str, int] = {}
        for c in order:
            k = calls[c.name] = calls.get(c.name, 0) + 1
            place = c.where.split(": ", 1)[-1]  # config.layers[3], without the file's name
            origins.append(f"Keras layer {c.name!r}" + (f" call {k}" if k > 1 else "")
                           + f", {place}")
    names = _tensor_names(order, r.inputs)
    for t in outputs:
        if t not in names:  # e.g. a layer listed as the output that is never called
            raise fail(f"{where}: the model's output {list(t[1:])} is made by no layer call",
                       "the file does not look like one Keras wrote; save the model again")
    position = {c.output: i for i, c in enumerate(order)}
    position[r.inputs[0]] = -1
    position.update({key: -2 for key in r.inputs[1:]})  # other inputs: always read by name
    last = order[-1].output if order else r.inputs[0]
    listed = len(outputs) > 1 or (bool(outputs) and outputs[0] != last)
    # A tensor is read by name unless its one reader is the very next item.
    by_name = set(outputs) if listed else set()
    for i, (c, item) in enumerate(items):
        for t in c.inputs:
            if c.kind == "merge" or position[t] != i - 1:
                by_name.add(t)
    layers = []
    current = r.inputs[0]
    for c, item in items:
        if c.kind == "merge":
            key = next(iter(item))
            item[key] = [names[t] for t in c.inputs]
        elif c.inputs[0] != current:
            item["from"] = names[c.inputs[0]]
        if c.output in by_name:
            item["save"] = names[c.output]
        current = c.output
        layers.append(item)
    document: dict[str, Any] = {"framework": "keras"}
    name = config["config"].get("name")
    if isinstance(name, str) and name:
        document["name"] = name
    shape = r.input_shapes[0]
    header = []
    if shape is not None and None not in shape[1:]:
        document["input"] = shape
    else:
        header.append(f"the model takes inputs of shape {shape}: give --input (e.g. None,224,224,3)")
    others = {}
    for key, other in zip(r.inputs[1:], r.input_shapes[1:]):
        if other is None or None in other[1:]:
            raise fail(f"{where}: the model's input '{key[1]}' has the shape {other}",
                       "conv-calc reads models whose other inputs have fixed sizes; build the "
                       "model with input shapes given")
        others[names[key]] = other
    if others:
        document["inputs"] = others
    document["layers"] = layers
    if listed:
        document["outputs"] = [names[t] for t in outputs]
    header.extend(_header_notes(r))
    return document, header


def _size_dependent(r: Reader) -> list[tuple[str, list, Any]]:
    """ZeroPadding2D layers padded (p - 1, p) on an axis: imagenet_utils.correct_pad's
    choice for an even input size (an odd one gives (p, p))."""
    found = []
    for c in r.calls:
        if c.cls != "ZeroPadding2D":
            continue
        pads = c.config.get("padding")
        shape = r.build_shapes.get(c.name)
        if not (isinstance(pads, list) and isinstance(shape, list) and len(shape) == 4):
            continue
        if any(isinstance(p, list) and len(p) == 2 and all(isinstance(v, int) for v in p)
               and p[1] - p[0] == 1 for p in pads):
            found.append((c.name, shape, pads))
    return found


def _header_notes(r: Reader) -> list[str]:
    notes = []
    dependent = _size_dependent(r)
    if dependent:
        names = ", ".join(n for n, _, _ in dependent[:6]) + (", ..." if len(dependent) > 6 else "")
        notes.append(f"{len(dependent)} ZeroPadding2D layers ({names}) pad one pixel more\n"
                     "after than before, as imagenet_utils.correct_pad does for the input size the\n"
                     "model was built at: keras.applications would pad otherwise at another size.\n"
                     "The file's padding is kept; conv-calc stack on the .keras file says where\n"
                     "another --input changes it.")
    for name, calls in _shared(r):
        notes.append(f"layer {name} is called {calls} times: one row per call, the later ones "
                     "with `shares:` (its parameters counted once, at its first call)")
    return notes


def _shared(r: Reader) -> list[tuple[str, int]]:
    return [(name, n) for name, n in r.count.items() if n > 1 and not name.startswith("model:")]


def graph_facts(config: dict, where: str) -> dict[str, Any]:
    """What :func:`conv_calc.interop.keras_file.size_notes` compares with an analysis."""
    r = Reader(where)
    r.model(config, "", "", None)
    return {"size_dependent": _size_dependent(r)}
