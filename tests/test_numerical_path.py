"""The numerical path of `analyze`: any smooth model, several data points, more parameters.

Every expected value here is derived in the test, by hand-derived formulas checked with SymPy or by an
independent numerical method (a Newton 2-cycle, the exact Lyapunov–Schmidt series), never copied from
the code under test; the models are not those of the gallery."""

from __future__ import annotations

import json
from fractions import Fraction

import numpy as np
import pytest
import sympy as sp
from clitools import one_line_error, run
from flint import arb, ctx, fmpq
from mpmath import mp, mpf

from eos_theory.anymodel import flip
from eos_theory.anymodel.analysis import analyze
from eos_theory.anymodel.certify import refine
from eos_theory.anymodel.compiled import ARB, FLOAT, MP, NotReal, Program, arb_dps
from eos_theory.anymodel.continuation import solve_cycle
from eos_theory.anymodel.definition import loss_minimum, r, spec
from eos_theory.anymodel.evaluate import Evaluator
from eos_theory.anymodel.lagrange import Layout, rotations, system
from eos_theory.anymodel.minima import least_sharpness
from eos_theory.anymodel.numflip import numeric_flip
from eos_theory.anymodel.report import report
from eos_theory.anymodel.search import search
from eos_theory.numbers.balls import krawczyk, outward, separated_top_eigenvalue
from eos_theory.numbers.decimals import agreeing_digits
from eos_theory.numbers.parse import InputError


def _numerical(s):
    ev = Evaluator(s)
    m = refine(ev, search(ev))
    return ev, m, numeric_flip(ev, m)


def _digits(estimate, exact) -> int:
    """Agreeing digits of a reported decimal with an exact SymPy value."""
    with mp.workdps(60):
        return agreeing_digits(mpf(estimate.text), mpf(sp.N(exact, 60)), 40)


def _encloses(estimate, exact) -> bool:
    lo, hi = (sp.Rational(x) for x in estimate.enclosure)
    return bool(lo <= exact <= hi)


# -- the building blocks ---------------------------------------------------------------------------


def test_programs_keep_constants_exact_and_functions_real():
    x = sp.Symbol("x", real=True)
    prog = Program([x], [x / 3 + sp.sqrt(x) * sp.tanh(x)])
    with arb_dps(40):
        ball = prog(ARB, 2)[0]
        assert ball.contains(arb(fmpq(2, 3)) + arb(2).sqrt() * arb(2).tanh())
        assert float(ball.rad()) < 1e-38  # 1/3 enclosed at 40 digits, never the float 0.333…
    with mp.workdps(30):
        assert abs(prog(MP, 2)[0] - (mpf(2) / 3 + mp.sqrt(2) * mp.tanh(2))) < mpf(10) ** -28
        with pytest.raises(NotReal):
            prog(MP, -1)
    values = prog(FLOAT, np.array([1.0, 4.0]))[0]  # many points at once
    assert np.allclose(values, [1 / 3 + np.tanh(1.0), 4 / 3 + 2 * np.tanh(4.0)])


def test_ball_krawczyk_proves_and_excludes_zeros():
    with ctx.workdps(30):
        root = krawczyk(lambda x: [x[0] ** 2 - 2], lambda x: [[2 * x[0]]], [Fraction(3, 2)], [Fraction(1, 5)])
        assert root.unique and root.image[0].contains(arb(2).sqrt())
        lo, hi = (sp.Rational(v) for v in outward(root.image[0], 20))
        assert lo < sp.sqrt(2) < hi and hi - lo < sp.Rational(1, 10**18)
        none = krawczyk(lambda x: [x[0] ** 2 + 1], lambda x: [[2 * x[0]]], [Fraction(1)], [Fraction(1, 2)])
        assert none.status == "no zero"


def test_top_eigenvalue_separation_is_proved_only_when_it_holds():
    with ctx.workdps(30):
        top, rest = separated_top_eigenvalue([[arb(3), arb(1)], [arb(1), arb(1)]])
        assert top.contains(2 + arb(2).sqrt()) and top > rest  # eigenvalues 2 ± √2
        assert separated_top_eigenvalue([[arb(2), arb(0)], [arb(0), arb(2)]]) is None  # a double eigenvalue


