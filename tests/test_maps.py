"""The derived maps of :mod:`eos_theory.quadratic.maps` against gradient descent run directly in parameter space.

Parameter-space GD is re-implemented here in a few lines, θ ← θ − η z(θ) Qθ with z = ½θᵀQθ − E,
once with exact :class:`fractions.Fraction` arithmetic and once in mpmath at 50 digits.  The
reduced coordinates are z̃ = ηz and T̃ = η·JJᵀ = η|Qθ|².

(a) Exact: after k = 1..3 steps the reduced maps reproduce (z̃, T̃) *exactly* (no tolerance).
(b) mpmath, random reals, 20 steps: at least 40 agreeing significant digits (see
    :func:`test_two_d_map_tracks_gd_in_mpmath` for why 40 follows from 50-digit arithmetic).

Gradient-flow equations are checked without finite differences: the Lie derivative of f(θ)
along θ̇ is the ε-coefficient of f(θ + εθ̇) computed in dual numbers over ℚ, which is exact.
"""

from __future__ import annotations

from fractions import Fraction
from functools import cache

import mpmath
import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

from eos_theory.core.notation import E, Tt, eta, z, zt
from eos_theory.core.notation import omega as w_sym
from eos_theory.quadratic import maps
from eos_theory.testing import (
    distinct_nonzero_pairs,
    eigenvalue_pairs,
    positive_rationals,
    rationals,
    reals,
    signed_reals,
    symmetric_matrices,
    vectors,
)

STEPS = (1, 2, 3)


# -- parameter-space gradient descent, written independently ------------------------------------


def matvec(Q, v):
    return [sum((Q[i][j] * v[j] for j in range(len(v))), 0 * v[0]) for i in range(len(Q))]


def dot(u, v):
    return sum((a * b for a, b in zip(u, v)), 0 * u[0])


def output(Q, theta, target):
    return dot(theta, matvec(Q, theta)) / 2 - target


def gd(Q, theta, target, step):
    """One GD step on L = z²/2: ∇L = z·Qθ."""
    zv = output(Q, theta, target)
    return [th - step * zv * g for th, g in zip(theta, matvec(Q, theta))]


def reduced(Q, theta, target, step):
    """(z̃, T̃) = (ηz, η|Qθ|²)."""
    g = matvec(Q, theta)
    return step * output(Q, theta, target), step * dot(g, g)


def diag(*d):
    return [[d[i] if i == j else 0 * d[0] for j in range(len(d))] for i in range(len(d))]


# -- exact evaluation of SymPy expressions -------------------------------------------------------


def R(x):
    x = Fraction(x)
    return sp.Rational(x.numerator, x.denominator)


def exact(expr, subs: dict) -> Fraction:
    value = sp.expand(sp.sympify(expr).xreplace({k: R(v) for k, v in subs.items()}))
    assert value.is_Rational, f"not a number after substitution: {value}"
    return Fraction(int(value.p), int(value.q))


def as_fraction(x) -> Fraction:
    x = sp.nsimplify(x) if not isinstance(x, sp.Basic) else x
    assert x.is_Rational, f"not an exact rational: {x}"
    return Fraction(int(x.p), int(x.q))


# -- (a) exact: the 2-D map ----------------------------------------------------------------------


@given(eigenvalue_pairs(), vectors(2), rationals(), positive_rationals(max_numerator=5, max_denominator=4))
def test_two_d_map_equals_gd_exactly_on_diagonal_Q(omega, theta, target, step):
    m = maps.two_d_map()
    Q = diag(*omega)
    state = reduced(Q, theta, target, step)
    for k in STEPS:
        theta = gd(Q, theta, target, step)
        out = m(R(state[0]), R(state[1]), omega_1=R(omega[0]), omega_2=R(omega[1]), E=R(target), eta=R(step))
        state = tuple(as_fraction(v) for v in out)
        assert state == reduced(Q, theta, target, step), f"step {k}"


