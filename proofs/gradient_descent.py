"""§1 and §2.2: gradient descent — the discrete-time eigenbasis equations, the closed 2-D map on
(z̃, T̃), the 2/η threshold, oscillation around minima, and the shape of the loss landscape."""

import random
from fractions import Fraction

import sympy as sp

from eos_theory.core.evidence import Solutions
from eos_theory.core.model import Model, eigenbasis, quadratic, quadratic_any_size, symmetric_matrix
from eos_theory.core.notation import (
    E,
    J,
    Jw,
    Q,
    Tt,
    Tt_next,
    eta,
    explicit_modes,
    i,
    mode_sum,
    omega,
    scalar,
    theta,
    w_,
    z,
    zt,
    zt_next,
)
from eos_theory.core.proof import Proof
from eos_theory.core.registry import Source, claim
from eos_theory.quadratic.gd import Problem, gd_exact, reduced
from eos_theory.quadratic.maps import (
    Delta,
    Jt_modes,
    eigen_dynamics,
    reduced_coordinates,
    rescaled_in_theta,
    tau,
    two_d_map,
)


def _solution_set(p: Proof, text: str, s: sp.Symbol, conditions: tuple, expected: sp.Set) -> None:
    """Check that {s ∈ ℝ : every condition} is ``expected`` (solved by SymPy), leaving the conditions as the
    evidence the kernel solves again."""
    found = sp.Intersection(*(sp.solve_univariate_inequality(c, s, relational=False) for c in conditions))
    p.check(text, found, expected, "solve_univariate_inequality", evidence=Solutions(s, conditions))


@claim(
    "gd-eigen",
    title="GD: z̃' = z̃ − z̃ΣJ̃² + ½z̃²ΣωJ̃², J̃' = (1 − z̃ω)J̃",
    source=Source("derived"),
    statement="One GD step acts on the eigenbasis variables as z̃' = z̃ − z̃Σᵢ J̃(ω_i)² + ½z̃²Σᵢ ω_iJ̃(ω_i)² and "
    "J̃(ω_i)' = (1 − z̃ω_i)J̃(ω_i) (the discrete-time counterparts of the paper's GF equations).",
    method="for every P: z(θ') and J(θ') for θ' = θ − ηzQθ as matrix words of symbolic size, and in the eigenbasis "
    "(claim rotation) θᵀQ^kθ = Σᵢ ω_i^(k−2) J(ω_i)², J(θ')_i = (1 − ηzω_i)J_i; derived by SymPy from θ' = θ − η∇L "
    "and compared with this form for P = 1..4 and against parameter-space GD with z̃, J̃ written in θ for P = 1, 2, 3 "
    "(exact)",
    scope={"P": "every number of parameters P"},
)
def gd_eigen(p: Proof) -> None:
    rhs = zt - zt * mode_sum(Jw(w_[i]) ** 2) + zt**2 / 2 * mode_sum(w_[i] * Jw(w_[i]) ** 2)
    p.states(sp.Eq(zt_next, rhs))
    rules = quadratic_any_size().rules
    after = theta - eta * z * Q * theta  # θ' = θ − η∇L = θ − ηzQθ
    z_words = "any P: ½θ'ᵀQθ' = ½θᵀQθ − ηz·θᵀQ²θ + ½η²z²·θᵀQ³θ, so z' = z − ηz·JJᵀ + ½η²z²·θᵀQ³θ"
    p.equal_any_size(
        z_words,
        after.T * Q * after / 2,
        theta.T * Q * theta / 2 - eta * z * theta.T * Q * Q * theta + eta**2 * z**2 * theta.T * Q * Q * Q * theta / 2,
        rules,
    )
    J_words = "any P: J(θ') = θ'ᵀQ = J − ηz·JQ"
    p.equal_any_size(J_words, after.T * Q, theta.T * Q - eta * z * theta.T * Q * Q, rules)
    p.uses("rotation", "any P: in Q's eigenbasis the dynamics are those of Q = diag(ω_1, …, ω_P)")
    diagonal = "any P: for Q = diag(ω_i), θᵀQ^kθ = Σᵢ ω_i^k θ_i² = Σᵢ ω_i^(k−2) J_i² and (J − ηz·JQ)_i = (1 − ηzω_i)J_i"
    p.cite(diagonal, "the product of a row, a diagonal matrix and a column", "definition of the matrix product")
    p.treats("P", diagonal)
    p.infer(
        "any P: with z̃ = ηz and J̃(ω_i) = η^(1/2)J_i, z̃' and J̃(ω_i)' are the stated forms",
        (z_words, J_words, "any P: in Q's eigenbasis the dynamics are those of Q = diag(ω_1, …, ω_P)", diagonal),
    )
    for P in (1, 2, 3, 4):
        dyn = eigen_dynamics(P)
        Jt = Jt_modes(P)
        p.equal(f"P = {P}: derived z̃' = stated", dyn.zt_next, explicit_modes(rhs, P, dyn.omega, Jt))
        for k in range(P):
            p.equal(
                f"P = {P}, mode {k + 1}: J̃(ω_i)' = (1 − z̃ω_i)J̃(ω_i)", dyn.Jt_next[k], (1 - zt * dyn.omega[k]) * Jt[k]
            )
    for P in (1, 2, 3):
        m, w = eigenbasis(P)
        in_theta = rescaled_in_theta(P)
        after = m.on_theta(m.after_step(eta * m.output))
        p.equal(
            f"P = {P}: η·z(θ') = stated z̃' with z̃, J̃ written in θ",
            after,
            explicit_modes(rhs, P, w, Jt_modes(P)).xreplace(in_theta),
        )


