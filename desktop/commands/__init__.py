"""Subcommands of ``beian``; each module has ``register(subparsers)``."""

from desktop.commands import imports, pdf, plan, sync, validate

ALL = [validate, sync, imports, pdf, plan]
