"""The `eos-theory` command: exit codes, one-line errors, the JSON report and the orbit object.

Most tests call ``cli.main`` in-process (fast); one runs the installed console script to show
that users never see a traceback.
"""

import contextlib
import io
import json
import math
import os
import shutil
import subprocess
import sys
import time
from decimal import Decimal
from fractions import Fraction

import mpmath
import pytest
import sympy
from clitools import one_line_error, run
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from eos_theory.commands import cli
from eos_theory.commands.quadratic import _describe_check as describe_check
from eos_theory.testing import examples

REPORT_KEYS = {"id", "source", "statement", "latex", "method", "verdict", "evidence", "correction"}


# -- verify ---------------------------------------------------------------------------------------


def test_verify_one_claim_writes_the_documented_report(capsys, tmp_path):
    path = tmp_path / "r.json"
    code, out, _err = run(capsys, "verify", "--claim", "gf-J", "--claim", "gf-z", "--json", str(path))
    assert code == 0
    data = json.loads(path.read_text(encoding="utf-8"))
    assert [c["id"] for c in data["claims"]] == ["gf-J", "gf-z"]
    for c in data["claims"]:
        assert set(c) >= REPORT_KEYS
        assert c["verdict"] in ("verified", "refuted", "inconclusive")
    gf_j, gf_z = data["claims"]
    # gf-J: the printed J̇ = −2ηzQJᵀ has a spurious 2 (by hand: J̇ = θ̇ᵀQ = −ηzθᵀQQ); gf-z holds.
    assert gf_j["verdict"] == "refuted" and gf_j["correction"]["steps"]
    assert gf_z["verdict"] == "verified" and gf_z["correction"] is None
    assert "gf-J" in out and "Findings" in out


def test_unknown_claim_is_a_usage_error(capsys):
    code, _out, err = run(capsys, "verify", "--claim", "no-such-claim")
    assert code == 2
    assert "unknown claim id 'no-such-claim'" in one_line_error(err)


@pytest.mark.parametrize("where", ["missing-dir", "is-dir", "read-only"])
def test_unwritable_report_path_fails_before_running_and_leaves_no_file(capsys, tmp_path, where):
    if where == "missing-dir":
        path = tmp_path / "nope" / "r.json"
    elif where == "is-dir":
        path = tmp_path
    else:
        if os.geteuid() == 0:
            pytest.skip("root can write into a read-only directory")
        ro = tmp_path / "ro"
        ro.mkdir()
        ro.chmod(0o500)
        path = ro / "r.json"
    code, out, err = run(capsys, "verify", "--claim", "gf-z", "--json", str(path))
    assert code == 2
    one_line_error(err)
    assert out == ""  # nothing ran
    assert not (tmp_path / "nope").exists()


def test_a_claim_that_does_not_come_out_as_recorded_fails_the_run(capsys, monkeypatch):
    from eos_theory.core import registry

    c = registry.get("gf-z")
    monkeypatch.setitem(registry._REGISTRY, "gf-z", type(c)(**{**c.__dict__, "expect": "refuted"}))
    code, _out, err = run(capsys, "verify", "--claim", "gf-z", "--quiet")
    assert code == 1
    assert "gf-z (verified, expected refuted)" in " ".join(err.split())  # rich may wrap the line


def _hangs(p) -> None:
    time.sleep(60)


def _holds(p) -> None:
    p.equal("1 + 1 = 2", sympy.Integer(1) + 1, 2)  # decided in milliseconds, far inside any time limit


@pytest.mark.long
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_claim_past_the_time_limit_is_inconclusive_and_the_others_are_decided(capsys, monkeypatch, tmp_path, jobs):
    from eos_theory.core import registry

    hung = registry.Claim("test-hangs", registry.Source("derived"), "a claim whose proof hangs", "sleeping", _hangs)
    holds = registry.Claim("test-holds", registry.Source("derived"), "one and one make two", "arithmetic", _holds)
    monkeypatch.setitem(registry._REGISTRY, hung.id, hung)
    monkeypatch.setitem(registry._REGISTRY, holds.id, holds)
    path = tmp_path / "r.json"
    start = time.monotonic()
    code, _out, err = run(
        capsys,
        "verify",
        "--claim",
        "test-hangs",
        "--claim",
        "test-holds",
        "-j",
        jobs,
        "--timeout",
        "1",  # test-holds takes milliseconds (gf-z, 0.3 s with its certificate, needed 3 s on a busy machine)
        "--json",
        str(path),
        "--quiet",
    )
    assert time.monotonic() - start < 60  # generous: the hanging claim is stopped after 1 s
    assert code == 1 and "test-hangs (inconclusive, expected verified)" in err
    first, second = json.loads(path.read_text(encoding="utf-8"))["claims"]
    assert (first["id"], first["verdict"], first["error"]) == (
        "test-hangs",
        "inconclusive",
        "time limit of 1 s exceeded",
    )
    assert (second["id"], second["verdict"], second["error"]) == ("test-holds", "verified", None)


