"""ONNX operators as stack-file rows (torch layers and tensor functions, NCHW).

Each converter takes the graph and one node and returns :class:`Step` records: the
item to write, the tensor it reads (its flow input), the named tensors a merge reads,
and the tensor it gives. A node becomes one row, or two where torch needs a separate
pad (asymmetric ``pads`` before a symmetric conv or pool). Anything else is refused
with the op type and the node's name (:func:`unsupported`): conv-calc never writes a
row that computes something other than the node.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from conv_calc.errors import InputError
from conv_calc.interop.onnx_graph import OnnxGraph
from conv_calc.interop.onnx_ops_more import MORE, attrs, const_ints, spatial_pads, unsupported

__all__ = ["Step", "CONVERTERS", "convert_node"]


@dataclass
class Step:
    """One row: ``item`` read from ``flow`` (or from ``named`` tensors), giving ``output``."""

    item: Any
    flow: str | None
    output: str
    named: tuple[str, ...] = ()
    suffix: str = ""          # the row name's suffix for a helper row (``_pad``)
    skips: tuple[int, ...] = field(default=())  # later nodes this row also computes
    pieces: tuple[str, ...] = ()  # every output of a split (kept by name: `outputs:`)


def _short(values: list[int] | tuple[int, ...]) -> Any:
    """A per-axis value as torch code writes it: one int when every axis agrees.

    >>> _short([3, 3]), _short((1, 2))
    (3, [1, 2])
    """
    values = [int(v) for v in values]
    return values[0] if len(set(values)) == 1 else values


def _torch_pad(begin: list[int], end: list[int]) -> list[int]:
    """ONNX (x1_begin, x2_begin, ..., x1_end, ...) as torch's (last_left, last_right, ...).

    >>> _torch_pad([0, 1], [2, 3])      # H: 0 above, 2 below; W: 1 left, 3 right
    [1, 3, 0, 2]
    """
    out: list[int] = []
    for axis in reversed(range(len(begin))):
        out += [int(begin[axis]), int(end[axis])]
    return out


def _weight_dims(graph: OnnxGraph, node: Any, index: int, what: str) -> tuple[int, ...]:
    name = node.input[index] if len(node.input) > index else ""
    if not name or name not in graph.consts:
        raise unsupported(node, f"its {what} is computed while the network runs "
                                "(conv-calc reads weights stored in the file)")
    return graph.consts[name].shape


def _input_shape(graph: OnnxGraph, node: Any) -> tuple[int, ...]:
    shape = graph.shape(node.input[0])
    if shape is None:
        raise InputError(f"ONNX node {node.name!r} ({node.op_type}): the shape of its input "
                         f"{node.input[0]!r} is unknown after onnx's shape inference",
                         "give the input shape with --input; a shape computed from data "
                         "cannot be analysed.")
    return shape


def _conv_geometry(graph: OnnxGraph, node: Any, dims_note: str = ""
                   ) -> tuple[tuple[int, ...], int, dict[str, Any], list, list, list]:
    """A Conv or ConvTranspose node's weight dims, spatial rank, attributes, kernel, strides
    and dilations (ONNX's defaults filled in)."""
    weight = _weight_dims(graph, node, 1, "weight")
    n = len(weight) - 2
    if n not in (1, 2, 3):
        raise unsupported(node, f"a weight of {len(weight)} dims{dims_note}")
    a = attrs(node)
    kernel = list(a.get("kernel_shape", weight[2:]))
    strides, dilations = list(a.get("strides", [1] * n)), list(a.get("dilations", [1] * n))
    return weight, n, a, kernel, strides, dilations


def _conv(graph: OnnxGraph, node: Any) -> list[Step]:
    weight, n, a, kernel, strides, dilations = _conv_geometry(
        graph, node, " (conv-calc has 1-d to 3-d convs)")
    begin, end = spatial_pads(graph, node, a, kernel, strides, dilations)
    args: dict[str, Any] = {"out_channels": weight[0], "kernel_size": _short(kernel)}
    if any(s != 1 for s in strides):
        args["stride"] = _short(strides)
    steps = []
    x = node.input[0]
    if begin != end:
        # torch's convs pad both sides alike: the asymmetric pad is a row of its own.
        mid = f"{node.output[0]}#pad"
        steps.append(Step({f"ZeroPad{n}d": {"padding": _torch_pad(begin, end)}}, x, mid,
                          suffix="_pad"))
        x = mid
    elif any(begin):
        args["padding"] = _short(begin)
    if any(d != 1 for d in dilations):
        args["dilation"] = _short(dilations)
    if a.get("group", 1) != 1:
        args["groups"] = a["group"]
    if not (len(node.input) > 2 and node.input[2]):
        args["bias"] = False
    steps.append(Step({f"Conv{n}d": args}, x, node.output[0]))
    return steps


def _conv_transpose(graph: OnnxGraph, node: Any) -> list[Step]:
    weight, n, a, kernel, strides, dilations = _conv_geometry(graph, node)
    group = a.get("group", 1)
    extra = list(a.get("output_padding", [0] * n))
    sizes = _input_shape(graph, node)[2:]
    mode = a.get("auto_pad", "NOTSET")
    if "output_shape" in a or mode in ("SAME_UPPER", "SAME_LOWER"):
        # ONNX's rule: pads from the wanted size (output_shape, or input * stride for SAME_*).
        wanted = list(a["output_shape"])[-n:] if "output_shape" in a else [
            size * s for size, s in zip(sizes, strides)]
        begin, end = [], []
        for i in range(n):
            total = (strides[i] * (sizes[i] - 1) + extra[i] + (kernel[i] - 1) * dilations[i] + 1
                     - wanted[i])
            if mode == "SAME_UPPER":
                begin.append(total // 2), end.append(total - total // 2)
            else:
                begin.append(total - total // 2), end.append(total // 2)
    elif mode == "VALID":
        begin, end = [0] * n, [0] * n
    else:
        pads = list(a.get("pads", [0] * 2 * n))
        begin, end = pads[:n], pads[n:]
    # torch crops `padding` from both ends and adds output_padding at the end only.
    limit = [max(s, d) for s, d in zip(strides, dilations)]
    output_padding = [extra[i] + begin[i] - end[i] for i in range(n)]
    crop = None
    if any(p < 0 for p in begin) or any(not 0 <= p < m for p, m in zip(output_padding, limit)):
        if any(not 0 <= p < m for p, m in zip(extra, limit)):
            raise unsupported(node, f"output_padding {extra} (torch needs each below the "
                                    f"stride or the dilation, {limit})")
        # The full transposed conv, then the pads cropped off as ONNX does, per side.
        crop = _torch_pad([-p for p in begin], [-p for p in end])
        begin, output_padding = [0] * n, extra
    args: dict[str, Any] = {"out_channels": weight[1] * group, "kernel_size": _short(kernel)}
    if any(s != 1 for s in strides):
        args["stride"] = _short(strides)
    if any(begin):
        args["padding"] = _short(begin)
    if any(output_padding):
        args["output_padding"] = _short(output_padding)
    if group != 1:
        args["groups"] = group
    if not (len(node.input) > 2 and node.input[2]):
        args["bias"] = False
    if any(d != 1 for d in dilations):
        args["dilation"] = _short(dilations)
    item = {f"ConvTranspose{n}d": args}
    if crop is None:
        return [Step(item, node.input[0], node.output[0])]
    mid = f"{node.output[0]}#full"
    return [Step(item, node.input[0], mid),
            Step({f"ZeroPad{n}d": {"padding": crop}}, mid, node.output[0], suffix="_crop")]


def _pool(graph: OnnxGraph, node: Any) -> list[Step]:
    a = attrs(node)
    if len(node.output) > 1 and node.output[1]:
        raise unsupported(node, "its Indices output (torch's return_indices is not modelled "
                                "for ONNX's flattened indices)")
    kernel = list(a["kernel_shape"])
    n = len(kernel)
    strides, dilations = list(a.get("strides", [1] * n)), list(a.get("dilations", [1] * n))
    begin, end = spatial_pads(graph, node, a, kernel, strides, dilations)
    is_max = node.op_type == "MaxPool"
    if not is_max and any(d != 1 for d in dilations):
        raise unsupported(node, f"dilations {dilations} (torch's AvgPool has no dilation)")
    args: dict[str, Any] = {"kernel_size": _short(kernel), "stride": _short(strides)}
    steps = []
    x = node.input[0]
    # torch pads both sides alike and at most half the kernel; otherwise a pad row
    # (-inf for max pooling, as ONNX pads it, 0 for average pooling).
    if begin != end or any(2 * p > k for p, k in zip(begin, kernel)):
        mid = f"{node.output[0]}#pad"
        pad = _torch_pad(begin, end)
        item = ({f"ConstantPad{n}d": {"padding": pad, "value": float("-inf")}} if is_max
                else {f"ZeroPad{n}d": {"padding": pad}})
        steps.append(Step(item, x, mid, suffix="_pad"))
        x = mid
    elif any(begin):
        args["padding"] = _short(begin)
    if is_max and any(d != 1 for d in dilations):
        args["dilation"] = _short(dilations)
    if a.get("ceil_mode", 0):
        args["ceil_mode"] = True
    if not is_max and not a.get("count_include_pad", 0) and "padding" in args:
        args["count_include_pad"] = False
    steps.append(Step({f"{'MaxPool' if is_max else 'AvgPool'}{n}d": args}, x, node.output[0]))
    return steps


def _global_pool(graph: OnnxGraph, node: Any) -> list[Step]:
    n = len(_input_shape(graph, node)) - 2
    if n not in (1, 2, 3):
        raise unsupported(node, f"an input of {n + 2} dims")
    kind = "Avg" if node.op_type == "GlobalAveragePool" else "Max"
    return [Step({f"Adaptive{kind}Pool{n}d": {"output_size": 1}}, node.input[0],
                 node.output[0])]


def _gemm(graph: OnnxGraph, node: Any) -> list[Step]:
    a = attrs(node)
    weight = _weight_dims(graph, node, 1, "B (the weight)")
    if a.get("transA", 0) or len(weight) != 2:
        raise unsupported(node, "transA=1 (torch's Linear multiplies the input as it is)")
    out = weight[0] if a.get("transB", 0) else weight[1]
    args: dict[str, Any] = {"out_features": out}
    if not (len(node.input) > 2 and node.input[2]):
        args["bias"] = False
    return [Step({"Linear": args}, node.input[0], node.output[0])]


def _matmul(graph: OnnxGraph, node: Any) -> list[Step]:
    if node.input[0] in graph.consts:
        raise unsupported(node, "a constant left operand (torch's Linear multiplies on the right)")
    weight = _weight_dims(graph, node, 1, "right operand")
    if len(weight) != 2:
        raise unsupported(node, f"a right operand of {len(weight)} dims (Linear needs a matrix)")
    out = node.output[0]
    args: dict[str, Any] = {"out_features": weight[1], "bias": False}
    skips: tuple[int, ...] = ()
    users = graph_consumers(graph, out)
    if len(users) == 1 and out not in graph.outputs:
        index, user = users[0]
        other = [t for t in user.input if t != out]
        if (user.op_type == "Add" and len(other) == 1 and other[0] in graph.consts
                and graph.consts[other[0]].shape in ((weight[1],), (1, weight[1]))):
            # MatMul + Add of a bias vector: what torch exports for a Linear on 3-d input.
            args.pop("bias")
            skips, out = (index,), user.output[0]
    return [Step({"Linear": args}, node.input[0], out, skips=skips)]


def graph_consumers(graph: OnnxGraph, name: str) -> list[tuple[int, Any]]:
    """The (index, node) pairs that read tensor ``name``."""
    return [(i, node) for i, node in enumerate(graph.nodes)
            if i not in graph.folded and name in node.input]


def _batch_norm(graph: OnnxGraph, node: Any) -> list[Step]:
    if len([o for o in node.output if o]) > 1:
        raise unsupported(node, "training-mode outputs (running mean and variance)")
    rank = len(_input_shape(graph, node))
    if rank not in (2, 3, 4, 5):
        raise unsupported(node, f"an input of {rank} dims")
    args: dict[str, Any] = {}
    eps = attrs(node).get("epsilon", 1e-5)
    if abs(eps - 1e-5) > 1e-12:
        args["eps"] = float(eps)
    cls = f"BatchNorm{max(rank - 2, 1)}d"
    return [Step({cls: args} if args else cls, node.input[0], node.output[0])]


def _squeeze(graph: OnnxGraph, node: Any) -> list[Step]:
    a = attrs(node)
    axes = a.get("axes") if "axes" in a else (const_ints(graph, node, 1) if len(node.input) > 1
                                              and node.input[1] else None)
    if axes is None:
        return [Step("squeeze", node.input[0], node.output[0])]
    rank = len(_input_shape(graph, node))
    dims = sorted(int(d) % rank for d in axes)
    return [Step({"squeeze": [dims]}, node.input[0], node.output[0])]


def _unsqueeze(graph: OnnxGraph, node: Any) -> list[Step]:
    a = attrs(node)
    axes = a["axes"] if "axes" in a else const_ints(graph, node, 1)
    rank = len(_input_shape(graph, node)) + len(axes)
    dims = sorted(int(d) % rank for d in axes)
    steps = []
    x = node.input[0]
    for k, dim in enumerate(dims):
        last = k == len(dims) - 1
        out = node.output[0] if last else f"{node.output[0]}#{k}"
        steps.append(Step({"unsqueeze": dim}, x, out, suffix="" if last else f"_{k}"))
        x = out
    return steps


def _split(graph: OnnxGraph, node: Any) -> list[Step]:
    a = attrs(node)
    shape = _input_shape(graph, node)
    axis = a.get("axis", 0) % len(shape)
    outs = [o for o in node.output]
    if "split" in a:
        sizes = [int(v) for v in a["split"]]
    elif len(node.input) > 1 and node.input[1]:
        sizes = const_ints(graph, node, 1)
    else:
        # Equal pieces (the last smaller under opset 18's num_outputs), as torch.chunk cuts.
        count = len(outs)
        size = -(-shape[axis] // count)
        sizes = [min(size, shape[axis] - k * size) for k in range(count)]
    if len(sizes) != len(outs) or "" in outs:
        raise unsupported(node, f"{len(outs)} outputs for the pieces {sizes}")
    return [Step({"split": [sizes, {"dim": axis}]}, node.input[0], outs[0], pieces=tuple(outs))]


def _slice(graph: OnnxGraph, node: Any) -> list[Step]:
    """A slice of the data (a centre crop, a chunk) as splits, one per sliced axis.

    `split` keeps every piece by name and goes on with the one the slice takes: exact for
    shapes and for receptive fields (a piece along a spatial axis is that axis cropped).
    """
    a = attrs(node)
    shape = list(_input_shape(graph, node))
    if graph.opset < 10:
        starts, ends = list(a["starts"]), list(a["ends"])
        axes = list(a.get("axes", range(len(starts))))
        steps = [1] * len(starts)
    else:
        starts, ends = const_ints(graph, node, 1), const_ints(graph, node, 2)
        axes = (const_ints(graph, node, 3) if len(node.input) > 3 and node.input[3]
                else list(range(len(starts))))
        steps = (const_ints(graph, node, 4) if len(node.input) > 4 and node.input[4]
                 else [1] * len(starts))
    if any(step != 1 for step in steps):
        raise unsupported(node, f"steps {steps} (conv-calc slices with step 1)")
    rows: list[Step] = []
    x = node.input[0]
    cuts = [(axis % len(shape), start, end) for axis, start, end in zip(axes, starts, ends)]
    cuts = [(axis, *_clamp(start, end, shape[axis])) for axis, start, end in cuts]
    cuts = [c for c in cuts if (c[1], c[2]) != (0, shape[c[0]])]
    if not cuts:
        return [Step("Identity", x, node.output[0])]
    for k, (axis, start, end) in enumerate(cuts):
        last = k == len(cuts) - 1
        out = node.output[0] if last else f"{node.output[0]}#{k}"
        sizes = [start, end - start, shape[axis] - end]
        names = [f"{out}#before", out, f"{out}#after"]
        keep = [i for i in range(3) if sizes[i] > 0 or i == 1]
        rows.append(Step({"split": [[sizes[i] for i in keep], {"dim": axis}]}, x, out,
                         pieces=tuple(names[i] for i in keep),
                         suffix="" if last else f"_{k}"))
        shape[axis] = end - start
        x = out
    return rows


def _clamp(start: int, end: int, size: int) -> tuple[int, int]:
    start = start + size if start < 0 else start
    end = end + size if end < 0 else end
    start, end = max(0, min(start, size)), max(0, min(end, size))
    return start, max(start, end)


CONVERTERS = {
    "Conv": _conv, "ConvTranspose": _conv_transpose, "MaxPool": _pool, "AveragePool": _pool,
    "GlobalAveragePool": _global_pool, "GlobalMaxPool": _global_pool, "Gemm": _gemm,
    "MatMul": _matmul, "BatchNormalization": _batch_norm, "Squeeze": _squeeze,
    "Unsqueeze": _unsqueeze, "Split": _split,
    "Slice": _slice,
}


def convert_node(graph: OnnxGraph, node: Any) -> list[Step]:
    """The rows of one ONNX node; an op conv-calc cannot write is refused (exit 2)."""
    if node.domain not in ("", "ai.onnx"):
        raise unsupported(node, f"the operator domain {node.domain!r}")
    converter = CONVERTERS.get(node.op_type)
    if converter is None:
        more = MORE.get(node.op_type)
        if more is None:
            raise unsupported(node)
        return [Step(item, flow, out, named, suffix)
                for item, flow, out, named, suffix in more(graph, node)]
    return converter(graph, node)
