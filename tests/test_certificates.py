"""Certificates of the registered claims (eos_theory.core.certificates) and their replay by the kernel: every
claim's certificate replays, follows the documented schema, and a false one makes the claim inconclusive."""

from __future__ import annotations

import copy
import json
import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import sympy as sp

from eos_theory import kernel
from eos_theory.core import certificates, registry
from eos_theory.core.certificates import NotInGrammar, cofactors, step_forms, text
from eos_theory.core.evidence import Holds, Irreducible, Resultant, Root, Solutions
from eos_theory.core.proof import BoxProof, Proof, Step
from eos_theory.core.registry import Claim, Source

ROOT = Path(__file__).resolve().parent.parent
x, y = sp.symbols("x y", real=True)
eta = sp.Symbol("eta", positive=True)


def schema() -> dict:
    doc = (ROOT / "docs" / "certificates.md").read_text(encoding="utf-8")
    block = doc.split("## JSON Schema", 1)[1]
    return json.loads(re.search(r"```json\n(.*?)```", block, re.S).group(1))


@pytest.fixture(scope="module")
def certs(registry_results):
    return {r.claim.id: json.loads(r.certificate) for r in registry_results}


def test_every_registered_claims_certificate_replays(registry_results, certs):
    """What verify's workers found is what the kernel finds again from the files' text: nothing rejected."""
    assert all(r.kernel is not None and r.kernel.status != "rejected" for r in registry_results)
    again = {c.claim: c.status for c in kernel.check_all(list(certs.values()))}
    assert again == {r.claim.id: r.kernel_status for r in registry_results}
    checked = {cid for cid, s in again.items() if s == "kernel-checked"}
    # (constant-ntk and gd-eigen were here: since issue 15 they carry any-P steps in matrix words of symbolic size,
    # which the kernel does not replay, so they are partly replayed)
    assert {"eigen-gf-J", "eos2d-multipliers", "eos2d-axis-map", "gd-symmetric", "landscape"} <= checked


def test_certificates_follow_the_documented_schema(certs):
    validator = jsonschema.Draft202012Validator(schema())
    for cid, cert in certs.items():
        errors = list(validator.iter_errors(cert))
        assert not errors, f"{cid}: {errors[0].message} at {list(errors[0].absolute_path)}"


def test_every_interval_proof_is_replayed_on_arb(certs, registry_results):
    """Item 3: no interval step rests on mpmath alone: each is a krawczyk or bound form that the kernel replayed."""
    intervals = {
        (r.claim.id, s.text)
        for r in registry_results
        for s in (*r.proof.steps, *(r.proof.correction.steps if r.proof.correction else ()))
        if s.kind == "interval"
    }
    assert len(intervals) >= 15
    trusted = {(r.claim.id, label) for r in registry_results for label, _ in r.kernel.trusted}
    for cid, text_ in intervals:
        forms = [s for s in certs[cid]["steps"] if s.get("text") == text_]
        assert forms and all(s["kind"] in ("krawczyk", "bound") for s in forms), (cid, text_)
        assert not any(text_ in label for c, label in trusted if c == cid)


def test_a_changed_certificate_is_rejected_naming_the_step(certs):
    cert = copy.deepcopy(certs["gd-eigen"])
    i, step = next((i, s) for i, s in enumerate(cert["steps"]) if s["kind"] == "identity")
    side = "lhs" if isinstance(step["lhs"], str) else None
    if side:
        step["lhs"] = f"({step['lhs']}) + 1"
    else:
        step["lhs"][0] = f"({step['lhs'][0]}) + 1"
    c = kernel.check(cert)
    assert c.status == "rejected" and c.rejected[0][0].startswith(f"step {i + 1} (")
    threshold = copy.deepcopy(certs["cascade-thresholds"])
    k = next(s for s in threshold["steps"] if s["kind"] == "krawczyk")
    lo, hi = (kernel.number(v) for v in k["box"][1])  # move the ε-side of the box off the threshold
    k["box"][1] = [str(hi + (hi - lo)), str(hi + 2 * (hi - lo))]
    assert kernel.check(threshold).status == "rejected"


def test_a_claim_whose_certificate_the_kernel_rejects_is_not_verified(monkeypatch):
    def check(p: Proof) -> None:
        p.equal("square", (x + 1) ** 2, x**2 + 2 * x + 1)

    c = Claim("k", Source("derived"), "x.", "exact", check)
    assert registry.run(c).verdict == "verified"
    real = certificates.step_forms
    monkeypatch.setattr(
        certificates, "step_forms", lambda s: [{**f, "rhs": "x^2 + 1"} for f in real(s)]
    )  # a finder that writes its step wrong
    r = registry.run(c)
    assert r.verdict == "inconclusive" and r.kernel_status == "rejected"
    assert r.error.startswith("kernel rejected: step 1 (square): lhs − rhs is not 0")


