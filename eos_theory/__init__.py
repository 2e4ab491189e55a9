"""eos_theory: a symbolic-and-numeric verifier for "Second-order regression models exhibit
progressive sharpening to the edge of stability" (Agarwala, Pedregosa, Pennington, 2023).

Layers, each depending only on those above it:

* :mod:`~eos_theory.notation` – the paper's symbols and LaTeX printing;
* :mod:`~eos_theory.model` – a model z(θ) with loss L(z), and everything derived from it (also for
  a symbolic number of parameters);
* :mod:`~eos_theory.maps` – the quadratic model in eigenbasis and reduced 2-D coordinates;
* :mod:`~eos_theory.analysis` – fixed points, stability and period-2 orbits of the 2-D map;
* :mod:`~eos_theory.numerics` – exact parsing, exact and high-precision GD in parameter space;
  :mod:`~eos_theory.intervals` – interval arithmetic (enclosures, exact signs, Krawczyk's test);
  :mod:`~eos_theory.decimals` – printed digits that are certified;
* :mod:`~eos_theory.anymodel` – your own model (parameters, outputs, targets, loss) read safely, its least
  sharpness over the minima, conserved quantities and invariant slices; :mod:`~eos_theory.flip` – the
  period doubling at the critical step for any such model (flip series, window, offset slope);
  :mod:`~eos_theory.continuation` – the window's upper end where no closed form exists (the 2-cycle
  continued numerically at two precisions);
  :mod:`~eos_theory.anyreport` – the report of ``eos-theory analyze``;
* :mod:`~eos_theory.escape` – proven escape regions; :mod:`~eos_theory.dynamics` – bounded GD runs
  that say what happened;
* :mod:`~eos_theory.chaos` and :mod:`~eos_theory.stats` – the axis past the period-2 window:
  cycles proved, chaos measured with confidence intervals; :mod:`~eos_theory.attractor` – what GD
  does at a parameter point (plane runs, escape fractions, the regime label); :mod:`~eos_theory.cascade`
  (and :mod:`~eos_theory.minpoly`) – the period-doubling thresholds, certified, and the crisis;
  :mod:`~eos_theory.atlas` – the regime over a grid of parameters; :mod:`~eos_theory.gd_general`
  (float64 GD for P parameters and D outputs, with its outcome) and :mod:`~eos_theory.ensemble` –
  random models, seeded, and their outcome statistics;
* :mod:`~eos_theory.executor` (and :mod:`~eos_theory.transport`) – the one way to fan work out, to
  local processes or a Dask cluster;
* :mod:`~eos_theory.proof` and :mod:`~eos_theory.registry` – exact proof steps, the claims, the audit;
* :mod:`~eos_theory.cli` (and :mod:`~eos_theory.commands`, one module per command group),
  :mod:`~eos_theory.latex`, :mod:`~eos_theory.plots` – the ``eos-theory`` command, the LaTeX
  document and the figures; :mod:`~eos_theory.files` – the one atomic writer.
"""

__version__ = "0.1.0"
