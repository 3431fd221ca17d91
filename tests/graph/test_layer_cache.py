"""Identical layers on identical inputs are built and checked once per analysis."""

from __future__ import annotations

from conv_calc.graph import framework as frameworks
from conv_calc.graph.nodes import LayerNode
from conv_calc.graph.stack import Stack


def _counting(monkeypatch):
    calls = []
    torch = frameworks.get("torch")
    build = type(torch).build

    def counted(self, node, shape):
        calls.append((node.type, shape))
        return build(self, node, shape)

    monkeypatch.setattr(type(torch), "build", counted)
    return calls


def test_repeated_layers_built_once(monkeypatch):
    calls = _counting(monkeypatch)
    nodes = [LayerNode(type="Conv2d", kwargs={"out_channels": 8, "kernel_size": 3, "padding": 1}),
             LayerNode(type="ReLU")] * 50
    report = Stack(nodes, input_shape=(1, 8, 16, 16)).analyze()
    assert len(report.layers) == 100
    assert sorted(set(calls)) == [("Conv2d", (1, 8, 16, 16)), ("ReLU", (1, 8, 16, 16))]
    assert len(calls) == 2
    # every row still has its own receptive field: the recurrence runs per row
    sizes = [row.receptive_field.size[0] for row in report.layers[::2]]
    assert sizes == list(range(3, 103, 2))
    assert {row.params for row in report.layers[::2]} == {8 * 8 * 9 + 8}


def test_another_input_or_value_type_is_built_again(monkeypatch):
    calls = _counting(monkeypatch)
    nodes = [LayerNode(type="Conv2d", kwargs={"out_channels": 8, "kernel_size": 3, "stride": 2}),
             LayerNode(type="Conv2d", kwargs={"out_channels": 8, "kernel_size": 3, "stride": 2}),
             LayerNode(type="MaxPool2d", kwargs={"kernel_size": 2, "ceil_mode": True}),
             LayerNode(type="MaxPool2d", kwargs={"kernel_size": 2, "ceil_mode": 1})]
    Stack(nodes, input_shape=(1, 8, 32, 32)).analyze()
    assert len(calls) == 4  # new shapes, and True is not 1 to torch's argument checks


def test_a_failure_after_cached_rows_is_reported_where_it_happens():
    relu = LayerNode(type="ReLU")
    pool = LayerNode(type="MaxPool2d", kwargs={"kernel_size": 2})
    report = Stack([relu, pool, relu, pool, relu, pool], input_shape=(1, 1, 4, 4)).analyze()
    assert report.error is not None
    assert report.failed.index == 5
    assert [row.output_shape for row in report.layers] == [
        (1, 1, 4, 4), (1, 1, 2, 2), (1, 1, 2, 2), (1, 1, 1, 1), (1, 1, 1, 1)]
