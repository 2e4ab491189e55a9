"""A property of the whole command line: whatever the arguments, every command ends in bounded time and memory
with exit status 0, 1 or 2, and never with a traceback (issue 15, "a mechanism, not only fixes").

Hypothesis draws argument vectors for every command: numbers at the extremes of float and of exact parsing
(1e1000, 1e-1001, a thousand digits, nan, inf, 1/0, −0), empty and odd strings (a NUL, unicode, a lone
dash, an expression that looks like an option), paths to a FIFO, a device, a directory, a missing file,
malformed model files and a directory of awkward certificates (a FIFO, a link to /dev/zero, a directory, bad bytes,
deep nesting), among ordinary values.  Each vector runs in a forked child (:func:`clitools.bounded`:
a few milliseconds to start) limited to 8 s of wall time and 400 MB of memory; the work-heavy commands get a
small budget (``--budget 2``, ``--timeout 1``, ``--no-attractor``) so that a vector that happens to be valid
stays quick, while every value the vector draws still goes through the command's own checks.
"""

from __future__ import annotations

import os

import pytest
from clitools import bounded
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import eos_theory.anymodel.analysis
import eos_theory.anymodel.report
import eos_theory.outputs.latex
import eos_theory.outputs.plots
import eos_theory.past_window.atlas
import eos_theory.past_window.attractor
import eos_theory.past_window.cascade
import eos_theory.random_models.ensemble  # noqa: F401 (imported here once, so that each forked child has them)
from eos_theory.testing import examples

SECONDS, MEGABYTES = 8, 400  #: per call; the reproducers' bound is 10 s and 500 MB

#: numbers at the extremes of float and of exact parsing, and near-numbers
NUMBERS = [
    "0", "-0", "1", "-1", "1/2", "21/20", "0.1", "1e-300", "1e300", "1e308", "1e309", "1e-400", "1e1000",
    "-1e1000", "1e-1000", "1e1001", "1e-1001", "9" * 1000, "9" * 1001, "1/" + "7" * 999, "nan", "inf", "-inf",
    "1/0", "0/0", "1e", "e5", "0x10", "1_000", "1.2.3", "--1", "+1", " 1 ", "", " ", "½", "1e99999999999",
]  # fmt: skip
#: strings that are not numbers, names or paths anyone meant
ODD = ["", " ", "-", "--", "\x00", "é", "𝜃", "a" * 500, "-r**2", "--help=x", "'", "$(id)", "%s%n", "\\", "\n"]
#: model expressions, hostile and ordinary
EXPRESSIONS = [
    "u*v", "u^2 + v^2", "9**9**9", "u**99999999", "u**(10**10)", "2**2**2**2**2", "sqrt(-u^2-1)*v", "log(-u^2)",
    "u/0", "(u+v)^13", "exp(u)^13", "u**v", "u.__class__", "__import__('os')", "lambda: u", "u if v else u",
    "sin(u)*cos(v)", "((((((((((u))))))))))", "(" * 150 + "u" + ")" * 150, "u" * 401, "Integer*v", "1e5*u",
    "atan(u*v) + 1/3", "u,v", "-u*v", "r", "eta*u",
]  # fmt: skip
CLAIMS = ["gf-J", "gf-z", "no-such-claim", "", "eos2d-control-parameter"]


