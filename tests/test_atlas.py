"""The regime atlas: its runs are GD in the axis frame, its labels agree with the closed forms where
those decide, and its results do not depend on how or where the chunks ran.

Expected values come from eos_theory.quadratic.closed_forms (derived closed forms), from docs/eos-2d.md (typed
here as expectations: the window 1 < e < √5 − 1, the first doubling of the 4-cycle at
e ≈ 1.288031754, certified in test_past_the_window.py, the crisis at e = 2), or from
eos_theory.quadratic.escape (the proven regions, tested in interval arithmetic).  Tolerances follow from
float64's unit roundoff u = 2⁻⁵³ and the steps run.

The Dask tests come last: the LocalCluster's scheduler runs in threads of this process, and the
-j 2 tests fork worker processes, which must happen before those threads exist.
"""

from __future__ import annotations

import json
import math
import socket
from fractions import Fraction

import numpy as np
import pytest
import sympy as sp
from clitools import one_line_error, run
from mpmath import mpf

from eos_theory.numbers.parse import InputError
from eos_theory.outputs import plots
from eos_theory.outputs.files import write_bytes_atomic
from eos_theory.past_window import atlas
from eos_theory.quadratic import closed_forms, escape
from eos_theory.quadratic.gd import Problem
from eos_theory.running import executor

U = 2.0**-53  #: float64 unit roundoff
PNG, PDF = b"\x89PNG\r\n\x1a\n", b"%PDF-"
FIRST_DOUBLING = 1.288031754  #: where the 4-cycle of the symmetric case doubles (docs/eos-2d.md §5a, 10 digits)
ATTRIBUTE = {"epsilon": "e"}  #: the npz names ε epsilon (ASCII); the Atlas calls it e
ARRAYS = ("epsilon", "r", "kind", "period", "lyapunov", "stop_step", "theta0", "theta")


def fr(x: float) -> Fraction:
    return Fraction(float(x))


def one(e, r, steps=4000, start=None, max_period=atlas.MAX_PERIOD) -> atlas.Atlas:
    """The atlas of a single cell."""
    return atlas.compute((fr(e), fr(e)), (fr(r), fr(r)), (1, 1), steps=steps, start=start, max_period=max_period)


def same(a, b) -> None:
    """Every array of two atlases (or npz files) equal, NaN included, and so the same bits."""
    for name in ARRAYS:
        np.testing.assert_array_equal(
            a[name] if isinstance(a, dict) else getattr(a, ATTRIBUTE.get(name, name)),
            b[name] if isinstance(b, dict) else getattr(b, ATTRIBUTE.get(name, name)),
            err_msg=name,
        )


# -- the runs are GD in the axis frame ------------------------------------------------------------


def _step_in_theta():
    """θ ↦ θ' and its Jacobian, from the derived axis frame with p = θ₁, q = rθ₂ (docs/eos-2d.md §1)."""
    f = closed_forms.axis_frame()
    T1, T2 = sp.symbols("T1 T2", real=True)
    frame = {closed_forms.p: T1, closed_forms.q: closed_forms.r * T2}
    step = sp.Matrix(
        [f.p_next.subs(frame, simultaneous=True), f.q_next.subs(frame, simultaneous=True) / closed_forms.r]
    )
    return (T1, T2), step, step.jacobian([T1, T2])


@pytest.mark.parametrize("e, r", [(1.5, -1.0), (1.1, 1.5), (0.5, -3.0), (1.8, 0.5), (1.2, -2.5)])
def test_a_run_is_gd_in_the_axis_frame_to_the_rounding_error(e, r):
    steps = 6  # the least for max_period 1
    start = atlas.Start(axis=0.75, transverse=0.25)
    chunk = atlas.Chunk((0,), (r,), (e,), steps, start, max_period=1)
    res = atlas.run_chunk(chunk)
    assert res.stop_step.ravel().tolist() == [-1]  # these starts stay bounded for 6 steps
    (T1, T2), step, jac = _step_in_theta()
    at = {closed_forms.eps: sp.Rational(fr(e)), closed_forms.r: sp.Rational(fr(r))}
    step, jac = step.subs(at), jac.subs(at)
    theta = [sp.Rational(fr(start.axis)), sp.Rational(fr(start.transverse))]
    bound = 0.0  # error bound: e_{k+1} ≤ ‖J_k‖∞ e_k + 16u(|θ_{k+1}|∞ + (θ₁²/2 + |r|θ₂²/2 + e)·max(1, |r|)·|θ_k|∞)
    for _ in range(steps):
        point = {T1: theta[0], T2: theta[1]}
        J = jac.subs(point)
        new = list(step.subs(point))
        size = max(abs(float(v)) for v in theta)
        terms = float(theta[0] ** 2 / 2 + abs(at[closed_forms.r]) * theta[1] ** 2 / 2 + at[closed_forms.eps])
        bound = float(max(abs(J[i, 0]) + abs(J[i, 1]) for i in range(2))) * bound + 16 * U * (
            max(abs(float(v)) for v in new) + terms * max(1.0, abs(r)) * size
        )
        theta = new
    got = res.theta.reshape(2)
    assert max(abs(Fraction(float(g)) - Fraction(int(t.p), int(t.q))) for g, t in zip(got, theta)) <= bound


