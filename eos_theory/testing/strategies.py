"""Hypothesis strategies for property tests of claims, built the way hypothesis builds its own.

Each strategy is small and named for what it draws; bigger ones are composed from smaller ones.
Exact strategies draw :class:`fractions.Fraction` (never floats), so a test can compute its
expected value with plain Python arithmetic, independently of SymPy.

* :func:`rationals` – bounded numerators and denominators, optionally non-zero or positive;
* :func:`vectors`, :func:`symmetric_matrices`, :func:`diagonal_matrices`, :func:`nonsymmetric_matrices`;
* :func:`parameter_points` – a point (Q, θ, E, η) of the quadratic model, with η > 0 (:class:`Point`);
* :func:`eigenvalue_pairs` – (ω1, ω2) of mixed sign, equal sign, equal value, or with a zero;
* :func:`reals` / :func:`signed_reals` – full-precision real numbers for mpmath checks;
* :func:`polynomials` – SymPy polynomials with rational coefficients in given symbols;
* :func:`quadratic_models`, :func:`polynomial_models` – small :class:`~eos_theory.core.model.Model`\\ s;
* :func:`minima` – exact points of a model's set of minima (output 0), where one coordinate solves it;
* :func:`examples` – how many examples a property runs under the active profile.

A property drawn from them is checked in exact arithmetic, so an equality is an equality:

>>> from hypothesis import given
>>> @given(symmetric_matrices(2), vectors(2))
... def test_the_quadratic_form_expands(Q, theta):   # θᵀQθ = q₁₁θ₁² + 2q₁₂θ₁θ₂ + q₂₂θ₂², in Fractions
...     form = sum(theta[i] * Q[i][j] * theta[j] for i in range(2) for j in range(2))
...     assert form == Q[0][0] * theta[0] ** 2 + 2 * Q[0][1] * theta[0] * theta[1] + Q[1][1] * theta[1] ** 2
...     assert all(type(q) is Fraction for row in Q for q in row)
>>> test_the_quadratic_form_expands()
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import mpmath
from hypothesis import assume, settings
from hypothesis import strategies as st


def examples(n: int) -> int:
    """n examples under the default profile (40 per property), proportionally more or fewer under
    another (``thorough`` runs ten times as many): for properties that set their own count."""
    active = settings.default
    return max(1, n * (active.max_examples if active is not None else 40) // 40)


Vector = tuple[Fraction, ...]
Matrix = tuple[Vector, ...]


# -- exact scalars -----------------------------------------------------------------------------
@st.composite
def rationals(
    draw, max_numerator: int = 12, max_denominator: int = 7, *, nonzero: bool = False, positive: bool = False
) -> Fraction:
    """p/q with |p| ≤ max_numerator and 1 ≤ q ≤ max_denominator (shrinks towards 0, then 1)."""
    low = 1 if (nonzero or positive) else 0
    p = draw(st.integers(low, max_numerator))
    if not positive and draw(st.booleans()):
        p = -p
    q = draw(st.integers(1, max_denominator))
    return Fraction(p, q)


def nonzero_rationals(**kwargs) -> st.SearchStrategy[Fraction]:
    """:func:`rationals` other than 0 (a divisor, an eigenvalue of a non-singular Q); same bounds."""
    return rationals(nonzero=True, **kwargs)


def positive_rationals(**kwargs) -> st.SearchStrategy[Fraction]:
    """:func:`rationals` > 0 (a step size η, a scale); same bounds."""
    return rationals(positive=True, **kwargs)


# -- exact vectors and matrices -------------------------------------------------------------------
def vectors(P: int, elements: st.SearchStrategy[Fraction] | None = None) -> st.SearchStrategy[Vector]:
    """A P-tuple of rationals."""
    return st.tuples(*([rationals() if elements is None else elements] * P))


@st.composite
def symmetric_matrices(draw, P: int, elements: st.SearchStrategy[Fraction] | None = None) -> Matrix:
    """A symmetric P×P matrix (tuple of rows) with independently drawn upper triangle."""
    elements = rationals() if elements is None else elements
    upper = {(i, j): draw(elements) for i in range(P) for j in range(i, P)}
    return tuple(tuple(upper[min(i, j), max(i, j)] for j in range(P)) for i in range(P))


@st.composite
def diagonal_matrices(draw, P: int, elements: st.SearchStrategy[Fraction] | None = None) -> Matrix:
    """A diagonal P×P matrix (Q in its eigenbasis): the diagonal drawn as :func:`vectors`, zeros elsewhere."""
    d = draw(vectors(P, elements))
    return tuple(tuple(d[i] if i == j else Fraction(0) for j in range(P)) for i in range(P))


@st.composite
def nonsymmetric_matrices(draw, P: int, elements: st.SearchStrategy[Fraction] | None = None) -> Matrix:
    """A square P×P matrix (P ≥ 2) with at least one entry Q[i][j] ≠ Q[j][i]."""
    if P < 2:
        raise ValueError("a 1×1 matrix is always symmetric")
    elements = rationals() if elements is None else elements
    rows = [list(r) for r in draw(symmetric_matrices(P, elements))]
    i = draw(st.integers(0, P - 2))
    j = draw(st.integers(i + 1, P - 1))
    rows[i][j] = rows[j][i] + draw(nonzero_rationals())
    return tuple(tuple(r) for r in rows)


# -- points of the quadratic model --------------------------------------------------------------
@dataclass(frozen=True)
class Point:
    """A point of the quadratic model z = ½θᵀQθ − E with step size η > 0.

    >>> pt = Point(Q=((Fraction(2), Fraction(0)), (Fraction(0), Fraction(-1))), theta=(Fraction(1), Fraction(1)),
    ...            E=Fraction(1, 2), eta=Fraction(1, 4))
    >>> pt.model().output.subs(pt.values())         # z = ½(2 − 1) − ½ = 0: a minimum
    0
    """

    Q: Matrix
    theta: Vector
    E: Fraction
    eta: Fraction

    @property
    def P(self) -> int:
        return len(self.theta)

    def model(self):
        """The quadratic model with this Q (:func:`eos_theory.core.model.quadratic`), target the symbol E."""
        import sympy as sp

        from eos_theory.core.model import quadratic

        return quadratic(sp.Matrix([[sp.Rational(q.numerator, q.denominator) for q in row] for row in self.Q]))

    def values(self) -> dict:
        """θ_i, E and η as exact SymPy numbers, keyed by the model's symbols: ``expr.subs(point.values())``."""
        import sympy as sp

        from eos_theory.core.model import thetas
        from eos_theory.core.notation import E, eta

        def q(v: Fraction):
            return sp.Rational(v.numerator, v.denominator)

        return {**{th: q(v) for th, v in zip(thetas(self.P), self.theta)}, E: q(self.E), eta: q(self.eta)}


