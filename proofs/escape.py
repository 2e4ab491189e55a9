"""Escape regions: where gradient descent provably diverges, so a run may stop there and say so.

Two lemmas, each an invariant region on which z̃ = ηz at least doubles every step (so the loss
z²/2 = z̃²/(2η²) grows without bound).  ``eos_theory.quadratic.escape`` tests membership at run time.

* ``escape-separated``: any P, any symmetric Q whose positive eigenvalues are all larger than
  every |negative eigenvalue| (or the mirror), e.g. every definite Q.
* ``escape-symmetric``: P = 2 with eigenvalues −w, w (the paper's case), where separation fails.

Every inequality is reduced to an exact identity plus a manifestly positive witness: hypotheses
become slack variables (a symbol declared nonnegative, or positive) substituted into the
expressions, so that the witness is a sum of positive constants and products of slacks.
"""

import sympy as sp

from eos_theory.core.model import quadratic
from eos_theory.core.notation import E, eta, z, zt, zt_next
from eos_theory.core.notation import omega as w
from eos_theory.core.proof import Proof
from eos_theory.core.registry import Source, claim

half = sp.Rational(1, 2)


def _nonnegative(expr: sp.Expr) -> sp.Expr:
    """``expr`` after asserting SymPy deduces it is ≥ 0 from the symbols' declared signs."""
    if sp.expand(expr).is_nonnegative is not True and expr.is_nonnegative is not True:
        raise AssertionError(f"{expr} is not manifestly nonnegative")
    return expr


def _per_mode(p: Proof) -> tuple[str, str, str]:
    """GD in the eigenbasis of Q, mode by mode, for every P (z = ½Σω_jθ_j² − E as a symbolic sum)."""
    i, j = sp.symbols("i j", integer=True, positive=True)
    k = sp.Symbol("k", integer=True, nonnegative=True)
    P = i + k  # any P ≥ i ≥ 1
    om, th = sp.IndexedBase("omega"), sp.IndexedBase("theta")
    limits = (j, 1, P)
    z_of = sp.Sum(om[j] * th[j] ** 2 / 2, limits) - E
    # Linearity of the sum, then the one remaining sum Σ_j ω_jθ_j² named by a symbol for the normal form.
    core, named = sp.Sum(om[j] * th[j] ** 2, limits), sp.Symbol("Sigma_omega_theta2", real=True)

    def flat(expr):
        expr = sp.expand(expr).replace(lambda s: isinstance(s, sp.Sum), lambda s: sp.factor_terms(s))
        return expr.xreplace({core: named})

    p.uses(
        "rotation",
        "for a symmetric Q = VΛVᵀ (V orthogonal, Λ = diag(ω_1, …, ω_P)), φ = Vᵀθ has θᵀQθ = φᵀΛφ and "
        "VᵀQθ = Λφ, so GD for Q in θ is GD for Λ in φ with the same z",
    )
    p.equal(
        "for every P and 1 ≤ i ≤ P: ∂z/∂θ_i = ω_iθ_i, so GD maps θ_i to θ_i − ηzω_iθ_i = (1 − z̃ω_i)θ_i",
        sp.diff(z_of, th[i]).doit(),
        om[i] * th[i],
    )
    v = eta * om[i] * th[i] ** 2 / 2
    texts = (
        "v_i = ηω_iθ_i²/2 becomes v_i' = (1 − z̃ω_i)²v_i",
        "z̃ + ηE = Σ_i v_i = A − B with A = Σ_{ω_i>0} v_i ≥ 0 and B = −Σ_{ω_i<0} v_i ≥ 0",
        "(Q, E, z̃) ↦ (−Q, −E, −z̃) leaves each mode's step (1 − z̃ω_i)θ_i unchanged and negates z̃: "
        "the mirror statement is the statement for −Q, −E",
    )
    p.equal(texts[0], v.subs(th[i], (1 - zt * om[i]) * th[i]), (1 - zt * om[i]) ** 2 * v)
    p.equal(texts[1], flat(eta * z_of + eta * E), flat(sp.Sum(eta * om[j] * th[j] ** 2 / 2, limits)))
    z_mirror = sp.Sum(-om[j] * th[j] ** 2 / 2, limits) - (-E)  # z for (−Q, −E)
    p.equal(
        texts[2],
        sp.Matrix([(1 - zt * om[i]) * th[i], flat(-eta * z_of)]),
        sp.Matrix([(1 - (-zt) * (-om[i])) * th[i], flat(eta * z_mirror)]),
    )
    return texts


