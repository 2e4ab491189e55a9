"""The subcommands of ``eos-theory``, one module per group; :mod:`eos_theory.commands.cli` assembles them.

Each module has the commands' ``cmd_*`` functions and a ``register(sub)`` that adds their parsers;
:mod:`.common` has what they share (exit codes, usage errors, output checks, -j, progress).

The top layer: may import anything in the package; nothing in the package imports it.
"""

GROUPS = ("claims", "quadratic", "past", "analyze", "ensemble")  #: in the order ``--help`` lists them
