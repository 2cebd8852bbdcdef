"""`python -m strategy_core`: the command line (SPEC section 6)."""

import sys

from strategy_core.cli import main

sys.exit(main())
