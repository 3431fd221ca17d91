"""Importing a model's Python module, and torchvision beside a torch it was not built for.

A torchvision wheel built for a CUDA torch, installed beside the CPU build of the same
torch version (a common pairing), fails at ``import torchvision``: its compiled ops
(``torchvision::nms``, ``roi_align``, ...) do not load, and its ``_meta_registrations``
module then registers kernels for operators that do not exist (``RuntimeError: operator
torchvision::nms does not exist``). The models are plain Python over torch.nn and never
call those ops (the detection models do, and torch.fx does not trace them anyway), so
:func:`import_python_module` imports such a module again with the two registration
modules replaced by empty ones, and says so: the ops stay unavailable, nothing else
changes. Any other import error is the caller's to report.

>>> ops_missing(RuntimeError("operator torchvision::nms does not exist"))
True
>>> ops_missing(RuntimeError("operator mylib::nms does not exist"))
False
"""

from __future__ import annotations

import importlib
import re
import sys
import types
from collections.abc import Callable
from typing import Any

__all__ = ["STUBBED", "import_python_module", "ops_missing"]

#: The torchvision modules that register kernels for its compiled ops.
STUBBED = ("torchvision._meta_registrations", "torchvision._autograd_registrations")

_MISSING = re.compile(r"operator torchvision::\w+ does not exist")


def ops_missing(err: BaseException) -> bool:
    """Whether ``err`` is torchvision failing to register kernels for its compiled ops."""
    return isinstance(err, RuntimeError) and bool(_MISSING.search(str(err)))


def _stubbed() -> bool:
    """Whether the registration modules are already empty stand-ins (ours or the user's)."""
    return all(s in sys.modules and getattr(sys.modules[s], "__file__", None) is None
               for s in STUBBED)


def import_python_module(name: str, load: Callable[[str], Any] = importlib.import_module
                         ) -> tuple[Any, list[str]]:
    """``load(name)`` (by default ``importlib.import_module``), retried once with
    torchvision's op registrations stubbed when torchvision's compiled ops do not load;
    ``(module, notes)``."""
    before = set(sys.modules)
    try:
        return load(name), []
    except RuntimeError as err:
        if not ops_missing(err) or _stubbed():
            raise
        message = str(err).strip().splitlines()[0]
    # Forget what the failed import left half-initialised, then import again.
    for key in list(sys.modules):
        if key == "torchvision" or key.startswith("torchvision.") or key not in before and (
                key == name or key.startswith(name + ".")):
            del sys.modules[key]
    for stub in STUBBED:
        sys.modules[stub] = types.ModuleType(stub)
    module = load(name)
    note = (f"torchvision's compiled ops do not load beside this torch ({message}: a "
            "torchvision built for another torch build, e.g. CUDA beside a CPU torch); "
            "conv-calc imported it without registering them (torchvision.ops.nms, "
            "roi_align, ... stay unavailable; the classification, segmentation and video "
            "models do not use them). Install the torchvision built for this torch to "
            "silence this note.")
    return module, [note]
