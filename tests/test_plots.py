"""Tests of eos_theory.outputs.plots: the files are written, and the data plotted agree with the closed forms.

Pixels are not tested.  Every expected value is computed here from the formulas of docs/eos-2d.md
(symmetric case ω₁ = −1, ω₂ = 1, E = 1, so e = η):

* EOS orbit: η·NTK = 1 + e ± √((e − 1)(e + 3)), mean 1 + e, points z̃ = y± = (1 − e ± √(...))/2;
* window 1 < e < √5 − 1; two-step multipliers μ∥ = 7 − 4e − 2e², μ⊥ = 3 − 2e;
* least η·NTK on the minima 2e; from θ₁ = θ₂ = t a converged run ends in [2e, 2√(e² + P₀²)] with
  P₀ = J̃(ω₁)J̃(ω₂) = −ηt²;
* GD in θ: θᵢ' = (1 − ηzωᵢ)θᵢ with z = (θ₂² − θ₁²)/2 − 1; in (z̃, J̃ᵢ²): J̃ᵢ²' = (1 − z̃ωᵢ)²J̃ᵢ².

Digits and tolerances follow from the precision of each figure (:func:`rounding_digits`) and, for
runs that end on the orbit, from its multipliers and the steps run (:func:`guaranteed_digits`).
"""

from __future__ import annotations

import itertools
import subprocess
import sys
from fractions import Fraction

import numpy as np
import pytest
import sympy as sp
from mpmath import mp, mpf, sqrt

from eos_theory.numbers.decimals import agreeing_digits
from eos_theory.numbers.parse import InputError, exact
from eos_theory.outputs import plots
from eos_theory.quadratic.gd import Problem, gd_mp
from eos_theory.quadratic.runs import required_digits

PNG = b"\x89PNG\r\n\x1a\n"
PDF = b"%PDF-"


def mpq(q) -> mpf:
    q = Fraction(q)
    return mpf(q.numerator) / q.denominator


def cycle(e) -> tuple[mpf, mpf]:
    """1 + e ∓ √((e − 1)(e + 3)) at the current mp precision."""
    e = mpq(e) if not isinstance(e, mpf) else e
    d = sqrt((e - 1) * (e + 3))
    return 1 + e - d, 1 + e + d


def rounding_digits(dps: int) -> int:
    """Digits left by rounding where GD has settled at dps digits: ~15 roundings per step of
    10^-dps, accumulated under a contraction μ ≤ 0.9, give ≤ 1.5·10^-(dps-2), doubled in η·NTK."""
    return dps - 3


def guaranteed_digits(zs, Ts, e, dps: int) -> int:
    """Digits to which the last two η·NTK values of a run must agree with the cycle (e in the window).

    Let k₀ be the first step from which η·NTK stays within 1/10 of a cycle value and A₁ = J̃(ω₁)²
    = (T̃ − 2(z̃ + e))/2 (the off-axis amplitude, 0 on the orbit) within 1/10.  From there the
    two-step map contracts the along-axis offset by μ∥ = 7 − 4e − 2e² and A₁ (∝ θ₁²) by μ⊥² =
    (3 − 2e)², so after n = (steps − k₀)//2 two-step iterations η·NTK is off by at most
    0.2·|μ∥|ⁿ + 2·|A₁(k₀)|·μ⊥²ⁿ; one digit goes to the nonlinear start, and rounding caps the rest.
    """
    e = mpq(e)
    lo, hi = cycle(e)
    A1 = [(T - 2 * (z + e)) / 2 for z, T in zip(zs, Ts)]
    near = [abs(a) <= mpf(1) / 10 and min(abs(T - lo), abs(T - hi)) <= mpf(1) / 10 for a, T in zip(A1, Ts)]
    k0 = next(k for k in range(len(Ts)) if all(near[k:]))
    n = (len(Ts) - 1 - k0) // 2
    along, across = 7 - 4 * e - 2 * e**2, 3 - 2 * e
    bound = mpf(2) / 10 * abs(along) ** n + 2 * abs(A1[k0]) * across ** (2 * n)
    return min(rounding_digits(dps), int(-mp.log10(bound)) - 1)


