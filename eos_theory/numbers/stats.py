"""Confidence intervals for estimates from independent runs: a mean (Student t) and a proportion
(Clopper–Pearson), with the quantiles computed by mpmath rather than read from tables.

* :func:`mean_interval` — samples x₁ … x_R that are independent and identically distributed (for
  example, time averages of R runs from independent seeded starts): x̄ ± t_{R−1}·s/√R.  Its level
  is exact for normal samples and asymptotic otherwise (a time average over a long run is close to
  normal by the central limit theorem; that is an assumption, stated wherever it is used).
* :func:`proportion_interval` — k successes in n independent trials: the Clopper–Pearson interval,
  whose coverage is at least the level for every true proportion (it is conservative, never
  anti-conservative like the Wald interval, and it contains 0 or 1 when k = 0 or k = n).

>>> est = proportion_interval(0, 64)
>>> est.value, est.low, round(est.high, 4)         # 1 − 0.025^(1/64) = 0.0560
(0.0, 0.0, 0.056)
>>> round(t_quantile(0.975, 9), 6)                 # Student's table: 2.262157
2.262157
"""

from __future__ import annotations

import functools
import math
import numbers
from collections.abc import Sequence
from dataclasses import dataclass

from mpmath import mp

from eos_theory.numbers.parse import InputError, check_count, show_value

__all__ = ["Estimate", "beta_quantile", "mean_interval", "normal_quantile", "proportion_interval", "t_quantile"]

_DPS = 30  #: working precision of the quantile computations (results are rounded to float64)


@dataclass(frozen=True)
class Estimate:
    """A point estimate with a two-sided confidence interval [low, high] at ``level``."""

    value: float
    low: float
    high: float
    level: float  #: e.g. 0.95
    method: str  #: how the interval was obtained, in words
    samples: int  #: R runs for a mean, n trials for a proportion

    def excludes(self, x: float) -> bool:
        """Whether the interval lies strictly on one side of x (so the estimate differs from x at this level)."""
        return self.high < x or self.low > x

    def __str__(self) -> str:
        return f"{self.value:.6g} [{self.low:.6g}, {self.high:.6g}] ({self.level:.0%})"


def _level(level) -> float:
    # typeshed's numbers.Real declares only __lt__/__le__; every concrete Real (int, float, Fraction, numpy) has __gt__
    if isinstance(level, bool) or not isinstance(level, numbers.Real) or not 0 < level < 1:  # type: ignore[operator]
        raise InputError(f"level must be a number strictly between 0 and 1, got {show_value(level)}")
    return float(level)


def normal_quantile(p: float) -> float:
    """The standard normal quantile Φ⁻¹(p), 0 < p < 1 (1.959964 at p = 0.975).

    >>> round(normal_quantile(0.975), 6)
    1.959964
    """
    p = _level(p)
    with mp.workdps(_DPS):
        return float(mp.sqrt(2) * mp.erfinv(2 * mp.mpf(p) - 1))


def _bisect(f, lo, hi, increasing: bool = True):
    """The root of a monotone f on [lo, hi] by bisection to the working precision (robust where Newton is not)."""
    for _ in range(mp.prec + 10):
        mid = (lo + hi) / 2
        if mid in (lo, hi):
            break
        if (f(mid) < 0) == increasing:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def t_quantile(p: float, dof: int) -> float:
    """Student's t quantile with ``dof`` degrees of freedom, 1/2 ≤ p < 1.

    From the distribution function F(t) = 1 − ½·I_{ν/(ν+t²)}(ν/2, ½) (I the regularised incomplete
    beta function), solved for F(t) = p by bisection at 30 digits (cached: a run asks for few).
    """
    p = _level(p)
    dof = check_count(dof, "degrees of freedom", least=1)
    if p < 0.5:
        raise InputError(f"t_quantile takes p >= 1/2 (use symmetry below), got {p}")
    return _t_quantile(p, dof)


@functools.lru_cache(maxsize=256)
def _t_quantile(p: float, dof: int) -> float:
    if p == 0.5:
        return 0.0
    with mp.workdps(_DPS):
        nu, target = mp.mpf(dof), mp.mpf(p)

        def cdf_minus_p(t):
            return 1 - mp.betainc(nu / 2, mp.mpf(1) / 2, 0, nu / (nu + t * t), regularized=True) / 2 - target

        hi = mp.mpf(1)
        while cdf_minus_p(hi) < 0:
            hi *= 2
        return float(_bisect(cdf_minus_p, mp.mpf(0), hi))


def beta_quantile(p: float, a: int, b: int) -> float:
    """The p-quantile of the Beta(a, b) distribution (integers a, b ≥ 1), by bisection at 30 digits."""
    return _beta_quantile(_level(p), check_count(a, "a", least=1), check_count(b, "b", least=1))


@functools.lru_cache(maxsize=1024)
def _beta_quantile(p: float, a: int, b: int) -> float:
    with mp.workdps(_DPS):
        A, B, target = mp.mpf(a), mp.mpf(b), mp.mpf(p)
        return float(_bisect(lambda x: mp.betainc(A, B, 0, x, regularized=True) - target, mp.mpf(0), mp.mpf(1)))


def mean_interval(samples: Sequence[float], level: float = 0.95, what: str = "independent runs") -> Estimate:
    """x̄ ± t·s/√R for R ≥ 2 finite i.i.d. samples (Student t with R − 1 degrees of freedom).

    >>> est = mean_interval([1.0, 2.0, 3.0, 4.0])        # x̄ = 2.5, s = 1.2910, t(0.975, 3) = 3.1824
    >>> round(est.low, 4), round(est.high, 4)
    (0.4457, 4.5543)
    """
    level = _level(level)
    xs = [float(x) for x in samples]
    if len(xs) < 2:
        raise InputError(f"a confidence interval for a mean needs at least 2 samples, got {len(xs)}")
    if not all(math.isfinite(x) for x in xs):
        raise InputError("samples must be finite numbers")
    R = len(xs)
    mean = math.fsum(xs) / R
    var = math.fsum((x - mean) ** 2 for x in xs) / (R - 1)
    half = t_quantile((1 + level) / 2, R - 1) * math.sqrt(var / R)
    return Estimate(
        mean,
        mean - half,
        mean + half,
        level,
        f"Student t interval over {R} {what} (t with {R - 1} degrees of freedom)",
        R,
    )


def proportion_interval(k: int, n: int, level: float = 0.95) -> Estimate:
    """k successes in n trials: estimate k/n and the Clopper–Pearson interval
    [B(α/2; k, n − k + 1), B(1 − α/2; k + 1, n − k)] (B the beta quantile; 0 if k = 0, 1 if k = n).

    >>> est = proportion_interval(5, 10)
    >>> round(est.low, 4), round(est.high, 4)
    (0.1871, 0.8129)
    """
    level = _level(level)
    n = check_count(n, "trials", least=1)
    k = check_count(k, "successes")
    if k > n:
        raise InputError(f"successes ({k}) exceed trials ({n})")
    alpha = 1 - level
    low = 0.0 if k == 0 else beta_quantile(alpha / 2, k, n - k + 1)
    high = 1.0 if k == n else beta_quantile(1 - alpha / 2, k + 1, n - k)
    return Estimate(k / n, low, high, level, f"Clopper–Pearson interval ({k} of {n})", n)
