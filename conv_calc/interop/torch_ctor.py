"""Constructor calls for exported PyTorch code: a layer as ``print(model)`` shows it.

:func:`constructor` reads a conv-calc layer's ``repr`` (torch's own ``extra_repr``
text, conv-calc's layers print what torch prints) into a :class:`Ctor`: the
callee and literal arguments, each positional one named by the constructor's
signature (so a block class can turn it into a parameter). torch prints a few
strings without quotes (``padding_mode=reflect``, ``mode=row``): a bare word is
read back as that string. Layers torchvision defines outside ``torchvision.ops``
(``LayerNorm2d``, the video convs) and ConvNeXt's layer scale (a parameter, not a
module, in torchvision) are written as small classes in the exported file
(:data:`HELPERS`).

>>> from conv_calc import nn
>>> c = constructor(nn.Conv2d(3, 8, 3, padding_mode="reflect"), "conv")
>>> c.render()
"nn.Conv2d(3, 8, kernel_size=(3, 3), stride=(1, 1), padding_mode='reflect')"
>>> [name for name, _ in c.slots()]
['in_channels', 'out_channels', 'kernel_size', 'stride', 'padding_mode']
"""

from __future__ import annotations

import ast
import functools
import inspect
import math
from dataclasses import dataclass
from typing import Any

from conv_calc.errors import ExportError
from conv_calc.nn.tensor_calls import TorchSize

__all__ = ["Ctor", "constructor", "literal", "HELPERS", "TORCHVISION_OPS"]

#: Layers imported from torchvision.ops.
TORCHVISION_OPS = ("StochasticDepth", "Permute")

#: Classes written into the exported file when a row uses them (torchvision's own
#: definitions outside torchvision.ops, written again here so the file imports only torch).
HELPERS: dict[str, str] = {
    "LayerNorm2d": '''class LayerNorm2d(nn.LayerNorm):
    """LayerNorm over the channels of an (N, C, H, W) tensor (torchvision's, in ConvNeXt)."""

    def forward(self, x):
        x = x.permute(0, 2, 3, 1)
        x = F.layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps)
        return x.permute(0, 3, 1, 2)
''',
    "Conv3DSimple": '''class Conv3DSimple(nn.Conv3d):
    """A 3x3x3 convolution without bias (torchvision.models.video.resnet.Conv3DSimple)."""

    def __init__(self, in_planes, out_planes, midplanes=None, stride=1, padding=1):
        super().__init__(in_channels=in_planes, out_channels=out_planes, kernel_size=(3, 3, 3),
                         stride=stride, padding=padding, bias=False)
''',
    "Conv3DNoTemporal": '''class Conv3DNoTemporal(nn.Conv3d):
    """A 1x3x3 convolution without bias (torchvision.models.video.resnet.Conv3DNoTemporal)."""

    def __init__(self, in_planes, out_planes, midplanes=None, stride=1, padding=1):
        super().__init__(in_channels=in_planes, out_channels=out_planes, kernel_size=(1, 3, 3),
                         stride=(1, stride, stride), padding=(0, padding, padding), bias=False)
''',
    "LayerScale": '''class LayerScale(nn.Module):
    """A learned scale per channel (ConvNeXt's layer_scale: a parameter of the block in
    torchvision, a module here so that it has a name)."""

    def __init__(self, shape):
        super().__init__()
        self.layer_scale = nn.Parameter(torch.ones(shape))

    def forward(self, x):
        return self.layer_scale * x
''',
}


@dataclass(frozen=True)
class Ctor:
    """``callee(*args, **kwargs)`` with literal arguments; ``names`` names each positional one."""

    callee: str
    args: tuple[Any, ...]
    kwargs: tuple[tuple[str, Any], ...]
    names: tuple[str, ...]

    def slots(self) -> list[tuple[str, Any]]:
        """Every argument as (parameter name, value), positional ones first."""
        return list(zip(self.names, self.args)) + list(self.kwargs)

    def render(self, values: list[str] | None = None) -> str:
        """The call as Python text; ``values`` replaces the arguments' texts, in slot order."""
        texts = values if values is not None else [literal(v) for _, v in self.slots()]
        n = len(self.args)
        parts = texts[:n] + [f"{k}={t}" for (k, _), t in zip(self.kwargs, texts[n:])]
        return f"{self.callee}({', '.join(parts)})"


