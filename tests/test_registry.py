"""The registry as a whole: every claim is decided as recorded, deterministically."""

import pytest

from eos_theory import registry
from eos_theory.notation import latex


@pytest.fixture(scope="module")
def results():
    return registry.run_all(registry.claims())


#: The findings, worked by hand (README "Findings"; gf-J also in tests/test_cli.py): these three printed equations
#: of §2.1 are false. Every other registered claim must come out verified. Kept here, apart from the `expect=`
#: in the proof scripts, so that a proof script cannot change its own expected verdict unnoticed.
REFUTED = {"gf-theta", "gf-J", "target-identity"}


def test_every_claim_is_decided_as_recorded(results):
    wrong = [(r.claim.id, r.verdict, r.claim.expect, r.error) for r in results if not r.as_expected]
    assert wrong == []
    assert {r.claim.id for r in results if r.verdict == "refuted"} == REFUTED
    assert all(r.verdict == "verified" for r in results if r.claim.id not in REFUTED)


def test_premises_are_registered_verified_claims(results):
    by_id = {r.claim.id: r for r in results}
    used = {d for r in results for d in r.proof.premises}
    assert used, "the registry uses claims as premises (z-sign for ps-init, among others)"
    assert all(by_id[d].verdict == "verified" for d in used)
    assert "z-sign" in by_id["ps-init"].proof.premises


def test_cited_results_are_shown_as_cited(results):
    cited = [r for r in results if any(s.kind == "citation" for s in r.proof.steps)]
    assert cited and all("cited" in r.checked_by for r in cited)
    assert all("cited" not in r.checked_by for r in results if r not in cited)


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
