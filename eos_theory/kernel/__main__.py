"""``python -m eos_theory.kernel DIR``: see :mod:`eos_theory.kernel.cli`."""

import sys

from eos_theory.kernel.cli import main

sys.exit(main())
