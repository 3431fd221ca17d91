"""``conv-calc layer`` for Keras 3 layers (``--framework keras``, or detected from the name).

The layer runs as in a Keras functional model built on ``keras.Input``: the
input spec, ``build``, then ``compute_output_shape`` (the same path as a
``framework: keras`` stack, so both commands agree). Shapes are channels_last
unless the layer says ``data_format='channels_first'``; the batch may be
unknown (``--input None,224,224,3`` or ``Nonex224x224x3``).

>>> is_keras_ctor(parse_ctor("Conv2D(64, 3, strides=2, padding='same')"))
True
>>> is_keras_ctor(parse_ctor("Conv2d(3, 64, 3)")), is_keras_ctor(parse_ctor("layers.ReLU()"))
(False, True)
>>> keras_input("Nonex224x224x3"), keras_input("?,32,32,3"), keras_input("224")
((None, 224, 224, 3), (None, 32, 32, 3), (224,))
"""

from __future__ import annotations

import inspect
import re
import sys
from types import SimpleNamespace
from typing import Any

from conv_calc.cli.ctor import KERAS_PREFIXES, Ctor, CtorError, ShapeError, format_ctor, \
    WORD_OPTIONS, parse_ctor, parse_option_value, parse_shape
from conv_calc.cli.exits import EXIT_OK, EXIT_PROBLEM, fail, input_exists
from conv_calc.errors import LayerError
from conv_calc.render.report import SCHEMA_VERSION, dumps, error_dict, fmt_shape, \
    format_layer_error, jsonable, rf_dict
from conv_calc.render.layer import layer_text
from conv_calc.text import suggest, you_mean

__all__ = ["run", "is_keras_ctor", "keras_input", "keras_lookup", "KERAS_ALIASES"]

#: keras.layers exports these other names for the same classes (keras/src/layers/__init__.py).
KERAS_ALIASES = {
    **{f"Convolution{n}D": f"Conv{n}D" for n in (1, 2, 3)},
    **{f"Convolution{n}DTranspose": f"Conv{n}DTranspose" for n in (1, 2, 3)},
    **{f"SeparableConvolution{n}D": f"SeparableConv{n}D" for n in (1, 2)},
    **{f"MaxPool{n}D": f"MaxPooling{n}D" for n in (1, 2, 3)},
    **{f"AvgPool{n}D": f"AveragePooling{n}D" for n in (1, 2, 3)},
    **{f"GlobalMaxPool{n}D": f"GlobalMaxPooling{n}D" for n in (1, 2, 3)},
    **{f"GlobalAvgPool{n}D": f"GlobalAveragePooling{n}D" for n in (1, 2, 3)},
}
#: Merges take several inputs (and a nested Sequential or an InputLayer is not one layer on
#: one input): `conv-calc layer` cannot show them.
MERGES = ("Add", "Concatenate", "Multiply", "Subtract", "Average", "Maximum", "Minimum",
          "CustomScaleLayer")
STRUCTURE = ("InputLayer", "Sequential")
UNKNOWN_BATCH = ("None", "none", "null", "?")
DEFAULT_CHANNELS = 3

#: Short-form option -> the Keras argument it fills, by preference.
TARGETS = {
    "kernel_size": ("kernel_size", "pool_size", "size", "cropping"),
    "stride": ("strides",), "padding": ("padding",), "dilation": ("dilation_rate",),
    "output_padding": ("output_padding",), "groups": ("groups",),
    "out_channels": ("filters", "units"), "bias": ("use_bias",),
}
FLAGS = {
    "kernel_size": "-k/--kernel-size", "stride": "-s/--stride", "padding": "-p/--padding",
    "dilation": "-d/--dilation", "output_padding": "--output-padding", "groups": "-g/--groups",
    "in_channels": "--in-channels", "out_channels": "--out-channels",
    "ceil_mode": "--ceil-mode", "bias": "--bias/--no-bias",
}


