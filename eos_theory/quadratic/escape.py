"""Proven escape regions of gradient descent, and rigorous tests of membership.

A point in an escape region provably diverges under exact GD: z̃ = ηz at least doubles every step
(claims ``escape-separated`` and ``escape-symmetric`` in ``proofs/escape.py``).  A run that enters
one can stop and say "diverged" with a certificate instead of iterating numbers that only grow.

* Separated spectrum (any P): if every positive eigenvalue exceeds every |negative| one, with
  rational bounds m ≤ min ω₊ and M ≥ max |ω₋|, the region is z̃ ≥ Z with
  Z = max(3/m, 2/(m − M), −2ηE); the mirror (negative eigenvalues dominant) is z̃ ≤ −Z.
* Symmetric spectrum (P = 2, eigenvalues ±w, i.e. tr Q = 0): with x = wz̃, ε = ηEw,
  σ = w(z̃ + ηE), T̃ = ηw²|θ|², π = (T̃² − 4σ²)/4, the regions
  R₊(S) = {x ≥ 50S, x ≥ −2ε, π(x + 20S) ≤ (S² − 1)σ²x} for integers S ≥ 1, and the mirror R₋(S).

Membership is decided in interval arithmetic (``mpmath.iv``) from an enclosure of θ: a box from an
interval run, or a thin box holding an mpf iterate exactly.  Every constant enters as an exact
rational enclosed outward, and eigenvalue bounds come from exact real-root isolation of the
characteristic polynomial, so a positive answer is a proof, not an estimate.

>>> cert = certificate(Problem.diagonal([1, 4], target=1, lr="6/5"))
>>> cert.thresholds                  # Z = max(3/1, 2/1, −12/5): the region z̃ ≥ 3 (no mirror: Q > 0)
(Fraction(3, 1), None)
>>> cert.test([iv.mpf(2), iv.mpf(1)])  # z̃ = (6/5)(2 + 2 − 1) = 18/5 ≥ 3
'z̃ ≥ 3 (claim escape-separated)'
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

import sympy as sp
from mpmath import iv, mp

from eos_theory.numbers.intervals import enclose, iv_workdps
from eos_theory.quadratic.gd import Problem

__all__ = ["Certificate", "certificate", "eigenvalue_bounds"]

SEPARATED, SYMMETRIC = "escape-separated", "escape-symmetric"  #: the claim ids of the two lemmas


def eigenvalue_bounds(Q: Sequence[Sequence[Fraction]], rel_width: int = 20) -> list[tuple[Fraction, Fraction]]:
    """Rational enclosures (lo, hi) of the distinct real eigenvalues of a symmetric rational Q.

    Exact: real-root isolation of the characteristic polynomial over ℚ (SymPy), refined until every
    interval is either the exact point (0, 0) or excludes 0 and has width ≤ 2^(−rel_width)·|lo|.
    A diagonal Q gives its entries exactly.

    >>> eigenvalue_bounds([[Fraction(2), Fraction(1)], [Fraction(1), Fraction(2)]])   # eigenvalues 1 and 3
    [(Fraction(1, 1), Fraction(1, 1)), (Fraction(3, 1), Fraction(3, 1))]
    """
    n = len(Q)
    if all(Q[i][j] == 0 for i in range(n) for j in range(n) if i != j):
        return sorted({(Q[i][i], Q[i][i]) for i in range(n)})
    lam = sp.Symbol("lambda")
    M = sp.Matrix(n, n, lambda i, j: sp.Rational(Q[i][j].numerator, Q[i][j].denominator))
    poly = sp.Poly(M.charpoly(lam).as_expr(), lam, domain=sp.QQ)
    eps = sp.Rational(1, 2**10)
    while True:
        out = [
            (
                Fraction(int(sp.Rational(a).p), int(sp.Rational(a).q)),
                Fraction(int(sp.Rational(b).p), int(sp.Rational(b).q)),
            )
            for (a, b), _ in poly.intervals(eps=eps)
        ]
        if all(lo == hi or (lo * hi > 0 and (hi - lo) * 2**rel_width <= min(abs(lo), abs(hi))) for lo, hi in out):
            return sorted(out)
        eps /= 2**16


@dataclass(frozen=True)
class Certificate:
    """The escape regions available for one problem (computed once, exactly).

    ``lemma`` is the claim id.  Separated lemma: ``thresholds`` = (Z₊, Z₋), the regions z̃ ≥ Z₊ and
    z̃ ≤ −Z₋ (None where a side does not apply).  Symmetric lemma: ``thresholds`` = (None, None) and
    w², a lower bound of w instead.  ``trigger`` is a |z̃| below which no region can contain θ, so
    callers can skip the test.
    """

    problem: Problem
    lemma: str
    thresholds: tuple[Fraction | None, Fraction | None]
    trigger: Fraction
    w_squared: Fraction | None = None  #: symmetric lemma: w² = −det Q
    w_lower: Fraction | None = None  #: symmetric lemma: a rational lower bound of w

    def test(self, theta, dps: int = 50) -> str | None:
        """A one-line description of the escape region containing every point of the box ``theta``
        (a sequence of ``mpmath.iv`` intervals, or of mpf numbers taken as exact points), else None."""
        with iv_workdps(max(dps, mp.dps) + 10):
            box = [x if isinstance(x, type(iv.mpf(0))) else iv.mpf(x) for x in theta]
            zt = _ztilde(self.problem, box)
            if self.lemma == SEPARATED:
                return self._separated(zt)
            return self._symmetric(zt, box)

    def _separated(self, zt) -> str | None:
        up, down = self.thresholds
        if up is not None and _lo(zt - enclose(up)) >= 0:
            return f"z̃ ≥ {up} (claim {SEPARATED})"
        if down is not None and _hi(zt + enclose(down)) <= 0:
            return f"z̃ ≤ −{down} (claim {SEPARATED})"
        return None

    def _symmetric(self, zt, box) -> str | None:
        eta_E = enclose(self.problem.lr * self.problem.target)
        eta, w2, w_lo = enclose(self.problem.lr), enclose(self.w_squared), enclose(self.w_lower)
        norm2 = sum((x**2 for x in box), iv.mpf(0))
        s0 = zt + eta_E  # σ/w
        p0 = eta**2 * w2 * norm2**2 / 4 - s0**2  # π/w²
        s0_sq = s0**2
        for side, x_over_w, tail in ((+1, zt, zt + 2 * eta_E), (-1, -zt, -zt - 2 * eta_E)):
            if not (_lo(x_over_w) > 0 and _lo(tail) >= 0 and _lo(s0_sq) > 0):  # x > 0, x ≥ −2ε (mirrored)
                continue
            # R₊(S) needs S² − 1 > δ = π/σ² and x ≥ 50S: try the integers in between (rounding here only
            # picks the candidates; the test below is rigorous).
            delta = max(_hi(p0), 0) / _lo(s0_sq)
            first = max(1, int(mp.floor(mp.sqrt(1 + delta))))
            last = min(int(mp.floor(_lo(w_lo * x_over_w) / 50)), first + 64)
            for S in range(first, last + 1):
                K = (S * S - 1) * s0_sq - p0  # π(x + 20S) ≤ (S² − 1)σ²x ⇔ 20S·p0 ≤ w·(x/w)·K
                if _lo(w_lo * x_over_w) >= 50 * S and _lo(K) >= 0 and _lo(w_lo * x_over_w * K - 20 * S * p0) >= 0:
                    name, sign = ("R₊", "") if side > 0 else ("R₋", "−")
                    return f"{name}({S}): {sign}x = {sign}wz̃ ≥ {50 * S} (claim {SYMMETRIC})"
        return None


def _lo(x):
    return mp.make_mpf(x._mpi_[0])


def _hi(x):
    return mp.make_mpf(x._mpi_[1])


def _ztilde(problem: Problem, box):
    """z̃ = η(½θᵀQθ − E) over an interval box, with exact constants enclosed."""
    Q = problem.Q
    n = len(Q)
    if problem.is_diagonal:
        quad = sum((enclose(Q[i][i]) * box[i] ** 2 for i in range(n)), iv.mpf(0))
    else:
        quad = sum((enclose(Q[i][i]) * box[i] ** 2 for i in range(n)), iv.mpf(0)) + 2 * sum(
            (enclose(Q[i][j]) * box[i] * box[j] for i in range(n) for j in range(i + 1, n)), iv.mpf(0)
        )
    return enclose(problem.lr) * (quad / 2 - enclose(problem.target))


def _sqrt_lower(q: Fraction, bits: int = 96) -> Fraction:
    """A rational lower bound of √q (q ≥ 0) within 2^(−bits)·(1 + √q)."""
    scale = 1 << (2 * bits)
    return Fraction(math.isqrt(q.numerator * scale // q.denominator), 1 << bits)


def certificate(problem: Problem, theta0=None) -> Certificate | None:
    """The escape regions proven for this problem, or None if neither lemma applies.

    The separated lemma needs a positive eigenvalue larger than every |negative| one (or the
    mirror); the symmetric lemma covers P = 2 with tr Q = 0 and det Q < 0.  For a diagonal Q and a
    start ``theta0``, eigenvalues whose component of θ₀ is exactly 0 are left out: that component
    stays 0 under GD, so they play no part (claim escape-separated).
    """
    Q, eta_E = problem.Q, problem.lr * problem.target
    keep: Sequence[int] = range(problem.P)
    if theta0 is not None and problem.is_diagonal:
        keep = [i for i, t in enumerate(problem.theta(theta0)) if t != 0]
    if len(keep) == problem.P and problem.P == 2 and Q[0][0] + Q[1][1] == 0 and Q[0][0] * Q[1][1] - Q[0][1] ** 2 < 0:
        w2 = -(Q[0][0] * Q[1][1] - Q[0][1] ** 2)
        w_lo = _sqrt_lower(w2)
        return Certificate(problem, SYMMETRIC, (None, None), 50 / (w_lo + 1), w2, w_lo)
    bounds = eigenvalue_bounds(Q) if len(keep) == problem.P else sorted({(Q[i][i], Q[i][i]) for i in keep})
    pos = [(lo, hi) for lo, hi in bounds if lo > 0]
    neg = [(lo, hi) for lo, hi in bounds if hi < 0]
    up = down = None
    if pos:
        m, M = min(lo for lo, _ in pos), max((-lo for lo, _ in neg), default=Fraction(0))
        if m > M:
            up = max(3 / m, 2 / (m - M), -2 * eta_E)
    if neg:
        m, M = min(-hi for _, hi in neg), max((hi for _, hi in pos), default=Fraction(0))
        if m > M:
            down = max(3 / m, 2 / (m - M), 2 * eta_E)
    if up is None and down is None:
        return None
    return Certificate(problem, SEPARATED, (up, down), min(z for z in (up, down) if z is not None))
