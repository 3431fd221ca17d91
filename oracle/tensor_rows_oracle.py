"""Ground truth for tensor functions as stack rows: chains of calls run by torch 2.13.

Usage (from the repository root, with torch==2.13.0 installed)::

    python -m oracle.tensor_rows_oracle        # writes tests/golden/stack_tensor_rows.jsonl

A case is an input shape and a chain of calls, each a stack-file function item
(``fn`` a word of conv_calc.nn.tensor_calls.WORDS; ``args`` / ``kwargs``; for chunk
and split ``outputs`` (names the pieces are unpacked into, as ``a, b = x.chunk(2)``) and
``index`` (the piece the chain continues with); for interpolate ``size_of: "input"``
for ``size=input.shape[-k:]``). torch runs the chain on ``torch.zeros(input)``; the
record has each call's output shape up to the first failure, that failure (call index,
builtin class, message), and, for a chain that runs, the names torch.fx gives the calls
(``torch.fx.symbolic_trace`` of a module whose forward is the chain): the row names
conv-calc must give. tests/stackfile/test_tensor_rows.py replays it without torch.
"""

from __future__ import annotations

import json
import random
import sys
from typing import Any

from oracle.driver import GOLDEN, builtin_name

OUT = GOLDEN / "stack_tensor_rows.jsonl"
#: torch's spelling of each function word (as conv_calc.nn.tensor_calls.WORDS has them).
METHODS = ("reshape", "view", "permute", "transpose", "squeeze", "unsqueeze", "chunk", "split",
           "mean", "sum", "amax", "contiguous")
MODES = ("nearest", "bilinear", "bicubic", "linear", "trilinear", "nearest-exact", "area")


def _tuples(value: Any) -> Any:
    """JSON lists as the tuples a stack file's YAML lists stand for."""
    return tuple(_tuples(v) for v in value) if isinstance(value, list) else value


def _call(torch: Any, x: Any, call: dict, inp: Any) -> Any:
    fn = call["fn"]
    args = [_tuples(a) for a in call.get("args", [])]
    kwargs = {k: _tuples(v) for k, v in call.get("kwargs", {}).items()}
    if call.get("size_of") == "input":
        k = max(x.dim() - 2, 0)
        kwargs["size"] = inp.shape[inp.dim() - k:] if k <= inp.dim() else inp.shape
    if fn == "flatten":
        return torch.flatten(x, *args, **kwargs)
    if fn == "interpolate":
        return torch.nn.functional.interpolate(x, *args, **kwargs)
    return getattr(x, fn)(*args, **kwargs)


def _unpack(pieces: Any, names: list[str]) -> None:
    """Python's own unpacking (and its message) of ``names = pieces``."""
    exec(f"{', '.join(names)}, = pieces", {}, {"pieces": pieces})  # noqa: S102 - names are ours


def run_chain(torch: Any, case: dict) -> dict:
    inp = torch.zeros(case["input"])
    x = inp
    shapes: list[list[int]] = []
    for i, call in enumerate(case["calls"]):
        try:
            out = _call(torch, x, call, inp)
            if call["fn"] in ("chunk", "split"):
                if call.get("outputs"):
                    _unpack(out, call["outputs"])
                out = out[call.get("index", 0)]
        except Exception as exc:  # noqa: BLE001 - recording torch's behaviour
            return {"shapes": shapes, "error": {"call": i, "type": builtin_name(exc),
                                                "message": str(exc)}}
        x = out
        shapes.append(list(x.shape))
    return {"shapes": shapes, "error": None}


