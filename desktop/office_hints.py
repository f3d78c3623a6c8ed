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


def office_hints(
    store: Any, filing_id: str, revision: int, *, park_replies: bool = True
) -> list[str]:
    """The hints' messages for ``revision`` of ``filing_id``, receipt's first (the parks'
    replies last, unless the caller shows them apart: ``park_replies=False``)."""
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
        if notice.get("code") == PARK_REPLY:
            continue
        message = notice.get("message") or ""
        if message and message not in out:
            out.append(message[:300])
    if park_replies:
        out += [h for h in park_reply_hints(store, filing_id) if h not in out]
    return out[:MAX_HINTS]


def park_reply_hints(store: Any, filing_id: str) -> list[str]:
    """Each park committee's current reply to the filing, in words (a later reply of a
    park supersedes its earlier one; a notice without its reply object, from an office
    before the reply was kept, shows the office's message)."""
    latest: dict[str, tuple[int, str]] = {}
    for notice in notices_for(store, filing_id):
        if notice.get("code") != PARK_REPLY:
            continue
        reply = notice.get("reply")
        park = str(reply.get("park") if isinstance(reply, dict) else notice.get("other_unit"))
        text = park_reply_text(reply) if isinstance(reply, dict) else notice.get("message")
        given = notice.get("seq")
        seq = given if isinstance(given, int) else 0
        if isinstance(text, str) and text and (park not in latest or latest[park][0] < seq):
            latest[park] = (seq, text[:600])
    return [text for _, text in sorted(latest.values())]


def park_reply_text(reply: dict[str, Any]) -> str:
    """A park committee's reply as the filing's header says it (园区, 派员 or 无补充意见)."""
    park = str(reply.get("park") or "")
    if reply.get("kind") == "send_staff" and reply.get("staff"):
        people = "、".join(
            f"{s.get('name', '')}（{s.get('phone', '')}）"
            for s in reply["staff"]
            if isinstance(s, dict)
        )
        text = f"{park}管理委员会：派员参加——{people}"
    else:
        text = f"{park}管理委员会：无补充意见"
    note = str(reply.get("note") or "")
    return text + (f"。说明：{note}" if note else "")
