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
