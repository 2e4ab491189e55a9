"""The generic edge-of-stability analysis (anymodel, flip, anyreport, ``eos-theory analyze``).

Expected values come from independent derivations: hand results (uv, products), analysis.py's
closed forms for the quadratic model, the 1-D flip condition of Chen & Bruna (2023), and mpmath
2-cycles found here by findroot, independently of the code under test.
"""

from __future__ import annotations

import itertools
import json
import shutil
import subprocess

import numpy as np
import pytest
import sympy as sp
from clitools import one_line_error, run
from mpmath import mp, mpf

from eos_theory.anymodel import analysis, flip
from eos_theory.anymodel.conserved import conserved_quantities, invariant_subspaces
from eos_theory.anymodel.definition import from_model, loss_derivatives, parse, r, spec
from eos_theory.anymodel.minima import least_sharpness
from eos_theory.anymodel.report import load_model_file, report
from eos_theory.core import model
from eos_theory.core.proof import same
from eos_theory.numbers.decimals import agreeing_digits
from eos_theory.numbers.intervals import exact_sign
from eos_theory.numbers.parse import InputError
from eos_theory.quadratic import closed_forms as A

# -- hand results ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params, output, least, eta_c",
    [
        (["u", "v"], "u*v", 2, 1),  # u² + v² on uv = 1: 2 at |u| = |v| = 1
        (["x", "y", "z"], "x*y*z", 3, sp.Rational(2, 3)),  # y²z² + x²z² + x²y² ≥ 3 (AM–GM) on xyz = 1
        (["x", "y", "z", "w"], "x*y*z*w", 4, sp.Rational(1, 2)),
    ],
)
def test_least_sharpness_and_critical_step_of_the_hand_models(params, output, least, eta_c):
    m = least_sharpness(spec(params, [output], [1]))
    assert m.status == "exact"
    assert m.value == least and m.critical_lr == eta_c
    assert all(abs(c) == 1 for c in m.point)


def test_the_minima_are_named_by_the_model_itself_not_by_letters_it_may_use():
    """With parameters named f and y, a generic "M = {f = y}" would read as the set where f equals y."""
    m = least_sharpness(spec(["f", "y"], ["f*y"], [2]))
    assert m.status == "exact" and "on M = {θ : f*y = 2}" in m.how and "f = y" not in m.how
    res = analysis.analyze(spec(["f", "y"], ["f*y"], [2]), degree=0)
    assert "over the zero-residual minima M = {θ : f*y = 2}" in report(res)["how"]["least_sharpness"]


def test_log_cosh_curvature_and_the_loss_check():
    d = loss_derivatives(sp.log(sp.cosh(r)))
    assert (d.d1, d.d2, d.d3, d.d4) == (0, 1, 0, -2)  # log cosh r = r²/2 − r⁴/12 + …
    for bad in ("r", "r^3", "-r^2", "r^4"):
        with pytest.raises(InputError, match="loss without a minimum at zero residual"):
            spec(["u"], ["u"], [0], loss=bad)


def test_uv_conserved_quantity_and_invariant_slices():
    s = spec(["u", "v"], ["u*v"], [1])
    (q,) = conserved_quantities(s, 2).quantities
    u, v = s.params
    assert sp.expand(q - (u**2 - v**2)) == 0 or sp.expand(q + (u**2 - v**2)) == 0
    names = {i.name for i in invariant_subspaces(s).subspaces}
    assert {"v = u", "v = −u"} <= names and "u = 0" not in names


@pytest.mark.parametrize(
    "params, outputs, found",
    [
        (["v", "w"], ["v*exp(w)"], 1),  # v² − 2w: ∇I·∇f = 2v·e^w − 2·ve^w
        (["u", "v", "w"], ["u*v + sqrt(w)"], 1),  # u² − v², whatever w does
        (["a", "b", "c"], ["a*tanh(b*c)"], 1),  # b² − c²: ∇I·∇f = 2b·ac·sech² − 2c·ab·sech²
        (["v", "w"], ["v*tanh(w)"], 0),
    ],
)
def test_conserved_quantities_of_non_polynomial_outputs(params, outputs, found):
    s = spec(params, outputs, [1])
    c = conserved_quantities(s, 2)
    assert len(c.quantities) == found and "treated as independent unknowns" in c.how
    for q in c.quantities:  # conserved by gradient flow: ∇I·∇f ≡ 0, checked here with SymPy directly
        assert all(sp.simplify(sum(sp.diff(q, t) * sp.diff(f, t) for t in s.params)) == 0 for f in s.outputs)


