"""Ball arithmetic (python-flint's ``arb``) for certified numerics: Krawczyk's test, eigenvalue separation, enclosures.

* :func:`krawczyk` – existence and uniqueness of a zero of F in a box, F and its Jacobian given as functions
  of arb balls (the same theorem as :func:`eos_theory.numbers.intervals.krawczyk`, on FLINT's arb rather
  than mpmath's experimental interval type: arb's functions are rigorously rounded);
* :func:`separated_top_eigenvalue` – that the largest eigenvalue of every symmetric matrix in a ball
  matrix is simple, with an enclosure of it (Gershgorin discs after an approximate diagonalisation);
* :func:`exact_fraction`, :func:`bounds` – a ball's midpoint and ends as exact fractions, and
  :func:`outward` – decimal strings that enclose a ball (rounded outward).

Precision is the caller's: ``flint.ctx.workdps`` (see :func:`eos_theory.anymodel.compiled.arb_dps`).

>>> from flint import arb, ctx
>>> with ctx.workdps(30):   # x² = 2 has exactly one zero in [1.4, 1.5]
...     res = krawczyk(lambda x: [x[0] ** 2 - 2], lambda x: [[2 * x[0]]], [Fraction(29, 20)], [Fraction(1, 20)])
...     print(res.status, outward(res.image[0], 12))
unique zero ('1.41421356237', '1.41421356238')
"""

from __future__ import annotations

import decimal
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
from flint import arb, arb_mat, fmpq, fmpz

__all__ = [
    "BallKrawczyk",
    "bounds",
    "exact_ball",
    "exact_fraction",
    "krawczyk",
    "outward",
    "separated_top_eigenvalue",
    "to_ball",
]


def exact_fraction(x: arb) -> Fraction:
    """The midpoint of a ball, exactly (an int or a Fraction is returned as a Fraction)."""
    if not isinstance(x, arb):
        return Fraction(x)
    pair = x.mid().man_exp()
    man, exp = int(pair[0]), int(pair[1])
    return Fraction(man * 2**exp) if exp >= 0 else Fraction(man, 2**-exp)


def bounds(x: arb) -> tuple[Fraction, Fraction]:
    """The ends of a ball, exactly (midpoint ∓ radius)."""
    mid, rad = exact_fraction(x), exact_fraction(x.rad())
    return mid - rad, mid + rad


def outward(x: arb, digits: int) -> tuple[str, str]:
    """Decimal strings with ``digits`` significant digits, the first ≤ every point of the ball, the second ≥."""
    lo, hi = bounds(x)
    return _directed(lo, digits, decimal.ROUND_FLOOR), _directed(hi, digits, decimal.ROUND_CEILING)


def _directed(q: Fraction, digits: int, rounding: str) -> str:
    with decimal.localcontext(prec=digits, rounding=rounding, Emax=decimal.MAX_EMAX, Emin=decimal.MIN_EMIN):
        d = decimal.Decimal(q.numerator) / decimal.Decimal(q.denominator)
    return format(d, "g") if d != 0 else "0"


def to_ball(value, radius=0) -> arb:
    """An exact number (Fraction, int, mpf, arb) as a ball of the given radius (an exact number too)."""
    if isinstance(value, arb) and not radius:
        return value
    mid = value if isinstance(value, arb) else _exact_arb(value)
    return mid if not radius else arb(mid.mid(), _exact_arb(radius))


def exact_ball(value) -> arb:
    """An exact number as a ball of radius 0 where it is a binary number (int, mpf, float), else the ball of
    the current precision that holds it (a Fraction p/q).  An arb is returned as it is."""
    if isinstance(value, arb):
        return value
    if isinstance(value, (bool, int, np.integer)):
        return arb(fmpz(int(value)))
    if hasattr(value, "_mpf_"):  # an mpmath mpf: (sign, mantissa, exponent, bits), exact
        sign, man, exp, _ = value._mpf_
        if not man:
            if exp:  # inf or nan
                raise ValueError(f"not a finite number: {value}")
            return arb(0)
        return arb((fmpz(-int(man) if sign else int(man)), fmpz(int(exp))))  # exact at any precision
    if hasattr(value, "numerator") and hasattr(value, "denominator") and not isinstance(value, float):
        return arb(fmpq(int(value.numerator), int(value.denominator)))
    return arb(float(value))


def _exact_arb(value) -> arb:
    return exact_ball(value).mid() if isinstance(value, arb) else exact_ball(value)


@dataclass(frozen=True)
class BallKrawczyk:
    """One Krawczyk test: ``status`` "unique zero" (the image lies in the box's interior: exactly one zero
    in the box, and it lies in ``image``), "zero exists", "no zero" or "undecided"."""

    status: str
    box: tuple  #: the balls tested
    image: tuple  #: K(box)

    @property
    def unique(self) -> bool:
        return self.status == "unique zero"