@pytest.fixture(scope="module")
def paths(tmp_path_factory):
    """Paths of every awkward kind: a FIFO, devices, a directory, a missing file, model files good and bad."""
    d = tmp_path_factory.mktemp("fuzz")
    os.mkfifo(d / "fifo")
    (d / "good.toml").write_text('params = ["u", "v"]\noutput = "u*v"\ntarget = 1\n')
    (d / "binary.toml").write_bytes(b"\xff\xfe\x00params")
    (d / "deep.toml").write_text("params = " + "[" * 3000 + "]" * 3000)
    (d / "floats.toml").write_text('params = ["u"]\noutput = "u"\ntarget = 0.1\n')
    (d / "types.toml").write_text('params = [1, 2]\noutput = ["u"]\ntarget = {a = 1}\nloss = 3\n')
    (d / "big.toml").write_text('params = ["u"]\noutput = "u"\ntarget = 1\n' + "#" * 70_000)
    (d / "hostile.toml").write_text('params = ["u", "v"]\noutput = "9**9**9"\ntarget = 1\n')
    (d / "out").mkdir()
    certs = d / "certs"  # for check DIR: certificates of every awkward kind
    certs.mkdir()
    os.mkfifo(certs / "fifo.json")
    (certs / "zero.json").symlink_to("/dev/zero")
    (certs / "dir.json").mkdir()
    (certs / "binary.json").write_bytes(b"\xff\xfe{")
    (certs / "deep.json").write_text("[" * 5000 + "]" * 5000)
    (certs / "shape.json").write_text('{"format": "eos-theory certificate 1", "claim": 1, "steps": [{}]}')
    named = ["fifo", "good.toml", "binary.toml", "deep.toml", "floats.toml", "types.toml", "big.toml", "hostile.toml"]
    return [str(d / n) for n in named] + [
        "/dev/zero",
        "/dev/null",
        str(d / "out"),
        str(d / "missing"),
        "/",
        "",
        str(certs),
    ]


def anything(paths) -> st.SearchStrategy[str]:
    return st.sampled_from(NUMBERS + ODD + EXPRESSIONS + CLAIMS + paths)


def option(flag: str, values: st.SearchStrategy, n: int = 1) -> st.SearchStrategy[list[str]]:
    return st.lists(values, min_size=n, max_size=n).map(lambda vs: [flag, *vs])


def vectors(command: str, paths) -> st.SearchStrategy[list[str]]:
    """Argument vectors for ``command``: its options with ordinary or extreme values, in any order, some left
    out, plus now and then a value of any kind anywhere."""
    num, any_ = st.sampled_from(NUMBERS), anything(paths)
    small = st.sampled_from(["1", "2", "3", "0", "-1", "x", "", "1e3", "99999999999"])
    model = st.sampled_from(paths)
    options = {
        "verify": [
            option("--claim", st.sampled_from(CLAIMS)),
            option("--json", model),
            option("-j", small),
            option("--timeout", num),
            st.just(["--quiet"]),
        ],
        "gd": [
            option("--omega", num, 2),
            option("--theta", num, 2),
            option("--target", num),
            option("--lr", num),
            option("--steps", small),
            option("--digits", small),
            option("--precision", small),
            option("--Q", st.sampled_from(["1 0; 0 -1", "1 2; 3 4", "", ";", "1e1000 0; 0 1", "x"])),
            st.just(["--json"]),
        ],
        "orbit": [
            option("--omega", num, 2),
            option("--target", num),
            option("--lr", num),
            option("--digits", small),
            option("--seed", small),
            st.just(["--json"]),
        ],
        "cascade": [
            option("--levels", st.sampled_from(["3", "0", "13", "-1", "x", "1e3"])),
            option("--digits", small),
            st.just(["--json"]),
        ],
        "atlas": [
            option("--grid", small, 2),
            option("--epsilon-range", num, 2),
            option("--r-range", num, 2),
            option("--steps", st.sampled_from(["384", "0", "-5", "10000000", "x"])),
            option("--starts", small),
            option("-o", model),
            option("--format", st.sampled_from(["png", "pdf", "gif", ""])),
            option("-j", small),
            option("--scheduler", st.sampled_from(["", " ", "nonsense"])),
        ],
        "analyze": [
            option("--params", st.sampled_from(["u", "v", "r", "Integer", "lambda", "", "-u", "u1"]), 2),
            option("--output", st.sampled_from(EXPRESSIONS)),
            option("--target", num),
            option(
                "--loss",
                st.sampled_from(
                    ["r^2/2", "-r**2", "log(cosh(r))", "r^3", "9**9**9", "r^2-r^4", "sin(r)^2", "", "r**99999999"]
                ),
            ),
            option("--lr", num),
            option("--model", model),
            option("--json", model),
        ],
        "ensemble": [
            option("--n-params", small),
            option("--n-outputs", small),
            option("--lr", num),
            option("--seeds", small),
            option("--steps", st.sampled_from(["8", "0", "1000000", "x"])),
            option("--seed", small),
            option("-o", model),
            option("-j", small),
            option("--q", num),
        ],
        "check": [st.sampled_from(paths).map(lambda p: [p]), option("--json", model), st.just(["-q"])],
        "latex": [option("--claim", st.sampled_from(CLAIMS)), option("--model", model), option("-o", model)],
        "plot": [
            option("--model", st.sampled_from([p for p in paths if not p.endswith("good.toml")])),
            option("-o", model),
            option("--format", st.sampled_from(["png", "x"])),
        ],  # a valid model draws 5 s
    }[command]
    #: what keeps a valid vector quick, put first, each unless drawn (an option given twice is refused)
    quick = {
        "verify": [["--claim", "gf-J"], ["-j", "1"]],
        "gd": [["--timeout", "1"]],
        "orbit": [["--no-attractor"]],
        "cascade": [["--levels", "3"]],
        "atlas": [["--budget", "2"], ["-j", "1"]],
        "analyze": [["--timeout", "0.5"], ["--no-check"], ["--degree", "0"]],
        "ensemble": [["--budget", "2"], ["-j", "1"]],
        "check": [],
        "latex": [],
        "plot": [],
    }[command]
    chosen = st.lists(st.sampled_from(range(len(options))), unique=True, max_size=len(options)).flatmap(
        lambda picks: st.tuples(*(options[i] for i in picks)) if picks else st.just(())
    )
    stray = st.lists(any_, max_size=1)

    def vector(t) -> list[str]:
        drawn = [a for opt in t[0] for a in opt]
        return [a for q in quick if q[0] not in drawn for a in q] + drawn + t[1]

    return st.tuples(chosen, stray).map(vector)


