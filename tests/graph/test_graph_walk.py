"""The one walk (conv_calc.graph.walk): the analysis, solve and lint name and order alike."""

from __future__ import annotations

from conv_calc import nn
from conv_calc.graph.nodes import LayerNode, Merge, Parallel, Residual, Save, Sequential
from conv_calc.graph.stack import Stack
from conv_calc.graph.walk import Walker
from conv_calc.lint.walk import walk
from conv_calc.solve.compile import compile_axis

#: Unnamed blocks holding named layers, a named shortcut layer, two unnamed cats, repeats.
TREE = [
    LayerNode(type="Conv1d", kwargs={"out_channels": 4, "kernel_size": 3, "padding": 1},
              name="stem"),
    Save("s"),
    Sequential((LayerNode(type="ReLU", name="act"), LayerNode(type="BatchNorm1d"))),
    Residual(body=(LayerNode(type="Conv1d", kwargs={"out_channels": 4, "kernel_size": 1}),),
             shortcut=(LayerNode(type="Conv1d", kwargs={"out_channels": 4, "kernel_size": 1},
                                 name="downsample"), nn.ReLU())),
    Merge("s", op="cat"),
    Parallel(((nn.ReLU(),), (LayerNode(type="ReLU", name="act"),)), merge="add"),
    Merge("s", op="cat", crop="center"),
    nn.MaxPool1d(2),
]


class _Names(Walker):
    def __init__(self):
        super().__init__()
        self.seen = []

    def layer(self, node, x, name):
        self.seen.append(name)
        return x

    def combine(self, op, xs, dim, name, node):
        self.seen.append(name)
        return xs[0]


def test_the_walk_names_the_rows_of_the_analysis():
    report = Stack(TREE).analyze((1, 2, 16))
    assert report.error is None
    rows = [r.name for r in report.layers]
    assert rows == ["stem", "act", "1.1", "2.0", "downsample", "2.shortcut.1", "add", "cat",
                    "3.0.0", "3.1.act", "add_1", "cat_1", "4"]
    walker = _Names()
    walker.run(TREE, None)
    assert walker.seen == rows


def test_solve_names_its_layers_and_merges_as_the_analysis_rows():
    rows = [r.name for r in Stack(TREE).analyze((1, 2, 16)).layers]
    ops = compile_axis(Stack(TREE, input_shape=(1, 2, 16)), -1)
    assert [op.name.split(" (")[0] for op in ops if op.name] == rows


def test_lint_reads_a_branch_from_the_block_input():
    """A save at the start of a second branch keeps the block's input, not branch 0's output."""
    nodes = [nn.Conv1d(2, 2, 3, padding=1),
             Parallel(((nn.ReLU(),), (Save("x"), nn.ReLU(), Merge("x", op="add"))), merge="add")]
    report = Stack(nodes).analyze((1, 2, 8))
    _, merges = walk(nodes, report)
    assert [(m.operands, m.row, m.saved) for m in merges] == [((0, 2), 3, "x"), ((1, 3), 4, None)]