def krawczyk(F: Callable, DF: Callable, center: Sequence, radius: Sequence, tighten: int = 8) -> BallKrawczyk:
    """Krawczyk's operator K(X) = c − Y·F(c) + (I − Y·DF(X))(X − c) on the box X = [c ± radius], at the
    current arb precision.  F maps a list of balls to a list of balls; DF to a matrix of balls enclosing
    the Jacobian over its argument.  c and radius are exact numbers; Y ≈ mid(DF(X))⁻¹ (any matrix works:
    the theorem holds for every Y; a good one makes K small).  Once a unique zero is proved, K is applied
    again to its own image (which holds the zero) up to ``tighten`` times, for a tighter enclosure.

    Theorem (Krawczyk 1969; Neumaier, *Interval Methods for Systems of Equations*, 1990, §5.1): every zero
    of F in X lies in K(X); K(X) ⊆ X proves one exists; K(X) ⊂ int X proves it is unique in X.
    """
    X = [to_ball(c, rad) for c, rad in zip(center, radius)]
    status, image = _krawczyk_step(F, DF, X)
    if status != "unique zero":
        return BallKrawczyk(status, tuple(X), image)
    box = tuple(X)
    for _ in range(tighten):
        width = sum(exact_fraction(k.rad()) for k in image)
        inner = [k.intersection(x) for k, x in zip(image, X)]
        step, new = _krawczyk_step(F, DF, inner)
        if step == "no zero" or not all(x.contains(k) for k, x in zip(new, inner)):
            break  # cannot happen in exact arithmetic (the zero is in inner); rounding: keep what was proved
        X, image = inner, new
        if sum(exact_fraction(k.rad()) for k in image) > width / 2:
            break
    return BallKrawczyk("unique zero", box, tuple(image))


def _krawczyk_step(F: Callable, DF: Callable, X: list) -> tuple[str, tuple]:
    n = len(X)
    C = [x.mid() for x in X]
    Fc = arb_mat([[v] for v in F(C)])
    A = arb_mat([list(row) for row in DF(X)])
    if Fc.nrows() != n or A.nrows() != n or A.ncols() != n:
        raise ValueError(f"F and DF must have {n} rows (and DF {n} columns)")
    mid = arb_mat([[A[i, j].mid() for j in range(n)] for i in range(n)])
    try:
        Yb = mid.inv()
    except ZeroDivisionError:
        return "undecided", tuple(X)
    Y = arb_mat([[Yb[i, j].mid() for j in range(n)] for i in range(n)])
    if not all(Y[i, j].is_finite() for i in range(n) for j in range(n)):
        return "undecided", tuple(X)
    eye = arb_mat(n, n, [1 if i == j else 0 for i in range(n) for j in range(n)])
    D = arb_mat([[X[i] - C[i]] for i in range(n)])
    K = arb_mat([[c] for c in C]) - Y * Fc + (eye - Y * A) * D
    image = tuple(K[i, 0] for i in range(n))
    if any(not k.overlaps(x) for k, x in zip(image, X)):
        return "no zero", image
    if all(x.contains_interior(k) for k, x in zip(image, X)):
        return "unique zero", image
    if all(x.contains(k) for k, x in zip(image, X)):
        return "zero exists", image
    return "undecided", image


def separated_top_eigenvalue(A: Sequence[Sequence[arb]]) -> tuple[arb, arb] | None:
    """For a symmetric ball matrix A: (an enclosure of the largest eigenvalue, an upper bound of all the
    others) when the largest eigenvalue of every symmetric matrix in A is simple and separated from the
    rest; None when that is not proved.

    Method: Q ≈ eigenvectors of mid(A) (float64), B ⊇ Q⁻¹AQ (arb; a similarity, so B has A's eigenvalues),
    and Gershgorin's theorem on B: a disc disjoint from the union of the others holds exactly one eigenvalue;
    eigenvalues of a symmetric matrix are real, and the top disc lies above all the others."""
    n = len(A)
    if n == 1:
        return A[0][0], A[0][0] - A[0][0] - 1  # no other eigenvalue: any bound below will do
    mid = np.array([[float(exact_fraction(A[i][j])) for j in range(n)] for i in range(n)])
    _, vecs = np.linalg.eigh((mid + mid.T) / 2)
    Q = arb_mat([[arb(float(vecs[i, j])) for j in range(n)] for i in range(n)])
    try:
        B = Q.inv() * arb_mat([list(row) for row in A]) * Q
    except ZeroDivisionError:
        return None
    discs = []
    for i in range(n):
        radius = sum((abs(B[i, j]) for j in range(n) if j != i), arb(0))
        discs.append((B[i, i] - radius).union(B[i, i] + radius))
    top = max(range(n), key=lambda i: exact_fraction(discs[i]))
    others = [discs[i] for i in range(n) if i != top]
    upper_rest = others[0]
    for d in others[1:]:
        upper_rest = upper_rest.union(d)
    if not discs[top] > upper_rest:  # arb's comparison: true only when every point of one exceeds the other
        return None
    return discs[top], upper_rest