@pytest.mark.parametrize(
    "argv, fragment",
    [
        (["-j", "0"], "-j must be a positive whole number"),
        (["-j", "two"], "-j must be a positive whole number"),
        (["-j", "1.5"], "-j must be a positive whole number"),
        (["--timeout", "0"], "--timeout must be at least 0.001"),
        (["--timeout", "-3"], "--timeout must be at least 0.001"),
        (["--timeout", "10000001"], "at most"),
        (["--timeout", "soon"], "--timeout: cannot read"),
    ],
)
def test_verify_bad_jobs_or_timeout(capsys, argv, fragment):
    code, out, err = run(capsys, "verify", "--claim", "gf-z", *argv)
    assert code == 2 and out == ""
    assert fragment in one_line_error(err)


def test_list_names_every_claim(capsys):
    from eos_theory.core import registry

    code, out, _err = run(capsys, "verify", "--list")
    assert code == 0
    assert [line.split()[0] for line in out.splitlines()] == [c.id for c in registry.claims()]


def test_no_command_prints_help_and_fails(capsys):
    code, out, _err = run(capsys)
    assert code == 2 and "verify" in out and "orbit" in out


# -- gd -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "argv, fragment",
    [
        (["--Q", "1 2; 3 -1"], "symmetric"),
        (["--Q", "1 2; 2"], "square"),
        (["--Q", "1 nan; nan 1"], "exact number"),
        (["--Q", "1 inf; inf 1"], "exact number"),
        (["--omega", "1", "-1", "--lr", "0"], "lr must be > 0"),
        (["--omega", "1", "-1", "--lr", "-1/2"], "lr must be > 0"),
        (["--omega", "1", "-1", "--theta", "1"], "length 2"),
        (["--omega", "1", "-1", "--target", "nan"], "exact number"),
        (["--omega", "1", "-1", "--Q", "1 0; 0 1"], "either"),
        (["--omega", "1", "-1", "--timeout", "0"], "--timeout must be at least 0.001"),
        (["--omega", "1", "-1", "--timeout", "nan"], "--timeout"),
        (["--omega", "1", "-1", "--timeout", "inf"], "--timeout"),
    ],
)
def test_gd_bad_input(capsys, argv, fragment):
    base = {"--theta": ["1", "1"], "--target": ["1"], "--lr": ["1/4"]}
    for flag in base:
        if flag not in argv:
            argv = [*argv, flag, *base[flag]]
    code, _out, err = run(capsys, "gd", *argv)
    assert code == 2
    assert fragment in one_line_error(err)


def test_gd_agrees_with_the_two_d_map_and_exact_arithmetic(capsys):
    code, out, _err = run(
        capsys,
        "gd",
        "--Q",
        "1 1/2; 1/2 -1",
        "--theta",
        "1",
        "1",
        "--target",
        "1",
        "--lr",
        "1/4",
        "--steps",
        "3",
        "--json",
        "--digits",
        "30",
    )
    assert code == 0
    data = json.loads(out)
    assert data["P"] == 2 and len(data["steps"]) == 4
    # Independent exact GD: θ ← θ − ηzQθ in Fractions.
    Q = [[Fraction(1), Fraction(1, 2)], [Fraction(1, 2), Fraction(-1)]]
    th, eta, E = [Fraction(1), Fraction(1)], Fraction(1, 4), Fraction(1)
    for row in data["steps"]:
        v = [sum(q * t for q, t in zip(r, th)) for r in Q]
        z = sum(t * vi for t, vi in zip(th, v)) / 2 - E
        assert abs(Fraction(row["ztilde"]) - eta * z) <= Fraction(1, 10**28) * max(1, abs(eta * z))
        assert abs(Fraction(row["ntk"]) - eta * sum(vi * vi for vi in v)) <= Fraction(1, 10**28)
        assert row["map_digits"] >= 45  # 50-digit arithmetic over three steps
        th = [t - eta * z * vi for t, vi in zip(th, v)]


