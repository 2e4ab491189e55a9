"""The general model's GD runs and the random ensemble: the reduction to the 2-D model reproduces its
closed forms, the outcome criteria on hand-built cases, the stated scalings, and results that do not
depend on chunks or backends.

Expected values come from eos_theory.quadratic.closed_forms (the derived 2-D closed forms: regime, the 2-cycle's
η·NTK values, its mean 1 + e, the least η·NTK 2e over the minima) or are derived here by hand for
linear models (z_k = (1 − η|G|²)^k z₀).  Tolerances follow from float64's unit roundoff u = 2⁻⁵³,
the two-step multipliers of the cycle (analysis) and the steps run.

The Dask tests come last: the LocalCluster's scheduler runs in threads of this process, and the
Processes tests fork, which must happen before those threads exist (as in test_atlas.py).
"""

from __future__ import annotations

import json
import math
import socket

import numpy as np
import pytest
import sympy as sp
from clitools import one_line_error, run

from eos_theory.numbers.parse import InputError
from eos_theory.quadratic import closed_forms
from eos_theory.random_models import ensemble, gd
from eos_theory.random_models.gd import Model
from eos_theory.running import executor

U = 2.0**-53


def rotation(P: int, seed: int) -> np.ndarray:
    """A random orthogonal P × P matrix (QR of a Gaussian matrix)."""
    q, r = np.linalg.qr(np.random.default_rng(seed).standard_normal((P, P)))
    return q * np.sign(np.diag(r))


def two_d_model(w1, w2, target, P: int = 2, seed: int = 0):
    """D = 1, G = 0 and Q = R diag(ω₁, ω₂, 0, …, 0) Rᵀ (exactly symmetric); R = I for P = 2."""
    d = np.zeros(P)
    d[:2] = w1, w2
    R = np.eye(P) if P == 2 else rotation(P, seed)
    Q = (R * d) @ R.T
    Q = (Q + Q.T) / 2  # a + b = b + a in IEEE: exactly symmetric
    return Model.from_blocks([Q], [np.zeros(P)], [target]), R


# -- the reduction to the 2-D model ---------------------------------------------------------------


@pytest.mark.parametrize("w1, w2", [(-1, 1), (-2, 1)])
@pytest.mark.parametrize("e", ["1.05", "1.1", "1.15", "1.2"])
@pytest.mark.parametrize("P", [2, 5])
def test_one_output_and_two_eigenvalues_reproduce_the_2d_cycle(w1, w2, e, P):
    cf = closed_forms.orbit_closed_forms(w1, w2, 1, e)  # E = 1, η = e: the control parameter is e (axis ω₂ = 1)
    assert cf["regime"] == "period-2" and cf["cycle"]["axis"] == 2
    pair = sorted(float(t) for t in cf["cycle"]["ntk"])
    mean = float(closed_forms.eos_orbit().mean_ntk.subs(closed_forms.eps, sp.Rational(e)))  # 1 + e
    m = max(abs(float(v)) for v in cf["cycle"]["multipliers"])  # two-step multipliers
    transient = 2 * math.ceil(math.log(U) / math.log(m)) + 1000  # contraction below u, after growing from θ₀
    model, R = two_d_model(w1, w2, 1, P)
    theta0 = R @ np.array([1e-3, 0.1] + [0.05] * (P - 2))  # near the axis of ω₂; the null directions are inert
    r = gd.run(model, theta0, float(sp.Rational(e)), transient, keep_trace=True)
    # rounding: each step's η·NTK is off by a few u·P relative; a contraction by m per two steps keeps
    # the accumulated error below that over (1 − m)
    tol = 64 * P * U * pair[1] / (1 - m)
    assert r.outcome == "eos" and r.sharpened and r.steps == transient
    assert np.max(np.abs(np.sort(r.ntk[-2:]) - pair)) <= tol
    assert abs(r.ntk_final - mean) <= tol


@pytest.mark.parametrize("w1, w2, e", [(-1, 1, "0.5"), (-1, 1, "0.9"), (-2, 1, "0.75"), (3, 1, "0.3")])
def test_below_the_edge_it_converges_at_the_least_ntk_on_its_axis(w1, w2, e):
    assert closed_forms.classify(w1, w2, 1, e) == "minimum"
    least = float(closed_forms.min_ntk(w1, w2, 1, e))  # 2e: the axis minimum of the smallest positive ηEω
    model, R = two_d_model(w1, w2, 1, P=4, seed=1)
    axis = 1 if float(sp.Rational(e)) * w2 == least / 2 else 0
    start = np.zeros(4)
    start[axis] = 0.1  # on that axis: GD stays on it (up to rounding) and stops at its minimum
    r = gd.run(model, R @ start, float(sp.Rational(e)), 5000)
    assert r.outcome == "converged"
    assert abs(r.ntk_final - least) <= 1e-9  # |z| ≤ 1e-10·2 at the stop: η·NTK = 2e(1 + O(z)) on the axis


