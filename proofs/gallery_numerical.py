"""The gallery, beyond exact algebra: the field's smooth models through the numerical path of `analyze`.

Each claim runs the generic numerical path (:mod:`eos_theory.anymodel.search`, ``certify``, ``numflip``) on a
model of the literature and checks what it returns against an independent derivation: a hand proof written out
as exact identities, a reduction to a model with a closed form, the exact path where it applies, or a Newton
2-cycle at 50 digits.  Certified numbers of polynomial models enter as interval steps carrying their box (the
Lagrange system, its unknowns and the enclosure at its zero: :func:`eos_theory.anymodel.certify.box_proof`), which
the kernel re-proves; those of tanh models, whose equations the kernel's grammar cannot express, as numerical
steps naming the finder's arb certificate.  The searches use 8
seeded starts (the command line uses 32): enough for these models, and cheap enough for ``verify``.  Window ends,
which need a continuation of the 2-cycle, are in docs/anymodel.md and not claimed here.
"""

from fractions import Fraction
from functools import cache

import sympy as sp
from mpmath import mp, mpf

from eos_theory.anymodel import flip
from eos_theory.anymodel.certify import box_proof, refine
from eos_theory.anymodel.continuation import solve_cycle
from eos_theory.anymodel.definition import derivatives_at_zero, spec
from eos_theory.anymodel.evaluate import Evaluator
from eos_theory.anymodel.minima import least_sharpness
from eos_theory.anymodel.numflip import numeric_flip, one_output_expressions
from eos_theory.anymodel.search import search
from eos_theory.core.evidence import Solutions
from eos_theory.core.proof import Proof
from eos_theory.core.registry import Source, claim
from eos_theory.numbers.decimals import agreeing_digits

CHEN_BRUNA = "Chen & Bruna, Beyond the edge of stability via two-step gradient updates, ICML 2023"
KALRA = (
    "Kalra, He & Barkeshli, Universal sharpness dynamics in neural network training: fixed point analysis, "
    "edge of stability, and route to chaos, ICLR 2025 (arXiv:2311.02076)"
)
ZHU = (
    "Zhu, Wang, Wang, Zhou & Ge, Understanding edge-of-stability training dynamics with a minimalist example, ICLR 2023"
)
STARTS = 8


def _factorisation(Y: list[int]):
    """AB = Y for 2×2 A, B (inner dimension 2), Y row by row."""
    names = ["a11", "a12", "a21", "a22", "b11", "b12", "b21", "b22"]
    outputs = [f"a{i}1*b1{j} + a{i}2*b2{j}" for i in (1, 2) for j in (1, 2)]
    return spec(names, outputs, Y, name=f"2x2 matrix factorisation, Y = {Y}")


_MODELS = {
    "tanh-neuron": lambda: spec(["v", "w"], ["v*tanh(w)"], [1], name="one tanh neuron"),
    "two-points": lambda: spec(["a1", "a2", "v"], ["v*a1", "v*a2"], [3, 4], name="linear, two data points"),
    "factorisation": lambda: _factorisation([3, 0, 0, 1]),
    "factorisation-I": lambda: _factorisation([3, 0, 0, 3]),
    "depth-3": lambda: spec(["x", "y", "z"], ["x*y*z"], [1], loss="log(cosh(r))", name="depth-3 scalar, log cosh"),
    "tanh-width-3": lambda: spec(
        ["v1", "v2", "v3", "w1", "w2", "w3"],
        [f"v1*tanh(w1*{x}) + v2*tanh(w2*{x}) + v3*tanh(w3*{x})" for x in ("(-1)", "(1/2)", "2")],
        [-2, 1, 3],
        name="width-3 tanh network, three data points",
    ),
}


@cache
def _numeric(key: str):
    """(evaluator, least sharpness, flip) of the numerical path, once per model per process."""
    ev = Evaluator(_MODELS[key]())
    m = refine(ev, search(ev, starts=STARTS))
    return ev, m, numeric_flip(ev, m)


def _enclosure(estimate) -> tuple[sp.Rational, sp.Rational]:
    lo, hi = estimate.enclosure
    return sp.Rational(lo), sp.Rational(hi)


