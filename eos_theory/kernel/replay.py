"""Replaying the steps of certificates: each form's check, claims, premises, a directory.

A step is *replayed* when its form is one the kernel checks (identity, counterexample, example, positive,
compare, krawczyk, bound, solutions, irreducible, resultant, premise) and the check succeeds; it is *rejected*
when the check fails or the step is malformed; and it is *trusted* when its kind is one the kernel cannot replay
(inference, citation, computation, numerical, statistical, and steps the finder could not write in the grammar):
those are listed, never hidden.  The forms are documented, with a JSON Schema, in docs/certificates.md.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

from flint import ctx

from eos_theory.kernel import balls, sets
from eos_theory.kernel.expressions import (
    MAX_TERMS,
    Invalid,
    RatFunc,
    Sign,
    evaluate,
    exact,
    number,
    parse,
    rational_functions,
)

#: kinds the kernel cannot replay, and why (the trusted base of a claim)
TRUSTED = {
    "inference": "an inference by text",
    "citation": "a cited theorem",
    "computation": "a computation by the finder",
    "numerical": "numerical evidence",
    "statistical": "statistical evidence",
    "unreplayable": "not a form the kernel checks",
}
MAX_FILE = 256 * 2**20  #: bytes: the largest certificate read
MAX_RESULTANT = 400  #: the largest product of the degrees of a resultant's polynomials in its variable
OPS = {
    "<": lambda s: s < 0,
    "<=": lambda s: s <= 0,
    ">": lambda s: s > 0,
    ">=": lambda s: s >= 0,
    "==": lambda s: s == 0,
    "!=": lambda s: s != 0,
}


def _get(step: dict, key: str, kind: type | tuple, default=None, required: bool = True):
    if key not in step:
        if required:
            raise Invalid(f"missing {key!r}")
        return default
    value = step[key]
    if not isinstance(value, kind) or isinstance(value, bool):
        raise Invalid(f"{key!r} must be {getattr(kind, '__name__', 'of another type')}")
    return value


class Scope:
    """The names of a step: its variables and definitions, parsed; expressions are parsed against them."""

    def __init__(self, step: dict):
        self.variables = _get(step, "variables", list, [], required=False)
        if not all(isinstance(v, str) and v.isidentifier() for v in self.variables):
            raise Invalid("variables must be names (letters, digits and _, not starting with a digit)")
        if len(set(self.variables)) != len(self.variables):
            raise Invalid("a variable is declared twice")
        self.names = set(self.variables)
        self.definitions = []
        for item in _get(step, "definitions", list, [], required=False):
            if not (isinstance(item, list) and len(item) == 2 and isinstance(item[0], str) and item[0].isidentifier()):
                raise Invalid("a definition is a pair [name, expression]")
            if item[0] in self.names:
                raise Invalid(f"{item[0]!r} is defined twice")
            self.definitions.append((item[0], parse(item[1], self.names)))
            self.names.add(item[0])

    def tree(self, text):
        return parse(text, self.names)

    def trees(self, step: dict, key: str, required: bool = True) -> list:
        return [self.tree(t) for t in _get(step, key, list, [], required)]

    def exact_env(self):
        """The variables as exact rational functions, and the definitions evaluated in ℚ(variables)."""
        env, const = rational_functions(self.variables)
        for name, tree in self.definitions:
            env[name] = evaluate(tree, env, const)
        return env, const


def _sides(step: dict, scope: Scope) -> list[tuple]:
    """(lhs, rhs) trees: one pair, or one per entry when both sides are lists."""
    lhs, rhs = step.get("lhs"), step.get("rhs")
    if isinstance(lhs, list) and isinstance(rhs, list):
        if len(lhs) != len(rhs) or not lhs:
            raise Invalid("lhs and rhs must list the same number of entries")
        return [(scope.tree(a), scope.tree(b)) for a, b in zip(lhs, rhs)]
    if lhs is None or rhs is None:
        raise Invalid("missing 'lhs' or 'rhs'")
    return [(scope.tree(lhs), scope.tree(rhs))]


def identity(step: dict, everywhere: bool = True) -> None:
    """lhs − rhs − Σ cofactorᵢ·moduloᵢ is the zero rational function over ℚ (for every entry).

    A cofactor's denominator must divide the product of the denominators of lhs, rhs and the relations, so
    that wherever the statement is defined and the relations hold, the cofactors are defined and lhs = rhs
    (unless not ``everywhere``: a comparison checks its cofactors at its one point instead)."""
    scope = Scope(step)
    pairs = _sides(step, scope)
    modulo = scope.trees(step, "modulo", required=False)
    cofactors = _get(step, "cofactors", list, [], required=False)
    if len(pairs) == 1 and cofactors and not isinstance(cofactors[0], list):
        cofactors = [cofactors]
    if modulo and len(cofactors) != len(pairs):
        raise Invalid("an identity modulo relations needs one list of cofactors per entry")
    if not modulo and cofactors:
        raise Invalid("cofactors without relations ('modulo')")
    env, const = scope.exact_env()
    relations = [evaluate(m, env, const) for m in modulo]
    for k, (a, b) in enumerate(pairs):
        where = f"entry {k + 1}: " if len(pairs) > 1 else ""
        a, b = evaluate(a, env, const), evaluate(b, env, const)
        residual = a - b
        if modulo:
            if not isinstance(cofactors[k], list) or len(cofactors[k]) != len(modulo):
                raise Invalid(f"{where}one cofactor per relation needed")
            defined = a.den * b.den
            for m in relations:
                defined = defined * m.den
            for c, m in zip(cofactors[k], relations):
                c = evaluate(scope.tree(c), env, const)
                if everywhere and not (defined % c.den).is_zero():
                    raise Invalid(f"{where}a cofactor's denominator does not divide those of the statement")
                residual = residual - c * m
        if not residual.is_zero():
            raise Invalid(f"{where}lhs − rhs{' − Σ cofactor·relation' if modulo else ''} is not 0 over ℚ")


def _assumptions(step: dict, scope: Scope) -> tuple[dict, dict[str, str]]:
    """The sign set of each variable, and the assumption words as given (a name ↦ words such as "positive")."""
    given = _get(step, "assumptions", dict, {}, required=False)
    unknown = set(given) - set(scope.variables)
    if unknown:
        raise Invalid(f"assumptions on undeclared names: {', '.join(sorted(unknown))}")
    if not all(isinstance(w, str) for w in given.values()):
        raise Invalid("assumptions are words, such as 'positive' or 'nonzero integer'")
    return {v: Sign.of(given.get(v, "real")) for v in scope.variables}, given


def counterexample(step: dict) -> None:
    """At the exact point (which respects the assumptions) both sides are defined and differ."""
    scope = Scope(step)
    ((lhs, rhs),) = _sides(step, scope)
    signs, words = _assumptions(step, scope)
    point = _get(step, "point", dict)
    if set(point) != set(scope.variables):
        raise Invalid("the point must give a value to every variable, and only to them")
    env = {}
    for name, text in point.items():
        q = number(text)
        if not Sign.const(q) <= signs[name] or ("integer" in words.get(name, "").split() and q.denominator != 1):
            raise Invalid(f"{name} = {q} breaks the assumption {words[name]!r}")
        env[name] = exact(q)
    try:
        for name, tree in scope.definitions:
            env[name] = evaluate(tree, env, exact)
        a, b = evaluate(lhs, env, exact), evaluate(rhs, env, exact)
    except ZeroDivisionError:
        raise Invalid("a side is undefined at the point (division by zero)") from None
    if a == b:
        raise Invalid(f"both sides equal {a} at the point")


def positive(step: dict) -> None:
    """expr ≡ witness over ℚ, and the witness is > 0 (or ≥ 0, with ``"op": ">="``) by the sign rules wherever the
    assumptions hold."""
    scope = Scope(step)
    op = _get(step, "op", str, ">", required=False)
    if op not in (">", ">="):
        raise Invalid("the op of a positive step is '>' or '>='")
    expr, witness = scope.tree(_get(step, "expr", str)), scope.tree(_get(step, "witness", str))
    signs, _ = _assumptions(step, scope)
    env, const = scope.exact_env()
    if not (evaluate(expr, env, const) - evaluate(witness, env, const)).is_zero():
        raise Invalid("expr and witness are not the same rational function")
    for name, tree in scope.definitions:
        signs[name] = evaluate(tree, signs, Sign.const)
    sign = evaluate(witness, signs, Sign.const)
    if not sign <= ({1} if op == ">" else {0, 1}):
        raise Invalid(f"the sign rules show only that the witness has a sign in {sorted(sign)}")


def resultant(step: dict) -> None:
    """Res_in(f, g) = value (FLINT's resultant over ℚ), or, with ``modulo`` [m], Res_in(f, g) − value is a multiple
    of m."""
    scope = Scope(step)
    var = _get(step, "in", str)
    if var not in scope.variables:
        raise Invalid("'in' must name a variable")
    env, const = scope.exact_env()
    f, g, value, *m = (
        evaluate(scope.tree(t), env, const)
        for t in (step.get("f"), step.get("g"), step.get("value"), *_get(step, "modulo", list, [], False))
    )
    k, df, dg = scope.variables.index(var), f.num.degrees(), g.num.degrees()
    if len(m) > 1 or not all(p.den.is_constant() for p in (f, g, *m)):
        raise Invalid("f, g and the one relation in 'modulo' must be polynomials")
    if m and sum(d > 0 for d in m[0].num.degrees()) != 1:
        raise Invalid("the relation in 'modulo' must be a polynomial in one variable")
    size = 1  # the resultant's degree in each other variable is at most dg[k]·df[i] + df[k]·dg[i]
    for i in range(len(df)):
        size *= 1 if i == k else dg[k] * df[i] + df[k] * dg[i] + 1
    if df[k] * dg[k] > MAX_RESULTANT or size > MAX_TERMS:
        raise Invalid(f"a resultant of degrees {df[k]} and {dg[k]} in {var} is too large to compute here")
    res = (f.num / f.den).resultant(g.num / g.den, var)
    residual = (RatFunc(res, res.context().constant(1)) - value).num
    if m and not residual.is_zero():
        residual = divmod(residual, m[0].num)[1]
    if not residual.is_zero():
        raise Invalid(f"Res_{var}(f, g) − value is not 0" + (" modulo the relation" if m else ""))


def _box(step: dict, key: str, n: int) -> list[tuple[Fraction, Fraction]]:
    box = _get(step, key, list)
    if len(box) != n or not all(isinstance(b, list) and len(b) == 2 for b in box):
        raise Invalid(f"{key!r} needs one [lo, hi] per variable")
    out = [(number(lo), number(hi)) for lo, hi in box]
    if any(lo > hi for lo, hi in out):
        raise Invalid(f"{key!r} has an empty side (lo > hi)")
    return out


def _bounds(scope: Scope, step: dict, key: str):
    trees, intervals = [], []
    for item in _get(step, key, list, [], required=False):
        if not (isinstance(item, dict) and isinstance(item.get("interval"), list) and len(item["interval"]) == 2):
            raise Invalid(f"each of {key!r} is {{'expr': E, 'interval': [lo, hi]}}")
        trees.append(scope.tree(item.get("expr")))
        intervals.append(tuple(None if e is None else number(e) for e in item["interval"]))
    return trees, intervals


def _zero(step: dict, scope: Scope, equations_key: str, box_key: str):
    """The program, equations and box of a system; the enclosure of its unique zero in the box (Krawczyk)."""
    n = len(scope.variables)
    equations = scope.trees(step, equations_key)
    if len(equations) != n or n == 0:
        raise Invalid(f"as many {equations_key} as variables needed (and at least one)")
    box = _box(step, box_key, n)
    program = balls.Program(scope.variables, scope.definitions)
    ctx.prec = balls.precision(box)
    Z = balls.krawczyk(program, equations, box)
    if Z is None:
        ctx.prec = min(4 * ctx.prec, balls.MAX_PREC)
        Z = balls.krawczyk(program, equations, box)
    if Z is None:
        raise Invalid("Krawczyk's test does not prove a unique zero in the box (K(X) ⊄ int X)")
    return program, equations, box, Z


def krawczyk(step: dict) -> None:
    """Exactly one zero of the equations in the box; at it the at_zero bounds hold and the distinct values differ;
    over the whole box the over_box bounds hold."""
    scope = Scope(step)
    with ctx.workprec(ctx.prec):
        program, equations, box, Z = _zero(step, scope, "equations", "box")
        trees, intervals = _bounds(scope, step, "at_zero")
        distinct = scope.trees(step, "distinct", required=False)

        def done(Z):
            values = program.values(trees + distinct, Z)
            ok = all(balls.inside(v, lo, hi) for v, (lo, hi) in zip(values, intervals))
            d = values[len(trees) :]
            return ok and not any(d[i].overlaps(d[j]) for i in range(len(d)) for j in range(i))

        if balls.refine(program, equations, Z, done) is None:
            raise Invalid("at the zero, a claimed bound does not hold or claimed distinct values overlap")
        _over_box(step, scope, program, box)


def bound(step: dict) -> None:
    """Every point of the box puts each over_box expression in its interval."""
    scope = Scope(step)
    n = len(scope.variables)
    box = _box(step, "box", n)
    with ctx.workprec(balls.precision(box)):
        if not _over_box(step, scope, balls.Program(scope.variables, scope.definitions), box):
            raise Invalid("a bound needs 'over_box'")


def _over_box(step, scope, program, box) -> bool:
    trees, intervals = _bounds(scope, step, "over_box")
    why = balls.bounded(program, trees, intervals, box) if trees else None
    if why is not None:
        raise Invalid(f"over the box: {why}")
    return bool(trees)


def compare(step: dict) -> None:
    """lhs op rhs for the real algebraic numbers named by the variables: the unique zero of ``equations`` in
    ``box``.  A strict sign is shown by balls around that zero; equality by cofactors over the equations."""
    scope = Scope(step)
    op = _get(step, "op", str)
    if op not in OPS:
        raise Invalid(f"op must be one of {' '.join(OPS)}")
    ((lhs, rhs),) = _sides(step, scope)
    if step.get("cofactors") is not None:  # lhs − rhs = Σ cᵢ·equationᵢ: they are equal at the zero
        identity({**step, "modulo": step.get("equations", [])}, everywhere=False)
        if scope.variables:  # the zero exists, is unique, and both sides and the cofactors are defined there
            with ctx.workprec(ctx.prec):
                program, _, _, Z = _zero(step, scope, "equations", "box")
                if not all(v.is_finite() for v in program.values([lhs, rhs, *scope.trees(step, "cofactors")], Z)):
                    raise Invalid("a side or a cofactor is not shown to be defined at the zero")
        sign = 0
    elif not scope.variables:  # rationals: exact
        env: dict = {}
        for name, tree in scope.definitions:
            env[name] = evaluate(tree, env, exact)
        d = evaluate(lhs, env, exact) - evaluate(rhs, env, exact)
        sign = (d > 0) - (d < 0)
    else:
        with ctx.workprec(ctx.prec):
            program, equations, _, Z = _zero(step, scope, "equations", "box")

            def decided(Z):
                d = program.values([lhs], Z)[0] - program.values([rhs], Z)[0]
                return d > 0 or d < 0

            Z = balls.refine(program, equations, Z, decided)
            if Z is None:
                raise Invalid("the sign of lhs − rhs is not decided by balls (equal? then give cofactors)")
            d = program.values([lhs], Z)[0] - program.values([rhs], Z)[0]
            sign = 1 if d > 0 else -1
    if not OPS[op](sign):
        raise Invalid(f"lhs {op} rhs is false: the sign of lhs − rhs is {sign}")


FORMS = {
    "identity": identity,
    "counterexample": counterexample,
    "example": counterexample,
    "positive": positive,
    "compare": compare,
    "krawczyk": krawczyk,
    "bound": bound,
    "solutions": lambda step: sets.solutions(step, Scope(step)),
    "irreducible": lambda step: sets.irreducible(step, Scope(step)),
    "resultant": resultant,
}


@dataclass
class ClaimCheck:
    """What the kernel made of one claim's certificate."""

    claim: str
    replayed: int = 0
    trusted: list[tuple[str, str]] = field(default_factory=list)  #: (step, why it is not replayed)
    rejected: list[tuple[str, str]] = field(default_factory=list)  #: (step, why)
    premises: list[str] = field(default_factory=list)
    #: premises whose own certificates are missing, rejected or rest on trusted steps (set by :func:`check_all`)
    weak_premises: list[str] = field(default_factory=list)

    @property
    def status(self) -> str:
        """'rejected', 'kernel-checked' (every step replayed, every premise too), or 'partly replayed'."""
        if self.rejected:
            return "rejected"
        return "partly replayed" if self.trusted or self.weak_premises else "kernel-checked"

    def to_json(self) -> dict:
        return {
            "claim": self.claim,
            "status": self.status,
            "replayed": self.replayed,
            "trusted": [{"step": s, "why": w} for s, w in self.trusted],
            "rejected": [{"step": s, "why": w} for s, w in self.rejected],
            "premises": self.premises,
            "weak_premises": self.weak_premises,
        }


def _label(where: str, i: int, step) -> str:
    text = step.get("text") if isinstance(step, dict) else None
    return f"{where}step {i + 1}" + (f" ({text})" if isinstance(text, str) and text else "")


def check(cert) -> ClaimCheck:
    """Replay one claim's certificate (its premises are resolved by :func:`check_all`)."""
    if not isinstance(cert, dict) or not isinstance(cert.get("claim"), str) or not cert["claim"]:
        return ClaimCheck("?", rejected=[("certificate", "not an object with a 'claim' id")])
    out = ClaimCheck(cert["claim"])
    parts = [("", cert.get("steps"))]
    if cert.get("correction") is not None:
        corr = cert["correction"]
        parts.append(("correction ", corr.get("steps") if isinstance(corr, dict) else None))
    texts: set[str] = set()
    kinds: dict[str, int] = {}
    for where, steps in parts:
        if not isinstance(steps, list):
            out.rejected.append((f"{where}steps", "missing, or not a list"))
            continue
        for i, step in enumerate(steps):
            label = _label(where, i, step)
            if isinstance(step, dict) and isinstance(step.get("text"), str):
                texts.add(step["text"])  # (before it is replayed: an inference may name a rejected step, and say so)
            try:
                kind = _replay(step, texts, out)
            except Invalid as exc:
                out.rejected.append((label, str(exc)))
                continue
            except Exception as exc:  # whatever else a malformed certificate provokes, it is not accepted
                out.rejected.append((label, f"{type(exc).__name__}: {exc}"))
                continue
            kinds[where + kind] = kinds.get(where + kind, 0) + 1
            if kind in TRUSTED:
                out.trusted.append((label, TRUSTED[kind] + _why(step)))
            else:
                out.replayed += 1
    out.rejected += [("claim", why) for why in _consistency(cert, kinds, texts)]
    return out


def _why(step: dict) -> str:
    reason = step.get("reason") or step.get("reference")
    return f": {reason}" if isinstance(reason, str) and reason else ""


def _replay(step, texts: set[str], out: ClaimCheck) -> str:
    if not isinstance(step, dict) or not isinstance(step.get("kind"), str):
        raise Invalid("a step is an object with a 'kind'")
    kind = step["kind"]
    if kind in FORMS:
        FORMS[kind](step)
    elif kind == "premise":
        out.premises.append(_get(step, "claim", str))
    elif kind == "inference":
        missing = [t for t in _get(step, "from", list) if t not in texts]
        if missing:
            raise Invalid(f"infers from steps that are not recorded before it: {missing}")
    elif kind not in TRUSTED:
        raise Invalid(f"unknown kind {kind!r}")
    return kind


def _consistency(cert: dict, kinds: dict[str, int], texts: set[str]) -> list[str]:
    """The verdict a certificate states must be one its steps can carry; coverage must name recorded steps."""
    problems = []
    verdict = cert.get("verdict")
    if verdict == "refuted" and not (kinds.get("counterexample") and cert.get("correction")):
        problems.append("a refuted claim needs a counterexample step and a correction")
    if verdict in ("verified", "supported") and kinds.get("counterexample"):
        problems.append(f"a {verdict} claim has a counterexample step")
    if verdict == "verified" and (kinds.get("statistical") or kinds.get("correction statistical")):
        problems.append("a verified claim rests on statistical evidence (it can only be supported)")
    coverage = cert.get("coverage", {})
    if not isinstance(coverage, dict):
        return [*problems, "'coverage' must map phrases to lists of step texts"]
    for phrase, by in coverage.items():
        missing = [t for t in by if t not in texts] if isinstance(by, list) else ["(not a list)"]
        if missing:
            problems.append(f"coverage of {phrase!r} names steps that are not recorded: {missing}")
    return problems


def check_all(certs: list) -> list[ClaimCheck]:
    """Replay every certificate, then resolve their premises (:func:`resolve`)."""
    return resolve([check(c) for c in certs])


def resolve(checks: list[ClaimCheck]) -> list[ClaimCheck]:
    """Resolve premises among ``checks`` (in place): a premise must have a certificate here that is not
    rejected, and a claim is kernel-checked only if its premises are (a cycle of premises is rejected)."""
    by_id = {c.claim: c for c in checks}
    state: dict[str, str] = {}

    def status(claim: str, chain: tuple) -> str:
        if claim in chain:
            raise Invalid(f"premises form a cycle: {' → '.join((*chain, claim))}")
        if claim not in state:
            c = by_id.get(claim)
            if c is None:
                return "missing"
            for p in c.premises:
                s = status(p, (*chain, claim))
                if s != "kernel-checked" and p not in c.weak_premises:
                    c.weak_premises.append(p)
                if s in ("missing", "rejected"):
                    c.trusted.append((f"premise {p}", "no certificate here" if s == "missing" else "rejected"))
            state[claim] = c.status
        return state[claim]

    for c in checks:
        try:
            status(c.claim, ())
        except Invalid as exc:
            c.rejected.append(("premises", str(exc)))
    return checks


def read_directory(path) -> tuple[list, list[ClaimCheck]]:
    """The certificates of ``path`` (every ``*.json``, by name), and checks for the files that cannot be read."""
    certs, bad = [], []
    for f in sorted(Path(path).glob("*.json")):
        try:
            if not f.is_file():  # a FIFO would block the read, a device (/dev/zero behind a link) never end it
                raise Invalid("not a regular file")
            if f.stat().st_size > MAX_FILE:
                raise Invalid(f"larger than {MAX_FILE} bytes")
            certs.append(json.loads(f.read_text(encoding="utf-8")))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError, Invalid, RecursionError) as exc:
            bad.append(ClaimCheck(f.name, rejected=[("file", str(exc))]))
    return certs, bad
