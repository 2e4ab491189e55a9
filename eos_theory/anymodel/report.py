"""The report of ``eos-theory analyze``: a model file read, the analysis as JSON and as text.

Every number is given as an exact string that SymPy parses (``"-1 + sqrt(5)"``) with ``form``
``"exact"``, or as a decimal string with ``form`` ``"decimal"``, or null with the reason in ``how``.

Numbers from the numerical path are decimal strings with ``form`` ``"certified"`` (an interval enclosure
proved them: ``enclosure`` holds its ends) or ``"decimal"`` (two working precisions agree on the digits
given: ``digits`` says how many); ``path`` says which path decided the least sharpness.

>>> from eos_theory.anymodel.definition import spec
>>> from eos_theory.anymodel.analysis import analyze
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

from eos_theory.anymodel.analysis import Analysis
from eos_theory.anymodel.definition import Spec, loss_minimum, spec
from eos_theory.anymodel.estimate import Estimate
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
    try:
        return spec(
            data["params"], outputs, [str(t) for t in targets], data.get("loss", "r^2/2"), data.get("name", str(path))
        )
    except InputError as exc:  # a model that cannot be read says which file it is in
        raise InputError(f"{where}: {exc}") from None


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


MEANING = "η/η_c = 1 + coefficient·ρ² + O(ρ⁴), ρ = half the distance between the two points of the period-2 orbit"


def report(an: Analysis) -> dict:
    """The JSON object of ``analyze --json``."""
    out: dict[str, Any] = {
        "model": {
            "params": [str(p) for p in an.spec.params],
            "outputs": [sp.sstr(f) for f in an.spec.outputs],
            "targets": [sp.sstr(y) for y in an.spec.targets],
            "loss": sp.sstr(an.spec.loss),
        },
        "path": an.path,
    }
    out.update(_numeric_fields(an) if an.path == "numerical" else _exact_fields(an))
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
    for key, sim in (("gd", an.simulation), ("gd_float64", an.simulation_float)):
        if sim is not None:
            out[key] = {
                "status": sim.status,
                "steps": sim.steps,
                "mean_eta_sharpness": sim.mean_sharpness,
                "how": sim.how,
            }
    out["notes"] = list(an.notes)
    return out


def _over(an: Analysis) -> str:
    """Which minima the least sharpness is taken over, with the loss's minimum said as far as it is proved."""
    lm = loss_minimum(an.spec.loss)
    return f"over the zero-residual minima {an.spec.minima_set} ({lm.how})"


def _exact_fields(an: Analysis) -> dict:
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
    forms = {
        k: ("exact" if v else None)
        for k, v in (
            ("least_sharpness", m.value is not None),
            ("critical_lr", m.value is not None),
            ("flip", exact_flip is not None),
            ("offset_slope", exact_flip is not None and exact_flip.offset_slope is not None),
        )
    }
    out = _fields(
        least=_exact(m.value),
        lr=_exact(m.critical_lr),
        flip=(
            exact_flip.type if exact_flip is not None else None,
            _exact(exact_flip.coefficient) if exact_flip is not None else None,
            _exact(exact_flip.eta_coeffs.get(2)) if exact_flip is not None else None,
            fl.how if fl is not None else "not computed",
        ),
        window=(win, win_form, w),
        slope=_exact(exact_flip.offset_slope) if exact_flip is not None else None,
        forms=forms,
        decimal={
            "least_sharpness": _decimal(m.value),
            "critical_lr": _decimal(m.critical_lr),
            "period_two_window": None
            if win is None or win_form is None
            else [
                None if e is None else (e if f == "decimal" else _decimal(sp.sympify(e))) for e, f in zip(win, win_form)
            ],
            "offset_slope": _decimal(exact_flip.offset_slope) if exact_flip is not None else None,
        },
        how={
            "least_sharpness": f"{m.how}; {_over(an)}" if exact_min else m.how,
            "critical_lr": "exact: 2 / least sharpness" if exact_min else m.how,
            "flip": fl.how if fl is not None else None,
            "period_two_window": window_how,
            "offset_slope": (exact_flip.how + "; slope of the cycle-mean of η·S, S = l''(0)·|∇f|² (the NTK sharpness)")
            if exact_flip is not None
            else None,
        },
        minimum={
            "point": [sp.sstr(c) for c in m.point] if m.point else None,
            "top_eigenvector": [sp.sstr(c) for c in m.direction] if m.direction else None,
            "least_sharp_minima_found": m.count,
            "on_a_family": m.family,
        },
    )
    if w is not None and w.status == "exact":
        out["window_multipliers"] = [sp.sstr(x) for x in w.multipliers]
        out["reduced_map"] = sp.sstr(w.reduced_map)
    return out


