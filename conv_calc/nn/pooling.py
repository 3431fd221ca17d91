"""Max, average and power-average pooling: torch.nn.MaxPool*d, AvgPool*d, LPPool*d.

The classes live in :mod:`conv_calc.nn.pooling_max`, :mod:`conv_calc.nn.pooling_avg`
and :mod:`conv_calc.nn.pooling_lp`; the ATen checks they run, one function per
kernel, in :mod:`conv_calc.nn.pooling_checks`; torch's argument parsing in
:mod:`conv_calc.nn.pooling_args`. Parameters: none. MACs: 0.

Shape, per spatial dim (``eff = dilation*(kernel_size - 1) + 1``; AvgPool and
LPPool have no dilation)::

    out = floor_or_ceil((L + 2*padding - eff) / stride) + 1
    if ceil_mode and (out - 1)*stride >= L + padding: out -= 1

>>> MaxPool2d(3, stride=2, padding=1).output_shape((1, 64, 112, 112))
(1, 64, 56, 56)
>>> LPPool2d(2, 3, stride=2).output_shape((1, 8, 15, 15))
(1, 8, 7, 7)
"""

from conv_calc.nn.pooling_avg import AvgPool1d, AvgPool2d, AvgPool3d
from conv_calc.nn.pooling_lp import LPPool1d, LPPool2d, LPPool3d
from conv_calc.nn.pooling_max import MaxPool1d, MaxPool2d, MaxPool3d

__all__ = [
    "MaxPool1d", "MaxPool2d", "MaxPool3d",
    "AvgPool1d", "AvgPool2d", "AvgPool3d",
    "LPPool1d", "LPPool2d", "LPPool3d",
]
