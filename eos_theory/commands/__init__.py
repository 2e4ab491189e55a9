"""The subcommands of ``eos-theory``, one module per group; :mod:`eos_theory.cli` assembles them.

Each module has the commands' ``cmd_*`` functions and a ``register(sub)`` that adds their parsers;
:mod:`.common` has what they share (exit codes, usage errors, output checks, -j, progress).
"""

GROUPS = ("claims", "quadratic", "past", "analyze", "ensemble")  #: in the order ``--help`` lists them
