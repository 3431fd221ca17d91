"""Replay every input in tests/fuzz_regressions/ (each once broke something).

Every file must meet the CLI contract (tests/fuzz_support.check_outcome) and, where
the table below knows more, give the expected exit code and output. The reader's
two paths (libyaml events, pure Python) must agree on every file PyYAML reads.
"""

from __future__ import annotations

import pytest

from conv_calc.stackfile import yaml_reader as spec_yaml
from conv_calc.stackfile.problems import Collector
from tests.cli_runner import run
from tests.fuzz_support import REGRESSIONS, check_outcome, no_hang

FILES = sorted(REGRESSIONS.glob("*.yaml"))

#: file -> (exit code, text that must appear on stdout + stderr)
EXPECTED = {
    "no-input-shape.yaml": (2, "no-input-shape.yaml:1:1: no input shape"),
    # libyaml's events: a trailing tab / no final newline take the pure-Python path.
    "tab-after-value.yaml": (2, "tab-after-value.yaml:1:20: "),
    "no-final-newline.yaml": (0, "[1, 192]"),
    "libyaml-plain-key.yaml": (2, "libyaml-plain-key.yaml:5:12: ReLU has no argument 'i?nplace'"),
}


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_replay(path):
    with no_hang():
        result = run("stack", str(path))
    check_outcome(result)
    if path.name in EXPECTED:
        code, text = EXPECTED[path.name]
        assert result.code == code, result.stdout + result.stderr
        assert text in result.stdout + result.stderr


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_both_reader_paths_agree(path):
    text = path.read_bytes().decode("utf-8")
    slow_collector, fast_collector = Collector(), Collector()
    slow = spec_yaml._parse_slow(text, "f", slow_collector)
    fast = spec_yaml.parse(text, "f", fast_collector)
    if slow is not None:
        assert repr(fast) == repr(slow)
        assert fast_collector.problems == slow_collector.problems
