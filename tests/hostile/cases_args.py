"""Hostile arguments: sizes, short options, constructors, option values, text, arg lists."""

from __future__ import annotations

from tests.hostile import make
from tests.hostile.runner import FIFO, Case

TINY = str(make.EXAMPLES / "tiny.yaml")
UNET = str(make.EXAMPLES / "unet-padded.yaml")
ANY = frozenset({0, 1, 2})
ERR = frozenset({1, 2})
TWO = frozenset({2})
ONE = frozenset({1})
ZERO = frozenset({0})
BIG = str(10**30)
HUGE = "9" * 5000
INT64 = str(2**63)


def torch_layer(ctor: str, shape: tuple[int, ...]):
    """Live torch's answer for ``ctor`` on an input of ``shape`` (small or refused early)."""
    def answer():
        import warnings

        import torch
        from torch import nn

        warnings.simplefilter("ignore")  # torch warns on zero-size weights
        try:
            module = eval(ctor, {"nn": nn, "__builtins__": {}}, vars(nn))  # noqa: S307 - ours
            return "shape", tuple(module(torch.zeros(shape)).shape)
        except Exception as err:  # noqa: BLE001 - any torch error is the expectation
            return "error", str(err)
    return answer


# ------------------------------------------------------------------ sizes

#: --input values and what must happen (conv2d -k 3 on them).
INPUTS = {
    "zero": ("0", ERR), "negative": ("-1", TWO), "big": (BIG, TWO), "huge-digits": (HUGE, TWO),
    "int64-max": (str(2**63 - 1), ERR), "int64-over": (INT64, TWO), "float": ("2.5", TWO),
    "exp": ("1e3", TWO), "bool": ("true", TWO), "word": ("abc", TWO), "hex": ("0x10", ERR),
    "empty": ("", TWO), "space": (" ", TWO), "trailing-x": ("1x", TWO), "lone-x": ("x", TWO),
    "double-x": ("1xx2", TWO), "double-comma": ("1,,2", TWO), "nan": ("nan", TWO),
    "inf": ("inf", TWO), "arabic-digits": ("\u0661\u0662", TWO), "superscript": ("\u00b2", TWO),
    "underscore": ("1_000", TWO), "plus": ("+5", ANY), "eight-dims": ("1x1x1x1x1x1x1x8", ONE),
    "overflow-count": ("1x3x4000000000x4000000000", ERR),
    "overflow-count-spatial": ("4000000000x4000000000", ERR),
    "overflow-channels": (f"1x{2**62}x8x8", ERR),
    "batch-zero": ("0x3x8x8", ANY), "ok": ("1x3x8x8", ZERO),
}

#: Short-form option values (conv2d -i 8 OPTION VALUE): letters and fractions are usage errors.
SHORT_VALUES = {"letters": ("abc", TWO), "float": ("2.5", TWO), "arabic": ("\u0663", TWO),
                "three-axes": ("2x2x2", ERR), "big": (BIG, ERR), "negative": ("-1", ERR)}
SHORT_OPTIONS = ("-k", "-s", "-p", "-d", "-g", "--output-padding", "--in", "--out")

#: Values torch itself judges: the short form must agree (Conv2d on 1x3x8x8).
SHORT_TORCH = {"-k": "kernel_size", "-s": "stride", "-p": "padding", "-d": "dilation"}


