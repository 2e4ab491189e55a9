"""The quadratic model's dynamics in the paper's coordinates, derived from :mod:`eos_theory.core.model`.

Three reductions, each obtained mechanically from the parameter-space dynamics:

* mode coordinates J(ω_i) = J v_i (the eigenbasis of Q), by the change of variables θ_i = J_i/ω_i;
* the rescaling z̃ = ηz, J̃ = η^{1/2} J, after which gradient flow no longer involves η;
* for P = 2, gradient descent as a closed polynomial map on (z̃, T̃) with T̃ = η·JJᵀ, by
  eliminating the two mode amplitudes J̃(ω_i)² with the linear relations that define z̃ and T̃.

>>> sorted(two_d_map().next_zt.free_symbols, key=str)
[E, Ttilde, eta, omega_1, omega_2, ztilde]
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from functools import cache, cached_property

import sympy as sp

from eos_theory.core.model import eigenbasis, omegas, quadratic
from eos_theory.core.notation import E, Tt, eta, z, zt
from eos_theory.core.notation import E as _E
from eos_theory.core.notation import eta as _eta
from eos_theory.core.notation import omega as w
from eos_theory.numbers.parse import InputError

tau = sp.Symbol("tau", real=True)  #: tr Q (P = 2)
Delta = sp.Symbol("Delta", real=True)  #: det Q (P = 2)


def J_modes(P: int) -> tuple[sp.Symbol, ...]:
    """Unscaled mode amplitudes J(ω_i)."""
    return sp.symbols(f"J_1:{P + 1}", real=True)


def Jt_modes(P: int) -> tuple[sp.Symbol, ...]:
    """Rescaled mode amplitudes J̃(ω_i) = η^{1/2} J(ω_i)."""
    return sp.symbols(f"Jtilde_1:{P + 1}", real=True)


@dataclass(frozen=True)
class EigenDynamics:
    """GF and GD of the P-mode model in the variables (z, J(ω_i)) and (z̃, J̃(ω_i))."""

    P: int
    omega: tuple[sp.Symbol, ...]
    z_dot: sp.Expr  #: ż in (z, J_i)
    J_dot: tuple[sp.Expr, ...]  #: J̇(ω_i) in (z, J_i)
    z_next: sp.Expr  #: z after one GD step, in (z, J_i)
    J_next: tuple[sp.Expr, ...]  #: J(ω_i) after one GD step
    zt_dot: sp.Expr  #: dz̃/dt in (z̃, J̃_i)
    Jt_sq_dot: tuple[sp.Expr, ...]  #: dJ̃(ω_i)²/dt in (z̃, J̃_i)
    zt_next: sp.Expr  #: z̃ after one GD step
    Jt_next: tuple[sp.Expr, ...]  #: J̃(ω_i) after one GD step


def rescaled_in_theta(P: int) -> dict[sp.Symbol, sp.Expr]:
    """z̃ = ηz(θ) and J̃(ω_i) = η^{1/2}ω_iθ_i written in the eigenbasis parameters θ: the map that
    takes a statement in the rescaled variables back to parameter space, for checking."""
    m, omega = eigenbasis(P)
    return {zt: eta * m.output, **{Jt: sp.sqrt(eta) * wi * th for Jt, wi, th in zip(Jt_modes(P), omega, m.theta)}}


def _to_modes(expr: sp.Expr, theta, omega, J) -> sp.Expr:
    """Change of variables θ_i = J_i/ω_i; every θ must disappear."""
    out = sp.expand(expr.subs({th: Ji / wi for th, Ji, wi in zip(theta, J, omega)}, simultaneous=True))
    if out.free_symbols & set(theta):
        raise ArithmeticError(f"change to mode coordinates left θ in {out}")
    return out


def _rescale(expr: sp.Expr, J, Jt) -> sp.Expr:
    """Substitute z = z̃/η and J_i = J̃_i/η^{1/2}."""
    return sp.expand(expr.subs({z: zt / eta, **{Ji: Jti / sp.sqrt(eta) for Ji, Jti in zip(J, Jt)}}, simultaneous=True))


@cache
def eigen_dynamics(P: int) -> EigenDynamics:
    """Derive the paper's eigenbasis equations (and their GD counterparts) for P modes."""
    m, omega = eigenbasis(P)
    J, Jt = J_modes(P), Jt_modes(P)
    J_of_theta = list(m.jacobian)  # J(ω_i) = J v_i = ω_i θ_i in the eigenbasis
    modes = lambda e: _to_modes(e, m.theta, omega, J)  # noqa: E731

    z_dot = modes(m.along_flow(m.output))
    J_dot = tuple(modes(m.along_flow(Ji)) for Ji in J_of_theta)
    # z is quadratic in θ, so z(θ') − z(θ) is exact and free of E; adding it to the state z
    # keeps z as a variable instead of re-expanding its definition.
    z_next = sp.expand(z + modes(m.after_step(m.output) - m.output))
    J_next = tuple(sp.factor(modes(m.after_step(Ji))) for Ji in J_of_theta)

    rescale = lambda e: _rescale(e, J, Jt)  # noqa: E731
    zt_dot = rescale(eta * z_dot)
    Jt_sq_dot = tuple(rescale(eta * 2 * Ji * dJi) for Ji, dJi in zip(J, J_dot))
    zt_next = rescale(eta * z_next)
    Jt_next = tuple(sp.factor(rescale(sp.sqrt(eta) * Jn)) for Jn in J_next)
    return EigenDynamics(P, omega, z_dot, J_dot, z_next, J_next, zt_dot, Jt_sq_dot, zt_next, Jt_next)


