"""Two claims about gradient flow on the paper's model, kept in your own directory (docs/your-claims.md).

eos-theory verify --claims .              # with the project's claims; --claim ID runs only yours
eos-theory latex --claims . --claim flow-loss-decreases -o loss.tex
pytest .                                  # each claim a test; with the property tests beside it
"""

import sympy as sp

from eos_theory import Jt_modes, Proof, Tt, claim, eigen_dynamics, t, zt


@claim(
    "flow-loss-decreases",
    title="GF decreases the loss",
    statement="Under gradient flow d(z̃²)/dt = −2z̃²T̃ ≤ 0.",
    method="exact identity (the chain rule on the derived eigenbasis equations)",
)
def loss_decreases(p: Proof) -> None:
    dyn = eigen_dynamics(2)  # derived from the model, not typed in
    T = sum(J**2 for J in Jt_modes(2))  # T̃ = Σ J̃(ω_i)²
    p.states(sp.Eq(sp.Derivative(zt**2, t), -2 * zt**2 * Tt))
    p.equal("d(z̃²)/dt = 2z̃·dz̃/dt = −2z̃²T̃", 2 * zt * dyn.zt_dot, -2 * zt**2 * T)


@claim(
    "flow-product-conserved",
    title="J̃(ω₁)²J̃(ω₂)² is conserved",
    statement="Gradient flow conserves J̃(ω₁)²J̃(ω₂)² whatever ω₁ and ω₂ are.",
    method="exact counterexample; the correction by an exact identity",
    expect="refuted",  # the verdict established: a counterexample and a verified correction
)
def product_conserved(p: Proof) -> None:
    dyn = eigen_dynamics(2)
    (w1, w2), (J1, J2) = dyn.omega, Jt_modes(2)
    rate = dyn.Jt_sq_dot[0] * J2**2 + J1**2 * dyn.Jt_sq_dot[1]  # the product rule
    conserved = sp.Eq(sp.Derivative(J1**2 * J2**2, t), 0)
    p.states(conserved)
    p.differ("d(J̃₁²J̃₂²)/dt = 0 whatever ω₁ and ω₂ are", rate, 0)
    with p.corrected("J̃(ω₁)²J̃(ω₂)² is conserved when ω₂ = −ω₁ (the paper's symmetric case)", conserved):
        p.equal("with ω₂ = −ω₁ the rate is 0", rate.subs(w2, -w1), 0)
