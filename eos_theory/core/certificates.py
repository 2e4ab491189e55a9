"""Certificates: a claim's proof steps written as data in the kernel's grammar (docs/certificates.md).

This is the finder's side: it turns the SymPy objects each :class:`~eos_theory.core.proof.Step` recorded
into the forms :mod:`eos_theory.kernel` replays — identities (with cofactors when modulo relations),
counterexamples, positivity witnesses, comparisons of real algebraic numbers (each radical named by its
defining equation and an isolating box), interval proofs (:class:`~eos_theory.core.proof.BoxProof`) — and
the rest (inferences, citations, premises, the finder's own computations, numerical and statistical
evidence) as the steps the kernel lists as trusted.  What cannot be written in the grammar (a function
such as exp, matrix words of symbolic size) is written as ``unreplayable`` with the reason.

>>> x = sp.Symbol("x")
>>> text((x + 1) ** 2 / 3 - x, {x: "x"})
'-x + (1 + x)^2/3'
"""

from __future__ import annotations

import re
from fractions import Fraction

import sympy as sp

from eos_theory.core.evidence import Holds, Irreducible, Resultant, Root
from eos_theory.core.proof import BoxProof, Proof, Step, _entries, _root_symbols

FORMAT = "eos-theory certificate 1"  #: the format's name and version, written in every certificate
RADICAL_DIGITS = 40  #: digits of the isolating boxes written around the radicals of a comparison


class NotInGrammar(ValueError):
    """An expression the kernel's grammar cannot write (a function, a float, a non-integer power)."""


def certificate(claim_id: str, statement: str, verdict: str, proof: Proof) -> dict:
    """The certificate of one claim: its steps (and its correction's) as kernel forms, and its coverage."""
    out: dict = {"format": FORMAT, "claim": claim_id, "statement": statement, "verdict": verdict}
    out["steps"] = [form for s in proof.steps for form in step_forms(s)]
    if proof.correction is not None:
        out["correction"] = {
            "statement": proof.correction.statement,
            "steps": [form for s in proof.correction.steps for form in step_forms(s)],
        }
    if proof.coverage:
        out["coverage"] = {phrase: list(by) for phrase, by in proof.coverage.items()}
    return out


def step_forms(step: Step) -> list[dict]:
    """The kernel forms of one step (an interval step with several boxes gives one form per box)."""
    head = {"text": step.text, "detail": step.detail}
    try:
        forms = _FORMS.get(step.kind, _trusted)(step)
    except NotInGrammar as exc:
        forms = [{"kind": "unreplayable", "as": step.kind, "reason": str(exc)}]
    return [{**head, **f} for f in forms]


def _trusted(step: Step) -> list[dict]:
    kind = {"check": "computation"}.get(step.kind, step.kind)
    return [{"kind": kind}]


# -- expressions ------------------------------------------------------------------------------------------


def text(e, names: dict) -> str:
    """``e`` in the kernel's grammar, its symbols written by ``names``; :class:`NotInGrammar` if it cannot be."""
    if not isinstance(e, sp.Basic):
        e = sp.sympify(e)
    if e.is_Symbol or isinstance(e, sp.Indexed):  # ω[i] is a variable too
        if e not in names:
            raise NotInGrammar(f"the symbol {e} is not declared")
        return names[e]
    if e.is_Rational:
        return str(e.p) if e.q == 1 else f"{e.p}/{e.q}"
    if e.is_Add:
        terms = [text(a, names) for a in e.args]
        return terms[0] + "".join(f" - {t[1:]}" if t[0] == "-" else f" + {t}" for t in terms[1:])
    if e.is_Mul:
        args = e.args
        p, q = (int(args[0].p), int(args[0].q)) if args[0].is_Rational else (1, 1)
        num, den = [], []
        for f in args[1:] if args[0].is_Rational else args:
            n = _exponent(f)
            if n is not None and n < 0:
                den.append(_power(f.base, -n, names))
            else:
                num.append(_factor(f, names))
        if abs(p) != 1 or not num:
            num.insert(0, str(abs(p)))
        if q != 1:
            den.insert(0, str(q))
        return "-" * (p < 0) + "*".join(num) + "".join(f"/{d}" for d in den)
    n = _exponent(e)
    if n is not None:
        return f"1/{_power(e.base, -n, names)}" if n < 0 else _power(e.base, n, names)
    raise NotInGrammar(f"{type(e).__name__} is outside the grammar: {_brief(e)}")


def _exponent(e) -> int | None:
    """The exponent of an integer power, or None."""
    return int(e.exp.p) if e.is_Pow and e.exp.is_Integer else None


