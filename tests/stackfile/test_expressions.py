"""Stack-file expressions and numbered repeats (docs/stack-format.md "Expressions", "Repeats").

Tables of expressions -> values and -> problems (message, hint, column); the same through
stack files (file:line:column); the incoming shape ($in_channels) in blocks, parallel branches
and repeats; every example written in the hints and in docs/stack-format.md evaluated.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from conv_calc.graph import expr
from conv_calc.graph.expr import DeferredError, ExprError, evaluate
from conv_calc.stackfile.load import StackFileError, load_stack

DOC = Path(__file__).parent.parent.parent / "docs" / "stack-format.md"
SHAPE = {"in_channels": 256, "in_shape": (1, 256, 28, 14)}

VALUES = [
    ("$a * $b", {"a": 3, "b": 5}, 15),
    ("($c + 1) // 2", {"c": 7}, 4),
    ("2 * $k", {"k": 3}, 6),
    ("$k + $d", {"k": 3, "d": 2}, 5),
    ("$width * 4", {"width": 64}, 256),
    ("-$k", {"k": 3}, -3),
    ("+$k", {"k": 3}, 3),
    ("-$k // 2", {"k": 3}, -2),          # floors, as Python
    ("$k // -2", {"k": 3}, -2),
    ("$k % 2", {"k": 3}, 1),
    ("$a % 3", {"a": -1}, 2),
    ("7 % -3", {}, -2),
    ("$a - -$b", {"a": 1, "b": 2}, 3),
    ("( $a + 1 ) * ($b - 1)", {"a": 1, "b": 4}, 6),
    ("$a*$b+$c", {"a": 2, "b": 3, "c": 4}, 10),
    ("$pad", {"pad": (1, 2)}, (1, 2)),    # a name alone keeps its value
    ("$mode", {"mode": "same"}, "same"),
    ("$in_channels // 2", {}, 128),
    ("$in_shape[2]", {}, 28),
    ("$in_shape[-1] * 2", {}, 28),
    ("$in_shape[$i]", {"i": 3}, 14),
    ("$c + $i * 32", {"c": 64, "i": 2}, 128),
    ("$a * $a", {"a": 10 ** 49}, 10 ** 98),
]


@pytest.mark.parametrize("text, env, value", VALUES, ids=[v[0] for v in VALUES])
def test_values(text, env, value):
    assert evaluate(text, env, SHAPE) == value


PROBLEMS = [  # text, env, message, hint (a part of it), offset of the culprit
    ("$a * $wdth", {"a": 2, "width": 3}, "unknown name '$wdth' in '$a * $wdth'",
     "did you mean '$width'?", 5),
    ("$wdth", {"width": 3}, "unknown name '$wdth'", "'$width'", 0),
    ("$q", {}, "unknown name '$q'", "$in_channels", 0),
    ("$a // 0", {"a": 2}, "division by zero in '$a // 0'", "is 0", 6),
    ("$a % ($b - 2)", {"a": 2, "b": 2}, "modulo by zero in '$a % ($b - 2)'", "is 0", 6),
    ("$a // ($in_channels - 256)", {"a": 2}, "division by zero", "is 0", 7),
    ("$a / 2", {"a": 2}, "'/' (true division) is not supported in '$a / 2'", "//", 0),
    ("$a ** 2", {"a": 2}, "'**' is not supported", "+ - *", 0),
    ("a * 2", {"a": 2}, "'a' needs a '$' in 'a * 2'", "write $a", 0),
    ("$a * b", {"a": 2, "b": 2}, "'b' needs a '$' in '$a * b'", "write $b", 5),
    ("$a * 2.5", {"a": 2}, "2.5 is not an integer in '$a * 2.5'", "integers", 5),
    ("$s * 2", {"s": "same"}, "$s is 'same', not an integer in '$s * 2'", "integers", 0),
    ("$p + 1", {"p": (1, 2)}, "$p is [1, 2], not an integer", "integers", 0),
    ("$f + 1", {"f": True}, "$f is true, not an integer", "integers", 0),
    ("$in_shape[7]", {}, "index 7 is out of range for $in_shape = [1, 256, 28, 14]",
     "-4 to 3", 10),
    ("$a[0]", {"a": 3}, "$a is 3, not a list", "$in_shape", 0),
    ("$a *", {"a": 2}, "cannot read expression '$a *'", "($c + 1) // 2", None),
    ("$ a", {"a": 2}, "'$' must be followed by a name in '$ a'", "$width * 4", 0),
    ("2 * $", {}, "'$' must be followed by a name", "", 4),
    ("$a(1)", {"a": 2}, "this is not supported in '$a(1)'", "$in_channels // 2", 0),
    ("$a if $b else 1", {"a": 1, "b": 1}, "this is not supported", "", 0),
    ("$a + 'x'", {"a": 1}, "'x' is not an integer", "", 5),
    ("$a * $a", {"a": 10 ** 60}, "a number of more than 100 digits in '$a * $a'", "", 0),
    ("1" * 101 + " + $a", {"a": 1}, "a number of more than 100 digits", "", 0),
    ("$a + " + "1 + " * 60 + "1", {"a": 1}, "is longer than 200 characters", "short", None),
]


@pytest.mark.parametrize("text, env, message, hint, offset", PROBLEMS,
                         ids=[p[0][:30] for p in PROBLEMS])
def test_problems(text, env, message, hint, offset):
    with pytest.raises(ExprError) as caught:
        evaluate(text, env, SHAPE)
    assert message in caught.value.message
    assert hint in caught.value.hint
    if offset is not None:
        assert caught.value.offset == offset


def test_never_evaluated_by_python():
    with pytest.raises(ExprError):
        evaluate("$a.__class__", {"a": 1})
    with pytest.raises(ExprError):
        evaluate("__import__('os')", {})


def _generic_env(text: str) -> dict:
    names = {n.id for n in ast.walk(expr.parse(text)) if isinstance(n, ast.Name)}
    return {n: 6 for n in names if n not in expr.SHAPE_NAMES}


def _doc_expressions() -> list[str]:
    # prose and YAML examples; the grammar's block is no example
    kept, fence = [], None
    for line in DOC.read_text().splitlines():
        if line.startswith("```"):
            fence = None if fence is not None else line[3:]
            continue
        if fence != "":
            kept.append(line)
    doc = "\n".join(kept)
    found = [span for span in re.findall(r"`([^`\n]+)`", doc) if "$" in span]
    # values in the YAML examples: `key: <value>` up to a comma, brace or comment
    found += re.findall(r":\s*([^,{}\[\]\n#`]*\$[^,{}\[\]\n#`]*)", doc)
    out = []
    for span in found:
        if span.startswith("$schema"):
            continue
        span = span.rsplit(": ", 1)[-1].strip().rstrip("}").strip().strip("'")  # `key: value`
        if span.startswith("[") and span.endswith("]"):
            out.extend(s.strip().strip("'") for s in span[1:-1].split(","))  # YAML's quotes
        elif span:
            out.append(span)
    return sorted(set(out))


def test_docs_show_expressions():
    found = _doc_expressions()
    assert {"$width * 4", "($c + 1) // 2", "$in_channels // 2", "16 + $i * 8",
            "$in_shape[-1]", "$a * $b", "-$k // 2"} <= set(found), found


@pytest.mark.parametrize("text", [*expr.EXAMPLES, *_doc_expressions()])
def test_every_written_example_is_valid(text):
    """The hints' examples and every expression in docs/stack-format.md evaluate."""
    if text in ("$", "$name", "$names"):
        return  # the placeholder of the prose, not an expression
    value = evaluate(text, _generic_env(text), SHAPE)
    assert isinstance(value, int) or text == "$in_shape"  # a name alone keeps its value


