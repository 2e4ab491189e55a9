"""What GD on the 2-D model does past the period-2 window: cascade, chaos, crisis, the atlas.

* :mod:`.cascade` – the axis map's period-doubling thresholds (certified) and the boundary crisis
  (exact); :mod:`.minpoly` – the threshold ε₃ as an algebraic number;
* :mod:`.chaos` – attracting cycles proved, chaos measured with confidence intervals;
* :mod:`.attractor` – what GD does at one parameter point (plane runs, the regime label);
* :mod:`.atlas` – the regime over a grid of parameters, on local processes or Dask.

May import :mod:`eos_theory.quadratic` and what it may import.
"""
