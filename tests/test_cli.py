"""The `eos-theory` command: exit codes, one-line errors, the JSON report and the orbit object.

Most tests call ``cli.main`` in-process (fast); one runs the installed console script to show
that users never see a traceback.
"""

import json
import math
import os
import shutil
import subprocess
import sys
import time
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from eos_theory import cli

REPORT_KEYS = {"id", "source", "statement", "latex", "method", "verdict", "evidence", "correction"}


def run(capsys, *argv):
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def one_line_error(err: str) -> str:
    lines = [l for l in err.splitlines() if l.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith("eos-theory: error: ")
    assert "Traceback" not in err
    return lines[0]


# -- verify ---------------------------------------------------------------------------------------


def test_verify_one_claim_writes_the_documented_report(capsys, tmp_path):
    path = tmp_path / "r.json"
    code, out, err = run(capsys, "verify", "--claim", "gf-J", "--claim", "gf-z", "--json", str(path))
    assert code == 0
    data = json.loads(path.read_text(encoding="utf-8"))
    assert [c["id"] for c in data["claims"]] == ["gf-J", "gf-z"]
    for c in data["claims"]:
        assert REPORT_KEYS <= set(c)
        assert c["verdict"] in ("verified", "refuted", "inconclusive")
    gf_j, gf_z = data["claims"]
    # gf-J: the printed J̇ = −2ηzQJᵀ has a spurious 2 (by hand: J̇ = θ̇ᵀQ = −ηzθᵀQQ); gf-z holds.
    assert gf_j["verdict"] == "refuted" and gf_j["correction"]["steps"]
    assert gf_z["verdict"] == "verified" and gf_z["correction"] is None
    assert "gf-J" in out and "Findings" in out


def test_unknown_claim_is_a_usage_error(capsys):
    code, out, err = run(capsys, "verify", "--claim", "no-such-claim")
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
    from eos_theory import registry

    c = registry.get("gf-z")
    monkeypatch.setitem(registry._REGISTRY, "gf-z", type(c)(**{**c.__dict__, "expect": "refuted"}))
    code, out, err = run(capsys, "verify", "--claim", "gf-z", "--quiet")
    assert code == 1
    assert "gf-z (verified, expected refuted)" in err


def _hangs(p) -> None:
    time.sleep(60)


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_claim_past_the_time_limit_is_inconclusive_and_the_others_are_decided(capsys, monkeypatch, tmp_path, jobs):
    from eos_theory import registry

    hung = registry.Claim("test-hangs", registry.Source("derived"), "a claim whose proof hangs", "sleeping", _hangs)
    monkeypatch.setitem(registry._REGISTRY, hung.id, hung)
    path = tmp_path / "r.json"
    start = time.monotonic()
    code, out, err = run(capsys, "verify", "--claim", "test-hangs", "--claim", "gf-z", "-j", jobs,
                         "--timeout", "1", "--json", str(path), "--quiet")
    assert time.monotonic() - start < 60  # generous: the hanging claim is stopped after 1 s
    assert code == 1 and "test-hangs (inconclusive, expected verified)" in err
    first, second = json.loads(path.read_text(encoding="utf-8"))["claims"]
    assert (first["id"], first["verdict"], first["error"]) == ("test-hangs", "inconclusive", "time limit of 1 s exceeded")
    assert (second["id"], second["verdict"], second["error"]) == ("gf-z", "verified", None)


@pytest.mark.parametrize("argv, fragment", [
    (["-j", "0"], "-j must be a positive whole number"),
    (["-j", "two"], "-j must be a positive whole number"),
    (["-j", "1.5"], "-j must be a positive whole number"),
    (["--timeout", "0"], "--timeout must be > 0"),
    (["--timeout", "-3"], "--timeout must be > 0"),
    (["--timeout", "10000001"], "at most"),
    (["--timeout", "soon"], "--timeout: cannot read"),
])
def test_verify_bad_jobs_or_timeout(capsys, argv, fragment):
    code, out, err = run(capsys, "verify", "--claim", "gf-z", *argv)
    assert code == 2 and out == ""
    assert fragment in one_line_error(err)


def test_list_names_every_claim(capsys):
    from eos_theory import registry

    code, out, err = run(capsys, "verify", "--list")
    assert code == 0
    assert [line.split()[0] for line in out.splitlines()] == [c.id for c in registry.claims()]


def test_no_command_prints_help_and_fails(capsys):
    code, out, err = run(capsys)
    assert code == 2 and "verify" in out and "orbit" in out


# -- gd -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("argv, fragment", [
    (["--Q", "1 2; 3 -1"], "symmetric"),
    (["--Q", "1 2; 2"], "square"),
    (["--Q", "1 nan; nan 1"], "exact number"),
    (["--Q", "1 inf; inf 1"], "exact number"),
    (["--omega", "1", "-1", "--lr", "0"], "lr must be > 0"),
    (["--omega", "1", "-1", "--lr", "-1/2"], "lr must be > 0"),
    (["--omega", "1", "-1", "--theta", "1"], "length 2"),
    (["--omega", "1", "-1", "--target", "nan"], "exact number"),
    (["--omega", "1", "-1", "--Q", "1 0; 0 1"], "either"),
])
def test_gd_bad_input(capsys, argv, fragment):
    base = {"--theta": ["1", "1"], "--target": ["1"], "--lr": ["1/4"]}
    for flag in base:
        if flag not in argv:
            argv = argv + [flag, *base[flag]]
    code, out, err = run(capsys, "gd", *argv)
    assert code == 2
    assert fragment in one_line_error(err)


