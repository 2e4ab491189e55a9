"""The registry as a whole: every claim is decided as recorded, deterministically."""

import pytest

from eos_theory import registry
from eos_theory.notation import latex


@pytest.fixture(scope="module")
def results():
    return registry.run_all(registry.claims())


def test_every_claim_is_decided_as_recorded(results):
    wrong = [(r.claim.id, r.verdict, r.claim.expect, r.error) for r in results if not r.as_expected]
    assert wrong == []


def test_ids_are_unique_and_sources_named(results):
    ids = [r.claim.id for r in results]
    assert len(ids) == len(set(ids))
    assert all(r.claim.source.section for r in results)


def test_refutations_carry_counterexample_and_verified_correction(results):
    for r in results:
        data = r.to_json()
        if r.verdict == "refuted":
            assert r.proof.refutations and data["correction"]["steps"], r.claim.id
            assert all(s.kind != "counterexample" for s in r.proof.correction.steps)
        else:
            assert data["correction"] is None


def test_every_claim_has_latex_from_its_formula(results):
    for r in results:
        assert r.proof.formula is not None, r.claim.id
        assert r.latex == latex(r.proof.formula)


def test_verdicts_and_evidence_are_stable_run_to_run(results):
    again = registry.run_all(registry.claims())
    assert [(r.claim.id, r.verdict, r.evidence) for r in again] == [(r.claim.id, r.verdict, r.evidence) for r in results]
