"""The cascade module and `eos-theory cascade`: the crisis, the thresholds, their certificates, Feigenbaum.

Expected values come from outside the code under test: the exact thresholds e_1 = 1 and e_2 = √5 − 1,
a plain reference implementation of the axis map typed here (f(y) = y³ + (ε − 2)y² + (1 − 2ε)y, in
exact rationals or mpmath), the documentation's 10-digit values, and Feigenbaum's δ from the
literature.  Tolerances follow from the working precision used.
"""

from __future__ import annotations

import itertools
import json
from fractions import Fraction

import pytest
import sympy as sp
from clitools import one_line_error, run
from mpmath import iv, mp, mpf

from eos_theory.numbers.decimals import agreeing_digits
from eos_theory.numbers.intervals import iv_workdps, krawczyk
from eos_theory.numbers.parse import InputError, exact
from eos_theory.past_window import cascade as C
from eos_theory.past_window import minpoly as A
from eos_theory.quadratic.closed_forms import axis_map, eps, y

DELTA = "4.6692016091029906718532"  #: Feigenbaum's δ (Briggs, Math. Comp. 57 (1991) 435), independent of the module


def f_ref(Y, e):
    """The axis map, typed by hand in expanded form (a reference, not the library's centred form)."""
    return Y**3 + (e - 2) * Y**2 + (1 - 2 * e) * Y


def df_ref(Y, e):
    return 3 * Y**2 + 2 * (e - 2) * Y + (1 - 2 * e)


def orbit_ref(y0, e, p):
    """f^p(y0) and (f^p)'(y0) by the plain chain rule."""
    Y, lam = y0, 1
    for _ in range(p):
        lam *= df_ref(Y, e)
        Y = f_ref(Y, e)
    return Y, lam


@pytest.fixture(scope="module")
def run9():
    return C.cascade(levels=9, digits=30)


# -- the boundary crisis --------------------------------------------------------------------------


def test_the_crisis_is_at_two_and_its_pieces_are_the_documented_ones():
    cr = C.crisis()
    assert cr.value == 2
    assert sp.expand(cr.maximum - (1 - 2 * eps) / 3) == 0 and cr.minimum == 1
    assert sp.expand(cr.excess - (eps - 2) * (2 * eps + 5) ** 2 / 27) == 0
    assert cr.repeller == 2 and sp.expand(cr.repeller_multiplier - (5 + 2 * eps)) == 0
    assert set(cr.fixed_points) == {-eps, 0, 2}
    assert sp.expand(cr.above - (y**2 + eps * y + 1)) == 0
    assert sp.expand(cr.escape - (y - 2) ** 2 * (y + eps + 2)) == 0
    assert C.map_has_no_r()


@pytest.mark.parametrize("e, bounded", [(Fraction(199, 100), True), (Fraction(2), True), (Fraction(201, 100), False)])
def test_the_critical_value_against_the_repeller_in_exact_arithmetic(e, bounded):
    # the reference map at the local maximum (1 − 2ε)/3, found independently as a root of f'
    c = (1 - 2 * e) / 3
    assert df_ref(c, e) == 0 and df_ref(Fraction(1), e) == 0
    assert (f_ref(c, e) <= 2) is bounded


def test_past_the_crisis_the_hole_is_inside_the_interval_and_maps_above_two():
    e = Fraction(21, 10)
    lo, hi = (float(v.subs(eps, sp.Rational(21, 10))) for v in C.crisis().hole)
    assert -float(e) < lo < (1 - 2 * float(e)) / 3 < hi < 0
    for k in range(1, 10):  # exact points strictly inside the hole
        yk = Fraction(lo) + (Fraction(hi) - Fraction(lo)) * Fraction(k, 10)
        assert f_ref(yk, e) > 2


def test_before_the_crisis_the_interval_maps_into_itself_on_a_grid():
    for e in (Fraction(1, 2), Fraction(13, 10), Fraction(2)):
        for k in range(201):
            yk = -e + (2 + e) * Fraction(k, 200)
            assert -e <= f_ref(yk, e) <= 2


