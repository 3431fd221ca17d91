"""Sizes at the int64 limits through every tensor function and merge: torch 2.13's exact
error, or a clear conv-calc refusal, never a shape torch would not give.

Each message below was checked against torch 2.13 on the CPU; with torch installed the
slow test runs every case live again (inputs of broadcast merges are expanded views, so
no memory is allocated for them).
"""

from __future__ import annotations

import json
import math

import pytest

from tests.cli_runner import run

BIG = 2**63 - 1
RESHAPE = "shape '[-1, 9223372036854775807]' is invalid for input of size 256"
STORAGE = "Storage size calculation overflowed with sizes="
INT64 = "value cannot be converted to type int64_t without overflow"
DIM = "Dimension out of range (expected to be in range of [-4, 3], but got 9223372036854775807)"

#: (item on a [1, 4, 8, 8] input, torch's call on it, error type, message; None: a shape)
CASES = [
    ("reshape: [-1, 9223372036854775807]", lambda x: x.reshape(-1, BIG), "RuntimeError", RESHAPE),
    ("reshape: [-1, 4611686018427387904, 4]", lambda x: x.reshape(-1, 2**62, 4), "RuntimeError",
     "shape '[-1, 4611686018427387904, 4]' is invalid for input of size 256"),
    ("reshape: [9223372036854775808]", lambda x: x.reshape(2**63), "TypeError",
     "reshape(): argument 'shape' failed to unpack the object at pos 1 with error \"Overflow when unpacking long long"),
    ("view: [-1, 9223372036854775807, 2]", lambda x: x.view(-1, BIG, 2), "RuntimeError",
     "shape '[-1, 9223372036854775807, 2]' is invalid for input of size 256"),
    ("interpolate: {scale_factor: .nan}", lambda x: _F().interpolate(x, scale_factor=math.nan),
     "RuntimeError", INT64),
    ("interpolate: {scale_factor: .inf}", lambda x: _F().interpolate(x, scale_factor=math.inf),
     "RuntimeError", INT64),
    ("interpolate: {scale_factor: 1e300}", lambda x: _F().interpolate(x, scale_factor=1e300),
     "RuntimeError", INT64),
    ("interpolate: {scale_factor: 1e18}", lambda x: _F().interpolate(x, scale_factor=1e18),
     "RuntimeError", STORAGE + "[1, 4, 8000000000000000000, 8000000000000000000]"),
    ("interpolate: {size: 9223372036854775807}", lambda x: _F().interpolate(x, size=BIG),
     "RuntimeError", STORAGE + "[1, 4, 9223372036854775807, 9223372036854775807]"),
    ("interpolate: {scale_factor: 1e-300}", lambda x: _F().interpolate(x, scale_factor=1e-300),
     "RuntimeError", "Input and output sizes should be greater than 0, but got input (H: 8, W: 8) "
                     "output (H: 0, W: 0)"),
    ("split: [9223372036854775807, {dim: 1}]", lambda x: x.split(BIG, dim=1), None, [1, 4, 8, 8]),
    ("split: [[9223372036854775807, -9223372036854775803], {dim: 1}]",
     lambda x: x.split([BIG, -BIG + 4], dim=1), "RuntimeError",
     "SymIntArrayRef expected to contain only concrete integers"),
    ("chunk: {chunks: 9223372036854775807, dim: 1}", lambda x: x.chunk(BIG, dim=1), "RuntimeError",
     "split_size can only be 0 if dimension size is 0, but got dimension size of 4"),
    ("chunk: {chunks: 9223372036854775808, dim: 1}", lambda x: x.chunk(2**63, dim=1), "ValueError",
     "Overflow when unpacking long long"),
    ("transpose: [9223372036854775807, 1]", lambda x: x.transpose(BIG, 1), "IndexError", DIM),
    ("permute: [0, 1, 2, 9223372036854775808]", lambda x: x.permute(0, 1, 2, 2**63), "TypeError",
     "permute(): argument 'dims' failed to unpack the object at pos 4 with error \"Overflow when unpacking long long"),
    ("unsqueeze: -9223372036854775808", lambda x: x.unsqueeze(-2**63), "IndexError",
     "Dimension out of range (expected to be in range of [-5, 4], but got -9223372036854775808)"),
    ("squeeze: 9223372036854775807", lambda x: x.squeeze(BIG), "IndexError", DIM),
    ("mean: {dim: 9223372036854775807}", lambda x: x.mean(dim=BIG), "IndexError", DIM),
    ("flatten: {start_dim: 9223372036854775807}", lambda x: x.flatten(start_dim=BIG), "IndexError", DIM),
]

