"""§2.1: the identity for the target E in terms of J, the pseudo-inverse Q⁺ and z."""

import sympy as sp

from eos_theory.core.model import eigenbasis, quadratic, quadratic_any_size, symmetric_matrix
from eos_theory.core.notation import E, J, Q, Qplus, explicit, scalar, theta, z
from eos_theory.core.proof import Proof
from eos_theory.core.registry import Source, claim


def instances():
    """Generic invertible symmetric Q (Q⁺ = Q⁻¹) for P = 1, 2, 3, and singular diagonal Q of each rank."""
    for P in (1, 2, 3):
        Qm = symmetric_matrix(P)
        yield f"P = {P}, generic Q", quadratic(Qm), Qm, Qm.inv()
    _m, w = eigenbasis(3)
    for rank in (1, 2):
        Qm = sp.diag(*w[:rank], *[0] * (3 - rank))
        yield f"P = 3, Q = diag of rank {rank}", quadratic(Qm), Qm, Qm.pinv()


@claim(
    "target-identity",
    title="E = JQ⁺Jᵀ − 2z",
    source=Source("2.1", "In these coordinates, we have E = JQ + J -2z"),
    statement="The target satisfies E = JQ⁺Jᵀ − 2z.",
    method="exact rational-function identities with Q⁺ = Q⁻¹ (generic Q) and the exact pseudo-inverse "
    "(singular Q); matrix words for a symbolic P with QQ⁺Q = Q; exact counterexample",
    expect="refuted",
)
def target_identity(p: Proof) -> None:
    printed = scalar(J * Qplus * J.T) - 2 * z
    p.states(sp.Eq(E, printed, evaluate=False))
    label, m, Qm, Qp = next(instances())
    values = {Q: Qm, Qplus: Qp, theta: sp.Matrix(m.theta), J: m.jacobian}
    p.differ("E = JQ⁺Jᵀ − 2z", E, m.on_theta(explicit(printed, values)))
    p.equal(
        "as printed, the right side minus E is E itself (it holds only when E = 0)",
        m.on_theta(explicit(printed, values)) - E,
        E,
    )
    corrected = scalar(J * Qplus * J.T) / 2 - z
    with p.corrected("E = ½JQ⁺Jᵀ − z (equivalently 2E = JQ⁺Jᵀ − 2z)", sp.Eq(E, corrected, evaluate=False)):
        a = quadratic_any_size()
        p.cite(
            "the Moore–Penrose pseudo-inverse satisfies QQ⁺Q = Q",
            "the first Penrose equation",
            "Penrose, A generalized inverse for matrices, Proc. Cambridge Philos. Soc. 51 (1955), 406–413",
        )
        p.equal_any_size(
            "any P, any symmetric Q: ½JQ⁺Jᵀ = ½θᵀQQ⁺Qθ = ½θᵀQθ = z + E",
            a.jacobian * Qplus * a.jacobian.T / 2,
            theta.T * Q * theta / 2,
            {**a.rules, (Q, Qplus, Q): (Q,)},
        )
        for label, m, Qm, Qp in instances():
            values = {Q: Qm, Qplus: Qp, theta: sp.Matrix(m.theta), J: m.jacobian}
            p.equal(f"{label}: ½JQ⁺Jᵀ − z = E", m.on_theta(explicit(corrected, values)), E)


if __name__ == "__main__":
    from eos_theory.core.registry import print_proof

    print_proof(__name__)
