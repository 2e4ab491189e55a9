"""Gradient descent on the quadratic model in parameter space: exact, mpmath and float64.

Three tiers, each with a stated precision (interval arithmetic, the fourth, is :mod:`eos_theory.numbers.intervals`):

* :func:`gd_exact` — parameter-space gradient descent in exact rationals (``Fraction``); the
  reference that derived maps are checked against.
* :func:`gd_mp` — the same iteration in mpmath at a stated number of digits, inside a local
  ``mp.workdps`` context; plain scalar loops so it runs as fast as hand-written mpmath.
* :func:`sweep` — float64 GD vectorised across parameter values, for bifurcation diagrams only
  (floats are never evidence for a symbolic claim).

Inputs are validated up front; bad input raises :class:`~eos_theory.numbers.parse.InputError` with
a one-line message.  Numbers are read exactly by :func:`eos_theory.numbers.parse.exact`.

>>> p = Problem.diagonal([-1, 2], target=1, lr="1/10")
>>> it = gd_exact(p, [1, 1], 2)
>>> it[1]
(Fraction(19, 20), Fraction(11, 10))
>>> reduced(p, it[0])                    # (z̃, T̃) = (η z, η θᵀQ²θ)
(Fraction(-1, 20), Fraction(1, 2))
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import sympy as sp
from mpmath import mp, mpf

from eos_theory.numbers.parse import (
    InputError,
    _positive,
    check_count,
    check_dps,
    exact,
    exact_vector,
    show_value,
    to_mpf,
)

__all__ = ["GDResult", "Problem", "gd_exact", "gd_mp", "reduced", "sweep"]


def _rows(Q) -> list[list]:
    """Q as a list of rows, from a list of lists, a numpy array or a SymPy Matrix."""
    if isinstance(Q, sp.MatrixBase):
        return Q.tolist()
    if isinstance(Q, np.ndarray):
        if Q.ndim != 2:
            raise InputError(f"Q must be a 2-D matrix, got an array with {Q.ndim} dimension(s)")
        return Q.tolist()
    if isinstance(Q, (str, bytes)) or not isinstance(Q, Sequence):
        raise InputError(f"Q must be a matrix (list of rows, numpy array or SymPy Matrix), got {show_value(Q)}")
    rows = []
    for i, row in enumerate(Q):
        if isinstance(row, np.ndarray):
            row = row.tolist()
        if isinstance(row, (str, bytes)) or not isinstance(row, Sequence):
            raise InputError(f"Q must be a list of rows; row {i} is {show_value(row)}")
        rows.append(list(row))
    return rows


def _matrix(Q) -> tuple[tuple[Fraction, ...], ...]:
    rows = _rows(Q)
    n = len(rows)
    if n == 0 or any(len(r) != n for r in rows):
        shape = f"{n}x{'/'.join(sorted({str(len(r)) for r in rows})) or 0}"
        raise InputError(f"Q must be a non-empty square matrix, got shape {shape}")
    M = tuple(tuple(exact(x, f"Q[{i}][{j}]") for j, x in enumerate(r)) for i, r in enumerate(rows))
    for i in range(n):
        for j in range(i):
            if M[i][j] != M[j][i]:
                raise InputError(f"Q must be symmetric: Q[{i}][{j}] = {M[i][j]} but Q[{j}][{i}] = {M[j][i]}")
    return M


@dataclass(frozen=True)
class Problem:
    """A validated, exact GD problem: z = ½θᵀQθ − E, L = z²/2, step size η = ``lr``.

    Build it with :meth:`create` or :meth:`diagonal`, which convert and validate user input.
    """

    Q: tuple[tuple[Fraction, ...], ...]
    target: Fraction
    lr: Fraction

    def __post_init__(self):
        ok = (
            isinstance(self.Q, tuple)
            and self.Q
            and all(isinstance(r, tuple) and len(r) == len(self.Q) for r in self.Q)
            and all(isinstance(x, Fraction) for r in self.Q for x in r)
            and all(self.Q[i][j] == self.Q[j][i] for i in range(len(self.Q)) for j in range(i))
            and isinstance(self.target, Fraction)
            and isinstance(self.lr, Fraction)
            and self.lr > 0
        )
        if not ok:
            raise InputError("Problem fields must be exact; build it with Problem.create(Q, target, lr)")

    @classmethod
    def create(cls, Q, target, lr) -> Problem:
        """Validate and convert: Q square symmetric with finite exact entries, target finite, lr > 0."""
        return cls(_matrix(Q), exact(target, "target"), _positive(lr, "lr"))

    @classmethod
    def diagonal(cls, omegas, target, lr) -> Problem:
        """The eigenbasis problem Q = diag(ω_1, …, ω_P)."""
        if isinstance(omegas, np.ndarray):
            omegas = omegas.tolist()
        if isinstance(omegas, (str, bytes)) or not isinstance(omegas, Sequence) or len(omegas) == 0:
            raise InputError(f"omegas must be a non-empty sequence of numbers, got {show_value(omegas)}")
        w = [exact(x, f"omegas[{i}]") for i, x in enumerate(omegas)]
        zero = Fraction(0)
        Q = tuple(tuple(w[i] if i == j else zero for j in range(len(w))) for i in range(len(w)))
        return cls(Q, exact(target, "target"), _positive(lr, "lr"))

    @property
    def P(self) -> int:
        return len(self.Q)

    @property
    def is_diagonal(self) -> bool:
        return all(self.Q[i][j] == 0 for i in range(self.P) for j in range(self.P) if i != j)

    def theta(self, theta0) -> tuple[Fraction, ...]:
        """Validate a parameter vector for this problem (exact)."""
        return exact_vector(theta0, self.P)


# --------------------------------------------------------------------------------------------
# Exact gradient descent
# --------------------------------------------------------------------------------------------


def gd_exact(problem: Problem, theta0, steps: int) -> list[tuple[Fraction, ...]]:
    """Exact rational GD θ ← θ − η z Qθ, z = ½θᵀQθ − E; returns [θ_0, …, θ_steps].

    Each step triples the degree, so the size of the numbers grows like 3^steps: keep steps small
    (≲ 8).  This is the ground truth the derived maps and :func:`gd_mp` are checked against.
    """
    theta = problem.theta(theta0)
    steps = check_count(steps, "steps")
    Q, E, eta = problem.Q, problem.target, problem.lr
    out = [theta]
    for _ in range(steps):
        v = [sum((q * t for q, t in zip(row, theta)), Fraction(0)) for row in Q]
        z = sum((t * vi for t, vi in zip(theta, v)), Fraction(0)) / 2 - E
        c = eta * z
        theta = tuple(t - c * vi for t, vi in zip(theta, v))
        out.append(theta)
    return out


def reduced(problem: Problem, theta, dps: int | None = None):
    """(z̃, T̃) = (η z, η θᵀQ²θ) at θ: exact Fractions, or mpf at ``dps`` digits if given.

    T̃ is the η-normalised NTK η·JJᵀ with J = (Qθ)ᵀ; the edge of stability is T̃ = 2.
    """
    theta = problem.theta(theta)
    if dps is None:
        v = [sum(q * t for q, t in zip(row, theta)) for row in problem.Q]
        z = sum(t * vi for t, vi in zip(theta, v)) / 2 - problem.target
        return problem.lr * z, problem.lr * sum(vi * vi for vi in v)
    with mp.workdps(check_dps(dps)):
        Q = [[to_mpf(q) for q in row] for row in problem.Q]
        th = [to_mpf(t) for t in theta]
        eta = to_mpf(problem.lr)
        v = [mp.fdot(row, th) for row in Q]
        z = mp.fdot(th, v) / 2 - to_mpf(problem.target)
        return +(eta * z), +(eta * mp.fdot(v, v))


# --------------------------------------------------------------------------------------------
# mpmath gradient descent
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GDResult:
    """Outcome of :func:`gd_mp`.

    ``theta`` is θ_steps.  With ``record``, ``zt[k]`` and ``Tt[k]`` are z̃ = ηz and T̃ = η·θᵀQ²θ
    at θ_k for k = 0..steps (so ``steps + 1`` values each); otherwise they are ``None``.  Values
    were computed at ``dps`` digits; print them inside ``mp.workdps(dps)`` to see every digit.
    """

    theta: tuple[mpf, ...]
    dps: int
    steps: int
    zt: tuple[mpf, ...] | None = None
    Tt: tuple[mpf, ...] | None = None


def gd_mp(problem: Problem, theta0, steps: int, dps: int = 50, record: bool = False) -> GDResult:
    """Parameter-space GD θ ← θ − η z Qθ at ``dps`` digits, in a local mpmath context.

    Inputs are rounded once to ``dps`` digits; every operation then rounds to nearest at that
    precision.  The hot loop is plain scalar mpf arithmetic (no SymPy, no ``mpmath.matrix``);
    for diagonal Q it is θ_i ← θ_i − z̃ ω_i θ_i with z̃ = ηz.
    """
    theta = problem.theta(theta0)
    steps = check_count(steps, "steps")
    dps = check_dps(dps)
    if not isinstance(record, bool):
        raise InputError(f"record must be True or False, got {show_value(record)}")
    with mp.workdps(dps):
        th = [to_mpf(t) for t in theta]
        eta = to_mpf(problem.lr)
        eta_E = to_mpf(problem.lr * problem.target)  # ηE rounded once
        if problem.is_diagonal:
            w = [to_mpf(problem.Q[i][i]) for i in range(problem.P)]
            th, zts, Tts = _loop_diagonal(w, th, eta, eta_E, steps, record)
        else:
            Q = [[to_mpf(q) for q in row] for row in problem.Q]
            th, zts, Tts = _loop_dense(Q, th, eta, eta_E, steps, record)
    return GDResult(tuple(th), dps, steps, zts, Tts)


def _loop_diagonal(w, th, eta, eta_E, steps, record):
    """Diagonal Q: z̃ = Σ (ηω_i/2) θ_i² − ηE, then θ_i ← θ_i − z̃ ω_i θ_i."""
    a = [eta * wi / 2 for wi in w]
    if not record:
        for _ in range(steps):
            zt = -eta_E
            for ai, ti in zip(a, th):
                zt += ai * (ti * ti)
            th = [ti - zt * wi * ti for wi, ti in zip(w, th)]
        return th, None, None
    g = [eta * wi * wi for wi in w]  # T̃ = Σ ηω_i² θ_i²
    zts, Tts = [], []
    for k in range(steps + 1):
        zt = -eta_E
        Tt = 0
        for ai, gi, ti in zip(a, g, th):
            sq = ti * ti
            zt += ai * sq
            Tt += gi * sq
        zts.append(zt)
        Tts.append(Tt)
        if k < steps:
            th = [ti - zt * wi * ti for wi, ti in zip(w, th)]
    return th, tuple(zts), tuple(Tts)


def _loop_dense(Q, th, eta, eta_E, steps, record):
    """General symmetric Q: v = Qθ, z̃ = (η/2)·θ·v − ηE, T̃ = η v·v, θ ← θ − z̃ v.

    Dot products use ``mp.fdot`` (one rounding per dot product): as fast as unrolled scalar code
    for small P and slightly more accurate.
    """
    fdot = mp.fdot
    half_eta = eta / 2
    zts, Tts = [], []
    for k in range(steps + 1):
        v = [fdot(row, th) for row in Q]
        zt = half_eta * fdot(th, v) - eta_E
        if record:
            zts.append(zt)
            Tts.append(eta * fdot(v, v))
        if k < steps:
            th = [t - zt * vi for t, vi in zip(th, v)]
    return th, (tuple(zts) if record else None), (tuple(Tts) if record else None)


# --------------------------------------------------------------------------------------------
# float64 sweep for bifurcation diagrams
# --------------------------------------------------------------------------------------------


def sweep(omega1, omega2, target, lr, theta0, steps: int, tail: int) -> np.ndarray:
    """η·NTK of the last ``tail`` iterates of diagonal-Q parameter-space GD, for many parameters.

    omega1, omega2, target, lr and the two components of theta0 are scalars or arrays that
    broadcast to a common shape S (one GD run per element, vectorised in float64).  Returns an
    array of shape S + (tail,) holding T̃(θ_k) = η(ω_1²θ_1² + ω_2²θ_2²) for
    k = steps − tail + 1, …, steps (the same values as ``gd_mp(..., record=True).Tt[-tail:]``).
    Runs that diverge give inf or nan.  For plots only: floats are not evidence.

    The arithmetic is gd_mp's diagonal loop operation for operation, so with dyadic inputs it
    reproduces ``gd_mp(..., dps=15)`` (53-bit round-to-nearest) bit for bit.
    """
    steps = check_count(steps, "steps")
    tail = check_count(tail, "tail", least=1)
    if tail > steps + 1:
        raise InputError(f"tail must be <= steps + 1 = {steps + 1}, got {tail}")
    if isinstance(theta0, (str, bytes)) or not isinstance(theta0, (Sequence, np.ndarray)) or len(theta0) != 2:
        raise InputError(f"theta0 must be a pair (theta_1, theta_2), got {show_value(theta0)}")
    names = ("omega1", "omega2", "target", "lr", "theta0[0]", "theta0[1]")
    arrays = []
    for name, value in zip(names, (omega1, omega2, target, lr, theta0[0], theta0[1])):
        try:
            a = np.asarray(value, dtype=np.float64)
        except (TypeError, ValueError):
            raise InputError(f"{name} must be a number or numeric array, got {show_value(value)}") from None
        if not np.all(np.isfinite(a)):
            raise InputError(f"{name} must be finite")
        arrays.append(a)
    if not np.all(arrays[3] > 0):
        raise InputError("lr must be > 0")
    try:
        w1, w2, E, eta, t1, t2 = np.broadcast_arrays(*arrays)
    except ValueError:
        raise InputError("omega1, omega2, target, lr and theta0 do not broadcast to a common shape") from None
    shape = w1.shape
    w1, w2, E, eta = (np.ascontiguousarray(x, dtype=np.float64).ravel() for x in (w1, w2, E, eta))
    t1, t2 = (np.array(x, dtype=np.float64).ravel() for x in (t1, t2))  # copies: updated in place
    a1, a2, eE = eta * w1 / 2, eta * w2 / 2, eta * E  # z̃ = a1 θ1² + a2 θ2² − ηE
    g1, g2 = eta * w1 * w1, eta * w2 * w2  # T̃ = g1 θ1² + g2 θ2²
    out = np.empty((tail, w1.size))
    zt, s, u = np.empty_like(w1), np.empty_like(w1), np.empty_like(w1)
    first = steps + 1 - tail
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(steps + 1):
            if k >= first:
                np.multiply(t1, t1, out=s)
                np.multiply(g1, s, out=s)
                np.multiply(t2, t2, out=u)
                np.multiply(g2, u, out=u)
                np.add(s, u, out=out[k - first])
            if k == steps:
                break
            # z̃ = (a1·θ1² − ηE) + a2·θ2² ;  θ_i ← θ_i − (z̃·ω_i)·θ_i
            # (the operations of gd_mp's diagonal loop, in the same order)
            np.multiply(t1, t1, out=zt)
            np.multiply(a1, zt, out=zt)
            np.subtract(zt, eE, out=zt)
            np.multiply(t2, t2, out=s)
            np.multiply(a2, s, out=s)
            np.add(zt, s, out=zt)
            np.multiply(zt, w1, out=s)
            np.multiply(s, t1, out=s)
            np.subtract(t1, s, out=t1)
            np.multiply(zt, w2, out=s)
            np.multiply(s, t2, out=s)
            np.subtract(t2, s, out=t2)
    return out.T.reshape((*shape, tail))