def _power(base, n: int, names: dict) -> str:
    if n == 1:
        return _factor(base, names)
    return (f"({text(base, names)})" if base.is_Pow else _factor(base, names)) + f"^{n}"


def _factor(e, names: dict) -> str:
    """``e`` as a factor of a product: parenthesised unless a symbol, a natural number or a positive power."""
    t = text(e, names)
    bare = e.is_Symbol or isinstance(e, sp.Indexed) or (e.is_Integer and e.p >= 0) or (_exponent(e) or 0) > 0
    return t if bare else f"({t})"


def _brief(e, width: int = 60) -> str:
    s = " ".join(str(e).split())
    return s if len(s) <= width else s[: width - 1] + "…"


def namer(symbols) -> dict:
    """Identifiers for symbols: their names made valid (θ₁ stays, a LaTeX name is cleaned), distinct symbols
    with one name told apart by a suffix, in a stable (sorted) order."""
    names: dict = {}
    used: set[str] = set()
    for s in sorted(symbols, key=lambda s: (str(s), sp.srepr(s))):
        base = re.sub(r"\W", "_", str(s)).strip("_") or "v"
        base = base if base.isidentifier() else f"v_{base}"
        name, k = base, 1
        while name in used:
            k += 1
            name = f"{base}_{k}"
        names[s] = name
        used.add(name)
    return names


_WORDS = ("positive", "negative", "nonnegative", "nonpositive", "nonzero")


def assumptions(symbols, names: dict, nonzero=()) -> dict:
    """The kernel's assumption words for each symbol that has any (real symbols have none: every variable is real)."""
    out = {}
    for s in symbols:
        words = [next((w for w in _WORDS if getattr(s, f"is_{w}")), "")] if s.is_real else []
        if s.is_integer:
            words.append("integer")
        if s in nonzero and not (s.is_positive or s.is_negative or s.is_nonzero):
            words.append("nonzero")
        words = [w for w in words if w]
        if words:
            out[names[s]] = " ".join(words)
    return out


def _scope(*exprs, extra=()) -> tuple[dict, dict]:
    """Root renaming (s ↦ sqrt_s² for a positive s under a square root, as the finder's normal form does) and
    names for every free symbol of the expressions after it."""
    together = sp.Tuple(*exprs)
    roots = _root_symbols(together)
    return roots, namer(set(extra) | (together.xreplace(roots) if roots else together).free_symbols)


# -- the forms ----------------------------------------------------------------------------------------------


def _identity(step: Step) -> list[dict]:
    if "rules" in step.data:
        raise NotInGrammar("an identity of matrix words of symbolic size (non-commutative)")
    pairs = _entries(step.exprs[0], step.exprs[1], step.text)
    modulo = tuple(sp.sympify(m) for m in step.data.get("modulo", ()))
    together = sp.Tuple(*(e for pair in pairs for e in pair), *modulo)
    roots = _root_symbols(together)
    radicals = _Radicals()  # numbers such as √5 become variables r with r² − 5 among the relations
    together = radicals.rewrite(together.xreplace(roots) if roots else together)
    k = 2 * len(pairs)
    sides, modulo = together.args[:k], (*together.args[k:], *radicals.relations)
    pairs = list(zip(sides[::2], sides[1::2]))
    names = namer(sp.Tuple(*together.args, *radicals.relations).free_symbols)
    form: dict = {"kind": "identity", "variables": sorted(names.values())}
    renamed = {names[r.base]: f"{s.name}^(1/2)" for s, r in roots.items()}
    renamed |= {names[r]: f"({_brief(b, 200)})^(1/{q})" for (b, q), r in radicals.symbols.items()}
    if renamed:
        form["renamed"] = renamed
    lhs, rhs = [text(a, names) for a, _ in pairs], [text(b, names) for _, b in pairs]
    form["lhs"], form["rhs"] = (lhs[0], rhs[0]) if len(pairs) == 1 else (lhs, rhs)
    if modulo:
        form["modulo"] = [text(m, names) for m in modulo]
        cof = [[text(c, names) for c in cofactors(a - b, modulo, sorted(names, key=str))] for a, b in pairs]
        form["cofactors"] = cof[0] if len(pairs) == 1 else cof
    return [form]