def test_hint_lists_the_examples():
    assert all(e in expr.HINT for e in expr.EXAMPLES)


# ---------------------------------------------------------------- through stack files

def _problems(text: str) -> list[tuple[str, int, int, str]]:
    with pytest.raises(StackFileError) as caught:
        load_stack(text, filename="net.yaml")
    return [(p.message, p.source.line, p.source.column, p.hint) for p in caught.value.problems]


BLOCK = ("input: [1, 8, 16, 16]\nblocks:\n  B:\n    params: {a: 2, width: 3}\n    sequential:\n"
         "      - Conv2d: {out_channels: VALUE, kernel_size: 1}\nlayers:\n  - B\n")
#                                  ^ column 32 on line 6

FILE_PROBLEMS = [
    ("$a * $wdth", "unknown name '$wdth' in '$a * $wdth'", 37, "did you mean '$width'?"),
    ("$a // 0", "division by zero in '$a // 0'", 38, "is 0"),
    ("($a + 1) % ($width - 3)", "modulo by zero in '($a + 1) % ($width - 3)' (in block 'B' "
     "used at line 8)", 44, "is 0"),
    ("$a / 2", "'/' (true division) is not supported in '$a / 2'", 32, "//"),
    ("$a * b", "'b' needs a '$' in '$a * b'", 37, "write $b"),
    ("'$a * 2.5'", "2.5 is not an integer in '$a * 2.5'", 38, "integers"),
    ("$a *", "cannot read expression '$a *'", 35, "($c + 1) // 2"),
]


