"""``conv-calc import onnx`` and ``conv-calc stack model.onnx``: output, notes, bad inputs.

The files are tests/golden/onnx's (oracle/onnx_oracle.py). Reading a ``.onnx`` file
needs the onnx package: those tests skip without it; the message that names the
package to install is tested either way (the import made to fail).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from tests.cli_runner import run

GOLDEN = Path(__file__).resolve().parent.parent / "golden" / "onnx"
INDEX = json.loads((GOLDEN / "index.json").read_text(encoding="utf-8"))
SMALL = "basic_legacy"


def test_without_onnx_both_commands_say_what_to_install(monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "onnx", None)  # `import onnx` raises ImportError
    path = str(GOLDEN / f"{SMALL}.onnx")
    for args in (("import", "onnx", path), ("stack", path)):
        result = run(*args)
        assert result.code == 2, result
        assert "needs the onnx package" in result.stderr
        assert "pip install 'conv-calc[onnx]'" in result.stderr
        assert "Traceback" not in result.stderr


def test_the_file_reader_is_registered() -> None:
    from conv_calc.interop import FILE_READERS

    assert FILE_READERS[".onnx"] == ("conv_calc.interop.onnx_file", "read_onnx")


# ---------------------------------------------------------------- with the onnx package

@pytest.fixture
def onnx_package():
    return pytest.importorskip("onnx", reason="reading .onnx files needs the onnx package")


def test_import_writes_the_stack_file(onnx_package, tmp_path) -> None:
    out = tmp_path / "net.yaml"
    result = run("import", "onnx", str(GOLDEN / f"{SMALL}.onnx"), "-o", str(out))
    assert result.code == 0, result
    assert out.read_text(encoding="utf-8") == (GOLDEN / f"{SMALL}.yaml").read_text(
        encoding="utf-8")
    assert run("import", "onnx", str(GOLDEN / f"{SMALL}.onnx")).stdout == out.read_text(
        encoding="utf-8")


def test_stack_reads_the_onnx_file_as_its_stack_file(onnx_package) -> None:
    direct = run("stack", str(GOLDEN / f"{SMALL}.onnx"), "--format", "json")
    written = run("stack", str(GOLDEN / f"{SMALL}.yaml"), "--format", "json")
    assert direct.code == written.code == 0
    rows = lambda text: [(r["name"], r["output_shape"], r["params"])  # noqa: E731
                         for r in json.loads(text)["layers"]]
    assert rows(direct.stdout) == rows(written.stdout)
    # the parameter counts are the file's, and the note beside the table says so
    assert "counted from the file's initializers" in direct.stderr
    table = run("stack", str(GOLDEN / f"{SMALL}.onnx"))
    assert table.code == 0 and "mode: eval" in table.stdout


def test_input_overrides_the_files_shape(onnx_package) -> None:
    result = run("stack", str(GOLDEN / f"{SMALL}.onnx"), "--input", "2x3x128x96",
                 "--format", "json")
    assert result.code == 0, result
    assert json.loads(result.stdout)["layers"][0]["output_shape"] == [2, 16, 64, 48]
    bad = run("stack", str(GOLDEN / f"{SMALL}.onnx"), "--input", "1x3x64")
    assert bad.code == 2 and "--input has 3 dims" in bad.stderr


def test_not_an_onnx_file(onnx_package, tmp_path) -> None:
    path = tmp_path / "notes.onnx"
    path.write_text("this: is yaml, not a protobuf\n", encoding="utf-8")
    for args in (("import", "onnx", str(path)), ("stack", str(path))):
        result = run(*args)
        assert result.code == 2 and "is not a readable ONNX model" in result.stderr
        assert "hint:" in result.stderr and "Traceback" not in result.stderr


def test_truncated_file(onnx_package, tmp_path) -> None:
    path = tmp_path / "cut.onnx"
    path.write_bytes((GOLDEN / f"{SMALL}.onnx").read_bytes()[:200])
    result = run("import", "onnx", str(path))
    assert result.code == 2, result
    assert "is not a readable ONNX model" in result.stderr or "no ONNX graph" in result.stderr


def test_empty_file_and_missing_file(onnx_package, tmp_path) -> None:
    empty = tmp_path / "empty.onnx"
    empty.write_bytes(b"")
    result = run("import", "onnx", str(empty))
    assert result.code == 2 and "holds no ONNX graph" in result.stderr
    missing = run("import", "onnx", str(tmp_path / "nothere.onnx"))
    assert missing.code == 2 and "cannot read" in missing.stderr


def _bad(name: str, tmp_path: Path) -> str:
    onnx = pytest.importorskip("onnx")
    sys.path.insert(0, str(GOLDEN.parent.parent.parent))
    from oracle.onnx_models import bad_graphs

    model = dict(bad_graphs())[name]
    path = tmp_path / f"{name}.onnx"
    onnx.save(model, str(path))
    return str(path)


def test_unknown_op_names_the_op_and_the_node(onnx_package, tmp_path) -> None:
    result = run("import", "onnx", _bad("unknown_op", tmp_path))
    assert result.code == 2, result
    assert "ONNX op Einsum (node 'my_einsum') is not supported" in result.stderr
    assert "hint:" in result.stderr


def test_a_gather_that_reorders_is_refused(onnx_package, tmp_path) -> None:
    result = run("import", "onnx", _bad("gather_shuffle", tmp_path))
    assert result.code == 2, result
    assert "ONNX op Gather (node 'shuffle') is not supported: a gather of data" in result.stderr


def test_a_constant_in_place_of_data_is_refused(onnx_package, tmp_path) -> None:
    result = run("stack", _bad("constant_data", tmp_path))
    assert result.code == 2, result
    assert ("ONNX op Relu (node 'relu_const') is not supported: a constant where the "
            "network's data goes") in result.stderr


def test_weight_computed_at_run_time_is_refused(onnx_package, tmp_path) -> None:
    result = run("stack", _bad("dynamic_weight", tmp_path))
    assert result.code == 2, result
    assert "ONNX op Conv (node 'selfconv') is not supported" in result.stderr


def test_dynamic_shape_needs_input(onnx_package, tmp_path) -> None:
    path = _bad("dynamic", tmp_path)
    result = run("import", "onnx", path)
    assert result.code == 2, result
    assert "has a dynamic shape (batchx3x8x8)" in result.stderr
    assert "--input" in result.stderr
    assert run("stack", path).code == 2
    given = run("stack", path, "--input", "4x3x8x8", "--format", "json")
    assert given.code == 0, given
    assert json.loads(given.stdout)["layers"][-1]["output_shape"] == [4, 3, 8, 8]


@pytest.mark.parametrize("seed", [0, pytest.param(1, marks=pytest.mark.slow),
                                  pytest.param(2, marks=pytest.mark.slow)])
def test_damaged_files_never_crash(onnx_package, tmp_path, seed) -> None:
    # Cut short or with bytes changed: a clean message and exit 2 (or, when the damage
    # leaves a valid graph, an analysis), never conv-calc's internal error.
    import random

    rng = random.Random(seed)
    path = tmp_path / "damaged.onnx"
    variants = []
    # Both exporters' files: names (TorchScript) and name-scope metadata (dynamo) damaged
    # become bytes that are not UTF-8 (found by this test: seeds 2, and 34 of basic_dynamo).
    for name in ("branches_legacy", "basic_dynamo"):
        data = (GOLDEN / f"{name}.onnx").read_bytes()
        variants += [data[:rng.randrange(len(data))] for _ in range(6)]
        for _ in range(10):
            flipped = bytearray(data)
            for _ in range(3):
                flipped[rng.randrange(len(data))] = rng.randrange(256)
            variants.append(bytes(flipped))
    for variant in variants:
        path.write_bytes(variant)
        result = run("stack", str(path), "--format", "json")
        assert result.code in (0, 1, 2), result
        assert "internal error" not in result.stderr and "Traceback" not in result.stderr
