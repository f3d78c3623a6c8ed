"""``python -m office`` is ``beian-office``."""

import sys

from office.cli import main

sys.exit(main())
