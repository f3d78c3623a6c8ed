"""Frozen entry point of ``beian-office`` (the same as the ``beian-office`` console script)."""

import multiprocessing
import sys

from office.cli import main

if __name__ == "__main__":
    # serve --workers N starts worker processes by re-running this executable.
    multiprocessing.freeze_support()
    sys.exit(main())
