"""Normalisation layers: BatchNorm1d/2d/3d, InstanceNorm1d/2d/3d (GroupNorm and LayerNorm
live in :mod:`conv_calc.nn.norm_group` and are re-exported here).

Shape: input ``(*)`` -> output ``(*)``, the same shape. The checks are the rank,
the channel count against ``num_features`` / ``num_channels`` /
``normalized_shape``, and, where statistics are computed from the batch (training
mode, as torch builds modules, or eval mode without running statistics), that
there is more than one value per channel (batch norm) or per spatial plane
(instance norm) to compute them from. ``.eval()`` sets the mode, as in torch:

>>> BatchNorm2d(64).eval().output_shape((1, 64, 1, 1))
(1, 64, 1, 1)

>>> BatchNorm2d(64).output_shape((8, 64, 56, 56))
(8, 64, 56, 56)
>>> BatchNorm2d(64).param_count()
128
"""

from __future__ import annotations

import math
from typing import Any

from conv_calc.errors import (LayerIndexError, LayerRuntimeError, LayerTypeError,
                              LayerValueError)
from conv_calc.nn.base import Layer, as_shape, fmt_size
# GroupNorm and LayerNorm live in norm_group.py; re-exported so __all__ stays as it was.
from conv_calc.nn.norm_group import GroupNorm, LayerNorm, _factory_1d  # noqa: F401
from conv_calc.nn.torch_args import check_float_arg
from conv_calc.nn.forward_kwargs import check_forward_kwargs

__all__ = ["BatchNorm1d", "BatchNorm2d", "BatchNorm3d", "InstanceNorm1d", "InstanceNorm2d",
           "InstanceNorm3d", "GroupNorm", "LayerNorm"]


def _numel(n: Any) -> int:
    """Elements of ``torch.empty(n)``: n, or the product of a size list."""
    return math.prod(n) if isinstance(n, (list, tuple)) else int(n)


def _check_stat_size(name: str, expected: int, actual: int, what: str) -> None:
    if expected != actual:
        # aten/src/ATen/native/Normalization.cpp: check_dims_match_num_input_features
        raise LayerRuntimeError(f"{name} should contain {expected} elements not {actual}",
                                hint=f"the input has {what} but the layer was built for a different count: "
                                     f"set num_features to match the input's channel dimension.")


def _batch_norm_kernel(shape, n_channels_param: Any, has_stats: bool, has_weight: bool, has_bias: bool,
                       groups: int = 1, repeated: bool = False) -> None:
    """aten/src/ATen/native/Normalization.cpp: _batch_norm_impl_index's size checks.

    ``groups`` is the batch size when instance norm repeats its buffers per sample.
    """
    c = shape[1]
    if math.prod(shape) == 0:
        if has_weight and groups == 1 and not repeated and _is_0d(n_channels_param):
            # aten/src/ATen/native/Normalization.cpp: the empty-input path indexes weight[0]
            raise LayerIndexError("select() cannot be applied to a 0-dim tensor.",
                                  hint="num_features=() makes a 0-d weight: give num_features as one integer.")
        if has_weight and _numel(n_channels_param) * groups == 0:
            # aten/src/ATen/native/Normalization.cpp: the empty-input path indexes the weight
            raise LayerIndexError("select(): index 0 out of range for tensor of size [0] at dimension 0",
                                  hint="the layer has no channels and the input is empty: "
                                       "give num_features >= 1.")
        return  # an empty input skips every other check
    if not (has_stats or has_weight or has_bias):
        return
    nf = _numel(n_channels_param) * groups
    what = f"{c} channels" if groups == 1 else f"{shape[1] // max(groups, 1)} channels in each of {groups} samples"
    if has_stats:
        _check_stat_size("running_mean", c, nf, what)
        _check_stat_size("running_var", c, nf, what)
    if has_weight:
        _check_stat_size("weight", c, nf, what)
    if has_bias:
        _check_stat_size("bias", c, nf, what)


def _is_0d(n: Any) -> bool:
    """``torch.empty(())`` is a 0-d tensor holding one element."""
    return isinstance(n, (list, tuple)) and len(n) == 0