def _registry() -> dict[str, type]:
    from conv_calc.keras import LAYERS  # deferred: torch constructors are told apart without it

    return LAYERS


def is_keras_ctor(ctor: Ctor) -> bool:
    """Written with a Keras prefix, or bare with a Keras class name that torch.nn lacks."""
    if ctor.module in KERAS_PREFIXES:
        return True
    if ctor.module:
        return False
    from conv_calc.nn import LAYERS as torch_layers  # deferred: only a bare class name needs it

    if ctor.type in torch_layers:  # ReLU, Flatten...: torch's unless written keras.layers.ReLU
        return False
    return ctor.type in KERAS_ALIASES or ctor.type in _registry()


def keras_lookup(name: str, exact: bool = False) -> type:
    """The Keras spec class for a name (aliases too), exactly, then (unless ``exact``) ignoring case."""
    layers = _registry()
    bare = name.strip()
    for prefix in sorted(KERAS_PREFIXES, key=len, reverse=True):
        if bare.startswith(prefix + "."):
            bare = bare[len(prefix) + 1:]
            break
    bare = KERAS_ALIASES.get(bare, bare)
    if bare in layers:
        return layers[bare]
    folded = {k.lower(): v for k, v in layers.items()}
    folded.update({a.lower(): layers[c] for a, c in KERAS_ALIASES.items()})
    if bare.lower() in folded and not exact:
        return folded[bare.lower()]
    names = list(dict.fromkeys(folded[n].__name__ for n in suggest(bare, folded, prefixes=False)))
    hint = (you_mean(names) or "layer names are keras.layers class names, e.g. Conv2D, "
            "MaxPooling2D, Conv2DTranspose.")
    fail(f"unknown Keras layer {bare[:80]!r}", hint)


def keras_input(text: str) -> tuple:
    """``None,224,224,3`` / ``Nonex224x224x3`` / ``[None, 224, 224, 3]`` / ``1x224x224x3`` / ``224``.

    Only the batch may be unknown (``None``, ``null`` or ``?``), as in a stack's input.
    """
    body = text.strip()
    if len(body) >= 2 and (body[0], body[-1]) in {("[", "]"), ("(", ")")}:
        body = body[1:-1].strip()
    batch_unknown = False
    for unknown in UNKNOWN_BATCH:
        if body.startswith(unknown):
            body, batch_unknown = "1" + body[len(unknown):], True
            break
    if _UNKNOWN.search(body):
        raise ShapeError(f"the shape {text!r} has an unknown size after the batch",
                         hint="only the batch may be None: give every spatial size and the "
                              "channels, e.g. None,224,224,3.")
    shape = parse_shape(body)
    return (None, *shape[1:]) if batch_unknown else shape


_UNKNOWN = re.compile(r"None|none|null|\?")


def _expand_cls(shape: tuple, cls: type, kwargs: dict, channels: int) -> tuple:
    """:func:`_expand` before the layer exists (its constructor failed)."""
    first = str(kwargs.get("data_format", "")).lower() == "channels_first"
    return _expand(shape, SimpleNamespace(rank=getattr(cls, "rank", 0),
                                          data_format="channels_first" if first else ""),
                   channels)


def _expand(shape: tuple, layer: Any, channels: int) -> tuple:
    """Spatial sizes only become ``(None, *spatial, channels)`` (channels_first: channels second)."""
    rank = getattr(layer, "rank", 0) or 0
    if not rank:
        return shape
    if len(shape) == 1 and rank > 1:
        shape = shape * rank
    if len(shape) != rank:
        return shape
    if getattr(layer, "data_format", "channels_last") == "channels_first":
        return (None, channels, *shape)
    return (None, *shape, channels)


def _params(cls: type) -> dict[str, inspect.Parameter]:
    sig = inspect.signature(cls.__init__)
    return {k: p for k, p in sig.parameters.items()
            if k != "self" and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)}


