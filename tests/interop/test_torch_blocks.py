"""The importer's arrangement of rows into nested blocks, without torch: rows as the
translator gives them (tensor ids, module paths), the items written, and the names the
walker gives when the written file is read back."""

from __future__ import annotations

import pytest

import conv_calc
from conv_calc.interop.torch_blocks import arrange
from conv_calc.interop.torch_graph import Entry
from conv_calc.stackfile.yaml_writer import dump_stack


def conv(row, reads, out, cin, cout):
    group, _, local = row.rpartition(".")
    body = {"Conv2d": {"in_channels": cin, "out_channels": cout, "kernel_size": 3, "padding": 1},
            "name": row}
    return Entry(body, reads, [], out, row, params=cin * cout * 9 + cout, module=True,
                 group=group, local=local)


def add(scope, a, b, out):
    return Entry({"add": [a, b], "name": out}, None, [a, b], out, out, group=scope, local="add")


def residual_net():
    """stem, then two residual blocks blocks.0 and blocks.1 (conv + identity)."""
    return [
        conv("stem", "input", "stem", 3, 4),
        conv("blocks.0.conv", "stem", "blocks_0_conv", 4, 4),
        add("blocks.0", "blocks_0_conv", "stem", "add"),
        conv("blocks.1.conv", "add", "blocks_1_conv", 4, 4),
        add("blocks.1", "blocks_1_conv", "add", "add_1"),
    ]


def document(layers, blocks, outputs):
    doc = {"input": [1, 3, 8, 8]}
    if blocks:
        doc["blocks"] = blocks
    doc["layers"] = layers
    if outputs:
        doc["outputs"] = outputs
    return doc


def test_identical_sibling_blocks_become_one_definition():
    layers, blocks, outputs, names = arrange(residual_net(), ["add_1"], False, lambda p: "Res")
    assert names == ["stem", "blocks.0.conv", "blocks.0.add", "blocks.1.conv", "blocks.1.add"]
    assert blocks == {"Res": {"sequential": [
        {"save": "in2"},
        {"Conv2d": {"in_channels": 4, "out_channels": 4, "kernel_size": 3, "padding": 1},
         "name": "conv", "save": "conv"},
        {"add": ["conv", "in2"], "name": "add"}]}}
    assert layers[1] == {"sequential": [{"Res": None, "name": "0"}, {"Res": None, "name": "1"}],
                         "name": "blocks"}
    assert outputs == []
    report = conv_calc.load_stack(dump_stack(document(layers, blocks, outputs), [])).analyze()
    assert [r.name for r in report.layers] == names
    assert report.error is None


def test_flat_keeps_every_full_name_and_fx_tensor_ids():
    layers, blocks, outputs, names = arrange(residual_net(), ["add_1"], True, lambda p: "Res")
    assert blocks == {}
    assert [item["name"] for item in layers] == ["stem", "blocks.0.conv", "add",
                                                 "blocks.1.conv", "add_1"]
    assert layers[2] == {"add": ["blocks_0_conv", "stem"], "name": "add", "save": "add"}
    report = conv_calc.load_stack(dump_stack(document(layers, blocks, outputs), [])).analyze()
    assert [r.name for r in report.layers] == names == ["stem", "blocks.0.conv", "add",
                                                        "blocks.1.conv", "add_1"]


@pytest.mark.parametrize("flat", [False, True])
def test_a_tensor_read_later_is_saved_and_named_in_outputs(flat):
    rows = residual_net()
    layers, blocks, outputs, names = arrange(rows, ["stem", "add_1"], flat, lambda p: "Res")
    assert outputs == ["stem", "add_1"] if flat else outputs == ["stem", "blocks_1_add"]
    report = conv_calc.load_stack(dump_stack(document(layers, blocks, outputs), [])).analyze()
    assert list(report.outputs.values()) == [(1, 4, 8, 8), (1, 4, 8, 8)]


def test_blocks_that_differ_stay_inline():
    rows = residual_net()
    rows[3] = conv("blocks.1.conv", "add", "blocks_1_conv", 4, 4)
    rows[3].body["Conv2d"]["padding"] = 1
    rows[3].body["Conv2d"]["dilation"] = 1  # written differently: no shared definition
    layers, blocks, _, _ = arrange(rows, ["add_1"], False, lambda p: "Res")
    assert blocks == {}
    assert [i["name"] for i in layers[1]["sequential"]] == ["0", "1"]
