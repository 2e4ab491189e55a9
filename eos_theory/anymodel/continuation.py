"""The upper end of the period-2 window where no closed form exists: the 2-cycle continued numerically.

Starting from the flip series (θ* + C ± D, η_c + η₂a² + …, see :mod:`eos_theory.anymodel.flip`), the 2-cycle
{p+, p−} is continued in its half-diameter ρ (measured along v = ∇f(θ*)) by Newton's method on
G(p+) = p−, G(p−) = p+, vᵀ(p+ − p−)/2 = ρ|v| in (p+, p−, η), in parameter space, at a stated
working precision (``mp.workdps``).  Along the branch the two-step multipliers (eigenvalues of
DG(p−)·DG(p+)) are followed; those equal to 1 (to half the working precision; beyond 10 parameters, to
10⁻⁶ in float64) at every point of the branch are exactly neutral directions of a continuum of cycles
(a continuous symmetry) and are left out, and the window ends where the largest modulus of the others reaches 1 — located by the
Illinois (regula falsi) method on ρ.  The whole is run at two precisions and the upper end is
reported to the digits on which they agree.

For a polynomial model whose multiplier leaves through −1 (and no neutral direction), the crossing
itself is then certified by interval arithmetic (:func:`certify_crossing`: Krawczyk's test on the
2-cycle equations with the eigenvector equation DG(p−)DG(p+)w = −w), which encloses its η
rigorously; that this crossing is the *first* along the branch — the window's end — rests on the
continuation, which is numerical.  Every run is bounded in continuation steps and Illinois iterations (work,
not wall time: the result does not depend on the machine's load; the caller's time limit is only a safety net); a
branch that folds back in η, leaves the parameter range, or stays inside up to ``max_ratio``·η_c
is reported, not guessed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from flint import acb, acb_mat, arb, arb_mat
from mpmath import mp, mpf

from eos_theory.anymodel.compiled import ARB, arb_dps, to_mpf_exact
from eos_theory.numbers.decimals import agreeing_digits

MP_TO_ARB = ARB.convert

__all__ = ["Branch", "NoConvergence", "UpperEnd", "certify_crossing", "continue_cycle", "solve_cycle", "upper_end"]


@dataclass(frozen=True)
class Branch:
    """One run of the continuation at one precision."""

    status: str  #: "crossing" | "empty" | "not found" | "failed"
    eta: object = None  #: mpf: η where a multiplier leaves the unit circle
    how: str = ""
    neutral: int = 0  #: multipliers equal to 1 along the whole branch (left out)
    kind: str = ""  #: how the multiplier leaves: "-1", "+1" or "complex pair"
    steps: int = 0
    point: tuple = ()  #: (p+, p−, η) at the crossing, mpf


@dataclass(frozen=True)
class UpperEnd:
    """The window's upper end from two precisions."""

    status: str  #: "decimal" | "empty" | "unknown"
    value: str | None  #: a decimal string with the agreeing digits
    digits: int  #: agreeing significant digits between the two precisions
    how: str
    neutral: int = 0
    kind: str = ""
    enclosure: tuple | None = None  #: (lo, hi) decimal strings: a certified enclosure of the crossing's η


class NoConvergence(ArithmeticError):
    """Newton's method did not find the 2-cycle."""


