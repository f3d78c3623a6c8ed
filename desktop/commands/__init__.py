"""Subcommands of ``beian``; each module has ``register(subparsers)``."""

from desktop.commands import sync, validate

ALL = [validate, sync]
