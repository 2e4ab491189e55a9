"""The certificates' expression grammar, and its evaluation in four arithmetics.

Grammar (whitespace is free)::

    expr   := ["+" | "-"] term (("+" | "-") term)*
    term   := factor (("*" | "/") factor)*
    factor := "-" factor | atom [("^" | "**") integer]
    atom   := number | name | "(" expr ")"

numbers are integers or exact decimals (``12``, ``0.125``, ``1e-40``; ``p/q`` is a division); a name is
a declared variable or an earlier definition; exponents are integers (``x^-2`` or ``x^(-2)``), so every
expression is a rational function over ℚ.  ``-x^2`` is ``-(x^2)``.

An expression is parsed once into a tree and evaluated by :func:`evaluate` in one of four arithmetics:
:class:`RatFunc` (exact rational functions over ℚ, FLINT's ``fmpq_mpoly``), ``fmpq`` (exact rationals at
a point), ``arb`` balls or :class:`Jet` (balls with a gradient, for Jacobians) and :class:`Sign` (the set of
signs an expression can take, given the signs of its variables).

>>> tree = parse("(x + 1)^2 - x^2 - 2*x", {"x"})
>>> evaluate(tree, {"x": fmpq(3, 2)}, exact)     # exact: a Fraction as an fmpq
1
"""

from __future__ import annotations

import math
import re
from fractions import Fraction
from typing import ClassVar

from flint import arb, fmpq, fmpq_mpoly_ctx

MAX_CHARS = 20_000_000  #: the longest expression read
MAX_DEPTH = 50  #: the deepest nesting of parentheses and signs (the registry's certificates nest 3 deep)
MAX_EXPONENT = 10_000  #: the largest |n| in x^n
MAX_TERMS = 2_000_000  #: the most terms a polynomial may reach (checked before each product)


class Invalid(ValueError):
    """A certificate that is malformed, or whose claim is false: the reason, in words."""


_TOKEN = re.compile(r"\s*(?:(\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)|([^\W\d]\w*)|(\*\*|[-+*/^()]))")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def number(text: str) -> Fraction:
    """An exact rational from ``"p/q"``, an integer or a decimal (``"-1.5e-3"``); a JSON integer is accepted too.

    >>> number("-3/4"), number("1.25e-2")
    (Fraction(-3, 4), Fraction(1, 80))
    """
    if isinstance(text, int) and not isinstance(text, bool):
        return Fraction(text)
    if not isinstance(text, str):
        raise Invalid(f"a number must be a string ('p/q' or a decimal) or an integer, not {text!r}")
    parts = text.strip().split("/")
    if len(parts) > 2 or not all(_NUMBER.fullmatch(p.strip()) for p in parts) or len(text) > 100_000:
        raise Invalid(f"not an exact number: {text[:80]!r}")
    for p in parts:
        _, _, exp = p.lower().partition("e")
        if exp and abs(int(exp)) > MAX_EXPONENT:
            raise Invalid(f"exponent out of range in {text[:80]!r}")
    value = Fraction(parts[0].strip())
    if len(parts) == 2:
        den = Fraction(parts[1].strip())
        if den == 0:
            raise Invalid(f"zero denominator in {text!r}")
        value /= den
    return value


def parse(text: str, names) -> tuple:
    """The tree of ``text``, whose names must be among ``names``; :class:`Invalid` says where it goes wrong.

    Trees are tuples: ``("n", Fraction)``, ``("v", name)``, ``("+", [(sign, tree), …])``,
    ``("*", [(divides, tree), …])``, ``("^", tree, n)``, ``("neg", tree)``.
    """
    if not isinstance(text, str):
        raise Invalid(f"an expression must be a string, not {type(text).__name__}")
    if len(text) > MAX_CHARS:
        raise Invalid(f"expression longer than {MAX_CHARS} characters")
    tokens, pos = [], 0
    for m in _TOKEN.finditer(text):
        if m.start() != pos:
            break
        pos = m.end()
        kind = m.lastindex or 0
        tokens.append((kind, m.group(kind)))
    if text[pos:].strip():
        raise Invalid(f"unexpected {text[pos:].strip()[:20]!r} at character {pos} of {text[:60]!r}")
    parser = _Parser(tokens, names, text)
    tree = parser.expr(0)
    if parser.i != len(tokens):
        raise Invalid(f"unexpected {tokens[parser.i][1]!r} in {text[:60]!r}")
    return tree


