"""The hostile corpus (tests/hostile/cases_*.py) as one slow test per case.

Run it alone with ``python -m pytest -q tests/hostile`` or ``python -m tests.hostile``
(a summary per category)."""

from __future__ import annotations

import pytest

from tests.hostile.corpus import all_cases
from tests.hostile.runner import excerpt, execute

pytestmark = pytest.mark.slow

CASES = all_cases()


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_case(case) -> None:
    outcome = execute(case)
    assert not outcome.problems, f"{'; '.join(outcome.problems)}\n{excerpt(outcome)}"


def test_the_corpus_is_a_few_hundred_cases_over_every_category() -> None:
    categories = {case.category for case in CASES}
    assert len(CASES) >= 300
    assert {"paths", "stdin", "outputs", "sizes", "constructors", "options", "text", "yaml",
            "config", "keras", "onnx", "torch-import"} <= categories