def _instance_stats_writeback(n: int, c: int, nf: int, zero_dim: bool = False) -> None:
    """instance_norm's copy of the per-sample running stats back into the module's buffers.

    aten/src/ATen/native/Normalization.cpp: instance_norm ends with
    ``running_mean.copy_(running_mean_.view({b, c}).mean(0))``. For a non-empty input
    batch norm has already checked ``nf == c``; an empty input skips that check, so the
    view (``nf * b`` elements as ``[b, c]``) or the copy (``[c]`` into ``[nf]``) fails.
    """
    if n * nf != n * c:
        # aten/src/ATen/InferSize.h: infer_size_impl (Tensor.view)
        raise LayerRuntimeError(
            f"shape '[{n}, {c}]' is invalid for input of size {n * nf}",
            hint=f"the input has {c} channel(s) but num_features={nf}: the running stats cannot be "
                 f"updated; set num_features={c}.")
    if zero_dim:
        # aten/src/ATen/TensorIterator.cpp: an in-place copy_ into a 0-d buffer cannot broadcast
        raise LayerRuntimeError(
            f"output with shape [] doesn't match the broadcast shape [{c}]",
            hint="num_features=() makes 0-d running statistics, which cannot be updated: "
                 "give num_features as one integer.")
    if c not in (nf, 1) and nf == 1:
        # aten/src/ATen/TensorIterator.cpp: [c] and [1] broadcast to [c], too big for the buffer
        raise LayerRuntimeError(
            f"output with shape [1] doesn't match the broadcast shape [{c}]",
            hint=f"the input has {c} channel(s) but num_features=1: the running stats cannot be "
                 f"updated; set num_features={c}.")
    if c not in (nf, 1):
        # aten/src/ATen/ExpandUtils.cpp: infer_size_impl (copy_ broadcasts [c] to [nf])
        raise LayerRuntimeError(
            f"The size of tensor a ({nf}) must match the size of tensor b ({c}) at non-singleton dimension 0",
            hint=f"the input has {c} channel(s) but num_features={nf}: the running stats cannot be "
                 f"updated; set num_features={c}.")


class _NormBase(Layer):
    """Shared constructor of batch and instance norm (torch.nn.modules.batchnorm._NormBase)."""

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1,
                 affine: bool = True, track_running_stats: bool = True, device=None, dtype=None,
                 *, bias: bool = True) -> None:
        self.num_features = num_features
        self.eps = eps
        self.momentum = momentum
        self.affine = affine
        self.track_running_stats = track_running_stats
        self.has_bias = bool(affine) and bool(bias)
        if self.affine:
            _factory_1d("empty", num_features, "num_features")
        if self.track_running_stats:
            _factory_1d("zeros", num_features, "num_features")

    def __repr__(self) -> str:
        return (f"{type(self).__name__}({self.num_features}, eps={self.eps}, momentum={self.momentum}, "
                f"affine={self.affine}, bias={self.has_bias}, track_running_stats={self.track_running_stats})")

    inferable = ("num_features",)

    @classmethod
    def infer_kwargs(cls, input_shape) -> dict[str, int]:
        shape = as_shape(input_shape)
        if len(shape) in cls._unbatched_ranks():
            return {"num_features": shape[0]}
        return {"num_features": shape[1]} if len(shape) >= 2 else {}

    @classmethod
    def _unbatched_ranks(cls) -> tuple[int, ...]:
        return ()

    def param_count(self) -> int:
        if not self.affine:
            return 0
        return _numel(self.num_features) * (2 if self.has_bias else 1)


