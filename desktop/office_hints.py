"""The office's cross-filing hints on one filing, as the desk holds them: the warnings of
the cross-filing checks on its receipt (kept with the "sent" event) and the notices of
the changes feed (``desktop.sync.changes.notices_for``). Plain Python (no Qt)."""

from __future__ import annotations

from typing import Any

from desktop.store.api import StoreError
from desktop.sync.changes import notices_for

# The office's codes (docs/rules.md, "Cross-filing checks"); the desk never imports office.
CROSSCHECK_CODES = (
    "joint_inspection_suggested",
    "repeated_inspection",
    "white_list",
    "key_supervision",
    "unplanned",
)
MAX_HINTS = 8


def office_hints(store: Any, filing_id: str, revision: int) -> list[str]:
    """The hints' messages for ``revision`` of ``filing_id``, receipt's first."""
    out: list[str] = []
    try:
        events = store.history(filing_id)
    except (StoreError, AttributeError):
        events = []
    for event in events:
        if event.kind != "sent" or event.revision != revision:
            continue
        for w in event.detail.get("warnings") or []:
            if isinstance(w, dict) and w.get("code") in CROSSCHECK_CODES:
                message = w.get("message")
                if isinstance(message, str) and message and message not in out:
                    out.append(message[:300])
    for notice in notices_for(store, filing_id):
        message = notice.get("message") or ""
        if message and message not in out:
            out.append(message[:300])
    return out[:MAX_HINTS]
