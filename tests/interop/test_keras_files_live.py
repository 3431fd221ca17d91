"""Live: Keras 3 builds and saves the models now, conv-calc reads the files without Keras.

Skipped without keras (CI installs none); tests/interop/test_keras_files.py replays the
committed files. Slow: building keras.applications models takes seconds each.
"""

from __future__ import annotations

import os

import pytest

from conv_calc.interop.keras_file import read_keras_file
from conv_calc.keras import LAYERS
from conv_calc.stackfile.load import load_stack
from conv_calc.stackfile.yaml_writer import dump_stack
from tests.interop.keras_golden import expected_rows, missing_class, row_type

pytestmark = pytest.mark.slow

os.environ.setdefault("KERAS_BACKEND", "torch")
keras = pytest.importorskip("keras")
oracle = pytest.importorskip("oracle.keras_files_oracle")


def _compare(model, tmp_path) -> None:
    path = tmp_path / f"{model.name}.keras"
    model.save(path)  # with the weights: the reader must skip them
    record = oracle.record(model)
    if missing_class(record, LAYERS) is not None:
        with pytest.raises(ValueError, match="is not supported"):
            read_keras_file(str(path))
        return
    document, header = read_keras_file(str(path))
    report = load_stack(dump_stack(document, header).encode(), filename=str(path)).analyze()
    assert report.error is None
    expected = expected_rows(record)
    rows = {row.name: row for row in report.layers}
    assert sorted(rows) == sorted(expected)
    assert report.total_params == record["params"]  # count_params(): a shared layer once
    for name, want in expected.items():
        row = rows[name]
        assert list(row.output_shape) == want["output_shape"], name
        assert row.params == want["params"], name
        assert row.type == row_type(want, 2 if row.type in ("add", "cat", "mul") else 1), name


@pytest.mark.parametrize("name", ["MobileNetV2", "ResNet50V2", "DenseNet121", "Xception", "InceptionV3"])
def test_application_at_another_size(name, tmp_path) -> None:
    keras.backend.clear_session()
    model = getattr(keras.applications, name)(weights=None, include_top=False,
                                              input_shape=(193, 161, 3))
    _compare(model, tmp_path)


def test_hand_made_models(tmp_path) -> None:
    for model in oracle._hand_made(keras).values():
        _compare(model, tmp_path)


@pytest.mark.parametrize("size", [193, 225, 256, 97])
def test_notes_name_exactly_the_paddings_keras_would_choose_otherwise(size, tmp_path) -> None:
    """MobileNetV2 saved at 224, analysed at another size: a note exactly when
    keras.applications would build the model with other paddings at that size, the first one
    at the first such layer (later ones follow from the sizes the file's paddings give, which
    differ from the rebuilt model's after the first)."""
    from conv_calc.interop.keras_file import size_notes

    keras.backend.clear_session()
    saved = keras.applications.MobileNetV2(weights=None)
    path = tmp_path / "m.keras"
    saved.save(path)
    keras.backend.clear_session()
    built = keras.applications.MobileNetV2(weights=None, include_top=False,
                                           input_shape=(size, size, 3))
    pads = {layer.name: layer.padding for layer in saved.layers
            if type(layer).__name__ == "ZeroPadding2D"}
    differ = [layer.name for layer in built.layers
              if layer.name in pads and layer.padding != pads[layer.name]]
    document, header = read_keras_file(str(path))
    report = load_stack(dump_stack(document, header).encode(), filename=str(path)).analyze(
        input_shape=(None, size, size, 3))
    noted = [note.split(":")[0] for note in size_notes(str(path), report)]
    assert noted[:1] == differ[:1]
    assert (size % 2 == 1) == bool(differ)
