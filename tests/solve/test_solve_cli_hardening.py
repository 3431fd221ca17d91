"""Solve questions on layers torch refuses whatever the answer: a usage error, not a crash."""

import pytest

from tests.cli_runner import run


@pytest.mark.parametrize("question, word", [
    (["padding", "Conv2d(3,8,3,stride=0)", "--input", "224", "--output", "112"], "stride=(0, 0)"),
    (["stride", "Conv2d(3,8,0)", "--input", "32", "--output", "4"], "kernel_size=(0, 0)"),
    (["output-padding", "Conv2d(3, 8, 3, stride=0, padding=1)", "--input", "224"],
     "stride=(0, 0)"),
    (["padding", "MaxPool2d(3, stride=-1)", "--input", "224", "--output", "112"],
     "stride=(-1, -1)"),
    (["padding", "Conv1d(1, 1, 3, dilation=0)", "--input", "9", "--output", "7"],
     "dilation=(0,)"),
])
def test_non_positive_window_is_refused(question, word):
    result = run("solve", *question)
    assert result.code == 2, result.stderr
    assert word in result.stderr and "internal error" not in result.stderr
    assert "hint: use" in result.stderr


def test_output_padding_with_a_huge_stride_is_answered_in_ranges():
    import json

    result = run("solve", "output-padding", "Conv2d(3, 8, 3, stride=10000000, padding=1)",
                 "--input", "224", "--format", "json")
    assert result.code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["output_padding"] == [223, 223]
    rule = doc["rule"][0]
    assert rule["by_residue"] is None
    assert rule["runs"] == [{"from": 0, "to": 0, "output_padding": 9999999},
                            {"from": 1, "to": 9999999, "output_padding": 0}]
    text = run("solve", "output-padding", "Conv2d(3, 8, 3, stride=10000000, padding=1)").stdout
    assert "n%10000000=0: 9999999, n%10000000 in 1..9999999: 0..9999998" in text


def test_runs_agree_with_the_table_for_every_small_case():
    import itertools

    from conv_calc.solve.transposed import _axis_rule

    for k, s, p, d, kt, pt, dt in itertools.product([1, 2, 3, 5], [1, 2, 3, 7], [0, 1, 3],
                                                    [1, 2], [1, 3, 4], [0, 2], [1, 3]):
        rule = _axis_rule(k, s, p, p, d, kt, s, pt, dt)
        rebuilt = [None if op is None else op + (r - lo)
                   for lo, hi, op in rule.runs() for r in range(lo, hi + 1)]
        assert rebuilt == list(rule.table)


def test_input_size_list_is_capped_and_says_so():
    import json
    from pathlib import Path

    net = str(Path(__file__).resolve().parents[2] / "examples" / "tiny.yaml")
    result = run("solve", "input-sizes", net, "--range", "1..10000000", "--list", "--axis", "W",
                 "--format", "json")
    assert result.code == 0, result.stderr
    axis = json.loads(result.stdout)["axes"][0]
    assert len(axis["sizes"]) == 100_000 and axis["sizes_truncated"] is True
    assert axis["count"] > 100_000 and axis["sizes"] == sorted(axis["sizes"])