def size_cases() -> list[Case]:
    cases = []
    for case_id, (value, exits) in INPUTS.items():
        cases.append(Case(f"layer-input-{case_id}", "sizes",
                          ("layer", "conv2d", "-i", value, "-k", "3"), exits=exits))
    for case_id in ("big", "overflow-count", "overflow-count-spatial", "float", "negative",
                    "word"):
        value, exits = INPUTS[case_id]
        cases.append(Case(f"stack-input-{case_id}", "sizes", ("stack", TINY, "-i", value),
                          exits=exits))
        cases.append(Case(f"solve-padding-input-{case_id}", "sizes",
                          ("solve", "padding", "Conv2d(3, 8, 3)", "-i", value, "-o", "4"),
                          exits=exits))
    for option in SHORT_OPTIONS:
        for case_id, (value, exits) in SHORT_VALUES.items():
            cases.append(Case(f"layer-short{option}-{case_id}", "sizes",
                              ("layer", "convtranspose2d" if option == "--output-padding"
                               else "conv2d", "-i", "1x4x8x8", option, value), exits=exits))
    for option, keyword in SHORT_TORCH.items():
        for value in ("0", "-1", "9"):
            ctor = f"nn.Conv2d(3, 3, {keyword}={value})" if keyword != "kernel_size" else \
                f"nn.Conv2d(3, 3, {value})"
            if keyword != "kernel_size":
                ctor = f"nn.Conv2d(3, 3, 3, {keyword}={value})"
            cases.append(Case(f"layer-torch{option}-{value}", "sizes",
                              ("layer", "conv2d", "-i", "1x3x8x8", *(("-k", "3")
                               if option != "-k" else ()), option, value),
                              exits=ANY, torch=torch_layer(ctor, (1, 3, 8, 8))))
    # The short form's --output-size fills an adaptive pool's output_size (it was refused).
    for value in ("7", "4000000000"):
        cases.append(Case(f"layer-adaptive-output-size-{value}", "sizes",
                          ("layer", "adaptiveavgpool2d", "-i", "1x4x8x8", "--output-size", value),
                          exits=ANY, torch=torch_layer(f"nn.AdaptiveAvgPool2d({value})",
                                                       (1, 4, 8, 8))))
    # Transposed convs: torch's shape check takes int32 strides; huge periods are bounded.
    for stride in ("3000000000", str(2**31), str(2**32 + 2), "10000000"):
        for nd in (1, 2, 3):
            ctor = f"nn.ConvTranspose{nd}d(1, 1, 1, stride={stride})"
            shape = (1, 1) + (1,) * nd
            cases.append(Case(f"layer-convt{nd}d-stride-{stride}", "sizes",
                              ("layer", ctor[3:], "-i", "x".join(map(str, shape))), exits=ANY,
                              torch=torch_layer(ctor, shape)))
    cases.append(Case("layer-convt-dilation-int32", "sizes",
                      ("layer", "ConvTranspose2d(1, 1, 1, dilation=3000000000)", "-i", "1x1x1x1"),
                      exits=ONE, torch=torch_layer("nn.ConvTranspose2d(1, 1, 1, dilation=3000000000)",
                                                   (1, 1, 1, 1))))
    periods = {"convt": "  - ConvTranspose2d: {out_channels: 1, kernel_size: 3, stride: 10000000}\n",
               "upsample": "  - Upsample: {scale_factor: 1000000}\n",
               "adaptive": "  - AdaptiveAvgPool1d: {output_size: 99991}\n",
               "composed": "  - ConvTranspose1d: {out_channels: 1, kernel_size: 3, stride: 1009}\n"
                           "  - ConvTranspose1d: {out_channels: 1, kernel_size: 3, stride: 1013}\n"
                           "  - Conv1d: {out_channels: 1, kernel_size: 3, stride: 7}\n"}
    for case_id, layers in periods.items():
        shape = "[1, 1, 100000]" if case_id in ("adaptive", "composed") else "[1, 1, 8, 8]"
        for command in ("stack", "draw-rf") if case_id != "convt" else ("stack", "lint",
                                                                         "draw-rf"):
            argv = ("draw", "rf", "{d}/n.yaml") if command == "draw-rf" else (command, "{d}/n.yaml")
            # stack and lint give the shapes (the fields stop, with a note); draw rf refuses
            cases.append(Case(f"file-period-{case_id}-{command}", "sizes", argv,
                              files={"n.yaml": make.stack(layers, input=shape)},
                              exits=ERR if command == "draw-rf" else ZERO,
                              expect=(None if command == "lint" else r"periods up to"
                                      if command == "stack" else r"periods up to|cells counted"),
                              timeout=20))
    # Tensors that outgrow a small input: draw's per-pixel counts are bounded too.
    for case_id, layer in {"convt": "ConvTranspose2d: {out_channels: 1, kernel_size: 3, "
                                    "stride: 1000}",
                           "upsample": "Upsample: {scale_factor: 1000}"}.items():
        files = {"n.yaml": make.stack(f"  - {layer}\n", input="[1, 1, 64, 64]")}
        for command in ("rf", "overlap"):
            cases.append(Case(f"draw-{command}-grows-{case_id}", "sizes",
                              ("draw", command, "{d}/n.yaml", *(("-f", "json")
                               if command == "overlap" else ())), files=files,
                              expect=r"cells counted"))
    # Stack files with hostile input shapes.
    shapes = {"big": f"[1, 3, {BIG}, {BIG}]", "overflow": "[1, 3, 4000000000, 4000000000]",
              "negative": "[1, 3, -8, 8]", "float": "[1, 3, 8.5, 8]", "bool": "[1, 3, true, 8]",
              "string": "[1, 3, '8', 8]", "inf": "[1, 3, .inf, 8]", "nan": "[1, 3, .nan, 8]",
              "empty": "[]", "huge-digits": f"[1, 3, {HUGE}, 8]", "nested": "[[1, 3], 8, 8]",
              "mapping": "{a: 1}"}
    for case_id, shape in shapes.items():
        files = {"n.yaml": make.stack(make.CONV, input=shape)}
        cases.append(Case(f"file-input-{case_id}", "sizes", ("stack", "{d}/n.yaml"),
                          files=files, exits=ERR))
        if case_id in ("big", "overflow", "bool"):
            cases.append(Case(f"file-input-{case_id}-lint", "sizes", ("lint", "{d}/n.yaml"),
                              files=files, exits=ERR))
    # Output sizes that overflow although the input does not.
    grow = {"upsample": "  - Upsample: {scale_factor: 1000000000}\n",
            # torch's shape check reads the stride as an int32: -1294967296.
            "convt": "  - ConvTranspose2d: {out_channels: 3, kernel_size: 3, stride: 3000000000}\n",
            "pad": "  - ZeroPad2d: {padding: 4000000000}\n",
            "linear": "  - Flatten\n  - Linear: {out_features: 4611686018427387904}\n"}
    for case_id, layers in grow.items():
        cases.append(Case(f"file-output-overflow-{case_id}", "sizes", ("stack", "{d}/n.yaml"),
                          files={"n.yaml": make.stack(layers, input="[1, 3, 8, 8]")},
                          exits=ERR,
                          expect=r"overflow|greater than zero" if case_id == "convt" else
                          r"overflow|64 bits|too large|exceed"))
    return cases