# -- labels against the closed forms where they decide --------------------------------------------


def test_below_the_edge_every_run_settles_at_a_stable_minimum_with_at_least_the_least_ntk():
    a = atlas.compute(("0.1", "0.95"), (-4, 4), (8, 9), steps=4000)
    assert set(a.labels().ravel()) == {"minimum"}
    t1, t2 = a.theta[..., 0], a.theta[..., 1]
    e, r = a.e[None, :, None], a.r[:, None, None]
    ntk = t1**2 + r**2 * t2**2  # η·NTK = p² + q² with η = 1
    least = 2 * np.where(r > 0, np.minimum(e, e * r), e)  # 2·min{εᵢ > 0}, εᵢ = (e, er) (docs/eos-2d.md §3)
    assert np.all(ntk < 2) and np.all(ntk >= least * (1 - 1e-12))


def _window_cells(a: atlas.Atlas, margin: float):
    """(row, col, multipliers, cycle η·NTK) of the cells that closed_forms.classify puts in the period-2 window,
    with both two-step multipliers at most ``margin`` in modulus; and the cells it calls unstable."""
    inside, unstable = [], []
    for i, r in enumerate(a.r):
        for j, e in enumerate(a.e):
            cf = closed_forms.orbit_closed_forms(1, fr(r), fr(e), 1)
            if cf["regime"] == "period-2":
                mult = [float(m) for m in cf["cycle"]["multipliers"]]
                if max(map(abs, mult)) <= margin:
                    inside.append((i, j, mult, [float(t) for t in cf["cycle"]["ntk"]]))
            elif cf["regime"] == "unstable":
                unstable.append((i, j, [float(m) for m in cf["cycle"]["multipliers"]]))
    return inside, unstable


@pytest.mark.parametrize(
    "e_range, r_range, shape, margin, least",
    [
        (("1.02", "1.22"), (-3, 3), (6, 7), 0.9, 15),  # r = −3, 2, 3 leave the window across the axis
        # 0 < r < 1: the orbit of the start's axis repels across it (μ⊥ = 1 − r(r − 1)(e − 1) > 1), and the run
        # settles on the orbit of the other axis (ε = er ∈ (1.05, 1.16), r' = 1/r), far from the axis it started on
        (("1.5", "1.5"), ("0.7", "0.77"), (1, 3), 0.97, 3),
    ],
)
def test_inside_the_window_runs_settle_on_the_eos_orbit_with_its_closed_form_ntk_and_lyapunov_exponent(
    e_range, r_range, shape, margin, least
):
    steps = 4000
    a = atlas.compute(e_range, r_range, shape, steps=steps)
    inside, unstable = _window_cells(a, margin)
    assert len(inside) >= least
    labels = a.labels()
    window = steps // 2
    for i, j, mult, ntk in inside:
        assert labels[i, j, 0] == "period-2", (a.e[j], a.r[i])
        t1, t2 = a.theta[i, j, 0]
        # converged within rounding noise, amplified at most 1/(1 − 0.9)-fold, relative to η·NTK ≤ 2(2 + e)
        got = t1**2 + a.r[i] ** 2 * t2**2
        assert min(abs(got - v) for v in ntk) <= 64 * U * 6 / (1 - margin)
        # the two-step Jacobian at the orbit is diagonal (docs §5): λ = ½ ln max|μ|, up to the start
        # vector's share of the slowest direction, ln|c| with |c| ≥ 1/2, spread over the window
        assert abs(a.lyapunov[i, j, 0] - 0.5 * math.log(max(map(abs, mult)))) <= 5 / window
    for i, j, _mult in unstable:
        assert labels[i, j, 0] != "period-2", (a.e[j], a.r[i])


