"""The claim registry: every equation and statement of the paper, with how it is checked.

A claim is declared next to its proof, in a script under ``proofs/`` (installed as
``eos_theory.proofs``)::

    @claim("gf-z", source=Source("2.1", "ż = -η(JJ )z"), statement="...", method="...")
    def _(p: Proof):
        p.states(sp.Eq(lhs, rhs))
        p.equal("ż from the chain rule", derived, rhs)

Running a claim gives a :class:`Result` whose verdict comes from the proof's record: every step
asserted ⇒ ``verified``; an exact counterexample plus a verified correction ⇒ ``refuted``;
anything that could not be decided ⇒ ``inconclusive``.  A claim whose evidence includes a
statistical estimate is at best ``supported`` (every interval where the statement needs it, at the
stated confidence) and otherwise ``not supported`` (an interval falls outside), never verified.  A claim is no stronger than its steps:
a verified claim must also pass :func:`audit` (the scope it declares treated symbolically by some step, read from
the steps' own expressions and premises; every quantifier word of its statement covered by a step that covers it)
and every claim it uses as a premise must be verified (:func:`check_premises`); otherwise it is inconclusive, and
the report says why.
"""

from __future__ import annotations

import contextlib
import dataclasses
import difflib
import importlib
import json
import os
import re
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from eos_theory import kernel
from eos_theory.core import certificates
from eos_theory.core.notation import latex
from eos_theory.core.proof import UNIVERSAL, Disproved, NotSupported, Proof, format_point
from eos_theory.running import executor, transport

#: supported / not supported: the verdicts of a claim whose evidence is statistical (its confidence
#: intervals lie, or do not lie, where the statement needs them); such a claim is never "verified"
VERDICTS = ("verified", "refuted", "supported", "not supported", "inconclusive")
PROVED = ("verified", "supported")  #: the verdicts that pass the audit of quantifiers
KERNEL_STATUSES = ("kernel-checked", "partly replayed", "rejected")  #: what the kernel made of a certificate


class UnknownClaim(KeyError):
    """No claim registered under this id: ``UnknownClaim(id, known ids)``."""

    def _close(self) -> str:
        """'; did you mean a or b?' with the known ids the unknown one may be a misspelling of, or ''."""
        close = difflib.get_close_matches(self.args[0], self.args[1], n=3, cutoff=0.75)
        return f"; did you mean {' or '.join(close)}?" if close else ""

    def hint(self) -> str:
        """No claim has the id, and the ids it may be a misspelling of."""
        return "no claim has this id" + self._close()

    def __str__(self) -> str:
        return (
            f"unknown claim id {self.args[0]!r}{self._close()} ({len(self.args[1])} claims are loaded: 'eos-theory "
            "verify --list' lists them, with --claims PATH yours too)"
        )


class DuplicateClaim(ValueError):
    """Two claims registered under one id (in two files, or twice in one file)."""


@dataclass(frozen=True)
class Source:
    """Where a claim comes from: a section of the seed text and the words printed there (for your own
    claims: optional, whatever you cite — "Lemma 3", a section of your paper or of the one you check)."""

    section: str  #: "2.1", "abstract", or "derived" for results the project derives itself
    quote: str | None = None

    def to_json(self) -> dict:
        return {"section": self.section, "quote": self.quote}

    def __str__(self) -> str:
        return self.section if self.quote is None else f"§{self.section}: “{self.quote}”"


PROJECT = "eos_theory.proofs"  #: the package of the project's own claims; every other claim is a researcher's
NO_SOURCE = Source("—")  #: a researcher's claim that cites no source


