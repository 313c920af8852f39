"""`python -m cbdash ...`: see cbdash.cli."""

import sys

from cbdash.cli import main

sys.exit(main())
