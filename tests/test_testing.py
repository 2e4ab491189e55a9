"""eos_theory.testing: the strategies a researcher's property tests draw from, the exact-computation profile, the
pytest plugin's collection, and the public API of ``import eos_theory``."""

import subprocess
import sys

import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

import eos_theory
from eos_theory.core import loader
from eos_theory.core.model import Model, thetas
from eos_theory.testing import (
    exact_profile,
    examples,
    minima,
    parameter_points,
    plugin,
    polynomial_models,
    quadratic_models,
    symmetric_matrices,
)


def test_the_plugin_collects_what_verify_loads():
    from eos_theory.commands.claims import DEFAULT_TIMEOUT

    assert (plugin.PATTERNS, plugin.TESTS) == (loader.PATTERNS, loader.TESTS)
    assert plugin.TIMEOUT == DEFAULT_TIMEOUT  # a claim's time limit, as verify's


def test_importing_the_plugin_or_the_package_loads_nothing_heavy():
    """pytest loads the plugin in every run; ``import eos_theory`` must stay light too (the kernel of issue 16)."""
    code = (
        "import sys, eos_theory, eos_theory.testing.plugin; "
        "print(sorted(m for m in ('sympy', 'mpmath', 'numpy', 'hypothesis') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_every_public_name_is_the_object_its_module_has_even_after_every_subpackage_is_imported():
    import importlib
    import pkgutil

    for m in pkgutil.iter_modules(eos_theory.__path__):
        if m.ispkg and m.name != "proofs":
            importlib.import_module(f"eos_theory.{m.name}")
    for name, where in eos_theory._API.items():
        value = getattr(eos_theory, name)
        own = getattr(importlib.import_module(f"eos_theory.{where}"), eos_theory._RENAMED.get(name, name))
        assert value is own, name


def test_the_profile_has_no_deadline_and_is_chosen_by_name(monkeypatch):
    try:
        assert exact_profile("ci") == "eos-theory-ci"
        assert settings.default.deadline is None and settings.default.derandomize
        assert exact_profile("thorough") == "eos-theory-thorough" and settings.default.max_examples == 400
        assert examples(3) == 30  # a property's own count scales with the profile
        monkeypatch.setenv("HYPOTHESIS_PROFILE", "ci")
        assert exact_profile() == "eos-theory-ci"
        with pytest.raises(ValueError, match="unknown profile 'fast'"):
            exact_profile("fast")
    finally:
        monkeypatch.delenv("HYPOTHESIS_PROFILE", raising=False)
        exact_profile()


@given(parameter_points(3))
def test_a_point_substitutes_into_its_model(pt):
    m = pt.model()
    theta = sp.Matrix([sp.Rational(v.numerator, v.denominator) for v in pt.theta])
    Q = sp.Matrix([[sp.Rational(q.numerator, q.denominator) for q in row] for row in pt.Q])
    E = sp.Rational(pt.E.numerator, pt.E.denominator)
    # by hand: z = ½θᵀQθ − E, the model's target being the symbol E
    assert m.output.subs(pt.values()) == (theta.T * Q * theta)[0, 0] / 2 - E


@given(symmetric_matrices(3).flatmap(lambda Q: quadratic_models(3, Q=st.just(Q)).map(lambda m: (Q, m))))
def test_a_quadratic_model_has_the_matrix_drawn(drawn):
    Q, m = drawn
    hessian_of_output = sp.hessian(m.output, m.theta)
    assert hessian_of_output == sp.Matrix([[sp.Rational(q.numerator, q.denominator) for q in row] for row in Q])


@given(
    st.one_of(quadratic_models(2, target=False), polynomial_models(2, max_degree=2, target=False)).flatmap(
        lambda m: minima(m).map(lambda p: (m, p))
    )
)
def test_minima_are_exact_zeros_of_the_output(drawn):
    m, point = drawn
    assert len(point) == m.P and all(v.is_real for v in point)
    assert sp.expand(m.output.subs(dict(zip(m.theta, point)))) == 0


@given(
    minima(
        Model(thetas(2), thetas(2)[0] * thetas(2)[1] - sp.Symbol("E", real=True)), values={sp.Symbol("E", real=True): 1}
    )
)
def test_minima_of_a_model_with_a_symbolic_target_given_its_value(point):
    u, v = point
    assert sp.expand(u * v) == 1


def test_minima_refuses_a_model_it_cannot_solve_cheaply():
    x, y = thetas(2)

    @given(minima(Model((x, y), x**3 * y**3 - 1)))
    def draws(point):
        pass

    with pytest.raises(ValueError, match="not of degree 1 or 2"):
        draws()


def test_minima_of_a_model_whose_target_is_left_symbolic_says_how_to_give_it():
    x, y = thetas(2)

    @given(minima(Model((x, y), x * y - sp.Symbol("E", real=True))))
    def draws(point):
        pass

    with pytest.raises(ValueError, match=r"other than θ: \['E'\] \(give them values, minima\(model, values="):
        draws()
