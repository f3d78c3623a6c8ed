"""The park committee's reply as printed on the unit's copy (园区管委会回复): plain text
lines from the reply data the caller passes in (the desk keeps it from the office's
notices; docs/sync.md). Pure: no store, no network.

A reply is a mapping ``{"park", "kind": "send_staff" | "nothing_to_add", "staff":
[{"name", "phone"}], "note", "at"}``; anything else in it is ignored, and a malformed
one prints nothing rather than failing the whole copy.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from forms.pdf import layout

# Used when a form definition predates the reply marks.
DEFAULT_MARKS = {
    "park_reply_title": "园区管委会回复",
    "park_reply_staff": "{park}管理委员会{at}：派员参加，{staff}",
    "park_reply_nothing": "{park}管理委员会{at}：无补充意见",
    "park_reply_note": "说明：{note}",
    "park_reply_at": "（{at}回复）",
    # a space, not brackets (and the time near the line's start): reportlab's CJK
    # wrapping may leave an opening bracket at a line's end
    "park_reply_person": "{name} {phone}",
}
MAX_REPLIES = 5
MAX_STAFF = 5


def _text(value: Any, limit: int) -> str:
    return layout.printable(value)[:limit] if isinstance(value, str) else ""


def _when(at: str) -> str:
    """``2026-12-01T10:05:00+08:00`` → ``2026-12-01 10:05`` (the office's local time)."""
    return at[:16].replace("T", " ") if len(at) >= 16 else at


def reply_lines(replies: Sequence[Mapping[str, Any]], marks: Mapping[str, str]) -> list[str]:
    """The box's lines: its title, then each reply (and its note)."""
    m = {**DEFAULT_MARKS, **{k: v for k, v in marks.items() if k in DEFAULT_MARKS}}
    lines: list[str] = []
    for reply in list(replies)[:MAX_REPLIES]:
        if not isinstance(reply, Mapping):
            continue
        park = _text(reply.get("park"), 100)
        kind = reply.get("kind")
        given = reply.get("staff")
        staff: list[Any] = given if isinstance(given, list) else []
        people = [
            m["park_reply_person"].format(
                name=_text(s.get("name"), 40), phone=_text(s.get("phone"), 40)
            )
            for s in staff[:MAX_STAFF]
            if isinstance(s, Mapping) and _text(s.get("name"), 40)
        ]
        if not park or kind not in ("send_staff", "nothing_to_add"):
            continue
        at = _text(reply.get("at"), 40)
        when = m["park_reply_at"].format(at=_when(at)) if at else ""
        if kind == "send_staff":
            if not people:
                continue  # never print "nothing to add" for a reply that says otherwise
            line = m["park_reply_staff"].format(park=park, at=when, staff="、".join(people))
        else:
            line = m["park_reply_nothing"].format(park=park, at=when)
        lines.append(line)
        note = _text(reply.get("note"), 300)
        if note:
            lines.append(m["park_reply_note"].format(note=note))
    return [m["park_reply_title"], *lines] if lines else []
