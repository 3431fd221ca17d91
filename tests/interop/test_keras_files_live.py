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
    for name, want in expected.items():
        row = rows[name]
        assert list(row.output_shape) == want["output_shape"], name
        assert row.params == want["params"], name
        assert row.type == row_type(want, 2 if row.type in ("add", "cat", "mul") else 1), name


@pytest.mark.parametrize("name", ["MobileNetV2", "ResNet50V2", "DenseNet121"])
def test_application_at_another_size(name, tmp_path) -> None:
    keras.backend.clear_session()
    model = getattr(keras.applications, name)(weights=None, include_top=False,
                                              input_shape=(193, 161, 3))
    _compare(model, tmp_path)


def test_hand_made_models(tmp_path) -> None:
    for model in oracle._hand_made(keras).values():
        _compare(model, tmp_path)
