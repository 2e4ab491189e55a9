"""The symbolic model's derived objects against direct exact computation.

Every expected value here is computed in the test with :class:`fractions.Fraction` from the
paper's definitions (no SymPy), then compared exactly with the SymPy derivation of
:mod:`eos_theory.core.model` evaluated at the same rational point.

Hand derivations used (Q symmetric, z = ½θᵀQθ − E, L = z²/2):
  ∂z/∂θ_k = ½(Σ_j Q_kj θ_j + Σ_i θ_i Q_ik) = (Qθ)_k              so J = (Qθ)ᵀ, JJᵀ = |Qθ|²
  ∇θL = L'(z) ∇z = z Qθ
  ∂²L/∂θ² = ∇z ∇zᵀ + z ∇²z = (Qθ)(Qθ)ᵀ + z Q                      (H = JᵀJ + zQ)
  θ̇ = −η z Qθ,   θ' = θ − η z Qθ,   ż = ∇z·θ̇ = −η z |Qθ|²
"""

from __future__ import annotations

from fractions import Fraction

import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

from eos_theory.core.model import Model, linear, quadratic, thetas
from eos_theory.core.notation import E, eta, z
from eos_theory.numbers.parse import InputError
from eos_theory.testing import Point, nonsymmetric_matrices, parameter_points, rationals, symmetric_matrices, vectors

# -- independent exact arithmetic ---------------------------------------------------------------


def matvec(Q, v):
    return [sum((Q[i][j] * v[j] for j in range(len(v))), Fraction(0)) for i in range(len(Q))]


def dot(u, v):
    return sum((a * b for a, b in zip(u, v)), Fraction(0))


def z_of(pt: Point, theta=None):
    theta = pt.theta if theta is None else theta
    return dot(theta, matvec(pt.Q, theta)) / 2 - pt.E


def R(x: Fraction) -> sp.Rational:
    return sp.Rational(x.numerator, x.denominator)


def exact(expr, subs: dict) -> Fraction:
    """Evaluate a SymPy expression at a rational point; it must come out a rational number."""
    value = sp.expand(sp.sympify(expr).xreplace({k: R(Fraction(v)) for k, v in subs.items()}))
    assert value.is_Rational, f"{expr} is not a number at {subs}: {value}"
    return Fraction(int(value.p), int(value.q))


def point_subs(m: Model, pt: Point, z_value=None) -> dict:
    subs = {**dict(zip(m.theta, pt.theta)), E: pt.E, eta: pt.eta}
    if z_value is not None:
        subs[z] = z_value
    return subs


def model_of(pt: Point) -> Model:
    return quadratic(sp.Matrix([[R(q) for q in row] for row in pt.Q]))


points = st.integers(1, 3).flatmap(parameter_points)


# -- derived objects of the quadratic model -----------------------------------------------------


@given(points)
def test_output_jacobian_and_ntk(pt):
    m = model_of(pt)
    s = point_subs(m, pt)
    Jv = matvec(pt.Q, pt.theta)
    assert exact(m.output, s) == z_of(pt)
    assert m.jacobian.shape == (1, pt.P)
    assert [exact(Jk, s) for Jk in m.jacobian] == Jv
    assert exact(m.ntk, s) == dot(Jv, Jv)
    assert exact(m.loss_of_theta, s) == z_of(pt) ** 2 / 2


@given(points)
def test_gradient_flow_field_and_gd_map(pt):
    m = model_of(pt)
    zv = z_of(pt)
    s = point_subs(m, pt, zv)
    Jv = matvec(pt.Q, pt.theta)
    grad = [zv * Jk for Jk in Jv]
    assert m.gradient.shape == (pt.P, 1)
    assert [exact(g, s) for g in m.gradient] == grad
    # the same with the output substituted by z(θ): no symbol z needed
    assert [exact(m.on_theta(g), point_subs(m, pt)) for g in m.gradient] == grad
    assert [exact(f, s) for f in m.flow_field()] == [-pt.eta * g for g in grad]
    assert [exact(f, {**s, eta: 1}) for f in m.flow_field(scale=1)] == [-g for g in grad]
    assert [exact(x, s) for x in m.gd_map] == [th - pt.eta * g for th, g in zip(pt.theta, grad)]


@given(points)
def test_hessian_is_JtJ_plus_zQ(pt):
    m = model_of(pt)
    s = point_subs(m, pt)
    Jv, zv = matvec(pt.Q, pt.theta), z_of(pt)
    assert m.hessian.shape == (pt.P, pt.P)
    assert not (m.hessian.free_symbols & {z}), "the Hessian is a function of θ alone"
    for i in range(pt.P):
        for j in range(pt.P):
            assert exact(m.hessian[i, j], s) == Jv[i] * Jv[j] + zv * pt.Q[i][j]


@given(points)
def test_along_flow_and_after_step(pt):
    m = model_of(pt)
    zv = z_of(pt)
    s = point_subs(m, pt, zv)
    Jv = matvec(pt.Q, pt.theta)
    # ż = ∇z·θ̇ = −η z |Qθ|²
    assert exact(m.along_flow(m.output), s) == -pt.eta * zv * dot(Jv, Jv)
    # z at the GD image θ' = θ − ηzQθ, computed directly
    theta_next = [th - pt.eta * zv * Jk for th, Jk in zip(pt.theta, Jv)]
    assert exact(m.after_step(m.output), s) == z_of(pt, theta_next)
    assert exact(m.after_step(m.ntk), s) == dot(matvec(pt.Q, theta_next), matvec(pt.Q, theta_next))


