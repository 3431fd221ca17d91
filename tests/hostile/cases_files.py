"""Hostile file contents: stack-file YAML, pyproject.toml, .keras zips, ONNX protobufs,
Python model files for ``import torch``."""

from __future__ import annotations

import importlib.util

import io
import os
import zipfile

from tests.hostile import make
from tests.hostile.runner import DIR, FIFO, Case, link

ANY = frozenset({0, 1, 2})
ERR = frozenset({1, 2})
TWO = frozenset({2})
ZERO = frozenset({0})
TINY = make.example("tiny.yaml")
BIG = str(10**30)

# ------------------------------------------------------------------ stack-file YAML

#: id -> (file bytes, exit codes of `stack`, expected text or None).
YAML = {
    "alias-bomb": (make.alias_bomb(), TWO, r"alias|anchor"),
    "recursive-alias": (b"a: &a [*a]\nversion: 1\ninput: [1, 3, 8, 8]\nlayers: *a\n", TWO, None),
    "merge-key": (b"base: &b {out_channels: 8}\nversion: 1\ninput: [1, 3, 8, 8]\n"
                  b"layers:\n  - Conv2d: {<<: *b, kernel_size: 3}\n", TWO, None),
    "python-tag": (make.stack("  - !!python/object/apply:os.system ['echo pwned']\n"), TWO,
                   None),
    "custom-tag": (make.stack("  - !Conv2d {out_channels: 8, kernel_size: 3}\n"), TWO, None),
    "binary-tag": (make.stack("  - !!binary aGVsbG8=\n"), TWO, None),
    "duplicate-top-key": (b"version: 1\ninput: [1, 3, 8, 8]\ninput: [1, 3, 9, 9]\nlayers:\n"
                          + make.CONV.encode(), TWO, r"[Dd]uplicate|twice|repeated|again"),
    "duplicate-arg": (make.stack("  - Conv2d: {out_channels: 8, kernel_size: 3, "
                                 "kernel_size: 5}\n"), TWO, r"[Dd]uplicate|twice|repeated|again"),
    "blocks-4-pow-10": (make.nested_blocks(10, 4), TWO, None),
    "blocks-2-pow-30": (make.nested_blocks(30, 2), TWO, None),
    "blocks-wide": (make.nested_blocks(2, 5000), ANY, None),
    "repeat-999999": (make.stack("  - {ReLU: null, repeat: 999999}\n"), TWO, None),
    "repeat-1000x1000": (make.nested_repeats(2, 1000), TWO, None),
    "repeat-10x4-deep": (make.nested_repeats(10, 4), TWO, None),
    "repeat-big": (make.stack("  - {ReLU: null, repeat: %s}\n" % BIG), TWO, None),
    "repeat-negative": (make.stack("  - {ReLU: null, repeat: -1}\n"), TWO, None),
    "repeat-float": (make.stack("  - {ReLU: null, repeat: 2.5}\n"), TWO, None),
    "repeat-bool": (make.stack("  - {ReLU: null, repeat: true}\n"), TWO, None),
    "repeat-string": (make.stack("  - {ReLU: null, repeat: '3'}\n"), TWO, None),
    "deep-list": (make.deep_list(5000), TWO, None),
    "deep-block": (make.deep_block(3000), TWO, None),
    "deep-map": (b"a: " + b"{a: " * 5000 + b"1" + b"}" * 5000 + b"\n", TWO, None),
    "binary": (bytes(range(256)) * 16, TWO, None),
    "utf16-bom": (TINY.decode().encode("utf-16"), ANY, None),
    "utf16-le": (TINY.decode().encode("utf-16-le"), TWO, None),
    "utf32": (TINY.decode().encode("utf-32"), ANY, None),
    "nul-inside": (TINY[:40] + b"\x00" + TINY[40:], TWO, None),
    "long-line": (make.stack("  - ReLU  # " + "x" * 1_000_000 + "\n"), ZERO, None),
    "over-cap": (lambda: b"# " + b"x" * (64 << 20) + b"\n", TWO, r"larger than"),
    "two-documents": (TINY + b"---\n" + TINY, TWO, None),
    "empty": (b"", TWO, None),
    "comments-only": (b"# nothing\n", TWO, None),
    "layers-null": (b"version: 1\ninput: [1, 3, 8, 8]\nlayers: null\n", ZERO, None),  # as []
    "layers-map": (b"version: 1\ninput: [1, 3, 8, 8]\nlayers: {a: 1}\n", TWO, None),
    "top-list": (b"- 1\n- 2\n", TWO, None),
    "top-scalar": (b"hello\n", TWO, None),
    "kernel-big": (make.stack("  - Conv2d: {out_channels: 8, kernel_size: %s}\n" % BIG),
                   ERR, None),
    "channels-inf": (make.stack("  - Conv2d: {out_channels: .inf, kernel_size: 3}\n"), ERR,
                     None),
    "channels-float-exp": (make.stack("  - Conv2d: {out_channels: 1e400, kernel_size: 3}\n"),
                           ERR, None),
    "channels-bool": (make.stack("  - Conv2d: {out_channels: true, kernel_size: 3}\n"), ERR,
                      None),
    "esc-name": (make.stack("  - ReLU:\n    name: \"\\e[2J\\e]0;pwned\\a\"\n"), ZERO, None),
    "bidi-name": (make.stack("  - ReLU:\n    name: \"\\u202Eevil\\u2066\"\n"), ZERO, None),
    "surrogate-name": (make.stack("  - ReLU:\n    name: \"\\uD800x\"\n"), ANY, None),
    "esc-layer-type": (make.stack("  - \"\\e[2JConv2d\": {out_channels: 8}\n"), TWO, None),
    "esc-key": (make.stack("  - Conv2d: {\"\\e[31mout\": 8}\n"), TWO, None),
    # YAML's printable set has no C1 controls, even in comments.
    "c1-in-comment": (make.stack("  - ReLU  # \u009b2J\n"), TWO, r"U\+009B"),
    "long-name": (make.stack("  - ReLU:\n    name: " + "n" * 100_000 + "\n"), ANY, None),
    "many-same-names": (make.stack("  - ReLU:\n    name: r\n" * 5000), ANY, None),
    "expression-bomb": (b"version: 1\ninput: [1, 3, 8, 8]\nblocks:\n  B:\n    params: {w: 1}\n"
                        b"    sequential:\n      - Conv2d: {out_channels: $w ** $w ** $w, "
                        b"kernel_size: 1}\nlayers:\n  - B: {w: 99}\n", ERR, None),
    "expression-huge": (b"version: 1\ninput: [1, 3, 8, 8]\nblocks:\n  B:\n    params: {w: 1}\n"
                        b"    sequential:\n      - Conv2d: {out_channels: $w * "
                        + b"9" * 4000 + b", kernel_size: 1}\nlayers:\n  - B: {w: 9}\n", ERR, None),
    "self-block": (b"version: 1\ninput: [1, 3, 8, 8]\nblocks:\n  B:\n    - B\nlayers:\n  - B\n",
                   TWO, None),
    "mutual-blocks": (b"version: 1\ninput: [1, 3, 8, 8]\nblocks:\n  A:\n    - B\n  B:\n    - A\n"
                      b"layers:\n  - A\n", TWO, None),
    "from-unknown": (make.stack("  - {ReLU: null, from: nowhere}\n"), TWO, None),
    "save-twice": (make.stack("  - {ReLU: null, save: a}\n  - {ReLU: null, save: a}\n"), ANY,
                   None),
    "mode-bad": (make.stack(make.CONV, head="mode: sideways\n"), TWO, None),
    "framework-bad": (make.stack(make.CONV, head="framework: jax\n"), TWO, None),
    "version-bad": (TINY.replace(b"version: 1", b"version: 99"), TWO, None),
}