def test_at_the_edge_convergence_is_algebraic_so_the_run_has_not_converged():
    # e = 1: the flip is degenerate (docs/eos-2d.md §5: f∘f(y) = y − 4y³ + …), so after 4000 steps θ still
    # moves by about 1/√(8k) per two steps: no period to 10⁻⁹, and a Lyapunov exponent just below 0
    a = one(1, -1)
    assert a.labels().ravel().tolist() == ["not converged"]
    assert -atlas.LYAPUNOV_MIN < a.lyapunov.ravel()[0] < 0


def test_a_start_that_lands_on_theta_0_is_a_fixed_point_but_not_a_minimum():
    # e = 1, r = 0, θ = (2, 0): y₀ = 2 − 1 = 1, so θ₁ ← (1 − y₀)θ₁ = 0 exactly, and θ = 0 is fixed (z̃ = −e)
    a = one(1, 0, start=atlas.Start(axis=2.0, transverse=0.0))
    assert a.labels().ravel().tolist() == ["period-1"] and a.theta.ravel().tolist() == [0.0, 0.0]


@pytest.mark.parametrize("e", [1.24, 1.25, 1.26, 1.27, 1.28])
def test_symmetric_case_between_the_window_and_the_next_doubling_settles_on_a_4_cycle(e):
    assert float(atlas.boundaries()["along"]) < e < FIRST_DOUBLING
    a = one(e, -1, steps=10_000)
    assert a.labels().ravel().tolist() == ["period-4"] and a.lyapunov.ravel()[0] < 0


@pytest.mark.parametrize("e", [1.5, 1.9])
def test_symmetric_case_is_chaotic_where_the_documented_runs_stayed_bounded(e):
    a = one(e, -1, steps=10_000)
    assert a.labels().ravel().tolist() == ["chaotic"] and a.lyapunov.ravel()[0] > atlas.LYAPUNOV_MIN


def test_on_the_axis_past_the_crisis_every_run_enters_y_above_2():
    a = atlas.compute(("2.05", "3"), (-3, 3), (6, 5), steps=1000, start=atlas.Start(transverse=0.0))
    assert set(a.labels().ravel()) == {"divergent"}
    for i, _r in enumerate(a.r):
        for j, e in enumerate(a.e):
            t1, t2 = a.theta[i, j, 0]
            assert t2 == 0.0 and fr(t1) ** 2 / 2 - fr(e) > 2  # y = z̃ at the stored iterate, exactly
            assert 0 <= a.stop_step[i, j, 0] < 1000


def test_on_the_axis_below_the_crisis_no_run_escapes_the_invariant_interval():
    # [−e, 2] maps into itself for 0 < e ≤ 2 (docs/eos-2d.md §5a, exact)
    a = atlas.compute(("1.05", "1.99"), (-3, 3), (8, 3), steps=2000, start=atlas.Start(transverse=0.0))
    assert not np.isin(a.kind, [atlas.DIVERGENT, atlas.UNBOUNDED]).any()
    y = a.theta[..., 0] ** 2 / 2 - a.e[None, :, None]
    assert np.all((y >= -a.e[None, :, None]) & (y <= 2))


def test_off_the_axis_divergent_runs_stopped_inside_a_proven_region_and_unbounded_ones_outside():
    a = atlas.compute(("1.3", "2.6"), (-4, 4), (6, 9), steps=1000)
    kinds = set(a.kind.ravel().tolist())
    assert {atlas.DIVERGENT, atlas.UNBOUNDED} <= kinds  # unbounded: e > 2, r < −1 (no region for z̃ → +∞)
    for i, j, k in zip(*np.nonzero(np.isin(a.kind, [atlas.DIVERGENT, atlas.UNBOUNDED]))):
        t1, t2 = a.theta[i, j, k]
        cert = escape.certificate(Problem.diagonal([1, fr(a.r[i])], fr(a.e[j]), 1))
        region = cert.test([mpf(float(t1)), mpf(float(t2))])  # interval arithmetic: a proof for this iterate
        if a.kind[i, j, k] == atlas.DIVERGENT:
            assert region is not None, (a.e[j], a.r[i])
        else:
            zt = fr(t1) ** 2 / 2 + fr(a.r[i]) * fr(t2) ** 2 / 2 - fr(a.e[j])
            assert region is None and abs(zt) >= atlas.GUARD


