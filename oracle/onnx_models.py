"""The networks the ONNX oracle exports: small torch models and hand-written ONNX graphs.

Used by :mod:`oracle.onnx_oracle` (and by the live tests); needs torch and onnx.
``torch_models()`` gives (id, module, input shape, exporter); ``onnx_graphs()`` gives
(id, ModelProto) for what torch never exports (asymmetric conv pads, ``auto_pad``,
ConvTranspose ``output_shape``, old opsets, Resize by sizes, Clip, PRelu).
"""

from __future__ import annotations

from typing import Any


def torch_models() -> list[tuple[str, Any, tuple[int, ...], str]]:
    import torch
    from torch import nn
    import torch.nn.functional as F

    class Basic(nn.Module):  # conv, BN folded, pools, Gemm
        def __init__(self) -> None:
            super().__init__()
            self.conv1 = nn.Conv2d(3, 16, 7, stride=2, padding=3, bias=False)
            self.bn1 = nn.BatchNorm2d(16)
            self.relu = nn.ReLU()
            self.pool = nn.MaxPool2d(3, 2, 1, ceil_mode=True)
            self.conv2 = nn.Conv2d(16, 32, 3, padding=2, dilation=2, groups=4)
            self.avg = nn.AvgPool2d(3, 2, 1, ceil_mode=True, count_include_pad=False)
            self.fc = nn.Linear(32, 10)

        def forward(self, x):
            x = self.pool(self.relu(self.bn1(self.conv1(x))))
            x = self.avg(self.conv2(x))
            return self.fc(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))

    class Branches(nn.Module):  # concat, add, mul with broadcasting, upsampling
        def __init__(self) -> None:
            super().__init__()
            self.stem = nn.Conv2d(3, 8, 3, padding=1)
            self.a = nn.Conv2d(8, 8, 1)
            self.b = nn.Sequential(nn.Conv2d(8, 8, 3, padding=1), nn.LeakyReLU(0.2))
            self.down = nn.Conv2d(16, 16, 3, stride=2, padding=1)
            self.up = nn.ConvTranspose2d(16, 8, 3, stride=2, padding=1, output_padding=1)
            self.se = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Conv2d(8, 8, 1), nn.Sigmoid())
            self.scale = nn.Parameter(torch.ones(1, 8, 1, 1))

        def forward(self, x):
            s = self.stem(x)
            y = torch.cat([self.a(s), self.b(s)], 1)
            y = self.up(F.relu(self.down(y)))
            y = y * self.se(y) + s
            y = y * self.scale - 0.5
            z = F.interpolate(y, scale_factor=2, mode="nearest")
            w = F.interpolate(y, size=(40, 40), mode="bilinear", align_corners=True)
            return torch.cat([z, w], 1) / 2

    class Shapes(nn.Module):  # reshape, transpose, squeeze, unsqueeze, MatMul + Add
        def __init__(self) -> None:
            super().__init__()
            self.conv = nn.Conv2d(3, 12, 4, stride=4)
            self.proj = nn.Linear(12, 24)
            self.drop = nn.Dropout(0.1)
            self.act = nn.GELU()
            self.norm = nn.BatchNorm1d(24)

        def forward(self, x):
            x = self.conv(x)                       # 1x12x8x8
            x = x.flatten(2).transpose(1, 2)       # 1x64x12
            x = self.act(self.drop(self.proj(x)))  # 1x64x24
            x = x.permute(0, 2, 1)                 # 1x24x64
            x = self.norm(x)
            x = x.unsqueeze(-1).reshape(1, 24, 8, 8)
            x = x.mean(dim=(2, 3), keepdim=True).squeeze(-1).squeeze(-1)
            return torch.softmax(x, dim=1)

    class Volumes(nn.Module):  # 1-d and 3-d convs, pads, pools
        def __init__(self) -> None:
            super().__init__()
            self.c3 = nn.Conv3d(2, 4, (3, 3, 3), stride=(1, 2, 2), padding=(1, 0, 1))
            self.p3 = nn.MaxPool3d(2, 2, ceil_mode=True)
            self.pad = nn.ReflectionPad1d((2, 1))
            self.c1 = nn.Conv1d(4, 6, 5, stride=2, dilation=2)
            self.t1 = nn.ConvTranspose1d(6, 3, 4, stride=3, padding=1, dilation=2)
            self.g = nn.AvgPool1d(3, 1, 1)

        def forward(self, x):
            x = self.p3(self.c3(x))                 # 1x4x4x? x?
            x = x.flatten(2)
            x = self.c1(F.hardswish(self.pad(x)))
            return self.g(F.elu(self.t1(F.relu6(x))))

    class Activations(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.conv = nn.Conv2d(3, 6, 3)
            self.prelu = nn.PReLU(6)
            self.pad = nn.ZeroPad2d((1, 2, 0, 3))
            self.cpad = nn.ReplicationPad2d(1)
            self.mp = nn.MaxPool2d(3, 1, 1, dilation=2)

        def forward(self, x):
            x = self.prelu(self.conv(x))
            x = torch.tanh(F.silu(self.pad(x)))
            x = F.hardsigmoid(self.cpad(x))
            x = torch.sigmoid(F.mish(self.mp(x)))
            x = F.selu(F.celu(x))
            return F.log_softmax(torch.clamp(x, -1.0, 2.0), dim=1)

    models = [("basic", Basic(), (1, 3, 64, 64)), ("branches", Branches(), (1, 3, 20, 20)),
              ("shapes", Shapes(), (1, 3, 32, 32)), ("volumes", Volumes(), (1, 2, 8, 16, 16)),
              ("activations", Activations(), (1, 3, 17, 15))]
    out = []
    for name, model, shape in models:
        for m in model.modules():
            if isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)):
                m.running_mean.uniform_(-1, 1), m.running_var.uniform_(1, 2)
        model.eval()
        for exporter in ("dynamo", "legacy"):
            out.append((f"{name}_{exporter}", model, shape, exporter))
    return out


