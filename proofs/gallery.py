"""The gallery: the field's minimal models through the generic analysis (eos_theory.anymodel.flip).

Each claim's verdict comes from the generic path (anymodel.least_sharpness, flip.flip_series,
flip.window), checked against an independent source: analysis.py's closed forms for the paper's
quadratic model, a hand derivation (AM–GM for the products, the 1-D flip normal form), or a
published condition.  The derivations are cached: several claims share one model.
"""

from functools import cache

import sympy as sp

from eos_theory.anymodel import analysis, flip
from eos_theory.anymodel.definition import from_model, loss_derivatives, spec
from eos_theory.anymodel.minima import least_sharpness
from eos_theory.core import model
from eos_theory.core.proof import Proof
from eos_theory.core.registry import Source, claim
from eos_theory.quadratic import closed_forms as A

CHEN_BRUNA = "Chen & Bruna, Beyond the edge of stability via two-step gradient updates, ICML 2023"


@cache
def _analysis(key: str, check: bool = False) -> analysis.Analysis:
    models = {
        "quadratic-2": lambda: from_model(model.quadratic(sp.diag(-1, 1)), {model.E: 1}),
        "quadratic-3": lambda: from_model(model.quadratic(sp.diag(-1, 1, 4)), {model.E: 1}),
        "uv-1": lambda: spec(["u", "v"], ["2*u*v"], [3]),  # width 1, example (x, y) = (2, 3)
        "uv-2": lambda: spec(["u1", "u2", "v1", "v2"], ["2*(u1*v1 + u2*v2)"], [3]),  # width 2, same example
        "product-3": lambda: spec(["x", "y", "z"], ["x*y*z"], [1]),
        "product-4": lambda: spec(["x", "y", "z", "w"], ["x*y*z*w"], [1]),
        "uv-logcosh": lambda: spec(["u", "v"], ["u*v"], [1], loss="log(cosh(r))"),
    }
    sp_ = models[key]()
    m = least_sharpness(sp_)
    fl = flip.flip_series(sp_, m)
    out = analysis.Analysis(sp_, m, fl)
    if key.startswith(("quadratic", "uv-")) and key != "uv-logcosh":  # the others have no exact window
        out.window = flip.window(sp_, m)
    if check:
        out.check = analysis.check_series(sp_, m, fl)
    return out


def _expected_quadratic_window(omega: tuple, w_axis) -> sp.Set:
    """analysis.py's attracting window in ε = η/η_c: along the axis, and across to each other eigenvalue."""
    orb = A.eos_orbit()
    win = orb.along_window
    for w in omega:
        if w != w_axis:
            win = win & A._inside_unit(orb.across.subs(A.r, sp.Rational(w, w_axis)), A.eps)
    return win


