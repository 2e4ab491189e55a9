"""LaTeX export: the checked claims as a standalone document, or one claim as a snippet for a paper.

Every equation is printed from a SymPy object by :func:`eos_theory.core.notation.latex`, so symbols
read as the paper writes them (θ, η, ω_i, z̃, J̃, T̃).  Prose (statements, step descriptions)
is Unicode; :func:`prose` (:mod:`.latex_prose`) turns it into plain-ASCII LaTeX, so the output compiles with pdflatex
and only amsmath, amssymb, amsthm (plus geometry, longtable and booktabs for the document).

Entry points: :func:`document` (all results) and :func:`snippet` (one result).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path

import sympy as sp

from eos_theory import __version__
from eos_theory.core.notation import (
    Chain,
    E,
    J,
    Jw,
    P,
    Q,
    Qplus,
    Tt,
    chain,
    dz_dtheta,
    eta,
    gradL,
    i,
    mode_sum,
    scalar,
    t,
    theta,
    thetadot,
    w_,
    z,
    zt,
)
from eos_theory.core.notation import latex as _sympy_latex
from eos_theory.core.proof import Step, format_point
from eos_theory.outputs.latex_prose import _MATH, _OPERATORS, _text_chars, prose, typewriter
from eos_theory.outputs.latex_prose import unmapped as unmapped  # re-exported: what the tests check prose with

PAPER = "Second-order regression models exhibit progressive sharpening to the edge of stability"
CITATION = "A. Agarwala, F. Pedregosa, J. Pennington, ICML 2023, arXiv:2210.04860"

#: The four environments a claim can be typeset in (also what a snippet needs in the preamble).
ENVIRONMENTS = r"""\theoremstyle{plain}
\newtheorem{theorem}{Theorem}
\newtheorem{lemma}[theorem]{Lemma}
\theoremstyle{definition}
\newtheorem{erratum}[theorem]{Erratum}
\theoremstyle{remark}
\newtheorem{remark}[theorem]{Remark}"""

LONG = 150  #: a displayed line longer than this (in LaTeX characters) is set so TeX can break it
SMALL = 160  #: a step's equation is shown when both sides together print in at most this many characters


# -- equations from SymPy objects ---------------------------------------------------------


def math(expr) -> str:
    """LaTeX of a SymPy object in the paper's notation (via notation.latex), guaranteed ASCII."""
    s = _sympy_latex(expr)
    if s.isascii():
        return s
    return "".join(ch if ch.isascii() else "{" + (_MATH.get(ch) or r"\text{" + _text_chars(ch) + "}") + "}" for ch in s)


def formula_lines(formula) -> list[tuple[sp.Basic, str]]:
    """The displayed lines of a claim's formula: one per member of a tuple of formulas."""
    if formula is None:
        return []
    parts = list(formula.args) if isinstance(formula, sp.Tuple) else [formula]
    return [(part, math(part)) for part in parts]


def display(lines: Sequence[str]) -> str:
    """Display math for printed lines; over-long ones are set inline so TeX can break them."""
    out: list[str] = []
    group: list[str] = []

    def flush():
        if len(group) == 1:
            out.append("\\[\n" + group[0] + "\n\\]")
        elif group:
            out.append("\\begin{gather*}\n" + " \\\\\n".join(group) + "\n\\end{gather*}")
        group.clear()

    for line in lines:
        if len(line) <= LONG:
            group.append(line)
            continue
        flush()
        out.append("\\par{\\raggedright\\leftskip=2em\\relax\\noindent$\\displaystyle " + line + "$\\par}")
    flush()
    return "\n".join(out)


def _scalar(e) -> sp.Basic:
    """A 1×1 matrix as its entry (as the proof machinery compares it), anything else sympified."""
    e = sp.sympify(e)
    return e[0, 0] if isinstance(e, sp.MatrixBase) and e.shape == (1, 1) else e


