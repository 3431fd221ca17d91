"""An ONNX model read for the importer: its one input, every tensor's shape, its constants.

:func:`open_model` loads a ``.onnx`` file with the ``onnx`` package (imported here,
inside the function: it is an optional extra), fixes the input's shape (from the file
or from ``--input``) and runs ``onnx.shape_inference`` on it, so that every
converter can ask the shape of any tensor. Nodes whose inputs are all constants
(initializers, ``Constant`` nodes, the ``Shape`` of a tensor of known shape, and what
is computed from them: the shape arithmetic old exporters write before a
``Reshape``) are folded here: they become constants and no rows.

Weights are never read, only their dims: a file whose initializers hold no data
(the test files keep the dims and drop the numbers) reads the same.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from conv_calc.errors import InputError
from conv_calc.stackfile.files import check_regular, hint_for

__all__ = ["OnnxGraph", "Const", "open_model", "readable_name", "INSTALL_HINT"]

INSTALL_HINT = "install the ONNX extra: pip install 'conv-calc[onnx]' (or pip install onnx)"

#: Ops folded when all their inputs are constants (shape arithmetic, not layers).
_FOLDABLE = frozenset({
    "Constant", "Shape", "Gather", "Unsqueeze", "Squeeze", "Concat", "Cast", "Slice",
    "Add", "Sub", "Mul", "Div", "Identity", "Reshape", "ConstantOfShape", "Range",
    "Floor", "Ceil", "Sqrt", "Neg", "Equal", "Where", "ReduceProd", "Expand", "Transpose",
    "Size", "Max", "Min", "Abs", "Flatten", "Not", "Less", "Greater", "Pow"})


@dataclass
class Const:
    """A tensor known before the network runs: its dims, and its value when readable."""

    shape: tuple[int, ...]
    value: Any = None  # a numpy array, or None (weights whose numbers were not read)


@dataclass
class OnnxGraph:
    """What the converters read: nodes, shapes, constants and who consumes what."""

    path: str
    input_name: str
    input_shape: tuple[int, ...]
    nodes: list[Any]
    outputs: list[str]
    opset: int
    producer: str
    shapes: dict[str, tuple[int, ...] | None] = field(default_factory=dict)
    consts: dict[str, Const] = field(default_factory=dict)
    initializers: dict[str, tuple[int, ...]] = field(default_factory=dict)
    folded: set[int] = field(default_factory=set)

    def shape(self, name: str) -> tuple[int, ...] | None:
        """The inferred shape of a tensor (None when shape inference could not tell)."""
        if name in self.consts:
            return self.consts[name].shape
        return self.shapes.get(name)

    def value(self, name: str) -> Any:
        """The numbers of a constant tensor, or None."""
        const = self.consts.get(name)
        return None if const is None else const.value


def _fail_load(path: str, err: Exception) -> InputError:
    return InputError(
        f"{path} is not a readable ONNX model ({type(err).__name__}: {err})",
        "give a complete .onnx file as torch.onnx.export or another exporter writes it; "
        "a truncated download or a file of another format reads like this")


def open_model(path: str, input_shape: tuple[int, ...] | None = None) -> OnnxGraph:
    """Load ``path``, fix its input shape, infer every tensor's shape, fold constants."""
    try:
        # onnx.load would block on a FIFO and read a device without end: refused first.
        check_regular(path)
    except OSError as err:
        raise InputError(f"cannot read {path}: {err.strerror or err}", hint_for(err)) from err
    try:
        import onnx
    except ImportError as err:
        raise InputError(f"reading {path} needs the onnx package, which is not installed",
                         INSTALL_HINT) from err
    try:
        model = onnx.load(path, load_external_data=False)
    except OSError as err:
        raise InputError(f"cannot read {path}: {err.strerror or err}",
                         "check the path and its permissions.") from err
    except Exception as err:  # protobuf's DecodeError and its relatives
        raise _fail_load(path, err) from err
    graph = model.graph
    if not model.HasField("graph") or not graph.node:
        raise InputError(f"{path} holds no ONNX graph (no nodes)",
                         "give a model file as an exporter writes it (torch.onnx.export).")
    _check_text(path, graph)
    _check_order(path, graph)
    opset = max((o.version for o in model.opset_import if o.domain in ("", "ai.onnx")),
                default=0)
    initializers = {t.name: tuple(int(d) for d in t.dims) for t in graph.initializer}
    inputs = [i for i in graph.input if i.name not in initializers]
    if len(inputs) != 1:
        names = ", ".join(i.name for i in inputs) or "none"
        raise InputError(f"{path}: the graph has {len(inputs)} inputs ({names})",
                         "conv-calc reads networks with one input tensor.")
    name, shape = inputs[0].name, _input_dims(path, inputs[0], input_shape)
    # Inference on a copy whose input is the fixed shape; the file's own intermediate
    # shapes (value_info) are dropped: they were written for the export's input size.
    work = onnx.ModelProto()
    work.CopyFrom(model)
    del work.graph.value_info[:]
    for out in work.graph.output:
        out.type.tensor_type.ClearField("shape")
    dims = next(i for i in work.graph.input if i.name == name).type.tensor_type.shape
    dims.ClearField("dim")
    for size in shape:
        dims.dim.add().dim_value = size
    work = _infer(work)
    result = OnnxGraph(path=path, input_name=name, input_shape=shape,
                       nodes=list(work.graph.node), outputs=[o.name for o in graph.output],
                       opset=opset, producer=f"{model.producer_name} {model.producer_version}"
                       .strip(), initializers=initializers)
    for tensor in graph.initializer:
        result.consts[tensor.name] = Const(initializers[tensor.name], _array(tensor))
    for _ in range(8):
        _read_shapes(result, work)
        if not _fold(result, opset):
            break
        # Shape arithmetic onnx's inference does not follow (the TorchScript exporter's
        # pad lists): put the folded values in as initializers and infer again.
        work = _infer(_with_constants(work, result))
    return result


