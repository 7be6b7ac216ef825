"""``python -m monitor.cli``: the command line without the desktop app."""

import sys

from monitor.cli import main

sys.exit(main())
