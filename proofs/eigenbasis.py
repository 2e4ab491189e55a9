"""§2.1: the rescaling z̃ = ηz, J̃ = η^{1/2}J, the rotation to the eigenbasis of Q, and the
gradient-flow equations in eigen-mode form."""

import sympy as sp

from eos_theory.core.model import eigenbasis, quadratic, quadratic_any_size, symmetric_matrix
from eos_theory.core.notation import E, J, Jw, Q, d_dt, eta, explicit, explicit_modes, i, mode_sum, scalar, w_, z, zt
from eos_theory.core.notation import P as P_any  # the symbolic size (loops below name sizes P)
from eos_theory.core.proof import Proof
from eos_theory.core.registry import Source, claim
from eos_theory.quadratic.maps import Jt_modes, eigen_dynamics, rescaled_in_theta

DIMENSIONS = (1, 2, 3)
Jt_row = sp.MatrixSymbol("Jtilde", *J.shape)


@claim(
    "rescaling",
    title="z̃ = ηz, J̃ = η^½J remove η from GF",
    source=Source("2.1", "we transform to z = ηz and J = η 1/2 J"),
    statement="With z̃ = ηz and J̃ = η^{1/2}J, gradient flow becomes free of η: dz̃/dt = −z̃(J̃J̃ᵀ) and dJ̃ᵀ/dt = −z̃QJ̃ᵀ.",
    method="chain rule in θ: matrix calculus for a symbolic P (every P), and exact identities with η^{1/2} for a "
    "generic symmetric Q with P = 1, 2, 3",
)
def rescaling(p: Proof) -> None:
    p.states(sp.Eq(d_dt(zt), -zt * scalar(Jt_row * Jt_row.T), evaluate=False))
    a = quadratic_any_size()
    Jt_any = sp.sqrt(eta) * a.jacobian
    p.equal_any_size(
        "any P: dz̃/dt = η∇zᵀθ̇ = −z̃J̃J̃ᵀ (z̃ = ηz, J̃ = η^{1/2}J)",
        eta * a.grad_z.T * a.flow_field,
        -(eta * z) * Jt_any * Jt_any.T,
        a.rules,
    )
    p.equal_any_size(
        "any P: dJ̃ᵀ/dt = η^{1/2}(∂²z/∂θ²)θ̇ = −z̃QJ̃ᵀ",
        sp.sqrt(eta) * a.hess_z * a.flow_field,
        -(eta * z) * a.Q * Jt_any.T,
        a.rules,
    )
    for P in DIMENSIONS:
        Qm = symmetric_matrix(P)
        m = quadratic(Qm)
        zt_th, Jt_th = eta * m.output, sp.sqrt(eta) * m.jacobian
        values = {Q: Qm, Jt_row: Jt_th}
        flow = lambda f: m.on_theta(m.along_flow(f))  # noqa: E731, B023 (used in this iteration)
        p.equal(
            f"P = {P}: dz̃/dt = −z̃ J̃J̃ᵀ", flow(zt_th), explicit(-zt * scalar(Jt_row * Jt_row.T), values).subs(zt, zt_th)
        )
        p.equal(
            f"P = {P}: dJ̃ᵀ/dt = −z̃ QJ̃ᵀ",
            sp.Matrix([flow(f) for f in Jt_th]),
            explicit(-zt * Q * Jt_row.T, values).subs(zt, zt_th),
        )
    p.check(
        "the right-hand sides, written in z̃, J̃ and Q, contain no η",
        eta in (-zt * Q * Jt_row.T).free_symbols | (-zt * scalar(Jt_row * Jt_row.T)).free_symbols,
        False,
        "η among the free symbols of the right-hand sides",
    )


