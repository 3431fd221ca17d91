"""Every lint rule has a file that triggers it and one that does not (tests/lint_cases/).

``CODE-trigger.yaml`` marks each line where a finding must be reported with a
``# <- CODE`` comment; ``CODE-clean.yaml`` must not produce that code (other
rules may fire there). CC001 (unreadable) has no YAML file: see test_unreadable.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conv_calc.lint.core import Settings, lint_path
from conv_calc.lint.rules import DEFAULT_SELECT, RULES

CASES = Path(__file__).parent.parent / "lint_cases"
MARK = re.compile(r"#\s*<-\s*(CC\d{3})")
FILE_RULES = sorted(code for code in RULES if code != "CC001")
EVERY = Settings(select=("ALL",))  # the opt-in rules (CC203, CC204) too


def marks(path: Path) -> set[tuple[str, int]]:
    return {(m.group(1), n) for n, line in enumerate(path.read_text().splitlines(), 1)
            for m in MARK.finditer(line)}


def test_every_rule_has_both_files():
    names = {p.name for p in CASES.glob("*.yaml")}
    missing = [f"{c}-{kind}.yaml" for c in FILE_RULES for kind in ("trigger", "clean")
               if f"{c}-{kind}.yaml" not in names]
    assert missing == []


@pytest.mark.parametrize("code", FILE_RULES)
def test_trigger(code):
    path = CASES / f"{code}-trigger.yaml"
    result = lint_path(str(path), EVERY, display=path.name)
    found = {(f.code, f.line) for f in result.findings}
    expected = marks(path)
    assert any(c == code for c, _ in expected), "the trigger file marks no line"
    assert expected <= found, result.findings
    for f in result.findings:
        assert f.file == path.name and f.message and f.severity == RULES[f.code].severity


@pytest.mark.parametrize("code", FILE_RULES)
def test_clean(code):
    path = CASES / f"{code}-clean.yaml"
    result = lint_path(str(path), EVERY)
    assert [f for f in result.findings if f.code == code] == []
    assert result.report is not None and result.report.error is None


def test_unreadable(tmp_path):
    result = lint_path(str(tmp_path / "missing.yaml"), display="missing.yaml")
    assert result.unreadable
    assert [(f.code, f.line, f.column) for f in result.findings] == [("CC001", 1, 1)]
    assert "No such file" in result.findings[0].message


@pytest.mark.parametrize("code, message", [
    ("CC201", "ConvTranspose2d kernel_size 3 is not divisible by stride 2: neighbouring outputs "
              "get uneven overlap (checkerboard artifacts)"),
    ("CC202", "MaxPool2d with stride 2 never reads the last 1 input row (of 7): "
              "(7 + 2*0 - 2) % 2 = 1 and the last 1 input column (of 7): (7 + 2*0 - 2) % 2 = 1"),
    ("CC205", "padding='same' with kernel_size 4 pads 1 before and 2 after: outputs are shifted "
              "half a pixel from their inputs"),
    ("CC207", "'3' gives 8 but the saved 'enc' it is merged with (line 9) is 9"),
    ("CC208", "the branches merged by cat 'cat' are misaligned on the height, width axis "
              "(centres of output 0 at input pixel 0 vs 1/2)"),
    ("CC209", "ceil_mode=True: the last window would start at padded position 6, in the right "
              "padding (the input ends at 5), so torch drops it: 3 output rows, not 4"),
    ("CC301", "'0': output shape [1, 8, 30, 30], expected [1, 8, 32, 32]"),
    ("CC302", "'1': receptive field size 5, expected 7"),
    ("CC303", "'0': 224 parameters, expected 216"),
])
def test_messages(code, message):
    result = lint_path(str(CASES / f"{code}-trigger.yaml"))
    assert message in [f.message for f in result.findings if f.code == code]


def test_hints_say_the_fix():
    result = lint_path(str(CASES / "CC207-trigger.yaml"))
    (f,) = [f for f in result.findings if f.code == "CC207"]
    assert f.hint.startswith("set output_padding=1 on '3'")
    (err,) = [f for f in result.findings if f.code == "CC102"]
    assert err.message.startswith("Sizes of tensors must match except in dimension 1.")
    assert err.layer_name == "cat" and err.hint


def test_torch_error_is_torchs_message():
    result = lint_path(str(CASES / "CC101-trigger.yaml"))
    (f,) = result.findings
    assert f.message == ("Given groups=1, weight of size [8, 4, 3, 3], expected input[1, 3, 32, 32] "
                         "to have 4 channels, but got 3 channels instead")
    assert (f.line, f.column, f.layer_index, f.layer_name) == (4, 5, 0, "0")
    assert "in_channels" in f.hint


def test_every_loader_problem_is_a_finding():
    result = lint_path(str(CASES / "CC003-trigger.yaml"))
    assert [(f.code, f.line, f.column) for f in result.findings] == [
        ("CC003", 4, 5), ("CC003", 5, 31)]
    assert result.findings[0].hint == "did you mean 'Conv2d'?"


# ---------------------------------------------------------------- textbook networks (issue 13)

EXAMPLES = Path(__file__).parent.parent.parent / "examples"
MULTI_USE = """\
input: [1, 1, 7, 7]
blocks:
  Down:
    sequential:
      - Conv2d: {out_channels: 4, kernel_size: 3, stride: 2}