def _invariant_step(state, Q, target, step):
    tau_v, Delta_v = Q[0][0] + Q[1][1], Q[0][0] * Q[1][1] - Q[0][1] * Q[1][0]
    subs = {zt: state[0], Tt: state[1], maps.tau: tau_v, maps.Delta: Delta_v, E: target, eta: step}
    return tuple(exact(e, subs) for e in maps.two_d_map().invariant_form())


@given(symmetric_matrices(2), vectors(2), rationals(), positive_rationals(max_numerator=5, max_denominator=4))
def test_invariant_form_equals_gd_exactly_on_generic_Q(Q, theta, target, step):
    """No diagonalisation: Q is any symmetric 2×2 matrix, entering through τ = tr Q, Δ = det Q."""
    state = reduced(Q, theta, target, step)
    for k in STEPS:
        theta = gd(Q, theta, target, step)
        state = _invariant_step(state, Q, target, step)
        assert state == reduced(Q, theta, target, step), f"step {k}"


@st.composite
def rotations(draw):
    """A rational rotation [[c, −s], [s, c]], c = (1−t²)/(1+t²), s = 2t/(1+t²)."""
    t = draw(rationals())
    c, s = (1 - t * t) / (1 + t * t), 2 * t / (1 + t * t)
    return [[c, -s], [s, c]]


@given(eigenvalue_pairs(), rotations(), vectors(2), rationals(), positive_rationals(max_numerator=5, max_denominator=4))
def test_omega_form_holds_for_rotated_Q(omega, Rot, theta, target, step):
    """Q = R diag(ω) Rᵀ is not diagonal, yet the ω form with its eigenvalues still gives GD exactly."""
    D = diag(*omega)
    RD = [[sum(Rot[i][k] * D[k][j] for k in range(2)) for j in range(2)] for i in range(2)]
    Q = [[sum(RD[i][k] * Rot[j][k] for k in range(2)) for j in range(2)] for i in range(2)]
    m = maps.two_d_map()
    state = reduced(Q, theta, target, step)
    for k in STEPS:
        theta = gd(Q, theta, target, step)
        out = m(R(state[0]), R(state[1]), omega_1=R(omega[0]), omega_2=R(omega[1]), E=R(target), eta=R(step))
        state = tuple(as_fraction(v) for v in out)
        assert state == reduced(Q, theta, target, step), f"step {k}"


@given(distinct_nonzero_pairs(), vectors(2), rationals(), positive_rationals(max_numerator=5, max_denominator=4))
def test_amplitudes_recover_mode_weights(omega, theta, target, step):
    """For ω1 ≠ ω2 (both ≠ 0), J̃(ω_i)² = η ω_i² θ_i² is a function of (z̃, T̃)."""
    m = maps.two_d_map()
    z_v, T_v = reduced(diag(*omega), theta, target, step)
    w1, w2 = m.omega
    subs = {zt: z_v, Tt: T_v, w1: omega[0], w2: omega[1], E: target, eta: step}
    assert [exact(a, subs) for a in m.amplitudes] == [step * w**2 * th**2 for w, th in zip(omega, theta)]


# The symmetric case ω1 = −ω, ω2 = ω, derived by hand.  With A_i = ηω_i²θ_i² = J̃(ω_i)²:
#   T̃ = A1 + A2,   z̃ + ηE = ½(A2 − A1)/ω   ⇒   A2 − A1 = 2ω(z̃ + ηE);
#   GD multiplies θ_i by (1 − ω_i z̃), so A_i' = A_i(1 − ω_i z̃)²:
#   T̃' = A1(1 + ωz̃)² + A2(1 − ωz̃)² = T̃(1 + ω²z̃²) − 2ωz̃(A2 − A1) = T̃(1 + ω²z̃²) − 4ω²z̃(z̃ + ηE);
#   z̃' = z̃ − z̃ΣA_i + ½z̃²Σω_iA_i  (z is quadratic: z' − z = −ηzΣJ_i² + ½η²z²Σω_iJ_i², rescaled)
#      = z̃ − z̃T̃ + ½z̃²·ω(A2 − A1) = z̃ − z̃T̃ + ω²z̃²(z̃ + ηE).
def _symmetric_by_hand():
    return (
        zt - zt * Tt + w_sym**2 * zt**2 * (zt + eta * E),
        Tt * (1 + w_sym**2 * zt**2) - 4 * w_sym**2 * zt * (zt + eta * E),
    )