@claim(
    "gallery-quadratic-2d",
    title="generic path = closed forms (quadratic, P = 2)",
    source=Source("derived"),
    statement="For the paper's model with Q = diag(−1, 1), E = 1, the generic analysis (Lagrange least sharpness, "
    "Lyapunov–Schmidt flip series, invariant-line window) reproduces analysis.py: least sharpness 2, η_c = 1, "
    "a supercritical flip, the window 1 < η < √5 − 1 and the offset slope 1 (mean η·NTK = 1 + η/η_c).",
    method="exact comparison (proof.same) of the generic results with analysis.min_ntk, eos_orbit and flip_normal_form; "
    "the cycle mean 1 + ε for every ε > 1 from claim eos2d-eos-orbit",
    scope={"epsilon": "every η past η_c (ε = η/η_c here)"},
)
def quadratic_2d(p: Proof) -> None:
    p.uses("eos2d-eos-orbit", "the EOS orbit's cycle mean is η·NTK = 1 + ε for every ε > 1 (here ε = η/η_c)")
    res = _analysis("quadratic-2")
    p.states(
        sp.Eq(sp.Symbol("eta_c"), 1),
        sp.And(sp.Lt(1, sp.Symbol("eta")), sp.Lt(sp.Symbol("eta"), sp.sqrt(5) - 1)),
        sp.Eq(sp.Symbol("offset_slope"), 1),
    )
    lr = sp.Rational(1, 7)
    p.check(
        "least sharpness = analysis.min_ntk/η",
        res.least_sharpness,
        A.min_ntk(-1, 1, 1, lr) / lr,
        "anymodel.least_sharpness (Lagrange, exact)",
    )
    p.check("η_c = 1/(Eω) = 1", res.critical_lr, 1, "2/least sharpness")
    p.check(
        "flip type agrees with analysis.flip_normal_form (a₂² + a₃ > 0: supercritical)",
        res.flip.type,
        "supercritical" if A.flip_normal_form().coefficient > 0 else "subcritical",
        "flip.flip_series, order a³",
    )
    p.check(
        "window = analysis.py's window (ε = η here)",
        res.window.interval,
        _expected_quadratic_window((-1, 1), 1),
        res.window.how[:60],
    )
    p.check(
        "offset slope = d(mean η·NTK)/dε of analysis.eos_orbit",
        res.flip.offset_slope,
        sp.diff(A.eos_orbit().mean_ntk, A.eps),
        "flip.flip_series",
    )


@claim(
    "gallery-quadratic-3d",
    title="P = 3: window closed by a transverse direction",
    source=Source("derived"),
    statement="For Q = diag(−1, 1, 4), E = 1 (P = 3), the generic analysis finds η_c = 1, a supercritical flip and the "
    "attracting window 1 < η < 7/6 with three two-step multipliers (one along the orbit's axis, two across): "
    "the window is closed by the ω = 4 direction, at 1 + 2/(r(r − 1)) with r = 4, before √5 − 1, as analysis.py's "
    "transverse multiplier 1 − r(r − 1)(ε − 1) predicts.",
    method="exact comparison with analysis.eos_orbit's along window and across multipliers for r = −1 and r = 4",
)
def quadratic_3d(p: Proof) -> None:
    res = _analysis("quadratic-3")
    p.states(
        sp.Eq(sp.Symbol("eta_c"), 1), sp.And(sp.Lt(1, sp.Symbol("eta")), sp.Lt(sp.Symbol("eta"), sp.Rational(7, 6)))
    )
    p.check("η_c = 1", res.critical_lr, 1, "anymodel.least_sharpness")
    p.check("supercritical flip", res.flip.type, "supercritical", "flip.flip_series")
    p.check("three two-step multipliers on the orbit's invariant line", len(res.window.multipliers), 3, "flip.window")
    p.check(
        "window = analysis.py's (along ∩ across r = −1 ∩ across r = 4)",
        res.window.interval,
        _expected_quadratic_window((-1, 1, 4), 1),
        "flip.window (exact sets)",
    )
    p.compare("7/6 < √5 − 1: the transverse direction closes the window first", sp.Rational(7, 6), "<", sp.sqrt(5) - 1)


