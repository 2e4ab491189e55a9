"""The report of ``eos-theory analyze``: a model file read, the analysis as JSON and as text.

Every number is given as an exact string that SymPy parses (``"-1 + sqrt(5)"``) with ``form``
``"exact"``, or as a decimal string with ``form`` ``"decimal"``, or null with the reason in ``how``.

>>> from eos_theory.anymodel.definition import spec
>>> from eos_theory.anymodel.flip import analyze
>>> rep = report(analyze(spec(["u", "v"], ["u*v"], [1])))
>>> rep["least_sharpness"], rep["critical_lr"], rep["flip"]["type"], rep["period_two_window"], rep["offset_slope"]
('2', '1', 'supercritical', ['1', '-1 + sqrt(5)'], '1')
"""

from __future__ import annotations

import os
import stat
import tomllib
from typing import Any

import sympy as sp

from eos_theory.anymodel.definition import Spec, spec
from eos_theory.anymodel.flip import Analysis
from eos_theory.numbers.decimals import Uncertified, decimal_string
from eos_theory.numbers.parse import InputError, show_value

__all__ = ["MAX_MODEL_BYTES", "MODEL_KEYS", "load_model_file", "report", "text"]

#: keys of a TOML model file (``--model FILE``)
MODEL_KEYS = {
    "params": 'list of parameter names, e.g. ["u", "v"]',
    "outputs": "list of output expressions, one per data point, e.g. [\"u*v\"] (or 'output' for one)",
    "targets": "list of targets, one per output (numbers or exact strings such as \"21/20\"; or 'target')",
    "loss": 'loss of the residual r, e.g. "log(cosh(r))" (default "r^2/2")',
    "name": "a name for the model (optional)",
}


MAX_MODEL_BYTES = 64 * 1024  #: the largest model file read (a model is a few lines)


def load_model_file(path: str) -> Spec:
    """A :class:`~eos_theory.anymodel.definition.Spec` from a TOML file with the keys in :data:`MODEL_KEYS`.

    Only a regular file of at most :data:`MAX_MODEL_BYTES` bytes of UTF-8 is read (a FIFO, a device or a
    directory is refused before it is opened for reading, so nothing blocks or reads without end), and
    every key must have its type; any other file gives one :class:`InputError` line.
    """
    where = f"--model {path}"
    data = _read_toml(str(path), where)
    unknown = set(data) - set(MODEL_KEYS) - {"output", "target"}
    if unknown:
        raise InputError(
            f"{where}: unknown key(s) {', '.join(sorted(unknown))} (known: {', '.join(MODEL_KEYS)}, output, target)"
        )
    outputs = data.get("outputs", [data["output"]] if "output" in data else None)
    targets = data.get("targets", [data["target"]] if "target" in data else None)
    if "params" not in data or outputs is None or targets is None:
        raise InputError(f"{where}: needs params, outputs (or output) and targets (or target)")
    for key, value, kinds in (("params", data["params"], str), ("outputs", outputs, str), ("targets", targets, None)):
        if not isinstance(value, list):
            raise InputError(f"{where}: {key} must be a list")
        for item in value:
            if isinstance(item, float):
                _no_float(item, path)
            if not isinstance(item, kinds or (int, str)) or isinstance(item, bool):
                what = "strings" if kinds else "numbers or strings"
                raise InputError(f"{where}: {key} must be a list of {what}, got {show_value(item)}")
    for key in ("loss", "name"):
        if key in data and not isinstance(data[key], str):
            raise InputError(f"{where}: {key} must be a string, got {show_value(data[key])}")
    return spec(
        data["params"], outputs, [str(t) for t in targets], data.get("loss", "r^2/2"), data.get("name", str(path))
    )