# ------------------------------------------------------------------ constructors

#: Constructor strings for `layer` (-i 1x3x8x8): id -> (ctor, exits, live-torch-checkable).
CTORS = {
    "repeated-kw": ("Conv2d(3, 8, kernel_size=3, kernel_size=5)", TWO, False),
    "positional-and-kw": ("Conv2d(3, 8, 3, kernel_size=5)", ERR, True),
    "positional-after-kw": ("Conv2d(3, out_channels=8, 3)", TWO, False),
    "unknown-kw": ("Conv2d(3, 8, 3, kernal_size=3)", ERR, True),
    "bool-kernel": ("Conv2d(3, 8, kernel_size=True)", ANY, True),
    "float-kernel": ("Conv2d(3, 8, kernel_size=2.0)", ERR, True),
    "str-kernel": ("Conv2d(3, 8, kernel_size='3')", ERR, True),
    "tuple1-kernel": ("Conv2d(3, 8, kernel_size=(3,))", ERR, True),
    "tuple3-kernel": ("Conv2d(3, 8, kernel_size=(3, 3, 3))", ERR, True),
    "big-kernel": (f"Conv2d(3, 8, kernel_size={BIG})", ERR, True),
    "big-channels": (f"Conv2d(3, {BIG}, 3)", ERR, True),
    "int64-groups": (f"Conv2d(3, 3, 3, groups={2**63})", ERR, True),
    "zero-groups": ("Conv2d(3, 3, 3, groups=0)", ERR, True),
    "neg-padding": ("Conv2d(3, 3, 3, padding=-1)", ERR, True),
    "same-stride": ("Conv2d(3, 3, 3, stride=2, padding='same')", ERR, True),
    # Not live: torch prints a set, whose order changes from run to run.
    "full-padding": ("Conv2d(3, 3, 3, padding='full')", ERR, False),
    "circular-big": ("Conv2d(3, 3, 3, padding=9, padding_mode='circular')", ERR, True),
    "pool-big-pad": ("MaxPool2d(2, padding=5)", ERR, True),
    "nested-call": ("Conv2d(3, 8, int(3))", TWO, False),
    "dunder": ("__import__('os').system('echo pwned')", TWO, False),
    "lambda": ("(lambda: 1)()", TWO, False),
    "attribute": ("Conv2d.__class__", TWO, False),
    "starargs": ("Conv2d(*[3, 8, 3])", TWO, False),
    "kwargs-splat": ("Conv2d(3, 8, **{'kernel_size': 3})", TWO, False),
    "deep-parens": ("(" * 5000 + "Conv2d(3, 8, 3)" + ")" * 5000, TWO, False),
    "deep-tuple": ("Conv2d(3, 8, " + "(" * 3000 + "3" + ",)" * 3000 + ")", TWO, False),
    "long": ("Conv2d(3, 8, 3" + ", bias=True" * 10000 + ")", TWO, False),
    "huge-literal": (f"Conv2d(3, 8, {HUGE})", ERR, False),
    "unclosed": ("Conv2d(3, 8, 3", TWO, False),
    "empty": ("", TWO, False),
    "nul-free-junk": ("\x01\x02Conv2d", TWO, False),
    "esc-name": ("\x1b[2J\x1b]0;title\x07Conv2d(3, 8, 3)", TWO, False),
    "esc-string-arg": ("Conv2d(3, 8, 3, padding='\x1b[2J')", ERR, False),
    "bidi-name": ("Conv\u202e2d(3, 8, 3)", TWO, False),
    "bidi-string-arg": ("Conv2d(3, 8, 3, padding_mode='\u2066zeros')", ERR, False),
    "unknown-layer": ("Conv9d(3, 8, 3)", TWO, False),
    "keras-zero-padding": ("ZeroPadding2D(-3)", ERR, False),
    "keras-strides-zero": ("Conv2D(8, 3, strides=0)", ERR, False),
    "keras-big-filters": (f"Conv2D({BIG}, 3)", ERR, False),
    "keras-repeated-kw": ("Conv2D(8, 3, strides=1, strides=2)", TWO, False),
}


