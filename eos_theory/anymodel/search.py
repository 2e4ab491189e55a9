"""The least sharpness over the zero-residual minima, searched numerically from many starts (float64).

For any model the exact path cannot solve, λ_max(JJᵀ) is minimised over M = {f = y} from ``starts``
points drawn uniformly (seeded) from the box [−R, R]^P:

1. each start is moved onto M by Gauss–Newton steps θ ← θ − Jᵀ(JJᵀ)⁻¹r (the least-norm correction);
2. then λ_max descends along M.  Where top eigenvalues nearly coincide λ_max is not smooth, so what
   descends is the soft maximum F_t = t·log Σ_k exp(λ_k/t) (λ_max ≤ F_t ≤ λ_max + t·log n), its temperature
   t lowered from 10⁻²λ to 10⁻¹⁰λ as each stage converges: its gradient Σ_k w_k∇λ_k (∇λ_k = 2Σ_i u_iH_i z,
   z = Jᵀu, softmax weights w) is projected onto the tangent space ker J, where the top eigenvalue is well
   separated the reduced (modified) Newton direction is used instead, a step is taken, and the point is
   moved back onto M; a step is kept when F_t decreased enough (Armijo), else shortened;
3. each descended point is polished by Newton's method on the Lagrange system
   (:mod:`eos_theory.anymodel.lagrange`), where its top eigenvalue is simple.

All starts run together as numpy arrays.  The least value reached, how many starts reached it, and the
other critical values are reported; that it is the least over all of M is *not* proved by this search
(:mod:`eos_theory.anymodel.certify` proves what can be proved about the point found).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from eos_theory.anymodel.compiled import FLOAT, NotReal
from eos_theory.anymodel.evaluate import Evaluator
from eos_theory.anymodel.lagrange import Layout, system

__all__ = ["Found", "Search", "search"]

SIMPLE = 1e-6  #: a polished critical point's top eigenvalue counts as simple above this relative gap
RUNAWAY = 1e6  #: a start whose |θ| passes this is dropped (the sharpness may not attain its infimum there)


@dataclass(frozen=True)
class Found:
    """One critical point (or, where the top eigenvalue is not simple, the descent's end point) in float64."""

    lam: float  #: λ_max(JJᵀ)
    theta: np.ndarray
    u: np.ndarray  #: the top unit eigenvector of JJᵀ
    mu: np.ndarray  #: Lagrange multipliers of f = y (∇λ = Jᵀμ)
    gap: float  #: (λ₁ − λ₂)/λ₁ (1 with one data point)
    polished: bool  #: Newton on the Lagrange system converged here
    multiplicity: int  #: eigenvalues of JJᵀ within SIMPLE·λ₁ of λ₁


@dataclass(frozen=True)
class Search:
    starts: int
    radius: float
    seed: int
    on_minima: int  #: starts that reached M
    runaway: int  #: starts dropped for |θ| > RUNAWAY
    found: tuple[Found, ...]  #: every end point, ascending in λ
    seconds: float
    notes: tuple[str, ...] = field(default=())

    @property
    def best(self) -> Found | None:
        return self.found[0] if self.found else None

    def reached(self, rel: float = 1e-7) -> int:
        """How many starts ended at the least value (relative tolerance ``rel``)."""
        if not self.found:
            return 0
        lo = self.found[0].lam
        return sum(abs(f.lam - lo) <= rel * max(abs(lo), 1e-300) for f in self.found)

    def values(self, rel: float = 1e-7) -> list[tuple[float, int]]:
        """The distinct values reached, ascending, with how many starts reached each."""
        out: list[list] = []
        for f in self.found:
            if out and abs(f.lam - out[-1][0]) <= rel * max(abs(out[-1][0]), 1e-300):
                out[-1][1] += 1
            else:
                out.append([f.lam, 1])
        return [(v, c) for v, c in out]

    def region(self) -> str:
        return (
            f"{self.starts} starts uniform in [−{self.radius:g}, {self.radius:g}]^P (seed {self.seed}), moved onto the "
            f"minima by Gauss–Newton, then λ_max descended along them and polished by Newton on the Lagrange system "
            f"(float64); {self.on_minima} reached the minima"
            + (f", {self.runaway} ran off (|θ| > {RUNAWAY:g})" if self.runaway else "")
        )


def _eval(ev: Evaluator, theta: np.ndarray):
    """Residuals (K, n) and Jacobians (K, n, P) at K points at once."""
    K = theta.shape[0]
    cols = list(theta.T)
    res = ev.program("residuals").array(*cols).T
    jac = ev.program("jacobian").array(*cols).T.reshape(K, ev.n, ev.P)
    return res, jac


def _project(ev: Evaluator, theta: np.ndarray, iters: int, tol: float) -> tuple[np.ndarray, np.ndarray]:
    """Onto M from each row by Levenberg–Marquardt steps θ ← θ − Jᵀ(JJᵀ + δI)⁻¹r (least-norm Gauss–Newton as
    δ → 0; δ grows where a step fails to reduce |r|, and shrinks where it succeeds); (points, on-M mask)."""
    K = theta.shape[0]
    delta = np.full(K, 1e-12)
    with np.errstate(all="ignore"):
        res, J = _eval(ev, theta)
        norm = np.linalg.norm(res, axis=1)
        for _ in range(iters):
            todo = ~(norm <= tol)
            if not todo.any():
                break
            NTK = J @ J.transpose(0, 2, 1)
            scale = np.trace(NTK, axis1=1, axis2=2) / ev.n + 1e-300
            reg = NTK + (delta * scale)[:, None, None] * np.eye(ev.n)
            try:
                step = np.linalg.solve(reg, res[..., None])[..., 0]
            except np.linalg.LinAlgError:
                step = np.nan_to_num(np.linalg.pinv(reg) @ res[..., None])[..., 0]
            trial = theta - np.einsum("kip,ki->kp", J, step)
            res_t, J_t = _eval(ev, trial)
            norm_t = np.linalg.norm(res_t, axis=1)
            good = todo & np.isfinite(norm_t) & (norm_t < norm)
            theta[good], res[good], J[good], norm[good] = trial[good], res_t[good], J_t[good], norm_t[good]
            delta[good] = np.maximum(delta[good] / 10, 1e-15)
            delta[todo & ~good] *= 10
    ok = np.all(np.isfinite(theta), axis=1) & (norm <= tol) & (np.abs(theta).max(axis=1) < RUNAWAY)
    return theta, ok


def _top(ev: Evaluator, theta: np.ndarray, temp: np.ndarray):
    """The soft maximum F_t = λ₁ + t·log Σ_k exp((λ_k − λ₁)/t) of the eigenvalues of JJᵀ at each point, its
    weights (softmax), the eigenpairs and J.  F_t is smooth, λ₁ ≤ F_t ≤ λ₁ + t·log n."""
    _, J = _eval(ev, theta)
    vals, vecs = np.linalg.eigh(J @ J.transpose(0, 2, 1))
    lam = vals[:, -1]
    e = np.exp((vals - lam[:, None]) / temp[:, None])
    weights = e / e.sum(axis=1, keepdims=True)
    return lam + temp * np.log(e.sum(axis=1)), vals, vecs, weights, J


Directions = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]