def _inside(p: Proof, text: str, estimate, exact) -> None:
    """exact lies in the certified enclosure of ``estimate`` (two exact comparisons)."""
    lo, hi = _enclosure(estimate)
    p.compare(f"{text}: lower end ≤ value", lo, "<=", exact)
    p.compare(f"{text}: value ≤ upper end", exact, "<=", hi)


def _certified(p: Proof, ev, m, fl, what: str) -> None:
    """The steps of a certified least-sharp point.  Polynomial outputs: interval steps carrying the box (the
    Lagrange system, the Krawczyk box, S — and for one data point κ and the slope written out — at the zero), which
    the kernel re-proves.  Other outputs (tanh): the same certificate from the finder's arb arithmetic, recorded as
    numerical evidence, since the kernel's grammar has no tanh and so cannot replay it."""
    assert m.status == "certified", m.how
    also: tuple = ()
    polynomial = all(f.is_polynomial(*ev.spec.params) for f in ev.spec.outputs)
    rational_loss = all(d.is_Rational for d in derivatives_at_zero(ev.spec.loss, 4)[2:])
    if fl.status == "certified" and ev.n == 1 and polynomial and rational_loss:
        kappa, slope = one_output_expressions(ev)
        also = tuple((e, *_enclosure(x)) for e, x in ((kappa, fl.coefficient), (slope, fl.offset_slope)))
    if polynomial:
        p.interval(f"{what}: a critical point of the sharpness on the minima, certified", m.how, box_proof(ev, m))
        if fl.status == "certified":
            p.interval(
                f"{what}: κ and the offset slope enclosed at the same zero (the closed form evaluated in arb there)",
                fl.how,
                box_proof(ev, m, also),
            )
        return
    digits = m.value.digits
    note = "; recorded as numerical: the kernel's grammar has no tanh, so it cannot replay this certificate"
    p.numerical(f"{what}: a critical point of the sharpness on the minima, certified in arb", digits, m.how + note, 30)
    if fl.status == "certified":
        p.numerical(
            f"{what}: κ and the offset slope enclosed at the same zero, in arb",
            fl.coefficient.digits,
            fl.how + note,
            25,
        )


def _newton_kappa(ev, m, fl, rho: str = "1e-8") -> int:
    """Agreeing digits of κ with (η/η_c − 1)/ρ² of the 2-cycle of half-diameter ρ found by Newton at 50 digits: a
    method that never uses the closed form (they differ by O(ρ²))."""
    P = ev.P
    with mp.workdps(50):
        theta, w = [mpf(x) for x in m.point], [mpf(x) for x in m.direction]
        eta_c, kappa, r = mpf(m.critical_lr.text), mpf(fl.coefficient.text), mpf(rho)
        amp = r / mp.sqrt(mp.fsum(x * x for x in w))
        guess = [t + amp * d for t, d in zip(theta, w)] + [t - amp * d for t, d in zip(theta, w)]
        cycle = solve_cycle(ev.mp_gd(), P, w, r, [*guess, eta_c * (1 + kappa * r**2)], 50, 60)
        return agreeing_digits((cycle[2 * P] / eta_c - 1) / r**2, kappa, 50)