# -- outcome criteria on hand-built cases ---------------------------------------------------------


def linear(G, E):
    """Q = 0: z = Gᵀθ − E, a convex quadratic loss with η·NTK = η|G|² (D = 1)."""
    P = len(G)
    return Model.from_blocks([np.zeros((P, P))], [G], [E])


def test_a_convex_quadratic_converges_when_the_step_is_stable():
    # |G|² = 1, η = 1/2, θ₀ = 0: z_k = −(1/2)^k exactly; converged at the first k with 2^-k ≤ 1e-10·(1 + 1)
    r = gd.run(linear([1.0, 0.0, 0.0], 1.0), np.zeros(3), 0.5, 1000)
    first = next(k for k in range(200) if 2.0**-k <= gd.Z_TOL * 2)
    assert (r.outcome, r.steps, r.sharpened, r.ntk0) == ("converged", first, False, 0.5)


def test_a_step_far_above_2_over_lambda_diverges_by_the_magnitude_criterion():
    # η = 20/|G|²: z_k = (−19)^k z₀, L_k = 19^(2k)/2; stops at the first L_k > 1e16·max(1, 1/2)
    r = gd.run(linear([1.0, 0.0], 1.0), np.zeros(2), 20.0, 1000)
    first = next(k for k in range(100) if 19.0 ** (2 * k) / 2 > gd.LOSS_CAP)
    assert (r.outcome, r.steps) == ("diverged", first)
    assert "not a proof" in r.reason and math.isfinite(r.loss_final)


def test_slow_convergence_within_few_steps_is_not_converged():
    # η|G|² = 1/100: z shrinks by 0.99 a step, nowhere near 1e-10 after 50 steps, and η·NTK stays at 0.01
    r = gd.run(linear([1.0], 1.0), np.zeros(1), 0.01, 50)
    assert r.outcome == "not converged" and not r.sharpened and r.steps == 50


def test_the_hessian_estimate_at_a_minimum_is_the_ntk():
    # at z = 0 the Hessian is JᵀJ, whose top eigenvalue is the NTK's |J|² (D = 1)
    model, R = two_d_model(-1, 1, 1, P=6, seed=2)
    start = np.zeros(6)
    start[1] = 0.1
    r = gd.run(model, R @ start, 0.6, 3000, hessian_every=1)
    assert r.outcome == "converged"
    assert abs(r.hessian_final - 1.2) <= 1e-6 and abs(r.ntk_final - 1.2) <= 1e-9


def test_lanczos_finds_the_largest_eigenvalue_not_the_largest_in_modulus():
    rng = np.random.default_rng(3)
    Rm = rotation(30, 4)
    vals = np.concatenate([[-9.0, 4.0, 3.5], rng.uniform(-3, 3, 27)])
    A = (Rm * vals) @ Rm.T
    top, vec = gd.lanczos_top(lambda v: A @ v, rng.standard_normal(30), 30)
    assert abs(top - 4.0) <= 1e-10 and abs(abs(vec @ Rm[:, 1]) - 1) <= 1e-8


@pytest.mark.parametrize(
    "bad, message",
    [
        (dict(theta0=[1.0]), "theta0 must be 2 finite numbers"),
        (dict(lr=0.0), "the learning rate must be a finite number > 0"),
        (dict(lr=math.inf), "the learning rate must be a finite number > 0"),
        (dict(steps=3), "steps must be an integer >= 8"),
    ],
)
def test_run_refuses_bad_input(bad, message):
    args = dict(theta0=[0.0, 0.0], lr=0.5, steps=10) | bad
    with pytest.raises(InputError, match=message):
        gd.run(linear([1.0, 0.0], 1.0), args["theta0"], args["lr"], args["steps"])


def test_model_refuses_an_asymmetric_block():
    with pytest.raises(InputError, match="symmetric"):
        Model.from_blocks([[[0.0, 1.0], [0.0, 0.0]]], [[0.0, 0.0]], [1.0])


# -- the ensemble -------------------------------------------------------------------------------


