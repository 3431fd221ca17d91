"""ONNX operators as rows, continued: activations, merges, pads, resizes, reshapes.

Also the helpers every converter shares: :func:`attrs` (a node's attributes as
Python values), :func:`const_ints` (an input that must be a constant in the file),
:func:`spatial_pads` (explicit ``pads`` or ``auto_pad``, per axis) and
:func:`unsupported` (the refusal naming the op and the node). Each converter here
returns ``(item, flow, output, named, suffix)`` tuples (see ``onnx_ops.Step``).
"""

from __future__ import annotations

import math
from typing import Any

from conv_calc.autopad import auto_pad
from conv_calc.errors import InputError
from conv_calc.interop.onnx_graph import OnnxGraph

__all__ = ["MORE", "attrs", "const_ints", "spatial_pads", "unsupported"]

Row = tuple[Any, "str | None", str, tuple, str]


def unsupported(node: Any, what: str = "") -> InputError:
    """The refusal for a node conv-calc cannot write as rows."""
    detail = f": {what}" if what else ""
    return InputError(
        f"ONNX op {node.op_type} (node {node.name!r}) is not supported{detail}",
        "conv-calc reads the conv-net ops listed in docs/import.md; export the part of the "
        "model before this node, or write the stack file by hand")


def attrs(node: Any) -> dict[str, Any]:
    """A node's attributes as Python values (strings decoded)."""
    from onnx import helper

    out = {}
    for attribute in node.attribute:
        value = helper.get_attribute_value(attribute)
        out[attribute.name] = value.decode() if isinstance(value, bytes) else value
    return out


def const_ints(graph: OnnxGraph, node: Any, index: int) -> list[int]:
    """Input ``index`` of ``node`` as ints: it must be a constant readable from the file."""
    name = node.input[index] if len(node.input) > index else ""
    value = graph.value(name) if name else None
    if value is None:
        raise unsupported(node, f"its input {name!r} is computed while the network runs")
    return [int(v) for v in value.reshape(-1)]


def const_floats(graph: OnnxGraph, node: Any, index: int) -> list[float] | None:
    name = node.input[index] if len(node.input) > index else ""
    if not name:
        return None
    value = graph.value(name)
    if value is None:
        raise unsupported(node, f"its input {name!r} is computed while the network runs")
    return [float(v) for v in value.reshape(-1)]


def spatial_pads(graph: OnnxGraph, node: Any, a: dict, kernel: list[int], strides: list[int],
                 dilations: list[int]) -> tuple[list[int], list[int]]:
    """(begin, end) pads per spatial axis: ``pads``, or ``auto_pad`` at the input's size."""
    n = len(kernel)
    mode = a.get("auto_pad", "NOTSET")
    if mode in ("SAME_UPPER", "SAME_LOWER", "VALID"):
        shape = graph.shape(node.input[0])
        if shape is None:
            raise unsupported(node, "auto_pad on an input of unknown shape")
        pads = list(auto_pad(mode, shape[2:], kernel, strides, dilations))
    else:
        pads = list(a.get("pads", [0] * 2 * n))
    return [int(p) for p in pads[:n]], [int(p) for p in pads[n:]]


def _shape(graph: OnnxGraph, node: Any) -> tuple[int, ...]:
    shape = graph.shape(node.input[0])
    if shape is None:
        raise unsupported(node, "an input whose shape onnx's shape inference leaves unknown")
    return shape


def _one(item: Any) -> Any:
    def convert(graph: OnnxGraph, node: Any) -> list[Row]:
        return [(item, node.input[0], node.output[0], (), "")]
    return convert


def _with(cls: str, **names: tuple[str, Any]) -> Any:
    """A layer whose torch arguments come from ONNX attributes (written when not default)."""
    def convert(graph: OnnxGraph, node: Any) -> list[Row]:
        a = attrs(node)
        args = {}
        for arg, (onnx_name, default) in names.items():
            value = a.get(onnx_name, default)
            if value != default:
                args[arg] = float(value) if isinstance(value, float) else value
        return [({cls: args} if args else cls, node.input[0], node.output[0], (), "")]
    return convert


