"""Hypothesis profiles: CI replays a fixed example set, local runs explore.

CI (``CI`` set) loads the "ci" profile: derandomized, so a run is reproducible and
a new corner case found by exploring locally becomes a fix plus a golden case,
not a red CI run on an unrelated change. ``CONV_CALC_HYPOTHESIS=explore`` (or any
registered profile name) overrides the choice.
"""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, print_blob=True)
settings.register_profile("explore", derandomize=False, print_blob=True)
settings.load_profile(os.environ.get("CONV_CALC_HYPOTHESIS", "ci" if os.environ.get("CI") else "explore"))