# -- the orbit system -----------------------------------------------------------------------------


@pytest.mark.parametrize("p", [1, 2, 4, 8])
def test_the_jet_matches_exact_derivatives_of_the_iterated_map(p):
    # exact: the reference map iterated on the 2-jet y0 + s, e0 + t (terms of degree > 2 in s, t dropped),
    # so f^p(y0 + s; e0 + t) = g0 + g_s s + g_t t + g_ss s² + g_st st + g_tt t² + …
    s_, t_ = sp.symbols("s t")
    y0, e0 = sp.Rational(-1, 3), sp.Rational(13, 10)
    G = sp.Poly(y0 + s_, s_, t_, domain="QQ")
    E = sp.Poly(e0 + t_, s_, t_, domain="QQ")
    for _ in range(p):
        G = f_ref(G, E)
        G = sp.Poly.from_dict({m: c for m, c in G.as_dict().items() if sum(m) <= 2}, s_, t_, domain="QQ")
    c = lambda i, j: G.as_dict().get((i, j), 0)  # noqa: E731
    want = [c(0, 0), c(1, 0), c(0, 1), c(1, 0), 2 * c(2, 0), c(1, 1)]  # Y, ∂Y/∂y, ∂Y/∂ε, λ, ∂λ/∂y, ∂λ/∂ε
    want = [sp.Rational(w) for w in want]
    with mp.workdps(50):
        got = C.orbit_jet(mpf(-1) / 3, mpf(13) / 10, p)
        for a, b in zip(got, want):
            assert agreeing_digits(a, Fraction(int(b.p), int(b.q))) >= 45  # 50 digits, less a few for rounding
    with iv_workdps(50):  # the interval jet encloses the exact values
        got = C.orbit_jet(iv.mpf(-1) / 3, iv.mpf(13) / 10, p, interval=True)
        for a, b in zip(got, want):
            lo, hi = (exact(mp.make_mpf(end)) for end in a._mpi_)
            assert lo <= Fraction(int(b.p), int(b.q)) <= hi and hi - lo < Fraction(1, 10**40)


def test_the_centred_forms_reproduce_the_derived_map():
    c, forms = C._centred_forms()
    u = sp.Symbol("u")
    f_centred = sum(a * u**k for k, a in enumerate(reversed(forms[0])))
    assert sp.expand(f_centred.subs(u, y - c) - axis_map()) == 0
    assert sp.expand(f_centred - (f_ref(c, eps) - (1 + eps) * u**2 + u**3)) == 0


# -- thresholds -----------------------------------------------------------------------------------


def test_the_first_two_thresholds_are_exact(run9):
    e1, e2 = C.exact_thresholds()
    assert e1 == 1 and sp.simplify(e2 - (sp.sqrt(5) - 1)) == 0
    # independent: the minimum y = 0 has f'(0) = −1 at ε = 1; the 2-cycle −ε/2, 1 − ε/2 has multiplier −1 at √5 − 1
    assert df_ref(0, 1) == -1
    s5 = sp.sqrt(5) - 1
    a, b = -s5 / 2, 1 - s5 / 2
    assert sp.simplify(f_ref(a, s5) - b) == 0 and sp.simplify(f_ref(b, s5) - a) == 0
    assert sp.simplify(df_ref(a, s5) * df_ref(b, s5) + 1) == 0
    assert [t.period for t in run9.thresholds] == [2**k for k in range(9)]
    assert run9.thresholds[0].e == 1 and run9.thresholds[1].exact == e2


