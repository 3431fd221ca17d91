"""solve_input_sizes against brute force: Stack.analyze on every size in a range.

The analytic answer must equal, size for size, the set of sizes for which
Stack.analyze reports no error -- on the examples and on random 1-d networks
with strides, ceil-mode pools, transposed convs, padding, residual adds,
concatenations and U-Net skips with centre crops, and the tensor-function rows solve
follows (flatten, contiguous, permute / transpose / squeeze / unsqueeze, chunk along the
channels, mean / sum / amax, interpolate).
"""

from __future__ import annotations

import random
import time
from pathlib import Path

import pytest

import conv_calc
from conv_calc import nn
from conv_calc.solve.stack import solve_input_sizes
from conv_calc.graph.nodes import Call, Combine, Merge, Parallel, Residual, Save
from conv_calc.solve.layer import SolveError
from conv_calc.graph.stack import Stack

EXAMPLES = Path(__file__).resolve().parent.parent.parent / "examples"


def brute(stack: Stack, dim: int, hi: int) -> set[int]:
    ok = set()
    for n in range(1, hi + 1):
        shape = list(stack.input_shape)
        shape[dim] = n
        if stack.analyze(tuple(shape)).error is None:
            ok.add(n)
    return ok


# (file, brute-force range): the big networks get a shorter range to keep the suite fast.
CASES = [("tiny", 200), ("unet-small", 200), ("unet-padded", 130), ("dcgan-generator", 120),
         ("wavenet", 120), ("aspp", 80), ("inception", 120), ("mobilenetv2-block", 100),
         ("residual", 100), ("video-c3d-small", 60), ("unet", 260), ("resnet18", 80),
         ("alexnet", 100), ("vgg16", 70), ("squeeze-excitation", 60), ("mobilenet_v3_small", 40),
         ("mobilenet_v3_large", 40), ("fcn-head-small", 60), ("lraspp_mobilenet_v3_large", 24)]


@pytest.mark.parametrize("name,hi", CASES)
def test_examples_match_brute_force(name: str, hi: int) -> None:
    stack = conv_calc.load_stack(str(EXAMPLES / f"{name}.yaml"))
    answer = solve_input_sizes(stack)
    first = answer[0]
    assert set(first.sizes(1, hi)) == brute(stack, first.dim, hi)


@pytest.mark.parametrize("name,text,smallest", [
    ("unet-padded", "16k (k >= 1)", 16),
    ("unet-small", "every n >= 44", 44),
    ("unet", "every n >= 188", 188),
    ("resnet50", "every n >= 1", 1),
    ("vgg16", "every n >= 32", 32),
    ("aspp", "32", 32),
])
def test_closed_forms(name: str, text: str, smallest: int) -> None:
    stack = conv_calc.load_stack(str(EXAMPLES / f"{name}.yaml"))
    for axis in solve_input_sizes(stack):
        assert axis.form.text() == text
        assert axis.smallest == smallest


@pytest.mark.parametrize("name", ["resnet50", "unet-small", "unet"])
def test_range_to_100000_under_a_second(name: str) -> None:
    stack = conv_calc.load_stack(str(EXAMPLES / f"{name}.yaml"))
    start = time.perf_counter()
    answer = solve_input_sizes(stack)
    counts = [a.count(1, 100_000) for a in answer]
    assert time.perf_counter() - start < 1.0
    assert all(c > 0 for c in counts)


# ---------------------------------------------------------------- random 1-d networks

