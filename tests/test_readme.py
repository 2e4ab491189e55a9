"""The README's example claim runs as printed and is verified."""

import re
from pathlib import Path

from eos_theory.core import registry

README = Path(__file__).resolve().parent.parent / "README.md"


def test_readme_example_claim_is_verified():
    block = re.search(r"```python\n(# proofs/my_claims.py.*?)```", README.read_text(encoding="utf-8"), re.S).group(1)
    namespace = {"__name__": "readme_example"}
    exec(compile(block, "README.md", "exec"), namespace)
    try:
        result = registry.run(registry._REGISTRY["loss-decreases"])
    finally:
        registry._REGISTRY.pop("loss-decreases", None)
    assert result.verdict == "verified" and result.error is None


def test_readme_quick_start_is_the_ci_command():
    ci = (README.parent / ".ci" / "run").read_text(encoding="utf-8")
    text = README.read_text(encoding="utf-8")
    for command in ('python3 -m pip install -e ".[test]" && eos-theory verify', "python3 -m pytest"):
        assert command in text and command in ci
