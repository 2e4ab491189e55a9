"""Every input is bounded before any work: the reproducers of issue 15, kept as regression tests.

An input that must be refused runs ``eos-theory`` in a forked child limited to 10 s of wall time and 500 MB of
memory (:func:`clitools.bounded`) and must end there with one line on stderr and exit status 2; before the fixes
these hung for minutes, ate gigabytes, or ended in a traceback.  One that must give the right result runs in this
process (:func:`result`), sharing imports and derivations with the other tests, unless the bound itself is what
it checks (gd's time limit).  benchmarks/reproducers.py runs every reproducer as a fresh process from outside the
repository and measures its wall time and memory.
"""

import json
import os

import pytest
from clitools import bounded, one_line_error, run

import eos_theory.anymodel.flip
import eos_theory.anymodel.report
import eos_theory.outputs.latex
import eos_theory.outputs.plots  # noqa: F401 (imported once here, so that each forked child starts with them)

SECONDS, MEGABYTES = 10, 500  #: the issue's bound on every reproducer

XY = ("analyze", "--params", "x", "y", "--target", "1", "--no-check", "--timeout", "5")


def result(capsys, *argv: str) -> str:
    """The stdout of a run that must succeed, in this process: the inputs whose right result is checked here are
    bounded by benchmarks/reproducers.py; in this process they share imports and derivations with other tests."""
    code, out, err = run(capsys, *argv)
    assert code == 0, err
    return out


def refused(*argv: str) -> str:
    """The one error line of a run that must be refused within the bounds."""
    res = bounded(*argv, seconds=SECONDS, megabytes=MEGABYTES)
    assert res.code == 2, (res.code, res.err[-2000:])
    return one_line_error(res.err)


# -- analyze: expressions are sized before SymPy builds them (items 1-3, 15) ----------------------------------


@pytest.mark.parametrize(
    "argv, fragment",
    [
        (("--output", "9**9**9"), "digits, more than 1000"),  # item 1: ran for minutes
        (("--output", "10**10**8"), "digits, more than 1000"),
        (("--output", "x*y", "--loss", "r^2/2 + 9**9**9*r^4"), "digits, more than 1000"),
        (("--output", "x**99999999"), "degree 99999999, above 12"),  # item 2: 82 s and 7.9 GB
        (("--output", "x**(10**10)"), "degree 10000000000, above 12"),  # item 2: MemoryError
        (("--output", "x*y", "--loss", "r^2/2 + r**99999999"), "degree 99999999, above 12"),  # 48 s, 7.3 GB
        (("--output", "2**2**2**2**2"), "2**65536 has about 19729 digits"),  # item 3: a 35-line traceback
        (("--output", "sqrt(-x^2-1)*y"), "is not real"),  # item 15: accepted before
        (("--output", "log(-x^2-1)*y"), "is not real"),
        (("--output", "x**y"), "depends on the parameters"),
        (("--output", "(x+y)^7*(x-y)^6"), "above 12"),
        (("--output", "x*y", "--loss", "-r**2"), "loss without a minimum"),  # item 15: read as an option before
    ],
)
def test_analyze_sizes_every_expression_before_building_it(argv, fragment):
    assert fragment in refused(*XY, *argv)


def test_parameters_named_like_sympy_classes_are_plain_names(capsys):
    """Item 15: a parameter named Integer or Float broke the reading of numbers (auto_number wraps them in
    Integer(…) and Float(…), which then named the parameter)."""
    out = result(
        capsys,
        "analyze",
        "--params",
        "Integer",
        "Float",
        "--output",
        "2*Integer*Float + 0.5",
        "--target",
        "5/2",
        "--json",
    )
    # zero residual at I·F = 1, where the sharpness |∇f|² = 4(I² + F²) is least at I = F = ±1: 8
    assert '"least_sharpness": "8"' in out


# -- model files (item 4) ----------------------------------------------------------------------------------


@pytest.mark.parametrize("command", [("analyze",), ("latex",), ("plot", "--out", "{tmp}")])
@pytest.mark.parametrize(
    "make, fragment",
    [
        (lambda p: p.write_bytes(b"\xff\xfe params"), "not UTF-8"),
        (lambda p: p.write_text("params = " + "[" * 5000 + "]" * 5000), "nested too deeply"),
        (lambda p: os.mkfifo(p), "not a regular file"),  # hung analyze, latex --model and plot --model
        (lambda p: p.write_text('params = ["u"]\noutput = "u"\ntarget = 1\n' + "#" * 70_000), "larger than 64 KiB"),
        (lambda p: p.write_text('params = ["u"]\noutputs = [["u"]]\ntargets = [1]\n'), "list of strings"),
        (lambda p: p.write_text('params = ["u"]\noutput = "u"\ntarget = 1\nloss = 2\n'), "loss must be a string"),
    ],
)
def test_model_files_are_read_within_bounds(tmp_path, command, make, fragment):
    path = tmp_path / "model.toml"
    make(path)
    argv = [a.format(tmp=tmp_path) for a in command]
    assert fragment in refused(*argv, "--model", str(path))


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/null", "/"])
def test_devices_and_directories_are_not_model_files(device):
    assert "not a regular file" in refused("analyze", "--model", device)  # /dev/zero was read without end


