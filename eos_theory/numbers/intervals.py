"""Interval arithmetic (``mpmath.iv``) for computer-assisted proofs, rounded outward.

* :func:`enclose` – an interval that contains an exact number (a Fraction, a SymPy algebraic
  expression, or an mpmath value taken as exact);
* :func:`exact_sign` – the sign of an exact real number, decided (or :class:`Undecided`), on python-flint's
  ``arb`` balls (:func:`arb_enclose`), not on mpmath's interval type;
* :func:`krawczyk` – existence and uniqueness of a zero of F in a box (Krawczyk's test);
* :func:`iv_bound` – a range enclosure of f over a box, by subdivision.

Precision is local: :func:`iv_workdps` sets both ``iv`` and ``mp`` inside a ``with`` block.

>>> with iv_workdps(30):
...     third = enclose(Fraction(1, 3))       # not a float: an interval that holds 1/3
...     print(third.a < third.b, third.a * 3 <= 1 <= third.b * 3)
True True
>>> exact_sign(sp.sqrt(2) - Fraction(99, 70))   # √2 < 99/70
-1
"""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction

import sympy as sp
from flint import arb, ctx, fmpq
from mpmath import iv, mp, mpf
from mpmath.libmp import from_rational, round_ceiling, round_floor
from sympy.polys.polyerrors import NotAlgebraic

from eos_theory.numbers.parse import InputError, check_count, check_dps, exact, exact_vector, show_value, to_mpf

__all__ = [
    "SIGN_DIGITS",
    "KrawczykResult",
    "Undecided",
    "arb_enclose",
    "enclose",
    "exact_sign",
    "iv_bound",
    "iv_workdps",
    "krawczyk",
]

SIGN_DIGITS = (30, 60, 120, 240, 480, 960)  #: the working precisions exact_sign tries in turn, until the sign shows


@contextlib.contextmanager
def iv_workdps(dps: int) -> Iterator[None]:
    """Local precision for both ``mpmath.iv`` and ``mp`` (iv has no workdps of its own)."""
    old = iv.prec
    iv.dps = dps
    try:
        with mp.workdps(dps):
            yield
    finally:
        iv.prec = old


def _lo(x) -> mpf:
    return mp.make_mpf(x._mpi_[0])


def _hi(x) -> mpf:
    return mp.make_mpf(x._mpi_[1])


def enclose(value) -> iv.mpf:
    """An interval at the current iv precision that contains an exact number.

    Rationals (anything :func:`exact` reads) give the tightest such interval.  Real SymPy numbers
    built from rationals, π, e, +, ×, integer powers, roots, exp, log and Abs are enclosed by
    evaluating their expression tree in outward-rounded interval arithmetic, so the result is
    rigorous (if wide for cancelling expressions: raise ``iv.prec`` to tighten it).

    >>> with iv_workdps(20):
    ...     box = enclose(sp.sqrt(2) - sp.Rational(7, 5))     # √2 − 1.4 = 0.0142135623730950488…
    >>> mp.nstr(mp.mpf(box.a), 15), mp.nstr(mp.mpf(box.b), 15)
    ('0.014213562373095', '0.014213562373095')
    """
    if isinstance(value, sp.Basic) and not isinstance(value, sp.Rational):
        return _enclose_expr(value)
    q = exact(value)
    lo = mp.make_mpf(from_rational(q.numerator, q.denominator, iv.prec, round_floor))
    hi = mp.make_mpf(from_rational(q.numerator, q.denominator, iv.prec, round_ceiling))
    return iv.mpf([lo, hi])


def _enclose_expr(expr: sp.Basic) -> iv.mpf:
    """Interval evaluation of a real SymPy number, node by node (see :func:`enclose`)."""
    if expr.free_symbols or expr.atoms(sp.Float) or not expr.is_number:
        raise InputError(f"cannot enclose {show_value(expr)}: not an exact real number")
    if isinstance(expr, sp.Rational):
        return enclose(Fraction(int(expr.p), int(expr.q)))
    if expr is sp.pi:
        return iv.pi
    if expr is sp.E:
        return iv.e
    # a Pow encloses only its base (below): its exponent is read exactly
    args = [_enclose_expr(a) for a in expr.args] if not isinstance(expr, sp.Pow) else []
    if isinstance(expr, sp.Add):
        return sum(args[1:], args[0])
    if isinstance(expr, sp.Mul):
        out = args[0]
        for a in args[1:]:
            out = out * a
        return out
    if isinstance(expr, sp.Abs):
        return abs(args[0])
    if isinstance(expr, sp.exp):
        return iv.exp(args[0])
    if isinstance(expr, sp.log):
        return iv.log(args[0])
    if isinstance(expr, sp.Pow) and expr.exp.is_Rational:
        base, (n, d) = _enclose_expr(expr.base), (int(expr.exp.p), int(expr.exp.q))
        if d == 2:
            base = iv.sqrt(base)
        elif d != 1:
            if not base.a > 0:
                raise InputError(f"cannot enclose {show_value(expr)}: root of a number not known to be positive")
            base = iv.exp(iv.log(base) / d)
        return base**n  # mpmath's interval power takes negative integer exponents (1/base^|n|, outward)
    raise InputError(f"cannot enclose {show_value(expr)}: {type(expr).__name__} is not supported")


