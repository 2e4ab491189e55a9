"""The claim registry: every equation and statement of the paper, with how it is checked.

A claim is declared next to its proof, in a script under ``proofs/`` (installed as
``eos_theory.proofs``)::

    @claim("gf-z", source=Source("2.1", "ż = -η(JJ )z"), statement="...", method="...")
    def _(p: Proof):
        p.states(sp.Eq(lhs, rhs))
        p.equal("ż from the chain rule", derived, rhs)

Running a claim gives a :class:`Result` whose verdict comes from the proof's record: every step
asserted ⇒ ``verified``; an exact counterexample plus a verified correction ⇒ ``refuted``;
anything that could not be decided ⇒ ``inconclusive``.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

from . import executor, transport
from .notation import latex
from .proof import Disproved, Proof, format_point

VERDICTS = ("verified", "refuted", "inconclusive")


class UnknownClaim(KeyError):
    def __str__(self) -> str:
        return f"unknown claim id {self.args[0]!r} (known: {', '.join(self.args[1])})"


@dataclass(frozen=True)
class Source:
    """Where a claim comes from: a section of the seed text and the words printed there."""

    section: str  #: "2.1", "abstract", or "derived" for results the project derives itself
    quote: str | None = None

    def to_json(self) -> dict:
        return {"section": self.section, "quote": self.quote}

    def __str__(self) -> str:
        return self.section if self.quote is None else f"§{self.section}: “{self.quote}”"


@dataclass(frozen=True)
class Claim:
    id: str
    source: Source
    statement: str  #: in words, as the paper means it
    method: str  #: how it is checked
    check: Callable[[Proof], None]
    expect: str = "verified"  #: the verdict the project has established for it
    module: str = ""
    title: str = ""  #: a few words for tables; defaults to the statement

    @property
    def short(self) -> str:
        return self.title or self.statement


_REGISTRY: dict[str, Claim] = {}


def claim(id: str, *, source: Source, statement: str, method: str, expect: str = "verified", title: str = ""):
    """Register the decorated function as the proof of claim ``id``."""
    if expect not in VERDICTS:
        raise ValueError(f"expect must be one of {VERDICTS}")

    def register(check: Callable[[Proof], None]) -> Callable[[Proof], None]:
        if id in _REGISTRY and _REGISTRY[id].module != check.__module__:
            raise ValueError(f"claim id {id!r} registered twice")
        _REGISTRY[id] = Claim(id, source, statement, method, check, expect, check.__module__, title)
        return check

    return register


def claims() -> list[Claim]:
    """All registered claims, in the order of ``eos_theory.proofs.ORDER``."""
    proofs = importlib.import_module("eos_theory.proofs")
    for name in proofs.ORDER:
        importlib.import_module(f"eos_theory.proofs.{name}")
    return list(_REGISTRY.values())


def get(claim_id: str) -> Claim:
    known = claims()
    for c in known:
        if c.id == claim_id:
            return c
    raise UnknownClaim(claim_id, [c.id for c in known])


@dataclass
class Result:
    claim: Claim
    verdict: str
    evidence: str  #: the full record, one paragraph
    proof: Proof
    seconds: float
    error: str | None = None

    @property
    def summary(self) -> str:
        """Evidence in a few words, for tables."""
        p = self.proof
        if self.error:  # every error leaves the claim inconclusive: name what failed
            return self.error.split(":")[0]
        if p.refutations:
            return f"counterexample {p.refutations[0].detail}"
        counts = _kinds(p.steps)
        return ", ".join(f"{n} {_NAMES[k][n == 1]}" for k, n in counts.items())

    @property
    def checked_by(self) -> str:
        """How the verdict was reached, from the kinds of steps recorded."""
        kinds = set(_kinds(self.proof.steps))
        if self.proof.refutations:
            return "counterexample"  # exact, and so is the verification of the correction
        labels = []
        if kinds & {"identity", "sign", "fact", "example", "theorem", "inference"}:
            labels.append("exact")
        labels += [k for k in ("interval", "numerical") if k in kinds]
        return " + ".join(labels) or "-"

    @property
    def as_expected(self) -> bool:
        return self.verdict == self.claim.expect

    @property
    def latex(self) -> str | None:
        return None if self.proof.formula is None else latex(self.proof.formula)

    def to_json(self) -> dict:
        c, corr = self.claim, self.proof.correction
        return {
            "id": c.id,
            "source": c.source.to_json(),
            "statement": c.statement,
            "latex": self.latex,
            "method": c.method,
            "verdict": self.verdict,
            "expected": c.expect,
            "basis": self.proof.basis,
            "evidence": self.evidence,
            "correction": None if self.verdict != "refuted" or corr is None else {
                "statement": corr.statement,
                "latex": None if corr.formula is None else latex(corr.formula),
                "steps": [s.to_json() for s in corr.steps],
            },
            "steps": [s.to_json() for s in self.proof.steps],
            "error": self.error,
            "seconds": round(self.seconds, 3),
        }


_NAMES = {  # kind: (plural, singular)
    "identity": ("identities", "identity"), "sign": ("sign arguments", "sign argument"),
    "fact": ("facts", "fact"), "example": ("examples", "example"),
    "theorem": ("cited theorems", "cited theorem"), "inference": ("inferences", "inference"),
    "numerical": ("numerical checks", "numerical check"), "interval": ("interval proofs", "interval proof"),
}


def _kinds(steps) -> dict[str, int]:
    counts: dict[str, int] = {}
    for s in steps:
        if s.kind != "counterexample":
            counts[s.kind] = counts.get(s.kind, 0) + 1
    return counts


def _evidence(p: Proof) -> str:
    """The record in one paragraph: counterexamples, then each step's result."""
    parts = [f"{s.text}: counterexample {s.detail}" for s in p.refutations]
    parts += [f"{s.text}: {s.detail}" if s.detail else s.text for s in p.steps if s.kind != "counterexample"]
    if p.correction is not None:
        parts.append(f"correction ({p.correction.statement}) verified: "
                     + "; ".join(f"{s.text}: {s.detail}" for s in p.correction.steps))
    return "; ".join(parts)


