"""Shared test configuration: the hypothesis profile and access to ``tests/strategies.py``.

Profiles
--------
``ci`` (the default): ``derandomize=True`` so every run draws the same examples (a failure seen once
is seen again), no deadline (SymPy's first call of a derivation is slow and would trip it), no
example database, and a modest number of examples so the suite stays fast.
``thorough``: the same, but many more examples and randomised; select it with
``HYPOTHESIS_PROFILE=thorough`` when hunting for counterexamples.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from hypothesis import HealthCheck, settings

# pytest runs with --import-mode=importlib, which does not put tests/ on sys.path; the test
# modules import their strategies as the plain module ``strategies``.
_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)

settings.register_profile(
    "ci",
    deadline=None,
    derandomize=True,
    database=None,
    max_examples=40,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "thorough",
    deadline=None,
    derandomize=False,
    max_examples=500,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