def _softmax(cls: str) -> Any:
    def convert(graph: OnnxGraph, node: Any) -> list[Row]:
        axis = attrs(node).get("axis", -1 if graph.opset >= 13 else 1)
        if graph.opset < 13 and axis % len(_shape(graph, node)) != len(_shape(graph, node)) - 1:
            raise unsupported(node, f"axis {axis} before opset 13 (a softmax over the "
                                    "flattened trailing dims)")
        return [({cls: {"dim": axis}}, node.input[0], node.output[0], (), "")]
    return convert


def _clip(graph: OnnxGraph, node: Any) -> list[Row]:
    a = attrs(node)
    low = a.get("min") if "min" in a else (const_floats(graph, node, 1) or [None])[0]
    high = a.get("max") if "max" in a else (const_floats(graph, node, 2) or [None])[0]
    if low == 0 and high == 6:
        item: Any = "ReLU6"
    elif low is None and high is None:
        item = "Identity"
    else:
        item = {"Hardtanh": {"min_val": float(-math.inf if low is None else low),
                             "max_val": float(math.inf if high is None else high)}}
    return [(item, node.input[0], node.output[0], (), "")]


def _prelu(graph: OnnxGraph, node: Any) -> list[Row]:
    slope = graph.consts.get(node.input[1])
    if slope is None:
        raise unsupported(node, "a slope computed while the network runs")
    count = math.prod(slope.shape)
    return [({"PReLU": {"num_parameters": count}} if count != 1 else "PReLU",
             node.input[0], node.output[0], (), "")]


def _binary(word: str) -> Any:
    def convert(graph: OnnxGraph, node: Any) -> list[Row]:
        left, right = node.input[0], node.input[1]
        consts = [t for t in (left, right) if t in graph.consts]
        if not consts:
            return [({word: [left, right]}, None, node.output[0], (left, right), "")]
        if len(consts) == 2:
            raise unsupported(node, "two constant operands")
        const = graph.consts[consts[0]]
        data = right if consts[0] == left else left
        rank = len(_shape(graph, node))
        if math.prod(const.shape) == 1 and len(const.shape) <= rank:
            # A scalar leaves the shape as it is (x * 0.5): no parameters, no new axes.
            return [("Identity", data, node.output[0], (), "")]
        # A constant tensor from the file, broadcast with the data (torch's rule and
        # message): LayerScale, whose parameters are the constant's elements.
        return [({"LayerScale": {"shape": list(const.shape)}}, data, node.output[0], (), "")]
    return convert


def _concat(graph: OnnxGraph, node: Any) -> list[Row]:
    names = [t for t in node.input if t]
    if any(t in graph.consts for t in names):
        raise unsupported(node, "a constant operand")
    axis = attrs(node).get("axis", 1)
    if len(names) == 1:
        return [("Identity", names[0], node.output[0], (), "")]
    item = {"cat": names}
    if axis != 1:
        item["dim"] = axis
    return [(item, None, node.output[0], tuple(names), "")]


_PAD_MODES = {"constant": "Zero", "reflect": "Reflection", "edge": "Replication",
              "wrap": "Circular"}


def _pad(graph: OnnxGraph, node: Any) -> list[Row]:
    a = attrs(node)
    mode = a.get("mode", "constant")
    if mode not in _PAD_MODES:
        raise unsupported(node, f"mode {mode!r}")
    rank = len(_shape(graph, node))
    if graph.opset >= 11:
        pads = const_ints(graph, node, 1)
        value = (const_floats(graph, node, 2) or [0.0])[0] if len(node.input) > 2 else 0.0
        axes = (const_ints(graph, node, 3) if len(node.input) > 3 and node.input[3]
                else list(range(rank)))
    else:
        pads, value, axes = list(a["pads"]), float(a.get("value", 0.0)), list(range(rank))
    begin, end = [0] * rank, [0] * rank
    for k, axis in enumerate(axes):
        begin[axis % rank], end[axis % rank] = pads[k], pads[k + len(axes)]
    padded = [i for i in range(rank) if begin[i] or end[i]]
    first = min(padded, default=rank)
    n = rank - 2 if first >= 2 else rank - first
    if not 1 <= n <= 3 or rank - n not in (1, 2):
        raise unsupported(node, f"pads {pads} on a {rank}-d input (torch's pad layers pad "
                                "the last 1 to 3 dims)")
    padding: list[int] = []
    for axis in reversed(range(rank - n, rank)):
        padding += [int(begin[axis]), int(end[axis])]
    kind = _PAD_MODES[mode]
    if kind == "Zero" and value != 0:
        item: Any = {f"ConstantPad{n}d": {"padding": padding, "value": float(value)}}
    else:
        item = {f"{kind}Pad{n}d": {"padding": padding}}
    return [(item, node.input[0], node.output[0], (), "")]


