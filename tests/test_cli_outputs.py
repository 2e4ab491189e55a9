"""What the commands print and write: certified digits, digit caps, and every output flag's failures.

In-process ``cli.main`` as in tests/test_cli.py.  Expected digits come from exact integer
arithmetic (``math.isqrt``), never from the printing code under test.
"""

from __future__ import annotations

import errno
import json
import math
import os
from fractions import Fraction

import pytest
from clitools import one_line_error, run

from eos_theory.numbers.decimals import MAX_DIGITS
from eos_theory.outputs import files


def rounding_of(s: str, digits: int, lo: Fraction, hi: Fraction) -> bool:
    """Is s the D-digit rounding of every number in [lo, hi]? (s has D significant digits)"""
    v = Fraction(s)
    mant = s.split("e")[0].replace("-", "").replace(".", "").lstrip("0")
    assert len(mant) == digits, f"{s!r} does not show {digits} digits"
    lead = int(s.split("e")[1]) if "e" in s else len(s.replace("-", "").split(".")[0].lstrip("0")) - 1
    if lead < 0 and "e" not in s:  # 0.000123…: the leading digit's exponent is minus its position
        frac = s.replace("-", "").split(".")[1]
        lead = -(len(frac) - len(frac.lstrip("0")) + 1)
    half = Fraction(10) ** (lead - digits + 1) / 2
    return v - half < lo and hi < v + half


def cycle_enclosure(e: Fraction, k: int = 2000) -> list[tuple[Fraction, Fraction]]:
    """1 + e ± √((e − 1)(e + 3)) for integer e, each in an exact interval (integer square roots):
    the small one as 4/(1 + e + √…) (product of the two values is 4), which loses no digits."""
    n = (e - 1) * (e + 3)
    assert n.denominator == 1
    r = math.isqrt(n.numerator * 10 ** (2 * k))
    s_lo, s_hi = Fraction(r, 10**k), Fraction(r + 1, 10**k)
    return [(4 / (1 + e + s_hi), 4 / (1 + e + s_lo)), (1 + e + s_lo, 1 + e + s_hi)]


# -- orbit: huge and tiny η -----------------------------------------------------------------------


@pytest.mark.parametrize("k", [200, 300])
@pytest.mark.parametrize("digits", [2, 30])
def test_orbit_at_huge_eta_prints_correct_digits(capsys, k, digits):
    code, out, err = run(
        capsys,
        "orbit",
        "--omega",
        "-1",
        "1",
        "--target",
        "1",
        "--lr",
        f"1e{k}",
        "--digits",
        str(digits),
        "--json",
        "--no-attractor",
    )
    assert code == 0, err
    data = json.loads(out)
    e = Fraction(10) ** k
    assert Fraction(data["epsilon"]) == e and Fraction(data["min_ntk"]) == 2 * e  # exact values print exactly
    for s, (lo, hi) in zip(data["cycle"]["ntk"], cycle_enclosure(e)):
        assert Fraction(s) > 0 and rounding_of(s, digits, lo, hi), s
    # mean 1 + e and the multipliers 7 − 4e − 2e², 3 − 2e are rationals: rounded exactly
    for s, q in [
        (data["cycle"]["mean_ntk"], 1 + e),
        (data["cycle"]["multipliers"][0], 7 - 4 * e - 2 * e * e),
        (data["cycle"]["multipliers"][1], 3 - 2 * e),
    ]:
        assert rounding_of(s, digits, q, q), s


def test_orbit_human_output_at_huge_eta_has_no_negative_ntk(capsys):
    code, out, err = run(capsys, "orbit", "--omega", "-1", "1", "--target", "1", "--lr", "1e300", "--no-attractor")
    assert code == 0, err
    line = next(l for l in out.splitlines() if "two points" in l)
    small, large = (v.strip() for v in line.split("=", 1)[1].split(","))
    assert not small.startswith("-") and small.endswith("e-300") and large.endswith("e+300")
    assert "η = 1e+300" in out  # the input echoed exactly, not as 301 digits