def test_rotation_symmetries_are_exact_and_complete():
    # width-2 linear network f = u·v: the quadratic form u·v has the symmetry group O(2) × O(2) (dimension 2)
    ev = Evaluator(spec(["u1", "u2", "v1", "v2"], ["u1*v1 + u2*v2"], [1]))
    rots = rotations(ev)
    assert rots is not None and len(rots) == 2
    th = sp.symbols("u1 u2 v1 v2", real=True)
    f = th[0] * th[2] + th[1] * th[3]
    for rot in rots:
        A = sp.Matrix([[sp.Rational(x.numerator, x.denominator) for x in row] for row in rot.matrix])
        assert A.T == -A
        flow = (sp.Matrix([f]).jacobian(th) * A * sp.Matrix(th))[0]
        assert sp.expand(flow) == 0  # d/dt f(e^{tA}θ) = ∇f·Aθ ≡ 0
    assert rotations(Evaluator(spec(["v", "w"], ["v*tanh(w)"], [1]))) is None  # not looked for: not polynomial


def test_lagrange_jacobian_is_the_derivative_of_the_system():
    ev = Evaluator(spec(["a", "b", "c"], ["a*tanh(b) + c^2", "exp(a/2)*c - b"], [1, "1/2"]))
    lay = Layout(ev.P, ev.n)
    rng = np.random.default_rng(7)
    with mp.workdps(40):
        x = [mpf(float(v)) for v in rng.uniform(-1, 1, lay.size)]
        D = system(ev, MP, x)[1]
        h = mpf(10) ** -15
        for j in range(lay.size):
            up, down = list(x), list(x)
            up[j] += h
            down[j] -= h
            Fu, Fd = system(ev, MP, up)[0], system(ev, MP, down)[0]
            for i in range(lay.size):
                assert abs((Fu[i] - Fd[i]) / (2 * h) - D[i][j]) < mpf(10) ** -20  # central difference: O(h²)


# -- least sharpness: hand-derived values of models the gallery does not have -------------------------


@pytest.mark.parametrize("y", [sp.Rational(1, 2), sp.Integer(2)])
def test_tanh_neuron_least_sharpness_is_certified_around_the_hand_value(y):
    # on v·tanh(w) = y, with s = tanh²w ∈ (0, 1): |∇f|² = tanh²w + v²sech⁴w = (1 + y²)s + y²/s − 2y²
    s_ = sp.Symbol("s", positive=True)
    S = (1 + y**2) * s_ + y**2 / s_ - 2 * y**2
    (s_star,) = [c for c in sp.solve(sp.diff(S, s_), s_) if c < 1]
    least = sp.simplify(S.subs(s_, s_star))
    assert sp.simplify(least - (2 * y * sp.sqrt(1 + y**2) - 2 * y**2)) == 0  # the closed form, by hand
    _, m, _ = _numerical(spec(["v", "w"], ["v*tanh(w)"], [y]))
    assert m.status == "certified" and _encloses(m.value, least) and _encloses(m.critical_lr, 2 / least)
    assert _digits(m.value, least) >= 30


def test_sine_neuron_least_sharpness():
    # on v·sin(w) = y (|y| ≤ 1), with s = sin²w: |∇f|² = s + y²cos²w/s = s + y²/s − y², least 2|y| − y² at s = |y|
    y = sp.Rational(1, 3)
    _, m, _ = _numerical(spec(["v", "w"], ["v*sin(w)"], [y]))
    assert m.status == "certified" and _encloses(m.value, 2 * y - y**2)


def test_linear_network_on_two_points_against_its_reduction_to_uv():
    # outputs v·a on x = e1, e2: JJᵀ = v²I + aaᵀ, λ_max = v² + |y|²/v², least 2|y| at v² = |y|; the line a ∥ y is
    # invariant under GD, on it the model is uv with target Y = |y| = 13, and on u = v = t GD is the 1-D gradient
    # map t -> t - eta*psi'(t), psi'(t) = t(t^2 - Y), whose flip has kappa_t = (3c3^2 - c2*c4)/(6c2^2) with c_k the
    # derivatives of psi at t* = sqrt(Y) (the 1-D normal form, proved by the claim gallery-1d-loss); theta = (t, t)
    # doubles rho^2, so kappa = kappa_t/2
    y = (5, 12)
    Y = 13
    t = sp.Symbol("t", positive=True)
    dpsi = t * (t**2 - Y)
    c2, c3, c4 = (sp.diff(dpsi, t, k).subs(t, sp.sqrt(Y)) for k in (1, 2, 3))
    kappa_uv = sp.simplify((3 * c3**2 - c2 * c4) / (6 * c2**2) / 2)
    assert kappa_uv == sp.Rational(2, Y)
    _, m, fl = _numerical(spec(["a1", "a2", "v"], ["v*a1", "v*a2"], list(y)))
    assert m.status == "certified" and _encloses(m.value, 2 * Y)
    assert fl.type == "supercritical" and _encloses(fl.coefficient, kappa_uv)


