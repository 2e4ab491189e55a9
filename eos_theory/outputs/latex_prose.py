"""Unicode prose as plain-ASCII LaTeX: claim statements, step texts and details as a mathematician would set them.

A formula inside prose becomes one ``$…$`` (not one per token), ``√(…)`` becomes ``\\sqrt{…}``, word subscripts
are upright, code names and claim ids are typewriter, and the words around a formula stay text.  Used by
:mod:`eos_theory.outputs.latex`; :func:`prose` is the entry point, :func:`unmapped` what a test checks.
"""

from __future__ import annotations

import re
import unicodedata

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
    "ℓ": r"\ell",
    "∗": "^{*}",  # ε∗: a marked value (the operator ∗ is not used in the claims)
}
_SUP = dict(zip("⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱᵀᵗᴾᵏ", "0123456789+-=()niTtPk"))
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
#: operators LaTeX has a macro for (\\det, not \\operatorname{det})
_NAMED = {"det", "exp", "ln", "log", "max", "min", "sup", "inf", "lim", "sin", "cos", "tan", "sinh", "cosh", "tanh"}
_ACRONYMS = {"NTK", "GD", "GF", "EOS", "PS"}
_ASCII_RELATION = {"<=": r"\leq ", ">=": r"\geq ", "!=": r"\neq "}
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
            elif nxt in "0123456789":
                end = k + 1
                while end < len(s) and s[end] in "0123456789":  # P_0² is P_{0}^{2}: ² is a digit to Python
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
        if ch in _GREEK and (index := re.match(r"\d+|max|min", s[k + 1 :])):  # ω1, θ2, λmax: a subscript
            sub = index.group()
            out.append(_GREEK[ch] + "_{" + (sub if sub.isdigit() else "\\" + sub) + "}")
            k += 1 + len(sub)
            continue
        if ch == "∇" and s[k + 1 : k + 2] == "θ":  # ∇θL: the gradient with respect to θ
            out.append(r"\nabla_{\theta}")
            k += 2
            continue
        if ch == "∞" and k > 0 and s[k - 1] == "‖":  # ‖A‖∞: the norm's index
            out.append(r"_{\infty}")
            k += 1
            continue
        if s.startswith("sqrt(", k) and (end := _group(s, k + 4, "(", ")")) > 0:  # sqrt(41), as SymPy writes it
            out.append("\\sqrt{" + _math_chunk(s[k + 5 : end - 1]) + "}")
            k = end
            continue
        if ch == "*" and k > 0 and s[k - 1] != " " and s[k + 1 : k + 2] in ("", " ", ")", ",", "'"):  # θ*: marked
            out.append("^{*}")
            k += 1
            continue
        if s[k : k + 2] in _ASCII_RELATION:
            out.append(_ASCII_RELATION[s[k : k + 2]].rstrip() + (" " if s[k + 2 : k + 3].isalpha() else ""))
            k += 2
            continue
        if s[k : k + 2] == ".." and k > 0 and s[k - 1].isdigit() and s[k + 2 : k + 3].isdigit():  # P = 1..4
            out.append(r", \ldots, ")
            k += 2
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
            if word in _NAMED:
                out.append("\\" + word + (" " if s[k + len(word) : k + len(word) + 1].isalpha() else ""))
            elif word in _OPERATORS:
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
    """Whether a piece holds a mathematical character; an accent inside a word (Lindelöf, Gröbner) is not one."""
    chunk = re.sub(
        r"(?<=[A-Za-z]{2})[\u0300-\u036f](?=[A-Za-z])|(?<=[A-Za-z])[\u0300-\u036f](?=[A-Za-z]{2})", "", chunk
    )
    return any(_is_math_char(c) and c not in _TEXT for c in chunk) and not all(c in "…" for c in chunk)