def fx_names(torch: Any, case: dict) -> list[str] | None:
    """The names torch.fx gives the chain's calls (getitem and getattr nodes left out)."""
    calls = case["calls"]

    class Chain(torch.nn.Module):
        def forward(self, x):  # noqa: ANN001, ANN202
            inp = x
            for call in calls:
                out = _call(torch, x, call, inp)
                x = out[call.get("index", 0)] if call["fn"] in ("chunk", "split") else out
            return x

    import operator
    try:
        gm = torch.fx.symbolic_trace(Chain())
    except Exception:  # noqa: BLE001 - a chain fx cannot trace has no names to compare
        return None
    return [n.name for n in gm.graph.nodes if n.op in ("call_function", "call_method")
            and n.target not in (operator.getitem, getattr)]


# ------------------------------------------------------------------ cases

def _hand() -> list[dict]:
    c = []

    def add(cid: str, inp: list[int], *calls: dict) -> None:
        c.append({"id": f"hand/{cid}", "input": inp, "calls": list(calls)})

    add("shufflenet-split", [1, 116, 28, 28],
        {"fn": "chunk", "args": [2], "kwargs": {"dim": 1}, "outputs": ["x1", "x2"], "index": 1})
    add("channel-shuffle", [1, 232, 14, 14], {"fn": "view", "args": [1, 2, 116, 14, 14]},
        {"fn": "transpose", "args": [1, 2]}, {"fn": "view", "args": [1, -1, 14, 14]})
    add("channel-shuffle-contiguous", [1, 232, 14, 14], {"fn": "view", "args": [1, 2, 116, 14, 14]},
        {"fn": "transpose", "args": [1, 2]}, {"fn": "contiguous"},
        {"fn": "view", "args": [1, -1, 14, 14]})
    add("contiguous-arg", [1, 2], {"fn": "contiguous", "args": [1]})
    add("contiguous-kw", [1, 2], {"fn": "contiguous", "kwargs": {"memory_format": "channels_last"}})
    add("contiguous-unknown-kw", [1, 2], {"fn": "contiguous", "kwargs": {"format": 1}})
    add("view-after-transpose", [1, 4, 6, 6], {"fn": "view", "args": [1, 2, 2, 6, 6]},
        {"fn": "transpose", "args": [1, 2]}, {"fn": "view", "args": [1, -1, 6, 6]},
        {"fn": "flatten", "kwargs": {"start_dim": 1}})
    add("convnext-permute", [1, 96, 56, 56], {"fn": "permute", "args": [0, 2, 3, 1]},
        {"fn": "permute", "args": [0, 3, 1, 2]})
    add("global-mean", [2, 64, 7, 7], {"fn": "mean", "kwargs": {"dim": [2, 3], "keepdim": True}},
        {"fn": "flatten", "args": [1]}, {"fn": "mean", "args": [1]})
    add("sums", [2, 3, 4], {"fn": "sum", "args": [1]}, {"fn": "sum", "args": [0]},
        {"fn": "sum", "args": [0]})
    add("seg-head", [1, 21, 28, 28], {"fn": "interpolate", "size_of": "input",
                                      "kwargs": {"mode": "bilinear", "align_corners": False}})
    add("chunk-unpack-too-many", [1, 6, 4, 4],
        {"fn": "chunk", "args": [3, 1], "outputs": ["a", "b"]})
    add("chunk-unpack-too-few", [1, 6, 4, 4],
        {"fn": "chunk", "args": [2, 1], "outputs": ["a", "b", "c"]})
    add("chunk-fewer-pieces", [1, 10, 4, 4],
        {"fn": "chunk", "args": [6], "kwargs": {"dim": 1}, "outputs": ["a", "b", "c", "d", "e"],
         "index": 4})
    add("split-sections", [1, 10, 4, 4],
        {"fn": "split", "args": [[3, 7]], "kwargs": {"dim": 1}, "outputs": ["a", "b"], "index": 1})
    add("split-spatial", [1, 2, 9, 4], {"fn": "split", "args": [4, 2], "outputs": ["a", "b", "c"], "index": 2})
    add("reshape-bad", [1, 3, 5, 5], {"fn": "reshape", "args": [-1, 7]})
    add("permute-dup", [1, 3, 5, 5], {"fn": "permute", "args": [0, 1, 1, 2]})
    add("interp-size-and-scale", [1, 3, 5, 5],
        {"fn": "interpolate", "kwargs": {"size": [4, 4], "scale_factor": 2}})
    add("interp-antialias-nearest", [1, 3, 5, 5],
        {"fn": "interpolate", "kwargs": {"scale_factor": 2, "antialias": True}})
    add("interp-antialias-bilinear", [1, 3, 5, 5],
        {"fn": "interpolate", "kwargs": {"scale_factor": 2, "mode": "bilinear", "antialias": True}})
    add("interp-antialias-3d", [1, 3, 5], {"fn": "interpolate",
                                           "kwargs": {"size": 7, "mode": "linear", "antialias": True}})
    add("interp-antialias-late", [1, 3, 5, 5], {"fn": "interpolate", "kwargs": {
        "size": [4, 4, 4], "mode": "nearest", "antialias": True}})
    add("interp-lanczos", [1, 3, 5, 5], {"fn": "interpolate", "kwargs": {
        "scale_factor": 1.5, "mode": "lanczos", "antialias": True}})
    add("interp-lanczos-no-aa", [1, 3, 5, 5], {"fn": "interpolate", "kwargs": {
        "scale_factor": 1.5, "mode": "lanczos"}})
    add("interp-area-aa", [1, 3, 5, 5], {"fn": "interpolate", "kwargs": {
        "size": 3, "mode": "area", "antialias": True}})
    add("interp-unknown-kw", [1, 3, 5, 5], {"fn": "interpolate", "kwargs": {"sizes": 3}})
    add("interp-flat", [3, 5], {"fn": "interpolate", "size_of": "input"})
    add("flatten-then-interp", [1, 3, 5, 5], {"fn": "flatten", "args": [2]},
        {"fn": "interpolate", "size_of": "input", "kwargs": {"mode": "linear"}})
    # Arguments of the wrong type or name: torch's argument parser's messages.
    odd = [("permute", ["a", 1, 2, 3], {}), ("reshape", [], {"shape": "x"}),
           ("mean", [], {"dim": "2"}), ("chunk", [2.5], {}),
           ("interpolate", [], {"size": ["a", "b"]}), ("transpose", [[1], 2], {}),
           ("squeeze", [None], {}), ("split", [[1, 3]], {"dim": [1]}),
           ("flatten", [], {"start_dim": 1.0}), ("unsqueeze", [True], {}), ("view", [-1, None], {}),
           ("amax", [], {"dim": [1], "keepdim": "yes"}),
           ("interpolate", [], {"scale_factor": [2, 2], "recompute_scale_factor": True}),
           ("interpolate", [[8, 8], None, "bilinear", True], {}), ("sum", [], {"dtype": 1}),
           ("permute", [], {"dims": [0, 1, 2, 3]}),
           ("split", [], {"split_size_or_sections": 2, "dim": 1}),
           ("split", [], {"split_size": 2, "dim": 1}), ("chunk", [], {"chunks": 2, "dim": 1, "x": 1})]
    for k, (fn, args, kwargs) in enumerate(odd):
        add(f"odd-{k}-{fn}", [1, 4, 6, 6], {"fn": fn, "args": args, "kwargs": kwargs})
    return c