@claim(
    "gallery-tanh-neuron",
    title="one tanh neuron v·tanh(w)",
    source=Source("derived"),
    statement="For the one-neuron tanh network f = v·tanh(w) with target 1 and the squared loss, the least sharpness "
    "over the zero-residual minima is 2√2 − 2, where tanh²w = 1/√2, so η_c = 1 + √2. The numerical path of "
    "eos-theory analyze certifies a critical point of the sharpness on the minima with that value, a supercritical "
    "flip (κ ≈ 0.18545) and a negative offset slope (≈ −0.23356): just past η_c the 2-cycle's mean η·S lies below 2.",
    method="on the minima v = 1/tanh w and |∇f|² = 2s + 1/s − 2 (s = tanh²w ∈ (0, 1)), ≥ 2√2 − 2 with equality at "
    "s = 1/√2 (exact identities); the numerical path's certified enclosures contain it; κ against a 50-digit "
    "Newton 2-cycle",
)
def tanh_neuron(p: Proof) -> None:
    t, s, q = sp.symbols("t s q", positive=True)  # t = tanh w (0 < t² < 1 on the minima), q = √2 (q² = 2)
    v = 1 / t
    grad2 = t**2 + v**2 * (1 - t**2) ** 2  # |∇f|² = tanh²w + v²·sech⁴w, sech² = 1 − tanh²
    least = 2 * sp.sqrt(2) - 2
    p.states(sp.Eq(sp.Symbol("S_min"), least), sp.Eq(sp.Symbol("eta_c"), 1 + sp.sqrt(2)))
    p.equal("on the minima |∇f|² = 2s + 1/s − 2 with s = tanh²w", grad2, (2 * s + 1 / s - 2).subs(s, t**2))
    p.equal(
        "2s + 1/s − 2 − (2√2 − 2) = (√2·s − 1)²/s",
        2 * s + 1 / s - 2 - (2 * q - 2),
        (q * s - 1) ** 2 / s,
        modulo=(q**2 - 2,),
    )
    p.infer(
        "least sharpness over the zero-residual minima = 2√2 − 2 (ℓ''(0) = 1): (√2·s − 1)²/s ≥ 0 for s > 0, and "
        "= 0 at s = 1/√2, which lies in (0, 1)",
        ("on the minima |∇f|² = 2s + 1/s − 2 with s = tanh²w", "2s + 1/s − 2 − (2√2 − 2) = (√2·s − 1)²/s"),
    )
    ev, m, fl = _numeric("tanh-neuron")
    _certified(p, ev, m, fl, "numerical path")
    _inside(p, "the certified enclosure of S holds 2√2 − 2", m.value, least)
    _inside(p, "the certified enclosure of η_c holds 1 + √2", m.critical_lr, 1 + sp.sqrt(2))
    lo, _ = _enclosure(fl.coefficient)
    p.compare("κ > 0 (its certified enclosure): supercritical", lo, ">", 0)
    p.check("the numerical path's type", fl.type, "supercritical", fl.how[:60])
    _, shi = _enclosure(fl.offset_slope)
    p.compare("offset slope < 0 (its certified enclosure)", shi, "<", 0)
    p.numerical("κ against a 50-digit Newton 2-cycle at ρ = 10⁻⁸", _newton_kappa(ev, m, fl), "O(ρ²) truncation", 12)


@claim(
    "gallery-two-points",
    title="linear network on two data points",
    source=Source("derived"),
    statement="For the two-layer linear network f(x) = v·(a·x) on the data points x = e₁, e₂ with targets y = (3, 4): "
    "the NTK matrix is v²I + aaᵀ, so the least sharpness over the zero-residual minima is 2|y| = 10 (at v² = |y| = 5) "
    "and η_c = 1/5; GD keeps a ∥ y, where the model is the uv model of a single example with target |y| = 5, so the "
    "flip is supercritical with κ = 2/|y| = 2/5. The numerical path of eos-theory analyze certifies these values.",
    method="exact identities (the NTK, v² + 25/v² − 10 = (v² − 5)²/v², GD's invariant plane); κ of the reduced uv "
    "map from the 1-D normal form (claim gallery-1d-loss); the numerical path's certified enclosures",
)
def two_points(p: Proof) -> None:
    a1, a2, v = sp.symbols("a1 a2 v", real=True)
    J = sp.Matrix([[v, 0, a1], [0, v, a2]])  # rows ∇(v·a1), ∇(v·a2) in (a1, a2, v)
    p.states(sp.Eq(sp.Symbol("S_min"), 10), sp.Eq(sp.Symbol("kappa"), sp.Rational(2, 5)))
    p.equal("JJᵀ = v²I + aaᵀ", J * J.T, v**2 * sp.eye(2) + sp.Matrix([a1, a2]) * sp.Matrix([[a1, a2]]))
    p.equal(
        "λ_max(v²I + aaᵀ) = v² + |a|² = v² + 25/v² on the minima (va = y), and v² + 25/v² − 10 = (v² − 5)²/v²",
        v**2 + 25 / v**2 - 10,
        (v**2 - 5) ** 2 / v**2,
    )
    t, eta = sp.symbols("t eta", positive=True)
    theta = sp.Matrix([3 * t / 5, 4 * t / 5, t])  # a = t·y/|y|, v = t: the invariant plane's balanced line
    res = sp.Matrix([theta[2] * theta[0] - 3, theta[2] * theta[1] - 4])
    grad = J.subs({a1: theta[0], a2: theta[1], v: theta[2]}).T * res
    step = theta - eta * grad
    p.equal(
        "GD keeps the line a = t·y/|y|, v = t, where it is the uv map t ↦ t − ηt(t² − 5)",
        step,
        sp.Matrix([3, 4, 5]) / 5 * (t - eta * t * (t**2 - 5)),
    )
    dpsi = t * (t**2 - 5)
    c2, c3, c4 = (sp.diff(dpsi, t, k).subs(t, sp.sqrt(5)) for k in (1, 2, 3))
    kappa_line = (3 * c3**2 - c2 * c4) / (6 * c2**2)  # in t; θ = t·(3/5, 4/5, 1) has |Δθ|² = 2|Δt|²
    p.uses("gallery-1d-loss", "the 1-D flip normal form κ = (3ψ'''² − ψ''ψ'''')/(6ψ''²)")
    p.check("κ on the line, in θ: κ_t/2 = 2/5", sp.nsimplify(kappa_line / 2), sp.Rational(2, 5), "1-D normal form")
    ev, m, fl = _numeric("two-points")
    _certified(p, ev, m, fl, "numerical path")
    _inside(p, "the certified enclosure of S holds 10", m.value, 10)
    _inside(p, "the certified enclosure of κ holds 2/5", fl.coefficient, sp.Rational(2, 5))


