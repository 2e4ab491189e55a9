"""The Lagrange system of the least sharpness over the zero-residual minima, and the model's rotation symmetries.

At a zero-residual point the sharpness is S = ℓ''(0)·λ_max(JJᵀ).  Where the top eigenvalue λ of the NTK
matrix K = JJᵀ is simple it is smooth, with ∇λ = ∇_θ(uᵀJJᵀu) at its unit eigenvector u, and a critical
point of λ on M = {f = y} solves, in x = (θ, u, z, λ, μ) (z = Jᵀu, μ the multipliers of f = y):

    E1  2·Σ_i u_i H_i z − Jᵀμ = 0      (∇λ = Jᵀμ: P equations)
    E2  z − Jᵀu = 0                   (P)
    E3  Jz − λu = 0                   (JJᵀu = λu: n)
    E4  uᵀu − 1 = 0                   (1)
    E5  f(θ) − y = 0                  (n)

— 2P + 2n + 1 equations in as many unknowns (:func:`system`, with its Jacobian, in any number system).

**Symmetries.**  Models of the field are often invariant under rotations θ ↦ e^{tA}θ (A skew): the width of
a linear network, the inner dimension of a matrix factorisation.  Then every critical point lies on an orbit
of critical points, the Jacobian is singular along it, and no interval Newton test can succeed.
:func:`rotations` finds every skew A with ∇f_i(θ)·Aθ ≡ 0 (exact linear algebra over ℚ, polynomial outputs),
and the system is *bordered*: E1 + Σ_j s_j·A_jθ₀ = 0 with k new unknowns s, and k slice equations
(A_jθ₀)·(θ − θ₀) = 0.  At any zero of the bordered system s = 0: differentiating ∇f_i·Aθ ≡ 0 gives
H_i·Aθ = A∇f_i, so (Aθ)·E1 = 2zᵀAz − μᵀJAθ = 0 (A skew, E2), hence Σ_j s_j (A_jθ₀)·(A_iθ) = 0, and s = 0
when that k×k Gram matrix is nonsingular (checked over the box by :mod:`eos_theory.anymodel.certify`).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

import sympy as sp
from sympy.polys.matrices import DomainMatrix

from eos_theory.anymodel.compiled import Numbers
from eos_theory.anymodel.evaluate import Evaluator, dot

__all__ = ["Layout", "Rotation", "rotations", "system"]


@dataclass(frozen=True)
class Rotation:
    """A skew matrix A (exact) with f(e^{tA}θ) = f(θ) for every output and every t."""

    matrix: tuple[tuple[Fraction, ...], ...]

    def apply(self, theta: Sequence, convert=None) -> list:
        """Aθ; ``convert`` brings the exact entries into θ's number system (e.g. ``ARB.convert``)."""
        conv = convert or (lambda a: a)
        return [sum((conv(a) * t for a, t in zip(row, theta) if a), 0 * theta[0]) for row in self.matrix]

    def describe(self, names: Sequence[str]) -> str:
        """e.g. "u1∂u2 − u2∂u1 + v1∂v2 − v2∂v1" (the vector field Aθ·∇)."""
        terms = []
        for k, row in enumerate(self.matrix):
            for j, a in enumerate(row):
                if a:
                    coeff = "" if abs(a) == 1 else f"{abs(a)}·"
                    terms.append(("−" if a < 0 else "+", f"{coeff}{names[j]}∂{names[k]}"))
        text = " ".join(f"{s} {t}" for s, t in terms).lstrip("+ ")
        return text if not text.startswith("−") else "−" + text[2:]