def test_draws_follow_the_stated_scalings():
    spec = ensemble.Ensemble(params=300, outputs=40, lr="1/2", q=2, g="1/2", t=3, s="1/5")
    model, theta0 = ensemble.draw(spec, 7)
    Q = model.Q.reshape(40, 300, 300)
    assert np.array_equal(Q, Q.transpose(0, 2, 1))
    off = Q[:, np.triu_indices(300, 1)[0], np.triu_indices(300, 1)[1]]
    # sample variances of n ≈ 1.8e6, 1.2e4, 40, 300 normal draws: relative sd √(2/n); allow 6 sd
    for sample, var in (
        (off, 4 / 300),
        (np.diagonal(Q, axis1=1, axis2=2), 8 / 300),
        (model.G, 0.25 / 300),
        (model.E, 9 / 40),
        (theta0, 0.04 / 300),
    ):
        n = sample.size
        assert abs(np.mean(sample**2) / var - 1) <= 6 * math.sqrt(2 / n), (var, n)


def test_a_seed_gives_the_same_run_whatever_the_other_seeds_or_chunks(monkeypatch):
    spec = ensemble.Ensemble(params=12, outputs=2, lr="0.8")
    whole = ensemble.compute(spec, 6, steps=600)
    monkeypatch.setattr(ensemble, "MAX_CHUNK", 1)
    part = ensemble.compute(spec, 3, steps=600, seed_start=3)
    assert [r.seed for r in part.runs] == [3, 4, 5] and len(ensemble.plan(spec, 3, 600, 3).tasks) == 3
    for a, b in zip(whole.runs[3:], part.runs):
        assert a.to_json() == b.to_json()


@pytest.mark.parametrize(
    "spec", [ensemble.Ensemble(params=20, outputs=1, lr="9/10", g=0), ensemble.Ensemble(params=12, outputs=3, lr="0.8")]
)
def test_skipping_the_hessian_estimates_changes_nothing_else(spec):
    """The Lanczos estimates only observe the run: without them every iterate is the same."""
    with_h = ensemble.compute(spec, 8, steps=800, seed_start=30)
    without = ensemble.compute(spec, 8, steps=800, seed_start=30, hessian=False)
    outcomes = set()
    for a, b in zip(with_h.runs, without.runs, strict=True):
        ja, jb = a.to_json(), b.to_json()
        assert math.isfinite(a.top_hessian_final) and jb.pop("top_hessian_final") is None
        del ja["top_hessian_final"]
        assert ja == jb and (a.trace is None) == (b.trace is None)
        assert a.trace is None or np.array_equal(a.trace, b.trace)
        outcomes.add(a.outcome)
    assert len(outcomes) >= 2  # the runs compared end differently


def test_summary_intervals_are_clopper_pearson_over_the_finished_runs():
    spec = ensemble.Ensemble(params=8, outputs=1, lr="0.9")
    res = ensemble.compute(spec, 10, steps=500)
    s = ensemble.summary(res)
    counts = {name: sum(r.outcome == name for r in res.runs) for name in gd.OUTCOMES}
    assert sum(counts.values()) == 10
    for name, k in counts.items():
        o = s["outcomes"][name]
        assert o["count"] == k and o["fraction"] == k / 10
        lo, hi = o["ci"]  # Clopper–Pearson: P(X ≥ k | lo) = 2.5 % and P(X ≤ k | hi) = 2.5 % (binomial sums)
        tail = lambda p, ks: sum(math.comb(10, j) * p**j * (1 - p) ** (10 - j) for j in ks)  # noqa: E731
        assert lo == 0 if k == 0 else abs(tail(lo, range(k, 11)) - 0.025) < 1e-9
        assert hi == 1 if k == 10 else abs(tail(hi, range(k + 1)) - 0.025) < 1e-9


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(params=0, outputs=1), "params \\(P\\) must be >= 1"),
        (dict(params=3, outputs=0), "outputs \\(D\\) must be >= 1"),
        (dict(params=3, outputs=1, lr="0"), "lr must be > 0"),
        (dict(params=3, outputs=1, lr="-1/2"), "lr must be > 0"),
        (dict(params=2001, outputs=1), "at most 2000"),
        (dict(params=2000, outputs=26), "more than the 100000000 allowed"),
        (dict(params=3, outputs=1, q="-1"), "q must lie in"),
    ],
)
def test_ensemble_refuses_bad_definitions(kwargs, message):
    with pytest.raises(InputError, match=message):
        ensemble.Ensemble(**kwargs)


@pytest.mark.parametrize(
    "seeds, steps, message",
    [
        (0, 100, "seeds must be >= 1"),
        (10**6, 100, "seeds must be at most"),
        (1, 4, "steps must be >= 8"),
        (1, 10**7, "steps must be at most"),
    ],
)
def test_plan_refuses_bad_requests(seeds, steps, message):
    with pytest.raises(InputError, match=message):
        ensemble.plan(ensemble.Ensemble(params=3, outputs=1), seeds, steps)


