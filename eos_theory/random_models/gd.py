"""Float64 gradient descent for the general second-order regression model, with its outcome.

The model has P parameters and D outputs (issue 10):

    z_α(θ) = ½θᵀQ_αθ + G_αᵀθ − E_α   (α = 1 … D),   L = ½|z|²,
    J = ∂z/∂θ (D × P, row α = Q_αθ + G_α),   NTK = JJᵀ (D × D),   Hessian = JᵀJ + Σ_α z_α Q_α (P × P),

and GD is θ ← θ − ηJᵀz.  The paper's model is D = 1, G = 0.  Q is stored as one (D·P, P) array
(block α = rows αP … αP + P − 1), so Qθ for every α is one matrix-vector product: a step costs
about D·P² multiply-adds, the cost of forming J.

:func:`run` records, at every step k (at θ_k, before the step), the loss and the largest eigenvalue of
η·NTK (``numpy.linalg.eigvalsh`` of the D × D matrix: exact up to rounding); every
``hessian_every`` steps the largest eigenvalue of η·Hessian by a few Lanczos steps through
Hessian-vector products Jᵀ(Jv) + (Σ z_α Q_α)v, warm-started from the previous Ritz vector (never a
P × P eigendecomposition).  A Ritz value is a Rayleigh quotient, so in exact arithmetic it is a
lower bound on the largest eigenvalue; it is reported as an estimate.

Outcomes (:data:`OUTCOMES`), with their criteria (the constants below):

* ``converged`` — |z|₂ ≤ Z_TOL·(1 + |E|₂) at some step (the run stops there);
* ``diverged`` — **a magnitude criterion, not a proof**: the loss passed LOSS_CAP·max(1, L₀)
  (checked every step, with finiteness; the run stops there, long before float64 overflows:
  the loss grows at most like the sixth power of |θ| per step);
* ``eos`` — neither, and over the last quarter of the run (an even number of steps, so a 2-cycle
  is averaged exactly) the top η·NTK reaches 2, its mean lies within EOS_BAND of 2, and every
  two-step mean stays within PAIR_BAND of 2;
* ``not converged`` — none of these within the steps allowed (slow convergence, a long-run state
  away from the edge, or a non-finite value that the magnitude check did not see first).

``sharpened`` (a flag, beside the outcome): before the loss settles (the first step with
L ≤ SETTLE·L₀, else the end of the run) the top η·NTK rose at least SHARPEN_MARGIN above its
initial value.

Results are identical bit for bit wherever a run executes on one machine (same NumPy and BLAS):
:func:`one_blas_thread` pins OpenBLAS to one thread for the run, so every dot product is summed
by one thread in one order, and nothing depends on time.  The wall-time bound is the executor's
per-task limit, outside the run.

>>> m = Model.from_blocks([[[1.0, 0.0], [0.0, -1.0]]], [[0.0, 0.0]], [1.0])   # the paper's symmetric case
>>> r = run(m, [0.1, 0.0], lr=0.5, steps=3000)
>>> r.outcome, round(r.ntk_final, 9)            # ε = ηEω = 1/2: a minimum with η·NTK = 2ε
('converged', 1.0)
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import math
import sys
from dataclasses import dataclass, field

import numpy as np

from eos_theory.numbers.parse import InputError

__all__ = ["OUTCOMES", "Model", "Run", "lanczos_top", "one_blas_thread", "run"]

OUTCOMES = ("converged", "eos", "diverged", "not converged")
Z_TOL = 1e-10  #: converged: |z|₂ ≤ Z_TOL·(1 + |E|₂)
LOSS_CAP = 1e16  #: diverged (magnitude criterion): L > LOSS_CAP·max(1, L₀)
EOS_BAND = 0.5  #: eos: |mean top η·NTK over the last quarter − 2| ≤ EOS_BAND
PAIR_BAND = 1.0  #: eos: every two-step mean of the top η·NTK over the last quarter within PAIR_BAND of 2
SETTLE = 1e-2  #: the loss has settled once L ≤ SETTLE·L₀
SHARPEN_MARGIN = 0.1  #: sharpened: the top η·NTK rose by at least this before the loss settled
HESSIAN_EVERY = 10  #: steps between estimates of the top η·Hessian eigenvalue
LANCZOS_STEPS = 12  #: Lanczos steps per estimate (fewer when P is smaller)
MIN_STEPS = 8  #: the least number of steps a run may take (a last quarter of at least two steps)


# --------------------------------------------------------------------------------------------
# BLAS threads
# --------------------------------------------------------------------------------------------


@functools.cache
def _openblas():
    """(set, get) of the OpenBLAS that NumPy loaded, or None where it cannot be found (not Linux, other BLAS).

    Found once per process (reading /proc/self/maps took about 0.6 ms, as long as a short run)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        with open("/proc/self/maps") as fh:
            paths = sorted({line.split()[-1] for line in fh if "openblas" in line.lower() and "/" in line})
    except OSError:
        return None
    for path in paths:
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        for prefix in ("scipy_openblas", "openblas"):
            for suffix in ("64_", ""):
                setter, getter = f"{prefix}_set_num_threads{suffix}", f"{prefix}_get_num_threads{suffix}"
                if hasattr(lib, setter) and hasattr(lib, getter):
                    return getattr(lib, setter), getattr(lib, getter)
    return None