def test_nested_radicals_are_decided_and_simplified():
    """f = θᵀAθ, A = [[1, −½], [−½, 2]], target 3: |∇f|² = 4θᵀA²θ ≥ 4λ_min(A)·θᵀAθ = 12λ_min(A) on the
    minima (Rayleigh), λ_min = (3 − √2)/2, so the least sharpness is 18 − 6√2; SymPy reaches it through
    nested square roots, which must neither stop the flip series nor stay in the report."""
    s = spec(["u", "v"], ["u^2 + 2*v^2 - u*v"], [3])
    m = least_sharpness(s)  # the parts that meet the radicals (the window's own algebra is tested elsewhere)
    assert sp.expand(m.value - (18 - 6 * sp.sqrt(2))) == 0
    fl = flip.flip_series(s, m)
    assert fl.status == "exact" and fl.type == "supercritical"
    check = analysis.check_series(s, m, fl)
    assert check.kappa_digits >= check.expected_digits


def test_factors_without_real_roots_do_not_stop_the_exact_path():
    """f = a(bc + 1) = 2: the Lagrange system's eliminant in c has factors of degree 6 and 8 without real
    roots (no radicals needed for them).  By hand, with t = bc + 1: S = t² + a²(b² + c²) ≥ t² + 8|t − 1|/t²,
    which is 1 at t = 1 (a = 2, b = c = 0) and larger elsewhere, so the least sharpness is 1."""
    m = least_sharpness(spec(["a", "b", "c"], ["a*b*c + a"], [2]))
    assert m.status == "exact" and m.value == 1 and m.point == (2, 0, 0)


# -- the quadratic model against analysis.py --------------------------------------------------------


def _expected_window(omega, E):
    """analysis.py's window in ε = ηEω_axis (along the axis and across to every other eigenvalue), in η."""
    positive = sorted(w for w in omega if w * E > 0)
    w_axis = positive[0]
    eta_c = 1 / sp.Rational(E * w_axis)
    orb = A.eos_orbit()
    win = orb.along_window
    for w in omega:
        if w != w_axis:
            win = win & A._inside_unit(orb.across.subs(A.r, sp.Rational(w, w_axis)), A.eps)
    return eta_c, sp.Interval.open(win.start * eta_c, win.end * eta_c)


@pytest.mark.parametrize("omega, E", [((-1, 1), 1), ((3, -2), 2), ((-1, 1, 4), 1), ((-1, 1, 3), 1)])
def test_quadratic_model_reproduces_the_closed_forms(omega, E):
    s = from_model(model.quadratic(sp.diag(*omega)), {model.E: E})
    res = analysis.analyze(s, degree=0)
    eta_c, win = _expected_window(omega, E)
    lr = sp.Rational(1, 7)  # min_ntk is η·(least NTK) over the minima of the 2-D model
    if len(omega) == 2:
        assert same(res.least_sharpness, A.min_ntk(*omega, E, lr) / lr)
    assert same(res.critical_lr, eta_c)
    assert res.window.status == "exact" and same(res.window.interval, win)
    assert res.flip.type == ("supercritical" if A.flip_normal_form().coefficient > 0 else "subcritical")
    # mean η·NTK = 1 + ε with ε = η/η_c: its derivative in ε is the offset slope
    assert same(res.flip.offset_slope, sp.diff(A.eos_orbit().mean_ntk, A.eps))


def test_the_three_parameter_window_is_closed_by_a_transverse_direction():
    s = from_model(model.quadratic(sp.diag(-1, 1, 4)), {model.E: 1})
    w = analysis.analyze(s, degree=0).window
    assert w.interval.end == sp.Rational(7, 6)  # 1 + 2/(r(r − 1)) with r = 4 < √5 − 1
    assert len(w.multipliers) == 3  # along, and across to each other eigen-direction