def cofactors(difference, modulo, symbols) -> list[sp.Expr]:
    """c with difference = Σ cᵢ·moduloᵢ as rational functions, each cᵢ's denominator dividing the difference's
    times the relations' (division of the numerators in SymPy's sparse polynomial ring, lex order, then grevlex;
    the relations must divide the difference's numerator exactly)."""
    if not symbols:
        raise NotInGrammar("an identity modulo relations of constants")
    for order in ("lex", "grevlex"):
        field = sp.field(symbols, sp.QQ, order=order)[0]
        try:
            f, ms = field.from_expr(difference), [field.from_expr(m) for m in modulo]
        except ValueError:
            raise NotInGrammar("not a rational function of its symbols") from None
        if f == 0:
            return [sp.Integer(0)] * len(modulo)
        quotients, rest = f.numer.div([m.numer for m in ms])
        if rest == 0:
            return [(q * m.denom).as_expr() / f.denom.as_expr() for q, m in zip(quotients, ms)]
    raise NotInGrammar("no cofactors found by division (the relations are not a Gröbner basis)")


def _point_step(step: Step) -> list[dict]:
    lhs, rhs = step.exprs
    _, names = _scope(lhs, rhs, extra=step.point or {})
    return [
        {
            "kind": step.kind,  # counterexample | example
            "variables": sorted(names.values()),
            "assumptions": assumptions(names, names),
            "lhs": text(lhs, names),
            "rhs": text(rhs, names),
            "point": {names[s]: text(v, {}) for s, v in (step.point or {}).items()},
        }
    ]


def _sign(step: Step) -> list[dict]:
    expr, witness = step.exprs
    roots, names = _scope(expr, witness)
    expr, witness = (sp.sympify(e).xreplace(roots) for e in (expr, witness))
    nonzero = set(step.data.get("nonzero", ()))
    return [
        {
            "kind": "positive",
            "variables": sorted(names.values()),
            "assumptions": assumptions(names, names, nonzero),
            "expr": text(expr, names),
            "witness": text(witness, names),
            **({"op": ">="} if step.data.get("op") == ">=" else {}),
        }
    ]


def _check(step: Step) -> list[dict]:
    if "evidence" in step.data:
        evidence, expected = step.data["evidence"], step.data["expected"]
        if not isinstance(evidence, tuple):
            evidence, expected = (evidence,), (expected,)
        return [form for e, v in zip(evidence, expected, strict=True) for form in _evidence(e, v)]
    if "compare" not in step.data:
        return [{"kind": "computation"}]
    lhs, op, rhs = step.data["compare"]
    radicals = _Radicals()
    form: dict = {
        "kind": "compare",
        "lhs": radicals.text(sp.sympify(lhs)),
        "op": op,
        "rhs": radicals.text(sp.sympify(rhs)),
    }
    if radicals.symbols:
        form |= {"variables": radicals.names, "equations": radicals.equations(), "box": radicals.box}
        if op == "==":
            form["cofactors"] = radicals.cofactors(radicals.rewrite(sp.sympify(lhs) - sp.sympify(rhs)))
    return [form]


class _Radicals:
    """Real algebraic numbers written with one variable per radical b^(1/q) of a positive number b: its relation
    r^q − b = 0, and an isolating box of RADICAL_DIGITS digits around its value (the kernel proves that the box
    isolates it, when a comparison needs the value)."""

    def __init__(self) -> None:
        self.symbols: dict = {}  #: (b, q) ↦ the variable r
        self.relations: list[sp.Expr] = []
        self.box: list[list[str]] = []

    @property
    def names(self) -> list[str]:
        return [r.name for r in self.symbols.values()]

    def text(self, e: sp.Expr) -> str:
        """A real number in the grammar, its radicals written as the variables."""
        if e.free_symbols:
            raise NotInGrammar(f"not a number: {_brief(e)}")
        return text(self.rewrite(e), {r: r.name for r in self.symbols.values()})

    def equations(self) -> list[str]:
        return [text(m, {r: r.name for r in self.symbols.values()}) for m in self.relations]

    def cofactors(self, difference: sp.Expr) -> list[str]:
        """c with difference = Σ cᵢ·relationᵢ, for a difference that vanishes at the radicals' values (lex order with
        the outermost radical first, so that each relation is led by its own radical: a Gröbner basis).  A
        difference that holds for one sign of the outermost square root only (A + B·r = 0, not A − B·r = 0) is not
        in the ideal; its product with the conjugate A − B·r is, and the cofactors are divided by A − B·r (which the
        kernel checks is defined, so non-zero, at the point)."""
        gens = list(self.symbols.values())[::-1]
        names = {r: r.name for r in gens}
        try:
            found = cofactors(difference, self.relations, gens)
        except NotInGrammar:
            conjugate = difference.xreplace({gens[0]: -gens[0]})
            found = [c / conjugate for c in cofactors(sp.expand(difference * conjugate), self.relations, gens)]
        return [text(c, names) for c in found]

    def rewrite(self, e: sp.Expr) -> sp.Expr:
        """``e`` with its radicals of numbers written as the variables (``e`` itself when it has none)."""
        if not any(p.exp.is_Rational and not p.exp.is_Integer for p in e.atoms(sp.Pow)):
            return e
        return self._rewrite(e)

    def _rewrite(self, e: sp.Expr) -> sp.Expr:
        if e.is_Pow and e.exp.is_Rational and not e.exp.is_Integer and not e.base.free_symbols:
            return self._radical(e.base, int(e.exp.q)) ** int(e.exp.p)
        if e.args and (e.is_Add or e.is_Mul or (e.is_Pow and e.exp.is_Integer) or isinstance(e, sp.Tuple)):
            return e.func(*(self._rewrite(a) for a in e.args))
        return e

    def _radical(self, base: sp.Expr, q: int) -> sp.Symbol:
        if (base, q) not in self.symbols:
            if not (base.is_real and base.is_positive):
                raise NotInGrammar(f"a radical of a number not known to be positive: {_brief(base)}")
            inner = self._rewrite(base)
            r = sp.Dummy(f"r{len(self.symbols) + 1}")
            value = sp.Rational(str(sp.N(base ** sp.Rational(1, q), RADICAL_DIGITS + 10)))
            width = sp.Rational(1, 10**RADICAL_DIGITS) * max(1, abs(value))
            self.symbols[(base, q)] = r
            self.relations.append(r**q - inner)
            self.box.append([text(value - width, {}), text(value + width, {})])
        return self.symbols[(base, q)]


