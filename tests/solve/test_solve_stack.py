"""solve_input_sizes against brute force: Stack.analyze on every size in a range.

The analytic answer must equal, size for size, the set of sizes for which
Stack.analyze reports no error -- on the examples and on random 1-d networks
with strides, ceil-mode pools, transposed convs, padding, residual adds,
concatenations and U-Net skips with centre crops.
"""

from __future__ import annotations

import random
import time
from pathlib import Path

import pytest

import conv_calc
from conv_calc import nn
from conv_calc.solve.stack import solve_input_sizes
from conv_calc.graph.nodes import Merge, Parallel, Residual, Save
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
         ("alexnet", 100), ("vgg16", 70)]


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


def _rand_nodes(rng: random.Random, c: int, depth: int, size: int) -> list:
    nodes: list = []
    for _ in range(size):
        r = rng.random()
        if depth and r < 0.15:
            body = _rand_nodes(rng, c, depth - 1, rng.randint(1, 3))
            short = _rand_nodes(rng, c, depth - 1, rng.randint(0, 2))
            nodes.append(Residual(tuple(body), tuple(short)))
        elif depth and r < 0.25:
            branches = tuple(tuple(_rand_nodes(rng, c, depth - 1, rng.randint(1, 2)))
                             for _ in range(rng.randint(2, 3)))
            merge = rng.choice(["cat", "add"])
            nodes.append(Parallel(branches, merge=merge, dim=rng.choice([1, 1, 2])))
            if merge == "cat":
                return nodes  # channels changed: stop here (channels are fixed by the file)
        elif depth and r < 0.35:
            name = f"s{rng.randint(0, 10**6)}"
            inner = _rand_nodes(rng, c, depth - 1, rng.randint(1, 3))
            nodes += [Save(name), *inner,
                      Merge(name, op=rng.choice(["cat", "add"]),
                            crop=rng.choice([None, "center"]), dim=rng.choice([1, 1, 2]))]
            return nodes
        else:
            nodes.append(_rand_layer(rng, c))
    return nodes


@pytest.mark.parametrize("seed", range(60))
def test_random_networks_match_brute_force(seed: int) -> None:
    rng = random.Random(seed)
    stack = Stack(_rand_nodes(rng, 2, 2, rng.randint(2, 6)), input_shape=(1, 2, 50))
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
