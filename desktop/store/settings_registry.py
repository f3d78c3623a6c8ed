"""Every setting the desk keeps in its store's ``meta`` table, in one place.

Each key is declared once here with its type and default; code reads and writes a
setting through its typed accessors (``OFFICE_URL.get(store)``,
``OFFICE_URL.set(store, url)``), never through ``get_meta``/``set_meta`` with a string
of its own (tests/desktop/store/test_settings_registry.py holds that). A value of the
wrong type in the file — written by an older version or edited by hand — reads as the
default rather than failing later.

Adding a setting: declare it below with a comment saying who writes it, and document it
in docs/store.md ("Settings").
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

T = TypeVar("T")


class MetaStore(Protocol):
    """The part of the store a setting needs (``desktop.store.api.StoreProtocol``)."""

    def get_meta(self, key: str, default: Any = None) -> Any: ...
    def set_meta(self, key: str, value: Any) -> None: ...


@dataclass(frozen=True)
class Setting(Generic[T]):
    key: str
    default: T
    # The stored JSON value as T, or None when it is not a T (then the default is read).
    parse: Callable[[Any], T | None]
    doc: str = ""

    def get(self, store: MetaStore) -> T:
        """The stored value, or the default when unset or unusable. Raises StoreError."""
        value = store.get_meta(self.key)
        parsed = None if value is None else self.parse(value)
        # A copy: a mutable default ({} for the reference data) is shared by every read.
        return copy.copy(self.default) if parsed is None else parsed

    def set(self, store: MetaStore, value: T) -> None:
        """Store ``value`` (None removes it: reads give the default). Raises StoreError."""
        store.set_meta(self.key, value)


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _coded(value: Any) -> dict[str, Any] | None:
    return value if isinstance(value, dict) and isinstance(value.get("code"), str) else None


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _cursor(value: Any) -> str | None:
    # Older versions kept the office's change cursor as a number.
    if isinstance(value, bool):
        return None
    return str(value) if isinstance(value, str | int) else None


def _text_list(value: Any) -> list[str] | None:
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    return None


def _object(value: Any) -> dict[str, Any] | None:
    return value if isinstance(value, dict) else None


# --- the office and how to reach it (beian connect, the connection dialog) -------------
OFFICE_URL: Setting[str | None] = Setting(
    "office_url", None, _text, "the office's normalised base URL"
)
CA_FILE: Setting[str | None] = Setting(
    "ca_file", None, _text, "a root certificate file the office's HTTPS is checked with"
)
OFFICE_TIMEOUT_S: Setting[float | None] = Setting(
    "office_timeout_s", None, _number, "seconds to wait for an answer; None: the default"
)
OFFICE_PUBLIC_KEY: Setting[dict[str, Any] | None] = Setting(
    "office_public_key",
    None,
    _object,
    "the office's Ed25519 public key (base64) and fingerprint, for checking changes files",
)

# --- written by a sync pass (desktop.sync.engine) ---------------------------------------
CHANGES_CURSOR: Setting[str | None] = Setting(
    "changes_cursor", None, _cursor, "where the office's change feed was last read up to"
)
REFERENCE_ETAG: Setting[str | None] = Setting(
    "reference_etag", None, _text, "the ETag of the reference data last stored"
)
LAST_SYNC: Setting[str | None] = Setting(
    "last_sync", None, _text, "when a pass last reached the office and finished"
)
LAST_SYNC_TRY: Setting[str | None] = Setting(
    "last_sync_try", None, _text, "when a pass last started"
)
LAST_ERROR: Setting[str | None] = Setting(
    "last_error", None, _text, "the last pass's first problem, as worded for the clerk"
)
LAST_PROBLEM: Setting[dict[str, Any] | None] = Setting(
    "last_problem",
    None,
    _coded,
    "the same problem as {code, params}, for the window's own wording (none before it was kept)",
)
CLOCK_SKEW_S: Setting[float | None] = Setting(
    "clock_skew_s", None, _number, "the office's clock minus the desk's, in seconds"
)
BUNDLE_CURSOR: Setting[str | None] = Setting(
    "bundle_cursor", None, _cursor, "the last offline bundle of answers applied"
)

# --- the office's reference data (desktop.store.settings.save_reference) ---------------
REFERENCE: Setting[dict[str, Any]] = Setting(
    "reference", {}, _object, "certificate rules and the holiday calendar from the office"
)
ROSTER_UPDATED_AT: Setting[str | None] = Setting(
    "roster_updated_at", None, _text, "when the roster of officers was last replaced"
)

# --- cross-filing checks (desktop.plan_sheet, desktop.sync.changes) --------------------
PLANS: Setting[dict[str, Any] | None] = Setting(
    "plans",
    None,
    _object,
    'the unit\'s annual plans by year: {"2027": {"items": [...], "imported_at", "sent_at"}}',
)
OFFICE_NOTICES: Setting[dict[str, Any] | None] = Setting(
    "office_notices",
    None,
    _object,
    "the office's notices by filing id (joint-inspection suggestions: unit and day only)",
)

# --- the window (desktop.ui) -------------------------------------------------------------
UI_LANGUAGE: Setting[str | None] = Setting(
    "ui_language", None, _text, "the window's language; None: the source language"
)
UI_WINDOW_GEOMETRY: Setting[str | None] = Setting(
    "ui_window_geometry", None, _text, "the main window's size and place (base64)"
)
UI_SPLITTERS: Setting[list[str] | None] = Setting(
    "ui_splitters", None, _text_list, "the main window's two splitter states (base64)"
)
UI_LIST_COLUMNS: Setting[dict[str, Any] | None] = Setting(
    "ui_list_columns",
    None,
    _object,
    "the filings list's column ids and header state (base64): widths the clerk set",
)

ALL: tuple[Setting[Any], ...] = (
    OFFICE_URL,
    CA_FILE,
    OFFICE_TIMEOUT_S,
    OFFICE_PUBLIC_KEY,
    CHANGES_CURSOR,
    REFERENCE_ETAG,
    LAST_SYNC,
    LAST_SYNC_TRY,
    LAST_ERROR,
    LAST_PROBLEM,
    CLOCK_SKEW_S,
    BUNDLE_CURSOR,
    REFERENCE,
    ROSTER_UPDATED_AT,
    PLANS,
    OFFICE_NOTICES,
    UI_LANGUAGE,
    UI_WINDOW_GEOMETRY,
    UI_SPLITTERS,
    UI_LIST_COLUMNS,
)
