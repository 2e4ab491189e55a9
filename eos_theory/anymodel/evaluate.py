"""A model's derivatives, derived once by SymPy and evaluated in any number system (float64, mpmath, arb).

The numerical path needs, at a point θ, the residuals r_i = f_i(θ) − y_i, the Jacobian J (one row per
data point), the Hessians H_i of the outputs, and third derivatives in two contracted forms:
∇²_θ(uᵀJz) (for the Jacobian of the Lagrange system of the least sharpness) and ∇_θ(wᵀH_i w) (for the
flip coefficients).  Each is a SymPy derivative of the outputs (never a finite difference), compiled by
:class:`~eos_theory.anymodel.compiled.Program`, so the same code gives float64 arrays over many points at
once, mpmath numbers at a working precision, or arb balls enclosing the values over a box.

Everything else is linear algebra on these pieces, written once for lists of numbers of any kind:
:func:`gradient` (∇L = Σ ℓ'(r_i)∇f_i), :func:`loss_hessian` (Σ ℓ''(r_i)∇f_i∇f_iᵀ + ℓ'(r_i)H_i) and
the GD map.

>>> from eos_theory.anymodel.definition import spec
>>> from eos_theory.anymodel.compiled import MP
>>> ev = Evaluator(spec(["u", "v"], ["u*v"], [1]))
>>> ev.residuals(MP, [2, 3]), ev.jacobian(MP, [2, 3])
([5], [[3, 2]])
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property

import sympy as sp

from eos_theory.anymodel.compiled import ARB, Numbers, Program, to_arb
from eos_theory.anymodel.definition import Spec, derivatives_at_zero, loss_derivatives, r

__all__ = ["Evaluator", "dot", "matvec", "transpose"]


def dot(a: Sequence, b: Sequence):
    """Σ a_i b_i (any numbers)."""
    total = 0
    for x, y in zip(a, b):
        total = total + x * y
    return total


def matvec(A: Sequence[Sequence], x: Sequence) -> list:
    return [dot(row, x) for row in A]


def transpose(A: Sequence[Sequence]) -> list[list]:
    return [list(col) for col in zip(*A)]


def _symmetric(upper: Sequence, P: int) -> list[list]:
    """The symmetric P×P matrix whose upper triangle, row by row, is ``upper``."""
    M = [[0] * P for _ in range(P)]
    k = 0
    for j in range(P):
        for m in range(j, P):
            M[j][m] = M[m][j] = upper[k]
            k += 1
    return M


class Evaluator:
    """The compiled derivatives of one :class:`~eos_theory.anymodel.definition.Spec` (built lazily)."""

    def __init__(self, s: Spec):
        self.spec = s
        self.P, self.n = s.P, len(s.outputs)
        self.theta = s.params
        # direction and multiplier symbols (Dummies: they never clash with a parameter's name)
        self.u = tuple(sp.Dummy(f"u{i}") for i in range(self.n))
        self.z = tuple(sp.Dummy(f"z{j}") for j in range(self.P))
        self.w = tuple(sp.Dummy(f"w{j}") for j in range(self.P))

    # ---------------------------------------------------------------- symbolic pieces
    @cached_property
    def _jac(self) -> list[list[sp.Expr]]:
        return [[sp.diff(f, t) for t in self.theta] for f in self.spec.outputs]

    @cached_property
    def _hess(self) -> list[list[list[sp.Expr]]]:
        """H_i (upper triangle computed, mirrored)."""
        out = []
        for row in self._jac:
            H = [[sp.Integer(0)] * self.P for _ in range(self.P)]
            for j in range(self.P):
                if row[j] == 0:
                    continue
                for k in range(j, self.P):
                    H[j][k] = H[k][j] = sp.diff(row[j], self.theta[k])
            out.append(H)
        return out

    @cached_property
    def _programs(self) -> dict[str, Program]:
        th, P, n = self.theta, self.P, self.n
        upper = [(j, k) for j in range(P) for k in range(j, P)]
        uJz = sum(
            (self.u[i] * self._jac[i][j] * self.z[j] for i in range(n) for j in range(P) if self._jac[i][j] != 0),
            sp.Integer(0),
        )
        grad_uJz = [sp.diff(uJz, t) for t in th]
        third_uz = [sp.diff(grad_uJz[j], th[k]) for j, k in upper]
        third_ww = []
        for H in self._hess:
            q = sum(
                (self.w[j] * H[j][k] * self.w[k] for j in range(P) for k in range(P) if H[j][k] != 0), sp.Integer(0)
            )
            third_ww += [sp.diff(q, t) for t in th]
        dl = sp.diff(self.spec.loss, r)
        consts = loss_derivatives(self.spec.loss)
        return {
            "residuals": Program(th, [f - y for f, y in zip(self.spec.outputs, self.spec.targets)]),
            "jacobian": Program(th, [e for row in self._jac for e in row]),
            "hessians": Program(th, [H[j][k] for H in self._hess for j, k in upper]),
            "hvp_uz": Program([*th, *self.u, *self.z], grad_uJz),
            "third_uz": Program([*th, *self.u, *self.z], third_uz),
            "third_ww": Program([*th, *self.w], third_ww),
            "loss": Program([r], [dl, sp.diff(dl, r)]),
            "loss_at_zero": Program([], [consts.d2, consts.d3, consts.d4]),
        }

    def program(self, name: str) -> Program:
        return self._programs[name]

    # ---------------------------------------------------------------- evaluation
    def residuals(self, N: Numbers, theta: Sequence) -> list:
        return self._programs["residuals"](N, *theta)

    def jacobian(self, N: Numbers, theta: Sequence) -> list[list]:
        flat = self._programs["jacobian"](N, *theta)
        return [flat[i * self.P : (i + 1) * self.P] for i in range(self.n)]

    def hessians(self, N: Numbers, theta: Sequence) -> list[list[list]]:
        flat = self._programs["hessians"](N, *theta)
        size = self.P * (self.P + 1) // 2
        return [_symmetric(flat[i * size : (i + 1) * size], self.P) for i in range(self.n)]

    def hvp_uz(self, N: Numbers, theta: Sequence, u: Sequence, z: Sequence) -> list:
        """Σ_i u_i H_i z = ∇_θ(uᵀJz)."""
        return self._programs["hvp_uz"](N, *theta, *u, *z)

    def third_uz(self, N: Numbers, theta: Sequence, u: Sequence, z: Sequence) -> list[list]:
        """∇²_θ(uᵀJz): Σ_i u_i D³f_i[z, ·, ·]."""
        return _symmetric(self._programs["third_uz"](N, *theta, *u, *z), self.P)

    def third_ww(self, N: Numbers, theta: Sequence, w: Sequence) -> list[list]:
        """Row i: ∇_θ(wᵀH_i w) = D³f_i[w, w, ·]."""
        flat = self._programs["third_ww"](N, *theta, *w)
        return [flat[i * self.P : (i + 1) * self.P] for i in range(self.n)]

    def loss_at_zero(self, N: Numbers) -> tuple:
        """ℓ''(0), ℓ'''(0), ℓ''''(0) in this number system (exact values, rounded or enclosed by it)."""
        vals = self._programs["loss_at_zero"](N)
        return tuple(to_arb(v) if N is ARB else v for v in vals)

    def loss_slopes(self, N: Numbers, res: Sequence) -> tuple[list, list]:
        """(ℓ'(r_i), ℓ''(r_i)) for each residual."""
        d1, d2 = [], []
        for x in res:
            a, b = self._programs["loss"](N, x)
            d1.append(a)
            d2.append(b)
        return d1, d2

    # ---------------------------------------------------------------- the loss and GD
    def gradient(self, N: Numbers, theta: Sequence) -> list:
        """∇L(θ) = Σ_i ℓ'(r_i)∇f_i."""
        d1, _ = self.loss_slopes(N, self.residuals(N, theta))
        J = self.jacobian(N, theta)
        return [dot(d1, col) for col in transpose(J)]

    def loss_hessian(self, N: Numbers, theta: Sequence) -> list[list]:
        """∇²L(θ) = Σ_i ℓ''(r_i)∇f_i∇f_iᵀ + ℓ'(r_i)H_i."""
        d1, d2 = self.loss_slopes(N, self.residuals(N, theta))
        J, Hs, P = self.jacobian(N, theta), self.hessians(N, theta), self.P
        return [
            [sum((d2[i] * J[i][j] * J[i][k] + d1[i] * Hs[i][j][k] for i in range(self.n)), 0 * d1[0]) for k in range(P)]
            for j in range(P)
        ]

    def loss_hessian_mp(self, theta: Sequence) -> list[list]:
        """:meth:`loss_hessian` at an mpmath point, to the working precision, with the O(nP²) sums done by
        python-flint's arb_mat (in C) rather than mpf by mpf: Jᵀ·diag(ℓ''(r))·J + Σ_i ℓ'(r_i)H_i."""
        from flint import arb_mat
        from mpmath import mp

        from eos_theory.anymodel.compiled import arb_dps, to_mpf_exact

        P, n = self.P, self.n
        upper = [(j, k) for j in range(P) for k in range(j, P)]
        with arb_dps(mp.dps + 10):
            th = [ARB.convert(t) for t in theta]
            d1, d2 = self.loss_slopes(ARB, self.residuals(ARB, th))
            rows = self._programs["jacobian"](ARB, *th, raw=True)
            J = arb_mat(n, P, rows)
            D2J = arb_mat([[d2[i] * rows[i * P + j] for j in range(P)] for i in range(n)])
            first = J.transpose() * D2J
            flat = self._programs["hessians"](ARB, *th, raw=True)
            second = arb_mat([d1]) * arb_mat(n, len(upper), flat)
            H = [[0] * P for _ in range(P)]
            for t, (j, k) in enumerate(upper):
                H[j][k] = H[k][j] = to_mpf_exact(first[j, k] + second[0, t])
        return H

    def mp_gd(self):
        """(G, DG, ∇L) as mpmath callables of (θ₁, …, θ_P, η), the form the continuation of the 2-cycle uses
        (:mod:`eos_theory.anymodel.continuation`)."""
        from eos_theory.anymodel.compiled import MP

        P = self.P

        def grad(*args):
            return self.gradient(MP, args[:P])

        def G(*args):
            th, et = args[:P], args[P]
            g = self.gradient(MP, th)
            return [th[i] - et * g[i] for i in range(P)]

        def DG(*args):
            th, et = args[:P], args[P]
            H = self.loss_hessian_mp(th)
            return [[(1 if i == j else 0) - et * H[i][j] for j in range(P)] for i in range(P)]

        return G, DG, grad

    def derivatives_at_zero(self, k: int) -> tuple:
        return derivatives_at_zero(self.spec.loss, k)