def test_quadratic_flip_coefficient_from_the_closed_form_orbit():
    """κ = lim (η/η_c − 1)/ρ², ρ = half the distance of the closed-form orbit points (ω = 1 axis, E = 1)."""
    res = analysis.analyze(from_model(model.quadratic(sp.diag(-1, 1)), {model.E: 1}), degree=0)
    t = sp.Symbol("t", positive=True)  # ε = 1 + t
    lo, hi = (p.subs(A.eps, 1 + t) for p in A.eos_orbit().points)
    # θ² = 2(y + ε)/(η ω²) on the axis (η = ε here), θ > 0 on both points near the birth
    th = [sp.sqrt(2 * (y + 1 + t) / (1 + t)) for y in (lo, hi)]
    rho2 = ((th[1] - th[0]) / 2) ** 2
    assert sp.limit(t / rho2, t, 0, "+") == res.flip.coefficient


# -- a 1-D loss: Chen & Bruna's condition as the expectation ---------------------------------------


@pytest.mark.parametrize(
    "loss", ["r^2/2 + r^3/6 + r^4/24", "r^2/2 + r^4", "r^2 - r^3 + r^4/3", "log(cosh(r))", "r^2/2 - r^3 + 5*r^4"]
)
def test_one_dimensional_loss_flip_type_and_coefficient(loss):
    s = spec(["w"], ["w"], [0], loss=loss)
    res = analysis.analyze(s, degree=0)
    d = loss_derivatives(s.loss)
    cond = 3 * d.d3**2 - d.d2 * d.d4  # > 0: supercritical (Chen & Bruna 2023)
    assert res.flip.type == ("supercritical" if cond > 0 else "subcritical")
    # the flip normal form x ↦ −x + bx² + cx³ at η_c: ρ² = δ/(b² + c), δ = 2(η/η_c − 1)
    assert same(res.flip.coefficient, cond / (6 * d.d2**2))


def test_degenerate_one_dimensional_flip_goes_to_the_next_order():
    s = spec(["w"], ["w"], [0], loss="r^2/2 + r^3/6 + r^4/8")  # 3ℓ'''² = ℓ''ℓ'''' = 3
    f3 = flip.flip_series(s, least_sharpness(s), order=3)
    assert f3.type == "degenerate"
    f5 = flip.flip_series(s, least_sharpness(s), order=5)
    assert f5.type.startswith("degenerate (") and f5.eta_coeffs[4] != 0


# -- against mpmath 2-cycles found here ------------------------------------------------------------


def _product_two_cycle(n, delta, dps=50):
    """The 2-cycle of GD on x₁⋯x_n = 1 on the diagonal (x, …, x) at η = η_c(1 + δ), by findroot."""
    with mp.workdps(dps):
        eta_c = mpf(2) / n
        et = eta_c * (1 + mpf(delta))
        g = lambda x: x - et * (x**n - 1) * x ** (n - 1)  # noqa: E731  θ_i' on the diagonal
        d = mp.sqrt(mpf(delta)) / n
        x1, x2 = mp.findroot(lambda a, b: (g(a) - b, g(b) - a), (1 + d, 1 - d))
        ntk = lambda x: n * x ** (2 * n - 2)  # noqa: E731  |∇f|² on the diagonal
        mean = et * (ntk(x1) + ntk(x2)) / 2
        rho = abs(x1 - x2) * mp.sqrt(n) / 2
        return (mean - 2) / mpf(delta), mpf(delta) / rho**2


@pytest.mark.parametrize("n", [2, 3, 4])
def test_series_agrees_with_an_mpmath_two_cycle(n):
    names = ["x", "y", "z", "w"][:n]
    res = analysis.analyze(spec(names, ["*".join(names)], [1]), degree=0, continuation=False)
    slope, kappa = _product_two_cycle(n, "1e-10")
    # both differ from their limits by O(δ) = 1e-10 (times a constant of order 10)
    with mp.workdps(50):
        assert abs(slope - mpf(sp.N(res.flip.offset_slope, 50))) < mpf("1e-8")
        assert abs(kappa - mpf(sp.N(res.flip.coefficient, 50))) < mpf("1e-8")