def ctor_cases() -> list[Case]:
    cases = []
    for case_id, (ctor, exits, live) in CTORS.items():
        keras = case_id.startswith("keras")
        shape = "1x5x4x3" if keras else "1x3x8x8"
        cases.append(Case(f"ctor-{case_id}", "constructors", ("layer", ctor, "-i", shape),
                          exits=exits,
                          torch=torch_layer("nn." + ctor, (1, 3, 8, 8)) if live else None))
    # Bytes that are not UTF-8: a lone surrogate once Python decodes the argument.
    for where, argv in {
        "layer": (b"layer", b"Conv2d(3, 8, 3, padding_mode='\xff')", b"-i", b"8"),
        "layer-name": (b"layer", b"\xffconv2d", b"-i", b"8"),
        "layer-input": (b"layer", b"conv2d", b"-i", b"8\xff"),
        "solve": (b"solve", b"padding", b"Conv2d(3, 8, 3\xff)", b"-i", b"8", b"-o", b"8"),
        "draw": (b"draw", b"layer", b"conv2d\xff", b"-i", b"8"),
        "stack-input": (b"stack", TINY.encode(), b"-i", b"\xff"),
        "lint-select": (b"lint", TINY.encode(), b"--select", b"CC\xff"),
    }.items():
        cases.append(Case(f"surrogate-{where}", "text", argv, exits=ERR))
    return cases


