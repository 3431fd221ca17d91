"""``conv-calc layer``: build one layer from a constructor or the short form, explain it.

Kept apart from :mod:`conv_calc.cli.app` so the command module stays a list of thin
commands; this imports neither rich nor yaml.
"""

from __future__ import annotations

import inspect
import re
import sys
from typing import Any

from conv_calc.cli.ctor import CtorError, ShapeError, format_ctor, parse_ctor, parse_option_value, \
    parse_shape, Ctor, WORD_OPTIONS
from conv_calc.cli.exits import EXIT_OK, EXIT_PROBLEM, fail, input_exists
from conv_calc.errors import LayerError
from conv_calc.render.report import SCHEMA_VERSION, dumps, error_dict, fmt_shape, \
    format_layer_error, jsonable, rf_dict
from conv_calc.render.layer import general_formula, layer_formulas, layer_text
from conv_calc.text import suggest, you_mean

__all__ = ["run", "lookup", "expand_input"]

#: The command-line flag of each short-form option, for messages.
FLAGS = {
    "kernel_size": "-k/--kernel-size", "stride": "-s/--stride", "padding": "-p/--padding",
    "dilation": "-d/--dilation", "output_padding": "--output-padding", "groups": "-g/--groups",
    "in_channels": "--in-channels", "out_channels": "--out-channels",
    "ceil_mode": "--ceil-mode", "bias": "--bias/--no-bias", "output_size": "--output-size",
}
# --in/--out also fill the features arguments of Linear and the norms.
ALIASES = {
    "in_channels": ("in_channels", "in_features", "num_features", "num_channels"),
    "out_channels": ("out_channels", "out_features"),
}
EXAMPLES = {"kernel_size": "-k 3", "in_channels": "--in 3", "out_channels": "--out 64",
            "output_size": "--output-size 7"}
DEFAULT_CHANNELS = 3


def lookup(name: str, exact: bool = False) -> type:
    """The layer class for a torch name, matched exactly, then (unless ``exact``) ignoring case."""
    from conv_calc.nn import LAYERS  # deferred: a Keras layer never needs every torch layer

    bare = name.strip()
    for prefix in ("torch.nn.", "nn."):
        if bare.startswith(prefix):
            bare = bare[len(prefix):]
    if bare in LAYERS:
        return LAYERS[bare]
    folded = {k.lower(): v for k, v in LAYERS.items()}
    if bare.lower() in folded and not exact:
        return folded[bare.lower()]
    names = [folded[n].__name__ for n in suggest(bare, folded, prefixes=False)]
    hint = (you_mean(names) or
            "layer names are torch.nn class names, e.g. Conv2d, MaxPool2d, ConvTranspose2d.")
    fail(f"unknown layer {bare[:80]!r}", hint)


def _params(cls: type) -> dict[str, inspect.Parameter]:
    try:
        sig = inspect.signature(cls.__init__)
    except (TypeError, ValueError):  # pragma: no cover - every layer has a Python __init__
        return {}
    return {k: p for k, p in sig.parameters.items()
            if k != "self" and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)}


def expand_input(shape: tuple[int, ...], n: int | None, channels: int) -> tuple[int, ...]:
    """Spatial sizes only (``224``, ``224x224``) become ``(1, channels, ...)``.

    >>> expand_input((224,), 2, 3), expand_input((32, 32), 2, 8), expand_input((1, 3, 8, 8), 2, 3)
    ((1, 3, 224, 224), (1, 8, 32, 32), (1, 3, 8, 8))
    """
    if n is None:
        return shape
    if len(shape) == 1 and n > 1:
        shape = shape * n
    if len(shape) == n:
        return (1, channels, *shape)
    return shape


