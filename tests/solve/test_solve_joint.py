"""solve input-sizes --square / --joint against brute force: Stack.analyze on every
(n, n) and on every (h, w) of a grid, for the examples and a network that is not separable."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

import conv_calc
from conv_calc import nn
from conv_calc.graph.stack import Stack
from conv_calc.graph.nodes import Residual
from conv_calc.solve.joint import solve_joint
from conv_calc.solve.layer import SolveError
from conv_calc.solve.sets import contains
from tests.cli_runner import run

EXAMPLES = Path(__file__).resolve().parent.parent.parent / "examples"


def _ok(stack: Stack, sizes) -> bool:
    shape = list(stack.input_shape)
    shape[len(shape) - len(sizes):] = sizes
    return stack.analyze(tuple(shape)).error is None


def _joint_accepts(ans, sizes) -> bool:
    if not all(n in a for n, a in zip(sizes, ans.axes)):
        return False
    return not any(all(contains(cl, n) for cl, n in zip(e.classes, sizes))
                   for e in ans.exceptions)


SLOW = pytest.mark.slow
SQUARE = [("unet-padded", 100), ("unet-small", 80), ("fcn-head-small", 40),
          ("video-c3d-small", 24), ("aspp", 40), ("residual", 30), ("dcgan-generator", 20),
          pytest.param("unet", 200, marks=SLOW), pytest.param("resnet18", 48, marks=SLOW),
          pytest.param("googlenet", 40, marks=SLOW), pytest.param("vgg16", 40, marks=SLOW),
          pytest.param("squeeze-excitation", 40, marks=SLOW),
          pytest.param("inception", 40, marks=SLOW), pytest.param("alexnet", 80, marks=SLOW),
          pytest.param("mobilenetv2-block", 30, marks=SLOW)]


@pytest.mark.parametrize("name,hi", SQUARE)
def test_square_matches_brute_force(name: str, hi: int) -> None:
    stack = conv_calc.load_stack(str(EXAMPLES / f"{name}.yaml"))
    ans = solve_joint(stack)
    assert ans.separable
    nd = len(ans.axes)
    want = {n for n in range(1, hi + 1) if _ok(stack, [n] * nd)}
    got = {n for n in range(1, hi + 1) if contains(ans.square_classes, n)}
    assert got == want


@pytest.mark.parametrize("name,hi,step", [("unet-padded", 48, 8), ("fcn-head-small", 20, 1),
                                          pytest.param("resnet18", 40, 3, marks=SLOW)])
def test_joint_matches_brute_force_on_a_grid(name: str, hi: int, step: int) -> None:
    stack = conv_calc.load_stack(str(EXAMPLES / f"{name}.yaml"))
    ans = solve_joint(stack)
    for h in range(1, hi + 1, step):
        for w in range(1, hi + 1):
            assert _joint_accepts(ans, (h, w)) == _ok(stack, (h, w)), (h, w)


@pytest.mark.slow
@pytest.mark.parametrize("name,hi", [("resnet50", 70), ("googlenet", 40), ("unet-small", 60)])
def test_joint_matches_brute_force_full_grid(name: str, hi: int) -> None:
    stack = conv_calc.load_stack(str(EXAMPLES / f"{name}.yaml"))
    ans = solve_joint(stack)
    for h in range(1, hi + 1):
        for w in range(1, hi + 1):
            assert _joint_accepts(ans, (h, w)) == _ok(stack, (h, w)), (h, w)


def test_per_axis_answer_differs_from_square_on_unet_padded() -> None:
    """The issue's case: per axis 16 works (W held at 256); 16x16 does not."""
    stack = conv_calc.load_stack(str(EXAMPLES / "unet-padded.yaml"))
    ans = solve_joint(stack)
    assert 16 in ans.axes[0] and not contains(ans.square_classes, 16)
    assert ans.square.text() == "16k (k >= 2)"
    assert [e.example for e in ans.exceptions] == [(16, 16)]
    assert not _ok(stack, (16, 16)) and _ok(stack, (16, 32))


def test_flatten_linear_is_not_separable_with_a_checked_example() -> None:
    net = Stack([nn.Conv2d(1, 2, 3), nn.Flatten(), nn.Linear(2 * 6 * 6, 4)],
                input_shape=(1, 1, 8, 8))
    ans = solve_joint(net)
    assert not ans.separable        # (h - 2) * (w - 2) == 36: (8, 8), (5, 14), ... not a product
    assert ans.example == (6, 11) and ans.example_error == "(accepted)"
    assert _ok(net, (6, 11)) and _ok(net, (8, 8)) and not _ok(net, (8, 11))
    assert ans.axes[0].form.text() == "8"         # per axis, W held at 8: only H = 8
    out = _run_text(net)
    assert "not separable" in out and "for example 6x11 works" in out


def test_not_separable_example_is_checked() -> None:
    # W held at 9 changes H's program; H = 8 works per axis (W = 8) but 8x9 fails.
    net = Stack([nn.Conv2d(1, 2, 3), nn.Flatten(), nn.Linear(2 * 6 * 8, 4)],
                input_shape=(1, 1, 8, 10))
    ans = solve_joint(net)
    assert not ans.separable
    if ans.example is not None:
        assert _ok(net, ans.example) == (ans.example_error == "(accepted)")


