"""Fuzz the stack-file vocabulary added with the graph items, through ``conv-calc stack``.

The vocabulary: ``save:``/``from:``, merges over names (cat/add/mul/sub/div), ``outputs:``,
``inputs:``, tensor-function rows (flatten ... interpolate with ``size_of``), named parallel
branches, block expressions (``$a * $b``, ``$in_shape[k]``), ``repeat: {count, start,
index}`` with name templates, ``mode:``. Inputs: the seed files in tests/fuzz_seeds/ (and
the examples that use these items) mutated, both generically and by swapping vocabulary
words, and random files built from the items. Property: exit 0, 1 or 2 (2 with
file:line:col), never a traceback, an internal error or a hang, and nothing printed raw
that a terminal would act on.
"""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.cli_runner import run
from tests.fuzz_support import (ROOT, budget, check_outcome, check_safe_output, mutate,
                                no_hang)

pytestmark = pytest.mark.slow

SEEDS = sorted((ROOT / "tests" / "fuzz_seeds").glob("*.yaml")) + [
    ROOT / "examples" / name for name in (
        "squeeze-excitation.yaml", "shufflenet-v2-unit.yaml", "fcn-head-small.yaml")]
TEXTS = [p.read_bytes() for p in SEEDS]

#: Vocabulary-aware mutations: one word of the format swapped for a neighbour.
SWAPS = [
    (b"save", b"from"), (b"from", b"save"), (b"cat", b"add"), (b"add", b"div"),
    (b"mul", b"cat"), (b"sub", b"mul"), (b"outputs", b"inputs"), (b"inputs", b"outputs"),
    (b"chunk", b"split"), (b"split", b"chunk"), (b"view", b"reshape"), (b"reshape", b"view"),
    (b"permute", b"transpose"), (b"squeeze", b"unsqueeze"), (b"mean", b"amax"),
    (b"size_of", b"size"), (b"side", b"input"), (b"input", b"side"), (b"{i}", b"{j}"),
    (b"{j}", b"{i}"), (b"$i", b"$j"), (b"index", b"start"), (b"count", b"start"),
    (b"$in_shape[0]", b"$in_shape[99]"), (b"$in_shape[-1]", b"$in_shape"),
    (b"$a * $b", b"$a // ($b - 3)"), (b"eval", b"banana"), (b"train", b"eval"),
    (b"continue_with", b"outputs"), (b"merge: cat", b"merge: mul"), (b"[a, b]", b"[a]"),
    (b"[a, b]", b"[a, a, a]"), (b"[a, b]", b"a"), (b"dim: 1", b"dim: 9223372036854775807"),
    (b"chunks: 3", b"chunks: 0"), (b"[4, 4]", b"[-1, 9]"), (b"keepdim: true", b"keepdim: 3"),
    (b"repeat: 2", b"repeat: {count: 2, start: -5}"), (b"name: c{i}", b"name: '{'"),
    (b"layers:", b"blocks:"), (b"left", b"right"), (b"x2", b"x\x1b[2J"),
]


@st.composite
def vocabulary_mutants(draw, texts: list[bytes] = TEXTS) -> bytes:
    data = draw(st.sampled_from(texts))
    for _ in range(draw(st.integers(1, 3))):
        if draw(st.booleans()):
            old, new = draw(st.sampled_from(SWAPS))
            spots = [m.start() for m in re.finditer(re.escape(old), data)]
            if spots:
                at = draw(st.sampled_from(spots))
                data = data[:at] + new + data[at + len(old):]
                continue
        data = mutate(data, draw)
    return data


def _stack(tmp_path, data: bytes, *extra: str):
    path = tmp_path / "net.yaml"
    path.write_bytes(data)
    with no_hang():
        result = run("stack", str(path), *extra)
    check_outcome(result)
    check_safe_output(result)
    return result


@budget(80)
@given(data=vocabulary_mutants(), fmt=st.sampled_from(["table", "json", "markdown", "csv"]))
def test_mutated_vocabulary(tmp_path_factory, data, fmt):
    _stack(tmp_path_factory.mktemp("v"), data, "--format", fmt)


# ------------------------------------------------------------------ random files