def rotations(ev: Evaluator) -> tuple[Rotation, ...] | None:
    """A basis of the skew matrices A with ∇f_i(θ)·Aθ ≡ 0 for every output (an exact null space over ℚ), or
    None when the outputs are not polynomial (then rotations are not looked for)."""
    s, P = ev.spec, ev.P
    if not all(f.is_polynomial(*s.params) for f in s.outputs):
        return None
    pairs = list(itertools.combinations(range(P), 2))
    if not pairs:
        return ()
    rows: dict = {}  # (output, monomial) ↦ {pair column: coefficient}: the identity ∇f_i·Aθ ≡ 0, coefficient by coefficient
    for i, f in enumerate(s.outputs):
        fp = sp.Poly(f, *s.params)
        grads = [fp.diff(t).as_dict() for t in s.params]
        for col, (k, l) in enumerate(pairs):  # A_kl = 1, A_lk = −1: (Aθ)_k = θ_l, (Aθ)_l = −θ_k
            for grad, var, sign in ((grads[k], l, 1), (grads[l], k, -1)):
                for monom, c in grad.items():
                    shifted = (*monom[:var], monom[var] + 1, *monom[var + 1 :])
                    entry = rows.setdefault((i, shifted), {})
                    entry[col] = entry.get(col, 0) + sign * c
    rows = {key: {c: v for c, v in row.items() if v != 0} for key, row in rows.items()}
    rows = {key: row for key, row in rows.items() if row}
    if not rows:
        return tuple(
            _rotation(P, pairs, [1 if c == col else 0 for c in range(len(pairs))]) for col in range(len(pairs))
        )
    sparse = {k: {c: sp.QQ.convert(v) for c, v in r.items()} for k, r in enumerate(rows.values())}
    M = DomainMatrix(sparse, (len(rows), len(pairs)), sp.QQ)
    basis = M.nullspace().to_Matrix()
    out = []
    for i in range(basis.rows):
        vec = [Fraction(int(x.p), int(x.q)) for x in basis.row(i)]
        out.append(_rotation(P, pairs, vec))
    return tuple(out)


def _rotation(P: int, pairs: list, vec: Sequence) -> Rotation:
    A = [[Fraction(0)] * P for _ in range(P)]
    scale = 1
    for x in vec:
        scale = scale * Fraction(x).denominator // _gcd(scale, Fraction(x).denominator)
    for (k, l), x in zip(pairs, vec):
        A[k][l], A[l][k] = Fraction(x) * scale, -Fraction(x) * scale
    return Rotation(tuple(tuple(row) for row in A))


def _gcd(a: int, b: int) -> int:
    while b:
        a, b = b, a % b
    return a


@dataclass(frozen=True)
class Layout:
    """Where θ, u, z, λ, μ and the bordering unknowns s sit in x."""

    P: int
    n: int
    k: int = 0  #: bordering unknowns (one per rotation)

    @property
    def size(self) -> int:
        return 2 * self.P + 2 * self.n + 1 + self.k

    def split(self, x: Sequence) -> tuple:
        P, n = self.P, self.n
        return (
            list(x[:P]),
            list(x[P : P + n]),
            list(x[P + n : 2 * P + n]),
            x[2 * P + n],
            list(x[2 * P + n + 1 : 2 * P + 2 * n + 1]),
            list(x[2 * P + 2 * n + 1 :]),
        )


