"""torch.fx's function and method calls as stack-file rows.

A call is one of:

- a *layer call*: a functional form of a torch.nn layer (``F.relu(x, inplace=True)``,
  ``F.adaptive_avg_pool2d(x, 1)``, ``F.max_pool2d``, ``F.avg_pool2d``, ``F.dropout``,
  ``torch.sigmoid``): written as that layer (:data:`LAYER_CALLS`: the layer key and the
  function's positional parameters after the input, which are the layer's arguments of the
  same names; ``None`` drops one the layer does not take);
- a *tensor call* (``torch.flatten``, ``x.view``, ``x.chunk``, ``x.mean``,
  ``F.interpolate``): a tensor-function row (:data:`TENSOR_CALLS`, the stack-file word);
- a *merge* of tensors (``+``, ``*``, ``-``, ``/``, ``torch.cat``): :data:`MERGES`;
- a *shape read* (``x.shape``, ``x.size()``, ``x.dim()``): a number known at import, not a row.

Names are fx's qualified names (``torch.nn.functional.relu``, ``Tensor.view`` for a method,
``operator.add``).

>>> layer_call("torch.nn.functional.relu", (True,), {})
('ReLU', {'inplace': True})
>>> layer_call("torch._C._nn.avg_pool2d", (3, 1, 1), {"ceil_mode": False})
('AvgPool2d', {'kernel_size': 3, 'stride': 1, 'padding': 1, 'ceil_mode': False})
>>> call_value("permute", ([0, 2, 3, 1],), {})
[0, 2, 3, 1]
"""

from __future__ import annotations

from typing import Any

__all__ = ["LAYER_CALLS", "TENSOR_CALLS", "MERGES", "SHAPE_READS", "ATTENTION", "layer_call",
           "call_value"]

F = "torch.nn.functional."

_POOL_MAX = ("kernel_size", "stride", "padding", "dilation", "ceil_mode", "return_indices")
_POOL_AVG = ("kernel_size", "stride", "padding", "ceil_mode", "count_include_pad",
             "divisor_override")

#: function -> (layer key, its positional parameters after the input).
LAYER_CALLS: dict[str, tuple[str, tuple[str | None, ...]]] = {
    F + "relu": ("ReLU", ("inplace",)),
    "torch.relu": ("ReLU", ()),
    "Tensor.relu": ("ReLU", ()),
    F + "relu6": ("ReLU6", ("inplace",)),
    F + "leaky_relu": ("LeakyReLU", ("negative_slope", "inplace")),
    F + "hardtanh": ("Hardtanh", ("min_val", "max_val", "inplace")),
    F + "hardswish": ("Hardswish", ("inplace",)),
    F + "hardsigmoid": ("Hardsigmoid", ("inplace",)),
    F + "silu": ("SiLU", ("inplace",)),
    F + "mish": ("Mish", ("inplace",)),
    F + "gelu": ("GELU", ("approximate",)),
    F + "elu": ("ELU", ("alpha", "inplace")),
    "torch.sigmoid": ("Sigmoid", ()),
    "Tensor.sigmoid": ("Sigmoid", ()),
    F + "sigmoid": ("Sigmoid", ()),
    "torch.tanh": ("Tanh", ()),
    "Tensor.tanh": ("Tanh", ()),
    F + "tanh": ("Tanh", ()),
    F + "adaptive_avg_pool1d": ("AdaptiveAvgPool1d", ("output_size",)),
    F + "adaptive_avg_pool2d": ("AdaptiveAvgPool2d", ("output_size",)),
    F + "adaptive_avg_pool3d": ("AdaptiveAvgPool3d", ("output_size",)),
    F + "adaptive_max_pool2d": ("AdaptiveMaxPool2d", ("output_size", "return_indices")),
    F + "max_pool1d": ("MaxPool1d", _POOL_MAX),
    F + "max_pool2d": ("MaxPool2d", _POOL_MAX),
    F + "max_pool3d": ("MaxPool3d", _POOL_MAX),
    "torch.avg_pool1d": ("AvgPool1d", _POOL_AVG[:5]),
    "torch._C._nn.avg_pool2d": ("AvgPool2d", _POOL_AVG),
    "torch._C._nn.avg_pool3d": ("AvgPool3d", _POOL_AVG),
    # F.dropout(input, p, training, inplace): the training flag changes values, not shapes.
    F + "dropout": ("Dropout", ("p", None, "inplace")),
}

