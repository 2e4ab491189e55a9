"""Claims from anywhere: a researcher's claim files and directories (``--claims``), installed packages of claims
(entry-point group ``eos_theory.claims``), their labels in the table, the JSON and the LaTeX, and the one-line
errors of files that cannot be used."""

import json
import os
import sys
import textwrap
import time
from pathlib import Path

import pytest
from clitools import one_line_error, run

from eos_theory.core import loader, registry

TRUE_CLAIM = """
import sympy as sp
from eos_theory import Proof, claim

x, y = sp.symbols("x y")


@claim("mine-squares", statement="(x + y)² − (x − y)² = 4xy.", method="exact identity")
def squares(p: Proof) -> None:
    p.states(sp.Eq((x + y) ** 2 - (x - y) ** 2, 4 * x * y))
    p.equal("expand both sides", (x + y) ** 2 - (x - y) ** 2, 4 * x * y)
"""

FALSE_CLAIM = """
import sympy as sp
from eos_theory import Proof, Source, claim

x, y = sp.symbols("x y")


@claim(
    "mine-cubes",
    source=Source("Lemma 2", "(x + y)³ = x³ + y³"),
    statement="(x + y)³ = x³ + y³.",
    method="exact counterexample; the correction by an exact identity",
    expect="refuted",
)
def cubes(p: Proof) -> None:
    p.states(sp.Eq((x + y) ** 3, x**3 + y**3))
    p.differ("(x + y)³ = x³ + y³", (x + y) ** 3, x**3 + y**3)
    with p.corrected("(x + y)³ = x³ + 3x²y + 3xy² + y³"):
        p.equal("the binomial theorem", (x + y) ** 3, x**3 + 3 * x**2 * y + 3 * x * y**2 + y**3)
"""


@pytest.fixture
def clean(clean_registry):
    yield


def _folder(tmp_path, **files):
    d = tmp_path / "research"
    d.mkdir()
    for name, text in files.items():
        (d / name).write_text(textwrap.dedent(text), encoding="utf-8")
    return d


def test_verify_runs_your_claims_and_labels_them_as_yours(capsys, tmp_path, clean):
    d = _folder(tmp_path, mine_claims=TRUE_CLAIM, claims_more=FALSE_CLAIM, test_other="raise SystemExit")
    for f in list(d.iterdir()):  # files named as claim files load; the test module is not imported
        f.rename(f.with_suffix(".py"))
    code, out, err = run(
        capsys, "verify", "--claims", str(d), "--claim", "mine-squares", "--claim", "mine-cubes", "-j", "1", "--json"
    )
    assert code == 0, err
    data = json.loads(out)
    by_id = {c["id"]: c for c in data["claims"]}
    assert by_id["mine-squares"]["verdict"] == "verified" and by_id["mine-cubes"]["verdict"] == "refuted"
    assert by_id["mine-squares"]["source"] is None  # none given: labelled as yours alone
    assert by_id["mine-cubes"]["source"] == {"section": "Lemma 2", "quote": "(x + y)³ = x³ + y³"}
    for c in by_id.values():
        assert c["origin"]["author"] == "researcher" and c["origin"]["file"].startswith(str(d))
    assert by_id["mine-cubes"]["correction"]["statement"] == "(x + y)³ = x³ + 3x²y + 3xy² + y³"

    code, out, _err = run(capsys, "verify", "--claims", str(d), "--claim", "mine-cubes", "-j", "1")
    assert code == 0
    row = next(line for line in out.splitlines() if "mine-cubes" in line)
    assert "yours, Lemma 2" in row and "refuted" in row
    assert "and yours" in " ".join(out.split())


def test_verify_v_counts_in_words_that_agree(capsys, tmp_path, clean):
    """One step is "1 step replayed", a proof that raised before its first step has nothing for the kernel (not
    "kernel-checked"), and one claim not as recorded is "1 claim did not"."""
    empty = "\n\n@claim('mine-empty', statement='It holds.', method='m')\ndef empty(p: Proof) -> None:\n    raise KeyError(1)\n"
    d = _folder(tmp_path, **{"mine_claims.py": TRUE_CLAIM + empty})
    code, out, err = run(capsys, "verify", "--claims", str(d), "--claim", "mine-squares", "--claim", "mine-empty", "-v")
    assert code == 1
    assert (
        "  kernel: kernel-checked, 1 step replayed\n" in out and "  kernel: nothing to replay (no step recorded)" in out
    )
    line = (d / "mine_claims.py").read_text().splitlines().index("    raise KeyError(1)") + 1
    assert f"error: KeyError: 1 (mine_claims.py, line {line})" in out
    assert "kernel: 1 kernel-checked, 0 partly" in out  # the claim that raised is not counted as kernel-checked
    assert err.startswith("eos-theory: 1 claim did not come out as recorded: mine-empty (inconclusive, expected")


