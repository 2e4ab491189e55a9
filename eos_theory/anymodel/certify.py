"""The least sharpness found numerically, refined at two precisions and certified where interval arithmetic can.

From the float64 search (:mod:`eos_theory.anymodel.search`) the least-sharp critical point is refined by
Newton's method on the Lagrange system (:mod:`eos_theory.anymodel.lagrange`, bordered by the model's
rotation symmetries) in arb arithmetic at two working precisions; the digits on which the two agree are
the numerical result.  Then, where the top NTK eigenvalue is simple and the bordered system regular:

* **Krawczyk's test** (:func:`eos_theory.numbers.balls.krawczyk`) proves that a box about the point holds
  exactly one zero of the bordered system, and the Gram matrix of the rotations is proved nonsingular
  over it, so that zero solves the Lagrange system itself (its bordering unknowns vanish);
* **Gershgorin's theorem** after an approximate diagonalisation proves that the λ of that zero is the
  largest eigenvalue of JJᵀ there, and simple;

so S = ℓ''(0)·λ is the sharpness of a true critical point of the sharpness on the minima, enclosed.  That it
is a local minimum is checked numerically (the reduced Hessian of the Lagrangian, across the symmetry orbit),
and that it is the least over all of M is not proved: the report says which starts reached it.

A top eigenvalue with several equal values at the least point (**degenerate**), or a Jacobian singular in
more directions than the rotations explain (a **continuum** of least-sharp critical points), is detected and
reported: the value is then numerical, and the flip is not analysed where it needs a simple eigenvalue.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from fractions import Fraction

import numpy as np
from flint import arb, arb_mat

from eos_theory.anymodel.compiled import ARB, NotReal, arb_dps
from eos_theory.anymodel.estimate import Estimate, from_enclosure, from_two
from eos_theory.anymodel.evaluate import Evaluator, dot
from eos_theory.anymodel.lagrange import Layout, Rotation, rotations, system
from eos_theory.anymodel.search import Found, Search
from eos_theory.numbers.balls import bounds, exact_fraction, krawczyk, outward, separated_top_eigenvalue
from eos_theory.numbers.decimals import agreeing_digits

__all__ = ["PRECISIONS", "NumericMinimum", "Point", "refine"]

PRECISIONS = (30, 45)  #: the two working precisions (decimal digits) of the refinement


@dataclass(frozen=True)
class Point:
    """A solution of the (bordered) Lagrange system at one working precision: exact binary midpoints."""

    dps: int
    x: tuple  #: arb midpoints, Layout order (θ, u, z, λ, μ, s)
    layout: Layout

    def part(self, name: str) -> list:
        theta, u, z, lam, mu, s = self.layout.split(self.x)
        return {"theta": theta, "u": u, "z": z, "lam": [lam], "mu": mu, "s": s}[name]


@dataclass(frozen=True)
class NumericMinimum:
    """The least sharpness from the numerical path, with everything that says how far it is proved."""

    status: str  #: "certified" | "numerical" | "degenerate" | "continuum" | "inconclusive"
    how: str
    value: Estimate | None = None  #: S_min = ℓ''(0)·λ_max(JJᵀ)
    critical_lr: Estimate | None = None  #: η_c = 2/S_min
    point: tuple[str, ...] = ()  #: θ*, decimals
    direction: tuple[str, ...] = ()  #: w = Jᵀu at θ*: the top loss-Hessian eigenvector (|w|² = λ)
    multiplicity: int = 1  #: of the top NTK eigenvalue at θ*
    continuum: int = 0  #: dimension of the set of least-sharp critical points through θ* (rotations included)
    rotations: tuple[Rotation, ...] = ()  #: the rotation symmetries found (exact)
    orbit: int = 0  #: dimension of the rotation orbit through θ*
    local_minimum: str = ""  #: the second-order check, in words
    global_note: str = ""  #: what the search covered (global optimality is not proved)
    points: tuple[Point, ...] = ()  #: the solution at the two precisions
    box: tuple = ()  #: the certified enclosure of the Lagrange unknowns (arb balls), when certified
    box_dps: int = 0
    krawczyk_box: tuple = ()  #: the box in which Krawczyk's test proved the zero unique (exact (lo, hi) pairs)
    border: tuple = ()  #: the bordering vectors A_jθ₀ (exact Fractions) and θ₀
    search: Search | None = None
    notes: tuple[str, ...] = field(default=())

    @property
    def found(self) -> bool:
        return self.value is not None


def _fraction(v: float) -> Fraction:
    return Fraction(float(v))


def _start(ev: Evaluator, best: Found) -> list[Fraction]:
    """The float64 solution as exact binary numbers, in Layout order (θ, u, z, λ, μ)."""
    theta = [float(t) for t in best.theta]
    J = np.array(_float_jacobian(ev, theta))
    z = J.T @ best.u
    return [_fraction(v) for v in [*theta, *best.u, *z, best.lam, *best.mu]]


def _float_jacobian(ev: Evaluator, theta):
    from eos_theory.anymodel.compiled import FLOAT

    return ev.jacobian(FLOAT, theta)


@dataclass(frozen=True)
class Bordered:
    """The Lagrange system bordered twice: by the rotation symmetries (structured: their bordering unknowns are
    proved to vanish at a zero), and by ``extra`` numerical null vectors of its Jacobian (a continuum of
    critical points, or redundant constraints), which makes it square and regular for Newton's method."""

    ev: Evaluator
    border: tuple  #: A_jθ₀ for the rotations used (exact)
    theta0: tuple
    left: tuple = ()  #: left null vectors U (columns added to F)
    right: tuple = ()  #: right null vectors V (slice rows Vᵀ(x − x̂))
    x0: tuple = ()  #: the slice's point x̂

    @property
    def layout(self) -> Layout:
        return Layout(self.ev.P, self.ev.n, len(self.border))

    def __call__(self, N, x: list):
        lay = self.layout
        m, e = lay.size, len(self.left)
        F, D = system(self.ev, N, x[:m], self.border, self.theta0)
        if not e:
            return F, D
        t = x[m:]
        zero = 0 * x[0]
        U = [[N.convert(c) for c in col] for col in self.left]
        V = [[N.convert(c) for c in row] for row in self.right]
        base = [N.convert(c) for c in self.x0]
        F = [F[i] + sum((U[j][i] * t[j] for j in range(e)), zero) for i in range(m)]
        F += [sum((V[j][i] * (x[i] - base[i]) for i in range(m)), zero) for j in range(e)]
        D = [list(D[i]) + [U[j][i] for j in range(e)] for i in range(m)]
        D += [list(V[j]) + [zero] * e for j in range(e)]
        return F, D