def test_orbit_at_tiny_eta_prints_correct_digits(capsys):
    # η = 1.1·10^-300, ω = (−1, 10^300), E = 1: e = 11/10 on the axis of ω₂, r = −10^-300, and the across
    # multiplier 1 − r(r − 1)(e − 1) = 1 − 10^-301 − 10^-601: rounds to 1 (not the exact integer 1)
    code, out, err = run(
        capsys,
        "orbit",
        "--omega",
        "-1",
        "1e300",
        "--target",
        "1",
        "--lr",
        "1.1e-300",
        "--json",
        "--digits",
        "30",
        "--no-attractor",
    )
    assert code == 0, err
    data = json.loads(out)
    r, e = Fraction(-1, 10**300), Fraction(11, 10)
    assert data["epsilon"] == "1.1" and data["regime"] == "period-2"
    assert data["cycle"]["multipliers"][1] == "1." + "0" * 29
    assert rounding_of(data["cycle"]["multipliers"][1], 30, 1 - r * (r - 1) * (e - 1), 1 - r * (r - 1) * (e - 1))


# -- small digit counts and caps ------------------------------------------------------------------


def test_small_digit_counts_never_print_a_rounded_value_as_an_integer(capsys):
    data = json.loads(
        run(
            capsys,
            "orbit",
            "--omega",
            "-1",
            "1",
            "--target",
            "1.1",
            "--lr",
            "1",
            "--digits",
            "2",
            "--json",
            "--no-attractor",
        )[1]
    )
    assert data["epsilon"] == "1.1" and data["min_ntk"] == "2.2"  # exact: printed exactly (main: "e = 1" at --digits 1)
    data = json.loads(
        run(
            capsys,
            "orbit",
            "--omega",
            "-1",
            "1",
            "--target",
            "1.01",
            "--lr",
            "1",
            "--digits",
            "2",
            "--json",
            "--no-attractor",
        )[1]
    )
    assert data["epsilon"] == "1.0"  # rounded: all D digits and a point; the exact 1 prints as "1"
    data = json.loads(
        run(
            capsys,
            "orbit",
            "--omega",
            "-1",
            "1",
            "--target",
            "1",
            "--lr",
            "1",
            "--digits",
            "2",
            "--json",
            "--no-attractor",
        )[1]
    )
    assert data["epsilon"] == "1" and data["cycle"] is None


@pytest.mark.parametrize(
    "argv",
    [
        ["orbit", "--omega", "-1", "1", "--target", "1", "--lr", "1.1", "--digits", str(MAX_DIGITS + 1)],
        ["orbit", "--omega", "-1", "1", "--target", "1", "--lr", "1.1", "--digits", "10000000"],
        ["orbit", "--omega", "-1", "1", "--target", "1", "--lr", "1.1", "--digits", "1"],
        ["orbit", "--omega", "-1", "1", "--target", "1", "--lr", "1.1", "--digits", "0"],
        [
            "gd",
            "--omega",
            "-1",
            "1",
            "--theta",
            "1",
            "1",
            "--target",
            "1",
            "--lr",
            "1",
            "--digits",
            str(MAX_DIGITS + 1),
        ],
        ["gd", "--omega", "-1", "1", "--theta", "1", "1", "--target", "1", "--lr", "1", "--precision", "14"],
        ["gd", "--omega", "-1", "1", "--theta", "1", "1", "--target", "1", "--lr", "1", "--digits", "1"],
        [
            "gd",
            "--omega",
            "-1",
            "1",
            "--theta",
            "1",
            "1",
            "--target",
            "1",
            "--lr",
            "1",
            "--precision",
            "50",
            "--digits",
            "51",
        ],
        ["gd", "--omega", "-1", "1", "--theta", "1", "1", "--target", "1", "--lr", "1", "--steps", "-1"],
    ],
    ids=[
        "orbit-over-cap",
        "orbit-1e7",
        "orbit-1",
        "orbit-0",
        "gd-over-cap",
        "gd-under-15",
        "gd-show-1",
        "gd-show-over-digits",
        "gd-negative-steps",
    ],
)
def test_digit_caps_are_one_line_errors(capsys, argv):
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    assert argv[-2] in one_line_error(err)