def _short_kwargs(cls: type, options: dict[str, Any], channels: int) -> dict:
    params = _params(cls)
    kwargs: dict[str, Any] = {}
    for option, raw in options.items():
        if option == "in_channels":
            continue
        targets = [t for t in TARGETS.get(option, ()) if t in params]
        if not targets:
            accepted = [FLAGS[o] for o, ts in TARGETS.items() if any(t in params for t in ts)]
            fail(f"{cls.__name__} has no argument for {FLAGS[option]}",
                 f"{cls.__name__} takes: {', '.join(accepted) or 'no short-form options'}"
                 + (" (Keras pools have no ceil_mode: use padding='same')"
                    if option == "ceil_mode" else "") + ".")
        if isinstance(raw, str):
            try:
                value = parse_option_value(raw, words=option in WORD_OPTIONS)
            except ShapeError as err:
                fail(f"{FLAGS[option]}: {err}", err.hint)
        else:
            value = raw
        kwargs[targets[0]] = value
    for name in ("filters", "units"):
        if name in params and params[name].default is inspect._empty and name not in kwargs:
            kwargs[name] = channels
    kwargs = {k: kwargs[k] for k in params if k in kwargs}
    missing = [k for k, p in params.items() if p.default is inspect._empty and k not in kwargs]
    if missing:
        flag = next((FLAGS[o] for o, ts in TARGETS.items() if missing[0] in ts), missing[0])
        fail(f"{cls.__name__} needs {missing[0]}: give {flag}",
             f"for example: conv-calc layer {cls.__name__.lower()} --framework keras "
             f"--input None,224,224,3 {flag.split('/')[0]} 3")
    return kwargs


def _in_channels(options: dict[str, Any]) -> int:
    raw = options.get("in_channels")
    if raw is None:
        return DEFAULT_CHANNELS
    try:
        value = parse_option_value(raw) if isinstance(raw, str) else raw
    except ShapeError as err:
        fail(f"--in-channels: {err}", err.hint)
    if not isinstance(value, int) or value < 0:
        fail(f"--in-channels: {raw!r} is not a channel count",
             "give the number of input channels, e.g. --in 3.")
    return value


