"""Layer specs that mirror ``torch.nn``: same class names, signatures, defaults and errors.

>>> from conv_calc import nn
>>> nn.Conv2d(3, 64, kernel_size=7, stride=2, padding=3).output_shape((1, 3, 224, 224))
(1, 64, 112, 112)
"""

from conv_calc.nn import (
    activation,
    activation_extra,
    adaptive,
    conv,
    fold,
    norm,
    norm_local,
    norm_sync,
    padding,
    pooling,
    reshape,
    shuffle,
    tensor_dims,
    tensor_ops,
    tensor_reduce,
    torchvision_ops,
    transposed,
    unpool,
    upsample,
)
from conv_calc.nn.activation import *  # noqa: F401,F403
from conv_calc.nn.activation_extra import *  # noqa: F401,F403
from conv_calc.nn.adaptive import *  # noqa: F401,F403
from conv_calc.nn.base import Layer
from conv_calc.nn.conv import *  # noqa: F401,F403
from conv_calc.nn.fold import *  # noqa: F401,F403
from conv_calc.nn.norm import *  # noqa: F401,F403
from conv_calc.nn.norm_local import *  # noqa: F401,F403
from conv_calc.nn.norm_sync import *  # noqa: F401,F403
from conv_calc.nn.padding import *  # noqa: F401,F403
from conv_calc.nn.pooling import *  # noqa: F401,F403
from conv_calc.nn.reshape import *  # noqa: F401,F403
from conv_calc.nn.shuffle import *  # noqa: F401,F403
from conv_calc.nn.torchvision_ops import *  # noqa: F401,F403
from conv_calc.nn.transposed import *  # noqa: F401,F403
from conv_calc.nn.unpool import *  # noqa: F401,F403
from conv_calc.nn.upsample import *  # noqa: F401,F403

_MODULES = (conv, transposed, pooling, adaptive, upsample, padding, reshape, norm, activation,
            unpool, fold, shuffle, norm_local, norm_sync, activation_extra, torchvision_ops)

#: Every layer class by its torch name: an explicit registry, not discovery.
LAYERS: dict[str, type[Layer]] = {name: getattr(m, name) for m in _MODULES for name in m.__all__}

#: Every tensor function by its torch spelling (``torch.add``, ``Tensor.reshape``): each takes
#: the input shape(s) first, then torch's arguments (tensor_ops.py, tensor_dims.py,
#: tensor_reduce.py).
FUNCTIONS = {
    **{f"torch.{n}": getattr(tensor_ops, n) for n in ("add", "sub", "mul", "div", "flatten")},
    "Tensor.flatten": tensor_ops.tensor_flatten,
    "Tensor.reshape": tensor_ops.reshape,
    "Tensor.view": tensor_ops.view,
    **{f"Tensor.{n}": getattr(tensor_dims, n) for n in ("permute", "transpose", "squeeze", "unsqueeze")},
    **{f"Tensor.{n}": getattr(tensor_reduce, n) for n in tensor_reduce.__all__},
}

__all__ = ["Layer", "LAYERS", "FUNCTIONS", *LAYERS]