@dataclass(frozen=True)
class TwoDMap:
    """Gradient descent for P = 2 as a closed map (z̃, T̃) ↦ (z̃', T̃')."""

    omega: tuple[sp.Symbol, sp.Symbol]
    next_zt: sp.Expr
    next_Tt: sp.Expr
    amplitudes: tuple[sp.Expr, sp.Expr]  #: J̃(ω_i)² as functions of (z̃, T̃), valid for ω_1 ≠ ω_2

    def invariant_form(self) -> tuple[sp.Expr, sp.Expr]:
        """The same map with ω_1, ω_2 entering only through τ = tr Q and Δ = det Q.

        In this form it holds for any symmetric 2×2 Q, with no diagonalisation.
        """
        return self._invariant

    @cached_property
    def _invariant(self) -> tuple[sp.Expr, sp.Expr]:
        return tuple(_symmetrize(e, self.omega) for e in (self.next_zt, self.next_Tt))

    @cached_property
    def exact(self):
        """The invariant form as f(z̃, T̃, τ, Δ, E, η) -> (z̃', T̃') on Fractions, exactly (no SymPy per call)."""
        args = (zt, Tt, tau, Delta, E, eta)
        terms = [
            [
                (monom, Fraction(int(c.numerator), int(c.denominator)))
                for monom, c in sp.Poly(e, *args, domain=sp.QQ).terms()
            ]
            for e in self.invariant_form()
        ]

        def f(*values):
            return tuple(sum((c * _monomial(values, monom) for monom, c in poly), Fraction(0)) for poly in terms)

        return f

    @cached_property
    def numeric(self):
        """The invariant form as a plain function f(z̃, T̃, τ, Δ, E, η) -> (z̃', T̃') for mpmath or floats."""
        return sp.lambdify((zt, Tt, tau, Delta, E, eta), self.invariant_form(), modules="mpmath")

    def symmetric(self) -> tuple[sp.Expr, sp.Expr]:
        """The paper's special case ω_1 = −ω, ω_2 = ω."""
        w1, w2 = self.omega
        return tuple(sp.expand(e.subs({w1: -w, w2: w})) for e in (self.next_zt, self.next_Tt))

    def __call__(self, zt_value, Tt_value, *, omega_1, omega_2, E, eta) -> tuple[sp.Expr, sp.Expr]:
        """Apply the map at a point: exact numbers (or SymPy expressions) in, exact values out."""
        given = {"ztilde": zt_value, "Ttilde": Tt_value, "omega_1": omega_1, "omega_2": omega_2, "E": E, "eta": eta}
        values = {}
        for name, v in given.items():
            try:
                v = sp.sympify(v, strict=True)
            except sp.SympifyError:
                raise InputError(f"{name} must be a number or SymPy expression, got {v!r}") from None
            if v.has(sp.nan, sp.oo, -sp.oo, sp.zoo) or v.atoms(sp.Float):
                raise InputError(f"{name} must be finite and exact, got {v}")
            values[name] = v
        if values["eta"].is_positive is False or values["eta"].is_zero:
            raise InputError(f"eta must be > 0, got {values['eta']}")
        w1, w2 = self.omega
        subs = {
            zt: values["ztilde"],
            Tt: values["Ttilde"],
            w1: values["omega_1"],
            w2: values["omega_2"],
            _E: values["E"],
            _eta: values["eta"],
        }  # the parameters shadow the symbols E and eta
        return tuple(sp.expand(e.xreplace(subs)) for e in (self.next_zt, self.next_Tt))