def _evidence(evidence, expected) -> list[dict]:
    """The forms that decide ``expected`` again from the check's evidence (:mod:`eos_theory.core.evidence`)."""
    if isinstance(evidence, BoxProof):
        return [box_form(evidence)]
    if isinstance(evidence, Holds):  # one exact comparison per condition, the point as definitions
        return [_holds(rel, evidence.point) for rel in evidence.conditions]
    return [_one_form(evidence, expected)]


def _one_form(evidence, expected) -> dict:
    if isinstance(evidence, Resultant):
        parts = [evidence.f, evidence.g, expected, *([evidence.modulo] if evidence.modulo is not None else [])]
        _, all_names = _scope(*parts, extra=[evidence.variable])
        written = [text(sp.expand(e), all_names) for e in parts]
        head = {"kind": "resultant", "variables": sorted(all_names.values()), "in": all_names[evidence.variable]}
        return head | dict(zip(("f", "g", "value"), written)) | ({"modulo": written[3:]} if written[3:] else {})
    names = {evidence.variable: namer([evidence.variable])[evidence.variable]}
    form: dict = {"variables": list(names.values())}
    if isinstance(evidence, Irreducible):
        poly = sp.Poly(evidence.poly, evidence.variable)
        return form | {"kind": "irreducible", "poly": text(poly.as_expr(), names), "degree": poly.degree()}
    where = [c for rel in evidence.conditions for c in _conditions(rel, names)]
    v = evidence.variable  # its declared sign is a condition too: the kernel's variables range over every real
    sign = next(
        (
            op
            for op, holds in (
                (">", v.is_positive),
                ("<", v.is_negative),
                (">=", v.is_nonnegative),
                ("<=", v.is_nonpositive),
                ("!=", v.is_nonzero),
            )
            if holds
        ),
        None,
    )
    form |= {"kind": "solutions", "where": where + ([{"expr": names[v], "op": sign}] if sign else [])}
    if isinstance(evidence, Root):
        return form | {"set": [["[", *[_algebraic(expected, evidence.variable, names)] * 2, "]"]]}
    if isinstance(expected, int):
        return form | {"count": expected}
    pieces = expected.args if isinstance(expected, sp.Union) else (expected,)
    form["set"] = [piece for p in pieces for piece in _pieces(p, evidence.variable, names)]
    return form


def _holds(rel, point: dict) -> dict:
    """``rel`` at the exact ``point``: a compare of rationals, the point's values as definitions."""
    names = namer(point)
    (cond,) = _conditions(rel, names)
    values = [[names[s], text(sp.Rational(v), {})] for s, v in sorted(point.items(), key=lambda kv: names[kv[0]])]
    return {"kind": "compare", "definitions": values, "lhs": cond["expr"], "op": cond["op"], "rhs": "0"}


