"""A corpus of hostile inputs for every conv-calc command, run as subprocesses.

    python -m tests.hostile                 # every case, a summary per category
    python -m tests.hostile paths stdin     # only these categories (or case-id prefixes)
    python -m pytest -q tests/hostile       # the same, as a slow-marked test per case

The cases are tables (tests/hostile/cases_*.py); their files are made at run time in
a temporary directory (tests/hostile/make.py); tests/hostile/runner.py runs one case
and checks the contract (see its docstring).
"""
