"""Test-suite settings: hypothesis profiles and the ``slow`` marker.

Hypothesis: CI (``CI`` set) loads the "ci" profile: derandomized, so a run is
reproducible and a new corner case found by exploring locally becomes a fix plus
a golden case, not a red CI run on an unrelated change.
``CONV_CALC_HYPOTHESIS=explore`` (or any registered profile name) overrides the
choice; local runs explore by default.

``slow``: property (hypothesis), fuzz, brute-force and live-torch tests, and all
but a fixed sample of the golden replays. The inner loop is
``python -m pytest -q -m "not slow"`` (seconds); CI runs everything.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

settings.register_profile("ci", derandomize=True, print_blob=True)
settings.register_profile("explore", derandomize=False, print_blob=True)
settings.load_profile(os.environ.get("CONV_CALC_HYPOTHESIS", "ci" if os.environ.get("CI") else "explore"))

# Whole files that are property, fuzz, brute-force or live-parity suites.
SLOW_FILES = frozenset({
    "test_examples_torch.py", "test_fuzz_explicit.py", "test_fuzz_layer.py", "test_fuzz_lint.py",
    "test_fuzz_yaml.py", "test_receptive_bruteforce.py", "test_receptive_independent.py",
    "test_lint_hardening.py",
})
# Single tests elsewhere that take over half a second (brute force over sizes, every example
# through every format, a thousand files).
SLOW_TESTS = frozenset({
    "test_random_unets_match_brute_force", "test_random_networks_match_brute_force",
    "test_examples_match_brute_force", "test_padding_matches_brute_force",
    "test_output_padding_inverts_every_size", "test_stride_dilation_matches_brute_force",
    "test_large_repeat_within_bounds_is_cheap", "test_every_example_is_valid",
    "test_every_example_is_valid_against_the_real_schema", "test_plain_table_equals_rich",
    "test_every_example_runs_in_every_format", "test_spec_formulas",
    "test_deep_nesting_is_a_clean_error",
})
# Golden replays: every GOLDEN_SAMPLE-th case stays in the inner loop.
GOLDEN_SAMPLE = 25


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    golden_seen: dict[str, int] = {}
    for item in items:
        path = Path(str(item.fspath))
        name = getattr(item, "originalname", item.name)
        slow = (path.name in SLOW_FILES or "parity" in path.parts or name in SLOW_TESTS
                or getattr(getattr(item, "obj", None), "is_hypothesis_test", False))
        if path.name.startswith("test_golden_") and name.startswith("test_matches_"):
            index = golden_seen.get(path.name, 0)
            golden_seen[path.name] = index + 1
            slow = slow or index % GOLDEN_SAMPLE != 0
        if slow:
            item.add_marker(pytest.mark.slow)