def _directions(ev: Evaluator, theta, vals, vecs, weights, J) -> Directions:
    """Descent directions along M at each point: (d, newton mask, |reduced gradient|, −∇λ·d).

    The gradient of the soft maximum F_t (Σ_k w_k∇λ_k, softmax weights), projected onto ker J; where the top
    eigenvalue is separated (its weight 1 to 12 digits), the reduced Newton direction −Z(ZᵀWZ)⁺Zᵀ∇λ instead,
    W = ∇²λ − Σμ_iH_i the Hessian of the Lagrangian (∇²λ = 2(AᵀA + ∇²_θ(uᵀJz)) + 2CᵀRC: A = Σu_iH_i,
    C = (H_iz)_i + JA, R the reduced resolvent of JJᵀ at λ), its eigenvalues made positive (a modified Newton
    step: always a descent direction)."""
    n, P = ev.n, ev.P
    g = np.zeros_like(theta)
    hvp = ev.program("hvp_uz")
    for m in range(n):
        w = weights[:, m]
        if not (w > 1e-14).any():
            continue
        u = vecs[:, :, m]
        z = np.einsum("kip,ki->kp", J, u)
        g += 2 * w[:, None] * hvp.array(*theta.T, *u.T, *z.T).T
    Vt = np.linalg.svd(J, full_matrices=True)[2]
    Z = Vt[:, n:, :].transpose(0, 2, 1)  # (K, P, P − n): an orthonormal basis of ker J
    gr = np.einsum("kpt,kp->kt", Z, g)
    d = -np.einsum("kpt,kt->kp", Z, gr)
    slope = np.einsum("kt,kt->k", gr, gr)
    newton = (weights[:, -1] > 1 - 1e-12) & (n < P)
    if newton.any():
        idx = np.flatnonzero(newton)
        th, Jn = theta[idx], J[idx]
        u = vecs[idx, :, -1]
        z = np.einsum("kip,ki->kp", Jn, u)
        lam = vals[idx, -1]
        Hs = ev.program("hessians").array(*th.T).T
        H = np.zeros((len(idx), n, P, P))
        iu = np.triu_indices(P)
        H[:, :, iu[0], iu[1]] = Hs.reshape(len(idx), n, -1)
        H = H + np.triu(H, 1).transpose(0, 1, 3, 2)
        T = np.zeros((len(idx), P, P))
        T[:, iu[0], iu[1]] = ev.program("third_uz").array(*th.T, *u.T, *z.T).T
        T = T + np.triu(T, 1).transpose(0, 2, 1)
        A = np.einsum("ki,kipq->kpq", u, H)
        C = np.einsum("kipq,kq->kip", H, z) + Jn @ A
        gap = lam[:, None] - vals[idx, :-1]
        R = np.einsum("kim,km,kjm->kij", vecs[idx, :, :-1], 1 / gap, vecs[idx, :, :-1])
        hess = 2 * (A.transpose(0, 2, 1) @ A + T) + 2 * C.transpose(0, 2, 1) @ R @ C
        # least-squares multipliers (JJᵀ may be singular: redundant constraints)
        mu = (
            np.linalg.pinv(Jn @ Jn.transpose(0, 2, 1), hermitian=True) @ np.einsum("kip,kp->ki", Jn, g[idx])[..., None]
        )[..., 0]
        W = hess - np.einsum("ki,kipq->kpq", mu, H)
        Zn = Z[idx]
        red = Zn.transpose(0, 2, 1) @ W @ Zn
        e, V = np.linalg.eigh((red + red.transpose(0, 2, 1)) / 2)
        floor = 1e-6 * np.maximum(np.abs(e).max(axis=1, keepdims=True), 1e-300)
        e = np.maximum(np.abs(e), floor)
        step = np.einsum("kts,ks,kus,ku->kt", V, 1 / e, V, gr[idx])
        d[idx] = -np.einsum("kpt,kt->kp", Zn, step)
        slope[idx] = np.einsum("kt,kt->k", gr[idx], step)
    return d, newton, np.linalg.norm(gr, axis=1), slope


