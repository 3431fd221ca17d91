"""``conv-calc import torch``: a PyTorch model, traced with torch.fx, as a stack file.

:func:`import_torch` builds the model from ``package.module:callable`` or
``path/to/file.py:callable`` (with keyword arguments), and :func:`import_module` does
the rest for a module already built:

1. trace it with a tracer whose leaves are the modules conv-calc knows
   (:func:`conv_calc.interop.torch_layers.is_leaf`); a module fx cannot trace (a
   data-dependent branch) is refused with its path;
2. run the traced graph once on a zero tensor of the given shape, in the given mode,
   recording every node's shape (and the numbers forward reads off shapes);
3. write each node as a stack-file item (:mod:`conv_calc.interop.torch_graph`);
4. check the written file: conv-calc's analysis of it must give, row by row, the shapes
   torch gave and the parameter counts of the modules; any difference is refused rather
   than written (:func:`verify`).

torch is imported inside the functions only: conv-calc runs without it, and this module
loads without it.
"""

from __future__ import annotations

import copy
import importlib
import importlib.util
import json
import os
import sys
from dataclasses import dataclass, field
from typing import Any

from conv_calc.interop.torch_blocks import arrange
from conv_calc.interop.torch_graph import Shape, Translator
from conv_calc.interop.torch_layers import ImportRefused, is_leaf, qualified, refuse
from conv_calc.interop.torch_vision import import_python_module

__all__ = ["TorchImport", "import_torch", "import_module", "load_model", "verify", "ImportRefused"]

INSTALL_HINT = "install the torch extra: pip install 'conv-calc[torch]' (torch 2.13)."


@dataclass
class TorchImport:
    """An imported model: the stack document, its header lines, the rows that are module
    calls (the others are functional calls, merges and tensor functions) and the rows whose
    sizes were read off the imported input's shape."""

    document: dict[str, Any]
    header: list[str]
    module_rows: list[str] = field(default_factory=list)
    frozen: list[str] = field(default_factory=list)
    nested: bool = True  #: False when the rows had to be written as one flat list
    notes: list[str] = field(default_factory=list)  #: for stderr (torch_vision's stubs)


def _torch() -> Any:
    try:
        import torch  # noqa: PLC0415 - an optional extra
        import torch.fx  # noqa: PLC0415,F401
    except ImportError:
        raise refuse("conv-calc import torch needs PyTorch, which is not installed",
                     INSTALL_HINT) from None
    return torch


def load_model(spec: str, kwargs: dict[str, Any] | None = None,
               notes: list[str] | None = None) -> Any:
    """Build the model ``spec`` names: ``package.module:callable`` or
    ``path/to/file.py:callable``, called with ``kwargs``; notes for the user (a
    torchvision imported without its compiled ops) are appended to ``notes``."""
    module_name, sep, attr = spec.rpartition(":")
    if not sep or not module_name or not attr:  # a usage error, with or without torch
        raise refuse(f"model {spec!r} is not MODULE:CALLABLE",
                     "write package.module:callable (torchvision.models:resnet18) or "
                     "path/to/file.py:callable.")
    torch = _torch()
    try:
        if module_name.endswith(".py") or os.sep in module_name or "/" in module_name:
            if not os.path.exists(module_name):
                raise refuse(f"no file {module_name!r}", "check the path to the model's code.")
            if not os.path.isfile(module_name):
                # A directory, a FIFO (which would block the import), a device.
                raise refuse(f"{module_name!r} is not a regular file",
                             "name the Python file that holds the model's code.")
            name = "conv_calc_user_" + os.path.splitext(os.path.basename(module_name))[0]
            module, said = import_python_module(name, lambda n: _exec_file(n, module_name))
        else:
            module, said = import_python_module(module_name)
        if notes is not None:
            notes += said
    except ImportRefused:
        raise
    # SystemExit too: sys.exit() in the user's code must not become conv-calc's exit code.
    except (Exception, SystemExit) as err:  # noqa: BLE001 - the user's code: any failure is their input's
        raise refuse(f"importing {module_name} raised {type(err).__name__}: {err}",
                     "check that the module imports in this Python environment.") from None
    target = getattr(module, attr, None)
    if target is None or not callable(target):
        raise refuse(f"{module_name} has no callable {attr!r}",
                     "name a function or class that returns the model.")
    try:
        model = target(**(kwargs or {}))
    except (Exception, SystemExit) as err:  # noqa: BLE001
        raise refuse(f"{spec}({_kwargs_text(kwargs)}) raised {type(err).__name__}: {err}",
                     "check --kwargs: a JSON object of the callable's keyword arguments.") from None
    if not isinstance(model, torch.nn.Module):
        raise refuse(f"{spec}() returned {type(model).__name__}, not a torch.nn.Module",
                     "name a callable that builds the model.")
    return model


def _exec_file(name: str, path: str) -> Any:
    """The Python file ``path`` run as module ``name``."""
    loader = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(loader)
    sys.modules[name] = module
    loader.loader.exec_module(module)
    return module


def _kwargs_text(kwargs: dict[str, Any] | None) -> str:
    return ", ".join(f"{k}={v!r}" for k, v in (kwargs or {}).items())


