"""The committed torchvision ground truth (tests/golden/torchvision/) is well-formed and
self-consistent, and, where torchvision is installed, still what torch gives.

The data comes from ``python -m oracle.torchvision_oracle --all`` (oracle/README.md). The
checks here need neither torch nor torchvision: every indexed model has its file, row names
follow the naming rule, each input that a row says came from an earlier row has that row's
output shape, parameters add up to the model's total, and conv and linear MACs agree with
the shapes and parameter counts. The last tests re-run the oracle on three small models and
compare with the committed files; they skip unless torchvision imports.
"""

from __future__ import annotations

import functools
import json
import math
from pathlib import Path

import pytest

from oracle import torchvision_oracle as tvo

DIR = Path(__file__).parent.parent / "golden" / "torchvision"
INDEX_PATH = DIR / "index.json"
MAX_BYTES = 8 * 1024 * 1024
RERUN = ("resnet18", "mobilenet_v3_small", "squeezenet1_1")


@functools.lru_cache(maxsize=None)
def index() -> dict:
    return json.loads(INDEX_PATH.read_text(encoding="utf-8"))


@functools.lru_cache(maxsize=None)
def record(name: str) -> dict:
    return json.loads((DIR / f"{name}.json").read_text(encoding="utf-8"))


def _models() -> list[str]:
    return sorted(index()["models"]) if INDEX_PATH.exists() else []


MODELS = _models()


def is_shape(value) -> bool:
    return isinstance(value, list) and all(isinstance(v, int) and v >= 0 for v in value)


def shapes(value) -> list[list[int]]:
    """The tensor shapes in an encoded value, in order (see tvo.encode)."""
    if is_shape(value):
        return [value]
    if isinstance(value, list):
        return [s for v in value for s in shapes(v)]
    if isinstance(value, dict):
        if "seq" in value:
            return shapes(value["seq"])
        if "dict" in value:
            return [s for v in value["dict"].values() for s in shapes(v)]
    return []


def runs(rec: dict) -> list[dict]:
    """The recorded forward passes (train only when it differs from eval)."""
    return [rec["eval"]] + ([] if rec["train"].get("same_as_eval") else [rec["train"]])


# ------------------------------------------------------------------ the index and files

def test_index_lists_the_files():
    assert INDEX_PATH.exists(), "no tests/golden/torchvision/index.json"
    idx = index()
    assert idx["format"] == tvo.FORMAT_VERSION
    on_disk = {p.stem for p in DIR.glob("*.json")} - {"index"}
    assert on_disk == set(idx["models"]), "files and index disagree"
    assert not set(idx["models"]) & set(idx["skipped"])
    for name, entry in idx["skipped"].items():
        assert entry["category"] in tvo.CATEGORIES and entry["reason"], name
    counts = {c: sum(e["category"] == c for e in idx["models"].values()) for c in tvo.CATEGORIES}
    assert all(counts.values()), f"a category without models: {counts}"


def test_data_stays_small():
    size = sum(p.stat().st_size for p in DIR.iterdir())
    assert size < MAX_BYTES, f"tests/golden/torchvision is {size / 2**20:.1f} MiB"


@pytest.mark.parametrize("name", MODELS)
def test_header_matches_index(name):
    rec, entry = record(name), index()["models"][name]
    assert (rec["format"], rec["model"], rec["category"]) == (tvo.FORMAT_VERSION, name,
                                                              entry["category"])
    assert rec["input"] == entry["input"] and rec["input"][0] == 1
    assert rec["fx"]["ok"] == entry["fx_traceable"]
    for failure in rec.get("input_failures", []):
        assert is_shape(failure["input"]) and failure["error"] and failure["message"]


# ------------------------------------------------------------------ rows

@pytest.mark.parametrize("name", MODELS)
def test_row_names_follow_the_call_rule(name):
    """``<module>`` for the first call, ``<module>_<k>`` for the k-th repeat, same module."""
    for run in runs(record(name)):
        seen: dict[str, dict] = {}
        names = [r["name"] for r in run["rows"]]
        assert len(names) == len(set(names)), "a row name repeats"
        for row in run["rows"]:
            module, k = tvo.module_of(row), row.get("call", 0)
            assert row["name"] == (f"{module}_{k}" if k else module)
            if k:
                first = seen[module]
                assert first["count"] == k, f"{row['name']}: call {k} after {first['count']} calls"
                assert (row["type"], row["params"]) == (first["type"], first["params"])
                first["count"] += 1
            else:
                assert module not in seen, f"{module} called again without a call number"
                seen[module] = {"count": 1, "type": row["type"], "params": row["params"]}


