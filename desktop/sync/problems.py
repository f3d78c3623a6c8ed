"""What went wrong with the office, the keyring or the settings, as codes.

The sync services (``desktop.sync``, ``desktop.token_keyring``) raise and return a
:class:`Problem`: a :class:`Code` and the few values that fill in its wording. They do
not word it for anyone. Two catalogues do, one per audience:

- ``desktop.sync.messages`` words a code for a terminal (``beian``: it may name
  commands) and for the record (the last error kept in the store, the log);
- ``desktop.ui.wording`` words it for the window (translatable; it points to buttons and
  dialogs, never to a command).

``str(problem)`` and ``str(exc)`` give the terminal wording, so code that printed the
old messages keeps working.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Any


class Code(StrEnum):
    # Settings and the keyring.
    NO_OFFICE = "no_office"  # no office address saved
    NO_TOKEN = "no_token"  # no token in the keyring for this office
    NO_KEYRING = "no_keyring"  # reason: none | unloadable | locked | error
    URL_MISSING = "url_missing"
    URL_INVALID = "url_invalid"  # value
    URL_SCHEME = "url_scheme"
    URL_NO_HOST = "url_no_host"  # value
    URL_CREDENTIALS = "url_credentials"
    URL_QUERY = "url_query"
    TIMEOUT_RANGE = "timeout_range"
    CA_FILE_BAD = "ca_file_bad"  # path, detail
    TOKEN_MISSING = "token_missing"  # nothing given as the token
    TOKEN_MALFORMED = "token_malformed"
    SYNC_BUSY = "sync_busy"  # another pass is running
    # Reaching the office.
    UNREACHABLE = "unreachable"  # detail: timeout | no_connection
    CERT_FAILED = "cert_failed"  # detail (the TLS library's words)
    NO_ANSWER = "no_answer"  # detail: timeout | interrupted | network
    NOT_AN_OFFICE = "not_an_office"  # status (of /health)
    BAD_ANSWER = "bad_answer"  # status
    TOO_MANY_CHANGES = "too_many_changes"
    SERVER_BUSY = "server_busy"  # status
    TOKEN_REJECTED = "token_rejected"
    CONNECTED = "connected"
    # A filing refused by the office: status; office (its own message, if any).
    REFUSED = "refused"
    # Warnings of a pass.
    CLOCK_SKEW = "clock_skew"  # minutes
    OFFICE_TIME_UNREADABLE = "office_time_unreadable"
    BAD_REFERENCE = "bad_reference"  # detail
    STORE = "store"  # text: a StoreError's message (the store words its own errors)


@dataclass(frozen=True)
class Problem:
    code: Code
    params: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))

    @classmethod
    def of(cls, code: Code, **params: Any) -> Problem:
        return cls(code, MappingProxyType(dict(params)))

    def __str__(self) -> str:
        from desktop.sync import messages  # the terminal's catalogue

        return messages.terminal(self)

    def stored(self) -> dict[str, Any]:
        """``{"code", "params"}`` as the store keeps it beside the terminal's text."""
        return {"code": str(self.code.value), "params": dict(self.params)}

    @classmethod
    def from_stored(cls, value: Any) -> Problem | None:
        """The problem :meth:`stored` kept; None for anything else (old text, unknown code)."""
        if not isinstance(value, dict):
            return None
        try:
            code = Code(str(value.get("code")))
        except ValueError:
            return None
        params = value.get("params")
        return cls.of(code, **(params if isinstance(params, dict) else {}))

    def to_dict(self) -> dict[str, Any]:
        return {"code": str(self.code.value), **{k: v for k, v in self.params.items()}}


class ProblemError(Exception):
    """Base of the services' exceptions that carry a :class:`Problem` (``.problem``);
    ``str(exc)`` is the terminal wording (for the log and old callers)."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem)
        self.problem = problem

    @property
    def code(self) -> Code:
        return self.problem.code

    def __str__(self) -> str:
        return str(self.problem)