def _point_of(step: Step) -> dict | None:
    """The exact point of a counterexample or example step, read back and re-checked from its record."""
    point = getattr(step, "point", None)
    if len(step.exprs) != 2:
        return None
    lhs, rhs = (sp.sympify(e) for e in step.exprs)
    if point is None:
        m = re.match(r"at (.*?): ", step.detail)
        if not m:
            return None
        names = {sp.pretty(s, use_unicode=True): s for s in lhs.free_symbols | rhs.free_symbols}
        point = {}
        for item in m.group(1).split(", "):
            name, _, value = item.partition(" = ")
            if name not in names:
                return None
            try:
                point[names[name]] = sp.Rational(value)
            except (TypeError, ValueError):
                return None
        if not step.detail.startswith(f"at {format_point(point)}: "):
            return None
    a, b = (sp.expand(e.xreplace(point)) for e in (lhs, rhs))
    if not (a.is_Rational and b.is_Rational) or a == b:
        return None
    return {"point": point, "lhs": a, "rhs": b}


def _point_equations(found: dict) -> list[sp.Basic]:
    items = sorted(found["point"].items(), key=lambda kv: str(kv[0]))
    return [sp.Eq(s, v, evaluate=False) for s, v in items] + [sp.Ne(found["lhs"], found["rhs"], evaluate=False)]


def step_equations(step: Step) -> list[sp.Basic]:
    """The SymPy equations a step is shown with (none when they would be too long or say nothing)."""
    if step.kind in ("counterexample", "example"):
        found = _point_of(step)
        return _point_equations(found) if found else []
    if step.kind not in ("identity", "sign") or len(step.exprs) != 2:
        return []
    lhs, rhs = (_scalar(e) for e in step.exprs)
    out = []
    if len(math(lhs)) + len(math(rhs)) <= SMALL and math(lhs) != math(rhs):
        out.append(sp.Eq(lhs, rhs, evaluate=False))
    if step.kind == "sign" and len(math(rhs)) <= SMALL:
        out.append(sp.StrictGreaterThan(rhs, 0, evaluate=False))
    return out


def equations(result) -> list[tuple[str, sp.Basic, str]]:
    """Every equation emitted for one claim, as (where, SymPy object, LaTeX)."""
    p, out = result.proof, []
    out += [("formula", obj, tex) for obj, tex in formula_lines(p.formula)]
    if p.correction is not None:
        out += [("correction", obj, tex) for obj, tex in formula_lines(p.correction.formula)]
    steps = list(p.steps) + (list(p.correction.steps) if p.correction is not None else [])
    for k, s in enumerate(steps):
        out += [(f"step {k + 1}", obj, math(obj)) for obj in step_equations(s)]
    return out


# -- the model and its notation -----------------------------------------------------------

_L = sp.Symbol("L", nonnegative=True)
_Jt_row = sp.MatrixSymbol("Jtilde", 1, P)  # J̃ as a row, named as in proofs/eigenbasis.py
_theta_next = sp.MatrixSymbol("thetaprime", P, 1)

_NOTATION = [  # (object, meaning); the meanings are words, every symbol in them is printed from its object
    (theta, "the parameters, a column of length {P}"),
    (Q, "a fixed symmetric matrix of size {P} by {P}"),
    (Qplus, "the pseudo-inverse of {Q}"),
    (E, "the regression target"),
    (z, "the output (the residual; zero loss at {z0})"),
    (J, "the Jacobian of {z} with respect to {theta}, a row"),
    (scalar(J * J.T), "the neural tangent kernel (NTK), a scalar: the curvature"),
    (eta, "the learning rate (gradient descent) or time scale (gradient flow)"),
    (t, "gradient-flow time"),
    (zt, "the rescaled output"),
    (_Jt_row, "the rescaled Jacobian"),
    (Tt, "the {eta}-normalised NTK, compared with {two} at the edge of stability"),
    (w_[i], "the eigenvalues of {Q}, for {i} from {one} to {P}"),
    (Jw(w_[i]), "the rescaled Jacobian along the eigenvector of {w}"),
]


def _words(meaning: str) -> str:
    names = {
        "P": P,
        "Q": Q,
        "z": z,
        "z0": sp.Eq(z, 0, evaluate=False),
        "theta": theta,
        "eta": eta,
        "two": sp.Integer(2),
        "i": i,
        "one": sp.Integer(1),
        "w": w_[i],
    }
    return re.sub(r"\{(\w+)\}", lambda m: f"${math(names[m.group(1)])}$", meaning)