def test_the_built_in_numerical_check_reports_agreeing_digits():
    res = analysis.analyze(
        spec(["u", "v"], ["u*v"], [1], loss="log(cosh(r))"), check=True, degree=0, continuation=False
    )
    assert res.check.expected_digits == 14  # 2·8 − 2 for ρ = 1e-8
    assert res.check.kappa_digits >= res.check.expected_digits


def test_gd_at_a_step_in_the_window_settles_on_the_period_two_orbit():
    s = spec(["u", "v"], ["u*v"], [1])
    m = least_sharpness(s)
    sim = analysis.simulate(s, m, "1.1")
    assert sim.status == "period-2"
    assert abs(float(sim.mean_sharpness) - 2.1) < 1e-12  # mean η·NTK = 1 + e (analysis.py), e = 1.1
    assert analysis.simulate(s, m, "1/2").status == "converged"
    assert analysis.simulate(s, m, "3").status == "diverged"


def test_gd_is_bounded_by_work_not_by_wall_time():
    """The step bound is a fixed amount of work (operations counted on the model's expressions), so the same
    run gives the same result on a loaded machine; wall time is only a safety net, which says "not finished"."""
    s = spec(["v", "w"], ["v*tanh(w)"], [1])
    per_step = analysis.step_work(s)
    slow = analysis.simulate(s, None, "1/1000", work=300 * per_step)  # far too small a step to settle in 300
    assert (slow.status, slow.steps) == ("not converged", 300) and "a work bound" in slow.how
    assert analysis.simulate_float(s, None, "1/1000", work=300 * per_step).steps == 300
    cut = analysis.simulate(s, None, "1/1000", max_seconds=0)
    assert cut.status == "not finished" and "safety limit" in cut.how and "nothing is concluded" in cut.how


# -- the window's upper end by numerical continuation ------------------------------------------------


@pytest.mark.parametrize(
    "make, end",
    [
        # closed forms derived by hand: the uv model at (x, y) = (2, 3) has η_c = 1/(|xy|) · ½ = 1/6 and the
        # quadratic model's ratio √5 − 1; Q = diag(−1, 1, 4): the ω = 4 direction closes it at 1 + 2/(4·3) = 7/6
        (lambda: spec(["u", "v"], ["2*u*v"], [3]), (sp.sqrt(5) - 1) / 6),
        (lambda: from_model(model.quadratic(sp.diag(-1, 1, 4)), {model.E: 1}), sp.Rational(7, 6)),
    ],
)
def test_continued_window_end_matches_the_closed_form(make, end):
    s = make()
    m = least_sharpness(s)
    fl = flip.flip_series(s, m)
    w = flip.numerical_window(s, m, fl, "test")
    assert w.status == "decimal" and w.digits >= 12
    assert "20 and 30 digits" in w.how and f"{w.digits} agreeing" in w.how
    with mp.workdps(40):  # the decimal is good to its stated digits (± one in the last)
        assert agreeing_digits(mpf(w.upper), mpf(sp.N(end, 40)), 40) >= w.digits - 1
    lo, hi = w.enclosure  # the certified enclosure holds the exact end
    assert "Krawczyk" in w.how and exact_sign(sp.Rational(lo) - end) < 0 < exact_sign(sp.Rational(hi) - end)
    assert sp.Rational(hi) - sp.Rational(lo) < sp.Rational(1, 10**15)


def test_continued_window_leaves_out_the_neutral_rotation_of_width_two():
    s = spec(["u1", "u2", "v1", "v2"], ["2*(u1*v1 + u2*v2)"], [3])
    m = least_sharpness(s)
    w = flip.numerical_window(s, m, flip.flip_series(s, m), "test")
    assert w.status == "decimal" and w.neutral == 1 and "left out" in w.how
    assert w.enclosure is None and "not certified" in w.how  # a continuum of cycles: Krawczyk needs isolation
    with mp.workdps(30):
        assert agreeing_digits(mpf(w.upper), mpf(sp.N((sp.sqrt(5) - 1) / 6, 30)), 30) >= w.digits - 1