_LINEAR = {1: "linear", 2: "bilinear", 3: "trilinear"}


def _resize(graph: OnnxGraph, node: Any) -> list[Row]:
    a = attrs(node)
    shape = _shape(graph, node)
    n = len(shape) - 2
    if not 1 <= n <= 3:
        raise unsupported(node, f"an input of {len(shape)} dims")
    if a.get("antialias", 0) or "axes" in a or a.get("keep_aspect_ratio_policy",
                                                     "stretch") != "stretch":
        raise unsupported(node, "antialias, axes or keep_aspect_ratio_policy")
    ctm = a.get("coordinate_transformation_mode", "half_pixel" if graph.opset >= 11
                else "asymmetric")
    if ctm == "tf_crop_and_resize":
        raise unsupported(node, "coordinate_transformation_mode tf_crop_and_resize")
    if node.op_type == "Upsample" and "scales" in a:
        scales, sizes = list(a["scales"]), None
    elif node.op_type == "Upsample" or graph.opset < 11:
        scales, sizes = const_floats(graph, node, 1), None
    else:
        scales = const_floats(graph, node, 2) if len(node.input) > 2 else None
        sizes = (const_ints(graph, node, 3) if len(node.input) > 3 and node.input[3]
                 else None)
    args: dict[str, Any] = {}
    if sizes:
        if list(sizes[:2]) != list(shape[:2]):
            raise unsupported(node, f"sizes {sizes} resize the batch or channel axis")
        args["size"] = [int(s) for s in sizes[2:]]
    elif scales:
        if scales[:2] != [1.0, 1.0]:
            raise unsupported(node, f"scales {scales} resize the batch or channel axis")
        spatial = [float(s) for s in scales[2:]]
        args["scale_factor"] = spatial[0] if len(set(spatial)) == 1 else spatial
    else:
        raise unsupported(node, "neither scales nor sizes")
    mode = a.get("mode", "nearest")
    if mode == "nearest":
        floor = a.get("nearest_mode", "round_prefer_floor") == "floor"
        # torch's 'nearest' is ONNX's asymmetric/floor; its 'nearest-exact' the half-pixel one.
        args["mode"] = "nearest" if (ctm == "asymmetric" and floor) else "nearest-exact"
    elif mode == "linear":
        args["mode"] = _LINEAR[n]
        args["align_corners"] = ctm == "align_corners"
    elif mode == "cubic" and n == 2:
        args["mode"] = "bicubic"
        args["align_corners"] = ctm == "align_corners"
    else:
        raise unsupported(node, f"mode {mode!r} on {n} spatial axes")
    return [({"Upsample": args}, node.input[0], node.output[0], (), "")]


def _reshape(graph: OnnxGraph, node: Any) -> list[Row]:
    shape = _shape(graph, node)
    target = const_ints(graph, node, 1) if len(node.input) > 1 else list(attrs(node)["shape"])
    if not attrs(node).get("allowzero", 0):
        # ONNX's 0 copies the input's size there; torch has no such word.
        target = [shape[i] if t == 0 and i < len(shape) else t for i, t in enumerate(target)]
    return [({"reshape": [target]}, node.input[0], node.output[0], (), "")]


def _flatten(graph: OnnxGraph, node: Any) -> list[Row]:
    shape = _shape(graph, node)
    axis = attrs(node).get("axis", 1) % (len(shape) + 1) if shape else 1
    if axis == 1 and len(shape) >= 2:
        item: Any = {"flatten": {"start_dim": 1}}
    else:
        item = {"reshape": [[math.prod(shape[:axis]), -1]]}
    return [(item, node.input[0], node.output[0], (), "")]


def _transpose(graph: OnnxGraph, node: Any) -> list[Row]:
    perm = attrs(node).get("perm")
    if perm is None:
        perm = list(reversed(range(len(_shape(graph, node)))))
    return [({"permute": [int(p) for p in perm]}, node.input[0], node.output[0], (), "")]