def test_at_each_threshold_the_orbit_has_multiplier_minus_one(run9):
    """The literature-independent check: the reference map's p-th iterate fixes y with (f^p)'(y) = −1."""
    for th in run9.thresholds[2:]:
        assert th.agree >= 30 and th.e != th.e_low
        with mp.workdps(200):
            Y, lam = orbit_ref(th.y, th.e, th.period)
            # the point is accurate to about 10^−(80 − 6) (Newton's tolerance at 80 digits); F's
            # derivatives are below 10^6 up to p = 256, so residuals below 10^−(80 − 20) are expected
            assert abs(Y - th.y) < mpf(10) ** -(th.dps[1] - 20)
            assert abs(lam + 1) < mpf(10) ** -(th.dps[1] - 20)
            half, _ = orbit_ref(th.y, th.e, th.period // 2)
            assert abs(half - th.y) > mpf(10) ** -3  # exact period p, not p/2
            assert -th.e <= min(th.y, Y) and th.y <= 2  # on the physical interval


@pytest.mark.parametrize("level", [3, 4])
def test_the_orbit_is_stable_just_below_the_threshold_and_unstable_just_above(run9, level):
    th = run9.thresholds[level - 1]
    with mp.workdps(60):
        for h, inside in ((mpf(10) ** -8, True), (-(mpf(10) ** -8), False)):
            e = th.e - h
            Y = th.y
            for _ in range(20):  # Newton on g(y) = f^p(y) − y at fixed ε, reference map
                G, lam = orbit_ref(Y, e, th.period)
                Y -= (G - Y) / (lam - 1)
            _, lam = orbit_ref(Y, e, th.period)
            assert (abs(lam) < 1) is inside


def test_the_documented_values_and_the_certified_enclosures(run9):
    documented = {3: "1.288031754", 4: "1.299227940", 5: "1.3016289", 6: "1.3021433", 7: "1.3022534", 8: "1.3022770"}
    for level, text in documented.items():
        th = run9.thresholds[level - 1]
        with mp.workdps(40):
            assert mp.nstr(th.e, len(text) - 1, strip_zeros=False) == text
    for th in run9.thresholds[2:6]:
        cert = C.certify_threshold(th, 30)
        assert cert.proved and cert.krawczyk.unique and cert.speed[1] < 0
        assert cert.e_lo <= th.e <= cert.e_hi and cert.e_hi - cert.e_lo < mpf(10) ** -40


def test_a_box_that_misses_the_threshold_is_not_certified(run9):
    th = run9.thresholds[2]
    with mp.workdps(80):
        off = th.e + mpf(10) ** -30  # the box of half-width 1e-40 around a point 1e-30 away
    k = krawczyk(
        *C.cycle_system(4, interval=True),
        [
            (exact(th.y) - Fraction(1, 10**40), exact(th.y) + Fraction(1, 10**40)),
            (exact(off) - Fraction(1, 10**40), exact(off) + Fraction(1, 10**40)),
        ],
        dps=60,
    )
    assert not k.unique and not k.exists


def test_feigenbaum_ratios_approach_delta(run9):
    with mp.workdps(80):
        ratios = C.feigenbaum_ratios([t.e for t in run9.thresholds])
        gaps = [abs(r - mpf(DELTA)) for r in ratios]
    assert len(ratios) == 7
    assert all(4 < g0 / g1 < 5 for g0, g1 in itertools.pairwise(gaps))  # geometric, at about the rate δ
    assert gaps[-1] < mpf("3e-5")


def test_the_onset_estimate_covers_the_value_from_more_levels():
    more = C.cascade(levels=10, digits=20)
    with mp.workdps(60):
        values = [t.e for t in more.thresholds]
        e8, err8 = C.onset(values[:8])
        e10, err10 = C.onset(values)
        assert abs(e10 - e8) <= err8 and err10 < err8 / 100
        assert mp.nstr(e10, 11) == "1.3022834627"


def test_a_run_out_of_time_says_not_converged_and_keeps_the_levels_before_it():
    out = C.cascade(levels=9, digits=20, max_seconds=1e-9)
    assert out.status == "not converged" and not out.converged and "time budget" in out.reason
    assert [t.level for t in out.thresholds] == [1, 2] and out.reason.startswith("level 3")


def test_newton_that_does_not_converge_is_reported(monkeypatch):
    monkeypatch.setattr(C, "MAX_NEWTON", 1)
    out = C.cascade(levels=4, digits=20)
    assert out.status == "not converged" and "did not converge in 1 iterations" in out.reason


@pytest.mark.parametrize(
    "call, fragment",
    [
        (lambda: C.cascade(levels=13), "at most 12"),
        (lambda: C.cascade(levels=0), ">= 1"),
        (lambda: C.cascade(levels=3, digits=1), ">= 2"),
        (lambda: C.cascade(levels=3, max_seconds=0), "max_seconds"),
        (lambda: C.report(levels=2), ">= 3"),
        (lambda: C.report(digits=101), "at most 100"),
        (lambda: C.certify(3, "-0.47", "1.288", 0, 40), "radius"),
        (lambda: C.onset([1, 2]), "at least 3"),
    ],
)
def test_bad_input(call, fragment):
    with pytest.raises(InputError, match=fragment):
        call()


# -- the command ----------------------------------------------------------------------------------


def test_cascade_json_is_the_documented_object(capsys):
    code, out, err = run(capsys, "cascade", "--levels", "5", "--digits", "25", "--json")
    assert code == 0 and "Traceback" not in err
    data = json.loads(out)
    assert set(data) == {"thresholds", "feigenbaum", "chaos_onset", "crisis"}
    rows = data["thresholds"]
    assert [r["period"] for r in rows] == [1, 2, 4, 8, 16]
    assert all(set(r) == {"period", "epsilon", "digits", "evidence"} for r in rows)
    assert rows[0]["epsilon"] == "1" and rows[0]["evidence"] == "exact"
    with mp.workdps(40):
        assert rows[1]["epsilon"] == mp.nstr(mp.sqrt(5) - 1, 25, strip_zeros=False)
    assert [r["evidence"] for r in rows[2:]] == ["interval"] * 3 and all(r["digits"] == 25 for r in rows)
    assert rows[2]["epsilon"].startswith("1.288031754") and rows[3]["epsilon"].startswith("1.2992279396")
    ratios = data["feigenbaum"]
    assert [r["periods"] for r in ratios] == [[1, 2, 4], [2, 4, 8], [4, 8, 16]]
    assert ratios[0]["ratio"].startswith("4.5429") and set(ratios[0]) == {"periods", "ratio", "digits"}
    assert set(data["chaos_onset"]) == {"epsilon", "error"} and float(data["chaos_onset"]["error"]) > 0
    assert data["chaos_onset"]["epsilon"].startswith("1.302")
    assert data["crisis"] == {"epsilon": "2", "exact": "2"}


def test_cascade_text_names_what_each_number_is(capsys):
    code, out, err = run(capsys, "cascade", "--levels", "3", "--digits", "12")
    assert code == 0 and "Traceback" not in err
    for fragment in (
        "1.23606797750",
        "1.28803175448",
        "interval proof",
        "exact closed form",
        "δ = 4.6692",
        "onset of chaos",
        "not a proof",
        "boundary crisis at ε = 2",
    ):
        assert fragment in out


@pytest.mark.parametrize(
    "argv, fragment",
    [
        (["--levels", "2"], "--levels must be from 3 to 12"),
        (["--levels", "13"], "--levels must be from 3 to 12"),
        (["--digits", "1"], "--digits must be from 2 to 100"),
        (["--digits", "101"], "--digits must be from 2 to 100"),
    ],
)
def test_cascade_caps(capsys, argv, fragment):
    code, out, err = run(capsys, "cascade", *argv)
    assert code == 2 and out == "" and fragment in one_line_error(err)


def test_a_run_that_did_not_converge_exits_one_and_says_so(capsys, monkeypatch):
    monkeypatch.setattr(C, "MAX_NEWTON", 1)
    code, out, err = run(capsys, "cascade", "--levels", "4", "--json")
    assert code == 1 and "not converged" in err and "level 3" in err
    assert [r["period"] for r in json.loads(out)["thresholds"]] == [1, 2]


# -- the minimal polynomial of e_3 --------------------------------------------------------------------


def test_the_conjugate_map_depends_on_e_only_through_s():
    h, F, F_eps = A.conjugate_map()
    s, v = A.s_sym, A.v_sym
    assert sp.expand(F - (s * (v**3 - v / 3) + 2 * (s - 9) / 27)) == 0
    # f_ε and f_{−2−ε} are conjugate: F_eps is unchanged by ε ↦ −2 − ε
    assert sp.expand(F_eps - F_eps.subs(eps, -2 - eps)) == 0
    # the critical points of f sit at v = ∓1/3 (derivative of the reference map)
    for crit in (-sp.Rational(1, 3), sp.Rational(1, 3)):
        assert sp.expand(df_ref(h.subs(v, crit), eps)) == 0


def test_the_derived_minimal_polynomial_is_the_one_the_claim_states():
    """Derive, don't type: the modular elimination reproduces the claim's m̂ (about 1 s)."""
    from eos_theory.proofs.cascade import M_HAT

    D = A.period4_eliminant()
    assert D.degree() == 72
    factors = sp.factor_list(D.as_expr())[1]
    assert sorted(sp.degree(g, eps) for g, _ in factors) == [32, 40]
    assert A.minimal_polynomial_e3().all_coeffs() == M_HAT


def test_the_minimal_polynomial_vanishes_at_e3_and_the_certificate_holds_its_orbit(run9):
    from eos_theory.proofs.cascade import M_HAT, certificate

    th = run9.thresholds[2]
    with mp.workdps(300):
        y3, e3, _ = C.refine(4, th.y, th.e, None)
        s3 = (e3 + 1) ** 2
        value = mp.polyval([mpf(c) for c in M_HAT], s3)
        scale = mp.polyval([abs(mpf(c)) for c in M_HAT], s3)
        assert abs(value) < scale * mpf(10) ** -280  # zero to the working precision, relative to the terms
        # the certificate's quartic at s_3 has the e_3 orbit (in v = (y − (2 − ε)/3)/(ε + 1)) as its roots
        q = [mpf(1)] + [_eval(c, s3) for c in certificate()]
        Y = y3
        for _ in range(4):
            vk = (Y - (2 - e3) / 3) / (e3 + 1)
            assert abs(mp.polyval(q, vk)) < mpf(10) ** -250
            Y = f_ref(Y, e3)


def _eval(c, s):
    num, den = sp.fraction(sp.together(c))
    return mp.polyval([mpf(int(a)) for a in sp.Poly(num, A.s_sym).all_coeffs()], s) / int(den)


def test_a_wrong_certificate_or_polynomial_is_caught(run9):
    from eos_theory.proofs.cascade import M_HAT, certificate

    m_hat = sp.Poly(M_HAT, A.s_sym)
    bad = certificate()
    bad[3] += sp.Rational(1, 10**60)
    q_of_F, res = A.certificate_checks(m_hat, bad)
    assert q_of_F != 0 and res != -1
    cert = C.certify_threshold(run9.thresholds[2], 30)
    wrong = sp.Poly([*M_HAT[:-1], M_HAT[-1] + 1], A.s_sym)  # a nearby polynomial: no root in the box
    assert A.certificate_orbit(wrong, certificate(), cert).roots_in_box == 0
    good = A.certificate_orbit(m_hat, certificate(), cert)
    assert good.roots_in_box == 1 and good.one_four_cycle and good.inside_box


def test_bisection_isolates_the_one_root_to_the_width_asked():
    x = sp.Symbol("x")
    poly = sp.Poly((x**2 - 2) * (x - 5), x)  # roots ±√2 and 5
    a, b = A.isolate_by_bisection(poly, Fraction(1), Fraction(3), Fraction(1, 10**30))
    assert 1 <= a < b <= 3 and b - a < Fraction(1, 10**30)
    assert a**2 < 2 < b**2  # √2 lies inside: compared exactly, outside the code under test
    with pytest.raises(ArithmeticError, match="no sign change"):
        A.isolate_by_bisection(poly, Fraction(2), Fraction(4), Fraction(1, 100))
    with pytest.raises(ValueError, match="integer coefficients"):
        A.isolate_by_bisection(sp.Poly(x**2 - sp.Rational(1, 2), x), Fraction(0), Fraction(1), Fraction(1, 100))