class _BatchNorm(_NormBase):
    """Batch norm; training mode as built (``.eval()`` uses the running statistics, if tracked)."""

    _forward_owner = "_BatchNorm"  # torch/nn/modules/batchnorm.py defines forward there
    _ranks: tuple[int, ...] = ()
    _rank_text = ""

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1,
                 affine: bool = True, track_running_stats: bool = True, device=None, dtype=None,
                 *, bias: bool = True) -> None:
        super().__init__(num_features, eps, momentum, affine, track_running_stats, device, dtype, bias=bias)

    def _check_input_dim(self, shape: tuple[int, ...]) -> None:
        if len(shape) not in self._ranks:
            # torch/nn/modules/batchnorm.py: BatchNorm{1,2,3}d._check_input_dim
            raise LayerValueError(
                f"expected {self._rank_text} input (got {len(shape)}D input)",
                hint=f"{type(self).__name__} takes a {self._rank_text} input (N, C, ...); "
                     f"this one is {len(shape)}-d.")

    def output_shape(self, input_shape, **forward_kwargs: Any) -> tuple[int, ...]:
        shape = as_shape(input_shape)
        check_forward_kwargs(self, forward_kwargs)
        self._check_input_dim(shape)
        # torch/nn/modules/batchnorm.py: batch statistics in training mode, and in eval mode
        # when there are no running statistics to use instead
        bn_training = bool(self.training) or not self.track_running_stats
        # torch/nn/functional.py: batch_norm -> _verify_batch_size (bn_training only)
        if bn_training and math.prod((shape[0], *shape[2:])) == 1:
            raise LayerValueError(
                f"Expected more than 1 value per channel when training, got input size {fmt_size(shape)}",
                hint="batch norm computing batch statistics needs more than one value per channel: "
                     "use a batch of 2 or more (or a larger spatial size), or eval mode (--eval, "
                     "mode: eval) with track_running_stats=True, as model.eval() would.")
        eps = self.eps
        try:
            bad_eps = eps <= 0.0 if bn_training else eps < 0.0
        except TypeError as err:
            raise LayerTypeError(str(err), hint=f"eps={eps!r}: it must be a positive number.") from None
        if bad_eps and bn_training:
            # torch/nn/functional.py: batch_norm
            raise LayerValueError(f"batch_norm eps must be positive during training, but got {eps}",
                                  hint=f"eps={eps}: use a small positive value such as 1e-5.")
        if bad_eps:
            # torch/nn/functional.py: batch_norm (eval mode with running statistics)
            raise LayerValueError(f"batch_norm eps must be non-negative, but got {eps}",
                                  hint=f"eps={eps}: use a small positive value such as 1e-5.")
        momentum = self.momentum
        if momentum is None:
            momentum = 0.0
        check_float_arg("batch_norm", "momentum", 7, momentum)
        check_float_arg("batch_norm", "eps", 8, eps)
        _batch_norm_kernel(shape, self.num_features, bool(self.track_running_stats), bool(self.affine),
                           self.has_bias)
        return shape


class BatchNorm1d(_BatchNorm):
    """Batch norm over (N, C) or (N, C, L) inputs (torch.nn.BatchNorm1d).

    Shape: ``(N, C)`` or ``(N, C, L)`` -> the same.

    >>> BatchNorm1d(100).output_shape((20, 100))
    (20, 100)

    Raises ValueError for other ranks or one value per channel, RuntimeError
    when C differs from num_features (with running stats or affine weights).
    """

    _ranks = (2, 3)
    spatial_dims = 1
    _rank_text = "2D or 3D"


class BatchNorm2d(_BatchNorm):
    """Batch norm over (N, C, H, W) inputs (torch.nn.BatchNorm2d).

    >>> BatchNorm2d(3).output_shape((2, 3, 8, 8))
    (2, 3, 8, 8)
    """

    _ranks = (4,)
    spatial_dims = 2
    _rank_text = "4D"


class BatchNorm3d(_BatchNorm):
    """Batch norm over (N, C, D, H, W) inputs (torch.nn.BatchNorm3d).

    >>> BatchNorm3d(3).output_shape((2, 3, 4, 8, 8))
    (2, 3, 4, 8, 8)
    """

    _ranks = (5,)
    spatial_dims = 3
    _rank_text = "5D"


