"""SyncBatchNorm: batch norm whose statistics are shared across processes (torch.nn.SyncBatchNorm).

Shape: input ``(N, C, *)`` -> output ``(N, C, *)``, the same shape, any rank from 2 up.
Parameters: ``2 * num_features`` with ``affine=True`` (``num_features`` without bias), as
BatchNorm. MACs: 0 (torch.utils.flop_counter counts none for batch norm).

What torch 2.13 does on the CPU, in training mode (the mode a module is built in):

- in a plain process (``torch.distributed`` not initialised) ``forward`` falls back to
  ``F.batch_norm`` (torch/nn/modules/batchnorm.py: ``need_sync`` is False), so the checks
  are BatchNorm's, after SyncBatchNorm's own rank and zero-channel checks. This is what
  conv-calc models, and what the golden data records;
- with a process group initialised (DDP, even world size 1), a CPU input fails in forward
  with ``ValueError: SyncBatchNorm expected input tensor to be on GPU or XPU or
  privateuseone`` (after the same rank and channel checks); in eval mode it runs.

>>> SyncBatchNorm(64).output_shape((8, 64, 28, 28))
(8, 64, 28, 28)
>>> SyncBatchNorm(64).param_count()
128
>>> SyncBatchNorm(3).output_shape((4, 0))
Traceback (most recent call last):
  ...
conv_calc.errors.LayerValueError: SyncBatchNorm number of input channels should be non-zero
"""

from __future__ import annotations

from typing import Any

from conv_calc.errors import LayerValueError
from conv_calc.nn.norm import _BatchNorm

__all__ = ["SyncBatchNorm"]


class SyncBatchNorm(_BatchNorm):
    """torch.nn.SyncBatchNorm: input ``(N, C, *)`` of 2 or more dims; ``process_group`` is stored.

    >>> SyncBatchNorm(3).output_shape((2, 3))
    (2, 3)

    Raises ValueError for fewer than 2 dims, zero channels, one value per channel or a
    non-positive eps; RuntimeError when C differs from num_features (with running stats or
    affine weights); TypeError / RuntimeError at construction for a bad num_features.
    """

    _forward_owner = "SyncBatchNorm"  # torch/nn/modules/batchnorm.py: SyncBatchNorm.forward

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1,
                 affine: bool = True, track_running_stats: bool = True,
                 process_group: Any | None = None, device: Any = None, dtype: Any = None, *,
                 bias: bool = True) -> None:
        super().__init__(num_features, eps, momentum, affine, track_running_stats, device, dtype,
                         bias=bias)
        self.process_group = process_group

    def _check_input_dim(self, shape: tuple[int, ...]) -> None:
        if len(shape) < 2:
            # torch/nn/modules/batchnorm.py: SyncBatchNorm._check_input_dim
            raise LayerValueError(
                f"expected at least 2D input (got {len(shape)}D input)",
                hint=f"SyncBatchNorm normalises over (N, C, ...); a {len(shape)}-d input has no "
                     "channel dimension: add the batch and channel dims.")
        if shape[1] == 0:
            # torch/nn/modules/batchnorm.py: SyncBatchNorm._check_non_zero_input_channels
            raise LayerValueError(
                "SyncBatchNorm number of input channels should be non-zero",
                hint=f"the input {list(shape)} has 0 channels (dim 1): SyncBatchNorm needs at "
                     "least one.")
