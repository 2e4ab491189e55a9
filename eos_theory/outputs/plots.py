"""Figures for the 2-D edge of stability (matplotlib, drawn headless with the Agg canvas).

Symmetric case ω₁ = −1, ω₂ = 1, E = 1 throughout, so the control parameter is ε = ηEω₂ = η and
η·NTK = T̃ (the edge of stability is 2).  One function per figure computes the data, draws it if
given a path, and returns the data; :func:`draw_all` writes all four.  Figures are illustrations:
the tests check their data against the closed forms of :mod:`eos_theory.quadratic.closed_forms`.

Matplotlib is imported only when a figure is drawn, through its object API (``Figure`` and an
Agg canvas; no pyplot), so importing this module changes no global state.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import sympy as sp
from mpmath import mp, mpf

from eos_theory.numbers.parse import InputError, exact
from eos_theory.outputs.files import check_writable, write_bytes_atomic
from eos_theory.quadratic import closed_forms
from eos_theory.quadratic.gd import GDResult, Problem, gd_mp, sweep
from eos_theory.quadratic.runs import cycle_digits, outcome, trajectory

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

OMEGA = (-1, 1)  #: the paper's symmetric case
TARGET = 1
FORMATS = ("png", "pdf")
NAMES = ("fig1_sharpening", "fig2_reduced_plane", "fig3_bifurcation", "fig4_landscape")
WIDTH = 3.4  #: inches: one paper column

__all__ = [
    "BifurcationData",
    "LandscapeData",
    "ModelBifurcationData",
    "PlanePanel",
    "ReducedPlaneData",
    "SharpeningData",
    "SpotCheck",
    "Threshold",
    "draw_all",
    "fig1_sharpening",
    "fig2_reduced_plane",
    "fig3_bifurcation",
    "fig4_landscape",
    "model_bifurcation",
]


def _problem(lr) -> Problem:
    return Problem.diagonal(OMEGA, TARGET, lr)


def _mp(value, dps: int) -> mpf:
    """An exact SymPy number as an mpf at ``dps`` digits (inside the caller's workdps)."""
    return mp.mpf(sp.N(sp.sympify(value), dps + 10))


def _recorded(run: GDResult) -> tuple[tuple[mpf, ...], tuple[mpf, ...]]:
    """(z̃_k, T̃_k) of a run made with ``record=True``."""
    assert run.zt is not None and run.Tt is not None  # record=True keeps every step
    return run.zt, run.Tt


def _cycle(lr, dps: int) -> tuple[tuple[mpf, mpf], mpf] | None:
    """Closed-form (ascending η·NTK pair, mean) of the EOS orbit from analysis, or None if ε ≤ 1."""
    c = closed_forms.orbit_closed_forms(*OMEGA, TARGET, str(exact(lr, "lr")))["cycle"]
    if c is None:
        return None
    lo, hi = (_mp(v, dps) for v in c["ntk"])
    return (lo, hi), _mp(c["mean_ntk"], dps)


# --------------------------------------------------------------------------------------------
# Figure 1: progressive sharpening into the EOS orbit
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SharpeningData:
    """η·NTK per step of mpmath GD in θ from the paper's init θ₁ = θ₂ = t."""

    lr: Fraction  #: η = e
    t: Fraction
    dps: int
    ntk: tuple[mpf, ...]  #: T̃_0 … T̃_steps
    zt: tuple[mpf, ...]  #: z̃_0 … z̃_steps
    shown: int  #: steps drawn (0 … shown)
    eos: int  #: the EOS line, 2
    cycle: tuple[mpf, mpf]  #: closed-form η·NTK at the orbit, ascending
    mean: mpf  #: closed-form cycle mean 1 + e
    digits: int  #: agreeing digits of the last two T̃ (sorted) with ``cycle`` (the lesser of the two)


def fig1_sharpening(
    path: Path | None = None, *, lr="11/10", t="1/100", steps: int = 500, dps: int = 50, shown: int = 40
) -> SharpeningData:
    """Figure 1; raises if the run does not reach the closed-form cycle to 25 digits."""
    lr, t = exact(lr, "lr"), exact(t, "t")
    if closed_forms.classify(*OMEGA, TARGET, str(lr)) != "period-2":
        raise InputError(f"lr = {lr} is outside the period-2 window 1 < ε < √5 − 1")
    zt, Tt = _recorded(gd_mp(_problem(lr), [t, t], steps, dps=dps, record=True))
    with mp.workdps(dps):
        closed = _cycle(lr, dps)
        assert closed is not None  # lr is in the period-2 window (checked above), so e > 1
        cycle, mean = closed
        digits = cycle_digits(Tt[-2:], cycle, dps=dps)
    if digits < 25:
        raise ArithmeticError(f"GD did not reach the EOS orbit in {steps} steps ({digits} digits agree)")
    data = SharpeningData(lr, t, dps, Tt, zt, min(shown, steps), 2, cycle, mean, digits)
    if path is not None:
        _draw(_draw_sharpening, data, path, (WIDTH, 2.9))
    return data


def _draw_sharpening(fig, d: SharpeningData) -> None:
    ax = fig.add_subplot()
    k = np.arange(d.shown + 1)
    T = np.array([float(v) for v in d.ntk[: d.shown + 1]])
    e = float(d.lr)
    ax.axhline(d.eos, color="k", ls="--", lw=0.9, label="EOS: 2")
    ax.axhline(float(d.mean), color="tab:red", ls="-.", lw=0.9, label="cycle mean 1 + ε")
    for i, c in enumerate(d.cycle):
        ax.axhline(float(c), color="tab:blue", ls=":", lw=1.1, label="1 + ε ± √((ε−1)(ε+3))" if i == 0 else None)
    ax.plot(k, T, "-o", color="0.25", lw=0.7, ms=2.2, label="GD in θ (mpmath)")
    ax.set(xlabel="step", ylabel="η·NTK", xlim=(0, d.shown), ylim=(0, float(d.cycle[1]) + 0.45))
    ax.set_title(f"Sharpening to the EOS: ε = {e:g}, θ₁ = θ₂ = {float(d.t):g}")
    ax.text(
        0.98,
        0.04,
        f"steps {len(d.ntk) - 2}, {len(d.ntk) - 1}: the closed-form\ncycle to {d.digits} digits",
        transform=ax.transAxes,
        va="bottom",
        ha="right",
    )
    fig.legend(loc="outside lower center", ncol=2, frameon=False, handlelength=2.2, columnspacing=1.0)


# --------------------------------------------------------------------------------------------
# Figure 2: the reduced plane (z̃, η·NTK)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanePanel:
    """GD trajectories in (z̃, T̃) at one η, with the closed-form landmarks."""

    lr: Fraction
    starts: tuple[tuple[Fraction, Fraction], ...]  #: θ₀ of each trajectory
    trajectories: tuple[tuple[tuple[mpf, ...], tuple[mpf, ...]], ...]  #: (z̃_k, T̃_k) per start
    stable: tuple[int, int]  #: the stable segment of the minima z̃ = 0: 0 < T̃ < 2
    min_ntk: mpf  #: 2e: the least η·NTK on the (reachable) minima
    orbit: tuple[tuple[mpf, mpf], tuple[mpf, mpf]] | None  #: (z̃, T̃) at the two orbit points


@dataclass(frozen=True)
class ReducedPlaneData:
    panels: tuple[PlanePanel, ...]
    dps: int


FIG2_STARTS = {
    "1/2": (("1/100", "1/100"), ("3/10", "19/10"), ("6/5", "6/5")),
    "11/10": (("1/100", "1/100"), ("1", "1/5"), ("1/10", "17/10")),
}


def fig2_reduced_plane(
    path: Path | None = None, *, starts: dict | None = None, steps: int = 200, dps: int = 30
) -> ReducedPlaneData:
    """Figure 2: one panel per η (default ε = 1/2, a minimum; ε = 11/10, the EOS orbit)."""
    panels = []
    for lr, sts in (starts or FIG2_STARTS).items():
        lr = exact(lr, "lr")
        p = _problem(lr)
        sts = tuple((exact(a, "theta1"), exact(b, "theta2")) for a, b in sts)
        trajs = tuple(_recorded(gd_mp(p, s, steps, dps=dps, record=True)) for s in sts)
        cf = closed_forms.orbit_closed_forms(*OMEGA, TARGET, str(lr))
        with mp.workdps(dps):
            orbit = None
            if cf["cycle"] is not None:
                pts, ntk = cf["cycle"]["points"], cf["cycle"]["ntk"]  # y = ω₂z̃ = z̃ on axis 2
                first, second = ((_mp(y, dps), _mp(T, dps)) for y, T in zip(pts, ntk))  # a period-2 orbit
                orbit = (first, second)
            panels.append(PlanePanel(lr, sts, trajs, (0, 2), _mp(cf["min_ntk"], dps), orbit))
    data = ReducedPlaneData(tuple(panels), dps)
    if path is not None:
        _draw(_draw_plane, data, path, (WIDTH, 2.1 * len(panels) + 0.8))
    return data


def _draw_plane(fig, d: ReducedPlaneData) -> None:
    axes = fig.subplots(len(d.panels), 1, squeeze=False)[:, 0]
    for ax, pan, tag in zip(axes, d.panels, "abcdefgh"):
        e = float(pan.lr)
        zmin, zmax = -e - 0.7, 1.0
        tmax = 4.2
        zz = np.linspace(zmin, zmax, 200)
        # reachable set: T̃ = A₁ + A₂ ≥ |A₂ − A₁| = 2|z̃ + e|
        ax.fill_between(
            zz, 0, np.minimum(2 * np.abs(zz + e), tmax), color="0.88", lw=0, label="unreachable: η·NTK < 2|z̃ + ε|"
        )
        ax.axvline(0, color="0.5", lw=0.8, label="minima z̃ = 0")
        ax.plot([0, 0], pan.stable, color="tab:green", lw=3.5, solid_capstyle="butt", label="stable: 0 < η·NTK < 2")
        for i, (zt, Tt) in enumerate(pan.trajectories):
            z = np.array([float(v) for v in zt])
            T = np.array([float(v) for v in Tt])
            ax.plot(
                z,
                T,
                "-o",
                lw=0.5,
                ms=1.8,
                alpha=0.85,
                color=f"C{i % 10}",
                zorder=3 if i == 0 else 2,
                label=("GD, paper's init" if i == 0 else "GD, other starts" if i == 1 else None),
            )
            ax.plot(z[:1], T[:1], "s", ms=3.5, color=f"C{i % 10}", mec="k", mew=0.4, label="start" if i == 0 else None)
        if pan.orbit is not None:
            oz = [float(a) for a, _ in pan.orbit]
            oT = [float(b) for _, b in pan.orbit]
            ax.plot(oz, oT, "*", ms=9, color="gold", mec="k", mew=0.6, zorder=5, label="period-2 orbit")
        ax.set(xlim=(zmin, zmax), ylim=(0, tmax), ylabel="η·NTK")
        ax.set_title(
            f"({tag}) ε = {e:g}: "
            + ("GD settles on a stable minimum" if pan.orbit is None else "no stable minimum; GD finds the 2-cycle")
        )
    axes[-1].set_xlabel("z̃ = ηz")
    handles: dict = {}
    for ax in axes:
        for h, lab in zip(*ax.get_legend_handles_labels()):
            handles.setdefault(lab, h)
    fig.legend(
        handles.values(),
        handles.keys(),
        loc="outside lower center",
        ncol=2,
        frameon=False,
        handlelength=1.6,
        columnspacing=0.8,
    )


# --------------------------------------------------------------------------------------------
# Figure 3: bifurcation diagram
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SpotCheck:
    """A 50-digit mpmath GD run at one ε, from the same θ₀ as the sweep."""

    lr: Fraction
    ntk: tuple[mpf, ...]  #: the last ``period`` η·NTK values
    period: int  #: in θ, as found by dynamics.outcome: 1 (a minimum), 2 (in the window) or 4 (past it)
    repeat_digits: int  #: agreeing digits of θ_k and θ_{k−period}
    steps: int


@dataclass(frozen=True)
class Threshold:
    """A period-doubling threshold of the axis map, from :func:`cascade.report` (ε as decimal digits)."""

    period: int  #: the period-p orbit loses stability at e
    e: str
    evidence: str  #: "exact", "interval" (certified digits) or "two precisions"


@dataclass(frozen=True)
class BifurcationData:
    """Long-run η·NTK of float64 GD against ε = η, with closed forms, the cascade past the window,
    time averages, and mpmath spot checks."""

    e: np.ndarray  #: shape (n,)
    ntk: np.ndarray  #: shape (n, tail): the last ``tail`` η·NTK values per e
    steps: int
    t: float  #: θ₀ = (t, t)
    window: tuple[sp.Expr, sp.Expr]  #: (1, √5 − 1), exact, from analysis
    min_ntk: np.ndarray  #: 2e, nan outside e < 1
    cycle: tuple[np.ndarray, np.ndarray]  #: the two cycle values, nan outside the window
    mean: np.ndarray  #: 1 + e, nan outside the window
    eos: int  #: 2
    spots: tuple[SpotCheck, ...]
    dps: int  #: digits of the spot checks
    time_mean: np.ndarray  #: shape (n,): mean η·NTK over the last ``average`` steps of each run (float64)
    average: int
    thresholds: tuple[Threshold, ...]  #: e_1 = 1, e_2 = √5 − 1, e_3, … (cascade.report)
    onset: tuple[str, str] | None  #: the accumulation point of the thresholds and its error estimate
    crisis: sp.Expr  #: 2, exact (cascade.crisis)
    chaos: tuple  #: (e, stats.Estimate of the mean η·NTK) from chaos.axis_runs, independent runs


def fig3_bifurcation(
    path: Path | None = None,
    *,
    e_range=(0.6, 2.0),
    n: int = 1400,
    steps: int = 3000,
    tail: int = 64,
    average: int = 1000,
    t: float = 0.01,
    spots=("3/4", "21/20", "11/10", "6/5", "5/4"),
    dps: int = 50,
    levels: int = 6,
    chaos_at=("7/5", "3/2"),
    chaos_runs: int = 8,
    chaos_steps: int = 20_000,
) -> BifurcationData:
    """Figure 3: ``numerics.sweep`` over n values of ε (the last ``tail`` values drawn, the last
    ``average`` averaged); the cascade thresholds, onset and crisis from :mod:`cascade`; time averages
    with confidence intervals from :func:`chaos.axis_runs`; spot checks at 50 digits (bounded runs
    that must settle: on a minimum, on the 2-cycle inside the window, on a 4-cycle just past it)."""
    from eos_theory.past_window import cascade, chaos

    if not 1 <= tail <= average <= steps:
        raise InputError(f"need 1 <= tail <= average <= steps, got {tail}, {average}, {steps}")
    e = np.linspace(float(e_range[0]), float(e_range[1]), int(n))
    with np.errstate(over="ignore", invalid="ignore"):
        T_all = sweep(OMEGA[0], OMEGA[1], TARGET, e, (t, t), steps, average)
        time_mean = T_all.mean(axis=1)
    T = np.ascontiguousarray(T_all[:, -tail:])
    orb = closed_forms.eos_orbit()
    lo_w, hi_w = orb.symmetric_window.left, orb.symmetric_window.right
    curves = [sp.lambdify(closed_forms.eps, v, "numpy") for v in (*orb.ntk, orb.mean_ntk)]
    inside = (e > float(lo_w)) & (e < float(hi_w))
    with np.errstate(invalid="ignore"):
        lo, hi, mean = (np.where(inside, np.broadcast_to(f(e), e.shape), np.nan) for f in curves)
    min_ntk = np.where(e < 1, 2 * e, np.nan)  # min η·NTK over the minima, 2e, where they attract
    spot_data = tuple(_spot(s, t, dps) for s in spots)
    report, _ = cascade.report(levels, digits=8, max_seconds=30)
    ths = tuple(
        Threshold(row["period"], row["epsilon"], row["evidence"]) for row in report["thresholds"] if row["epsilon"]
    )
    onset = report["chaos_onset"] and (report["chaos_onset"]["epsilon"], report["chaos_onset"]["error"])
    runs = tuple(
        (exact(v, "ε"), chaos.axis_runs(exact(v, "ε"), runs=chaos_runs, steps=chaos_steps).mean_ntk) for v in chaos_at
    )
    data = BifurcationData(
        e,
        T,
        steps,
        t,
        (lo_w, hi_w),
        min_ntk,
        (lo, hi),
        mean,
        2,
        spot_data,
        dps,
        time_mean,
        average,
        ths,
        onset,
        cascade.crisis().value,
        runs,
    )
    if path is not None:
        _draw(_draw_bifurcation, data, path, (WIDTH, 3.6))
    return data


def _spot(lr, t: float, dps: int) -> SpotCheck:
    """One bounded 50-digit run (dynamics.outcome); raises unless it settled."""
    lr = exact(lr, "lr")
    end = outcome(_problem(lr), [exact(t, "t")] * 2, dps=dps)
    if not end.settled:
        raise ArithmeticError(f"spot check at ε = {lr}: GD {end.status} ({end.reason})")
    assert end.period is not None and end.digits is not None  # a settled run has both
    return SpotCheck(lr, end.ntk, end.period, end.digits, end.steps)


def _sub(n: int) -> str:
    """n in subscript digits (ε₁₂)."""
    return str(n).translate(str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉"))


def _draw_bifurcation(fig, d: BifurcationData) -> None:
    ax = fig.add_subplot()
    ee = np.repeat(d.e, d.ntk.shape[1])
    ax.plot(ee, d.ntk.ravel(), ",", color="0.55", rasterized=True)
    ax.plot([], [], "s", ms=3, color="0.55", label=f"float64 GD, last {d.ntk.shape[1]} steps")
    ax.plot(d.e, d.time_mean, color="tab:orange", lw=0.7, label=f"time average, last {d.average} steps")
    ax.axhline(d.eos, color="k", ls="--", lw=0.8, label="EOS: η·NTK = 2")
    ax.plot(d.e, d.min_ntk, color="tab:green", lw=1.2, label="min η·NTK = 2ε")
    ax.plot(d.e, d.cycle[0], color="tab:blue", lw=1.2, label="1 + ε ± √((ε−1)(ε+3))")
    ax.plot(d.e, d.cycle[1], color="tab:blue", lw=1.2)
    ax.plot(d.e, d.mean, color="tab:red", ls="-.", lw=1.0, label="cycle mean 1 + ε")
    finite = d.ntk[np.isfinite(d.ntk)]
    ymax = float(finite.max()) * 1.05 if finite.size else 4.0
    marks = [
        (float(d.window[0]), "ε₁ = 1"),
        (float(d.window[1]), "ε₂ = √5 − 1"),
        (float(d.crisis), f"crisis ε = {d.crisis}"),
    ]
    if d.onset is not None:
        marks.append((float(d.onset[0]), "onset of chaos"))
    for x, lab in marks:
        ax.axvline(x, color="0.3", ls=":", lw=0.8)
        ax.text(x - 0.008, 0.05, lab, rotation=90, va="bottom", ha="right", fontsize="x-small")
    later = [float(th.e) for th in d.thresholds if th.period > 2]
    ax.plot(
        later,
        [ymax * 0.97] * len(later),
        "|",
        color="k",
        ms=6,
        label=f"thresholds ε₃ … ε{_sub(len(d.thresholds))} ({', '.join(sorted({th.evidence for th in d.thresholds if th.period > 2}))})",
    )
    ax.errorbar(
        [float(v) for v, _ in d.chaos],
        [m.value for _, m in d.chaos],
        yerr=[[m.value - m.low for _, m in d.chaos], [m.high - m.value for _, m in d.chaos]],
        fmt="D",
        ms=3.5,
        color="tab:purple",
        capsize=2,
        label=f"chaotic mean η·NTK ({d.chaos[0][1].level:.0%} CI)" if d.chaos else None,
    )
    se = [float(s.lr) for s in d.spots for _ in s.ntk]
    sT = [float(v) for s in d.spots for v in s.ntk]
    ax.plot(se, sT, "o", ms=4.5, mfc="none", mec="k", mew=0.8, label=f"mpmath GD, {d.dps} digits")
    ax.set(xlabel="control parameter ε = ηEω", ylabel="long-run η·NTK", xlim=(d.e[0], d.e[-1]), ylim=(0, ymax))
    ax.set_title("Bifurcation diagram, ω₁ = −1, ω₂ = 1, E = 1")
    fig.legend(loc="outside lower center", ncol=2, frameon=False, handlelength=1.6, columnspacing=0.8, fontsize="small")


# --------------------------------------------------------------------------------------------
# Figure 4: the loss landscape
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LandscapeData:
    """L = z²/2 on a grid over (θ₁, θ₂), the zero-loss hyperbola and GD paths in θ."""

    theta1: np.ndarray  #: shape (m,)
    theta2: np.ndarray  #: shape (m,)
    loss: np.ndarray  #: shape (m, m): loss[j, i] at (theta1[i], theta2[j])
    hyperbola: tuple[np.ndarray, np.ndarray]  #: θ₁ and θ₂ > 0 on θ₂² − θ₁² = 2E (mirror: −θ₂)
    paths: tuple[tuple[Fraction, tuple[tuple[mpf, mpf], ...]], ...]  #: (η, [θ_0, …, θ_steps])
    orbit_lr: Fraction  #: the η whose EOS orbit is marked (the first path's η > 1, else 11/10)
    orbit: tuple[tuple[sp.Expr, sp.Expr], tuple[sp.Expr, sp.Expr]]  #: that orbit in θ (exact)


def fig4_landscape(
    path: Path | None = None,
    *,
    paths=(("11/10", ("1/100", "1/100")), ("1/2", ("6/5", "6/5"))),
    steps: int = 60,
    dps: int = 30,
    m: int = 301,
    lim: float = 2.2,
) -> LandscapeData:
    """Figure 4: contours of log L with GD paths (default: the paper's init at ε = 11/10, which
    ends on the EOS orbit; and a start at ε = 1/2 that settles on the hyperbola)."""
    th = np.linspace(-lim, lim, m)
    t1, t2 = np.meshgrid(th, th)
    z = (OMEGA[0] * t1**2 + OMEGA[1] * t2**2) / 2 - TARGET
    loss = z**2 / 2
    h1 = np.linspace(-lim, lim, 201)
    hyper = (h1, np.sqrt(2 * TARGET + h1**2))
    out = []
    for lr, start in paths:
        lr = exact(lr, "lr")
        run = trajectory(_problem(lr), [exact(s, "theta") for s in start], steps, dps=dps)
        if run.stopped is not None:
            raise ArithmeticError(f"GD path at η = {lr} stopped: {run.stopped.reason}")
        out.append((lr, run.thetas))
    eos_lr = next((lr for lr, _ in out if lr > 1), Fraction(11, 10))
    data = LandscapeData(th, th, loss, hyper, tuple(out), eos_lr, closed_forms.orbit_theta(*OMEGA, TARGET, str(eos_lr)))
    if path is not None:
        _draw(_draw_landscape, data, path, (WIDTH, 3.75))
    return data


def _draw_landscape(fig, d: LandscapeData) -> None:
    from matplotlib import patheffects
    from matplotlib.colors import LogNorm

    ax = fig.add_subplot()
    levels = np.logspace(-3, 1.5, 19)
    cs = ax.contourf(
        d.theta1, d.theta2, np.clip(d.loss, levels[0], levels[-1]), levels=levels, norm=LogNorm(), cmap="viridis"
    )
    cs.set_rasterized(True)
    cb = fig.colorbar(cs, ax=ax, pad=0.02, shrink=0.85)
    cb.set_label("L = z²/2")
    cb.set_ticks([1e-3, 1e-2, 1e-1, 1, 10])
    h1, h2 = d.hyperbola
    edge = [patheffects.withStroke(linewidth=2.2, foreground="k")]
    ax.plot(h1, h2, color="w", lw=1.1, path_effects=edge, label="zero loss: θ₂² − θ₁² = 2E")
    ax.plot(h1, -h2, color="w", lw=1.1, path_effects=edge)
    colors = ("tab:red", "tab:orange", "tab:pink")
    for (lr, pts), c in zip(d.paths, colors):
        a = np.array([[float(x) for x in p] for p in pts])
        kind = {"minimum": "converges", "period-2": "EOS 2-cycle"}.get(
            closed_forms.classify(*OMEGA, TARGET, str(lr)), "no attractor"
        )
        ax.plot(a[:, 0], a[:, 1], "-o", color=c, lw=0.8, ms=2, label=f"GD, ε = {float(lr):g} ({kind})")
        ax.plot(a[:1, 0], a[:1, 1], "s", color=c, ms=4, mec="k", mew=0.5)
    o = np.array([[float(sp.N(v)) for v in pt] for pt in d.orbit])
    ax.plot(
        o[:, 0],
        o[:, 1],
        "*",
        ms=9,
        color="gold",
        mec="k",
        mew=0.6,
        zorder=5,
        label=f"period-2 orbit, ε = {float(d.orbit_lr):g} (closed form)",
    )
    ax.set(
        xlabel="θ₁  (ω₁ = −1)",
        ylabel="θ₂  (ω₂ = 1)",
        aspect="equal",
        xlim=(d.theta1[0], d.theta1[-1]),
        ylim=(d.theta2[0], d.theta2[-1]),
    )
    ax.set_title("Loss L = z²/2, z = (θ₂² − θ₁²)/2 − E")
    fig.legend(loc="outside lower center", ncol=1, frameon=False, handlelength=1.6)


# --------------------------------------------------------------------------------------------
# Drawing
# --------------------------------------------------------------------------------------------

_RC: dict[RcKeyType, Any] = {
    "font.size": 8,
    "axes.titlesize": 8,
    "axes.labelsize": 8,
    "xtick.labelsize": 8,
    "ytick.labelsize": 8,
    "legend.fontsize": 8,
    "axes.linewidth": 0.6,
    "lines.linewidth": 1.0,
    "savefig.dpi": 200,
    "pdf.fonttype": 42,
    "svg.fonttype": "none",
}


def _draw(draw, data, path, size) -> None:
    """Draw ``data`` on a fresh Agg-backed Figure (no pyplot) and save it; the format is the suffix."""
    import matplotlib as mpl
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    path = Path(path)
    fmt = path.suffix.lstrip(".").lower()
    if fmt not in FORMATS:
        raise InputError(f"figure format must be one of {', '.join(FORMATS)}, got {path.suffix or 'none'!r}")
    with mpl.rc_context(_RC):
        fig = Figure(figsize=size, layout="constrained")
        FigureCanvasAgg(fig)
        draw(fig, data)
        meta = {"CreationDate": None} if fmt == "pdf" else {"Software": None}
        buffer = io.BytesIO()
        fig.savefig(buffer, format=fmt, metadata=meta)
    write_bytes_atomic(path, buffer.getvalue())  # the one writer: atomic, through symlinks, never a device


def draw_all(out_dir: Path, fmt: str = "png") -> list[Path]:
    """Write the four figures into ``out_dir`` (created if needed) as ``fmt``; return their paths.

    Every target is checked (:func:`eos_theory.outputs.files.check_writable`) before any figure is drawn;
    an ``OSError`` says why one could not be written.
    """
    if fmt not in FORMATS:
        raise InputError(f"format must be one of {', '.join(FORMATS)}, got {fmt!r}")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = [out_dir / f"{name}.{fmt}" for name in NAMES]
    for p in paths:
        check_writable(p)
    figures: tuple[Callable[[Path], object], ...] = (
        fig1_sharpening,
        fig2_reduced_plane,
        fig3_bifurcation,
        fig4_landscape,
    )
    for fig, p in zip(figures, paths):
        fig(p)
    return paths


# -- the regime atlas (data: eos_theory.past_window.atlas) -----------------------------------------------

_ATLAS_COLOURS = (
    *("#4daf4a", "#377eb8", "#80b1d3", "#bebada", "#8dd3c7", "#ffd92f", "#e41a1c", "0.15", "#8c510a", "0.8"),
    "1.0",  # not run: white, the cells a failed chunk left empty
)


def draw_atlas(atlas, path) -> None:
    """The phase diagram of an :class:`eos_theory.past_window.atlas.Atlas` (one column wide), with the closed-form
    boundaries over it; format from the suffix."""
    _draw(_draw_atlas, atlas, path, (WIDTH, 4.3))


def _draw_atlas(fig, a) -> None:
    from matplotlib.colors import BoundaryNorm, ListedColormap
    from matplotlib.patches import Patch

    ax = fig.add_subplot()
    from eos_theory.past_window.atlas import CATEGORIES, boundaries

    cat = a.categories()
    cmap = ListedColormap(_ATLAS_COLOURS)
    norm = BoundaryNorm(np.arange(len(CATEGORIES) + 1) - 0.5, cmap.N)
    ax.pcolormesh(_cell_edges(a.e), _cell_edges(a.r), cat, cmap=cmap, norm=norm, rasterized=True)
    (e_lo, e_hi), (r_lo, r_hi) = (float(v) for v in a.e_range), (float(v) for v in a.r_range)
    b = boundaries()
    for key, style, label in (
        ("edge", "--", "ε = 1"),
        ("along", ":", "ε = √5 − 1"),
        ("crisis", "-.", "ε = 2 (crisis)"),
    ):
        x = float(b[key])
        if e_lo <= x <= e_hi:
            ax.axvline(x, color="k", ls=style, lw=0.9, label=label)
    across = sp.lambdify(closed_forms.r, b["across"], "numpy")
    rr = np.linspace(min(r_lo, r_hi), max(r_lo, r_hi), 2001)
    with np.errstate(divide="ignore", invalid="ignore"):
        ee = np.where(rr * (rr - 1) > 0, across(rr), np.nan)
    ee[(ee < e_lo) | (ee > e_hi)] = np.nan
    ax.plot(ee, rr, color="k", lw=1.1, label="r(r − 1)(ε − 1) = 2")
    if r_lo < 1 and r_hi > 0:
        ax.axhspan(
            max(r_lo, 0),
            min(r_hi, 1),
            facecolor="none",
            edgecolor="0.4",
            hatch="////",
            lw=0,
            label="0 < r < 1 (ε not control)",
        )
    ax.set(xlim=(a.e[0], a.e[-1]), ylim=(a.r[0], a.r[-1]), xlabel="ε = ηEω₁", ylabel="r = ω₂/ω₁")
    if a.start.count == 0:
        starts = f"from θ = ({a.start.axis:g}, {a.start.transverse:g})"
    else:
        starts = f"{a.start.count} random starts per cell: the most frequent label"
    ax.set_title(f"Regimes of float64 GD, {a.steps} steps\n{starts}")
    present = sorted(set(cat.ravel().tolist()))
    handles = [Patch(facecolor=_ATLAS_COLOURS[c], edgecolor="0.3", lw=0.3, label=CATEGORIES[c]) for c in present]
    lines, labels = ax.get_legend_handles_labels()
    fig.legend(
        handles + lines,
        [h.get_label() for h in handles] + labels,
        loc="outside lower center",
        ncol=2,
        frameon=False,
        handlelength=1.4,
        columnspacing=0.8,
        fontsize=7,
    )


def _cell_edges(v: np.ndarray) -> np.ndarray:
    """Cell edges around equally spaced centres (one centre: a cell of width 1)."""
    if len(v) == 1:
        return np.array([v[0] - 0.5, v[0] + 0.5])
    h = (v[-1] - v[0]) / (len(v) - 1)
    return np.concatenate([v - h / 2, [v[-1] + h / 2]])


# -- the random-model ensemble (data: eos_theory.random_models.ensemble) -----------------------------------

_OUTCOME_COLOURS = {"converged": "#4daf4a", "eos": "#377eb8", "not converged": "0.6"}


def draw_ensemble(result, path) -> None:
    """Two panels for an :class:`eos_theory.random_models.ensemble.EnsembleResult`: the top η·NTK against step for
    the sampled seeds, and the histogram of the long-run top η·NTK − 2 by outcome (diverged runs left
    out); format from the suffix."""
    _draw(_draw_ensemble, result, path, (2 * WIDTH, 2.8))


def _draw_ensemble(fig, res) -> None:
    left, right = fig.subplots(1, 2)
    traced = [r for r in res.runs if r.trace is not None]
    for r in traced:  # diverged runs leave the frame (clipped at 4)
        left.plot(
            np.arange(1, len(r.trace) + 1),
            r.trace,
            lw=0.5,
            ls="--" if r.outcome == "diverged" else "-",
            label=f"seed {r.seed} ({r.outcome})",
        )
    left.axhline(2, color="k", ls=":", lw=0.8)
    left.set(
        xscale="log",
        ylim=(0, 4),
        xlabel="step + 1",
        ylabel="top η·NTK eigenvalue",
        title="sampled runs (η·NTK = 2: edge of stability)",
    )
    if traced:
        left.legend(fontsize=5, frameon=False, ncol=2)
    offsets = {name: [r.top_ntk_final - 2 for r in res.runs if r.outcome == name] for name in _OUTCOME_COLOURS}
    values = [v for vs in offsets.values() for v in vs]
    if values:
        lo, hi = min(values), max(values)
        bins = np.linspace(lo - 0.01, hi + 0.01, 41)
        names = [n for n in _OUTCOME_COLOURS if offsets[n]]
        right.hist(
            [offsets[n] for n in names],
            bins=bins,
            stacked=True,
            color=[_OUTCOME_COLOURS[n] for n in names],
            label=names,
        )
        right.legend(fontsize=6, frameon=False)
    right.axvline(0, color="k", ls="--", lw=0.8)
    s = res.spec
    right.set(
        xlabel="long-run top η·NTK − 2",
        ylabel="runs",
        title=f"P = {s.params}, D = {s.outputs}, η = {float(s.lr):g}: {len(res.runs)} runs, {res.steps} steps",
    )


# -- one model's bifurcation diagram (eos-theory plot --model; data: eos_theory.anymodel.flip) --------


@dataclass(frozen=True)
class ModelBifurcationData:
    """Long-run η·S of float64 GD in parameter space against r = η/η_c for one model, with the
    analysis overlaid: η_c (r = 1), the window's ends, and the offset slope's tangent line."""

    name: str
    ratio: np.ndarray  #: shape (n,): r = η/η_c
    values: np.ndarray  #: shape (n, tail): the last ``tail`` values of η·S(θ_k); nan once a run left the bound
    time_mean: np.ndarray  #: shape (n,): mean η·S over the last ``average`` steps (nan if diverged)
    steps: int  #: GD steps per run (fewer if the time budget ran out: ``completed``)
    completed: int
    average: int
    critical_lr: sp.Expr  #: η_c, exact (or a Float from the numerical path)
    window: tuple  #: (lo, hi) in r = η/η_c: exact SymPy numbers, hi a decimal string or None
    window_form: tuple  #: ("exact" | "decimal" | None, …) per end
    offset_slope: sp.Expr | None  #: tangent of the cycle mean at r = 1⁺: 2 + slope·(r − 1)
    least_sharpness: sp.Expr


def model_bifurcation(
    an,
    path: Path | None = None,
    *,
    n: int = 600,
    steps: int = 4000,
    tail: int = 32,
    average: int = 1000,
    push: float = 1e-3,
    lo: float = 0.8,
    hi: float | None = None,
    max_seconds: float = 30.0,
    bound: float = 1e6,
) -> ModelBifurcationData:
    """The bifurcation diagram of one analysed model (:class:`eos_theory.anymodel.analysis.Analysis`).

    For each of ``n`` steps η = rη_c, r from ``lo`` to ``hi`` (default: 15 % past the window's end,
    or 1.6), GD runs from θ* moved by ``push`` along ∇f(θ*) and by push/10 across it, in float64 —
    fine for a figure, not evidence — for ``steps`` steps (fewer if ``max_seconds`` runs out; the
    data says how many), all η at once.  A run is dropped (nan) once |θ| exceeds ``bound`` (a
    magnitude criterion, not a proof of divergence)."""
    import time

    from eos_theory.anymodel.report import report

    rep = report(an)
    if rep["least_sharpness"] is None or not rep["minimum"]["point"] or not rep["minimum"]["top_eigenvector"]:
        raise InputError(
            f"no bifurcation diagram: the least sharpness is inconclusive ({rep['how']['least_sharpness']})"
        )
    if not 1 <= tail <= average <= steps:
        raise InputError(f"need 1 <= tail <= average <= steps, got {tail}, {average}, {steps}")
    s = an.spec
    exact = rep["form"]["critical_lr"] == "exact"
    eta_c = sp.sympify(rep["critical_lr"]) if exact else sp.Float(rep["critical_lr"], 30)
    win, form = rep["period_two_window"], rep["form"]["period_two_window"]
    ends: tuple[sp.Expr | None, ...] = (None, None)
    if win is not None and form is not None:
        ends = tuple(
            None if v is None else (sp.sympify(v) / eta_c if f == "exact" else sp.Float(v, 30) / eta_c)
            for v, f in zip(win, form)
        )
    if hi is None:
        hi = float(ends[1]) * 1.15 if ends[1] is not None else 1.6
    ratio = np.linspace(float(lo), float(hi), int(n))
    etas = ratio * float(eta_c)
    grad = sp.lambdify(s.params, list(s.gradient), "numpy")
    jac = sp.lambdify(s.params, [list(row) for row in s.jacobian.tolist()], "numpy")
    d2 = float(_loss_d2(s))

    def sharp(*cols):  # S(θ) = ℓ''(0)·λ_max(JJᵀ) at every run at once
        J = np.array([[np.broadcast_to(x, etas.shape) for x in row] for row in jac(*cols)], dtype=float)
        K = np.einsum("ipk,jpk->kij", J, J)
        return d2 * np.linalg.eigvalsh(K)[:, -1]

    v = np.array([float(sp.sympify(x)) for x in rep["minimum"]["top_eigenvector"]])
    point = np.array([float(sp.sympify(x)) for x in rep["minimum"]["point"]])
    across = np.array([(-1) ** i for i in range(s.P)], dtype=float) * push / 10
    theta = np.tile(point + push * v / np.linalg.norm(v) + across, (len(etas), 1))
    alive = np.ones(len(etas), dtype=bool)
    keep = np.full((len(etas), average), np.nan)
    start = time.perf_counter()
    done = 0
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(steps):
            g = np.array([np.broadcast_to(x, etas.shape) for x in grad(*theta.T)]).T
            theta = theta - etas[:, None] * g
            bad = ~np.isfinite(theta).all(axis=1) | (np.abs(theta).max(axis=1) > bound)
            alive &= ~bad
            theta[~alive] = 0.0
            if k >= steps - average:
                val = etas * np.where(alive, sharp(*theta.T), np.nan)
                keep[:, k - (steps - average)] = np.where(alive, val, np.nan)
            done = k + 1
            if k % 100 == 99 and time.perf_counter() - start > max_seconds:
                break
    filled = keep[:, : max(done - (steps - average), 0)]
    values = filled[:, -tail:] if filled.shape[1] >= tail else np.full((len(etas), tail), np.nan)
    time_mean = filled.mean(axis=1) if filled.shape[1] else np.full(len(etas), np.nan)
    slope = rep["offset_slope"]
    data = ModelBifurcationData(
        s.name,
        ratio,
        values,
        time_mean,
        steps,
        done,
        average,
        eta_c,
        ends,
        tuple(form) if form else (None, None),
        None
        if slope is None
        else (sp.sympify(slope) if rep["form"]["offset_slope"] == "exact" else sp.Float(slope, 30)),
        sp.sympify(rep["least_sharpness"]) if exact else sp.Float(rep["least_sharpness"], 30),
    )
    if path is not None:
        _draw(_draw_model_bifurcation, data, path, (WIDTH, 3.0))
    return data


def _short(x: sp.Expr) -> str:
    """An exact number as SymPy prints it, a Float to 8 significant digits."""
    return sp.sstr(x) if not isinstance(x, sp.Float) else sp.sstr(sp.Float(x, 8))


def _loss_d2(s) -> sp.Expr:
    """ℓ''(0) of a model's loss (the sharpness on the minima is ℓ''(0)|∇f|²)."""
    from eos_theory.anymodel.definition import loss_derivatives

    return loss_derivatives(s.loss).d2


def _draw_model_bifurcation(fig, d: ModelBifurcationData) -> None:
    ax = fig.add_subplot()
    rr = np.repeat(d.ratio, d.values.shape[1])
    ax.plot(rr, d.values.ravel(), ",", color="0.45", rasterized=True)
    ax.plot([], [], "s", ms=3, color="0.45", label=f"float64 GD, last {d.values.shape[1]} of {d.completed} steps")
    ax.plot(d.ratio, d.time_mean, color="tab:orange", lw=0.7, label=f"time average, last {d.average} steps")
    ax.axhline(2, color="k", ls="--", lw=0.8, label="EOS: η·S = 2")
    below = d.ratio <= 1
    ax.plot(d.ratio[below], 2 * d.ratio[below], color="tab:green", lw=1.0, label="η·S_min = 2η/η_c")
    _lo, hi = d.window
    if d.offset_slope is not None:
        top = float(hi) if hi is not None else float(d.ratio[-1])
        r = np.linspace(1, top, 50)
        ax.plot(
            r,
            2 + float(d.offset_slope) * (r - 1),
            color="tab:red",
            ls="-.",
            lw=1.0,
            label=f"offset tangent 2 + {_short(d.offset_slope)}·(η/η_c − 1)",
        )
    ax.axvline(1, color="0.3", ls=":", lw=0.8)
    ax.text(
        0.995,
        0.05,
        f"η_c = {_short(d.critical_lr)}",
        rotation=90,
        va="bottom",
        ha="right",
        fontsize="x-small",
        transform=ax.get_xaxis_transform(),
    )
    if hi is not None:
        kind = "exact" if d.window_form[1] == "exact" else "numerical"
        ax.axvline(float(hi), color="tab:blue", ls=":", lw=0.8)
        ax.text(
            float(hi) - 0.005,
            0.05,
            f"window end ({kind})",
            rotation=90,
            va="bottom",
            ha="right",
            fontsize="x-small",
            transform=ax.get_xaxis_transform(),
        )
    finite = d.values[np.isfinite(d.values)]
    ymax = max(float(finite.max()) * 1.05, 2.5) if finite.size else 4.0
    ax.set(
        xlabel="η / η_c", ylabel="long-run η·S (S = ℓ''(0)·λ_max(JJᵀ))", xlim=(d.ratio[0], d.ratio[-1]), ylim=(0, ymax)
    )
    ax.set_title(f"Bifurcation diagram: {d.name}", fontsize="small")
    fig.legend(loc="outside lower center", ncol=1, frameon=False, handlelength=1.6, fontsize="x-small")
