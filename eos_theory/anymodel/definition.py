"""Your own model: parameters, outputs, targets and a loss of the residual, read safely and checked.

A :class:`Spec` is what a researcher hands over: parameter symbols θ, one output f_i(θ) per data
point with its target y_i, and a loss ℓ of the residual r = f − y (½r² by default; any loss smooth
at 0, such as log(cosh(r))).  The training loss is L(θ) = Σ_i ℓ(f_i(θ) − y_i) and GD is
θ ← θ − η∇L.  Expressions are parsed by :func:`parse` with a fixed grammar (no code is ever
evaluated), and the loss is checked exactly: ℓ'(0) = 0 and ℓ''(0) > 0 (:func:`loss_derivatives`).

What is derived from a spec lives beside it: the least sharpness over the minima in
:mod:`eos_theory.anymodel.minima`, conserved quantities and invariant subspaces in
:mod:`eos_theory.anymodel.conserved`, the period doubling at η_c in :mod:`eos_theory.anymodel.flip`.

>>> s = spec(["u", "v"], ["u*v"], [1])
>>> s.params, s.outputs
((u, v), (u*v,))
"""

from __future__ import annotations

import ast
import keyword
import math
import re
from dataclasses import dataclass
from functools import cache, cached_property

import sympy as sp

from eos_theory.core.model import Model, z
from eos_theory.numbers.intervals import Undecided, exact_sign
from eos_theory.numbers.parse import InputError, exact, show_value

__all__ = [
    "MAX_DEGREE",
    "MAX_LOSS_DEGREE",
    "MAX_NUMBER_DIGITS",
    "MAX_OUTPUTS",
    "MAX_PARAMS",
    "LossDerivatives",
    "LossMinimum",
    "Spec",
    "degree",
    "derivatives_at_zero",
    "from_model",
    "loss_derivatives",
    "loss_minimum",
    "parse",
    "r",
    "spec",
]

MAX_PARAMS = 32  #: parameters (the exact path takes up to 6, the numerical path the rest)
MAX_OUTPUTS = 16  #: data points
MAX_DEGREE = 12  #: the largest total degree of an expression, a function call counting as one symbol (:func:`degree`)
MAX_LOSS_DEGREE = 2 * MAX_DEGREE  #: degree of l(f − y): the default loss of an output of degree 12
MAX_LENGTH = 400  #: characters of one expression
MAX_NUMBER_DIGITS = 1000  #: decimal digits of any number in an expression (2**2**2**2**2 would have 19729)

r = sp.Symbol("r", real=True)  #: the residual f − y, the loss's argument

#: the functions an expression may use (real-analytic where they are used; see _check_real)
FUNCTIONS = {
    "exp": sp.exp,
    "log": sp.log,
    "sqrt": sp.sqrt,
    "cosh": sp.cosh,
    "sinh": sp.sinh,
    "tanh": sp.tanh,
    "cos": sp.cos,
    "sin": sp.sin,
    "atan": sp.atan,
}
_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_ALLOWED_CHARS = re.compile(r"^[A-Za-z0-9_+\-*/^().,\s]*$")


# --------------------------------------------------------------------------------------------
# Parsing
# --------------------------------------------------------------------------------------------