@contextlib.contextmanager
def one_blas_thread():
    """Run the block with OpenBLAS on one thread (restored afterwards); a no-op where it is not found.

    Runs fan out over processes, not BLAS threads; one thread also fixes how every product is summed.
    """
    lib = _openblas()
    if lib is None:
        yield
        return
    setter, getter = lib
    before = int(getter())
    setter(1)
    try:
        yield
    finally:
        setter(before)


# --------------------------------------------------------------------------------------------
# The model
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Model:
    """Q (D·P × P, block α symmetric), G (D × P), E (D,): float64, C-contiguous."""

    Q: np.ndarray
    G: np.ndarray
    E: np.ndarray

    @property
    def P(self) -> int:
        return self.Q.shape[1]

    @property
    def D(self) -> int:
        return self.E.shape[0]

    @classmethod
    def from_blocks(cls, Q, G, E) -> Model:
        """From Q as D blocks P × P (each symmetric), G as D × P and E as D numbers; checked."""
        Q3 = np.array(Q, dtype=np.float64)
        G2, E1 = np.array(G, dtype=np.float64), np.array(E, dtype=np.float64)
        if Q3.ndim != 3 or Q3.shape[1] != Q3.shape[2] or Q3.shape[0] < 1 or Q3.shape[1] < 1:
            raise InputError(f"Q must be D blocks of P x P, got shape {Q3.shape}")
        D, P = Q3.shape[0], Q3.shape[1]
        if G2.shape != (D, P) or E1.shape != (D,):
            raise InputError(f"G must be {D} x {P} and E of length {D}, got {G2.shape} and {E1.shape}")
        if not (np.isfinite(Q3).all() and np.isfinite(G2).all() and np.isfinite(E1).all()):
            raise InputError("Q, G and E must be finite")
        if not np.array_equal(Q3, Q3.transpose(0, 2, 1)):
            raise InputError("every block Q_alpha must be symmetric")
        return cls(np.ascontiguousarray(Q3.reshape(D * P, P)), np.ascontiguousarray(G2), np.ascontiguousarray(E1))

    def evaluate(self, theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(z, J) at θ: one product with Q."""
        Qt = (self.Q @ theta).reshape(self.D, self.P)
        z = 0.5 * (Qt @ theta) + self.G @ theta - self.E
        return z, Qt + self.G


# --------------------------------------------------------------------------------------------
# Lanczos for the top Hessian eigenvalue
# --------------------------------------------------------------------------------------------


def lanczos_top(matvec, v0: np.ndarray, steps: int) -> tuple[float, np.ndarray]:
    """The largest Ritz value of a symmetric operator after ``steps`` Lanczos steps from v0 (full
    reorthogonalisation), and its Ritz vector (unit): a Rayleigh quotient, so at most λ_max.

    >>> A = np.diag([3.0, -5.0, 1.0])
    >>> val, vec = lanczos_top(lambda v: A @ v, np.ones(3), 3)
    >>> round(val, 12), np.round(np.abs(vec), 12).tolist()
    (3.0, [1.0, 0.0, 0.0])
    """
    n = v0.shape[0]
    steps = max(1, min(steps, n))
    V = np.zeros((steps, n))
    alpha, beta = np.zeros(steps), np.zeros(steps)
    norm = float(np.linalg.norm(v0))
    if not (norm > 0 and math.isfinite(norm)):
        v0, norm = np.ones(n), math.sqrt(n)
    V[0] = v0 / norm
    k_used = steps
    for k in range(steps):
        w = matvec(V[k])
        alpha[k] = V[k] @ w
        w = w - V[: k + 1].T @ (V[: k + 1] @ w)  # full reorthogonalisation (twice is enough)
        w = w - V[: k + 1].T @ (V[: k + 1] @ w)
        if k + 1 < steps:
            b = float(np.linalg.norm(w))
            if b > 1e-13 * (abs(alpha[k]) + 1):
                beta[k] = b
                V[k + 1] = w / b
                continue
            # an invariant subspace (a warm start can be an eigenvector): go on from a fixed vector
            # orthogonal to it, with β = 0, so the rest of the space is still searched
            w = np.cos((k + 2) * np.arange(1, n + 1))
            w = w - V[: k + 1].T @ (V[: k + 1] @ w)
            w = w - V[: k + 1].T @ (V[: k + 1] @ w)
            b = float(np.linalg.norm(w))
            if not b > 1e-8:  # the Krylov vectors span the whole space
                k_used = k + 1
                break
            V[k + 1] = w / b
    T = np.diag(alpha[:k_used]) + np.diag(beta[: k_used - 1], 1) + np.diag(beta[: k_used - 1], -1)
    vals, vecs = np.linalg.eigh(T)
    vec = vecs[:, -1] @ V[:k_used]
    return float(vals[-1]), vec / np.linalg.norm(vec)


# --------------------------------------------------------------------------------------------
# One run
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Run:
    """What one GD run did (see the module docstring for the criteria)."""

    outcome: str
    reason: str
    steps: int  #: steps taken (the run stops at convergence or divergence)
    sharpened: bool
    loss0: float
    ntk0: float  #: top η·NTK at θ₀
    ntk_max: float  #: the largest top η·NTK before the loss settled
    ntk_peak: float  #: the largest top η·NTK of the whole run
    ntk_final: float  #: long-run top η·NTK: the mean over the last quarter (the last value if the run stopped)
    hessian_final: float  #: long-run top η·Hessian estimate: mean of the estimates over the last quarter (nan if none)
    loss_final: float
    theta: np.ndarray  #: the last iterate
    #: over the last quarter, for a run that took every step (else nan): the largest top η·NTK, and the largest
    #: |two-step mean − 2|: with ntk_final, what the eos criterion reads, so that its fraction can be re-read at
    #: any other cut-off than EOS_BAND
    window_max: float = math.nan
    pair_deviation: float = math.nan
    ntk: np.ndarray | None = field(default=None, repr=False)  #: top η·NTK at every step (when kept)
    loss: np.ndarray | None = field(default=None, repr=False)  #: the loss at every step (when kept)
    hessian: np.ndarray | None = field(default=None, repr=False)  #: (step, top η·Hessian) pairs (when kept)


def _top_ntk(J: np.ndarray) -> float:
    if J.shape[0] == 1:
        return float(J[0] @ J[0])
    return float(np.linalg.eigvalsh(J @ J.T)[-1])


def run(
    model: Model, theta0, lr: float, steps: int, *, hessian_every: int | None = HESSIAN_EVERY, keep_trace: bool = False
) -> Run:
    """GD from θ₀ with step ``lr`` for at most ``steps`` steps; the outcome and what was recorded.

    ``hessian_every=None`` skips the Hessian estimates (``hessian_final`` is then nan): they only
    observe the run, so the iterates, the η·NTK and the outcome are the same bit for bit."""
    theta = np.array(theta0, dtype=np.float64)
    if theta.shape != (model.P,) or not np.isfinite(theta).all():
        raise InputError(f"theta0 must be {model.P} finite numbers")
    eta = float(lr)
    if not (eta > 0 and math.isfinite(eta)):
        raise InputError(f"the learning rate must be a finite number > 0, got {lr!r}")
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < MIN_STEPS:
        raise InputError(f"steps must be an integer >= {MIN_STEPS}, got {steps!r}")
    if hessian_every is not None and (
        isinstance(hessian_every, bool) or not isinstance(hessian_every, int) or hessian_every < 1
    ):
        raise InputError(f"hessian_every must be an integer >= 1 or None, got {hessian_every!r}")
    D, P = model.D, model.P
    Q3 = model.Q.reshape(D, P * P)
    z_tol = Z_TOL * (1 + float(np.linalg.norm(model.E)))
    ntk, loss = np.empty(steps + 1), np.empty(steps + 1)
    hess_steps, hess_vals = [], []
    v = np.ones(P) / math.sqrt(P)
    lanczos = min(LANCZOS_STEPS, P)
    outcome, reason, last = None, "", steps
    with one_blas_thread(), np.errstate(all="ignore"):
        for k in range(steps + 1):
            z, J = model.evaluate(theta)
            L = 0.5 * float(z @ z)
            loss[k] = L
            ntk[k] = eta * _top_ntk(J)
            if k == 0:
                cap = LOSS_CAP * max(1.0, L)
            if not (math.isfinite(L) and math.isfinite(ntk[k])):
                outcome, reason, last = (
                    "not converged",
                    f"a non-finite value at step {k} before the magnitude criterion was met",
                    k,
                )
                break
            if cap < L:
                outcome, reason, last = (
                    "diverged",
                    f"the loss passed {LOSS_CAP:g}·max(1, L₀) at step {k} (a magnitude criterion, not a proof)",
                    k,
                )
                break
            if math.sqrt(2 * L) <= z_tol:
                outcome, reason, last = "converged", f"|z| ≤ {Z_TOL:g}·(1 + |E|) at step {k}", k
                break
            if k == steps:
                break
            if hessian_every is not None and k % hessian_every == 0:
                M = (z @ Q3).reshape(P, P)
                top, v = lanczos_top(lambda u: J.T @ (J @ u) + M @ u, v, lanczos)  # noqa: B023 (called at once)
                hess_steps.append(k)
                hess_vals.append(eta * top)
            theta = theta - eta * (J.T @ z)
    n = last + 1
    ntk, loss = ntk[:n], loss[:n]
    settled = np.nonzero(loss <= SETTLE * loss[0])[0]
    k_settle = int(settled[0]) if settled.size else n - 1
    ntk_max = float(ntk[: k_settle + 1].max())
    sharpened = bool(ntk_max >= ntk[0] + SHARPEN_MARGIN)
    quarter = max(2, 2 * ((n // 4) // 2))  # an even number of steps
    hess = np.array([hess_steps, hess_vals]).T.reshape(-1, 2)
    window_max = pair_deviation = math.nan
    if outcome is None:  # ran every step: label the long-run state
        window = ntk[n - quarter :]
        pairs = 0.5 * (window[0::2] + window[1::2])
        mean = float(window.mean())
        window_max, pair_deviation = float(window.max()), float(np.abs(pairs - 2).max())
        if window.max() >= 2 and abs(mean - 2) <= EOS_BAND and bool((np.abs(pairs - 2) <= PAIR_BAND).all()):
            outcome, reason = (
                "eos",
                (
                    f"over the last {quarter} steps the top η·NTK reached 2, its mean "
                    f"{mean:.6g} is within {EOS_BAND:g} of 2 and every two-step mean within {PAIR_BAND:g}"
                ),
            )
        else:
            outcome, reason = (
                "not converged",
                (
                    f"after {steps} steps: over the last {quarter} the top η·NTK has mean "
                    f"{mean:.6g}, range [{window.min():.6g}, {window.max():.6g}]; loss {loss[-1]:.3g}"
                ),
            )
        ntk_final = mean
    else:
        ntk_final = float(ntk[-1])
    recent = hess[hess[:, 0] >= n - quarter, 1] if hess.size else hess
    hessian_final = float(recent.mean()) if recent.size else (float(hess[-1, 1]) if hess.size else math.nan)
    return Run(
        outcome,
        reason,
        last,
        sharpened,
        float(loss[0]),
        float(ntk[0]),
        ntk_max,
        float(ntk.max()),
        ntk_final,
        hessian_final,
        float(loss[-1]),
        theta,
        window_max,
        pair_deviation,
        ntk if keep_trace else None,
        loss if keep_trace else None,
        hess if keep_trace else None,
    )
