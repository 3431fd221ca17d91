"""Hostile paths, standard input and outputs, for every command that reads or writes."""

from __future__ import annotations

import os

from tests.hostile import make
from tests.hostile.runner import DIR, FIFO, Case, link, unreadable

TINY = make.example("tiny.yaml")
ANY = frozenset({0, 1, 2})
OK_OR_PIPE = frozenset({0, 2})

#: Every command that reads a file named on the command line: id -> argv ({f} = the file).
READERS = {
    "stack": ("stack", "{f}"),
    "stack-json": ("stack", "{f}", "-f", "json"),
    "stack-html": ("stack", "{f}", "-f", "html"),
    "lint": ("lint", "{f}"),
    "lint-sarif": ("lint", "{f}", "-f", "sarif"),
    "solve": ("solve", "input-sizes", "{f}"),
    "export": ("export", "{f}", "--to", "torch"),
    "draw-rf": ("draw", "rf", "{f}"),
    "draw-overlap": ("draw", "overlap", "{f}"),
    "import-keras": ("import", "keras", "{f}"),
    "import-onnx": ("import", "onnx", "{f}"),
}

#: What a path may be instead of a stack file: id -> (files, the path, expected message).
PATHS = {
    "missing": ({}, "{d}/nope.yaml", r"[Nn]o such file"),
    "dir": ({"d.yaml": DIR}, "{d}/d.yaml", r"directory"),
    "fifo": ({"p.yaml": FIFO}, "{d}/p.yaml", r"FIFO"),
    "dev-zero": ({"z.yaml": link("/dev/zero")}, "{d}/z.yaml", r"device"),
    "dev-null": ({}, "/dev/null", r"device"),
    "link-loop": ({"loop.yaml": link("loop.yaml")}, "{d}/loop.yaml", r"symbolic links|loop"),
    "not-dir": ({"f": b"x"}, "{d}/f/net.yaml", r"[Nn]ot a directory"),
    "too-long": ({}, "{d}/" + "n" * 5000 + ".yaml", r"too long"),
    "esc-name": ({}, "{d}/\x1b[2J\x1b]0;pwned\x07.yaml", r"\\x1b|\\u001b|\^\["),
    "bidi-name": ({}, "{d}/\u202egnp.yaml", r"\\u202e|\\u202E"),
    "empty": ({"e.yaml": b""}, "{d}/e.yaml", None),
}

if os.geteuid() != 0:  # root reads a file whatever its mode
    PATHS["unreadable"] = ({"u.yaml": unreadable(TINY)}, "{d}/u.yaml", r"[Pp]ermission")


#: Every kind of path goes to stack and lint; these also to every other reader.
EVERY_READER = {"missing", "dir", "fifo", "dev-zero", "esc-name"}


def path_cases() -> list[Case]:
    cases = []
    for path_id, (files, path, message) in PATHS.items():
        for command_id, argv in READERS.items():
            if path_id not in EVERY_READER and command_id not in ("stack", "lint"):
                continue
            exits = frozenset({2})
            if path_id == "dir" and command_id.startswith("lint"):
                exits = ANY  # lint searches directories
                message = None
            if path_id == "empty" and command_id.startswith("lint"):
                exits = frozenset({1, 2})
            cases.append(Case(f"path-{path_id}-{command_id}", "paths",
                              tuple(a.replace("{f}", path) for a in argv), files=files,
                              exits=exits,
                              expect=None if command_id == "import-onnx" else message))
    # Invalid UTF-8 in a path (a lone surrogate once decoded): named, escaped.
    # Model files that are not regular files: the .keras and .onnx readers.
    for suffix in ("keras", "onnx"):
        for kind, value in (("fifo", FIFO), ("dev-zero", link("/dev/zero"))):
            for command_id in ("stack", "lint", f"import-{suffix}"):
                argv = tuple(a.replace("{f}", f"{{d}}/m.{suffix}") for a in READERS[command_id])
                cases.append(Case(f"model-{kind}-{suffix}-{command_id}", "paths", argv,
                                  files={f"m.{suffix}": value}))
    for command_id in ("stack", "lint", "solve", "export", "draw-rf", "import-keras"):
        argv = tuple(a.encode() if a != "{f}" else b"{d}/\xff\xfe.yaml"
                     for a in READERS[command_id])
        cases.append(Case(f"path-bad-utf8-{command_id}", "paths", argv))
    # Directories searched by lint that hold traps.
    traps = {
        "fifo-in-dir": {"m/a.yaml": FIFO, "m/ok.yaml": TINY},
        "device-in-dir": {"m/z.yaml": link("/dev/zero"), "m/ok.yaml": TINY},
        "loop-in-dir": {"m/loop": link("."), "m/ok.yaml": TINY},
        "dangling-in-dir": {"m/gone.yaml": link("nowhere.yaml"), "m/ok.yaml": TINY},
        "esc-file-in-dir": {"m/\x1b[31mred.yaml": b"layers: [", "m/ok.yaml": TINY},
    }
    for trap_id, files in traps.items():
        # The search takes regular files: a FIFO, a device or a loop is passed over.
        exits = frozenset({2 if trap_id == "dangling-in-dir" else 1 if "esc" in trap_id else 0})
        cases.append(Case(f"lint-{trap_id}", "paths", ("lint", "{d}/m"), files=files,
                          exits=exits))
        cases.append(Case(f"lint-{trap_id}-json", "paths", ("lint", "{d}/m", "-f", "json"),
                          files=files, exits=exits))
    return cases