# -- orbit ----------------------------------------------------------------------------------------


def orbit_json(capsys, *args):
    code, out, err = run(capsys, "orbit", *args, "--json")
    assert code == 0, err
    assert len(out.strip().splitlines()) == 1
    return json.loads(out)


SCHEMA_DIGITS = 12


def regime_by_hand(e: Fraction, r: Fraction) -> str:
    """docs/eos-2d.md §6: minimum iff e ≤ 1; period-2 iff 1 < e < √5 − 1 (e² + 2e − 4 < 0, exact)
    and r(r − 1)(e − 1) < 2; otherwise unstable (the boundary r(r − 1)(e − 1) = 2 included)."""
    if e <= 1:
        return "minimum"
    return "period-2" if e * e + 2 * e - 4 < 0 and r * (r - 1) * (e - 1) < 2 else "unstable"


def assert_rounded(text: str, value, digits: int = SCHEMA_DIGITS) -> None:
    """``text`` is ``value`` to ``digits`` significant digits, as decimals.py documents: a value that
    fewer digits hold exactly (a rational ``value`` equal to the text) is printed exactly, unpadded;
    any other shows exactly ``digits`` digits, off by at most half a unit in the last one (ties
    included: an exact value can end in a 5 just past the last digit).  The comparison runs at 50
    digits, where the text and the value are each within 10^-49 relative of themselves: that much is
    allowed on top of the half unit."""
    d = Decimal(text)
    if value == 0:
        assert text == "0"
        return
    _sign, mantissa, exponent = d.as_tuple()
    if len(mantissa) < digits:  # printed as exact: it must be the value itself
        if isinstance(value, Fraction):
            assert Fraction(d) == value, f"{text} is printed as exact but the value is {value}"
        else:  # an irrational-looking closed form that is rational here, e.g. √23.04 = 4.8; known to 50 digits
            with mpmath.workdps(50):
                assert abs(mpmath.mpf(text) - value) <= 2 * mpmath.mpf(10) ** -49 * abs(value), f"{text} is not {value}"
        return
    assert len(mantissa) == digits, f"{text}: {len(mantissa)} significant digits, not {digits}"
    with mpmath.workdps(50):
        v = value if isinstance(value, mpmath.mpf) else mpq(value)
        err = abs(mpmath.mpf(text) - v)
        assert err <= mpmath.mpf(10) ** exponent / 2 + 2 * mpmath.mpf(10) ** -49 * abs(v), f"{text} is not {value}"


def mpq(q: Fraction):
    return mpmath.mpf(q.numerator) / q.denominator


ORBIT_KEYS = {"epsilon", "regime", "closed_form_regime", "min_ntk", "cycle", "attractor", "check"}


def test_orbit_json_for_the_paper_example(capsys):
    data = orbit_json(capsys, "--omega", "-1", "1", "--target", "1", "--lr", "1.1", "--check")
    assert set(data) == ORBIT_KEYS
    assert data["regime"] == data["closed_form_regime"] == "period-2"
    assert data["attractor"]["period"] == 2 and data["attractor"]["escape_fraction"] == 0
    # By hand (docs/eos-2d.md): e = ηEω = 1.1, cycle η·NTK = 1 + e ± √((e−1)(e+3)), mean 1 + e,
    # multipliers 7 − 4e − 2e² and 3 − 2e.
    e = 1.1
    root = math.sqrt((e - 1) * (e + 3))
    assert float(data["epsilon"]) == pytest.approx(e, rel=1e-15)
    assert [float(v) for v in data["cycle"]["ntk"]] == pytest.approx([1 + e - root, 1 + e + root], rel=1e-14)
    assert float(data["cycle"]["offset"]) == pytest.approx(e - 1, rel=1e-13)
    assert [float(v) for v in data["cycle"]["multipliers"]] == pytest.approx(
        [7 - 4 * e - 2 * e * e, 3 - 2 * e], rel=1e-13
    )
    assert all(len(v.replace("-", "").replace(".", "").lstrip("0")) >= 30 for v in data["cycle"]["ntk"])
    check = data["check"]
    assert set(check) == {"steps", "ntk", "digits_agree", "status", "period", "predicted_period", "reason"}
    assert check["status"] == "periodic" and check["period"] == check["predicted_period"] == 2
    # 50 digits: θ repeats to ≥ 40 (dynamics.required_digits); η·NTK is quadratic in θ and the orbit
    # contracts by 0.8 per two steps, which costs at most 2 of those digits.
    assert check["digits_agree"] >= 38 and check["steps"] > 0 and len(check["ntk"]) == 2
    assert sorted(float(v) for v in check["ntk"]) == pytest.approx([1 + e - root, 1 + e + root], rel=1e-14)