def parse(text: str, symbols: dict[str, sp.Symbol], what: str = "expression") -> sp.Expr:
    """``text`` as a real SymPy expression in ``symbols`` only, or :class:`InputError` (one line).

    Only the given names, numbers (decimals are read exactly: 0.1 is 1/10), + − * / ^ ** and the
    functions in :data:`FUNCTIONS` are accepted; every other name (I, E, pi, oo, __import__, …) is
    refused.  The text is read by Python's own parser into a syntax tree and built node by node
    (:class:`_Reader`), so every size is checked before SymPy builds anything: exponents are rational
    numbers, a power of an expression in the parameters keeps the degree at most :data:`MAX_DEGREE`,
    and no number has more than :data:`MAX_NUMBER_DIGITS` digits (``9**9**9`` is refused, not computed).

    >>> u = sp.Symbol("u", real=True)
    >>> parse("0.5*u^2", {"u": u})
    u**2/2
    >>> parse("u*I", {"u": u})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    eos_theory.numbers.parse.InputError: expression 'u*I': unknown name 'I' (allowed: u and the functions atan, ...)
    >>> parse("u^99999999", {"u": u})
    Traceback (most recent call last):
    ...
    eos_theory.numbers.parse.InputError: expression 'u^99999999': u**99999999 has degree 99999999, above 12
    """
    if not isinstance(text, str) or not text.strip():
        raise InputError(f"{what} must be a non-empty string, got {show_value(text)}")
    if len(text) > MAX_LENGTH:
        raise InputError(f"{what} is longer than {MAX_LENGTH} characters")
    shown = show_value(text)[1:-1]
    if not _ALLOWED_CHARS.match(text):
        bad = next(c for c in text if not _ALLOWED_CHARS.match(c))
        raise InputError(f"{what} '{shown}': character {bad!r} is not allowed")
    source = " ".join(text.split()).replace("^", "**")  # one line: node offsets index it directly
    try:
        tree = ast.parse(source, mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        raise InputError(f"{what} '{shown}': cannot parse (unbalanced parentheses?)") from None
    expr = _Reader(source, symbols, f"{what} '{shown}'").read(tree.body)
    _check_real(expr, f"{what} '{shown}'")
    _check_smooth(expr, f"{what} '{shown}'")
    return expr


def degree(expr: sp.Expr) -> int:
    """The total degree of ``expr`` in its symbols, each function call (exp, sin, …) counting as one
    symbol, a root x^(p/q) as ⌈p/q⌉ and a quotient as the sum of both degrees: an upper bound of
    the size of everything derived from it, read from the tree without expanding anything.

    >>> x, y = sp.symbols("x y")
    >>> degree((x + y) ** 3 * sp.exp(x) / y), degree(sp.sqrt(x) * y**2), degree(sp.Integer(7))
    (5, 3, 0)
    """
    return _degree(expr)[0]


def _degree(expr: sp.Expr) -> tuple[int, int]:
    """(degree of ``expr``, the largest degree of any sub-expression, function arguments included)."""
    if not expr.free_symbols:
        return 0, 0
    if expr.is_Symbol:
        return 1, 1
    parts = [_degree(a) for a in expr.args]
    inner = max((w for _, w in parts), default=0)
    if expr.is_Add:
        d = max(p for p, _ in parts)
    elif expr.is_Mul:
        d = sum(p for p, _ in parts)
    elif expr.is_Pow:
        base, power = parts[0][0], expr.args[1]
        d = int(sp.ceiling(abs(power))) * base if power.is_Rational else base + parts[1][0]
    else:  # a function call: one more "symbol"
        d = 1
    return d, max(d, inner)


def _log10(q: sp.Rational) -> float:
    """log₁₀ of the larger of |numerator| and denominator (no decimal string is made: 10**5000 has no str)."""
    return math.log10(max(abs(int(q.p)), int(q.q), 1))


class _Reader:
    """Builds a SymPy expression from a Python syntax tree, refusing what the grammar does not allow and
    checking each size before the node that would have it is built."""

    def __init__(self, source: str, symbols: dict[str, sp.Symbol], what: str):
        self.source, self.symbols, self.what = source, symbols, what

    def fail(self, why: str) -> InputError:
        return InputError(f"{self.what}: {why}")

    def read(self, node: ast.AST) -> sp.Expr:
        if isinstance(node, ast.Constant) and type(node.value) in (int, float):
            return self.number(self.source[node.col_offset : node.end_col_offset])
        if isinstance(node, ast.Name):
            return self.name(node.id)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            value = self.read(node.operand)
            return -value if isinstance(node.op, ast.USub) else value
        if isinstance(node, ast.BinOp) and (isinstance(node.op, ast.Pow) or type(node.op) in _OPERATORS):
            left, right = self.read(node.left), self.read(node.right)
            if isinstance(node.op, ast.Pow):
                return self.power(left, right)
            if isinstance(node.op, ast.Div) and right == 0:
                raise self.fail("division by zero")
            return self.checked(_OPERATORS[type(node.op)](left, right))
        if isinstance(node, ast.Call):
            return self.call(node)
        if isinstance(node, ast.Tuple):
            raise self.fail("not a single expression")
        if isinstance(node, ast.BinOp):
            raise self.fail("an operator other than + - * / ^ (or **)")
        raise self.fail("cannot parse (only numbers, the parameters, + - * / ^ and the listed functions)")

    def number(self, text: str) -> sp.Rational:
        if not _PLAIN_NUMBER.match(text):
            raise self.fail(f"write the number {text!r} as a plain decimal or fraction")
        q = exact(text, "number")
        return self.checked(sp.Rational(q.numerator, q.denominator))

    def name(self, name: str) -> sp.Expr:
        if name in self.symbols:
            return self.symbols[name]
        if name in FUNCTIONS:
            raise self.fail(f"the function {name} needs an argument, e.g. {name}(x)")
        allowed = ", ".join(sorted(self.symbols))
        raise self.fail(
            f"unknown name {name!r} (allowed: {allowed or 'none'} and the functions {', '.join(sorted(FUNCTIONS))})"
        )

    def call(self, node: ast.Call) -> sp.Expr:
        name = node.func.id if isinstance(node.func, ast.Name) else None
        if name not in FUNCTIONS:
            raise self.fail(f"{ast.unparse(node.func)!s} is not a function (allowed: {', '.join(sorted(FUNCTIONS))})")
        if len(node.args) != 1 or node.keywords or isinstance(node.args[0], ast.Starred):
            raise self.fail(f"{name} takes one argument")
        return self.checked(FUNCTIONS[name](self.read(node.args[0])))

    def power(self, base: sp.Expr, power: sp.Expr) -> sp.Expr:
        """base^power once its size is known: a rational exponent with a denominator ≤ MAX_DEGREE, the
        degree at most MAX_DEGREE, and a number of at most MAX_NUMBER_DIGITS digits."""
        shown = sp.sstr(sp.Pow(base, power, evaluate=False))  # not evaluated: 9**387420489 stays short
        shown = shown if len(shown) < 60 else "a power"
        if power.free_symbols:
            raise self.fail(f"the exponent of {shown} depends on the parameters (write exp(b*log(a)) for a^b)")
        if not power.is_Rational:
            raise self.fail(f"the exponent of {shown} is not a rational number")
        if power.q > MAX_DEGREE:
            raise self.fail(f"{shown}: roots up to the {MAX_DEGREE}th only")
        if base.free_symbols:
            d = int(sp.ceiling(abs(power))) * _degree(base)[0]
            if d > MAX_DEGREE:
                raise self.fail(f"{shown} has degree {d}, above {MAX_DEGREE}")
        else:
            size = abs(power) * max((_log10(q) for q in base.atoms(sp.Rational)), default=0)
            if size > MAX_NUMBER_DIGITS:
                raise self.fail(f"{shown} has about {int(size) + 1} digits, more than {MAX_NUMBER_DIGITS}")
            if base == 0 and power < 0:
                raise self.fail("division by zero")
        return self.checked(base**power)

    def checked(self, expr: sp.Expr) -> sp.Expr:
        """``expr`` if its numbers and degree are within bounds (sums and products grow them slowly)."""
        if expr.has(sp.zoo, sp.nan):
            raise self.fail("division by zero")
        if max((_log10(q) for q in expr.atoms(sp.Rational)), default=0) >= MAX_NUMBER_DIGITS:
            raise self.fail(f"a number with more than {MAX_NUMBER_DIGITS} digits")
        d = _degree(expr)[1]
        if d > MAX_DEGREE:
            raise self.fail(f"degree {d} (a function of the parameters counting as one), above {MAX_DEGREE}")
        return expr


_SMOOTH = (sp.Add, sp.Mul, sp.Pow, sp.Symbol, *{type(f(sp.Symbol("x"))) for f in FUNCTIONS.values()} - {sp.Pow})


def _check_smooth(expr: sp.Expr, what: str) -> None:
    """Refuse what SymPy's own simplification made non-smooth: ``sqrt(w^2)`` is read as Abs(w), which has no
    derivative at w = 0, and the numerical path needs every derivative of the outputs (constants such as
    atan(1) = π/4 are fine).

    >>> w = sp.Symbol("w", real=True)
    >>> parse("sqrt(w^2)", {"w": w})
    Traceback (most recent call last):
    ...
    eos_theory.numbers.parse.InputError: expression 'sqrt(w^2)': not smooth: SymPy reads it as Abs(w) (Abs is not \
differentiable everywhere); write a smooth expression
    """
    stack = [expr]
    while stack:
        node = stack.pop()
        if node.is_number:
            continue
        if not isinstance(node, _SMOOTH):
            raise InputError(
                f"{what}: not smooth: SymPy reads it as {expr} ({type(node).__name__} is not differentiable "
                "everywhere); write a smooth expression"
            )
        stack.extend(node.args)


_OPERATORS = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b,
}  #: and ast.Pow, read by _Reader.power
_PLAIN_NUMBER = re.compile(r"^(\d+\.?\d*|\.\d+)$")


