"""Fuzz the Keras reader: ``conv-calc stack model.keras`` and ``conv-calc import keras`` on
mutated files.

Inputs: the small committed .keras files (tests/golden/keras_files/) with their config.json
mutated structurally (a value of the wrong type anywhere, keys deleted or unknown ones
added, a layer reading itself or a later layer, huge numbers, deep nesting), and the zip
itself truncated or with bytes flipped. Property: exit 0, 1 or 2, never a traceback, an
internal error or a hang, nothing printed raw that a terminal would act on; what
``import keras`` writes (exit 0) reads back with ``conv-calc stack`` under the same contract.
"""

from __future__ import annotations

import copy
import json
import zipfile

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.cli_runner import run
from tests.fuzz_support import ROOT, budget, check_outcome, check_safe_output, no_hang

pytestmark = pytest.mark.slow

FILES = ROOT / "tests" / "golden" / "keras_files"
SEEDS = {name: json.loads(zipfile.ZipFile(FILES / f"{name}.keras").read("config.json"))
         for name in ("branches", "sequential", "nested", "shared", "two_inputs", "two_outputs")}

WRONG = st.one_of(
    st.none(), st.booleans(), st.integers(-3, 3), st.sampled_from([2**63, -2**63, 10**400, 2**64]),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=8),
    st.sampled_from(["\x1b[2J", "\u202e", "same", "channels_first", "Conv2D", "__keras_tensor__"]),
    st.lists(st.integers(-1, 4), max_size=4), st.just({}), st.just([]),
    st.just({"class_name": "__keras_tensor__", "config": {"keras_history": ["x", 0, 0]}}),
    st.integers(1, 500).map(lambda n: json.loads("[" * n + "1" + "]" * n)))


def _spots(tree, path=()):
    """Every (container, key) pair in a JSON tree."""
    if isinstance(tree, dict):
        for key, value in tree.items():
            yield tree, key
            yield from _spots(value, path + (key,))
    elif isinstance(tree, list):
        for i, value in enumerate(tree):
            yield tree, i
            yield from _spots(value, path + (i,))


@st.composite
def configs(draw) -> dict:
    config = copy.deepcopy(SEEDS[draw(st.sampled_from(sorted(SEEDS)))])
    for _ in range(draw(st.integers(1, 4))):
        spots = list(_spots(config))
        parent, key = draw(st.sampled_from(spots))
        kind = draw(st.sampled_from(["wrong", "delete", "unknown", "cycle", "history"]))
        if kind == "wrong":
            parent[key] = copy.deepcopy(draw(WRONG))  # st.just gives one shared object
        elif kind == "delete":
            del parent[key]
        elif kind == "unknown" and isinstance(parent, dict):
            parent[draw(st.sampled_from(["zzz", "bogus", "\x07"]))] = copy.deepcopy(draw(WRONG))
        elif kind in ("cycle", "history"):
            # Point some tensor's history at a layer of the model (itself, a later one).
            layers = config.get("config", {}).get("layers") if isinstance(config.get("config"), dict) else None
            names = [layer.get("name") for layer in layers or [] if isinstance(layer, dict)]
            histories = [p for p, k in spots if k == "keras_history" and isinstance(p, dict)]
            if names and histories:
                target = draw(st.sampled_from(histories))
                target["keras_history"] = [draw(st.sampled_from(names)),
                                           draw(st.sampled_from([0, 1, 99, -1])),
                                           draw(st.sampled_from([0, 1, -1]))]
    return config


def _zip(path, config_text: str | bytes) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("metadata.json", '{"keras_version": "3.15.1"}')
        archive.writestr("config.json", config_text)


def _check(*args: str):
    with no_hang():
        result = run(*args)
    check_outcome(result, located=False)
    check_safe_output(result)
    return result


def _both(path) -> None:
    _check("stack", str(path), "--format", "json")
    imported = _check("import", "keras", str(path))
    if imported.code == 0:
        # What the importer writes must read back under the same contract.
        written = path.parent / "imported.yaml"
        written.write_text(imported.stdout, encoding="utf-8")
        _check("stack", str(written))


@budget(60)
@given(config=configs(), as_json=st.booleans())
def test_mutated_keras_configs(tmp_path_factory, config, as_json):
    tmp = tmp_path_factory.mktemp("k")
    text = json.dumps(config, allow_nan=True)
    if as_json:
        path = tmp / "model.json"
        path.write_text(text, encoding="utf-8")
    else:
        path = tmp / "model.keras"
        _zip(path, text)
    _both(path)


@budget(40)
@given(name=st.sampled_from(sorted(SEEDS)), data=st.data())
def test_damaged_keras_zips(tmp_path_factory, name, data):
    raw = bytearray((FILES / f"{name}.keras").read_bytes())
    kind = data.draw(st.sampled_from(["truncate", "flip", "text"]))
    if kind == "truncate":
        raw = raw[:data.draw(st.integers(0, len(raw) - 1))]
    elif kind == "flip":
        for _ in range(data.draw(st.integers(1, 8))):
            at = data.draw(st.integers(0, len(raw) - 1))
            raw[at] = data.draw(st.integers(0, 255))
    else:
        # A config.json that is not JSON text: truncated, binary, UTF-16.
        text = json.dumps(SEEDS[name]).encode()
        raw = None
        blob = data.draw(st.sampled_from([text[:len(text) // 2], b"\xff\xfe\x00", text.decode().encode("utf-16"),
                                          b"[" * 100000, b"", b"null", b"1e999999"]))
    path = tmp_path_factory.mktemp("z") / "model.keras"
    if raw is None:
        _zip(path, blob)
    else:
        path.write_bytes(bytes(raw))
    _both(path)