def model_equations() -> list[tuple[str, sp.Basic, str]]:
    """The model's defining equations, as (what, SymPy object, LaTeX)."""
    objs = [
        ("output", sp.Eq(z, scalar(theta.T * Q * theta) / 2 - E, evaluate=False)),
        ("loss", sp.Eq(_L, z**2 / 2, evaluate=False)),
        ("Jacobian", sp.Eq(J, theta.T * Q, evaluate=False)),
        ("NTK", sp.Eq(scalar(J * J.T), scalar(theta.T * Q * Q * theta), evaluate=False)),
        ("gradient flow", chain(thetadot, -eta * gradL, -eta * z * dz_dtheta)),
        ("gradient descent", sp.Eq(_theta_next, theta - eta * gradL, evaluate=False)),
        ("rescaled output", sp.Eq(zt, eta * z, evaluate=False)),
        ("rescaled Jacobian", sp.Eq(_Jt_row, sp.sqrt(eta) * J, evaluate=False)),
        ("normalised NTK", chain(Tt, eta * scalar(J * J.T), mode_sum(Jw(w_[i]) ** 2))),
    ]
    return [(what, obj, math(obj)) for what, obj in objs]


def _model_section() -> str:
    eqs = {what: tex for what, _, tex in model_equations()}
    rows = "\n".join(f"${math(obj)}$ & {_words(meaning)} \\\\" for obj, meaning in _NOTATION)
    return f"""\\section{{The model and its notation}}
The paper studies a model that is quadratic in its parameters, trained on the squared loss:
{display([eqs["output"], eqs["loss"]])}
Its Jacobian and its neural tangent kernel (NTK) are
{display([eqs["Jacobian"], eqs["NTK"]])}
Gradient flow and one step of gradient descent are
{display([eqs["gradient flow"], eqs["gradient descent"]])}
The paper removes ${math(eta)}$ from gradient flow by rescaling, and works in the eigenbasis of ${math(Q)}$, with
eigenvalues ${math(w_[i])}$; the curvature is then
{display([eqs["rescaled output"], eqs["rescaled Jacobian"], eqs["normalised NTK"]])}
Edge of stability means ${math(Tt)}$ near ${math(sp.Integer(2))}$, i.e.\\ the NTK near ${math(2 / eta)}$.

\\begin{{longtable}}{{@{{}}lp{{0.72\\linewidth}}@{{}}}}
\\toprule
symbol & meaning \\\\
\\midrule
\\endhead
{rows}
\\bottomrule
\\end{{longtable}}
"""


# -- one claim ----------------------------------------------------------------------------


def environment_name(result) -> str:
    """theorem or lemma (verified), erratum (refuted), remark (inconclusive).

    A verified claim whose formula is an equation (or several) is a lemma; any other verified
    statement (an inequality, a stability criterion, a statement in words) is a theorem.
    """
    if result.verdict == "refuted":
        return "erratum"
    if result.verdict != "verified":
        return "remark"
    f = result.proof.formula
    return "lemma" if isinstance(f, (sp.Equality, sp.Tuple, Chain)) else "theorem"


def _section(source) -> str:
    s = source.section
    return "\\S" + s if re.fullmatch(r"[0-9.]+", s) else prose(s)


def label(result) -> str:
    return "claim:" + re.sub(r"[^A-Za-z0-9:.-]", "-", result.claim.id)


def _sentence(text: str) -> str:
    """Prose as a sentence: capitalised when it starts with an English word, with a closing full stop."""
    text = text.strip()
    first = re.match(r"[a-z]{2,}(?=[ ,:-])|a(?= )", text)
    if first and first.group() not in _OPERATORS:
        text = text[0].upper() + text[1:]
    return prose(text) + ("" if text.endswith((".", "?", "!")) else ".")


def _step_item(step: Step) -> str:
    tag = {
        "numerical": "Numerical.",
        "statistical": "Statistical.",
        "interval": "Interval proof.",
        "counterexample": "Counterexample.",
        "example": "Example.",
        "citation": "Cited.",
        "premise": "Premise.",
        "inference": "Inference.",
    }.get(step.kind)
    text = "\\item " + (f"\\emph{{{tag}}} " if tag else "") + _sentence(step.text)
    eqs = step_equations(step)
    if step.kind in ("counterexample", "example"):
        if eqs:
            at = ", ".join(f"${math(e)}$" for e in eqs[:-1])
            return text + f" At {at} the two sides are ${math(eqs[-1])}$."
        return text + " " + _sentence(step.detail)
    if eqs:
        text += "\n" + display([math(e) for e in eqs])
    if step.kind == "identity":
        modulo = " modulo the defining relations" if "modulo" in step.detail else ""
        return text + f" (Exact: the normal form of the difference is $0${modulo}.)"
    if step.kind == "premise":
        return text + f" (Registered claim {typewriter(step.detail)}, verified.)"
    if step.kind == "sign":
        nonzero = ", ".join(f"${math(sp.Ne(sp.sympify(s), 0))}$" for s in step.data.get("nonzero", ()))
        return text + (f" For {nonzero}." if nonzero else "")
    if step.kind == "check":
        return text + " " + _check_detail(step)
    return text + (" " + _sentence(step.detail) if step.detail else "")