def _rotations():
    """Orthogonal matrices: every element of O(2) (rotations and reflections), and a fixed rational P = 3 one.

    The P = 2 matrices [[a, −b], [b, a]] (rotations) and [[a, b], [b, −a]] (reflections) are
    polynomial, and identities are reduced modulo a² + b² = 1.  The P = 3 one is the Cayley
    transform (I − S)(I + S)⁻¹ of a fixed rational skew matrix S.
    """
    a, b = sp.symbols("a b", real=True)
    yield "P = 2, every rotation", sp.Matrix([[a, -b], [b, a]]), (a**2 + b**2 - 1,)
    yield "P = 2, every reflection", sp.Matrix([[a, b], [b, -a]]), (a**2 + b**2 - 1,)
    S = sp.Matrix([[0, 1, sp.Rational(-1, 2)], [-1, 0, 2], [sp.Rational(1, 2), -2, 0]])
    I = sp.eye(3)
    yield "P = 3, a fixed rotation", (I - S) * (I + S).inv(), ()


def _any_dimension(p: Proof) -> list[str]:
    """The rotation identities for every P and every orthogonal V: matrix words of symbolic size,
    with V orthogonal as the rewriting rules VVᵀ → I, VᵀV → I (and Q symmetric)."""
    a = quadratic_any_size()
    V = sp.MatrixSymbol("V", *a.Q.shape)
    phi = sp.MatrixSymbol("phi", *a.theta.shape)
    rules = {**a.rules, (V, V.T): (), (V.T, V): ()}
    th, Qphi = V * phi, V.T * a.Q * V
    steps = [
        ("any P, any orthogonal V: z(Vφ; Q) = z(φ; VᵀQV)", th.T * a.Q * th / 2, phi.T * Qphi * phi / 2),
        (
            "any P, any orthogonal V: NTK(Vφ; Q) = θᵀQ²θ = NTK(φ; VᵀQV)",
            th.T * a.Q * a.Q * th,
            phi.T * Qphi * Qphi * phi,
        ),
        (
            "any P, any orthogonal V: Vᵀ·(−ηzQθ) = −ηz(VᵀQV)φ (gradient flow)",
            V.T * (-eta * z * a.Q * th),
            -eta * z * Qphi * phi,
        ),
        (
            "any P, any orthogonal V: Vᵀ·(θ − ηzQθ) = φ − ηz(VᵀQV)φ (gradient descent)",
            V.T * (th - eta * z * a.Q * th),
            phi - eta * z * Qphi * phi,
        ),
    ]
    for text, lhs, rhs in steps:
        p.equal_any_size(text, lhs, rhs, rules)
    return [text for text, _, _ in steps]