def test_labels_and_categories_of_hand_made_runs():
    kind = np.array(
        [
            [
                [
                    atlas.MINIMUM,
                    atlas.PERIODIC,
                    atlas.PERIODIC,
                    atlas.PERIODIC,
                    atlas.PERIODIC,
                    atlas.CHAOTIC,
                    atlas.DIVERGENT,
                    atlas.UNBOUNDED,
                    atlas.NOT_CONVERGED,
                    atlas.PERIODIC,
                ]
            ]
        ]
    )
    period = np.array([[[1, 2, 4, 16, 6, 0, 0, 0, 0, 8]]])
    shape = kind.shape
    a = atlas.Atlas(
        np.zeros(1),
        np.zeros(1),
        (0, 0),
        (0, 0),
        1000,
        atlas.Start(count=10),
        64,
        0.01,
        kind.astype(np.int8),
        period.astype(np.int32),
        np.zeros(shape),
        np.zeros(shape, dtype=np.int32),
        np.zeros((*shape, 2)),
        np.zeros((*shape, 2)),
    )
    assert a.labels().ravel().tolist() == [
        "minimum",
        "period-2",
        "period-4",
        "period-16",
        "period-6",
        "chaotic",
        "divergent",
        "unbounded",
        "not converged",
        "period-8",
    ]
    assert a.escape_fraction().tolist() == [[0.1]]
    assert a.counts()["period-6"] == 1 and sum(a.counts().values()) == 10
    # one start each: the most frequent label is a tie, won by the first category
    assert atlas.CATEGORIES[a.categories()[0, 0]] == "minimum"
    single = [
        atlas.CATEGORIES[
            atlas.Atlas(
                a.e,
                a.r,
                (0, 0),
                (0, 0),
                1000,
                atlas.Start(),
                64,
                0.01,
                a.kind[..., k : k + 1],
                a.period[..., k : k + 1],
                a.lyapunov[..., k : k + 1],
                a.stop_step[..., k : k + 1],
                a.theta0[..., k : k + 1, :],
                a.theta[..., k : k + 1, :],
            ).categories()[0, 0]
        ]
        for k in range(10)
    ]
    assert single == [
        "minimum",
        "period-2",
        "period-4",
        "period-2ᵏ",
        "other period",
        "chaotic",
        "divergent",
        "unbounded",
        "not converged",
        "period-8",
    ]


def test_a_period_holds_over_the_whole_window_not_only_at_its_end():
    k = np.arange(192.0)
    cycle3 = np.stack([1 + (k % 3), 0.5 * np.ones_like(k)])  # period 3 exactly
    glitch = np.ones((2, 192))
    glitch[0, 10] = 1.5  # constant but for one early iterate: the last pairs repeat for every N
    mixed = np.stack([k % 2, k % 4])  # θ₁ has period 2, θ₂ period 4
    drift = np.stack([1 + 1e-10 * k, np.zeros_like(k)])  # 1e-10 a step, under the 1.9e-9 per pair: period 1
    hist = np.stack([cycle3, glitch, mixed, drift], axis=-1).transpose(1, 0, 2)  # (iterates, 2, runs)
    assert atlas._periods(hist, np.ones(4, dtype=bool), 64).tolist() == [3, 0, 4, 1]
    assert atlas._periods(hist, np.array([True, False, True, False]), 64).tolist() == [3, 0, 4, 0]


def test_the_closed_form_boundaries():
    b = atlas.boundaries()
    r = closed_forms.r
    assert (b["edge"], b["along"], b["crisis"]) == (1, sp.sqrt(5) - 1, 2)
    assert sp.simplify(b["across"] - (1 + 2 / (r * (r - 1)))) == 0


