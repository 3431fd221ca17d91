"""Build a conv-calc stack (its node tree) in real torch and record what every row does.

The walk mirrors :meth:`conv_calc.graph.nodes.Stack.analyze`: one record per layer and per
merge, in execution order, named by the naming rules documented in
conv_calc/graph/analysis.py (re-implemented here, not imported): the enclosing names joined
with ``.``; an unnamed node is named by its position among the list's module nodes (``Save``
and ``Merge`` take no position), as in ``torch.nn.Sequential``; an unnamed block adds no
level for its named layers (unless one outside it holds the name); a residual's unnamed
shortcut layers sit under ``<name>.shortcut`` and its sum is the row ``<name>.add`` (an unnamed
residual's: named as torch.fx names the call in the enclosing forward, ``add``, ``add_1``); a parallel block's branch
``j`` is ``<name>.<j>`` (its named layers directly under ``<name>``) and its merge ``<name>.cat`` / ``<name>.add``
(unnamed: ``cat`` / ``cat_1`` ... in the enclosing list, counted with its merges); a ``Merge`` is named by
its op (``cat``, ``cat_1``, ... within one list) unless named; repeats get ``_1``, ``_2``. Each :class:`~conv_calc.graph.nodes.LayerNode` becomes
``getattr(torch.nn, type)(*args, **kwargs)`` with ``in_channels`` / ``num_features`` /
``num_channels`` / ``in_features`` filled from the incoming tensor when left out, by
rules written here independently of conv-calc's ``infer_kwargs``. Merges:

- :class:`~conv_calc.graph.nodes.Residual`: ``torch.add(body(x), shortcut(x))``, body rows first;
- :class:`~conv_calc.graph.nodes.Parallel`: every branch on ``x`` in order, then ``torch.cat(outs, dim)``
  or ``torch.add`` folded left over the branches;
- :class:`~conv_calc.graph.nodes.Save` keeps ``x``; :class:`~conv_calc.graph.nodes.Merge` centre-crops the
  saved tensor by slicing when asked, then ``torch.cat([saved, x], dim)`` (or ``[x, saved]``)
  or ``torch.add(x, saved)``.

The input is ``torch.zeros(shape)``; modules are in the stack's mode: training mode
(torch's default) unless the stack says ``mode: eval``, when each runs after ``.eval()``. MACs are ``torch.utils.flop_counter`` FLOPs // 2 of the row.
The first exception stops the walk and is recorded with its row, stage and builtin class.
Test-only: imports torch, which conv-calc itself never does.
"""

from __future__ import annotations

import builtins

import functools
from dataclasses import dataclass, field
from typing import Any

import pytest

# pytest imports this module for its doctests too: skip it, not fail, without torch.
torch = pytest.importorskip("torch")
from torch.utils.flop_counter import FlopCounterMode  # noqa: E402

from conv_calc.graph.expr import resolve_value  # noqa: E402
from conv_calc.graph.nodes import (  # noqa: E402
    Call, Combine, From, LayerNode, Merge, Parallel, Position, Residual, Save, Sequential, SizeOf,
)
from conv_calc.graph.stack import Stack  # noqa: E402

__all__ = ["TorchRow", "TorchFailure", "TorchResult", "run_stack", "infer_kwargs", "MERGE_TYPES"]

#: The ``type`` recorded for merge rows (``torch.add`` / ``torch.cat``).
MERGE_TYPES = {"add": "add", "cat": "cat", "mul": "mul", "sub": "sub", "div": "div"}
_BUILTINS = (NotImplementedError, IndexError, TypeError, ValueError, RuntimeError)


@dataclass(frozen=True)
class TorchRow:
    name: str
    type: str
    output_shape: tuple[int, ...]
    params: int
    macs: int
    config: str | None = None  # repr(module), as print(model) shows it (None: not a module)


@dataclass(frozen=True)
class TorchFailure:
    index: int                 # the row that would have come next
    name: str
    type: str
    stage: str                 # "init" (the constructor) or "forward"
    error_class: type          # the builtin class the exception is an instance of
    message: str
    exception: BaseException


@dataclass
class TorchResult:
    rows: list[TorchRow] = field(default_factory=list)
    output_shape: tuple[int, ...] | None = None
    failure: TorchFailure | None = None


class _Stop(Exception):
    pass