@claim(
    "rotation",
    title="rotating to Q's eigenbasis preserves the dynamics",
    source=Source(
        "2.1",
        "we rotate θ so that Q is diagonal. This is always possible since Q is symmetric. "
        "Since the NTK is given by JJ , this rotation preserves the dynamics of the curvature.",
    ),
    statement="A symmetric Q is orthogonally diagonalisable, and for any orthogonal V (of any size P) the "
    "substitution θ = Vφ maps z, the NTK, gradient flow and gradient descent for Q to those for VᵀQV; so rotating "
    "to the eigenbasis leaves the dynamics of the curvature unchanged.",
    method="matrix words of symbolic size in V, Vᵀ, Q, φ with VVᵀ = VᵀV = I (every P, every orthogonal V); exact "
    "identities for a generic symmetric Q with every element of O(2) (modulo a² + b² = 1) and a fixed rational "
    "P = 3 rotation; the spectral theorem, cited",
    scope={"P": "every number of parameters P"},
)
def rotation(p: Proof) -> None:
    phi_ntk = scalar(J * J.T)
    p.states(
        sp.Eq(
            phi_ntk,
            scalar(sp.MatrixSymbol("theta", *J.T.shape).T * Q * Q * sp.MatrixSymbol("theta", *J.T.shape)),
            evaluate=False,
        )
    )
    general = _any_dimension(p)
    for label, V, orthogonal in _rotations():
        P = V.rows
        Qm = symmetric_matrix(P)
        p.equal(f"{label}: VᵀV = I", V.T * V, sp.eye(P), modulo=orthogonal)
        m_theta, m_phi = quadratic(Qm), quadratic((V.T * Qm * V).applyfunc(sp.expand))
        to_phi = dict(zip(m_theta.theta, V * sp.Matrix(m_phi.theta)))  # θ = Vφ, φ named like θ in m_phi
        sub = lambda e: e.xreplace(to_phi)  # noqa: E731, B023 (used in this iteration)
        p.equal(f"{label}: z(Vφ; Q) = z(φ; VᵀQV)", sub(m_theta.output), m_phi.output, modulo=orthogonal)
        p.equal(f"{label}: NTK(Vφ; Q) = NTK(φ; VᵀQV)", sub(m_theta.ntk), m_phi.ntk, modulo=orthogonal)
        p.equal(
            f"{label}: Vᵀ times the gradient-flow field at Vφ is the field for VᵀQV at φ",
            V.T * m_theta.flow_field().applyfunc(sub),
            m_phi.flow_field(),
            modulo=orthogonal,
        )
        p.equal(
            f"{label}: Vᵀ·GD(Vφ) = GD for VᵀQV at φ",
            V.T * m_theta.gd_map.applyfunc(sub),
            m_phi.gd_map,
            modulo=orthogonal,
        )
    q11, q12, q22 = symmetric_matrix(2)[0, 0], symmetric_matrix(2)[0, 1], symmetric_matrix(2)[1, 1]
    disc = sp.discriminant(symmetric_matrix(2).charpoly().as_expr(), sp.Symbol("lambda"))
    p.equal(
        "P = 2: the characteristic polynomial's discriminant is (q11 − q22)² + 4q12² ≥ 0, so both eigenvalues are real",
        disc,
        (q11 - q22) ** 2 + 4 * q12**2,
    )
    p.cite(
        "every real symmetric Q is Q = VΛVᵀ with V orthogonal and Λ real diagonal",
        "the spectral theorem for real symmetric matrices",
        "Horn & Johnson, Matrix Analysis, 2nd ed. (2013), Theorem 4.1.5",
    )
    p.covers("for any orthogonal V (of any size P)", *general)


@claim(
    "eigen-gf-z",
    title="dz̃/dt = −z̃ Σ J̃(ω_i)²",
    source=Source("2.1", "dz dt = -z P i=1 J(ω i ) 2"),
    statement="In the eigenbasis, dz̃/dt = −z̃ Σᵢ J̃(ω_i)².",
    method="for every P: dz̃/dt = η·ż with ż = −η(JJᵀ)z (claim gf-z) as matrix words of symbolic size, JJᵀ = Σᵢ J_i² "
    "for a row of symbolic length, and the eigenbasis (claim rotation); derived by SymPy (change of variables "
    "θ_i = J_i/ω_i, rescaling), compared exactly for P = 1..4; and against the chain rule in θ for P = 1, 2, 3",
    scope={"P": "every number of parameters P"},
)
def eigen_gf_z(p: Proof) -> None:
    rhs = -zt * mode_sum(Jw(w_[i]) ** 2)
    p.states(sp.Eq(d_dt(zt), rhs))
    flow = "any P: ż = −η(JJᵀ)z"
    p.uses("gf-z", flow)
    p.uses("rotation", "any P: in Q's eigenbasis the dynamics are those of Q = diag(ω_1, …, ω_P)")
    scaled = "any P: dz̃/dt = η·ż = −(ηz)·(η·JJᵀ) = −z̃·(η·JJᵀ)"
    p.equal_any_size(scaled, eta * (-eta * (J * J.T) * z), -(eta * z) * (eta * (J * J.T)))
    k = sp.Symbol("k", integer=True)
    squares = "any P: JJᵀ = Σᵢ J_i² for a row J of P entries, so η·JJᵀ = Σᵢ J̃(ω_i)² in the eigenbasis"
    p.check(squares, (J * J.T)[0, 0].dummy_eq(sp.Sum(J[0, k] ** 2, (k, 0, P_any - 1))), True, "SymPy's matrix element")
    p.treats("P", squares)
    p.infer(
        "any P: dz̃/dt = −z̃ Σᵢ J̃(ω_i)²",
        (flow, "any P: in Q's eigenbasis the dynamics are those of Q = diag(ω_1, …, ω_P)", scaled, squares),
    )
    for P in (1, 2, 3, 4):
        dyn = eigen_dynamics(P)
        p.equal(f"P = {P}: derived dz̃/dt = printed", dyn.zt_dot, explicit_modes(rhs, P, dyn.omega, Jt_modes(P)))
    for P in DIMENSIONS:
        m, w = eigenbasis(P)
        in_theta = rescaled_in_theta(P)
        p.equal(
            f"P = {P}: η·∇z·θ̇ in θ = printed, with z̃, J̃(ω_i) written in θ",
            m.on_theta(eta * m.along_flow(m.output)),
            explicit_modes(rhs, P, w, Jt_modes(P)).xreplace(in_theta),
        )