#: examples per command (more where the inputs are many and a call is quick; the whole test takes a few seconds)
EXAMPLES = {
    "verify": 2,
    "gd": 4,
    "orbit": 4,
    "cascade": 2,
    "atlas": 4,
    "analyze": 6,
    "ensemble": 4,
    "check": 3,
    "latex": 3,
    "plot": 3,
}


@pytest.mark.parametrize("command", list(EXAMPLES))
def test_every_command_ends_bounded_with_a_status_and_no_traceback(command, paths, tmp_path_factory, monkeypatch):
    where = tmp_path_factory.mktemp(command)
    monkeypatch.chdir(where)  # a drawn relative --json or -o (--json 𝜃) is written here, not in the repository

    @settings(max_examples=examples(EXAMPLES[command]), suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(argv=vectors(command, paths))
    def run(argv):
        if command == "check" and paths[-1] not in argv:
            argv = [*argv, paths[-1]]  # the directory of awkward certificates (with a drawn DIR: two, a usage error)
        if command in ("latex", "plot") and not {"--claim", "--model"} & set(argv):
            argv = [*argv, "--claim", "gf-J"] if command == "latex" else [*argv, "--model", paths[0]]
        if command in ("atlas", "plot") and "-o" not in argv:
            argv = [*argv, "-o", str(where)]
        res = bounded(command, *argv, seconds=SECONDS, megabytes=MEGABYTES)
        shown = f"eos-theory {command} {argv!r}: exit {res.code} after {res.seconds:.1f} s\n{res.err[-1500:]}"
        assert res.code in (0, 1, 2), shown  # −9: killed at the time limit; 99: an exception escaped main
        assert "Traceback" not in res.err and "internal error" not in res.err, shown
        if res.code == 2:
            errors = [line for line in res.err.splitlines() if line.startswith("eos-theory")]
            assert errors and "error" in errors[-1], shown

    run()