@st.composite
def parameter_points(
    draw, P: int, Q: st.SearchStrategy[Matrix] | None = None, eta: st.SearchStrategy[Fraction] | None = None
) -> Point:
    """(Q, θ, E, η): Q symmetric (or drawn from ``Q``), θ ∈ ℚ^P, E ∈ ℚ, η ∈ ℚ, η > 0."""
    return Point(
        Q=draw(Q if Q is not None else symmetric_matrices(P)),
        theta=draw(vectors(P)),
        E=draw(rationals()),
        eta=draw(eta if eta is not None else positive_rationals(max_numerator=5, max_denominator=4)),
    )


# -- eigenvalue pairs ---------------------------------------------------------------------------
@st.composite
def mixed_sign_pairs(draw) -> tuple[Fraction, Fraction]:
    """ω1, ω2 of opposite signs (either order): a saddle, the paper's hyperbolic paraboloid."""
    a, b = draw(positive_rationals()), -draw(positive_rationals())
    return (a, b) if draw(st.booleans()) else (b, a)


@st.composite
def same_sign_pairs(draw) -> tuple[Fraction, Fraction]:
    """ω1, ω2 both positive or both negative."""
    sign = -1 if draw(st.booleans()) else 1
    return sign * draw(positive_rationals()), sign * draw(positive_rationals())