def _monomial(values, exponents) -> Fraction:
    out = Fraction(1)
    for v, k in zip(values, exponents):
        if k:
            out *= v**k
    return out


def _symmetrize(expr: sp.Expr, omega) -> sp.Expr:
    sym, rest, defs = sp.polys.polyfuncs.symmetrize(sp.expand(expr), *omega, formal=True)
    if rest != 0:
        raise ArithmeticError("the 2-D map is not symmetric in ω_1, ω_2")
    s1, s2 = (d[0] for d in defs)
    return sp.expand(sym.subs({s1: tau, s2: Delta}))


@cache
def two_d_map() -> TwoDMap:
    """Eliminate J̃(ω_1)², J̃(ω_2)² from the P = 2 eigenbasis GD map.

    The amplitudes A_i = J̃(ω_i)² are fixed by the linear relations T̃ = A_1 + A_2 and
    z̃ = ½(A_1/ω_1 + A_2/ω_2) − ηE (the definition of z, rescaled).  Solving them and
    substituting into the GD counterparts of the eigenbasis equations closes the map on (z̃, T̃);
    the result is a polynomial, so it stays valid on ω_1 = ω_2 and ω_i = 0 by continuity.
    """
    dyn = eigen_dynamics(2)
    w1, w2 = dyn.omega
    A = sp.symbols("A_1:3", nonnegative=True)
    Jt = Jt_modes(2)
    sq = {Jt[0] ** 2: A[0], Jt[1] ** 2: A[1]}
    relations = [
        sp.Eq(Tt, A[0] + A[1]),
        sp.Eq(zt, (A[0] / w1 + A[1] / w2) / 2 - eta * E),
    ]
    (sol,) = sp.solve(relations, A, dict=True)
    next_zt = dyn.zt_next.subs(sq)
    next_Tt = sp.expand(sum(Jn**2 for Jn in dyn.Jt_next)).subs(sq)
    closed = tuple(sp.cancel(e.subs(sol)) for e in (next_zt, next_Tt))
    for e in closed:
        if not e.is_polynomial(zt, Tt, w1, w2, E, eta):
            raise ArithmeticError("elimination did not close the map polynomially")
    return TwoDMap((w1, w2), sp.expand(closed[0]), sp.expand(closed[1]), (sol[A[0]], sol[A[1]]))


def reduced_coordinates(Q: sp.Matrix, theta, target=E) -> tuple[sp.Expr, sp.Expr]:
    """(z̃, T̃) of a parameter vector under the quadratic model with matrix Q."""
    m = quadratic(Q, target)
    sub = dict(zip(m.theta, theta))
    return sp.expand(eta * m.output.xreplace(sub)), sp.expand(eta * m.ntk.xreplace(sub))


__all__ = [
    "Delta",
    "EigenDynamics",
    "J_modes",
    "Jt_modes",
    "Tt",
    "TwoDMap",
    "eigen_dynamics",
    "omegas",
    "reduced_coordinates",
    "rescaled_in_theta",
    "tau",
    "two_d_map",
    "w",
    "zt",
]