def run(spec: str, input_text: str | None, options: dict[str, Any],
        output_size_text: str | None, fmt: str) -> int:
    """``conv-calc layer`` for a Keras layer; returns the exit code."""
    if input_text is None:
        fail("--input is required: the output shape depends on it",
             "give the full shape, channels_last (--input None,224,224,3 or 1x224x224x3), or "
             "only the spatial size (--input 224).")
    try:
        given = keras_input(input_text)
    except ShapeError as err:
        fail(f"--input: {err}", err.hint)
    if output_size_text is not None:
        fail("--output-size does not apply to Keras layers",
             "Keras's transposed convs take output_padding instead; Keras has no adaptive pools.")

    if "(" in spec or ")" in spec:
        if options:
            flags = ", ".join(FLAGS[k] for k in options)
            fail(f"{flags} only go with the short form (a layer name such as conv2d)",
                 "put the values into the constructor instead, e.g. 'Conv2D(64, 3, strides=2)'.")
        try:
            ctor = parse_ctor(spec)
        except CtorError as err:
            fail(f"cannot read the layer: {err} (column {err.column})",
                 err.hint or "write it as in Keras code, e.g. 'Conv2D(64, 3, strides=2)'.",
                 detail="".join(f"  {line}\n" for line in err.caret().splitlines()))
        if ctor.module and ctor.module not in KERAS_PREFIXES:
            fail(f"{ctor.module}.{ctor.type} is a torch.nn name, but --framework keras was given",
                 "write the Keras layer (e.g. keras.layers.Conv2D), or drop --framework keras.")
        cls = keras_lookup(ctor.type, exact=True)
        args, kwargs = ctor.args, dict(ctor.kwargs)
        channels = DEFAULT_CHANNELS
    else:
        cls = keras_lookup(spec)
        channels = _in_channels(options)
        kwargs = _short_kwargs(cls, options, channels)
        args = ()
        ctor = Ctor(cls.__name__, (), kwargs)
    if cls.__name__ in MERGES:
        fail(f"{cls.__name__} merges several inputs; conv-calc layer explains one layer on one input",
             "put it in a stack file (framework: keras) with `add:`/`mul:`/`sub:`/`cat:` over "
             "saved tensors.")
    if cls.__name__ in STRUCTURE:
        fail(f"{cls.__name__} is a model's structure, not a layer on one input",
             "write the input shape with --input (a stack file: `input:`), a Sequential as "
             "`sequential:` in a stack file.")
    title = "keras.layers." + format_ctor(Ctor(ctor.type, args, kwargs))
    try:
        layer = cls(*args, **kwargs)
    except LayerError as err:
        return _report_error(err, title, cls.__name__, _expand_cls(given, cls, kwargs, channels),
                             fmt)
    shape = input_exists(_expand(given, layer, channels))
    if None in shape[1:]:
        fail(f"--input: {input_text}: only the batch may be unknown (None)",
             "give every spatial size and the channels, e.g. --input None,224,224,3.")

    from conv_calc.graph.stack import Stack  # deferred: only a layer that builds needs it

    try:
        report = Stack([layer], framework="keras").analyze(input_shape=shape)
    except ValueError as err:  # a shape the analysis cannot take at all
        fail(f"--input: {err}", "give the shape as Keras sees it, e.g. --input None,224,224,3.")
    if report.error is not None:
        return _report_error(report.error, title, cls.__name__, shape, fmt)
    for note in report.notes:  # a period past what conv-calc follows: said, not left out
        sys.stderr.write(f"note: {note}\n")
    row = report.layers[0]
    out = tuple(row.output_shape)

    # Deferred: only a layer that builds needs it.
    from conv_calc.render.layer_keras import keras_formulas, keras_general_formula

    formulas = keras_formulas(layer, shape, out)
    general = keras_general_formula(layer) if formulas else None
    rf = row.receptive_field if getattr(layer, "rank", 0) else None
    if fmt == "json":
        sys.stdout.write(dumps({
            "schema_version": SCHEMA_VERSION, "framework": "keras", "layer": title,
            "type": cls.__name__, "input_shape": jsonable(shape), "output_shape": jsonable(out),
            "params": row.params, "macs": row.macs, "receptive_field": rf_dict(rf),
            "formulas": formulas, "error": None,
        }))
    else:
        sys.stdout.write(layer_text(title=title, input_shape=shape, output_shape=out,
                                    formulas=formulas, general=general, rf=rf, params=row.params,
                                    macs=row.macs))
    return EXIT_OK


_WHEN = {"init": "cannot be built", "compute_output_shape": "fails in compute_output_shape",
         "call": "fails when called (input spec or build)"}


def _report_error(err: LayerError, title: str, type_name: str, shape: tuple, fmt: str) -> int:
    keras_stage = getattr(err, "keras_stage", None) or err.stage
    if fmt == "json":
        error = error_dict(err)
        error["keras_stage"] = keras_stage
        sys.stdout.write(dumps({
            "schema_version": SCHEMA_VERSION, "framework": "keras", "layer": title,
            "type": type_name, "input_shape": jsonable(shape), "output_shape": None,
            "params": None, "macs": None, "receptive_field": None, "formulas": [],
            "error": error,
        }))
        return EXIT_PROBLEM
    sys.stdout.write(f"{title}\n\ninput   {fmt_shape(shape)}\n")
    when = _WHEN.get(keras_stage, "fails")
    sys.stderr.write(f"error: {type_name} {when}:\n{format_layer_error(err)}\n")
    return EXIT_PROBLEM