REPRODUCERS = (("-1", "3", "0.5", "1.5"), ("-1", "1", "1", "2.1"), ("1", "4", "1", "1.2"))


@pytest.mark.parametrize("w1, w2, E, lr", REPRODUCERS)
def test_orbit_check_reports_divergence_with_its_certificate(capsys, w1, w2, E, lr):
    """Issue 8 reproducers: these ran for minutes and past 1 GB; GD from next to the (unstable) orbit diverges."""
    data = orbit_json(capsys, "--omega", w1, w2, "--target", E, "--lr", lr, "--check")
    check = data["check"]
    assert check["status"] == "diverged" and check["period"] is None and check["digits_agree"] is None
    assert "escape region" in check["reason"] and "(claim escape-" in check["reason"]
    code, out, _err = run(capsys, "orbit", "--omega", w1, w2, "--target", E, "--lr", lr, "--check")
    assert code == 0 and "diverged" in out and "settled" not in out


def test_orbit_check_with_another_period_compares_no_digits(capsys):
    # e = 5/4 > √5 − 1: GD settles on a period-4 orbit in θ, not on the predicted 2-cycle.
    data = orbit_json(capsys, "--omega", "-1", "1", "--target", "1", "--lr", "5/4", "--check")
    check = data["check"]
    assert check["status"] == "periodic" and check["period"] == 4 and check["predicted_period"] == 2
    assert check["digits_agree"] is None and len(check["ntk"]) == 4
    _code, out, _err = run(capsys, "orbit", "--omega", "-1", "1", "--target", "1", "--lr", "5/4", "--check")
    assert "period-4" in out and "predicts period 2" in out and "digits agree" not in out


def test_orbit_check_line_never_says_settled_for_an_unsettled_run():
    for status in ("not converged", "diverged"):
        line = describe_check(
            {
                "status": status,
                "period": None,
                "predicted_period": 2,
                "steps": 7,
                "ntk": ["1.0", "2.5"],
                "digits_agree": None,
                "reason": "why",
            }
        )
        assert "settled" not in line and status in line and "why" in line
        assert "after 7 steps" in line and "1.0, 2.5" in line  # the JSON's ntk, in the text too


def test_gd_stops_at_the_escape_region(capsys):
    """Issue 8 reproducer: 1000 steps took 45 s and 100000 steps 2.9 GB; GD enters z̃ ≥ 1 at step 3."""
    argv = ("gd", "--omega", "-1", "3", "--theta", "1", "1", "--target", "0.5", "--lr", "1.5", "--steps", "100000")
    code, out, _err = run(capsys, *argv, "--json")
    assert code == 0
    data = json.loads(out)
    # By hand: z̃_0 = 1.5·((−1 + 3)/2 − 0.5) = 0.75 < 1 = max(3/3, 2/(3 − 1), −2·0.75).
    assert data["steps"][0]["ztilde"] == "0.75" and len(data["steps"]) == 4
    assert data["stopped"]["step"] == 3 and data["stopped"]["status"] == "diverged"
    assert "z̃ ≥ 1 (claim escape-separated)" in data["stopped"]["reason"]
    code, out, _err = run(capsys, *argv)
    assert code == 0 and "GD diverged" in out


def test_gd_runs_to_the_end_without_stopping(capsys):
    code, out, _err = run(
        capsys,
        "gd",
        "--omega",
        "-1",
        "1",
        "--theta",
        "1/10",
        "1/10",
        "--target",
        "1",
        "--lr",
        "1/2",
        "--steps",
        "5",
        "--json",
    )
    assert code == 0 and json.loads(out)["stopped"] is None


