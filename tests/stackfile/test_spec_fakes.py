"""Stand-in layer classes with torch's constructor signatures, for the loader's tests.

The loader only needs each class's name and ``__init__`` signature. The real
``conv_calc.nn.LAYERS`` takes precedence for every name it has, so these tests run
against the real specs as soon as they exist. (No tests in this module.)
"""

from __future__ import annotations

from conv_calc import nn


class _Fake:
    inferable: tuple[str, ...] = ()


def _make(name: str, init_src: str, inferable: tuple[str, ...] = ()) -> type:
    namespace: dict = {}
    exec(f"def __init__(self, {init_src}):\n    pass\n", namespace)  # noqa: S102 - test fixture
    return type(name, (_Fake,), {"__init__": namespace["__init__"], "inferable": inferable})


_CONV = ("in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1, "
         "bias=True, padding_mode='zeros', device=None, dtype=None")
_TCONV = ("in_channels, out_channels, kernel_size, stride=1, padding=0, output_padding=0, "
          "groups=1, bias=True, dilation=1, padding_mode='zeros', device=None, dtype=None")
_BN = ("num_features, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True, "
       "device=None, dtype=None")
_MAXPOOL = "kernel_size, stride=None, padding=0, dilation=1, return_indices=False, ceil_mode=False"
_AVGPOOL = ("kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True, "
            "divisor_override=None")

FAKES: dict[str, type] = {
    "Conv1d": _make("Conv1d", _CONV, ("in_channels",)),
    "Conv2d": _make("Conv2d", _CONV, ("in_channels",)),
    "Conv3d": _make("Conv3d", _CONV, ("in_channels",)),
    "ConvTranspose2d": _make("ConvTranspose2d", _TCONV, ("in_channels",)),
    "BatchNorm2d": _make("BatchNorm2d", _BN, ("num_features",)),
    "BatchNorm1d": _make("BatchNorm1d", _BN, ("num_features",)),
    "MaxPool2d": _make("MaxPool2d", _MAXPOOL),
    "AvgPool2d": _make("AvgPool2d", _AVGPOOL),
    "AdaptiveAvgPool2d": _make("AdaptiveAvgPool2d", "output_size"),
    "ReLU": _make("ReLU", "inplace=False"),
    "ReLU6": _make("ReLU6", "inplace=False"),
    "LeakyReLU": _make("LeakyReLU", "negative_slope=0.01, inplace=False"),
    "Sigmoid": _make("Sigmoid", ""),
    "Dropout": _make("Dropout", "p=0.5, inplace=False"),
    "Flatten": _make("Flatten", "start_dim=1, end_dim=-1"),
    "Linear": _make("Linear", "in_features, out_features, bias=True, device=None, dtype=None",
                    ("in_features",)),
    "Upsample": _make("Upsample", "size=None, scale_factor=None, mode='nearest', "
                                  "align_corners=None, recompute_scale_factor=None"),
    "Identity": _make("Identity", "*args, **kwargs"),
}

#: The registry the loader tests use: the real specs where they exist, stand-ins elsewhere.
LAYERS: dict[str, type] = {**FAKES, **nn.LAYERS}