#: Which commands read each YAML case (all: stack and lint; some: every reader).
EVERY_READER = {"alias-bomb", "blocks-4-pow-10", "repeat-1000x1000", "deep-list", "esc-name",
                "bidi-name", "surrogate-name", "binary", "duplicate-arg", "expression-bomb"}


#: The cases lint also reads (it shares stack's reader: the ones where its contract differs).
LINTED = EVERY_READER | {"over-cap", "empty", "two-documents", "utf16-le", "deep-map",
                         "expression-huge", "self-block", "python-tag", "channels-inf"}


def yaml_cases() -> list[Case]:
    cases = []
    for case_id, (data, exits, message) in YAML.items():
        files = {"n.yaml": data}
        cases.append(Case(f"yaml-{case_id}-stack", "yaml", ("stack", "{d}/n.yaml"), files=files,
                          exits=exits, expect=message))
        lint_exits = frozenset({0 if c == 0 else 1 for c in exits} | ({2} if 2 in exits and
                                                                     case_id == "over-cap" else set()))
        if case_id in LINTED:
            cases.append(Case(f"yaml-{case_id}-lint", "yaml",
                              ("lint", "{d}/n.yaml", "-f", "json"), files=files,
                              exits=ANY if exits == ANY else lint_exits))
        if case_id in EVERY_READER:
            for command, argv in {"export": ("export", "{d}/n.yaml", "--to", "torch"),
                                  "draw-rf": ("draw", "rf", "{d}/n.yaml"),
                                  "stack-depth": ("stack", "{d}/n.yaml", "--depth", "1",
                                                  "-f", "markdown")}.items():
                cases.append(Case(f"yaml-{case_id}-{command}", "yaml", argv, files=files,
                                  exits=ANY if exits != TWO else TWO))
    return cases