@claim(
    "gallery-uv",
    title="uv model, widths 1 and 2, example (2, 3)",
    source=Source("derived"),
    statement="The two-layer linear model f = x·Σ u_i v_i on the example (x, y) = (2, 3), of width 1 and 2: least "
    "sharpness 2|xy| = 12, η_c = 1/6, a supercritical flip with coefficient κ = 4/3 (η/η_c = 1 + κρ², ρ the orbit's "
    "half-diameter), window η_c < η < (√5 − 1)η_c and offset slope 1, the same for both widths (width 2 has a "
    "circle of least-sharp minima; its rotation direction has multiplier 1 on the orbit and is left out).",
    method="generic path (the least over the Lagrange critical points); the least over every minimum by AM–GM, "
    "exactly: on the minima S − 12 = 4Σᵢ(u_i − v_i)² ≥ 0 (an identity modulo the minima's equation); κ from the "
    "textbook flip normal form of GD on the invariant line u = v = t (t' = t − η(2t² − 3)·2t), derived by SymPy in "
    "_uv_kappa",
    scope={
        "u_1, v_1": "every zero-loss minimum of width 1 (2u₁v₁ = 3)",
        "u_1, u_2, v_1, v_2": "every zero-loss minimum of width 2 (2(u₁v₁ + u₂v₂) = 3)",
    },
)
def uv(p: Proof) -> None:
    for width in (1, 2):
        u = sp.symbols(f"u_1:{width + 1}", real=True)
        v = sp.symbols(f"v_1:{width + 1}", real=True)
        f = 2 * sum(a * b for a, b in zip(u, v))
        S = sum(sp.diff(f, t) ** 2 for t in (*u, *v))  # ℓ''(0)|∇f|², ℓ = r²/2
        squares = 4 * sum((a - b) ** 2 for a, b in zip(u, v))
        text = f"width {width}, on every minimum ({f} = 3): S − 12 = {squares}"
        p.equal(text, S - 12, squares, modulo=(f - 3,))
        p.positive(f"width {width}: {squares} ≥ 0", squares, squares, strict=False)
        p.infer(
            f"width {width}: S ≥ 12 on every minimum, with equality where u_i = v_i (AM–GM)",
            (text, f"width {width}: {squares} ≥ 0"),
        )
    p.states(
        sp.Eq(sp.Symbol("eta_c"), sp.Rational(1, 6)),
        sp.Eq(sp.Symbol("kappa"), sp.Rational(4, 3)),
        sp.Eq(sp.Symbol("offset_slope"), 1),
    )
    for key in ("uv-1", "uv-2"):
        res = _analysis(key)
        p.check(f"{key}: least sharpness 2|xy| = 12 (AM–GM)", res.least_sharpness, 12, "anymodel.least_sharpness")
        p.check(f"{key}: η_c = 1/6", res.critical_lr, sp.Rational(1, 6), "2/least sharpness")
        p.check(f"{key}: κ = 4/3", res.flip.coefficient, _uv_kappa(), "flip.flip_series vs the 1-D normal form")
        p.check(
            f"{key}: window (η_c, (√5 − 1)η_c)",
            res.window.interval,
            sp.Interval.open(sp.Rational(1, 6), (sp.sqrt(5) - 1) / 6),
            "flip.window",
        )
        p.check(f"{key}: offset slope 1", res.flip.offset_slope, 1, "flip.flip_series")
    p.check(
        "width 2: a family of least-sharp minima, one neutral multiplier",
        (_analysis("uv-2").minimum.family, _analysis("uv-2").window.neutral),
        (True, 1),
        "anymodel, flip.window",
    )


def _uv_kappa() -> sp.Expr:
    """κ for f = 2uv, y = 3 from the 1-D flip on the line u = v = t: GD on ψ(t) = (2t² − 3)²/4 (ψ' = (2t² − 3)·2t),
    flip normal form at t* = √(3/2): ρ_t² = δ/(b² + c), δ = 2(η/η_c − 1); in θ, ρ² = 2ρ_t²."""
    t = sp.Symbol("t", positive=True)
    psi = (2 * t**2 - 3) ** 2 / 4
    ts = sp.sqrt(sp.Rational(3, 2))
    h, d3, d4 = (sp.diff(psi, t, k).subs(t, ts) for k in (2, 3, 4))
    b, c = -d3 / h, -d4 / (3 * h)  # t' − t* = −e + be² + ce³ at η_c = 2/h
    return sp.nsimplify(sp.radsimp((b**2 + c) / 2 / 2))  # η/η_c − 1 = (b² + c)ρ_t²/2 = (b² + c)ρ²/4


