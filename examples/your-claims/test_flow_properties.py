"""Property tests beside the claims: exact draws from eos_theory.testing, checked with exact arithmetic."""

import sympy as sp
from hypothesis import given

from eos_theory import quadratic_model, symmetric_matrix
from eos_theory.testing import exact_profile, minima, parameter_points, quadratic_models

exact_profile()  # hypothesis for exact computation: no deadline (SymPy's first derivation is slow)

GENERIC = quadratic_model(symmetric_matrix(2))  # Q with symbolic entries q_11, q_12, q_22: derived once
RATE = GENERIC.on_theta(GENERIC.along_flow(GENERIC.loss_of_theta))  # dL/dt along gradient flow
Q_ENTRIES = sp.symbols("q_11 q_12 q_22", real=True)


@given(parameter_points(2))
def test_gradient_flow_never_increases_the_loss(pt):
    """dL/dt = ∇L·θ̇ = −η|∇L|² ≤ 0 at every point (Q, θ, E, η) drawn, exactly."""
    q = dict(zip(Q_ENTRIES, map(sp.Rational, (pt.Q[0][0], pt.Q[0][1], pt.Q[1][1]))))
    assert RATE.xreplace({**q, **pt.values()}) <= 0


@given(quadratic_models(2, target=False).flatmap(lambda m: minima(m).map(lambda point: (m, point))))
def test_the_gradient_vanishes_on_the_minima(drawn):
    """At an exact point with output 0 (rational, or with a square root) the gradient z∇z is exactly 0."""
    m, point = drawn
    at = dict(zip(m.theta, point))
    assert sp.expand(m.output.xreplace(at)) == 0
    assert all(sp.expand(g.xreplace(at)) == 0 for g in m.on_theta(m.gradient))