def _check_text(path: str, graph: Any) -> None:
    """Names are UTF-8 in a valid file; protobuf hands back bytes for damaged ones."""
    names = [graph.name, *(i.name for i in graph.input), *(o.name for o in graph.output),
             *(t.name for t in graph.initializer)]
    for node in graph.node:
        names += [node.name, node.op_type, node.domain, *node.input, *node.output]
    if any(not isinstance(n, str) for n in names):
        raise InputError(f"{path} is not a readable ONNX model (a name is not UTF-8 text)",
                         "the file is damaged: re-export or download it again")


def _check_order(path: str, graph: Any) -> None:
    """Every node reads tensors made before it (ONNX files are in topological order): a
    cycle or a missing initializer is refused here, not written as a file that cannot be
    read back."""
    made = {i.name for i in graph.input} | {t.name for t in graph.initializer} | {""}
    for node in graph.node:
        missing = next((t for t in node.input if t not in made), None)
        if missing is not None:
            raise InputError(
                f"{path}: node {node.name!r} ({node.op_type}) reads {missing!r}, which no "
                "earlier node, input or initializer makes",
                "the graph has a cycle, nodes out of order or a missing initializer: "
                "re-export the model (torch.onnx.export writes nodes in order)")
        made.update(node.output)


def _infer(model: Any) -> Any:
    from onnx import shape_inference

    try:
        return shape_inference.infer_shapes(model, strict_mode=True, data_prop=True)
    except Exception:  # noqa: BLE001 - a shape onnx rejects: conv-calc's analysis names it
        pass
    try:
        return shape_inference.infer_shapes(model, strict_mode=False, data_prop=True)
    except Exception as err:  # noqa: BLE001 - a graph onnx itself cannot read
        raise InputError(f"onnx's shape inference cannot read the graph: {err}",
                         "check the file with onnx.checker.check_model; re-export it") from err


def _read_shapes(graph: OnnxGraph, model: Any) -> None:
    for info in [*model.graph.value_info, *model.graph.output, *model.graph.input]:
        dims = _dims(info)
        if dims is not None or info.name not in graph.shapes:
            graph.shapes[info.name] = dims


def _with_constants(model: Any, graph: OnnxGraph) -> Any:
    """A copy of ``model`` whose folded values are initializers, without the nodes."""
    import onnx
    from onnx import numpy_helper

    out = onnx.ModelProto()
    out.CopyFrom(model)
    known = {t.name for t in out.graph.initializer}
    for name, const in graph.consts.items():
        if name not in known and const.value is not None:
            out.graph.initializer.append(numpy_helper.from_array(const.value, name))
    done = {o for n in (graph.nodes[i] for i in graph.folded) for o in n.output}
    kept = [n for n in out.graph.node
            if not (set(n.output) <= done and all(o in graph.consts and
                                                  graph.consts[o].value is not None
                                                  for o in n.output if o))]
    del out.graph.node[:]
    out.graph.node.extend(kept)
    del out.graph.value_info[:]
    return out


def _input_dims(path: str, info: Any, given: tuple[int, ...] | None) -> tuple[int, ...]:
    dims = info.type.tensor_type.shape.dim
    if given is not None:
        if len(given) != len(dims):
            raise InputError(f"--input has {len(given)} dims, but {path}'s input "
                             f"{info.name!r} has {len(dims)}",
                             f"give a shape of {len(dims)} dims (NCHW order, as the file).")
        return tuple(given)
    sizes = [d.dim_value if d.HasField("dim_value") else None for d in dims]
    if not dims or any(s is None or s < 1 for s in sizes):
        shown = "x".join(str(d.dim_value) if d.HasField("dim_value") else (d.dim_param or "?")
                         for d in dims) or "unknown"
        raise InputError(f"{path}: the input {info.name!r} has a dynamic shape ({shown})",
                         "give the shape to analyse with --input, e.g. --input 1x3x224x224.")
    return tuple(sizes)


def _dims(info: Any) -> tuple[int, ...] | None:
    tensor_type = info.type.tensor_type
    if not tensor_type.HasField("shape"):
        return None
    sizes = []
    for dim in tensor_type.shape.dim:
        if not dim.HasField("dim_value"):
            return None
        sizes.append(int(dim.dim_value))
    return tuple(sizes)