@pytest.mark.parametrize(
    "make",
    [lambda p: os.mkfifo(p), lambda p: p.symlink_to("/dev/zero"), lambda p: p.mkdir()],
    ids=["fifo", "zero", "dir"],
)
def test_check_reads_only_regular_certificate_files(tmp_path, make):
    """eos-theory check DIR (issue 16's kernel, item 4's kind of input): a FIFO named *.json hung it, and a link to
    /dev/zero was read without end (2.2 GB in 20 s).  Such a file is the one rejected certificate, exit status 1."""
    make(tmp_path / "a.json")
    res = bounded("check", str(tmp_path), seconds=SECONDS, megabytes=MEGABYTES)
    assert res.code == 1, res.err
    assert "not a regular file" in res.out and res.out.rstrip().endswith("1 rejected")


# -- verify ------------------------------------------------------------------------------------------------


def test_a_claim_named_twice_runs_once(capsys, tmp_path):
    """Item 15: verify --claim gf-J --claim gf-J ran it twice."""
    path = tmp_path / "r.json"
    res = bounded("verify", "--claim", "gf-J", "--claim", "gf-J", "-q", "--json", str(path))
    assert res.code == 0, res.err
    assert res.out.strip().startswith("1 claim decided as recorded")  # the summary goes to stdout
    assert path.read_text().count('"id": "gf-J"') == 1


# -- numbers at the extremes of exact parsing (item 5) -------------------------------------------------------


@pytest.mark.parametrize(
    "argv, fragment",
    [
        (("--omega", "-1", "1", "--target", "1", "--lr", "1e1000"), "ε = ηEω has 1001 digits"),  # OverflowError
        (("--omega", "-1e-301", "1e-301", "--target", "1", "--lr", "1e301"), "omega1 = -1e-301 is outside 1e-300"),
        (("--omega", "1e10000", "1", "--target", "1", "--lr", "1"), "beyond ±1000"),  # OverflowError
        (("--omega", "1e-10000", "1", "--target", "1", "--lr", "1"), "beyond ±1000"),  # the 4300-digit ValueError
        (("--omega", "-1", "1", "--target", "1e-10000", "--lr", "1"), "beyond ±1000"),
        (("--omega", "-1", "1", "--target", "1e-400", "--lr", "1"), "ε = ηEω has 401 digits"),
        (("--omega", "-1", "1", "--target", "1", "--lr", "1" * 1001), "more than 1000 digits"),
    ],
)
def test_orbit_refuses_numbers_beyond_its_range(argv, fragment):
    assert fragment in refused("orbit", *argv)


def test_orbit_closed_forms_stay_exact_at_the_extremes(capsys):
    """Without the float64 attractor search the closed forms take ε and r of up to 400 digits: ε = 10⁻²⁹⁹."""
    out = result(
        capsys, "orbit", "--omega", "-1e-100", "1e-100", "--target", "1e-99", "--lr", "1e-100", "--no-attractor"
    )
    assert "ε = 1e-299" in out and "regime: minimum" in out


# -- words that say what the run did (items 12, 13) -----------------------------------------------------------


def test_a_step_too_small_for_the_precision_is_not_convergence(capsys):
    """Item 12: at η = 10⁻⁴⁵ the 50-digit run cannot move θ towards the minimum (z = 0.002 stays), though θ
    repeats to 47 digits; it said 'converged … a zero-loss minimum' from reading z̃ = ηz."""
    out = result(
        capsys, "orbit", "--omega", "-1", "1", "--target", "1", "--lr", "1e-45", "--no-attractor", "--check", "--json"
    )
    check = json.loads(out)["check"]
    assert check["status"] == "not converged" and check["reason"].startswith("GD stalled")


def test_analyze_does_not_call_a_stalled_run_converged(capsys):
    """Item 12: analyze --lr 1e-22 said 'converged after 1 steps'."""
    gd = json.loads(result(capsys, *XY[:-2], "--output", "x*y", "--lr", "1e-22", "--degree", "0", "--json"))["gd"]
    assert gd["status"] == "not converged" and gd["how"].startswith("GD stalled")


