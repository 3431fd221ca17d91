"""Dropout layers: Dropout, AlphaDropout, Dropout1d/2d/3d (re-exported by activation.py).

Shape: input ``(*)`` -> output ``(*)``, the same shape; Dropout1d/2d/3d zero whole
channels and check the input's rank.

>>> Dropout2d(0.2).output_shape((8, 16, 4, 4))
(8, 16, 4, 4)
"""

from __future__ import annotations

from typing import Any

from conv_calc.errors import LayerRuntimeError, LayerTypeError, LayerValueError
from conv_calc.nn.base import Layer, as_shape
from conv_calc.nn.forward_kwargs import check_forward_kwargs

__all__ = ["Dropout", "AlphaDropout", "Dropout1d", "Dropout2d", "Dropout3d"]


class _DropoutNd(Layer):
    """Dropout's shared constructor: p must lie in [0, 1]."""

    def __init__(self, p: float = 0.5, inplace: bool = False) -> None:
        try:
            bad = p < 0 or p > 1
        except TypeError as err:
            raise LayerTypeError(str(err), hint=f"p={p!r}: the dropout probability must be a number in [0, 1].") from None
        if bad:
            # torch/nn/modules/dropout.py: _DropoutNd.__init__
            raise LayerValueError(f"dropout probability has to be between 0 and 1, but got {p}",
                                  hint=f"p={p} is outside [0, 1]: it is the probability of zeroing an element.")
        self.p = p
        self.inplace = inplace

    def __repr__(self) -> str:
        return f"{type(self).__name__}(p={self.p}, inplace={self.inplace})"

    def output_shape(self, input_shape, **forward_kwargs: Any) -> tuple[int, ...]:
        shape = as_shape(input_shape)
        check_forward_kwargs(self, forward_kwargs)
        self._check_p()
        return shape

    def _check_p(self) -> None:
        if self.p != self.p:
            # aten/src/ATen/native/Dropout.cpp: _dropout_impl (NaN passes the Python check)
            raise LayerRuntimeError(f"dropout probability has to be between 0 and 1, but got {self.p}",
                                    hint="p is NaN: give a probability in [0, 1].")


class Dropout(_DropoutNd):
    """Zero elements with probability p during training (torch.nn.Dropout).

    >>> Dropout(0.1).output_shape((4, 16))
    (4, 16)
    """


class AlphaDropout(_DropoutNd):
    """Dropout that keeps SELU's self-normalisation (torch.nn.AlphaDropout)."""


class Dropout1d(_DropoutNd):
    """Zero whole channels of (N, C, L) or (C, L) inputs (torch.nn.Dropout1d).

    Raises RuntimeError in forward for inputs that are not 2-d or 3-d.
    """

    spatial_dims = 1

    def output_shape(self, input_shape, **forward_kwargs: Any) -> tuple[int, ...]:
        shape = as_shape(input_shape)
        check_forward_kwargs(self, forward_kwargs)
        if len(shape) not in (2, 3):
            # torch/nn/functional.py: dropout1d
            raise LayerRuntimeError(
                f"dropout1d: Expected 2D or 3D input, but received a {len(shape)}D input. "
                "Note that dropout1d exists to provide channel-wise dropout on inputs with 1 "
                "spatial dimension, a channel dimension, and an optional batch dimension "
                "(i.e. 2D or 3D inputs).",
                hint=f"the input is {len(shape)}-d: Dropout1d takes (N, C, L) or (C, L).")
        self._check_p()
        return shape


class Dropout2d(_DropoutNd):
    """Zero whole channels of (N, C, H, W) or (C, H, W) inputs (torch.nn.Dropout2d).

    Other ranks only warn; an input of fewer than 2 dims is rejected by the kernel.
    """

    _batched_rank = 4
    _unsqueeze = False
    spatial_dims = 2

    def output_shape(self, input_shape, **forward_kwargs: Any) -> tuple[int, ...]:
        shape = as_shape(input_shape)
        check_forward_kwargs(self, forward_kwargs)
        # torch/nn/functional.py: dropout3d views an unbatched input as a batch of one;
        # dropout2d does not.
        rank = len(shape) + (1 if self._unsqueeze and len(shape) != self._batched_rank else 0)
        numel = 1
        for d in shape:
            numel *= d
        self._check_p()
        if rank < 2 and numel != 0 and self.p not in (0, 1) and self.training:
            # aten/src/ATen/native/Dropout.cpp: make_feature_noise (eval mode returns the input)
            raise LayerRuntimeError("Feature dropout requires at least 2 dimensions in the input",
                                    hint=f"the input is {len(shape)}-d: {type(self).__name__} "
                                         "needs a channel dimension.")
        return shape


class Dropout3d(Dropout2d):
    """Zero whole channels of (N, C, D, H, W) or (C, D, H, W) inputs (torch.nn.Dropout3d)."""

    _batched_rank = 5
    _unsqueeze = True
    spatial_dims = 3
