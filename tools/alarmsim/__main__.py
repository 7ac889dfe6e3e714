"""``python -m tools.alarmsim``: see tools/alarmsim/cli.py."""
import sys

from tools.alarmsim.cli import main

sys.exit(main())
