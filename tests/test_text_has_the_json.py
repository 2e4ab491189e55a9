"""Everything a command's JSON has is in its text report (issue 18): run once with ``--json FILE``, which writes
the JSON and prints the text, and find every value of the one in the other.

Strings must appear verbatim (rich wraps long lines, so whitespace is compared collapsed), numbers as printed to
at least 3 significant digits or as a percentage (0.95 as 95 %); a long decimal string may be cut, with an ellipsis,
after at least 12 significant digits (analyze's numerical path shows 0.828427124746190097603… of the 40 digits its
JSON has); booleans and nulls are words the text chooses.
verify's "evidence" is its steps' records joined with "; ", so each part must appear.  The atlas's and the
ensemble's figures are not drawn (test_atlas.py and test_ensemble.py draw them): only their paths are reported.
"""

import json
import re

import pytest
from clitools import run

NUMBER = re.compile(r"\d+(?:\.\d+)?(?:e[-+]?\d+)?")
DECIMAL = re.compile(r"-?\d+\.\d+")
CUT = re.compile(r"-?\d+\.\d+(?=…)")  #: a decimal the text cut short, marked by an ellipsis


def _cut_from(value: str, cuts: list[str]) -> bool:
    """``value``, a decimal string, is shown cut to at least 12 significant digits and marked as cut."""
    return any(value.startswith(c) and sum(ch.isdigit() for ch in c.lstrip("-0.")) >= 12 for c in cuts)


COMMANDS = {
    "orbit": ["orbit", "--omega", "-1", "1", "--target", "1", "--lr", "1.25", "--check", "--digits", "12"],
    "cascade": ["cascade", "--levels", "4", "--digits", "12"],
    "gd": ["gd", "--omega", "-1", "1", "--theta", "1", "1", "--target", "1", "--lr", "1/4", "--steps", "3"],
    "atlas": ["atlas", "--grid", "3", "2", "--steps", "400", "-j", "1"],
    "ensemble": ["ensemble", "--n-params", "10", "--n-outputs", "2", "--lr", "0.9", "--seeds", "4", "--steps", "200"],
    "analyze": ["analyze", "--params", "u", "v", "--output", "u*v", "--target", "1", "--lr", "1.1"],
    "analyze-numerical": ["analyze", "--params", "v", "w", "--output", "v*tanh(w)", "--target", "1", "--lr", "2.5"],
    "orbit-settles": ["orbit", "--omega", "-1", "1", "--target", "1", "--lr", "1.1", "--no-attractor", "--check"],
    "atlas-starts": ["atlas", "--grid", "2", "2", "--steps", "400", "-j", "1", "--starts", "2", "--seed", "1"],
    "ensemble-figure": [
        "ensemble",
        "--n-params",
        "5",
        "--n-outputs",
        "1",
        "--lr",
        "0.9",
        "--seeds",
        "2",
        "-o",
        "f.png",
    ],
    "verify": ["verify", "--claim", "gf-theta", "--claim", "gf-z", "-v", "-j", "1"],
    "verify-list": ["verify", "--list", "-v"],
}


def leaves(value, path=""):
    if isinstance(value, dict):
        for k, v in value.items():
            yield from leaves(v, f"{path}.{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from leaves(v, f"{path}[{i}]")
    else:
        yield path, value


def missing(data: dict, text: str) -> list[tuple[str, object]]:
    flat = " ".join(text.split())
    numbers = [float(x) for x in NUMBER.findall(flat)]
    cuts = CUT.findall(flat)
    out = []
    for path, v in leaves(data):
        if v is None or isinstance(v, bool):
            continue
        if isinstance(v, str):
            parts = re.split(r"; | verified: ", v) if path.endswith(".evidence") else [v]
            if any(" ".join(p.split()) not in flat for p in parts) and not (
                DECIMAL.fullmatch(v) and _cut_from(v, cuts)
            ):
                out.append((path, v))
            continue
        a = abs(float(v))
        if not any(abs(n - a) <= 5e-3 * a or abs(n - 100 * a) <= 5e-3 * 100 * a for n in numbers):
            out.append((path, v))
    return out


def test_check_shows_everything_its_json_has(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert (
        run(capsys, "verify", "--claim", "gf-z", "--claim", "gf-J", "-j", "1", "-q", "--certificates", "certs")[0] == 0
    )
    code, out, err = run(capsys, "check", "certs", "--json", "report.json")
    assert code == 0, err
    assert missing(json.loads((tmp_path / "report.json").read_text(encoding="utf-8")), out) == []


@pytest.mark.parametrize("command", COMMANDS)
def test_the_text_report_shows_everything_the_json_has(capsys, tmp_path, monkeypatch, command):
    from eos_theory.outputs import plots

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(plots, "draw_atlas", lambda result, path: None)
    monkeypatch.setattr(plots, "draw_ensemble", lambda result, path: None)
    code, out, err = run(capsys, *COMMANDS[command], "--json", "report.json")
    assert code == 0, err
    data = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert missing(data, out) == []
    # and --json - puts the same object, alone, on stdout (-v, for the text only, is refused with it)
    code, out, err = run(capsys, *[a for a in COMMANDS[command] if a != "-v"], "--json", "-")
    assert code == 0, err
    assert [p for p, _ in leaves(json.loads(out))] == [p for p, _ in leaves(data)]


def test_the_json_names_the_files_the_text_names(capsys, tmp_path, monkeypatch):
    """The converse for the files a command writes: ensemble's figure is in its JSON as in its text."""
    from eos_theory.outputs import plots

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(plots, "draw_ensemble", lambda result, path: None)
    code, out, err = run(capsys, *COMMANDS["ensemble-figure"], "--json", "report.json")
    data = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert code == 0 and "figure: f.png" in out and data["figure"] == "f.png", err
    code, out, err = run(capsys, *COMMANDS["ensemble"], "--json")
    assert code == 0 and json.loads(out)["figure"] is None, err