def _newton(system_: Bordered, x0: list, dps: int, iters: int = 40) -> tuple[list, bool]:
    """Newton on a square system in arb at ``dps`` digits (midpoints only: numerics, not proof)."""
    with arb_dps(dps + 10):
        x = [ARB.convert(v) for v in x0]
        tol = Fraction(1, 10 ** (dps - 2))
        for _ in range(iters):
            try:
                F, D = system_(ARB, x)
                step = arb_mat([list(r) for r in D]).solve(arb_mat([[v] for v in F]), algorithm="approx")
            except (ZeroDivisionError, NotReal, ValueError):
                return x, False
            dx = [step[i, 0].mid() for i in range(len(x))]
            x = [(a - b).mid() for a, b in zip(x, dx)]
            size = max(abs(exact_fraction(v)) for v in x) + 1
            if max(abs(exact_fraction(v)) for v in dx) <= tol * size:
                return x, True
    return x, False


def _orbit_vectors(rots: tuple[Rotation, ...], theta: list[Fraction]) -> tuple[list[Rotation], list[list[Fraction]]]:
    """A maximal set of rotations whose vectors A_jθ (the orbit's tangent directions) are linearly independent."""
    chosen: list = []
    vecs: list = []
    for r in rots:
        v = r.apply(theta)
        trial = np.array([[float(c) for c in w] for w in [*vecs, v]])
        if np.linalg.matrix_rank(trial, tol=1e-9 * max(1.0, np.abs(trial).max())) > len(vecs):
            chosen.append(r)
            vecs.append(v)
    return chosen, vecs


