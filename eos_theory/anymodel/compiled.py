"""SymPy expressions compiled once to straight-line Python, then evaluated over float64, mpmath or arb.

The numerical path evaluates the same derivatives of a model in three number systems: numpy float64
arrays (many starts at once), mpmath at a stated working precision (two precisions, to count agreeing
digits) and python-flint's ``arb`` balls (rigorous enclosures: Krawczyk's test, certified values).
:class:`Program` turns a list of expressions into one Python function (common subexpressions shared,
SymPy's ``cse``) whose operations are looked up in a :class:`Numbers` namespace, so the one program
serves all three.  Constants are exact until the namespace rounds them: a rational p/q becomes
``arb(fmpq(p, q))`` (a ball that contains it), ``mpf(p)/q`` or ``p/q``; no float ever stands for a
decimal.  Functions are the real ones: a square root or logarithm of a negative mpmath number raises
:class:`NotReal` (mpmath would silently return a complex number), an arb ball that meets the domain's
edge gives a non-finite ball, and numpy gives nan.

Why not ``sympy.lambdify``: its printers write ``Rational(1, 3)`` as the float ``1/3`` for the math and
numpy modules, and it has no arb printer.

>>> x, y = sp.symbols("x y", real=True)
>>> prog = Program([x, y], [x * y / 3, sp.tanh(x) + y**2])
>>> [mpmath.nstr(v, 12) for v in prog(MP, 1, 2)]
['0.666666666667', '4.76159415596']
>>> with arb_dps(20):
...     third = prog(ARB, 1, 2)[0]
...     print(third.contains(fmpq(2, 3)), float(third.rad()) < 1e-19)  # a ball that holds 2/3 exactly
True True
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property

import mpmath
import numpy as np
import sympy as sp
from flint import arb, ctx, fmpq

from eos_theory.numbers.balls import exact_ball

__all__ = ["ARB", "FLOAT", "MP", "NotReal", "Numbers", "Program", "arb_dps", "to_arb", "to_mpf_exact"]


class NotReal(ArithmeticError):
    """A function evaluated outside its real domain (square root or logarithm of a negative number)."""


@contextlib.contextmanager
def arb_dps(dps: int) -> Iterator[None]:
    """Local working precision (decimal digits) of python-flint's arb arithmetic."""
    with ctx.workdps(int(dps)):
        yield


def to_arb(x) -> arb:
    """An mpf, int, Fraction-like or float as an arb (binary numbers exactly; p/q enclosed at the precision)."""
    return exact_ball(x)


def to_mpf_exact(x: arb) -> mpmath.mpf:
    """The midpoint of an arb ball as an mpf, exactly (its binary digits are kept whatever mp.dps is)."""
    man, exp = x.mid().man_exp()
    return mpmath.mpf((int(man), int(exp))) if man != 0 else mpmath.mpf(0)


def _mp_sqrt(x):
    if x < 0:
        raise NotReal(f"square root of a negative number ({mpmath.nstr(x, 5)})")
    return mpmath.sqrt(x)


def _mp_log(x):
    if x <= 0:
        raise NotReal(f"logarithm of a non-positive number ({mpmath.nstr(x, 5)})")
    return mpmath.log(x)


def _mp_root(x, p, q):
    if x < 0 and q % 2 == 0:
        raise NotReal(f"even root of a negative number ({mpmath.nstr(x, 5)})")
    base = mpmath.root(abs(x), q)
    return (base if x >= 0 else -base) ** p


def _np_root(x, p, q):
    base = np.cbrt(x) if q == 3 else (np.sign(x) * np.abs(x) ** (1.0 / q) if q % 2 else np.power(x, 1.0 / q))
    return base**p


def _arb_root(x, p, q):
    x = to_arb(x)
    return (x.root(q) if q % 2 == 0 else x.sgn() * abs(x).root(q)) ** p