@claim(
    "gd-2d-map",
    title="GD closes on (z̃, T̃) for P = 2",
    source=Source("derived"),
    statement="For P = 2, gradient descent closes on (z̃, T̃) with T̃ = η·JJᵀ as a polynomial map whose coefficients "
    "involve Q only through τ = tr Q and Δ = det Q, and the target only through ηE.",
    method="elimination of J̃(ω_1)², J̃(ω_2)² in SymPy; exact polynomial identity against parameter-space GD for a "
    "generic symmetric 2×2 Q; exact rational evaluation at 24 seeded random points, 1–3 steps",
)
def gd_2d_map(p: Proof) -> None:
    F = two_d_map()
    Fz, FT = F.invariant_form()
    p.states(sp.Eq(zt_next, Fz), sp.Eq(Tt_next, FT))
    Qm = symmetric_matrix(2)
    m = quadratic(Qm)
    zt_th, Tt_th = reduced_coordinates(Qm, m.theta)
    step = dict(zip(m.theta, m.on_theta(m.gd_map)))
    inv = {tau: Qm.trace(), Delta: Qm.det()}
    p.equal(
        "z̃(GD θ) = F_z(z̃(θ), T̃(θ)) for generic symmetric Q",
        zt_th.xreplace(step),
        Fz.xreplace({**inv, zt: zt_th, Tt: Tt_th}),
    )
    p.equal(
        "T̃(GD θ) = F_T(z̃(θ), T̃(θ)) for generic symmetric Q",
        Tt_th.xreplace(step),
        FT.xreplace({**inv, zt: zt_th, Tt: Tt_th}),
    )
    p.check(
        "the map's coefficients involve Q only through τ and Δ",
        sorted(map(str, (Fz.free_symbols | FT.free_symbols))),
        sorted(map(str, (zt, Tt, tau, Delta, eta, E))),
        "free symbols of the derived map",
    )
    p.check(
        "the map involves E only through ηE",
        [sp.expand(e.subs(E, sp.Symbol("k") / eta)).free_symbols & {eta, E} for e in (Fz, FT)],
        [set(), set()],
        "η and E left after substituting E = k/η",
    )
    p.covers(
        "only through τ = tr Q and Δ = det Q",
        "the map's coefficients involve Q only through τ and Δ",
        "z̃(GD θ) = F_z(z̃(θ), T̃(θ)) for generic symmetric Q",
        "T̃(GD θ) = F_T(z̃(θ), T̃(θ)) for generic symmetric Q",
    )
    p.covers("only through ηE", "the map involves E only through ηE")
    rng, checked, mismatches = random.Random(20231004), 0, []
    for _ in range(24):
        q11, q12, q22 = (_random_rational(rng) for _ in range(3))
        problem = Problem.create(
            [[q11, q12], [q12, q22]], _random_rational(rng), _random_rational(rng, positive=True) / 4
        )
        params = (q11 + q22, q11 * q22 - q12 * q12, problem.target, problem.lr)
        thetas = gd_exact(problem, [_random_rational(rng), _random_rational(rng)], 3)
        state = reduced(problem, thetas[0])
        for after in thetas[1:]:
            state = F.exact(*state, *params)
            if state != reduced(problem, after):
                mismatches.append(problem)
            checked += 1
    p.check(
        f"exact rational evaluation: {checked} steps from 24 seeded random (Q, θ, E, η) agree exactly",
        mismatches,
        [],
        "parameter-space GD in Fractions (numerics.gd_exact) against the map's polynomial in Fractions: "
        "the steps that differ",
    )


