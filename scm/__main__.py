"""``python -m scm COMMAND``: the operator's commands (scm/cli.py)."""

import sys

from scm.cli import main

sys.exit(main())
