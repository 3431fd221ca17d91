"""Which torch modules are leaves of the trace, and the stack-file layer each one is.

A leaf is a module conv-calc knows the forward of (:func:`is_leaf`): a torch.nn class
(containers excepted), a torchvision.ops layer without children, a torchvision class
conv-calc has a layer spec for (:data:`KNOWN`), or a subclass of a torch.nn class that
overrides nothing its base defines but ``__init__`` (torchvision's video convs change
only the constructor). A subclass that changes ``forward`` or a method forward calls is
traced into, so it is never taken for its base class.

:func:`layer_item` reads a leaf's constructor arguments off the module: each argument of
conv-calc's spec (torch's signature) is the module attribute of that name (``bias`` is
whether the module has a bias), left out when it equals the default. torch is never
imported here: the functions take the module (and read ``type(module)``), so this module
loads without torch.

>>> class Conv2d:  # stands for torch.nn.Conv2d here: what layer_item reads
...     __module__ = "torch.nn.modules.conv"
...     in_channels, out_channels, kernel_size, stride = 3, 8, (3, 3), (2, 2)
...     padding, dilation, groups, bias, padding_mode = (1, 1), (1, 1), 1, None, "zeros"
>>> layer_item(Conv2d(), "conv1")
('Conv2d', {'in_channels': 3, 'out_channels': 8, 'kernel_size': 3, 'stride': 2, 'padding': 1, \
'bias': False})
"""

from __future__ import annotations

import inspect
from typing import Any

from conv_calc.errors import InputError
from conv_calc.interop.torch_helpers import exported_helper, helper_kwargs
from conv_calc.nn import LAYERS

__all__ = ["ImportRefused", "KNOWN", "is_leaf", "layer_item", "qualified", "refuse",
           "without_defaults"]


class ImportRefused(InputError):
    """A model that cannot be written as a stack file exactly: what and where, and a hint."""


def refuse(message: str, hint: str) -> ImportRefused:
    return ImportRefused(message, hint)


#: torchvision classes with a conv-calc layer spec of their own (nn/torchvision_ops.py):
#: qualified class name -> layer key.
KNOWN = {
    "torchvision.ops.stochastic_depth.StochasticDepth": "StochasticDepth",
    "torchvision.ops.misc.Permute": "Permute",
    "torchvision.models.convnext.LayerNorm2d": "LayerNorm2d",
    "torchvision.models.video.resnet.Conv3DSimple": "Conv3DSimple",
    "torchvision.models.video.resnet.Conv3DNoTemporal": "Conv3DNoTemporal",
}

_CONTAINERS = ("Sequential", "ModuleList", "ModuleDict", "ParameterList", "ParameterDict")
# Methods a subclass may define without changing what forward computes.
_HARMLESS = {"__init__", "extra_repr", "reset_parameters", "_reset_parameters", "__repr__",
             "__setstate__", "_load_from_state_dict", "__constants__", "__annotations__",
             "__module__", "__doc__", "__qualname__", "__dict__", "__weakref__",
             "__firstlineno__", "__static_attributes__", "__orig_bases__", "__parameters__"}


