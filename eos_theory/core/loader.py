"""Claims from anywhere: a researcher's claim files and directories, and installed packages of claims.

A claim file is a Python module that declares claims with :func:`eos_theory.claim`; it lives wherever its
author keeps it, never inside the package.  :func:`load` reads files and directories (in a directory, the
files named ``*_claims.py`` or ``claims_*.py``, as the pytest plugin collects them) and :func:`installed` the
modules that installed packages name in the entry-point group ``eos_theory.claims``.  Each file is imported
under its own name with its directory on ``sys.path`` (as ``python file.py`` would, so that it can import
its neighbours, and so that a test module importing it gets the same module).  Anything that goes wrong
is a :class:`ClaimsError` of one line: the file, and what is wrong with it.

>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "empty_claims.py").write_text("x = 1\\n")
>>> load([d])
Traceback (most recent call last):
...
eos_theory.core.loader.ClaimsError: .../empty_claims.py: defines no claim (no function decorated with @claim)
"""

from __future__ import annotations

import dataclasses
import importlib.util
import sys
from fnmatch import fnmatch
from importlib import metadata
from pathlib import Path

from eos_theory.core import registry
from eos_theory.numbers.parse import InputError
from eos_theory.running import executor

GROUP = "eos_theory.claims"  #: the entry-point group of installed packages of claims
PATTERNS = ("*_claims.py", "claims_*.py")  #: the claim files of a directory (and what the pytest plugin collects)
TESTS = ("test_*.py", "*_test.py")  #: never claim files: pytest collects these as test modules

__all__ = [
    "GROUP",
    "PATTERNS",
    "TESTS",
    "ClaimsError",
    "claim_files",
    "installed",
    "is_claim_file",
    "load",
    "load_file",
]


class ClaimsError(InputError):
    """A claim file or package that cannot be used: one line naming it and saying why (bad input: exit 2)."""


def is_claim_file(path: Path) -> bool:
    """Named as a claim file, and not as a test module (``test_flow_claims.py`` is a test module)."""
    return any(fnmatch(path.name, p) for p in PATTERNS) and not any(fnmatch(path.name, p) for p in TESTS)


def _skipped(d: Path) -> bool:
    """Directories a search for claim files does not enter: hidden ones, caches, virtual environments."""
    return (
        d.name.startswith(".")
        or d.name in ("__pycache__", "site-packages", "node_modules")
        or (d / "pyvenv.cfg").exists()
    )


def claim_files(path: str | Path) -> list[Path]:
    """The claim files ``path`` names: itself (a Python file), or those in it and its subdirectories."""
    p = Path(path)
    if p.is_file():
        if p.suffix != ".py":
            raise ClaimsError(f"{path}: not a Python file (a claim file ends in .py)")
        return [p.resolve()]
    if not p.is_dir():
        what = "not a regular file or a directory" if p.exists() else "no such file or directory"
        raise ClaimsError(f"{path}: {what}")  # a FIFO or a device is never opened
    found: list[Path] = []
    stack = [p]
    while stack:
        d = stack.pop()
        try:
            entries = sorted(d.iterdir())
        except OSError as exc:
            raise ClaimsError(f"{d}: cannot read the directory ({exc.strerror or exc})") from None
        found += [e.resolve() for e in entries if e.is_file() and is_claim_file(e)]
        stack += [e for e in reversed(entries) if e.is_dir() and not _skipped(e)]
    if not found:
        raise ClaimsError(f"{path}: no claim file in it (files named {' or '.join(PATTERNS)})")
    return found


def load(paths, timeout: float | None = None) -> list[registry.Claim]:
    """Load the claim files and directories ``paths`` (in order); the claims they declare, in file order.

    The project's and installed packages' claims are registered first (:func:`load_file`), so that an id that
    clashes with one of them is reported against the file that reuses it.  Importing each file is limited to
    ``timeout`` seconds (None: no limit; the limit is a SIGALRM, so only in the main thread): a loop or a long
    computation at import is a :class:`ClaimsError` too."""
    registry.claims()  # the project's and installed packages' first, outside any file's time limit
    out: list[registry.Claim] = []
    for path in paths:
        for f in claim_files(path):
            out += load_file(f) if timeout is None else _load_within(f, timeout)
    return out