# -- inputs ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"shape": (0, 3)}, "ε range points must be >= 1"),
        ({"shape": (1, 3)}, "one point needs equal ends"),
        ({"e_range": ("2", "1")}, "the low end must be below the high end"),
        ({"e_range": ("0", "1")}, "the ε range must lie in (0, 10]"),
        ({"r_range": ("-101", "0")}, "the r range must lie in [−100, 100]"),
        ({"steps": 383}, "steps must be at least 384"),
        ({"steps": 10**8}, "steps must be at most"),
        ({"shape": (2001, 2001)}, "more than the 4000000 allowed"),
        ({"shape": (1000, 3), "start": atlas.Start(count=33)}, "a grid row holds 33000 runs"),
        ({"lyapunov_min": float("nan")}, "lyapunov_min must be a finite number >= 0"),
    ],
)
def test_bad_requests_are_input_errors_before_anything_runs(kwargs, message):
    args = {"e_range": ("1", "2"), "r_range": ("-1", "1"), "shape": (3, 3), "steps": 1000, **kwargs}
    with pytest.raises(InputError) as exc:
        atlas.plan(**args)
    assert message in str(exc.value)


@pytest.mark.parametrize(
    "kwargs", [{"axis": 0}, {"axis": float("inf")}, {"transverse": 11}, {"count": -1}, {"seed": 1.5}, {"axis": True}]
)
def test_bad_starts_are_input_errors(kwargs):
    with pytest.raises(InputError):
        atlas.Start(**kwargs)


def test_random_starts_cover_the_axis_interval_and_follow_the_seed():
    plan = atlas.plan(("1", "2"), ("-1", "1"), (4, 3), steps=400, start=atlas.Start(count=50, seed=3))
    a, b = (
        atlas.execute(plan),
        atlas.execute(atlas.plan(("1", "2"), ("-1", "1"), (4, 3), steps=400, start=atlas.Start(count=50, seed=4))),
    )
    t1, t2 = a.theta0[..., 0], a.theta0[..., 1]
    assert t1.shape == (3, 4, 50)
    assert np.all((t1 > 0) & (t1 < np.sqrt(2 * (a.e[None, :, None] + 2))))  # y₀ in (−e, 2)
    assert np.all(np.abs(t2) < 1e-6 * 6) and np.abs(t2).max() > 1e-6  # 1e-6 × normal draws
    assert not np.array_equal(a.theta0, b.theta0)
    same(a, atlas.execute(plan))  # the same seed: the same starts and the same results


# -- the same results whatever ran them ------------------------------------------------------------

SMALL = dict(e_range=("0.8", "2.4"), r_range=("-3", "3"), shape=(7, 6), steps=800, start=atlas.Start(count=2, seed=5))


@pytest.fixture(scope="module")
def small_serial():
    """The small atlas in one chunk, in this process (computed before any Dask test starts its cluster)."""
    p = atlas.plan(**SMALL)
    assert len(p.tasks) == 1
    return atlas.execute(p)


def test_chunks_are_whole_rows_in_order_and_depend_on_the_grid_alone(monkeypatch):
    monkeypatch.setattr(atlas, "CHUNK_RUNS", 30)  # 14 runs a row: 2 rows a chunk
    p = atlas.plan(**SMALL)
    assert [t.rows for t in p.tasks] == [(0, 1), (2, 3), (4, 5)]
    assert all(t.e == tuple(p.e) and t.r == tuple(p.r[list(t.rows)]) for t in p.tasks)


def test_results_do_not_depend_on_the_chunks_or_the_number_of_jobs(monkeypatch, small_serial):
    monkeypatch.setattr(atlas, "CHUNK_RUNS", 14)
    same(small_serial, atlas.execute(atlas.plan(**SMALL)))  # six chunks of one row, -j 1
    monkeypatch.setattr(atlas, "CHUNK_RUNS", 30)
    same(small_serial, atlas.execute(atlas.plan(**SMALL), executor.local(2)))  # three chunks on two worker processes


def test_a_chunk_past_its_time_limit_leaves_its_runs_not_run_and_says_which():
    p = atlas.plan(**SMALL)
    seen = []
    a = atlas.execute(p, timeout=0.001, progress=lambda *counts: seen.append(counts))
    assert a.failures == ((-3.0, 3.0, "time limit of 0.001 s exceeded"),)
    assert (a.kind == atlas.NOT_RUN).all() and a.counts() == {"not run": a.kind.size}
    assert seen == [(0, 1, 1)]  # a failed chunk is not counted as finished
    assert a.meta()["failures"] == [{"r": [-3.0, 3.0], "error": "time limit of 0.001 s exceeded"}]


