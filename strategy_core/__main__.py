"""`python -m strategy_core`: the command line (README "Command line")."""

import sys

from strategy_core.cli import main

sys.exit(main())