def _null_vectors(system_: Bordered, x: list, tol: float = 1e-9) -> tuple[list, list]:
    """Left and right null vectors (exact binary) of the system's Jacobian at a float64 point."""
    from eos_theory.anymodel.compiled import FLOAT

    _, D = system_(FLOAT, [float(v) for v in x])
    U, sv, Vt = np.linalg.svd(np.array(D, dtype=float))
    idx = [i for i, v in enumerate(sv) if v <= tol * sv[0]]
    left = [[Fraction(float(c)) for c in U[:, i]] for i in idx]
    right = [[Fraction(float(c)) for c in Vt[i]] for i in idx]
    return left, right


def refine(ev: Evaluator, found: Search, precisions: tuple[int, int] = PRECISIONS) -> NumericMinimum:
    """Refine the search's least point at two precisions, certify it where possible, and say how far it is proved."""
    best = found.best
    global_note = (
        f"global optimality over the minima is not proved: the least value found from {found.region()}, "
        f"reached by {found.reached()} of them"
    )
    if best is None:
        why = (
            f"no zero-residual point reached from {found.starts} starts in [−{found.radius:g}, {found.radius:g}]^P "
            f"(Levenberg–Marquardt on {ev.spec.minima_set}): the minima may be empty, or far from the box"
        )
        return NumericMinimum("inconclusive", why, search=found, global_note=global_note)
    P = ev.P
    if best.multiplicity > 1:
        return _degenerate(ev, found, best, global_note)
    if not best.polished:
        far = float(np.linalg.norm(best.theta))
        why = (
            f"the least value found, λ ≈ {best.lam:.10g} at |θ| ≈ {far:.3g}, is not at a critical point: the descent "
            "had not converged there (Newton on the Lagrange system fails); the sharpness may not attain its infimum "
            "on the minima (runs off to infinity along them), or the search needs more steps"
        )
        return NumericMinimum("inconclusive", why, search=found, global_note=global_note)
    rots = rotations(ev) or ()
    x0 = _start(ev, best)
    theta0 = x0[:P]
    used, border = _orbit_vectors(rots, theta0)
    plain = Bordered(ev, tuple(border), tuple(theta0))
    start = [*x0, *([Fraction(0)] * len(border))]
    left, right = _null_vectors(plain, start)
    sys_ = Bordered(ev, tuple(border), tuple(theta0), tuple(left), tuple(right), tuple(start)) if left else plain
    start = [*start, *([Fraction(0)] * len(left))]
    flat = int(np.linalg.matrix_rank(np.array([[float(c) for c in v[:P]] for v in right]), tol=1e-6)) if right else 0
    points = []
    for dps in precisions:
        x, ok = _newton(sys_, start, dps)
        if not ok:
            return NumericMinimum(
                "inconclusive",
                f"Newton's method on the Lagrange system did not converge at {dps} digits from the float64 point",
                search=found,
                global_note=global_note,
            )
        points.append(Point(dps, tuple(x), sys_.layout))
    extra = len(left)
    if extra:  # the slice's bordering unknowns must vanish: else the point solves a perturbed system only
        m = sys_.layout.size
        for pt in points:
            size = abs(exact_fraction(pt.part("lam")[0])) + 1  # the scale of the equations, not of θ
            if max(abs(exact_fraction(v)) for v in pt.x[m:]) > Fraction(1, 10 ** (pt.dps // 2)) * size:
                far = max(abs(float(exact_fraction(v))) for v in pt.x[:P])
                why = (
                    f"no critical point of the sharpness on the minima near the least value found (λ ≈ {best.lam:.12g} "
                    f"at |θ| ≈ {far:.3g}): the Lagrange system is nearly singular there and has no solution on its "
                    "slice; the sharpness may keep decreasing along the minima without attaining its infimum"
                )
                return NumericMinimum("inconclusive", why, search=found, global_note=global_note)
    with arb_dps(max(precisions) + 10):
        ell2 = ev.loss_at_zero(ARB)[0]
        lams = [ell2 * p.part("lam")[0] for p in points]
    a, b = (exact_fraction(v) for v in lams)
    digits = agreeing_digits(a, b, min(precisions))
    how_num = (
        f"numerical: Newton on the Lagrange system in arb at {precisions[0]} and {precisions[1]} digits, {digits} "
        "agreeing"
    )
    value = from_two(a, b, min(precisions), how_num)
    lr = from_two(2 / a, 2 / b, min(precisions), how_num + "; η_c = 2/S")
    pt = points[-1]
    theta_txt = tuple(_dec(v, 20) for v in pt.part("theta"))
    w_txt = tuple(_dec(v, 20) for v in pt.part("z"))
    second = _second_order(ev, pt, len(border))
    base = NumericMinimum(
        "numerical",
        how_num,
        value,
        lr,
        point=theta_txt,
        direction=w_txt,
        rotations=tuple(rots),
        orbit=len(border),
        continuum=len(border),
        local_minimum=second,
        global_note=global_note,
        points=tuple(points),
        border=(tuple(tuple(b) for b in border), tuple(theta0)),
        search=found,
    )
    if extra:
        dim = len(border) + flat
        if flat:
            how = (
                f"{how_num}; a continuum of least-sharp critical points through θ* ({dim}-dimensional: the Lagrange "
                f"system's Jacobian is singular in {flat} direction(s) of θ beyond the {len(border)} of the rotation "
                "symmetries; solved with that many slice equations): not certified; the flip coefficient is computed "
                "at the point found and may vary along the continuum"
            )
            return replace(base, status="continuum", how=how, continuum=dim)
        how = (
            f"{how_num}; the Lagrange system's Jacobian is singular in {extra} direction(s) that do not move θ "
            "(redundant constraints: J has rank below the number of data points on the minima, so the multipliers "
            "are not unique): not certified"
        )
        return replace(base, how=how)
    cert = _certify(ev, pt, used, border, theta0, precisions)
    if cert is None:
        how = f"{how_num}; interval certification failed (Krawczyk's test or the eigenvalue separation)"
        return replace(base, how=how)
    box, s_ball, dps_c, cert_how, tested = cert
    with arb_dps(dps_c):
        S = ell2 * s_ball
        eta = 2 / S
        lo, hi = bounds(S)
        elo, ehi = bounds(eta)
        value_c = from_enclosure(lo, hi, 40, f"certified: {cert_how}", outward(S, 42))
        lr_c = from_enclosure(elo, ehi, 40, "certified: 2/S over the enclosure of S", outward(eta, 42))
    return replace(
        base,
        status="certified",
        how=f"certified: {cert_how}",
        value=value_c or value,
        critical_lr=lr_c or lr,
        box=box,
        box_dps=dps_c,
        krawczyk_box=tested,
    )


def _dec(v: arb, digits: int) -> str:
    from eos_theory.numbers.decimals import common_string

    q = exact_fraction(v)
    got = common_string(q, q, digits)
    return got[0] if got else "0"


def _certify(ev: Evaluator, pt: Point, used: list[Rotation], border, theta0, precisions) -> tuple | None:
    """Krawczyk on the bordered system about the refined point, then s = 0 and the top eigenvalue's separation."""
    dps = max(precisions) + 10
    P, n = ev.P, ev.n
    lay = pt.layout
    with arb_dps(dps):
        center = [exact_fraction(v) for v in pt.x]
        rad = [Fraction(1, 10 ** (max(precisions) // 2)) * (1 + abs(c)) for c in center]

        def F(xs):
            return system(ev, ARB, xs, border, theta0)[0]

        def DF(xs):
            return system(ev, ARB, xs, border, theta0)[1]

        try:
            res = krawczyk(F, DF, center, rad)
        except (NotReal, ZeroDivisionError, ValueError):
            return None
        if not res.unique:
            return None
        box = res.image
        theta_box = list(box[:P])
        k = len(border)
        if k:  # s = 0 at the zero: the Gram matrix (A_iθ)·(A_jθ₀) is nonsingular over the box
            at = [r.apply(theta_box, ARB.convert) for r in used]
            gram = arb_mat([[dot(at[i], [ARB.convert(c) for c in border[j]]) for j in range(k)] for i in range(k)])
            if gram.det().contains(0):
                return None
        lam = box[2 * P + n]
        J = ev.jacobian(ARB, theta_box)
        K = [[dot(J[i], J[j]) for j in range(n)] for i in range(n)]
        sep = separated_top_eigenvalue(K)
        if sep is None:
            return None
        _, rest = sep
        if not lam > rest:
            return None
        radius = float(Fraction(1, 10 ** (max(precisions) // 2)))
        how = (
            f"Krawczyk's test on the {lay.size} Lagrange equations (arb, {dps} digits) proves exactly one critical "
            f"point of the sharpness on the minima in a box of relative radius {radius:.0e} about θ*"
            + (
                f" (bordered by {k} rotation symmetr{'y' if k == 1 else 'ies'}, their Gram matrix nonsingular)"
                if k
                else ""
            )
            + "; its top NTK eigenvalue is simple (Gershgorin)"
        )
        return box, lam, dps, how, tuple(bounds(x) for x in res.box)


def _second_order(ev: Evaluator, pt: Point, orbit: int) -> str:
    """The reduced Hessian of the Lagrangian at θ*, across the symmetry orbit, in float64: its least eigenvalue."""
    from eos_theory.anymodel.compiled import FLOAT

    P, n = ev.P, ev.n
    theta = [float(exact_fraction(v)) for v in pt.part("theta")]
    u = np.array([float(exact_fraction(v)) for v in pt.part("u")])
    mu = np.array([float(exact_fraction(v)) for v in pt.part("mu")])
    J = np.array(ev.jacobian(FLOAT, theta), dtype=float)
    H = np.array(ev.hessians(FLOAT, theta), dtype=float).reshape(n, P, P)
    z = J.T @ u
    T = np.array(ev.third_uz(FLOAT, theta, list(u), list(z)), dtype=float)
    vals, vecs = np.linalg.eigh(J @ J.T)
    lam = vals[-1]
    A = np.einsum("i,ipq->pq", u, H)
    C = np.einsum("ipq,q->ip", H, z) + J @ A
    R = sum((np.outer(vecs[:, k], vecs[:, k]) / (lam - vals[k]) for k in range(n - 1)), np.zeros((n, n)))
    W = 2 * (A.T @ A + T) + 2 * C.T @ R @ C - np.einsum("i,ipq->pq", mu, H)
    _, sv, Vt = np.linalg.svd(J)
    rank = int(np.sum(sv > 1e-9 * sv[0]))
    Z = Vt[rank:].T
    red = Z.T @ W @ Z
    e = np.sort(np.linalg.eigvalsh((red + red.T) / 2))
    if len(e) == 0:
        return "the minima are isolated points (J has rank P there): no second-order condition"
    tol = 1e-8 * max(1.0, np.abs(e).max())
    zero = int(np.sum(np.abs(e) <= tol))
    rest = e[np.abs(e) > tol]
    if len(rest) and rest[0] < 0:
        return (
            f"not a local minimum: the reduced Hessian of the Lagrangian has the eigenvalue {rest[0]:.3g} < 0 (float64)"
        )
    note = "" if zero == orbit else f" and {zero - orbit} more zero eigenvalue(s) (flat directions: a continuum)"
    least = f"{rest[0]:.3g}" if len(rest) else "none"
    return (
        f"a local minimum along the minima (float64): the reduced Hessian of the Lagrangian has least nonzero "
        f"eigenvalue {least} > 0, {zero} zero eigenvalue(s)"
        + (f" ({orbit} along the rotation orbit)" if orbit else "")
        + note
    )


def _degenerate(ev: Evaluator, found: Search, best: Found, global_note: str) -> NumericMinimum:
    """A least value where the top eigenvalue is not simple: numerical only (float64), the flip not analysed."""
    with arb_dps(30):
        ell2 = exact_fraction(ev.loss_at_zero(ARB)[0])
    near = [f.lam for f in found.found if abs(f.lam - best.lam) <= 1e-6 * abs(best.lam)]
    lo, hi = Fraction(min(near)), Fraction(max(near))
    value = from_two(ell2 * lo, ell2 * hi, 12, "") if len(near) > 1 else None
    shown = value.digits if value is not None else 0
    how = (
        f"numerical: float64 descent of a soft maximum of the NTK eigenvalues (temperature down to 10⁻¹⁰λ); the "
        f"least value of the starts, to the {shown} digits all {len(near)} starts that reached it share; not "
        f"certified: the top NTK eigenvalue has multiplicity {best.multiplicity} there (a degenerate top eigenvalue: "
        "λ_max is not smooth, so the Lagrange system of a simple eigenvalue does not apply)"
    )
    value = from_two(ell2 * lo, ell2 * hi, 12, how) if value is not None else None
    lr = from_two(2 / (ell2 * hi), 2 / (ell2 * lo), 12, how + "; η_c = 2/S") if value is not None else None
    J = np.array(_float_jacobian(ev, [float(t) for t in best.theta]), dtype=float)
    w = J.T @ best.u  # the top eigenvector of one member of the cluster: GD's push direction, nothing more
    return NumericMinimum(
        "degenerate",
        how,
        value,
        lr,
        point=tuple(f"{t:.15g}" for t in best.theta),
        direction=tuple(f"{t:.15g}" for t in w),
        multiplicity=best.multiplicity,
        global_note=global_note,
        search=found,
    )


def box_proof(ev: Evaluator, m: NumericMinimum, also: tuple = ()):
    """The data of a certified least-sharp point for a proof record (:class:`eos_theory.core.proof.BoxProof`): the
    bordered Lagrange system, the box in which Krawczyk's test proved its zero unique, and the enclosure of
    S = ℓ''(0)·λ at that zero; ``also`` adds (expression, lo, hi) triples that hold at the zero."""
    import sympy as sp

    from eos_theory.anymodel.definition import derivatives_at_zero
    from eos_theory.anymodel.lagrange import symbolic_system
    from eos_theory.core.proof import BoxProof

    if m.status != "certified" or m.value is None or m.value.enclosure is None:
        raise ValueError("no certified box: the least sharpness is not certified")
    border, theta0 = m.border
    variables, equations = symbolic_system(ev, border, theta0)
    lam = variables[2 * ev.P + ev.n]
    lo, hi = (sp.Rational(x) for x in m.value.enclosure)
    box = tuple(
        (sp.Rational(a.numerator, a.denominator), sp.Rational(b.numerator, b.denominator)) for a, b in m.krawczyk_box
    )
    ell2 = derivatives_at_zero(ev.spec.loss, 2)[2]
    return BoxProof(variables, box, equations, at_zero=((ell2 * lam, lo, hi), *also))
