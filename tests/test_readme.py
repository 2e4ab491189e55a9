"""The README's example claim runs as printed and is verified."""

import re
from pathlib import Path

from eos_theory.core import loader, registry

README = Path(__file__).resolve().parent.parent / "README.md"


def test_readme_example_claim_is_verified_from_its_own_directory(tmp_path, clean_registry):
    """README's claim, saved where its first line says (a file of your own), loads and verifies as theirs."""
    block = re.search(
        r"```python\n(# my_claims.py, in your own directory.*?)```", README.read_text(encoding="utf-8"), re.S
    )
    path = tmp_path / "my_claims.py"
    path.write_text(block.group(1), encoding="utf-8")
    (c,) = loader.load([path])
    result = registry.run(c)
    assert c.id == "loss-decreases" and c.own and c.origin == str(path)
    assert result.verdict == "verified" and result.error is None


def test_the_docs_show_the_example_files_as_they_are():
    """docs/your-claims.md quotes examples/your-claims/ whole; tests/test_done_when.py runs those files."""
    doc = (README.parent / "docs" / "your-claims.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", doc, re.S)
    for name in ("flow_claims.py", "test_flow_properties.py"):
        assert (README.parent / "examples" / "your-claims" / name).read_text(encoding="utf-8") in blocks, name


def test_the_docs_list_the_public_api():
    import eos_theory

    doc = (README.parent / "docs" / "your-claims.md").read_text(encoding="utf-8")
    table = doc[doc.index("## 6. The public API") :]
    rows = [line.split("|")[1] for line in table.splitlines() if line.startswith("| `")]
    listed = {name for row in rows for name in re.findall(r"`(\w+)[`(]", row)}
    assert listed == set(eos_theory._API), listed ^ set(eos_theory._API)  # every name listed imports, and only these


def test_the_docs_scope_example_verifies_and_the_audit_says_what_it_lacks(tmp_path, clean_registry, monkeypatch):
    """docs/your-claims.md's claim over every x verifies, with a premise of yours and one of the project's; without
    its p.covers line the audit's message is the one the docs quote, which says what to add."""
    doc = (README.parent / "docs" / "your-claims.md").read_text(encoding="utf-8")
    block = re.search(r"```python\n(# scope_claims.py.*?)```", doc, re.S).group(1)
    (tmp_path / "scope_claims.py").write_text(block, encoding="utf-8")
    claims = loader.load([tmp_path])
    assert [c.id for c in claims] == ["difference-of-squares", "quarter-difference"]
    assert [r.verdict for r in registry.run_all(claims)] == ["verified", "verified"]

    from eos_theory.core.proof import Proof

    monkeypatch.setattr(Proof, "covers", lambda self, phrase, *by: None)  # as if the line were not there
    error = registry.run(claims[0]).error
    quoted = re.search(r"`(audit: 'For every' in.*?)`", doc, re.S).group(1)
    assert error == " ".join(quoted.split())


def test_readme_quick_start_is_the_ci_command():
    ci = (README.parent / ".ci" / "run").read_text(encoding="utf-8")
    text = README.read_text(encoding="utf-8")
    for command in ('python3 -m pip install -e ".[test]" && eos-theory verify', "python3 -m pytest"):
        assert command in text and command in ci