def _random_rational(rng: random.Random, positive: bool = False) -> Fraction:
    v = Fraction(rng.randint(1 if positive else -9, 9), rng.randint(1, 5))
    return v if v != 0 else Fraction(1, 3)


@claim(
    "gd-symmetric",
    title="the 2-D map for ω₁ = −ω, ω₂ = ω",
    source=Source("derived"),
    statement="In the paper's symmetric case ω_1 = −ω, ω_2 = ω the 2-D map is z̃' = z̃ − z̃T̃ + ω²z̃²(z̃ + ηE), "
    "T̃' = T̃ − 4ω²z̃(z̃ + ηE) + ω²z̃²T̃.",
    method="the derived 2-D map specialised, and parameter-space GD with Q = diag(−ω, ω) (exact)",
)
def gd_symmetric(p: Proof) -> None:
    stated_z = zt - zt * Tt + omega**2 * zt**2 * (zt + eta * E)
    stated_T = Tt - 4 * omega**2 * zt * (zt + eta * E) + omega**2 * zt**2 * Tt
    p.states(sp.Eq(zt_next, stated_z), sp.Eq(Tt_next, stated_T))
    Fz, FT = two_d_map().symmetric()
    p.equal("specialised map, z̃'", Fz, stated_z)
    p.equal("specialised map, T̃'", FT, stated_T)
    Qm = sp.diag(-omega, omega)
    m = quadratic(Qm)
    zt_th, Tt_th = reduced_coordinates(Qm, m.theta)
    step = dict(zip(m.theta, m.on_theta(m.gd_map)))
    p.equal("parameter space, z̃'", zt_th.xreplace(step), stated_z.xreplace({zt: zt_th, Tt: Tt_th}))
    p.equal("parameter space, T̃'", Tt_th.xreplace(step), stated_T.xreplace({zt: zt_th, Tt: Tt_th}))


@claim(
    "eos-threshold",
    title="GD on a quadratic converges iff ηλ < 2",
    source=Source(
        "1",
        "two divided by the learning rate, corresponding to the largest eigenvalue for which "
        "gradient descent would converge in a quadratic potential",
    ),
    statement="Gradient descent with step η on a quadratic potential ½λx² converges from every start iff 0 < ηλ < 2: "
    "2/η is the largest curvature it tolerates.",
    method="GD map derived from the potential by SymPy; the convergence condition |1 − ηλ| < 1 solved exactly",
)
def eos_threshold(p: Proof) -> None:
    x, lam = sp.Symbol("x", real=True), sp.Symbol("lambda", real=True)
    potential = Model(theta=(x,), output=x, loss=lam * z**2 / 2, name="quadratic potential")
    step = potential.on_theta(potential.gd_map[0])
    p.equal("one GD step is x ↦ (1 − ηλ)x", step, (1 - eta * lam) * x)
    s = sp.Symbol("s", real=True)  # s = ηλ
    p.states(sp.Lt(eta * lam, 2))
    _solution_set(p, "|1 − ηλ| < 1 ⟺ 0 < ηλ < 2", s, (sp.Abs(1 - s) < 1,), sp.Interval.open(0, 2))
    p.infer(
        "so x_n = (1 − ηλ)ⁿx_0 → 0 for every start x_0 iff 0 < ηλ < 2",
        ("one GD step is x ↦ (1 − ηλ)x", "|1 − ηλ| < 1 ⟺ 0 < ηλ < 2"),
    )
    p.covers("converges from every start", "so x_n = (1 − ηλ)ⁿx_0 → 0 for every start x_0 iff 0 < ηλ < 2")