layers:
  - ZeroPad2d: {padding: [3, 4, 3, 4]}
  - Down
  - ZeroPad2d: {padding: [2, 2, 2, 2]}
  - Down
"""


def test_block_used_twice_is_one_finding_at_the_block_with_an_applicable_hint(tmp_path):
    path = tmp_path / "multi.yaml"
    path.write_text(MULTI_USE)
    found = [f for f in lint_path(str(path)).findings if f.code == "CC202"]
    assert [(f.line, f.layer_name) for f in found] == [(5, "1.0")]
    assert found[0].message.endswith("(of 14): (14 + 2*0 - 3) % 2 = 1; likewise at its 1 "
                                     "other use(s), on inputs 10")
    assert "padding=1 (at each use)" in found[0].hint
    # the hint applies: with padding 1 on the block's conv the rule is silent
    fixed = tmp_path / "fixed.yaml"
    fixed.write_text(MULTI_USE.replace("stride: 2}", "stride: 2, padding: 1}"))
    assert [f for f in lint_path(str(fixed)).findings if f.code == "CC202"] == []


@pytest.mark.parametrize("name", ["unet", "unet-small", "unet-padded", "resnet18", "resnet50",
                                  "wavenet", "mc3_18", "wide_resnet50_2", "fcn_resnet50",
                                  "keras/unet-channels-first"])
def test_textbook_networks_have_no_cc202_or_cc208(name):
    result = lint_path(str(EXAMPLES / f"{name}.yaml"))
    assert [f for f in result.findings if f.code in ("CC202", "CC208")] == []


def test_findings_on_one_line_keep_the_order_the_rows_run():
    from conv_calc.lint.findings import Finding

    late = Finding("CC203", "warning", "of 14", line=5, column=9, layer_index=40)
    early = Finding("CC203", "warning", "of 56", line=5, column=9, layer_index=3)
    assert sorted([late, early], key=Finding.sort_key) == [early, late]


def test_rows_without_a_source_are_reported_each():
    from conv_calc import nn
    from conv_calc.graph.stack import Stack
    from conv_calc.lint.checks import dropped_input
    from conv_calc.lint.findings import Context

    stack = Stack([nn.MaxPool2d(2), nn.MaxPool2d(2)])
    ctx = Context.of(stack, stack.analyze((1, 1, 7, 7)), "x.yaml")
    assert [f.layer_index for f in dropped_input(ctx)] == [0, 1]


@pytest.mark.parametrize("code", [c for c in FILE_RULES if c not in DEFAULT_SELECT])
def test_opt_in_rules_are_quiet_by_default(code):
    """An opt-in rule's trigger file reports it only when it is selected."""
    path = CASES / f"{code}-trigger.yaml"
    assert code not in {f.code for f in lint_path(str(path)).findings}
    assert code in {f.code for f in lint_path(str(path), Settings(select=(code,))).findings}
    assert code in {f.code for f in lint_path(str(path), Settings(select=("CC2",))).findings}


def test_rf_covers_input_follows_the_tensors_read(tmp_path):
    """CC204 counts a layer only when the tensor it reads already covers the input: a
    branch taken before a global pooling made the field cover everything is not "after"
    it (this once fired on examples/squeeze-excitation.yaml's depthwise branch)."""
    net = tmp_path / "se.yaml"
    net.write_text(
        "version: 1\ninput: [1, 8, 16, 16]\nlayers:\n"
        "  - Conv2d: {out_channels: 8, kernel_size: 1}\n    save: x\n"
        "  - AdaptiveAvgPool2d: {output_size: 1}\n"
        "  - Conv2d: {out_channels: 8, kernel_size: 1}\n"
        "  - mul: x\n    save: gated\n"
        "  - from: x\n    layers:\n"
        "      - Conv2d: {out_channels: 8, kernel_size: 3, padding: 1, groups: 8}\n"
        "    save: local\n"
        "  - add: [gated, local]\n"
        "  - Conv2d: {out_channels: 8, kernel_size: 3, padding: 1}   # line 15: reads the sum\n")
    found = [f for f in lint_path(str(net), EVERY).findings if f.code == "CC204"]
    assert [(f.line, f.layer_index) for f in found] == [(15, 6)], found
    assert "after 'add'" in found[0].message and "later" not in found[0].message