@dataclass(frozen=True)
class Claim:
    id: str
    source: Source
    statement: str  #: in words, as the paper means it
    method: str  #: how it is checked
    check: Callable[[Proof], None]
    expect: str = "verified"  #: the verdict its author has established for it
    module: str = ""
    title: str = ""  #: a few words for tables; defaults to the statement
    #: where it was loaded from: "" for the project's, else a file's path or "package NAME VERSION"
    origin: str = ""
    cited: bool = True  #: False: a researcher's claim declared without a source
    #: what the statement quantifies over: (symbol names, comma-separated, e.g. "P" or "theta_1, theta_2"; the
    #: domain in words, e.g. "every number of parameters P ≥ 1"); () for a statement about given values only;
    #: None: not declared (then only the quantifier words are audited).  See :func:`audit`.
    scope: tuple[tuple[str, str], ...] | None = None

    @property
    def short(self) -> str:
        return self.title or self.statement

    @property
    def own(self) -> bool:
        """A researcher's claim (from a file, a notebook or an installed package), not the project's."""
        return not (self.module == PROJECT or self.module.startswith(PROJECT + "."))

    @property
    def where(self) -> str:
        """A few characters for a table's § column: the project's section, "—" for its derived results,
        "yours" (and the section cited, if any) for a researcher's claim, the package's name for an installed
        package's claim."""
        if not self.own:
            return self.source.section.replace("derived", "—")
        who = self.origin.removeprefix("package ").rpartition(" ")[0] if self.origin.startswith("package ") else ""
        who = who or "yours"
        return f"{who}, {self.source.section}" if self.cited else who

    def origin_json(self) -> dict:
        """Who stated it and where it was loaded from."""
        if not self.own:
            return {"author": "eos-theory", "module": self.module}
        out = {"author": "researcher", "module": self.module}
        if self.origin.startswith("package "):
            out["package"] = self.origin.removeprefix("package ")
        elif self.origin:
            out["file"] = self.origin
        return out


_REGISTRY: dict[str, Claim] = {}
#: claims registered while a file or package is being loaded (:func:`loading`): its origin, and what it registered
_LOADING: list[tuple[str, list[Claim]]] = []


@contextlib.contextmanager
def loading(origin: str) -> Iterator[list[Claim]]:
    """Record the claims registered inside the block (a module being imported) and mark them with ``origin``.
    Used by :mod:`eos_theory.core.loader`; a claim id registered twice inside one block is an error."""
    captured: list[Claim] = []
    _LOADING.append((origin, captured))
    try:
        yield captured
    finally:
        _LOADING.pop()


def _describe(c: Claim) -> str:
    return c.origin or c.module


def claim(
    id: str,
    *,
    statement: str,
    method: str,
    source: Source | None = None,
    expect: str = "verified",
    title: str = "",
    scope: dict[str, str] | None = None,
):
    """Register the decorated function as the proof of claim ``id``.

    ``statement`` says in words what is claimed (every quantifier in it must be covered by a step), ``method``
    how it is checked, ``expect`` the verdict its author has established (``verify`` fails when another comes
    out), ``title`` a few words for tables.  ``source`` says where it is stated; the project's claims must
    name it, a researcher's may (otherwise it is labelled as theirs alone).  ``scope`` declares what the
    statement quantifies over, symbol names (comma-separated) → the domain in words, ``{}`` for a statement
    about given values only: :func:`audit` then requires, for each, a step that treats those symbols
    symbolically (the project's claims must declare it).
    """
    if expect not in VERDICTS:
        raise ValueError(f"expect must be one of {VERDICTS}")
    if not isinstance(id, str) or not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._:-]*", id):
        raise ValueError(f"a claim id is letters, digits and . _ : - (starting with a letter or digit), got {id!r}")

    def register(check: Callable[[Proof], None]) -> Callable[[Proof], None]:
        origin, captured = _LOADING[-1] if _LOADING else ("", None)
        new = Claim(
            id,
            source or NO_SOURCE,
            statement,
            method,
            check,
            expect,
            check.__module__,
            title,
            origin,
            source is not None,
            None if scope is None else tuple((str(k), str(v)) for k, v in scope.items()),
        )
        if source is None and not new.own:
            raise ValueError(f"claim {id!r}: the project's claims name their source")
        old = _REGISTRY.get(id)
        if old is not None and not _same_definition(old, new):
            raise DuplicateClaim(
                f"claim id {id!r} is registered twice: in {_describe(old)} and in {_describe(new)} (give one another id)"
            )
        if captured is not None:
            if any(c.id == id for c in captured):
                raise DuplicateClaim(f"claim id {id!r} is registered twice in {_describe(new)} (give one another id)")
            captured.append(new)
        _REGISTRY[id] = new
        return check

    return register


