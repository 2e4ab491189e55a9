"""LaTeX export: every emitted equation reads back as its SymPy source, and the document compiles.

Round trip.  sympy's lark LaTeX parser reads a small dialect; the emitted LaTeX is brought into it
by rewrites that keep the meaning and are spelled out in :func:`dialect`:

* atoms: decorated symbols (z̃, θ̇, ω_i, J̃(ω_i)), matrix symbols and transposes, derivatives and
  multi-character subscripts have no notation in the grammar.  Each atom's LaTeX is computed with
  the same printer from the atom itself; where the parser reads that LaTeX as a single symbol it is
  left in place and mapped back by name, otherwise it is replaced by a placeholder symbol;
* ``\\left`` / ``\\right`` are dropped (sizing only; the grammar's \\left also lexes as ``\\le``);
* a big operator's body extends to the end of its product term (the reading SymPy prints for and
  papers use), made explicit with braces;
* juxtaposition becomes an explicit ``\\cdot`` (the grammar reads implicit products only after a
  single letter or a number).

Relations, chains and conjunctions are split where the printer joins them; each side is parsed.
Matrix formulas are compared as commutative products (the parser has no non-commutative
symbols), so for them the round trip checks signs, coefficients, sums and grouping but not the
order of matrix factors.  The one formula skipped is a set (an interval): the grammar has no
interval notation.
"""

from __future__ import annotations

import dataclasses
import functools
import re
import shutil
import subprocess

import pytest
import sympy as sp
from sympy.core.function import AppliedUndef

pytest.importorskip("lark", reason="the LaTeX round trip needs lark (pip install -e '.[test]')")
from sympy.parsing.latex import parse_latex

from eos_theory.core import registry
from eos_theory.core.notation import Chain
from eos_theory.core.notation import latex as printed
from eos_theory.core.proof import NotRational, normal_form
from eos_theory.outputs import latex as L

SKIP_TYPES = (sp.Interval,)  # a set, not an equation: the grammar cannot write it


@pytest.fixture(scope="module")
def results(registry_results):
    return registry_results


@pytest.fixture(scope="module")
def document(results):
    return L.document(results)


# -- reading emitted LaTeX back ------------------------------------------------------------


@functools.cache
def parse(s: str):
    return parse_latex(s, backend="lark")


@functools.cache
def parses_as_symbol(s: str) -> str | None:
    """The parser's name for ``s`` when it reads it as one symbol, else None."""
    try:
        out = parse(s)
    except Exception:
        return None
    return str(out.name) if isinstance(out, sp.Symbol) else None


def is_atom(e) -> bool:
    if isinstance(e, sp.Transpose):
        return isinstance(e.arg, sp.MatrixSymbol)
    return isinstance(e, (sp.Symbol, sp.MatrixSymbol, sp.Indexed, AppliedUndef, sp.Derivative, sp.NumberSymbol))


def atoms_of(expr) -> list:
    found = []

    def walk(e):
        if isinstance(e, sp.MatrixBase):
            for x in e:
                walk(x)
            return
        if isinstance(e, sp.exp):
            found.append(sp.E)  # exp(x) prints as e^{x}
        if is_atom(e):
            found.append(e)
            if isinstance(e, (sp.Indexed, sp.Derivative, sp.Transpose)):
                return  # printed as a whole; its parts do not appear on their own
        for a in getattr(e, "args", ()):
            if isinstance(a, sp.Basic):
                walk(a)

    walk(expr)
    return list(dict.fromkeys(found))