def system(ev: Evaluator, N: Numbers, x: Sequence, border: Sequence[Sequence] = (), theta0: Sequence = ()):
    """(F(x), DF(x)) of the (bordered) Lagrange system in the number system N: ``border`` holds the vectors
    g_j = A_jθ₀ (exact), ``theta0`` the point of the slice (g_j·(θ − θ₀) = 0)."""
    lay = Layout(ev.P, ev.n, len(border))
    border = [[N.convert(c) for c in b] for b in border]
    theta0 = [N.convert(c) for c in theta0]
    theta, u, z, lam, mu, s = lay.split(x)
    P, n, k = lay.P, lay.n, lay.k
    zero = 0 * theta[0]
    J = ev.jacobian(N, theta)
    res = ev.residuals(N, theta)
    Hs = ev.hessians(N, theta)
    T = ev.third_uz(N, theta, u, z)
    A = [[sum((u[i] * Hs[i][a][b] for i in range(n)), zero) for b in range(P)] for a in range(P)]
    B = [[dot(Hs[i][a], z) for a in range(P)] for i in range(n)]  # rows H_i z
    Az = [dot(A[a], z) for a in range(P)]
    F = [
        2 * Az[a] - sum((mu[i] * J[i][a] for i in range(n)), zero) + sum((s[j] * border[j][a] for j in range(k)), zero)
        for a in range(P)
    ]
    F += [z[a] - sum((u[i] * J[i][a] for i in range(n)), zero) for a in range(P)]
    F += [dot(J[i], z) - lam * u[i] for i in range(n)]
    F += [dot(u, u) - 1]
    F += list(res)
    F += [sum((border[j][a] * (theta[a] - theta0[a]) for a in range(P)), zero) for j in range(k)]
    D = [[zero] * lay.size for _ in range(lay.size)]
    iu, iz, il, imu, i_s = P, P + n, 2 * P + n, 2 * P + n + 1, 2 * P + 2 * n + 1
    for a in range(P):  # E1
        for b in range(P):
            D[a][b] = 2 * T[a][b] - sum((mu[i] * Hs[i][a][b] for i in range(n)), zero)
            D[a][iz + b] = 2 * A[a][b]
        for i in range(n):
            D[a][iu + i] = 2 * B[i][a]
            D[a][imu + i] = -J[i][a]
        for j in range(k):
            D[a][i_s + j] = border[j][a]
    for a in range(P):  # E2
        row = P + a
        for b in range(P):
            D[row][b] = -A[a][b]
        for i in range(n):
            D[row][iu + i] = -J[i][a]
        D[row][iz + a] = 1 + zero
    for i in range(n):  # E3
        row = 2 * P + i
        for b in range(P):
            D[row][b] = B[i][b]
            D[row][iz + b] = J[i][b]
        D[row][iu + i] = -lam
        D[row][il] = -u[i]
    for i in range(n):  # E4
        D[2 * P + n][iu + i] = 2 * u[i]
    for i in range(n):  # E5
        for b in range(P):
            D[2 * P + n + 1 + i][b] = J[i][b]
    for j in range(k):  # slices
        for b in range(P):
            D[2 * P + 2 * n + 1 + j][b] = border[j][b]
    return F, D


def symbolic_system(ev: Evaluator, border: Sequence[Sequence] = (), theta0: Sequence = ()) -> tuple[tuple, tuple]:
    """The (bordered) Lagrange system as SymPy expressions: (unknowns, equations) in :class:`Layout` order, for a
    proof record that a checker re-proves (the same equations :func:`system` evaluates)."""
    P, n, k = ev.P, ev.n, len(border)
    u = sp.symbols(f"u_1:{n + 1}", real=True)
    z = sp.symbols(f"z_1:{P + 1}", real=True)
    lam = sp.Symbol("lambda", real=True)
    mu = sp.symbols(f"mu_1:{n + 1}", real=True)
    s = sp.symbols(f"s_1:{k + 1}", real=True)
    theta = ev.theta
    J, Hs = ev._jac, ev._hess
    g = [[sp.Rational(c.numerator, c.denominator) for c in b] for b in border]
    th0 = [sp.Rational(c.numerator, c.denominator) for c in theta0]
    eqs = [
        2 * sum((u[i] * Hs[i][a][b] * z[b] for i in range(n) for b in range(P)), sp.Integer(0))
        - sum((mu[i] * J[i][a] for i in range(n)), sp.Integer(0))
        + sum((s[j] * g[j][a] for j in range(k)), sp.Integer(0))
        for a in range(P)
    ]
    eqs += [z[a] - sum((u[i] * J[i][a] for i in range(n)), sp.Integer(0)) for a in range(P)]
    eqs += [sum((J[i][b] * z[b] for b in range(P)), sp.Integer(0)) - lam * u[i] for i in range(n)]
    eqs += [sum((x**2 for x in u), sp.Integer(0)) - 1]
    eqs += [f - y for f, y in zip(ev.spec.outputs, ev.spec.targets)]
    eqs += [sum((g[j][a] * (theta[a] - th0[a]) for a in range(P)), sp.Integer(0)) for j in range(k)]
    return (*theta, *u, *z, lam, *mu, *s), tuple(eqs)