def test_matrix_factorisation_least_sharpness_is_twice_the_top_singular_value():
    # NTK eigenvalues of (A, B) ↦ AB are a_i + b_j (eigenvalues of AAᵀ and BᵀB); σ₁(Y) ≤ σ₁(A)σ₁(B) ≤ (a₁ + b₁)/2,
    # equality at A = UΣ^½, B = Σ^½Vᵀ: least sharpness 2σ₁(Y); on the top singular pair the model is uv with Y = σ₁
    Y = sp.Matrix([[2, 1], [0, 1]])
    sigma1 = sp.sqrt(max((Y.T * Y).eigenvals()))
    names = ["a11", "a12", "a21", "a22", "b11", "b12", "b21", "b22"]
    outputs = [f"a{i}1*b1{j} + a{i}2*b2{j}" for i in (1, 2) for j in (1, 2)]
    _, m, fl = _numerical(spec(names, outputs, [str(x) for x in Y]))
    assert m.status == "continuum" and m.continuum == 2 and len(m.rotations) == 1  # σ₁ > σ₂: a flat direction too
    assert _digits(m.value, 2 * sigma1) >= 25
    assert fl.type == "supercritical" and _digits(fl.coefficient, 2 / sigma1) >= 25


def test_a_degenerate_top_eigenvalue_is_detected():
    names = ["a11", "a12", "a21", "a22", "b11", "b12", "b21", "b22"]
    outputs = [f"a{i}1*b1{j} + a{i}2*b2{j}" for i in (1, 2) for j in (1, 2)]
    _, m, fl = _numerical(spec(names, outputs, [3, 0, 0, 3]))  # Y = 3I: at the balanced minimum all a_i + b_j = 6
    assert m.status == "degenerate" and m.multiplicity == 4 and "multiplicity 4" in m.how
    assert _digits(m.value, 6) >= 6 and fl.status == "inconclusive" and fl.type is None


def test_an_infimum_that_is_not_attained_is_not_reported_as_a_minimum():
    _, m, _ = _numerical(spec(["a", "b"], ["b*exp(a)"], [1]))  # S = 1 + e^{2a} on the minima: inf 1, never attained
    assert m.status == "inconclusive" and m.value is None and "infimum" in m.how


# -- the flip: the closed form against independent methods -------------------------------------------


@pytest.mark.parametrize(
    "params, outputs, target, loss",
    [
        (["u", "v"], ["3*u*v"], 2, "r^2/2"),
        (["x", "y", "z"], ["x*y*z"], 2, "r^2/2"),
        (["u", "v"], ["u*v"], 1, "r^2/2 + r^4"),
        (["a", "b", "c"], ["a^2 + 2*b^2 - c^2 + a*b"], 1, "log(cosh(r))"),
    ],
)
def test_numerical_flip_matches_the_exact_series(params, outputs, target, loss):
    s = spec(params, outputs, [target], loss=loss)
    exact_m = least_sharpness(s)
    exact = flip.flip_series(s, exact_m)
    _, m, fl = _numerical(s)
    assert _encloses(m.value, exact_m.value)
    assert fl.type == exact.type and _encloses(fl.coefficient, exact.coefficient)
    assert _encloses(fl.eta_2, exact.eta_coeffs[2]) and _encloses(fl.offset_slope, exact.offset_slope)


def test_tanh_neuron_flip_coefficient_against_a_newton_two_cycle():
    """κ from the closed form against (η/η_c − 1)/ρ² of the 2-cycle of half-diameter ρ, found by Newton at 50
    digits (a different method: it never uses the formula); they differ by O(ρ²)."""
    s = spec(["v", "w"], ["v*tanh(w)"], [sp.Rational(3, 2)])
    ev, m, fl = _numerical(s)
    num = ev.mp_gd()
    with mp.workdps(50):
        theta = [mpf(x) for x in m.point]
        w = [mpf(x) for x in m.direction]
        eta_c, kappa = mpf(m.critical_lr.text), mpf(fl.coefficient.text)
        rho = mpf("1e-7")
        amp = rho / mp.sqrt(mp.fsum(x * x for x in w))
        guess = [t + amp * d for t, d in zip(theta, w)] + [t - amp * d for t, d in zip(theta, w)]
        cycle = solve_cycle(num, 2, w, rho, [*guess, eta_c * (1 + kappa * rho**2)], 50, 60)
        ratio = (cycle[4] / eta_c - 1) / rho**2
        assert agreeing_digits(ratio, kappa, 50) >= 11  # O(ρ²) = 1e-14 relative, less what κ's size costs