def run(c: Claim) -> Result:
    """Run one claim's proof and decide its verdict."""
    p = Proof()
    start = time.perf_counter()
    try:
        c.check(p)
        verdict, error = p.verdict, None
        evidence = _evidence(p)
    except Disproved as exc:  # an asserted identity is false, and there is no verified correction
        verdict, error = "inconclusive", f"disproved, with no verified correction: {exc}"
        evidence = f"{exc.text}: counterexample at {format_point(exc.point)}; no verified correction"
    except Exception as exc:  # noqa: BLE001 - any failure leaves the claim undecided
        verdict, error = "inconclusive", f"{type(exc).__name__}: {exc}"
        evidence = error
    return Result(c, verdict, evidence, p, time.perf_counter() - start, error)


def run_all(selected: Iterable[Claim], progress: Callable[[Result], None] | None = None, jobs: int = 1,
            timeout: float | None = None) -> list[Result]:
    """Run registered claims ``jobs`` at a time (1: in this process) through :mod:`.executor`, each within
    ``timeout`` seconds (None: no limit).  A claim past its limit, or whose worker fails, is inconclusive
    with the reason and the others still run; results come in the order given and, but for the times,
    are the same for any ``jobs``.  ``progress`` gets each result as it is decided.  Neighbouring
    claims share derivations (the report's order follows the proof scripts), and the executor keeps
    neighbours in one worker: keep ``selected`` in that order."""
    selected = list(selected)
    results: list[Result] = [None] * len(selected)  # type: ignore[list-item]

    def done(i: int, outcome: executor.Outcome) -> None:
        c = selected[i]
        if outcome.error is None:
            results[i] = Result(c, *transport.loads(outcome.value))
        else:  # the claim's proof never reported: the executor says why (time limit, worker died, ...)
            results[i] = Result(c, "inconclusive", outcome.error, Proof(), outcome.seconds, outcome.error)
        if progress is not None:
            progress(results[i])

    executor.run(_run_shipped, [(c.module, c.id) for c in selected], backend=executor.local(jobs),
                 timeout=timeout, progress=done)
    return results


def _run_shipped(name: tuple[str, str]) -> bytes:
    """Worker side of :func:`run_all`: run the claim registered as ``name = (module, id)``.

    A name, not the Claim, travels to the worker (any registered proof runs, picklable or not); the
    result travels back without its Claim, which the caller already holds, and with its SymPy
    objects exactly as built (:mod:`.transport`), in-process too, so that any ``jobs`` gives the
    same results.
    """
    module, claim_id = name
    if claim_id not in _REGISTRY:  # a forked worker has the caller's registry; a spawned one imports it
        importlib.import_module(module)
    if claim_id not in _REGISTRY:
        raise LookupError(f"claim {claim_id!r} is not registered in {module} (run_all runs claims by id)")
    r = run(_REGISTRY[claim_id])
    return transport.dumps((r.verdict, r.evidence, r.proof, r.seconds, r.error))


def report(results: list[Result]) -> dict:
    counts = {v: sum(r.verdict == v for r in results) for v in VERDICTS}
    return {
        "tool": "eos-theory",
        "paper": "Second-order regression models exhibit progressive sharpening to the edge of stability",
        "summary": {**counts, "total": len(results), "unexpected": [r.claim.id for r in results if not r.as_expected]},
        "claims": [r.to_json() for r in results],
    }


def write_json_atomic(path: str | os.PathLike, data: dict) -> None:
    """Write JSON to ``path`` atomically; serialisation (no NaN allowed) happens before any file exists."""
    write_text_atomic(path, json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n")


def write_text_atomic(path: str | os.PathLike, text: str) -> None:
    """Write ``text`` via a temporary file in the same directory and an atomic rename: readers see the
    old file or the whole new one, never a partial report."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp creates 0600; a report is an ordinary file
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def print_proof(module: str) -> None:
    """Run the claims declared in ``module`` and print each step (for ``python -m`` on a proof)."""
    for c in [c for c in _REGISTRY.values() if c.module == module]:
        r = run(c)
        print(f"{c.id}: {r.verdict} (expected {c.expect})  [{c.source}]")
        print(f"  claim: {c.statement}")
        if r.latex:
            print(f"  latex: {r.latex}")
        for s in r.proof.steps:
            print(f"  - [{s.kind}] {s.text}: {s.detail}")
        corr = r.proof.correction
        if corr is not None:
            print(f"  correction: {corr.statement}")
            for s in corr.steps:
                print(f"    - [{s.kind}] {s.text}: {s.detail}")
        if r.error:
            print(f"  error: {r.error}")