class Undecided(ValueError):
    """An exact decision (a sign, an equality) could not be reached for these objects."""


def exact_sign(value) -> int:
    """The sign (−1, 0, 1) of a real algebraic number, decided exactly.

    Rationals are compared directly.  Otherwise the minimal polynomial over ℚ (exact) tells
    whether the number is 0; if it is not, a ball enclosure at rising precision (python-flint's
    ``arb``, :func:`arb_enclose`, whose every operation is rigorously rounded) must eventually
    exclude 0, and then gives the sign rigorously.

    >>> exact_sign(sp.sqrt(5) - 1 - sp.Rational(6, 5)), exact_sign(sp.sqrt(8) - 2 * sp.sqrt(2))
    (1, 0)
    """
    v = sp.sympify(value)
    if v.is_Rational:
        return int(v.p > 0) - int(v.p < 0)
    if v.free_symbols or v.atoms(sp.Float) or not v.is_number:
        raise Undecided(f"not an exact real number: {v}")
    try:
        if sp.minimal_polynomial(v, _X) == _X:
            return 0
    except (
        NotAlgebraic,
        NotImplementedError,
        ValueError,
    ) as exc:  # transcendental, or not algebraic in a form SymPy knows
        raise Undecided(f"no exact zero test for {v}: {exc}") from None
    for dps in SIGN_DIGITS:
        with ctx.workdps(dps):
            ball = arb_enclose(v)
            if ball > 0:
                return 1
            if ball < 0:
                return -1
    raise Undecided(f"{v} is non-zero but its sign was not resolved at {SIGN_DIGITS[-1]} digits")


def arb_enclose(expr: sp.Basic) -> arb:
    """A ball (python-flint's ``arb``, at the current ``flint.ctx`` precision) that holds a real SymPy number
    built from rationals, π, e, +, ×, integer and rational powers, exp, log and Abs (see :func:`enclose`).
    A square or higher root of a ball reaching below 0, or a log of one reaching 0, is not finite: its sign
    is then undecided at that precision.

    >>> with ctx.workdps(30):
    ...     print(arb_enclose(sp.sqrt(2) - sp.Rational(7, 5)))
    [0.014213562373095048801688724210 +/- 7.06e-31]
    """
    if isinstance(expr, sp.Rational):
        return arb(fmpq(int(expr.p), int(expr.q)))
    if expr is sp.pi:
        return arb.pi()
    if expr is sp.E:
        return arb.const_e()
    if isinstance(expr, sp.Pow) and expr.exp.is_Rational:
        base, (n, d) = arb_enclose(expr.base), (int(expr.exp.p), int(expr.exp.q))
        root = base if d == 1 else base.sqrt() if d == 2 else base.root(d) if base > 0 else arb("nan")
        out = arb(1)
        for _ in range(abs(n)):  # repeated products: arb's own power is NaN on a ball around 0
            out *= root
        return 1 / out if n < 0 else out
    args = [arb_enclose(a) for a in expr.args]
    if isinstance(expr, sp.Add):
        return sum(args[1:], args[0])
    if isinstance(expr, sp.Mul):
        out = args[0]
        for a in args[1:]:
            out *= a
        return out
    if isinstance(expr, sp.Abs):
        return abs(args[0])
    if isinstance(expr, sp.exp):
        return args[0].exp()
    if isinstance(expr, sp.log):
        return args[0].log()
    raise InputError(f"cannot enclose {show_value(expr)}: {type(expr).__name__} is not supported")


_X = sp.Dummy("x")


