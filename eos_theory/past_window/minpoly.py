"""The thresholds as algebraic numbers: the minimal polynomial of ε_3, derived and certified.

The affine change y = (2 − ε)/3 + (ε + 1)v conjugates the axis map f to F(v) = s(v³ − v/3) + 2(s − 9)/27
with s = (ε + 1)² (:func:`conjugate_map`), so every threshold is −1 + √s for an algebraic s.  For ε_3
(the period-4 orbit's loss of stability):

* :func:`period4_eliminant` derives D(ε) = Π over the period-4 orbits of (λ + 1) by modular
  elimination (SymPy's resultants over ℤ[ε] do not reach it); :func:`minimal_polynomial_e3` takes the
  factor with a root in the certified enclosure of ε_3, as a polynomial m̂(s) of degree 16;
* :func:`period4_certificate` finds, by PSLQ, a quartic q(v) over ℚ[s]/(m̂) whose roots are the flip
  4-cycle; :func:`certificate_checks` (exact) and :func:`certificate_orbit` (interval) check it, which
  is how the claim cascade-e3-minpoly proves that m̂ is the minimal polynomial of (ε_3 + 1)².

>>> conjugate_map()[1]
s*v**3 - s*v/3 + 2*s/27 - 2/3
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from fractions import Fraction
from functools import cache

import sympy as sp
from mpmath import iv, mp

from eos_theory.core.proof import BoxProof
from eos_theory.numbers.intervals import enclose, iv_workdps
from eos_theory.numbers.parse import check_dps, exact
from eos_theory.past_window.cascade import (
    Certificate,
    NotConverged,
    cascade,
    certify_threshold,
    crisis,
    map_function,
    refine,
)
from eos_theory.quadratic.closed_forms import axis_map, eps, y

__all__ = [
    "CertificateOrbit",
    "certificate_checks",
    "certificate_orbit",
    "conjugate_map",
    "isolate_by_bisection",
    "minimal_polynomial_e3",
    "period4_certificate",
    "period4_eliminant",
    "s_sym",
    "v_sym",
]

s_sym = sp.Symbol("s", positive=True)  #: s = (ε + 1)², the parameter of the conjugate map
v_sym = sp.Symbol("v", real=True)  #: the coordinate of the conjugate map


@cache
def conjugate_map() -> tuple[sp.Expr, sp.Expr, sp.Expr]:
    """(h, F, F in ε): f∘h = h∘F for h(v) = (2 − ε)/3 + (ε + 1)v, with F(v) = s(v³ − v/3) + 2(s − 9)/27.

    h puts the midpoint of f's critical points at v = 0 and the critical points at v = ∓1/3; F depends on
    ε only through s = (ε + 1)², so f_ε and f_{−2−ε} are affinely conjugate and every threshold's minimal
    polynomial is a polynomial in (ε + 1)².  Derived from :func:`analysis.axis_map`; multipliers of
    corresponding cycles agree (h is affine).
    """
    cr = crisis()
    centre = sp.expand((cr.maximum + cr.minimum) / 2)
    scale = sp.expand(3 * (cr.minimum - cr.maximum) / 2)  # critical points at v = ∓1/3
    h = centre + scale * v_sym
    F_eps = sp.expand(sp.cancel((axis_map().subs(y, h) - centre) / scale))
    F = sp.expand(F_eps.subs(eps, sp.sqrt(s_sym) - 1))
    if F.has(sp.sqrt(s_sym)):
        raise ArithmeticError("the conjugate map is not a function of (ε + 1)²")
    return h, F, F_eps


def _eliminant_mod(P: int, points: int) -> list[int]:
    """D(ε) mod P, monic (coefficients highest degree first): Res_y(Φ₄, (f⁴)' + 1) at ``points`` values of ε,
    interpolated, then its 4th-root factor.  Polynomial arithmetic over GF(P) in FLINT (python-flint's
    fmpz_mod_poly: composition, exact division, resultant, gcd), a hundred times SymPy's galoistools."""
    import flint

    coeffs = [sp.Poly(c, eps) for c in sp.Poly(axis_map(), y).all_coeffs()]  # polynomials in ε
    if not all(c.domain == sp.ZZ for c in coeffs):
        raise ArithmeticError("the axis map has non-integer coefficients")
    in_eps = [[int(a) for a in c.all_coeffs()] for c in reversed(coeffs)]  # lowest power of y first
    ring = flint.fmpz_mod_poly_ctx(P)
    Y = ring.gen()
    xs, ys = list(range(1, points + 1)), []
    for x in xs:
        f = ring([sum(a * x**k for k, a in enumerate(reversed(c))) for c in in_eps])
        f2 = f.compose(f)
        f4 = f2.compose(f2)
        phi = (f4 - Y).exact_division(f2 - Y)  # exact: f² − y divides f⁴ − y
        ys.append(int(phi.resultant(f4.derivative() + 1)))
    R = _interpolate_mod(xs, ys, ring)
    if R.degree() != 288:
        raise ArithmeticError(f"the resultant modulo {P} has degree {R.degree()}, expected 4·72 = 288")
    D = R.exact_division(R.gcd(R.derivative()))  # R = c·D⁴ and D squarefree mod P: D = R/gcd(R, R')
    if D.degree() != 72:
        raise ArithmeticError(f"D modulo {P} has degree {D.degree()}, expected 72")
    return [int(c) for c in reversed(D.monic().coeffs())]


def _interpolate_mod(xs: list[int], ys: list[int], ring):
    """The polynomial of degree < len(xs) through the points (xs = 1, 2, …, n) in ``ring`` = GF(P)[x]
    (Newton's divided differences; the differences of the xs are 1 … n − 1, inverted once each)."""
    P = ring.modulus()
    if xs != list(range(1, len(xs) + 1)):
        raise ValueError("the interpolation points must be 1, 2, …, n")
    inverse = [0] + [pow(j, -1, P) for j in range(1, len(xs))]
    c = [y_ % P for y_ in ys]
    for j in range(1, len(xs)):
        for i in range(len(xs) - 1, j - 1, -1):
            c[i] = (c[i] - c[i - 1]) * inverse[j] % P  # xs[i] − xs[i − j] = j
    Y = ring.gen()
    poly = ring([c[-1]])
    for i in range(len(xs) - 2, -1, -1):
        poly = poly * (Y - xs[i]) + c[i]
    return poly


def _rational(a: int, m: int) -> Fraction | None:
    """Rational reconstruction: n/d ≡ a (mod m) with |n|, d ≤ √(m/2), or None."""
    import math

    bound = math.isqrt(m // 2)
    r0, r1, s0, s1 = m, a % m, 0, 1
    while r1 > bound:
        k = r0 // r1
        r0, r1, s0, s1 = r1, r0 - k * r1, s1, s0 - k * s1
    return Fraction(r1, s1) if s1 != 0 and abs(s1) <= bound else None


@cache
def period4_eliminant() -> sp.Poly:
    """D(ε) = Π over the period-4 orbits of f of (λ + 1) (λ the orbit's multiplier), a primitive integer
    polynomial of degree 72: its roots are the ε at which some period-4 orbit, real or complex, has λ = −1.

    Modular elimination: Φ₄ = (f⁴(y) − y)/(f²(y) − y) is monic in y, so Res_y(Φ₄, (f⁴)' + 1) = Π over its
    roots of (λ + 1) = D(ε)⁴, of degree 288; it is evaluated at 300 values of ε modulo 127-bit primes,
    interpolated (the 11 surplus values must fit degree 288), and D = R/gcd(R, R') made monic.  The
    monic D over ℚ is rebuilt by the Chinese remainder theorem and rational reconstruction, prime after
    prime, until one further prime leaves it unchanged.  A standard modular algorithm: its result is
    right unless every prime used is unlucky; it is a derivation, not a proof (the minimal polynomial
    of ε_3 is proved separately, by the certificate checked in ``proofs/cascade.py``).  Under a second (FLINT).
    """
    from sympy.ntheory.modular import crt

    P, residues, modulus, previous = 2**127, None, 1, None
    for _ in range(8):
        P = sp.nextprime(P + 2**64)
        D = _eliminant_mod(P, 300)
        residues = D if residues is None else [crt([modulus, P], [a, b])[0] for a, b in zip(residues, D)]
        modulus *= P
        found = [_rational(int(a), modulus) for a in residues]
        complete = [c for c in found if c is not None]  # found, if every coefficient was reconstructed
        if len(complete) == len(found) and complete == previous:
            poly = sp.Poly([sp.Rational(c.numerator, c.denominator) for c in complete], eps)
            return poly.clear_denoms()[1].primitive()[1]
        previous = complete if len(complete) == len(found) else None
    raise ArithmeticError("the reconstruction did not stabilise within 8 primes")


def minimal_polynomial_e3(cert: Certificate | None = None) -> sp.Poly:
    """The irreducible factor m̂(s), s = (ε + 1)², of the period-4 eliminant that has a root at (ε_3 + 1)².

    The factor is the one with exactly one real root in the certified enclosure of ε_3 (exact root
    counting); the others must have none there.  Its being ε_3's minimal polynomial is proved by the
    certificate of :func:`period4_certificate` (checked in ``proofs/cascade.py``).
    """
    if cert is None:
        run = cascade(3, 30)
        cert = certify_threshold(run.thresholds[2], 30)
    lo, hi = (sp.Rational(*exact(v).as_integer_ratio()) for v in (cert.e_lo, cert.e_hi))
    inside = []
    for g, _ in sp.factor_list(period4_eliminant().as_expr())[1]:
        n = sp.Poly(g, eps).count_roots(lo, hi)
        if n:
            inside.append((g, n))
    if len(inside) != 1 or inside[0][1] != 1:
        raise ArithmeticError(f"expected one factor with one root in the enclosure of ε_3, found {inside}")
    g = sp.expand(inside[0][0].subs(eps, sp.sqrt(s_sym) - 1))
    if g.has(sp.sqrt(s_sym)):
        raise ArithmeticError("the factor is not a polynomial in (ε + 1)²")
    poly = sp.Poly(g, s_sym)
    return poly if poly.LC() > 0 else -poly


def period4_certificate(m_hat: sp.Poly, dps: int = 1000) -> list[sp.Expr]:
    """The coefficients c₃, c₂, c₁, c₀ ∈ ℚ[s]/(m̂) of q(v) = v⁴ + c₃v³ + c₂v² + c₁v + c₀, the polynomial
    whose roots are the flip 4-cycle of F at a root s of m̂, found by PSLQ (integer relations between
    each symmetric function of the ε_3 orbit in v and 1, s_3, …, s_3^15 at ``dps`` digits).

    A certificate: it is checked exactly (q(F(v)) ≡ 0 mod q and Res_v(q, F') ≡ −1 in ℚ[s]/(m̂)) and in
    interval arithmetic by the claim cascade-e3-minpoly, so how it was found does not matter.  Slow:
    about 5 minutes per coefficient at 1000 digits (the relations have 50-digit coefficients).
    """
    from mpmath import pslq

    h, _, _ = conjugate_map()
    run = cascade(3, 30)
    th = run.thresholds[2]
    with mp.workdps(check_dps(dps)):
        yv, ev, _ = refine(4, th.y, th.e, None)
        f = map_function()
        orbit = [yv]
        for _ in range(3):
            orbit.append(f(orbit[-1], ev))
        to_v = sp.lambdify([y, eps], sp.solve(sp.Eq(y, h), v_sym)[0], modules=["mpmath"])
        vs = [to_v(Y, ev) for Y in orbit]
        sv = (ev + 1) ** 2
        powers = [sv**k for k in range(m_hat.degree())]
        out = []
        for k in range(1, 5):  # c_{4−k} = (−1)^k e_k(v₁, …, v₄)
            from itertools import combinations

            ek = sum(mp.fprod(c) for c in combinations(vs, k)) * (-1) ** k
            rel = pslq([ek, *powers], maxcoeff=10**200, maxsteps=10**7)
            if rel is None:
                raise NotConverged(f"PSLQ found no relation for the coefficient of v^{4 - k}")
            out.append(-sum(sp.Integer(int(a)) * s_sym**i for i, a in enumerate(rel[1:])) / int(rel[0]))
    return out


def certificate_checks(m_hat: sp.Poly, coeffs) -> tuple[sp.Expr, sp.Expr]:
    """(q(F(v)) mod (q, m̂), Res_v(q, F') mod m̂) for q = v⁴ + c₃v³ + c₂v² + c₁v + c₀, exactly.

    {q, m̂} is a Gröbner basis of the ideal they generate in ℚ[v, s] (lex, v > s: their leading terms
    v⁴ and s^deg m̂ are coprime), so reduction by it is the normal form in ℚ[s]/(m̂)[v]/(q).  With q monic,
    Res_v(q, g) is the determinant of multiplication by g on ℚ[s]/(m̂)[v]/(q) in the basis 1, v, v², v³.
    """
    R, v, _s = sp.ring("v, s", sp.QQ, order="lex")
    conv = lambda e: R(sp.sympify(e).subs({s_sym: sp.Symbol("s"), v_sym: sp.Symbol("v")}))  # noqa: E731
    m = conv(m_hat.as_expr())
    q = v**4 + sum(conv(c) * v**k for k, c in zip((3, 2, 1, 0), coeffs))
    basis = [q, m]
    F = conv(conjugate_map()[1])
    Fr = F.rem(basis)
    c3, c2, c1, c0 = (conv(c) for c in coeffs)
    acc = Fr + c3  # Horner: q(F) = (((F + c₃)F + c₂)F + c₁)F + c₀
    for c in (c2, c1, c0):
        acc = (acc * Fr).rem(basis) + c
    q_of_F = acc.rem(basis)

    def column(g, k):
        p = (g * v**k).rem(basis)
        return [R.from_dict({(0, e[1]): a for e, a in p.terms() if e[0] == i}) for i in range(4)]

    dF = F.diff(v).rem(basis)
    M = [column(dF, k) for k in range(4)]  # M[k][i]: coefficient of v^i in dF·v^k
    det = _det(M, lambda a: a.rem([m]))
    back = lambda p: sp.sympify(p.as_expr()).subs(sp.Symbol("s"), s_sym)  # noqa: E731
    return back(q_of_F), back(det)


def _det(M, reduce) -> object:
    """Determinant by cofactor expansion along the first column, reducing every product."""
    if len(M) == 1:
        return M[0][0]
    total = 0
    for k in range(len(M)):
        minor = [row[1:] for j, row in enumerate(M) if j != k]
        term = reduce(M[k][0] * _det(minor, reduce))
        total = total + term if k % 2 == 0 else total - term
    return reduce(total)


@dataclass(frozen=True)
class CertificateOrbit:
    """Where the certificate's quartic puts the flip 4-cycle at the real root s_r of m̂ next to (ε_3 + 1)².

    ``roots_in_box``: real roots of m̂ in S = {(ε + 1)² : ε in the Krawczyk box of ε_3} (exact count);
    ``s_interval``: an isolating interval of that root refined to width < 10⁻¹⁰⁰ (exact rationals);
    ``intervals``: four pairwise disjoint v-intervals, the first around h⁻¹(y*), across each of which q
    changes sign for every s in ``s_interval`` (so each holds a root of q at s_r: its four roots);
    ``cycle[i]``: the one interval that F(interval i) meets (F maps roots of q to roots of q);
    ``inside_box``: h(first interval) lies in the y-interval of the Krawczyk box for ε = √s − 1, s in
    ``s_interval``.
    """

    roots_in_box: int
    s_interval: tuple[Fraction, Fraction]
    intervals: tuple
    sign_changes: tuple[bool, ...]
    cycle: tuple[int | None, ...]
    inside_box: bool
    #: the proof as data (:class:`eos_theory.core.proof.BoxProof`), for the kernel to re-prove in ball arithmetic
    box_proof: object = field(default=None, compare=False, repr=False)

    @property
    def one_four_cycle(self) -> bool:
        """Every interval's image meets exactly one interval, and following them visits all four once."""
        seen: list[int] = []
        i: int | None = 0
        for _ in range(4):
            if i is None or i in seen:
                return False
            seen.append(i)
            i = self.cycle[i]
        return i == 0 and all(self.sign_changes)


def isolate_by_bisection(poly: sp.Poly, lo: Fraction, hi: Fraction, width: Fraction) -> tuple[Fraction, Fraction]:
    """An interval of width below ``width`` inside [lo, hi] across which the integer-coefficient
    ``poly`` changes sign, by exact bisection: it holds a root, and the only one when [lo, hi] holds
    exactly one (count it first).  Signs are those of the homogenised polynomial Σ cᵢ nⁱ d^(deg − i)
    in integers, so no fraction is ever reduced; about a millisecond a step at degree 16, where
    SymPy's ``Poly.intervals(eps=...)`` took 0.3 s for a width of 10⁻¹⁰⁰.

    >>> isolate_by_bisection(sp.Poly(sp.Symbol("x")**2 - 2), Fraction(1), Fraction(2), Fraction(1, 10))
    (Fraction(11, 8), Fraction(23, 16))
    """
    coeffs = [int(c) for c in poly.all_coeffs()]  # highest degree first
    if any(sp.Integer(c) != k for c, k in zip(coeffs, poly.all_coeffs())):
        raise ValueError("the polynomial must have integer coefficients")
    deg = len(coeffs) - 1

    def sign(x: Fraction) -> int:
        n, d = x.numerator, x.denominator
        total, npow, dpow = 0, 1, d**deg
        for c in reversed(coeffs):  # c_i n^i d^(deg − i), from the constant term up
            total += c * npow * dpow
            npow *= n
            dpow //= d
        return (total > 0) - (total < 0)

    s_lo, s_hi = sign(lo), sign(hi)
    if s_lo * s_hi >= 0:
        raise ArithmeticError(f"no sign change of the polynomial across [{lo}, {hi}]")
    while hi - lo >= width:
        mid = (lo + hi) / 2
        s_mid = sign(mid)
        if s_mid == 0:
            raise ArithmeticError(f"a rational root {mid}")
        if s_mid == s_lo:
            lo = mid
        else:
            hi = mid
    return lo, hi


def certificate_orbit(
    m_hat: sp.Poly, coeffs, cert: Certificate, radius=Fraction(1, 10**45), dps: int = 200
) -> CertificateOrbit:
    """Interval arithmetic at ``dps`` digits on the certificate q at the root of m̂ next to (ε_3 + 1)²."""
    from itertools import combinations

    h, F, _ = conjugate_map()
    Ybox, Ebox = cert.krawczyk.box
    e_lo, e_hi = (exact(mp.make_mpf(end)) for end in Ebox._mpi_)
    s_lo, s_hi = (sp.Rational((e + 1) ** 2) for e in (e_lo, e_hi))  # ε ↦ (ε + 1)² increases for ε > −1
    count = m_hat.count_roots(s_lo, s_hi)
    if count != 1:
        return CertificateOrbit(count, (Fraction(s_lo), Fraction(s_hi)), (), (), (), False)
    a, b = isolate_by_bisection(m_hat, Fraction(s_lo), Fraction(s_hi), Fraction(1, 10**100))  # its one root
    lam = lambda expr, args: sp.lambdify(args, expr, modules=[{"mpf": iv.mpf}, "mpmath"])  # noqa: E731
    q_fun = lam(v_sym**4 + sum(c * v_sym**k for k, c in zip((3, 2, 1, 0), coeffs)), [v_sym, s_sym])
    F_fun, h_fun = lam(F, [v_sym, s_sym]), lam(h, [v_sym, eps])
    to_v = sp.lambdify([y, eps], sp.solve(sp.Eq(y, h), v_sym)[0], modules=["mpmath"])
    with iv_workdps(dps):
        S = iv.mpf([enclose(a).a, enclose(b).b])
        E = iv.sqrt(S) - 1
        yc, ec = (mp.make_mpf(x._mpi_[0]) / 2 + mp.make_mpf(x._mpi_[1]) / 2 for x in cert.krawczyk.box)
        f = map_function()
        orbit = [yc]
        for _ in range(3):
            orbit.append(f(orbit[-1], ec))
        rho = mp.mpf(radius.numerator) / radius.denominator
        I = [iv.mpf([to_v(Y, ec) - rho, to_v(Y, ec) + rho]) for Y in orbit]
        signs = []
        for J in I:
            lo, hi = q_fun(J.a, S), q_fun(J.b, S)
            signs.append(bool((lo.b < 0 and hi.a > 0) or (lo.a > 0 and hi.b < 0)))
        disjoint = all(A.b < B.a or B.b < A.a for A, B in combinations(I, 2))
        cycle = []
        for J in I:
            image = F_fun(J, S)
            meets = [k for k, K in enumerate(I) if not (image.b < K.a or K.b < image.a)]
            cycle.append(meets[0] if len(meets) == 1 else None)
        hI = h_fun(I[0], E)
        inside = bool(Ybox.a < hI.a and hI.b < Ybox.b)
    orbit_ = CertificateOrbit(count, (a, b), tuple(I), tuple(x and disjoint for x in signs), tuple(cycle), inside)
    if not (orbit_.one_four_cycle and inside):
        return orbit_
    ends = lambda x: tuple(exact(mp.make_mpf(end)) for end in x._mpi_)  # noqa: E731
    vs = sp.symbols("v0:4")
    q = v_sym**4 + sum(c * v_sym**k for k, c in zip((3, 2, 1, 0), coeffs))
    proof = BoxProof(
        (s_sym, eps, *vs),
        ((a, b), ends(Ebox), *(ends(J) for J in I)),
        equations=(m_hat.as_expr(), (eps + 1) ** 2 - s_sym, *(q.subs(v_sym, v) for v in vs)),
        at_zero=(
            *((F.subs(v_sym, v), *ends(I[cycle[k]])) for k, v in enumerate(vs)),  # type: ignore[index]
            (h.subs(v_sym, vs[0]), *ends(Ybox)),
        ),
        distinct=vs,
    )
    return replace(orbit_, box_proof=proof)
