"""Layer specs for torchvision.ops modules: StochasticDepth.

Shape: input ``(*)`` -> output ``(*)``, the same shape; no parameters. torchvision checks
p and mode in forward (torchvision/ops/stochastic_depth.py: stochastic_depth), not in the
constructor, so a bad argument is accepted when built and raises when called.

>>> StochasticDepth(0.2, "row").output_shape((8, 16, 4, 4))
(8, 16, 4, 4)
"""

from __future__ import annotations

from typing import Any

from conv_calc.errors import LayerIndexError, LayerRuntimeError, LayerTypeError, LayerValueError
from conv_calc.nn.base import Layer, as_shape
from conv_calc.nn.forward_kwargs import check_forward_kwargs

__all__ = ["StochasticDepth"]


class StochasticDepth(Layer):
    """Drop whole rows ("row") or the whole batch ("batch") with probability p in training
    (torchvision.ops.StochasticDepth); in eval, or with p == 0, it returns the input.

    >>> StochasticDepth(0.5, "batch").eval().output_shape((2, 3))
    (2, 3)
    """

    def __init__(self, p: float, mode: str) -> None:
        # torchvision/ops/stochastic_depth.py: StochasticDepth.__init__ stores both unchecked.
        self.p = p
        self.mode = mode

    def __repr__(self) -> str:
        return f"StochasticDepth(p={self.p}, mode={self.mode})"

    def output_shape(self, input_shape, **forward_kwargs: Any) -> tuple[int, ...]:
        shape = as_shape(input_shape)
        check_forward_kwargs(self, forward_kwargs)
        p, mode = self.p, self.mode
        try:
            bad = p < 0.0 or p > 1.0
        except TypeError as err:
            raise LayerTypeError(str(err), hint=f"p={p!r}: the drop probability must be a number in [0, 1].") from None
        if bad:
            # torchvision/ops/stochastic_depth.py: stochastic_depth
            raise LayerValueError(f"drop probability has to be between 0 and 1, but got {p}",
                                  hint=f"p={p} is outside [0, 1]: it is the probability of dropping a row.")
        if mode not in ["batch", "row"]:
            raise LayerValueError(f"mode has to be either 'batch' or 'row', but got {mode}",
                                  hint="mode is 'row' (drop per sample) or 'batch' (drop the whole batch).")
        if self.training and p != 0.0 and mode == "row" and not shape:
            # size = [input.shape[0]] + ...: a 0-d tensor has no batch dimension
            raise LayerIndexError("tuple index out of range",
                                  hint="StochasticDepth(mode='row') needs a batch dimension in training.")
        if self.training and p != p:
            # noise.bernoulli_(1.0 - p): NaN passes the Python range check
            raise LayerRuntimeError("bernoulli_ expects p to be in [0, 1], but got p=nan",
                                    hint="p is NaN: give a probability in [0, 1].")
        return shape