def _mathematical(value) -> bool:
    """Whether a computed value reads as mathematics (a SymPy object or number, or a sequence of them), not as
    code's output (strings, booleans, None)."""
    if isinstance(value, (list, tuple)):
        return bool(value) and all(_mathematical(v) for v in value)
    return isinstance(value, (sp.Basic, sp.MatrixBase, int)) and not isinstance(
        value, (bool, sp.logic.boolalg.BooleanAtom)
    )


def _check_detail(step: Step) -> str:
    """A check's detail: an exact comparison printed from its numbers (decided exactly), a computed value printed
    from the SymPy object it equals; what computed it, and a value only its code can print, in typewriter."""
    if "compare" in step.data:
        lhs, op, rhs = step.data["compare"]
        relation = {"<": "<", "<=": "\\leq", ">": ">", ">=": "\\geq", "==": "=", "!=": "\\neq"}[op]
        shown = f"{math(lhs)} {relation} {math(rhs)}"
        return f"${shown}$, decided exactly." if len(shown) <= 60 else "Decided exactly:\n" + display([shown])
    how, _, computed = step.detail.rpartition("computed ")
    how = how.removesuffix(": ")
    said = f"{_sentence(how)[:-1]}: computed" if how else "Computed"
    expected = step.data.get("expected")
    if _mathematical(expected):
        value = math(expected)
        return f"{said} ${value}$." if len(value) <= SMALL else f"{said} the expected value."
    return f"{said} {typewriter(computed)}."


def _steps(steps: Iterable[Step]) -> str:
    items = [_step_item(s) for s in steps]
    if not items:
        return "No steps were recorded."
    return "\\begin{enumerate}\n" + "\n".join(items) + "\n\\end{enumerate}"


def _basis_note(result) -> str:
    if result.verdict not in ("verified", "supported"):
        return ""
    return {
        "numerical": " The verdict rests on high-precision numerical evidence.",
        "statistical": " The verdict rests on statistical estimates with confidence intervals.",
        "interval": " The verdict rests on interval arithmetic (a computer-assisted proof).",
    }.get(result.proof.basis, "")


def _where(c) -> str:
    """The claim's place, as its environment's note and the verdict table give it: the paper's section,
    "derived", or "this work" for a researcher's own claim (with the section it cites, if any)."""
    if c.own:
        return "this work" + (f", {_section(c.source)}" if c.cited else "")
    return _section(c.source)


def _source_note(result) -> str:
    src, c = result.claim.source, result.claim
    if c.own:  # a researcher's claim, labelled as theirs: what a paper pasting it calls "this work"
        cited = f" ({_section(src)})" if c.cited else ""
        quote = f" As stated there: ``{prose(src.quote)}''." if c.cited and src.quote else ""
        return f"\\par\\noindent{{\\small Claim of this work{cited}, checked with eos-theory {__version__}.{quote}}}"
    if src.quote is None:
        where = (
            "Derived by the project; not in the paper's text."
            if src.section == "derived"
            else f"Source: {_section(src)}."
        )
        return f"\\par\\noindent{{\\small {where}}}"
    return f"\\par\\noindent{{\\small Printed in {_section(src)} (as extracted from the PDF): ``{prose(src.quote)}''}}"


def _as_what(c) -> str:
    """How an erratum introduces the refuted statement: "As printed." only for what the paper prints; a
    researcher's own claim or one the project derived was stated, not printed."""
    return "As printed." if not c.own and c.source.section != "derived" else "As stated."


def _counter_sentence(step: Step) -> str:
    eqs = step_equations(step)
    if not eqs:
        return f"{prose(step.text)}: {_sentence(step.detail)}"
    at = ", ".join(f"${math(e)}$" for e in eqs[:-1])
    return f"{prose(step.text)}: at {at} the two sides are ${math(eqs[-1])}$."