@claim(
    "gallery-products",
    title="scalar products ½(1 − xyz)², ½(1 − xyzw)²",
    source=Source("derived"),
    statement="For ½(1 − x₁⋯x_n)² with n = 3 and 4 the least sharpness over the minima is n (at |x_i| = 1), so "
    "η_c = 2/3 and 1/2; the flip is supercritical with κ = 44/9 and 8 and the offset slope is 13/11 and 5/4: larger "
    "than the quadratic model's 1, so the cycle mean of η·NTK rises faster past the edge. These coefficients come "
    "from the generic path; we know of no published value. The upper end of the window is not derived here.",
    method="generic path (the least over the Lagrange critical points); the least over every minimum by AM–GM "
    "(Σ_i Π_{j≠i} x_j² ≥ n·(Π_i Π_{j≠i} x_j²)^(1/n) = n|x₁⋯x_n|^(2(n−1)/n) = n on x₁⋯x_n = 1), cited, with the "
    "sharpness |∇f|² = Σ_i Π_{j≠i} x_j² derived; mpmath 2-cycle at 50 digits against the series",
    scope={
        "x_1, x_2, x_3": "every zero-loss minimum of ½(1 − x₁x₂x₃)²",
        "x_1, x_2, x_3, x_4": "every zero-loss minimum of ½(1 − x₁x₂x₃x₄)²",
    },
)
def products(p: Proof) -> None:
    amgm = "AM–GM: on x₁⋯x_n = 1, Σ_i Π_{j≠i} x_j² ≥ n·(Π_i Π_{j≠i} x_j²)^(1/n) = n, with equality at |x_i| = 1"
    p.cite(
        amgm, "the inequality of arithmetic and geometric means", "Hardy, Littlewood & Pólya, Inequalities (1952), §2.5"
    )
    for n in (3, 4):
        x = sp.symbols(f"x_1:{n + 1}", real=True)
        f = sp.Mul(*x)
        text = f"n = {n}: the sharpness |∇f|² = Σ_i Π_(j≠i) x_j²"
        p.equal(text, sum(sp.diff(f, t) ** 2 for t in x), sum((f / t) ** 2 for t in x))
        p.treats(", ".join(map(str, x)), amgm)
        p.infer(f"n = {n}: the sharpness is at least {n} on every minimum", (text, amgm))
    p.states(
        sp.Eq(sp.Symbol("kappa_3"), sp.Rational(44, 9)),
        sp.Eq(sp.Symbol("offset_slope_3"), sp.Rational(13, 11)),
        sp.Eq(sp.Symbol("kappa_4"), 8),
        sp.Eq(sp.Symbol("offset_slope_4"), sp.Rational(5, 4)),
    )
    for n, kappa, slope in ((3, sp.Rational(44, 9), sp.Rational(13, 11)), (4, 8, sp.Rational(5, 4))):
        res = _analysis(f"product-{n}", check=True)
        p.check(f"n = {n}: least sharpness n (AM–GM)", res.least_sharpness, n, "anymodel.least_sharpness")
        p.check(f"n = {n}: η_c = 2/n", res.critical_lr, sp.Rational(2, n), "2/least sharpness")
        p.check(
            f"n = {n}: supercritical, κ = {kappa}",
            (res.flip.type, res.flip.coefficient),
            ("supercritical", kappa),
            "flip.flip_series, order a³",
        )
        p.check(f"n = {n}: offset slope {slope}", res.flip.offset_slope, slope, "flip.flip_series")
        c = res.check
        p.numerical(f"n = {n}: series vs a 50-digit Newton 2-cycle (κ)", c.kappa_digits, c.how, c.expected_digits)
        p.numerical(
            f"n = {n}: series vs a 50-digit Newton 2-cycle (offset slope)", c.slope_digits, c.how, c.expected_digits
        )