def test_symmetric_case_matches_hand_derivation_and_substitution():
    m = maps.two_d_map()
    w1, w2 = m.omega
    hand = _symmetric_by_hand()
    substituted = tuple(e.subs({w1: -w_sym, w2: w_sym}, simultaneous=True) for e in (m.next_zt, m.next_Tt))
    for got, sub, expected in zip(m.symmetric(), substituted, hand):
        assert sp.expand(got - expected) == 0
        assert sp.expand(sub - expected) == 0


@given(positive_rationals(), vectors(2), rationals(), positive_rationals(max_numerator=5, max_denominator=4))
def test_symmetric_map_equals_gd_exactly(w, theta, target, step):
    Q = diag(-w, w)
    sym = maps.two_d_map().symmetric()
    state = reduced(Q, theta, target, step)
    for k in STEPS:
        theta = gd(Q, theta, target, step)
        subs = {zt: state[0], Tt: state[1], w_sym: w, E: target, eta: step}
        state = tuple(exact(e, subs) for e in sym)
        assert state == reduced(Q, theta, target, step), f"step {k}"


# -- (a) exact: the P-mode eigenbasis GD map (P = 3) -------------------------------------------


@given(vectors(3), vectors(3), rationals(), positive_rationals(max_numerator=5, max_denominator=4))
def test_eigenbasis_gd_map_equals_gd_exactly(omega, theta, target, step):
    """State (z, J(ω_i) = ω_iθ_i) under the derived GD map vs parameter-space GD, P = 3."""
    d = maps.eigen_dynamics(3)
    Jsym = maps.J_modes(3)
    Q = diag(*omega)
    state = (output(Q, theta, target), *(w * th for w, th in zip(omega, theta)))
    for k in STEPS:
        theta = gd(Q, theta, target, step)
        subs = {z: state[0], **dict(zip(Jsym, state[1:])), **dict(zip(d.omega, omega)), eta: step}
        state = (exact(d.z_next, subs), *(exact(Jn, subs) for Jn in d.J_next))
        assert state == (output(Q, theta, target), *(w * th for w, th in zip(omega, theta))), f"step {k}"


@given(vectors(3), vectors(3), rationals(), positive_rationals(max_numerator=4, max_denominator=3))
def test_rescaled_eigenbasis_gd_map_equals_gd_exactly(omega, theta, target, s):
    """(z̃, J̃_i) = (ηz, η^{1/2}J_i) with η = s² (so η^{1/2} = s is rational), P = 3."""
    step = s * s
    d = maps.eigen_dynamics(3)
    Jt = maps.Jt_modes(3)
    Q = diag(*omega)

    def rescaled(th):
        return (step * output(Q, th, target), *(s * w * x for w, x in zip(omega, th)))

    state = rescaled(theta)
    for k in STEPS:
        theta = gd(Q, theta, target, step)
        subs = {zt: state[0], **dict(zip(Jt, state[1:])), **dict(zip(d.omega, omega)), eta: step}
        state = (exact(d.zt_next, subs), *(exact(Jn, subs) for Jn in d.Jt_next))
        assert state == rescaled(theta), f"step {k}"


# -- gradient flow: Lie derivatives in dual numbers ---------------------------------------------


class Dual:
    """a + bε with ε² = 0 over ℚ: f(θ + εv) = f(θ) + ε·(∇f·v) exactly for polynomial f."""

    __slots__ = ("a", "b")

    def __init__(self, a, b=0):
        self.a, self.b = Fraction(a), Fraction(b)

    @staticmethod
    def lift(x):
        return x if isinstance(x, Dual) else Dual(x)

    def __add__(self, o):
        o = Dual.lift(o)
        return Dual(self.a + o.a, self.b + o.b)

    __radd__ = __add__

    def __neg__(self):
        return Dual(-self.a, -self.b)

    def __sub__(self, o):
        return self + (-Dual.lift(o))

    def __rsub__(self, o):
        return Dual.lift(o) - self

    def __mul__(self, o):
        o = Dual.lift(o)
        return Dual(self.a * o.a, self.a * o.b + self.b * o.a)

    __rmul__ = __mul__

    def __truediv__(self, c):  # by a scalar only
        return Dual(self.a / Fraction(c), self.b / Fraction(c))