def _run_text(net: Stack) -> str:
    from conv_calc.cli.solve_joint import joint_report

    return "\n".join(joint_report(solve_joint(net), False, 1, 100, 100, False)[0])


def _run(*args: str):
    return run("solve", "input-sizes", *args)


def test_cli_says_which_question() -> None:
    per_axis = _run(str(EXAMPLES / "unet-padded.yaml"))
    assert "per axis, the other axes held at the file's 256x256" in per_axis.stdout
    square = _run(str(EXAMPLES / "unet-padded.yaml"), "--square", "-r", "1..64")
    assert square.code == 0, square.stderr
    assert "every spatial axis the same size n" in square.stdout and "32, 48, 64" in square.stdout
    joint = _run(str(EXAMPLES / "resnet18.yaml"), "--joint", "--format", "json")
    data = json.loads(joint.stdout)
    assert data["axes_question"] == "joint" and data["separable"]
    assert data["exceptions"][0]["sizes"] == {"H": "1..32", "W": "1..32"}


@pytest.mark.parametrize("args,message", [
    (["--square", "--joint"], "give one of them"),
    (["--square", "--axis", "H"], "--axis asks about one axis"),
])
def test_cli_refuses_mixed_questions(args, message) -> None:
    res = _run(str(EXAMPLES / "resnet18.yaml"), *args)
    assert res.code == 2 and message in res.stdout + res.stderr


MULTI_INPUT = """\
version: 1
inputs: {other: [1, 3, 8, 8]}
input: [1, 3, 8, 8]
layers:
  - Conv2d: {out_channels: 3, kernel_size: 3, padding: 1}
  - add: other
"""


@pytest.mark.parametrize("flag", [[], ["--square"], ["--joint"]])
def test_several_inputs_are_refused_clearly(tmp_path, flag) -> None:
    path = tmp_path / "two.yaml"
    path.write_text(MULTI_INPUT)
    res = _run(str(path), *flag)
    assert res.code == 2 and "Traceback" not in res.stderr
    assert "solve reads networks with one input; this one also has other (`inputs:`)" in res.stderr
    assert "hint:" in res.stderr


@pytest.mark.parametrize("flag", [[], ["--joint"]])
def test_keras_files_are_refused_clearly(flag) -> None:
    res = _run(str(EXAMPLES / "keras" / "unet-channels-first.yaml"), *flag)
    assert res.code == 2 and "solve reads torch stack files" in res.stderr


# ---------------------------------------------------------------- random 2-d networks

def _rand2d(rng, c: int):
    kind = rng.choice(["conv", "conv", "pool", "tconv", "bn", "in", "up", "pad", "adapt", "relu"])
    pair = lambda lo, hi: (rng.randint(lo, hi), rng.randint(lo, hi))  # noqa: E731
    if kind == "conv":
        k = pair(1, 4)
        return nn.Conv2d(c, c, k, stride=pair(1, 3), padding=(rng.randint(0, k[0] // 2),
                                                               rng.randint(0, k[1] // 2)))
    if kind == "pool":
        k = pair(1, 3)
        return nn.MaxPool2d(k, stride=pair(1, 3), ceil_mode=rng.random() < 0.3)
    if kind == "tconv":
        s = pair(1, 2)
        return nn.ConvTranspose2d(c, c, pair(1, 3), stride=s)
    if kind == "bn":
        return nn.BatchNorm2d(c)
    if kind == "in":
        return nn.InstanceNorm2d(c)
    if kind == "up":
        return nn.Upsample(scale_factor=2, mode="nearest")
    if kind == "pad":
        return nn.ZeroPad2d((rng.randint(0, 2), rng.randint(0, 1), rng.randint(0, 1), 0))
    if kind == "adapt":
        return nn.AdaptiveAvgPool2d(rng.choice([(1, None), (None, 2), (2, 2), (1, 1)]))
    return nn.ReLU()


def _rand2d_net(seed: int) -> Stack:
    rng = random.Random(seed)
    nodes: list = []
    for _ in range(rng.randint(2, 6)):
        if rng.random() < 0.2:
            body = tuple(_rand2d(rng, 2) for _ in range(rng.randint(1, 2)))
            nodes.append(Residual(body, tuple(_rand2d(rng, 2) for _ in range(rng.randint(0, 1)))))
        else:
            nodes.append(_rand2d(rng, 2))
    return Stack(nodes, input_shape=(1, 2, 16, 16))


def _check_random(seed: int, hi: int) -> None:
    net = _rand2d_net(seed)
    try:
        ans = solve_joint(net)
    except SolveError:
        return                      # refused with a message: not a wrong answer
    if not ans.separable:
        if ans.example is not None:  # the example is what the analysis says
            assert _ok(net, ans.example) == (ans.example_error == "(accepted)")
        return
    for h in range(1, hi + 1):
        assert contains(ans.square_classes, h) == _ok(net, (h, h)), (seed, h)
        for w in range(1, hi + 1):
            assert _joint_accepts(ans, (h, w)) == _ok(net, (h, w)), (seed, h, w)


@pytest.mark.parametrize("seed", range(6))
def test_random_2d_networks_match_brute_force(seed: int) -> None:
    _check_random(seed, 10)


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(6, 120))
def test_random_2d_networks_match_brute_force_more(seed: int) -> None:
    _check_random(seed, 16)
