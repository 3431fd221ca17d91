"""Every case of the corpus, in one list with unique ids."""

from __future__ import annotations

from tests.hostile import cases_args, cases_files, cases_io
from tests.hostile.runner import Case


def all_cases() -> list[Case]:
    found: list[Case] = []
    for module in (cases_io, cases_args, cases_files):
        found += module.cases()
    ids = [case.id for case in found]
    duplicates = {i for i in ids if ids.count(i) > 1}
    assert not duplicates, duplicates
    return found


def select(cases: list[Case], words: list[str]) -> list[Case]:
    """The cases of these categories or whose id starts with one of the words."""
    if not words:
        return cases
    return [c for c in cases if c.category in words or any(c.id.startswith(w) for w in words)]