def onnx_graphs() -> list[tuple[str, Any]]:
    """Hand-written graphs for the attributes torch's exporters never write."""
    import numpy as np
    from onnx import TensorProto, helper, numpy_helper

    def weight(name: str, *dims: int) -> Any:
        return numpy_helper.from_array(np.zeros(dims, dtype=np.float32), name)

    def ints(name: str, values: list[int]) -> Any:
        return numpy_helper.from_array(np.array(values, dtype=np.int64), name)

    def floats(name: str, values: list[float]) -> Any:
        return numpy_helper.from_array(np.array(values, dtype=np.float32), name)

    def model(name, nodes, inits, shape, opset=17, outputs=("y",)):
        graph = helper.make_graph(
            nodes, name, [helper.make_tensor_value_info("x", TensorProto.FLOAT, shape)],
            [helper.make_tensor_value_info(o, TensorProto.FLOAT, None) for o in outputs], inits)
        return helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)],
                                 producer_name="conv-calc oracle")

    N = helper.make_node
    graphs = []
    graphs.append(("pads_autopad", model("pads_autopad", [
        N("Conv", ["x", "w1"], ["a"], name="asym", pads=[0, 1, 2, 1], strides=[2, 2]),
        N("Conv", ["a", "w2", "b2"], ["b"], name="same_upper", auto_pad="SAME_UPPER",
          strides=[2, 2]),
        N("Conv", ["b", "w3"], ["c"], name="same_lower", auto_pad="SAME_LOWER", strides=[3, 1]),
        N("MaxPool", ["c"], ["d"], name="pool_same", auto_pad="SAME_UPPER",
          kernel_shape=[2, 3], strides=[2, 2]),
        N("AveragePool", ["d"], ["e"], name="avg_asym", kernel_shape=[3, 3], pads=[1, 0, 0, 1]),
        N("MaxPool", ["e"], ["f"], name="pool_bigpad", kernel_shape=[2, 2], pads=[2, 2, 2, 2]),
        N("Conv", ["f", "w4"], ["y"], name="valid", auto_pad="VALID", dilations=[2, 1]),
    ], [weight("w1", 8, 3, 3, 3), weight("w2", 8, 8, 4, 4), floats("b2", [0.0] * 8),
        weight("w3", 8, 2, 5, 2), weight("w4", 4, 8, 2, 2)], [1, 3, 37, 29])))
    # w3: group 4 (8 in, 2 per group)
    graphs[-1][1].graph.node[2].attribute.append(helper.make_attribute("group", 4))
    graphs.append(("transposed", model("transposed", [
        N("ConvTranspose", ["x", "w1"], ["a"], name="out_shape", strides=[2, 2],
          output_shape=[21, 20]),
        N("ConvTranspose", ["a", "w2"], ["b"], name="same_upper", strides=[2, 3],
          auto_pad="SAME_UPPER"),
        N("ConvTranspose", ["b", "w3", "b3"], ["c"], name="asym_pads", strides=[2, 2],
          pads=[1, 1, 0, 0], output_padding=[1, 0], group=2),
        N("Resize", ["c", "", "", "sizes"], ["y"], name="resize_sizes", mode="linear"),
    ], [weight("w1", 4, 6, 3, 3), weight("w2", 6, 4, 4, 3), weight("w3", 4, 3, 3, 3),
        floats("b3", [0.0] * 6), ints("sizes", [1, 6, 100, 90])], [1, 4, 10, 10])))
    graphs.append(("opset9_misc", model("opset9_misc", [
        N("Conv", ["x", "w1"], ["a"], name="conv", pads=[1, 1, 1, 1]),
        N("PRelu", ["a", "slope"], ["b"], name="prelu"),
        N("Upsample", ["b", "scales"], ["c"], name="upsample", mode="nearest"),
        N("Clip", ["c"], ["d"], name="relu6", min=0.0, max=6.0),
        N("Pad", ["d"], ["e"], name="pad", pads=[0, 0, 1, 2, 0, 0, 3, 0], mode="constant",
          value=1.5),
        N("Squeeze", ["e"], ["f"], name="squeeze", axes=[0]),
        N("Unsqueeze", ["f"], ["g"], name="unsqueeze", axes=[0, 4]),
        N("GlobalMaxPool", ["g"], ["h"], name="gmp"),
        N("Flatten", ["h"], ["y"], name="flatten", axis=2),
    ], [weight("w1", 5, 3, 3, 3), floats("slope", [0.25] * 5), floats("scales", [1, 1, 2, 3])],
        [1, 3, 6, 7], opset=9)))
    graphs.append(("opset11_shapes", model("opset11_shapes", [
        N("Conv", ["x", "w1", "b1"], ["a"], name="conv"),
        N("Shape", ["a"], ["s"], name="shape"),
        N("Gather", ["s", "zero"], ["n"], name="gather", axis=0),
        N("Unsqueeze", ["n"], ["n1"], name="unsq", axes=[0]),
        N("Concat", ["n1", "minus1"], ["target"], name="concat_shape", axis=0),
        N("Reshape", ["a", "target"], ["r"], name="reshape"),
        N("Gemm", ["r", "w2", "b2"], ["g"], name="gemm", transB=0),
        N("Clip", ["g", "lo", "hi"], ["c"], name="clip"),
        N("Reshape", ["c", "shape3"], ["d"], name="reshape_zero"),
        N("Resize", ["d", "roi", "scales"], ["y"], name="resize", mode="nearest",
          coordinate_transformation_mode="asymmetric", nearest_mode="floor"),
    ], [weight("w1", 4, 3, 2, 2), floats("b1", [0.0] * 4), ints("zero", [0]),
        ints("minus1", [-1]), weight("w2", 4 * 4 * 4, 16), floats("b2", [0.0] * 16),
        floats("lo", [-1.0]), floats("hi", [1.0]), ints("shape3", [0, 4, 2, 2]),
        floats("roi", []), floats("scales", [1, 1, 2, 2])], [2, 3, 5, 5], opset=11)))
    for k in (2, 6, 7):  # zero, lo, hi: scalars
        graphs[-1][1].graph.initializer[k].ClearField("dims")
    graphs.append(("split_ceil", model("split_ceil", [
        N("Split", ["x", "parts"], ["a", "b"], name="split", axis=1),
        N("Relu", ["b"], ["b1"], name="relu"),
        N("Cast", ["a"], ["a1"], name="cast", to=TensorProto.FLOAT),
        N("Concat", ["b1", "a1"], ["c"], name="concat", axis=1),
        N("MaxPool", ["c"], ["d"], name="pool_ceil", kernel_shape=[3, 3], strides=[2, 2],
          pads=[1, 0, 0, 1], ceil_mode=1),
        N("AveragePool", ["d"], ["e"], name="avg_ceil", kernel_shape=[2, 2], strides=[2, 2],
          pads=[1, 1, 1, 1], ceil_mode=1, count_include_pad=1),
        N("Split", ["e"], ["f", "g"], name="halves", axis=2),
        N("Add", ["g", "f"], ["y"], name="add"),
    ], [ints("parts", [2, 4])], [1, 6, 12, 11], opset=13)))
    graphs.append(("two_outputs", model("two_outputs", [
        N("Conv", ["x", "w1", "b1"], ["a"], name="/backbone/conv/Conv", strides=[2, 2]),
        N("Relu", ["a"], ["feat"], name="/backbone/relu/Relu"),
        N("GlobalAveragePool", ["feat"], ["g"], name="/head/pool/GlobalAveragePool"),
        N("Flatten", ["g"], ["f"], name="/head/Flatten"),
        N("MatMul", ["f", "w2"], ["m"], name="/head/fc/MatMul"),
        N("Add", ["m", "b2"], ["logits"], name="/head/fc/Add"),
        N("Mul", ["feat", "gain"], ["y"], name="/Mul"),
    ], [weight("w1", 8, 3, 3, 3), floats("b1", [0.0] * 8), weight("w2", 8, 5),
        floats("b2", [0.0] * 5), floats("gain", [2.0])], [1, 3, 16, 16],
        outputs=("logits", "y"))))
    graphs.append(("gather_as_strided", model("gather_as_strided", [  # dynamo's as_strided
        N("Reshape", ["x", "flat"], ["f"], name="node_Reshape_76"),
        N("Gather", ["f", "order"], ["y"], name="node_as_strided", axis=0),
    ], [ints("flat", [-1]), numpy_helper.from_array(np.arange(16, dtype=np.int64)
                                                    .reshape(1, 16, 1, 1), "order")],
        [1, 16, 1, 1])))
    return graphs


