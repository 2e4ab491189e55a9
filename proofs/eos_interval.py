"""Computer-assisted proofs, with interval arithmetic, that the EOS period-2 orbit exists and
attracts for concrete rational parameters: Krawczyk's operator for the two-step GD map in θ,
and an interval bound on its Jacobian.

The GD step and its Jacobian are derived by SymPy from the model and evaluated in mpmath.iv
(outward rounding) with the parameters enclosed exactly; nothing is typed in.
"""

import math
from fractions import Fraction
from functools import cache

import sympy as sp
from mpmath import iv, mp

from eos_theory.core.evidence import Holds
from eos_theory.core.model import eigenbasis
from eos_theory.core.notation import E, eta
from eos_theory.core.proof import BoxProof, Proof
from eos_theory.core.registry import Source, claim
from eos_theory.numbers.intervals import enclose, iv_workdps, krawczyk
from eos_theory.numbers.parse import exact
from eos_theory.quadratic import closed_forms
from eos_theory.quadratic.closed_forms import eps, r

# (ω1, ω2, E, η): the paper's symmetric case at two control values, same-sign eigenvalues, and
# an asymmetric mixed-sign case; each inside its attracting window (checked below).
EXAMPLES = ((-1, 1, 1, "11/10"), (-1, 1, 1, "6/5"), (2, 3, 1, "3/5"), ("-1/2", 1, 1, "23/20"))
DPS = 40
RADIUS = Fraction(1, 10**25)  #: half-width of the box around the closed-form orbit point


@cache
def _step_and_jacobian():
    """One GD step θ ↦ θ − ηzQθ for Q = diag(ω1, ω2) and its Jacobian, as an interval function."""
    m, w = eigenbasis(2)
    step = m.on_theta(m.gd_map)
    args = (*m.theta, *w, E, eta)
    return sp.lambdify(args, (list(step), step.jacobian(m.theta).tolist()), modules=[{"mpf": iv.mpf}, "mpmath"])


def _matmul(A, B):
    return [[sum((A[i][k] * B[k][j] for k in range(2)), iv.mpf(0)) for j in range(2)] for i in range(2)]


def prove_orbit(omega1, omega2, target, lr) -> dict:
    """Krawczyk existence/uniqueness of the two-step fixed point near the closed-form orbit point, and a
    bound ‖D(GD²)‖∞ < 1 over the box (so both multipliers have modulus < 1: the orbit attracts)."""
    f = _step_and_jacobian()
    (a1, a2), _ = closed_forms.orbit_theta(omega1, omega2, target, lr)
    with iv_workdps(DPS):
        params = [enclose(str(v)) for v in (omega1, omega2, target, lr)]

        def one(x):
            return f(*x, *params)

        def F(x):
            y, _ = one(x)
            z, _ = one(y)
            return [zi - xi for zi, xi in zip(z, x)]

        def DF(x):
            y, J1 = one(x)
            _, J2 = one(y)
            D = _matmul(J2, J1)
            return [[D[i][j] - (1 if i == j else 0) for j in range(2)] for i in range(2)]

        with mp.workdps(DPS):
            center = [mp.mpf(str(sp.N(a, DPS + 10))) for a in (a1, a2)]
        box = [
            (c - mp.mpf(RADIUS.numerator) / RADIUS.denominator, c + mp.mpf(RADIUS.numerator) / RADIUS.denominator)
            for c in center
        ]
        result = krawczyk(F, DF, box, dps=DPS)
        X = [iv.mpf(list(b)) for b in box]
        y, J1 = one(X)
        _, J2 = one(y)
        D = _matmul(J2, J1)
        rows = [sum((abs(d) for d in row), iv.mpf(0)) for row in D]  # enclosures of the row sums of |D(GD²)|
        norm = max(mp.mpf(r.b.a) for r in rows)  # an upper bound of ‖D(GD²)‖∞ over the box
        ntk = [params[3] * (params[0] ** 2 * x[0] ** 2 + params[1] ** 2 * x[1] ** 2) for x in (X, y)]
    ntk_ends = [(exact(mp.make_mpf(t._mpi_[0])), exact(mp.make_mpf(t._mpi_[1]))) for t in ntk]
    proof = box_proof((omega1, omega2, target, lr), result.box, norm, ntk_ends) if result.unique else None
    return {"krawczyk": result, "norm": norm, "ntk": ntk, "ntk_ends": ntk_ends, "box": box, "proof": proof}