@claim(
    "escape-separated",
    title="escape: z̃ ≥ Z doubles z̃ when the spectrum is separated",
    source=Source("derived"),
    statement="Any P, any symmetric Q with eigenvalues ω_i, any E and η > 0. Let m > 0 and M ≥ 0 with m ≤ ω for "
    "every eigenvalue ω > 0 and |ω| ≤ M for every eigenvalue ω < 0 (eigenvalues whose eigen-component of θ is 0 "
    "may be left out: that component stays 0), and let Z > 0 with Z·m ≥ 3, Z·(m − M) ≥ 2 "
    "and Z ≥ −2ηE. If a GD iterate has z̃ = ηz ≥ Z, the next one has z̃' > 2z̃: the region z̃ ≥ Z is never left, "
    "z̃_k ≥ 2^k·Z, and the loss z²/2 grows without bound. Mirror: if instead m ≤ |ω| for every eigenvalue ω < 0, "
    "ω ≤ M for every eigenvalue ω > 0, and Z ≥ 2ηE (same conditions otherwise), then z̃ ≤ −Z gives z̃' < 2z̃.",
    method="exact: per-mode identities v_i' = (1 − z̃ω_i)²v_i for symbolic P; each inequality an exact identity "
    "in slack variables with a manifestly positive witness; the eigenbasis from the claim rotation",
)
def separated(p: Proof) -> None:
    Z = sp.Symbol("Z", positive=True)
    m, mu = sp.symbols("m mu", positive=True)
    M = sp.Symbol("M", nonnegative=True)
    a, b, c, h, t, dz = sp.symbols("a b c h t d_z", nonnegative=True)
    ztp = sp.Symbol("ztilde", positive=True)  # z̃ ≥ Z > 0
    p.states(sp.Gt(zt_next, 2 * zt))  # on the region z̃ ≥ Z
    step, sums, mirror = _per_mode(p)

    # The hypotheses at the current iterate, z̃ = Z + d_z (d_z ≥ 0), as slack variables c, h, t ≥ 0.
    hyp = (
        "z̃m − 3 = (z̃ − Z)m + (Zm − 3) ≥ 0: put z̃m = 3 + c, c ≥ 0",
        "z̃(m − M) − 2 = (z̃ − Z)(m − M) + (Z(m − M) − 2) ≥ 0 (m − M > 0 as Z(m − M) ≥ 2 and Z > 0): "
        "put m = M + (2 + h)/z̃, h ≥ 0",
        "2(z̃ + ηE) − z̃ = (z̃ − Z) + (Z + 2ηE) ≥ 0: put z̃ + ηE = z̃(½ + t), t ≥ 0",
    )
    p.equal(hyp[0], (Z + dz) * m - 3, dz * m + (Z * m - 3))
    p.equal(hyp[1], (Z + dz) * (m - M) - 2, dz * (m - M) + (Z * (m - M) - 2))
    p.equal(hyp[2], 2 * ((Z + dz) + eta * E) - (Z + dz), dz + (Z + 2 * eta * E))

    # Positive modes ω = m + a ≥ m: (1 − z̃ω)² ≥ g² with g := z̃m − 1 = 2 + c.
    zt_c = (3 + c) / m
    pos = ("ω = m + a (a ≥ 0), z̃m = 3 + c: (1 − z̃ω)² − (z̃m − 1)² = z̃a·(4 + 2c + z̃a)", "4 + 2c + z̃a > 0")
    p.equal(pos[0], (1 - zt_c * (m + a)) ** 2 - (zt_c * m - 1) ** 2, zt_c * a * (4 + 2 * c + zt_c * a))
    p.positive(pos[1], 4 + 2 * c + zt_c * a, 4 + 2 * c + (3 + c) * a / m)
    _nonnegative(zt_c * a)
    a_grows = (
        "every eigenvalue ω ≥ m has (1 − z̃ω)² ≥ g² (z̃a ≥ 0 times a positive factor), g = z̃m − 1 = 2 + c; "
        "so A' ≥ g²A (v_i ≥ 0 there)"
    )
    p.infer(a_grows, (*pos, hyp[0], step))

    # Negative modes ω = −μ, 0 < μ ≤ M: (1 − z̃ω)² = (1 + z̃μ)² ≤ g².
    g_neg = ztp * (mu + b + (2 + h) / ztp) - 1
    neg = (
        "ω = −μ, M = μ + b (b ≥ 0), m = M + (2 + h)/z̃: g² − (1 − z̃ω)² = (z̃b + h)(2 + 2z̃μ + z̃b + h)",
        "2 + 2z̃μ + z̃b + h > 0",
    )
    p.equal(neg[0], g_neg**2 - (1 + ztp * mu) ** 2, (ztp * b + h) * (2 + 2 * ztp * mu + ztp * b + h))
    p.positive(neg[1], 2 + 2 * ztp * mu + ztp * b + h, 2 + 2 * ztp * mu + ztp * b + h)
    _nonnegative(ztp * b + h)
    b_bounded = (
        "every eigenvalue ω < 0 has (1 − z̃ω)² ≤ g² (z̃b + h ≥ 0 times a positive factor); so B' ≤ g²B (−v_i ≥ 0 there)"
    )
    p.infer(b_bounded, (*neg, hyp[1], step))
    absent = "a mode with θ_i = 0 (in the eigenbasis) has v_i = 0 and keeps v_i' = 0: it adds nothing to A, B, A', B'"
    p.infer(absent, (step,))
    combined = "z̃' + ηE = A' − B' ≥ g²(A − B) = g²(z̃ + ηE) (modes with ω_i = 0 have v_i = 0)"
    p.infer(combined, (a_grows, b_bounded, sums, absent))

    # Doubling: z̃' − 2z̃ ≥ g²(z̃ + ηE) − ηE − 2z̃ = (g² − 1)(z̃ + ηE) − z̃ > 0.
    g, s = 2 + c, ztp * (half + t)
    dbl = (
        "g²(z̃ + ηE) − ηE − 2z̃ = (g² − 1)(z̃ + ηE) − z̃",
        "with g = 2 + c and z̃ + ηE = z̃(½ + t): (g² − 1)(z̃ + ηE) − z̃ > 0",
    )
    p.equal(dbl[0], g**2 * s - (s - ztp) - 2 * ztp, (g**2 - 1) * s - ztp)
    p.positive(dbl[1], (g**2 - 1) * s - ztp, ztp * sp.expand((3 + 4 * c + c**2) * (half + t) - 1))
    doubled = "so z̃' > 2z̃ ≥ 2Z: the region z̃ ≥ Z is invariant, z̃_k ≥ 2^k·Z, and z²/2 = z̃²/(2η²) → ∞"
    p.infer(doubled, (combined, *dbl, hyp[2]))
    mirrored = "mirror: the same for −Q, −E (positive and negative eigenvalues exchanged): z̃ ≤ −Z gives z̃' < 2z̃"
    p.infer(mirrored, (doubled, mirror))
    # Symbolic P, i, ω_i, θ, E and η throughout, so every quantifier of the statement is covered by the chain.
    rotation = (
        "for a symmetric Q = VΛVᵀ (V orthogonal, Λ = diag(ω_1, …, ω_P)), φ = Vᵀθ has θᵀQθ = φᵀΛφ and "
        "VᵀQθ = Λφ, so GD for Q in θ is GD for Λ in φ with the same z"
    )
    p.covers("Any P, any symmetric Q with eigenvalues ω_i, any E and η > 0", rotation, doubled)
    p.covers("m ≤ ω for every eigenvalue ω > 0 and |ω| ≤ M for every eigenvalue ω < 0", a_grows, b_bounded)
    p.covers("is never left", doubled)
    p.covers("m ≤ |ω| for every eigenvalue ω < 0, ω ≤ M for every eigenvalue ω > 0", mirrored)


