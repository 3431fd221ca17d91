"""Recognise the helper classes ``conv-calc export --to torch`` writes into its files.

An exported file defines torchvision's ``LayerNorm2d``, ``Conv3DSimple`` and
``Conv3DNoTemporal`` and a ``LayerScale`` module itself (:data:`conv_calc.interop.
torch_ctor.HELPERS`), so that it imports only torch. For the round trip (export, build,
``conv-calc import torch``) the importer keeps such a class as one leaf of that layer
type rather than tracing into it (``LayerNorm2d``'s ``F.layer_norm`` has no row) or
taking it for its torch base class (``Conv3DSimple`` is a ``Conv3d`` with a fixed kernel).

A class is the helper only when it *is* the code conv-calc writes: the same name, the
same torch.nn base, the same methods, each compiled to the same bytecode, names and
constants as the helper's text compiled here (never executed). A class that changes
anything (a different forward, another kernel size in ``__init__``) is not recognised
and is imported as any other module: traced into, or written as its base class when it
changes only the constructor. torch is not needed: only code objects are compared.

>>> class LayerScale:  # the text conv-calc writes, but forward scales by 2
...     def __init__(self, shape):
...         self.layer_scale = shape
...     def forward(self, x):
...         return 2 * self.layer_scale * x
>>> exported_helper(LayerScale) is None
True
"""

from __future__ import annotations

import ast
import functools
from types import CodeType
from typing import Any

from conv_calc.interop.torch_ctor import HELPERS

__all__ = ["exported_helper", "helper_kwargs"]

# Entries every class's namespace has, whatever its body (Python adds them).
_META = {"__module__", "__qualname__", "__doc__", "__firstlineno__", "__static_attributes__",
         "__dict__", "__weakref__", "__annotations__", "__classcell__"}

# The code flags that say what a function is (generator, *args, ...); the higher bits are
# the __future__ imports of the file the code was compiled in.
_CODE_FLAGS = 0xFFFF

# The imports an exported file starts with (conv_calc.interop.torch_export).
_IMPORTS = "import torch\nimport torch.nn.functional as F\nfrom torch import nn\n"


@functools.cache
def _reference(name: str) -> tuple[tuple[str, ...], dict[str, CodeType]]:
    """The helper ``name``'s base classes (as written: ``nn.LayerNorm``) and its methods'
    code objects, from its text compiled (not run)."""
    text = HELPERS[name]
    (cls,) = ast.parse(text).body
    assert isinstance(cls, ast.ClassDef)
    bases = tuple(ast.unparse(b) for b in cls.bases)
    # Compiled after the exported file's imports: Python compiles `F.layer_norm(...)` on a
    # name bound by `import` otherwise than on any other global.
    module = compile(_IMPORTS + text, "<conv-calc export helper>", "exec", dont_inherit=True)
    body = next(c for c in module.co_consts if isinstance(c, CodeType) and c.co_name == name)
    methods = {c.co_name: c for c in body.co_consts if isinstance(c, CodeType)}
    return bases, methods


def _same_code(a: CodeType, b: CodeType) -> bool:
    """Whether two code objects compute the same (line numbers and file names aside)."""
    fields = ("co_code", "co_names", "co_varnames", "co_freevars", "co_cellvars",
              "co_argcount", "co_posonlyargcount", "co_kwonlyargcount")
    if any(getattr(a, f) != getattr(b, f) for f in fields):
        return False
    if a.co_flags & _CODE_FLAGS != b.co_flags & _CODE_FLAGS:  # __future__ flags aside
        return False
    if len(a.co_consts) != len(b.co_consts):
        return False
    for x, y in zip(a.co_consts, b.co_consts):
        if isinstance(x, CodeType) or isinstance(y, CodeType):
            if not (isinstance(x, CodeType) and isinstance(y, CodeType) and _same_code(x, y)):
                return False
        elif type(x) is not type(y) or x != y:
            return False
    return True


def _base_text(base: type) -> str:
    """``nn.LayerNorm`` for torch.nn's LayerNorm (as the helper's text names its base)."""
    if base.__module__.startswith("torch.nn.modules."):
        return f"nn.{base.__name__}"
    return f"{base.__module__}.{base.__qualname__}"


def exported_helper(cls: type) -> str | None:
    """The layer key (``LayerNorm2d``, ...) when ``cls`` is a helper class exactly as
    ``conv-calc export --to torch`` writes it, else None."""
    name = cls.__name__
    if name not in HELPERS:
        return None
    bases, methods = _reference(name)
    if tuple(_base_text(b) for b in cls.__bases__) != bases:
        return None
    own = {k: v for k, v in vars(cls).items() if k not in _META}
    if set(own) != set(methods):
        return None
    for key, code in methods.items():
        theirs = getattr(own[key], "__code__", None)
        if theirs is None or not _same_code(theirs, code):
            return None
    return name


def helper_kwargs(key: str, module: Any) -> dict[str, Any] | None:
    """The stack-file arguments of a helper whose module keeps them under other names
    (``LayerScale``: the shape of its ``layer_scale`` parameter), else None.

    >>> class Param:
    ...     shape = (96, 1, 1)
    >>> class Module:
    ...     layer_scale = Param()
    >>> helper_kwargs("LayerScale", Module())
    {'shape': [96, 1, 1]}
    """
    if key == "LayerScale":
        return {"shape": [int(d) for d in module.layer_scale.shape]}
    return None