def _conditions(rel, names: dict) -> list[dict]:
    """A relation as conditions ``{"expr": E, "op": OP}`` meaning E op 0; |u| op c (c ≥ 0 by its assumptions) is
    written u² − c² op 0."""
    lhs, rhs, op = rel.lhs, rel.rhs, rel.rel_op
    if isinstance(rhs, sp.Abs) and not isinstance(lhs, sp.Abs):
        lhs, rhs, op = rhs, lhs, {"<": ">", "<=": ">=", ">": "<", ">=": "<="}.get(op, op)
    if isinstance(lhs, sp.Abs) and rhs.is_nonnegative:
        lhs, rhs = lhs.args[0] ** 2, rhs**2
    return [{"expr": text(sp.expand(lhs - rhs), names), "op": op}]


def _pieces(piece, variable, names: dict) -> list[list]:
    """An interval or a finite set as pieces ``[bracket, lo, hi, bracket]`` of the ``solutions`` form."""
    if piece is sp.S.EmptySet:
        return []
    if isinstance(piece, sp.FiniteSet):
        return [["[", _algebraic(v, variable, names), _algebraic(v, variable, names), "]"] for v in piece]
    if not isinstance(piece, sp.Interval):
        raise NotInGrammar(f"not a union of intervals and points: {_brief(piece)}")
    lo, hi = (_algebraic(e, variable, names) for e in (piece.start, piece.end))
    return [["(" if piece.left_open else "[", lo, hi, ")" if piece.right_open else "]"]]


def _algebraic(value, variable, names: dict):
    """An end point: a rational as a number, ±∞ as null, a real algebraic number as its minimal polynomial and an
    isolating interval of RADICAL_DIGITS digits (the kernel proves that it isolates one root)."""
    value = sp.sympify(value)
    if not isinstance(value, sp.Expr) or not value.is_number or (value.is_real is not True and not value.is_infinite):
        raise NotInGrammar(f"not a real number: {_brief(value)}")
    if value.is_infinite:
        return None
    if value.is_Rational:
        return text(value, {})
    try:
        poly = sp.minimal_polynomial(value, variable)
    except (sp.polys.polyerrors.NotAlgebraic, NotImplementedError):
        raise NotInGrammar(f"not an algebraic number: {_brief(value)}") from None
    scaled = sp.Rational(str(sp.N(value, RADICAL_DIGITS + 10))) * 10**RADICAL_DIGITS  # ± max(1, |value|)·10⁻⁴⁰:
    width = sp.ceiling(max(1, abs(value)))
    ends = (sp.floor(scaled) - width, sp.ceiling(scaled) + width)
    return {"root": text(poly, names), "in": [f"{int(e)}e-{RADICAL_DIGITS}" for e in ends]}


def _interval(step: Step) -> list[dict]:
    boxes = step.data.get("boxes", ())
    if not boxes:
        raise NotInGrammar("an interval proof recorded without its data (no BoxProof)")
    return [box_form(b) for b in boxes]


def box_form(b: BoxProof) -> dict:
    """A :class:`BoxProof` as a ``krawczyk`` form (with equations) or a ``bound`` form (without)."""
    names = namer([*b.variables, *(s for s, _ in b.definitions)])

    def bounds(items):
        return [{"expr": text(e, names), "interval": [_end(lo), _end(hi)]} for e, lo, hi in items]

    form: dict = {
        "kind": "krawczyk" if b.equations else "bound",
        "variables": [names[v] for v in b.variables],
        "box": [[_end(lo), _end(hi)] for lo, hi in b.box],
    }
    if b.definitions:
        form["definitions"] = [[names[s], text(e, names)] for s, e in b.definitions]
    if b.equations:
        form["equations"] = [text(e, names) for e in b.equations]
    for key, items in (("at_zero", b.at_zero), ("over_box", b.over_box)):
        if items:
            form[key] = bounds(items)
    if b.distinct:
        form["distinct"] = [text(e, names) for e in b.distinct]
    return form


def _end(v) -> str | None:
    if v is None:
        return None
    q = Fraction(v) if not isinstance(v, sp.Basic) else Fraction(int(v.p), int(v.q))
    return str(q.numerator) if q.denominator == 1 else f"{q.numerator}/{q.denominator}"


def _citation(step: Step) -> list[dict]:
    return [{"kind": "citation", "theorem": step.data.get("theorem", ""), "reference": step.data.get("reference", "")}]


_FORMS = {
    "identity": _identity,
    "counterexample": _point_step,
    "example": _point_step,
    "sign": _sign,
    "check": _check,
    "interval": _interval,
    "citation": _citation,
    "premise": lambda s: [{"kind": "premise", "claim": s.detail}],
    "inference": lambda s: [{"kind": "inference", "from": list(s.data.get("from", ()))}],
}