def test_gd_agrees_with_the_two_d_map_and_exact_arithmetic(capsys):
    code, out, err = run(capsys, "gd", "--Q", "1 1/2; 1/2 -1", "--theta", "1", "1", "--target", "1", "--lr", "1/4",
                         "--steps", "3", "--json", "--show", "30")
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


def test_orbit_json_for_the_paper_example(capsys):
    data = orbit_json(capsys, "--omega", "-1", "1", "--target", "1", "--lr", "1.1", "--check")
    assert set(data) == {"e", "regime", "min_ntk", "cycle", "check"}
    assert data["regime"] == "period-2"
    # By hand (docs/eos-2d.md): e = ηEω = 1.1, cycle η·NTK = 1 + e ± √((e−1)(e+3)), mean 1 + e,
    # multipliers 7 − 4e − 2e² and 3 − 2e.
    e = 1.1
    root = math.sqrt((e - 1) * (e + 3))
    assert float(data["e"]) == pytest.approx(e, rel=1e-15)
    assert [float(v) for v in data["cycle"]["ntk"]] == pytest.approx([1 + e - root, 1 + e + root], rel=1e-14)
    assert float(data["cycle"]["offset"]) == pytest.approx(e - 1, rel=1e-13)
    assert [float(v) for v in data["cycle"]["multipliers"]] == pytest.approx([7 - 4 * e - 2 * e * e, 3 - 2 * e],
                                                                             rel=1e-13)
    assert all(len(v.replace("-", "").replace(".", "").lstrip("0")) >= 30 for v in data["cycle"]["ntk"])
    assert data["check"]["digits_agree"] >= 25 and data["check"]["steps"] > 0


def test_orbit_exact_inputs_decimal_and_fraction_agree(capsys):
    a = orbit_json(capsys, "--omega", "-1", "1", "--target", "1", "--lr", "1.05")
    b = orbit_json(capsys, "--omega", "-1", "1", "--target", "1", "--lr", "21/20")
    assert a == b


@pytest.mark.parametrize("argv, fragment", [
    (["--omega", "-1", "1", "--target", "0", "--lr", "1"], "E = 0"),
    (["--omega", "1", "2", "--target", "-1", "--lr", "1"], "no zero-loss minimum"),
    (["--omega", "-1", "1", "--target", "1", "--lr", "0"], "lr"),
    (["--omega", "-1", "x", "--target", "1", "--lr", "1"], "omega2"),
    (["--omega", "-1", "1", "--target", "1", "--lr", "1", "--digits", "0"], "digits"),
])
def test_orbit_bad_input(capsys, argv, fragment):
    code, out, err = run(capsys, "orbit", *argv)
    assert code == 2
    assert fragment in one_line_error(err)


rationals = st.fractions(min_value=-4, max_value=4, max_denominator=12)


@settings(max_examples=25)
@given(rationals, rationals, rationals.filter(lambda v: v != 0), st.fractions(min_value=Fraction(1, 20), max_value=3,
                                                                             max_denominator=20))
def test_orbit_answers_every_valid_input_with_the_schema(w1, w2, E, lr):
    if not (E * w1 > 0 or E * w2 > 0):
        return  # no zero-loss minimum: a usage error, tested above
    code = cli.main(["orbit", "--omega", str(w1), str(w2), "--target", str(E), "--lr", str(lr), "--json",
                     "--digits", "12"])
    assert code == 0


# -- latex and plot -------------------------------------------------------------------------------


def test_latex_snippet_and_unknown_claim(capsys):
    code, out, err = run(capsys, "latex", "--claim", "gf-J")
    assert code == 0 and "\\begin{erratum}" in out and "\\end{erratum}" in out
    code, out, err = run(capsys, "latex", "--claim", "nope")
    assert code == 2 and "unknown claim id" in one_line_error(err)


def test_plot_writes_the_four_figures(capsys, tmp_path):
    code, out, err = run(capsys, "plot", "--out", str(tmp_path / "figs"), "--format", "png")
    assert code == 0
    paths = out.split()
    assert [os.path.basename(p) for p in paths] == [f"{n}.png" for n in (
        "fig1_sharpening", "fig2_reduced_plane", "fig3_bifurcation", "fig4_landscape")]
    for p in paths:
        with open(p, "rb") as fh:
            assert fh.read(8) == b"\x89PNG\r\n\x1a\n"


def test_plot_into_a_missing_parent_is_a_usage_error(capsys, tmp_path):
    code, out, err = run(capsys, "plot", "--out", str(tmp_path / "a" / "b"))
    assert code == 2 and "does not exist" in one_line_error(err)


def test_console_script_never_shows_a_traceback(tmp_path):
    beside = os.path.join(os.path.dirname(sys.executable), "eos-theory")  # the venv running the tests
    exe = beside if os.path.exists(beside) else shutil.which("eos-theory") or pytest.skip("eos-theory not installed")
    proc = subprocess.run([exe, "gd", "--Q", "1 2; 3 4", "--theta", "1", "1", "--target", "1", "--lr", "1"],
                          capture_output=True, text=True)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr


if __name__ == "__main__":
    sys.exit(pytest.main([__file__]))