@pytest.mark.parametrize("value, message, column, hint", FILE_PROBLEMS,
                         ids=[p[0] for p in FILE_PROBLEMS])
def test_problems_in_files_point_at_the_culprit(value, message, column, hint):
    found = _problems(BLOCK.replace("VALUE", value))
    assert len(found) == 1, found
    assert found[0][:3] == (message, 6, column)
    assert hint in found[0][3]


def test_expressions_in_a_block():
    text = BLOCK.replace("VALUE", "($a + $width) * 2 - -1").replace(
        "kernel_size: 1", "kernel_size: [$a - 1, 2 * $a - 1]")
    row = load_stack(text).analyze().layers[0]
    assert row.output_shape == (1, 11, 16, 14)


IN_CHANNELS = """\
input: [1, 64, 16, 16]
blocks:
  Half:                                   # a one-layer block: its input is the layer's
    Conv2d: {out_channels: $in_channels // 2, kernel_size: 1}
  Mix:
    params: {k: 1}
    sequential:
      - Conv2d: {out_channels: $in_channels * 2, kernel_size: 1}
        name: expand
      - parallel:
          - Conv2d: {out_channels: $in_channels // 4, kernel_size: $k}
          - - ReLU
            - Conv2d: {out_channels: $in_channels - $in_channels // 4, kernel_size: 1}
        name: branches
      - Conv2d: {out_channels: '$in_shape[1]', kernel_size: [1, '$in_shape[-1] - 15']}
        name: project
layers:
  - Mix:
    repeat: 2
  - Half
  - Mix: {k: 1}
    name: last
"""


def test_in_channels_reads_the_tensor_entering_the_block_use():
    report = load_stack(IN_CHANNELS).analyze()
    assert report.error is None
    rows = {r.name: r.output_shape[1] for r in report.layers}
    assert rows["0.expand"] == 128 and rows["1.expand"] == 128
    assert rows["0.branches.0.0"] == 16 and rows["0.branches.1.1"] == 48  # of 64, not of 128
    assert rows["0.branches.cat"] == 64 and rows["0.project"] == 64
    assert rows["2"] == 32
    assert rows["last.expand"] == 64 and rows["last.project"] == 32
    # the same file, other channels: the expressions follow the input
    rows = {r.name: r.output_shape[1] for r in load_stack(IN_CHANNELS).analyze(
        input_shape=(1, 40, 16, 16)).layers}
    assert rows["0.branches.0.0"] == 10 and rows["2"] == 20


def test_in_channels_for_keras_is_the_last_dim():
    text = ("framework: keras\ninput: [1, 8, 8, 12]\nblocks:\n  Half:\n"
            "    Conv2D: {filters: $in_channels // 2, kernel_size: 1}\nlayers:\n  - Half\n")
    assert load_stack(text).analyze().layers[0].output_shape == (1, 8, 8, 6)


SHAPE_FAILURES = [  # value, message, column (of the culprit)
    ("'$in_shape[9]'", "index 9 is out of range for $in_shape = [1, 8, 16, 16] in '$in_shape[9]'",
     43),
    ("$a // ($in_channels - 8)", "division by zero in '$a // ($in_channels - 8)'", 39),
    ("'$in_shape[2] % ($in_channels - 8)'",
     "modulo by zero in '$in_shape[2] % ($in_channels - 8)'", 49),
]


@pytest.mark.parametrize("value, message, column", SHAPE_FAILURES,
                         ids=[f[0] for f in SHAPE_FAILURES])
def test_shape_dependent_mistakes_point_at_the_file(value, message, column):
    stack = load_stack(BLOCK.replace("VALUE", value), filename="net.yaml")
    with pytest.raises(DeferredError) as caught:
        stack.analyze()
    err = caught.value
    assert isinstance(err, ValueError) and err.problems == (err,)
    assert err.message == message + " (in block 'B' used at line 8)"
    assert (err.source.file, err.source.line, err.source.column) == ("net.yaml", 6, column)
    assert err.hint


def test_a_zero_divisor_is_found_before_the_shape_is_known():
    found = _problems(BLOCK.replace("VALUE", "'$in_shape[2] // 0'"))
    assert found[0][:3] == ("division by zero in '$in_shape[2] // 0'", 6, 49)


def test_in_channels_outside_a_block_is_a_problem():
    found = _problems("layers:\n  - Conv2d: {out_channels: $in_channels // 2, kernel_size: 1}\n")
    assert found[0][:3] == ("'$in_channels // 2' reads the incoming shape, which only works "
                            "inside a block definition (the tensor entering the block use)", 2, 28)
    found = _problems("blocks:\n  B:\n    sequential:\n      - ReLU:\n        repeat: $in_channels"
                      "\nlayers:\n  - B\n")
    assert "only works in a layer's arguments" in found[0][0]