# -- output ---------------------------------------------------------------------------------------


def test_the_npz_holds_the_arrays_and_the_meta(tmp_path, small_serial):
    write_bytes_atomic(tmp_path / "a.npz", atlas.to_npz(small_serial))
    with np.load(tmp_path / "a.npz") as f:
        same(small_serial, dict(f))
        meta = json.loads(str(f["meta"]))
    assert meta["grid"] == [7, 6] and meta["epsilon_range"] == ["0.8", "2.4"] and meta["start"]["seed"] == 5
    assert sum(meta["counts"].values()) == 7 * 6 * 2 and meta["evidence"].startswith("numerical")


@pytest.mark.parametrize("fmt, magic", [("png", PNG), ("pdf", PDF)])
def test_draw_writes_the_phase_diagram(tmp_path, small_serial, fmt, magic):
    plots.draw_atlas(small_serial, tmp_path / f"a.{fmt}")
    assert (tmp_path / f"a.{fmt}").read_bytes().startswith(magic)


def test_draw_refuses_other_formats(tmp_path, small_serial):
    with pytest.raises(InputError):
        plots.draw_atlas(small_serial, tmp_path / "a.svg")


# -- the command ----------------------------------------------------------------------------------

CLI_SMALL = [
    "--grid",
    "7",
    "6",
    "--epsilon-range",
    "0.8",
    "2.4",
    "--r-range",
    "-3",
    "3",
    "--steps",
    "800",
    "--starts",
    "2",
    "--seed",
    "5",
]


def test_cli_writes_data_and_figure_and_prints_json(capsys, tmp_path, small_serial):
    code, out, err = run(
        capsys, "atlas", *CLI_SMALL, "--out", str(tmp_path / "o"), "--format", "pdf", "--json", "-j", "1"
    )
    assert code == 0
    summary = json.loads(out)
    assert summary["files"] == {"data": str(tmp_path / "o" / "atlas.npz"), "figure": str(tmp_path / "o" / "atlas.pdf")}
    assert summary["counts"] == small_serial.counts() and summary["ran_on"] == "1 local process"
    assert (tmp_path / "o" / "atlas.pdf").read_bytes().startswith(PDF)
    with np.load(tmp_path / "o" / "atlas.npz") as f:
        same(small_serial, dict(f))
    assert "atlas: 1/1 chunks of grid rows finished" in err


def test_cli_human_summary(capsys, tmp_path):
    code, out, _ = run(capsys, "atlas", *CLI_SMALL, "--out", str(tmp_path), "-j", "2")
    assert code == 0
    assert "7 values of ε in [0.8, 2.4] × 6 of r in [-3, 3], 84 runs of 800 float64 GD steps" in out
    assert "labels (numerical, not proofs): " in out and (tmp_path / "atlas.png").read_bytes().startswith(PNG)


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--grid", "0", "3"], "--grid N M: two whole numbers >= 1"),
        (["--grid", "x", "3"], "--grid N M: two whole numbers >= 1"),
        (["--grid", "1", "3"], "ε range: one point needs equal ends"),
        (["--epsilon-range", "2", "1"], "ε range: the low end must be below the high end"),
        (["--epsilon-range", "0", "1"], "the ε range must lie in (0, 10]"),
        (["--r-range", "-1/0", "1"], "r range low end: cannot read"),
        (["--steps", "100"], "steps must be at least 384"),
        (["--starts", "-2"], "starts must be >= 0"),
        (["-j", "0"], "-j must be a positive whole number"),
        (["-j", "2", "--scheduler", "tcp://127.0.0.1:8786"], "not both"),
    ],
)
def test_cli_bad_input_is_one_line_and_exit_2(capsys, tmp_path, argv, message):
    base = [w for o, v in (("--grid", ["4", "3"]), ("--steps", ["400"])) if o not in argv for w in (o, *v)]
    code, _, err = run(capsys, "atlas", *base, "--out", str(tmp_path / "o"), *argv)  # an option given once
    assert code == 2 and message in one_line_error(err)
    assert not (tmp_path / "o").exists()  # refused before anything was created


