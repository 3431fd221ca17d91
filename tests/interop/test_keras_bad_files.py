"""Bad .keras and model-JSON files: a clear message naming what and where, exit 2, no traceback."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from conv_calc.interop import keras_file
from tests.cli_runner import run


def _tensor(name: str, node: int = 0) -> dict:
    return {"class_name": "__keras_tensor__",
            "config": {"shape": [None, 8, 8, 3], "dtype": "float32",
                       "keras_history": [name, node, 0]}}


def _layer(cls: str, name: str, reads: list, **config) -> dict:
    return {"module": "keras.layers", "class_name": cls, "name": name,
            "config": {"name": name, **config},
            "inbound_nodes": [{"args": [reads[0] if len(reads) == 1 else reads], "kwargs": {}}]}


def _model(*layers: dict, outputs: str = "") -> dict:
    inp = {"class_name": "InputLayer", "name": "x", "inbound_nodes": [],
           "config": {"batch_shape": [None, 8, 8, 3], "name": "x"}}
    last = outputs or (layers[-1]["name"] if layers else "x")
    return {"class_name": "Functional", "config": {
        "name": "m", "layers": [inp, *layers], "input_layers": ["x", 0, 0],
        "output_layers": [last, 0, 0]}}


def _keras(tmp_path, config: dict | str, name: str = "m.keras") -> str:
    path = tmp_path / name
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("metadata.json", '{"keras_version": "3.15.1"}')
        archive.writestr("config.json", config if isinstance(config, str) else json.dumps(config))
    return str(path)


def _refused(path: str, *needles: str) -> str:
    for command in (("stack", path), ("import", "keras", path)):
        result = run(*command)
        assert result.code == 2, (command, result.stdout)
        assert "Traceback" not in result.stderr
        assert "hint:" in result.stderr, result.stderr
        for needle in needles:
            assert needle in result.stderr, (needle, result.stderr)
    return result.stderr


def test_not_a_zip(tmp_path) -> None:
    path = tmp_path / "m.keras"
    path.write_text("layers: []\n")
    _refused(str(path), "not a zip, so not a .keras file")


def test_truncated_zip(tmp_path) -> None:
    good = _keras(tmp_path, _model(_layer("ReLU", "r", [_tensor("x")])))
    data = Path(good).read_bytes()
    bad = tmp_path / "cut.keras"
    bad.write_bytes(data[: len(data) // 2])
    _refused(str(bad), "not a readable zip")


def test_zip_without_config(tmp_path) -> None:
    path = tmp_path / "m.keras"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("model.weights.h5", b"\0" * 10)
    _refused(str(path), "the zip holds no config.json (it holds model.weights.h5)")


def test_huge_config(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(keras_file, "MAX_CONFIG_BYTES", 100)
    path = _keras(tmp_path, _model(*[_layer("ReLU", f"r{i}", [_tensor("x")]) for i in range(3)]))
    _refused(path, "config.json is", "over the 100 bytes conv-calc reads")


def test_malformed_json(tmp_path) -> None:
    _refused(_keras(tmp_path, '{"class_name": "Functional", "config": {'),
             "config.json: not valid JSON (line 1, column 41")
    _refused(_keras(tmp_path, "[" * 100_000, "deep.keras"), "nested too deeply")
    path = tmp_path / "model.json"
    path.write_text("{'single': 'quotes'}")
    result = run("import", "keras", str(path))
    assert result.code == 2 and "model JSON: not valid JSON" in result.stderr


def test_not_a_model(tmp_path) -> None:
    _refused(_keras(tmp_path, {"class_name": "Conv2D", "config": {"filters": 3}}),
             "the top-level class is 'Conv2D', not a model")
    _refused(_keras(tmp_path, [1, 2], "list.keras"), "not a Keras model configuration")
    bad_layers = {"class_name": "Functional", "config": {"layers": {"a": 1}}}
    _refused(_keras(tmp_path, bad_layers, "layers.keras"), "config.layers must be a list")


def test_unknown_class_names_class_layer_and_place(tmp_path) -> None:
    custom = _layer("MyBlock", "my_block", [_tensor("r")])
    custom["module"], custom["registered_name"] = "my_package", "Custom>MyBlock"
    config = _model(_layer("ReLU", "r", [_tensor("x")]), custom)
    _refused(_keras(tmp_path, config), "config.json: config.layers[2]: layer 'my_block': "
             "Keras layer class 'MyBlock' is not supported")


def test_dangling_inbound_node(tmp_path) -> None:
    config = _model(_layer("ReLU", "r", [_tensor("ghost")]))
    _refused(_keras(tmp_path, config),
             "config.layers[1]: layer 'r' reads the output of 'ghost' (node 0, tensor 0), "
             "which no layer gives")


def test_cyclic_inbound_nodes(tmp_path) -> None:
    config = _model(_layer("ReLU", "a", [_tensor("b")]), _layer("ReLU", "b", [_tensor("a")]))
    _refused(_keras(tmp_path, config), "layer 'a' is in a cycle of inbound nodes")


def test_bad_tensor_reference_and_outputs(tmp_path) -> None:
    config = _model(_layer("ReLU", "r", [{"class_name": "__keras_tensor__",
                                          "config": {"keras_history": ["x", "0"]}}]))
    _refused(_keras(tmp_path, config), "a tensor reference must be [layer name, node index, "
             "tensor index], got ['x', '0']")
    config = _model(_layer("ReLU", "r", [_tensor("x")]), outputs="nowhere")
    _refused(_keras(tmp_path, config, "out.keras"), "name the layer 'nowhere', which is not in "
             "config.layers")


def test_missing_file() -> None:
    result = run("import", "keras", "/nonexistent/m.keras")
    assert result.code == 2 and "cannot read it" in result.stderr


@pytest.mark.parametrize("reads", [[], ["x"]])
def test_a_merge_needs_two_tensors(tmp_path, reads) -> None:
    merge = _layer("Add", "sum", [_tensor(n) for n in reads] or [3.0])
    _refused(_keras(tmp_path, _model(merge)),
             "a call that reads no tensor" if not reads else "Add on one tensor (Keras gives it back unchanged)")


def test_a_sum_of_three_tensors_is_read_and_a_difference_of_three_refused(tmp_path) -> None:
    merge = _layer("Add", "sum", [_tensor("x"), _tensor("x"), _tensor("x")])
    result = run("import", "keras", str(_keras(tmp_path, _model(merge))))
    assert result.code == 0, result.stderr
    assert "  - add: [input, input, input]\n    name: sum\n" in result.stdout
    merge = _layer("Subtract", "diff", [_tensor("x"), _tensor("x"), _tensor("x")])
    _refused(_keras(tmp_path, _model(merge)), "layer 'diff': Subtract of 3 tensors; Keras's "
             "Subtract takes exactly two")


def test_a_class_keras_has_but_conv_calc_reads_no_merge_of(tmp_path) -> None:
    # Average is a Keras layer conv-calc knows, but a stack file has no average merge.
    merge = _layer("Average", "mean", [_tensor("x"), _tensor("x")])
    _refused(_keras(tmp_path, _model(merge)), "layer 'mean': Average is called on 2 tensors")


def test_several_inputs_become_inputs() -> None:
    from tests.interop.keras_golden import GOLDEN

    result = run("import", "keras", str(GOLDEN / "two_inputs.keras"))
    assert result.code == 0
    assert "input: [null, 28, 28, 1]\ninputs: {right: [null, 28, 28, 1]}\n" in result.stdout
    assert "    from: right\n" in result.stdout


def test_another_input_without_a_size_is_refused(tmp_path) -> None:
    config = _model(_layer("Add", "sum", [_tensor("x"), _tensor("y")]))
    config["config"]["layers"].insert(1, {"class_name": "InputLayer", "name": "y",
                                          "inbound_nodes": [],
                                          "config": {"batch_shape": [None, None, 8, 3]}})
    config["config"]["input_layers"] = [["x", 0, 0], ["y", 0, 0]]
    _refused(_keras(tmp_path, config), "the model's input 'y' has the shape [None, None, 8, 3]")


def test_a_sequential_without_input_shape_needs_input(tmp_path) -> None:
    config = {"class_name": "Sequential", "config": {"name": "s", "layers": [
        {"class_name": "Conv2D", "config": {"name": "c", "filters": 4, "kernel_size": 3}}]}}
    path = _keras(tmp_path, config)
    result = run("import", "keras", path)
    assert result.code == 0 and "the model takes inputs of shape None: give --input" in result.stdout
    assert "input:" not in result.stdout.split("layers:")[0].replace("# ", "#")
    result = run("stack", path)
    assert result.code == 2 and "no input shape" in result.stderr
    result = run("stack", path, "--input", "Nonex9x9x3")
    assert result.code == 0 and "[None, 7, 7, 4]" in result.stdout


def test_keras2_inbound_nodes_are_read(tmp_path) -> None:
    """tf.keras 2's to_json(): inbound nodes as [[layer, node, tensor, kwargs], ...] lists and
    the input shape as batch_input_shape (written by hand after tf.keras 2.15's layout)."""
    config = {"class_name": "Functional", "config": {
        "name": "k2", "input_layers": [["x", 0, 0]], "output_layers": [["sum", 0, 0]],
        "layers": [
            {"class_name": "InputLayer", "name": "x", "inbound_nodes": [],
             "config": {"batch_input_shape": [None, 8, 8, 3], "dtype": "float32", "name": "x"}},
            {"class_name": "Conv2D", "name": "c", "inbound_nodes": [[["x", 0, 0, {}]]],
             "config": {"name": "c", "dtype": "float32", "filters": 3, "kernel_size": [3, 3],
                        "padding": "same"}},
            {"class_name": "Add", "name": "sum", "inbound_nodes": [[["x", 0, 0, {}],
                                                                     ["c", 0, 0, {}]]],
             "config": {"name": "sum", "dtype": "float32"}}]}}
    path = tmp_path / "k2.json"
    path.write_text(json.dumps(config))
    result = run("import", "keras", str(path))
    assert result.code == 0, result.stderr
    assert "  - add: [input, c]\n    name: sum\n" in result.stdout
    report = json.loads(run("stack", "-", "--format", "json", input=result.stdout).stdout)
    assert [(r["name"], r["output_shape"], r["params"]) for r in report["layers"]] == \
        [("c", [None, 8, 8, 3], 84), ("sum", [None, 8, 8, 3], 0)]


def test_inputs_and_outputs_given_as_dicts(tmp_path) -> None:
    # keras.Model({"a": x, "b": y}, {"out": s, ...}) writes input_layers as a dict (Keras 3.15)
    config = _model(_layer("ReLU", "r", [_tensor("x")]))
    config["config"]["input_layers"] = {"image": ["x", 0, 0]}
    config["config"]["output_layers"] = {"out": ["r", 0, 0]}
    result = run("stack", _keras(tmp_path, config))
    assert result.code == 0, result.stderr


def test_tensors_passed_by_keyword_are_refused(tmp_path) -> None:
    # MultiHeadAttention(...)(q, value=v) writes v under the node's kwargs (Keras 3.15)
    layer = _layer("Dense", "mha", [_tensor("x")], units=4)
    layer["inbound_nodes"][0]["kwargs"] = {"value": _tensor("x"), "mask": None}
    _refused(_keras(tmp_path, _model(layer)),
             "the call reads tensors through its keyword arguments (value)")


def test_a_shared_layer_next_to_a_layer_named_like_its_second_call(tmp_path) -> None:
    # Keras names layers conv2d, conv2d_1, ...: a shared conv2d's second call is not conv2d_1
    first = _layer("Conv2D", "conv2d", [_tensor("x")], filters=3, kernel_size=1)
    first["inbound_nodes"].append({"args": [_tensor("conv2d")], "kwargs": {}})
    other = _layer("Conv2D", "conv2d_1", [_tensor("conv2d", 1)], filters=3, kernel_size=1)
    config = _model(first, other)
    report = json.loads(run("stack", _keras(tmp_path, config), "--format", "json").stdout)
    assert [r["name"] for r in report["layers"]] == ["conv2d", "conv2d_call1", "conv2d_1"]


@pytest.mark.parametrize("cls, args, scaling", [
    # what Keras 3.15 records for ops.add(x, 3.0), 3.0 - x, x / 6, 2.0 * x, x - 1 (module
    # keras.src.ops.numpy): the Rescaling giving the same values
    ("Add", ["T", 3.0], {"scale": 1.0, "offset": 3.0}),
    ("Subtract", [3.0, "T"], {"scale": -1.0, "offset": 3.0}),
    ("Subtract", ["T", 1], {"scale": 1.0, "offset": -1.0}),
    ("TrueDivide", ["T", 6], {"scale": 1.0 / 6, "offset": 0.0}),
    ("Multiply", [2.0, "T"], {"scale": 2.0, "offset": 0.0}),
    ("Divide", [2.0, "T"], None),
    ("Divide", ["T", 0], None),
])
def test_keras_ops_with_a_number(cls, args, scaling, monkeypatch) -> None:
    from conv_calc.errors import InputError
    from conv_calc.interop import keras_graph
    from conv_calc.interop.keras_config import Call

    # Rescaling's spec comes with the keras-layers work; the mapping is this module's.
    monkeypatch.setitem(keras_graph.LAYERS, "Rescaling", object)
    numbers = [a for a in args if a != "T"]
    call = Call("op", cls, {"name": "op"}, "config.json: config.layers[1]",
                inputs=[("", "x", 0, 0)], numbers=numbers, number_first=args[0] != "T",
                module="keras.src.ops.numpy")
    if scaling is None:
        with pytest.raises(InputError, match=f"Keras layer class '{cls}' is not supported"):
            keras_graph._item(call)
        return
    assert keras_graph._item(call) == {"Rescaling": scaling, "name": "op"}


def test_keras_ops_with_a_number_need_rescaling(tmp_path) -> None:
    op = _layer("Add", "add", [_tensor("x")])
    op["module"] = "keras.src.ops.numpy"
    op["inbound_nodes"][0]["args"] = [_tensor("x"), 3.0]
    from conv_calc.keras import LAYERS

    if "Rescaling" in LAYERS:
        assert run("stack", _keras(tmp_path, _model(op))).code == 0
    else:
        _refused(_keras(tmp_path, _model(op)), "written as Rescaling, which this conv-calc lacks")


def test_config_keys_the_spec_does_not_take(tmp_path) -> None:
    off = _layer("Conv2D", "c", [_tensor("x")], filters=3, kernel_size=1, lora_rank=None)
    assert run("stack", _keras(tmp_path, _model(off))).code == 0
    on = _layer("Conv2D", "c", [_tensor("x")], filters=3, kernel_size=1, lora_rank=4)
    _refused(_keras(tmp_path, _model(on), "on.keras"), "config.layers[1]: layer 'c': Conv2D's "
             "config has lora_rank=4, which conv-calc's Conv2D does not take")
