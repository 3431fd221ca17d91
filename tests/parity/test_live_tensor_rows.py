"""Tensor-function rows against live torch 2.13: the golden file is current, and receptive
fields through each function match torch's autograd.

Receptive fields: every conv has all-ones weights, no bias and no padding, the input is
all ones, so ``x.grad`` after ``y[u].backward()`` is nonzero exactly on D(u) (no
cancellation: every path adds positive terms; so average pooling, mean and sum only:
max and amax pass a gradient to one position). The hull sizes of
D(u) over every output index u along an axis are the engine's ``size`` (largest) and
``size_min`` (smallest); ``effective_padding`` is ``-min D(0)``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conv_calc.stackfile.load import load_text

torch = pytest.importorskip("torch")
from oracle.tensor_rows_oracle import fx_names, run_chain  # noqa: E402  (after the torch check)

GOLDEN = Path(__file__).resolve().parent.parent / "golden" / "stack_tensor_rows.jsonl"


def test_golden_is_current() -> None:
    """Every recorded case, run again by torch now, gives the recorded outcome."""
    for line in GOLDEN.read_text().splitlines():
        case = json.loads(line)
        got = run_chain(torch, case)
        got["fx"] = fx_names(torch, case) if got["error"] is None else None
        assert got == case["expect"], case["id"]


def ones_conv(kh: int, kw: int, stride: int = 1) -> torch.nn.Conv2d:
    conv = torch.nn.Conv2d(1, 1, (kh, kw), stride=stride, bias=False)
    torch.nn.init.ones_(conv.weight)
    return conv


def hulls(forward, shape: tuple[int, ...], out_dims: tuple[int, int]) -> list[dict]:
    """Per spatial axis of the input (H, W): size, size_min, effective_padding from autograd.

    ``out_dims`` are the output dims where the input's H and W axes are (-1 for an axis
    that is gone: its output positions are not enumerated along it)."""
    x = torch.ones(shape, requires_grad=True)
    y = forward(x)
    result = []
    for axis, od in enumerate(out_dims):
        in_dim = 2 + axis
        sizes, first = [], None
        n_out = y.shape[od] if od >= 0 else 1
        for u in range(n_out):
            idx = [0] * y.dim()
            for d in out_dims:  # the other tracked axis: its middle output
                if d >= 0:
                    idx[d] = y.shape[d] // 2
            if od >= 0:
                idx[od] = u
            x.grad = None
            y[tuple(idx)].backward(retain_graph=True)
            other = tuple(d for d in range(x.dim()) if d != in_dim)
            deps = (x.grad.abs().sum(dim=other) > 0).nonzero().flatten().tolist()
            if deps:
                sizes.append(max(deps) - min(deps) + 1)
                if u == 0:
                    first = -min(deps)
        result.append({"size": max(sizes), "size_min": min(sizes), "effective_padding": first})
    return result


CASES = [
    # (stack-file layers, torch forward, where H and W end up in the output)
    ("""
  - Conv2d: {out_channels: 1, kernel_size: [5, 1], bias: false}
  - transpose: [2, 3]
  - Conv2d: {out_channels: 1, kernel_size: [3, 1], bias: false}
""", lambda c: (lambda x: c[1](c[0](x).transpose(2, 3))), [(5, 1), (3, 1)], (3, 2)),
    ("""
  - Conv2d: {out_channels: 1, kernel_size: [5, 1], bias: false}
  - permute: [0, 2, 3, 1]
  - permute: [0, 3, 2, 1]
  - Conv2d: {out_channels: 1, kernel_size: [3, 1], bias: false}
  - permute: [0, 1, 3, 2]
""", lambda c: (lambda x: c[1](c[0](x).permute(0, 2, 3, 1).permute(0, 3, 2, 1)).permute(0, 1, 3, 2)),
        [(5, 1), (3, 1)], (2, 3)),
    ("""
  - Conv2d: {out_channels: 1, kernel_size: 3, bias: false}
  - chunk: {chunks: 3, dim: 2}
    outputs: [a, b, c]
    continue_with: c
  - Conv2d: {out_channels: 1, kernel_size: 3, bias: false}
""", lambda c: (lambda x: c[1](c[0](x).chunk(3, dim=2)[2])), [(3, 3), (3, 3)], (2, 3)),
    ("""
  - Conv2d: {out_channels: 1, kernel_size: 3, bias: false}
  - split: [[4, 9], {dim: 3}]
    outputs: [a, b]
    continue_with: b
  - Conv2d: {out_channels: 1, kernel_size: 3, bias: false}
""", lambda c: (lambda x: c[1](c[0](x).split([4, 9], dim=3)[1])), [(3, 3), (3, 3)], (2, 3)),
    ("""
  - Conv2d: {out_channels: 1, kernel_size: 3, stride: 2, bias: false}
  - mean: {dim: 2, keepdim: true}
  - Conv2d: {out_channels: 1, kernel_size: [1, 3], bias: false}
""", lambda c: (lambda x: c[1](c[0](x).mean(2, keepdim=True))), [(3, 3, 2), (1, 3)], (2, 3)),
    ("""
  - Conv2d: {out_channels: 1, kernel_size: 3, stride: 2, bias: false}
  - interpolate: {size_of: input, mode: bilinear, align_corners: false}
""", lambda c: (lambda x: torch.nn.functional.interpolate(c[0](x), size=x.shape[-2:],
                                                          mode="bilinear", align_corners=False)),
        [(3, 3, 2)], (2, 3)),
    ("""
  - Conv2d: {out_channels: 1, kernel_size: 3, bias: false}
  - save: c1
  - AvgPool2d: {kernel_size: 2}
  - Upsample: {size_of: c1, mode: nearest}
""", lambda c: (lambda x: torch.nn.functional.interpolate(
        torch.nn.functional.avg_pool2d(c[0](x), 2), size=c[0](x).shape[-2:], mode="nearest")),
        [(3, 3)], (2, 3)),
    ("""
  - Conv2d: {out_channels: 1, kernel_size: 3, bias: false}
  - unsqueeze: 1
  - squeeze: 1
  - view: [1, 1, 13, 13]
  - Conv2d: {out_channels: 1, kernel_size: 3, bias: false}
""", lambda c: (lambda x: c[1](c[0](x).unsqueeze(1).squeeze(1).view(1, 1, 13, 13))),
        [(3, 3), (3, 3)], (2, 3)),
    ("""
  - Conv2d: {out_channels: 1, kernel_size: 3, bias: false}
  - sum: {dim: 3, keepdim: true}
""", lambda c: (lambda x: c[0](x).sum(3, keepdim=True)), [(3, 3)], (2, 3)),
]


@pytest.mark.parametrize("layers, build, convs, out_dims", CASES)
def test_receptive_fields_match_autograd(layers, build, convs, out_dims) -> None:
    shape = (1, 1, 15, 15)
    stack = load_text(f"input: {list(shape)}\nlayers:{layers}", "rf.yaml")
    rf = stack.analyze().layers[-1].receptive_field
    modules = [ones_conv(*c) for c in convs]
    want = hulls(build(modules), shape, out_dims)
    for axis, w in enumerate(want):
        assert rf.size[axis] == w["size"], (axis, rf, w)
        assert rf.size_min[axis] == w["size_min"], (axis, rf, w)
        assert rf.effective_padding[axis] == w["effective_padding"], (axis, rf, w)