#: a name from code (closed_forms.classify, analysis.eos_orbit(), eos_theory.random_models): set in typewriter
_CODE = re.compile(
    r"[A-Za-z_][A-Za-z0-9_]+(\(\))?(\.[A-Za-z_][A-Za-z0-9_]*(\(\))?)+|_?[a-z][a-z0-9]+(_[a-z0-9]+)+(\(\))?|[A-Za-z_]\w*\(\)"
)
_CLAIM_ID = re.compile(r"[a-z][a-z0-9]*(-[a-z0-9]+)+")  #: a claim's id, after the word "claim"


_NUMBER = re.compile(r"[-−]?(\d+([./]\d+)*|\.\d+)([eE][-+]?\d+)?")
_OPERATOR_CHARS = set("=<>+−±∓·×≤≥≠≈∼≡→↦⇒⇔⟹⟺∈∉⊂⊆∝/")
_ASCII_FORMULA = re.compile(r"[A-Za-z0-9()\[\]{}^_'/*+|.-]+")
_FORMULA_SIGN = re.compile(r"[()\[\]{}^_'/*+|-]|\d[A-Za-z]|[A-Za-z]\d")
#: short English words, never read as products of one-letter symbols ("(the", "at)")
_WORDS = frozenset(
    {
        *("a", "an", "and", "any", "are", "as", "at", "be", "by", "do", "for", "from", "has", "if", "iff", "in", "is"),
        *("it", "its", "no", "not", "of", "off", "on", "or", "per", "see", "so", "the", "to", "via", "we", "with"),
        *("one", "two", "all", "but", "can", "new", "now", "out", "own", "set", "top", "use", "way", "yet", "eos"),
        *("lo", "hi", "sum"),
    }
)


def _kind(body: str) -> str:
    """What a whitespace-free piece of prose is in a formula: "op" (a relation or operator on its own), "math"
    (mathematics: a Greek letter, an accent, a one-letter symbol, or one-letter symbols with brackets, digits or
    operators such as y(y, 2Sx, p'), "term" (a number, an acronym, the letter A or a: part of a formula next to
    one, a word otherwise) or "text"."""
    if body in _LONE_RELATION or (body and all(c in _OPERATOR_CHARS for c in body)):
        return "op"
    if body.startswith("\x00") or re.fullmatch(r"\d+-D", body):  # an aside (see _asides); 2-D is a word
        return "text"
    if _CODE.fullmatch(_unbracketed(body)):
        return "code"
    if body == "…" or re.fullmatch(r"\d+\.\.\d+", body):  # 1, 2, …, P; P = 1..4
        return "term"
    if _LONE_SYMBOL.match(body) or _has_math(body):
        return "math"
    plain = re.sub(r"[()\[\]{}]", "", body)
    if (
        _ASCII_FORMULA.fullmatch(body)
        and _FORMULA_SIGN.search(body)
        and not _ORDINAL.fullmatch(plain)
        and not _NUMBER.fullmatch(plain)
    ):
        runs = list(re.finditer(r"[A-Za-z]+", body))
        functions = _OPERATORS | {"sqrt"}
        if runs and not any((len(r.group()) > 3 and r.group() not in functions) or _word(body, r) for r in runs):
            return "math"
        if not runs and "|" in body:  # |1 − ηλ| < 1: an absolute value opens
            return "math"
    short = re.fullmatch(r"[A-Za-z]{1,3}", plain) is not None and (plain.lower() not in _WORDS or plain in ("a", "A"))
    if body in _ACRONYMS or short or (plain and _NUMBER.fullmatch(plain)):
        return "term"
    return "text"


def _unbracketed(body: str) -> str:
    """A piece without the brackets of the prose around it: "(analysis.eos_orbit())" → "analysis.eos_orbit()"."""
    if body.startswith("("):
        body = body[1:]
    return body[:-1] if body.endswith(")") and body.count(")") > body.count("(") else body


_ORDINAL = re.compile(r"\d+(st|nd|rd|th)")