#: Commands that read standard input ('-').
STDIN_READERS = {k: v for k, v in READERS.items()
                 if k in ("stack", "stack-json", "lint", "solve", "export", "draw-rf",
                          "draw-overlap")}


def stdin_cases() -> list[Case]:
    feeds = {
        "dev-zero": ("/dev/zero", frozenset({2}), r"larger than"),
        "binary": (bytes(range(256)) * 64, frozenset({2}), None),  # lint: CC002, exit 1
        "utf16": (TINY.decode().encode("utf-16"), frozenset({0, 2}), None),
        "empty": (b"", frozenset({1, 2}), None),
        "nul": (b"\x00" * 1000, frozenset({2}), None),
        "newlines": (b"\n" * 3_000_000, frozenset({1, 2}), None),
    }
    cases = []
    for feed_id, (data, exits, message) in feeds.items():
        for command_id, argv in STDIN_READERS.items():
            if feed_id != "dev-zero" and command_id not in ("stack", "lint"):
                continue  # one reader of stdin: /dev/zero to all, the rest to two
            if command_id == "lint" and feed_id in ("empty", "newlines", "binary", "nul"):
                exits = frozenset({1, 2})
            cases.append(Case(f"stdin-{feed_id}-{command_id}", "stdin",
                              tuple(a.replace("{f}", "-") for a in argv), stdin=data,
                              exits=exits, expect=message))
    cases.append(Case("stdin-tiny-stack", "stdin", ("stack", "-"), stdin=TINY,
                      exits=frozenset({0})))
    cases.append(Case("stdin-dash-import-keras", "stdin", ("import", "keras", "-"),
                      stdin=make.keras_bytes()))
    return cases


#: Commands with everything they print: for /dev/full and a reader that goes away.
WRITERS = {
    "layer": ("layer", "conv2d", "-i", "224", "-k", "3"),
    "layer-json": ("layer", "Conv2d(3, 8, 3)", "-i", "224", "-f", "json"),
    "stack-table": ("stack", "{ex}/resnet50.yaml"),
    "stack-json": ("stack", "{ex}/resnet50.yaml", "-f", "json"),
    "stack-markdown": ("stack", "{ex}/resnet50.yaml", "-f", "markdown"),
    "stack-csv": ("stack", "{ex}/resnet50.yaml", "-f", "csv"),
    "stack-depth": ("stack", "{ex}/resnet50.yaml", "--depth", "1", "-f", "csv"),
    "stack-html": ("stack", "{ex}/resnet18.yaml", "-f", "html"),
    "lint-full": ("lint", "{ex}", "-f", "full"),
    "lint-json": ("lint", "{ex}", "-f", "json"),
    "lint-sarif": ("lint", "{ex}", "-f", "sarif"),
    "lint-github": ("lint", "{ex}", "-f", "github"),
    "solve-padding": ("solve", "padding", "Conv2d(3, 8, 3, stride=2)", "-i", "224", "-o", "112"),
    "solve-stride": ("solve", "stride", "Conv1d(1, 1, 3)", "-i", "1000", "-o", "10",
                     "--max-stride", "1000"),
    "solve-output-padding": ("solve", "output-padding", "Conv2d(3, 8, 3, stride=97)"),
    "solve-input-sizes": ("solve", "input-sizes", "{ex}/resnet50.yaml", "--list",
                          "--range", "1..20000"),
    "layers": ("layers",),
    "layers-keras-json": ("layers", "--framework", "keras", "-f", "json"),
    "rules": ("rules", "-f", "json"),
    "rule": ("rule", "CC201"),
    "schema": ("schema",),
    "export": ("export", "{ex}/resnet50.yaml", "--to", "torch"),
    "draw-layer": ("draw", "layer", "conv2d", "-i", "40x40", "-k", "3", "--sheet"),
    "draw-rf": ("draw", "rf", "{ex}/resnet18.yaml"),
    "draw-overlap": ("draw", "overlap", "{ex}/dcgan-generator.yaml"),
    "import-keras": ("import", "keras", "{kf}/ResNet50.keras"),
    "help": ("--help",),
}