NAMES = st.sampled_from(["a", "b", "c", "input", "side", "x1", "x2", "evil\x1b[2J", "a.b", ""])
SMALL = st.one_of(st.integers(-5, 20), st.sampled_from([2**31, 2**63 - 1, 2**63, -2**63, 10**30]))
SCALAR = st.one_of(SMALL, st.floats(allow_nan=True, allow_infinity=True), st.booleans(),
                   st.none(), st.sampled_from(["$i", "$in_shape[1]", "$in_channels // 2",
                                               "$a * $b", "$nope", "same", "1e3", "-"]))
ARG = st.one_of(SCALAR, st.lists(SCALAR, max_size=5), NAMES)
FUNCTIONS = ["flatten", "reshape", "view", "permute", "transpose", "squeeze", "unsqueeze",
             "contiguous", "chunk", "split", "mean", "sum", "amax", "interpolate"]
KWARGS = st.dictionaries(st.sampled_from(
    ["dim", "start_dim", "end_dim", "chunks", "keepdim", "size", "scale_factor", "mode",
     "align_corners", "size_of", "split_size_or_sections", "antialias", "dims", "bogus"]),
    ARG, max_size=3)
FUNCTION_ARGS = st.one_of(st.none(), SCALAR, st.lists(SCALAR, max_size=5), KWARGS,
                          st.tuples(st.lists(ARG, max_size=2), KWARGS).map(lambda t: [*t[0], t[1]]))
LAYER = st.sampled_from([{"Conv2d": {"out_channels": 4, "kernel_size": 1}}, "ReLU",
                         {"BatchNorm2d": None}, {"Dropout2d": {"p": 0.5}}, {"Unit": {"w": 2}}])


def _with(item: dict, extras: dict) -> dict:
    return {**item, **extras}


EXTRAS = st.fixed_dictionaries({}, optional={
    "save": NAMES, "from": NAMES, "name": st.sampled_from(["n", "n{i}", "n{j}", "{", "a.b", "x\u202e"]),
    "repeat": st.one_of(SMALL, st.fixed_dictionaries(
        {"count": SMALL}, optional={"start": SMALL, "index": st.sampled_from(["i", "j", "in_shape", "1"])})),
    "outputs": st.lists(NAMES, max_size=3), "continue_with": NAMES, "dim": SMALL})
ITEMS = st.one_of(
    st.builds(_with, st.builds(lambda f, a: {f: a}, st.sampled_from(FUNCTIONS), FUNCTION_ARGS), EXTRAS),
    st.builds(_with, st.builds(lambda m, a: {m: a}, st.sampled_from(["cat", "add", "mul", "sub", "div"]),
                               st.one_of(NAMES, st.lists(NAMES, max_size=4))), EXTRAS),
    st.builds(_with, LAYER.map(lambda x: x if isinstance(x, dict) else {x: None}), EXTRAS),
    st.builds(lambda n: {"save": n}, NAMES),
    st.builds(lambda n, layers: {"from": n, "layers": layers}, NAMES, st.lists(LAYER, max_size=2)),
    st.builds(lambda br, merge: {"parallel": br, "merge": merge},
              st.one_of(st.dictionaries(st.sampled_from(["left", "right", "0", "x y"]), LAYER, max_size=3),
                        st.lists(LAYER, max_size=3)),
              st.sampled_from(["cat", "add", "mul", None, 3])),
)
BLOCKS = st.fixed_dictionaries({"Unit": st.fixed_dictionaries(
    {"params": st.sampled_from([{"w": None}, {"w": 2, "a": 3, "b": 5}, {}]),
     "sequential": st.lists(ITEMS, min_size=1, max_size=3)})})
SHAPES = st.lists(st.one_of(st.integers(1, 12), SMALL), min_size=0, max_size=5)
DOCUMENTS = st.fixed_dictionaries(
    {"input": st.one_of(st.just([1, 4, 8, 8]), SHAPES), "layers": st.lists(ITEMS, max_size=8)},
    optional={"inputs": st.dictionaries(NAMES, st.one_of(st.just([1, 4, 8, 8]), SHAPES), max_size=2),
              "outputs": st.one_of(st.lists(NAMES, max_size=3), NAMES),
              "mode": st.sampled_from(["train", "eval", "Eval", 1, None]),
              "blocks": BLOCKS})


@budget(120)
@given(doc=DOCUMENTS, fmt=st.sampled_from(["json", "table"]))
def test_random_vocabulary_files(tmp_path_factory, doc, fmt):
    text = json.dumps(doc, ensure_ascii=False)
    _stack(tmp_path_factory.mktemp("r"), text.encode("utf-8", "surrogatepass"), "--format", fmt)
