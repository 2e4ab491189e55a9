"""Symbolic models: a scalar output z(θ) trained on a loss L(z); everything else is derived.

A :class:`Model` is all a new study supplies.  Its Jacobian, NTK, loss Hessian, gradient-flow
field and gradient-descent map are computed from ``z`` and ``loss`` by SymPy, never typed in.
The paper's second-order regression model is :func:`quadratic`.

>>> m = quadratic(sp.diag(2, -1))
>>> m.ntk
4*theta_1**2 + theta_2**2
>>> m.gd_map.T                      # θ - η z ∇z, with the output z kept as a symbol
Matrix([[-2*eta*theta_1*z + theta_1, eta*theta_2*z + theta_2]])
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import sympy as sp

from eos_theory.core.notation import E, eta, t, z  # noqa: F401  (re-exported: the model's own symbols)
from eos_theory.numbers.parse import InputError


def thetas(P: int) -> tuple[sp.Symbol, ...]:
    """Parameter symbols θ_1..θ_P."""
    return sp.symbols(f"theta_1:{P + 1}", real=True)


def omegas(P: int) -> tuple[sp.Symbol, ...]:
    """Eigenvalue symbols ω_1..ω_P of Q."""
    return sp.symbols(f"omega_1:{P + 1}", real=True)


def symmetric_matrix(P: int, name: str = "q") -> sp.Matrix:
    """A generic symmetric P×P matrix with independent symbolic entries q_ij (i ≤ j)."""
    return sp.Matrix(P, P, lambda i, j: sp.Symbol(f"{name}_{min(i, j) + 1}{max(i, j) + 1}", real=True))


@dataclass(frozen=True)
class Model:
    """A scalar-output model: parameters ``theta``, output ``output(θ)`` and a loss of the output.

    ``loss`` is an expression in the output symbol :data:`z`.  The training dynamics use the
    gradient ∇L = L'(z)·∇z, in which the loss derivative keeps ``z`` as a symbol: that is what
    lets derived equations be read as dynamics of the pair (z, J), as the paper does.
    """

    theta: tuple[sp.Symbol, ...]
    output: sp.Expr
    loss: sp.Expr = z**2 / 2
    name: str = "model"

    @property
    def P(self) -> int:
        return len(self.theta)

    @cached_property
    def jacobian(self) -> sp.Matrix:
        """J = ∂z/∂θ as a 1×P row."""
        return sp.Matrix([self.output]).jacobian(self.theta)

    @cached_property
    def ntk(self) -> sp.Expr:
        """The (1×1) neural tangent kernel JJᵀ = Σ J_i², expanded (in polynomial arithmetic when J is a
        polynomial: several times faster than expanding the product for large entries)."""
        J = list(self.jacobian)
        gens = sorted(set().union(*(j.free_symbols for j in J)), key=str)
        if gens and all(j.is_polynomial(*gens) for j in J):
            return sum((sp.Poly(j, *gens) ** 2 for j in J), sp.Poly(0, *gens)).as_expr()
        return sp.expand((self.jacobian * self.jacobian.T)[0, 0])

    @cached_property
    def loss_of_theta(self) -> sp.Expr:
        return self.loss.subs(z, self.output)

    @cached_property
    def gradient(self) -> sp.Matrix:
        """∇θL = L'(z) Jᵀ, with the output kept as the symbol z."""
        return sp.diff(self.loss, z) * self.jacobian.T

    @cached_property
    def hessian(self) -> sp.Matrix:
        """The loss Hessian ∂²L/∂θ² as a function of θ (no symbol z left)."""
        return sp.hessian(self.loss_of_theta, self.theta)

    def flow_field(self, scale: sp.Expr = eta) -> sp.Matrix:
        """Gradient flow θ̇ = −η∇θL (z kept as a symbol)."""
        return -scale * self.gradient

    @cached_property
    def gd_map(self) -> sp.Matrix:
        """One gradient-descent step θ ↦ θ − η∇θL (z kept as a symbol)."""
        return sp.Matrix(self.theta) - eta * self.gradient

    def along_flow(self, f: sp.Expr) -> sp.Expr:
        """d f(θ)/dt along the gradient flow: the chain rule ∇f · θ̇."""
        grad = sp.Matrix([f]).jacobian(self.theta)
        return sp.expand((grad * self.flow_field())[0, 0])

    def after_step(self, f: sp.Expr) -> sp.Expr:
        """f evaluated at the GD image θ' (z kept as the symbol for the output at θ)."""
        return sp.expand(f.subs(dict(zip(self.theta, self.gd_map)), simultaneous=True))

    def on_theta(self, f: sp.Expr) -> sp.Expr:
        """Replace the output symbol z by z(θ): an expression in θ alone."""
        return f.subs(z, self.output)


