"""The hardened loader: nothing executed, nothing expanded, nothing hangs, no traceback."""

from __future__ import annotations

import time

import pytest

from conv_calc.stackfile.load import MAX_LAYERS, load_file, load_stack
from conv_calc.stackfile.problems import StackFileError
from tests.stackfile.test_spec_fakes import LAYERS


def problems(data):
    with pytest.raises(StackFileError) as info:
        load_stack(data, filename="evil.yaml", layers=LAYERS)
    return [(p.message, p.source.line, p.source.column, p.code) for p in info.value.problems]


@pytest.mark.parametrize("text, message, line, column", [
    ("layers: !!python/object/apply:os.system ['touch /tmp/pwned']\n",
     "tag '!!python/object/apply:os.system' is not supported", 1, 9),
    ("layers:\n  - !!python/name:os.system x\n", "tag '!!python/name:os.system' is not supported", 2, 5),
    ("layers: [!custom ReLU]\n", "tag '!custom' is not supported", 1, 10),
    ("input: !!binary aGVsbG8=\nlayers: []\n", "tag '!!binary' is not supported", 1, 8),
])
def test_tags_are_refused_never_constructed(tmp_path, text, message, line, column):
    found = problems(text)
    assert (found[0][0], found[0][1], found[0][2], found[0][3]) == (message, line, column, "yaml-feature")


def test_alias_bomb_is_refused_fast():
    levels = ["a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]"]
    for i in range(1, 10):
        prev, cur = chr(ord("a") + i - 1), chr(ord("a") + i)
        levels.append(f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 9) + "]")
    text = "\n".join(levels) + "\nlayers: [*j]\n"
    start = time.perf_counter()
    found = problems(text)
    assert time.perf_counter() - start < 2
    assert found[0][:3] == ("anchor '&a' is not supported", 1, 4)
    assert all(code == "yaml-feature" for *_, code in found if "alias" in _[0] or "anchor" in _[0])


def test_recursive_alias_is_refused():
    found = problems("layers: &x [*x]\n")
    assert [m for m, *_ in found] == ["anchor '&x' is not supported", "alias '*x' is not supported"]


def test_merge_key_is_refused():
    found = problems("layers:\n  - Conv2d:\n      <<: {out_channels: 3}\n")
    assert found[0][:3] == ("merge keys (<<) are not supported", 3, 7)


def test_duplicate_keys_name_both_lines():
    found = problems("input: [1, 3, 8, 8]\nlayers:\n  - Conv2d:\n      kernel_size: 3\n"
                     "      kernel_size: 5\nlayers: []\n")
    assert [(m, line, col) for m, line, col, _ in found] == [
        ("duplicate key 'kernel_size' (first defined at line 4, column 7)", 5, 7),
        ("duplicate key 'layers' (first defined at line 2, column 1)", 6, 1),
    ]


@pytest.mark.parametrize("word", ["yes", "no", "on", "off", "y", "n", "Yes", "NO"])
def test_yaml11_booleans_stay_strings(word):
    found = problems(f"layers:\n  - Conv2d: {{out_channels: 8, kernel_size: 3, bias: {word}}}\n")
    assert found[0][0] == f"bias: got string '{word}'"


@pytest.mark.parametrize("word, value", [("true", True), ("True", True), ("TRUE", True),
                                         ("false", False), ("False", False), ("FALSE", False)])
def test_true_false_are_booleans(word, value):
    stack = load_stack(f"layers:\n  - ReLU: {{inplace: {word}}}\n", layers=LAYERS)
    assert stack.layers[0].kwargs["inplace"] is value


def test_huge_integer_is_a_clean_error():
    found = problems("input: [1, 3, " + "9" * 5001 + "]\nlayers: []\n")
    assert found[0][:3] == ("integer with 5001 digits is too large", 1, 15)


@pytest.mark.parametrize("text", [
    "[" * 5000 + "]" * 5000,
    "layers:\n" + "".join("  " * i + "- sequential:\n" for i in range(1, 3000)),
    "a: " + "{b: " * 3000 + "1" + "}" * 3000,
])
def test_deep_nesting_is_a_clean_error(text):
    found = problems(text)
    assert found[0][3] == "too-deep" and "nested deeper than" in found[0][0]