def _same_definition(old: Claim, new: Claim) -> bool:
    """The same claim defined again: its module run again (a reload, a notebook cell run twice), or one file
    imported under two module names (pytest's importlib mode)."""
    if old.module == new.module:
        return True
    code_old, code_new = getattr(old.check, "__code__", None), getattr(new.check, "__code__", None)
    return (
        code_old is not None
        and code_new is not None
        and code_old.co_filename == code_new.co_filename
        and old.check.__qualname__ == new.check.__qualname__
    )


def claims() -> list[Claim]:
    """All registered claims: the project's in the order of ``eos_theory.proofs.ORDER``, then those of installed
    packages (entry-point group ``eos_theory.claims``), then any loaded from files (:mod:`.loader`)."""
    from eos_theory.core import loader

    proofs = importlib.import_module("eos_theory.proofs")
    for name in proofs.ORDER:
        importlib.import_module(f"eos_theory.proofs.{name}")
    loader.installed()
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
    #: the LaTeX of the proof's formula and of its correction's, printed where the proof ran (a worker
    #: process, in parallel), so the report does not print them one after another at the end;
    #: None: printed when asked
    rendered: tuple[str | None, str | None] | None = None
    #: the claim's certificate (JSON text, docs/certificates.md), and what the independent kernel made of it
    certificate: str | None = None
    kernel: kernel.ClaimCheck | None = None

    @property
    def kernel_status(self) -> str:
        """kernel-checked, partly replayed (some steps trusted), rejected, or '-' (no certificate, or one with
        nothing in it to replay: a proof that stopped before its first step is not "kernel-checked")."""
        k = self.kernel
        if k is None or not (k.replayed or k.trusted or k.rejected or k.premises):
            return "-"
        return k.status

    @property
    def summary(self) -> str:
        """Evidence in a few words, for tables."""
        p = self.proof
        if self.error:  # every error leaves the claim inconclusive: name what failed
            return self.error.split(":")[0]
        if self.verdict == "not supported":
            return self.evidence.rpartition("not supported: ")[2].split(" (")[0]
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
        if kinds & {"identity", "sign", "check", "example", "inference", "premise"}:
            labels.append("exact")
        labels += [
            label
            for k, label in (
                ("citation", "cited"),
                ("interval", "interval"),
                ("numerical", "numerical"),
                ("statistical", "statistical"),
            )
            if k in kinds
        ]
        return " + ".join(labels) or "-"

    @property
    def as_expected(self) -> bool:
        return self.verdict == self.claim.expect

    @property
    def latex(self) -> str | None:
        if self.rendered is not None:
            return self.rendered[0]
        return None if self.proof.formula is None else latex(self.proof.formula)

    @property
    def correction_latex(self) -> str | None:
        if self.rendered is not None:
            return self.rendered[1]
        corr = self.proof.correction
        return None if corr is None or corr.formula is None else latex(corr.formula)

    def to_json(self) -> dict:
        c, corr = self.claim, self.proof.correction
        return {
            "id": c.id,
            "source": c.source.to_json() if c.cited else None,
            "origin": c.origin_json(),
            "statement": c.statement,
            "latex": self.latex,
            "method": c.method,
            "verdict": self.verdict,
            "expected": c.expect,
            "basis": self.proof.basis,
            "evidence": self.evidence,
            "correction": None
            if self.verdict != "refuted" or corr is None
            else {
                "statement": corr.statement,
                "latex": self.correction_latex,
                "steps": [s.to_json() for s in corr.steps],
            },
            "steps": [s.to_json() for s in self.proof.steps],
            "kernel": None if self.kernel is None else self.kernel.to_json(),
            "error": self.error,
            "seconds": round(self.seconds, 3),
        }