def lie_derivative(f, theta, velocity):
    """d/dt f(θ(t)) at θ with θ̇ = velocity: the ε-part of f(θ + ε·velocity)."""
    return f([Dual(th, v) for th, v in zip(theta, velocity)]).b


@pytest.mark.parametrize("P", [2, 3])
@given(data=st.data())
def test_eigenbasis_gradient_flow_equals_lie_derivative(P, data):
    omega = data.draw(vectors(P), label="omega")
    theta = data.draw(vectors(P), label="theta")
    target = data.draw(rationals(), label="E")
    s = data.draw(positive_rationals(max_numerator=4, max_denominator=3), label="sqrt eta")
    step = s * s
    d = maps.eigen_dynamics(P)
    Q = diag(*omega)
    z_v = output(Q, theta, target)
    flow = [-step * z_v * g for g in matvec(Q, theta)]  # θ̇ = −η z Qθ
    z_fn = lambda th: output(Q, th, Fraction(target))  # noqa: E731
    J_fn = [lambda th, i=i: omega[i] * th[i] for i in range(P)]
    J_v = [w * th for w, th in zip(omega, theta)]

    subs = {z: z_v, **dict(zip(maps.J_modes(P), J_v)), **dict(zip(d.omega, omega)), eta: step}
    assert exact(d.z_dot, subs) == lie_derivative(z_fn, theta, flow)
    assert [exact(e, subs) for e in d.J_dot] == [lie_derivative(f, theta, flow) for f in J_fn]

    # rescaled: z̃ = ηz, J̃_i = sJ_i; dz̃/dt = η ż and dJ̃_i²/dt = η d(J_i²)/dt
    subs_t = {
        zt: step * z_v,
        **dict(zip(maps.Jt_modes(P), [s * j for j in J_v])),
        **dict(zip(d.omega, omega)),
        eta: step,
    }
    assert exact(d.zt_dot, subs_t) == step * lie_derivative(z_fn, theta, flow)
    assert [exact(e, subs_t) for e in d.Jt_sq_dot] == [
        step * lie_derivative(lambda th, f=f: f(th) * f(th), theta, flow) for f in J_fn
    ]
    assert eta not in d.zt_dot.free_symbols, "after rescaling, gradient flow must not involve η"


# -- (b) mpmath at 50 digits, random reals, 20 steps --------------------------------------------

DPS = 50
MP_STEPS = 20
REQUIRED_DIGITS = 40
MAX_AMPLIFICATION = 100  # Λ, see test_two_d_map_tracks_gd_in_mpmath
MAX_CONDITION = 1000  # κ


def _with_abs_companion(expr, gens):
    """(p, |p|): the polynomial and Σ|c_m|·m, whose value at |x| bounds its rounding error."""
    poly = sp.Poly(expr, *gens)
    return expr, sp.Add(*(abs(c) * sp.Mul(*(g**e for g, e in zip(gens, exps))) for exps, c in poly.terms()))


@cache
def _mp_maps():
    m = maps.two_d_map()
    forms = {
        "omega": ([zt, Tt, *m.omega, E, eta], (m.next_zt, m.next_Tt)),
        "invariant": ([zt, Tt, maps.tau, maps.Delta, E, eta], m.invariant_form()),
    }
    out = {}
    for name, (gens, exprs) in forms.items():
        pairs = [_with_abs_companion(e, gens) for e in exprs]
        f = sp.lambdify(gens, [p for p, _ in pairs], modules="mpmath")
        f_abs = sp.lambdify(gens, [a for _, a in pairs], modules="mpmath")
        out[name] = (f, f_abs)
    return out