class Reader:
    """Placeholders and name mappings for the atoms of one source formula."""

    def __init__(self, source):
        self.tokens: dict[str, str] = {}  # LaTeX to replace → replacement
        self.back: dict[str, sp.Basic] = {}  # parsed symbol name → image of the atom
        self.image_of: dict[sp.Basic, sp.Basic] = {}  # atom → commutative stand-in
        by_tex: dict[str, sp.Basic] = {}
        for k, a in enumerate(atoms_of(source)):
            tex = printed(a)
            if tex in by_tex and by_tex[tex] != a:
                raise AssertionError(f"two different objects print as {tex!r}: {by_tex[tex]!r} and {a!r}")
            by_tex[tex] = a
            self.image_of[a] = a if isinstance(a, (sp.Symbol, sp.NumberSymbol)) else sp.Symbol(tex)
            native = parses_as_symbol(tex)
            if native is not None and not native.startswith("X_"):
                self.back[native] = self.image_of[a]
            else:
                name = "X_{" + _letters(k) + "}"
                self.tokens[tex] = name
                self.back[name] = self.image_of[a]
        # f(x)**n prints as f^{n}(x): register that spelling too
        for p in sp.preorder_traversal(source) if isinstance(source, sp.Basic) else ():
            if isinstance(p, sp.Pow) and p.base in self.image_of and printed(p.base) in self.tokens:
                tex = printed(p)
                if not tex.startswith(printed(p.base)):
                    self.tokens[tex] = "{" + self.tokens[printed(p.base)] + "}^{" + printed(p.exp) + "}"

    def image(self, e):
        """The source with atoms replaced by their stand-ins and matrix algebra made commutative."""
        if e in self.image_of:
            return self.image_of[e]
        if isinstance(e, sp.MatrixBase):
            return sp.Matrix(e).applyfunc(self.image)
        if isinstance(e, (sp.MatMul, sp.Mul)):
            return sp.Mul(*[self.image(a) for a in e.args])
        if isinstance(e, (sp.MatAdd, sp.Add)):
            return sp.Add(*[self.image(a) for a in e.args])
        if isinstance(e, (sp.MatPow, sp.Pow)):
            return sp.Pow(self.image(e.args[0]), self.image(e.args[1]))
        if isinstance(e, sp.Trace):
            return self.image(e.arg)
        if not e.args:
            return e
        return e.func(*[self.image(a) for a in e.args])

    def read(self, tex: str):
        """Parse one side and map the parsed symbols back."""
        s = dialect(tex, self.tokens)
        out = parse(s)
        if isinstance(out, sp.MatrixBase):
            return sp.Matrix(out).applyfunc(self._back)
        if not isinstance(out, sp.Basic):
            raise AssertionError(f"the parser could not decide how to read {s!r}: {out}")
        return self._back(out)

    def _back(self, e):
        return e.xreplace({s: self.back.get(str(s.name), s) for s in e.atoms(sp.Symbol)})  # bound ones too


def _letters(k: int) -> str:
    out = ""
    k += 1
    while k:
        k, r = divmod(k - 1, 26)
        out = "abcdefghijklmnopqrstuvwxyz"[r] + out
    return out


_OPS = r"cdot|times|pm|mp|neq|ne|leq|geq|le|ge|wedge|vee|quad|qquad|to|mapsto|in|equiv|limits|right|left|end|begin"
_COMMAND_AT_END = re.compile(r"(?<!\\)\\([A-Za-z]+)$")
_NOT_OPERANDS = set(_OPS.split("|")) | {"sum", "prod", "int", "frac", "sqrt", "min", "max"}
_OPERAND_START = re.compile(r"^(?:[A-Za-z0-9({\[]|\\(?!(?:" + _OPS + r")(?![A-Za-z]))[A-Za-z]+)")
_LIMITS = re.compile(r"\\(?:sum|prod|int)(?:\\limits)?(?:[_^](?:\{[^{}]*\}|\w))*$")
_TERM_END = re.compile(r" [-+] | = | < | > |\\(?:neq|leq|geq|wedge|vee)\b|,|&|\\\\")


def _ends_operand(left: str) -> bool:
    command = _COMMAND_AT_END.search(left)
    if command:
        return command.group(1) not in _NOT_OPERANDS
    return (bool(left) and left[-1] in "})]'") or left[-1:].isalnum()


