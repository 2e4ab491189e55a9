"""Abstract, §1 and §2.1–2.2: the model, its Jacobian and NTK, the loss Hessian, and the
contrast with models linear in θ."""

import sympy as sp

from eos_theory.core import notation
from eos_theory.core.model import linear, quadratic, quadratic_any_size, symmetric_matrix
from eos_theory.core.notation import E, J, Q, d_dt, explicit, scalar, theta, z
from eos_theory.core.proof import Proof
from eos_theory.core.registry import Source, claim

DIMENSIONS = (1, 2, 3)


def _values(m, Qm):
    return {Q: Qm, theta: sp.Matrix(m.theta), J: m.jacobian}


@claim(
    "model",
    title="z = ½θᵀQθ − E, L = z²/2; J = θᵀQ, NTK = JJᵀ",
    source=Source("2.1", "L(θ) = z 2 /2, where z a quadratic function ... z = 1 2 θ Qθ -E"),
    statement="The model is z = ½θᵀQθ − E with Q symmetric and L = z²/2; its Jacobian is J = θᵀQ, "
    "the gradient ∇θL = zJᵀ, and the curvature is the scalar NTK JJᵀ = θᵀQ²θ.",
    method="derivatives taken by SymPy from z(θ): matrix calculus for a symbolic P (every P), and exact identities "
    "for a generic symmetric Q with P = 1, 2, 3",
)
def model(p: Proof) -> None:
    p.states(sp.Eq(z, scalar(theta.T * Q * theta) / 2 - E))
    a = quadratic_any_size()
    J_any = theta.T * Q
    p.equal_any_size("any P: J = ∂z/∂θ = θᵀQ", a.jacobian, J_any, a.rules)
    p.equal_any_size("any P: ∇θL = L'(z)∇z = zJᵀ", z * a.grad_z, z * J_any.T, a.rules)
    p.equal_any_size("any P: JJᵀ = θᵀQ²θ", a.jacobian * a.jacobian.T, theta.T * Q * Q * theta, a.rules)
    for P in DIMENSIONS:
        Qm = symmetric_matrix(P)
        m = quadratic(Qm)
        v = _values(m, Qm)
        p.equal(f"P = {P}: J = ∂z/∂θ = θᵀQ", m.jacobian, explicit(theta.T * Q, v))
        p.equal(f"P = {P}: ∇θL = zJᵀ", m.gradient, explicit(z * J.T, v))
        p.equal(f"P = {P}: JJᵀ = θᵀQ²θ", m.ntk, explicit(theta.T * Q * Q * theta, v))
        p.check(f"P = {P}: the NTK is 1×1", (m.jacobian * m.jacobian.T).shape, (1, 1), "shape of JJᵀ")