# ---------------------------------------------------------------- numbered repeats

def _names(text: str, **kw) -> list[tuple[str, int]]:
    return [(r.name, r.output_shape[1]) for r in load_stack(text).analyze(**kw).layers]


def test_numbered_names_and_index():
    text = ("input: [1, 8, 4, 4]\nlayers:\n  - Conv2d: {out_channels: 16 + $i * 8, kernel_size: 1}"
            "\n    name: conv{i}\n    repeat: {count: 3, start: 1}\n  - ReLU\n")
    assert _names(text) == [("conv1", 24), ("conv2", 32), ("conv3", 40), ("3", 40)]


def test_unnamed_and_block_named_repeats_keep_positions():
    text = ("input: [1, 8, 4, 4]\nlayers:\n  - Conv2d: {out_channels: $i + 1, kernel_size: 1}"
            "\n    repeat: {count: 2}\n  - Conv2d: {out_channels: $i, kernel_size: 1}"
            "\n    repeat: {count: 2, start: 5}\n    name: stage\n")
    assert _names(text) == [("0", 1), ("1", 2), ("stage.0", 5), ("stage.1", 6)]


def test_nested_repeats_with_an_index_name():
    text = ("input: [1, 8, 4, 4]\nlayers:\n  - sequential:\n"
            "      - Conv2d: {out_channels: $j * 10 + $i, kernel_size: 1}\n"
            "        name: c{i}\n        repeat: {count: 2, start: 1}\n"
            "    name: s{j}\n    repeat: {count: 2, start: 1, index: j}\n")
    assert _names(text) == [("s1.c1", 11), ("s1.c2", 12), ("s2.c1", 21), ("s2.c2", 22)]


def test_repeat_index_in_a_block_use_and_a_count_from_a_parameter():
    text = ("input: [1, 8, 4, 4]\nblocks:\n  L:\n    params: {w: null}\n    sequential:\n"
            "      - Conv2d: {out_channels: $w, kernel_size: 1}\n        name: conv\n"
            "  Stage:\n    params: {n: null}\n    sequential:\n      - L: {w: $i * 4}\n"
            "        name: layer{i}\n        repeat: {count: $n, start: 1}\n"
            "layers:\n  - Stage: {n: 3}\n    name: stage\n")
    assert _names(text) == [("stage.layer1.conv", 4), ("stage.layer2.conv", 8),
                            ("stage.layer3.conv", 12)]


REPEAT_PROBLEMS = [
    ("    name: layer{j}\n    repeat: {count: 2, start: 1}\n",
     ("name 'layer{j}': nothing is called 'j' here", 3, 11), "{i}"),
    ("    name: layer{i}\n", ("name 'layer{i}': nothing is called 'i' here", 3, 11), "repeat"),
    ("    repeat: {count: 2, strat: 1}\n", ("unknown key 'strat' in `repeat:`", 3, 24), "'start'"),
    ("    repeat: {start: 1}\n", ("`repeat:` needs `count:`", 3, 13), "count: 6"),
    ("    repeat: {count: 0}\n", ("repeat: 0 is below 1", 3, 21), "1 or more"),
    ("    repeat: {count: 2, start: x}\n", ("start must be an integer, got string 'x'", 3, 31), ""),
    ("    repeat: {count: 2, index: 1j}\n",
     ("index must be a plain name such as i or j, got string '1j'", 3, 31), ""),
    ("    repeat: 2\n  - Conv2d: {out_channels: $i, kernel_size: 1}\n",
     ("'$i' refers to a block parameter outside a block definition", 4, 28), "`$i`"),
]


@pytest.mark.parametrize("extra, problem, hint", REPEAT_PROBLEMS,
                         ids=[p[1][0][:30] for p in REPEAT_PROBLEMS])
def test_repeat_problems(extra, problem, hint):
    found = _problems("layers:\n  - ReLU:\n" + extra)
    assert found[0][:3] == problem, found
    assert hint in found[0][3]


def test_a_large_numbered_repeat_is_bounded():
    found = _problems("layers:\n  - ReLU:\n    name: r{i}\n    repeat: {count: 2000000}\n")
    assert found[0][0] == "repeat: 2000000 is more than 100,000"


def test_a_block_use_after_a_save_keeps_its_position():
    text = ("input: [1, 4, 8, 8]\nblocks:\n  B: [ReLU]\nlayers:\n  - save: a\n  - B\n  - ReLU\n"
            "  - Conv2d: {out_channels: 4, kernel_size: 1}\n    repeat: {count: 2}\n")
    assert [n for n, _ in _names(text)] == ["0.0", "1", "2", "3"]
