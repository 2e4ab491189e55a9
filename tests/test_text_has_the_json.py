"""Everything a command's JSON has is in its text report (issue 18): run once with ``--json FILE``, which writes
the JSON and prints the text, and find every value of the one in the other.

Strings must appear verbatim (rich wraps long lines, so whitespace is compared collapsed), numbers as printed to
at least 3 significant digits or as a percentage (0.95 as 95 %); booleans and nulls are words the text chooses.
verify's "evidence" is its steps' records joined with "; ", so each part must appear.  The atlas's figure is
not drawn (test_atlas.py draws it): only its path is reported.
"""

import json
import re

import pytest
from clitools import run

NUMBER = re.compile(r"\d+(?:\.\d+)?(?:e[-+]?\d+)?")

COMMANDS = {
    "orbit": ["orbit", "--omega", "-1", "1", "--target", "1", "--lr", "1.25", "--check", "--digits", "12"],
    "cascade": ["cascade", "--levels", "4", "--digits", "12"],
    "gd": ["gd", "--omega", "-1", "1", "--theta", "1", "1", "--target", "1", "--lr", "1/4", "--steps", "3"],
    "atlas": ["atlas", "--grid", "3", "2", "--steps", "400", "-j", "1"],
    "ensemble": ["ensemble", "--n-params", "10", "--n-outputs", "2", "--lr", "0.9", "--seeds", "4", "--steps", "200"],
    "analyze": ["analyze", "--params", "u", "v", "--output", "u*v", "--target", "1", "--lr", "1.1"],
    "verify": ["verify", "--claim", "gf-theta", "--claim", "gf-z", "-v", "-j", "1"],
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
    out = []
    for path, v in leaves(data):
        if v is None or isinstance(v, bool):
            continue
        if isinstance(v, str):
            parts = re.split(r"; | verified: ", v) if path.endswith(".evidence") else [v]
            if any(" ".join(p.split()) not in flat for p in parts):
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
    code, out, err = run(capsys, *COMMANDS[command], "--json", "report.json")
    assert code == 0, err
    data = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert missing(data, out) == []