def _text(e: Estimate | None) -> str | None:
    return None if e is None else e.text


def _numeric_fields(an: Analysis) -> dict:
    """The same keys for the numerical path: decimal strings, each with its form, digits and enclosure."""
    nm, nf, w = an.numeric, an.numeric_flip, an.window
    assert nm is not None  # path "numerical"
    values = {
        "least_sharpness": nm.value,
        "critical_lr": nm.critical_lr,
        "flip": nf.coefficient if nf is not None else None,
        "offset_slope": nf.offset_slope if nf is not None else None,
    }
    win: list[str | None] | None = None
    win_form: list[str | None] | None = None
    window_how = w.how if w is not None else "not computed"
    if nm.critical_lr is not None and nf is not None and nf.type == "supercritical":
        if w is not None and w.status == "decimal":
            win, win_form = [nm.critical_lr.text, w.upper], [nm.critical_lr.form, "decimal"]
        elif w is not None and w.status != "empty":
            win, win_form = [nm.critical_lr.text, None], [nm.critical_lr.form, None]
            window_how = f"lower end η_c; upper end unknown: {window_how}"
    if w is not None and w.status == "empty":
        window_how += "; the orbit born at η_c does not attract: empty window"
    search = nm.search
    minimum_how = "; ".join(filter(None, (nm.how, _over(an), nm.local_minimum, nm.global_note))) if nm.found else nm.how
    return _fields(
        least=_text(nm.value),
        lr=_text(nm.critical_lr),
        flip=(
            nf.type if nf is not None else None,
            _text(nf.coefficient) if nf is not None else None,
            _text(nf.eta_2) if nf is not None else None,
            nf.how if nf is not None else "not computed",
        ),
        window=(win, win_form, w),
        slope=_text(values["offset_slope"]),
        forms={k: (v.form if v is not None else None) for k, v in values.items()},
        decimal={
            "least_sharpness": _text(nm.value),
            "critical_lr": _text(nm.critical_lr),
            "period_two_window": win,
            "offset_slope": _text(values["offset_slope"]),
        },
        how={
            "least_sharpness": minimum_how,
            "critical_lr": nm.critical_lr.how if nm.critical_lr is not None else nm.how,
            "flip": nf.how if nf is not None else None,
            "period_two_window": window_how,
            "offset_slope": (nf.offset_slope.how + "; slope of the cycle mean of η·S, S = l''(0)·λ_max(JJᵀ)")
            if nf is not None and nf.offset_slope is not None
            else None,
        },
        minimum={
            "point": list(nm.point) or None,
            "top_eigenvector": list(nm.direction) or None,
            "least_sharp_minima_found": search.reached() if search is not None else 0,
            "on_a_family": nm.continuum > 0,
            "status": nm.status,
            "top_eigenvalue_multiplicity": nm.multiplicity,
            "continuum_dimension": nm.continuum,
            "rotation_symmetries": [r.describe([str(p) for p in an.spec.params]) for r in nm.rotations],
            "local_minimum": nm.local_minimum or None,
            "search": None
            if search is None
            else {
                "starts": search.starts,
                "box": [-search.radius, search.radius],
                "seed": search.seed,
                "reached_the_minima": search.on_minima,
                "values": [[f"{v:.12g}", c] for v, c in search.values()[:8]],
            },
        },
        digits={k: (v.digits if v is not None else None) for k, v in values.items()},
        enclosure={k: list(v.enclosure) for k, v in values.items() if v is not None and v.enclosure is not None},
    )


