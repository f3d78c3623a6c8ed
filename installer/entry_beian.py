"""Frozen entry point of ``beian`` (the same as the ``beian`` console script)."""

import sys

from desktop.cli import main

if __name__ == "__main__":
    sys.exit(main())