@claim(
    "ntk-hessian",
    title="largest Hessian eigenvalue = NTK at minima only",
    source=Source(
        "2.2",
        "We define edge of stability with respect to the maximum eigenvalue of the NTK "
        "instead of the maximum loss Hessian eigenvalue",
    ),
    statement="The loss Hessian is H = JᵀJ + zQ. At a zero-loss minimum (z = 0) its spectrum is {JJᵀ, 0, …, 0}, "
    "so its largest eigenvalue is the NTK; away from minima the two can differ (an example is checked), by at most "
    "|z|·‖Q‖₂.",
    method="for every P: H = ∇z∇zᵀ + z∂²z/∂θ² in matrix calculus of symbolic size, Jᵀ an eigenvector of JᵀJ with "
    "eigenvalue JJᵀ (matrix words), and the matrix determinant lemma for the rest of the spectrum; exact "
    "identities for H and for the characteristic polynomial of JᵀJ at P = 1, 2, 3; JJᵀ a sum of P squares; Weyl's "
    "inequality; an exact rational example where they differ",
    scope={"P": "every number of parameters P"},
)
def ntk_hessian(p: Proof) -> None:
    p.states(sp.Eq(sp.MatrixSymbol("H", *Q.shape), J.T * J + z * Q, evaluate=False))
    a = quadratic_any_size()
    p.equal_any_size(
        "any P: ∂²L/∂θ² = ∇z∇zᵀ + z∂²z/∂θ² (product rule, L = z²/2) = JᵀJ + zQ",
        a.grad_z * a.grad_z.T + z * a.hess_z,
        (theta.T * Q).T * (theta.T * Q) + z * Q,
        a.rules,
    )
    p.equal_any_size(
        "any P: (JᵀJ)Jᵀ = Jᵀ(JJᵀ): Jᵀ is an eigenvector with eigenvalue JJᵀ", J.T * J * J.T, J.T * (J * J.T)
    )
    lemma = "any P: det(λI − JᵀJ) = λ^(P−1)(λ − JJᵀ), so the other P − 1 eigenvalues are 0"
    p.cite(
        lemma,
        "matrix determinant lemma: det(A + uvᵀ) = (1 + vᵀA⁻¹u)·det A, here A = λI, u = −Jᵀ, v = Jᵀ",
        "Horn & Johnson, Matrix Analysis, 2nd ed. (2013), §0.8.5",
    )
    p.treats("P", lemma)
    lam = sp.Symbol("lambda")
    for P in DIMENSIONS:
        Qm = symmetric_matrix(P)
        m = quadratic(Qm)
        v = _values(m, Qm)
        p.equal(f"P = {P}: ∂²L/∂θ² = JᵀJ + zQ", m.hessian, m.on_theta(explicit(J.T * J + z * Q, v)))
        Jg = sp.Matrix(1, P, sp.symbols(f"j_1:{P + 1}", real=True))  # any row J
        ntk = (Jg * Jg.T)[0, 0]
        p.equal(
            f"P = {P}: det(λI − JᵀJ) = λ^(P−1)(λ − JJᵀ)",
            (lam * sp.eye(P) - Jg.T * Jg).det(),
            lam ** (P - 1) * (lam - ntk),
        )
    j = sp.symbols("j_1:4", real=True)
    squares = sp.Add(*[s**2 for s in j])
    p.positive("P = 3: JJᵀ = Σ J_i² ≥ 0 (a sign witness the kernel replays)", squares, squares, strict=False)
    largest = "any P: JJᵀ = Σᵢ₌₁ᴾ J_i² ≥ 0, so at z = 0 the largest Hessian eigenvalue is JJᵀ"
    p.check(
        largest,
        sp.Sum(sp.IndexedBase("J", real=True)[notation.i] ** 2, (notation.i, 1, notation.P)).is_nonnegative,
        True,
        "SymPy's assumptions: a sum of P squares of reals, P symbolic",
    )
    p.treats("P", largest)
    p.cite(
        "away from minima H − JᵀJ = zQ, so |λmax(H) − JJᵀ| ≤ |z|·‖Q‖₂",
        "Weyl's inequality |λ_k(A + B) − λ_k(A)| ≤ ‖B‖₂ for symmetric A, B",
        "Horn & Johnson, Matrix Analysis, 2nd ed. (2013), Theorem 4.3.1",
    )
    m = quadratic(sp.Matrix([[1]]))  # P = 1: λmax(H) is H itself
    p.differ(
        "away from minima λmax(H) ≠ JJᵀ (P = 1, Q = 1)", m.hessian[0, 0], m.ntk, at={m.theta[0]: 1, E: 0}, refutes=False
    )


@claim(
    "constant-ntk",
    title="linear models have a constant NTK",
    source=Source(
        "abstract",
        "These phenomena ... do not happen for models in the constant Neural Tangent Kernel "
        "(NTK) regime, for which the predictive function is approximately linear in the parameters",
    ),
    statement="For a model linear in θ the NTK is constant under gradient flow and gradient descent, so the "
    "curvature cannot sharpen; for the quadratic model it can change (an example is checked).",
    method="for every P: J = (∂z/∂θ)ᵀ = cᵀ for z = cᵀθ − E, by matrix calculus of symbolic size, free of θ; exact: "
    "d(JJᵀ)/dt and (JJᵀ)' − JJᵀ computed by SymPy for z = cᵀθ − E (P = 1, 2, 3)",
    scope={"P": "every number of parameters P"},
)
def constant_ntk(p: Proof) -> None:
    p.states(sp.Eq(d_dt(scalar(J * J.T)), 0))
    c = sp.MatrixSymbol("c", *theta.shape)
    free = "any P, linear model z = cᵀθ − E: J = (∂z/∂θ)ᵀ = cᵀ"
    p.equal_any_size(free, sp.diff(c.T * theta, theta).T, c.T)
    p.check(
        "any P: cᵀ does not involve θ, so JJᵀ = cᵀc takes the same value at every θ",
        theta in sp.diff(c.T * theta, theta).atoms(sp.MatrixSymbol),
        False,
        "the MatrixSymbols of the derived ∂z/∂θ",
    )
    p.infer(
        "any P: along gradient flow and from one GD step to the next, JJᵀ = cᵀc does not change",
        (free, "any P: cᵀ does not involve θ, so JJᵀ = cᵀc takes the same value at every θ"),
    )
    for P in DIMENSIONS:
        m = linear(P)
        p.equal(f"P = {P}, linear model: d(JJᵀ)/dt = 0", m.along_flow(m.ntk), 0)
        p.equal(f"P = {P}, linear model: (JJᵀ)' = JJᵀ after a GD step", m.after_step(m.ntk), m.ntk)
    q = quadratic(sp.Matrix([[1]]))
    p.differ("quadratic model, P = 1: d(JJᵀ)/dt ≠ 0", q.on_theta(q.along_flow(q.ntk)), 0, refutes=False)


if __name__ == "__main__":
    from eos_theory.core.registry import print_proof

    print_proof(__name__)