# ------------------------------------------------------------------ option values

def option_cases() -> list[Case]:
    options = {
        "stack-depth-negative": (("stack", TINY, "--depth", "-1"), TWO),
        "stack-depth-letters": (("stack", TINY, "--depth", "abc"), TWO),
        "stack-depth-big": (("stack", TINY, "--depth", BIG), ANY),
        "stack-format-bad": (("stack", TINY, "-f", "pdf"), TWO),
        "stack-format-repeated": (("stack", TINY, "-f", "json", "-f", "csv"), ZERO),
        "stack-input-repeated": (("stack", TINY, "-i", "32", "-i", "32"), ZERO),
        "stack-two-files": (("stack", TINY, TINY), TWO),
        "stack-no-file": (("stack",), TWO),
        "stack-unknown-option": (("stack", TINY, "--frobnicate"), TWO),
        "stack-spatial-input": (("stack", TINY, "-i", "224"), ZERO),
        "stack-html-no-output": (("stack", TINY, "-f", "html"), ANY),
        # --input overrides the shape the file's expect: was written for: not checked, said so.
        "stack-expect-overridden": (("stack", TINY, "-i", "64"), ZERO),
        "layer-repeated-option": (("layer", "conv2d", "-i", "8", "-k", "3", "-k", "5"), ZERO),
        "layer-equals-short": (("layer", "conv2d", "-i=8", "-k", "3"), ERR),
        "layer-framework-bad": (("layer", "conv2d", "-i", "8", "--framework", "jax"), TWO),
        "solve-range-reversed": (("solve", "input-sizes", TINY, "--range", "10..1"), TWO),
        "solve-range-big": (("solve", "input-sizes", TINY, "--range", f"1..{BIG}"), ANY),
        "solve-range-list-big": (("solve", "input-sizes", TINY, "--range", "1..100000000",
                                  "--list"), ANY),
        "solve-range-negative": (("solve", "input-sizes", TINY, "--range", "-5..5"), TWO),
        "solve-range-letters": (("solve", "input-sizes", TINY, "--range", "a..b"), TWO),
        "solve-range-open": (("solve", "input-sizes", TINY, "--range", "1.."), TWO),
        "solve-range-huge": (("solve", "input-sizes", TINY, "--range", f"1..{HUGE}"), ERR),
        "solve-axis-bad": (("solve", "input-sizes", TINY, "--axis", "Q"), TWO),
        "solve-axis-far": (("solve", "input-sizes", TINY, "--axis", "-9"), TWO),
        "solve-axis-big": (("solve", "input-sizes", TINY, "--axis", BIG), TWO),
        "solve-square-joint": (("solve", "input-sizes", UNET, "--square", "--joint"), ANY),
        "solve-square-list": (("solve", "input-sizes", UNET, "--square", "--list",
                               "--range", "1..100000"), ZERO),
        "solve-joint-list": (("solve", "input-sizes", UNET, "--joint", "--list"), ANY),
        "solve-joint-big": (("solve", "input-sizes", UNET, "--joint", "--range",
                             "1..1000000000"), ANY),
        "solve-square-json": (("solve", "input-sizes", UNET, "--square", "-f", "json"), ZERO),
        "solve-padding-huge-out": (("solve", "padding", "Conv2d(3, 8, 3)", "-i", "8",
                                    "-o", BIG), ERR),
        "solve-padding-zero-out": (("solve", "padding", "Conv2d(3, 8, 3)", "-i", "8",
                                    "-o", "0"), ANY),
        "solve-padding-axes": (("solve", "padding", "Conv2d(3, 8, 3)", "-i", "8x8",
                                "-o", "8x8x8"), TWO),
        "solve-padding-not-conv": (("solve", "padding", "ReLU()", "-i", "8", "-o", "8"), TWO),
        "solve-stride-max-big": (("solve", "stride", "Conv1d(1, 1, 3)", "-i", "1000000",
                                  "-o", "1", "--max-stride", "1000000",
                                  "--max-dilation", "3000"), ANY),
        "solve-stride-pool-max-big": (("solve", "stride", "MaxPool1d(3)", "-i", "1000000",
                                       "-o", "1", "--max-stride", "1000000",
                                       "--max-dilation", "1000"), ZERO),
        "solve-padding-pool-huge-stride": (("solve", "padding", "MaxPool1d(3, stride=1000000000, "
                                            "ceil_mode=True)", "-i", "10", "-o", "2"), ZERO),
        "solve-stride-max-over": (("solve", "stride", "Conv1d(1, 1, 3)", "-i", "8", "-o", "2",
                                   "--max-stride", BIG), TWO),
        "solve-op-huge-stride": (("solve", "output-padding", "Conv2d(3, 8, 3, stride=10000000)"),
                                 ZERO),
        "solve-op-big-stride": (("solve", "output-padding", f"Conv2d(3, 8, 3, stride={BIG})"),
                                ANY),
        "solve-op-transposed-bad": (("solve", "output-padding", "Conv2d(3, 8, 3)", "-t",
                                     "Conv2d(8, 3, 3)"), TWO),
        "solve-op-huge-input": (("solve", "output-padding", "Conv2d(3, 8, 3, stride=2)", "-i",
                                 BIG), ERR),
        "lint-select-unknown": (("lint", TINY, "--select", "ZZZ9"), TWO),
        "lint-select-empty": (("lint", TINY, "--select", ""), ANY),
        "lint-fail-on-bad": (("lint", TINY, "--fail-on", "sometimes"), TWO),
        "lint-format-bad": (("lint", TINY, "-f", "xml"), TWO),
        "lint-config-missing": (("lint", TINY, "--config", "{d}/nope.toml"), TWO),
        "lint-config-dev-zero": (("lint", TINY, "--config", "/dev/zero"), TWO),
        "lint-config-dir": (("lint", TINY, "--config", "{d}"), TWO),
        "lint-config-fifo": (("lint", TINY, "--config", "{d}/fifo"), TWO),
        "layer-keras-convt-period": (("layer", "conv2dtranspose", "--framework", "keras", "-i",
                                      "None,8,8,3", "-k", "3", "-s", "100000"), ZERO),
        "draw-padding-huge": (("draw", "layer", "conv2d", "-i", "40x40", "-k", "3", "-p",
                               "100000", "--sheet"), TWO),
        "draw-convt-stride-huge": (("draw", "layer", "convtranspose2d", "-i", "40x40", "-k", "3",
                                    "-s", "100000"), TWO),
        "draw-convt-output-big": (("draw", "layer", "convtranspose2d", "-i", "40x40", "-k", "40",
                                   "-s", "40"), TWO),
        "draw-sheet-big-grids": (("draw", "layer", "convtranspose2d", "-i", "40x40", "-k", "4",
                                  "-s", "4", "--sheet"), ZERO),
        "draw-input-big": (("draw", "layer", "conv2d", "-i", "1000x1000", "-k", "3"), TWO),
        "draw-input-huge": (("draw", "layer", "conv2d", "-i", BIG, "-k", "3"), TWO),
        "draw-at-far": (("draw", "rf", TINY, "--layer", "conv1", "--at", "999,999"), TWO),
        "draw-at-negative": (("draw", "rf", TINY, "--layer", "conv1", "--at", "-1,-1"), TWO),
        "draw-at-letters": (("draw", "rf", TINY, "--at", "a,b"), TWO),
        "draw-at-big": (("draw", "rf", TINY, "--layer", "conv1", "--at", f"{BIG},1"), TWO),
        "draw-layer-missing": (("draw", "rf", TINY, "--layer", "nope"), TWO),
        "draw-layer-esc": (("draw", "overlap", TINY, "--layer", "\x1b[2Jx"), TWO),
        "draw-overlap-json-big": (("draw", "overlap", TINY, "-i", "1x3x4000x4000", "-f",
                                   "json"), ANY),
        "draw-rf-big-input": (("draw", "rf", TINY, "-i", "1x3x100000x100000"), ANY),
        "solve-op-stride-int64": (("solve", "output-padding", f"Conv1d(1, 1, 5, stride={BIG})"),
                                  TWO),
        "solve-padding-pool-int64": (("solve", "padding", f"MaxPool1d(3, stride={BIG})", "-i",
                                      "10", "-o", "5"), TWO),
        "export-to-bad": (("export", TINY, "--to", "jax"), TWO),
        "export-no-to": (("export", TINY), TWO),
        "import-torch-no-colon": (("import", "torch", "model", "-i", "1x3x8x8"), TWO),
        "import-unknown": (("import", "caffe", TINY), TWO),
        "rule-unknown": (("rule", "CC999"), TWO),
        "rule-esc": (("rule", "\x1b[2J"), TWO),
        "no-command": ((), ANY),
        "unknown-command": (("frobnicate",), TWO),
        "version-extra": (("--version", "x"), ANY),
    }
    messages = {"layer-keras-convt-period": r"^note: receptive fields are not computed from row 0 "
                                            r"\(.*\) on: transposed stride 100000",
                "lint-config-dev-zero": r"character device", "lint-config-dir": r"directory",
                "lint-config-fifo": r"FIFO", "lint-config-missing": r"does not exist",
                "solve-op-stride-int64": r"Overflow when unpacking long long",
                "solve-padding-pool-int64": r"Overflow when unpacking long long"}
    return [Case(f"option-{case_id}", "options", argv, exits=exits, expect=messages.get(case_id),
                 files={"fifo": FIFO} if case_id == "lint-config-fifo" else {})
            for case_id, (argv, exits) in options.items()]