@claim(
    "gallery-factorisation",
    title="2×2 matrix factorisation",
    source=Source("derived"),
    statement="For 2×2 matrix factorisation AB = Y with inner dimension 2 and the squared loss, the NTK eigenvalues "
    "are α_i + β_j (α, β the eigenvalues of AAᵀ and BᵀB), and the least sharpness over the zero-residual minima is "
    "2σ₁(Y). For Y = diag(3, 1) it is 6 (η_c = 1/3), attained on a continuum of minima (a rotation of the inner "
    "dimension and one more flat direction), which the numerical path of eos-theory analyze detects and reports "
    "as not certified; its flip coefficient there is 2/σ₁ = 2/3. For Y = 3I the top NTK eigenvalue at the least-sharp "
    "minima has multiplicity 4, which the numerical path detects as degenerate.",
    method="exact identities (the NTK as a Kronecker sum); σ₁(AB) ≤ σ₁(A)σ₁(B) ≤ (α₁ + β₁)/2 (cited), with equality "
    "at the balanced factorisation; the numerical path at 30 and 45 digits against 2σ₁ and the uv reduction",
)
def factorisation(p: Proof) -> None:
    A = sp.Matrix(2, 2, sp.symbols("a11 a12 a21 a22", real=True))
    B = sp.Matrix(2, 2, sp.symbols("b11 b12 b21 b22", real=True))
    params = [*A, *B]
    J = sp.Matrix([[sp.diff((A * B)[i, j], q) for q in params] for i in range(2) for j in range(2)])
    kron = sp.kronecker_product(A * A.T, sp.eye(2)) + sp.kronecker_product(sp.eye(2), B.T * B)
    p.states(sp.Eq(sp.Symbol("S_min"), 6), sp.Eq(sp.Symbol("kappa"), sp.Rational(2, 3)))
    p.equal("JJᵀ = AAᵀ ⊗ I + I ⊗ BᵀB (row-major outputs): eigenvalues α_i + β_j", J * J.T, kron)
    p.cite(
        "σ₁(Y) = σ₁(AB) ≤ σ₁(A)σ₁(B) = √(α₁β₁) ≤ (α₁ + β₁)/2, so λ_max(JJᵀ) = α₁ + β₁ ≥ 2σ₁(Y) on the minima",
        "submultiplicativity of the spectral norm; AM–GM",
        "Horn & Johnson, Matrix Analysis, 2nd ed. (2013), §5.6",
    )
    balanced = {
        A[0, 0]: sp.sqrt(3),
        A[0, 1]: 0,
        A[1, 0]: 0,
        A[1, 1]: 1,
        B[0, 0]: sp.sqrt(3),
        B[0, 1]: 0,
        B[1, 0]: 0,
        B[1, 1]: 1,
    }
    p.check("A = B = diag(√3, 1) is a minimum of Y = diag(3, 1)", (A * B).subs(balanced), sp.diag(3, 1), "exact")
    p.check(
        "its NTK eigenvalues are 6, 4, 4, 2: the least sharpness 2σ₁ = 6 is attained",
        sorted((J * J.T).subs(balanced).eigenvals(multiple=True)),
        [2, 4, 4, 6],
        "exact eigenvalues",
    )
    _, m, fl = _numeric("factorisation")
    p.check(
        "the numerical path finds a continuum (one rotation and one flat direction)",
        (m.status, m.continuum, len(m.rotations)),
        ("continuum", 2, 1),
        m.how[:60],
    )
    p.numerical("its least sharpness against 2σ₁ = 6", agreeing_digits(Fraction(m.value.text), 6, 30), m.value.how, 25)
    p.numerical(
        "its flip coefficient against 2/σ₁ = 2/3 (the uv model on the top singular pair)",
        agreeing_digits(Fraction(fl.coefficient.text), Fraction(2, 3), 30),
        fl.how,
        25,
    )
    _, deg, dfl = _numeric("factorisation-I")
    p.check(
        "Y = 3I: a degenerate top eigenvalue of multiplicity 4 is detected, the flip not analysed",
        (deg.status, deg.multiplicity, dfl.type),
        ("degenerate", 4, None),
        deg.how[:60],
    )
    p.cite(
        "for matrix factorisation the symmetric (balanced) solutions have the least sharpness among the minimisers",
        "the local implicit bias of GD above the edge of stability, matrix factorisation",
        CHEN_BRUNA,
    )