def _check_real(expr: sp.Expr, what: str) -> None:
    """Refuse non-real or non-finite constants (I, zoo, nan, oo) and floats, and expressions that are real
    nowhere: an even root or a fractional power of a quantity negative for every real θ, or the log of
    one that is never positive (the sign decided by SymPy's assumptions; undecided signs are accepted)."""
    if expr.has(sp.I, sp.zoo, sp.nan, sp.oo, -sp.oo) or expr.atoms(sp.Float):
        raise InputError(f"{what}: not a finite real expression ({expr})")
    for sub in sp.preorder_traversal(expr):
        if sub.is_Pow and sub.exp.is_Rational and not sub.exp.is_Integer and sub.base.is_negative:
            raise InputError(f"{what}: {sub} is not real: {sub.base} < 0 for every real value of the parameters")
        if isinstance(sub, sp.log) and sub.args[0].is_nonpositive:
            raise InputError(f"{what}: {sub} is not real: {sub.args[0]} <= 0 for every real value of the parameters")


def _names(params) -> tuple[sp.Symbol, ...]:
    if isinstance(params, str) or not params:
        raise InputError("give the parameters as a list of names, e.g. u v")
    out = []
    for name in params:
        name = str(name)
        if not _NAME.match(name) or keyword.iskeyword(name):
            raise InputError(f"parameter name {show_value(name)} is not a plain identifier")
        if name in FUNCTIONS or name in ("r", "eta", "I", "E", "pi", "oo", "S", "N", "O", "Q"):
            raise InputError(f"parameter name {name!r} is reserved (r is the residual, eta the step)")
        out.append(name)
    if len(set(out)) != len(out):
        raise InputError(f"parameter names must be distinct, got {' '.join(out)}")
    if len(out) > MAX_PARAMS:
        raise InputError(f"{len(out)} parameters: at most {MAX_PARAMS}")
    return tuple(sp.Symbol(n, real=True) for n in out)