def dialect(tex: str, tokens: dict[str, str]) -> str:
    """Rewrite emitted LaTeX into the parser's dialect without changing what it says."""
    alternatives = sorted(tokens, key=len, reverse=True)
    pattern = "|".join([r"\\(?:begin|end)\{[a-z]+\}"] + [re.escape(a) for a in alternatives] + [r"\\[A-Za-z]+"])
    s = re.sub(pattern, lambda m: tokens.get(m.group(), m.group()), tex)
    s = re.sub(r"\\(?:left|right)(?![A-Za-z])", "", s)
    s = _brace_big_operators(s)
    out, last = [], 0
    for m in re.finditer(r"\s+", s):
        left, right = s[: m.start()], s[m.end() :]
        if _ends_operand(left) and _OPERAND_START.match(right) and not _LIMITS.search(left):
            out.append(s[last : m.start()] + r" \cdot ")
            last = m.end()
    return "".join(out) + s[last:]


def _brace_big_operators(s: str) -> str:
    """{\\sum_{..}^{..} {body}}: the body runs to the end of its product term."""
    m = re.search(r"\\(?:sum|prod)(?:[_^](?:\{[^{}]*\}|\w))*", s)
    if not m:
        return s
    k = m.end()
    while k < len(s) and s[k] == " ":
        k += 1
    start, depth = k, 0
    while k < len(s):
        if depth == 0 and (s[k] in "})]" or (k > start and _TERM_END.match(s, k))):
            break
        depth += (s[k] in "{([") - (s[k] in "})]")
        k += 1
    body = s[start:k].rstrip()
    rest = s[start + len(body) :]
    return s[: m.start()] + "{" + m.group() + " {" + _brace_big_operators(body) + "}}" + _brace_big_operators(rest)


def split_top(tex: str, sep: str) -> list[str]:
    """Split at occurrences of ``sep`` outside every bracket."""
    parts, depth, last, k = [], 0, 0, 0
    while k < len(tex):
        if depth == 0 and tex.startswith(sep, k):
            parts.append(tex[last:k])
            k += len(sep)
            last = k
            continue
        depth += (tex[k] in "{([") - (tex[k] in "})]")
        k += 1
    return [*parts, tex[last:]]


def relation_symbol(cls) -> str:
    """How the printer writes a relation of this class (learnt from the printer, not typed here)."""
    a, b = sp.symbols("a b")
    return printed(cls(a, b, evaluate=False)).split(" ")[1]


def connective(cls) -> str:
    """How the printer joins the conditions of an And / Or (learnt from the printer)."""
    a, b = sp.symbols("a b")
    return next(w for w in printed(cls(a < 1, b < 1)).split(" ") if w.startswith("\\"))


def same(parsed, source) -> bool:
    if isinstance(parsed, sp.MatrixBase) or isinstance(source, sp.MatrixBase):
        return (
            isinstance(parsed, sp.MatrixBase)
            and isinstance(source, sp.MatrixBase)
            and parsed.shape == source.shape
            and all(same(a, b) for a, b in zip(parsed, source))
        )
    if parsed == source:
        return True
    try:
        return normal_form(parsed - source) == 0
    except (NotRational, TypeError):
        return False