@claim(
    "gallery-depth-3-log-cosh",
    title="depth-3 scalar network under log cosh",
    source=Source("derived"),
    statement="For the depth-3 scalar network f = xyz with target 1 under the loss log(cosh(r)), the least sharpness "
    "over the zero-residual minima is 3 and η_c = 2/3, and the flip coefficient and offset slope of the exact "
    "Lyapunov–Schmidt series equal those of the numerical path's closed form, whose certified enclosures hold them.",
    method="the exact path (Lagrange system over ℚ, exact series) against the numerical path (Krawczyk, the "
    "closed-form coefficients over the certified box): two independent computations",
)
def depth_3(p: Proof) -> None:
    s = _MODELS["depth-3"]()
    exact_m = least_sharpness(s)
    exact = flip.flip_series(s, exact_m)
    p.states(sp.Eq(sp.Symbol("S_min"), 3), sp.Eq(sp.Symbol("kappa"), exact.coefficient))
    p.check(
        "exact path: least sharpness 3, η_c = 2/3",
        (exact_m.value, exact_m.critical_lr),
        (3, sp.Rational(2, 3)),
        "anymodel.least_sharpness",
    )
    ev, m, fl = _numeric("depth-3")
    _certified(p, ev, m, fl, "numerical path")
    _inside(p, "the certified enclosure of S holds 3", m.value, 3)
    _inside(p, f"the certified enclosure of κ holds the exact {exact.coefficient}", fl.coefficient, exact.coefficient)
    _inside(
        p,
        f"the certified enclosure of the offset slope holds the exact {exact.offset_slope}",
        fl.offset_slope,
        exact.offset_slope,
    )
    p.check(
        "both paths: supercritical",
        (exact.type, fl.type),
        ("supercritical", "supercritical"),
        "flip_series, numeric_flip",
    )