def qualified(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def _is_torch_nn(cls: type) -> bool:
    return cls.__module__.startswith("torch.nn.") and cls.__name__ not in _CONTAINERS \
        and cls.__name__ != "Module"


def torch_base(cls: type) -> type | None:
    """The nearest torch.nn layer class ``cls`` derives from (itself included), or None."""
    return next((c for c in cls.__mro__ if _is_torch_nn(c)), None)


def overridden(cls: type, base: type) -> list[str]:
    """What the classes between ``cls`` and ``base`` redefine of ``base`` (but harmless
    methods): a non-empty list means forward may compute something else."""
    names = []
    for klass in cls.__mro__:
        if klass is base:
            break
        names += [n for n in vars(klass) if n not in _HARMLESS and hasattr(base, n)
                  and callable(getattr(base, n, None))]
    return sorted(set(names))


def is_leaf(module: Any) -> bool:
    """Whether the trace keeps ``module`` as one call (see the module docstring)."""
    cls = type(module)
    if qualified(cls) in KNOWN or exported_helper(cls):
        return True
    if cls.__name__ in _CONTAINERS and cls.__module__.startswith("torch.nn."):
        return False
    if _is_torch_nn(cls):
        return True
    if cls.__module__.startswith("torchvision.ops.") and not any(True for _ in module.children()):
        return True
    base = torch_base(cls)
    return base is not None and not overridden(cls, base)


def layer_key(module: Any, path: str) -> str:
    """The stack-file layer key of a leaf module; refused when conv-calc has none."""
    cls = type(module)
    name = qualified(cls)
    if name in KNOWN:
        return KNOWN[name]
    helper = exported_helper(cls)  # a class conv-calc export wrote (the round trip)
    if helper:
        return helper
    base = torch_base(cls)
    if base is None:
        raise refuse(f"module '{path}' ({name}) has no stack-file layer",
                     "conv-calc writes torch.nn layers and the torchvision layers it knows "
                     "(conv-calc layers lists them); trace into the module or rewrite it.")
    if base.__name__ == "MultiheadAttention":
        raise refuse(f"an attention op (torch.nn.MultiheadAttention) at '{path}' cannot be "
                     "written as a stack file",
                     "conv-calc models convolutional networks; attention has no stack-file "
                     "row. Import the convolutional part of the model instead.")
    if base.__name__ not in LAYERS:
        raise refuse(f"module '{path}' is torch.nn.{base.__name__}, which conv-calc has no "
                     "layer for",
                     "conv-calc layers lists the torch.nn layers a stack file can hold.")
    return base.__name__


# Arguments read from another attribute: (layer key, argument) -> (attribute, index or None).
_ALIASES = {
    ("Conv3DSimple", "in_planes"): ("in_channels", None),
    ("Conv3DSimple", "out_planes"): ("out_channels", None),
    ("Conv3DSimple", "stride"): ("stride", 0),
    ("Conv3DSimple", "padding"): ("padding", 0),
    ("Conv3DNoTemporal", "in_planes"): ("in_channels", None),
    ("Conv3DNoTemporal", "out_planes"): ("out_channels", None),
    ("Conv3DNoTemporal", "stride"): ("stride", 1),
    ("Conv3DNoTemporal", "padding"): ("padding", 1),
}
# Arguments never written: they do not change shapes and modules do not keep them.
_SKIP = {"device", "dtype", "midplanes", "init", "min_value", "max_value"}
# Arguments always written, even at their default: the channels a reader looks for.
_ALWAYS = {"in_channels", "out_channels", "in_features", "out_features", "num_features",
           "kernel_size", "in_planes", "out_planes"}

# Arguments torch takes as one number for every spatial axis.
_SQUARE = {"kernel_size", "stride", "padding", "dilation", "output_padding", "output_size"}


def plain(value: Any) -> Any:
    """A module attribute as a stack-document value (tuples and torch.Size as lists)."""
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise TypeError(type(value).__name__)


def layer_item(module: Any, path: str) -> tuple[str, dict[str, Any]]:
    """``(layer key, constructor keyword arguments)`` for a leaf module at ``path``."""
    key = layer_key(module, path)
    special = helper_kwargs(key, module)
    if special is not None:
        return key, special
    signature = inspect.signature(LAYERS[key].__init__)
    kwargs: dict[str, Any] = {}
    affine = getattr(module, "affine", getattr(module, "elementwise_affine", True))
    for p in list(signature.parameters.values())[1:]:
        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) or p.name in _SKIP:
            continue
        attr, index = _ALIASES.get((key, p.name), (p.name, None))
        if p.name == "bias" and isinstance(p.default, bool):
            if not affine:
                continue  # no weight and no bias either way
            value: Any = getattr(module, "bias", None) is not None
        elif hasattr(module, attr):
            value = getattr(module, attr)
            if index is not None:
                value = value[index]
        elif p.default is p.empty:
            raise refuse(f"module '{path}' ({qualified(type(module))}): its argument "
                         f"{p.name!r} cannot be read off the module",
                         "the importer reads each constructor argument from the module "
                         "attribute of the same name.")
        else:
            continue
        try:
            value = plain(value)
        except TypeError as err:
            raise refuse(f"module '{path}': argument {p.name!r} is a {err}, not a number, "
                         "string or tuple", "a stack file holds plain values only.") from None
        if p.name in _SQUARE and isinstance(value, list) and len(set(map(repr, value))) == 1:
            value = value[0]  # (3, 3) is written 3, as torch code usually is
        if p.name in _ALWAYS or p.default is p.empty or not _same(value, p.default):
            kwargs[p.name] = value
    return key, kwargs


def without_defaults(key: str, kwargs: dict[str, Any]) -> dict[str, Any]:
    """``kwargs`` of layer ``key`` less those equal to the constructor's default.

    >>> without_defaults("MaxPool2d", {"kernel_size": 3, "dilation": 1, "ceil_mode": False})
    {'kernel_size': 3}
    """
    params = inspect.signature(LAYERS[key].__init__).parameters
    return {k: v for k, v in kwargs.items()
            if k not in params or params[k].default is params[k].empty
            or not _same(plain(v), params[k].default)}


def _same(value: Any, default: Any) -> bool:
    """Whether a value read off a module is the constructor default (2 == (2, 2) is not)."""
    if isinstance(default, (tuple, list)):
        default = plain(default)
    return type(value) is type(default) and value == default or value is default