def check(reader: Reader, obj, tex: str) -> None:
    """Assert that ``tex`` reads back as ``obj``; raises AssertionError naming the part that does not."""
    if isinstance(obj, Chain):
        parts = split_top(tex, " = ")
        assert len(parts) == len(obj.args), f"chain of {len(obj.args)} printed as {len(parts)} parts: {tex}"
        for a, part in zip(obj.args, parts):
            check(reader, a, part)
        return
    if isinstance(obj, (sp.And, sp.Or)):
        parts = split_top(tex, " " + connective(type(obj)) + " ")
        assert len(parts) == len(obj.args), f"{len(obj.args)} conditions printed as {len(parts)}: {tex}"
        unmatched = list(obj.args)
        for part in parts:
            for a in unmatched:
                try:
                    check(reader, a, part)
                except AssertionError:
                    continue
                unmatched.remove(a)
                break
            else:
                raise AssertionError(f"{part!r} matches none of {unmatched}")
        return
    if isinstance(obj, sp.core.relational.Relational):
        sym = " " + relation_symbol(type(obj)) + " "
        parts = split_top(tex, sym)
        assert len(parts) >= 2, f"no top-level {sym!r} in {tex}"
        check(reader, obj.lhs, parts[0])
        check(reader, obj.rhs, sym.join(parts[1:]))
        return
    got, want = reader.read(tex), reader.image(sp.sympify(obj))
    assert same(got, want), f"{tex!r} reads back as {got}, not {want}"


def round_trip(obj, tex: str) -> None:
    check(Reader(obj), obj, tex)


# -- the round trip -------------------------------------------------------------------------


def emitted(results, owner: str | None = None):
    """(where, object, LaTeX) of every equation the document prints, or only those of one claim (``owner``
    its id) or of the model (``owner`` "model:")."""
    if owner != "model:":
        for r in results:
            if owner is None or r.claim.id == owner:
                for where, obj, tex in L.equations(r):
                    yield f"{r.claim.id} {where}", obj, tex
    if owner in (None, "model:"):
        for what, obj, tex in L.model_equations():
            yield f"model: {what}", obj, tex


def _claim_ids() -> list[str]:
    from eos_theory.core import registry

    return [c.id for c in registry.claims()]


# One item per claim (and one for the model's equations), so that pytest-xdist spreads the round trip
# (the Earley parser takes about 0.2 s a formula) over every worker.
@pytest.mark.parametrize("owner", [*_claim_ids(), "model:"])
def test_every_emitted_equation_reads_back_as_its_source(owner, results, document):
    failures, checked = [], set()
    mine = list(emitted(results, owner))
    assert mine or owner != "model:", "the model's equations are emitted"
    for where, obj, tex in mine:
        assert tex in document, f"{where}: {tex} is not in the document"
        if isinstance(obj, SKIP_TYPES):
            continue
        try:
            round_trip(obj, tex)
            checked.add(where.rsplit(" ", 1)[0] if where.endswith(("formula", "correction")) else where)
        except Exception as exc:
            failures.append(f"{where}: {type(exc).__name__}: {exc}")
    assert not failures, "\n".join(failures)
    # the claim's own formula (and its correction's) was among those checked, unless it is a set
    for r in results:
        if r.claim.id == owner:
            for f in (r.proof.formula, getattr(r.proof.correction, "formula", None)):
                if f is not None and not isinstance(f, SKIP_TYPES):
                    assert owner in checked, f"{owner}: formula not checked"


def test_the_round_trip_items_are_the_claims_of_the_document(results):
    """One round-trip item per claim that the document holds, and none else."""
    assert _claim_ids() == [r.claim.id for r in results]


def test_formulas_of_refuted_claims_are_in_the_document_with_their_corrections(results, document):
    refuted = [r for r in results if r.verdict == "refuted"]
    assert refuted, "the paper has refuted claims; none came out refuted"
    for r in refuted:
        assert r.proof.correction is not None and r.proof.correction.formula is not None
        for obj in (r.proof.formula, r.proof.correction.formula):
            assert printed(obj) in document
        assert f"\\begin{{erratum}}[\\texttt{{{r.claim.id}}}" in document