def _word(body: str, run: re.Match) -> bool:
    """Whether a run of letters in a formula-like chunk is an English word: "(the", "at)" — not "a(1" or "a+b",
    where a symbol is applied or added."""
    after = body[run.end() : run.end() + 1]
    applied = re.search(r"[A-Za-z]\($", body[: run.start()]) is not None  # det(A: an argument
    return run.group().lower() in _WORDS and not applied and after not in ("(", "+", "-", "*", "/", "^", "_", "'", "|")


def _split_tail(chunk: str) -> tuple[str, str]:
    """A chunk's body and the punctuation after it, which stays in the text: "ω," → ("ω", ","), "Q's" → ("Q", "'s")."""
    m = re.match(r"^(.*?)((?:'s)?[.,;:!?]*)$", chunk)  # Q's eigenbasis: the possessive is text
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
    text, asides = _asides(_nfd(" ".join(str(text).split())))
    pieces = [_split_tail(c) for c in text.split(" ")] if text else []
    kinds = [_kind(body) if body else "op" if tail == ":" else "text" for body, tail in pieces]  # {x : x > 0}
    for n in range(1, len(pieces)):  # "claim gf-z", "(claim rotation)": an id, not a formula
        if pieces[n - 1][0].lstrip("(").lower() in ("claim", "claims") and _CLAIM_ID.fullmatch(
            pieces[n][0].rstrip(")")
        ):
            kinds[n] = "code"
    out, k = [], 0
    while k < len(pieces):
        if kinds[k] in ("text", "code"):
            body, tail = pieces[k]
            out.append(_code(body) + _text_chars(tail) if kinds[k] == "code" else _text_chars(body + tail))
            k += 1
            continue
        j = k + 1  # the formula goes on while no punctuation ends it (a comma or semicolon inside open brackets
        # does not); a number, acronym or short word joins it only next to an operator, or inside open brackets
        while j < len(pieces) and kinds[j] not in ("text", "code"):
            tail = pieces[j - 1][1]
            inside = _depth(" ".join(b + t for b, t in pieces[k:j])) > 0
            if tail and not (inside and (tail in (",", ";") or pieces[j - 1][0] == "")):
                break
            if not (inside or _joins(pieces[j - 1][0], kinds[j - 1], pieces[j][0], kinds[j])):
                break
            j += 1
        out.append(_formula(pieces[k:j], kinds[k:j]))
        k = j
    return re.sub("\x00(\\d+)\x00", lambda m: "(" + prose(asides[int(m.group(1))]) + ")", " ".join(out))


_RELATIONS = set("=<>≤≥≠≈∈∉⊂⊆≡∼")


def _asides(text: str) -> tuple[str, list[str]]:
    """The text with each bracketed aside that holds a relation — "(P = 1, 2, 3)", "(z̃ = ηz, J̃ = η^{1/2}J)",
    "(product rule, L = z²/2)" after a space — replaced by a placeholder, and the asides: a formula before it ends
    there (it is not applied to the bracket), and the aside is set on its own."""
    out: list[str] = []
    asides: list[str] = []
    k = 0
    while k < len(text):
        end = _group(text, k, "(", ")") if text[k] == "(" and (k == 0 or text[k - 1] == " ") else -1
        inner = text[k + 1 : end - 1]
        if end > 0 and (end == len(text) or text[end] in " .,;:") and _top_level(inner) & _RELATIONS:
            out.append(f"\x00{len(asides)}\x00")
            asides.append(inner)
            k = end
            continue
        out.append(text[k])
        k += 1
    return "".join(out), asides


def _top_level(text: str) -> set[str]:
    """The characters of ``text`` outside any bracket."""
    out, depth = set(), 0
    for ch in text:
        depth += (ch in "([{") - (ch in ")]}")
        if depth == 0:
            out.add(ch)
    return out