def _polish(ev: Evaluator, theta: np.ndarray, u: np.ndarray, iters: int = 12) -> tuple[np.ndarray, bool]:
    """Newton (least-squares steps) on the Lagrange system from one descended point; (x, converged)."""
    _, J = _eval(ev, theta[None, :])
    z = J[0].T @ u
    lam = float(u @ (J[0] @ z))
    g = 2 * ev.program("hvp_uz").array(*(np.array([x]) for x in (*theta, *u, *z)))[:, 0]
    mu = np.linalg.lstsq(J[0].T, g, rcond=None)[0]
    x = np.concatenate([theta, u, z, [lam], mu])
    scale = 1 + np.abs(x).max()
    for _ in range(iters):
        F, D = system(ev, FLOAT, list(x))
        F, D = np.array(F, dtype=float), np.array(D, dtype=float)
        if not (np.all(np.isfinite(F)) and np.all(np.isfinite(D))):
            return x, False
        if np.abs(F).max() <= 1e-13 * scale:
            return x, True
        step = np.linalg.lstsq(D, F, rcond=None)[0]
        x = x - step
    F, _ = system(ev, FLOAT, list(x))
    return x, bool(np.all(np.isfinite(F)) and np.abs(np.array(F, dtype=float)).max() <= 1e-10 * scale)


