"""Layer specs for torchvision modules: StochasticDepth, Permute (torchvision.ops), LayerNorm2d
(torchvision.models.convnext) and LayerScale (ConvNeXt's per-channel parameter, not a module).

Shape: input ``(*)`` -> output ``(*)``, the same shape; no parameters. torchvision checks
p and mode in forward (torchvision/ops/stochastic_depth.py: stochastic_depth), not in the
constructor, so a bad argument is accepted when built and raises when called.

>>> StochasticDepth(0.2, "row").output_shape((8, 16, 4, 4))
(8, 16, 4, 4)
"""

from __future__ import annotations

import math
from typing import Any

from conv_calc.errors import LayerIndexError, LayerRuntimeError, LayerTypeError, LayerValueError
from conv_calc.nn.base import Layer, as_shape
from conv_calc.nn.conv import Conv3d
from conv_calc.nn.forward_kwargs import check_forward_kwargs
from conv_calc.nn.norm_group import LayerNorm

__all__ = ["StochasticDepth", "Permute", "LayerNorm2d", "LayerScale", "Conv3DSimple",
           "Conv3DNoTemporal"]


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


class Permute(Layer):
    """torchvision.ops.misc.Permute(dims): ``torch.permute(x, dims)`` as a module.

    >>> Permute([0, 2, 3, 1]).output_shape((1, 96, 56, 56))
    (1, 56, 56, 96)
    """

    def __init__(self, dims) -> None:
        # torchvision/ops/misc.py: Permute.__init__ stores dims unchecked; permute checks them.
        self.dims = dims

    def __repr__(self) -> str:
        return f"Permute(dims={self.dims})"

    def _call(self):
        from conv_calc.nn.tensor_calls import TensorCall
        return TensorCall("permute", (self.dims,))

    def output_shape(self, input_shape, **forward_kwargs: Any) -> tuple[int, ...]:
        shape = as_shape(input_shape)
        check_forward_kwargs(self, forward_kwargs)
        return self._call().output_shape(shape)

    def axis_geometry(self, in_shape, out_shape=None):
        return self._call().axis_geometry(tuple(in_shape), out_shape)


class LayerNorm2d(LayerNorm):
    """torchvision.models.convnext.LayerNorm2d: LayerNorm over the channels of ``(N, C, H, W)``
    (permute to NHWC, F.layer_norm, permute back); parameters ``2 * C``.

    >>> LayerNorm2d(96, eps=1e-6).output_shape((1, 96, 56, 56))
    (1, 96, 56, 56)
    """

    spatial_dims = 2
    _TO_NHWC = (0, 2, 3, 1)

    def __repr__(self) -> str:
        return "LayerNorm2d" + super().__repr__()[len("LayerNorm"):]

    def output_shape(self, input_shape, **forward_kwargs: Any) -> tuple[int, ...]:
        from conv_calc.nn.tensor_calls import TensorCall
        shape = as_shape(input_shape)
        check_forward_kwargs(self, forward_kwargs)
        # torchvision/models/convnext.py: LayerNorm2d.forward: x.permute(0, 2, 3, 1), then
        # F.layer_norm over the last dims, then x.permute(0, 3, 1, 2).
        nhwc = TensorCall("permute", (self._TO_NHWC,)).output_shape(shape)
        super().output_shape(nhwc)
        return shape


