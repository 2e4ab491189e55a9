"""Numbers that say how they were obtained: exact, certified, or statistical.

* :mod:`.parse` – the one reader of user numbers (exact, never through a float), and
  :class:`~.parse.InputError` for bad input;
* :mod:`.intervals` – interval arithmetic rounded outward: enclosures, exact signs, Krawczyk's test;
* :mod:`.balls` – the same on python-flint's arb balls: Krawczyk's test, eigenvalue separation, enclosures;
* :mod:`.decimals` – decimals printed to exactly the digits they claim, and agreeing digits;
* :mod:`.stats` – confidence intervals for estimates from independent runs.

The bottom layer: imports nothing else of eos_theory.
"""