def solve_cycle(num, P: int, v, rho, x0, dps: int, iters: int = 30, eta=None) -> list:
    """The 2-cycle with half-diameter ρ along v from the guess x0 = (p+, p−, η): Newton with damped
    least-squares steps (the system is singular along a continuum of cycles), solved at 2·dps.  With ``eta``
    given instead, the cycle at that step (ρ free: past a turning point of ρ along the branch)."""
    Gf, JGf, grad = num[0], num[1], num[2]
    nv = mp.sqrt(mp.fsum(x * x for x in v))
    x = list(x0)
    if eta is not None:
        x[2 * P] = mpf(eta)
    tol = mpf(10) ** (-(dps - 6))
    for _ in range(iters):
        pp, pm, et = x[:P], x[P : 2 * P], x[2 * P]
        Gp, Gm = Gf(*pp, et), Gf(*pm, et)
        F = [Gp[i] - pm[i] for i in range(P)] + [Gm[i] - pp[i] for i in range(P)]
        if eta is None:
            F.append(mp.fsum(v[i] * (pp[i] - pm[i]) for i in range(P)) / 2 - rho * nv)
        scale = max(1, max(abs(t) for t in x))
        if max(abs(e) for e in F) < tol * scale:
            return x
        Jp, Jm, gp, gm = JGf(*pp, et), JGf(*pm, et), grad(*pp, et), grad(*pm, et)
        n = 2 * P + 1 if eta is None else 2 * P
        J = [[0] * n for _ in range(n)]
        for i in range(P):
            for j in range(P):
                J[i][j] = Jp[i][j]
                J[P + i][P + j] = Jm[i][j]
            J[i][P + i] = -1
            J[P + i][i] = -1
            if eta is None:
                J[i][2 * P] = -gp[i]
                J[P + i][2 * P] = -gm[i]
                J[2 * P][i] = v[i] / 2
                J[2 * P][P + i] = -v[i] / 2
        step = _least_squares(J, F, dps)
        x = [x[i] - step[i] for i in range(n)] + x[n:]
        if not all(mp.isfinite(t) for t in x):
            break
    at = f"η = {mp.nstr(eta, 8)}" if eta is not None else f"ρ = {mp.nstr(rho, 8)}"
    raise NoConvergence(f"Newton did not converge at {at}")


def _half_diameter(x, v, P: int):
    """ρ of the cycle x = (p+, p−, η): vᵀ(p+ − p−)/(2|v|)."""
    return mp.fsum(v[i] * (x[i] - x[P + i]) for i in range(P)) / 2 / mp.sqrt(mp.fsum(t * t for t in v))


def _least_squares(J: list[list], F: list, dps: int) -> list:
    """The damped least-squares step (JᵀJ + δI)⁻¹JᵀF at 2·dps digits (python-flint's arb_mat, midpoints only:
    numerics), δ = 10^(−dps)·‖JᵀJ‖₁ (the system is singular along a continuum of cycles)."""
    n = len(F)
    with arb_dps(2 * dps):
        A = arb_mat([[MP_TO_ARB(c) for c in row] for row in J])
        At = A.transpose()
        N = At * A
        norm = max(sum(abs(float(N[i, j].mid())) for i in range(n)) for j in range(n))
        damp = MP_TO_ARB(mpf(norm) * mpf(10) ** (-dps))
        for k in range(n):
            N[k, k] += damp
        step = N.solve(At * arb_mat([[MP_TO_ARB(c)] for c in F]), algorithm="approx")
        out = [to_mpf_exact(step[i, 0]) for i in range(n)]
    if not all(mp.isfinite(t) for t in out):
        raise NoConvergence("the Newton step could not be solved")
    return out


EXACT_EIGEN = 10  #: up to this many parameters every multiplier is computed at the working precision
NEUTRAL = 1e-5  #: beyond it (float64 eigenvalues, which split a defective 1 by ~√ε), one this close to 1 is neutral


