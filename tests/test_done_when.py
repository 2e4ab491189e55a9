"""Issue 18's "Done when", as a researcher does it: a directory outside the repository holds a claims file (one
true claim, one false claim that expects "refuted" and carries its verified correction) and a property test
using eos_theory.testing; ``eos-theory verify --claims DIR`` gives the expected verdicts, ``eos-theory latex
--claims DIR --claim ID -o F`` writes a snippet labelled as the researcher's, ``pytest DIR`` collects and passes
both claims and the property tests, and no file of the package changes.

The directory is a copy of ``examples/your-claims`` (docs/your-claims.md shows those files).  verify and latex
run in this process, as the console script would (``cli.main``); pytest runs in a fresh process, so that the
claims are collected by the plugin the installed package registers (entry point ``pytest11``).
"""

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from clitools import run

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "examples" / "your-claims"
CLAIMS = ("flow-loss-decreases", "flow-product-conserved")


def _package_digest() -> str:
    h = hashlib.sha256()
    for root in (REPO / "eos_theory", REPO / "proofs"):
        for f in sorted(root.rglob("*.py")):
            h.update(str(f.relative_to(REPO)).encode() + f.read_bytes())
    return h.hexdigest()


@pytest.mark.long
def test_your_claims_and_property_tests_in_your_own_directory(tmp_path, capsys, monkeypatch, clean_registry):
    before = _package_digest()
    work = tmp_path / "my-research"
    shutil.copytree(EXAMPLE, work)
    monkeypatch.chdir(tmp_path)

    code, out, err = run(capsys, "verify", "--claims", "my-research", *(a for c in CLAIMS for a in ("--claim", c)))
    assert code == 0, err
    rows = {line.split()[1]: line for line in out.splitlines() if line.startswith("│ flow-")}
    assert "verified" in rows["flow-loss-decreases"] and "refuted" in rows["flow-product-conserved"]
    assert all("yours" in row for row in rows.values())
    assert "correct: J̃(ω₁)²J̃(ω₂)² is conserved when ω₂ = −ω₁" in out
    assert out.rstrip().endswith("2 claims decided as recorded: 1 verified, 1 refuted")

    code, out, err = run(capsys, "latex", "--claims", "my-research", "--claim", CLAIMS[1], "-o", "product.tex")
    assert code == 0, err
    tex = (tmp_path / "product.tex").read_text(encoding="ascii")
    assert f"% {CLAIMS[1]}: refuted (your claim, from flow_claims.py)" in tex
    assert "Claim of this work, checked with eos-theory" in tex and "\\begin{erratum}" in tex

    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "HYPOTHESIS_"))}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rA", "my-research"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    passed = {line.split()[1] for line in done.stdout.splitlines() if line.startswith("PASSED")}
    assert passed == {
        "my-research/flow_claims.py::flow-loss-decreases",
        "my-research/flow_claims.py::flow-product-conserved",
        "my-research/test_flow_properties.py::test_gradient_flow_never_increases_the_loss",
        "my-research/test_flow_properties.py::test_the_gradient_vanishes_on_the_minima",
    }
    assert _package_digest() == before
