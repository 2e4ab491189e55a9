"""``python -m eos_theory …`` is the ``eos-theory`` command."""

import sys

from eos_theory.commands.cli import main

sys.exit(main())