def _random_call(rng: random.Random, shape: list[int]) -> dict:
    r = len(shape)
    dim = lambda: rng.randint(-r - 1, r)  # noqa: E731 - sometimes out of range
    fn = rng.choice(("flatten", *METHODS, "interpolate"))
    call: dict[str, Any] = {"fn": fn}
    if fn == "flatten":
        call["kwargs"] = {"start_dim": rng.randint(-r, r - 1) if r else 0,
                          "end_dim": rng.choice((-1, dim()))}
    elif fn in ("reshape", "view"):
        n = 1
        for s in shape:
            n *= s
        sizes = []
        rest = n
        for _ in range(rng.randint(1, 4)):
            f = rng.choice([d for d in range(1, 7) if rest % d == 0] or [1])
            sizes.append(f)
            rest //= f if f else 1
        sizes.append(rest)
        if rng.random() < 0.5 and sizes:
            sizes[rng.randrange(len(sizes))] = -1
        if rng.random() < 0.1:
            sizes.append(rng.choice((2, 3, 0)))
        call["args"] = sizes
    elif fn == "contiguous":
        pass
    elif fn == "permute":
        dims = list(range(r))
        rng.shuffle(dims)
        if rng.random() < 0.15 and dims:
            dims[0] = dims[-1]
        if rng.random() < 0.1:
            dims = dims[:-1]
        call["args"] = dims
    elif fn == "transpose":
        call["args"] = [dim(), dim()]
    elif fn == "squeeze":
        call["args"] = rng.choice(([], [dim()], [[dim(), dim()]]))
    elif fn == "unsqueeze":
        call["args"] = [rng.randint(-r - 2, r + 1)]
    elif fn in ("chunk", "split"):
        first = rng.randint(0, 4) if fn == "chunk" or rng.random() < 0.6 else \
            [rng.randint(0, 4) for _ in range(rng.randint(1, 3))]
        call["args"] = [first]
        call["kwargs"] = {"dim": dim()}
        if rng.random() < 0.5:
            call["outputs"] = [f"p{i}" for i in range(rng.randint(1, 4))]
            call["index"] = rng.randrange(len(call["outputs"]))
    elif fn in ("mean", "sum", "amax"):
        d = rng.choice((dim(), [dim(), dim()], [dim()]))
        call["kwargs"] = {"dim": d, "keepdim": rng.random() < 0.5}
    else:
        mode = rng.choice(MODES)
        kw: dict[str, Any] = {"mode": mode}
        pick = rng.random()
        if pick < 0.4:
            call["size_of"] = "input"
        elif pick < 0.7:
            kw["scale_factor"] = rng.choice((2, 0.5, 1.5, 3))
        else:
            kw["size"] = [rng.randint(0, 7) for _ in range(max(r - 2, 1))]
        if mode in ("bilinear", "bicubic", "linear", "trilinear") and rng.random() < 0.5:
            kw["align_corners"] = rng.random() < 0.5
        call["kwargs"] = kw
    return call