#: Outputs longer than a pipe's buffer: the reader going away is seen while writing.
CLOSED_PIPE = {"stack-json", "lint-json", "layers", "layers-keras-json", "schema", "export",
               "draw-rf", "solve-input-sizes", "help"}


def output_cases() -> list[Case]:
    ex, kf = str(make.EXAMPLES), str(make.KERAS_FILES)
    cases = []
    for command_id, argv in WRITERS.items():
        argv = tuple(a.replace("{ex}", ex).replace("{kf}", kf) for a in argv)
        cases.append(Case(f"dev-full-{command_id}", "outputs", argv, stdout="full",
                          expect=r"[Nn]o space left"))
        if command_id in CLOSED_PIPE:
            cases.append(Case(f"closed-pipe-{command_id}", "outputs", argv, stdout="closed",
                              exits=frozenset({0, 1, 2})))
    # -o / --output-file that cannot be written.
    targets = {
        "dir": ({"out": DIR}, "{d}/out", r"directory"),
        "missing-parent": ({}, "{d}/no/such/out", r"[Nn]o such file"),
        "dev-full": ({}, "/dev/full", r"[Nn]o space left"),
        # Opens for writing even as root, then every write fails (EIO).
        "proc-file": ({}, "/proc/version", r"cannot write|[Ee]rror"),
        # Not refused: a pipe is a fine output (`-o /dev/stdout`, `-o >(gzip > x.gz)`);
        # a FIFO nobody reads blocks, as `echo > fifo` does.
        "dev-stdout": ({}, "/dev/stdout", None),
        "esc-name": ({"\x1b[2Jx": DIR}, "{d}/\x1b[2Jx", r"directory"),
    }
    writers = {
        "stack-html": ("stack", TINY_PATH, "-f", "html", "-o", "{o}"),
        "lint": ("lint", BROKEN_PATH, "--output-file", "{o}"),  # a report that is not empty
        "export": ("export", TINY_PATH, "--to", "torch", "-o", "{o}"),
        "import-keras": ("import", "keras", kf + "/MobileNet.keras", "-o", "{o}"),
        "draw-layer": ("draw", "layer", "conv2d", "-i", "7", "-k", "3", "-o", "{o}"),
        "draw-rf": ("draw", "rf", TINY_PATH, "-o", "{o}"),
        "draw-overlap": ("draw", "overlap", TINY_PATH, "-o", "{o}"),
    }
    for target_id, (files, target, message) in targets.items():
        for writer_id, argv in writers.items():
            if target_id not in ("dir", "dev-full") and writer_id not in ("stack-html", "lint",
                                                                          "export"):
                continue
            cases.append(Case(f"output-{target_id}-{writer_id}", "outputs",
                              tuple(a.replace("{o}", target) for a in argv), files=files,
                              expect=message,
                              exits=frozenset({2} if target_id != "dev-stdout"
                                              else {1} if writer_id == "lint" else {0})))
    return cases


TINY_PATH = str(make.EXAMPLES / "tiny.yaml")
BROKEN_PATH = str(make.EXAMPLES / "broken-unet-skip.yaml")


def cases() -> list[Case]:
    return path_cases() + stdin_cases() + output_cases()
