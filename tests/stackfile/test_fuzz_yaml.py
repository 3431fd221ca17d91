"""Fuzz the stack-file reader through ``conv-calc stack`` (in-process) and the Python loader.

Inputs: the examples mutated (truncations, type swaps, huge and negative numbers,
deep nesting, long strings, unicode, binary garbage, deleted and repeated lines)
and random stack files built from layer names and argument names. Property: exit
0 (a report), 1 (torch's error) or 2 (malformed, with file:line:col); never a
traceback, an internal error or a hang. The libyaml fast path of the reader must
give exactly what the pure-Python path gives.
"""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from conv_calc.stackfile import yaml_reader as spec_yaml
from conv_calc.stackfile.problems import Collector
from tests.cli_runner import run
from tests.fuzz_support import EXAMPLES, budget, check_outcome, mutated, no_hang

TEXTS = [p.read_bytes() for p in EXAMPLES]
LAYER_NAMES = ["Conv2d", "Conv1d", "Conv3d", "ConvTranspose2d", "MaxPool2d", "AvgPool2d",
               "BatchNorm2d", "ReLU", "Linear", "Flatten", "AdaptiveAvgPool2d", "Upsample",
               "GroupNorm", "LayerNorm", "ZeroPad2d", "LPPool2d", "Unflatten", "Dropout",
               "conv2d", "Conv2D", "residual", "parallel", "sequential", "save", "cat", "add"]
ARG_NAMES = ["in_channels", "out_channels", "kernel_size", "stride", "padding", "dilation",
             "groups", "bias", "padding_mode", "output_padding", "ceil_mode", "num_features",
             "in_features", "out_features", "output_size", "scale_factor", "mode", "name",
             "repeat", "expect", "shortcut", "merge", "dim", "crop", "num_groups", "eps",
             "start_dim", "unflattened_size", "norm_type", "kernal"]

NUMBERS = st.one_of(
    st.integers(-3, 300), st.integers(), st.sampled_from([0, -1, 2**31, 2**63, 10**40]),
    st.floats(allow_nan=True, allow_infinity=True), st.booleans())
WEIRD = st.one_of(
    st.text(max_size=30), st.text(alphabet=st.characters(min_codepoint=0x80), max_size=20),
    st.just("x" * 5000), st.just("1e3"), st.just("yes"), st.just("same"), st.just("$width * 4"),
    st.just("3x3"), st.just("~"), st.none())
SCALARS = st.one_of(NUMBERS, WEIRD)


def values(depth: int = 3):
    return st.recursive(SCALARS, lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.sampled_from(ARG_NAMES), inner, max_size=4)),
        max_leaves=12)


LAYER_ITEMS = st.one_of(
    st.sampled_from(LAYER_NAMES),
    st.dictionaries(st.sampled_from(LAYER_NAMES), st.one_of(
        st.none(), st.dictionaries(st.sampled_from(ARG_NAMES), values(), max_size=5)),
        min_size=1, max_size=2),
    values())
DOCUMENTS = st.fixed_dictionaries(
    {"layers": st.lists(LAYER_ITEMS, max_size=8)},
    optional={"input": st.one_of(st.lists(st.integers(-2, 70), max_size=5), values()),
              "version": st.one_of(st.just(1), SCALARS), "name": SCALARS,
              "blocks": values(), "expect": values()})


@st.composite
def mutated_examples(draw) -> bytes:
    return draw(mutated(TEXTS))


def _stack(tmp_path, data: bytes, *extra: str):
    path = tmp_path / "net.yaml"
    path.write_bytes(data)
    with no_hang():
        return run("stack", str(path), *extra)


@budget(60)
@given(data=mutated_examples(), fmt=st.sampled_from(["table", "json"]))
def test_mutated_examples(tmp_path_factory, data, fmt):
    result = _stack(tmp_path_factory.mktemp("m"), data, "--format", fmt)
    check_outcome(result)


@budget(80)
@given(doc=DOCUMENTS, as_json=st.booleans())
def test_random_stack_files(tmp_path_factory, doc, as_json):
    import yaml

    text = (json.dumps(doc, ensure_ascii=False) if as_json
            else yaml.safe_dump(doc, allow_unicode=True, sort_keys=False))
    result = _stack(tmp_path_factory.mktemp("r"), text.encode("utf-8"), "--format", "json")
    check_outcome(result)


def _parse(fn, text: str):
    collector = Collector()
    tree = fn(text, "f.yaml", collector)
    # repr, not ==: a .nan value is never equal to itself.
    return repr(tree), [(p.message, p.source, p.code) for p in collector.problems]


@budget(150)
@given(data=st.one_of(mutated_examples(), st.binary(max_size=200), st.text(max_size=200)
                      .map(str.encode)), ending=st.sampled_from(["", "\n", "\r\n", "\r"]))
def test_fast_reader_matches_pure_python(data, ending):
    text = data.decode("utf-8", errors="replace") + ending
    with no_hang():
        fast, slow = _parse(spec_yaml.parse, text), _parse(spec_yaml._parse_slow, text)
    if slow[0] != "None":
        assert fast == slow
    else:
        # libyaml follows the YAML spec in a few corners where PyYAML is stricter
        # ({i?nplace: true} is a plain key to libyaml, a syntax error to PyYAML):
        # such a file now reads; everything it reads is then checked as usual.
        assert fast == slow or fast[0] != "None"
