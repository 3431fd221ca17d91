"""Fuzz ``conv-calc lint`` (in-process) on directories of valid, mutated and broken stack files.

Each example is a small project: a few stack files drawn from examples/,
examples/keras/ and tests/lint_cases/ (as they are, or mutated with
tests/fuzz_support.mutate), plus some awkward ones (empty, binary, not UTF-8,
UTF-16, a duplicate key, CRLF line endings, tabs, a dangling symlink, names with
spaces, unicode, ``,``, ``:`` and ``%``). The project is linted in every format
(tests/lint_contract.check_run): never a traceback or an internal error, exit
0/1/2 as docs/lint.md defines, JSON and SARIF that parse with the documented
structure, GitHub annotations escaped and one per line, concise lines
``path:line:col: CODE message``, positions inside the file, the same findings in
every format. A longer run: CONV_CALC_FUZZ_EXAMPLES=2000.
"""

from __future__ import annotations

import os
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from tests.fuzz_support import ROOT, budget, mutate
from tests.lint_contract import check_run

SOURCES = sorted([*(ROOT / "examples").glob("*.yaml"), *(ROOT / "examples" / "keras").glob("*.yaml"),
                  *(ROOT / "tests" / "lint_cases").glob("*.yaml")])
TEXTS = [p.read_bytes() for p in SOURCES]
#: Small files only for the many-files case (the big examples take the time).
SMALL = [t for t in TEXTS if len(t) < 1500]

AWKWARD = {
    "empty": b"",
    "blank": b"\n\n  \n",
    "binary": bytes(range(256)),
    "not-utf8": b"input: [1, 3, 8, 8]\nlayers:\n  - Conv2d: {out_channels: 4, kernel_size: 3}\xff\n",
    "bom": b"\xef\xbb\xbfinput: [1, 1, 7, 7]\nlayers:\n  - MaxPool2d: {kernel_size: 2}\n",
    "utf16": "input: [1, 1, 7, 7]\nlayers:\n  - MaxPool2d: {kernel_size: 2}\n".encode("utf-16"),
    "duplicate-key": b"input: [1, 3, 8, 8]\nlayers:\n  - Conv2d: {out_channels: 4, kernel_size: 3,"
                     b" kernel_size: 5}\ninput: [1, 3, 9, 9]\n",
    "truncated": b"input: [1, 3, 8, 8]\nlayers: [\n",
    "no-final-newline": b"input: [1, 1, 7, 7]\nlayers:\n  - MaxPool2d: {kernel_size: 2}",
    "crlf-tabs": b"input: [1, 1, 7, 7]\r\nlayers:\r\n  - MaxPool2d: {kernel_size: 2}\t# tab\r\n"
                 b"\t- ReLU\r\n",
    "cr-only": b"input: [1, 1, 7, 7]\rlayers:\r  - MaxPool2d: {kernel_size: 2}\r",
    "not-a-stack": b"title: not a network\nitems: [1, 2]\n",
    "layers-only": b"layers:\n  - ReLU\n",
    "form-feed": b"# a\x0cb\ninput: [1, 1, 7, 7]\nlayers:\n  - MaxPool2d: {kernel_size: 2}\n",
    "line-separator": "# a\u2028b\ninput: [1, 1, 7, 7]\nlayers:\n  - MaxPool2d: {kernel_size: 2}\n"
                      .encode("utf-8"),
    "suppressed": b"input: [1, 1, 7, 7]  # conv-calc: ignore-file\nlayers:\n"
                  b"  - MaxPool2d: {kernel_size: 2}   # conv-calc: ignore[CC2, CC101]\n",
}

NAME_PARTS = st.sampled_from(["net", "a b", "é", "日本", "x,y", "a:b", "50%", "%0A", "-", "_",
                              "v1.2", "#", "[1]", "'q'", "model"])
NAMES = st.lists(NAME_PARTS, min_size=1, max_size=3).map("".join)


@st.composite
def contents(draw) -> bytes:
    kind = draw(st.sampled_from(["valid", "mutated", "mutated", "awkward"]))
    if kind == "awkward":
        return AWKWARD[draw(st.sampled_from(sorted(AWKWARD)))]
    data = draw(st.sampled_from(TEXTS))
    if kind == "mutated":
        for _ in range(draw(st.integers(1, 3))):
            data = mutate(data, draw)
    if draw(st.integers(0, 5)) == 0:
        data = data.replace(b"\n", b"\r\n")
    return data


@st.composite
def projects(draw):
    """[(relative path, bytes or None for a dangling symlink)], at most 4 files, unique names."""
    files, used = [], set()
    for _ in range(draw(st.integers(1, 4))):
        name = draw(NAMES) + draw(st.sampled_from([".yaml", ".yml", ".yaml", ".txt"]))
        if draw(st.booleans()):
            name = draw(st.sampled_from(["sub dir", "models", "ü"])) + "/" + name
        if name.lower() in used:
            continue
        used.add(name.lower())
        files.append((name, None if draw(st.integers(0, 12)) == 0 else draw(contents())))
    return files


def _write(root: Path, files) -> list[str]:
    for name, data in files:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if data is None:
            os.symlink(root / "missing-target.yaml", path)
        else:
            path.write_bytes(data)
    return [name for name, _ in files]


def _in(root: Path, body):
    old = os.getcwd()
    os.chdir(root)
    try:
        return body()
    finally:
        os.chdir(old)


@budget(25)
@given(files=projects(), how=st.sampled_from(["dir", "files", "both"]))
def test_lint_projects_every_format(tmp_path_factory, files, how):
    root = tmp_path_factory.mktemp("lint")
    names = _write(root, files)
    # "--": a file may be called "-.yaml" (an option to the command line otherwise).
    args = {"dir": ["."], "files": ["--", *names], "both": ["--", ".", *names]}[how]
    _in(root, lambda: check_run(args))


@budget(10)
@given(data=contents())
def test_lint_stdin_every_format(tmp_path_factory, data):
    root = tmp_path_factory.mktemp("stdin")
    _in(root, lambda: check_run(["-"], stdin=data))


@budget(5)
@given(picks=st.lists(st.sampled_from(SMALL), min_size=12, max_size=30),
       mutations=st.lists(st.integers(0, 3), min_size=30, max_size=30), data=st.data())
def test_lint_many_findings_every_format(tmp_path_factory, picks, mutations, data):
    """Enough findings to pass GitHub's 10-per-type limit: the fallback list must follow."""
    root = tmp_path_factory.mktemp("many")
    files = []
    for i, text in enumerate(picks):
        for _ in range(mutations[i]):
            text = mutate(text, data.draw)
        files.append((f"m/{i:02}.yaml", text))
    _write(root, files)
    _in(root, lambda: check_run(["m"]))
