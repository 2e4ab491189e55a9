"""§2.1, equations (1)–(2): gradient flow of the quadratic model in θ, and in (z, J).

Each matrix-level statement is checked as an exact polynomial identity for a generic symmetric
Q (independent symbolic entries) in every dimension P = 1, 2, 3.
"""

import sympy as sp

from eos_theory.core.model import quadratic, quadratic_any_size, symmetric_matrix
from eos_theory.core.notation import (
    E,
    J,
    Jdot,
    Q,
    chain,
    dz_dtheta,
    eta,
    explicit,
    gradL,
    scalar,
    theta,
    thetadot,
    z,
    zdot,
)
from eos_theory.core.proof import Proof
from eos_theory.core.registry import Source, claim

DIMENSIONS = (1, 2, 3)


def instances():
    """(model, values for the matrix symbols) for a generic symmetric Q in each dimension."""
    for P in DIMENSIONS:
        m = quadratic(symmetric_matrix(P))
        yield (
            m,
            {
                Q: symmetric_matrix(P),
                theta: sp.Matrix(m.theta),
                J: m.jacobian,
                dz_dtheta: m.jacobian.T,
                gradL: m.gradient,
                thetadot: m.flow_field(),
            },
        )


@claim(
    "gf-theta",
    title="θ̇ = −η∇L = ηz∂z/∂θ = (η/2)(θᵀQθ − E)Qθ",
    source=Source("2.1", "θ = -η∇ θ L = ηz ∂z ∂θ = η 2 θ Qθ -E Qθ"),
    statement="Gradient flow is θ̇ = −η∇θL = ηz ∂z/∂θ = (η/2)(θᵀQθ − E)Qθ.",
    method="exact polynomial identities in θ and a generic symmetric Q (P = 1, 2, 3); matrix calculus for a "
    "symbolic P; exact counterexample",
    expect="refuted",
)
def gf_theta(p: Proof) -> None:
    middle = eta * z * dz_dtheta
    right = eta / 2 * (scalar(theta.T * Q * theta) - E) * Q * theta
    p.states(chain(thetadot, -eta * gradL, middle, right))
    # Read charitably, the right member may have lost a "1" of ½: η(½θᵀQθ − E)Qθ.
    charitable = eta * (scalar(theta.T * Q * theta) / 2 - E) * Q * theta
    m, values = next(instances())  # P = 1 suffices for a counterexample
    flow = m.on_theta(explicit(-eta * gradL, values))
    p.differ("−η∇θL = ηz ∂z/∂θ (the sign)", flow, m.on_theta(explicit(middle, values)))
    p.differ("−η∇θL = (η/2)(θᵀQθ − E)Qθ", flow, explicit(right, values))
    p.differ("even read as η(½θᵀQθ − E)Qθ, the sign is wrong", flow, explicit(charitable, values))
    p.differ("with its sign reversed, −(η/2)(θᵀQθ − E)Qθ still has E where 2E belongs", flow, -explicit(right, values))
    corrected = -eta * (scalar(theta.T * Q * theta) / 2 - E) * Q * theta
    with p.corrected(
        "θ̇ = −η∇θL = −ηz ∂z/∂θ = −η(½θᵀQθ − E)Qθ",
        chain(thetadot, -eta * gradL, -eta * z * dz_dtheta, corrected),
    ):
        a = quadratic_any_size()
        p.equal_any_size(
            "any P: −η∇θL = −ηz∇z = −ηzQθ, with z = ½θᵀQθ − E", a.flow_field, -eta * z * Q * theta, a.rules
        )
        for m, values in instances():
            P = m.P
            p.equal(
                f"P = {P}: −η∇θL = −ηz ∂z/∂θ", explicit(-eta * gradL, values), explicit(-eta * z * dz_dtheta, values)
            )
            p.equal(
                f"P = {P}: −ηz ∂z/∂θ = −η(½θᵀQθ − E)Qθ",
                m.on_theta(explicit(-eta * z * dz_dtheta, values)),
                explicit(corrected, values),
            )


@claim(
    "gf-z",
    title="ż = −η(JJᵀ)z",
    source=Source("2.1", "ż = -η(JJ )z"),
    statement="Under gradient flow the output obeys ż = −η(JJᵀ)z.",
    method="chain rule ż = ∇z·θ̇: matrix calculus for a symbolic P (every P), and exact identities for a generic "
    "symmetric Q with P = 1, 2, 3",
    scope={"P": "every number of parameters P"},
)
def gf_z(p: Proof) -> None:
    rhs = -eta * scalar(J * J.T) * z
    p.states(sp.Eq(zdot, rhs, evaluate=False))
    a = quadratic_any_size()
    p.equal_any_size("any P: ∇zᵀθ̇ = −η(JJᵀ)z", a.grad_z.T * a.flow_field, -eta * a.jacobian * a.jacobian.T * z, a.rules)
    for m, values in instances():
        p.equal(f"P = {m.P}: ∇z·θ̇ = −η(JJᵀ)z", m.along_flow(m.output), explicit(rhs, values))


@claim(
    "gf-J",
    title="J̇ = −2ηzQJᵀ",
    source=Source("2.1", "J = -2ηzQJ"),
    statement="Under gradient flow the Jacobian obeys J̇ = −2ηzQJᵀ.",
    method="chain rule J̇ = θ̇ᵀ ∂²z/∂θ², exact identities (generic symmetric Q, P = 1, 2, 3; matrix calculus for a "
    "symbolic P); exact counterexamples, against the model and against the paper's eigenbasis equation",
    expect="refuted",
)
def gf_J(p: Proof) -> None:
    p.states(sp.Eq(Jdot.T, -2 * eta * z * Q * J.T, evaluate=False))
    derived = {}
    for m, values in instances():
        derived[m.P] = (sp.Matrix([m.along_flow(Ji) for Ji in m.jacobian]), values)
    flow, values = derived[1]
    p.differ("J̇ᵀ = −2ηzQJᵀ", flow, explicit(-2 * eta * z * Q * J.T, values))
    # The paper's own eigenbasis equation dJ̃(ω_i)²/dt = −2z̃ω_iJ̃(ω_i)² contradicts the printed J̇:
    # in the eigenbasis J̇(ω_i) = −2ηzω_iJ(ω_i) would give d(ηJ(ω_i)²)/dt = −4z̃ω_i·ηJ(ω_i)².
    w1, J1 = sp.symbols("omega_1 J_1", real=True)
    implied = eta * 2 * J1 * (-2 * eta * z * w1 * J1)
    p.differ(
        "the printed J̇ against the paper's eigenbasis equation for dJ̃(ω_i)²/dt",
        implied,
        -2 * (eta * z) * w1 * (eta * J1**2),
    )
    with p.corrected(
        "J̇ᵀ = −ηzQJᵀ (so J̇(ω_i) = −ηzω_i J(ω_i), as the paper's own eigenbasis equation requires)",
        sp.Eq(Jdot.T, -eta * z * Q * J.T, evaluate=False),
    ):
        a = quadratic_any_size()
        p.equal_any_size(
            "any P: J̇ᵀ = (∂²z/∂θ²)θ̇ = −ηzQJᵀ", a.hess_z * a.flow_field, -eta * z * Q * a.jacobian.T, a.rules
        )
        for P, (flow, values) in derived.items():
            p.equal(f"P = {P}: θ̇ᵀ∂²z/∂θ² = −ηzQJᵀ", flow, explicit(-eta * z * Q * J.T, values))


if __name__ == "__main__":
    from eos_theory.core.registry import print_proof

    print_proof(__name__)