def _short_kwargs(cls: type, options: dict[str, Any], shape: tuple[int, ...],
                  n: int | None, later: tuple[str, ...] = ()) -> dict[str, Any]:
    """The constructor's keyword arguments from the short-form options; ``later`` names the
    arguments filled in afterwards (an adaptive pool's output_size from --output-size)."""
    params = _params(cls)
    kwargs: dict[str, Any] = {}
    for option, raw in options.items():
        targets = [t for t in ALIASES.get(option, (option,)) if t in params]
        if not targets:
            accepted = [f for o, f in FLAGS.items() if any(t in params for t in ALIASES.get(o, (o,)))]
            fail(f"{cls.__name__} has no argument for {FLAGS[option]}",
                 f"{cls.__name__} takes: {', '.join(accepted) or 'no short-form options'}.")
        if isinstance(raw, str):
            try:
                value = parse_option_value(raw, words=option in WORD_OPTIONS)
            except ShapeError as err:
                fail(f"{FLAGS[option]}: {err}", err.hint)
        else:
            value = raw
        kwargs[targets[0]] = value
    channels = _channels_from(shape, n)
    for option in ("in_channels", "out_channels"):
        target = next((t for t in ALIASES[option] if t in params), None)
        if target is None or target in kwargs or params[target].default is not inspect._empty:
            continue
        if option == "in_channels":
            kwargs[target] = channels
        else:
            in_target = next((t for t in ALIASES["in_channels"] if t in kwargs), None)
            kwargs[target] = kwargs[in_target] if in_target else channels
    missing = [k for k, p in params.items()
               if p.default is inspect._empty and k not in kwargs and k not in later]
    if missing and missing[0] not in FLAGS:  # PixelShuffle's upscale_factor, Threshold's value...
        call = ", ".join(f"{k}=..." for k in missing)
        fail(f"{cls.__name__} needs {', '.join(missing)}, which the short form has no option for",
             f"write the constructor instead: conv-calc layer '{cls.__name__}({call})' --input "
             "1x3x224x224")
    if missing:
        flag = FLAGS.get(missing[0], missing[0])
        fail(f"{cls.__name__} needs {missing[0]}: give {flag}",
             f"for example: conv-calc layer {cls.__name__.lower()} --input 224 "
             f"{EXAMPLES.get(missing[0], flag.split('/')[0] + ' 1')}")
    return kwargs


def _channels_from(shape: tuple[int, ...], n: int | None) -> int:
    if n is not None and len(shape) >= n + 1:
        return shape[-(n + 1)]
    return DEFAULT_CHANNELS


def _layer_channels(layer: Any) -> int:
    for name in ("in_channels", "num_features", "num_channels"):
        value = getattr(layer, name, None)
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    return DEFAULT_CHANNELS


def _title(layer: Any, ctor: Ctor) -> str:
    if type(layer).__repr__ is not object.__repr__:
        try:
            return repr(layer)
        except Exception:  # noqa: BLE001 - a repr must never stop the explanation
            pass
    return format_ctor(ctor)


def receptive_field(layer: Any, shape: tuple[int, ...]) -> Any:
    """The layer's receptive field (via the stack analysis), or None where undefined."""
    try:
        from conv_calc.graph.stack import Stack  # deferred: only a layer that builds needs it

        mode = "train" if getattr(layer, "training", True) else "eval"  # the layer's own mode
        report = Stack([layer], mode=mode).analyze(input_shape=shape)
    except (NotImplementedError, ImportError, LayerError, ValueError):
        return None
    if not report.layers:
        return None
    for note in report.notes:  # a period past what conv-calc follows: said, not left out
        sys.stderr.write(f"note: {note}\n")
    return report.layers[0].receptive_field


def _keras_ctor(spec: str) -> bool:
    """A constructor written with a Keras prefix or a Keras-only class name (Conv2D)."""
    if "(" not in spec and ")" not in spec:
        return False
    from conv_calc.cli.layer_keras import is_keras_ctor  # deferred: only a constructor needs it

    try:
        ctor = parse_ctor(spec)
    except CtorError:  # unreadable arguments: judge by the name, so Keras's hint is given
        head = re.match(r"\s*((?:\w+\.)*)(\w+)\s*\(", spec)
        if head is None:
            return False
        ctor = Ctor(head.group(2), module=head.group(1).rstrip("."))
    return is_keras_ctor(ctor)