@given(symmetric_matrices(2), rationals())
def test_custom_target_expression(Q, target):
    """quadratic(Q, target) uses the given target in place of E."""
    m = quadratic(sp.Matrix([[R(q) for q in row] for row in Q]), target=R(target))
    assert E not in m.output.free_symbols
    theta = (Fraction(1), Fraction(-2))
    pt = Point(Q, theta, target, Fraction(1))
    assert exact(m.output, dict(zip(m.theta, theta))) == z_of(pt)


# -- the layer is generic: another model plugs in -----------------------------------------------


@given(vectors(2), rationals())
def test_other_model_and_loss_plug_in(theta, target):
    """z = θ1²θ2 − E with loss L = z⁴/4: gradient z³Jᵀ, Hessian 3z²JᵀJ + z³∇²z (by hand)."""
    th = thetas(2)
    m = Model(theta=th, output=th[0] ** 2 * th[1] - E, loss=z**4 / 4, name="cubic")
    t1, t2 = theta
    zv = t1**2 * t2 - target
    Jv = [2 * t1 * t2, t1**2]
    d2z = [[2 * t2, 2 * t1], [2 * t1, Fraction(0)]]
    s = {th[0]: t1, th[1]: t2, E: target}
    assert [exact(Jk, s) for Jk in m.jacobian] == Jv
    assert exact(m.ntk, s) == dot(Jv, Jv)
    assert [exact(g, {**s, z: zv}) for g in m.gradient] == [zv**3 * Jk for Jk in Jv]
    for i in range(2):
        for j in range(2):
            assert exact(m.hessian[i, j], s) == 3 * zv**2 * Jv[i] * Jv[j] + zv**3 * d2z[i][j]


# -- the linear model ---------------------------------------------------------------------------


@given(st.integers(1, 4).flatmap(lambda P: st.tuples(vectors(P), vectors(P))))
def test_linear_model_has_constant_ntk(data):
    c_values, theta = data
    P = len(theta)
    m = linear(P)
    assert not (m.ntk.free_symbols & set(m.theta)), "NTK of a linear model must not depend on θ"
    c = sorted(m.output.free_symbols - set(m.theta) - {E}, key=lambda s: int(s.name.split("_")[1]))
    s = {**dict(zip(c, c_values)), **dict(zip(m.theta, theta))}
    assert exact(m.ntk, s) == dot(c_values, c_values)
    # one GD step does not change it either (it is constant, so trivially, but through after_step)
    assert exact(m.after_step(m.ntk), {**s, eta: Fraction(1, 3), z: Fraction(5)}) == dot(c_values, c_values)
    # and the loss Hessian is the constant c cᵀ = JᵀJ (∇²z = 0)
    for i in range(P):
        for j in range(P):
            assert exact(m.hessian[i, j], s) == c_values[i] * c_values[j]


# -- bad input ----------------------------------------------------------------------------------


def _one_line_input_error(Q) -> str:
    with pytest.raises(InputError) as info:
        quadratic(Q)
    message = str(info.value)
    assert message and "\n" not in message.strip(), f"not a one-line message: {message!r}"
    return message


@given(st.integers(2, 4).flatmap(nonsymmetric_matrices))
def test_nonsymmetric_Q_rejected(Q):
    message = _one_line_input_error(sp.Matrix([[R(q) for q in row] for row in Q]))
    assert "symmetric" in message


@given(st.tuples(st.integers(0, 4), st.integers(0, 4)).filter(lambda rc: rc[0] != rc[1]))
def test_nonsquare_Q_rejected(shape):
    r, c = shape
    message = _one_line_input_error(sp.Matrix(r, c, lambda i, j: i + j))
    assert "square" in message


def test_empty_Q_rejected():
    assert "non-empty" in _one_line_input_error(sp.Matrix(0, 0, []))
    _one_line_input_error([])


@pytest.mark.parametrize(
    "bad",
    [sp.nan, sp.oo, -sp.oo, sp.zoo, float("nan"), float("inf")],
    ids=["nan", "oo", "-oo", "zoo", "float-nan", "float-inf"],
)
def test_non_finite_Q_rejected(bad):
    _one_line_input_error(sp.Matrix([[1, bad], [bad, 1]]))


@pytest.mark.parametrize("bad", [[[1, 2], [3]], None, "Q"], ids=["ragged", "None", "str"])
def test_malformed_Q_rejected(bad):
    _one_line_input_error(bad)


def test_ntk_is_the_sum_of_squared_partial_derivatives_polynomial_or_not():
    t1, t2 = sp.symbols("theta_1 theta_2", real=True)
    a = sp.Symbol("a", real=True)
    for out in ((a * t1 + t2) ** 3 / 3 - t1 * t2, sp.sin(t1) * t2 + sp.Rational(1, 2) * t1**2):
        m = Model(theta=(t1, t2), output=out)
        by_hand = sp.diff(out, t1) ** 2 + sp.diff(out, t2) ** 2
        assert sp.expand(m.ntk - by_hand) == 0 and m.ntk == sp.expand(by_hand)