def _box(box) -> list:
    """A box as a list of iv intervals: pairs (lo, hi) of exact numbers, or iv intervals.

    A single pair of numbers is a 1-D box.  Endpoints are rounded outward, so the box used
    contains the box given; the result reports the box actually used.
    """
    ivtype = type(iv.mpf(0))
    if isinstance(box, ivtype):
        box = [box]
    if isinstance(box, (str, bytes)) or not isinstance(box, Sequence) or len(box) == 0:
        raise InputError(f"box must be a non-empty list of (lo, hi) pairs, got {show_value(box)}")
    if len(box) == 2 and not any(isinstance(c, (Sequence, ivtype)) and not isinstance(c, str) for c in box):
        box = [tuple(box)]
    out = []
    for i, c in enumerate(box):
        if isinstance(c, ivtype):
            lo, hi = _lo(c), _hi(c)
            if not (mp.isfinite(lo) and mp.isfinite(hi)):
                raise InputError(f"box[{i}] must be bounded, got {c}")
            out.append(c)
            continue
        if isinstance(c, (str, bytes)) or not isinstance(c, Sequence) or len(c) != 2:
            raise InputError(f"box[{i}] must be a pair (lo, hi), got {show_value(c)}")
        lo, hi = exact(c[0], f"box[{i}] lower end"), exact(c[1], f"box[{i}] upper end")
        if lo > hi:
            raise InputError(f"box[{i}] is empty: lower end {lo} > upper end {hi}")
        out.append(iv.mpf([_lo(enclose(lo)), _hi(enclose(hi))]))
    return out


def _is_vector(value) -> bool:
    return isinstance(value, (Sequence, mp.matrix, iv.matrix)) and not isinstance(value, str)


def _as_list(value, n: int | None, what: str) -> list:
    """A callable's result as a list of intervals (a bare interval counts as length 1)."""
    if not _is_vector(value):
        value = [value]
    if isinstance(value, (mp.matrix, iv.matrix)):
        value = [value[i] for i in range(value.rows * value.cols)]
    value = list(value)
    if n is not None and len(value) != n:
        raise InputError(f"{what} returned {len(value)} components, expected {n}")
    return [iv.mpf(x) for x in value]


def _as_matrix(value, n: int, what: str) -> list[list]:
    if isinstance(value, (mp.matrix, iv.matrix)):
        if (value.rows, value.cols) != (n, n):
            raise InputError(f"{what} returned a {value.rows}x{value.cols} matrix, expected {n}x{n}")
        return [[iv.mpf(value[i, j]) for j in range(n)] for i in range(n)]
    if n == 1 and not isinstance(value, Sequence):
        return [[iv.mpf(value)]]
    rows = [row if isinstance(row, Sequence) else [row] for row in value]
    if len(rows) != n or any(len(r) != n for r in rows):
        raise InputError(f"{what} must return an {n}x{n} matrix")
    return [[iv.mpf(x) for x in r] for r in rows]


@dataclass(frozen=True)
class KrawczykResult:
    """Outcome of one Krawczyk test on ``box`` (tuples of iv intervals at ``dps`` digits).

    ``status`` is ``"unique zero"`` (K ⊂ int box: exactly one zero in box, and it lies in
    ``image``), ``"zero exists"`` (K ⊆ box), ``"no zero"`` (K ∩ box = ∅) or ``"undecided"``.
    """

    box: tuple
    image: tuple
    center: tuple
    dps: int
    status: str

    @property
    def exists(self) -> bool:
        return self.status in ("unique zero", "zero exists")

    @property
    def unique(self) -> bool:
        return self.status == "unique zero"

    @property
    def excluded(self) -> bool:
        return self.status == "no zero"

    def describe(self) -> str:
        """One line for a proof record: the box, the image and what was proved."""
        fmt = lambda xs: " × ".join(f"[{mp.nstr(_lo(x), 12)}, {mp.nstr(_hi(x), 12)}]" for x in xs)  # noqa: E731
        return f"Krawczyk at {self.dps} digits: K({fmt(self.box)}) = {fmt(self.image)}: {self.status}"