# the round trip must notice a wrong printing: each of these is a real mistake a printer could make
@pytest.mark.parametrize(
    "make_wrong",
    [
        lambda x, y: (x - y, x + y),  # a lost sign
        lambda x, y: (x * y / 2, x * y * 2),  # numerator and denominator swapped
        lambda x, y: (x * (y + 1), x * y + 1),  # lost parentheses
        lambda x, y: (sp.Eq(x, y, evaluate=False), sp.Eq(y, x, evaluate=False)),  # sides exchanged
    ],
)
def test_round_trip_rejects_a_wrong_printing(make_wrong):
    from eos_theory.core.notation import Tt, zt

    source, wrong = make_wrong(zt, Tt)
    round_trip(source, printed(source))
    with pytest.raises(AssertionError):
        round_trip(source, printed(wrong))


def test_round_trip_reads_a_mode_sum_and_a_matrix_formula():
    from eos_theory.core.notation import E, Jw, Q, eta, i, mode_sum, scalar, theta, w_, z, zt

    sum_form = sp.Eq(zt, zt**2 * mode_sum(w_[i] * Jw(w_[i]) ** 2) / 2 - zt, evaluate=False)
    round_trip(sum_form, printed(sum_form))
    with pytest.raises(AssertionError):  # the ω_i moved out of the sum
        round_trip(sum_form, printed(sp.Eq(zt, zt**2 * mode_sum(Jw(w_[i]) ** 2) / 2 - zt, evaluate=False)))
    matrix_form = sp.Eq(z, eta * scalar(theta.T * Q * theta) / 2 - E, evaluate=False)
    round_trip(matrix_form, printed(matrix_form))
    with pytest.raises(AssertionError):
        round_trip(matrix_form, printed(sp.Eq(z, eta * scalar(theta.T * Q * theta) - E, evaluate=False)))


# -- prose ------------------------------------------------------------------------------------


def test_prose_maps_the_papers_symbols_and_escapes_latex_specials():
    assert L.prose("z̃ ≠ 0") == r"$\tilde{z} \neq 0$"
    assert L.prose("θᵀQθ") == r"$\theta^{T}Q\theta$"
    assert L.prose("dJ̃/dt") == r"$d\tilde{J}/dt$"  # the accent stays on its letter
    assert L.prose("100% & $5 #1 a_name {x}") == r"100\% \& \$5 \#1 a\_name $\{x\}$"  # {x}: a set
    assert L.prose("§2.1") == r"\S{}2.1"


def test_prose_sets_a_formula_as_one_expression():
    """Issue 18: not $=$ token by token, not \\surd where \\sqrt{…} is meant, word subscripts upright."""
    assert L.prose("For ω₁ = −ω, ω₂ = ω, gradient flow conserves J̃(ω₁)²J̃(ω₂)².") == (
        r"For $\omega_{1} = -\omega$, $\omega_{2} = \omega$, gradient flow conserves "
        r"$\tilde{J}(\omega_{1})^{2}\tilde{J}(\omega_{2})^{2}$."
    )
    assert L.prose("η·NTK = 1 + ε ± √((ε−1)(ε+3))") == (
        r"$\eta\cdot \mathrm{NTK} = 1 + \varepsilon \pm \sqrt{(\varepsilon-1)(\varepsilon+3)}$"
    )
    assert L.prose("T̃_mean − 2 = ε − 1") == r"$\tilde{T}_{\mathrm{mean}} - 2 = \varepsilon - 1$"
    assert L.prose("over (ε, r) at 50 digits, e.g. √5 − 1") == (
        r"over $(\varepsilon, r)$ at 50 digits, e.g. $\sqrt{5} - 1$"
    )
    assert L.prose("the axis map y ↦ y + y(y + ε)(y − 2).") == (
        r"the axis map $y \mapsto y + y(y + \varepsilon)(y - 2)$."
    )


