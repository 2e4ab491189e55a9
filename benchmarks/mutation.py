"""Mutation testing of the exact core (issue 8) and the kernel (issue 16): run mutmut on the functions in scope,
report the kill rate.

The scope is the exact core: all of core/proof.py; of numbers/parse.py the exact readers and of
numbers/decimals.py the agreement of two numbers; of numbers/intervals.py the enclosures and exact signs;
of quadratic/runs.py the settling and period detection of ``outcome`` and ``cycle_digits``; of
core/registry.py the verdict, audit and premise machinery; and the kernel's checking code (kernel/expressions.py,
balls.py, replay.py, sets.py; ``--only kernel`` runs just those).  mutmut (``pip install -e ".[mutation]"``; configured in
pyproject.toml, ``[tool.mutmut]``) mutates these files and runs, for each mutant, only the unit tests
and doctests that call the mutated function.  Prints, per file, mutants generated, reached by tests,
killed, survived, timed out, and the kill rate killed / reached; exits non-zero when a file is below
the bar (90 %).  ``--report`` only reads mutmut's results in mutants/; ``--survivors`` lists them.
mutmut reuses results and its test-to-function map across runs; for a measurement, delete mutants/ first.

    python benchmarks/mutation.py [--max-children 2] [--report] [--survivors] [--only kernel]
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

BAR = 0.90

#: mutant-name patterns in scope, per file (mutmut names a mutant module.x_function__mutmut_N,
#: and a method module.xǁClassǁmethod__mutmut_N)
SCOPE = {
    "eos_theory/core/proof.py": ["eos_theory.core.proof.*"],
    "eos_theory/numbers/parse.py": [f"eos_theory.numbers.parse.x_{f}__mutmut_*" for f in ("exact", "to_mpf")],
    "eos_theory/numbers/decimals.py": [
        f"eos_theory.numbers.decimals.x_{f}__mutmut_*" for f in ("agreeing_digits", "_finite_mpf")
    ],
    "eos_theory/numbers/intervals.py": [
        f"eos_theory.numbers.intervals.x_{f}__mutmut_*"
        for f in ("enclose", "_enclose_expr", "exact_sign", "arb_enclose")
    ],
    "eos_theory/quadratic/runs.py": [
        f"eos_theory.quadratic.runs.x_{f}__mutmut_*"
        for f in ("required_digits", "_digits", "_norm", "_period", "_gap", "_best", "outcome", "cycle_digits")
    ],
    "eos_theory/core/registry.py": [
        f"eos_theory.core.registry.x_{f}__mutmut_*"
        for f in ("_kinds", "_evidence", "audit", "run", "check_premises", "report")
    ],
    # the kernel (issue 16): all of its checking code
    "eos_theory/kernel/expressions.py": ["eos_theory.kernel.expressions.*"],
    "eos_theory/kernel/balls.py": ["eos_theory.kernel.balls.*"],
    "eos_theory/kernel/replay.py": ["eos_theory.kernel.replay.*"],
    "eos_theory/kernel/sets.py": ["eos_theory.kernel.sets.*"],
}

#: mutmut's exit-code classes (mutmut/stats.py)
KILLED, SURVIVED, NO_TESTS, TIMEOUT = {1, 3}, {0}, {5, 33}, {36, 24, -24, 152, 255}


def in_scope(name: str, patterns: list[str]) -> bool:
    return any(fnmatch.fnmatch(name, p) for p in patterns)


def results(root: Path) -> dict[str, dict[str, int | None]]:
    """Exit code of every mutant in scope, per file, from mutmut's meta files (None: not run yet)."""
    out = {}
    for path, patterns in SCOPE.items():
        meta = root / "mutants" / (path + ".meta")
        codes = json.loads(meta.read_text())["exit_code_by_key"] if meta.exists() else {}
        out[path] = {k: v for k, v in codes.items() if in_scope(k, patterns)}
    return out


def table(res: dict[str, dict[str, int | None]]) -> tuple[list[str], bool]:
    lines = [
        f"{'file':26} {'generated':>9} {'reached':>8} {'killed':>7} {'survived':>9} {'timeout':>8} "
        f"{'other':>6} {'kill rate':>10}"
    ]
    ok = True
    for path, codes in res.items():
        n = len(codes)
        killed = sum(c in KILLED for c in codes.values())
        survived = sum(c in SURVIVED for c in codes.values())
        timeout = sum(c in TIMEOUT for c in codes.values())
        unreached = sum(c in NO_TESTS for c in codes.values())
        reached = n - unreached
        other = reached - killed - survived - timeout  # not run yet, suspicious, segfault
        rate = killed / reached if reached else float("nan")
        ok &= reached > 0 and rate >= BAR
        lines.append(f"{path:26} {n:9} {reached:8} {killed:7} {survived:9} {timeout:8} {other:6} {rate:10.1%}")
    return lines, ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-children", type=int, default=2, help="parallel mutant runs (default 2)")
    parser.add_argument("--report", action="store_true", help="only report the results already in mutants/")
    parser.add_argument("--survivors", action="store_true", help="also list the surviving mutants")
    parser.add_argument("--only", metavar="TEXT", help="only the files in SCOPE whose path contains TEXT (e.g. kernel)")
    args = parser.parse_args()
    if args.only:
        for path in [p for p in SCOPE if args.only not in p]:
            del SCOPE[path]
    root = Path(__file__).resolve().parent.parent
    if not args.report:
        mutmut = shutil.which("mutmut") or str(Path(sys.executable).with_name("mutmut"))
        patterns = [p for ps in SCOPE.values() for p in ps]
        # the derandomised hypothesis profile: every mutant meets the same examples, so results are reproducible
        env = {**os.environ, "HYPOTHESIS_PROFILE": "ci"}
        subprocess.run(
            [mutmut, "run", "--max-children", str(args.max_children), *patterns],
            cwd=root,
            env=env,
            stdout=subprocess.DEVNULL,
            check=True,
        )
    res = results(root)
    lines, ok = table(res)
    print("\n".join(lines))
    print(f"kill rate = killed / reached (mutants whose function the selected tests call); bar {BAR:.0%} per file")
    if args.survivors:
        for codes in res.values():
            for name, code in sorted(codes.items()):
                if code in SURVIVED:
                    print("survived:", name)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