class _LayerScale(torch.nn.Module):
    """ConvNeXt's layer scale as torchvision writes it inside CNBlock: a parameter times x."""

    def __init__(self, shape: Any) -> None:
        super().__init__()
        shape = (shape,) if isinstance(shape, int) else tuple(shape)
        self.layer_scale = torch.nn.Parameter(torch.ones(shape))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.layer_scale * x


def module_class(type_name: str) -> type:
    """The torch class a stack row names: torch.nn, else torchvision's (the test skips when
    torchvision is not installed), else conv-calc's LayerScale stand-in."""
    if hasattr(torch.nn, type_name):
        return getattr(torch.nn, type_name)
    if type_name == "LayerScale":
        return _LayerScale
    import sys
    import types

    for name in ("torchvision._meta_registrations", "torchvision._autograd_registrations"):
        sys.modules.setdefault(name, types.ModuleType(name))  # its ops are built for CUDA torch
    pytest.importorskip("torchvision", reason=f"{type_name} is torchvision's")
    from torchvision.models.convnext import LayerNorm2d
    from torchvision.models.video.resnet import Conv3DNoTemporal, Conv3DSimple
    from torchvision.ops import Permute, StochasticDepth

    return {"StochasticDepth": StochasticDepth, "Permute": Permute, "LayerNorm2d": LayerNorm2d,
            "Conv3DSimple": Conv3DSimple, "Conv3DNoTemporal": Conv3DNoTemporal}[type_name]

def infer_kwargs(type_name: str, shape: tuple[int, ...], given: dict[str, Any]) -> dict[str, Any]:
    """The constructor argument a stack file may leave out, read off the incoming shape."""
    nd = int(type_name[-2]) if type_name[-2:-1].isdigit() and type_name.endswith("d") else None
    if type_name in ("Conv3DSimple", "Conv3DNoTemporal") and "in_planes" not in given:
        return {"in_planes": shape[1]}  # torchvision's Conv3d subclasses name it in_planes
    if type_name.startswith(("Conv", "ConvTranspose")) and nd and "in_channels" not in given:
        if len(shape) == nd + 2:
            return {"in_channels": shape[1]}
        if len(shape) == nd + 1:
            return {"in_channels": shape[0]}
    if type_name.startswith("BatchNorm") and "num_features" not in given and len(shape) >= 2:
        return {"num_features": shape[1]}
    if type_name.startswith("InstanceNorm") and "num_features" not in given and nd:
        return {"num_features": shape[0] if len(shape) == nd + 1 else shape[1]}
    if type_name == "GroupNorm" and "num_channels" not in given and len(shape) >= 2:
        return {"num_channels": shape[1]}
    if type_name == "Linear" and "in_features" not in given and shape:
        return {"in_features": shape[-1]}
    return {}


def _builtin_class(exc: BaseException) -> type:
    for cls in type(exc).__mro__:
        if cls in _BUILTINS:
            return cls
    return type(exc)


def _join(prefix: str, name: str | None) -> str:
    if not name:
        return prefix
    return f"{prefix}.{name}" if prefix else name


def _centre_crop(saved: torch.Tensor, like: torch.Tensor) -> torch.Tensor:
    """Crop ``saved``'s trailing spatial dims to ``like``'s (the original U-Net's crop)."""
    spatial = like.dim() - 2
    index: list[Any] = [slice(None)] * (saved.dim() - spatial)
    for big, small in zip(saved.shape[-spatial:], like.shape[-spatial:]):
        top = (big - small) // 2
        index.append(slice(top, top + small))
    return saved[tuple(index)]