def equal_pairs() -> st.SearchStrategy[tuple[Fraction, Fraction]]:
    """ω1 = ω2 (a multiple of the identity; the mode amplitudes are not determined by (z̃, T̃))."""
    return nonzero_rationals().map(lambda w: (w, w))


@st.composite
def singular_pairs(draw) -> tuple[Fraction, Fraction]:
    """One eigenvalue zero (a singular Q)."""
    w = draw(rationals())
    return (Fraction(0), w) if draw(st.booleans()) else (w, Fraction(0))


def eigenvalue_pairs(*, singular: bool = True) -> st.SearchStrategy[tuple[Fraction, Fraction]]:
    """Any of the named kinds of eigenvalue pair."""
    kinds = [mixed_sign_pairs(), same_sign_pairs(), equal_pairs()]
    return st.one_of(*kinds, *([singular_pairs()] if singular else []))


def distinct_nonzero_pairs() -> st.SearchStrategy[tuple[Fraction, Fraction]]:
    """ω1 ≠ ω2, both non-zero: where the mode amplitudes are functions of (z̃, T̃)."""
    return st.one_of(mixed_sign_pairs(), same_sign_pairs()).filter(lambda p: p[0] != p[1])


# -- real numbers for mpmath ----------------------------------------------------------------------
@st.composite
def reals(draw, low: Fraction | int, high: Fraction | int, bits: int = 160) -> mpmath.mpf:
    """An mpf in [low, high] with ``bits`` random significant bits (a generic real at 50 digits).

    The value is the exact dyadic number n·2^-bits; it is built at a precision that holds it
    exactly, so it is the same number whatever precision the test later works at.
    """
    low, high = Fraction(low), Fraction(high)
    n = draw(st.integers(int(low * 2**bits), int(high * 2**bits)))
    with mpmath.workprec(bits + abs(int(max(abs(low), abs(high)))).bit_length() + 8):
        return mpmath.ldexp(mpmath.mpf(n), -bits)


@st.composite
def signed_reals(draw, low: Fraction | int, high: Fraction | int, bits: int = 160) -> mpmath.mpf:
    """A real of either sign with magnitude in [low, high] (low > 0 keeps it away from 0)."""
    x = draw(reals(low, high, bits))
    return -x if draw(st.booleans()) else x


# -- polynomials --------------------------------------------------------------------------------
@st.composite
def polynomials(
    draw,
    symbols,
    max_degree: int = 2,
    max_terms: int = 4,
    *,
    nonzero: bool = False,
    coefficients: st.SearchStrategy[Fraction] | None = None,
):
    """Σ c_m·m over distinct monomials m of degree ≤ max_degree in each symbol (SymPy expression)."""
    import sympy as sp

    monomial = st.tuples(*([st.integers(0, max_degree)] * len(symbols)))
    coefficient = nonzero_rationals(max_numerator=5, max_denominator=3) if coefficients is None else coefficients
    terms = draw(st.dictionaries(monomial, coefficient, min_size=1 if nonzero else 0, max_size=max_terms))
    return sp.Add(
        *(
            sp.Rational(c.numerator, c.denominator) * sp.Mul(*(s**e for s, e in zip(symbols, exps)))
            for exps, c in terms.items()
        )
    )


# -- small models and their minima ----------------------------------------------------------------------
@st.composite
def quadratic_models(draw, P: int, Q: st.SearchStrategy[Matrix] | None = None, target: bool = True):
    """The paper's model z = ½θᵀQθ − E for a drawn rational symmetric Q (or one drawn from ``Q``); the target
    stays the symbol E, or (``target=False``) is a drawn rational.

    >>> import sympy as sp
    >>> from hypothesis import given, settings
    >>> @given(quadratic_models(2))
    ... @settings(deadline=None, max_examples=10)
    ... def test(m):                                  # NTK = JJᵀ = Σ J_i²
    ...     assert m.P == 2 and sp.expand(m.ntk - sum(j**2 for j in m.jacobian)) == 0
    >>> test()
    """
    import sympy as sp

    from eos_theory.core.model import quadratic

    rows = draw(Q if Q is not None else symmetric_matrices(P))
    matrix = sp.Matrix([[sp.Rational(q.numerator, q.denominator) for q in row] for row in rows])
    if target:
        return quadratic(matrix)
    e = draw(rationals())
    return quadratic(matrix, sp.Rational(e.numerator, e.denominator))