def _code(name: str) -> str:
    """A name from code in typewriter; a closing bracket it did not open stays in the text: "(claim gf-z)"."""
    lead, tail = "", ""
    if name.startswith("(") and _group(name, 0, "(", ")") == len(name):  # (analysis.eos_orbit): an aside
        name, lead, tail = name[1:-1], "(", ")"
    while name.startswith("(") and name.count("(") > name.count(")"):
        name, lead = name[1:], lead + "("
    while name.endswith(")") and name.count(")") > name.count("("):
        name, tail = name[:-1], ")" + tail
    return lead + typewriter(name) + tail


def typewriter(name: str) -> str:
    """A name from code in typewriter, breakable after its dots, underscores and hyphens (TeX does not hyphenate
    typewriter: analysis.eos_orbit().symmetric_window ran 148 pt into the margin)."""
    breaks = r"(\.(?=\w)|\\_(?=\w)|(?<=[A-Za-z0-9])-(?=[A-Za-z]))"
    return r"\texttt{" + re.sub(breaks, r"\1\\allowbreak{}", _text_chars(name)) + "}"


def _joins(before: str, kind_before: str, body: str, kind: str) -> bool:
    """Whether a piece continues the formula of the piece before it: next to an operator; symbol after symbol
    (ηz ∂z/∂θ); an operator name and what it applies to (tr Q, ω₂ ln J̃)."""
    pair = (kind_before, kind)
    return "op" in pair or pair == ("math", "math") or before in _OPERATORS or body in _OPERATORS


def _formula(group: list[tuple[str, str]], kinds: list[str]) -> str:
    """One formula of :func:`prose`: math mode unless it is only numbers and words after all (or a lone relation,
    which reads as well in the text); a bracket it does not close, or closes without opening, stays in the text."""
    named = any(b in _OPERATORS for b, _ in group)  # ln 3, tr Q: an operator and its argument
    formula = " ".join(b + (t if n < len(group) - 1 else "") for n, (b, t) in enumerate(group))
    tuple_ = re.fullmatch(r"[(\[][^ ]*,.*[)\]]", formula) is not None and not _depth(formula)  # (2, 3, 1, 3/5)
    if (all(kd == "term" for kd in kinds) and not (named or tuple_)) or kinds == ["op"]:
        return _text_chars(" ".join(b + t for b, t in group))
    return "".join(
        _text_chars(part) if text else "$" + _breakable(_math_chunk(part)) + "$" for part, text in _parts(formula)
    ) + (_text_chars(group[-1][1]))


def _breakable(tex: str) -> str:
    """A long inline formula may break after its commas (TeX breaks inline math only after relations and binary
    operators: K([a, b] × [c, d]) = [a, b] × [c, d] ran 120 pt into the margin)."""
    return tex.replace(", ", ",\\allowbreak ") if len(tex) > LONG_INLINE else tex


LONG_INLINE = 90  #: an inline formula longer than this (in LaTeX characters) may break after its commas


def _parts(formula: str) -> list[tuple[str, bool]]:
    """A formula split at its unmatched brackets, as (part, is_text): "(see θ)" → "(see ", "θ", ")"; "Q (P = 1"
    → "Q", " (", "P = 1"."""
    opened: list[int] = []
    for n, ch in enumerate(formula):
        if ch in "([{":
            opened.append(n)
        elif ch in ")]}":
            if opened:
                opened.pop()
            else:
                return [*_math_or_space(formula[:n]), (ch, True), *_parts(formula[n + 1 :])]
    if opened:
        n = opened[0]
        return [*_math_or_space(formula[:n]), (formula[n], True), *_parts(formula[n + 1 :])]
    return _math_or_space(formula)


def _math_or_space(part: str) -> list[tuple[str, bool]]:
    """A balanced part of a formula: its spaces at either end stay in the text, the rest is math."""
    core = part.strip()
    if not core:
        return [(part, True)] if part else []
    lead, trail = part[: len(part) - len(part.lstrip())], part[len(part.rstrip()) :]
    return [(s, True) for s in (lead,) if s] + [(core, False)] + [(s, True) for s in (trail,) if s]
