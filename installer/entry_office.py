"""Frozen entry point of ``beian-office`` (the same as the ``beian-office`` console script)."""

import sys

from office.cli import main

if __name__ == "__main__":
    sys.exit(main())