def test_orbit_json_for_the_paper_example_to_every_digit_printed(capsys):
    """ω = (−1, 1), E = 1, η = 1.1 (e = 11/10) at the default 30 digits: each number is the closed
    form of docs/eos-2d.md rounded to 30 significant digits (checked exactly, to half a unit in the
    last digit), not merely close to a float."""
    data = orbit_json(capsys, "--omega", "-1", "1", "--target", "1", "--lr", "1.1")
    assert data["regime"] == "period-2" and data["check"] is None
    e = Fraction(11, 10)
    assert_rounded(data["epsilon"], e, 30)
    assert_rounded(data["min_ntk"], 2 * e, 30)
    with mpmath.workdps(50):
        root = mpmath.sqrt(mpq((e - 1) * (e + 3)))  # √0.41
        assert_rounded(data["cycle"]["ntk"][0], mpq(1 + e) - root, 30)
        assert_rounded(data["cycle"]["ntk"][1], mpq(1 + e) + root, 30)
    assert_rounded(data["cycle"]["mean_ntk"], 1 + e, 30)
    assert_rounded(data["cycle"]["offset"], e - 1, 30)
    assert_rounded(data["cycle"]["multipliers"][0], 7 - 4 * e - 2 * e * e, 30)  # 7 − 4.4 − 2.42 = 0.18
    assert_rounded(data["cycle"]["multipliers"][1], 3 - 2 * e, 30)  # r = −1


def test_orbit_exact_inputs_decimal_and_fraction_agree(capsys):
    a = orbit_json(capsys, "--omega", "-1", "1", "--target", "1", "--lr", "1.05")
    b = orbit_json(capsys, "--omega", "-1", "1", "--target", "1", "--lr", "21/20")
    assert a == b


@pytest.mark.parametrize(
    "argv, fragment",
    [
        (["--omega", "-1", "1", "--target", "0", "--lr", "1"], "E = 0"),
        (["--omega", "1", "2", "--target", "-1", "--lr", "1"], "no zero-loss minimum"),
        (["--omega", "-1", "1", "--target", "1", "--lr", "0"], "lr"),
        (["--omega", "-1", "x", "--target", "1", "--lr", "1"], "omega2"),
        (["--omega", "-1", "1", "--target", "1", "--lr", "1", "--digits", "0"], "digits"),
    ],
)
def test_orbit_bad_input(capsys, argv, fragment):
    code, _out, err = run(capsys, "orbit", *argv)
    assert code == 2
    assert fragment in one_line_error(err)


rationals = st.fractions(min_value=-4, max_value=4, max_denominator=12)


@settings(max_examples=examples(25))
@given(
    rationals,
    rationals,
    rationals.filter(lambda v: v != 0),
    st.fractions(min_value=Fraction(1, 20), max_value=3, max_denominator=20),
)
# found by exploration: the along multiplier is exactly −16.44519453125, a tie at 12 digits
@example(Fraction(0), Fraction(37, 10), Fraction(37, 10), Fraction(3, 16))
def test_orbit_json_is_the_documented_object_with_the_closed_forms(w1, w2, E, lr):
    """`orbit --json` (no --check) for any valid input: one JSON object whose keys, types and values
    match the closed forms of docs/eos-2d.md, computed here in Fractions and 50-digit mpmath."""
    eps = [lr * E * w1, lr * E * w2]
    assume(any(v > 0 for v in eps))  # otherwise a usage error, tested above
    e, axis = min((v, i) for i, v in enumerate(eps) if v > 0)
    r = (w2, w1)[axis] / (w1, w2)[axis]  # ω_other / ω_axis
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = cli.main(
            [
                "orbit",
                "--omega",
                str(w1),
                str(w2),
                "--target",
                str(E),
                "--lr",
                str(lr),
                "--json",
                "--digits",
                str(SCHEMA_DIGITS),
                "--no-attractor",
            ]
        )
    assert code == 0
    assert len(out.getvalue().splitlines()) == 1
    data = json.loads(out.getvalue())
    assert set(data) == ORBIT_KEYS
    assert data["check"] is None and data["attractor"] is None  # only --check fills check; --no-attractor
    assert all(isinstance(data[k], str) for k in ("epsilon", "regime", "min_ntk"))
    assert data["regime"] == regime_by_hand(e, r)
    assert_rounded(data["epsilon"], e)
    assert_rounded(data["min_ntk"], 2 * e)
    cycle = data["cycle"]
    if e <= 1:
        assert cycle is None  # the orbit is born at e = 1
        return
    assert set(cycle) == {"ntk", "mean_ntk", "offset", "multipliers"}
    assert all(isinstance(v, str) for v in (*cycle["ntk"], cycle["mean_ntk"], cycle["offset"], *cycle["multipliers"]))
    assert len(cycle["ntk"]) == len(cycle["multipliers"]) == 2
    with mpmath.workdps(50):
        root = mpmath.sqrt(mpq((e - 1) * (e + 3)))
        assert_rounded(cycle["ntk"][0], mpq(1 + e) - root)
        assert_rounded(cycle["ntk"][1], mpq(1 + e) + root)
    assert_rounded(cycle["mean_ntk"], 1 + e)
    assert_rounded(cycle["offset"], e - 1)
    assert_rounded(cycle["multipliers"][0], 7 - 4 * e - 2 * e * e)  # along the axis
    assert_rounded(cycle["multipliers"][1], 1 - r * (r - 1) * (e - 1))  # across it


