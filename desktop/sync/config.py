"""Where the office is and how to reach it: URL, CA file, timeouts (kept in the store's meta).

The token is not here: it lives only in the OS keyring (``desktop.token_keyring``).
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

import certifi

from desktop.store import settings_registry as settings
from desktop.sync.problems import Code, Problem, ProblemError

if TYPE_CHECKING:
    from desktop.store.api import StoreProtocol

DEFAULT_TIMEOUT_S = 30.0
MAX_CONNECT_TIMEOUT_S = 10.0


class ConfigError(ProblemError, ValueError):
    """A setting that cannot work (``.problem``: which, see desktop.sync.problems)."""


def _bad(code: Code, **params: Any) -> ConfigError:
    return ConfigError(Problem.of(code, **params))


def normalize_url(text: str) -> str:
    """The office's base URL without the API path: ``https://host[:port][/prefix]``.

    Raises ConfigError for anything that is not a plain http(s) address.
    """
    raw = (text or "").strip()
    if not raw or len(raw) > 500:
        raise _bad(Code.URL_MISSING)
    try:
        parts = urlsplit(raw)
        port = parts.port  # raises ValueError for a bad port
    except ValueError:
        raise _bad(Code.URL_INVALID, value=raw[:100]) from None
    if parts.scheme not in ("http", "https"):
        raise _bad(Code.URL_SCHEME)
    if not parts.hostname:
        raise _bad(Code.URL_NO_HOST, value=raw[:100])
    if parts.username or parts.password:
        # A password in the URL would end up in meta and logs; the token goes to the keyring.
        raise _bad(Code.URL_CREDENTIALS)
    if parts.query or parts.fragment:
        raise _bad(Code.URL_QUERY)
    path = parts.path.rstrip("/")
    for suffix in ("/api/v1", "/api"):
        if path.endswith(suffix):
            path = path[: -len(suffix)]
            break
    netloc = parts.hostname if port is None else f"{parts.hostname}:{port}"
    if ":" in parts.hostname:  # IPv6 literal
        netloc = f"[{parts.hostname}]" + ("" if port is None else f":{port}")
    return urlunsplit((parts.scheme, netloc, path, "", ""))


@dataclass(frozen=True)
class OfficeConfig:
    url: str  # normalised base URL
    ca_file: str | None = None
    timeout_s: float = DEFAULT_TIMEOUT_S

    @property
    def encrypted(self) -> bool:
        return self.url.startswith("https://")

    def api(self, path: str) -> str:
        return f"{self.url}/api/v1/{path.lstrip('/')}"

    @classmethod
    def from_store(cls, store: StoreProtocol) -> OfficeConfig | None:
        """The configuration saved in the store, or None when no office is set."""
        url = settings.OFFICE_URL.get(store)
        if not url:
            return None
        ca_file = settings.CA_FILE.get(store) or None
        timeout = settings.OFFICE_TIMEOUT_S.get(store) or DEFAULT_TIMEOUT_S
        timeout = min(max(timeout, 0.1), 600.0)
        return cls(url=normalize_url(url), ca_file=ca_file, timeout_s=timeout)


def tls_context(ca_file: str | None) -> ssl.SSLContext:
    """Certificates are always verified: the public CAs, the system's own store (where
    Windows keeps a government CA installed by the IT department), and ``ca_file``."""
    context = ssl.create_default_context(cafile=certifi.where())
    context.load_default_certs()
    if ca_file:
        try:
            context.load_verify_locations(cafile=ca_file)
        except (OSError, ssl.SSLError) as exc:
            detail = getattr(exc, "strerror", None) or str(exc)
            raise _bad(Code.CA_FILE_BAD, path=ca_file, detail=detail) from None
    return context