class _Parser:
    def __init__(self, tokens, names, text):
        self.tokens, self.names, self.text, self.i = tokens, names, text, 0

    def peek(self):
        return self.tokens[self.i][1] if self.i < len(self.tokens) else None

    def take(self, what=None):
        if self.i >= len(self.tokens) or (what is not None and self.tokens[self.i][1] != what):
            raise Invalid(f"expected {what or 'more'} in {self.text[:60]!r}")
        self.i += 1
        return self.tokens[self.i - 1]

    def expr(self, depth):
        sign = -1 if self.peek() == "-" else 1
        if self.peek() in ("+", "-"):
            self.i += 1
        terms = [(sign, self.term(depth))]
        while self.peek() in ("+", "-"):
            sign = 1 if self.take()[1] == "+" else -1
            terms.append((sign, self.term(depth)))
        return terms[0][1] if terms == [(1, terms[0][1])] else ("+", terms)

    def term(self, depth):
        factors = [(False, self.factor(depth))]
        while self.peek() in ("*", "/"):
            factors.append((self.take()[1] == "/", self.factor(depth)))
        return factors[0][1] if len(factors) == 1 else ("*", factors)

    def factor(self, depth):
        if depth > MAX_DEPTH:
            raise Invalid(f"expression nested deeper than {MAX_DEPTH}")
        if self.peek() == "-":
            self.i += 1
            return ("neg", self.factor(depth + 1))
        base = self.atom(depth)
        if self.peek() in ("^", "**"):
            self.i += 1
            return ("^", base, self.exponent())
        return base

    def exponent(self) -> int:
        paren = self.peek() == "("
        if paren:
            self.i += 1
        sign = -1 if self.peek() == "-" else 1
        if self.peek() in ("+", "-"):
            self.i += 1
        kind, text = self.take()
        if kind != 1 or not text.isdigit():
            raise Invalid(f"an exponent must be an integer, got {text!r} in {self.text[:60]!r}")
        if paren:
            self.take(")")
        n = sign * int(text)
        if abs(n) > MAX_EXPONENT:
            raise Invalid(f"exponent {n} larger than {MAX_EXPONENT}")
        return n

    def atom(self, depth):
        kind, text = self.take()
        if kind == 1:
            return ("n", Fraction(text))
        if kind == 2:
            if text not in self.names:
                raise Invalid(f"undeclared name {text!r} in {self.text[:60]!r}")
            return ("v", text)
        if text == "(":
            inner = self.expr(depth + 1)
            self.take(")")
            return inner
        raise Invalid(f"unexpected {text!r} in {self.text[:60]!r}")


def evaluate(tree, env: dict, const):
    """The value of ``tree`` with the names bound in ``env`` and numbers made by ``const`` (a Fraction ↦ value)."""
    tag = tree[0]
    if tag == "n":
        return const(tree[1])
    if tag == "v":
        return env[tree[1]]
    if tag == "+":
        total = None
        for sign, t in tree[1]:
            v = evaluate(t, env, const)
            total = (v if sign > 0 else -v) if total is None else (total + v if sign > 0 else total - v)
        return total
    if tag == "*":
        out = evaluate(tree[1][0][1], env, const)
        for divides, t in tree[1][1:]:
            v = evaluate(t, env, const)
            out = out / v if divides else out * v
        return out
    if tag == "^":
        return power(evaluate(tree[1], env, const), tree[2])
    return -evaluate(tree[1], env, const)  # "neg"


def power(x, n: int):
    """x^n for an integer n, in any of the arithmetics (arb's own power is NaN on a ball that holds 0)."""
    if isinstance(x, (RatFunc, Sign)):
        return x**n
    if n < 0:
        return 1 / power(x, -n)
    if isinstance(x, Jet):
        return Jet(power(x.value, n), [n * power(x.value, n - 1) * g for g in x.grad]) if n else Jet(arb(1), x.zero)
    if isinstance(x, arb):
        if n and n % 2 == 0 and x.contains(0):  # an even power of a ball around 0 is [0, max|x|^n], not [-r^n, r^n]
            return arb(0).union(_repeated(abs(x).upper(), n))
        return _repeated(x, n)
    return x**n  # fmpq: exact, ZeroDivisionError for 0^-n


def _repeated(x: arb, n: int) -> arb:
    """x^n by repeated squaring (n ≥ 0)."""
    out = arb(1)
    while n:
        if n & 1:
            out *= x
        x, n = x * x, n >> 1
    return out


class RatFunc:
    """A rational function over ℚ as a numerator and a non-zero denominator in FLINT's ``fmpq_mpoly``."""

    __slots__ = ("den", "num")

    def __init__(self, num, den):
        self.num, self.den = num, den

    @staticmethod
    def _product(a, b):
        if len(a) * len(b) > MAX_TERMS:
            raise Invalid(f"a product of polynomials with {len(a)} and {len(b)} terms exceeds {MAX_TERMS} terms")
        return a * b

    def __add__(self, o):
        if self.den == o.den:
            return RatFunc(self.num + o.num, self.den)
        return RatFunc(self._product(self.num, o.den) + self._product(o.num, self.den), self._product(self.den, o.den))

    def __sub__(self, o):
        return self + (-o)

    def __neg__(self):
        return RatFunc(-self.num, self.den)

    def __mul__(self, o):
        return RatFunc(self._product(self.num, o.num), self._product(self.den, o.den))

    def __truediv__(self, o):
        if o.num.is_zero():
            raise Invalid("division by the zero polynomial")
        return RatFunc(self._product(self.num, o.den), self._product(self.den, o.num))

    def __pow__(self, n: int):
        if n < 0:
            if self.num.is_zero():
                raise Invalid("zero to a negative power")
            return RatFunc(self.den, self.num) ** -n
        bound = max(_power_terms(len(self.num), n), _power_terms(len(self.den), n))
        if bound > MAX_TERMS:
            raise Invalid(f"a {n}th power of a polynomial with {len(self.num)} terms may exceed {MAX_TERMS} terms")
        return RatFunc(self.num**n, self.den**n)

    def is_zero(self) -> bool:
        return self.num.is_zero()


