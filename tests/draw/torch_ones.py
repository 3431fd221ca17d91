"""Run a stack in real torch with every weight one and every bias zero: the reference for
path counts (conv_calc.graph.paths). Test-only; imports torch.

The walk, the row names and the module building are tests/torch_build.py's (written
independently of conv-calc); here each module's parameters are set to ones (biases to
zero) and every row's output tensor is kept, with autograd on, so a test can read the
all-ones output (overlap counts) and the gradient of one output (the region it sees).
"""

from __future__ import annotations

from typing import Any

import pytest

torch = pytest.importorskip("torch")

from tests import torch_build  # noqa: E402

__all__ = ["run_ones"]


class _OnesWalker(torch_build._Walker):
    def __init__(self, mode: str = "eval") -> None:
        super().__init__(mode)
        self.tensors: dict[str, Any] = {}

    def record(self, name: str, type_name: str, out: Any, params: int, macs: int,
               *rest: Any) -> None:
        super().record(name, type_name, out, params, macs, *rest)
        self.tensors[name] = out

    def counted(self, fn, *args):
        module = fn if isinstance(fn, torch.nn.Module) else None
        if module is not None:
            with torch.no_grad():
                for pname, p in module.named_parameters():
                    p.fill_(0.0 if pname.endswith("bias") else 1.0)
        return fn(*args), 0


def run_ones(stack: Any, input_shape: tuple[int, ...] | None = None) -> tuple[Any, dict[str, Any]]:
    """(the all-ones input, which requires grad; every row's output by row name), in float64
    so counts are exact."""
    shape = tuple(input_shape or stack.input_shape)
    walker = _OnesWalker("eval")
    torch.set_default_dtype(torch.float64)
    try:
        x = torch.ones(shape, requires_grad=True)
        walker.input = x
        walker.saved["input"] = x
        walker.nodes(stack.layers, x, "")
    except torch_build._Stop:
        pass
    finally:
        torch.set_default_dtype(torch.float32)
    if walker.result.failure is not None:
        raise AssertionError(f"torch failed: {walker.result.failure}")
    return x, walker.tensors