def test_the_builtin_claims_still_run_unless_claim_selects(capsys, tmp_path, clean):
    d = _folder(tmp_path, **{"mine_claims.py": TRUE_CLAIM})
    code, out, _err = run(capsys, "verify", "--claims", str(d), "--list", "--json")
    ids = [c["id"] for c in json.loads(out)["claims"]]
    assert code == 0 and "gf-z" in ids and ids[-1] == "mine-squares"
    builtin = next(c for c in json.loads(out)["claims"] if c["id"] == "gf-z")
    assert builtin["origin"] == {"author": "eos-theory", "module": "eos_theory.proofs.gradient_flow"}


def test_latex_writes_a_snippet_labelled_as_yours(capsys, tmp_path, clean):
    d = _folder(tmp_path, **{"claims_mine.py": FALSE_CLAIM})
    out = tmp_path / "cubes.tex"
    code, stdout, err = run(capsys, "latex", "--claims", str(d), "--claim", "mine-cubes", "-o", str(out))
    assert code == 0, err
    tex = out.read_text(encoding="ascii")
    assert "% mine-cubes: refuted (your claim, from claims_mine.py)" in tex
    assert "Claim of this work (Lemma 2), checked with eos-theory" in tex
    assert "\\begin{erratum}[\\texttt{mine-cubes}, Lemma 2]" in tex
    assert "\\input{cubes}" in stdout and "amsmath, amssymb and amsthm" in stdout


@pytest.mark.parametrize(
    "files, path, fragment",
    [
        ({"a_claims.py": "def f(:\n"}, "a_claims.py", "a_claims.py, line 1: SyntaxError"),
        (
            {"a_claims.py": "import eos_theory\n\nx = 1 / 0\n"},
            "a_claims.py",
            "line 3: cannot import it: ZeroDivisionError",
        ),
        ({"a_claims.py": "import no_such_module_here\n"}, "a_claims.py", "ModuleNotFoundError"),
        ({"a_claims.py": "x = 1\n"}, "a_claims.py", "defines no claim"),
        ({"a_claims.py": TRUE_CLAIM, "b_claims.py": TRUE_CLAIM}, ".", "'mine-squares' is registered twice"),
        ({"a_claims.py": TRUE_CLAIM + TRUE_CLAIM.replace("squares(", "again(")}, ".", "registered twice in"),
        ({"a_claims.py": TRUE_CLAIM.replace("mine-squares", "gf-z")}, ".", "in eos_theory.proofs.gradient_flow and in"),
        ({"notes.txt": "x"}, "notes.txt", "not a Python file"),
        ({"notes.txt": "x"}, ".", "no claim file in it"),
        ({}, "missing", "no such file or directory"),
        ({"a_claims.py": TRUE_CLAIM.replace('"mine-squares"', '"bad id"')}, ".", "a claim id is letters"),
    ],
)
def test_a_file_that_cannot_be_used_is_one_line_and_exit_2(capsys, tmp_path, clean, files, path, fragment):
    d = _folder(tmp_path, **files)
    code, out, err = run(capsys, "verify", "--claims", str(d / path), "-j", "1")
    assert code == 2 and out == ""
    line = one_line_error(err)
    assert fragment in line
    named = line.removeprefix("eos-theory: error: ").split(":")[0].split(",")[0]  # the file the error is about
    failed = next((f.stem for f in d.iterdir() if str(f) == named and f.suffix == ".py"), None)
    assert failed is None or (
        failed not in sys.modules and all(c.module != failed for c in registry._REGISTRY.values())
    )


@pytest.mark.parametrize(
    "b_helpers, fragment",
    [
        ("def h():\n    return 2\n", "b_claims.py: imports helpers from {A}/helpers.py, not from its neighbour {B}"),
        (
            "def g():\n    return 2\n",
            "cannot import name 'g' from 'helpers' ({A}/helpers.py) (not from its neighbour {B}",
        ),
    ],
)
def test_two_directories_whose_claims_import_same_named_neighbours_are_one_line(
    capsys, tmp_path, clean, b_helpers, fragment
):
    """Python imports a module once per name: B's 'from helpers import h' gets A's helpers (silently, when both
    define h); said in one line, exit 2.  A neighbour that shares a name with an installed module is not this."""
    a, b = tmp_path / "A", tmp_path / "B"
    for d, helpers, mine in ((a, "def h():\n    return 1\n", "mine-a"), (b, b_helpers, "mine-b")):
        d.mkdir()
        (d / "helpers.py").write_text(helpers)
        (d / "json.py").write_text("x = 1\n")  # the claims import the standard library's json: not an error
        claims = f"from helpers import {helpers[4]}\nimport json\n" + textwrap.dedent(TRUE_CLAIM)  # h, or g
        (d / f"{d.name.lower()}_claims.py").write_text(claims.replace("mine-squares", mine))
    code, out, err = run(capsys, "verify", "--claims", str(a), str(b), "-j", "1", "-q")
    assert code == 2 and out == ""
    assert fragment.format(A=a, B=b / "helpers.py") in one_line_error(err)
    assert "mine-b" not in registry._REGISTRY and "b_claims" not in sys.modules