def test_cli_unwritable_output_is_one_line_and_exit_2(capsys, tmp_path):
    (tmp_path / "file").write_text("")
    for out, message in ((tmp_path / "file", "not a directory"), (tmp_path / "no" / "dir", "does not exist")):
        code, _, err = run(capsys, "atlas", "--grid", "4", "3", "--steps", "400", "--out", str(out))
        assert code == 2 and message in one_line_error(err)


def test_cli_failed_chunk_writes_what_finished_and_exits_1_naming_it(capsys, tmp_path, monkeypatch):
    monkeypatch.setattr(atlas, "time_limit", lambda task: 0.001)
    code, out, err = run(capsys, "atlas", *CLI_SMALL, "--out", str(tmp_path), "-j", "1")
    assert code == 1 and "not run" in out
    assert err.splitlines()[-1] == (
        f"eos-theory: 1 of 1 chunks did not finish (their runs are 'not run' in {tmp_path / 'atlas.npz'}); the "
        "first, r = -3 … 3: time limit of 0.001 s exceeded"
    )
    with np.load(tmp_path / "atlas.npz") as f:
        assert json.loads(str(f["meta"]))["failures"][0]["error"] == "time limit of 0.001 s exceeded"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_cli_unreachable_scheduler_is_one_line_and_exit_2(capsys, tmp_path, monkeypatch):
    pytest.importorskip("distributed")
    monkeypatch.setattr(executor, "CONNECT_TIMEOUT", 1.0)
    address = f"tcp://127.0.0.1:{_free_port()}"
    code, _, err = run(capsys, "atlas", *CLI_SMALL, "--out", str(tmp_path), "--scheduler", address)
    assert code == 2
    assert one_line_error(err).startswith(f"eos-theory: error: no Dask scheduler answered at {address} within 1 s")
    assert not (tmp_path / "atlas.npz").exists()


# -- on Dask (last: see the module docstring) -----------------------------------------------------


def test_dask_gives_the_same_results_seed_for_seed(monkeypatch, small_serial, dask_cluster):
    monkeypatch.setattr(atlas, "CHUNK_RUNS", 30)  # three chunks over the two workers
    same(small_serial, atlas.execute(atlas.plan(**SMALL), executor.Dask(dask_cluster.scheduler_address)))


def test_cli_on_dask_writes_the_same_data(capsys, tmp_path, small_serial, dask_cluster):
    code, out, _ = run(
        capsys, "atlas", *CLI_SMALL, "--out", str(tmp_path), "--json", "--scheduler", dask_cluster.scheduler_address
    )
    assert code == 0 and json.loads(out)["ran_on"] == dask_cluster.scheduler_address
    with np.load(tmp_path / "atlas.npz") as f:
        same(small_serial, dict(f))


def test_cli_scheduler_lost_mid_run_writes_the_chunks_that_finished(
    capsys, tmp_path, small_serial, scheduler_lost_after_first_result
):
    """Issue 15, item 11: the scheduler lost after the first chunk; 'atlas' counted the lost chunks as finished
    and ended in a 73-line traceback.  Now the finished chunks are written, the others are 'not run', stderr
    says why in one line, exit status 1."""
    address = scheduler_lost_after_first_result
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(atlas, "CHUNK_RUNS", 12)  # six chunks of one row
        code, _out, err = run(capsys, "atlas", *CLI_SMALL, "-o", str(tmp_path), "--scheduler", address)
    assert code == 1 and "Traceback" not in err
    lines = [line for line in err.splitlines() if line.startswith("eos-theory")]
    assert len(lines) == 1 and "chunks did not finish" in lines[0] and "the Dask cluster" in lines[0]
    with np.load(tmp_path / "atlas.npz") as f:
        kind, meta = f["kind"], json.loads(str(f["meta"]))
    rows = (kind != atlas.NOT_RUN).all(axis=(1, 2))  # the rows of the chunks that finished (one row a chunk)
    assert 1 <= rows.sum() < 6 and len(meta["failures"]) == 6 - rows.sum()
    assert (kind[~rows] == atlas.NOT_RUN).all() and (kind[rows] == small_serial.kind[rows]).all()  # as run locally
    progress = [line for line in err.splitlines() if line.startswith("atlas:")]
    assert progress[-1] == f"atlas: {rows.sum()}/6 chunks of grid rows finished, {6 - rows.sum()} failed"