def literal(value: Any) -> str:
    """``value`` as Python source; refuses what is not a literal.

    >>> literal((3, 3)), literal(1e-05), literal("row")
    ('(3, 3)', '1e-05', "'row'")
    """
    if isinstance(value, TorchSize):  # an nn.Upsample size read off a tensor (size_of)
        return repr(value)
    if isinstance(value, (bool, int, str)) or value is None:
        return repr(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{value!r} is not a finite number")
        return repr(value)
    if isinstance(value, (tuple, list)):
        inner = ", ".join(literal(v) for v in value)
        if isinstance(value, tuple):
            return f"({inner},)" if len(value) == 1 else f"({inner})"
        return f"[{inner}]"
    raise ValueError(f"{value!r} is not a literal")


def _value(node: ast.expr) -> Any:
    if isinstance(node, ast.Name):
        return node.id  # torch prints some strings bare: padding_mode=reflect
    if isinstance(node, ast.Call) and ast.unparse(node.func) == "torch.Size" and \
            len(node.args) == 1 and not node.keywords:
        return TorchSize(ast.literal_eval(node.args[0]))
    return ast.literal_eval(node)


@functools.cache
def _signature(cls: type) -> Any:
    """The parameters of ``cls``'s constructor (cached: a network has hundreds of layers)."""
    return inspect.signature(cls.__init__).parameters


def _param_names(layer: Any, count: int) -> tuple[str, ...]:
    params = [p for p in _signature(type(layer)).values()
              if p.name != "self" and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    names = [p.name for p in params[:count]]
    return tuple(names + [f"arg{i}" for i in range(len(names), count)])


def _video_conv(layer: Any, type_name: str) -> Ctor:
    # torchvision's constructor (in_planes, out_planes, midplanes, stride, padding): the
    # stride and padding of the spatial axes.
    stride, padding = layer.stride[-1], layer.padding[-1]
    if type_name == "Conv3DSimple" and (len(set(layer.stride)) > 1 or len(set(layer.padding)) > 1):
        stride, padding = tuple(layer.stride), tuple(layer.padding)
    return Ctor(type_name, (layer.in_channels, layer.out_channels),
                (("stride", stride), ("padding", padding)), ("in_planes", "out_planes"))


def constructor(layer: Any, row: str) -> Ctor:
    """The call that builds ``layer`` in torch, read off its repr; ``row`` names it in errors."""
    type_name = type(layer).__name__
    if type_name.startswith("MaxUnpool") or getattr(layer, "return_indices", False) is True:
        # torch: MaxUnpool's forward takes (input, indices); return_indices=True returns a
        # tuple. A stack row passes one tensor, so the code would not be the stack's network.
        raise ExportError(
            f"row {row!r}: {type_name} with pooling indices cannot be written as one module "
            "call on one tensor",
            hint="torch's MaxUnpool takes the indices a MaxPool(return_indices=True) returns; "
                 "write that pair by hand in the exported code, or export without it.")
    if type_name in ("Conv3DSimple", "Conv3DNoTemporal"):
        return _checked(_video_conv(layer, type_name), layer, row, repr(layer))
    text = repr(layer)
    try:
        call = ast.parse(text, mode="eval").body
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name)):
            raise ValueError(text)
        args = tuple(_value(a) for a in call.args)
        kwargs = tuple((k.arg, _value(k.value)) for k in call.keywords if k.arg is not None)
        if len(kwargs) != len(call.keywords):
            raise ValueError(text)
        for _, value in [(None, a) for a in args] + list(kwargs):
            literal(value)
    except (SyntaxError, ValueError) as err:
        raise ExportError(
            f"row {row!r}: {type_name} cannot be written as a constructor call ({text})",
            hint=f"an argument of {type_name} is not a plain value ({err}): give it as a number, "
                 "string, list or tuple in the stack file.") from None
    callee = type_name if type_name in TORCHVISION_OPS or type_name in HELPERS \
        else f"nn.{type_name}"
    # torch prints some arguments its constructor does not take (UpsamplingBilinear2d's
    # mode): only the signature's are passed.
    params = _signature(type(layer))
    if not any(p.kind == p.VAR_KEYWORD for p in params.values()):
        kwargs = tuple((k, v) for k, v in kwargs if k in params)
    return _checked(Ctor(callee, args, kwargs, _param_names(layer, len(args))), layer, row, text)


def _state(layer: Any) -> dict[str, Any]:
    return {k: v for k, v in vars(layer).items() if k != "training"}


def _rebuilt(ctor: Ctor, layer: Any, row: str, text: str) -> Any:
    try:
        return type(layer)(*ctor.args, **dict(ctor.kwargs))
    except Exception as err:  # noqa: BLE001 - any failure means the text is not the layer
        raise ExportError(
            f"row {row!r}: {text} does not rebuild the layer ({err})",
            hint="conv-calc cannot write this layer's constructor: report it, with the row.") \
            from None


def _checked(ctor: Ctor, layer: Any, row: str, text: str) -> Ctor:
    """``ctor`` once it rebuilds ``layer`` (conv-calc's layers take torch's signatures).

    An argument the printed form leaves out (PReLU's ``init``; conv-calc prints no
    ``alpha`` for ELU) is added from the layer's attribute of the parameter's name; what
    still differs is refused, never written.
    """
    state = _state(layer)
    rebuilt = _state(_rebuilt(ctor, layer, row, text))
    differ = [k for k in state if rebuilt.get(k) != state[k]]
    if not differ:
        return ctor
    params = _signature(type(layer))
    given = dict(ctor.kwargs)
    for k in differ:
        if k in params and k not in ctor.names:
            try:
                literal(state[k])
            except ValueError:
                continue
            given[k] = state[k]
    ctor = Ctor(ctor.callee, ctor.args, tuple(given.items()), ctor.names)
    rebuilt = _state(_rebuilt(ctor, layer, row, text))
    still = sorted(k for k in state if rebuilt.get(k) != state[k])
    if still:
        raise ExportError(
            f"row {row!r}: {text} leaves out {', '.join(still)}",
            hint="this layer's printed form does not say every argument, so conv-calc "
                 "cannot write its constructor: report it, with the row.")
    return ctor