# -- the finder's side: what each kind of step writes ---------------------------------------------------------


def forms_of(record) -> list[dict]:
    p = Proof()
    record(p)
    return [f for s in p.steps for f in step_forms(s)]


def test_identities_modulo_relations_get_cofactors_with_the_statements_denominators():
    (f,) = forms_of(lambda p: p.equal("on x² = 2", x**3 / (y + 1), 2 * x / (y + 1), modulo=(x**2 - 2,)))
    assert f["modulo"] == ["-2 + x^2"] and kernel.check({"claim": "c", "steps": [f]}).status == "kernel-checked"
    assert cofactors(x**3 - 2 * x, (x**2 - 2,), [x]) == [x]
    assert cofactors(x - x, (x**2 - 2,), [x]) == [0]
    with pytest.raises(NotInGrammar, match="Gröbner"):
        cofactors(x, (x**2 - 2,), [x])


def test_radicals_and_square_roots_of_symbols_become_variables():
    # (the finder decides identities of numbers by their minimal polynomials, not as identities: a Step by hand)
    (f,) = step_forms(Step("golden", "identity", "", (x * ((1 + sp.sqrt(5)) / 2) ** 2, x * (3 + sp.sqrt(5)) / 2)))
    assert f["modulo"] == ["-5 + r1^2"] and f["renamed"] == {"r1": "(5)^(1/2)"} and f["cofactors"] == ["x/4"]
    (g,) = forms_of(lambda p: p.equal("root", sp.sqrt(eta) ** 3, eta * sp.sqrt(eta)))
    assert g["variables"] == ["sqrt_eta"] and g["renamed"] == {"sqrt_eta": "eta^(1/2)"}
    assert kernel.check({"claim": "c", "steps": [f, g]}).status == "kernel-checked"


def test_what_the_grammar_cannot_write_is_listed_with_the_reason():
    (f,) = forms_of(lambda p: p.positive("exp > 0", sp.exp(x), sp.exp(x)))
    assert f["kind"] == "unreplayable" and f["as"] == "sign" and "exp" in f["reason"]
    with pytest.raises(NotInGrammar):
        text(sp.Float(0.5) * x, {x: "x"})


def test_signs_comparisons_and_boxes_are_written_in_kernel_forms():
    def record(p: Proof) -> None:
        p.positive("x² + 1 > 0", x**2 + 1, x**2 + 1)
        p.positive("ηx² > 0", eta * x**2, eta * x**2, nonzero=(x,))
        p.compare("√(13 + 3√41)/2 − 1 > 2√2 − 1", sp.sqrt(13 + 3 * sp.sqrt(41)) / 2 - 1, ">", 2 * sp.sqrt(2) - 1)
        p.interval("√2", "Krawczyk", BoxProof((x,), ((1, 2),), equations=(x**2 - 2,), at_zero=((x, 1, 2),)))

    forms = forms_of(record)
    assert [f["kind"] for f in forms] == ["positive", "positive", "compare", "krawczyk"]
    assert forms[1]["assumptions"] == {"eta": "positive", "x": "nonzero"}
    assert forms[2]["variables"] == ["r1", "r2", "r3"] and forms[2]["equations"][1] == "-13 + r2^2 - 3*r1"
    assert forms[3]["at_zero"] == [{"expr": "x", "interval": ["1", "2"]}]
    assert kernel.check({"claim": "c", "steps": forms}).status == "kernel-checked"