# -- the command ------------------------------------------------------------------------------

CLI = ["ensemble", "--n-params", "10", "--n-outputs", "3", "--lr", "0.9", "--seeds", "9", "--steps", "800"]


def test_cli_json_to_stdout_has_the_issue_keys_and_the_runs(capsys):
    code, out, err = run(capsys, *CLI, "--json", "-", "-j", "1")
    rep = json.loads(out)
    assert code == 0 and err.splitlines()[-1] == "ensemble: 9/9 runs finished"
    assert rep["ensemble"]["params"] == 10 and rep["ensemble"]["seeds"] == {"first": 0, "count": 9}
    assert set(rep["outcomes"]) == set(gd.OUTCOMES)
    assert sum(o["count"] for o in rep["outcomes"].values()) == 9
    assert [r["seed"] for r in rep["runs"]] == list(range(9)) and rep["failures"] == []
    assert {"seed", "outcome", "top_ntk_final", "sharpened"} <= set(rep["runs"][0])
    direct = ensemble.compute(SMALL["spec"], 9, 800)
    assert [r["outcome"] for r in rep["runs"]] == [r.outcome for r in direct.runs]


def test_cli_table_json_file_and_figure(capsys, tmp_path):
    code, out, _ = run(
        capsys,
        *CLI,
        "--seed",
        "5",
        "--json",
        str(tmp_path / "e.json"),
        "-o",
        str(tmp_path / "e.png"),
        "-j",
        "1",
    )
    assert code == 0 and out.startswith("ensemble  P = 10, D = 3, η = 0.9") and "seeds 5 … 13" in out
    assert "Clopper–Pearson" in out
    assert json.loads((tmp_path / "e.json").read_text())["runs"][0]["seed"] == 5
    assert (tmp_path / "e.png").read_bytes().startswith(b"\x89PNG\r\n\x1a\n")


def test_cli_runs_that_finished_are_kept_when_others_fail(capsys, monkeypatch):
    real = ensemble.run_chunk

    def flaky(chunk):
        if 4 in chunk.seeds:
            raise MemoryError("simulated")
        return real(chunk)

    monkeypatch.setattr(ensemble, "run_chunk", flaky)
    monkeypatch.setattr(ensemble, "MAX_CHUNK", 1)
    code, out, err = run(capsys, *CLI, "--json", "-", "-j", "1")
    rep = json.loads(out)
    assert code == 1 and [r["seed"] for r in rep["runs"]] == [0, 1, 2, 3, 5, 6, 7, 8]
    assert rep["failures"] == [{"seeds": [4], "error": "MemoryError: simulated"}]
    assert err.splitlines()[-1] == "eos-theory: 1 of 9 runs did not finish: MemoryError: simulated"


@pytest.mark.parametrize(
    "change, message",
    [
        (("--n-params", "0"), "--n-params must be >= 1"),
        (("--n-outputs", "0"), "--n-outputs must be >= 1"),
        (("--lr", "0"), "lr must be > 0"),
        (("--lr", "-1"), "lr must be > 0"),
        (("--lr", "fast"), "lr"),
        (("--lr", "1e-400"), "lr is too small for float64"),
        (("--lr", "1e400"), "lr is too large for float64"),
        (("--seeds", "0"), "seeds must be >= 1"),
        (("--seeds", "2.5"), "--seeds must be a whole number"),
        (("--steps", "10000000"), "steps must be at most 1000000"),
        (("--n-params", "5000"), "--n-params must be at most 2000"),
        (("--n-outputs", "501"), "--n-outputs must be at most 500"),
        (("-j", "0"), "-j must be a positive whole number"),
    ],
)
def test_cli_bad_input_is_one_line_and_exit_2(capsys, change, message):
    argv = list(CLI)
    if change[0] in argv:
        argv[argv.index(change[0]) + 1] = change[1]
    else:
        argv += list(change)
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == "" and message in one_line_error(err)


def test_cli_unwritable_output_and_bad_figure_name(capsys, tmp_path):
    code, _, err = run(capsys, *CLI, "--json", str(tmp_path / "missing" / "e.json"))
    assert code == 2 and one_line_error(err).startswith("eos-theory: error: --json ")
    code, _, err = run(capsys, *CLI, "-o", str(tmp_path / "e.svg"))
    assert code == 2 and "must end in .png or .pdf" in one_line_error(err)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_cli_unreachable_scheduler_is_one_line_and_exit_2(capsys, monkeypatch):
    pytest.importorskip("distributed")
    monkeypatch.setattr(executor, "CONNECT_TIMEOUT", 1.0)
    address = f"tcp://127.0.0.1:{_free_port()}"
    code, out, err = run(capsys, *CLI, "--scheduler", address)
    assert code == 2 and out == ""
    assert one_line_error(err).startswith(f"eos-theory: error: no Dask scheduler answered at {address} within 1 s")


