"""Subcommands of ``beian``; each module has ``register(subparsers)``."""

from desktop.commands import imports, sync, validate

ALL = [validate, sync, imports]