@st.composite
def polynomial_models(draw, P: int = 2, max_degree: int = 2, max_terms: int = 4, target: bool = True):
    """A model whose output is a non-constant polynomial in θ_1 … θ_P with rational coefficients (degree ≤
    ``max_degree`` in each), minus the target E (or a drawn rational, ``target=False``); loss z²/2.  With
    ``max_degree`` ≤ 2 (``target=False``) every model drawn is one :func:`minima` can solve (an output with no
    real zero is rejected and drawn again); of higher degree, one may not be (a ValueError)."""
    import sympy as sp

    from eos_theory.core.model import Model, thetas
    from eos_theory.core.notation import E

    th = thetas(P)
    f = draw(polynomials(th, max_degree, max_terms, nonzero=True).filter(lambda f: bool(f.free_symbols)))
    y = E if target else sp.Rational(*draw(rationals()).as_integer_ratio())
    return Model(theta=th, output=f - y, name="polynomial")


@st.composite
def minima(draw, model, values: dict | None = None, coordinate: int | None = None):
    """An exact point θ* with output(θ*) = 0: a global minimum of a loss minimised at zero output (z²/2).

    The other coordinates are drawn rational and one coordinate (``coordinate``, or any in which the output has
    degree 1 or 2) is solved for exactly — rational, or with one square root; ``values`` fixes other symbols of
    the output first (the target E, say).  Draws where no such real point exists, and models with a constant
    output, are rejected; a model whose output is not linear or quadratic in any coordinate is a ValueError
    (every quadratic model qualifies, and every product such as uv).
    Returns a tuple of SymPy numbers, one per parameter.

    >>> import sympy as sp
    >>> from hypothesis import given, settings
    >>> from eos_theory.core.model import Model, thetas
    >>> u, v = thetas(2)
    >>> uv = Model((u, v), u * v - 1)
    >>> @given(minima(uv))
    ... @settings(deadline=None, max_examples=10)
    ... def test(point):
    ...     assert uv.output.subs(dict(zip(uv.theta, point))) == 0
    >>> test()
    """
    import sympy as sp

    output = sp.sympify(model.output).subs(values or {})
    theta = list(model.theta)
    candidates = [coordinate] if coordinate is not None else list(range(len(theta)))
    usable = []
    for k in candidates:
        if output.is_polynomial(theta[k]) and 1 <= sp.degree(output, theta[k]) <= 2:
            usable.append(k)
    if not usable and not output.free_symbols & set(theta):
        assume(False)  # a constant output (Q = 0, say): no minimum, or every point one
    if not usable:
        raise ValueError("minima: the output is not of degree 1 or 2 in any coordinate, so no cheap exact point exists")
    k = draw(st.sampled_from(usable))
    point = {th: sp.Rational(*draw(rationals()).as_integer_ratio()) for i, th in enumerate(theta) if i != k}
    rest = sp.expand(output.subs(point))
    if rest.free_symbols - {theta[k]}:
        others = sorted(map(str, rest.free_symbols - {theta[k]}))
        raise ValueError(
            f"minima: the output has symbols other than θ: {others} (give them values, minima(model, values={{...}}), "
            "or draw the model with target=False)"
        )
    roots = (
        sorted((r for r in sp.roots(rest, theta[k]) if r.is_real), key=sp.default_sort_key)
        if rest.has(theta[k])
        else []
    )
    assume(bool(roots))
    point[theta[k]] = sp.radsimp(draw(st.sampled_from(roots)))
    return tuple(point[th] for th in theta)
