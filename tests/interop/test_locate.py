"""`conv-calc stack` on a model file locates a failing row, and a problem of the document
its importer wrote, in the model file (the Keras layer, the ONNX node), never at a line of
YAML the user never saw (conv_calc/interop/locate.py)."""

from __future__ import annotations

import json
import re

import pytest

from tests.cli_runner import run
from tests.interop.keras_golden import GOLDEN
from tests.interop.test_keras_bad_files import _keras, _layer, _model, _tensor

_LINE = re.compile(r"\.(keras|onnx):\d+:\d+")


def test_a_failing_keras_row_names_its_layer() -> None:
    path = str(GOLDEN / "sequential.keras")
    result = run("stack", path, "-i", "None,1,1,3")
    assert result.code == 1
    assert f"error: layer 3 'p1' (MaxPooling2D) at {path} (Keras layer 'p1', " \
           "config.layers[4]) fails in forward" in result.stderr
    assert not _LINE.search(result.stderr)
    report = json.loads(run("stack", path, "-i", "None,1,1,3", "--format", "json").stdout)
    assert report["failed"]["source"] == {"file": path, "where": "Keras layer 'p1', config.layers[4]"}
    assert report["layers"][0]["source"] == {"file": path,
                                             "where": "Keras layer 'c1', config.layers[1]"}


def test_a_later_call_of_a_shared_layer_says_which_call() -> None:
    path = str(GOLDEN / "shared_levels.keras")
    report = json.loads(run("stack", path, "--format", "json").stdout)
    where = {row["name"]: row["source"]["where"] for row in report["layers"]}
    assert where["head"] == "Keras layer 'head', config.layers[5]"
    assert where["head_1"] == "Keras layer 'head' call 2, config.layers[5]"


def test_a_problem_in_the_written_document_names_the_keras_layer(tmp_path) -> None:
    # A string Keras keeps as it is, which the stack file reads as an expression.
    path = _keras(tmp_path, _model(_layer("Conv2D", "c", [_tensor("x")], filters=4,
                                          kernel_size="$x")))
    result = run("stack", path)
    assert result.code == 2
    assert result.stderr.startswith(f"{path} (Keras layer 'c', config.layers[1]): '$x' ")
    assert not _LINE.search(result.stderr)


def test_a_reader_error_is_not_put_at_line_1(tmp_path) -> None:
    path = _keras(tmp_path, _model(_layer("Conv2D", "c", [_tensor("x")], filters=4,
                                          kernel_size=3, foo=1)))
    result = run("stack", path)
    assert result.code == 2 and result.stderr.startswith(f"{path}: config.json: config.layers[1]")


def test_a_failing_onnx_row_names_its_node(tmp_path) -> None:
    onnx = pytest.importorskip("onnx")
    np = pytest.importorskip("numpy")
    from onnx import TensorProto, helper, numpy_helper

    weight = numpy_helper.from_array(np.zeros((4, 1, 3, 3), np.float32), "w")
    nodes = [helper.make_node("Relu", ["x"], ["r"], name="first_relu"),
             helper.make_node("Conv", ["r", "w"], ["y"], name="my_conv", kernel_shape=[3, 3])]
    graph = helper.make_graph(
        nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 1, 8, 8])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)], [weight])
    path = tmp_path / "tiny.onnx"
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), path)
    result = run("stack", str(path), "-i", "1,1,2,2")
    assert result.code == 1
    assert f"error: layer 1 'my_conv' (Conv2d) at {path} (ONNX node 'my_conv', Conv " \
           "graph.node[1]) fails in forward" in result.stderr
    assert not _LINE.search(result.stderr)
