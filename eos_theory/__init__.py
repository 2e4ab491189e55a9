"""eos_theory: a symbolic-and-numeric verifier for "Second-order regression models exhibit
progressive sharpening to the edge of stability" (Agarwala, Pedregosa, Pennington, 2023).

Layers, each depending only on those above it:

* :mod:`~eos_theory.notation` – the paper's symbols and LaTeX printing;
* :mod:`~eos_theory.model` – a model z(θ) with loss L(z), and everything derived from it;
* :mod:`~eos_theory.maps` – the quadratic model in eigenbasis and reduced 2-D coordinates;
* :mod:`~eos_theory.analysis` – fixed points, stability and period-2 orbits of the 2-D map;
* :mod:`~eos_theory.numerics` – high-precision and interval arithmetic in parameter space;
  :mod:`~eos_theory.escape` – proven escape regions of GD and rigorous membership tests;
  :mod:`~eos_theory.dynamics` – what a bounded GD run did (converged, periodic, diverged, not converged);
* :mod:`~eos_theory.proof` and :mod:`~eos_theory.registry` – exact proof steps, and the claims;
* :mod:`~eos_theory.cli` – the ``eos-theory`` command.
"""

__version__ = "0.1.0"