def test_prose_keeps_asides_brackets_names_and_indices_where_they_belong():
    """Issue 18, item 4, as a reader of the whole document found them: an aside holding a relation is set on its
    own, a bracket the formula did not open stays text, commas and semicolons inside brackets stay in the
    formula, code and claim ids are typewriter, Greek indices and ASCII relations are mathematics."""
    cases = {
        "∂²L/∂θ² = ∇z∇zᵀ (product rule, L = z²/2) = JᵀJ + zQ.": (
            r"$\partial^{2}L/\partial\theta^{2} = \nabla z\nabla z^{T}$ (product rule, $L = z^{2}/2$) $= J^{T}J + zQ$."
        ),
        "a generic symmetric Q (P = 1, 2, 3); exact": r"a generic symmetric $Q$ ($P = 1$, 2, 3); exact",
        "(ω1, ω2, E, η) = (−1, 1, 1, 11/10) is": r"$(\omega_{1}, \omega_{2}, E, \eta) = (-1, 1, 1, 11/10)$ is",
        "z(Vφ; Q) = z(φ; VᵀQV).": r"$z(V\phi; Q) = z(\phi; V^{T}QV)$.",
        "in Q's eigenbasis Q = diag(ω₁, …, ω_P).": r"in $Q$'s eigenbasis $Q = \operatorname{diag}(\omega_{1}, \ldots, \omega_{P})$.",
        "its spectrum is {JJᵀ, 0, …, 0}": r"its spectrum is $\{JJ^{T}, 0, \ldots, 0\}$",
        "|λmax(H) − JJᵀ| ≤ ‖D‖∞ and ∇θL": r"$|\lambda_{\max}(H) - JJ^{T}| \leq \|D\|_{\infty}$ and $\nabla_{\theta}L$",
        "x = 21/10 − sqrt(41)/10 <= 3 for P = 1..4": r"$x = 21/10 - \sqrt{41}/10 \leq 3$ for $P = 1, \ldots, 4$",
        "|1 − ηλ| < 1 ⟺ 0 < ηλ < 2": r"$|1 - \eta\lambda| < 1 \iff 0 < \eta\lambda < 2$",
        "(a + b)² = 4ab": r"$(a + b)^{2} = 4ab$",
        "det(A + uvᵀ) = 0": r"$\det(A + uv^{T}) = 0$",
        "by closed_forms.classify (claim gf-z), from (analysis.eos_orbit).": (
            r"by \texttt{closed\_\allowbreak{}forms.\allowbreak{}classify} (claim \texttt{gf-\allowbreak{}z}), "
            r"from (\texttt{analysis.\allowbreak{}eos\_\allowbreak{}orbit})."
        ),
        "uniqueness (Picard–Lindelöf); the 2-D map; ℓ''(0)": r"uniqueness (Picard--Lindel\"{o}f); the 2-D map; $\ell''(0)$",
        "2·min{ηEω_i : ηEω_i > 0}": r"$2\cdot \min\{\eta E\omega_{i} : \eta E\omega_{i} > 0\}$",
        "η·NTK = 2√(ε² + P_0²) at y = 2 (one step maps θ to −θ)": (
            r"$\eta\cdot \mathrm{NTK} = 2\sqrt{\varepsilon^{2} + P_{0}^{2}}$ at $y = 2$ (one step maps $\theta$ to $-\theta$)"
        ),
        "(−1, 1, 1, 6/5), (2, 3, 1, 3/5) and (0.8, 1]": r"$(-1, 1, 1, 6/5)$, $(2, 3, 1, 3/5)$ and $(0.8, 1]$",
        "its exponent is ln 3, below ε∗, at θ* = (1, 1)": (
            r"its exponent is $\ln 3$, below $\varepsilon^{*}$, at $\theta^{*} = (1, 1)$"
        ),
    }
    for text, tex in cases.items():
        assert L.prose(text) == tex


def test_symbol_names_print_as_a_paper_writes_them():
    names = {
        "NTK_infinity^A": r"\mathrm{NTK}^{A}_{\infty}",
        "Ttilde_infinity": r"\tilde{T}_{\infty}",
        "offset_slope_3": r"\mathrm{offset}_{\mathrm{slope},3}",
        "epsilon_star": r"\varepsilon^{*}",
        "S_min": r"S_{\min}",
        "lambda_perp": r"\lambda_{\perp}",
        "T_mean": r"T_{\mathrm{mean}}",
    }
    for name, tex in names.items():
        assert printed(sp.Symbol(name)) == tex