def _read_toml(path: str, where: str) -> dict:
    """The TOML table in the regular file at ``path``, or InputError (one line)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)  # a FIFO opens at once instead of waiting for a writer
    except OSError as exc:
        raise InputError(f"{where}: {exc.strerror or exc}") from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise InputError(f"{where}: not a regular file")
        with os.fdopen(fd, "rb", closefd=False) as fh:
            raw = fh.read(MAX_MODEL_BYTES + 1)
    except OSError as exc:
        raise InputError(f"{where}: {exc.strerror or exc}") from None
    finally:
        os.close(fd)
    if len(raw) > MAX_MODEL_BYTES:
        raise InputError(f"{where}: larger than {MAX_MODEL_BYTES // 1024} KiB; a model file is a few lines")
    try:
        return tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise InputError(f"{where}: not UTF-8 text (byte {exc.start})") from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{where}: not valid TOML ({str(exc).splitlines()[0]})") from None
    except RecursionError:
        raise InputError(f"{where}: nested too deeply to be a model file") from None


def _no_float(value, path):
    raise InputError(f'--model {path}: target {value!r} is a binary float; write it as a string ("0.1") to be exact')


def _exact(value) -> str | None:
    return None if value is None else sp.sstr(value)


def _decimal(value, digits: int = 20) -> str | None:
    if value is None:
        return None
    try:
        return decimal_string(value, digits)
    except (Uncertified, InputError, TypeError, ValueError):
        return sp.sstr(sp.N(value, digits))


def report(an: Analysis) -> dict:
    """The JSON object of ``analyze --json``."""
    m, fl, w = an.minimum, an.flip, an.window
    exact_min = m.status == "exact"
    win: list[str | None] | None = None  # the window's ends, and their forms (set together)
    win_form: list[str | None] | None = None
    if w is not None and w.status == "exact" and w.interval is not None and w.interval != sp.EmptySet:
        win, win_form = [_exact(w.interval.start), _exact(w.interval.end)], ["exact", "exact"]
    elif w is not None and w.status == "decimal":
        win, win_form = [_exact(m.critical_lr), w.upper], ["exact", "decimal"]
    elif exact_min and w is not None and w.status != "empty":
        win = [_exact(m.critical_lr), None] if fl is not None and fl.type == "supercritical" else None
        win_form = None if win is None else ["exact", None]
    window_how = w.how if w is not None else "not computed"
    if w is not None and w.interval == sp.EmptySet:
        window_how += "; the orbit born at η_c does not attract: empty window"
    elif w is not None and w.status == "decimal":
        window_how = f"lower end η_c exact; {w.how}"
    elif w is not None and w.status != "exact" and win is not None:
        window_how = (
            f"lower end η_c exact (supercritical flip; its tangential attraction not decided); upper end "
            f"unknown: {w.how}"
        )
    exact_flip = fl if fl is not None and fl.status == "exact" else None
    out: dict[str, Any] = {
        "model": {
            "params": [str(p) for p in an.spec.params],
            "outputs": [sp.sstr(f) for f in an.spec.outputs],
            "targets": [sp.sstr(y) for y in an.spec.targets],
            "loss": sp.sstr(an.spec.loss),
        },
        "least_sharpness": _exact(m.value),
        "critical_lr": _exact(m.critical_lr),
        "flip": {
            "type": exact_flip.type if exact_flip is not None else None,
            "coefficient": _exact(exact_flip.coefficient) if exact_flip is not None else None,
            "eta_2": _exact(exact_flip.eta_coeffs.get(2)) if exact_flip is not None else None,
            "meaning": "eta/eta_c = 1 + coefficient*rho^2 + O(rho^4), rho = half the distance between the two "
            "points of the period-2 orbit",
            "how": fl.how if fl is not None else "not computed",
        },
        "period_two_window": win,
        "offset_slope": _exact(exact_flip.offset_slope) if exact_flip is not None else None,
        "form": {
            k: ("exact" if v else None)
            for k, v in (
                ("least_sharpness", m.value is not None),
                ("critical_lr", m.value is not None),
                ("flip", exact_flip is not None),
                ("offset_slope", exact_flip is not None and exact_flip.offset_slope is not None),
            )
        },
        "decimal": {
            "least_sharpness": _decimal(m.value),
            "critical_lr": _decimal(m.critical_lr),
            "period_two_window": None
            if win is None or win_form is None
            else [
                None if e is None else (e if f == "decimal" else _decimal(sp.sympify(e))) for e, f in zip(win, win_form)
            ],
            "offset_slope": _decimal(exact_flip.offset_slope) if exact_flip is not None else None,
        },
        "how": {
            "least_sharpness": m.how,
            "critical_lr": "exact: 2 / least sharpness" if exact_min else m.how,
            "flip": fl.how if fl is not None else None,
            "period_two_window": window_how,
            "offset_slope": (exact_flip.how + "; slope of the cycle-mean of η·S, S = l''(0)·|∇f|² (the NTK sharpness)")
            if exact_flip is not None
            else None,
        },
        "minimum": {
            "point": [sp.sstr(c) for c in m.point] if m.point else None,
            "top_eigenvector": [sp.sstr(c) for c in m.direction] if m.direction else None,
            "least_sharp_minima_found": m.count,
            "on_a_family": m.family,
        },
    }
    out["form"]["period_two_window"] = win_form
    if w is not None and w.enclosure is not None:
        out["period_two_window_upper_enclosure"] = list(w.enclosure)
    if w is not None and w.status == "exact":
        out["window_multipliers"] = [sp.sstr(x) for x in w.multipliers]
        out["reduced_map"] = sp.sstr(w.reduced_map)
    if an.check is not None:
        c = an.check
        out["check"] = {
            "dps": c.dps,
            "rho": c.rho,
            "coefficient_digits": c.kappa_digits,
            "offset_slope_digits": c.slope_digits,
            "expected_digits": c.expected_digits,
            "how": c.how,
        }
    if an.conserved is not None:
        out["conserved_quantities"] = {
            "degree": an.conserved.degree,
            "basis": [sp.sstr(q) for q in an.conserved.quantities],
            "how": an.conserved.how,
        }
    if an.invariants is not None:
        out["invariant_subspaces"] = [
            {"name": i.name, "reduced_map": None if i.reduced_map is None else [sp.sstr(e) for e in i.reduced_map]}
            for i in an.invariants.subspaces
        ]
    if an.simulation is not None:
        sim = an.simulation
        out["gd"] = {"status": sim.status, "steps": sim.steps, "mean_eta_sharpness": sim.mean_sharpness, "how": sim.how}
    out["notes"] = list(an.notes)
    return out


def _signed(value: str) -> str:
    """'+ c' or '− c' for an exact string c (so that 1 + -4·ρ² reads 1 − 4·ρ²)."""
    v = sp.sympify(value)
    return f"− {sp.sstr(-v)}" if v.could_extract_minus_sign() else f"+ {value}"


def text(an: Analysis) -> str:
    """The report as readable lines: everything :func:`report` has (the JSON), nothing hidden."""
    rep = report(an)
    d, mn = rep["decimal"], rep["minimum"]
    lines = [f"model: {an.spec.describe()}"]
    if rep["least_sharpness"] is None:
        lines.append(f"  least sharpness: inconclusive — {rep['how']['least_sharpness']}")
    else:
        lines.append(
            f"  least sharpness over the minima = {rep['least_sharpness']}  (≈ {d['least_sharpness']}) at θ* = "
            f"({', '.join(mn['point'])})"
        )
        family = ", on a family of least-sharp minima" if mn["on_a_family"] else ""
        vector = f"top eigenvector ∇f(θ*) = ({', '.join(mn['top_eigenvector'])}); " if mn["top_eigenvector"] else ""
        lines.append(f"    {vector}least-sharp minima found: {mn['least_sharp_minima_found']}{family}")
        lines.append(f"  critical step η_c = {rep['critical_lr']}  (≈ {d['critical_lr']})")
    fl = rep["flip"]
    if fl["type"]:
        lines.append(
            f"  flip at η_c: {fl['type']}, η/η_c = 1 {_signed(fl['coefficient'])}·ρ² + …, i.e. η = η_c "
            f"{_signed(fl['eta_2'])}·ρ² + …  (ρ = half the orbit's diameter)"
        )
    elif rep["least_sharpness"] is not None:
        lines.append(f"  flip at η_c: inconclusive — {fl['how']}")
    win = rep["period_two_window"]
    if win:
        hi = (
            "unknown"
            if win[1] is None
            else win[1]
            if rep["form"]["period_two_window"][1] == "decimal"
            else f"{win[1]} (≈ {d['period_two_window'][1]})"
        )
        lines.append(f"  period-2 orbit attracts for η in ({win[0]}, {hi})")
        if "period_two_window_upper_enclosure" in rep:
            lo, up = rep["period_two_window_upper_enclosure"]
            lines.append(f"    its upper end lies in [{lo}, {up}] (interval arithmetic)")
    elif an.window is not None and an.window.interval == sp.EmptySet:
        lines.append("  period-2 window: empty — the orbit born at η_c does not attract (see how)")
    elif rep["least_sharpness"] is not None:
        lines.append("  period-2 window: not determined (see how)")
    if "window_multipliers" in rep:
        lines.append(f"    two-step multipliers on the orbit: {', '.join(rep['window_multipliers'])}")
        lines.append(f"    reduced map: {rep['reduced_map']}")
    if rep["offset_slope"] is not None:
        lines.append(
            f"  EOS offset: mean η·S over the cycle = 2 {_signed(rep['offset_slope'])}·(η/η_c − 1) + …  "
            f"(≈ {d['offset_slope']})"
        )
    if "check" in rep:
        c = rep["check"]
        lines.append(
            f"  mpmath check ({c['dps']} digits, ρ = {c['rho']}): coefficient {c['coefficient_digits']} digits, "
            f"offset slope {c['offset_slope_digits']} digits agree (≈ {c['expected_digits']} expected): {c['how']}"
        )
    if "conserved_quantities" in rep:
        cq = rep["conserved_quantities"]
        lines.append(
            f"  conserved by gradient flow (degree ≤ {cq['degree']}): {', '.join(cq['basis']) or 'none'}  ({cq['how']})"
        )
    for sub in rep.get("invariant_subspaces", []):
        reduced = "; ".join(sub["reduced_map"]) if sub["reduced_map"] else "not reduced"
        lines.append(f"  GD maps the slice {sub['name']} into itself: {reduced}")
    if "gd" in rep:
        g = rep["gd"]
        if g["status"] == "not run":
            lines.append(f"  GD at the given step: not run — {g['how']}")
        else:
            extra = f", mean η·S = {g['mean_eta_sharpness']}" if g["mean_eta_sharpness"] else ""
            lines.append(f"  GD at the given step: {g['status']} after {g['steps']} steps{extra} ({g['how']})")
    lines.append("  how:")
    lines += [f"    {k}: {v}" for k, v in rep["how"].items() if v]
    lines += [f"  note: {n}" for n in rep["notes"]]
    return "\n".join(lines)