@claim(
    "eos-ntk",
    title="a minimum is stable iff η·NTK < 2",
    source=Source(
        "2.2",
        "gradient descent (GD) trajectories where the maximum eigenvalue of the NTK, JJ , remains "
        "close to the critical value 2/η",
    ),
    statement="At a zero-loss minimum the GD Jacobian in θ is I − ηJᵀJ, with eigenvalues 1 (P − 1 times) and "
    "1 − η·JJᵀ; in the eigenbasis variables z̃' = (1 − η·JJᵀ)z̃ + O(z̃²). So a minimum is linearly stable iff "
    "0 < η·JJᵀ < 2: 2/η is the critical NTK.",
    method="for every P: the GD Jacobian I − η(∇z∇zᵀ + z∂²z/∂θ²) at z = 0 in matrix calculus of symbolic size, "
    "Jᵀ its eigenvector with eigenvalue 1 − η·JJᵀ (matrix words), the matrix determinant lemma for the other P − 1 "
    "eigenvalues; the derivative of z̃' at z̃ = 0 from claim gd-eigen's form (every P); exact: GD Jacobian at z = 0 "
    "and its characteristic polynomial (P = 1, 2, 3), derivative of the derived z̃' at z̃ = 0 (P = 1..4); threshold "
    "solved exactly",
    scope={"P": "every number of parameters P"},
)
def eos_ntk(p: Proof) -> None:
    p.states(sp.Lt(eta * scalar(J * J.T), 2))
    a = quadratic_any_size()
    p.equal_any_size(
        "any P: ∂θ'/∂θ − I = −η(∇z∇zᵀ + z∂²z/∂θ²) (product rule, θ' = θ − ηz∇z) = −ηJᵀJ at z = 0",
        -eta * a.grad_z * a.grad_z.T,
        -eta * (theta.T * Q).T * (theta.T * Q),
        a.rules,
    )
    p.equal_any_size(
        "any P: (ηJᵀJ)Jᵀ = Jᵀ(η·JJᵀ): Jᵀ is an eigenvector of I − ηJᵀJ, with eigenvalue 1 − η·JJᵀ",
        eta * J.T * J * J.T,
        J.T * (eta * J * J.T),
    )
    lemma = "any P: det(λI − (I − ηJᵀJ)) = (λ − 1)^(P−1)(λ − 1 + η·JJᵀ): the other P − 1 eigenvalues are 1"
    p.cite(
        lemma,
        "matrix determinant lemma: det(A + uvᵀ) = (1 + vᵀA⁻¹u)·det A, here A = (λ − 1)I, u = ηJᵀ, v = Jᵀ",
        "Horn & Johnson, Matrix Analysis, 2nd ed. (2013), §0.8.5",
    )
    p.treats("P", lemma)
    lam = sp.Symbol("lambda")
    for P in (1, 2, 3):
        Qm = symmetric_matrix(P)
        m = quadratic(Qm)
        jac = m.on_theta(m.gd_map).jacobian(m.theta)
        at_min = jac.subs(E, m.output.subs(E, 0))  # choose E so that z(θ) = 0
        p.equal(f"P = {P}: GD Jacobian at a minimum = I − ηJᵀJ", at_min, sp.eye(P) - eta * m.jacobian.T * m.jacobian)
        Jg = sp.Matrix(1, P, sp.symbols(f"j_1:{P + 1}", real=True))
        p.equal(
            f"P = {P}: det(λI − (I − ηJᵀJ)) = (λ − 1)^(P−1)(λ − 1 + η·JJᵀ)",
            (lam * sp.eye(P) - (sp.eye(P) - eta * Jg.T * Jg)).det(),
            (lam - 1) ** (P - 1) * (lam - 1 + eta * (Jg * Jg.T)[0, 0]),
        )
    form = "any P: z̃' = z̃ − z̃Σᵢ J̃(ω_i)² + ½z̃²Σᵢ ω_iJ̃(ω_i)²"
    p.uses("gd-eigen", form)
    p.equal(
        "any P: ∂z̃'/∂z̃ at z̃ = 0 is 1 − Σᵢ J̃(ω_i)² = 1 − η·JJᵀ (J̃(ω_i) = η^(1/2)J_i in the eigenbasis)",
        sp.diff(zt - zt * mode_sum(Jw(w_[i]) ** 2) + zt**2 / 2 * mode_sum(w_[i] * Jw(w_[i]) ** 2), zt).subs(zt, 0),
        1 - mode_sum(Jw(w_[i]) ** 2),
    )
    for P in (1, 2, 3, 4):
        dyn = eigen_dynamics(P)
        p.equal(
            f"P = {P}: ∂z̃'/∂z̃ at z̃ = 0 is 1 − T̃",
            sp.diff(dyn.zt_next, zt).subs(zt, 0),
            1 - sum(J**2 for J in Jt_modes(P)),
        )
    s = sp.Symbol("s", real=True)
    _solution_set(p, "|1 − T̃| < 1 ⟺ 0 < T̃ < 2", s, (sp.Abs(1 - s) < 1,), sp.Interval.open(0, 2))