@claim(
    "gallery-uv-logcosh",
    title="uv under log-cosh loss",
    source=Source("derived"),
    statement="For f = uv, y = 1 under the loss log(cosh(r)) (ℓ''(0) = 1, ℓ''''(0) = −2): least sharpness 2, η_c = 1, "
    "a supercritical flip with κ = 8/3 (squared loss: 2) and offset slope 5/4 (squared loss: 1), sharpness "
    "measured as ℓ''(0)·NTK. The flatter tails of log cosh make the flip more strongly supercritical; we know of no "
    "published value of these coefficients.",
    method="generic path with ℓ replaced by its exact Taylor polynomial to the order used; the sign of κ against the "
    "1-D condition on the invariant line u = v; mpmath 2-cycle at 50 digits",
)
def uv_logcosh(p: Proof) -> None:
    res = _analysis("uv-logcosh", check=True)
    p.states(
        sp.Eq(sp.Symbol("eta_c"), 1),
        sp.Eq(sp.Symbol("kappa"), sp.Rational(8, 3)),
        sp.Eq(sp.Symbol("offset_slope"), sp.Rational(5, 4)),
    )
    p.check(
        "ℓ''(0) = 1, ℓ''''(0) = −2",
        (loss_derivatives(res.spec.loss).d2, loss_derivatives(res.spec.loss).d4),
        (1, -2),
        "anymodel.loss_derivatives",
    )
    p.check("least sharpness 2, η_c = 1", (res.least_sharpness, res.critical_lr), (2, 1), "anymodel.least_sharpness")
    p.check(
        "supercritical, κ = 8/3",
        (res.flip.type, res.flip.coefficient),
        ("supercritical", sp.Rational(8, 3)),
        "flip.flip_series",
    )
    p.check("offset slope 5/4", res.flip.offset_slope, sp.Rational(5, 4), "flip.flip_series")
    # on u = v = t the loss is ψ(t) = 2·log cosh(t² − 1) in θ-space GD terms (∂/∂u of log cosh(uv − 1) at u = v)
    t = sp.Symbol("t", positive=True)
    psi = sp.log(sp.cosh(t**2 - 1)) / 2  # θ' = θ − η·tanh(t² − 1)·t on the line: ψ' = tanh(t² − 1)·t
    dpsi = [psi]
    for _ in range(4):
        dpsi.append(sp.diff(dpsi[-1], t))  # each derivative from the previous one
    h, d3, d4 = (sp.simplify(dpsi[k].subs(t, 1)) for k in (2, 3, 4))
    p.compare("Chen–Bruna on the line u = v: 3ψ'''² − ψ''ψ'''' > 0", 3 * d3**2 - h * d4, ">", 0)
    p.cite(
        "a 1-D GD flip at 2/ψ'' is supercritical when 3ψ'''² − ψ''ψ'''' > 0 at the minimum",
        "main result, the 1-D two-step condition",
        CHEN_BRUNA,
    )
    c = res.check
    p.numerical("series vs a 50-digit Newton 2-cycle (κ)", c.kappa_digits, c.how, c.expected_digits)