@dataclass(frozen=True)
class Numbers:
    """The operations a :class:`Program` needs, in one number system."""

    name: str
    q: Callable  #: q(p, q) → the rational p/q (rounded, or enclosed, by this number system)
    exp: Callable
    log: Callable
    sqrt: Callable
    root: Callable  #: root(x, p, q) = x^(p/q), the real branch
    sin: Callable
    cos: Callable
    tan: Callable
    sinh: Callable
    cosh: Callable
    tanh: Callable
    atan: Callable
    abs: Callable
    sign: Callable
    pi: Callable
    convert: Callable  #: an exact number (int, Fraction, mpf) in this number system


def _mp_exact(x):
    if hasattr(x, "numerator") and hasattr(x, "denominator") and not isinstance(x, float):
        return mpmath.mpf(int(x.numerator)) / int(x.denominator)
    return mpmath.mpf(x)


FLOAT = Numbers(
    "float64",
    lambda p, q: p / q,
    np.exp,
    np.log,
    np.sqrt,
    _np_root,
    np.sin,
    np.cos,
    np.tan,
    np.sinh,
    np.cosh,
    np.tanh,
    np.arctan,
    np.abs,
    np.sign,
    lambda: math.pi,
    float,
)
MP = Numbers(
    "mpmath",
    lambda p, q: mpmath.mpf(p) / q,
    mpmath.exp,
    _mp_log,
    _mp_sqrt,
    _mp_root,
    mpmath.sin,
    mpmath.cos,
    mpmath.tan,
    mpmath.sinh,
    mpmath.cosh,
    mpmath.tanh,
    mpmath.atan,
    abs,
    mpmath.sign,
    lambda: +mpmath.pi,
    _mp_exact,
)
ARB = Numbers(
    "arb",
    lambda p, q: arb(fmpq(p, q)),
    lambda x: to_arb(x).exp(),
    lambda x: to_arb(x).log(),
    lambda x: to_arb(x).sqrt(),
    _arb_root,
    lambda x: to_arb(x).sin(),
    lambda x: to_arb(x).cos(),
    lambda x: to_arb(x).tan(),
    lambda x: to_arb(x).sinh(),
    lambda x: to_arb(x).cosh(),
    lambda x: to_arb(x).tanh(),
    lambda x: to_arb(x).atan(),
    abs,
    lambda x: to_arb(x).sgn(),
    arb.pi,
    lambda x: to_arb(x),
)

_FUNCTIONS = {
    sp.exp: "exp",
    sp.log: "log",
    sp.sin: "sin",
    sp.cos: "cos",
    sp.tan: "tan",
    sp.sinh: "sinh",
    sp.cosh: "cosh",
    sp.tanh: "tanh",
    sp.atan: "atan",
    sp.Abs: "abs",
    sp.sign: "sign",
}