def test_checked_values_are_written_with_their_evidence_and_a_wrong_value_is_rejected():
    s = sp.Symbol("s", real=True)
    stable = Solutions(s, (sp.Abs(1 - s) < 1,))

    def record(p: Proof) -> None:
        p.check("|1 − s| < 1 ⟺ 0 < s < 2", sp.Interval.open(0, 2), sp.Interval.open(0, 2), evidence=stable)
        root = sp.FiniteSet(sp.sqrt(2))
        p.check("√2 is where x² = 2, x > 0", root, root, evidence=Solutions(x, (sp.Eq(x**2, 2), x > 0)))
        p.check("roots: 2 at ε = 3", [2], [2], evidence=(Solutions(x, (sp.Eq(x**2, 3),)),))
        p.check("x⁴ − 10x² + 1 is irreducible", 1, 1, evidence=Irreducible(x, x**4 - 10 * x**2 + 1))
        p.check("√2 = 1.414…", "1.414", "1.414", evidence=BoxProof((x,), ((1, 2),), equations=(x**2 - 2,)))
        p.positive("x²y² ≥ 0", x**2 * y**2, x**2 * y**2, strict=False)
        p.check("a degree", 3, 3)

        p.check(
            "√5 − 1 is the root ≥ 1", sp.sqrt(5) - 1, sp.sqrt(5) - 1, evidence=Root(x, (sp.Eq(x**2 + 2 * x, 4), x >= 1))
        )
        p.check("Res_y(y² − 1, y − x) = x² − 1", x**2 - 1, x**2 - 1, evidence=Resultant(y, y**2 - 1, y - x))
        p.check(
            "(1/2, −3) is inside",
            "inside",
            "inside",
            evidence=Holds({x: sp.Rational(1, 2), y: -3}, (sp.Abs(x) < y**2,)),
        )

    forms = forms_of(record)
    kinds = [
        *["solutions"] * 3,
        "irreducible",
        "krawczyk",
        "positive",
        "computation",
        "solutions",
        "resultant",
        "compare",
    ]
    assert [f["kind"] for f in forms] == kinds
    assert forms[0]["where"] == [{"expr": "s^2 - 2*s", "op": "<"}] and forms[0]["set"] == [["(", "0", "2", ")"]]
    assert forms[1]["set"][0][1] == {"root": "-2 + x^2", "in": forms[1]["set"][0][1]["in"]} and forms[2]["count"] == 2
    assert forms[5]["op"] == ">="
    assert forms[9]["definitions"] == [["x", "1/2"], ["y", "-3"]] and forms[9]["op"] == "<"
    assert kernel.check({"claim": "c", "steps": forms}).status == "partly replayed"  # (the degree: trusted)
    three = sp.Interval.open(0, 3)  # a slip of the finder: the set it computed is not where |1 − s| < 1
    wrong = forms_of(lambda p: p.check("|1 − s| < 1 ⟺ 0 < s < 3", three, three, evidence=stable))
    assert kernel.check({"claim": "c", "steps": wrong}).status == "rejected"
    with pytest.raises(AssertionError, match="not manifestly non-negative"):
        Proof().positive("x ≥ 0", x, x, strict=False)


def test_an_equality_of_nested_radicals_gets_cofactors_even_when_it_holds_for_one_branch_only():
    """√(3 − 2√2) = √2 − 1 holds for the positive square roots only: not in the relations' ideal, but its product
    with the conjugate is, and the cofactors are divided by the conjugate (non-zero at the point)."""
    (f,) = forms_of(lambda p: p.compare("√(3 − 2√2) = √2 − 1", sp.sqrt(3 - 2 * sp.sqrt(2)), "==", sp.sqrt(2) - 1))
    assert len(f["cofactors"]) == 2 and "/" in f["cofactors"][0]
    assert kernel.check({"claim": "c", "steps": [f]}).status == "kernel-checked"
    assert kernel.check({"claim": "c", "steps": [{**f, "rhs": "1 - r1"}]}).status == "rejected"


@pytest.mark.long
def test_verify_writes_certificates_that_the_kernel_replays(tmp_path):
    """`verify --certificates` writes the claims run (and the premises they used) for `python -m eos_theory.kernel`."""
    out = tmp_path / "certs"
    run = subprocess.run(
        [sys.executable, "-m", "eos_theory", "verify", "--claim", "ps-init", "--certificates", str(out), "-q"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert sorted(p.name for p in out.iterdir()) == ["ps-init.json", "z-sign.json"]  # z-sign: ps-init's premise
    replay = subprocess.run(
        [sys.executable, "-m", "eos_theory.kernel", str(out)], capture_output=True, text=True, timeout=60
    )
    assert replay.returncode == 0 and "ps-init: " in replay.stdout and "0 rejected" in replay.stdout
    bad = subprocess.run(
        [
            sys.executable,
            "-m",
            "eos_theory",
            "verify",
            "--claim",
            "z-sign",
            "--certificates",
            str(out / "ps-init.json"),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert bad.returncode == 2 and "not a directory" in bad.stderr and "Traceback" not in bad.stderr


def test_a_claims_record_says_what_the_kernel_replayed_and_what_it_rests_on():
    lines = registry.record_lines(registry.run(registry.get("gf-z")))
    kernel_lines = [line for line in lines if "kernel" in line or "replayed" in line]
    assert kernel_lines[0] == "  kernel: partly replayed, 3 steps replayed"
    assert kernel_lines[1].startswith("    not replayed: step ") and "matrix words of symbolic size" in kernel_lines[1]
