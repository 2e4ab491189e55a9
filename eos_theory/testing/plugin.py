"""The pytest plugin of eos-theory (entry point ``pytest11``): claim files are collected as tests.

In any directory pytest searches, a file named ``*_claims.py`` or ``claims_*.py`` is loaded as
``eos-theory verify --claims`` loads it (:mod:`eos_theory.core.loader`), and each claim it declares is one test:
it passes when its verdict is the one it expects (``expect=``, "verified" unless said otherwise) and its
premises are verified; a failure shows the verdict, what was expected, and the claim's full record (every step
with its evidence, the counterexample, the error that stopped it).  A file that cannot be loaded is a
collection error of one line.  Each claim runs within a time limit, ``--claim-timeout SECONDS`` (default 60, as
``eos-theory verify --timeout``): a claim still running then fails its test, inconclusive, with the reason.

Loaded by every pytest run once eos-theory is installed, so this module imports nothing heavy: SymPy and the
claim machinery load only when a claim file is found (``-p no:eos_theory`` turns the plugin off).
"""

from __future__ import annotations

from fnmatch import fnmatch

import pytest

#: what the plugin collects, and what it leaves to pytest as test modules: eos_theory.core.loader.PATTERNS and
#: .TESTS (not imported from there, which would load SymPy in every pytest run; tests/test_testing.py checks)
PATTERNS = ("*_claims.py", "claims_*.py")
TESTS = ("test_*.py", "*_test.py")
TIMEOUT = 60.0  #: seconds per claim by default, as ``eos-theory verify``: only a claim that hangs reaches it


def pytest_addoption(parser):
    parser.getgroup("eos_theory", "claims (eos-theory)").addoption(
        "--claim-timeout",
        type=float,
        default=TIMEOUT,
        metavar="SECONDS",
        help=f"time limit per claim of a *_claims.py file, and for importing the file (default {TIMEOUT:g}; 0: none); a "
        "claim still running then fails, inconclusive (the limit is a SIGALRM: claims run in the main thread)",
    )


def pytest_collect_file(file_path, parent):
    name = file_path.name
    if any(fnmatch(name, p) for p in PATTERNS) and not any(fnmatch(name, p) for p in TESTS):
        return ClaimsFile.from_parent(parent, path=file_path)
    return None


def _limit(config) -> float | None:
    """--claim-timeout in seconds, None for none (0)."""
    from eos_theory.running.executor import MAX_TIMEOUT

    timeout = config.getoption("claim_timeout")
    return timeout if 0 < timeout <= MAX_TIMEOUT else None


class ClaimNotAsExpected(Exception):
    """A claim whose verdict is not the one it expects; carries its result."""

    def __init__(self, result):
        super().__init__(result.claim.id)
        self.result = result


class ClaimsFile(pytest.File):
    """A claim file: one test per claim it declares."""

    def collect(self):
        from eos_theory.core import loader

        try:
            claims = loader.load([self.path], timeout=_limit(self.config))
        except loader.ClaimsError as exc:
            raise self.CollectError(str(exc)) from None
        for c in claims:
            yield ClaimItem.from_parent(self, name=c.id, claim=c)


class ClaimItem(pytest.Item):
    """One claim, run as ``eos-theory verify -j 1`` runs it (audit, premises and the kernel's replay included)."""

    def __init__(self, *, claim, **kwargs):
        super().__init__(**kwargs)
        self.claim = claim

    def runtest(self) -> None:
        from eos_theory.core import registry

        (result,) = registry.run_all([self.claim], jobs=1, timeout=_limit(self.config))
        if not result.as_expected:
            raise ClaimNotAsExpected(result)

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, ClaimNotAsExpected):
            from eos_theory.core import registry

            r = excinfo.value.result
            return "\n".join([f"claim {r.claim.id}: {r.verdict}, expected {r.claim.expect}", *registry.record_lines(r)])
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self):
        return self.path, None, f"claim {self.claim.id}"