@claim(
    "gallery-1d-loss",
    title="1-D losses: the flip condition 3ℓ'''² − ℓ''ℓ''''",
    source=Source("derived"),
    statement="For every smooth 1-D loss ℓ(w) with a minimum at 0 (ℓ'(0) = 0 < ℓ''(0)), GD w ← w − ηℓ'(w) "
    "period-doubles at η_c = 2/ℓ''(0) with η/η_c = 1 + κρ² + O(ρ³), κ = (3ℓ'''² − ℓ''ℓ'''')/(6ℓ''²) at the minimum "
    "(when κ ≠ 0): supercritical when 3ℓ'''² − ℓ''ℓ'''' > 0 and subcritical when it is < 0, the condition of Chen & "
    "Bruna (2023). The generic path of eos-theory analyze gives the same κ for the examples checked (ℓ = w²/2 + w³/6 + w⁴/24, "
    "w²/2 + w⁴, w² − w³ + w⁴/3, log cosh w); when κ = 0 its series to order a⁵ decides (w²/2 + w³/6 + w⁴/8).",
    method="exact: the Taylor coefficients of g∘g − id for g(w) = w − η_c(1 + δ)ℓ'(w) with symbolic ℓ'', ℓ''', ℓ'''' "
    "(the flip theorem cited for what they imply); then the generic path on each example against that formula",
)
def one_d_loss(p: Proof) -> None:
    l2 = sp.Symbol("ell_2", positive=True)
    l3, l4, w, delta = sp.symbols("ell_3 ell_4 w delta")
    kappa = (3 * l3**2 - l2 * l4) / (6 * l2**2)
    p.states(sp.Eq(sp.Symbol("kappa"), kappa))
    # any smooth ℓ with ℓ'(0) = 0: ℓ'(w) = ℓ''w + ℓ'''w²/2 + ℓ''''w³/6 + O(w⁴); η = η_c(1 + δ), η_c = 2/ℓ''
    g = lambda x: x - 2 * (1 + delta) / l2 * (l2 * x + l3 * x**2 / 2 + l4 * x**3 / 6)  # noqa: E731
    twice = sp.Poly(sp.expand(g(g(w))) - w, w)
    c1, c2, c3 = (twice.coeff_monomial(w**k) for k in (1, 2, 3))
    lin, quad, cubic = (
        "the w-coefficient of g∘g − id is (1 + 2δ)² − 1 = 4δ(1 + δ)",
        "its w²-coefficient vanishes at δ = 0",
        "its w³-coefficient at δ = 0 is −4κ: g∘g(w) − w = 4δw − 4κw³ + O(δw², δ²w, w⁴)",
    )
    p.equal(lin, c1, 4 * delta * (1 + delta))
    p.equal(quad, c2.subs(delta, 0), 0)
    p.equal(cubic, c3.subs(delta, 0), -4 * kappa)
    p.cite(
        "for κ ≠ 0 the nonzero solutions w² = δ/κ + O(δ²) of g∘g(w) = w form the period-2 orbit (half-diameter "
        "ρ, so δ = κρ² + O(ρ³)); it exists for δ > 0 and attracts when κ > 0 (supercritical), exists for δ < 0 "
        "and repels when κ < 0 (subcritical)",
        "the flip (period-doubling) bifurcation theorem",
        "Kuznetsov, Elements of Applied Bifurcation Theory, 3rd ed. (2004), Theorem 4.3",
    )
    p.covers("For every smooth 1-D loss", lin, quad, cubic)
    for loss in ("r^2/2 + r^3/6 + r^4/24", "r^2/2 + r^4", "r^2 - r^3 + r^4/3", "log(cosh(r))"):
        s = spec(["w"], ["w"], [0], loss=loss)
        m = least_sharpness(s)
        fl = flip.flip_series(s, m)
        d = loss_derivatives(s.loss)
        cond = 3 * d.d3**2 - d.d2 * d.d4
        p.check(
            f"ℓ = {loss}: κ = (3ℓ'''² − ℓ''ℓ'''')/(6ℓ''²)", fl.coefficient, cond / (6 * d.d2**2), "flip.flip_series"
        )
        p.check(
            f"ℓ = {loss}: type from the sign of 3ℓ'''² − ℓ''ℓ''''",
            fl.type,
            "supercritical" if cond > 0 else "subcritical",
            "flip.flip_series",
        )
    s = spec(["w"], ["w"], [0], loss="r^2/2 + r^3/6 + r^4/8")
    fl = flip.flip_series(s, least_sharpness(s), order=5)
    p.check(
        "ℓ = w²/2 + w³/6 + w⁴/8: κ = 0, decided at order a⁴",
        (fl.coefficient, fl.type.startswith("degenerate (")),
        (0, True),
        "flip.flip_series, order a⁵",
    )
    p.cite(
        "1-D flip condition 3ℓ'''² − ℓ''ℓ'''' > 0 for a supercritical flip",
        "main result, the 1-D two-step condition",
        CHEN_BRUNA,
    )


if __name__ == "__main__":
    from eos_theory.core.registry import print_proof

    print_proof(__name__)