def _load_within(path: Path, timeout: float) -> list[registry.Claim]:
    """:func:`load_file` through the one executor, in this process, within ``timeout`` seconds."""
    (outcome,) = executor.run(_claims_or_error, [path], timeout=timeout)
    if outcome.timed_out:
        raise ClaimsError(
            f"{path}: importing it took longer than {timeout:g} s (a loop or a long computation at import?)"
        )
    if isinstance(outcome.value, ClaimsError):
        raise outcome.value
    if outcome.error is not None:
        raise ClaimsError(f"{path}: {outcome.error}")
    return outcome.value


def _claims_or_error(path: Path) -> list[registry.Claim] | ClaimsError:
    try:
        return load_file(path)
    except ClaimsError as exc:
        return exc


def load_file(path: str | Path) -> list[registry.Claim]:
    """Import one claim file (again only if it was not imported yet) and return the claims it declares.

    The project's and installed packages' claims are registered first: an id of theirs that the file reuses is
    the file's error, whoever loads it (``--claims``, the pytest plugin, a spawned worker)."""
    registry.claims()
    path = Path(path).resolve()
    name = path.stem
    if not name.isidentifier():
        raise ClaimsError(f"{path}: {name!r} is not a Python module name (use letters, digits and _)")
    loaded = sys.modules.get(name)
    if loaded is not None:
        if Path(getattr(loaded, "__file__", "") or "").resolve() != path:
            raise ClaimsError(
                f"{path}: a module named {name} is already imported from {getattr(loaded, '__file__', None)}; "
                "rename the file"
            )
        mine = [c for c in registry._REGISTRY.values() if c.module == name]
        if not mine:
            raise ClaimsError(f"{path}: defines no claim (no function decorated with @claim)")
        return mine
    folder = str(path.parent)
    if folder not in sys.path:
        shadowed = importlib.util.find_spec(name)
        if shadowed is not None and shadowed.origin not in (None, str(path)):
            raise ClaimsError(f"{path}: its name is also the module {name} ({shadowed.origin}); rename the file")
        sys.path.insert(0, folder)  # it may import its neighbours, at import and when its proofs run
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ClaimsError(f"{path}: cannot be imported as a module")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    captured: list[registry.Claim] = []
    try:
        with registry.loading(str(path)) as captured:
            spec.loader.exec_module(module)
    except BaseException as exc:
        _unload(name, captured)
        if not isinstance(exc, Exception | SystemExit):  # Ctrl-C, a time limit: not the file's error
            raise
        raise ClaimsError(_why(path, exc)) from None
    wrong = _foreign_neighbours(path, module)
    if not captured or wrong:
        _unload(name, captured)
        raise ClaimsError(f"{path}: {wrong or 'defines no claim (no function decorated with @claim)'}")
    return captured


def _unload(name: str, captured: list[registry.Claim]) -> None:
    """Nothing of a file that failed stays imported or registered."""
    sys.modules.pop(name, None)
    for c in captured:
        registry._REGISTRY.pop(c.id, None)


def _neighbour(folder: Path, top: str) -> Path | None:
    """The module ``top`` beside a claim file, if there is one: ``top.py`` or the package ``top/``."""
    for p in (folder / f"{top}.py", folder / top / "__init__.py"):
        if p.is_file():
            return p.resolve()
    return None


def _installed_module(file: str) -> bool:
    """A module of the standard library or of an installed package (a neighbour that shares its name shadows it
    under ``python file.py`` too: not what the check below is for)."""
    where = Path(file).resolve()
    roots = {sys.prefix, sys.base_prefix, sys.exec_prefix}
    return "site-packages" in where.parts or any(where.is_relative_to(Path(r).resolve()) for r in roots)