def bad_graphs() -> list[tuple[str, Any]]:
    """Graphs conv-calc must refuse, each with the op and node it names."""
    import numpy as np
    from onnx import TensorProto, helper, numpy_helper

    def model(nodes, inits, shape):
        graph = helper.make_graph(
            nodes, "bad", [helper.make_tensor_value_info("x", TensorProto.FLOAT, shape)],
            [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)], inits)
        return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])

    w = numpy_helper.from_array(np.zeros((4, 3, 3, 3), dtype=np.float32), "w")
    N = helper.make_node
    return [
        ("unknown_op", model([N("Conv", ["x", "w"], ["a"], name="conv"),
                              N("Einsum", ["a"], ["y"], name="my_einsum", equation="nchw->nhwc")],
                             [w], [1, 3, 8, 8])),
        ("gather_shuffle", model([N("Gather", ["x", "idx"], ["y"], name="shuffle", axis=1)],
                                 [numpy_helper.from_array(np.array([2, 0, 1]), "idx")],
                                 [1, 3, 8, 8])),
        ("constant_data", model([N("Relu", ["c"], ["r"], name="relu_const"),
                                 N("Add", ["x", "r"], ["y"], name="add")],
                                [numpy_helper.from_array(np.zeros((1, 3, 8, 8), np.float32), "c")],
                                [1, 3, 8, 8])),
        ("dynamic", model([N("Relu", ["x"], ["y"], name="relu")], [], ["batch", 3, 8, 8])),
        ("dynamic_weight", model([N("Conv", ["x", "x"], ["y"], name="selfconv")], [],
                                 [3, 3, 3, 3])),
    ]