def box_proof(params, box, norm, ntk_ends) -> BoxProof:
    """The proof as data: GD∘GD − id has exactly one zero in ``box`` (iv intervals), at it the η·NTK of both
    points lie in ``ntk_ends``, and over the box every row of D(GD∘GD) has Σ|d_ij| ≤ the bound (written as
    ±d_i1 ± d_i2 ≤ bound, with the bound ``norm`` rounded up to 4 digits, < 1); the step and its Jacobian
    are the derived ones, the parameters exact."""
    m, w = eigenbasis(2)
    values = dict(zip((*w, E, eta), (sp.Rational(str(v)) for v in params)))
    step = m.on_theta(m.gd_map).subs(values)
    jac = step.jacobian(m.theta)
    x, y, z = m.theta, sp.symbols("y1 y2"), sp.symbols("z1 z2")
    at = lambda expr, point: expr.subs(dict(zip(x, point)), simultaneous=True)  # noqa: E731
    a, b, d = (sp.symbols(f"{n}11 {n}12 {n}21 {n}22") for n in "abd")
    definitions = [*zip(y, step), *zip(z, at(step, y)), *zip(a, jac), *zip(b, at(jac, y))]
    definitions += [(d[2 * i + j], b[2 * i] * a[j] + b[2 * i + 1] * a[2 + j]) for i in range(2) for j in range(2)]
    bound = Fraction(math.ceil(exact(norm) * 10**4), 10**4)
    if not bound < 1:
        raise AssertionError(f"‖D(GD²)‖∞ ≤ {bound} is not < 1")
    rows = [(s1 * d[2 * i] + s2 * d[2 * i + 1], None, bound) for i in range(2) for s1 in (1, -1) for s2 in (1, -1)]
    ntk = [values[eta] * (values[w[0]] ** 2 * p[0] ** 2 + values[w[1]] ** 2 * p[1] ** 2) for p in (x, y)]
    return BoxProof(
        tuple(x),
        tuple((exact(mp.make_mpf(c._mpi_[0])), exact(mp.make_mpf(c._mpi_[1]))) for c in box),
        equations=tuple(zi - xi for zi, xi in zip(z, x)),
        definitions=tuple(definitions),
        at_zero=tuple((t, lo, hi) for t, (lo, hi) in zip(ntk, ntk_ends)),
        over_box=tuple(rows),
    )


@claim(
    "eos2d-interval-orbit",
    title="interval proof: the EOS 2-cycle exists and attracts",
    source=Source("derived"),
    statement="For (ω1, ω2, E, η) = (−1, 1, 1, 11/10), (−1, 1, 1, 6/5), (2, 3, 1, 3/5) and (−1/2, 1, 1, 23/20), "
    "the two-step GD map in parameter space has a unique fixed point in a box of half-width 10⁻²⁵ around the "
    "closed-form EOS orbit point, the Jacobian of the two-step map has ∞-norm < 1 on that box (so the orbit "
    "attracts), and the box's η·NTK values enclose the closed-form cycle values.",
    method="computer-assisted: Krawczyk operator K(X) ⊂ int X for F = GD∘GD − id, and an interval bound on "
    "‖D(GD∘GD)‖∞, in mpmath.iv at 40 digits with outward rounding",
)
def interval_orbit(p: Proof) -> None:
    p.states(sp.Lt(sp.Function("rho")(sp.Symbol("D_{GD^2}")), 1))
    for example in EXAMPLES:
        label = "(ω1, ω2, E, η) = ({}, {}, {}, {})".format(*example)
        st, orbit = closed_forms.setting(*example), closed_forms.eos_orbit()
        window = (eps > 1, sp.Abs(orbit.along) < 1, sp.Abs(orbit.across) < 1)  # eos2d-window: both multipliers
        p.check(
            f"{label} is in the attracting window",
            closed_forms.classify(*example),
            "period-2",
            f"closed_forms.classify, ε = {closed_forms.control_parameter(*example)}",
            evidence=Holds({eps: st.e, r: st.r}, window),
        )
        out = prove_orbit(*example)
        k = out["krawczyk"]
        if not k.unique:
            raise AssertionError(f"{label}: Krawczyk test {k.status}")
        if not out["norm"] < 1:
            raise AssertionError(f"{label}: ‖D(GD²)‖∞ ≤ {out['norm']} is not < 1")
        cycle = closed_forms.orbit_closed_forms(*example)["cycle"]["ntk"]
        ends = sorted(out["ntk_ends"])
        inside = []
        for i, (value, (lo, hi)) in enumerate(zip(sorted(cycle, key=sp.N), ends)):
            inside += [
                f"{label}: closed-form η·NTK value {i + 1} lies in its enclosure ({end})" for end in ("lo", "hi")
            ]
            p.compare(inside[-2], sp.Rational(lo), "<=", value)
            p.compare(inside[-1], value, "<=", sp.Rational(hi))
        with mp.workdps(8):
            p.interval(
                f"{label}: a unique two-step fixed point in the box, attracting",
                f"K(X) ⊂ int X for X of half-width 1e-25 around θ = ({mp.nstr(k.center[0], 12)}, "
                f"{mp.nstr(k.center[1], 12)}); ‖D(GD²)‖∞ ≤ {mp.nstr(out['norm'], 6)} < 1; η·NTK at both points "
                f"enclosed",
                out["proof"],
            )


if __name__ == "__main__":
    from eos_theory.core.registry import print_proof

    print_proof(__name__)
