"""The office's cross-filing hints on one filing, as the desk holds them: the warnings of
the cross-filing checks on its receipt (kept with the "sent" event) and the notices of
the changes feed (``desktop.sync.changes.notices_for``). Plain Python (no Qt)."""

from __future__ import annotations

from typing import Any

from desktop.store.api import StoreError
from desktop.sync.changes import PARK_REPLY, notices_for

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
    notices = notices_for(store, filing_id)
    # A park committee's later reply supersedes its earlier one: only the latest shows.
    latest_reply = {
        str((n.get("reply") or {}).get("park") or n.get("other_unit") or ""): n.get("seq")
        for n in notices
        if n.get("code") == PARK_REPLY
    }
    for notice in notices:
        if notice.get("code") == PARK_REPLY:
            park = str((notice.get("reply") or {}).get("park") or notice.get("other_unit") or "")
            if latest_reply.get(park) != notice.get("seq"):
                continue
        reply = notice.get("reply")
        if notice.get("code") == PARK_REPLY and isinstance(reply, dict):
            message = park_reply_text(reply)  # in full: the office's message may be cut
            if message not in out:
                out.append(message)
            continue
        message = notice.get("message") or ""
        if message and message not in out:
            out.append(message[:300])
    return out[:MAX_HINTS]


def park_reply_text(reply: dict[str, Any]) -> str:
    """A park committee's reply as the filing's header says it (园区, 派员 or 无补充意见)."""
    park = str(reply.get("park") or "")
    if reply.get("kind") == "send_staff" and reply.get("staff"):
        people = "、".join(
            f"{s.get('name', '')}（{s.get('phone', '')}）"
            for s in reply["staff"]
            if isinstance(s, dict)
        )
        text = f"{park}管理委员会回复：派员参加——{people}"
    else:
        text = f"{park}管理委员会回复：无补充意见"
    note = str(reply.get("note") or "")
    return text + (f"。说明：{note}" if note else "")