# -- latex and plot -------------------------------------------------------------------------------


def test_latex_snippet_and_unknown_claim(capsys):
    code, out, err = run(capsys, "latex", "--claim", "gf-J")
    assert code == 0 and "\\begin{erratum}" in out and "\\end{erratum}" in out
    code, out, err = run(capsys, "latex", "--claim", "nope")
    assert code == 2 and "unknown claim id" in one_line_error(err)


def test_latex_takes_verify_s_time_limit_and_jobs(capsys, tmp_path):
    """latex runs the claims as verify does, so it takes the same --timeout (per claim) and -j; with --model it runs
    no claim and refuses them."""
    code, out, err = run(capsys, "latex", "--claim", "gf-J", "--timeout", "0.001")
    assert code == 0 and "\\emph{Undecided.} The check stopped: Time limit of 0.001" in out
    code, out, err = run(capsys, "latex", "--claim", "gf-J", "-j", "0")
    assert code == 2 and "-j must be a positive whole number" in one_line_error(err)
    for option in (["-j", "1"], ["--timeout", "5"]):
        code, _, err = run(capsys, "latex", "--model", str(tmp_path / "m.toml"), *option)
        assert code == 2 and f"{option[0]} is not used with --model" in one_line_error(err)


@pytest.mark.long
def test_plot_writes_the_four_figures(capsys, tmp_path):
    """As PDF (tests/test_plots.py draws the PNGs): four drawn files and nothing else."""
    code, out, _err = run(capsys, "plot", "--out", str(tmp_path / "figs"), "--format", "pdf")
    assert code == 0
    paths = out.split()
    names = [f"{n}.pdf" for n in ("fig1_sharpening", "fig2_reduced_plane", "fig3_bifurcation", "fig4_landscape")]
    assert [os.path.basename(p) for p in paths] == names
    for p in paths:
        with open(p, "rb") as fh:
            data = fh.read()
        assert data.startswith(b"%PDF-") and len(data) > 5_000  # a drawn figure, not an empty page
    assert sorted(os.listdir(tmp_path / "figs")) == sorted(names)


def test_plot_into_a_missing_parent_is_a_usage_error(capsys, tmp_path):
    code, _out, err = run(capsys, "plot", "--out", str(tmp_path / "a" / "b"))
    assert code == 2 and "does not exist" in one_line_error(err)