def reduced_step(form: str, params):
    """One step of the reduced map in mpmath, and the condition Σ|terms|/|value| of each coordinate."""
    f, f_abs = _mp_maps()[form]

    def step(state):
        values = f(*state, *params)
        sizes = f_abs(*(abs(x) for x in (*state, *params)))
        return tuple(values), max(sz / abs(v) if v else mpmath.inf for v, sz in zip(values, sizes))

    return step


def agreeing_digits(a, b):
    """Significant digits to which a and b agree: −log10(|a − b| / max(|a|, |b|))."""
    if a == b:
        return mpmath.inf
    return -mpmath.log10(abs(a - b) / max(abs(a), abs(b)))


def _compare_in_mpmath(Q, theta, target, step, advance):
    """Iterate GD and the reduced map side by side.

    Returns the fewest agreeing digits over the 20 steps (both coordinates), the amplification
    Λ = Π(1 + |z̃|ρ + T̃) (ρ ≥ spectral radius of Q), which bounds the product of the GD steps'
    Jacobian norms ‖I − z̃Q − ηQθθᵀQ‖, and the worst condition κ: for GD, Σ|terms of z̃|/|z̃|
    (z̃ = η(½θᵀQθ − E) is a difference); for the reduced map, Σ|terms|/|value| of its polynomials.
    """
    rho = max(abs(Q[0][0]) + abs(Q[0][1]), abs(Q[1][0]) + abs(Q[1][1]))
    state = reduced(Q, theta, target, step)
    digits, amplification, condition = mpmath.inf, mpmath.mpf(1), mpmath.mpf(1)
    for _ in range(MP_STEPS):
        z_t, T_t = reduced(Q, theta, target, step)
        amplification *= 1 + abs(z_t) * rho + T_t
        theta = gd(Q, theta, target, step)
        state, kappa = advance(state)
        direct = reduced(Q, theta, target, step)
        terms = step * (sum(abs(Q[i][j] * theta[i] * theta[j]) for i in range(2) for j in range(2)) / 2 + abs(target))
        condition = max(condition, kappa, terms / abs(direct[0]))
        digits = min(digits, *(agreeing_digits(a, b) for a, b in zip(state, direct)))
    return digits, amplification, condition


@st.composite
def mp_cases(draw, rotated: bool):
    """ω_i ∈ ±[1/4, 1], θ_i ∈ ±[1/4, 1], η ∈ [1/100, 1/20], z0 ∈ ±[1/2, 1], E = ½θᵀQθ − z0.

    With ``rotated``, Q = R(φ) diag(ω) R(φ)ᵀ for a random angle φ: a full symmetric real matrix.
    Eigenvalues and θ are kept away from 0 so that T̃ = η|Qθ|² ≥ η|θ|²/16 is not small: relative
    agreement of a quantity near 0 measures nothing.
    """
    omega = tuple(draw(signed_reals(Fraction(1, 4), 1)) for _ in range(2))
    theta = [draw(signed_reals(Fraction(1, 4), 1)) for _ in range(2)]
    step = draw(reals(Fraction(1, 100), Fraction(1, 20)))
    z0 = draw(signed_reals(Fraction(1, 2), 1))
    phi = draw(reals(-4, 4)) if rotated else None
    return omega, phi, theta, step, z0


def _check_in_mpmath(case, form):
    omega, phi, theta, step, z0 = case
    with mpmath.workdps(DPS):
        if phi is None:
            Q = diag(*omega)
        else:
            c, s = mpmath.cos(phi), mpmath.sin(phi)
            Q = [
                [c * c * omega[0] + s * s * omega[1], c * s * (omega[0] - omega[1])],
                [c * s * (omega[0] - omega[1]), s * s * omega[0] + c * c * omega[1]],
            ]
        target = dot(theta, matvec(Q, theta)) / 2 - z0
        if form == "omega":
            params = (*omega, target, step)
        else:
            params = (Q[0][0] + Q[1][1], Q[0][0] * Q[1][1] - Q[0][1] * Q[1][0], target, step)
        digits, amplification, condition = _compare_in_mpmath(Q, theta, target, step, reduced_step(form, params))
    assert amplification <= MAX_AMPLIFICATION, f"left the region of the error budget: Λ = {amplification}"
    assert condition <= MAX_CONDITION, f"left the region of the error budget: κ = {condition}"
    assert digits >= REQUIRED_DIGITS, f"only {mpmath.nstr(digits, 5)} digits agree"