def test_at_e_equal_one_no_minimum_is_called_linearly_stable(capsys):
    """Item 13: at e = 1 the least-NTK minimum has multiplier −1 and [2e, 2) is empty."""
    how = json.loads(result(capsys, "orbit", "--omega", "-1", "1", "--target", "1", "--lr", "1", "--json"))[
        "attractor"
    ]["how"]
    assert "no minimum is linearly stable" in how and "[2e, 2)" not in how


# -- gd: the time limit bounds the command, memory does not grow with the steps (item 9) --------------------


@pytest.mark.parametrize("output", [(), ("--json",)])
def test_gd_time_limit_bounds_the_whole_command(output):
    """Item 9: --steps 1000000000 --max-seconds 10 (now --timeout) took 168 s and 1.86 GB, and printed 390,000 rows."""
    res = bounded(
        "gd", "--omega", "-1", "1", "--theta", "0.1", "0.1", "--target", "1", "--lr", "1.4",
        "--steps", "1000000000", "--timeout", "1", *output,
    )  # fmt: skip
    assert res.code == 0, res.err
    assert res.seconds < 3, res.seconds  # the 1 s budget, and room for a loaded machine (it was 168 s at 10 s)
    if output:
        data = json.loads(res.out)
        assert len(data["steps"]) <= 500 and data["stopped"]["reason"].startswith("--timeout 1 ")
        assert data["steps"][-1]["step"] == data["stopped"]["step"]  # the last iterate is always shown
    else:
        assert "--timeout 1 (start-up and printing included) reached" in res.out


@pytest.mark.parametrize("value", ["1e-400", "0", "-1", "1/1001", "1000001"])
def test_a_timeout_too_small_to_keep_or_too_large_is_refused(capsys, value):
    """Found by test_fuzz_cli: verify --timeout 1e-400 was read exactly as > 0, became the float 0.0, and the
    executor's own check turned it into an internal error."""
    code, _, err = run(capsys, "verify", "--claim", "gf-z", "-q", "--timeout", value)
    assert code == 2 and err.strip() == (
        f"eos-theory: error: --timeout must be at least 0.001 and at most 1000000 seconds, got {value}"
    )


def test_gd_keeps_more_time_for_printing_on_a_busy_machine(monkeypatch):
    """Item 9 under load: with 1.5 s kept for printing whatever the load, --timeout 10 ended after 11.4 s where the
    process had a sixth of a core (benchmarks/reproducers.py, load average 9 on 2 cores)."""
    from eos_theory.commands import common, quadratic

    monkeypatch.setattr(common, "elapsed", lambda: 4.0)  # 4 s since the command started (a clock that does not move)
    monkeypatch.setattr(common.time, "process_time", lambda: 0.5)  # … of which 0.5 s on a core: an eighth
    assert common.cpu_share() == pytest.approx(0.125, rel=1e-3)
    assert quadratic.print_reserve(40) == pytest.approx(quadratic.PRINT_CPU_SECONDS / 0.125, rel=1e-3)  # 6 s
    assert quadratic.print_reserve(2) == 0.5  # at most a quarter of the limit
    monkeypatch.setattr(common.time, "process_time", lambda: 5.0)  # a whole core (threads: more CPU than wall time)
    assert common.cpu_share() == 1 and quadratic.print_reserve(10) == quadratic.PRINT_SECONDS


# -- atlas, ensemble: bad values are refused before any run (items 6, 7, 8) -----------------------------------


def test_atlas_refuses_an_unreadable_range_before_running(tmp_path):
    """Item 6: --e-range (now --epsilon-range) 1e-10000 1 ran the whole grid, then crashed while writing: the work
    was lost."""
    assert "beyond ±1000" in refused(
        "atlas", "--grid", "3", "3", "--epsilon-range", "1e-10000", "1", "-o", str(tmp_path)
    )
    assert not any(tmp_path.iterdir())


def test_atlas_writes_a_range_at_the_limit_of_exact_reading(tmp_path, capsys):
    """In this process (nothing to bound: the range is read first), sharing the figure's imports and the closed
    forms of its boundaries with the other tests."""
    import numpy as np

    code, _out, err = run(
        capsys, "atlas", "--grid", "3", "3", "--epsilon-range", "1e-1000", "1", "--steps", "384", "-j", "1", "-o",
        str(tmp_path),
    )  # fmt: skip
    assert code == 0, err
    with np.load(tmp_path / "atlas.npz") as data:
        assert json.loads(str(data["meta"]))["epsilon_range"] == ["1e-1000", "1"]  # recorded exactly
    assert (tmp_path / "atlas.png").stat().st_size > 0