def test_a_file_that_hangs_at_import_is_stopped_at_the_time_limit(tmp_path, clean):
    """A loop at module level (or a long computation there) ends at the limit, as one line; nothing of it stays."""
    (tmp_path / "loop_claims.py").write_text("import eos_theory\n\nwhile True:\n    pass\n")
    with pytest.raises(loader.ClaimsError) as exc:
        loader.load([tmp_path], timeout=0.3)
    assert str(
        exc.value
    ) == f"{tmp_path / 'loop_claims.py'}: importing it took longer than 0.3 s (a loop or a long " + (
        "computation at import?)"
    )
    assert "loop_claims" not in sys.modules
    (tmp_path / "loop_claims.py").write_text(textwrap.dedent(TRUE_CLAIM))
    project, calls = registry.claims, []

    def slow_project_claims():  # the first call imports the project's claims (and SymPy): not the file's time
        time.sleep(0.4 * (not calls))
        calls.append(1)
        return project()

    with pytest.MonkeyPatch.context() as m:
        m.setattr(registry, "claims", slow_project_claims)
        assert [c.id for c in loader.load([tmp_path], timeout=0.3)] == ["mine-squares"]
    (tmp_path / "exit_claims.py").write_text("import sys\n\nsys.exit(3)\n")  # the file's own exit is its error
    with pytest.raises(loader.ClaimsError, match=r"exit_claims.py, line 3: cannot import it: SystemExit: 3$"):
        loader.load([tmp_path / "exit_claims.py"], timeout=5)


def test_a_claim_of_a_file_runs_in_a_fresh_worker_that_has_not_loaded_it(tmp_path, clean):
    """A spawned worker (macOS, Windows) imports nothing of the caller: it loads the file by its path."""
    d = _folder(tmp_path, **{"mine_claims.py": TRUE_CLAIM})
    (c,) = loader.load([d])
    del registry._REGISTRY[c.id], sys.modules["mine_claims"]
    from eos_theory.running import transport

    verdict, *_ = transport.loads(registry._run_shipped((c.module, c.id, c.origin)))
    assert verdict == "verified" and registry._REGISTRY[c.id].origin == str(d / "mine_claims.py")


def test_installed_packages_contribute_claims_through_the_entry_point_group(tmp_path, clean, monkeypatch):
    site = tmp_path / "site"
    (site / "mypkg").mkdir(parents=True)
    (site / "mypkg" / "__init__.py").write_text("")
    (site / "mypkg" / "claims.py").write_text(textwrap.dedent(TRUE_CLAIM))
    info = site / "mypkg-1.2.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: mypkg\nVersion: 1.2\n")
    (info / "entry_points.txt").write_text("[eos_theory.claims]\nmine = mypkg.claims\n")
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.setattr(loader, "_INSTALLED", None)
    found = loader.installed()
    assert [c.id for c in found] == ["mine-squares"]
    assert found[0].origin_json() == {"author": "researcher", "module": "mypkg.claims", "package": "mypkg 1.2"}
    assert "mine-squares" in [c.id for c in registry.claims()]
    assert registry.run(found[0]).verdict == "verified"


def test_a_broken_package_of_claims_is_one_line(tmp_path, clean, monkeypatch):
    site = tmp_path / "site"
    info = site / "broken-0.1.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: broken\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text("[eos_theory.claims]\nbroken = broken_claims_nowhere\n")
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.setattr(loader, "_INSTALLED", None)
    with pytest.raises(loader.ClaimsError) as exc:
        loader.installed()
    assert str(exc.value).startswith("entry point broken = broken_claims_nowhere (package broken 0.1")
    assert "\n" not in str(exc.value)


def _package(site, name, entry_points, **modules):
    """A package of claims as pip installs it: its modules and a dist-info naming them in the group."""
    (site / name).mkdir(parents=True, exist_ok=True)
    (site / name / "__init__.py").write_text("")
    for module, text in modules.items():
        (site / name / f"{module}.py").write_text(textwrap.dedent(text))
    info = site / f"{name}-0.3.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 0.3\n")
    (info / "entry_points.txt").write_text("[eos_theory.claims]\n" + entry_points)