#: function or method -> the stack-file word of its tensor-function row.
TENSOR_CALLS: dict[str, str] = {
    "torch.flatten": "flatten", "Tensor.flatten": "flatten",
    "torch.reshape": "reshape", "Tensor.reshape": "reshape", "Tensor.view": "view",
    "torch.permute": "permute", "Tensor.permute": "permute",
    "torch.transpose": "transpose", "Tensor.transpose": "transpose",
    "torch.swapaxes": "transpose", "Tensor.swapaxes": "transpose",
    "torch.squeeze": "squeeze", "Tensor.squeeze": "squeeze",
    "torch.unsqueeze": "unsqueeze", "Tensor.unsqueeze": "unsqueeze",
    "Tensor.contiguous": "contiguous",
    "torch.chunk": "chunk", "Tensor.chunk": "chunk",
    "torch.functional.split": "split", "Tensor.split": "split",
    "torch.mean": "mean", "Tensor.mean": "mean",
    "torch.sum": "sum", "Tensor.sum": "sum",
    "torch.amax": "amax", "Tensor.amax": "amax",
    F + "interpolate": "interpolate",
}

#: function -> the merge it is (over two tensors: add, mul, sub, div; over a list: cat).
MERGES: dict[str, str] = {
    **{f"operator.{op}": word for op, word in (
        ("add", "add"), ("iadd", "add"), ("mul", "mul"), ("imul", "mul"), ("sub", "sub"),
        ("isub", "sub"), ("truediv", "div"), ("itruediv", "div"))},
    **{f"torch.{w}": w for w in ("add", "mul", "sub", "div")},
    **{f"Tensor.{w}": w for w in ("add", "mul", "sub", "div")},
    **{f"Tensor.{w}_": w for w in ("add", "mul", "sub", "div")},
    "torch.cat": "cat", "torch.concat": "cat", "torch.concatenate": "cat",
}

#: Calls that read a tensor's shape: their result is a number known at import.
SHAPE_READS = {"Tensor.size", "Tensor.dim", "Tensor.ndimension"}

#: Calls that belong to attention; refused with a message saying so.
ATTENTION = {"torch.matmul", "torch.bmm", "torch.baddbmm", "torch.functional.einsum",
             "torch.einsum", "Tensor.matmul", "Tensor.bmm", "operator.matmul",
             F + "scaled_dot_product_attention", F + "multi_head_attention_forward"}


def layer_call(function: str, args: tuple, kwargs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The layer key and arguments of a layer call (``args`` after the input tensor)."""
    key, names = LAYER_CALLS[function]
    out: dict[str, Any] = {}
    for name, value in zip(names, args):
        if name is not None:
            out[name] = value
    for name, value in kwargs.items():
        if name in names and name is not None:
            out[name] = value
        elif name not in ("training",):
            raise TypeError(f"{function}() got an unexpected keyword argument '{name}'")
    if len(args) > len(names):
        raise TypeError(f"{function}() takes {len(names) + 1} positional arguments")
    return key, out


def call_value(word: str, args: tuple, kwargs: dict[str, Any]) -> Any:
    """A tensor call's arguments as a stack-file item value (see docs/stack-format.md)."""
    args = tuple(args)
    if word in ("permute", "view", "reshape") and len(args) == 1 and isinstance(args[0], list):
        args = tuple(args[0])  # x.view((1, 2)) is x.view(1, 2)
    if not args:
        return dict(kwargs) if kwargs else None
    if len(args) == 1 and not kwargs and not isinstance(args[0], list):
        return args[0]
    return [*args, dict(kwargs)] if kwargs else list(args)