def claim_block(result) -> str:
    """The claim's environment followed by its proof environment(s)."""
    c, p, env = result.claim, result.proof, environment_name(result)
    lines = [tex for _, tex in formula_lines(p.formula)]
    head = f"\\texttt{{{c.id}}}" + ("" if c.own and not c.cited else f", {_section(c.source)}")
    out = [f"\\begin{{{env}}}[{head}]\\label{{{label(result)}}}"]
    if env == "erratum":
        out.append(f"\\emph{{{_as_what(c)}}} {_sentence(c.statement)}")
        if lines:
            out.append(display(lines))
        if len(p.refutations) == 1:
            out.append("\\par\\emph{Counterexample.} " + _counter_sentence(p.refutations[0]))
        elif p.refutations:
            items = "\n".join("\\item " + _counter_sentence(s) for s in p.refutations)
            out.append(f"\\par\\emph{{Counterexamples.}}\n\\begin{{itemize}}\n{items}\n\\end{{itemize}}")
        elif result.error:
            out.append(f"\\par\\emph{{Counterexample.}} {_sentence(result.evidence)}")
        if p.correction is not None:
            out.append(f"\\par\\emph{{Correction.}} {_sentence(p.correction.statement)}")
            corr = [tex for _, tex in formula_lines(p.correction.formula)]
            if corr:
                out.append(display(corr))
        else:
            out.append("\\par\\emph{Correction.} None is recorded.")
    else:
        out.append(_sentence(c.statement))
        if lines:
            out.append(display(lines))
        if result.verdict in ("supported", "not supported"):  # statistics decide it at a confidence, never verify it
            out.append(f"\\emph{{{result.verdict.capitalize()} by statistical evidence}} at the stated confidence.")
        elif env == "remark":
            out.append(f"\\emph{{Undecided.}} The check stopped: {_sentence(result.error or 'no verdict')}")
    out.append(f"\\end{{{env}}}")
    out.append(_source_note(result))
    method = f"\\emph{{Method.}} {_sentence(c.method)}{_basis_note(result)}"
    if env == "erratum":
        out.append(f"\\begin{{proof}}[Refutation]\n{method}\n{_steps(p.steps)}\n\\end{{proof}}")
        if p.correction is not None:
            out.append(
                "\\begin{proof}[Verification of the correction]\nThe corrected statement holds by these steps.\n"
                f"{_steps(p.correction.steps)}\n\\end{{proof}}"
            )
    else:
        statistical = result.verdict in ("supported", "not supported")
        name = "Statistical evidence" if statistical else "Partial record" if env == "remark" else "Verification"
        out.append(f"\\begin{{proof}}[{name}]\n{method}\n{_steps(p.steps)}\n\\end{{proof}}")
    return "\n".join(out) + "\n"


SNIPPET_PACKAGES = "amsmath, amssymb and amsthm"  #: what a snippet needs in the preamble, in words


def snippet(result) -> str:
    """One claim's environment and its proof, for pasting into a paper; the leading comment says what the preamble needs."""
    return snippets([result])


def _verdict_note(r) -> str:
    c, o = r.claim, r.claim.origin_json()
    where = Path(o["file"]).name if "file" in o else o.get("package", o["module"])
    return f"{c.id}: {r.verdict}" + (f" (your claim, from {where})" if c.own else "")


def snippets(results: Sequence) -> str:
    """Claims' environments and proofs, one after another, under one leading comment that says what the
    preamble needs (the packages, and the environments the paper may not define yet)."""
    head = [
        f"% {', '.join(_verdict_note(r) for r in results)}; checked by eos-theory {__version__}.",
        "% Needs \\usepackage{amsmath,amssymb,amsthm} and, for each environment the paper does not define yet:",
        *("%   " + line for line in ENVIRONMENTS.splitlines()),
    ]
    return "\n".join(head) + "\n" + "\n".join(claim_block(r) for r in results)


# -- the document ---------------------------------------------------------------------------

_VERDICT = {
    "verified": "verified",
    "refuted": "refuted, corrected",
    "supported": "supported (statistical)",
    "not supported": "not supported (statistical)",
    "inconclusive": "inconclusive",
}