def test_product_window_end_is_where_gd_stops_settling_on_the_two_cycle():
    """No closed form: the decimal end of the depth-3 product's window against GD itself (bounded
    mpmath runs from next to θ*): period 2 just below it, something else just above."""
    s = spec(["x", "y", "z"], ["x*y*z"], [1])
    res = analysis.analyze(s, degree=0)
    rep = report(res)
    lo, hi = rep["period_two_window"]
    assert lo == "2/3" and rep["form"]["period_two_window"] == ["exact", "decimal"]
    end = sp.Rational(hi)
    assert sp.Rational(2, 3) < end < 2  # inside the GD map's sensible range
    below, above = (analysis.simulate(s, res.minimum, str(end + d)) for d in (-sp.Rational(1, 50), sp.Rational(1, 50)))
    assert below.status == "period-2"
    assert above.status != "period-2"


# -- inconclusive, never a guess -------------------------------------------------------------------


def test_no_real_minimum_is_inconclusive():
    res = analysis.analyze(spec(["u", "v"], ["u^2 + v^2"], [-1]), degree=0)
    assert res.minimum.status == "inconclusive" and "no real solution" in res.minimum.how
    assert report(res)["least_sharpness"] is None


def test_a_flat_minimum_has_no_edge_of_stability():
    res = analysis.analyze(spec(["u", "v"], ["u^2 - v^2"], [0]), degree=0)
    assert res.minimum.status == "inconclusive" and "stable for every step size" in res.minimum.how


def test_several_data_points_take_the_numerical_path_with_the_reason():
    res = analysis.analyze(spec(["u", "v"], ["u*v", "u + v"], [1, 3]), degree=1, continuation=False)
    assert res.minimum.status == "inconclusive" and "2 data points (the exact path handles one)" in res.minimum.how
    assert res.path == "numerical" and res.numeric is not None and res.numeric.found


def test_a_part_that_runs_out_of_time_is_reported_inconclusive():
    res = analysis.analyze(spec(["x", "y", "z", "w"], ["x*y*z*w + x^3*y"], [1]), seconds=0.05, degree=0)
    assert res.minimum.status == "inconclusive" and "timed out after 0.05 s" in res.minimum.how


# -- parsing and the CLI ---------------------------------------------------------------------------


def test_parse_is_exact_and_refuses_other_names():
    u = sp.Symbol("u", real=True)
    assert parse("0.1*u^2", {"u": u}) == u**2 / 10
    for bad in ("pi*u", "E*u", "u*I", "u + oo", "exec(u)", "u.__class__", "1e5*u", "sqrt(-1)*u", "u/0", "lambda: u"):
        with pytest.raises(InputError):
            parse(bad, {"u": u})


@pytest.mark.parametrize(
    "argv, fragment",
    [
        (["--params", "u", "v", "--output", "u*I", "--target", "1"], "unknown name 'I'"),
        (["--params", "v", "w", "--output", "v*relu(w)", "--target", "1"], "relu is not a function"),
        (["--params", "v", "w", "--output", "v*sqrt(w^2)", "--target", "1"], "not smooth: SymPy reads it as v*Abs(w)"),
        (["--params", "u", "v", "--output", "u*v", "--target", "1", "--loss", "sqrt(r^2)"], "not smooth"),
        (["--params", "u", *(["--output", "u"] * 17), *(["--target", "1"] * 17)], "at most 16 data points"),
        (["--params", "u", "v", "--output", "u*v", "--target", "1", "--loss", "r^3"], "loss without a minimum"),
        (["--params", *(f"a{k}" for k in range(33)), "--output", "a0", "--target", "1"], "at most 32"),
        (["--params", "u", "v", "--output", "u*v", "--target", "x"], "target 1"),
        (["--params", "u", "u", "--output", "u", "--target", "1"], "distinct"),
        (["--params", "u", "--output", "u", "--output", "u^2", "--target", "1"], "one target per output"),
        (["--params", "u", "v", "--output", "u*(v", "--target", "1"], "cannot parse"),
        (["--params", "u", "v", "--output", "u*v"], "give --params, --output and --target"),
        (["--params", "u", "v", "--output", "u*v", "--target", "1", "--lr", "-1"], "lr must be positive"),
        (["--model", "/nonexistent/model.toml"], "--model"),
    ],
)
def test_analyze_bad_input(capsys, argv, fragment):
    code, _out, err = run(capsys, "analyze", *argv)
    assert code == 2
    assert fragment in one_line_error(err)


