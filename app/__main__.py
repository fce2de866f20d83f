"""``python -m glose``: the command line."""
import sys

from glose.cli import main

sys.exit(main())
