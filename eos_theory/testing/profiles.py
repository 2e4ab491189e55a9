"""Hypothesis settings for exact computation, loaded in one line: :func:`exact_profile`.

SymPy's first derivation of a model takes longer than hypothesis's default deadline of 200 ms, and an exact
property can be slow on a rare draw for no fault of the code: these profiles have no deadline and do not
report slow data generation.  Select one with ``HYPOTHESIS_PROFILE=NAME`` or ``exact_profile(NAME)``:

* ``explore`` (the default): every run draws new random examples, 40 per property (:func:`.strategies.examples`
  scales a property's own count with it);
* ``ci``: the same counts, derandomised, no example database: every run draws the same fixed sample;
* ``thorough``: random, ten times as many examples, for hunting counterexamples.

A failure prints the shrunk example and a ``@reproduce_failure`` line (``print_blob``); failing examples are
replayed first on the next run (hypothesis's database, ``.hypothesis/``), except under ``ci``.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

#: the profiles' names here, and the name each is registered under in hypothesis
PROFILES = {"explore": "eos-theory-explore", "ci": "eos-theory-ci", "thorough": "eos-theory-thorough"}

settings.register_profile(
    PROFILES["explore"],
    deadline=None,
    derandomize=False,
    max_examples=40,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(PROFILES["ci"], settings.get_profile(PROFILES["explore"]), derandomize=True, database=None)
settings.register_profile(PROFILES["thorough"], settings.get_profile(PROFILES["explore"]), max_examples=400)


def exact_profile(name: str | None = None) -> str:
    """Load the profile ``name`` (default: ``$HYPOTHESIS_PROFILE``, else ``explore``) and return its
    registered name.

    >>> exact_profile("ci")
    'eos-theory-ci'
    >>> settings.default.deadline is None and settings.default.derandomize
    True
    >>> _ = exact_profile()                         # back to the default (or $HYPOTHESIS_PROFILE)
    """
    chosen = name or os.environ.get("HYPOTHESIS_PROFILE") or "explore"
    if chosen not in PROFILES:
        raise ValueError(f"unknown profile {chosen!r}: one of {', '.join(PROFILES)}")
    settings.load_profile(PROFILES[chosen])
    return PROFILES[chosen]