# --------------------------------------------------------------------------------------------
# The model specification
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Spec:
    """Parameters θ, outputs f_i(θ), targets y_i and a loss ℓ(r): L(θ) = Σ_i ℓ(f_i(θ) − y_i)."""

    params: tuple[sp.Symbol, ...]
    outputs: tuple[sp.Expr, ...]
    targets: tuple[sp.Expr, ...]
    loss: sp.Expr = r**2 / 2
    name: str = "model"

    @property
    def P(self) -> int:
        return len(self.params)

    @cached_property
    def residuals(self) -> tuple[sp.Expr, ...]:
        return tuple(f - y for f, y in zip(self.outputs, self.targets))

    @cached_property
    def jacobian(self) -> sp.Matrix:
        """J = ∂f/∂θ, one row per data point."""
        return sp.Matrix(list(self.outputs)).jacobian(self.params)

    @cached_property
    def ntk(self) -> sp.Matrix:
        """The NTK JJᵀ (n × n)."""
        return (self.jacobian * self.jacobian.T).applyfunc(sp.expand)

    @cached_property
    def loss_of_theta(self) -> sp.Expr:
        return sum(self.loss.subs(r, res) for res in self.residuals)

    @cached_property
    def gradient(self) -> sp.Matrix:
        """∇L = Σ_i ℓ'(r_i)∇f_i."""
        dl = sp.diff(self.loss, r)
        return sum(
            (dl.subs(r, res) * self.jacobian[i, :].T for i, res in enumerate(self.residuals)), sp.zeros(self.P, 1)
        )

    @cached_property
    def hessian(self) -> sp.Matrix:
        return sp.hessian(self.loss_of_theta, self.params)

    def gd_map(self, step: sp.Expr) -> sp.Matrix:
        """One GD step θ ↦ θ − η∇L(θ)."""
        return sp.Matrix(self.params) - step * self.gradient

    @cached_property
    def is_polynomial(self) -> bool:
        """Polynomial outputs and a polynomial loss: GD is a polynomial map (exact algebra applies)."""
        return all(f.is_polynomial(*self.params) for f in self.outputs) and self.loss.is_polynomial(r)

    def model(self) -> Model:
        """The one-data-point spec as a :class:`~eos_theory.core.model.Model` (output z = f − y, loss ℓ(z))."""
        if len(self.outputs) != 1:
            raise InputError("a Model has one output; this spec has several data points")
        return Model(self.params, self.residuals[0], self.loss.subs(r, z), self.name)

    @property
    def minima_set(self) -> str:
        """The zero-residual set written with the model's own outputs and targets (``M = {θ : x*y = 1}``): a generic
        ``{f = y}`` would misread when a parameter is named f or y."""
        return "M = {θ : " + ", ".join(f"{f} = {y}" for f, y in zip(self.outputs, self.targets)) + "}"

    def describe(self) -> str:
        out = "; ".join(f"{f} = {y}" for f, y in zip(self.outputs, self.targets))
        return f"θ = ({', '.join(map(str, self.params))}), {out}, loss ℓ(r) = {self.loss}"


