"""Every state a sync pass, the window's sync worker and a connection check can be in.

One module, imported by the engine, the command line and the window alike (it imports
nothing, so the window may use it before its first paint without loading the network
code). The values are strings, so they compare equal to the old string constants and
serialise to JSON as they always did.
"""

from __future__ import annotations

from enum import StrEnum


class PassState(StrEnum):
    """How one pass ended (``engine.PassResult.state``, ``beian sync --json``)."""

    OK = "ok"
    OFFLINE = "offline"  # the office could not be reached; nothing was attempted
    PARTIAL = "partial"  # reached, but something failed (see the problems)
    NEEDS_TOKEN = "needs_token"
    NOT_CONFIGURED = "not_configured"  # no office address, or no usable keyring
    BUSY = "busy"  # another pass holds the data folder's lock


class WorkerState(StrEnum):
    """What the window's status bar shows (``desktop.ui.sync_worker``)."""

    IDLE = "idle"  # the last pass went well
    SYNCING = "syncing"
    OFFLINE = "offline"  # the office cannot be reached now; retries on its own
    PROBLEM = "problem"  # reached, but something failed (the text says what)
    NEEDS_TOKEN = "needs_token"  # ask the clerk for a new token
    NOT_CONFIGURED = "not_configured"  # no office address, or no usable keyring


class CheckState(StrEnum):
    """The outcome of checking the saved connection (``connect.check_connection``)."""

    OK = "ok"
    UNREACHABLE = "unreachable"
    TOKEN_REJECTED = "token_rejected"
    NO_TOKEN = "no_token"
    NOT_AN_OFFICE = "not_an_office"
    NO_KEYRING = "no_keyring"