#: (first input, second input, merge): broadcasting whose result overflows int64 bytes.
MERGES = [
    ([1, 2**31], [2**31, 1], "mul", STORAGE + "[2147483648, 2147483648]"),
    # Found here: `add` (unlike mul, sub, div) gave this shape and exit 0.
    ([3037000500, 1], [1, 3037000500], "add", STORAGE + "[3037000500, 3037000500]"),
    ([1, 1, 3037000500, 1], [1, 1, 1, 3037000500], "sub", STORAGE + "[1, 1, 3037000500, 3037000500]"),
]


#: (size of each of 8 tensors joined on dim 1, torch's error). Found here: both gave a
#: shape and exit 0 (the int64 sum wraps in torch; the bytes of the second overflow).
CATS = [
    (2**60, "Trying to create tensor with negative dimension -9223372036854775808: "
            "[1, -9223372036854775808]"),
    (2**58, STORAGE + "[1, 2305843009213693952]"),
]


def _F():
    import torch.nn.functional as F

    return F


def _stack(tmp_path, text: str):
    path = tmp_path / "net.yaml"
    path.write_text(text)
    result = run("stack", str(path), "--format", "json")
    assert result.code in (0, 1), result.stderr
    return json.loads(result.stdout)


def _answer(report: dict):
    if report["error"] is None:
        return None, report["output_shape"]
    return report["error"]["type"], report["error"]["message"]


@pytest.mark.parametrize("item, call, kind, message", CASES, ids=[c[0] for c in CASES])
def test_tensor_function_at_int64_limits(tmp_path, item, call, kind, message):
    kind_got, message_got = _answer(_stack(tmp_path, f"input: [1, 4, 8, 8]\nlayers:\n  - {item}\n"))
    assert kind_got == kind
    assert message in message_got if kind else message_got == message


@pytest.mark.parametrize("a, b, op, message", MERGES, ids=[m[2] for m in MERGES])
def test_broadcast_merge_at_int64_limits(tmp_path, a, b, op, message):
    report = _stack(tmp_path, f"input: {a}\ninputs: {{b: {b}}}\nlayers:\n  - save: a\n  - {op}: [a, b]\n")
    assert _answer(report) == ("RuntimeError", message)


@pytest.mark.parametrize("size, message", CATS, ids=[str(c[0]) for c in CATS])
def test_cat_at_int64_limits(tmp_path, size, message):
    report = _stack(tmp_path, f"input: [1, {size}]\nlayers:\n  - save: a\n"
                              "  - cat: [a, a, a, a, a, a, a, a]\n    dim: 1\n")
    assert _answer(report) == ("RuntimeError", message)


def _torch_answer(fn, *tensors):
    try:
        out = fn(*tensors)
    except Exception as err:  # noqa: BLE001 - torch's own error is the answer
        return type(err).__name__, str(err).splitlines()[0]
    out = out[0] if isinstance(out, (tuple, list)) else out
    return None, list(out.shape)


@pytest.mark.slow
@pytest.mark.parametrize("item, call, kind, message", CASES, ids=[c[0] for c in CASES])
def test_live_torch_agrees(item, call, kind, message):
    torch = pytest.importorskip("torch")
    kind_got, message_got = _torch_answer(call, torch.zeros(1, 4, 8, 8))
    assert kind_got == kind
    assert message in message_got if kind else message_got == message


@pytest.mark.slow
@pytest.mark.parametrize("a, b, op, message", MERGES, ids=[m[2] for m in MERGES])
def test_live_torch_agrees_on_merges(a, b, op, message):
    torch = pytest.importorskip("torch")
    # Expanded views of one element: the inputs exist without their bytes.
    x, y = torch.zeros(1).expand(*a), torch.zeros(1).expand(*b)
    assert _torch_answer(getattr(torch, op), x, y) == ("RuntimeError", message)


@pytest.mark.slow
@pytest.mark.parametrize("size, message", CATS, ids=[str(c[0]) for c in CATS])
def test_live_torch_agrees_on_cat(size, message):
    torch = pytest.importorskip("torch")
    x = torch.zeros(1).expand(1, size)
    assert _torch_answer(lambda t: torch.cat([t] * 8, 1), x) == ("RuntimeError", message)