def minimum_digits(zs, Ts, dps: int) -> int:
    """Digits of z̃ = 0 that a run settling on a minimum must reach (|z̃_end| ≤ 10^-digits).

    From the first step k₀ after which |z̃| ≤ 1/10, each step multiplies z̃ by 1 − T̃ + z̃(e + z̃)
    (the symmetric GD map), whose size stays within 1/10 of |1 − T̃_end| as T̃ settles: after
    n = steps − k₀ steps |z̃| ≤ (1/10)(|1 − T̃_end| + 1/10)ⁿ; one digit for the start, and
    rounding caps the rest.
    """
    k0 = next(k for k in range(len(zs)) if all(abs(z) <= mpf(1) / 10 for z in zs[k:]))
    rate = abs(1 - Ts[-1]) + mpf(1) / 10
    bound = rate ** (len(zs) - 1 - k0) / 10
    return min(rounding_digits(dps), int(-mp.log10(bound)) - 1)


@pytest.fixture(scope="module")
def fig1():
    return plots.fig1_sharpening()


@pytest.fixture(scope="module")
def fig2():
    return plots.fig2_reduced_plane()


@pytest.fixture(scope="module")
def fig3():
    return plots.fig3_bifurcation()


@pytest.fixture(scope="module")
def fig4():
    return plots.fig4_landscape()


# ---------------------------------------------------------------------------------------------
# Files
# ---------------------------------------------------------------------------------------------


# PDF output is checked the same way through the command line (tests/test_cli.py), so that each
# format is drawn once per run.
@pytest.mark.long
@pytest.mark.parametrize("fmt, magic", [("png", PNG)])
def test_draw_all_writes_four_files(tmp_path, fmt, magic):
    out = tmp_path / "figs"
    paths = plots.draw_all(out, fmt)
    names = ["fig1_sharpening", "fig2_reduced_plane", "fig3_bifurcation", "fig4_landscape"]
    assert paths == [out / f"{n}.{fmt}" for n in names]
    for p in paths:
        data = p.read_bytes()
        assert data.startswith(magic), p
        assert len(data) > 5_000, p  # a drawn figure, not an empty canvas
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{n}.{fmt}" for n in names)


def test_bad_format_is_refused(tmp_path):
    with pytest.raises(InputError, match="format"):
        plots.draw_all(tmp_path, "svg")
    with pytest.raises(InputError, match="format"):
        plots.fig4_landscape(tmp_path / "x.jpg", steps=1, m=5)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.long
