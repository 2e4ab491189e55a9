"""Your own model: any small model written down as parameters, outputs, targets and a loss.

* :mod:`.definition` – the model read safely (a fixed grammar, no code evaluated) and its loss checked;
* :mod:`.analysis` – the whole analysis, bounded in time: exact first, numerics where exact stops, GD at a step;
* the exact path: :mod:`.minima` – the least sharpness over the zero-residual minima and η_c;
  :mod:`.flip` – the period doubling at η_c: flip series, the period-2 window, the offset slope;
  :mod:`.continuation` – the window's end where no closed form exists;
* the numerical path: :mod:`.compiled` and :mod:`.evaluate` – the model's derivatives compiled for float64,
  mpmath and arb; :mod:`.lagrange` – the Lagrange system and the rotation symmetries; :mod:`.search` – the
  multi-start search (float64); :mod:`.certify` – two precisions and interval certification;
  :mod:`.numflip` – the flip coefficients in closed form; :mod:`.estimate` – numbers with their evidence;
* :mod:`.conserved` – conserved quantities of gradient flow and invariant subspaces of GD;
* :mod:`.report` – ``eos-theory analyze``'s report (model files, JSON, text).

May import :mod:`eos_theory.core`, :mod:`eos_theory.numbers` and :mod:`eos_theory.running`.
"""

from eos_theory import _moved


def __getattr__(name: str):  # the flat module eos_theory.anymodel of 0.1, for one release
    return _moved.old_attribute("anymodel", name)