# -- 15.14: which minima, and losses that have none ---------------------------------------------------


def test_loss_minimum_is_proved_refused_or_said_not_known():
    assert loss_minimum(r**2 / 2).only_at_zero and loss_minimum(r**2 - r**3 + r**4 / 3).only_at_zero
    for bad in (r**2 - r**4, r**2 - r**3, r**2 - r**2 * sp.exp(r) / 10):
        with pytest.raises(InputError):
            loss_minimum(bad)
    double = loss_minimum(r**2 * (r - 2) ** 2)
    assert not double.only_at_zero and "r = 2" in double.how
    periodic = loss_minimum(sp.sin(r) ** 2)
    assert not periodic.only_at_zero and "3.14159265" in periodic.how


def test_sin_squared_loss_is_analysed_over_the_zero_residual_minima_only():
    rep = report(analyze(spec(["x", "y"], ["x*y"], [3], loss="sin(r)^2"), degree=0, continuation=False))
    assert rep["least_sharpness"] == "12" and "zero-residual minima" in rep["how"]["least_sharpness"]
    assert "3.14159265" in rep["how"]["least_sharpness"]  # the other minima, xy = 3 − π, are named


def test_a_target_beyond_float64_is_inconclusive_with_the_reason():
    res = analyze(spec(["v", "w"], ["v*tanh(w)"], ["1e400"]), degree=0)
    assert res.numeric.status == "inconclusive" and "10^400 is beyond float64's range" in res.numeric.how


def test_unbounded_loss_is_one_line_and_exit_2(capsys):
    code, _, err = run(capsys, "analyze", "--params", "x", "y", "--output", "x*y", "--target", "3", "--loss", "r^2-r^4")
    assert code == 2 and "unbounded below" in one_line_error(err)


# -- the command line ---------------------------------------------------------------------------------


def test_cli_numerical_path_says_how_each_number_was_obtained(capsys):
    code, out, _ = run(capsys, "analyze", "--params", "v", "w", "--output", "v*tanh(w)", "--target", "1", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["path"] == "numerical" and data["form"]["least_sharpness"] == "certified"
    lo, hi = (sp.Rational(x) for x in data["enclosure"]["least_sharpness"])
    assert lo <= 2 * sp.sqrt(2) - 2 <= hi
    assert data["flip"]["type"] == "supercritical" and data["form"]["flip"] == "certified"
    assert (
        data["form"]["period_two_window"] == ["certified", "decimal"] and "agreeing" in data["how"]["period_two_window"]
    )
    assert "global optimality over the minima is not proved" in data["how"]["least_sharpness"]


def test_cli_gd_runs_for_a_model_without_a_known_minimum(capsys):
    # b·exp(a) = 1 has no least-sharp minimum (see above): GD at --lr still runs, from a seeded start
    argv = ["analyze", "--params", "a", "b", "--output", "b*exp(a)", "--target", "1", "--lr", "1/2", "--json"]
    code, out, _ = run(capsys, *argv)
    data = json.loads(out)
    assert code == 0 and data["least_sharpness"] is None
    assert data["gd"]["status"] in ("converged", "not converged") and "seeded start" in data["gd"]["how"]
    assert data["gd_float64"]["status"] in ("converged", "not converged")


def test_a_window_that_ends_at_a_fold_of_the_two_cycle():
    """ℓ = w²/2 + w³/6 + w⁴/24 in one dimension: the continued 2-cycle meets another at a fold (a multiplier
    through +1).  Independently, two period-2 points merge where the discriminant in w of (g∘g(w) − w)/(g(w) − w)
    vanishes, g(w) = w − ηℓ'(w): an exact polynomial in η, whose root past η_c = 2 must be the window's end."""
    w, eta = sp.symbols("w eta")
    g = lambda x: x - eta * (x + x**2 / 2 + x**3 / 6)  # noqa: E731
    q = sp.numer(sp.together(sp.cancel((g(g(w)) - w) / (g(w) - w))))
    folds = [r for f, _ in sp.factor_list(sp.Poly(sp.discriminant(q, w), eta))[1] for r in f.real_roots() if r > 2]
    res = analyze(spec(["w"], ["w"], [0], loss="r^2/2 + r^3/6 + r^4/24"), degree=0)
    assert res.window.status == "decimal" and "+1" in res.window.how
    with mp.workdps(30):
        nearest = min(folds, key=lambda r: abs(sp.N(r, 30) - sp.Float(res.window.upper, 30)))
        assert agreeing_digits(mpf(res.window.upper), mpf(str(sp.N(nearest, 30))), 30) >= res.window.digits - 1 >= 12