def _table(results) -> str:
    rows = []
    for r in results:
        verdict = _VERDICT.get(r.verdict, r.verdict)
        if r.verdict == "refuted" and r.proof.correction is None:
            verdict = "refuted"
        if r.verdict != r.claim.expect:
            verdict += f" (expected {r.claim.expect})"
        basis = r.checked_by if r.verdict != "inconclusive" else "--"
        rows.append(
            f"\\texttt{{{r.claim.id}}} & {_where(r.claim)} & {verdict} & {prose(basis)} & \\ref{{{label(r)}}} \\\\"
        )
    return (
        "\\begin{longtable}{@{}llllr@{}}\n\\toprule\nclaim & source & verdict & basis & no. \\\\\n\\midrule\n\\endhead\n"
        + "\n".join(rows)
        + "\n\\bottomrule\n\\end{longtable}"
    )


def _evidence_section(results) -> str:
    parts = []
    for r in results:
        p = r.proof
        steps = [
            s
            for s in list(p.steps) + (list(p.correction.steps) if p.correction else [])
            if s.kind in ("numerical", "statistical", "interval")
        ]
        if steps:
            items = "\n".join(f"\\item \\emph{{{s.kind}:}} {prose(s.text)}: {prose(s.detail)}." for s in steps)
            parts.append(
                f"\\paragraph{{\\texttt{{{r.claim.id}}} (\\ref{{{label(r)}}}).}}\n"
                f"\\begin{{itemize}}\n{items}\n\\end{{itemize}}"
            )
    body = (
        "\n".join(parts)
        if parts
        else "Every verdict rests on exact computation; no numerical or interval evidence was used."
    )
    return (
        "\\section{Numerical and interval evidence}\n"
        "Exact steps decide most claims.  The following steps instead use high-precision floating point "
        "(certified by agreeing digits), interval arithmetic (a computer-assisted proof), or statistics of "
        "independent runs (an estimate with a confidence interval).\n\n" + body + "\n"
    )


def document(results, title: str | None = None) -> str:
    """A standalone LaTeX document: model, notation, verdict table, every claim with its proof, evidence."""
    results = list(results)
    counts = {
        v: sum(r.verdict == v for r in results)
        for v in ("verified", "refuted", "supported", "not supported", "inconclusive")
    }
    corrected = sum(r.verdict == "refuted" and r.proof.correction is not None for r in results)
    paper = [r for r in results if not r.claim.own and r.claim.source.section != "derived"]
    derived = [r for r in results if not r.claim.own and r.claim.source.section == "derived"]
    own = [r for r in results if r.claim.own]
    title = title or f"{PAPER}: the claims, checked"
    body = [
        "\\documentclass[11pt]{article}",
        "\\usepackage[margin=2.5cm]{geometry}",
        "\\usepackage{amsmath,amssymb,amsthm}",
        "\\usepackage{longtable,booktabs}",
        "\\setlength{\\emergencystretch}{3em}  % long formulas and code names: stretch spaces, not the margin",
        ENVIRONMENTS,
        f"\\title{{{prose(title)}}}",
        f"\\author{{eos-theory {__version__}}}",
        "\\date{}",
        "\\begin{document}",
        "\\maketitle",
        "\\begin{abstract}",
        f"We check {len(results)} claims about the paper ``{PAPER}'' ({CITATION}): the equations and statements "
        "of its text, and results derived from its model. "
        f"{counts['verified']} are verified, {counts['refuted']} are refuted by an exact counterexample "
        f"({corrected} of them with a verified correction; each is stated as an erratum), "
        + (
            f"{counts['supported']} are supported and {counts['not supported']} not supported by statistical "
            "evidence at the stated confidence (never verified), "
            if counts["supported"] or counts["not supported"]
            else ""
        )
        + f"and {counts['inconclusive']} remain undecided. "
        "Every equation below is printed from the SymPy object that was checked.",
        "\\end{abstract}",
        "\\paragraph{How claims are checked.} An identity is verified when the difference of its two sides "
        "reduces to the zero rational function over $\\mathbb{Q}$; it is refuted only by an exact rational point "
        "at which the two sides differ. Floating point decides nothing exact: numerical evidence is reported as "
        "such, with the number of agreeing digits.",
        _model_section(),
        "\\section{Verdicts}",
        _table(results),
    ]
    for name, group in (
        ("Claims of the paper", paper),
        ("Results derived from the model", derived),
        ("Claims of this work", own),
    ):
        if group:
            body.append(f"\\section{{{name}}}")
            body += [claim_block(r) for r in group]
    body += [_evidence_section(results), "\\end{document}", ""]
    return "\n".join(body)


