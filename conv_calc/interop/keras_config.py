"""A Keras model configuration walked into layer calls: what each call reads and gives.

:class:`Reader` reads the JSON Keras 3 writes (``config.json`` in a ``.keras`` zip, or
``model.to_json()``) for :mod:`conv_calc.interop.keras_graph`: a ``Sequential`` model
(layers in order) or a ``Functional`` one (each layer's ``inbound_nodes``: the tensors
a call reads, by ``keras_history = [layer, node, tensor]``; Keras 2's
``[[layer, node, tensor, kwargs]]`` too). Nested models are flattened: their layers
become calls of their own, their inputs and outputs aliases of the outer tensors.
A tensor is the key ``(scope, layer name, node index, tensor index)``. Every check
failing is an :class:`~conv_calc.errors.InputError` naming the place in the file.

>>> r = Reader("m.json")
>>> outs = r.model({"class_name": "Sequential", "config": {"layers": [
...     {"class_name": "InputLayer", "config": {"batch_shape": [None, 8, 3]}},
...     {"class_name": "ReLU", "config": {"name": "r"}}]}}, "", "", None)
>>> [(c.name, c.cls, c.inputs, c.output) for c in r.calls], outs
([('r', 'ReLU', [('', 'input', 0, 0)], ('', 'r', 0, 0))], [('', 'r', 0, 0)])
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from conv_calc.errors import InputError

__all__ = ["INPUT", "MAX_CALLS", "MODELS", "Call", "Reader", "fail", "tensor_ref"]

MODELS = ("Functional", "Model", "Sequential")
#: Most layer calls read (repeats of nested models included).
MAX_CALLS = 1_000_000
INPUT = "input"


def tensor_ref(name: str, node: int = 0, index: int = 0) -> dict:
    """A Keras 3 tensor reference as config.json writes it (for examples and tests)."""
    return {"class_name": "__keras_tensor__",
            "config": {"shape": None, "keras_history": [name, node, index]}}


def fail(message: str, hint: str) -> InputError:
    return InputError(message, hint=hint)


@dataclass
class Call:
    """One call of a layer: what it reads and the tensor it gives (``(scope, layer, node, i)``)."""

    name: str
    cls: str
    config: dict
    where: str
    inputs: list = field(default_factory=list)     # tensor keys
    numbers: list = field(default_factory=list)    # non-tensor positional args
    number_first: bool = False                     # ops.subtract(3.0, x), not (x, 3.0)
    output: tuple = ()
    kind: str = "layer"                            # layer, merge, op
    module: str = ""


def _mapping(value: Any) -> dict:
    """``value`` if it is a JSON object, else an empty one: a damaged file's ``config``
    may be anything, and what is looked up in it is then simply missing."""
    return value if isinstance(value, dict) else {}


def _holds_tensor(value: Any) -> bool:
    if isinstance(value, dict):
        return value.get("class_name") == "__keras_tensor__" or any(
            _holds_tensor(v) for v in value.values())
    if isinstance(value, list):
        return any(_holds_tensor(v) for v in value)
    return False


class Reader:
    """Walks a checked config into calls, flattening nested models."""

    def __init__(self, where: str) -> None:
        self.where = where
        self.calls: list[Call] = []
        self.inputs: list[tuple] = []        # model input tensor keys
        self.input_shapes: list[list] = []
        self.outputs: list[tuple] = []
        self.alias: dict[tuple, tuple] = {}  # a nested model's tensors -> the outer ones
        self.count: dict[str, int] = {}      # calls per layer name (shared layers)
        self.build_shapes: dict[str, Any] = {}

    # ---------------------------------------------------------------- checks

    def expect(self, value: Any, kind: type, what: str, where: str) -> Any:
        if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
            raise fail(f"{self.where}: {where}: {what} must be a {kind.__name__}, "
                        f"got {type(value).__name__}",
                        "the file does not look like one Keras wrote; save the model again")
        return value

    def key(self, scope: str, history: Any, where: str) -> tuple:
        if not (isinstance(history, list) and len(history) >= 3
                and isinstance(history[0], str)
                and all(isinstance(v, int) and not isinstance(v, bool) for v in history[1:3])):
            raise fail(f"{self.where}: {where}: a tensor reference must be "
                        f"[layer name, node index, tensor index], got {history!r}",
                        "the file does not look like one Keras wrote; save the model again")
        return (scope, history[0], history[1], history[2])

    def resolve(self, key: tuple) -> tuple:
        """A nested model's tensor as the outer graph knows it (its input: the outer tensor
        it was called on; a call of it: its output layer's tensor)."""
        seen = 0
        while key in self.alias and seen <= len(self.alias):
            key, seen = self.alias[key], seen + 1
        return key

    # ---------------------------------------------------------------- models

    def model(self, config: dict, where: str, scope: str, inputs: list | None) -> list[tuple]:
        """Read a model; returns its output tensor keys. ``inputs``: outer tensors fed to it."""
        cls = config.get("class_name")
        body = self.expect(config.get("config"), dict, "config", where)
        layers = self.expect(body.get("layers"), list, "config.layers", where)
        if cls == "Sequential":
            return self.sequential(layers, f"{where}.config.layers".lstrip("."), scope, inputs, body)
        return self.functional(body, layers, f"{where}.config".lstrip("."), scope, inputs)

    def sequential(self, layers: list, where: str, scope: str, inputs: list | None,
                   body: dict) -> list[tuple]:
        start = 0
        if inputs is None:
            shape = body.get("build_input_shape")
            if layers and isinstance(layers[0], dict) and layers[0].get("class_name") == "InputLayer":
                cfg = self.expect(layers[0].get("config"), dict, "config", f"{where}[0]")
                shape = cfg.get("batch_shape", cfg.get("batch_input_shape", shape))
                start = 1
            current = (scope, INPUT, 0, 0)
            self.model_input(current, shape, where)
        else:
            if len(inputs) != 1:
                raise fail(f"{self.where}: {where}: a Sequential model called on "
                            f"{len(inputs)} tensors", "a Sequential model takes one input")
            current = inputs[0]
            if layers and isinstance(layers[0], dict) and layers[0].get("class_name") == "InputLayer":
                start = 1
        for i in range(start, len(layers)):
            here = f"{where}[{i}]"
            layer = self.expect(layers[i], dict, "a layer", here)
            name = self.layer_name(layer, here)
            if layer.get("class_name") in MODELS:
                (current,) = self.nested(layer, here, scope, [current], name)
                continue
            call = self.new_call(layer, name, here)
            call.inputs = [current]
            call.output = (scope, name, self.count[name] - 1, 0)
            self.calls.append(call)
            current = call.output
        return [current]

    def functional(self, body: dict, layers: list, where: str, scope: str,
                   inputs: list | None) -> list[tuple]:
        ins = self.refs(body.get("input_layers"), f"{where}.input_layers")
        outs = self.refs(body.get("output_layers"), f"{where}.output_layers")
        names = set()
        for i, layer in enumerate(layers):
            here = f"{where}.layers[{i}]"
            layer = self.expect(layer, dict, "a layer", here)
            names.add(self.layer_name(layer, here))
        for ref in ins + outs:
            if ref[0] not in names:
                raise fail(f"{self.where}: {where}: the model's inputs or outputs name the layer "
                            f"'{ref[0]}', which is not in config.layers",
                            "the file does not look like one Keras wrote; save the model again")
        if inputs is not None:
            if len(inputs) != len(ins):
                raise fail(f"{self.where}: {where}: a nested model with {len(ins)} inputs "
                            f"called on {len(inputs)} tensors",
                            "the file does not look like one Keras wrote; save the model again")
            for ref, outer in zip(ins, inputs):
                self.alias[(scope, ref[0], ref[1], ref[2])] = outer
        for i, layer in enumerate(layers):
            here = f"{where}.layers[{i}]"
            name = self.layer_name(layer, here)
            if layer.get("class_name") == "InputLayer":
                if inputs is None:
                    cfg = self.expect(layer.get("config"), dict, "config", here)
                    shape = cfg.get("batch_shape", cfg.get("batch_input_shape"))
                    self.model_input((scope, name, 0, 0), shape, here)
                continue
            nodes = self.expect(layer.get("inbound_nodes", []), list, "inbound_nodes", here)
            for n, node in enumerate(nodes):
                reads, numbers, number_first = self.node_args(node, scope,
                                                              f"{here}.inbound_nodes[{n}]")
                if layer.get("class_name") in MODELS:
                    outs_inner = self.nested(layer, here, scope, reads, name)
                    for t, key in enumerate(outs_inner):
                        self.alias[(scope, name, n, t)] = key
                    continue
                call = self.new_call(layer, name, here)
                call.inputs, call.numbers, call.number_first = reads, numbers, number_first
                call.output = (scope, name, n, 0)
                self.calls.append(call)
        return [(scope, *ref) for ref in outs]

    def nested(self, layer: dict, where: str, scope: str, reads: list, name: str) -> list[tuple]:
        k = self.count.get(f"model:{name}", 0)
        self.count[f"model:{name}"] = k + 1
        inner_scope = f"{scope}/{name}#{k}"
        return self.model(layer, where, inner_scope, reads)

    def model_input(self, key: tuple, shape: Any, where: str) -> None:
        if shape is not None and not (isinstance(shape, list) and all(
                d is None or isinstance(d, int) and not isinstance(d, bool) and d >= 0
                for d in shape)):
            raise fail(f"{self.where}: {where}: the input shape must be a list of sizes or "
                        f"nulls, got {shape!r}",
                        "the file does not look like one Keras wrote; save the model again")
        self.inputs.append(key)
        self.input_shapes.append(shape)

    def refs(self, value: Any, where: str) -> list[tuple]:
        if isinstance(value, dict) and "class_name" not in value:
            value = list(value.values())  # keras.Model({"a": x, "b": y}, ...): in key order
        if isinstance(value, list) and value and isinstance(value[0], str):
            value = [value]
        if not isinstance(value, list) or not value:
            raise fail(f"{self.where}: {where} must list [layer name, node, tensor] references, "
                        f"got {value!r}", "the file does not look like one Keras wrote")
        out = []
        for ref in value:
            if isinstance(ref, dict):  # Keras 3.x may write a keras tensor here too
                ref = _mapping(ref.get("config")).get("keras_history")
            out.append(tuple(self.key("", ref, where)[1:]))
        return out

    def layer_name(self, layer: dict, where: str) -> str:
        name = layer.get("name", _mapping(layer.get("config")).get("name"))
        if not isinstance(name, str) or not name:
            raise fail(f"{self.where}: {where}: a layer without a name",
                        "the file does not look like one Keras wrote; save the model again")
        self.expect(layer.get("class_name"), str, "class_name", where)
        return name

    def new_call(self, layer: dict, name: str, where: str) -> Call:
        config = self.expect(layer.get("config"), dict, "config", where)
        self.count[name] = self.count.get(name, 0) + 1
        if len(self.calls) >= MAX_CALLS:
            raise fail(f"{self.where}: over {MAX_CALLS} layer calls",
                        "a model that large is more than conv-calc reads")
        build = layer.get("build_config")
        if isinstance(build, dict) and name not in self.build_shapes:
            self.build_shapes[name] = build.get("input_shape")
        return Call(name, layer["class_name"], config, f"{self.where}: {where}", module=str(layer.get("module") or ""))

    def node_args(self, node: Any, scope: str, where: str) -> tuple[list, list, bool]:
        """The tensors a call reads (in order), its other positional arguments, and whether
        one of those comes before the first tensor (``ops.subtract(3.0, x)``)."""
        if isinstance(node, list):  # Keras 2: [[layer, node, tensor, kwargs], ...]
            return [self.key(scope, ref, where) for ref in node], [], False
        node = self.expect(node, dict, "an inbound node", where)
        args = self.expect(node.get("args", []), list, "args", where)
        reads, numbers, number_first = [], [], False
        for arg in args:
            items = arg if isinstance(arg, list) else [arg]
            for item in items:
                if isinstance(item, dict) and item.get("class_name") == "__keras_tensor__":
                    cfg = self.expect(item.get("config"), dict, "config", where)
                    reads.append(self.key(scope, cfg.get("keras_history"), where))
                else:
                    number_first = number_first or not reads
                    numbers.append(item)
        kwargs = self.expect(node.get("kwargs") or {}, dict, "kwargs", where)
        tensors_by_keyword = sorted(key for key, value in kwargs.items()
                                    if _holds_tensor(value))
        if tensors_by_keyword:
            raise fail(f"{self.where}: {where}: the call reads tensors through its keyword "
                       f"arguments ({', '.join(tensors_by_keyword)})",
                       "conv-calc runs layers on the tensors passed positionally (attention "
                       "layers with value=... are not read)")
        if not reads:
            raise fail(f"{self.where}: {where}: a call that reads no tensor",
                        "the file does not look like one Keras wrote; save the model again")
        return reads, numbers, number_first