def _multipliers(num, P: int, x) -> tuple[list, int]:
    """The two-step multipliers at the cycle x = (p+, p−, η) — eigenvalues of M = DG(p−)·DG(p+) — and how many
    are 1 (neutral: within 10^(−dps/2) of 1).

    Up to :data:`EXACT_EIGEN` parameters all of them at the working precision (python-flint's acb_mat.eig,
    clusters allowed).  Beyond, where that costs seconds a step, all of them in float64 (numpy): those within
    :data:`NEUTRAL` of 1 count as neutral, and the one of largest modulus among the others — whose crossing of
    the unit circle ends the window — is refined to the working precision by Rayleigh-quotient (inverse)
    iteration in acb arithmetic (a complex one with its conjugate)."""
    import numpy as np

    JGf = num[1]
    pp, pm, et = x[:P], x[P : 2 * P], x[2 * P]
    with arb_dps(mp.dps + 10):  # the product in C
        prod = arb_mat([[MP_TO_ARB(c) for c in row] for row in JGf(*pm, et)]) * arb_mat(
            [[MP_TO_ARB(c) for c in row] for row in JGf(*pp, et)]
        )
        M = mp.matrix([[to_mpf_exact(prod[i, j]) for j in range(P)] for i in range(P)])
    cut = mpf(10) ** (-(mp.dps // 2))
    if P == 1:
        return [M[0, 0]], int(abs(M[0, 0] - 1) < cut)
    if P <= EXACT_EIGEN:
        mus = _all_multipliers(M)
        return mus, sum(abs(m - 1) < cut for m in mus)
    vals = np.linalg.eigvals(np.array(M.tolist(), dtype=float))
    out = [mp.mpc(complex(v)) for v in vals]
    rest = [i for i in range(P) if abs(vals[i] - 1) >= NEUTRAL]
    ones = P - len(rest)
    if not rest:
        return out, ones
    k = max(rest, key=lambda i: abs(vals[i]))
    top = _refine(M, complex(vals[k]))
    if abs(top - 1) < mpf(10) ** -9:  # the iteration fell onto a neutral 1: keep the float64 value
        return out, ones
    out[k] = top
    if abs(vals[k].imag) > NEUTRAL:  # its conjugate
        j = min((i for i in rest if i != k), key=lambda i: abs(vals[i] - vals[k].conjugate()), default=None)
        if j is not None:
            out[j] = mp.conj(top)
    return out, ones


def _all_multipliers(M) -> list:
    """Every eigenvalue of the mp matrix M at the working precision: python-flint's acb_mat.eig (clusters
    allowed), mpmath's QR where flint cannot isolate them."""
    n = M.rows
    with arb_dps(mp.dps):
        A = acb_mat([[MP_TO_ARB(M[i, j]) for j in range(n)] for i in range(n)])
        try:
            return [mp.mpc(to_mpf_exact(e.real.mid()), to_mpf_exact(e.imag.mid())) for e in A.eig(multiple=True)]
        except ValueError:
            pass
    try:
        return list(mp.eig(M, left=False, right=False))
    except RuntimeError:  # QR without convergence (clustered eigenvalues): roots of the characteristic polynomial
        with mp.workdps(2 * mp.dps):
            return list(mp.polyroots(_charpoly(M), maxsteps=400, extraprec=2 * mp.dps))


def _refine(M, guess: complex):
    """An eigenvalue of the mp matrix M near ``guess``, to the working precision: Rayleigh-quotient iteration
    (a shifted solve, then the shift from the new vector's largest component) in acb, at 2·mp.dps digits."""
    n = M.rows
    with arb_dps(2 * mp.dps):
        A = acb_mat([[MP_TO_ARB(M[i, j]) for j in range(n)] for i in range(n)])
        shift = acb(guess.real, guess.imag)
        vec = acb_mat([[1] for _ in range(n)])
        for _ in range(8):
            B = A - acb_mat(n, n, [shift if i == j else 0 for i in range(n) for j in range(n)])
            try:
                vec = B.solve(vec, algorithm="approx")
            except (ZeroDivisionError, ValueError):
                break  # the shift is an eigenvalue to working precision
            big = max(range(n), key=lambda i: abs(vec[i, 0].mid()))
            vec = acb_mat([[(vec[i, 0] / vec[big, 0]).mid()] for i in range(n)])
            new = ((A * vec)[big, 0]).mid()
            done = abs(new - shift) <= abs(new) * arb(10) ** (-mp.dps - 5)
            shift = new
            if done:
                break
        return mp.mpc(to_mpf_exact(shift.real), to_mpf_exact(shift.imag))


def _charpoly(M) -> list:
    """Coefficients (leading first) of det(μI − M), by the Faddeev–LeVerrier recursion."""
    n = M.rows
    coeffs, A = [mpf(1)], mp.zeros(n, n)
    for k in range(1, n + 1):
        A = M * A
        for i in range(n):
            A[i, i] += coeffs[-1]
        AM = M * A
        coeffs.append(-sum(AM[i, i] for i in range(n)) / k)
    return coeffs


def continue_cycle(
    num,
    theta0: Sequence,
    v: Sequence,
    eta_c,
    kappa,
    c2: Sequence,
    dps: int = 30,
    max_steps: int = 400,
    max_ratio: float = 10.0,
    ratio: float = 1.08,
) -> Branch:
    """Continue the 2-cycle born at (θ*, η_c) at ``dps`` digits until a non-neutral two-step multiplier
    leaves the unit circle (then locate that point), bounded in steps and η ≤ max_ratio·η_c.

    ``num`` = (G, DG, ∇L) as mpmath callables of (θ, η); θ*, v, η_c, κ (> 0, supercritical) and c₂
    (the series' centre correction) are exact numbers or strings."""
    P = len(theta0)
    with mp.workdps(dps):
        th0 = [mpf(t) for t in theta0]
        vv = [mpf(t) for t in v]
        ec, kap = mpf(eta_c), mpf(kappa)
        cc = [mpf(t) for t in c2]
        nv = mp.sqrt(mp.fsum(t * t for t in vv))
        cut = mpf(10) ** (-(dps // 2))

        def guess(rho):
            amp = rho / nv
            return (
                [th0[i] + amp**2 * cc[i] + amp * vv[i] for i in range(P)]
                + [th0[i] + amp**2 * cc[i] - amp * vv[i] for i in range(P)]
                + [ec * (1 + kap * rho**2)]
            )

        rho = mpf("0.01") / mp.sqrt(kap)  # η/η_c − 1 ≈ 10⁻⁴ at the first point
        grow = mpf(ratio)
        pts: list[tuple] = []  # (parameter, x, multipliers) at each point
        hs: list = []  # the largest non-neutral |μ| − 1 at each
        n_neutral = 0
        by_eta = False  # the branch is followed in ρ, and in η past a turning point of ρ
        refolded = False  # back in ρ past a fold in η (where a multiplier reaches +1)
        direction = 1  # ρ grows, or (past a fold in η) shrinks
        step_eta = mpf(0)
        k = 0
        while True:
            k += 1
            if k > max_steps:
                return Branch(
                    "failed",
                    how=f"{max_steps} continuation steps without a multiplier leaving the unit "
                    f"circle or reaching {max_ratio:g}·η_c",
                    neutral=n_neutral,
                    steps=len(pts),
                )
            param = pts[-1][1][2 * P] + step_eta if by_eta else rho
            if len(pts) >= 2:  # secant predictor in the parameter
                (r1, x1, _), (r2, x2, _) = pts[-2], pts[-1]
                x0 = [b + (b - a) * (param - r2) / (r2 - r1) for a, b in zip(x1, x2)]
            else:
                x0 = guess(rho)
            try:
                x = solve_cycle(num, P, vv, rho, x0, dps, eta=param if by_eta else None)
                jump = max(abs(a - b) for a, b in zip(x, x0)) > mpf("0.05") * (1 + max(abs(t) for t in x0))
            except NoConvergence:
                jump = True  # x is not used: the step is retried shorter, or the branch fails
            if jump:  # Newton failed or landed far from the prediction: a shorter step
                if by_eta:
                    if step_eta < mpf(10) ** -8 * pts[-1][1][2 * P]:
                        if len(pts) < 2 or refolded:
                            return Branch(
                                "failed",
                                how=f"Newton did not follow the branch at η = {mp.nstr(param, 10)} (a fold in η)",
                                neutral=n_neutral,
                                steps=len(pts),
                            )
                        # a fold in η: back to ρ, which passes it monotonically (the direction ρ was going)
                        by_eta, refolded = False, True
                        pts = [(_half_diameter(q[1], vv, P), q[1], q[2]) for q in pts]
                        direction = 1 if pts[-1][0] > pts[-2][0] else -1
                        grow = 1 + mpf(10) ** -3
                        rho = pts[-1][0] * grow**direction
                        continue
                    step_eta /= 4
                    continue
                if not pts or grow - 1 < mpf(10) ** -6:
                    return Branch(
                        "failed",
                        how=f"Newton did not follow the branch at ρ = {mp.nstr(rho, 8)}",
                        neutral=n_neutral,
                        steps=len(pts),
                    )
                if grow - 1 < mpf(10) ** -3 and len(pts) >= 2 and not refolded:  # a turning point of ρ: follow η
                    by_eta = True
                    step_eta = 2 * (pts[-1][1][2 * P] - pts[-2][1][2 * P])
                    pts = [(q[1][2 * P], q[1], q[2]) for q in pts]
                    continue
                grow = 1 + (grow - 1) / 4
                rho = pts[-1][0] * grow**direction
                continue
            mus, ones = _multipliers(num, P, x)
            if not pts:
                n_neutral = ones  # the non-neutral ones are 1 − O(ρ²) ≈ 1 − 10⁻⁴ here, far from 1 at this precision
            elif ones < n_neutral:
                return Branch(
                    "failed",
                    how="a multiplier equal to 1 at the start of the branch moves off 1: not a neutral direction",
                    neutral=n_neutral,
                    steps=len(pts),
                )
            rest = _drop_ones(mus, n_neutral)
            hk = max(abs(m) for m in rest) - 1 if rest else mpf(-1)
            folds = bool(pts) and x[2 * P] <= pts[-1][1][2 * P]
            pts.append((x[2 * P] if by_eta else rho, x, mus))
            hs.append(hk)
            if hk >= 0:
                break
            if folds:
                return Branch(
                    "failed",
                    how=f"the branch folds back in η at η ≈ {mp.nstr(x[2 * P], 10)} before a "
                    "multiplier leaves the unit circle",
                    neutral=n_neutral,
                    steps=len(pts),
                )
            if x[2 * P] > max_ratio * ec:
                return Branch(
                    "not found",
                    how=f"every non-neutral multiplier stays inside the unit circle up to "
                    f"η = {max_ratio:g}·η_c along the branch",
                    neutral=n_neutral,
                    steps=len(pts),
                )
            if by_eta:
                step_eta = min(step_eta * 2, (ratio - 1) * x[2 * P])
            else:
                grow = min(mpf(ratio), 1 + (grow - 1) * 2)
                rho = rho * grow**direction

        def h(mus):
            rest = _drop_ones(mus, n_neutral)
            return max(abs(m) for m in rest) - 1 if rest else mpf(-1)

        if hs[0] >= 0:
            return Branch(
                "empty",
                how="a two-step multiplier is outside the unit circle right after η_c "
                f"(ρ = {mp.nstr(pts[0][0], 5)}): the orbit does not attract",
                neutral=n_neutral,
                steps=len(pts),
            )
        k = len(pts) - 1
        # Illinois method on the parameter (ρ, or η past a turning point of ρ) between the last point inside
        # and the first outside
        (ra, xa, _), (rb, xb, mb) = pts[k - 1], pts[k]
        ha, hb = hs[k - 1], hs[k]
        side = 0
        for _ in range(200):
            if abs(rb - ra) <= mpf(10) ** (-(dps - 4)) * abs(rb):
                break
            rc = (ra * hb - rb * ha) / (hb - ha)
            near = xa if abs(rc - ra) < abs(rc - rb) else xb
            try:
                xc = solve_cycle(num, P, vv, rc, near, dps, eta=rc if by_eta else None)
            except NoConvergence as exc:
                return Branch("failed", how=f"{exc} while locating the crossing", neutral=n_neutral)
            mc, _ = _multipliers(num, P, xc)
            hc = h(mc)
            if hc == 0:
                ra = rb = rc
                xa = xb = xc
                mb = mc
                break
            if (hc < 0) == (ha < 0):
                ra, xa, ha = rc, xc, hc
                if side == -1:
                    hb /= 2
                side = -1
            else:
                rb, xb, hb, mb = rc, xc, hc, mc
                if side == 1:
                    ha /= 2
                side = 1
        else:
            return Branch("failed", how="the crossing was not located in 200 iterations", neutral=n_neutral)
        eta_end = (xa[2 * P] + xb[2 * P]) / 2
        crit = max(_drop_ones(mb, n_neutral), key=abs)
        kind = "complex pair" if abs(mp.im(crit)) > cut else ("-1" if mp.re(crit) < 0 else "+1")
        near = xa if abs(hb) > abs(ha) else xb
        return Branch(
            "crossing",
            eta_end,
            f"numerical: {dps}-digit continuation in ρ{' (in η past a turning point of ρ)' if by_eta else ''}, "
            f"{len(pts)} steps",
            n_neutral,
            kind,
            len(pts),
            tuple(near),
        )


def _drop_ones(mus, n: int) -> list:
    """The multipliers without the n closest to 1 (the neutral ones)."""
    order = sorted(range(len(mus)), key=lambda i: abs(mus[i] - 1))
    drop = set(order[:n])
    return [m for i, m in enumerate(mus) if i not in drop]


def certify_crossing(system: Callable, num, point, dps: int, radius: str = "1e-12"):
    """Krawczyk's test (:func:`eos_theory.numbers.intervals.krawczyk`) on the crossing system about ``point``
    (p+, p−, η, a 2-cycle found numerically with a two-step multiplier near −1).  ``system()`` returns
    a function of the normalisation c giving (F, DF), interval functions of x = (p+, p−, η, w, u) whose
    zeros are the 2-cycles with multiplier exactly −1 and eigenvector w (c·w = 1).  Returns the
    certified enclosure (lo, hi) of η, or None when the test does not prove a unique zero in the box
    of that relative radius."""
    from eos_theory.numbers.intervals import iv_workdps, krawczyk

    P = (len(point) - 1) // 2
    with mp.workdps(dps):
        x = [mpf(t) for t in point]
        JGf = num[1]
        Jp, Jm = mp.matrix(JGf(*x[:P], x[2 * P])), mp.matrix(JGf(*x[P : 2 * P], x[2 * P]))
        if P == 1:
            w = mp.matrix([[1]])
        else:
            vals, vecs = mp.eig(Jm * Jp, left=False, right=True)
            k = min(range(P), key=lambda i: abs(vals[i] + 1))
            w = mp.matrix([mp.re(vecs[i, k]) for i in range(P)])
        norm2 = mp.fsum(wi * wi for wi in w)
        c = [wi / norm2 for wi in w]  # c·w = 1
        u = Jp * w
        x += [w[i] for i in range(P)] + [u[i] for i in range(P)]
        r = mpf(radius)
        box = [(t - r * (1 + abs(t)), t + r * (1 + abs(t))) for t in x]
    F, DF = system()(c)
    res = krawczyk(F, DF, box, dps=dps)
    if res.status != "unique zero":
        return None
    with iv_workdps(dps):
        k = res.image[2 * P]
        return mp.make_mpf(k._mpi_[0]), mp.make_mpf(k._mpi_[1])


def upper_end(
    make_num: Callable,
    theta0,
    v,
    eta_c,
    kappa,
    c2,
    precisions: tuple[int, int] = (30, 45),
    crossing_system: Callable | None = None,
    **kw,
) -> UpperEnd:
    """:func:`continue_cycle` at two precisions; the upper end to the digits on which they agree.

    ``make_num()`` returns the (G, DG, ∇L) callables (mpmath, evaluated at the current precision).
    With ``crossing_system`` (see :func:`certify_crossing`) a crossing through −1 is also certified:
    the 2-cycle with multiplier −1 near the one found is proved to exist, unique in a small box, and
    its η enclosed by interval arithmetic."""
    num = make_num()
    runs = []
    for dps in precisions:
        runs.append(continue_cycle(num, theta0, v, eta_c, kappa, c2, dps=dps, **kw))
        if runs[-1].status != "crossing":
            break
    last = runs[-1]
    if last.status == "empty":
        return UpperEnd("empty", None, 0, f"numerical ({precisions[0]} digits): {last.how}", last.neutral)
    if last.status != "crossing":
        return UpperEnd("unknown", None, 0, f"continuation of the 2-cycle: {last.how}", last.neutral)
    a, b = runs
    digits = agreeing_digits(a.eta, b.eta, min(precisions))
    if digits < 3:
        return UpperEnd("unknown", None, digits, f"the two precisions agree to {digits} digits only", b.neutral)
    with mp.workdps(max(precisions)):
        value = mp.nstr(b.eta, digits)
    enclosure, certified = None, "not certified by interval arithmetic"
    if crossing_system is not None and b.kind == "-1" and not b.neutral:
        try:
            box = certify_crossing(crossing_system, num, b.point, max(precisions))
        except (ArithmeticError, ValueError, TypeError, ZeroDivisionError):
            box = None
        if box is not None:
            with mp.workdps(max(precisions)):
                enclosure = (mp.nstr(box[0], max(precisions)), mp.nstr(box[1], max(precisions)))
            shown = agreeing_digits(box[0], box[1], max(precisions)) + 2
            certified = (
                f"certified by interval arithmetic: a 2-cycle with two-step multiplier exactly −1 exists, "
                f"unique in a box about the one found, at η in [{enclosure[0][: shown + 2]}, "
                f"{enclosure[1][: shown + 2]}] (Krawczyk, {max(precisions)} digits); that it ends this "
                "branch's window — no earlier crossing — rests on the continuation"
            )
        else:
            certified = "the Krawczyk test did not certify the crossing (numerical only)"
    how = (
        f"numerical, {precisions[0]} and {precisions[1]} digits, {digits} agreeing (two precisions): the 2-cycle "
        f"continued from the flip series by Newton in parameter space ({a.steps} and {b.steps} steps), a two-step "
        f"multiplier leaves the unit circle through {b.kind} (located by the Illinois method); {certified}"
    )
    if b.neutral:
        how += f"; {b.neutral} multiplier(s) equal to 1 along the whole branch (a continuum of cycles) are left out"
    return UpperEnd("decimal", value, digits, how, b.neutral, b.kind, enclosure)