@claim(
    "gallery-zhu-minimalist",
    title="Zhu et al.'s minimalist example ¼(x²y² − 1)²",
    source=Source("derived"),
    statement="For Zhu et al.'s minimalist example L(x, y) = ¼(x²y² − 1)² (output x²y², target 1, loss r²/4) the least "
    "sharpness over the zero-residual minima is 4, at x² = y² = 1, so η_c = 1/2: exactly the step below which their "
    "η-EoS minimum ((η⁻² − 4)^¼, 1), a minimum of sharpness 2/η, exists. The flip there is supercritical.",
    method="the exact path (Lagrange system over ℚ, exact flip series); on the minima S = 2(x² + y²) ≥ 4 (AM–GM)",
)
def zhu_minimalist(p: Proof) -> None:
    s = spec(["x", "y"], ["x^2*y^2"], [1], loss="r^2/4")
    m = least_sharpness(s)
    fl = flip.flip_series(s, m)
    x, y = sp.symbols("x y", positive=True)
    p.states(sp.Eq(sp.Symbol("S_min"), 4), sp.Eq(sp.Symbol("eta_c"), sp.Rational(1, 2)))
    p.equal(
        "on the minima (x²y² = 1) the sharpness ½·|∇(x²y²)|² = 2(x² + y²), and 2(x² + y²) − 4 = 2(x − 1/x)² at y = 1/x",
        sp.Rational(1, 2) * (sp.diff(x**2 * y**2, x) ** 2 + sp.diff(x**2 * y**2, y) ** 2).subs(y, 1 / x) - 4,
        2 * (x - 1 / x) ** 2,
    )
    p.check(
        "exact path: least sharpness 4, η_c = 1/2",
        (m.value, m.critical_lr),
        (4, sp.Rational(1, 2)),
        "anymodel.least_sharpness",
    )
    eta = sp.Symbol("eta", positive=True)
    p.check(
        "their η-EoS minimum exists iff η⁻² − 4 ≥ 0, i.e. η ≤ 1/2 = η_c",
        sp.solve_univariate_inequality(eta**-2 - 4 >= 0, eta, relational=False) & sp.Interval.open(0, sp.oo),
        sp.Interval.Lopen(0, sp.Rational(1, 2)),
        "SymPy",
        evidence=Solutions(eta, (eta**-2 - 4 >= 0,)),
    )
    p.cite(
        "the η-EoS minimum ((η⁻² − 4)^¼, 1) of their (c, d) coordinates", "their definition of the η-EoS minimum", ZHU
    )
    p.check("supercritical flip", fl.type, "supercritical", f"flip.flip_series, κ = {fl.coefficient}")


@claim(
    "gallery-tanh-width-3",
    title="width-3 tanh network on three data points",
    source=Source("derived"),
    statement="For the two-layer tanh network f(x) = Σ_j v_j·tanh(w_j·x) of width 3 on the data x = (−1, 1/2, 2) with "
    "targets (−2, 1, 3), the numerical path of eos-theory analyze certifies a critical point of the sharpness on the "
    "zero-residual minima with S ≈ 9.58226 (η_c ≈ 0.208719), a local minimum along the minima, the least value found "
    "for the examples checked (seeded starts; global optimality is not proved), with a supercritical flip "
    "(κ ≈ 9.3289) and an offset slope ≈ −0.00092.",
    method="the numerical path: Krawczyk on the Lagrange system, Gershgorin for the top eigenvalue, the closed-form "
    "flip coefficients over the certified box; κ against a 50-digit Newton 2-cycle",
)
def tanh_width_3(p: Proof) -> None:
    ev, m, fl = _numeric("tanh-width-3")
    p.states(sp.Gt(sp.Symbol("kappa"), 0), sp.Lt(sp.Symbol("offset_slope"), 0))
    _certified(p, ev, m, fl, "numerical path")
    lo, hi = _enclosure(m.value)
    p.compare("S ≈ 9.58226: its certified enclosure lies above 9.582255", lo, ">", sp.Rational("9.582255"))
    p.compare("S ≈ 9.58226: its certified enclosure lies below 9.582265", hi, "<", sp.Rational("9.582265"))
    lo, _ = _enclosure(fl.coefficient)
    p.compare("κ > 0: supercritical", lo, ">", 0)
    _, shi = _enclosure(fl.offset_slope)
    p.compare("offset slope < 0", shi, "<", 0)
    p.numerical("the least value found, for the examples checked", m.search.reached(), m.global_note, 4)
    p.numerical("κ against a 50-digit Newton 2-cycle at ρ = 10⁻⁸", _newton_kappa(ev, m, fl), "O(ρ²) truncation", 10)


if __name__ == "__main__":
    from eos_theory.core.registry import print_proof

    print_proof(__name__)