def test_no_global_matplotlib_state():
    """Importing the module loads no matplotlib; drawing uses no pyplot and leaves rcParams alone."""
    code = (
        "import sys, tempfile, pathlib\n"
        "import eos_theory.outputs.plots as p\n"
        "assert 'matplotlib' not in sys.modules, 'imported at module import'\n"
        "import matplotlib as mpl\n"
        # raw values: reading rcParams['backend'] the normal way would itself import pyplot
        "rc = lambda: {k: dict.__getitem__(mpl.rcParams, k) for k in mpl.rcParams}\n"
        "before = rc()\n"
        "p.fig4_landscape(pathlib.Path(tempfile.mkdtemp()) / 'f.png', steps=2, m=11)\n"
        "assert 'matplotlib.pyplot' not in sys.modules, 'pyplot imported'\n"
        "assert rc() == before, 'rcParams changed'\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr


# ---------------------------------------------------------------------------------------------
# Figure 1: sharpening into the EOS orbit
# ---------------------------------------------------------------------------------------------


def test_fig1_reference_lines_are_the_closed_forms(fig1):
    assert fig1.lr == Fraction(11, 10)
    with mp.workdps(fig1.dps):
        lo, hi = cycle(fig1.lr)  # here and in the figure: one evaluation at dps digits, a few roundings
        assert fig1.eos == 2
        assert agreeing_digits(fig1.cycle[0], lo, dps=fig1.dps) >= fig1.dps - 2
        assert agreeing_digits(fig1.cycle[1], hi, dps=fig1.dps) >= fig1.dps - 2
        assert agreeing_digits(fig1.mean, 1 + mpq(fig1.lr), dps=fig1.dps) >= fig1.dps - 2


def test_fig1_run_ends_on_the_cycle_to_the_digits_guaranteed(fig1):
    with mp.workdps(fig1.dps):
        digits = guaranteed_digits(fig1.zt, fig1.ntk, fig1.lr, fig1.dps)
        assert digits >= 40  # 500 steps at 50 digits: precision-limited (47)
        lo, hi = cycle(fig1.lr)
        a, b = sorted(fig1.ntk[-2:])
        assert agreeing_digits(a, lo, dps=fig1.dps) >= digits
        assert agreeing_digits(b, hi, dps=fig1.dps) >= digits
        # the cycle mean is not the EOS: offset e − 1 = 1/10
        # (a + b)/2 − 2 = 1/10 is 21 times smaller than (a + b)/2, so it keeps 2 digits fewer
        assert agreeing_digits((a + b) / 2 - 2, mpf(1) / 10, dps=fig1.dps) >= digits - 2
    assert fig1.digits >= digits


def test_fig1_starts_at_the_paper_init_and_sharpens(fig1):
    e, t = fig1.lr, fig1.t
    with mp.workdps(fig1.dps):
        T0 = mpq(e) * 2 * mpq(t) ** 2  # η(ω₁²t² + ω₂²t²)
        assert agreeing_digits(fig1.ntk[0], T0, dps=fig1.dps) >= fig1.dps - 2
        assert agreeing_digits(fig1.zt[0], -mpq(e), dps=fig1.dps) >= fig1.dps - 2  # x₀ = −ε
        # first step: T̃₁ − T̃₀ = ε²T̃₀ exactly (x₀ = −ε in T̃' − T̃ = x²T̃ − 4x(x + ε)); the difference
        # of T̃₁ ≈ 2.2T̃₀ and T̃₀ (each within ~10 roundings) against 1.21T̃₀ loses under a digit more
        assert agreeing_digits(fig1.ntk[1] - fig1.ntk[0], mpq(e) ** 2 * T0, dps=fig1.dps) >= rounding_digits(fig1.dps)
    T = [float(v) for v in fig1.ntk]
    k = next(i for i, v in enumerate(T) if v > 2)  # progressive sharpening up to the EOS
    assert 3 < k < fig1.shown
    assert all(a < b for a, b in itertools.pairwise(T[: k + 1]))


def test_fig1_refuses_lr_outside_the_window():
    with pytest.raises(InputError, match="window"):
        plots.fig1_sharpening(lr="1/2", steps=10)
    with pytest.raises(InputError, match="window"):
        plots.fig1_sharpening(lr="5/4", steps=10)


# ---------------------------------------------------------------------------------------------
# Figure 2: the reduced plane
# ---------------------------------------------------------------------------------------------


def reduced_step(z, T, e):
    """One GD step in (z̃, T̃) via the mode amplitudes A₁ = J̃(ω₁)², A₂ = J̃(ω₂)²."""
    A1, A2 = (T - 2 * (z + e)) / 2, (T + 2 * (z + e)) / 2  # T̃ = A₁ + A₂, z̃ = (A₂ − A₁)/2 − e
    A1, A2 = (1 + z) ** 2 * A1, (1 - z) ** 2 * A2
    return (A2 - A1) / 2 - e, A1 + A2


def test_fig2_trajectories_are_gd_in_the_reduced_plane(fig2):
    with mp.workdps(fig2.dps):
        for pan in fig2.panels:
            e = mpq(pan.lr)
            for (t1, t2), (zs, Ts) in zip(pan.starts, pan.trajectories):
                t1, t2 = mpq(t1), mpq(t2)
                assert agreeing_digits(zs[0], e * ((t2**2 - t1**2) / 2 - 1), dps=fig2.dps) >= fig2.dps - 2
                assert agreeing_digits(Ts[0], e * (t1**2 + t2**2), dps=fig2.dps) >= fig2.dps - 2
                for k in range(40):
                    z1, T1 = reduced_step(zs[k], Ts[k], e)
                    # both sides are one step from values rounded at dps digits: ~20 roundings of
                    # terms no larger than (1 + |z̃|)²(T̃ + 2|z̃ + e|), the amplitudes' size
                    tol = 20 * mpf(10) ** -fig2.dps * (1 + abs(zs[k])) ** 2 * (Ts[k] + 2 * abs(zs[k] + e) + 1)
                    assert abs(z1 - zs[k + 1]) <= tol and abs(T1 - Ts[k + 1]) <= tol


def test_fig2_landmarks_are_the_closed_forms(fig2):
    lrs = [pan.lr for pan in fig2.panels]
    assert lrs == [Fraction(1, 2), Fraction(11, 10)]
    with mp.workdps(fig2.dps):
        for pan in fig2.panels:
            e = mpq(pan.lr)
            assert pan.stable == (0, 2)
            assert agreeing_digits(pan.min_ntk, 2 * e, dps=fig2.dps) >= fig2.dps - 2
            if pan.lr < 1:
                assert pan.orbit is None
                continue
            d = sqrt((e - 1) * (e + 3))
            expected = (((1 - e - d) / 2, 1 + e - d), ((1 - e + d) / 2, 1 + e + d))
            for (z, T), (z0, T0) in zip(pan.orbit, expected):
                assert agreeing_digits(z, z0, dps=fig2.dps) >= fig2.dps - 2
                assert agreeing_digits(T, T0, dps=fig2.dps) >= fig2.dps - 2


def test_fig2_trajectories_end_where_the_theory_says(fig2):
    with mp.workdps(fig2.dps):
        for pan in fig2.panels:
            e = mpq(pan.lr)
            settled = mpf(10) ** -rounding_digits(fig2.dps)
            for zs, Ts in pan.trajectories:
                if pan.lr < 1:  # a stable minimum: z̃ = 0, 2e ≤ η·NTK < 2
                    assert minimum_digits(zs, Ts, fig2.dps) == rounding_digits(fig2.dps)  # 200 steps
                    assert abs(zs[-1]) < settled
                    # η·NTK − 2z̃ − 2e = 2ηθ₁² ≥ 0 (ω = ∓1): a minimum's η·NTK is at least 2e
                    assert 2 * e + 2 * zs[-1] - settled * Ts[-1] <= Ts[-1] < 2
                else:  # the EOS orbit
                    digits = guaranteed_digits(zs, Ts, pan.lr, fig2.dps)
                    assert digits >= 15  # 200 steps at 30 digits: 19 (slowest start) to 27 digits
                    lo, hi = cycle(e)
                    a, b = sorted(Ts[-2:])
                    assert agreeing_digits(a, lo, dps=fig2.dps) >= digits
                    assert agreeing_digits(b, hi, dps=fig2.dps) >= digits


# ---------------------------------------------------------------------------------------------
# Figure 3: bifurcation diagram
# ---------------------------------------------------------------------------------------------


def test_fig3_overlays_are_the_closed_forms(fig3):
    e = fig3.e
    assert sp.simplify(fig3.window[0] - 1) == 0
    assert sp.simplify(fig3.window[1] - (sp.sqrt(5) - 1)) == 0
    assert fig3.eos == 2
    inside = (e > 1) & (e < np.sqrt(5) - 1)
    assert inside.sum() > 100
    d = np.sqrt((e[inside] - 1) * (e[inside] + 3))
    # Round-off of both sides (u = 2⁻⁵³).  Here e − 1 is exact (Sterbenz), e + 3, the product and
    # the root round once each: |δd| ≤ 2u·d, and 1 + e ± d two more roundings: 2u(1 + e + d).  The
    # figure evaluates SymPy's form 1 + ε ∓ √(ε² + 2ε − 3): the argument is off by
    # ≤ u(2ε² + 2ε + d²), which the root turns into u(2ε² + 2ε + d²)/(2d) (large near e = 1, where
    # d → 0), plus u·d for the root and 2u(1 + e + d) for the sums.
    u = 2.0**-53
    ei = e[inside]
    tol = u * ((2 * ei**2 + 2 * ei + d**2) / (2 * d) + 3 * d + 4 * (1 + ei + d))
    assert np.all(np.abs(fig3.cycle[0][inside] - (1 + ei - d)) <= tol)
    assert np.all(np.abs(fig3.cycle[1][inside] - (1 + ei + d)) <= tol)
    np.testing.assert_allclose(fig3.mean[inside], 1 + e[inside], rtol=u, atol=0)
    for arr in (*fig3.cycle, fig3.mean):
        assert np.all(np.isnan(arr[~inside]))
    below = e < 1
    np.testing.assert_array_equal(fig3.min_ntk[below], 2 * e[below])  # doubling is exact
    assert np.all(np.isnan(fig3.min_ntk[~below]))


def test_fig3_sweep_in_the_window_is_the_cycle(fig3):
    """Where the two-step contraction ρ = max(|μ∥|, |μ⊥|) ≤ 0.9, float64 GD sits on the orbit up to
    rounding: ≈ 20 roundings (u = 2⁻⁵³) of size ≤ |T̃| per two steps, damped by ρ, accumulate to at
    most 20·u·|T̃|/(1 − ρ) ≈ 7e-13; the initial transient has decayed by ρ^((steps − tail)/2) ≈ 1e-67.
    """
    e, T = fig3.e, fig3.ntk
    rho = np.maximum(np.abs(7 - 4 * e - 2 * e**2), np.abs(3 - 2 * e))
    sel = (e > 1) & (e < np.sqrt(5) - 1) & (rho <= 0.9)
    assert sel.sum() > 100
    assert fig3.steps - T.shape[1] > 1000
    for ev, row, r in zip(e[sel], T[sel], rho[sel]):
        d = np.sqrt((ev - 1) * (ev + 3))
        lo, hi = 1 + ev - d, 1 + ev + d
        tol = 20 * 2.0**-53 * hi / (1 - r)
        even, odd = row[0::2], row[1::2]
        low, high = (even, odd) if even[0] < odd[0] else (odd, even)
        assert np.all(np.abs(low - lo) <= tol), ev
        assert np.all(np.abs(high - hi) <= tol), ev


def test_fig3_sweep_below_the_window_is_a_minimum(fig3):
    """From θ₁ = θ₂ = t, GD ends on a minimum with 2e ≤ η·NTK ≤ 2√(e² + P₀²), P₀ = −ηt² (e = η).

    Float64 margin: each step's ~15 roundings err by ≤ u = 2⁻⁵³ relative.  Along the line of minima
    (multiplier 1) they can add up, at most 15u per step over the run; across it they are damped
    (multiplier 1 − T̃ ∈ [−0.9, −0.2] for e ≤ 0.95), adding at most 15u/(1 − 0.9) = 150u.  The
    bounds themselves are evaluated with a few more roundings (10u).  Over the tail the neutral
    drift is at most 15u per step again.
    """
    e, T = fig3.e, fig3.ntk
    sel = e <= 0.95
    assert sel.sum() > 100
    u = 2.0**-53
    margin = 15 * u * fig3.steps + 150 * u + 10 * u
    lo = 2 * e[sel]
    hi = 2 * np.sqrt(e[sel] ** 2 + (e[sel] * fig3.t**2) ** 2)
    assert np.all(T[sel] >= lo[:, None] * (1 - margin))
    assert np.all(T[sel] <= hi[:, None] * (1 + margin))
    assert np.all(np.ptp(T[sel], axis=1) <= (15 * u * T.shape[1] + 2 * 150 * u) * hi)


def test_fig3_rows_are_gd_from_the_paper_init_bit_for_bit(fig3):
    """Each plotted row is float64 GD from θ₁ = θ₂ = t at e = η: an independent 53-bit run
    (numerics.gd_mp at 15 digits, round to nearest, scalar mpmath code) gives the same bits.

    Every input is a float, hence dyadic and exact in both; the two implementations perform the
    same roundings, so equality is exact, not a tolerance.  Rows from each regime of the diagram:
    minimum, both sides of e = 1, the window, past its end (period 4) and the chaotic end.
    """
    e = fig3.e
    one, end = np.searchsorted(e, 1.0), np.searchsorted(e, np.sqrt(5) - 1)
    rows = [
        0,
        np.searchsorted(e, 0.85),
        one - 1,
        one,
        np.searchsorted(e, 1.05),
        np.searchsorted(e, 1.2),
        end - 1,
        np.searchsorted(e, 1.3),
        np.searchsorted(e, 1.9),
    ]
    assert e[one - 1] < 1 < e[one] and e[end - 1] < np.sqrt(5) - 1 < e[rows[7]] < 1.31 and e[rows[8]] < 2
    tail = fig3.ntk.shape[1]
    t0 = exact(fig3.t)
    for i in rows:
        problem = Problem.diagonal([-1, 1], 1, exact(float(fig3.e[i])))
        ref = gd_mp(problem, [t0, t0], fig3.steps, dps=15, record=True).Tt[-tail:]
        assert [float(v) for v in ref] == fig3.ntk[i].tolist(), f"row {i}, e = {fig3.e[i]}"


def test_fig3_spot_checks_at_50_digits(fig3):
    assert fig3.dps >= 50
    by_lr = {s.lr: s for s in fig3.spots}
    assert set(by_lr) == {Fraction(3, 4), Fraction(21, 20), Fraction(11, 10), Fraction(6, 5), Fraction(5, 4)}
    need = required_digits(fig3.dps)  # θ repeats to at least this many digits when a run settles
    with mp.workdps(fig3.dps):
        for lr in (Fraction(21, 20), Fraction(11, 10), Fraction(6, 5)):  # in the window
            s = by_lr[lr]
            assert s.period == 2 and s.repeat_digits >= need
            # η·NTK is quadratic in θ (≤ 1 digit) and the orbit contracts (two-step multipliers ≤ 0.9 in
            # modulus on these three: ≤ 1 more digit between the repeat gap and the distance to the orbit)
            for v, w in zip(sorted(s.ntk), cycle(lr)):
                assert agreeing_digits(v, w, dps=fig3.dps) >= need - 2
        s = by_lr[Fraction(3, 4)]  # minimum regime: a fixed point in θ
        assert s.period == 1 and len(s.ntk) == 1 and s.repeat_digits >= need
        e, t = mpf(3) / 4, mpq(Fraction(fig3.t))
        for v in s.ntk:
            assert 2 * e * (1 - mpf(10) ** -need) <= v <= 2 * sqrt(e**2 + (e * t**2) ** 2) * (1 + mpf(10) ** -need)
        s = by_lr[Fraction(5, 4)]  # past √5 − 1 ≈ 1.236: the 2-cycle has period-doubled
        assert s.period == 4 and s.repeat_digits >= need
        assert abs(s.ntk[-1] - s.ntk[-3]) > mpf(1) / 10


# ---------------------------------------------------------------------------------------------
# Figure 4: the loss landscape
# ---------------------------------------------------------------------------------------------


def test_fig4_landscape_is_the_squared_hyperbolic_paraboloid(fig4):
    t1, t2 = np.meshgrid(fig4.theta1, fig4.theta2)
    z = (t2**2 - t1**2) / 2 - 1
    # the figure computes (ω₁θ₁² + ω₂θ₂²)/2 − E with ω = (−1, 1): the same float operations as here
    # (negation and the halving are exact), so the grids are equal bit for bit
    np.testing.assert_array_equal(fig4.loss, z**2 / 2)
    h1, h2 = fig4.hyperbola
    # θ₂ = √(2 + θ₁²): h1², 2 + h1², the root, its square and the differences each round once
    # (u = 2⁻⁵³) at a size ≤ 2 + h1², so the identity holds to 6u(2 + h1²)
    assert np.all(np.abs(h2**2 - h1**2 - 2) <= 6 * 2.0**-53 * (2 + h1**2))
    assert np.all(h2 > 0)


def test_fig4_paths_are_gd_and_end_as_predicted(fig4):
    dps = 30  # the figure's default
    with mp.workdps(dps):
        for lr, pts in fig4.paths:
            eta = mpq(lr)
            for (a, b), (a1, b1) in itertools.pairwise(pts):
                z = (b**2 - a**2) / 2 - 1
                # one step computed twice at dps digits from the same θ: ~8 roundings each, of terms
                # no larger than |θ|(1 + |ηz|)
                tol = 16 * mpf(10) ** -dps * (abs(a) + abs(b)) * (1 + abs(eta * z))
                assert abs((1 + eta * z) * a - a1) <= tol and abs((1 - eta * z) * b - b1) <= tol
            a, b = pts[-1]
            zs = [eta * ((q**2 - p**2) / 2 - 1) for p, q in pts]
            Ts = [eta * (p**2 + q**2) for p, q in pts]
            if lr < 1:  # a zero-loss minimum on the hyperbola
                digits = minimum_digits(zs, Ts, dps)
                assert digits >= 10  # 60 steps
                assert abs(zs[-1]) < mpf(10) ** -digits
            else:  # the EOS orbit on axis 2: θ₁ → 0, ηθ₂² = 1 + e ∓ √((e − 1)(e + 3))
                digits = guaranteed_digits(zs, Ts, lr, dps)
                assert digits >= 5  # 60 steps only
                lo, hi = cycle(lr)
                got = sorted(eta * p[1] ** 2 for p in pts[-2:])
                assert agreeing_digits(got[0], lo, dps=dps) >= digits and agreeing_digits(got[1], hi, dps=dps) >= digits
                assert eta * a**2 <= mpf(10) ** -digits * Ts[-1]  # A₁ = ηθ₁² is part of the η·NTK offset
    ((lr, _),) = [p for p in fig4.paths if p[0] > 1]
    e = sp.Rational(lr.numerator, lr.denominator)
    d = sp.sqrt((e - 1) * (e + 3))
    marked = sorted((p[0] ** 2 + p[1] ** 2 for p in fig4.orbit), key=float)
    assert [sp.simplify(m - v / e) for m, v in zip(marked, (1 + e - d, 1 + e + d))] == [0, 0]
    assert all(p[0] == 0 for p in fig4.orbit)


def test_fig3_cascade_marks_are_the_certified_thresholds(fig3):
    """The marks are e₁ = 1, e₂ = √5 − 1 (exact) and then increasing thresholds below the chaos onset,
    each certified; the digits printed in docs/eos-2d.md §5b (a 30-digit run) agree with them."""
    ths = fig3.thresholds
    assert [th.period for th in ths] == [1, 2, 4, 8, 16, 32]
    assert ths[0].e == "1" and abs(float(ths[1].e) - (5**0.5 - 1)) < 1e-7
    assert [th.evidence for th in ths] == ["exact", "exact"] + ["interval"] * 4
    documented = ["1.28803175448", "1.29922793965", "1.30162891404", "1.30214327158"]
    for th, doc in zip(ths[2:], documented):
        assert abs(float(th.e) - float(doc)) <= 10**-7  # 8 significant digits shown
    values = [float(th.e) for th in ths]
    assert values == sorted(values) and values[-1] < float(fig3.onset[0]) < float(fig3.crisis)
    assert fig3.crisis == 2


def test_fig3_time_average_is_the_cycle_mean_in_the_window(fig3):
    """Inside the window (where the test above bounds the tail) the time average over an even number
    of steps is the cycle mean 1 + e; past the crisis region the runs diverge and give no average."""
    e = fig3.e
    rho = np.maximum(np.abs(7 - 4 * e - 2 * e**2), np.abs(3 - 2 * e))
    sel = (e > 1) & (e < np.sqrt(5) - 1) & (rho <= 0.9)
    assert fig3.average % 2 == 0
    np.testing.assert_allclose(fig3.time_mean[sel], 1 + e[sel], rtol=0, atol=1e-11)


def test_fig3_chaotic_means_agree_with_the_documented_long_runs(fig3):
    """The figure's 8-run intervals at e = 7/5 and 3/2 overlap the 64-run × 10⁵-step intervals of
    docs/eos-2d.md §5c (benchmarks/chaos.py --numbers: [2.47561, 2.47599] and [2.36884, 2.36957])."""
    documented = {sp.Rational(7, 5): (2.47561, 2.47599), sp.Rational(3, 2): (2.36884, 2.36957)}
    assert len(fig3.chaos) == 2
    for e, est in fig3.chaos:
        lo, hi = documented[sp.Rational(e)]
        assert est.low <= hi and lo <= est.high, (e, est)
        assert est.level == 0.95 and est.high - est.low < 0.02