@pytest.mark.parametrize(
    "module, fragment",
    [
        ("x = 1\n", "entry point e = pk.claims (package pk 0.3, group eos_theory.claims): pk.claims defines no claim"),
        ("import eos_theory\n\nx = 1 / 0\n", "pk/claims.py, line 3: ZeroDivisionError: division by zero"),
    ],
)
def test_an_entry_point_that_declares_no_claim_or_fails_is_one_line_naming_it(
    tmp_path, clean, monkeypatch, module, fragment
):
    _package(tmp_path, "pk", "e = pk.claims\n", claims=module)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(loader, "_INSTALLED", None)
    with pytest.raises(loader.ClaimsError) as exc:
        loader.installed()
    assert fragment in str(exc.value) and "\n" not in str(exc.value)


def test_a_package_of_claims_imported_before_the_registry_asks_is_still_the_package_s(tmp_path, clean, monkeypatch):
    """Imported by a test or a notebook first, its claims are the package's all the same, labelled with its name."""
    _package(tmp_path, "pk2", "e = pk2.claims\n", claims=TRUE_CLAIM)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(loader, "_INSTALLED", None)
    import importlib

    importlib.import_module("pk2.claims")
    (c,) = loader.installed()
    assert c.origin_json() == {"author": "researcher", "module": "pk2.claims", "package": "pk2 0.3"}
    assert c.where == "pk2" and registry._REGISTRY[c.id] is c


def test_a_claim_of_the_project_names_its_source():
    with pytest.raises(ValueError, match="name their source"):

        def f(p):
            pass

        f.__module__ = "eos_theory.proofs.imaginary"
        registry.claim("imaginary", statement="s", method="m")(f)


@pytest.mark.long
def test_the_pytest_plugin_shows_a_failing_claim_with_its_evidence(tmp_path):
    """A claim whose verdict is not the one it expects fails its test, and the report shows the verdict, the
    expected one and the step that failed with its exact counterexample; a file that cannot load is one line."""
    import os
    import subprocess

    d = tmp_path / "mine"
    d.mkdir()
    (d / "claims_wrong.py").write_text(
        textwrap.dedent(
            """
            import sympy as sp
            from eos_theory import Proof, claim

            x = sp.Symbol("x")


            @claim("wrong-square", statement="(x + 1)² = x² + 1.", method="exact identity")
            def wrong(p: Proof) -> None:
                p.equal("(x + 1)² = x² + 1", (x + 1) ** 2, x**2 + 1)
            """
        )
    )
    (d / "broken_claims.py").write_text("import eos_theory\n\n1 / 0\n")
    # an id of the project's, in a pytest run that has not imported the project's claims before this file
    (d / "clash_claims.py").write_text(textwrap.dedent(TRUE_CLAIM).replace("mine-squares", "gf-z"))
    (d / "more_claims.py").write_text(
        textwrap.dedent(
            """
            from eos_theory import Proof, claim


            @claim("hangs", statement="It ends.", method="a loop")
            def hangs(p: Proof) -> None:
                while True:
                    pass


            @claim("raises", statement="It runs.", method="a lookup")
            def raises(p: Proof) -> None:
                {}["key"]
            """
        )
    )
    (d / "loop_claims.py").write_text("while True:\n    pass\n")  # at import: the collection ends at the limit
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "HYPOTHESIS_"))}
    args = ["-q", "-p", "no:cacheprovider", "--continue-on-collection-errors", "--claim-timeout", "0.5", str(d)]
    done = subprocess.run(
        [sys.executable, "-m", "pytest", *args],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 1, done.stdout
    assert "claim wrong-square: inconclusive, expected verified" in done.stdout
    assert "fails at x = 1 (4 != 2)" in done.stdout  # the exact counterexample of the step that failed
    assert "broken_claims.py, line 3: cannot import it: ZeroDivisionError: division by zero" in done.stdout
    assert "clash_claims.py: claim id 'gf-z' is registered twice: in eos_theory.proofs.gradient_flow and in" in (
        done.stdout
    )
    assert (
        "claim hangs: inconclusive, expected verified" in done.stdout and "time limit of 0.5 s exceeded" in done.stdout
    )
    assert "error: KeyError: 'key' (more_claims.py, line 13)" in done.stdout  # the line in the claim's file
    assert "loop_claims.py: importing it took longer than 0.5 s" in done.stdout
    assert "3 failed, 3 errors" in done.stdout


def test_a_fifo_or_a_device_is_refused_without_being_opened(capsys, tmp_path, clean):
    fifo = tmp_path / "claims_fifo.py"
    os.mkfifo(fifo)  # opening it for reading would wait for a writer forever
    for path in (fifo, Path("/dev/zero")):
        code, out, err = run(capsys, "verify", "--claims", str(path), "-j", "1")
        assert code == 2 and out == ""
        assert one_line_error(err) == f"eos-theory: error: {path}: not a regular file or a directory"