@given(mp_cases(rotated=False))
def test_two_d_map_tracks_gd_in_mpmath(case):
    """ω form on diagonal Q vs GD, 20 steps at 50 digits: ≥ 40 agreeing digits.

    Error budget.  mpmath at 50 digits works with 169 bits, unit roundoff u = 2⁻¹⁶⁹ ≈ 1.3·10⁻⁵¹.
    Evaluating a polynomial with n ≤ 50 operations errs by ≤ n·u·Σ|terms| = n·u·κ·|value|, and the
    same holds for GD's few dot products (κ = 1 except for z̃, a difference).  Over 20 steps
    that is ≤ 20·50·u·κ ≈ 1.3·10⁻⁴⁸·κ, and errors committed early are carried forward by later
    steps, multiplied by at most Λ (the product of the step Jacobians' norms; an estimate for the
    reduced map, whose dynamics are GD's seen in other coordinates).  The cases drawn keep GD far
    from the edge of stability, and the test asserts Λ ≤ 100 and κ ≤ 1000 along the actual
    trajectory, so the disagreement is ≲ 1.3·10⁻⁴⁸·10⁵ ≈ 10⁻⁴³: about 43 digits.  Asserting 40
    leaves a margin of three digits for the looseness of the estimate.
    """
    _check_in_mpmath(case, "omega")


@given(mp_cases(rotated=True))
def test_invariant_form_tracks_gd_in_mpmath(case):
    """(τ, Δ) form on a full (rotated) symmetric Q vs GD: same budget, same 40 digits."""
    _check_in_mpmath(case, "invariant")


@given(mp_cases(rotated=True))
def test_omega_form_tracks_gd_on_rotated_Q_in_mpmath(case):
    """The ω form with Q's eigenvalues, on a rotated (non-diagonal) Q: rotating θ changes nothing."""
    _check_in_mpmath(case, "omega")


def test_mpmath_comparison_detects_a_wrong_map():
    """The 40-digit criterion is not vacuous: a relative error of 10⁻³⁰ in the map is caught."""
    with mpmath.workdps(DPS):
        omega = (mpmath.mpf(-1) / 3, mpmath.mpf(3) / 4)
        theta = [mpmath.mpf(1) / 2, mpmath.mpf(-2) / 3]
        step = mpmath.mpf(1) / 30
        Q = diag(*omega)
        target = dot(theta, matvec(Q, theta)) / 2 - mpmath.mpf(3) / 4
        right = reduced_step("omega", (*omega, target, step))

        def wrong(state):
            values, kappa = right(state)
            return tuple(v * (1 + mpmath.mpf(10) ** -30) for v in values), kappa

        assert _compare_in_mpmath(Q, theta, target, step, right)[0] >= REQUIRED_DIGITS
        assert _compare_in_mpmath(Q, theta, target, step, wrong)[0] < REQUIRED_DIGITS


# -- bad input to the map's evaluation ------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(eta=0),
        dict(eta=-1),
        dict(eta=sp.oo),
        dict(E=sp.nan),
        dict(omega1=2),
    ],
    ids=["eta=0", "eta<0", "eta=oo", "E=nan", "misspelled"],
)
def test_two_d_map_call_rejects_bad_parameters(kwargs):
    params = dict(omega_1=1, omega_2=2, E=0, eta=1)
    if "omega1" in kwargs:
        del params["omega_1"]
    params.update(kwargs)
    with pytest.raises((ValueError, TypeError)) as info:
        maps.two_d_map()(sp.Rational(1, 2), 1, **params)
    assert "\n" not in str(info.value).strip()
