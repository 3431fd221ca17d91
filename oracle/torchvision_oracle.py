"""Ground truth for torchvision's models: what every leaf module call does, in torch 2.13.

Usage (from the repository root, with torch==2.13.0 and torchvision==0.28.0 installed)::

    python -m oracle.torchvision_oracle resnet18 squeezenet1_1   # some models
    python -m oracle.torchvision_oracle --all                    # every model, and the index

writes ``tests/golden/torchvision/<model>.json`` (one compact JSON per model) and, with
``--all``, ``tests/golden/torchvision/index.json``. oracle/README.md documents the format
and the choices below; the short version:

- models: ``torchvision.models.list_models(module=...)`` for the classification
  (``torchvision.models``), segmentation and video modules, built with ``weights=None``
  (segmentation also ``weights_backbone=None``), nothing downloaded;
- input: zeros, batch 1 in eval mode and batch 2 in train mode (BatchNorm in train mode
  rejects one value per channel), at 224x224 (inception_v3: 299x299; video: 16x112x112,
  or 16x224x224 for the models that reject 112, the rejection being recorded);
- rows: one per call of a *leaf* module, in execution order, from forward hooks. A leaf is a
  module that is not a container (Sequential, ModuleList, ModuleDict) and either has no
  children or is one torch.fx keeps as a leaf (its class lives in ``torch.nn``, e.g.
  MultiheadAttention); modules inside a leaf get no rows. A row is named by
  ``named_modules()``; the k-th repeated call of a module (k >= 1) is ``<name>_<k>``,
  which, put through torch.fx's name sanitising (snake_case, ``.`` and other non-identifier
  characters made ``_``), is the name torch.fx gives the node (verified on all 95 models);
- MACs: ``torch.utils.flop_counter`` FLOPs // 2 of the call, as conv-calc defines them
  (tests/torch_build.py); the MultiheadAttention fast path is turned off so the counter sees
  the projections.

Importing torchvision: its compiled ops are built for a CUDA torch and ``import torchvision``
fails registering them; the models do not need them, so empty modules stand in for
``torchvision._meta_registrations`` and ``torchvision._autograd_registrations``.
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import time
import types
import warnings
from collections import Counter
from pathlib import Path
from typing import Any

from oracle.driver import GOLDEN, builtin_name

OUT_DIR = GOLDEN / "torchvision"
INDEX = OUT_DIR / "index.json"
FORMAT_VERSION = 1

#: category -> the torchvision.models submodule list_models() is asked about.
CATEGORIES = {"classification": "torchvision.models",
              "segmentation": "torchvision.models.segmentation",
              "video": "torchvision.models.video"}
#: The input shapes tried in order (batch 1); the first one the model runs on is recorded,
#: with the failures before it.
INPUTS = {"classification": [(1, 3, 224, 224)],
          "segmentation": [(1, 3, 224, 224)],
          "video": [(1, 3, 16, 112, 112), (1, 3, 16, 224, 224)]}
INPUT_OVERRIDES = {"inception_v3": [(1, 3, 299, 299)]}
TRAIN_BATCH = 2
#: Models not run, with the reason (recorded in the index). Every model builds and runs
#: (eval, train, fx trace) in about a minute at most on two CPU threads (vit_h_14 and
#: regnet_y_128gf build in about 12 s), so none is skipped today; ``--max-build-seconds``
#: skips by build time.
SKIP: dict[str, str] = {}

_STUBS = ("torchvision._meta_registrations", "torchvision._autograd_registrations")


def import_torchvision():
    """``(torch, torchvision)``; raises ImportError when either is missing."""
    import torch  # noqa: F401 - first, so a missing torch is reported as such
    for name in _STUBS:
        sys.modules.setdefault(name, types.ModuleType(name))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import torchvision
    return torch, torchvision


def list_models(torchvision) -> dict[str, str]:
    """model name -> category, for every category."""
    found: dict[str, str] = {}
    for category, module in CATEGORIES.items():
        mod = sys.modules.get(module) or __import__(module, fromlist=["_"])
        for name in torchvision.models.list_models(module=mod):
            found[name] = category
    return found


def type_name(module) -> str:
    """torch.nn classes by their bare name (conv-calc's layer keys), others qualified."""
    cls = type(module)
    if cls.__module__.startswith(("torch.nn.", "torch.ao.nn.")):
        return cls.__name__
    return f"{cls.__module__}.{cls.__qualname__}"


def _fx_leaf_class(module, torch) -> bool:
    """torch.fx.Tracer.is_leaf_module's default rule."""
    return (type(module).__module__.startswith(("torch.nn", "torch.ao.nn"))
            and not isinstance(module, torch.nn.Sequential))


def leaf_modules(model, torch) -> list[tuple[str, Any]]:
    """``(name, module)`` of the leaves, in ``named_modules()`` order (see the module doc)."""
    containers = (torch.nn.Sequential, torch.nn.ModuleList, torch.nn.ModuleDict)
    leaves: list[tuple[str, Any]] = []
    for name, module in model.named_modules():
        if not name or any(name.startswith(leaf + ".") for leaf, _ in leaves):
            continue
        if isinstance(module, containers):
            continue
        if not any(True for _ in module.children()) or _fx_leaf_class(module, torch):
            leaves.append((name, module))
    return leaves


def encode(value, torch) -> Any:
    """A value as JSON: a tensor as its shape (a list of ints), ``{"seq": [...]}`` for a
    tuple or list, ``{"dict": {...}}`` for a mapping (``"type"`` added for a namedtuple),
    a plain scalar as itself, anything else as ``{"type": class name}``."""
    if isinstance(value, torch.Tensor):
        return list(value.shape)
    if isinstance(value, tuple) and hasattr(value, "_fields"):
        return {"type": type(value).__name__,
                "dict": {k: encode(getattr(value, k), torch) for k in value._fields}}
    if isinstance(value, (tuple, list)):
        return {"seq": [encode(v, torch) for v in value]}
    if isinstance(value, dict):
        return {"dict": {str(k): encode(v, torch) for k, v in value.items()}}
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return {"type": type(value).__name__}


def _tensors(value, torch) -> list:
    if isinstance(value, torch.Tensor):
        return [value]
    if isinstance(value, (tuple, list)):
        return [t for v in value for t in _tensors(v, torch)]
    if isinstance(value, dict):
        return [t for v in value.values() for t in _tensors(v, torch)]
    return []


class Recorder:
    """Forward hooks on the leaves; one row per call, in execution order.

    ``src`` of a row gives, per positional argument, the row whose output is that very
    tensor, unchanged since (same object, same version counter: no in-place op between),
    -1 for the model's input, and None when a non-module op made it (or it is not a tensor).
    """

    def __init__(self, model, torch, counter):
        self.torch, self.counter = torch, counter
        self.leaves = leaf_modules(model, torch)
        self.handles = []
        for name, module in self.leaves:
            self.handles.append(module.register_forward_pre_hook(self._pre(name)))
            self.handles.append(module.register_forward_hook(self._post(name, module),
                                                             with_kwargs=True))
        self.reset()

    def reset(self) -> None:
        from torch.utils.weak import WeakIdKeyDictionary
        self.rows: list[dict] = []
        self.calls: Counter = Counter()
        self.made = WeakIdKeyDictionary()        # tensor -> (row index, version)
        self.pending: list[tuple[list, int]] = []

    def mark(self, tensor, index: int) -> None:
        self.made[tensor] = (index, tensor._version)

    def source(self, value) -> int | None:
        if not isinstance(value, self.torch.Tensor):
            return None
        got = self.made.get(value)
        if got is None or got[1] != value._version:
            return None
        return got[0]

    def _pre(self, name):
        def hook(module, args):
            # Sources are read before the call: an in-place module bumps its input's version.
            self.pending.append(([self.source(a) for a in args], self.counter.get_total_flops()))
        return hook

    def _post(self, name, module):
        torch = self.torch

        def hook(mod, args, kwargs, output):
            src, flops_before = self.pending.pop()
            k = self.calls[name]
            self.calls[name] += 1
            row = {"name": name if k == 0 else f"{name}_{k}", "type": type_name(module),
                   "in": [encode(a, torch) for a in args]}
            if k:
                row["call"] = k
            if kwargs:
                row["kw"] = {key: encode(v, torch) for key, v in kwargs.items()}
            row["out"] = encode(output, torch)
            row["src"] = src
            row["params"] = sum(p.numel() for p in module.parameters())
            row["macs"] = (self.counter.get_total_flops() - flops_before) // 2
            for t in _tensors(output, torch):
                self.mark(t, len(self.rows))
            self.rows.append(row)
        return hook

    def remove(self) -> None:
        for h in self.handles:
            h.remove()


def run(model, recorder: Recorder, shape: tuple[int, ...], counter, torch) -> dict:
    """One forward on zeros of ``shape``: rows, output, output sources, total MACs."""
    recorder.reset()
    x = torch.zeros(shape)
    recorder.mark(x, -1)
    before = counter.get_total_flops()
    with torch.no_grad():
        out = model(x)
    return {"batch": shape[0], "rows": recorder.rows, "output": encode(out, torch),
            "output_src": [recorder.source(t) for t in _tensors(out, torch)],
            "macs": (counter.get_total_flops() - before) // 2}


def _scaled(e, t, factor: int) -> bool:
    """``t`` is ``e`` with every tensor's leading (batch) dimension times ``factor``."""
    if isinstance(e, list) and isinstance(t, list):
        if len(e) != len(t):
            return False
        if all(isinstance(v, int) for v in e + t):    # a tensor's shape
            return len(e) > 0 and e[0] * factor == t[0] and e[1:] == t[1:]
        return all(_scaled(a, b, factor) for a, b in zip(e, t))
    if isinstance(e, dict) and isinstance(t, dict):
        return e.keys() == t.keys() and all(_scaled(e[k], t[k], factor) for k in e)
    return e == t


def same_as_eval(ev: dict, tr: dict) -> bool:
    """Train mode does what eval mode does, only on a batch ``tr["batch"] / ev["batch"]``
    times larger: same rows (names, types, sources, parameters), shapes scaled in their
    leading dimension and MACs scaled alike."""
    factor = tr["batch"] // ev["batch"]
    if len(ev["rows"]) != len(tr["rows"]) or tr["macs"] != factor * ev["macs"]:
        return False
    for a, b in zip(ev["rows"], tr["rows"]):
        if any(a.get(k) != b.get(k) for k in ("name", "type", "src", "params", "kw")):
            return False
        if not (_scaled(a["in"], b["in"], factor)
                and _scaled(a["out"], b["out"], factor) and b["macs"] == factor * a["macs"]):
            return False
    return _scaled(ev["output"], tr["output"], factor)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else ""


def _exc_name(exc: BaseException) -> str:
    cls = type(exc)
    return cls.__name__ if cls.__module__ == "builtins" else f"{cls.__module__}.{cls.__qualname__}"


def fx_info(model, rows: list[dict], torch) -> dict:
    """Whether ``torch.fx.symbolic_trace`` traces the (eval-mode) model, and what it sees."""
    from torch.fx.node import _get_qualified_name
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            gm = torch.fx.symbolic_trace(model)
    except Exception as exc:  # noqa: BLE001 - recording torch.fx's behaviour
        return {"ok": False, "error": _exc_name(exc), "builtin": builtin_name(exc),
                "message": _first_line(exc)}
    functions: Counter = Counter()
    methods: Counter = Counter()
    get_attr: list[str] = []
    modules: list[tuple[str, str]] = []
    for node in gm.graph.nodes:
        if node.op == "call_function":
            q = _get_qualified_name(node.target)
            functions["operator." + q[len("_operator."):] if q.startswith("_operator.") else q] += 1
        elif node.op == "call_method":
            methods[node.target] += 1
        elif node.op == "get_attr":
            get_attr.append(node.target)
        elif node.op == "call_module":
            modules.append((node.target, node.name))
    # The rows fx also sees as call_module nodes (fx traces into torchvision's own classes).
    mine = [row for row in rows if is_torch_nn(row)]
    info = {"ok": True, "functions": dict(sorted(functions.items())),
            "methods": dict(sorted(methods.items())), "get_attr": get_attr,
            "call_module": len(modules)}
    if [module_of(r) for r in mine] == [t for t, _ in modules]:
        info["modules_match_rows"] = True
        renamed = [[r["name"], n] for r, (_, n) in zip(mine, modules)
                   if n != r["name"].replace(".", "_")]
        info["renamed"] = len(renamed)
        if renamed:
            info["renamed_examples"] = renamed[:3]
    else:
        i = next((i for i, (r, (t, _)) in enumerate(zip(mine, modules)) if module_of(r) != t),
                 min(len(mine), len(modules)))
        info["modules_match_rows"] = False
        info["first_mismatch"] = {"index": i, "row": mine[i]["name"] if i < len(mine) else None,
                                  "fx": list(modules[i]) if i < len(modules) else None}
    return info


def is_torch_nn(row: dict) -> bool:
    """The row's class lives in torch.nn (its type is then not qualified)."""
    return "." not in row["type"]


def module_of(row: dict) -> str:
    """The ``named_modules()`` name of the module a row calls."""
    k = row.get("call", 0)
    return row["name"][:-len(f"_{k}")] if k else row["name"]


def other_params(model, leaves) -> dict[str, int]:
    """Direct parameters no row counts: those of non-leaf modules (class tokens, position
    embeddings, layer scales, ...) and of leaves never called as modules (weights a parent
    passes to a function, such as Swin's ``qkv`` and ``proj``)."""
    leaf_names = {n for n, _ in leaves}
    out: dict[str, int] = {}
    for name, module in model.named_modules():
        if name in leaf_names or any(name.startswith(n + ".") for n in leaf_names):
            continue
        n = sum(p.numel() for p in module.parameters(recurse=False))
        if n:
            out[name] = n
    return out


def _uncalled(leaves, rows: list[dict]) -> dict[str, int]:
    called = {module_of(r) for r in rows}
    return {name: n for name, m in leaves
            if name not in called and (n := sum(p.numel() for p in m.parameters()))}


def build(torchvision, name: str, category: str):
    kwargs: dict[str, Any] = {"weights": None}
    if category == "segmentation":
        kwargs["weights_backbone"] = None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return torchvision.models.get_model(name, **kwargs)


def record_model(name: str, category: str, torch=None, torchvision=None) -> dict:
    """The golden record of one model (see oracle/README.md for the fields)."""
    if torch is None or torchvision is None:
        torch, torchvision = import_torchvision()
    from torch.utils.flop_counter import FlopCounterMode
    torch.backends.mha.set_fastpath_enabled(False)
    torch.manual_seed(0)
    model = build(torchvision, name, category)
    counter = FlopCounterMode(display=False)
    recorder = Recorder(model, torch, counter)
    failures = []
    ev = None
    model.eval()
    with counter:
        for shape in INPUT_OVERRIDES.get(name, INPUTS[category]):
            try:
                ev = run(model, recorder, shape, counter, torch)
                break
            except Exception as exc:  # noqa: BLE001 - the model rejects this size
                failures.append({"input": list(shape), "error": _exc_name(exc),
                                 "builtin": builtin_name(exc), "message": _first_line(exc)})
        if ev is None:
            raise RuntimeError(f"{name}: no input size runs: {failures}")
        ev_input = list(shape)
        model.train()
        tr = run(model, recorder, (TRAIN_BATCH, *shape[1:]), counter, torch)
    recorder.remove()
    model.eval()
    leaves = recorder.leaves
    ledger = other_params(model, leaves)
    ledger.update(_uncalled(leaves, ev["rows"]))
    record: dict[str, Any] = {"format": FORMAT_VERSION, "model": name, "category": category,
                              "input": ev_input,
                              "params": sum(p.numel() for p in model.parameters()),
                              "other_params": ledger}
    if failures:
        record["input_failures"] = failures
    record["eval"] = ev
    if same_as_eval(ev, tr):
        record["train"] = {"batch": tr["batch"], "same_as_eval": True}
    else:
        record["train"] = tr
    record["fx"] = fx_info(model, ev["rows"], torch)
    return record


def dumps(record: dict) -> str:
    return json.dumps(record, separators=(",", ":")) + "\n"


def dumps_index(index: dict) -> str:
    """The index as JSON, one model (or skipped model) a line, for readable diffs."""
    def block(table: dict) -> str:
        lines = [f"  {json.dumps(k)}: {json.dumps(v, separators=(',', ':'))}" for k, v in table.items()]
        return "{\n" + ",\n".join(lines) + "\n }" if lines else "{}"
    head = {k: v for k, v in index.items() if k not in ("models", "skipped")}
    parts = [f" {json.dumps(k)}: {json.dumps(v)}" for k, v in head.items()]
    parts += [f" \"models\": {block(index['models'])}", f" \"skipped\": {block(index['skipped'])}"]
    return "{\n" + ",\n".join(parts) + "\n}\n"


def write_model(record: dict, out_dir: Path = OUT_DIR) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{record['model']}.json"
    path.write_text(dumps(record), encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="torchvision models -> tests/golden/torchvision/")
    parser.add_argument("models", nargs="*", help="model names (torchvision.models.list_models)")
    parser.add_argument("--all", action="store_true", help="every model, and rewrite the index")
    parser.add_argument("--threads", type=int, default=2, help="torch threads (default 2)")
    parser.add_argument("--max-build-seconds", type=float, default=None,
                        help="with --all: skip a model whose build took longer (recorded)")
    opts = parser.parse_args(argv)
    torch, torchvision = import_torchvision()
    torch.set_num_threads(opts.threads)
    known = list_models(torchvision)
    names = sorted(known) if opts.all else opts.models
    if not names:
        parser.error("name at least one model, or --all")
    unknown = [n for n in names if n not in known]
    if unknown:
        parser.error(f"not a classification, segmentation or video model: {', '.join(unknown)}")
    skipped = {n: SKIP[n] for n in names if n in SKIP}
    start = time.monotonic()
    entries: dict[str, dict] = {}
    for name in names:
        if name in skipped:
            print(f"{name}: skipped ({skipped[name]})", file=sys.stderr)
            continue
        t0 = time.monotonic()
        if opts.max_build_seconds is not None:
            build(torchvision, name, known[name])
            took = time.monotonic() - t0
            gc.collect()
            if took > opts.max_build_seconds:
                skipped[name] = f"building it took {took:.0f} s (limit {opts.max_build_seconds:.0f} s)"
                print(f"{name}: skipped ({skipped[name]})", file=sys.stderr)
                continue
            t0 = time.monotonic()
        record = record_model(name, known[name], torch, torchvision)
        path = write_model(record)
        entries[name] = {"category": known[name], "input": record["input"],
                         "fx_traceable": record["fx"]["ok"]}
        print(f"{name}: {len(record['eval']['rows'])} rows, fx "
              f"{'ok' if record['fx']['ok'] else record['fx']['error']}, "
              f"{time.monotonic() - t0:.1f} s -> {path.relative_to(GOLDEN.parent.parent)}",
              file=sys.stderr)
        del record
        gc.collect()
    if opts.all:
        index = {"format": FORMAT_VERSION, "torch": torch.__version__,
                 "torchvision": torchvision.__version__, "categories": CATEGORIES,
                 "models": entries,
                 "skipped": {n: {"category": known[n], "reason": r} for n, r in skipped.items()}}
        INDEX.write_text(dumps_index(index), encoding="utf-8")
    print(f"{len(entries)} models in {time.monotonic() - start:.0f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