def _rand_layer(rng: random.Random, c: int):
    kind = rng.choice(["conv", "conv", "pool", "avg", "tconv", "pad", "up", "bn", "relu"])
    if kind == "conv":
        k, s, d = rng.randint(1, 5), rng.randint(1, 3), rng.randint(1, 2)
        mode = rng.choice(["zeros", "zeros", "reflect", "circular", "replicate"])
        return nn.Conv1d(c, c, k, stride=s, padding=rng.randint(0, 2), dilation=d,
                         padding_mode=mode)
    if kind == "pool":
        k = rng.randint(1, 4)
        return nn.MaxPool1d(k, stride=rng.randint(1, 3), padding=rng.randint(0, k // 2),
                            dilation=rng.randint(1, 2), ceil_mode=rng.random() < 0.5)
    if kind == "avg":
        k = rng.randint(1, 4)
        return nn.AvgPool1d(k, stride=rng.randint(1, 3), padding=rng.randint(0, k // 2),
                            ceil_mode=rng.random() < 0.5)
    if kind == "tconv":
        s = rng.randint(1, 3)
        return nn.ConvTranspose1d(c, c, rng.randint(1, 4), stride=s, padding=rng.randint(0, 2),
                                  output_padding=rng.randint(0, s - 1))
    if kind == "pad":
        cls = rng.choice([nn.ZeroPad1d, nn.ReflectionPad1d, nn.ReplicationPad1d])
        lo = -1 if cls is nn.ZeroPad1d else 0
        return cls((rng.randint(lo, 2), rng.randint(lo, 2)))
    if kind == "up":
        return nn.Upsample(scale_factor=rng.choice([2, 3]), mode="nearest")
    if kind == "bn":
        return nn.BatchNorm1d(c)
    return nn.ReLU()


def _rand_calls(rng: random.Random) -> list:
    """Tensor-function rows that keep a (N, C, L) tensor's rank and channels."""
    kind = rng.choice(["contiguous", "transpose", "unsqueeze", "chunk", "interp", "size",
                       "reduce"])
    if kind == "contiguous":
        return [Call("contiguous")]
    if kind == "transpose":  # the axis moves to dim 1 and back
        return [Call("transpose", (1, 2)), Call("contiguous"), Call("transpose", (-1, -2))]
    if kind == "unsqueeze":
        u = rng.choice([1, 2, -1])
        return [Call("unsqueeze", (u,)), Call("permute", ((0, 1, 2, 3),)), Call("squeeze", (u,))]
    if kind == "chunk":  # pieces along the channels, one through a conv, joined again
        t = rng.randint(0, 10**6)
        a, b, y = f"a{t}", f"b{t}", f"y{t}"
        i, k = rng.choice([0, 1]), rng.choice([1, 3, 3])
        return [Call("chunk", (2,), {"dim": 1}, outputs=(a, b), index=i),
                nn.Conv1d(1, 1, k, padding=rng.choice([0, k // 2])), Save(y),
                Combine(rng.choice(["cat", "add"]), (y, (b, a)[i]))]
    if kind == "interp":
        return [Call("interpolate", kwargs={"scale_factor": rng.choice([2, 3]),
                                            "mode": "nearest"})]
    if kind == "size":
        return [Call("interpolate", kwargs={"size": rng.randint(1, 9), "mode": "nearest"})]
    word = rng.choice(["mean", "sum", "amax"])
    return [Call(word, kwargs={"dim": rng.choice([2, -1]), "keepdim": True})]


def _rand_nodes(rng: random.Random, c: int, depth: int, size: int, calls: bool = False) -> list:
    nodes: list = []
    for _ in range(size):
        r = rng.random()
        if depth and r < 0.15:
            body = _rand_nodes(rng, c, depth - 1, rng.randint(1, 3), calls)
            short = _rand_nodes(rng, c, depth - 1, rng.randint(0, 2), calls)
            nodes.append(Residual(tuple(body), tuple(short)))
        elif depth and r < 0.25:
            branches = tuple(tuple(_rand_nodes(rng, c, depth - 1, rng.randint(1, 2), calls))
                             for _ in range(rng.randint(2, 3)))
            merge = rng.choice(["cat", "add"])
            nodes.append(Parallel(branches, merge=merge, dim=rng.choice([1, 1, 2])))
            if merge == "cat":
                return nodes  # channels changed: stop here (channels are fixed by the file)
        elif depth and r < 0.35:
            name = f"s{rng.randint(0, 10**6)}"
            inner = _rand_nodes(rng, c, depth - 1, rng.randint(1, 3), calls)
            nodes += [Save(name), *inner,
                      Merge(name, op=rng.choice(["cat", "add"]),
                            crop=rng.choice([None, "center"]), dim=rng.choice([1, 1, 2]))]
            return nodes
        elif calls and r < 0.55:
            nodes += _rand_calls(rng)
        else:
            nodes.append(_rand_layer(rng, c))
    return nodes


@pytest.mark.parametrize("seed", range(60))
def test_random_networks_match_brute_force(seed: int) -> None:
    rng = random.Random(seed)
    stack = Stack(_rand_nodes(rng, 2, 2, rng.randint(2, 6)), input_shape=(1, 2, 50))
    answer = solve_input_sizes(stack)[0]
    assert set(answer.sizes(1, 150)) == brute(stack, -1, 150), answer.form.text()


@pytest.mark.parametrize("seed", range(60))
def test_random_networks_with_tensor_functions_match_brute_force(seed: int) -> None:
    rng = random.Random(500 + seed)
    stack = Stack(_rand_nodes(rng, 2, 2, rng.randint(2, 7), calls=True), input_shape=(1, 2, 50))
    answer = solve_input_sizes(stack)[0]
    assert set(answer.sizes(1, 150)) == brute(stack, -1, 150), answer.form.text()


def _rand_unet(rng: random.Random, c: int, depth: int) -> list:
    """Save, go down (stride 2 or 3), recurse, come back up, merge: sets like '8k + 4'."""
    if depth == 0:
        k = rng.choice([1, 3, 3])
        return [nn.Conv1d(c, c, k, padding=k // 2 if rng.random() < 0.7 else 0), nn.ReLU()]
    s = rng.choice([2, 2, 3])
    down = rng.choice([
        nn.MaxPool1d(s, ceil_mode=rng.random() < 0.3),
        nn.Conv1d(c, c, s, stride=s),
        nn.Conv1d(c, c, 3, stride=s, padding=1),
        nn.AvgPool1d(s + 1, stride=s, padding=rng.randint(0, 1)),
    ])
    up = rng.choice([
        nn.ConvTranspose1d(c, c, s, stride=s),
        nn.Upsample(scale_factor=s, mode="nearest"),
        nn.ConvTranspose1d(c, c, 3, stride=s, padding=1, output_padding=rng.randint(0, s - 1)),
    ])
    pre = [nn.Conv1d(c, c, 3, padding=rng.choice([0, 1, 1]))] if rng.random() < 0.6 else []
    name = f"skip{depth}"
    merge = Merge(name, op=rng.choice(["add", "cat"]), crop=rng.choice([None, "center"]))
    tail = [nn.Conv1d(2 * c if merge.op == "cat" else c, c, 1)]
    return pre + [Save(name), down, *_rand_unet(rng, c, depth - 1), up, merge, *tail]


@pytest.mark.parametrize("seed", range(80))
def test_random_unets_match_brute_force(seed: int) -> None:
    rng = random.Random(1000 + seed)
    stack = Stack(_rand_unet(rng, 2, rng.randint(1, 3)), input_shape=(1, 2, 64))
    answer = solve_input_sizes(stack)[0]
    assert set(answer.sizes(1, 200)) == brute(stack, -1, 200), answer.form.text()


def test_expressions_on_the_incoming_shape():
    """$in_channels (not the solved axis) is read from the template; densenet121 at its
    brute-forced sizes. An expression reading the solved size itself is a clear error."""
    stack = conv_calc.load_stack(str(EXAMPLES / "densenet121.yaml"))
    first = solve_input_sizes(stack)[0]
    assert set(first.sizes(1, 40)) == brute(stack, first.dim, 40)
    text = ("input: [1, 8, 16, 16]\nblocks:\n  B:\n    sequential:\n"
            "      - Conv2d: {out_channels: 4, kernel_size: [1, '$in_shape[-1] // 4']}\n"
            "layers:\n  - B\n")
    stack = conv_calc.load_stack(text, filename="net.yaml")
    assert solve_input_sizes(stack, axes=(-2,))[0].sizes(1, 5) == [1, 2, 3, 4, 5]
    with pytest.raises(ValueError, match=r"net.yaml:5:53: \$in_shape\[-1\] is not known here"):
        solve_input_sizes(stack, axes=(-1,))


# ---------------------------------------------------------------- tensor-function rows

_HEAD = "input: [1, 4, 40, 36]\nlayers:\n  - Conv2d: {out_channels: 4, kernel_size: 3, stride: 2}\n"
CALL_CASES = {
    "flatten": "  - flatten: 1\n  - Linear: {in_features: 1292, out_features: 5}\n",
    "flatten-all": "  - flatten\n",
    "mean": "  - mean: {dim: [2, 3]}\n  - Linear: {in_features: 4, out_features: 5}\n",
    "sum-keepdim": ("  - sum: {dim: [-2, -1], keepdim: true}\n"
                    "  - Conv2d: {out_channels: 4, kernel_size: 1}\n"),
    "amax-one-axis": ("  - amax: {dim: 2}\n"
                      "  - Conv1d: {out_channels: 4, kernel_size: 5, stride: 2}\n"),
    "se-scale": ("  - save: x\n  - mean: {dim: [2, 3], keepdim: true}\n"
                 "  - Conv2d: {out_channels: 4, kernel_size: 1}\n  - save: s\n  - mul: [x, s]\n"
                 "  - MaxPool2d: {kernel_size: 3, stride: 3}\n"),
    "permute": ("  - permute: [0, 1, 3, 2]\n  - contiguous\n"
                "  - Conv2d: {out_channels: 4, kernel_size: [5, 2], stride: [3, 1]}\n"),
    "transpose-linear": "  - transpose: [2, 3]\n  - Linear: {in_features: 19, out_features: 3}\n",
    "unsqueeze-squeeze": ("  - unsqueeze: 2\n"
                          "  - Conv3d: {out_channels: 4, kernel_size: [1, 3, 3], stride: 2}\n"
                          "  - squeeze: 2\n  - MaxPool2d: {kernel_size: 2}\n"),
    "chunk": ("  - chunk: {chunks: 2, dim: 1}\n    outputs: [a, b]\n"
              "  - Conv2d: {out_channels: 2, kernel_size: 3, padding: 1}\n  - save: c\n"
              "  - cat: [c, b]\n  - Conv2d: {out_channels: 4, kernel_size: 3, stride: 2}\n"),
    "split": ("  - split: [[1, 3], {dim: 1}]\n    outputs: [a, b]\n"
              "    continue_with: b\n"
              "  - Conv2d: {out_channels: 1, kernel_size: 3, padding: 1}\n"
              "  - save: c\n  - add: [c, a]\n"),
    "interpolate": ("  - interpolate: {scale_factor: 2, mode: nearest}\n"
                    "  - Conv2d: {out_channels: 4, kernel_size: 4, stride: 3}\n"),
    "interpolate-size": ("  - interpolate: {size: [7, 9], mode: bilinear, align_corners: false}\n"
                         "  - Conv2d: {out_channels: 4, kernel_size: 4, stride: 3}\n"),
    # size_of: the result takes the reference's length (FCN / DeepLab heads)
    "size-of-input": ("  - MaxPool2d: {kernel_size: 3, stride: 2}\n"
                      "  - interpolate: {size_of: input, mode: bilinear, align_corners: false}\n"
                      "  - save: up\n  - add: [up, input]\n"
                      "  - Conv2d: {out_channels: 4, kernel_size: 4, stride: 3}\n"),
    "upsample-size-of": ("  - save: y\n  - Conv2d: {out_channels: 4, kernel_size: 5, stride: 3}\n"
                         "  - Upsample: {size_of: y, mode: nearest}\n  - save: z\n"
                         "  - cat: [y, z]\n  - MaxPool2d: {kernel_size: 2}\n"),
    "size-of-flattened": ("  - save: y\n  - flatten: 2\n  - interpolate: {size_of: y}\n"
                          "  - Conv1d: {out_channels: 4, kernel_size: 3, stride: 2}\n"),
    "size-of-transposed": ("  - save: y\n  - transpose: [2, 3]\n  - contiguous\n"
                           "  - MaxPool2d: {kernel_size: [1, 3]}\n"
                           "  - interpolate: {size_of: y, mode: nearest-exact}\n"
                           "  - save: z\n  - sub: [z, y]\n"),
}


@pytest.mark.parametrize("name", sorted(CALL_CASES))
def test_tensor_function_rows_match_brute_force(name: str) -> None:
    stack = conv_calc.load_stack(_HEAD + CALL_CASES[name], filename=f"{name}.yaml")
    for axis in solve_input_sizes(stack):
        assert set(axis.sizes(1, 90)) == brute(stack, axis.dim, 90), (axis.axis, axis.form.text())


@pytest.mark.parametrize("rows,message", [
    ("  - view: [1, -1]\n", r"view \(view\): solve does not follow view: whether torch accepts "
                            r"it depends on the memory layout"),
    ("  - reshape: [1, 4, -1]\n",
     r"reshape \(reshape\): solve does not follow reshape of the solved axis"),
    ("  - chunk: {chunks: 2, dim: -1}\n",
     r"chunk \(chunk\): solve does not follow chunk along the solved axis"),
    ("  - split: [5, {dim: 2}]\n",
     r"split \(split\): solve does not follow split along the solved axis"),
    ("  - squeeze\n",
     r"squeeze \(squeeze\): solve does not follow a squeeze that removes the solved axis"),
    ("  - save: y\n  - permute: [0, 2, 3, 1]\n  - interpolate: {size_of: y}\n",
     r"interpolate \(interpolate\): size_of gives the solved axis' length to dim -\d of the "
     r"result, while dim -\d keeps the resampled tensor's own length"),
])
def test_tensor_functions_solve_does_not_follow(rows: str, message: str) -> None:
    stack = conv_calc.load_stack(_HEAD + rows, filename="net.yaml")
    with pytest.raises(SolveError, match=message):
        solve_input_sizes(stack)


def test_chunk_with_too_many_output_names_passes_no_size() -> None:
    stack = conv_calc.load_stack(_HEAD + "  - chunk: {chunks: 2, dim: 1}\n    outputs: [a, b, c]\n",
                                 filename="net.yaml")
    for axis in solve_input_sizes(stack):
        assert axis.sizes(1, 60) == sorted(brute(stack, axis.dim, 60)) == []
        assert "2 pieces for 3 names" in axis.blocked