_NAMES = {  # kind: (plural, singular)
    "identity": ("identities", "identity"),
    "sign": ("sign arguments", "sign argument"),
    "check": ("exact checks", "exact check"),
    "example": ("examples", "example"),
    "citation": ("cited theorems", "cited theorem"),
    "premise": ("premises", "premise"),
    "inference": ("inferences", "inference"),
    "numerical": ("numerical checks", "numerical check"),
    "interval": ("interval proofs", "interval proof"),
    "statistical": ("statistical estimates", "statistical estimate"),
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
        parts.append(
            f"correction ({p.correction.statement}) verified: "
            + "; ".join(f"{s.text}: {s.detail}" for s in p.correction.steps)
        )
    return "; ".join(parts)


#: words of a statement that quantify, and so need a step that covers them (see :func:`audit`)
QUANTIFIERS = re.compile(
    r"\b(for all|for every|for any|at all times|any|every|each|all|always|never|settles?|"
    r"settled|converges?|exactly these|only)\b",
    re.IGNORECASE,
)
EXAMPLES_ONLY = "for the examples checked"
SAMPLED = ("numerical", "statistical")  #: step kinds that cover a quantifier only "for the examples checked"
#: the Proof methods that record a step of a kind in UNIVERSAL, for the audit's advice
EXACT_STEPS = "p.equal, p.positive, p.check, p.compare, p.infer, p.uses, p.cite, p.interval"


def _symbol_names(exprs) -> set[str]:
    """The names of the symbols a step's expressions involve, the sizes of its matrix symbols included (an
    identity between P × P MatrixSymbols involves P)."""
    import sympy as sp

    names: set[str] = set()
    for e in exprs:
        if not isinstance(e, sp.Basic):
            continue
        names |= {str(x) for x in e.free_symbols}
        for m in e.atoms(sp.MatrixSymbol):
            names |= {str(x) for x in sp.Tuple(*m.shape).free_symbols}
    return names


def treats(step, names: tuple[str, ...], p: Proof, steps: dict, seen: frozenset = frozenset()) -> bool:
    """Whether a recorded step treats the symbols ``names`` over their whole domain.

    Read from the step, not from its words: an identity, sign or interval step whose expressions involve every
    one of the symbols (symbolically, so for each of their values); a premise whose claim declares them in its
    own scope; an inference from a step that treats them; a check or a citation declared with
    ``p.treats(names, step)`` (a check records its computed object, not the expressions, and a cited theorem
    states its own scope).  Numerical, statistical and example steps treat nothing: they are samples.
    """
    if step.kind in ("identity", "sign", "interval") and set(names) <= _symbol_names(step.exprs):
        return True
    if step.kind == "premise":
        with contextlib.suppress(UnknownClaim):
            used = get(step.detail)
            return used.scope is not None and any(_split(k) == tuple(names) for k, _ in used.scope)
        return False
    if step.kind == "inference" and step.text not in seen:
        return any(
            treats(steps[t], names, p, steps, seen | {step.text}) for t in step.data.get("from", ()) if t in steps
        )
    if step.kind in ("check", "citation", "identity", "sign", "interval"):
        return step.text in p.treated.get(", ".join(names), ())
    return False


def _split(names: str) -> tuple[str, ...]:
    return tuple(n.strip() for n in names.split(",") if n.strip())


def audit(c: Claim, p: Proof) -> list[str]:
    """What a claim's statement asserts beyond its recorded steps, as one line per problem, each saying how to
    fix it.

    Structural, first: each entry of the claim's declared ``scope`` (symbols and their domain) must be
    treated by a recorded step (:func:`treats`: an identity in those symbols, a premise that declares them,
    …), unless the statement itself says "for the examples checked"; a claim whose steps treat P = 2, 3, 4 but
    no symbolic P fails here, whatever its words.  A step declared with ``p.treats`` must exist.

    Then the words: each quantifier word of the statement (:data:`QUANTIFIERS`) must lie inside a phrase the
    proof declared with ``p.covers(phrase, step, ...)``; the phrase must occur in the statement and its
    steps must be recorded.  The steps must be of a kind that covers every case (identities, sign
    arguments, exact checks, inferences, premises, citations, interval proofs) unless the statement
    itself says "for the examples checked", when numerical and statistical steps may cover it.
    """
    problems = []
    recorded = {s.text: s for s in (*p.steps, *(p.correction.steps if p.correction else ()))}
    examples_only = EXAMPLES_ONLY in c.statement
    for names, by in p.treated.items():
        problems += [
            f"p.treats({names!r}, {t!r}) names no recorded step: name steps by their exact text{_recorded(recorded)}"
            for t in by
            if t not in recorded
        ]
    for names, domain in c.scope or ():
        symbols = _split(names)
        if examples_only:
            continue
        if not any(treats(s, symbols, p, recorded) for s in recorded.values()):
            problems.append(
                f"the statement is for {domain} ({names}), but no step treats {names} symbolically: add an exact "
                f"step whose expressions involve {names} (p.equal, p.positive, p.interval), a premise (p.uses) whose "
                f"claim declares {names} in its scope, or name a check or citation that does with p.treats({names!r}, "
                "step), or say 'for the examples checked' in the statement"
            )
    spans = []
    for phrase, by in p.coverage.items():
        start = c.statement.find(phrase)
        if start < 0:
            problems.append(
                f"p.covers({phrase!r}, …): the phrase does not occur in the statement (copy it from the statement, "
                "exactly)"
            )
            continue
        spans.append((start, start + len(phrase)))
        for text in by:
            step = recorded.get(text)
            if step is None:
                problems.append(
                    f"p.covers({phrase!r}, {text!r}) names no recorded step: name steps by their exact text"
                    + _recorded(recorded)
                )
            elif step.kind not in UNIVERSAL and not (examples_only and step.kind in SAMPLED):
                problems.append(
                    f"{phrase!r}: step {text!r} is {step.kind} evidence, which does not cover it: cover it with an "
                    f"exact step ({EXACT_STEPS}), or say 'for the examples checked' in the statement"
                )
    for m in QUANTIFIERS.finditer(c.statement):
        if not any(a <= m.start() and m.end() <= b for a, b in spans):
            problems.append(
                f"{m.group(0)!r} in {_quote(c.statement, m.start(), m.end())} is covered by no step: "
                + _how_to_cover(c, p, recorded, _phrase(c.statement, m.start()))
            )
    return problems


def _quote(statement: str, start: int, end: int, around: int = 30) -> str:
    """The statement around ``statement[start:end]``, ``around`` characters either side, “…” where it is cut."""
    a, b = max(0, start - around), end + around
    return "“" + "…" * (a > 0) + statement[a:b] + "…" * (b < len(statement)) + "”"


def _phrase(statement: str, start: int) -> str:
    """The phrase a quantifier opens, for a suggestion: up to the next punctuation, at most 6 words."""
    words = re.split(r"[,;:.()]", statement[start:], maxsplit=1)[0].split()
    return " ".join(words[:6])


def _recorded(recorded: dict, most: int = 4) -> str:
    texts = list(recorded)
    if not texts:
        return " (no step is recorded)"
    shown = ", ".join(map(repr, texts[:most])) + (f" and {len(texts) - most} more" if len(texts) > most else "")
    return f" (recorded: {shown})"


def _how_to_cover(c: Claim, p: Proof, recorded: dict, phrase: str) -> str:
    """How to cover an uncovered quantifier: p.covers with the phrase and the exact step that proves it (the one
    treating a symbol of the claim's scope named in the phrase, or the only exact step), or the examples' words."""
    exact = [s for s in recorded.values() if s.kind in UNIVERSAL]
    named = set(phrase.replace(",", " ").split())
    scoped = [
        s
        for s in exact
        for names, _ in c.scope or ()
        if set(_split(names)) <= named and treats(s, _split(names), p, recorded)
    ]
    fallback = "or say 'for the examples checked' in the statement"
    if scoped or len(exact) == 1:
        step = (scoped or exact)[0].text
        return f"declare the step that proves it in every case, p.covers({phrase!r}, {step!r}), {fallback}"
    if exact:
        return f"declare the steps that prove it in every case, p.covers({phrase!r}, step, …){_recorded(recorded)}, {fallback}"
    return (
        f"record an exact step that proves it in every case and declare it with p.covers({phrase!r}, step), {fallback}"
    )


def run(c: Claim) -> Result:
    """Run one claim's proof, decide its verdict, audit it, write its certificate and have the kernel replay it
    (premises are checked by :func:`check_premises`): a claim whose certificate the kernel rejects is inconclusive."""
    p = Proof()
    start = time.perf_counter()
    try:
        c.check(p)
        verdict, error = p.verdict, None
        evidence = _evidence(p)
        problems = audit(c, p) if verdict in PROVED else []
        if problems:
            verdict, error = "inconclusive", "audit: " + "; ".join(problems)
            evidence += "; " + error
    except NotSupported as exc:  # a confidence interval outside what the statement needs
        verdict, error = "not supported", None
        evidence = "; ".join(filter(None, (_evidence(p), f"not supported: {exc}")))
    except Disproved as exc:  # an asserted identity is false, and there is no verified correction
        verdict, error = "inconclusive", f"disproved, with no verified correction: {exc}"
        evidence = f"{exc.text}: counterexample at {format_point(exc.point)}; no verified correction"
    except Exception as exc:
        verdict, error = "inconclusive", f"{type(exc).__name__}: {exc}{_raised_at(c, exc)}"
        evidence = error
    cert, check = certify(c, verdict, p)
    if check.status == "rejected" and verdict != "inconclusive":
        verdict, error = "inconclusive", "kernel rejected: " + "; ".join(f"{s}: {w}" for s, w in check.rejected)
        evidence += "; " + error
    return Result(c, verdict, evidence, p, time.perf_counter() - start, error, certificate=cert, kernel=check)


def _raised_at(c: Claim, exc: Exception) -> str:
    """Where in the claim's own file its proof raised ``exc`` (the innermost line there), as " (FILE, line N)"."""
    file = getattr(getattr(c.check, "__code__", None), "co_filename", None)
    if file is None:
        return ""
    line = line_in(exc, file)
    return "" if line is None else f" ({os.path.basename(file)}, line {line})"


def line_in(exc: BaseException, file: str | Path) -> int | None:
    """The innermost line of ``file`` in ``exc``'s traceback (where in that file it was raised), or None."""
    where = Path(file).resolve()
    lines = [f.lineno for f in traceback.extract_tb(exc.__traceback__) if Path(f.filename).resolve() == where]
    return lines[-1] if lines else None


def certify(c: Claim, verdict: str, p: Proof) -> tuple[str, kernel.ClaimCheck]:
    """The claim's certificate as JSON text, and the kernel's replay of that text (parsed back: the kernel
    sees only what a file would hold)."""
    text = json.dumps(certificates.certificate(c.id, c.statement, verdict, p), ensure_ascii=False, indent=1)
    return text, kernel.check(json.loads(text))


def check_premises(results: list[Result], run_claim: Callable[[Claim], Result] = run) -> list[Result]:
    """Make every result whose proof uses a premise that is not verified inconclusive, naming it and why: its
    own verdict, no claim with its id (with the ids it may mean), or premises that form a cycle.

    Premises that are not among ``results`` are run with ``run_claim`` (each once).
    """
    by_id = {r.claim.id: r for r in results}
    why: dict[str, str] = {}  #: premises that are no claim's id, and why

    def verdict_of(claim_id: str, chain: tuple[str, ...], cycles: list[str]) -> str:
        if claim_id in chain:
            cycles.append(" → ".join((*chain[chain.index(claim_id) :], claim_id)))
            return "inconclusive"
        if claim_id not in by_id:
            try:
                by_id[claim_id] = run_claim(get(claim_id))
            except UnknownClaim as exc:
                why[claim_id] = exc.hint()
                return "inconclusive"
        r = by_id[claim_id]
        deps = [verdict_of(d, (*chain, claim_id), cycles) for d in r.proof.premises]
        return "inconclusive" if r.verdict == "verified" and any(v != "verified" for v in deps) else r.verdict

    out = []
    for r in results:
        cycles: list[str] = []
        bad = [d for d in r.proof.premises if verdict_of(d, (r.claim.id,), cycles) != "verified"]
        if bad and r.verdict != "inconclusive":
            error = "premise not verified: " + ", ".join(f"{d} ({why[d]})" if d in why else d for d in bad)
            error += "".join(f"; premises form a cycle: {c}" for c in dict.fromkeys(cycles))
            r = dataclasses.replace(r, verdict="inconclusive", evidence=f"{r.evidence}; {error}", error=error)
        out.append(r)
    return out


def run_all(
    selected: Iterable[Claim],
    progress: Callable[[Result], None] | None = None,
    jobs: int = 1,
    timeout: float | None = None,
    premises: dict[str, Result] | None = None,
) -> list[Result]:
    """Run registered claims ``jobs`` at a time (1: in this process) through :mod:`.executor`, each within
    ``timeout`` seconds (None: no limit).  A claim past its limit, or whose worker fails, is inconclusive
    with the reason and the others still run; results come in the order given and, but for the times,
    are the same for any ``jobs``.  ``progress`` gets each result as it is decided.  Premises outside ``selected``
    are run too, and their results put in ``premises`` (by id) when given; the kernel's verdicts on premises are
    resolved across both.  Neighbouring
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

    executor.run(
        _run_shipped,
        [(c.module, c.id, c.origin) for c in selected],
        backend=executor.local(jobs),
        timeout=timeout,
        progress=done,
    )
    extra = {} if premises is None else premises

    def run_premise(c: Claim) -> Result:
        extra[c.id] = run(c)
        return extra[c.id]

    results = check_premises(results, run_premise)
    kernel.resolve([r.kernel for r in (*results, *extra.values()) if r.kernel is not None])
    return results


def _run_shipped(name: tuple[str, str, str]) -> bytes:
    """Worker side of :func:`run_all`: run the claim registered as ``name = (module, id, origin)``.

    A name, not the Claim, travels to the worker (any registered proof runs, picklable or not); the
    result travels back without its Claim, which the caller already holds, and with its SymPy
    objects exactly as built (:mod:`.transport`), in-process too, so that any ``jobs`` gives the
    same results; with it the LaTeX of its formulas (:attr:`Result.rendered`), printed here, in parallel.
    """
    module, claim_id, origin = name
    if claim_id not in _REGISTRY:  # a forked worker has the caller's registry; a spawned one imports it
        if origin and not origin.startswith("package "):  # a researcher's file, loaded as --claims loaded it
            from eos_theory.core import loader

            loader.load_file(origin)
        else:
            importlib.import_module(module)
    if claim_id not in _REGISTRY:
        raise LookupError(f"claim {claim_id!r} is not registered in {module} (run_all runs claims by id)")
    r = run(_REGISTRY[claim_id])
    rendered = (r.latex, r.correction_latex)
    return transport.dumps((r.verdict, r.evidence, r.proof, r.seconds, r.error, rendered, r.certificate, r.kernel))


def report(results: list[Result]) -> dict:
    counts = {v: sum(r.verdict == v for r in results) for v in VERDICTS}
    checked = {s: sum(r.kernel_status == s for r in results) for s in KERNEL_STATUSES}
    return {
        "tool": "eos-theory",
        "paper": "Second-order regression models exhibit progressive sharpening to the edge of stability",
        "summary": {
            **counts,
            "total": len(results),
            "unexpected": [r.claim.id for r in results if not r.as_expected],
            "kernel": checked,
        },
        "claims": [r.to_json() for r in results],
    }


def record_lines(r: Result) -> list[str]:
    """A result's full record as text lines: verdict, statement, method, formula, every step with its detail,
    the correction and its steps, the error and the time (what ``verify --json`` has for it)."""
    c = r.claim
    where = f"yours, from {c.origin or c.module}" + (f"; {c.source}" if c.cited else "") if c.own else str(c.source)
    lines = [f"{c.id}: {r.verdict} (expected {c.expect})  [{where}]  {r.seconds:.3f} s  ({c.module})"]
    lines.append(f"  claim: {c.statement}")
    lines.append(f"  method: {c.method}  (basis: {r.proof.basis})")
    if r.latex:
        lines.append(f"  latex: {r.latex}")
    lines += [f"  - [{s.kind}] {s.text}: {s.detail}" if s.detail else f"  - [{s.kind}] {s.text}" for s in r.proof.steps]
    corr = r.proof.correction
    if corr is not None:
        lines.append(f"  correction ({corr.statement}) verified by:")
        if r.correction_latex:
            lines.append(f"    latex: {r.correction_latex}")
        lines += [f"    - [{s.kind}] {s.text}: {s.detail}" for s in corr.steps]
    k = r.kernel
    if k is not None:  # what the independent kernel replayed, and what the claim rests on besides
        weak = f"; premises not kernel-checked: {', '.join(k.weak_premises)}" if k.weak_premises else ""
        if r.kernel_status == "-":
            lines.append("  kernel: nothing to replay (no step recorded)")
        else:
            lines.append(f"  kernel: {k.status}, {k.replayed} step{'s' * (k.replayed != 1)} replayed{weak}")
        lines += [f"    not replayed: {step}: {why}" for step, why in k.trusted]
        lines += [f"    rejected: {step}: {why}" for step, why in k.rejected]
    if r.error:
        lines.append(f"  error: {r.error}")
    return lines


def print_proof(module: str) -> None:
    """Run the claims declared in ``module`` and print each step (for ``python -m`` on a proof)."""
    for c in [c for c in _REGISTRY.values() if c.module == module]:
        print("\n".join(record_lines(run(c))))