@claim(
    "oscillation",
    title="GD oscillates around minima when η·NTK > 1",
    source=Source("2.2", "they rapidly and heavily oscillate around minima for large learning rates"),
    statement="To first order near a minimum, z̃' = (1 − η·JJᵀ)z̃: for 1 < η·JJᵀ < 2 the linearised output changes "
    "sign on each step while it decays, and for η·JJᵀ > 2 its oscillation grows.",
    method="the linearisation of the derived GD map at z̃ = 0; sign regions solved exactly",
)
def oscillation(p: Proof) -> None:
    s = sp.Symbol("s", real=True)  # s = η·JJᵀ = T̃
    p.states(sp.Eq(zt_next, (1 - Tt) * zt))
    dyn = eigen_dynamics(2)
    p.equal("∂z̃'/∂z̃ at z̃ = 0 is 1 − T̃", sp.diff(dyn.zt_next, zt).subs(zt, 0), 1 - sum(J**2 for J in Jt_modes(2)))
    _solution_set(
        p,
        "multiplier in (−1, 0) ⟺ 1 < T̃ < 2 (sign flips, decaying)",
        s,
        (1 - s < 0, sp.Abs(1 - s) < 1),
        sp.Interval.open(1, 2),
    )
    _solution_set(p, "multiplier < −1 ⟺ T̃ > 2 (growing oscillation)", s, (1 - s < -1,), sp.Interval.open(2, sp.oo))
    p.covers("on each step", "∂z̃'/∂z̃ at z̃ = 0 is 1 − T̃", "multiplier in (−1, 0) ⟺ 1 < T̃ < 2 (sign flips, decaying)")