def search(ev: Evaluator, starts: int = 32, radius: float = 3.0, seed: int = 0, steps: int = 300) -> Search:
    """Multi-start minimisation of λ_max(JJᵀ) over the zero-residual minima (float64), bounded in steps (work, not
    wall time: the result does not depend on the machine's load; the caller's time limit is only a safety net)."""
    t0 = time.perf_counter()
    P, n = ev.P, ev.n
    rng = np.random.default_rng(seed)
    theta0 = rng.uniform(-radius, radius, size=(starts, P))
    tol = 1e-12 * (1 + max(abs(float(y)) for y in ev.spec.targets))
    notes: list[str] = []
    try:
        theta, ok = _project(ev, theta0.copy(), 100, tol)
    except (NotReal, FloatingPointError, ValueError) as exc:  # pragma: no cover - numpy gives nan, not errors
        return Search(starts, radius, seed, 0, 0, (), time.perf_counter() - t0, (f"projection failed: {exc}",))
    runaway = int(np.sum(np.abs(np.nan_to_num(theta, nan=0.0)).max(axis=1) >= RUNAWAY))
    theta = theta[ok]
    on_minima = int(ok.sum())
    if not on_minima:
        return Search(starts, radius, seed, 0, runaway, (), time.perf_counter() - t0)
    K = theta.shape[0]
    temp = np.full(K, np.nan)
    lam0 = np.linalg.eigvalsh(_eval(ev, theta)[1] @ _eval(ev, theta)[1].transpose(0, 2, 1))[:, -1]
    temp[:] = 1e-2 * np.maximum(lam0, 1e-300)  # the soft maximum's temperature, lowered to 1e-10·λ
    obj, vals, vecs, weights, J = _top(ev, theta, temp)
    alpha = np.full(K, np.nan)
    was_newton = np.zeros(K, dtype=bool)
    active = np.ones(K, dtype=bool)
    with np.errstate(all="ignore"):
        for _ in range(steps):
            if not active.any():
                break
            idx = np.flatnonzero(active)
            d, newton, gnorm, slope = _directions(ev, theta[idx], vals[idx], vecs[idx], weights[idx], J[idx])
            dn = np.linalg.norm(d, axis=1)
            size = 1 + np.linalg.norm(theta[idx], axis=1)
            first = np.isnan(alpha[idx])
            alpha[idx[first]] = 0.05 * size[first] / np.maximum(dn[first], 1e-300)
            alpha[idx[newton & ~was_newton[idx]]] = 1.0  # a Newton step starts at its natural length
            was_newton[idx] = newton
            trial, ok = _project(ev, theta[idx] + alpha[idx, None] * d, 12, tol)
            obj_t, vals_t, vecs_t, weights_t, J_t = _top(ev, np.where(ok[:, None], trial, theta[idx]), temp[idx])
            better = ok & np.isfinite(obj_t) & (obj_t <= obj[idx] - 1e-4 * alpha[idx] * slope)
            keep = idx[better]
            theta[keep], obj[keep], vals[keep], vecs[keep], weights[keep], J[keep] = (
                trial[better],
                obj_t[better],
                vals_t[better],
                vecs_t[better],
                weights_t[better],
                J_t[better],
            )
            alpha[keep] = np.where(newton[better], np.minimum(alpha[keep] * 2, 1.0), alpha[keep] * 2)
            alpha[idx[~better]] /= 4
            lam = vals[idx, -1]
            small = (alpha[idx] * dn <= 1e-13 * size) | (gnorm <= 1e-12 * np.maximum(lam, 1e-300))
            cool = small & (temp[idx] > 1e-10 * lam)  # converged at this temperature: lower it
            if cool.any():
                c = idx[cool]
                temp[c] = np.maximum(temp[c] / 100, 1e-10 * lam[cool])
                obj[c], vals[c], vecs[c], weights[c], J[c] = _top(ev, theta[c], temp[c])
                alpha[c] = np.nan
            active[idx[small & ~cool]] = False
    if active.any():
        notes.append(f"the descent reached its bound of {steps} steps with {int(active.sum())} start(s) still moving")
    found = []
    for k in range(K):
        u = vecs[k, :, -1]
        vals = np.linalg.eigvalsh(J[k] @ J[k].T)
        gap = float((vals[-1] - vals[-2]) / vals[-1]) if n > 1 else 1.0
        x, conv = (None, False)
        if gap > SIMPLE:
            try:
                x, conv = _polish(ev, theta[k], u)
            except (np.linalg.LinAlgError, NotReal, ValueError, ZeroDivisionError):
                x, conv = None, False
        if conv and x is not None:
            lay = Layout(P, n)
            th, uu, _, lm, mu, _ = lay.split(list(x))
            th, uu = np.array(th, dtype=float), np.array(uu, dtype=float)
            _, Jp = _eval(ev, th[None, :])
            vals = np.linalg.eigvalsh(Jp[0] @ Jp[0].T)
            lam_top = float(vals[-1])
            if abs(lam_top - float(lm)) > 1e-8 * abs(lam_top):  # Newton went to another eigenvalue: not the top one
                conv = False
            else:
                mult = int(np.sum(vals >= vals[-1] * (1 - SIMPLE)))
                gap = float((vals[-1] - vals[-2]) / vals[-1]) if n > 1 else 1.0
                found.append(
                    Found(
                        lam_top, th, uu * np.sign(uu[np.argmax(np.abs(uu))]), np.array(mu, dtype=float), gap, True, mult
                    )
                )
                continue
        mult = int(np.sum(vals >= vals[-1] * (1 - 1e-4)))
        found.append(Found(float(vals[-1]), theta[k].copy(), u, np.zeros(n), gap, False, mult))
    found.sort(key=lambda f: (f.lam, not f.polished))
    return Search(starts, radius, seed, on_minima, runaway, tuple(found), time.perf_counter() - t0, tuple(notes))