# -- backends: Serial, Processes, then Dask (last) ------------------------------------------------

SMALL = dict(spec=ensemble.Ensemble(params=10, outputs=3, lr="0.9"), seeds=9, steps=800)


def records(res) -> list:
    """Every field of every run, traces included, as exact values (floats by their bits)."""
    out = []
    for r in res.runs:
        row = r.to_json()
        row["top_ntk_final"] = float(r.top_ntk_final).hex()
        row["trace"] = None if r.trace is None else r.trace.tobytes()
        out.append(row)
    return out


@pytest.fixture(scope="module")
def small_serial():
    return ensemble.compute(**SMALL)


def test_the_offset_is_reported_whatever_the_label_and_the_eos_split_at_every_cut_off(small_serial):
    """Issue 15: the eos / not converged split sits at EOS_BAND; the offsets' distribution does not depend on it,
    and the eos fraction is re-read at other cut-offs: at EOS_BAND it is the label's count, and it grows with the
    band (a wider band admits more runs, never fewer)."""
    rep = ensemble.report(small_serial)
    dist = rep["offset_distribution"]
    kept = [r.top_ntk_final - 2 for r in small_serial.runs if r.outcome != "diverged"]
    h = dist["histogram"]
    assert dist["count"] == len(kept) == sum(h["counts"])
    assert len(h["counts"]) == round((h["to"] - h["from"]) / h["width"])
    q = list(dist["quantiles"].values())
    assert q == sorted(q) and min(kept) <= q[0] and q[-1] <= max(kept)
    bands = rep["eos_by_band"]["fractions"]
    eos = sum(r.outcome == "eos" for r in small_serial.runs)
    assert bands[f"{rep['eos_by_band']['band']:g}"]["count"] == eos
    counts = [b["count"] for b in bands.values()]
    assert counts == sorted(counts)
    json.dumps(rep, allow_nan=False)


def test_processes_give_the_same_runs_bit_for_bit(small_serial, monkeypatch):
    monkeypatch.setattr(ensemble, "MAX_CHUNK", 2)
    res = ensemble.compute(**SMALL, backend=executor.Processes(2))
    assert records(res) == records(small_serial) and not res.failures
    assert sum(r.trace is not None for r in res.runs) == ensemble.SAMPLE


def test_dask_gives_the_same_runs_bit_for_bit(small_serial, dask_cluster, monkeypatch):
    monkeypatch.setattr(ensemble, "MAX_CHUNK", 2)
    res = ensemble.compute(**SMALL, backend=executor.Dask(dask_cluster.scheduler_address))
    assert records(res) == records(small_serial) and not res.failures


def test_cli_on_dask_gives_the_same_runs(capsys, small_serial, dask_cluster):
    code, out, _ = run(capsys, *CLI, "--json", "-", "--scheduler", dask_cluster.scheduler_address)
    rep = json.loads(out)
    assert code == 0 and rep["ran_on"] == dask_cluster.scheduler_address
    assert rep["runs"] == [r.to_json() for r in small_serial.runs]


def test_cli_scheduler_lost_mid_run_writes_the_runs_that_finished(
    capsys, small_serial, scheduler_lost_after_first_result, tmp_path
):
    """Issue 15, item 11: the scheduler lost after the first task; the runs that finished are in the JSON report,
    the others under failures, stderr says why in one line, exit status 1 (it was a 116-line traceback)."""
    address = scheduler_lost_after_first_result
    path = tmp_path / "ens.json"
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(ensemble, "MAX_CHUNK", 1)  # one seed per task
        code, _out, err = run(capsys, *CLI, "--json", str(path), "--scheduler", address)
    rep = json.loads(path.read_text())
    assert code == 1 and rep["runs"] and rep["failures"]
    assert {r["seed"] for r in rep["runs"]} | {s for f in rep["failures"] for s in f["seeds"]} == set(range(9))
    by_seed = {r.seed: r.to_json() for r in small_serial.runs}
    assert all(r == by_seed[r["seed"]] for r in rep["runs"])  # what finished is what a local run gives
    lines = [line for line in err.splitlines() if line.startswith("eos-theory")]
    assert len(lines) == 1 and " runs did not finish: the Dask cluster" in lines[0] and "Traceback" not in err