def test_the_cap_itself_is_accepted(capsys):
    code, out, err = run(
        capsys,
        "orbit",
        "--omega",
        "-1",
        "1",
        "--target",
        "1",
        "--lr",
        "1.1",
        "--digits",
        str(MAX_DIGITS),
        "--json",
        "--no-attractor",
    )
    assert code == 0, err
    small = json.loads(out)["cycle"]["ntk"][0]
    assert rounding_of(small, MAX_DIGITS, *cycle_interval_11_10())


def cycle_interval_11_10(k: int = 1100) -> tuple[Fraction, Fraction]:
    """2.1 − √0.41 = (21 − √41)/10 in an exact interval."""
    r = math.isqrt(41 * 10 ** (2 * k))
    return (21 - Fraction(r + 1, 10**k)) / 10, (21 - Fraction(r, 10**k)) / 10


# -- output flags: through symlinks, never onto devices, one line on any OSError --------------------


def test_verify_json_writes_through_a_symlink(capsys, tmp_path):
    dest = tmp_path / "report.json"
    dest.write_text("old\n")
    link = tmp_path / "link.json"
    link.symlink_to(dest)
    code, _out, err = run(capsys, "verify", "--claim", "gf-z", "--json", str(link), "--quiet")
    assert code == 0, err
    assert link.is_symlink() and [c["id"] for c in json.loads(dest.read_text())["claims"]] == ["gf-z"]
    assert sorted(os.listdir(tmp_path)) == ["link.json", "report.json"]


def test_latex_output_writes_through_a_symlink(capsys, tmp_path):
    dest = tmp_path / "claim.tex"
    link = tmp_path / "link.tex"
    link.symlink_to(dest)  # dangling: the target is created
    code, _out, err = run(capsys, "latex", "--claim", "gf-J", "-o", str(link))
    assert code == 0, err
    assert link.is_symlink() and "\\begin{erratum}" in dest.read_text()


@pytest.mark.parametrize("command", [["verify", "--claim", "gf-z", "--json"], ["latex", "--claim", "gf-z", "-o"]])
@pytest.mark.parametrize("via_link", [False, True])
def test_a_fifo_target_is_refused_before_any_work(capsys, tmp_path, command, via_link):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)  # stands in for /dev/full: a non-regular file a rename would replace
    path = fifo
    if via_link:
        path = tmp_path / "link"
        path.symlink_to(fifo)
    code, out, err = run(capsys, *command, str(path))
    assert code == 2 and out == ""
    assert "FIFO" in one_line_error(err)
    assert os.path.exists(fifo) and not os.path.isfile(fifo)


def test_plot_refuses_a_fifo_among_its_targets_before_drawing(capsys, tmp_path, monkeypatch):
    from eos_theory.outputs import plots

    os.mkfifo(tmp_path / "fig3_bifurcation.png")
    monkeypatch.setattr(plots, "fig1_sharpening", lambda p: pytest.fail("drew before checking the targets"))
    code, _out, err = run(capsys, "plot", "--out", str(tmp_path))
    assert code == 2 and "FIFO" in one_line_error(err)


@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="needs Linux /proc")
@pytest.mark.parametrize(
    "argv",
    [
        ["latex", "--claim", "gf-z", "-o", "/proc/x.tex"],
        ["latex", "-o", "/proc/x.tex"],
        ["verify", "--claim", "gf-z", "--json", "/proc/x.json"],
        ["plot", "--out", "/proc/figs"],
        ["plot", "--out", "/proc/sys"],
    ],
)
def test_proc_targets_are_one_line_errors(capsys, argv):
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    assert argv[-1] in one_line_error(err)


@pytest.mark.parametrize(
    "command", [["verify", "--claim", "gf-z", "--quiet", "--json"], ["latex", "--claim", "gf-z", "-o"]]
)
def test_a_full_disk_is_one_line_and_keeps_the_old_file(capsys, tmp_path, monkeypatch, command):
    path = tmp_path / "out"
    path.write_text("old\n")

    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(files.os, "fsync", full)
    code, _out, err = run(capsys, *command, str(path))
    assert code == 2
    assert "No space left on device" in one_line_error(err)
    assert path.read_text() == "old\n" and os.listdir(tmp_path) == ["out"]
