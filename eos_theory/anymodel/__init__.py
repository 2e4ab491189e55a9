"""Your own model: any small model written down as parameters, outputs, targets and a loss.

* :mod:`.definition` – the model read safely (a fixed grammar, no code evaluated) and its loss checked;
* :mod:`.minima` – the least sharpness over the global minima and the critical step η_c;
* :mod:`.conserved` – conserved quantities of gradient flow and invariant subspaces of GD;
* :mod:`.flip` – the period doubling at η_c: flip series, the period-2 window, the offset slope,
  GD at a given step; :mod:`.continuation` – the window's end where no closed form exists;
* :mod:`.report` – ``eos-theory analyze``'s report (model files, JSON, text).

May import :mod:`eos_theory.core`, :mod:`eos_theory.numbers` and :mod:`eos_theory.running`.
"""

from eos_theory import _moved


def __getattr__(name: str):  # the flat module eos_theory.anymodel of 0.1, for one release
    return _moved.old_attribute("anymodel", name)
