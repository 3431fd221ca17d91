"""Python's own binding errors for keyword arguments given to a module call.

Mirrors torch/nn/modules/module.py: ``Module._wrapped_call_impl(self, *args, **kwargs)``
hands the keywords to ``forward_call(*args, **kwargs)``, so a stray keyword fails with
CPython's message for ``forward(self, input, ...)``, naming the class that *defines*
``forward`` in torch (``_ConstantPadNd.forward()`` for ``ZeroPad2d``, ``_BatchNorm.forward()``
for ``BatchNorm2d``, ``Hardtanh.forward()`` for ``ReLU6``). ``self=`` collides with
``_wrapped_call_impl``'s own ``self`` before forward is reached, wherever it stands among
the keywords; the rest are bound in the order given and the first that fails is reported.

>>> check_forward_kwargs("MaxPool2d", {"x": 1})
Traceback (most recent call last):
  ...
conv_calc.errors.LayerTypeError: MaxPool2d.forward() got an unexpected keyword argument 'x'
>>> check_forward_kwargs("ConvTranspose2d", {"output_size": (4, 4), "input": 1}, ("output_size",))
Traceback (most recent call last):
  ...
conv_calc.errors.LayerTypeError: ConvTranspose2d.forward() got multiple values for argument 'input'
>>> check_forward_kwargs("Conv2d", {"foo": 1, "self": 2})
Traceback (most recent call last):
  ...
conv_calc.errors.LayerTypeError: Module._wrapped_call_impl() got multiple values for argument 'self'
"""

from __future__ import annotations

from typing import Any

from conv_calc.errors import LayerTypeError

__all__: list[str] = []


def forward_owner(layer: Any) -> str:
    """The class whose ``forward`` torch runs: ``layer._forward_owner`` or the layer's class."""
    return getattr(layer, "_forward_owner", None) or type(layer).__name__


def check_forward_kwargs(owner: Any, forward_kwargs: dict[str, Any],
                         params: tuple[str, ...] = ()) -> None:
    """Raise what ``module(x, **forward_kwargs)`` raises before forward runs.

    ``owner`` is the name of the class that defines ``forward`` (or a layer, see
    :func:`forward_owner`); ``params`` are forward's keyword parameters after ``input``
    (``("output_size",)`` for ConvTranspose).
    """
    if not isinstance(owner, str):
        owner = forward_owner(owner)
    if "self" in forward_kwargs:
        # torch/nn/modules/module.py: Module._wrapped_call_impl(self, *args, **kwargs)
        raise LayerTypeError(
            "Module._wrapped_call_impl() got multiple values for argument 'self'",
            hint="'self' cannot be passed as a keyword to a module call; drop it.")
    takes = "only the input tensor" if not params else (
        "the input tensor and " + ", ".join(params) + " only")
    for name in forward_kwargs:
        if name in params:
            continue
        if name == "input":
            # CPython's binding of forward(self, input, ...): input is already positional
            raise LayerTypeError(
                f"{owner}.forward() got multiple values for argument 'input'",
                hint="the input is already given positionally; do not pass input= as well.")
        raise LayerTypeError(
            f"{owner}.forward() got an unexpected keyword argument '{name}'",
            hint=f"{owner}.forward takes {takes}; drop {name}=.")