def _fields(*, least, lr, flip, window, slope, forms, decimal, how, minimum, digits=None, enclosure=None) -> dict:
    """The report's fields in their order, from either path (``flip`` = (type, coefficient, η₂, how); ``window`` =
    (ends, their forms, the Window))."""
    kind, coefficient, eta_2, flip_how = flip
    ends, end_forms, w = window
    out: dict[str, Any] = {
        "least_sharpness": least,
        "critical_lr": lr,
        "flip": {"type": kind, "coefficient": coefficient, "eta_2": eta_2, "meaning": MEANING, "how": flip_how},
        "period_two_window": ends,
        "offset_slope": slope,
        "form": {**forms, "period_two_window": end_forms},
        "decimal": decimal,
    }
    if digits is not None:
        out["digits"] = digits
        out["enclosure"] = enclosure or {}
    out["how"] = how
    out["minimum"] = minimum
    if w is not None and w.enclosure is not None:
        out["period_two_window_upper_enclosure"] = list(w.enclosure)
    return out


def _signed(value: str) -> str:
    """'+ c' or '− c' for an exact or decimal string c (so that 1 + -4·ρ² reads 1 − 4·ρ²)."""
    if value.startswith("-"):
        return f"− {value[1:]}"
    v = sp.sympify(value.rstrip("…"))
    return f"− {sp.sstr(-v)}" if v.could_extract_minus_sign() else f"+ {value}"


def _shown(rep: dict, key: str, value: str | None = None) -> str:
    """A number as the text report shows it: exact with its decimal, or the decimal with its kind of evidence."""
    value = rep[key] if value is None else value
    form = rep["form"].get(key)
    if form == "exact":
        return f"{value}  (≈ {rep['decimal'][key]})" if rep["decimal"].get(key) not in (None, value) else str(value)
    digits = (rep.get("digits") or {}).get(key)
    short = _short_decimal(value, 21)
    if form == "certified":
        return f"{short}  (certified, {digits} digits: interval enclosure)" if digits else f"{short}  (certified)"
    return f"{short}  (numerical, {digits} digits: see how)" if digits else short


def _evidence(rep: dict, key: str) -> str:
    """'[certified, 30 digits]': how a number of the numerical path was obtained, for the end of its line."""
    digits = (rep.get("digits") or {}).get(key)
    return f"[{rep['form'].get(key)}" + (f", {digits} digits]" if digits else "]")


def _short_decimal(value: str, digits: int) -> str:
    """A long decimal cut to about ``digits`` significant digits, with an ellipsis when cut."""
    mantissa, _, exponent = value.partition("e")
    significant = sum(ch.isdigit() for ch in mantissa.lstrip("-0."))
    if significant <= digits:
        return value
    keep, count = [], 0
    for ch in mantissa:
        keep.append(ch)
        if ch.isdigit() and (count or ch != "0"):
            count += 1
        if count >= digits and "." in "".join(keep):
            break
    return "".join(keep) + "…" + (f"e{exponent}" if exponent else "")