def spec(params, outputs, targets, loss="r^2/2", name: str = "model") -> Spec:
    """Build and validate a :class:`Spec` from names and strings (or SymPy objects).

    Targets are exact numbers (exact: 1.05 and 21/20 are the same); the loss is an
    expression in r with a strict minimum at r = 0 (checked exactly by :func:`loss_derivatives`).
    """
    theta = _names(params)
    table = {s.name: s for s in theta}
    outputs = [outputs] if isinstance(outputs, (str, sp.Expr)) else list(outputs)
    targets = [targets] if isinstance(targets, (str, int, sp.Rational)) else list(targets)
    if not outputs:
        raise InputError("give at least one output")
    if len(outputs) > MAX_OUTPUTS:
        raise InputError(f"{len(outputs)} outputs: at most {MAX_OUTPUTS} data points")
    if len(outputs) != len(targets):
        raise InputError(f"{len(outputs)} output(s) but {len(targets)} target(s): give one target per output")
    fs = []
    for k, f in enumerate(outputs):
        e = _as_expr(f, table, f"output {k + 1}")
        if not e.free_symbols & set(theta):
            raise InputError(f"output {k + 1} ({e}) does not depend on the parameters")
        if _degree(e)[1] > MAX_DEGREE:
            raise InputError(f"output {k + 1} has degree above {MAX_DEGREE}")
        fs.append(e)
    ys = []
    for k, y in enumerate(targets):
        q = exact(y if not isinstance(y, sp.Rational) else sp.Rational(y), f"target {k + 1}")
        ys.append(sp.Rational(q.numerator, q.denominator))
    ell = _as_expr(loss, {"r": r}, "loss")
    composed = _degree(ell)[0] * max(_degree(f)[0] for f in fs)
    if composed > MAX_LOSS_DEGREE:
        raise InputError(
            f"the training loss l(f - y) would have degree {composed} (the loss's {_degree(ell)[0]} times the "
            f"output's {max(_degree(f)[0] for f in fs)}), above {MAX_LOSS_DEGREE}"
        )
    loss_derivatives(ell)  # raises InputError unless ℓ'(0) = 0 < ℓ''(0)
    loss_minimum(ell)  # raises InputError when ℓ is unbounded below or below ℓ(0) somewhere
    return Spec(theta, tuple(fs), tuple(ys), ell, name)


def _as_expr(value, table: dict, what: str) -> sp.Expr:
    if isinstance(value, sp.Expr):
        extra = value.free_symbols - set(table.values())
        if extra:
            raise InputError(f"{what}: unknown symbol(s) {', '.join(sorted(map(str, extra)))}")
        _check_real(value, what)
        if _degree(value)[1] > MAX_DEGREE:
            raise InputError(f"{what}: degree above {MAX_DEGREE}")
        return value
    return parse(str(value), table, what)


def from_model(m: Model, values: dict | None = None, target: sp.Expr = 0) -> Spec:
    """A :class:`~eos_theory.core.model.Model` (output z(θ) = residual, loss in z) as a Spec, with its
    symbolic constants (E, ω, …) given exact ``values``."""
    values = values or {}
    out = sp.expand(m.output.subs(values))
    extra = out.free_symbols - set(m.theta)
    if extra:
        raise InputError(f"give values for {', '.join(sorted(map(str, extra)))}")
    theta = tuple(sp.Symbol(t.name, real=True) for t in m.theta)
    ren = dict(zip(m.theta, theta))
    return Spec(theta, (out.subs(ren) + target,), (sp.sympify(target),), m.loss.subs(z, r), m.name)