def _foreign_neighbours(path: Path, module) -> str:
    """What a claim file imported under a neighbour's name from somewhere else: Python imports a module once per
    name, so ``from helpers import f`` in a second directory gets the first directory's helpers (silently, when
    both define f).  Empty when every such import is its own neighbour."""
    for value in vars(module).values():
        name = value.__name__ if isinstance(value, type(sys)) else getattr(value, "__module__", None)
        if not isinstance(name, str) or name == module.__name__:
            continue
        top = name.partition(".")[0]
        mine, loaded = _neighbour(path.parent, top), sys.modules.get(top)
        where = getattr(loaded, "__file__", None)
        if mine is not None and where is not None and Path(where).resolve() != mine and not _installed_module(where):
            return (
                f"imports {top} from {where}, not from its neighbour {mine} (Python imports a module once per "
                "name: rename one of them)"
            )
    return ""


def _why(path: Path, exc: BaseException) -> str:
    """One line for a failed import: the file (and line, when the error is in it) and the error."""
    if isinstance(exc, registry.DuplicateClaim):
        return f"{path}: {exc}"
    if isinstance(exc, SyntaxError):
        return f"{path}, line {exc.lineno}: SyntaxError: {exc.msg}"
    line = registry.line_in(exc, path)
    at = f", line {line}" if line is not None else ""
    what = " ".join(str(exc).split())[:300]
    if isinstance(exc, ImportError) and exc.name and exc.path:  # a name missing from a module of another directory
        mine = _neighbour(path.parent, exc.name.partition(".")[0])
        if mine is not None and Path(exc.path).resolve() != mine:
            what += f" (not from its neighbour {mine}: Python imports a module once per name, rename one of them)"
    return f"{path}{at}: cannot import it: {type(exc).__name__}" + (f": {what}" if what else "")


_INSTALLED: list[registry.Claim] | None = None


def installed() -> list[registry.Claim]:
    """The claims of installed packages: each module named in the entry-point group ``eos_theory.claims``
    (``[project.entry-points."eos_theory.claims"] mine = "mypkg.claims"``) is imported once; one that cannot be
    imported, or that declares no claim, is a :class:`ClaimsError` naming the entry point and its package."""
    global _INSTALLED
    if _INSTALLED is None:
        found: list[registry.Claim] = []
        for ep in sorted(metadata.entry_points(group=GROUP), key=lambda e: (e.name, e.value)):
            dist = f"{ep.dist.name} {ep.dist.version}" if ep.dist is not None else ep.value
            named = f"entry point {ep.name} = {ep.value} (package {dist}, group {GROUP})"
            try:
                with registry.loading(f"package {dist}") as captured:
                    ep.load()
            except Exception as exc:
                raise ClaimsError(f"{named}: {_package_error(ep.module, exc)}") from None
            if not captured:  # imported before the registry asked (by a test, a notebook): its claims, relabelled
                captured = _adopt(ep.module, f"package {dist}")
            if not captured:
                raise ClaimsError(f"{named}: {ep.module} defines no claim (no function decorated with @claim)")
            found += captured
        _INSTALLED = found
    return _INSTALLED


def _adopt(module: str, origin: str) -> list[registry.Claim]:
    """The claims ``module`` registered before it was loaded as an entry point, marked as the package's."""
    mine = [c for c in registry._REGISTRY.values() if c.module == module]
    for c in mine:
        registry._REGISTRY[c.id] = dataclasses.replace(c, origin=origin)
    return [registry._REGISTRY[c.id] for c in mine]


def _package_error(module: str, exc: BaseException) -> str:
    """The error of an entry point's module that failed to import, with the line of that module it came from."""
    what = f"{type(exc).__name__}: {' '.join(str(exc).split())[:300]}".rstrip(": ")
    try:
        spec = importlib.util.find_spec(module)
    except Exception:  # its package itself fails to import
        spec = None
    origin = spec.origin if spec is not None else None
    line = registry.line_in(exc, origin) if origin else None
    return f"{origin}, line {line}: {what}" if line is not None else what
