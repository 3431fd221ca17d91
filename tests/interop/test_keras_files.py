"""`conv-calc stack model.keras --format json` against what Keras 3 says about every layer.

The .keras files in tests/golden/keras_files/ are config-only (config.json and
metadata.json, no weights: the reader never opens them), written with
keras.applications.X(weights=None) and small hand-made functional models by
oracle/keras_files_oracle.py, which also recorded each layer's output shape per call
and count_params(). A model whose layer classes conv-calc has no spec for yet must be
refused cleanly (exit 2, the class, the layer and its place in the file named); once
the spec exists, the same test compares every row instead.
"""

from __future__ import annotations

import json

import pytest

from conv_calc.keras import LAYERS
from tests.cli_runner import run
from tests.interop.keras_golden import (
    GOLDEN,
    NAMES,
    expected_rows,
    golden,
    missing_class,
    row_type,
)

#: Models a stack file cannot express.
REFUSED: dict[str, str] = {}


def _stack_json(name: str, *extra: str):
    result = run("stack", str(GOLDEN / f"{name}.keras"), "--format", "json", *extra)
    return result, (json.loads(result.stdout) if result.code == 0 else None)


@pytest.mark.parametrize("name", NAMES)
def test_every_row_matches_keras(name: str) -> None:
    record = golden(name)
    result, report = _stack_json(name)
    missing = missing_class(record, LAYERS)
    if name in REFUSED:
        assert result.code == 2, result.stdout
        assert REFUSED[name] in result.stderr and "hint:" in result.stderr
        return
    if missing is not None:
        # Refused cleanly until conv_calc.keras has the class (the keras-layers work).
        assert result.code == 2, (name, missing)
        assert f"Keras layer class '{missing}' is not supported" in result.stderr, result.stderr
        assert "config.layers[" in result.stderr and "hint:" in result.stderr
        assert "Traceback" not in result.stderr
        return
    assert result.code == 0, result.stderr
    expected = expected_rows(record)
    rows = {row["name"]: row for row in report["layers"]}
    assert sorted(rows) == sorted(expected)
    for row_name, want in expected.items():
        row = rows[row_name]
        assert row["output_shape"] == want["output_shape"], row_name
        assert row["params"] == want["params"], row_name
        assert row["type"] == row_type(want, 2 if row["type"] in ("add", "cat", "mul") else 1), \
            row_name
    assert report["input_shape"] == record["inputs"][0]
    if len(record["outputs"]) > 1:
        assert list(report["outputs"].values()) == record["outputs"]
    else:
        assert report["output_shape"] == record["outputs"][0]
    assert report["total_params"] == record["params"]  # Keras's count_params()


def test_the_files_are_config_only() -> None:
    import zipfile

    for name in NAMES:
        with zipfile.ZipFile(GOLDEN / f"{name}.keras") as archive:
            assert sorted(archive.namelist()) == ["config.json", "metadata.json"], name


def test_applications_read_exactly_today() -> None:
    """The keras.applications models whose layers all have specs (the others are refused
    above, by class): a list that only grows."""
    exact = [n for n in NAMES if n[0].isupper() and missing_class(golden(n), LAYERS) is None]
    assert {"DenseNet121", "InceptionResNetV2", "InceptionV3", "MobileNet", "MobileNetV2",
            "ResNet50", "ResNet50V2", "VGG16", "Xception"} <= set(exact)


def test_model_json_text_gives_the_same_rows() -> None:
    from_json = run("import", "keras", str(GOLDEN / "sequential.model.json"))
    from_zip = run("import", "keras", str(GOLDEN / "sequential.keras"))
    assert from_json.code == from_zip.code == 0, from_json.stderr
    assert from_json.stdout.splitlines()[1:] == from_zip.stdout.splitlines()[1:]


def test_input_size_dependent_padding_is_said_where_it_matters() -> None:
    # MobileNetV2 saved at 224: block_1_pad got (0, 1) for its 112x112 input (checked
    # with Keras: keras.applications.MobileNetV2(input_shape=(225, 225, 3)) pads it
    # ((1, 1), (1, 1)); its 113x113 input is odd). At 225 only block_1_pad's input is odd.
    result, _ = _stack_json("MobileNetV2", "--input", "Nonex225x225x3")
    assert result.code == 0
    notes = [line for line in result.stderr.splitlines() if line.startswith("note: ")]
    assert len(notes) == 1 and notes[0].startswith("note: block_1_pad: ")
    assert "[112, 112]" in notes[0] and "[113, 113]" in notes[0]
    assert "[[1, 1], [1, 1]]" in notes[0]
    same, _ = _stack_json("MobileNetV2")
    assert "note:" not in same.stderr
    even, _ = _stack_json("MobileNetV2", "--input", "Nonex256x256x3")
    assert "note:" not in even.stderr


def test_imported_file_says_which_paddings_depend_on_the_size() -> None:
    result = run("import", "keras", str(GOLDEN / "MobileNetV2.keras"))
    assert result.code == 0
    header = [line for line in result.stdout.splitlines() if line.startswith("#")]
    assert any("block_1_pad, block_3_pad, block_6_pad, block_13_pad" in line for line in header)


def test_shared_layer_counts_its_parameters_once() -> None:
    # Keras 3.15: summary() shows shared_conv once with 84 parameters; count_params() is 84
    result, report = _stack_json("shared")
    assert [(r["name"], r["params"]) for r in report["layers"]] == \
        [("shared_conv", 84), ("shared_conv_1", 0), ("relu", 0)]
    assert report["total_params"] == golden("shared")["params"] == 84
    assert "note:" not in result.stderr
    text = run("import", "keras", str(GOLDEN / "shared.keras")).stdout
    assert "    name: shared_conv_1\n    shares: shared_conv\n" in text


def test_import_writes_a_file_that_stack_reads_the_same(tmp_path) -> None:
    out = tmp_path / "resnet50.yaml"
    result = run("import", "keras", str(GOLDEN / "ResNet50.keras"), "-o", str(out))
    assert result.code == 0 and result.stdout == ""
    text = out.read_text()
    assert text.startswith("# imported from ResNet50.keras") and "framework: keras" in text
    assert "input: [null, 224, 224, 3]" in text
    via_yaml = json.loads(run("stack", str(out), "--format", "json").stdout)
    _, via_keras = _stack_json("ResNet50")
    strip = lambda rows: [{k: v for k, v in r.items() if k != "source"} for r in rows]
    assert strip(via_yaml["layers"]) == strip(via_keras["layers"])
