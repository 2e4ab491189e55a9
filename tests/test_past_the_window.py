"""What docs/eos-2d.md §5 says about the axis map past the period-2 window, checked.

Exact identities on :func:`eos_theory.quadratic.closed_forms.axis_map` (the map is derived there; the factored
forms below are the documentation's, typed by hand as expectations), Krawczyk proofs of the first
period doublings after √5 − 1 at the documented values (the system from :mod:`eos_theory.past_window.cascade`),
and certified escape after the boundary crisis at ε = 2.  The registered claims are in
``proofs/cascade.py``; the library's own tests in ``tests/test_cascade.py``.
"""

from __future__ import annotations

from fractions import Fraction

import pytest
import sympy as sp
from mpmath import mp

from eos_theory.numbers.intervals import enclose, iv_workdps, krawczyk
from eos_theory.past_window.cascade import cycle_system
from eos_theory.quadratic.closed_forms import axis_map, eps, y


def test_the_crisis_factorisations():
    f = axis_map()
    # f(y) − 2 = (y − 2)(y² + εy + 1): for 0 < ε < 2 the quadratic has no real root (discriminant ε² − 4),
    # so f < 2 on y < 2; with f + ε = (y + ε)(y − 1)² ≥ 0, the interval [−ε, 2) is invariant.
    assert sp.expand(f - 2 - (y - 2) * (y**2 + eps * y + 1)) == 0
    assert sp.discriminant(y**2 + eps * y + 1, y) == eps**2 - 4
    assert sp.expand(f + eps - (y + eps) * (y - 1) ** 2) == 0
    # escape certificate: f(y) − 2 − (5 + 2ε)(y − 2) = (y − 2)²(y + 2 + ε) > 0 for y > 2, ε > 0,
    # so once y > 2, y − 2 grows at least geometrically (factor 5 + 2ε) and z̃ → ∞
    assert sp.expand(f - 2 - (5 + 2 * eps) * (y - 2) - (y - 2) ** 2 * (y + 2 + eps)) == 0


def test_at_the_crisis_the_axis_map_is_chebyshev():
    # ε = 2: f(2cos φ) = 2cos 3φ, i.e. f(y) = 2T₃(y/2) on [−2, 2]
    phi = sp.Symbol("phi", real=True)
    f2 = axis_map().subs({eps: 2, y: 2 * sp.cos(phi)})
    assert sp.expand(sp.expand_trig(2 * sp.cos(3 * phi)) - f2) == 0
    assert sp.expand(axis_map().subs(eps, 2) - 2 * sp.chebyshevt(3, y / 2)) == 0


# (period p, a point of the p-cycle and the ε at which its multiplier is −1, both as box centres to
# 24 digits; the 10 digits docs/eos-2d.md quotes).  A multiplier −1 of fᵖ is not a square, so the cycle
# has exact period p (a p/2-cycle would give fᵖ' = (f^{p/2}')² ≥ 0).
DOUBLINGS = [
    (4, "-0.810039202933539343530", "1.28803175448284276195434", "1.288031754"),
    (8, "-0.850097360897676518610", "1.29922793965020409416318", "1.299227940"),
]


@pytest.mark.parametrize("p, y0, e0, documented", DOUBLINGS, ids=["4-to-8", "8-to-16"])
def test_the_next_period_doublings_are_where_the_docs_say(p, y0, e0, documented):
    F, DF = cycle_system(p, interval=True)
    r = Fraction(1, 10**20)
    box = [(Fraction(y0) - r, Fraction(y0) + r), (Fraction(e0) - r, Fraction(e0) + r)]
    k = krawczyk(F, DF, box, dps=40)
    assert k.unique, k.describe()
    with mp.workdps(40):
        ends = {mp.nstr(mp.make_mpf(v), 10, strip_zeros=False) for v in k.image[1]._mpi_}
    assert ends == {documented}


@pytest.mark.parametrize("e, starts, within", [(Fraction(21, 10), 200, 60), (Fraction(3), 200, 20)])
def test_after_the_crisis_every_grid_start_escapes(e, starts, within):
    # midpoints of `starts` equal cells of (−ε, 2), iterated in interval arithmetic until the whole
    # enclosure lies above 2 (then escape is proved by the certificate above)
    with iv_workdps(120):
        E = enclose(e)
        for i in range(starts):
            Y = enclose(-e + (2 + e) * Fraction(2 * i + 1, 2 * starts))
            for _step in range(within + 1):
                if mp.make_mpf(Y._mpi_[0]) > 2:
                    break
                Y = Y**3 + (E - 2) * Y**2 + (1 - 2 * E) * Y
            else:
                pytest.fail(f"start {i} not certified to escape within {within} steps at ε = {e}")