def _tracer(torch: Any) -> Any:
    class Tracer(torch.fx.Tracer):
        """Keeps conv-calc's leaves whole and records where each node was made."""

        def is_leaf_module(self, m: Any, qualname: str) -> bool:
            return is_leaf(m)

        def call_module(self, m: Any, forward: Any, args: Any, kwargs: Any) -> Any:
            try:
                return super().call_module(m, forward, args, kwargs)
            except Exception as err:
                if not hasattr(err, "cc_where"):
                    err.cc_where = (self.path_of_module(m), type(m))
                raise

        def create_node(self, *args: Any, **kwargs: Any) -> Any:
            node = super().create_node(*args, **kwargs)
            node.meta["cc_scope"] = (self.scope.module_path, self.scope.module_type)
            return node

    return Tracer()


def trace(model: Any) -> Any:
    """``model`` traced with conv-calc's leaves, as a GraphModule; refused when fx cannot."""
    torch = _torch()
    if is_leaf(model):
        # fx always traces into the root, so a bare layer would come out as its functional
        # call (torch.conv2d), which has no row: say what to do instead.
        raise refuse(f"the model is a single layer ({qualified(type(model))}), not a network",
                     f"use conv-calc layer '{model!r}' for one layer, or import a module that "
                     "holds it (e.g. a callable returning nn.Sequential(layer)).")
    tracer = _tracer(torch)
    try:
        graph = tracer.trace(model)
    except Exception as err:  # noqa: BLE001 - fx raises many kinds
        path, cls = getattr(err, "cc_where", ("", type(model)))
        where = f"module '{path}' ({qualified(cls)})" if path else \
            f"the model's forward ({qualified(cls)})"
        text = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        control = "control flow" in text or "iterate" in text or "len(" in text
        raise refuse(f"torch.fx cannot trace {where}: {text}",
                     "forward branches on the values or sizes of a tensor (data-dependent "
                     "control flow): a stack file has one path. Make the branch depend on "
                     "constructor arguments, or import a part of the model that fx traces."
                     if control else
                     "torch.fx traces code that treats tensors symbolically; make this module "
                     "traceable or import a part of the model that fx traces.") from None
    for name, module in model.named_modules():
        if module._forward_hooks or module._forward_pre_hooks:
            raise refuse(f"module '{name}' ({qualified(type(module))}) has forward hooks, "
                         "which torch.fx does not trace",
                         "remove the hooks before importing (they may change the outputs).")
    return torch.fx.GraphModule(model, graph)


def record(gm: Any, shape: tuple[int, ...]) -> dict[Any, Any]:
    """Every node's value when ``gm`` runs on zeros of ``shape``: tensors as :class:`Shape`."""
    torch = _torch()
    values: dict[Any, Any] = {}

    def describe(value: Any) -> Any:
        if isinstance(value, torch.Tensor):
            return Shape(int(d) for d in value.shape)
        if isinstance(value, torch.Size):
            return tuple(int(d) for d in value)
        if isinstance(value, (list, tuple)):
            return type(value)(describe(v) for v in value) if type(value) in (list, tuple) \
                else tuple(describe(v) for v in value)
        if isinstance(value, dict):
            return {k: describe(v) for k, v in value.items()}
        return value

    class Recorder(torch.fx.Interpreter):
        def run_node(self, n: Any) -> Any:
            try:
                result = super().run_node(n)
            except Exception as err:  # noqa: BLE001 - the model itself fails on this input
                path, cls = n.meta.get("cc_scope", ("", None))
                raise refuse(f"the model fails on this input at node '{n.name}' "
                             f"({'module ' + repr(path) if path else 'forward'}): "
                             f"{type(err).__name__}: {str(err).splitlines()[0] if str(err) else ''}",
                             "torch itself rejects the input: try another --input "
                             "(conv-calc stack shows why once imported at a size that works).") from None
            values[n] = describe(result)
            return result

    try:
        example = torch.zeros(shape)
    except (RuntimeError, MemoryError) as err:
        # Sizes whose bytes overflow int64, or more memory than the machine has.
        raise refuse(f"the input {'x'.join(map(str, shape))} cannot be built in torch: "
                     f"{str(err).splitlines()[0] if str(err) else type(err).__name__}",
                     "trace the model on a smaller --input; conv-calc stack then analyses "
                     "the file at any size.") from None
    with torch.no_grad():
        Recorder(gm).run(example)
    return values