def krawczyk(F: Callable, DF: Callable, box, center=None, dps: int = 30) -> KrawczykResult:
    """Apply the Krawczyk operator once to prove (or exclude) a zero of F: Rⁿ → Rⁿ in ``box``.

    F(x) and DF(x) take a list of n ``mpmath.iv`` intervals and return n intervals and an n×n
    matrix (nested lists or ``iv.matrix``) enclosing F and its Jacobian over x.  Constants in
    them should be exact or intervals (``iv.mpf("0.1")``), never floats standing for decimals.

    Theorem (Krawczyk 1969; Moore 1977; Rump 1983; Neumaier, *Interval Methods for Systems of
    Equations*, 1990, §5.1).  Let F be C¹ on the box X, c ∈ X, Y any real n×n matrix, and A an
    interval matrix containing F'(x) for all x ∈ X.  Let K(X) = c − Y·F(c) + (I − Y·A)(X − c).
    Then (i) every zero of F in X lies in K(X), so K(X) ∩ X = ∅ proves there is none;
    (ii) K(X) ⊆ X proves a zero exists in X (Brouwer); (iii) K(X) ⊆ int X proves the zero in X
    is unique.  Here c is the midpoint of X unless given,
    Y ≈ (mid A)⁻¹ computed in mp, and all of K is evaluated with outward rounding at ``dps``.
    """
    dps = check_dps(dps)
    with iv_workdps(dps):
        X = _box(box)
        n = len(X)
        if center is None:
            c = [(_lo(x) + _hi(x)) / 2 for x in X]
        else:
            c = [to_mpf(v) for v in exact_vector(center, n, "center")]
        if any(not (_lo(x) <= ci <= _hi(x)) for x, ci in zip(X, c)):
            raise InputError("center must lie in the box")
        C = [iv.mpf(ci) for ci in c]  # thin intervals: c is exactly representable
        Fc = _as_list(F(C), n, "F")
        A = _as_matrix(DF(X), n, "DF")
        mid = mp.matrix([[(_lo(a) + _hi(a)) / 2 for a in row] for row in A])
        try:
            Yp = mp.inverse(mid)
        except ZeroDivisionError:
            return KrawczykResult(tuple(X), tuple(X), tuple(c), dps, "undecided")
        Y = [[iv.mpf(Yp[i, j]) for j in range(n)] for i in range(n)]
        K = []
        for i in range(n):
            k = C[i] - sum((Y[i][j] * Fc[j] for j in range(n)), iv.mpf(0))
            for m in range(n):
                YA = sum((Y[i][j] * A[j][m] for j in range(n)), iv.mpf(0))
                k += ((1 if i == m else 0) - YA) * (X[m] - C[m])
            K.append(k)
        if any(_hi(k) < _lo(x) or _lo(k) > _hi(x) for k, x in zip(K, X)):
            status = "no zero"
        elif all(_lo(x) < _lo(k) and _hi(k) < _hi(x) for k, x in zip(K, X)):
            status = "unique zero"
        elif all(_lo(x) <= _lo(k) and _hi(k) <= _hi(x) for k, x in zip(K, X)):
            status = "zero exists"
        else:
            status = "undecided"
    return KrawczykResult(tuple(X), tuple(K), tuple(c), dps, status)


def iv_bound(f: Callable, box, splits: int = 1, dps: int = 30):
    """Rigorous enclosure of the range of f over ``box`` (a list of (lo, hi) pairs).

    f takes a list of iv intervals and returns one interval or a list of them.  Each coordinate
    is cut into ``splits`` pieces and the hull of f over all sub-boxes is returned: by inclusion
    isotonicity it contains f(x) for every x in the box (more splits, tighter bound).
    """
    dps = check_dps(dps)
    splits = check_count(splits, "splits", least=1)
    with iv_workdps(dps):
        X = _box(box)
        pieces = []
        for x in X:
            lo, hi = _lo(x), _hi(x)
            cuts = [lo] + [lo + (hi - lo) * k / splits for k in range(1, splits)] + [hi]
            pieces.append([iv.mpf([min(a, b), max(a, b)]) for a, b in itertools.pairwise(cuts)])
        lows: list | None = None
        highs: list | None = None
        for sub in _product(pieces):
            value = f(list(sub))
            single = not _is_vector(value)
            vals = _as_list(value, None if lows is None else len(lows), "f")
            if lows is None or highs is None:  # the first sub-box (they are set together)
                lows, highs = [_lo(v) for v in vals], [_hi(v) for v in vals]
            else:
                lows = [min(a, _lo(v)) for a, v in zip(lows, vals)]
                highs = [max(b, _hi(v)) for b, v in zip(highs, vals)]
        assert lows is not None and highs is not None  # the box is non-empty and splits >= 1: one sub-box at least
        out = [iv.mpf([a, b]) for a, b in zip(lows, highs)]
    return out[0] if single else out


def _product(lists):
    if not lists:
        yield ()
        return
    for head in lists[0]:
        for rest in _product(lists[1:]):
            yield (head, *rest)
