"""Fuzz ``conv-calc layer``'s constructor parser and the Python API with random arguments.

Property for the CLI: exit 0, 1 or 2, never a traceback, an internal error or a
hang. Property for the API: a layer either builds and answers ``output_shape``,
``param_count``, ``macs`` and ``repr``, or raises a :class:`conv_calc.errors.LayerError`
(an instance of the builtin torch raises) with a message, or, for a shape no tensor
can have, :class:`~conv_calc.errors.InvalidShapeError`; nothing else escapes.
"""

from __future__ import annotations

import inspect

from hypothesis import given
from hypothesis import strategies as st

from conv_calc.errors import LayerError
from conv_calc.nn import LAYERS
from conv_calc.nn.base import InvalidShapeError
from tests.cli_runner import run
from tests.fuzz_support import budget, check_outcome, no_hang

NAMES = sorted(LAYERS)
ATOMS = st.one_of(
    st.integers(-3, 70), st.sampled_from([0, -1, 2**31, 2**63, 10**30]), st.booleans(),
    st.none(), st.floats(allow_nan=True, allow_infinity=True, width=32),
    st.sampled_from(["same", "valid", "zeros", "reflect", "circular", "nearest", "bilinear",
                     "x", ""]))
VALUES = st.recursive(ATOMS, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                     st.tuples(inner, inner)), max_leaves=6)


def _params(cls) -> list[str]:
    return [p for p in inspect.signature(cls.__init__).parameters if p != "self"]


@st.composite
def constructor_calls(draw):
    name = draw(st.sampled_from(NAMES))
    cls = LAYERS[name]
    args = draw(st.lists(VALUES, max_size=3))
    keys = _params(cls) + ["kernal_size", "x"]
    kwargs = draw(st.dictionaries(st.sampled_from(keys), VALUES, max_size=4))
    return cls, tuple(args), kwargs


SHAPES = st.lists(st.one_of(st.integers(0, 40), st.sampled_from([1, 10**9, 2**63, -1])),
                  max_size=6).map(tuple)


@budget(300)
@given(call=constructor_calls(), shape=SHAPES)
def test_python_api_random_arguments(call, shape):
    cls, args, kwargs = call
    with no_hang():
        try:
            layer = cls(*args, **kwargs)
        except LayerError as err:
            assert str(err)
            return
        repr(layer)
        try:
            out = layer.output_shape(shape)
        except (LayerError, InvalidShapeError) as err:  # torch's error, or "no tensor has -1"
            assert str(err)
            return
        assert isinstance(out, tuple) and all(isinstance(v, int) for v in out)
        assert isinstance(layer.param_count(), int)
        assert isinstance(layer.macs(shape, out), int)


def _literal(value) -> str:
    return repr(value).replace("inf", "float('inf')") if isinstance(value, float) else repr(value)


@st.composite
def constructor_strings(draw):
    """Mostly well-formed calls with random arguments; some plain random text."""
    if draw(st.integers(0, 4)) == 0:
        return draw(st.text(max_size=60))
    cls, args, kwargs = draw(constructor_calls())
    prefix = draw(st.sampled_from(["", "nn.", "torch.nn."]))
    parts = [repr(a) for a in args] + [f"{k}={v!r}" for k, v in kwargs.items()]
    text = f"{prefix}{cls.__name__}({', '.join(parts)})"
    cut = draw(st.integers(0, 8))
    if cut == 1:
        text = text[:draw(st.integers(0, len(text)))]
    elif cut == 2:
        text = text.replace("(", "((", 1)
    elif cut == 3:
        text += draw(st.sampled_from([" + 1", "; import os", "()", ")", "[0]", ".x"]))
    return text


INPUTS = st.one_of(
    st.sampled_from(["1x3x224x224", "224", "32x32", "1,3,8,8", "8", "1x1x1", "0x3x8x8",
                     "1x3x" + "9" * 30, "x", "", "-1", "1x3x224x224x1x1", "3.5", "1e3"]),
    st.text(max_size=12))


@budget(100)
@given(spec=constructor_strings(), shape=INPUTS, fmt=st.sampled_from(["text", "json"]))
def test_layer_command_random_constructors(spec, shape, fmt):
    with no_hang():
        result = run("layer", spec, "--input", shape, "--format", fmt)
    check_outcome(result, located=False)


@budget(80)
@given(name=st.sampled_from([n.lower() for n in NAMES] + ["conv", "maxpool", "x"]),
       options=st.lists(st.tuples(st.sampled_from(["-k", "-s", "-p", "-d", "-g", "--in", "--out",
                                                   "--output-padding", "--output-size"]),
                                  st.sampled_from(["3", "0", "-1", "2x2", "same", "valid", "1x",
                                                   "99999999999999999999", "a", "3,3,3"])),
                        max_size=4),
       shape=INPUTS)
def test_layer_command_short_form(name, options, shape):
    argv = ["layer", name, "--input", shape]
    for flag, value in options:
        argv += [flag, value]
    with no_hang():
        result = run(*argv)
    check_outcome(result, located=False)
