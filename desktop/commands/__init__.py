"""Subcommands of ``beian``; each module has ``register(subparsers)``."""

from desktop.commands import validate

ALL = [validate]