class Program:
    """A list of expressions in ``args`` as one straight-line Python function over a :class:`Numbers`.

    ``prog(numbers, *values)`` returns the list of values.  Expressions may use + − × ÷, rational
    powers, π and the functions exp, log, sin, cos, tan, sinh, cosh, tanh, atan, Abs, sign; anything
    else (a float, an unevaluated derivative) raises ``ValueError`` when the program is built."""

    def __init__(self, args: Sequence[sp.Symbol], exprs: Sequence[sp.Expr]):
        self.args = tuple(args)
        self.exprs = tuple(sp.sympify(e) for e in exprs)
        self.size = len(self.exprs)

    @cached_property
    def _function(self) -> Callable:
        return self._compile(into=False)

    @cached_property
    def _into(self) -> Callable:
        return self._compile(into=True)

    def _compile(self, into: bool) -> Callable:
        """The generated function: returning the list of values, or (``into``) writing each nonzero one into
        row k of a preallocated array ``out`` (numpy broadcasts constants; zeros are not written)."""
        names = {a: f"a{i}" for i, a in enumerate(self.args)}
        repl, reduced = sp.cse(list(self.exprs), symbols=sp.numbered_symbols("t"), optimizations=None)
        consts: dict[tuple[int, int], str] = {}
        lines = []
        printer = _Printer(names, consts)
        for sym, value in repl:
            text = printer.text(value)
            names[sym] = f"v{len(names)}"
            lines.append(f"    {names[sym]} = {text}")
        out = [printer.text(e) for e in reduced]
        params = ", ".join(["N", *(["out"] if into else []), *(f"a{i}" for i in range(len(self.args)))])
        head = [f"def _program({params}):"]
        head += [
            f"    {n} = N.{n}" for n in ("exp", "log", "sqrt", "root", "sin", "cos", "tan", "sinh", "cosh", "tanh")
        ]
        head += [f"    {n} = N.{n}" for n in ("atan", "abs", "sign")]
        head += [f"    {name} = N.q({p}, {q})" for (p, q), name in consts.items()]
        if printer.uses_pi:
            head.append("    pi = N.pi()")
        if into:
            body = [f"    out[{k}] = {text}" for k, (text, e) in enumerate(zip(out, reduced)) if e != 0]
            source = "\n".join([*head, *lines, *body, "    return out"])
        else:
            source = "\n".join([*head, *lines, f"    return [{', '.join(out)}]"])
        scope: dict = {}
        exec(compile(source, "<eos_theory.anymodel.compiled>", "exec"), scope)  # our own generated code
        return scope["_program"]

    def array(self, *columns) -> np.ndarray:
        """The values at K points at once in float64: an array of shape (len(exprs), K) (columns: K values each)."""
        K = len(columns[0]) if columns else 1
        return self._into(FLOAT, np.zeros((self.size, K)), *columns)

    def __call__(self, numbers: Numbers, *values, raw: bool = False) -> list:
        """The values at one point; in arb each is a ball, unless ``raw`` (then constants stay Python ints, as
        ``arb_mat`` takes them)."""
        if len(values) != len(self.args):
            raise TypeError(f"expected {len(self.args)} values, got {len(values)}")
        if numbers is ARB:
            out = self._function(numbers, *(to_arb(v) for v in values))
            return out if raw else [v if type(v) is arb else to_arb(v) for v in out]
        return self._function(numbers, *values)


class _Printer:
    """Python source for one expression: symbols by name, exact constants through N.q, functions by name."""

    def __init__(self, names: dict, consts: dict):
        self.names, self.consts = names, consts
        self.uses_pi = False

    def const(self, p: int, q: int = 1) -> str:
        if q == 1 and abs(p) < 2**52:  # small integers are exact in every number system: printed as they are
            return f"({p})"
        key = (int(p), int(q))
        if key not in self.consts:
            self.consts[key] = f"c{len(self.consts)}"
        return self.consts[key]

    def text(self, e: sp.Basic) -> str:
        if e in self.names:
            return self.names[e]
        if e.is_Integer:
            return self.const(int(e))
        if e.is_Rational:
            return self.const(int(e.p), int(e.q))
        if e is sp.pi:
            self.uses_pi = True
            return "pi"
        if e is sp.E:
            return f"exp({self.const(1)})"
        if e.is_Add:
            return "(" + " + ".join(self.text(a) for a in e.args) + ")"
        if e.is_Mul:
            return "(" + "*".join(self.text(a) for a in e.args) + ")"
        if e.is_Pow:
            base, power = e.args
            b = self.text(base)
            if power.is_Integer:
                return f"({b})**({int(power)})"
            if power.is_Rational:
                if power.q == 2 and power.p == 1:
                    return f"sqrt({b})"
                if power.q == 2 and power.p == -1:
                    return f"({self.const(1)}/sqrt({b}))"
                return f"root({b}, {int(power.p)}, {int(power.q)})"
            return f"exp(({self.text(power)})*log({b}))"
        if e.func in _FUNCTIONS and len(e.args) == 1:
            return f"{_FUNCTIONS[e.func]}({self.text(e.args[0])})"
        raise ValueError(f"cannot compile {type(e).__name__}: {sp.sstr(e)[:60]}")