# --------------------------------------------------------------------------------------------
# The loss
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LossDerivatives:
    """ℓ^(k)(0) for k = 1..4, exact."""

    d1: sp.Expr
    d2: sp.Expr
    d3: sp.Expr
    d4: sp.Expr


@cache
def derivatives_at_zero(loss: sp.Expr, n: int) -> tuple[sp.Expr, ...]:
    """ℓ(0), ℓ'(0), …, ℓ⁽ⁿ⁾(0), exact (each derivative from the previous one; simplified unless rational).

    >>> derivatives_at_zero(sp.log(sp.cosh(r)), 4)
    (0, 0, 1, 0, -2)
    """
    out, d = [], loss
    for k in range(n + 1):
        if k:
            d = sp.diff(d, r)
        v = d.subs(r, 0)
        out.append(v if v.is_Rational else sp.simplify(v))
    return tuple(out)


@cache  # a loss is checked once: spec, the flip series and the numerics all ask
def loss_derivatives(loss: sp.Expr) -> LossDerivatives:
    """ℓ'(0)..ℓ''''(0), after checking exactly that ℓ'(0) = 0 and ℓ''(0) > 0.

    >>> loss_derivatives(sp.log(sp.cosh(r)))
    LossDerivatives(d1=0, d2=1, d3=0, d4=-2)
    >>> loss_derivatives(r**3)
    Traceback (most recent call last):
    ...
    eos_theory.numbers.parse.InputError: loss without a minimum at zero residual: l'(0) = 0 but l''(0) = 0 is not > 0
    """
    ds = []
    for k, v in enumerate(derivatives_at_zero(loss, 4)[1:], start=1):
        if v.has(sp.zoo, sp.nan, sp.oo, -sp.oo, sp.I) or not v.is_number:
            raise InputError(f"loss: the derivative of order {k} at r = 0 is not a finite real number ({v})")
        ds.append(v)
    try:
        s1, s2 = exact_sign(ds[0]), exact_sign(ds[1])
    except Undecided as exc:
        raise InputError(f"loss: cannot decide the sign of its derivatives at 0 ({exc})") from None
    if s1 != 0:
        raise InputError(f"loss without a minimum at zero residual: l'(0) = {ds[0]} is not 0")
    if s2 <= 0:
        raise InputError(f"loss without a minimum at zero residual: l'(0) = 0 but l''(0) = {ds[1]} is not > 0")
    return LossDerivatives(*ds)


@dataclass(frozen=True)
class LossMinimum:
    """Whether ℓ(r) > ℓ(0) for every r ≠ 0 is proved (then the zero-residual minima are the global minima of
    L = Σℓ(r_i)), and how; a loss below ℓ(0) somewhere, or unbounded below, is refused by :func:`loss_minimum`."""

    only_at_zero: bool
    how: str


@cache
def loss_minimum(loss: sp.Expr) -> LossMinimum:
    """Where ℓ takes its least value: only at r = 0 (proved, polynomial losses: an exact root count), also
    elsewhere, or not known (non-polynomial losses: a numerical scan of 0 < |r| ≤ 100 looks for other minima).
    :class:`InputError` when ℓ(r) < ℓ(0) somewhere (proved exactly, or in interval arithmetic) or ℓ is unbounded
    below: then zero residual is not a minimum of the training loss, and "the minima" would mean nothing.

    >>> loss_minimum(r**2 / 2).only_at_zero, loss_minimum(sp.sin(r) ** 2).only_at_zero
    (True, False)
    >>> loss_minimum(r**2 - r**4)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    eos_theory.numbers.parse.InputError: loss ... is unbounded below (leading term -r**4): the training loss has no global minimum
    """
    p = sp.expand(loss - loss.subs(r, 0))
    if p.is_polynomial(r):
        return _polynomial_minimum(loss, sp.Poly(p, r))
    return _scanned_minimum(loss, p)