@claim(
    "landscape",
    title="L is a squared hyperbolic paraboloid",
    source=Source(
        "2.2",
        "When Q has both positive and negative eigenvalues, the loss landscape is the square of a "
        "hyperbolic parabaloid",
    ),
    statement="For P = 2 and Q with eigenvalues of opposite signs, z(θ) + E = θ₁²/a² − θ₂²/b² in the eigenbasis "
    "(a hyperbolic paraboloid, det Q < 0), and L = z²/2 is half its square; its zero set is the hyperbola z = 0.",
    method="exact identities in the eigenbasis with ω_1 > 0 > ω_2; exact sign of det Q",
)
def landscape(p: Proof) -> None:
    w1, n = sp.Symbol("omega_1", positive=True), sp.Symbol("n", positive=True)  # ω_2 = −n
    m = quadratic(sp.diag(w1, -n))
    a2, b2 = 2 / w1, 2 / n
    th1, th2 = m.theta
    p.states(sp.Eq(sp.Symbol("L"), (th1**2 / sp.Symbol("a") ** 2 - th2**2 / sp.Symbol("b") ** 2 - E) ** 2 / 2))
    p.equal("z + E = θ₁²/a² − θ₂²/b² with a² = 2/ω_1, b² = 2/|ω_2|", m.output + E, th1**2 / a2 - th2**2 / b2)
    p.equal("L = z²/2", m.loss_of_theta, (th1**2 / a2 - th2**2 / b2 - E) ** 2 / 2)
    p.positive("det Q < 0: −det Q > 0", -sp.diag(w1, -n).det(), w1 * n)


@claim(
    "final-curvature",
    title="the final curvature depends on initialisation and η",
    source=Source("2.2", "This causes the final curvature to depend on both the initialization and learning rate."),
    statement="For Q = diag(−1, 1), E = 1, gradient descent from two initialisations θ = (t, t) on the paper's "
    "progressive-sharpening line, and with two step sizes, converges to zero-loss minima with different NTK values "
    "(50-digit numerics, for the examples checked).",
    method="parameter-space GD in mpmath at 50 digits; convergence certified by agreeing digits between steps "
    "600 and 650; the limits compared digit by digit",
)
def final_curvature(p: Proof) -> None:
    from mpmath import mp

    from eos_theory.numbers.decimals import agreeing_digits
    from eos_theory.quadratic.gd import gd_mp

    dps = 50
    p.states(sp.Ne(sp.Symbol("NTK_infinity^A"), sp.Symbol("NTK_infinity^B")))  # the limits from starts A and B
    runs = {  # label: (η, t)
        "η = 1/4, t = 1/2": (sp.Rational(1, 4), sp.Rational(1, 2)),
        "η = 1/4, t = 1": (sp.Rational(1, 4), sp.Integer(1)),
        "η = 1/8, t = 1": (sp.Rational(1, 8), sp.Integer(1)),
    }
    limits, settled_digits = {}, {}
    with mp.workdps(dps):
        for label, (lr, t0) in runs.items():
            problem = Problem.diagonal([-1, 1], target=1, lr=str(lr))
            ends = [gd_mp(problem, [str(t0), str(t0)], n, dps=dps, record=True) for n in (600, 650)]
            ntk = [r.Tt[-1] / mp.mpf(str(lr)) for r in ends]  # NTK = T̃/η
            settled = agreeing_digits(ntk[0], ntk[1], dps=dps)
            if settled < 40 or abs(ends[1].zt[-1]) > mp.mpf(10) ** -40:
                raise AssertionError(f"{label}: not converged ({settled} digits settled)")
            limits[label], settled_digits[label] = ntk[1], settled
            p.numerical(
                f"{label}: GD converges to a minimum",
                settled,
                f"|z̃| < 1e-40 at step 650, NTK = {mp.nstr(ntk[1], 12)} (steps 600 and 650 agree)",
                required=40,
            )
        labels = list(limits)
        for a, b in ((labels[0], labels[1]), (labels[1], labels[2])):
            same = agreeing_digits(limits[a], limits[b], dps=dps)
            if same > 5:
                raise AssertionError(f"limits of {a} and {b} agree to {same} digits")
            p.numerical(
                f"final NTK differs between '{a}' and '{b}'",
                min(settled_digits[a], settled_digits[b]),
                f"{mp.nstr(limits[a], 12)} vs {mp.nstr(limits[b], 12)} share only {same} leading digits, while "
                "each limit is settled (steps 600 and 650) to",
                required=40,
            )
    p.covers("converges", *(f"{label}: GD converges to a minimum" for label in runs))


if __name__ == "__main__":
    from eos_theory.core.registry import print_proof

    print_proof(__name__)
