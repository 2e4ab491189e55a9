"""Interval proofs in FLINT's arb ball arithmetic: Krawczyk's test, enclosures at a zero, bounds over a box.

Theorem (Krawczyk 1969; Neumaier, *Interval Methods for Systems of Equations*, 1990, §5.1).  Let F be C¹
on the box X, c ∈ X, Y any real matrix and A ⊇ {F'(x) : x ∈ X}.  If K = c − Y·F(c) + (I − Y·A)(X − c)
lies in the interior of X, then X holds exactly one zero of F, and it lies in K.

Everything here is evaluated with outward rounding by arb (every operation returns a ball that holds
the exact result), so a comparison that arb reports as certain is a proof.  F(c) and the Jacobian
enclosure A come from the certificate's expressions (:class:`~.expressions.Jet` differentiates them);
nothing is taken from the certificate but the equations, the box and the claimed bounds.
"""

from __future__ import annotations

from fractions import Fraction

from flint import arb, arb_mat, ctx

from eos_theory.kernel.expressions import Invalid, Jet, ball, evaluate, jets

MAX_PREC = 16_384  #: bits: the most precision a proof may ask for
MAX_PIECES = 4096  #: the most sub-boxes a bound over a box may be split into
REFINE = 8  #: Krawczyk steps that may tighten the enclosure of a zero for the claimed bounds


def interval_ball(lo: Fraction, hi: Fraction) -> arb:
    """A ball that holds the closed interval [lo, hi]."""
    return ball(lo).union(ball(hi))


def precision(box) -> int:
    """Bits enough to resolve the narrowest side of the box (relative to its size), and 64 more."""
    bits = 64
    for lo, hi in box:
        width, size = hi - lo, max(abs(lo), abs(hi), Fraction(1))
        if width > 0:
            bits = max(bits, (size / width).numerator.bit_length() - (size / width).denominator.bit_length() + 64)
    return min(bits + 32, MAX_PREC)


class Program:
    """Definitions (name, tree) and expressions over the same variables, evaluated together on balls."""

    def __init__(self, variables, definitions):
        self.variables, self.definitions = list(variables), list(definitions)

    def env(self, values) -> dict:
        env = dict(zip(self.variables, values))
        const = _const_for(values)
        for name, tree in self.definitions:
            env[name] = evaluate(tree, env, const)
        return env

    def values(self, trees, values) -> list:
        env = self.env(values)
        const = _const_for(values)
        return [evaluate(t, env, const) for t in trees]


def _const_for(values):
    if values and isinstance(values[0], Jet):
        n = len(values[0].grad)
        return lambda q: Jet(ball(q), [arb(0)] * n)
    return ball


def inside(x: arb, lo: Fraction | None, hi: Fraction | None, strict: bool = False) -> bool:
    """Whether every point of the ball x lies in [lo, hi] (None: unbounded), or in (lo, hi) with ``strict``."""
    if not x.is_finite():
        return False
    if strict:
        return (lo is None or x > ball(lo)) and (hi is None or x < ball(hi))
    return (lo is None or x >= ball(lo)) and (hi is None or x <= ball(hi))


def krawczyk(program: Program, equations, box) -> list[arb] | None:
    """The enclosure K of the unique zero of ``equations`` in ``box`` (pairs of rationals), or None when the
    test fails at the working precision."""
    n = len(box)
    X = [interval_ball(lo, hi) for lo, hi in box]
    K = _krawczyk_image(program, equations, X)
    if K is None or not all(inside(k, lo, hi, strict=True) for k, (lo, hi) in zip(K, box)):
        return None
    return [k.intersection(x) for k, x in zip(K, X)] if n else []


def _krawczyk_image(program: Program, equations, X) -> list[arb] | None:
    n = len(X)
    c = [x.mid() for x in X]  # exact: the midpoints of the balls
    Fc = program.values(equations, c)
    A = [f.grad for f in program.values(equations, jets(X, n))]
    if not all(v.is_finite() for v in Fc) or not all(a.is_finite() for row in A for a in row):
        return None
    try:
        Y = arb_mat([[a.mid() for a in row] for row in A]).inv().mid()  # any real matrix will do; ≈ A⁻¹ works
    except ZeroDivisionError:
        return None
    K = []
    for i in range(n):
        k = c[i] - sum((Y[i, j] * Fc[j] for j in range(n)), arb(0))
        for m in range(n):
            k += ((1 if i == m else 0) - sum((Y[i, j] * A[j][m] for j in range(n)), arb(0))) * (X[m] - c[m])
        K.append(k)
    return K


def refine(program: Program, equations, Z: list[arb], done) -> list[arb] | None:
    """Tighten the enclosure Z of the (proved unique) zero by Krawczyk steps at rising precision until
    ``done(Z)``; None when it is never reached.  Each K(Z) ∩ Z still holds the zero (every zero in Z lies in K(Z))."""
    for _ in range(REFINE):
        if done(Z):
            return Z
        ctx.prec = min(ctx.prec * 2, MAX_PREC)
        K = _krawczyk_image(program, equations, Z)
        if K is None:
            return None
        if not all(k.overlaps(z) for k, z in zip(K, Z)):
            raise Invalid("the Krawczyk image lost the zero: arithmetic is inconsistent")
        Z = [k.intersection(z) for k, z in zip(K, Z)]
    return Z if done(Z) else None


def bounded(program: Program, trees, intervals, box) -> str | None:
    """None if every expression lies in its interval at every point of the box; else which one fails.

    The box is bisected along its widest side, up to MAX_PIECES pieces, where one ball is too wide."""
    pending, pieces = [list(box)], 0
    while pending:
        sub = pending.pop()
        pieces += 1
        if pieces > MAX_PIECES:
            return f"not proved on {MAX_PIECES} sub-boxes"
        X = [interval_ball(lo, hi) for lo, hi in sub]
        values = program.values(trees, X)
        bad = [i for i, (v, (lo, hi)) in enumerate(zip(values, intervals)) if not inside(v, lo, hi)]
        if not bad:
            continue
        if not sub:
            return f"bound {bad[0] + 1} fails"
        k = max(range(len(sub)), key=lambda i: sub[i][1] - sub[i][0])
        lo, hi = sub[k]
        if hi == lo:
            return f"bound {bad[0] + 1} fails at a point"
        mid = (lo + hi) / 2
        pending += [[*sub[:k], (lo, mid), *sub[k + 1 :]], [*sub[:k], (mid, hi), *sub[k + 1 :]]]
    return None