# -- one model's edge-of-stability analysis (eos-theory latex --model) -----------------------------

_ASCII = {
    "θ": "theta",
    "η": "eta",
    "μ": "mu",
    "ρ": "rho",
    "ℓ": "l",
    "∇": " grad ",
    "·": "*",
    "−": "-",
    "–": "-",
    "≤": "<=",
    "≥": ">=",
    "≠": "!=",
    "∥": "||",
    "⊗": "(x)",
    "≡": "==",
    "ℚ": "Q",
    "∘": "o",
    "²": "^2",
    "³": "^3",
    "⁴": "^4",
    "⁺": "+",
    "ᵀ": "^T",
    "≈": "~",
    "…": "...",
    "→": "->",
    "↦": "|->",
    "×": "x",
    "κ": "kappa",
    "λ": "lambda",
    "∗": "*",
    "ω": "omega",
}


def _ascii(text: str) -> str:
    """Unicode prose as plain ASCII for a LaTeX comment (Greek letters by name, accents dropped)."""
    out = []
    for ch in str(text):
        if ch.isascii():
            out.append(ch)
        elif ch in _ASCII:
            out.append(_ASCII[ch])
        else:
            base = "".join(c for c in unicodedata.normalize("NFKD", ch) if c.isascii())
            out.append(base or unicodedata.name(ch, "?").split()[-1].lower())
    return "".join(out)


def _comment(text: str) -> str:
    """``how`` as LaTeX comment lines (ASCII, wrapped)."""
    words, lines, line = _ascii(text).split(), [], "%"
    for w in words:
        if len(line) + len(w) > 100:
            lines.append(line)
            line = "%  "
        line += " " + w
    return "\n".join([*lines, line])


def _cut(decimal: str, digits: int = 20) -> str:
    """The first ``digits`` significant digits of a decimal string (a prefix: every digit kept is claimed)."""
    out: list[str] = []
    count = 0
    for ch in decimal:
        if ch.isdigit() and (count or ch != "0"):
            count += 1
        if count > digits and "." in "".join(out):
            break
        out.append(ch)
    return "".join(out)