class LayerScale(Layer):
    """ConvNeXt's learnable layer scale: ``nn.Parameter(torch.ones(shape) * v) * x``
    (torchvision/models/convnext.py: CNBlock.layer_scale, shape ``(dim, 1, 1)``). Not a
    module in torch: no row in torchvision's record, but its parameters count in the
    model's total. Output: ``x`` broadcast with ``shape``.

    >>> LayerScale([96, 1, 1]).output_shape((1, 96, 56, 56)), LayerScale([96, 1, 1]).param_count()
    ((1, 96, 56, 56), 96)
    """

    def __init__(self, shape) -> None:
        if isinstance(shape, int) and not isinstance(shape, bool):
            shape = (shape,)
        try:
            self.shape = tuple(int(v) for v in shape)
        except (TypeError, ValueError) as err:
            raise LayerTypeError(str(err), hint="shape must be a list of ints, e.g. [96, 1, 1].") from None
        if any(v < 0 for v in self.shape):
            raise LayerRuntimeError(f"Trying to create tensor with negative dimension {min(self.shape)}: "
                                    f"{list(self.shape)}", hint="every size of shape must be >= 0.")

    def __repr__(self) -> str:
        return f"LayerScale(shape={list(self.shape)})"

    def output_shape(self, input_shape, **forward_kwargs: Any) -> tuple[int, ...]:
        x = as_shape(input_shape)
        check_forward_kwargs(self, forward_kwargs)
        a = self.shape
        n = max(len(a), len(x))
        pa, px = (1,) * (n - len(a)) + a, (1,) * (n - len(x)) + x
        out = []
        for i, (u, v) in enumerate(zip(pa, px)):
            if u != v and u != 1 and v != 1:
                # aten/src/ATen/ExpandUtils.cpp: infer_size_impl (layer_scale * x: a is the scale)
                raise LayerRuntimeError(
                    f"The size of tensor a ({u}) must match the size of tensor b ({v}) at non-singleton "
                    f"dimension {i}",
                    hint=f"the scale {list(a)} does not broadcast with the input {list(x)}.")
            out.append(v if u == 1 else u)
        return tuple(out)

    def axis_geometry(self, in_shape, out_shape=None):
        from conv_calc.geometry import unchanged
        in_shape = tuple(in_shape)
        out = self.output_shape(in_shape) if out_shape is None else tuple(out_shape)
        if out != in_shape:
            raise NotImplementedError("LayerScale: a scale that grows the input is not modelled")
        return unchanged(len(in_shape))

    def param_count(self) -> int:
        return math.prod(self.shape)


class Conv3DSimple(Conv3d):
    """torchvision.models.video.resnet.Conv3DSimple: a 3x3x3 ``nn.Conv3d`` without bias
    (r3d_18, mc3_18's first stage).

    >>> Conv3DSimple(3, 64).output_shape((1, 3, 16, 56, 56))
    (1, 64, 16, 56, 56)
    """

    inferable = ("in_planes",)

    def __init__(self, in_planes: int, out_planes: int, midplanes: Any = None, stride: Any = 1,
                 padding: Any = 1) -> None:
        # torchvision: super().__init__(in_channels=in_planes, out_channels=out_planes,
        # kernel_size=(3, 3, 3), stride=stride, padding=padding, bias=False)
        super().__init__(in_channels=in_planes, out_channels=out_planes, kernel_size=(3, 3, 3),
                         stride=stride, padding=padding, bias=False)

    @classmethod
    def infer_kwargs(cls, input_shape: tuple[int, ...]) -> dict[str, int]:
        """``in_planes`` read off the input, as Conv3d reads ``in_channels``."""
        found = Conv3d.infer_kwargs.__func__(cls, input_shape)
        return {"in_planes": found["in_channels"]} if found else {}


class Conv3DNoTemporal(Conv3d):
    """torchvision.models.video.resnet.Conv3DNoTemporal: a (1, 3, 3) ``nn.Conv3d`` without bias,
    stride ``(1, s, s)``, padding ``(0, p, p)`` (mc3_18's later stages).

    >>> Conv3DNoTemporal(64, 128, stride=2).output_shape((1, 64, 16, 56, 56))
    (1, 128, 16, 28, 28)
    """

    inferable = ("in_planes",)

    def __init__(self, in_planes: int, out_planes: int, midplanes: Any = None, stride: Any = 1,
                 padding: Any = 1) -> None:
        # torchvision: kernel_size=(1, 3, 3), stride=(1, stride, stride),
        # padding=(0, padding, padding), bias=False
        super().__init__(in_channels=in_planes, out_channels=out_planes, kernel_size=(1, 3, 3),
                         stride=(1, stride, stride), padding=(0, padding, padding), bias=False)

    infer_kwargs = Conv3DSimple.infer_kwargs
