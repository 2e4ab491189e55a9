"""LaTeX export: the checked claims as a standalone document, or one claim as a snippet for a paper.

Every equation is printed from a SymPy object by :func:`eos_theory.core.notation.latex`, so symbols
read as the paper writes them (θ, η, ω_i, z̃, J̃, T̃).  Prose (statements, step descriptions)
is Unicode; :func:`prose` turns it into plain-ASCII LaTeX, so the output compiles with pdflatex
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


# -- Unicode prose → LaTeX ----------------------------------------------------------------

_GREEK = {
    "α": r"\alpha",
    "β": r"\beta",
    "γ": r"\gamma",
    "δ": r"\delta",
    "ε": r"\varepsilon",
    "ζ": r"\zeta",
    "η": r"\eta",
    "θ": r"\theta",
    "ι": r"\iota",
    "κ": r"\kappa",
    "λ": r"\lambda",
    "μ": r"\mu",
    "ν": r"\nu",
    "ξ": r"\xi",
    "π": r"\pi",
    "ρ": r"\rho",
    "σ": r"\sigma",
    "τ": r"\tau",
    "υ": r"\upsilon",
    "φ": r"\phi",
    "χ": r"\chi",
    "ψ": r"\psi",
    "ω": r"\omega",
    "Γ": r"\Gamma",
    "Δ": r"\Delta",
    "Θ": r"\Theta",
    "Λ": r"\Lambda",
    "Ξ": r"\Xi",
    "Π": r"\prod",
    "Σ": r"\sum",
    "Φ": r"\Phi",
    "Ψ": r"\Psi",
    "Ω": r"\Omega",
}
_MATH = {
    **_GREEK,
    "−": "-",
    "∥": r"\parallel",
    "⊗": r"\otimes",
    "±": r"\pm",
    "∓": r"\mp",
    "·": r"\cdot",
    "×": r"\times",
    "∘": r"\circ",
    "≠": r"\neq",
    "≡": r"\equiv",
    "≢": r"\not\equiv",
    "≤": r"\leq",
    "≥": r"\geq",
    "≲": r"\lesssim",
    "≳": r"\gtrsim",
    "≈": r"\approx",
    "∼": r"\sim",
    "∝": r"\propto",
    "∈": r"\in",
    "∉": r"\notin",
    "⊂": r"\subset",
    "⊆": r"\subseteq",
    "∩": r"\cap",
    "∪": r"\cup",
    "∅": r"\emptyset",
    "∞": r"\infty",
    "∂": r"\partial",
    "∇": r"\nabla",
    "∫": r"\int",
    "√": r"\surd",
    "‖": r"\|",
    "→": r"\to",
    "←": r"\leftarrow",
    "↦": r"\mapsto",
    "⇒": r"\Rightarrow",
    "⇔": r"\Leftrightarrow",
    "⟹": r"\Longrightarrow",
    "⟺": r"\iff",
    "ℚ": r"\mathbb{Q}",
    "ℝ": r"\mathbb{R}",
    "ℕ": r"\mathbb{N}",
    "ℤ": r"\mathbb{Z}",
    "ℂ": r"\mathbb{C}",
    "½": r"\tfrac{1}{2}",
    "¼": r"\tfrac{1}{4}",
    "…": r"\ldots",
    "⋯": r"\cdots",
    "∀": r"\forall",
    "∃": r"\exists",
    "¬": r"\neg",
    "∧": r"\wedge",
    "∨": r"\vee",
    "⟨": r"\langle",
    "⟩": r"\rangle",
    "′": "'",
    "″": "''",
    "‴": "'''",
    "⊥": r"\perp",
}
_SUP = dict(zip("⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱᵀᵗ", "0123456789+-=()niTt"))
_SUB = dict(zip("₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ᵢⱼₖₙₜₘₚ", "0123456789+-=()ijkntmp"))
_TEXT = {
    "§": r"\S{}",
    "–": "--",
    "—": "---",
    "“": "``",
    "”": "''",
    "‘": "`",
    "’": "'",
    "\u00a0": "~",
    "°": r"\ensuremath{^\circ}",
}
_MATH_ACCENT = {"\u0303": r"\tilde", "\u0307": r"\dot", "\u0304": r"\bar", "\u0302": r"\hat", "\u0308": r"\ddot"}
_TEXT_ACCENT = {"\u0308": '\\"', "\u0301": "\\'", "\u0300": "\\`", "\u0327": r"\c", "\u030a": r"\r", "\u0303": r"\~"}
_TEXT_ESCAPE = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "$": r"\$",
    "&": r"\&",
    "#": r"\#",
    "%": r"\%",
    "_": r"\_",
    "^": r"\^{}",
    "~": r"\~{}",
    "<": r"\ensuremath{<}",
    ">": r"\ensuremath{>}",
    "|": r"\ensuremath{|}",
    '"': "''",
}
_MATH_ESCAPE = {
    "{": r"\{",
    "}": r"\}",
    "$": r"\$",
    "&": r"\&",
    "#": r"\#",
    "%": r"\%",
    "~": r"\sim ",
    "\\": r"\backslash ",
    "*": r"\ast ",
    '"': "''",
}


_OPERATORS = {  # words set upright as operators (\operatorname), and joined to what they apply to in prose
    *("det", "exp", "ln", "log", "max", "min", "tr", "diag", "sign", "Res", "mod", "id", "sup", "inf", "lim", "int"),
    *("avg", "sin", "cos", "tan", "sinh", "cosh", "tanh", "atan"),
}
_ACRONYMS = {"NTK", "GD", "GF", "EOS", "PS"}
_LONE_SYMBOL = re.compile(
    r"^([(\[]?)([B-Zb-z])([)\]]?)([.,;:]*)$"
)  # "Q," or "(P": a one-letter symbol, not the article a
_LONE_RELATION = {"=", "<", ">", "+", "-", "/", "<=", ">="}


def _nfd(text: str) -> str:
    """Decompose accented letters (ż → z + dot) but keep the symbols we map whole (≠ is not = + slash)."""
    return "".join(ch if ch in _MATH or ch in _TEXT else unicodedata.normalize("NFD", ch) for ch in text)


def _is_math_char(ch: str) -> bool:
    return ch in _MATH or ch in _SUP or ch in _SUB or ch in _MATH_ACCENT


def unmapped(text: str) -> set[str]:
    """Non-ASCII characters of ``text`` that :func:`prose` has no LaTeX for (it writes [U+XXXX])."""
    out = set()
    for ch in _nfd(text):
        known = _is_math_char(ch) or ch in _TEXT or ch in _TEXT_ACCENT
        if ord(ch) > 127 and not known and not unicodedata.normalize("NFKD", ch).isascii():
            out.add(ch)
    return out


def _fallback(ch: str) -> str:
    ascii_form = unicodedata.normalize("NFKD", ch)
    return ascii_form if ascii_form.isascii() else f"[U+{ord(ch):04X}]"


def _group(s: str, k: int, open_: str, close: str) -> int:
    """Index just past the bracket that closes s[k] (== open_), or -1."""
    depth = 0
    for j in range(k, len(s)):
        depth += (s[j] == open_) - (s[j] == close)
        if depth == 0:
            return j + 1
    return -1


def _math_chunk(s: str) -> str:
    """A whitespace-free run of prose that contains mathematics, as math-mode LaTeX."""
    out, k = [], 0
    while k < len(s):
        ch = s[k]
        if ch in _SUP or ch in _SUB:
            table = _SUP if ch in _SUP else _SUB
            j = k
            while j < len(s) and s[j] in table:
                j += 1
            out.append(("^" if table is _SUP else "_") + "{" + "".join(table[c] for c in s[k:j]) + "}")
            k = j
            continue
        if ch in "_^" and k + 1 < len(s):
            nxt = s[k + 1]
            end = -1
            if nxt == "{":
                end = _group(s, k + 1, "{", "}")
                inner = s[k + 2 : end - 1] if end > 0 else ""
            elif nxt == "(" and ch == "^":
                end = _group(s, k + 1, "(", ")")
                inner = s[k + 2 : end - 1] if end > 0 else ""
            elif nxt.isdigit():
                end = k + 1
                while end < len(s) and s[end].isdigit():
                    end += 1
                inner = s[k + 1 : end]
            elif ch == "_" and (upright := re.match(r"[A-Za-z]{3,}", s[k + 1 :])):  # T̃_mean: a word, set upright
                out.append("_{\\mathrm{" + upright.group() + "}}")
                k += 1 + len(upright.group())
                continue
            elif (nxt.isascii() and nxt.isalpha()) or _is_math_char(nxt):
                end = k + 2
                while end < len(s) and s[end] in _MATH_ACCENT:
                    end += 1
                inner = s[k + 1 : end]
            if end > 0:
                inner_tex = _math_chunk(inner)
                if ch == "_" and nxt == "{" and re.fullmatch(r"[A-Za-z]{3,}", inner):
                    inner_tex = "\\mathrm{" + inner + "}"
                out.append(ch + "{" + inner_tex + "}")
                k = end
                continue
        if ch == "√" and k + 1 < len(s):  # √5, √(2(ε + 2)): a square root over its argument, not \surd
            nxt = s[k + 1]
            end = _group(s, k + 1, "(", ")") if nxt == "(" else -1
            if end > 0:
                out.append("\\sqrt{" + _math_chunk(s[k + 2 : end - 1]) + "}")
                k = end
                continue
            atom = re.match(r"\d+|[A-Za-z][\u0300-\u036f]*|[^\x00-\x7f][\u0300-\u036f]*", s[k + 1 :])
            if atom and (atom.group()[0].isdigit() or atom.group()[0].isalpha() or atom.group()[0] in _GREEK):
                out.append("\\sqrt{" + _math_chunk(atom.group()) + "}")
                k += 1 + len(atom.group())
                continue
        if k + 1 < len(s) and s[k + 1] in _MATH_ACCENT and (ch in _GREEK or (ch.isascii() and ch.isalpha())):
            base = _GREEK.get(ch, ch)
            j = k + 1
            while j < len(s) and s[j] in _MATH_ACCENT:
                base = _MATH_ACCENT[s[j]] + "{" + base + "}"
                j += 1
            out.append(base)
            k = j
            continue
        if ch == "-" and (hyphenated := re.match(r"-[A-Za-z]{2,}", s[k:])):  # a hyphenated word: θ-space
            word = hyphenated.group()  # the hyphen and all the letters after it
            out.append(r"\text{" + word + "}")
            k += len(word)
            continue
        if ch.isascii() and ch.isalpha():
            letters = re.match(r"[A-Za-z]+", s[k:])
            assert letters is not None  # s[k] is an ASCII letter
            word = letters.group()
            if s[k + len(word) : k + len(word) + 1] in _MATH_ACCENT:  # dJ̃: the accent belongs to the last letter
                word = word[:-1]
            if word in _OPERATORS:
                out.append(r"\operatorname{" + word + "}")
            elif word in _ACRONYMS or len(word) > 3:
                out.append(r"\mathrm{" + word + "}")
            else:  # zJ, JJ, QJ: a product of one-letter symbols
                out.append(word)
            k += len(word)
            continue
        if ch in _MATH:
            macro = _MATH[ch]
            letter_next = k + 1 < len(s) and s[k + 1].isascii() and s[k + 1].isalpha()
            out.append(macro + (" " if macro[-1].isalpha() and letter_next else ""))
        elif ch in _MATH_ESCAPE:
            out.append(_MATH_ESCAPE[ch])
        elif ch.isascii():
            out.append(ch)
        elif ch in _MATH_ACCENT:  # an accent on something we cannot accent: drop it
            pass
        else:
            out.append(r"\text{" + _text_chars(ch) + "}")
        k += 1
    return "".join(out).rstrip()


def _text_chars(s: str) -> str:
    out, k = [], 0
    while k < len(s):
        ch = s[k]
        if k + 1 < len(s) and s[k + 1] in _TEXT_ACCENT and ch.isascii() and ch.isalpha():
            out.append(_TEXT_ACCENT[s[k + 1]] + "{" + ch + "}")
            k += 2
            continue
        if ch in _TEXT_ESCAPE:
            out.append(_TEXT_ESCAPE[ch])
        elif ch.isascii():
            out.append(ch)
        elif ch in _TEXT:
            out.append(_TEXT[ch])
        elif _is_math_char(ch):
            out.append(r"\ensuremath{" + _math_chunk(ch) + "}")
        else:
            out.append(_fallback(ch))
        k += 1
    return "".join(out)


def _has_math(chunk: str) -> bool:
    return any(_is_math_char(c) and c not in _TEXT for c in chunk) and not all(c in "…" for c in chunk)


_NUMBER = re.compile(r"[-−]?(\d+([./]\d+)*|\.\d+)([eE][-+]?\d+)?")
_OPERATOR_CHARS = set("=<>+−±∓·×≤≥≠≈∼≡→↦⇒⇔⟹⟺∈∉⊂⊆∝/")
_ASCII_FORMULA = re.compile(r"[A-Za-z0-9()\[\]{}^_'/*+|-]+")
_FORMULA_SIGN = re.compile(r"[()\[\]{}^_'/*+|-]|\d[A-Za-z]|[A-Za-z]\d")
#: short English words, never read as products of one-letter symbols ("(the", "at)")
_WORDS = frozenset(
    {
        *("a", "an", "and", "any", "are", "as", "at", "be", "by", "do", "for", "from", "has", "if", "iff", "in", "is"),
        *("it", "its", "no", "not", "of", "off", "on", "or", "per", "see", "so", "the", "to", "via", "we", "with"),
    }
)


def _kind(body: str) -> str:
    """What a whitespace-free piece of prose is in a formula: "op" (a relation or operator on its own), "math"
    (mathematics: a Greek letter, an accent, a one-letter symbol, or one-letter symbols with brackets, digits or
    operators such as y(y, 2Sx, p'), "term" (a number, an acronym, the letter A or a: part of a formula next to
    one, a word otherwise) or "text"."""
    if body in _LONE_RELATION or (body and all(c in _OPERATOR_CHARS for c in body)):
        return "op"
    if _LONE_SYMBOL.match(body) or _has_math(body):
        return "math"
    plain = re.sub(r"[()\[\]]", "", body)
    if (
        _ASCII_FORMULA.fullmatch(body)
        and _FORMULA_SIGN.search(body)
        and not _ORDINAL.fullmatch(plain)
        and not _NUMBER.fullmatch(plain)
    ):
        runs = list(re.finditer(r"[A-Za-z]+", body))
        if runs and not any(len(r.group()) > 3 or _word(body, r) for r in runs):
            return "math"
    short = re.fullmatch(r"[A-Za-z]{1,3}", body) is not None and (body.lower() not in _WORDS or body in ("a", "A"))
    if body in _ACRONYMS or short or (plain and _NUMBER.fullmatch(plain)):
        return "term"
    return "text"


_ORDINAL = re.compile(r"\d+(st|nd|rd|th)")


def _word(body: str, run: re.Match) -> bool:
    """Whether a run of letters in a formula-like chunk is an English word: "(the", "at)" — not "a(1" or "a+b",
    where a symbol is applied or added."""
    after = body[run.end() : run.end() + 1]
    return run.group().lower() in _WORDS and after not in ("(", "+", "-", "*", "/", "^", "_", "'", "|")


def _split_tail(chunk: str) -> tuple[str, str]:
    """A chunk's body and the punctuation after it, which stays in the text: "ω," → ("ω", ",")."""
    m = re.match(r"^(.*?)([.,;:!?]*)$", chunk)
    assert m is not None  # it matches any string without a newline (the text was split on whitespace)
    return m.group(1), m.group(2)


def _depth(text: str) -> int:
    return sum(text.count(o) - text.count(c) for o, c in ("()", "[]", "{}"))


def prose(text: str) -> str:
    """Unicode prose as ASCII LaTeX.  A formula is set as one expression — the symbols, relations, operators and
    numbers of ``ω₂ = −ω₁`` or ``1 + ε ± √((ε−1)(ε+3))`` in one ``$…$``, with ``\\sqrt{…}`` — and the words
    around it are escaped text; punctuation after a formula, and a bracket it did not open, stay in the text.

    >>> print(prose("correct when ω₂ = −ω₁, as printed."))
    correct when $\\omega_{2} = -\\omega_{1}$, as printed.
    >>> print(prose("η·NTK = 1 + ε ± √((ε−1)(ε+3)) on the orbit (see θ)."))
    $\\eta\\cdot \\mathrm{NTK} = 1 + \\varepsilon \\pm \\sqrt{(\\varepsilon-1)(\\varepsilon+3)}$ on the orbit (see $\\theta$).
    """
    text = _nfd(" ".join(str(text).split()))
    pieces = [_split_tail(c) for c in text.split(" ")] if text else []
    kinds = [_kind(body) if body else "text" for body, _ in pieces]
    out, k = [], 0
    while k < len(pieces):
        if kinds[k] == "text":
            out.append(_text_chars("".join(pieces[k])))
            k += 1
            continue
        j = k + 1  # the formula goes on while no punctuation ends it (a comma inside open brackets does not);
        # a number, acronym or short word joins it only next to an operator
        while j < len(pieces) and kinds[j] != "text" and _joins(pieces[j - 1][0], kinds[j - 1], pieces[j][0], kinds[j]):
            tail = pieces[j - 1][1]
            inside = " ".join(b + t for b, t in pieces[k:j])
            if tail and not (tail == "," and _depth(inside) > 0):
                break
            j += 1
        out.append(_formula(pieces[k:j], kinds[k:j]))
        k = j
    return " ".join(out)


def _joins(before: str, kind_before: str, body: str, kind: str) -> bool:
    """Whether a piece continues the formula of the piece before it: next to an operator; symbol after symbol
    (ηz ∂z/∂θ); an operator name and what it applies to (tr Q, ω₂ ln J̃)."""
    pair = (kind_before, kind)
    return "op" in pair or pair == ("math", "math") or before in _OPERATORS or body in _OPERATORS


def _formula(group: list[tuple[str, str]], kinds: list[str]) -> str:
    """One formula of :func:`prose`: math mode unless it is only numbers and words after all (or a lone relation,
    which reads as well in the text)."""
    formula = " ".join(b + (t if n < len(group) - 1 else "") for n, (b, t) in enumerate(group))
    tail = group[-1][1]
    while formula.endswith(")") and _depth(formula) < 0:  # "(see θ)": the bracket closes in the text
        formula, tail = formula[:-1], ")" + tail
    if all(kd == "term" for kd in kinds) or kinds == ["op"]:
        return _text_chars(" ".join(b + t for b, t in group))
    lead = ""
    while formula.startswith("(") and _depth(formula) > 0:  # "(the ω-axis": the bracket opens in the text
        formula, lead = formula[1:], lead + "("
    return _text_chars(lead) + "$" + _math_chunk(formula) + "$" + _text_chars(tail)


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
    first = re.match(r"[a-z]{2,}(?=[ ,:-])", text)
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
        return text + f" (Registered claim \\texttt{{{prose(step.detail)}}}, verified.)"
    if step.kind == "sign":
        cond = step.detail.partition(" for ")[2]
        return text + (" " + _sentence("For " + cond) if cond else "")
    return text + (" " + _sentence(step.detail[:1].upper() + step.detail[1:]) if step.detail else "")


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
        if env == "remark":
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
        name = "Partial record" if env == "remark" else "Verification"
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
        f"{math(sp_.loss)}$ of the residual $r$ = output $-$ target; "
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
                f"\\theta^{{*}} &= ({point}) &&\\text{{least-sharp minimum}}",
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