def _reduce(word: str) -> Any:
    def convert(graph: OnnxGraph, node: Any) -> list[Row]:
        a = attrs(node)
        rank = len(_shape(graph, node))
        if "axes" in a:
            axes = list(a["axes"])
        elif len(node.input) > 1 and node.input[1]:
            axes = const_ints(graph, node, 1)
        elif a.get("noop_with_empty_axes", 0):
            return [("Identity", node.input[0], node.output[0], (), "")]
        else:
            axes = list(range(rank))
        args = {"dim": sorted(int(x) % rank for x in axes),
                "keepdim": bool(a.get("keepdims", 1))}
        return [({word: args}, node.input[0], node.output[0], (), "")]
    return convert


def _layer_norm(graph: OnnxGraph, node: Any) -> list[Row]:
    shape = _shape(graph, node)
    axis = attrs(node).get("axis", -1) % len(shape)
    args: dict[str, Any] = {"normalized_shape": list(shape[axis:])}
    eps = attrs(node).get("epsilon", 1e-5)
    if abs(eps - 1e-5) > 1e-12:
        args["eps"] = float(eps)
    if not (len(node.input) > 2 and node.input[2]):
        args["bias"] = False
    return [({"LayerNorm": args}, node.input[0], node.output[0], (), "")]


def _instance_norm(graph: OnnxGraph, node: Any) -> list[Row]:
    n = len(_shape(graph, node)) - 2
    if n not in (1, 2, 3):
        raise unsupported(node, f"an input of {n + 2} dims")
    args: dict[str, Any] = {"affine": True}
    eps = attrs(node).get("epsilon", 1e-5)
    if abs(eps - 1e-5) > 1e-12:
        args["eps"] = float(eps)
    return [({f"InstanceNorm{n}d": args}, node.input[0], node.output[0], (), "")]


def _depth_space(cls: str, arg: str) -> Any:
    # DCR and CRD order the channels differently; shapes, fields and counts are the same.
    def convert(graph: OnnxGraph, node: Any) -> list[Row]:
        return [({cls: {arg: int(attrs(node)["blocksize"])}}, node.input[0], node.output[0],
                 (), "")]
    return convert


def _gather(graph: OnnxGraph, node: Any) -> list[Row]:
    """A gather that takes every element in order is a reshape (torch's dynamo exporter
    writes ``as_strided`` on a contiguous tensor this way); other gathers are refused."""
    import numpy as np

    shape = _shape(graph, node)
    axis = attrs(node).get("axis", 0) % len(shape)
    index = graph.value(node.input[1])
    if index is None or not np.array_equal(np.asarray(index).reshape(-1),
                                           np.arange(shape[axis])):
        raise unsupported(node, "a gather of data that is not every element in order")
    target = [*shape[:axis], *np.shape(index), *shape[axis + 1:]]
    return [({"reshape": [[int(d) for d in target]]}, node.input[0], node.output[0], (), "")]


MORE = {
    "Relu": _one("ReLU"), "Sigmoid": _one("Sigmoid"), "Tanh": _one("Tanh"),
    "LeakyRelu": _with("LeakyReLU", negative_slope=("alpha", 0.01)),
    "Elu": _with("ELU", alpha=("alpha", 1.0)), "Celu": _with("CELU", alpha=("alpha", 1.0)),
    "Selu": _one("SELU"), "Gelu": _with("GELU", approximate=("approximate", "none")),
    "HardSigmoid": _one("Hardsigmoid"), "HardSwish": _one("Hardswish"),
    "Softplus": _one("Softplus"), "Mish": _one("Mish"),
    "Softmax": _softmax("Softmax"), "LogSoftmax": _softmax("LogSoftmax"),
    "Clip": _clip, "PRelu": _prelu,
    "Dropout": _one("Dropout"), "Identity": _one("Identity"),
    "Cast": _one("Identity"),  # a cast of the data keeps its shape
    "Add": _binary("add"), "Sub": _binary("sub"), "Mul": _binary("mul"), "Div": _binary("div"),
    "Concat": _concat, "Pad": _pad, "Resize": _resize, "Upsample": _resize,
    "Reshape": _reshape, "Gather": _gather, "Flatten": _flatten, "Transpose": _transpose,
    "DepthToSpace": _depth_space("PixelShuffle", "upscale_factor"),
    "SpaceToDepth": _depth_space("PixelUnshuffle", "downscale_factor"),
    "LayerNormalization": _layer_norm, "InstanceNormalization": _instance_norm,
    "ReduceMean": _reduce("mean"), "ReduceSum": _reduce("sum"), "ReduceMax": _reduce("amax"),
}