def test_console_script_never_shows_a_traceback(tmp_path):
    beside = os.path.join(os.path.dirname(sys.executable), "eos-theory")  # the venv running the tests
    exe = beside if os.path.exists(beside) else shutil.which("eos-theory") or pytest.skip("eos-theory not installed")
    proc = subprocess.run(
        [exe, "gd", "--Q", "1 2; 3 4", "--theta", "1", "1", "--target", "1", "--lr", "1"],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr


if __name__ == "__main__":
    sys.exit(pytest.main([__file__]))


# -- orbit: the attractor past the window (issue 7) -----------------------------------------------

ATTRACTOR_KEYS = {
    "label",
    "period",
    "mean_ntk",
    "mean_ntk_ci",
    "lyapunov",
    "lyapunov_ci",
    "transverse_lyapunov",
    "transverse_lyapunov_ci",
    "escape_fraction",
    "escape_ci",
    "level",
    "how",
}


@pytest.mark.parametrize(
    "lr, regime, period",
    [
        ("5/4", "period-4", 4),  # √5 − 1 < 1.25 < 1.288… (the 4-cycle's doubling, docs/eos-2d.md §5a): period 4
        ("17/10", "period-6", 6),  # the period-3 window of the axis map; Π(1 − y_k) < 0, so θ returns after 6
        ("7/5", "chaotic", None),  # past the accumulation point ≈ 1.3023 and in no window: λ > 0
        ("21/10", "divergent", None),  # past the crisis at e = 2: the axis interval has a hole, starts escape
    ],
)
def test_orbit_names_what_gd_does_past_the_window(capsys, lr, regime, period):
    data = orbit_json(capsys, "--omega", "-1", "1", "--target", "1", "--lr", lr)
    assert data["closed_form_regime"] == "unstable"  # the closed forms alone cannot say more
    a = data["attractor"]
    assert set(a) == ATTRACTOR_KEYS
    assert data["regime"] == a["label"] == regime and a["period"] == period
    if regime == "chaotic":
        assert a["lyapunov_ci"][0] > 0  # positive at the stated level
        lo, hi = a["mean_ntk_ci"]
        assert lo <= a["mean_ntk"] <= hi and 2.3 < lo < hi < 2.6  # the EOS offset of a chaotic attractor
    if regime == "divergent":
        assert a["escape_fraction"] == 1 and a["escape_ci"][1] == 1
    if period is not None:
        assert a["lyapunov"] < 0 and a["escape_fraction"] == 0


def test_orbit_attractor_is_reproducible_and_seeded(capsys):
    args = ("--omega", "-1", "1", "--target", "1", "--lr", "7/5")
    first, again = orbit_json(capsys, *args), orbit_json(capsys, *args)
    assert first == again
    other = orbit_json(capsys, *args, "--seed", "1")
    assert other["attractor"]["label"] == "chaotic" and other["attractor"]["mean_ntk"] != first["attractor"]["mean_ntk"]


def test_a_closed_pipe_ends_quietly():
    """`eos-theory verify --list | head -1`: the reader goes away; no traceback, exit 141 as for SIGPIPE.

    The pipe is made one page small (Linux: F_SETPIPE_SZ), so that the listing (about 26 kB) cannot all sit in it
    before the reader closes: the writer is still writing when it does, whatever the machine's load."""
    import fcntl

    read_end, write_end = os.pipe()
    fcntl.fcntl(write_end, getattr(fcntl, "F_SETPIPE_SZ", 1031), 4096)
    proc = subprocess.Popen(
        [sys.executable, "-m", "eos_theory", "verify", "--list"], stdout=write_end, stderr=subprocess.PIPE
    )
    os.close(write_end)
    with os.fdopen(read_end, "rb") as reader:
        reader.read(10)
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 141, err
    assert err == ""


def test_findings_print_every_refuted_member_with_its_own_counterexample(capsys):
    code, out, _err = run(capsys, "verify", "--claim", "gf-theta", "-j", "1")
    assert code == 0
    findings = out[out.index("Findings") :]
    members = [line for line in findings.splitlines() if line.lstrip().startswith("✗")]
    # gf-theta's chain: the sign of −η∇θL = ηz∂z/∂θ, its last member, read charitably, and E where 2E belongs
    assert len(members) == 4 and all("counterexample at" in m for m in members)
    assert any("E where 2E belongs" in m for m in members)
    assert "correct: θ̇ = −η∇θL = −ηz ∂z/∂θ = −η(½θᵀQθ − E)Qθ" in findings
    assert out.rstrip().endswith("1 claim decided as recorded: 0 verified, 1 refuted")  # the summary, on stdout


def test_findings_say_a_researchers_refuted_claim_was_stated_not_printed(capsys, tmp_path, clean_registry):
    (tmp_path / "mine_claims.py").write_text(
        "import sympy as sp\nfrom eos_theory import Proof, Source, claim\nx = sp.Symbol('x')\n\n"
        "@claim('mine-double', source=Source('Lemma 2'), statement='2x = x.', method='exact', expect='refuted')\n"
        "def double(p: Proof) -> None:\n    p.differ('2x = x', 2 * x, x)\n"
        "    with p.corrected('2x = x + x'):\n        p.equal('2x = x + x', 2 * x, x + x)\n",
        encoding="utf-8",
    )
    code, out, err = run(capsys, "verify", "--claims", str(tmp_path), "--claim", "mine-double", "-j", "1")
    assert code == 0, err
    findings = out[out.index("Findings") :]
    assert "printed" not in findings.splitlines()[0]  # a researcher's statement was stated, not printed
    assert "mine-double yours, Lemma 2: 2x = x." in findings
    assert "✗ 2x = x: counterexample at x = " in findings and "correct: 2x = x + x" in findings
