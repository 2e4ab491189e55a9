"""What the user takes away: LaTeX, figures, and the one file writer.

* :mod:`.latex` – the checked claims as a LaTeX document, or a snippet for a paper;
* :mod:`.latex_prose` – the claims' Unicode prose as LaTeX that reads as mathematics;
* :mod:`.plots` – the figures (matplotlib, headless);
* :mod:`.files` – the one atomic writer (through symlinks, never onto a device).

May import the analyses and everything below them; only :mod:`eos_theory.commands` imports this.
"""