def _array(tensor: Any) -> Any:
    """An initializer's numbers; None for external or stripped data (only dims are needed)."""
    from onnx import numpy_helper

    try:
        return numpy_helper.to_array(tensor)
    except Exception:  # noqa: BLE001 - external data not loaded, or the numbers stripped
        return None


def _fold(graph: OnnxGraph, opset: int) -> bool:
    """Fold nodes whose inputs are all constants into constants (they make no rows)."""
    import numpy as np

    new = False
    for index, node in enumerate(graph.nodes):
        if index in graph.folded or node.domain not in ("", "ai.onnx") or node.op_type not in _FOLDABLE:
            continue
        inputs = [n for n in node.input if n]
        if node.op_type == "Shape" and inputs and graph.shape(inputs[0]) is not None:
            shape = graph.shape(inputs[0])
            start, end = _attr(node, "start", 0), _attr(node, "end", len(shape))
            value = np.array(shape[slice(start, end)], dtype=np.int64)
        elif all(n in graph.consts for n in inputs):
            value = _evaluate(node, graph, opset)
        else:
            continue
        graph.folded.add(index)
        new = True
        outs = [o for o in node.output if o]
        values = value if isinstance(value, list) else [value] * len(outs)
        for out, val in zip(outs, values):
            dims = graph.shapes.get(out)
            if val is not None:
                dims = tuple(int(d) for d in np.shape(val))
            graph.consts[out] = Const(dims or (), val)
    return new


def _evaluate(node: Any, graph: OnnxGraph, opset: int) -> Any:
    """Run one node on constant inputs with onnx's reference evaluator; None if unreadable."""
    if node.op_type == "Constant" or all(graph.value(n) is not None for n in node.input if n):
        try:
            from onnx import helper
            from onnx.reference import ReferenceEvaluator

            feeds = {n: graph.value(n) for n in node.input if n}
            # A one-node model, so that the node runs in the file's opset (Unsqueeze's
            # axes are an attribute before opset 13, an input after).
            inputs = [helper.make_tensor_value_info(
                n, helper.np_dtype_to_tensor_dtype(v.dtype), v.shape) for n, v in feeds.items()]
            outputs = [helper.make_tensor_value_info(o, 0, None) for o in node.output if o]
            model = helper.make_model(helper.make_graph([node], "fold", inputs, outputs),
                                      opset_imports=[helper.make_opsetid("", opset)])
            return list(ReferenceEvaluator(model).run(None, feeds))
        except Exception:  # noqa: BLE001 - not evaluable here: the shape is still known
            return None
    return None


def _attr(node: Any, name: str, default: Any) -> Any:
    from onnx import helper

    for attribute in node.attribute:
        if attribute.name == name:
            return helper.get_attribute_value(attribute)
    return default


def readable_name(node: Any) -> str:
    """A row name from an ONNX node: its module path where the exporter wrote one.

    torch's TorchScript exporter names nodes ``/layer1/layer1.0/conv1/Conv`` (the module
    path, then the op); the dynamo exporter ``node_Conv_28`` with the module path in
    the ``pkg.torch.onnx.name_scopes`` metadata. Names without a path read as the op,
    in lower case (``add``), as torch.fx names a function call.

    >>> from types import SimpleNamespace as Node
    >>> readable_name(Node(name="/layer1/layer1.0/conv1/Conv", op_type="Conv"))
    'layer1.0.conv1'
    >>> readable_name(Node(name="/GlobalAveragePool_1", op_type="GlobalAveragePool"))
    'global_average_pool'
    >>> scopes = Node(key="pkg.torch.onnx.name_scopes", value="['', 'se', 'se.0', 'conv2d']")
    >>> readable_name(Node(name="node_Conv_3", op_type="Conv", metadata_props=[scopes]))
    'se.0'
    >>> readable_name(Node(name="", op_type="Relu"))
    'relu'
    """
    for prop in getattr(node, "metadata_props", ()):
        if prop.key == "pkg.torch.onnx.name_scopes" and isinstance(prop.value, str):
            scopes = re.findall(r"'([^']*)'", prop.value)
            path = _join_scopes(scopes[1:-1])
            if path:
                return path
            if scopes:
                return _snake(scopes[-1])
    name = node.name or ""
    if name.startswith("/"):
        segments = [s for s in name.split("/") if s]
        path = _join_scopes(segments[:-1])
        if path:
            return path
        return _snake(re.sub(r"_\d+$", "", segments[-1])) if segments else _snake(node.op_type)
    if name.startswith("node_"):
        name = re.sub(r"_\d+$", "", name[len("node_"):])
        return _snake(name) if name else _snake(node.op_type)
    return name or _snake(node.op_type)


def _join_scopes(scopes: list[str]) -> str:
    path = ""
    for scope in scopes:
        if not scope:
            continue
        path = scope if (not path or scope.startswith(path + ".")) else f"{path}.{scope}"
    return path


def _snake(text: str) -> str:
    """``GlobalAveragePool`` -> ``global_average_pool``; ``relu`` stays."""
    text = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", text).lower()
    return re.sub(r"[^a-z0-9_.]+", "_", text).strip("_") or "node"