def test_a_statistical_verdict_is_not_called_undecided(results, document):
    r = next(r for r in results if r.verdict == "supported")
    tex = L.snippet(r)
    assert "\\emph{Supported by statistical evidence} at the stated confidence." in tex
    assert "Undecided" not in tex and "\\begin{proof}[Statistical evidence]" in tex


def _inline_math(document: str) -> list[str]:
    prose_only = re.sub(
        r"\\\[.*?\\\]|\\begin\{gather\*\}.*?\\end\{gather\*\}|\\par\{\\raggedright.*?\\par\}", "", document, flags=re.S
    )
    return re.findall(r"(?<!\\)\$(.*?)(?<!\\)\$", prose_only, flags=re.S)


def test_the_documents_prose_formulas_read_as_mathematics(document):
    """Cheap string checks over every inline formula of the document (issue 18, item 4)."""
    for f in _inline_math(document):
        bare = re.sub(r"\\[{}|]|\\left|\\right", "", f)
        depth = [0]
        for ch in bare:
            depth.append(depth[-1] + (ch in "([{") - (ch in ")]}"))
        assert depth[-1] == 0 and min(depth) == 0, f"a formula with an unmatched bracket: ${f}$"
        assert not re.search(r"<=|>=|!=|sqrt\(|\*\*", f), f"Python's notation in a formula: ${f}$"
        assert not re.search(r"\\(varepsilon|eta|theta|omega|lambda)\d|\\nabla\\theta|\\text\{[A-Za-z]\}", f), f
        assert not f.endswith("'s") and not re.fullmatch(r"\d-D|[a-z]+(-[a-z0-9]+)+", f), f"words set as math: ${f}$"
    outside = re.sub(r"\\texttt\{(?:[^{}]|\{\})*\}", "", document)  # code output may show Python's notation
    assert "[U+" not in document and "sqrt(" not in outside
    # SymPy's str() of a computed value, a sign condition's symbol or a step's point (before: 'Interval.open(0, 2)',
    # 'For Jtilde\\_1 \\neq 0', 'multipliers [(E*eta*omega\\_1 + 1)**2, …]')
    assert not re.search(r"Interval\.|Jtilde|\*\*|omega\\_|(?<!var)epsilon/", document)


def test_no_formula_in_the_document_is_split_token_by_token(document):
    assert "$=$" not in document and "\\surd" not in document
    relation = r"(=|<|>|\\leq|\\geq|\\neq|\+|-|\\mapsto|\\in|\\cdot)"
    assert not re.search(relation + r"\$ \$", document)  # a formula does not stop at a relation and go on
    assert not re.search(r"\$ \$" + relation, document)


def test_every_claim_text_is_plain_ascii_latex_with_no_unmapped_character(results, document):
    texts = []
    for r in results:
        c, p = r.claim, r.proof
        texts += [c.statement, c.method, c.source.quote or "", r.evidence]
        texts += [s.text for s in p.steps] + [s.detail for s in p.steps]
        if p.correction is not None:
            texts += [p.correction.statement] + [s.text for s in p.correction.steps]
    missing = set().union(*(L.unmapped(t) for t in texts))
    assert not missing, f"characters with no LaTeX mapping: {sorted(missing)}"
    assert document.isascii()


# -- environments and snippet -------------------------------------------------------------------


def test_each_claim_gets_the_environment_its_verdict_calls_for(results, document):
    for r in results:
        env = L.environment_name(r)
        if r.verdict == "refuted":
            assert env == "erratum"
        elif r.verdict == "verified":
            assert env in ("theorem", "lemma")
        else:
            assert env == "remark"
        assert f"\\begin{{{env}}}[\\texttt{{{r.claim.id}}}" in document
        assert f"\\texttt{{{r.claim.id}}} & " in document  # its row in the verdict table