def test_analyze_json_and_model_file(capsys, tmp_path):
    f = tmp_path / "uv.toml"
    f.write_text('params = ["u", "v"]\noutputs = ["u*v"]\ntargets = [1]\nloss = "log(cosh(r))"\n')
    code, out, err = run(capsys, "analyze", "--model", str(f), "--json", "--no-check")
    assert code == 0
    data = json.loads(out)
    assert (data["least_sharpness"], data["critical_lr"]) == ("2", "1")
    assert data["flip"]["type"] == "supercritical"
    assert sp.sympify(data["flip"]["coefficient"]) > 0
    assert data["period_two_window"][0] == "1" and data["form"]["least_sharpness"] == "exact"
    assert all(data["how"][k] for k in ("least_sharpness", "critical_lr", "flip", "period_two_window"))
    assert load_model_file(str(f)).loss == sp.log(sp.cosh(r))
    f.write_text('params = ["u"]\noutput = "u"\ntarget = 0.1\n')
    code, out, err = run(capsys, "analyze", "--model", str(f))
    assert code == 2 and "binary float" in one_line_error(err)


def test_analyze_writes_the_json_file(capsys, tmp_path):
    path = tmp_path / "out.json"
    code, out, _err = run(
        capsys, "analyze", "--params", "u", "v", "--output", "u*v", "--target", "1", "--json", str(path), "--no-check"
    )
    assert code == 0 and "period-2 orbit attracts for η in (1, -1 + sqrt(5)" in out  # the text, and the file
    data = json.loads(path.read_text())
    assert [sp.sympify(e) for e in data["period_two_window"]] == [1, sp.sqrt(5) - 1]


# -- the LaTeX snippet of one model ------------------------------------------------------------------


def _rhs(tex: str, lhs: str) -> str:
    """The right-hand side of the displayed row ``lhs &= …`` (up to its label)."""
    (row,) = [line for line in tex.splitlines() if line.startswith(lhs + " &= ")]
    return row[len(lhs) + 4 :].split(" &&")[0]


