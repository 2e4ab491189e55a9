"""Old module paths of the flat layout (before 0.2), kept for one release with a DeprecationWarning.

``import eos_theory.analysis`` (or ``from eos_theory import analysis``) gives a stand-in module whose
names are looked up in the module(s) that now hold them, and warns once with the new path.
:data:`MOVED` is the whole table; nothing else in the package refers to the old paths.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
import types
import warnings

#: old module (below eos_theory) -> the modules that now hold its names, searched in order
MOVED: dict[str, tuple[str, ...]] = {
    "notation": ("core.notation",),
    "model": ("core.model", "numbers.parse"),
    "proof": ("core.proof",),
    "registry": ("core.registry",),
    "intervals": ("numbers.intervals",),
    "decimals": ("numbers.decimals",),
    "stats": ("numbers.stats",),
    "numerics": ("numbers.parse", "quadratic.gd", "numbers.decimals"),
    "maps": ("quadratic.maps",),
    "analysis": ("quadratic.closed_forms", "numbers.parse"),
    "dynamics": ("quadratic.runs",),
    "escape": ("quadratic.escape",),
    "chaos": ("past_window.chaos",),
    "attractor": ("past_window.attractor",),
    "cascade": ("past_window.cascade",),
    "minpoly": ("past_window.minpoly",),
    "atlas": ("past_window.atlas",),
    "anymodel": ("anymodel.definition", "anymodel.minima", "anymodel.conserved"),
    "flip": ("anymodel.flip",),
    "continuation": ("anymodel.continuation",),
    "anyreport": ("anymodel.report",),
    "gd_general": ("random_models.gd",),
    "ensemble": ("random_models.ensemble",),
    "latex": ("outputs.latex",),
    "plots": ("outputs.plots",),
    "files": ("outputs.files",),
    "executor": ("running.executor",),
    "transport": ("running.transport",),
    "cli": ("commands.cli",),
}


class _StandIn(types.ModuleType):
    def __getattr__(self, name: str):
        for target in self.__targets__:
            module = importlib.import_module(f"eos_theory.{target}")
            if hasattr(module, name):
                return getattr(module, name)
        raise AttributeError(f"module {self.__name__!r} has no attribute {name!r}")


class _Finder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(self, fullname, path=None, target=None):
        package, _, old = fullname.rpartition(".")
        if package != "eos_theory" or old not in MOVED:
            return None
        return importlib.machinery.ModuleSpec(fullname, self)

    def create_module(self, spec):
        module = _StandIn(spec.name)
        module.__targets__ = MOVED[spec.name.rpartition(".")[2]]
        return module

    def exec_module(self, module) -> None:
        new = " and ".join(f"eos_theory.{t}" for t in module.__targets__)
        warnings.warn(
            f"{module.__name__} has moved to {new}; the old path goes in the next release",
            DeprecationWarning,
            stacklevel=3,
        )


def old_attribute(old: str, name: str):
    """``name`` from the modules that now hold the old module's names, with the warning (for a
    package that took an old module's path, such as :mod:`eos_theory.anymodel`)."""
    for target in MOVED[old]:
        module = importlib.import_module(f"eos_theory.{target}")
        if hasattr(module, name):
            warnings.warn(
                f"eos_theory.{old}.{name} has moved to {module.__name__}.{name}; the old path goes in the next release",
                DeprecationWarning,
                stacklevel=3,
            )
            return getattr(module, name)
    raise AttributeError(f"module 'eos_theory.{old}' has no attribute {name!r}")


def install() -> None:
    """Put the finder for the old paths on ``sys.meta_path`` (once)."""
    if not any(isinstance(f, _Finder) for f in sys.meta_path):
        sys.meta_path.append(_Finder())
