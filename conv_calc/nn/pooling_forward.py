"""Python's own binding errors for keyword arguments given to a module's ``forward``.

The pools, adaptive pools, padding layers and ``Upsample`` take no forward
keyword arguments: ``forward(self, input)``. torch calls
``forward_call(*args, **kwargs)`` (torch/nn/modules/module.py:
``Module._call_impl``), so a stray keyword fails with Python's message,
naming the class that *defines* ``forward`` (``_ConstantPadNd.forward()`` for
``ZeroPad2d``, ``Upsample.forward()`` for ``UpsamplingNearest2d``). Python
binds the keywords in the order given and reports the first that fails.

>>> check_forward_kwargs("MaxPool2d", {"x": 1})
Traceback (most recent call last):
  ...
conv_calc.errors.LayerTypeError: MaxPool2d.forward() got an unexpected keyword argument 'x'
"""

from __future__ import annotations

from typing import Any

from conv_calc.errors import LayerTypeError

__all__: list[str] = []


def check_forward_kwargs(owner: str, forward_kwargs: dict[str, Any]) -> None:
    """Raise what ``module(x, **forward_kwargs)`` raises before forward runs; ``owner``
    is the ``__qualname__`` prefix of the class that defines ``forward``."""
    for name in forward_kwargs:
        if name == "self":
            # torch/nn/modules/module.py: Module._wrapped_call_impl(self, *args, **kwargs)
            raise LayerTypeError(
                "Module._wrapped_call_impl() got multiple values for argument 'self'",
                hint="'self' cannot be passed as a keyword to a module call; drop it.")
        if name == "input":
            raise LayerTypeError(
                f"{owner}.forward() got multiple values for argument 'input'",
                hint="the input is already given positionally; do not pass input= as well.")
        raise LayerTypeError(
            f"{owner}.forward() got an unexpected keyword argument '{name}'",
            hint=f"{owner}.forward takes only the input tensor; drop {name}=.")