class _InstanceNorm(_NormBase):
    """Instance norm: statistics per sample and channel (torch.nn.modules.instancenorm)."""

    _no_batch_dim = 2
    _forward_owner = "_InstanceNorm"  # torch/nn/modules/instancenorm.py defines forward there

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float = 0.1,
                 affine: bool = False, track_running_stats: bool = False, device=None, dtype=None,
                 *, bias: bool = True) -> None:
        super().__init__(num_features, eps, momentum, affine, track_running_stats, device, dtype, bias=bias)

    @classmethod
    def _unbatched_ranks(cls) -> tuple[int, ...]:
        return (cls._no_batch_dim,)

    def output_shape(self, input_shape, **forward_kwargs: Any) -> tuple[int, ...]:
        shape = as_shape(input_shape)
        check_forward_kwargs(self, forward_kwargs)
        nb = self._no_batch_dim
        if len(shape) not in (nb, nb + 1):
            # torch/nn/modules/instancenorm.py: InstanceNorm{1,2,3}d._check_input_dim
            raise LayerValueError(
                f"expected {nb}D or {nb + 1}D input (got {len(shape)}D input)",
                hint=f"{type(self).__name__} takes (N, C, ...) with {nb - 1} spatial dim(s), "
                     f"or the same without N; this input is {len(shape)}-d.")
        feature_dim = len(shape) - nb
        c = shape[feature_dim]
        if c != self.num_features and self.affine:
            # torch/nn/modules/instancenorm.py: _InstanceNorm.forward (otherwise only a warning)
            raise LayerValueError(
                f"expected input's size at dim={feature_dim} to match num_features "
                f"({self.num_features}), but got: {c}.",
                hint=f"the input has {c} channels at dim {feature_dim} but num_features={self.num_features}: "
                     f"set num_features={c}.")
        batched = shape if len(shape) == nb + 1 else (1, *shape)
        # torch/nn/modules/instancenorm.py: use_input_stats = training or not track_running_stats
        use_input_stats = bool(self.training) or not self.track_running_stats
        # torch/nn/functional.py: instance_norm -> _verify_spatial_size (use_input_stats only)
        if use_input_stats and math.prod(batched[2:]) == 1:
            raise LayerValueError(
                f"Expected more than 1 spatial element when training, got input size {fmt_size(batched)}",
                hint="instance norm computes statistics over the spatial dims, which hold a single "
                     "element here: give a larger spatial size.")
        momentum = self.momentum if self.momentum is not None else 0.0
        check_float_arg("instance_norm", "momentum", 7, momentum)
        check_float_arg("instance_norm", "eps", 8, self.eps)
        # aten/src/ATen/native/Normalization.cpp: instance_norm repeats weights and running
        # stats once per sample and runs batch norm on a (1, N*C, ...) view.
        n = batched[0]
        nf_param = self.num_features
        if ((self.affine or self.track_running_stats) and isinstance(nf_param, (list, tuple))
                and len(nf_param) > 1):
            # aten/src/ATen/native/Normalization.cpp: instance_norm -> repeat_if_defined(t, b)
            # (aten/src/ATen/native/TensorShape.cpp: repeat) on a buffer of more than one dim
            raise LayerRuntimeError(
                "Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor",
                hint=f"num_features={nf_param!r} makes {len(nf_param)}-d weights or statistics: "
                     "give num_features as one integer.")
        _batch_norm_kernel((1, n * c, *batched[2:]), self.num_features, bool(self.track_running_stats),
                           bool(self.affine), self.has_bias, groups=n, repeated=True)
        if self.track_running_stats and use_input_stats:  # eval mode reads the stats, never writes
            _instance_stats_writeback(n, c, _numel(self.num_features), _is_0d(self.num_features))
        return shape


class InstanceNorm1d(_InstanceNorm):
    """Instance norm over (N, C, L) or (C, L) inputs (torch.nn.InstanceNorm1d).

    >>> InstanceNorm1d(100).output_shape((20, 100, 40))
    (20, 100, 40)
    """

    _no_batch_dim = 2
    spatial_dims = 1


class InstanceNorm2d(_InstanceNorm):
    """Instance norm over (N, C, H, W) or (C, H, W) inputs (torch.nn.InstanceNorm2d).

    >>> InstanceNorm2d(3).output_shape((3, 8, 8))
    (3, 8, 8)
    """

    _no_batch_dim = 3
    spatial_dims = 2


class InstanceNorm3d(_InstanceNorm):
    """Instance norm over (N, C, D, H, W) or (C, D, H, W) inputs (torch.nn.InstanceNorm3d)."""

    _no_batch_dim = 4
    spatial_dims = 3