def model_snippet(an) -> str:
    """The analysis of one model (:class:`eos_theory.anymodel.analysis.Analysis`) as a LaTeX snippet for a paper:
    least sharpness, η_c, flip type and coefficient, window, offset slope and conserved quantities, each
    exact form printed from its SymPy object, each preceded by a comment saying how it was obtained."""
    from eos_theory.anymodel.report import report  # the report's wording of how each result was obtained

    rep = report(an)
    sp_, m, fl, w = an.spec, an.minimum, an.flip, an.window
    how = rep["how"]
    theta = ", ".join(math(p) for p in sp_.params)
    data = "; ".join(
        f"output $f_{{{k + 1}}}(\\theta) = {math(f)}$ with target ${math(y)}$"
        if len(sp_.outputs) > 1
        else f"output $f(\\theta) = {math(f)}$ with target ${math(y)}$"
        for k, (f, y) in enumerate(zip(sp_.outputs, sp_.targets))
    )
    head = [
        f"% eos-theory {__version__}: the edge-of-stability analysis of one model (eos-theory analyze).",
        "% Needs \\usepackage{amsmath}. Each line is preceded by a comment saying how it was obtained.",
        f"\\noindent Model: parameters $\\theta = ({theta})$, {data}, loss $\\ell(r) = "
        f"{math(sp_.loss)}$ of the residual $r$ (output minus target); "
        "gradient descent $\\theta \\leftarrow \\theta - \\eta \\nabla L(\\theta)$, "
        "sharpness $S(\\theta) = \\ell''(0)\\,\\lambda_{\\max}(J J^{\\top})$ ($J = \\partial f/\\partial\\theta$); "
        "$\\rho$ is half the "
        "diameter of the period-2 orbit born at $\\eta_{c}$.",
    ]
    rows = []
    forms, enclosure = rep["form"], rep.get("enclosure") or {}

    def number(key: str, value) -> str:
        """An exact value from its SymPy object; a numerical one as its claimed digits (certified or agreeing)."""
        if forms.get(key) == "exact":
            return math(sp.sympify(value) if isinstance(value, str) else value)
        return f"{_cut(str(value))}\\ldots"

    def said(key: str, text: str) -> str:
        return f"{text}; enclosure [{enclosure[key][0]}, {enclosure[key][1]}]" if key in enclosure else text

    if rep["least_sharpness"] is None:
        rows.append((how["least_sharpness"], "&\\text{least sharpness: inconclusive}"))
    else:
        exact = forms.get("least_sharpness") == "exact"
        point = ", ".join(
            math(c) if exact else f"{c[:12]}\\ldots" for c in (m.point if exact else rep["minimum"]["point"])
        )
        rows.append(
            (
                said("least_sharpness", how["least_sharpness"]),
                f"S_{{\\min}} &= {number('least_sharpness', m.value if exact else rep['least_sharpness'])} "
                "&&\\text{least sharpness on the zero-residual minima}",
            )
        )
        rows.append(
            (
                "where it is attained (one least-sharp minimum)",
                f"\\theta^{{*}} &= \\left({point}\\right) &&\\text{{least-sharp minimum}}",
            )
        )
        rows.append(
            (
                said("critical_lr", how["critical_lr"]),
                f"\\eta_{{c}} &= {number('critical_lr', m.critical_lr if exact else rep['critical_lr'])} "
                "&&\\text{critical step } 2/S_{\\min}",
            )
        )
    flip_rep = rep["flip"]
    if flip_rep["type"]:
        if forms.get("flip") == "exact" and fl is not None:
            k = fl.coefficient
            term = f"- {math(-k)}" if k.could_extract_minus_sign() else f"+ {math(k)}"
        else:
            k_text = _cut(flip_rep["coefficient"])
            term = f"- {k_text[1:]}\\ldots" if k_text.startswith("-") else f"+ {k_text}\\ldots"
        rows.append(
            (
                said("flip", how["flip"]),
                f"\\frac{{\\eta}}{{\\eta_{{c}}}} &= 1 {term}\\,\\rho^{{2}} + O(\\rho^{{4}}) "
                f"&&\\text{{{flip_rep['type']} flip}}",
            )
        )
    elif rep["least_sharpness"] is not None:
        rows.append((how["flip"] or "not computed", "&\\text{flip at } \\eta_{c}\\text{: inconclusive}"))
    win, form = rep["period_two_window"], rep["form"]["period_two_window"]
    if win is not None and form is not None:
        ends = []
        for value, kind in zip(win, form):
            if value is None:
                ends.append("\\;?")
            elif kind in ("decimal", "certified"):
                ends.append(f"{value[:14]}\\ldots")
            else:
                ends.append(math(sp.sympify(value)))
        note = "numerical end" if form[1] == "decimal" else "end unknown" if win[1] is None else "exact"
        rows.append((how["period_two_window"], f"&{ends[0]} < \\eta < {ends[1]} &&\\text{{2-cycle attracts ({note})}}"))
    elif w is not None and (w.status == "empty" or w.interval == sp.EmptySet):
        rows.append((how["period_two_window"], "&\\text{period-2 window: empty (the 2-cycle does not attract)}"))
    elif rep["least_sharpness"] is not None:
        rows.append((how["period_two_window"] or "not computed", "&\\text{period-2 window: not determined}"))
    if rep["offset_slope"] is not None:
        slope = fl.offset_slope if forms.get("offset_slope") == "exact" and fl is not None else rep["offset_slope"]
        rows.append(
            (
                said("offset_slope", how["offset_slope"]),
                "\\frac{d\\,\\overline{\\eta S}}{d(\\eta/\\eta_{c})}\\Big|_{\\eta_{c}^{+}} "
                f"&= {number('offset_slope', slope)} &&\\text{{EOS offset slope}}",
            )
        )
    if an.conserved is not None and an.conserved.quantities:
        qs = ",\\ ".join(math(q) for q in an.conserved.quantities)
        rows.append((an.conserved.how, f"&{qs} &&\\text{{conserved by gradient flow}}"))
    body = "\\begin{align*}\n" + " \\\\\n".join(f"{_comment(h)}\n{row}" for h, row in rows) + "\n\\end{align*}"
    return "\n".join(head) + "\n" + body + "\n"