def text(an: Analysis) -> str:
    """The report as readable lines: everything :func:`report` has (the JSON), nothing hidden."""
    rep = report(an)
    d, mn = rep["decimal"], rep["minimum"]
    lines = [f"model: {an.spec.describe()}"]
    if an.path == "numerical":
        lines.append(
            f"  path: numerical (not on the exact path: {an.minimum.how.removeprefix('not on the exact path: ')})"
        )
    if rep["least_sharpness"] is None:
        lines.append(f"  least sharpness: inconclusive — {rep['how']['least_sharpness']}")
    else:
        point = mn["point"]
        at = f" at θ* = ({', '.join(_short_decimal(c, 12) for c in point)})" if point else ""
        lines.append(f"  least sharpness over the zero-residual minima = {_shown(rep, 'least_sharpness')}{at}")
        family = ", on a family of least-sharp minima" if mn["on_a_family"] else ""
        vector = (
            f"top eigenvector ∇f(θ*) = ({', '.join(_short_decimal(c, 12) for c in mn['top_eigenvector'])}); "
            if mn["top_eigenvector"]
            else ""
        )
        lines.append(f"    {vector}least-sharp minima found: {mn['least_sharp_minima_found']}{family}")
        if mn.get("top_eigenvalue_multiplicity", 1) > 1:
            lines.append(
                f"    degenerate: the top NTK eigenvalue has multiplicity {mn['top_eigenvalue_multiplicity']} at θ*"
            )
        if mn.get("continuum_dimension"):
            syms = mn.get("rotation_symmetries") or []
            lines.append(
                f"    a {mn['continuum_dimension']}-dimensional continuum of least-sharp critical points through θ*"
                + (f"; rotation symmetries: {'; '.join(syms)}" if syms else "")
            )
        if mn.get("local_minimum"):
            lines.append(f"    {mn['local_minimum']}")
        lines.append(f"  critical step η_c = {_shown(rep, 'critical_lr')}")
    fl = rep["flip"]
    exact_flip = rep["form"].get("flip") == "exact"
    if fl["type"]:
        k = fl["coefficient"] if exact_flip else _short_decimal(fl["coefficient"], 16)
        e2 = fl["eta_2"] if exact_flip or fl["eta_2"] is None else _short_decimal(fl["eta_2"], 16)
        lines.append(
            f"  flip at η_c: {fl['type']}, η/η_c = 1 {_signed(k)}·ρ² + …"
            + (f", i.e. η = η_c {_signed(e2)}·ρ² + …" if e2 is not None else "")
            + ("" if exact_flip else f"  {_evidence(rep, 'flip')}")
        )
        lines.append(f"    ({fl['meaning']})")
    elif rep["least_sharpness"] is not None:
        lines.append(f"  flip at η_c: inconclusive — {fl['how']}")
    win = rep["period_two_window"]
    if win:
        forms = rep["form"]["period_two_window"]
        lo = win[0] if forms[0] == "exact" else _short_decimal(win[0], 14)
        hi = (
            "unknown"
            if win[1] is None
            else win[1]
            if forms[1] == "decimal"
            else f"{win[1]} (≈ {d['period_two_window'][1]})"
        )
        ends = "" if forms == ["exact", "exact"] else f"  [ends: {forms[0]}, {forms[1] or 'unknown'}]"
        lines.append(f"  period-2 orbit attracts for η in ({lo}, {hi}){ends}")
        if "period_two_window_upper_enclosure" in rep:
            elo, eup = rep["period_two_window_upper_enclosure"]
            lines.append(f"    its upper end lies in [{elo}, {eup}] (interval arithmetic)")
    elif an.window is not None and (an.window.interval == sp.EmptySet or an.window.status == "empty"):
        lines.append("  period-2 window: empty — the orbit born at η_c does not attract (see how)")
    elif rep["least_sharpness"] is not None:
        lines.append("  period-2 window: not determined (see how)")
    if "window_multipliers" in rep:
        lines.append(f"    two-step multipliers on the orbit: {', '.join(rep['window_multipliers'])}")
        lines.append(f"    reduced map: {rep['reduced_map']}")
    if rep["offset_slope"] is not None:
        exact_slope = rep["form"].get("offset_slope") == "exact"
        slope = rep["offset_slope"] if exact_slope else _short_decimal(rep["offset_slope"], 16)
        lines.append(
            f"  EOS offset: mean η·S over the cycle = 2 {_signed(slope)}·(η/η_c − 1) + …  "
            + (f"(≈ {d['offset_slope']})" if exact_slope else _evidence(rep, "offset_slope"))
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
    for key, label in (("gd", "mpmath"), ("gd_float64", "float64")):
        if key in rep:
            g = rep[key]
            if g["status"] == "not run":
                lines.append(f"  GD at the given step ({label}): not run — {g['how']}")
            else:
                extra = f", mean η·S = {g['mean_eta_sharpness']}" if g["mean_eta_sharpness"] else ""
                lines.append(
                    f"  GD at the given step ({label}): {g['status']} after {g['steps']} steps{extra} ({g['how']})"
                )
    if rep.get("enclosure"):
        for key, (elo, eup) in rep["enclosure"].items():
            lines.append(f"  enclosure of {key}: [{elo}, {eup}] (interval arithmetic)")
    if rep["minimum"].get("search"):
        sr = rep["minimum"]["search"]
        values = ", ".join(f"{v} ({c})" for v, c in sr["values"])
        lines.append(
            f"  search: {sr['starts']} starts in [{sr['box'][0]:g}, {sr['box'][1]:g}]^P, seed {sr['seed']}, "
            f"{sr['reached_the_minima']} reached the minima; λ_max values found (starts): {values}"
        )
    lines.append("  how:")
    lines += [f"    {k}: {v}" for k, v in rep["how"].items() if v]
    lines += [f"  note: {n}" for n in rep["notes"]]
    return "\n".join(lines)