@pytest.mark.parametrize("name", MODELS)
def test_sources_carry_shapes(name):
    """An input taken from an earlier row (or the model's input) has that output's shape."""
    rec = record(name)
    for run in runs(rec):
        rows = run["rows"]
        model_input = [run["batch"], *rec["input"][1:]]
        linked = 0
        for i, row in enumerate(rows):
            assert len(row["src"]) == len(row["in"]), row["name"]
            for arg, src in zip(row["in"], row["src"]):
                if src is None:
                    continue
                linked += 1
                if src == -1:
                    assert arg == model_input, row["name"]
                else:
                    assert 0 <= src < i, row["name"]
                    assert arg in shapes(rows[src]["out"]), \
                        f"{row['name']} gets {arg} from {rows[src]['name']}, which gives {rows[src]['out']}"
        # The model's input reaches a row as it is, unless the model pads it first (swin3d).
        assert any(-1 in row["src"] for row in rows) or \
            "torch.nn.functional.pad" in rec["fx"].get("functions", {}), "no row takes the input"
        assert linked >= len(rows) // 3, "most rows have no recorded source: the tracking broke"
        outputs = shapes(run["output"])
        assert len(run["output_src"]) == len(outputs)
        for shape, src in zip(outputs, run["output_src"]):
            if src is not None:
                assert shape in shapes(rows[src]["out"])


@pytest.mark.parametrize("name", MODELS)
def test_params_add_up(name):
    """Total = each called module once + the parameters no row counts."""
    rec = record(name)
    rows = rec["eval"]["rows"]
    counted = sum(r["params"] for r in rows if not r.get("call"))
    assert counted + sum(rec["other_params"].values()) == rec["params"]
    called = {tvo.module_of(r) for r in rows}
    assert not called & set(rec["other_params"]), "a module counted twice"


def _conv_or_linear_macs(row: dict) -> set[int]:
    """The MACs a conv or linear row must have, with and without a bias."""
    out = shapes(row["out"])[0]
    inp = row["in"][0]
    t = row["type"]
    if t.startswith(("Conv1d", "Conv2d", "Conv3d")):
        nd = int(t[4])
        batch = out[0] if len(out) == nd + 2 else 1
        weights = {row["params"], row["params"] - out[-nd - 1]}
        return {batch * math.prod(out[-nd:]) * w for w in weights}
    if t.startswith("ConvTranspose"):
        nd = int(t[13])
        batch = inp[0] if len(inp) == nd + 2 else 1
        weights = {row["params"], row["params"] - out[-nd - 1]}
        return {batch * math.prod(inp[-nd:]) * w for w in weights}
    if t == "Linear":
        weights = {row["params"], row["params"] - out[-1]}
        return {math.prod(inp[:-1]) * w for w in weights}
    raise AssertionError(t)


@pytest.mark.parametrize("name", MODELS)
def test_macs_agree_with_shapes(name):
    """conv-calc's definitions (N * prod(weight) * prod(out spatial), ...) hold row by row."""
    for run in runs(record(name)):
        total = 0
        for row in run["rows"]:
            assert isinstance(row["macs"], int) and row["macs"] >= 0
            total += row["macs"]
            if row["type"].startswith(("Conv", "Linear")):
                assert row["macs"] in _conv_or_linear_macs(row), row["name"]
            elif row["params"] == 0:
                assert row["macs"] == 0, f"{row['name']} ({row['type']}) counts MACs"
        assert total <= run["macs"], "the rows count more than the whole forward"


@pytest.mark.parametrize("name", MODELS)
def test_fx_record(name):
    fx = record(name)["fx"]
    if not fx["ok"]:
        assert fx["error"] and fx["builtin"] and isinstance(fx["message"], str)
        return
    for table in (fx["functions"], fx["methods"]):
        assert all(isinstance(k, str) and isinstance(v, int) and v > 0 for k, v in table.items())
    assert fx["call_module"] >= 0 and isinstance(fx["modules_match_rows"], bool)


def test_repeated_calls_are_recorded():
    """resnet18 calls each BasicBlock's ReLU twice, named as torch.fx names the nodes."""
    rows = record("resnet18")["eval"]["rows"]
    assert [r["name"] for r in rows if r.get("call")][:2] == ["layer1.0.relu_1", "layer1.1.relu_1"]
    assert record("resnet18")["fx"]["modules_match_rows"] is True


# ------------------------------------------------------------------ against torchvision

@functools.lru_cache(maxsize=None)
def _torchvision():
    try:
        return tvo.import_torchvision()
    except Exception as exc:  # noqa: BLE001 - any failure to import means: cannot re-run
        return exc


@pytest.mark.parametrize("name", RERUN)
def test_oracle_reproduces_committed_data(name):
    got = _torchvision()
    if isinstance(got, BaseException):
        pytest.skip(f"torchvision is not importable ({type(got).__name__}: {got}); "
                    "the committed data is checked for consistency only")
    torch, torchvision = got
    torch.set_num_threads(2)
    category = index()["models"][name]["category"]
    fresh = json.loads(tvo.dumps(tvo.record_model(name, category, torch, torchvision)))
    assert fresh == record(name)