def _polynomial_minimum(loss: sp.Expr, p: sp.Poly) -> LossMinimum:
    lead = p.LC()
    if p.degree() % 2 or lead < 0:
        raise InputError(
            f"loss {loss} is unbounded below (leading term {sp.sstr(lead * r ** p.degree())}): the training loss has "
            "no global minimum"
        )
    q = sp.Poly(sp.cancel(p.as_expr() / r**2), r)  # ℓ'(0) = 0 < ℓ''(0): r = 0 is a double root of p
    odd = [f for f, k in q.sqf_list()[1] if k % 2 and f.count_roots() > 0]
    if odd:
        lo, hi = odd[0].intervals()[0][0]
        point = sp.Rational(lo + hi, 2) if lo != hi else sp.Rational(lo)
        while p.eval(point) >= 0:  # refine towards the sign change of the odd root
            point = (point + sp.Rational(hi)) / 2 if point != hi else point / 2
            if abs(point) > 10**6:
                break
        raise InputError(
            f"loss {loss}: l(r) < l(0) for some r (an odd root of l(r) - l(0) near r = {sp.N(point, 6)}): zero "
            "residual is not the loss's least value"
        )
    even = [f for f, _ in q.sqf_list()[1] if f.count_roots() > 0]
    if even:
        roots = ", ".join(sp.sstr(x) for f in even for x in f.real_roots())
        return LossMinimum(
            False,
            f"l(r) = l(0) also at r = {roots} (exact roots of l(r) - l(0)): minima with those residuals exist and are "
            "not considered",
        )
    return LossMinimum(
        True, "l(r) > l(0) for every r ≠ 0, proved: l(r) - l(0) = r²q(r) with q positive without real roots"
    )


def _scanned_minimum(loss: sp.Expr, p: sp.Expr) -> LossMinimum:
    """A non-polynomial loss: scan 0 < |r| ≤ 100 (mpmath), refine every local minimum of l(r) − l(0) away from 0,
    and refuse when one is below 0 in interval arithmetic (arb)."""
    import mpmath

    from eos_theory.anymodel.compiled import ARB, MP, NotReal, Program, arb_dps

    prog = Program([r], [p])
    grid = sorted({*(mpmath.mpf(10) ** (k / 60 - 2) for k in range(241)), *(mpmath.mpf(k) / 4 for k in range(1, 401))})
    lows: list = []  # local minima of l(r) − l(0) away from r = 0
    ends: list = []
    with mpmath.workdps(30):
        for sign in (1, -1):
            xs = [sign * x for x in grid]
            try:
                ys = [prog(MP, x)[0] for x in xs]
            except (NotReal, ValueError, ZeroDivisionError, OverflowError):
                return LossMinimum(False, "not proved that l has its least value only at r = 0 (l is not a polynomial)")
            for i in range(1, len(xs) - 1):
                if ys[i] <= ys[i - 1] and ys[i] <= ys[i + 1]:
                    try:
                        x = mpmath.findroot(lambda t: mpmath.diff(lambda s: prog(MP, s)[0], t), xs[i])
                        lows.append((prog(MP, x)[0], x))
                    except (ValueError, ZeroDivisionError, NotReal):
                        lows.append((ys[i], xs[i]))
            ends.append((ys[-1], xs[-1]))  # the end of the scan: l may keep falling beyond it
    least, at = min(lows + ends, key=lambda t: t[0])
    if least < 0:
        point = sp.Rational(str(mpmath.nstr(at, 12)))
        with arb_dps(40):
            below = prog(ARB, point)[0] < 0
        if below:
            raise InputError(
                f"loss {loss}: l({sp.N(point, 8)}) < l(0), proved in interval arithmetic: zero residual is not the "
                "loss's least value"
            )
    zeros = [x for v, x in lows if abs(v) <= mpmath.mpf(10) ** -12]
    if zeros:
        at = min(zeros, key=abs)
        return LossMinimum(
            False,
            f"l(r) - l(0) ≈ 0 at r ≈ {mpmath.nstr(at, 10)} (numerical scan of 0 < |r| ≤ 100): minima with that "
            "residual may exist and are not considered",
        )
    found = (
        f"its lowest other local minimum is l(0) + {mpmath.nstr(min(v for v, _ in lows), 3)}"
        if lows
        else "it has no other local minimum"
    )
    return LossMinimum(
        False,
        f"not proved that l has its least value only at r = 0 (l is not a polynomial); on 0 < |r| ≤ 100 (a numerical "
        f"scan) {found}",
    )