@claim(
    "eigen-gf-J",
    title="dJ̃(ω_i)²/dt = −2z̃ω_i J̃(ω_i)²",
    source=Source("2.1", "d J(ω i ) 2 dt = -2zω i J(ω i ) 2"),
    statement="In the eigenbasis, dJ̃(ω_i)²/dt = −2z̃ω_i J̃(ω_i)² for every mode i.",
    method="derived by SymPy, compared exactly for P = 1..4; and against the chain rule in θ for P = 1, 2, 3",
)
def eigen_gf_J(p: Proof) -> None:
    rhs = -2 * zt * w_[i] * Jw(w_[i]) ** 2
    p.states(sp.Eq(d_dt(Jw(w_[i]) ** 2), rhs))
    for P in (1, 2, 3, 4):
        dyn = eigen_dynamics(P)
        for k in range(P):
            p.equal(
                f"P = {P}, mode {k + 1}: derived = printed",
                dyn.Jt_sq_dot[k],
                explicit_modes(rhs.xreplace({i: k + 1}), P, dyn.omega, Jt_modes(P)),
            )
    for P in DIMENSIONS:
        m, w = eigenbasis(P)
        in_theta = rescaled_in_theta(P)
        for k in range(P):
            Jk_sq = eta * (w[k] * m.theta[k]) ** 2
            p.equal(
                f"P = {P}, mode {k + 1}: chain rule in θ = printed",
                m.on_theta(m.along_flow(Jk_sq)),
                explicit_modes(rhs.xreplace({i: k + 1}), P, w, Jt_modes(P)).xreplace(in_theta),
            )
    # Any P, any mode i: the other modes enter z only through R = ½Σ_{j≠i} ω_jθ_j², which is free of θ_i.
    th_i, w_i, R = sp.Symbol("theta_i", real=True), sp.Symbol("omega_i", real=True), sp.Symbol("R", real=True)
    z_i = w_i * th_i**2 / 2 + R - E
    thdot_i = -eta * z_i * sp.diff(z_i, th_i)  # θ̇_i = −η z ∂z/∂θ_i
    general = "any P, any mode i (the others in R = ½Σ_{j≠i} ω_jθ_j², free of θ_i): chain rule in θ = printed"
    p.equal(
        general,
        sp.diff(eta * (w_i * th_i) ** 2, th_i) * thdot_i,
        rhs.xreplace({i: 1}).subs({w_[1]: w_i, Jw(w_[1]): sp.sqrt(eta) * w_i * th_i, zt: eta * z_i}),
    )
    p.covers("for every mode i", general)


if __name__ == "__main__":
    from eos_theory.core.registry import print_proof

    print_proof(__name__)