def _random(torch: Any, n: int, seed: int = 11) -> list[dict]:
    """Chains whose next call is drawn against the shape torch gave (stopping at a failure)."""
    rng = random.Random(seed)
    out = []
    for k in range(n):
        r = rng.randint(1, 5)
        shape = [rng.choice((1, 2, 3, 4, 6, 0 if rng.random() < 0.05 else 5)) for _ in range(r)]
        case: dict[str, Any] = {"id": f"random/{k}", "input": shape, "calls": []}
        cur = shape
        for _ in range(rng.randint(1, 4)):
            case["calls"].append(_random_call(rng, cur))
            got = run_chain(torch, case)
            if got["error"] is not None:
                break
            cur = got["shapes"][-1]
        out.append(case)
    return out


def cases(torch: Any) -> list[dict]:
    return _hand() + _random(torch, 800)


def main() -> None:
    import torch

    if not torch.__version__.startswith("2.13"):
        sys.exit(f"torch 2.13 is the reference; this is {torch.__version__}")
    torch.set_num_threads(1)
    n = 0
    with OUT.open("w", encoding="utf-8") as fh:
        for case in cases(torch):
            record = dict(case)
            record["expect"] = run_chain(torch, case)
            record["expect"]["fx"] = fx_names(torch, case) if record["expect"]["error"] is None \
                else None
            fh.write(json.dumps(record) + "\n")
            n += 1
    print(f"{n} cases written to {OUT.relative_to(GOLDEN.parent.parent)}", file=sys.stderr)


if __name__ == "__main__":
    main()