# ------------------------------------------------------------------ pyproject.toml

NOT_YAML = {"n.yaml": b"layers: [\n"}


def config_cases() -> list[Case]:
    configs = {
        "binary": (bytes(range(256)), TWO, r"TOML|UTF-8|pyproject"),
        "utf16": ('[tool.conv-calc]\nselect = ["CC1"]\n'.encode("utf-16"), TWO, r"UTF-8"),
        "deep-inline": (make.deep_toml(3000), TWO, r"nested too deeply|TOML"),
        "deep-tables-500": (make.deep_tables(500), ANY, None),
        "deep-arrays": (b"[tool.conv-calc]\nx = " + b"[" * 3000 + b"]" * 3000 + b"\n", TWO,
                        r"nested too deeply|TOML"),
        "select-int": (b"[tool.conv-calc]\nselect = 5\n", TWO, r"select"),
        "select-unknown": (b'[tool.conv-calc]\nselect = ["ZZZ"]\n', TWO, r"ZZZ"),
        "ignore-all": (b'[tool.conv-calc]\nignore = ["ALL"]\n', ERR, None),
        "select-cc1": (b'[tool.conv-calc]\nselect = ["CC1"]\n', ERR, None),
        "unknown-key": (b"[tool.conv-calc]\nfrobnicate = 1\n", ANY, None),
        "files-str": (b'[tool.conv-calc]\nfiles = "*.yaml"\n', ERR, None),  # one glob
        "esc-key": (b'[tool.conv-calc]\n"\\u001b[2J" = 1\n', ANY, None),
        "format-bad": (b'[tool.conv-calc]\noutput-format = "xml"\n', TWO, None),
        "per-file-esc": (b'[tool.conv-calc.per-file-ignores]\n"\\u001b[2J*.yaml" = ["CC2"]\n',
                         ANY, None),
        "huge": (b"[tool.conv-calc]\n" + b"# x\n" * 1_500_000, ANY, None),
        # Discovery takes regular files only: these are passed over (and do not block).
        "dir": (DIR, ERR, None),
        "fifo": (FIFO, ERR, None),
        "dev-zero": (link("/dev/zero"), ERR, None),
    }
    cases = []
    for case_id, (data, exits, message) in configs.items():
        files = {"pyproject.toml": data, **NOT_YAML}
        # A file that is not YAML stays a failure (exit 1 or 2) whatever the config selects.
        cases.append(Case(f"config-{case_id}", "config", ("lint", "n.yaml"), files=files,
                          exits=exits - {0} if case_id in ("ignore-all", "select-cc1") else exits,
                          expect=message))
    cases.append(Case("config-select-cli-cc1-broken-file", "config",
                      ("lint", "n.yaml", "--select", "CC1", "--isolated"), files=NOT_YAML,
                      exits=ERR))
    cases.append(Case("config-ignore-cli-all-broken-file", "config",
                      ("lint", "n.yaml", "--ignore", "ALL", "--isolated"), files=NOT_YAML,
                      exits=ERR))
    cases.append(Case("config-suppress-unknown-code", "config", ("lint", "n.yaml", "--isolated"),
                      files={"n.yaml": make.stack(
                          "  - ConvTranspose2d: {out_channels: 8, kernel_size: 3, stride: 2}"
                          "  # conv-calc: ignore[CC999]\n")}, exits=ANY,
                      expect=r"CC201|CC999"))
    cases.append(Case("config-suppress-esc", "config", ("lint", "n.yaml", "--isolated"),
                      files={"n.yaml": make.stack(make.CONV.rstrip("\n")
                                                  + "  # conv-calc: ignore[\x1b[2J]\n")},
                      exits=ANY))
    cases.append(Case("config-files-loop", "config", ("lint", "."),
                      files={"pyproject.toml": b'[tool.conv-calc]\nfiles = ["**/*.yaml"]\n',
                             "m/loop": link(".."), "m/ok.yaml": TINY}, exits=ANY))
    return cases