class _Walker:
    def __init__(self, mode: str = "train") -> None:
        self.training = mode == "train"
        self.result = TorchResult()
        self.saved: dict[str, torch.Tensor] = {}
        self.names: set[str] = set()
        self.owners: dict[str, str] = {}
        self.frames: dict[int, tuple[int, ...]] = {}  # block uses' incoming shapes ($in_channels)

    def fail(self, name: str, type_name: str, stage: str, exc: BaseException) -> None:
        self.result.failure = TorchFailure(len(self.result.rows), name, type_name, stage,
                                           _builtin_class(exc), str(exc), exc)
        raise _Stop

    def record(self, name: str, type_name: str, out: torch.Tensor, params: int, macs: int,
               config: str | None = None) -> None:
        self.result.rows.append(TorchRow(name, type_name, tuple(out.shape), params, macs, config))

    def counted(self, fn, *args):
        with FlopCounterMode(display=False) as counter:
            out = fn(*args)
        return out, counter.get_total_flops() // 2

    def unique(self, name: str) -> str:
        k, out = 0, name
        while out in self.names:
            k += 1
            out = f"{name}_{k}"
        self.names.add(out)
        return out

    def nodes(self, nodes, x: torch.Tensor, prefix: str, unnamed_prefix: str | None = None
              ) -> torch.Tensor:
        if unnamed_prefix is None:
            unnamed_prefix = prefix
        # A From's nodes are spliced into the list: they share its positions and fx counts.
        flat: list = []

        def splice(items) -> None:
            for n in items:
                if isinstance(n, From):
                    flat.append(("from", n.tensor))
                    splice(n.nodes)
                else:
                    flat.append(n)
        splice(nodes)
        position = 0
        merges: dict[str, int] = {}
        for node in flat:
            if isinstance(node, tuple):
                x = self.saved[node[1]]
            elif isinstance(node, Save):
                self.saved[node.name] = x
            elif isinstance(node, Call):
                # torch.fx: a call is named by its function, _1, _2 ... on repeats; a name
                # that is a Python builtin (sum) is never used bare.
                k = merges.get(node.function, 0)
                merges[node.function] = k + 1
                k += hasattr(builtins, node.function)
                local = node.name or (node.function if k == 0 else f"{node.function}_{k}")
                x = self.call(node, x, self.unique(_join(prefix, local)))
            elif isinstance(node, (Merge, Combine)):
                k = merges.get(node.op, 0)
                merges[node.op] = k + 1
                local = node.name or (node.op if k == 0 else f"{node.op}_{k}")
                if isinstance(node, Merge):
                    x = self.merge_saved(node, x, _join(prefix, local))
                else:
                    xs = [self.saved[t] for t in node.tensors]
                    op = node.op
                    fn = (lambda: torch.cat(xs, dim=node.dim)) if op == "cat" else \
                        (lambda: getattr(torch, op)(xs[0], xs[1]))
                    x = self.merge(self.unique(_join(prefix, local)), op, fn)
            else:
                # An unnamed node is named by its position, as in torch.nn.Sequential;
                # an unnamed block adds no level for its named layers, unless a layer
                # outside the block already holds that name.
                if node.name and not isinstance(node.name, Position):
                    where = positional = _join(prefix, node.name)
                    if self.owners.setdefault(where, unnamed_prefix) != unnamed_prefix:
                        where = positional = _join(unnamed_prefix, node.name)
                elif isinstance(node, (Sequential, Residual, Parallel)) and not node.name:
                    where, positional = prefix, _join(unnamed_prefix, str(position))
                else:
                    where = positional = _join(unnamed_prefix, str(position))
                merged = None
                if isinstance(node, (Parallel, Residual)) and not node.name:
                    # torch.fx names the torch.cat (a residual's +) of the forward holding
                    # the block (cat, cat_1, add, ... with the list's other calls): no level
                    # of its own
                    op = node.merge if isinstance(node, Parallel) else "add"
                    k = merges.get(op, 0)
                    merges[op] = k + 1
                    merged = _join(prefix, op if k == 0 else f"{op}_{k}")
                x = self.node(node, x, where, positional, merged)
                position += 1
        return x

    def node(self, node, x: torch.Tensor, where: str, positional: str,
             merged: str | None = None) -> torch.Tensor:
        if getattr(node, "frame", None) is not None:
            self.frames[node.frame] = tuple(x.shape)
        if isinstance(node, LayerNode):
            return self.layer(node, x, self.unique(where))
        if isinstance(node, Sequential):
            return self.nodes(node.nodes, x, where, positional)
        if isinstance(node, Residual):
            body = self.nodes(node.body, x, where, positional)
            short = self.nodes(node.shortcut, x, where, _join(positional, "shortcut"))
            return self.merge(self.unique(merged or _join(positional, "add")), "add",
                              lambda: torch.add(body, short))
        if isinstance(node, Parallel):
            outs = [self.nodes(branch, x, where, _join(positional, str(i)))
                    for i, branch in enumerate(node.branches)]
            name = self.unique(merged or _join(positional, node.merge))
            if node.merge == "add":
                return self.merge(name, "add", lambda: functools.reduce(torch.add, outs))
            return self.merge(name, "cat", lambda: torch.cat(outs, dim=node.dim))
        raise TypeError(f"torch_build: unsupported node {node!r}")

    def sized(self, name: str, x: torch.Tensor) -> torch.Size:
        """``ref.shape[-k:]``, k the spatial dims of ``x`` (``size=input.shape[-2:]``)."""
        ref = self.input if name == "input" else self.saved[name]
        k = max(x.dim() - 2, 0)
        return ref.shape[ref.dim() - k:] if k <= ref.dim() else ref.shape

    def call(self, node: Call, x: torch.Tensor, name: str) -> torch.Tensor:
        type_name = {"flatten": "torch.flatten", "interpolate": "F.interpolate"}.get(
            node.function, f"Tensor.{node.function}")
        # $in_shape / $in_channels in the arguments: the block use's incoming shape
        args = resolve_value(tuple(node.args), self.frames, 1)
        kwargs = {k: resolve_value(v, self.frames, 1) for k, v in node.kwargs.items()}
        if node.size_of is not None:
            kwargs["size"] = self.sized(node.size_of, x)
        try:
            if node.function == "flatten":
                out = torch.flatten(x, *args, **kwargs)
            elif node.function == "interpolate":
                out = torch.nn.functional.interpolate(x, *args, **kwargs)
            else:
                out = getattr(x, node.function)(*args, **kwargs)
            if node.function in ("chunk", "split"):
                if node.outputs:
                    names = ", ".join(node.outputs)
                    exec(f"{names}, = out", {}, {"out": out})  # noqa: S102 - Python's own check
                for saved, piece in zip(node.outputs, out):
                    self.saved[saved] = piece
                out = out[node.index]
            elif node.outputs:
                self.saved[node.outputs[0]] = out
        except Exception as exc:  # noqa: BLE001 - recorded, compared with conv-calc's
            self.fail(name, type_name, "forward", exc)
        self.record(name, type_name, out, 0, 0)
        return out

    def merge_saved(self, node: Merge, x: torch.Tensor, name: str) -> torch.Tensor:
        saved = self.saved[node.saved]

        def run() -> torch.Tensor:
            s = _centre_crop(saved, x) if node.crop == "center" else saved
            if node.op != "cat":
                return getattr(torch, node.op)(x, s)
            return torch.cat([s, x] if node.saved_first else [x, s], dim=node.dim)
        return self.merge(self.unique(name), node.op, run)

    def merge(self, name: str, op: str, fn) -> torch.Tensor:
        try:
            out, macs = self.counted(fn)
        except Exception as exc:  # noqa: BLE001 - recorded, compared with conv-calc's
            self.fail(name, MERGE_TYPES[op], "forward", exc)
        self.record(name, MERGE_TYPES[op], out, 0, macs)
        return out

    def layer(self, node: LayerNode, x: torch.Tensor, name: str) -> torch.Tensor:
        if node.layer is not None:
            raise TypeError("torch_build: only LayerNode(type=..., kwargs=...) nodes are supported")
        # Expressions reading the incoming shape mean what the stack file says (the channels
        # are dim 1), evaluated on torch's own shapes; size_of names a saved tensor.
        kwargs = {k: self.sized(v.name, x) if isinstance(v, SizeOf) else
                  resolve_value(v, self.frames, 1) for k, v in node.kwargs.items()}
        kwargs.update(infer_kwargs(node.type, tuple(x.shape), kwargs))
        try:
            module = module_class(node.type)(*node.args, **kwargs)
        except Exception as exc:  # noqa: BLE001
            self.fail(name, node.type, "init", exc)
        module.train(self.training)
        try:
            out, macs = self.counted(module, x)
        except Exception as exc:  # noqa: BLE001
            self.fail(name, node.type, "forward", exc)
        self.record(name, node.type, out, sum(p.numel() for p in module.parameters()), macs,
                    repr(module))
        return out


def run_stack(stack: Stack, input_shape: tuple[int, ...] | None = None,
              mode: str | None = None) -> TorchResult:
    """Run ``stack`` in torch on zeros of ``input_shape`` (default: the stack's), its modules
    in ``mode`` (default: the stack's)."""
    shape = tuple(input_shape or stack.input_shape)
    walker = _Walker(mode or getattr(stack, "mode", "train"))
    torch.manual_seed(0)
    with torch.no_grad():
        x = walker.input = torch.zeros(shape)
        walker.saved["input"] = x
        try:
            x = walker.nodes(stack.layers, x, "")
        except _Stop:
            return walker.result
    walker.result.output_shape = tuple(x.shape)
    return walker.result