@pytest.mark.parametrize("command", [("atlas", "--grid", "2", "2"), ("ensemble", "--n-params", "3", "--n-outputs", "1",
                                     "--lr", "1", "--seeds", "2")])  # fmt: skip
@pytest.mark.parametrize("address", ["", "  "])
def test_an_empty_scheduler_address_is_a_usage_error(command, address, tmp_path):
    """Item 7: --scheduler '' was a ValueError traceback."""
    assert "--scheduler: give the Dask scheduler's address" in refused(*command, "--scheduler", address)


@pytest.mark.parametrize("digits", [2, 3, 4])
def test_cascade_takes_its_documented_digits(digits, capsys):
    """Item 8: --digits 2 (3, 4) were refused with an internal message ('dps must be >= 15, got 12').  In this
    process (no hang or memory to bound here): the derivations it shares with other tests are cached."""
    import mpmath

    code, out, err = run(capsys, "cascade", "--levels", "3", "--digits", str(digits), "--json")
    assert code == 0, err
    rows = json.loads(out)["thresholds"]
    e3 = mpmath.mpf("1.28803175448284276195434243545")  # certified by intervals, 30 digits (docs/eos-2d.md §5)
    assert [r["epsilon"] for r in rows] == ["1", mpmath.nstr(mpmath.sqrt(5) - 1, digits), mpmath.nstr(e3, digits)]


# -- budgets: the work is estimated before it starts (item 10) -----------------------------------------------


HUGE_ENSEMBLE = ("ensemble", "--n-params", "2000", "--n-outputs", "25", "--lr", "1", "--seeds", "100000")


@pytest.mark.parametrize(
    "argv, estimate",
    [
        (("atlas", "--grid", "2000", "2000", "--steps", "10000000"), "days"),  # was accepted: about 3.7 days here
        (HUGE_ENSEMBLE, "days"),  # was accepted
        (("atlas", "--grid", "400", "400", "--steps", "20000", "--budget", "1"), "s on 1 local process"),
    ],
)
def test_work_over_the_budget_is_refused_before_it_starts(argv, estimate, tmp_path):
    line = refused(*argv, "-j", "1", *(("-o", str(tmp_path / "out")) if argv[0] == "atlas" else ()))
    assert "the run would take about" in line and estimate in line and "--budget" in line
    assert not (tmp_path / "out").exists()  # atlas made its -o directory before the budget check, and left it empty


def test_the_estimate_follows_the_measured_costs(capsys):
    """atlas.estimate is chunk_seconds summed over the chunks; check_budget divides by the slots, announces a
    long run on stderr, and refuses one over the budget."""
    from eos_theory.commands.common import UsageError, check_budget
    from eos_theory.past_window import atlas
    from eos_theory.running import executor

    work = atlas.plan(("0.5", "2.5"), ("-4", "4"), (200, 200), steps=10_000)
    total, largest = atlas.estimate(work)
    per_chunk = [atlas.chunk_seconds(len(t.rows) * 200, 10_000) for t in work.tasks]
    assert total == pytest.approx(sum(per_chunk)) and largest == max(per_chunk)
    wall = check_budget("atlas", (40.0, 2.0), 10, executor.Processes(2), "2 local processes", 3600)
    assert wall == 20.0 and "atlas: about 20 s on 2 local processes" in capsys.readouterr().err
    with pytest.raises(UsageError, match=r"about 40 s on 1 local process .* over the budget of 30 s"):
        check_budget("atlas", (40.0, 2.0), 10, executor.Serial(), "1 local process", 30)


# -- a cluster lost mid-run (item 11) --------------------------------------------------------------------------


def test_a_client_that_lost_its_scheduler_fails_the_unfinished_tasks_at_once():
    """Item 11: over TCP a client whose scheduler is killed goes 'connecting' (distributed has cancelled its
    tasks) and every call waits connect_timeout (10 s) for a reconnection: atlas and ensemble ended 10-12 s after
    the kill (benchmarks/reproducers.py --dask).  Now the unfinished tasks fail at once, without a call."""
    from eos_theory.running import executor

    class Lost:
        status = "connecting"

        def __getattr__(self, name):
            raise AssertionError(f"client.{name}: a call that waits for the scheduler to come back")

    outcomes: dict = {}
    executor.Dask("tcp://127.0.0.1:8786")._execute(Lost(), abs, [-1, -2], None, outcomes.__setitem__)
    assert sorted(outcomes) == [0, 1]
    assert {o.error for o in outcomes.values()} == {
        "the Dask cluster at tcp://127.0.0.1:8786 failed: ConnectionError: the client lost its scheduler "
        "(client status: connecting)"
    }