# ------------------------------------------------------------------ .keras files

def keras_cases() -> list[Case]:
    good = make.keras_bytes()
    config = make.keras_config().decode()
    zips = {
        "truncated": good[: len(good) // 2],
        "random": os.urandom(4096),
        "empty": b"",
        "zip-magic-only": b"PK\x03\x04",
        "no-config": make.zip_of({"metadata.json": b"{}"}),
        "config-not-json": make.keras_with(b"{not json"),
        "config-binary": make.keras_with(bytes(range(256))),
        "config-utf16": make.keras_with(config.encode("utf-16")),
        "config-list": make.keras_with(b"[1, 2, 3]"),
        "config-deep": make.keras_with(b"[" * 100_000 + b"]" * 100_000),
        "config-nan": make.keras_with(config.replace('"filters": 32', '"filters": NaN', 1)),
        "bomb": _zip_bomb(),
        "zip-in-zip": make.zip_of({"config.json": good}),
        "stored-huge-name": make.zip_of({"x" * 60000: b"1", "config.json": config.encode()}),
        "huge-dims": make.keras_model([make.keras_conv()], shape=f"[null, {BIG}, {BIG}, 3]"),
        "overflow-dims": make.keras_model([make.keras_conv()],
                                          shape="[null, 4000000000, 4000000000, 3]"),
        "negative-dims": make.keras_model([make.keras_conv()], shape="[null, -8, 8, 3]"),
        "zero-kernel": make.keras_model([make.keras_conv(kernel_size="[0, 0]")]),
        "big-filters": make.keras_model([make.keras_conv(filters=BIG)]),
        "string-filters": make.keras_model([make.keras_conv(filters='"8"')]),
        "bool-strides": make.keras_model([make.keras_conv(strides="[true, true]")]),
        "neg-zero-padding": make.keras_model(
            ['{"class_name": "ZeroPadding2D", "config": {"name": "z", "padding": -3}}'],
            shape="[null, 5, 4, 3]"),
        "unknown-class": make.keras_model(['{"class_name": "\\u001b[2JEvil", "config": {}}']),
        "esc-name": make.keras_model([make.keras_conv(name='"\\u001b]0;pwned\\u0007"')]),
        "bidi-name": make.keras_model([make.keras_conv(name='"\\u202eevil"')]),
        "surrogate-name": make.keras_model([make.keras_conv(name='"\\ud800"')]),
        "cycle": make.keras_with(
            '{"class_name": "Functional", "config": {"name": "f", "layers": ['
            '{"class_name": "InputLayer", "name": "in", "config": {"batch_shape": [null, 8, 8, 3],'
            ' "name": "in"}, "inbound_nodes": []},'
            '{"class_name": "ReLU", "name": "a", "config": {"name": "a"}, "inbound_nodes": '
            '[{"args": [{"class_name": "__keras_tensor__", "config": {"keras_history": '
            '["b", 0, 0]}}], "kwargs": {}}]},'
            '{"class_name": "ReLU", "name": "b", "config": {"name": "b"}, "inbound_nodes": '
            '[{"args": [{"class_name": "__keras_tensor__", "config": {"keras_history": '
            '["a", 0, 0]}}], "kwargs": {}}]}],'
            ' "input_layers": [["in", 0, 0]], "output_layers": [["b", 0, 0]]}}'),
    }
    # Names are only names (printed escaped); an extra member is not read.
    fine = {"esc-name", "bidi-name", "surrogate-name", "stored-huge-name"}
    cases = []
    for case_id, data in zips.items():
        files = {"m.keras": data}
        for command, argv in {"stack": ("stack", "m.keras"),
                              "lint": ("lint", "m.keras"),
                              "import": ("import", "keras", "m.keras")}.items():
            if command == "lint" and case_id not in ("truncated", "bomb", "config-deep",
                                                     "cycle", "big-filters"):
                continue  # lint reads model files as stack does: a sample is enough
            if command == "import" and case_id not in ("truncated", "random", "bomb",
                                                       "config-deep", "cycle", "huge-dims",
                                                       "esc-name", "neg-zero-padding"):
                continue  # import and stack read the zip alike (keras_file)
            exits = ERR if command != "import" else ANY - {1}
            cases.append(Case(f"keras-{case_id}-{command}", "keras", argv, files=files,
                              exits=ANY if case_id in fine else exits))
    cases.append(Case("keras-json-deep-import", "keras", ("import", "keras", "m.json"),
                      files={"m.json": b"[" * 100_000 + b"]" * 100_000}))
    return cases


def _zip_bomb() -> bytes:
    """A .keras whose config.json inflates to 200 MB of spaces (about 200 KB on disk)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        with z.open("config.json", "w", force_zip64=True) as member:
            chunk = b" " * (1 << 20)
            for _ in range(200):
                member.write(chunk)
    return buffer.getvalue()


# ------------------------------------------------------------------ ONNX files

def onnx_cases() -> list[Case]:
    golden = make.onnx_golden()
    models = {
        "truncated": golden[: len(golden) // 2],
        "random": os.urandom(4096),
        "empty": b"",
        "text": b"this is not a protobuf\n",
        "cycle": make.onnx_cycle(),
        "missing-weight": make.onnx_conv([1, 3, 8, 8], [8, 3, 3, 3], with_weight=False),
        "huge-dims": make.onnx_conv([1, 3, 10**15, 10**15], [8, 3, 3, 3]),
        "overflow-dims": make.onnx_conv([1, 3, 4_000_000_000, 4_000_000_000], [8, 3, 3, 3]),
        "negative-dims": make.onnx_conv([1, 3, -8, 8], [8, 3, 3, 3]),
        "huge-weight": make.onnx_conv([1, 3, 8, 8], [8, 3, 10**9, 10**9]),
        "dynamic": make.onnx_conv(["N", 3, "H", "W"], [8, 3, 3, 3]),
        "unknown-op": make.onnx_model([make.onnx_node("\x1b[2JEvil", ["x"], ["y"])],
                                      [make.onnx_value("x", [1, 3, 8, 8])],
                                      [make.onnx_value("y", [])]),
        "esc-names": make.onnx_model([make.onnx_node("Relu", ["x"], ["\x1b]0;t\x07"],
                                                     name="\u202eevil")],
                                     [make.onnx_value("x", [1, 3, 8, 8])],
                                     [make.onnx_value("\x1b]0;t\x07", [])]),
        "opset-huge": make.onnx_model([make.onnx_node("Relu", ["x"], ["y"])],
                                      [make.onnx_value("x", [1, 3, 8, 8])],
                                      [make.onnx_value("y", [])], opset=10**9),
        "kernel-attr-huge": make.onnx_conv([1, 3, 8, 8], [8, 3, 3, 3], attrs=(
            make.onnx_attr_ints("strides", [2**62, 2**62]),)),
        "no-nodes": make.onnx_model([], [make.onnx_value("x", [1, 3, 8, 8])], []),
    }
    # `import` writes what the file says (no analysis): sizes torch refuses are stack's to
    # refuse. Names are only names; a huge opset or stride is the file's to choose.
    fine = {"dynamic", "esc-names", "opset-huge", "kernel-attr-huge"}
    written = {"huge-dims", "overflow-dims", "huge-weight"}
    cases = []
    for case_id, data in models.items():
        files = {"m.onnx": data}
        for command, argv in {"stack": ("stack", "m.onnx"), "lint": ("lint", "m.onnx"),
                              "import": ("import", "onnx", "m.onnx")}.items():
            if command == "lint" and case_id not in ("truncated", "cycle", "esc-names"):
                continue  # lint reads model files as stack does: a sample is enough
            if command == "import" and case_id not in ("truncated", "cycle", "missing-weight",
                                                       "dynamic", "huge-dims", "esc-names"):
                continue  # import and stack open the file alike (open_model)
            exits = ANY if case_id in fine or (command == "import" and case_id in written) \
                else ERR
            cases.append(Case(f"onnx-{case_id}-{command}", "onnx", argv, files=files,
                              exits=exits, timeout=30))
    cases.append(Case("onnx-dynamic-input-given", "onnx",
                      ("import", "onnx", "m.onnx", "-i", "1x3x16x16"),
                      files={"m.onnx": models["dynamic"]}, exits=ANY))
    cases.append(Case("onnx-dynamic-input-huge", "onnx",
                      ("stack", "m.onnx", "-i", f"1x3x{BIG}x8"),
                      files={"m.onnx": models["dynamic"]}, exits=ERR))
    return cases


# ------------------------------------------------------------------ import torch

HAVE_TORCH = importlib.util.find_spec("torch") is not None
TORCH_FILES = {
    "raises": "raise RuntimeError('boom \\x1b[2J')\n",
    "exits": "import sys\nsys.exit(5)\n",
    "prints-escapes": ("import torch\nprint('\\x1b[2J\\x1b]0;pwned\\x07')\n"
                       "def make():\n    return torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3))\n"),
    "syntax-error": "def make(:\n",
    "not-module": "def make():\n    return 42\n",
    "callable-raises": "def make():\n    raise ValueError('\\u202eevil')\n",
    "callable-exits": "import sys\ndef make():\n    sys.exit(7)\n",
    "keyboard-interrupt": "def make():\n    raise KeyboardInterrupt\n",
    "forward-raises": ("import torch\nclass M(torch.nn.Module):\n    def forward(self, x):\n"
                       "        raise RuntimeError('no')\ndef make():\n    return M()\n"),
    "recursion": "def make():\n    return make()\n",
}


def torch_cases() -> list[Case]:
    cases = []
    for case_id, code in TORCH_FILES.items():
        # The one model that imports cleanly: exit 0 with torch, 2 ("needs PyTorch") without.
        exits = TWO if case_id != "prints-escapes" or not HAVE_TORCH else ZERO
        if case_id == "keyboard-interrupt":
            exits = frozenset({2, 130})
        cases.append(Case(f"import-torch-{case_id}", "torch-import",
                          ("import", "torch", "m.py:make", "-i", "1x3x8x8"),
                          files={"m.py": code}, exits=exits, timeout=60))
    ok = "import torch\ndef make(**kw):\n    return torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3))\n"
    for case_id, argv in {
        "missing-callable": ("m.py:nope", "-i", "1x3x8x8"),
        "missing-file": ("nope.py:make", "-i", "1x3x8x8"),
        "dir-file": ("d.py:make", "-i", "1x3x8x8"),
        "fifo-file": ("p.py:make", "-i", "1x3x8x8"),
        "input-huge": ("m.py:make", "-i", f"1x3x{BIG}x8"),
        "input-overflow": ("m.py:make", "-i", "1x3x4000000000x4000000000"),
        "kwargs-bad": ("m.py:make", "-i", "1x3x8x8", "--kwargs", "{bad"),
        "kwargs-list": ("m.py:make", "-i", "1x3x8x8", "--kwargs", "[]"),
        "kwargs-deep": ("m.py:make", "-i", "1x3x8x8", "--kwargs", "[" * 50_000 + "]" * 50_000),
        "kwargs-huge-number": ("m.py:make", "-i", "1x3x8x8", "--kwargs", '{"a": %s}' % ("9" * 5000)),
        "output-dir": ("m.py:make", "-i", "1x3x8x8", "-o", "d.py"),
    }.items():
        cases.append(Case(f"import-torch-{case_id}", "torch-import", ("import", "torch", *argv),
                          files={"m.py": ok, "d.py": DIR, "p.py": FIFO}, timeout=60,
                          exits=TWO))
    return cases


# ------------------------------------------------------------------ markup in names

def markup_cases() -> list[Case]:
    """Names that are markup: HTML and SVG outputs must escape them."""
    script = "<script>alert(1)</script>"
    net = make.stack(f"  - Conv2d: {{out_channels: 8, kernel_size: 3}}\n    name: '{script}'\n"
                     f"  - ConvTranspose2d: {{out_channels: 8, kernel_size: 3, stride: 2}}\n"
                     f"    name: '\"><svg onload=alert(1)>'\n", input="[1, 3, 16, 16]")
    commands = {"stack-html": ("stack", "n.yaml", "-f", "html"),
                "stack-markdown": ("stack", "n.yaml", "-f", "markdown"),
                "draw-rf": ("draw", "rf", "n.yaml"),
                "draw-overlap": ("draw", "overlap", "n.yaml"),
                "export": ("export", "n.yaml", "--to", "torch"),
                "lint-sarif": ("lint", "n.yaml", "-f", "sarif")}
    # Python and JSON quote the names their own way: only markup outputs must escape them.
    return [Case(f"markup-{command}", "text", argv, files={"n.yaml": net}, exits=ANY,
                 reject=r"<script>|<svg onload" if command in MARKUP else None)
            for command, argv in commands.items()]


MARKUP = {"stack-html", "stack-markdown", "draw-rf", "draw-overlap"}


def cases() -> list[Case]:
    return markup_cases() + yaml_cases() + config_cases() + keras_cases() + onnx_cases() + torch_cases()
