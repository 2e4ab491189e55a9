"""The paper's model z = ½θᵀQθ − E: its dynamics in the paper's coordinates, and GD on it.

* :mod:`.maps` – the model in Q's eigenbasis and the reduced 2-D map (z̃, T̃), derived;
* :mod:`.closed_forms` – the 2-D map's edge of stability in closed form: fixed points and their
  stability, the period-2 orbit and its window, the flip normal form, sharpening, the regime of a
  parameter point;
* :mod:`.gd` – GD in parameter space, exact, in mpmath and vectorised float64;
* :mod:`.escape` – proven escape regions; :mod:`.runs` – bounded GD runs that say what they did.

May import :mod:`eos_theory.core`, :mod:`eos_theory.numbers` and :mod:`eos_theory.running`.
"""