def _symmetric_model():
    """P = 2, Q = diag(−w, w): θ_1 on the eigenvalue −w, θ_2 on +w; u± = ηw²θ±², x = wz̃, ε = ηEw."""
    m = quadratic(sp.diag(-w, w))
    th1, th2 = m.theta
    step = m.gd_map.subs(z, m.output)  # θ' as a function of θ
    u_plus, u_minus = eta * w**2 * th2**2, eta * w**2 * th1**2
    return m, step, u_plus, u_minus, w * eta * m.output, eta * E * w


@claim(
    "escape-symmetric",
    title="escape: the symmetric case ω = (−w, w)",
    source=Source("derived"),
    statement="P = 2, any symmetric Q with eigenvalues −w and w (w > 0: diag(−w, w), or any trace-zero "
    "Q = [[q, r], [r, −q]] with w² = q² + r² > 0), any E and η > 0. Put x = wz̃, ε = ηEw, σ = x + ε, T̃ = η·NTK and "
    "π = (T̃² − 4σ²)/4. For every S ≥ 1 the region R₊(S) = {x ≥ 50S, x ≥ −2ε, π(x + 20S) ≤ (S² − 1)σ²x} is "
    "invariant under GD and x' > 2x on it, so z̃_k ≥ 2^k·z̃_0 → ∞ and the loss grows without bound. Mirror: "
    "R₋(S) = {−x ≥ 50S, −x ≥ 2ε, π(20S − x) ≤ −(S² − 1)σ²x} is invariant with x' < 2x.",
    method="exact: the one-step maps of x, σ, π derived from the model; each inequality an exact identity in slack "
    "variables with a manifestly positive witness; the mirror by exchanging θ_1 and θ_2 with E ↦ −E; the eigenbasis "
    "from the claim rotation",
)
def symmetric(p: Proof) -> None:
    m, step, u_plus, u_minus, x_of, eps_of = _symmetric_model()
    th1, th2 = m.theta
    after = lambda e: e.subs({th1: step[0], th2: step[1]}, simultaneous=True)  # noqa: E731
    x, S = sp.Symbol("x", positive=True), sp.Symbol("S", positive=True)
    up, um = sp.symbols("u_+ u_-", nonnegative=True)
    s, dl = sp.Symbol("s", positive=True), sp.Symbol("delta", nonnegative=True)
    sig = sp.Symbol("sigma", positive=True)
    q, k, t, r_ = sp.symbols("q k t r", nonnegative=True)
    p.states(sp.Gt(sp.Symbol("xprime"), 2 * x))  # on the region R₊(S)

    # One step, derived from the model's GD map in θ.
    p.equal(
        "u₊' = (1 − x)²u₊ and u₋' = (1 + x)²u₋",
        sp.Matrix([after(u_plus), after(u_minus)]),
        sp.Matrix([(1 - x_of) ** 2 * u_plus, (1 + x_of) ** 2 * u_minus]),
    )
    p.equal(
        "σ = x + ε = (u₊ − u₋)/2 and T̃ = η·NTK = u₊ + u₋",
        sp.Matrix([x_of + eps_of, eta * m.ntk]),
        sp.Matrix([(u_plus - u_minus) / 2, u_plus + u_minus]),
    )
    sigma_u, T_u, pi_u = (up - um) / 2, up + um, up * um
    maps = ("σ' = (1 + x²)σ − xT̃ and π = u₊u₋ has π' = (1 − x²)²π", "T̃² = 4(σ² + π)")
    p.equal(
        maps[0],
        sp.Matrix([((1 - x) ** 2 * up - (1 + x) ** 2 * um) / 2, (1 - x) ** 2 * up * (1 + x) ** 2 * um]),
        sp.Matrix([(1 + x**2) * sigma_u - x * T_u, (1 - x**2) ** 2 * pi_u]),
    )
    p.equal(maps[1], T_u**2, 4 * (sigma_u**2 + pi_u))

    # With σ > 0: δ = π/σ² ≥ 0, s = √(1 + δ) ≥ 1, T̃ = 2σs (T̃ ≥ 0).
    per_s = (
        "with σ > 0, δ = π/σ², s = √(1 + δ): T̃ = 2σs (T̃ ≥ 0, T̃² = (2σs)²), so σ' = σ(x² − 2sx + 1)",
        "and δ' = π'/σ'² = δ·((x² − 1)/(x² − 2sx + 1))²",
    )
    p.equal(
        per_s[0],
        sp.Matrix([4 * sig**2 * s**2, (1 + x**2) * sig - x * 2 * sig * s]),
        sp.Matrix([4 * (sig**2 + dl * sig**2), sig * (x**2 - 2 * s * x + 1)]),
        modulo=(s**2 - 1 - dl,),
    )
    p.equal(
        per_s[1],
        (1 - x**2) ** 2 * dl * sig**2 / (sig * (x**2 - 2 * s * x + 1)) ** 2,
        dl * ((x**2 - 1) / (x**2 - 2 * s * x + 1)) ** 2,
    )

    # s ≤ S: the step factor x² − 2sx + 1 is at least x² − 2Sx + 1, which is > 0 for x ≥ 2S + 1.
    den = (
        "(x² − 2sx + 1) − (x² − 2Sx + 1) = 2x(S − s) ≥ 0 for s ≤ S (S = s + r, r ≥ 0)",
        "x² − 2Sx + 1 > 0 for S ≥ 1, x ≥ 2S + 1 (S = 1 + q, x = 2S + 1 + k)",
    )
    p.equal(den[0], (x**2 - 2 * s * x + 1) - (x**2 - 2 * (s + r_) * x + 1), _nonnegative(2 * x * r_))
    Sq = 1 + q
    p.positive(
        den[1], (x**2 - 2 * S * x + 1).subs(S, Sq).subs(x, 2 * Sq + 1 + k), sp.expand((2 * Sq + 1 + k) * (1 + k)) + 1
    )

    # x' ≥ 2x: σ' ≥ σ(x² − 2Sx + 1) with σ = x + ε, and ε ≥ −x/2 (ε = x(t − ½), t ≥ 0).
    grow = (
        "x' − 2x = σ' − ε − 2x ≥ (x + ε)(x² − 2Sx + 1) − ε − 2x = x((t + ½)(x² − 2Sx) − 1) for ε = x(t − ½)",
        "x((t + ½)(x² − 2Sx) − 1) > 0 for S ≥ 1, x ≥ 2S + 1, t ≥ 0",
    )
    eps_t = x * (t - half)
    p.equal(grow[0], (x + eps_t) * (x**2 - 2 * S * x + 1) - eps_t - 2 * x, x * ((t + half) * (x**2 - 2 * S * x) - 1))
    xk = 2 * Sq + 1 + k
    p.positive(
        grow[1],
        (x * ((t + half) * (x**2 - 2 * S * x) - 1)).subs(S, Sq).subs(x, xk),
        xk * sp.expand((t + half) * (2 * Sq + 1 + k) * (1 + k) - 1),
    )
    positive_sigma = "σ = x + ε = x(t + ½) > 0 for ε = x(t − ½), t ≥ 0 (that is, x ≥ −2ε)"
    p.positive(positive_sigma, x + eps_t, x * (t + half))
    doubled = "so x' > 2x on x ≥ max(2S + 1, −2ε) (σ > 0, s ≤ S)"
    p.infer(doubled, (positive_sigma, *maps, *per_s, *den, *grow))

    # δ grows by at most (1 + 4S/x)² per step, and x/(x + 20S) absorbs it because x at least doubles.
    ratio = (
        "(1 + 4S/x)(x² − 2Sx + 1) − (x² − 1) > 0 for x = 4S + k ≥ 4S",
        "so 0 ≤ (x² − 1)/(x² − 2sx + 1) ≤ (x² − 1)/(x² − 2Sx + 1) < 1 + 4S/x, and δ' ≤ δ(1 + 4S/x)²",
    )
    x4 = 4 * S + k
    p.positive(
        ratio[0], ((1 + 4 * S / x) * (x**2 - 2 * S * x + 1) - (x**2 - 1)).subs(x, x4), 2 * S * k + 2 + 4 * S / x4
    )
    p.infer(ratio[1], (ratio[0], *den, per_s[1]))
    absorb = (
        "2x/(2x + 20S) − (x/(x + 20S))(1 + 4S/x)² > 0 for x = 50S + k ≥ 50S",
        "x'/(x' + 20S) − 2x/(2x + 20S) = 20S(x' − 2x)/((x' + 20S)(2x + 20S)) ≥ 0 for x' ≥ 2x > 0",
    )
    x50 = 50 * S + k
    p.positive(
        absorb[0],
        (2 * x / (2 * x + 20 * S) - x / (x + 20 * S) * (1 + 4 * S / x) ** 2).subs(x, x50),
        2 * S * (20 * S**2 + 52 * S * k + k**2) / ((50 * S + k) * (60 * S + k) * (70 * S + k)),
    )
    xp = sp.Symbol("xprime", positive=True)
    p.equal(
        absorb[1],
        xp / (xp + 20 * S) - 2 * x / (2 * x + 20 * S),
        20 * S * (xp - 2 * x) / ((xp + 20 * S) * (2 * x + 20 * S)),
    )
    member = "δ ≤ (S² − 1)x/(x + 20S) ⇔ π(x + 20S) ≤ (S² − 1)σ²x (multiply by σ²(x + 20S) > 0)"
    p.equal(
        member,
        (S**2 - 1) * sig**2 * x - dl * sig**2 * (x + 20 * S),
        sig**2 * (x + 20 * S) * ((S**2 - 1) * x / (x + 20 * S) - dl),
    )
    invariant = (
        "R₊(S) is invariant: δ' ≤ (S² − 1)(x/(x + 20S))(1 + 4S/x)² ≤ (S² − 1)·2x/(2x + 20S) ≤ "
        "(S² − 1)x'/(x' + 20S) ≤ S² − 1 (so s' ≤ S), x' > 2x ≥ 100S, x' > x ≥ −2ε; hence x_k ≥ 2^k·x_0, "
        "z̃ = x/w → ∞ and z²/2 → ∞"
    )
    p.infer(invariant, (doubled, ratio[1], *absorb, member))

    # Mirror: exchange θ_1 and θ_2, E ↦ −E; maps GD to GD and (x, ε, σ, π) to (−x, −ε, −σ, π).
    swap = {th1: th2, th2: th1}
    mirror = "exchanging θ_1 and θ_2 with E ↦ −E commutes with GD and negates z (so x, ε, σ) while fixing T̃ and π"
    p.equal(
        mirror,
        sp.Matrix([*step.xreplace(swap).subs(E, -E), m.output.xreplace(swap).subs(E, -E), m.ntk.xreplace(swap)]),
        sp.Matrix([step[1], step[0], -m.output, m.ntk]),
    )
    p.infer("mirror: R₋(S) is invariant with x' < 2x", (invariant, mirror))

    # Any trace-zero Q: eigenvalues ±w, Q² = w²I, so T̃ = ηw²|θ|² and σ = w(z̃ + ηE) without diagonalising.
    qq, rr = sp.symbols("q r", real=True)
    Qt = sp.Matrix([[qq, rr], [rr, -qq]])
    lam = sp.Symbol("lambda", real=True)
    p.equal(
        "Q = [[q, r], [r, −q]]: det(λI − Q) = λ² − w² with w² = q² + r², and Q² = w²I",
        sp.Matrix([(lam * sp.eye(2) - Qt).det(), *(Qt * Qt)]),
        sp.Matrix([lam**2 - (qq**2 + rr**2), *((qq**2 + rr**2) * sp.eye(2))]),
    )
    p.uses(
        "rotation",
        "in the eigenbasis of such a Q (φ = Vᵀθ, V orthogonal) the lemma above applies, with the same z̃ "
        "and T̃ = ηθᵀQ²θ = ηw²|θ|², σ = w(z̃ + ηE), π = (T̃² − 4σ²)/4",
    )
    p.covers(
        "any symmetric Q with eigenvalues −w and w",
        "Q = [[q, r], [r, −q]]: det(λI − Q) = λ² − w² with w² = q² + r², and Q² = w²I",
        "in the eigenbasis of such a Q (φ = Vᵀθ, V orthogonal) the lemma above applies, with the "
        "same z̃ and T̃ = ηθᵀQ²θ = ηw²|θ|², σ = w(z̃ + ηE), π = (T̃² − 4σ²)/4",
    )
    p.covers("or any trace-zero Q", "Q = [[q, r], [r, −q]]: det(λI − Q) = λ² − w² with w² = q² + r², and Q² = w²I")
    p.covers("any E and η > 0", invariant)
    p.covers("For every S ≥ 1 the region", invariant)


if __name__ == "__main__":
    from eos_theory.core.registry import print_proof

    print_proof(__name__)