def run(spec: str, input_text: str | None, options: dict[str, Any], output_size_text: str | None,
        fmt: str, framework: str | None = None, mode: str | None = None) -> int:
    """The whole command; returns the exit code (usage errors go through ``fail``).

    ``mode`` ("train", the default as torch builds modules, or "eval") is the layer's
    ``training`` (``.eval()``); every output says which.

    Keras layers (``framework="keras"``, or a constructor :func:`_keras_ctor` recognises)
    go to :mod:`conv_calc.cli.layer_keras`.
    """
    if framework == "keras" or (framework is None and _keras_ctor(spec)):
        # Deferred: torch layers never need it.
        from conv_calc.cli import layer_keras as cli_layer_keras
        return cli_layer_keras.run(spec, input_text, options, output_size_text, fmt)
    if input_text is None:
        fail("--input is required: the output shape depends on it",
             "give the full shape (--input 1x3x224x224) or only the spatial size (--input 224).")
    try:
        given = parse_shape(input_text)
    except ShapeError as err:
        fail(f"--input: {err}", err.hint)

    if "(" in spec or ")" in spec:
        if options:
            flags = ", ".join(FLAGS[k] for k in options)
            fail(f"{flags} only go with the short form (a layer name such as conv2d)",
                 "put the values into the constructor instead, e.g. 'Conv2d(3, 64, kernel_size=3, "
                 "stride=2)'.")
        try:
            ctor = parse_ctor(spec)
        except CtorError as err:
            fail(f"cannot read the layer: {err} (column {err.column})",
                 err.hint or ("write it as in PyTorch code, e.g. "
                              "'Conv2d(3, 64, kernel_size=3, stride=2, padding=1)'."),
                 detail="".join(f"  {line}\n" for line in err.caret().splitlines()))
        cls = lookup(ctor.type, exact=True)
        n = cls.spatial_dims
        kwargs = dict(ctor.kwargs)
        args = ctor.args
    else:
        cls = lookup(spec)
        n = cls.spatial_dims
        kwargs = _short_kwargs(cls, options, given, n,
                               later=("output_size",) if output_size_text is not None else ())
        args = ()
        ctor = Ctor(cls.__name__, (), kwargs)

    forward_kwargs: dict[str, Any] = {}
    output_size = None
    if output_size_text is not None:
        try:
            output_size = parse_shape(output_size_text)
        except ShapeError as err:
            fail(f"--output-size: {err}", err.hint)
        if n and len(output_size) == 1 and n > 1:
            output_size = output_size * n
        if cls.forward_output_size:
            forward_kwargs["output_size"] = list(output_size)
        elif "output_size" in _params(cls) and "output_size" not in kwargs and not ctor.args:
            kwargs["output_size"] = output_size
            ctor = Ctor(ctor.type, ctor.args, kwargs)
            output_size = None
        else:
            fail(f"--output-size does not apply to {cls.__name__}",
                 "it is forward's output_size of transposed convs and max unpooling, or the "
                 "output_size of adaptive pools.")

    try:
        built = cls(*args, **kwargs)
    except LayerError as err:
        return _report_error(err, format_ctor(ctor), cls.__name__, given, fmt)
    mode = mode or "train"
    built.train(mode == "train")
    shape = input_exists(expand_input(given, n, _layer_channels(built)))  # else exit 2
    title = _title(built, ctor)
    try:
        out = tuple(built.output_shape(shape, **forward_kwargs))
    except LayerError as err:
        return _report_error(err, title, cls.__name__, shape, fmt, mode)
    params = built.param_count()
    macs = built.macs(shape, out)
    rf = receptive_field(built, shape)
    formulas = layer_formulas(cls.__name__, built, shape, out, output_size)
    general = general_formula(cls.__name__, bool(getattr(built, "ceil_mode", False)))
    if fmt == "json":
        sys.stdout.write(dumps({
            "schema_version": SCHEMA_VERSION, "layer": title, "type": cls.__name__,
            "mode": mode, "input_shape": jsonable(shape), "output_shape": jsonable(out),
            "params": params, "macs": macs, "receptive_field": rf_dict(rf),
            "formulas": formulas, "error": None,
        }))
    else:
        sys.stdout.write(layer_text(title=title, input_shape=shape, output_shape=out,
                                    formulas=formulas, general=general, rf=rf, params=params,
                                    macs=macs, mode=mode))
    return EXIT_OK


def _report_error(err: LayerError, title: str, type_name: str, shape: tuple[int, ...],
                  fmt: str, mode: str | None = None) -> int:
    """A layer that fails: at construction (``mode`` None: no mode applies yet) or in forward."""
    if fmt == "json":
        sys.stdout.write(dumps({
            "schema_version": SCHEMA_VERSION, "layer": title, "type": type_name,
            **({} if mode is None else {"mode": mode}), "input_shape": jsonable(shape), "output_shape": None, "params": None, "macs": None,
            "receptive_field": None, "formulas": [], "error": error_dict(err),
        }))
        return EXIT_PROBLEM
    sys.stdout.write(f"{title}\n\ninput   {fmt_shape(shape)}\n"
                     + ("" if mode is None else f"mode    {mode}\n"))
    when = "cannot be built" if err.stage == "init" else "fails in forward"
    sys.stderr.write(f"error: {type_name} {when}:\n{format_layer_error(err)}\n")
    return EXIT_PROBLEM