def test_deep_block_chain_is_a_clean_error():
    blocks = "".join(f"  B{i}: [B{i + 1}]\n" for i in range(300)) + "  B300: [ReLU]\n"
    found = problems("blocks:\n" + blocks + "layers: [B0]\n")
    assert any(code == "too-deep" for *_, code in found)


def test_repeat_explosion_is_bounded():
    text = ("blocks:\n  A:\n    sequential:\n      - ReLU:\n        repeat: 1000\n"
            "  B:\n    sequential:\n      - A:\n        repeat: 1000\n"
            "layers:\n  - B:\n    repeat: 1000\n")
    start = time.perf_counter()
    found = problems(text)
    assert time.perf_counter() - start < 5
    assert found[0][3] == "too-large" and f"{MAX_LAYERS:,}" in found[0][0]


def test_large_repeat_within_bounds_is_cheap():
    stack = load_stack("layers:\n  - ReLU:\n    repeat: 100000\n", layers=LAYERS)
    assert len(stack.layers) == 100000 and stack.layers[-1].name == "99999"


@pytest.mark.parametrize("data, message", [
    (b"layers: [ReLU]\n\xff\xfe\n", "the file is not valid UTF-8 (byte 0xff)"),
    ("layers: [ReLU]\n".encode("utf-16-le"), "the file contains NUL bytes"),
    (b"\x00\x01\x02binary", "the file contains NUL bytes"),
    ("layers: [ReLU\x07]\n".encode(), "the file contains the unprintable character U+0007"),
])
def test_undecodable_input(data, message):
    assert problems(data)[0][0] == message


def test_utf16_with_bom_and_utf8_bom_are_read():
    for data in ("layers: [ReLU]\n".encode("utf-16"), b"\xef\xbb\xbflayers: [ReLU]\n"):
        assert load_stack(data, layers=LAYERS).layers[0].type == "ReLU"


@pytest.mark.parametrize("text", ["", "   \n", "# only a comment\n", "---\n"])
def test_empty_documents(text):
    assert problems(text)[0][:3] == ("the file is empty", 1, 1)


@pytest.mark.parametrize("text, kind", [("42\n", "42"), ("hello\n", "string 'hello'"), ("- a\n", "a list")])
def test_document_not_a_mapping(text, kind):
    assert problems(text)[0][0].endswith(f"got {kind}")


def test_several_documents():
    assert problems("layers: []\n---\nlayers: []\n")[0][3] == "yaml-syntax"


def test_directory_and_missing_file(tmp_path):
    for path in (tmp_path, tmp_path / "nope.yaml"):
        with pytest.raises(StackFileError) as info:
            load_file(path, layers=LAYERS)
        assert info.value.problems[0].code == "unreadable"


def test_blocks_using_blocks_are_refused_before_they_explode():
    # B10 uses B9 four times, ... : 4**10 layers. Refused once a block's size is known
    # (after at most MAX_LAYERS layers were built), not after a million.
    lines = ["input: [1, 3, 8, 8]", "blocks:", "  B0:", "    sequential:", "      - ReLU"]
    for i in range(1, 11):
        lines += [f"  B{i}:", "    sequential:"] + [f"      - B{i - 1}"] * 4
    lines += ["layers:", "  - B10"]
    with pytest.raises(StackFileError) as err:
        load_stack("\n".join(lines) + "\n")
    problems = [(p.message, p.code) for p in err.value.problems]
    assert len(problems) == 1 and problems[0][1] == "too-large"
    assert f"with it the network has more than {MAX_LAYERS:,} nodes" in problems[0][0]


def test_a_long_argument_list_is_read_in_linear_time():
    # A 100,000-entry kernel_size once took minutes (a hint built per element).
    import time

    sizes = ", ".join(["3"] * 20_000)
    net = load_stack(f"input: [1, 3, 8, 8]\nlayers:\n  - Conv2d: {{out_channels: 8, "
                     f"kernel_size: [{sizes}]}}\n")
    start = time.process_time()
    report = net.analyze()
    assert report.error is not None and "Storage size calculation overflowed" in str(report.error)
    assert time.process_time() - start < 20  # quadratic took about 30 s at this size