def quadratic(Q: sp.Matrix, target: sp.Expr = E) -> Model:
    """The paper's second-order regression model z = ½θᵀQθ − E, L = z²/2 (§2.1)."""
    try:
        Q = sp.Matrix(Q)
    except (TypeError, ValueError, sp.SympifyError):
        raise InputError(f"Q must be a square matrix (list of rows or SymPy Matrix), got {str(Q)[:40]!r}") from None
    bad = [q for q in Q if q.has(sp.nan, sp.oo, -sp.oo, sp.zoo) or (q.is_number and not q.is_finite)]
    if bad:
        raise InputError(f"Q must have finite entries, got {bad[0]}")
    if Q.rows != Q.cols or Q.rows == 0:
        raise InputError(f"Q must be a non-empty square matrix, got shape {Q.rows}x{Q.cols}")
    if Q != Q.T:
        raise InputError("Q must be symmetric (Q != Q^T)")
    theta = thetas(Q.shape[0])
    v = sp.Matrix(theta)
    output = sp.expand((v.T * Q * v)[0, 0] / 2 - target)
    return Model(theta=theta, output=output, name="quadratic regression")


def eigenbasis(P: int) -> tuple[Model, tuple[sp.Symbol, ...]]:
    """The quadratic model with Q = diag(ω_1..ω_P), the paper's rotated coordinates."""
    w = omegas(P)
    return quadratic(sp.diag(*w)), w


def linear(P: int) -> Model:
    """A model linear in θ, z = Σ c_i θ_i − E: the constant-NTK regime the paper contrasts with."""
    c = sp.symbols(f"c_1:{P + 1}", real=True)
    theta = thetas(P)
    return Model(theta=theta, output=sum(ci * th for ci, th in zip(c, theta)) - E, name="linear")


@dataclass(frozen=True)
class AnySize:
    """The quadratic model for every number of parameters P at once: matrix expressions in the
    P×P MatrixSymbol Q (symmetric, as the rewriting rule ``Qᵀ → Q`` in :attr:`rules`) and the
    P×1 MatrixSymbol θ, of symbolic size.  Derivatives are SymPy's matrix calculus, so an
    identity shown here (``Proof.equal_any_size``) holds for every P, not only for the sizes tried.
    The output keeps its value as the scalar symbol z, as :class:`Model` does.
    """

    Q: sp.MatrixSymbol
    theta: sp.MatrixSymbol
    grad_z: sp.MatrixExpr  #: ∇z = ∂z/∂θ (P×1)
    hess_z: sp.MatrixExpr  #: ∂²z/∂θ² (P×P)
    rules: dict

    @property
    def jacobian(self) -> sp.MatrixExpr:
        """J = (∇z)ᵀ, a 1×P row."""
        return self.grad_z.T

    @property
    def flow_field(self) -> sp.MatrixExpr:
        """θ̇ = −η∇L = −ηz∇z."""
        return -eta * z * self.grad_z

    @property
    def gd_map(self) -> sp.MatrixExpr:
        """θ' = θ − ηz∇z."""
        return self.theta - eta * z * self.grad_z


def quadratic_any_size() -> AnySize:
    """z = ½θᵀQθ − E for a symbolic P, with ∇z and ∂²z/∂θ² derived by SymPy's matrix calculus.

    >>> m = quadratic_any_size()
    >>> m.grad_z, m.hess_z
    ((1/2)*Q*theta + (1/2)*Q.T*theta, (1/2)*Q + (1/2)*Q.T)
    """
    from eos_theory.core.notation import Q, theta

    half = theta.T * Q * theta / 2  # the θ-dependent part of z (a 1×1 matrix expression)
    grad = sp.diff(half, theta)
    return AnySize(Q, theta, grad, sp.diff(grad, theta), {(Q.T,): (Q,)})