def env_cases() -> list[Case]:
    """Hostile environments: terminal widths and switches the table and lint read."""
    envs = {"columns-zero": {"COLUMNS": "0"}, "columns-negative": {"COLUMNS": "-5"},
            "columns-word": {"COLUMNS": "abc"}, "columns-huge": {"COLUMNS": "100000000"},
            "term-dumb": {"TERM": "dumb", "FORCE_COLOR": "1"},
            "github-actions": {"GITHUB_ACTIONS": "true"}}
    cases = []
    for case_id, env in envs.items():
        cases.append(Case(f"env-{case_id}-stack", "options", ("stack", TINY), env=env,
                          exits=ZERO))
        cases.append(Case(f"env-{case_id}-lint", "options",
                          ("lint", str(make.EXAMPLES / "broken-unet-skip.yaml")), env=env,
                          exits=ONE))
    return cases


def expect_cases() -> list[Case]:
    wrong = make.stack(make.CONV + "    expect: {output_shape: [1, 8, 31, 31]}\n")
    return [Case("stack-expect-mismatch", "options", ("stack", "{d}/n.yaml"), exits=ONE,
                 files={"n.yaml": wrong}, expect=r"expect"),
            Case("stack-expect-mismatch-json", "options", ("stack", "{d}/n.yaml", "-f", "json"),
                 exits=ONE, files={"n.yaml": wrong})]


def arglist_cases() -> list[Case]:
    """Long argument lists: linear work, one message per path."""
    return [
        Case("args-lint-100k-missing", "options", ("lint", *["x%d.yaml" % i
                                                             for i in range(100_000)])),
        Case("args-lint-2k-same", "options", ("lint", *["t.yaml"] * 2_000), exits=ZERO,
             files={"t.yaml": make.example("tiny.yaml")}),
        # A repeated option: the last one counts (Click's rule), in linear time.
        Case("args-layer-100k-options", "options",
             ("layer", "conv2d", "-i", "8", *["-k", "3"] * 50_000), exits=ZERO),
        Case("args-stack-100k-targets", "options", ("stack", *["t.yaml"] * 100_000),
             files={"t.yaml": make.example("tiny.yaml")}),
    ]


def cases() -> list[Case]:
    return (size_cases() + ctor_cases() + option_cases() + env_cases() + expect_cases()
            + arglist_cases())