def import_module(model: Any, input_shape: tuple[int, ...], mode: str | None = None,
                  source: str = "") -> TorchImport:
    """Import a built ``model`` run on ``input_shape``; ``mode`` "train", "eval" or None
    (the model's own). Raises :class:`ImportRefused` for what cannot be written exactly."""
    torch = _torch()
    from torch.fx.node import _get_qualified_name  # noqa: PLC0415

    if mode == "eval":
        model.eval()
    elif mode == "train":
        model.train()
    gm = trace(model)
    values: dict[Any, Any] = {}
    translator = Translator(gm, values, _get_qualified_name)
    translator.precheck(gm.graph)
    values.update(record(gm, tuple(input_shape)))
    translator.run(gm.graph)
    used = "train" if model.training else "eval"
    entries = translator.entries
    bodies = [copy.deepcopy(e.body) for e in entries]
    problem: ImportRefused | None = None
    for flat in (False, True):  # nested blocks if they give torch's rows, else one list
        for entry, body in zip(entries, bodies):
            entry.body = copy.deepcopy(body)
        layers, blocks, outputs, names = arrange(entries, translator.outputs, flat,
                                                 lambda p: type(model.get_submodule(p)).__name__,
                                                 output_names(model))
        document: dict[str, Any] = {"version": 1, "name": type(model).__name__}
        if used == "eval":
            document["mode"] = "eval"
        document["input"] = list(input_shape)
        if blocks:
            document["blocks"] = blocks
        document["layers"] = layers
        if outputs:
            document["outputs"] = outputs
        rows = [(name, e.shape, e.params) for name, e in zip(names, entries)]
        try:
            verify(document, rows, source or type(model).__name__)
        except ImportRefused as err:
            problem = problem or err
            continue
        break
    else:
        assert problem is not None
        raise problem
    header = [
        f"Imported by conv-calc import torch from {source or qualified(type(model))}",
        f"input {'x'.join(map(str, input_shape))}, mode {used}, torch {torch.__version__}",
        "Rows are named as named_modules() names modules (a second call: name_1); a functional",
        "call under the module whose forward makes it (layer1.0.add, conv1.relu). A saved tensor",
        "is named by the row that made it; inN is the tensor entering a module N levels deep.",
    ]
    row_of = {id(e): name for name, e in zip(names, entries)}
    frozen = [row_of[id(e)] for e in translator.frozen]
    if frozen:
        shown = ", ".join(frozen[:2]) + (", ..." if len(frozen) > 2 else "")
        header.append(f"Sizes read off the input's shape are numbers in {len(frozen)} rows: "
                      f"{shown}.")
        header.append("They hold for this input only; import again for another input size.")
    module_rows = [name for name, e in zip(names, entries) if e.module]
    return TorchImport(document, header, module_rows, frozen, not flat)


def output_names(model: Any) -> tuple[str, ...]:
    """The model's ``output_names`` (a tuple of names, one per returned tensor, as
    ``conv-calc export`` writes), or () when it has none that could name saved tensors."""
    names = getattr(model, "output_names", None)
    if not isinstance(names, (tuple, list)) or not all(
            isinstance(n, str) and n.isidentifier() and n != "input" for n in names):
        return ()
    return tuple(names)


def import_torch(spec: str, input_shape: tuple[int, ...], kwargs: dict[str, Any] | None = None,
                 mode: str | None = None) -> TorchImport:
    """Build ``spec`` with ``kwargs`` and import it (see :func:`import_module`)."""
    notes: list[str] = []
    model = load_model(spec, kwargs, notes)
    source = spec + (f" with {json.dumps(kwargs)}" if kwargs else "")
    imported = import_module(model, input_shape, mode, source)
    imported.notes = notes
    return imported


def verify(document: dict[str, Any], rows: list[tuple[str, Any, int | None]], what: str) -> None:
    """Refuse unless conv-calc's analysis of ``document`` gives torch's shape (and the
    module's parameter count) at every row in ``rows``: ``(row name, shape, params)``."""
    from conv_calc.stackfile.load import load_text  # noqa: PLC0415 - layer 4, loaded on use
    from conv_calc.stackfile.yaml_writer import dump_stack  # noqa: PLC0415

    from conv_calc.stackfile.problems import StackFileError  # noqa: PLC0415

    try:
        stack = load_text(dump_stack(document, []), "<import>")
    except StackFileError as err:
        raise refuse(f"{what}: the imported file does not read back: {err}",
                     "a conv-calc limitation in writing this model; please report it.") from None
    report = stack.analyze()
    if report.error is not None:
        raise refuse(f"{what}: conv-calc's analysis of the imported file fails where torch "
                     f"does not: {report.error}",
                     "this is a conv-calc limitation at that row; please report it with the "
                     "model.")
    if len(report.layers) != len(rows):
        raise refuse(f"{what}: the imported file has {len(report.layers)} rows where torch "
                     f"ran {len(rows)}", "a conv-calc limitation; please report it.")
    for row, (name, shape, params) in zip(report.layers, rows):
        if row.name != name:
            raise refuse(f"{what}: the imported file names row {row.name!r} where torch's "
                         f"is {name!r}", "a conv-calc limitation in naming rows; please "
                         "report it.")
        if shape is None:
            continue  # chunk / split: their pieces are checked where they are read
        if tuple(row.output_shape) != tuple(shape) or params is not None and row.params != params:
            raise refuse(f"{what}: row {name!r} ({row.type}) gives {list(row.output_shape)} "
                         f"with {row.params} parameters in conv-calc, torch gives "
                         f"{list(shape)}" + (f" with {params}" if params is not None else ""),
                         "the file would be wrong at that row, so none is written; this is a "
                         "conv-calc limitation, please report it.")