def test_model_snippet_states_the_hand_results_each_with_how(capsys, tmp_path):
    from sympy.parsing.latex import parse_latex

    model = tmp_path / "uv.toml"
    model.write_text('params = ["u", "v"]\noutput = "2*u*v"\ntarget = 3\n')
    code, _, _ = run(capsys, "latex", "--model", str(model), "-o", str(tmp_path / "uv.tex"))
    tex = (tmp_path / "uv.tex").read_text(encoding="ascii")  # plain ASCII: pdflatex needs no inputenc
    assert code == 0
    read = lambda s: parse_latex(s, backend="lark")  # noqa: E731
    # by hand: least sharpness 2|xy| = 12 (AM–GM), η_c = 2/12, window (η_c, (√5 − 1)η_c), offset slope 1
    assert read(_rhs(tex, "S_{\\min}")) == 12
    assert read(_rhs(tex, "\\eta_{c}")) == sp.Rational(1, 6)
    (window,) = [line for line in tex.splitlines() if " < \\eta < " in line]
    lo, hi = window.lstrip("&").split(" &&")[0].split(" < \\eta < ")
    assert read(lo) == sp.Rational(1, 6) and sp.simplify(read(hi) - (sp.sqrt(5) - 1) / 6) == 0
    assert read(_rhs(tex, "\\frac{d\\,\\overline{\\eta S}}{d(\\eta/\\eta_{c})}\\Big|_{\\eta_{c}^{+}}")) == 1
    rows = tex.split("\\begin{align*}\n")[1].split("\n\\end{align*}")[0].splitlines()
    for before, row in itertools.pairwise(rows):  # every displayed row follows its comment saying how
        if not row.startswith("%"):
            assert before.startswith("%"), row


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="no LaTeX engine (pdflatex) installed")
def test_model_snippet_compiles(tmp_path):
    from eos_theory.outputs.latex import model_snippet

    snippet = model_snippet(analysis.analyze(spec(["x", "y", "z"], ["x*y*z"], [1], loss="log(cosh(r))")))
    assert "\\ldots" in snippet  # the product's window end is the continuation's decimal
    (tmp_path / "m.tex").write_text(snippet, encoding="ascii")
    (tmp_path / "doc.tex").write_text(
        "\\documentclass{article}\n\\usepackage{amsmath}\n\\begin{document}\n\\input{m.tex}\n\\end{document}\n",
        encoding="ascii",
    )
    run_ = subprocess.run(
        ["pdflatex", "-halt-on-error", "-interaction=nonstopmode", "doc.tex"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run_.returncode == 0, run_.stdout[-2000:]


def test_latex_model_bad_input(capsys, tmp_path):
    code, _, err = run(capsys, "latex", "--model", str(tmp_path / "missing.toml"))
    assert code == 2 and "--model" in one_line_error(err)
    code, _, err = run(capsys, "latex", "--model", str(tmp_path / "missing.toml"), "--claim", "gf-J")
    assert code == 2 and "--claim is not used with --model" in one_line_error(err)


# -- the bifurcation figure of one model (data, not pixels) ------------------------------------------


def test_model_bifurcation_data_follow_the_closed_forms(tmp_path):
    """uv at (x, y) = (2, 3): u = (a + b)/√2, v = (a − b)/√2 turn 2uv into a² − b², the paper's model with
    ω = (−2, 2) and E = 3, whose control parameter e = ηE|ω| = 6η is η/η_c; its 2-cycle has
    η·NTK = 1 + e ± √((e − 1)(e + 3)) for 1 < e < √5 − 1, and below e = 1 GD settles on a minimum
    next to θ*, where η·S = 2e (to the push from θ*, 10⁻³, squared)."""
    from eos_theory.outputs.plots import model_bifurcation

    an = analysis.analyze(spec(["u", "v"], ["2*u*v"], [3], name="uv"), degree=0)
    d = model_bifurcation(an, tmp_path / "uv.png", n=51, lo=0.8, hi=1.3, steps=3000, average=500)
    assert (tmp_path / "uv.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert d.critical_lr == sp.Rational(1, 6) and d.completed == 3000
    assert d.window == (1, sp.sqrt(5) - 1) and d.window_form == ("exact", "exact") and d.offset_slope == 1
    checked = 0
    for ratio, tail in zip(d.ratio, d.values):
        if ratio < 0.95:
            assert abs(tail - 2 * ratio).max() < 1e-5
            checked += 1
        elif 1.05 < ratio < 1.2:
            root = np.sqrt((ratio - 1) * (ratio + 3))
            assert abs(np.sort(tail[-2:]) - [1 + ratio - root, 1 + ratio + root]).max() < 1e-8
            checked += 1
    assert checked > 20


def test_plot_model_cli(capsys, tmp_path):
    model = tmp_path / "uv.toml"
    model.write_text('params = ["u", "v"]\noutput = "2*u*v"\ntarget = 3\n')
    code, out, _ = run(capsys, "plot", "--model", str(model), "--out", str(tmp_path), "--format", "pdf")
    assert code == 0 and out.strip().endswith("bifurcation_uv.pdf")
    assert (tmp_path / "bifurcation_uv.pdf").read_bytes()[:5] == b"%PDF-"
    bad = tmp_path / "two.toml"
    bad.write_text('params = ["u", "v"]\noutputs = ["u*v", "u + v"]\ntargets = [1, 2]\n')
    code, _, err = run(capsys, "plot", "--model", str(bad), "--out", str(tmp_path))
    assert code == 2 and "inconclusive" in one_line_error(err)


def test_model_snippet_says_inconclusive_and_empty_only_where_they_hold():
    from eos_theory.outputs.latex import model_snippet

    flat = model_snippet(analysis.analyze(spec(["u", "v"], ["u*v"], [0])))  # minima of sharpness 0: no EOS
    assert "least sharpness: inconclusive" in flat and "window" not in flat.split("\\begin{align*}")[1]
    # ℓ = w²/2 + w⁴: κ = (3·0² − 1·24)/6 = −4 (Chen & Bruna's condition), subcritical, nothing attracts
    sub = model_snippet(analysis.analyze(spec(["w"], ["w"], [0], loss="r^2/2 + r^4")))
    assert "&= 1 - 4\\,\\rho^{2}" in sub and "subcritical flip" in sub and "window: empty" in sub