def _power_terms(t: int, n: int) -> int:
    """At most how many terms a polynomial of t terms has when raised to the n-th power: C(t + n − 1, n)."""
    return 1 if t <= 1 else math.comb(t + n - 1, min(n, t - 1))


def rational_functions(names):
    """(variables as RatFunc, the constant maker) for exact arithmetic in ℚ(names)."""
    ctx = fmpq_mpoly_ctx.get(tuple(names) or ("_",), "deglex")
    one = ctx.constant(1)
    gens = dict(zip(names, ctx.gens()))
    return {n: RatFunc(g, one) for n, g in gens.items()}, lambda q: RatFunc(
        ctx.constant(fmpq(q.numerator, q.denominator)), one
    )


def exact(q: Fraction) -> fmpq:
    return fmpq(q.numerator, q.denominator)


def ball(q: Fraction) -> arb:
    """A ball that holds the rational q (at the current precision)."""
    return arb(fmpq(q.numerator, q.denominator))


class Jet:
    """A ball and its gradient with respect to the box's variables (forward-mode differentiation)."""

    __slots__ = ("grad", "value")

    def __init__(self, value, grad):
        self.value, self.grad = value, grad

    @property
    def zero(self):
        return [arb(0)] * len(self.grad)

    def _lift(self, o):
        return o if isinstance(o, Jet) else Jet(o, self.zero)

    def __add__(self, o):
        o = self._lift(o)
        return Jet(self.value + o.value, [a + b for a, b in zip(self.grad, o.grad)])

    def __sub__(self, o):
        o = self._lift(o)
        return Jet(self.value - o.value, [a - b for a, b in zip(self.grad, o.grad)])

    def __neg__(self):
        return Jet(-self.value, [-a for a in self.grad])

    def __mul__(self, o):
        o = self._lift(o)
        return Jet(self.value * o.value, [self.value * b + o.value * a for a, b in zip(self.grad, o.grad)])

    def __truediv__(self, o):
        o = self._lift(o)
        q = self.value / o.value
        return Jet(q, [(a - q * b) / o.value for a, b in zip(self.grad, o.grad)])

    def __rtruediv__(self, o):
        return self._lift(o) / self


def jets(values, n: int):
    """The box's variables as Jets: value ``values[i]``, gradient the i-th unit vector."""
    return [Jet(v, [arb(1) if i == j else arb(0) for j in range(n)]) for i, v in enumerate(values)]


class Sign(frozenset):
    """The signs (−1, 0, 1) an expression can take: a sound over-approximation, each occurrence independent.

    >>> Sign.of("positive") * Sign.of("nonzero") ** 2 + Sign({1})
    Sign({1})
    """

    WORDS: ClassVar[dict[str, set[int]]] = {
        "positive": {1},
        "negative": {-1},
        "nonnegative": {0, 1},
        "nonpositive": {-1, 0},
        "nonzero": {-1, 1},
        "real": {-1, 0, 1},
        "integer": {-1, 0, 1},
    }

    @classmethod
    def of(cls, words: str) -> Sign:
        out = {-1, 0, 1}
        for w in words.split():
            if w not in cls.WORDS:
                raise Invalid(f"unknown assumption {w!r} (known: {', '.join(cls.WORDS)})")
            out &= cls.WORDS[w]
        if not out:
            raise Invalid(f"contradictory assumptions {words!r}")
        return cls(out)

    @classmethod
    def const(cls, q: Fraction) -> Sign:
        return cls({(q > 0) - (q < 0)})

    def __repr__(self):
        return "Sign({" + ", ".join(map(str, sorted(self))) + "})"

    def __add__(self, o):
        out: set[int] = set()
        for a in self:
            for b in o:
                out |= {a or b} if a * b >= 0 else {-1, 0, 1}  # 0 + b, a + 0, and like signs keep their sign
        return Sign(out)

    def __neg__(self):
        return Sign({-a for a in self})

    def __sub__(self, o):
        return self + (-o)

    def __mul__(self, o):
        return Sign({a * b for a in self for b in o})

    def __truediv__(self, o):
        if 0 in o:
            raise Invalid("the sign rules cannot show that a denominator is non-zero")
        return self * o

    def __pow__(self, n: int):
        if n < 0 and 0 in self:
            raise Invalid("the sign rules cannot show that a base with a negative exponent is non-zero")
        return Sign({a ** abs(n) for a in self}) if n else Sign({1})