def test_the_erratum_states_the_exact_counterexample(results):
    r = next(r for r in results if r.claim.id == "gf-J")
    snippet = L.snippet(r)
    step = r.proof.refutations[0]
    lhs, rhs = step.exprs
    point = L.step_equations(step)[:-1]
    values = {eq.lhs: eq.rhs for eq in point}
    a, b = (sp.expand(sp.sympify(e).xreplace(values)) for e in (lhs, rhs))
    assert a != b  # the values printed are a counterexample
    assert printed(sp.Ne(a, b, evaluate=False)) in snippet
    for eq in point:
        assert printed(eq) in snippet


def test_an_erratum_says_as_printed_only_for_what_the_paper_prints(results):
    """Issue 18: a researcher's refuted claim (with or without a source) and a derived one were stated, not printed."""
    r = next(r for r in results if r.claim.id == "gf-J")
    assert "\\emph{As printed.} Under gradient flow" in L.snippet(r)
    for module, section, cited in (
        ("my_claims", "Lemma 2", True),
        ("my_claims", "—", False),
        (r.claim.module, "derived", True),
    ):
        claim = dataclasses.replace(r.claim, module=module, source=registry.Source(section), cited=cited)
        tex = L.snippet(dataclasses.replace(r, claim=claim))
        assert "\\emph{As stated.} Under gradient flow" in tex and "As printed" not in tex
        assert "Printed in" not in tex and (section == "derived" or "Claim of this work" in tex)


def test_snippet_is_one_environment_with_its_proof_and_says_what_it_needs(results):
    for r in results[:6]:
        s = L.snippet(r)
        env = L.environment_name(r)
        assert s.count(f"\\begin{{{env}}}") == 1 and s.count(f"\\end{{{env}}}") == 1
        assert s.count("\\begin{proof}") == s.count("\\end{proof}") >= 1
        assert "\\documentclass" not in s
        comment = "\n".join(line for line in s.splitlines() if line.startswith("%"))
        assert "amsthm" in comment and f"\\newtheorem{{{env}}}" in comment


# -- compiling -------------------------------------------------------------------------------------


def _compile(tex: str, tmp_path) -> subprocess.CompletedProcess:
    (tmp_path / "doc.tex").write_text(tex, encoding="ascii")
    return subprocess.run(
        ["pdflatex", "-halt-on-error", "-interaction=nonstopmode", "doc.tex"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        errors="replace",  # the log quotes the document in the font's encoding (§ is byte 0xa7)
        timeout=120,
    )


@pytest.mark.skipif(
    shutil.which("pdflatex") is None,
    reason="no LaTeX engine: install pdflatex (Debian: apt-get install texlive-latex-base "
    "texlive-latex-recommended) to compile the document",
)
def test_document_compiles_with_pdflatex(document, tmp_path):
    run = _compile(document, tmp_path)
    assert run.returncode == 0, run.stdout[-3000:]
    assert (tmp_path / "doc.pdf").stat().st_size > 10_000
    log = (tmp_path / "doc.log").read_text(errors="replace")
    overfull = [float(w) for w in re.findall(r"Overfull \\hbox \(([\d.]+)pt too wide\)", log)]
    # nothing runs far into the margin (before issue 18's reading: 92 boxes, the widest 481 pt)
    assert len(overfull) <= 10 and max(overfull, default=0) < 60, overfull


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="no LaTeX engine (pdflatex) installed")
def test_a_broken_document_does_not_compile(tmp_path):
    # the compile test can fail: a formula with an unbalanced brace stops pdflatex
    run = _compile("\\documentclass{article}\\begin{document}$\\frac{1}{2$\\end{document}\n", tmp_path)
    assert run.returncode != 0
