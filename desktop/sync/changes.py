"""Apply the office's changes feed (receipts, returns, 审核通过) to the desk's store.

Used by the online pull and by ``beian import-changes``. Applying is idempotent: a change
seen twice (a cursor stored late, a bundle imported twice) finds the filing already in
the state it describes and does nothing. Changes for filings this desk does not hold
(another PC of the same unit) are skipped.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from desktop.store import settings_registry as settings
from desktop.store.api import QUEUED, RETURNED, SENT, StoreError

log = logging.getLogger(__name__)


@dataclass
class Applied:
    sent: list[tuple[str, int, str]] = field(default_factory=list)  # id, revision, receipt
    returned: list[tuple[str, int, str]] = field(default_factory=list)  # id, revision, reason
    reviewed: list[tuple[str, int]] = field(default_factory=list)  # id, revision (审核通过)
    skipped: int = 0
    bad: int = 0  # malformed entries, ignored
    notices: int = 0  # the office's notices newly kept (joint-inspection suggestions, park replies)
    park_replies: list[str] = field(default_factory=list)  # filing ids with a new park reply


def _valid(change: Any) -> bool:
    return (
        isinstance(change, dict)
        and change.get("type") in ("receipt", "returned", "reviewed")
        and isinstance(change.get("id"), str)
        and isinstance(change.get("revision"), int)
        and not isinstance(change.get("revision"), bool)
        and isinstance(change.get("receipt"), str)
        and bool(change.get("receipt"))
    )


def receipt_from_change(change: dict[str, Any]) -> dict[str, Any]:
    """A receipt record (shaped like the POST answer) built from a feed entry."""
    return {
        "id": change["id"],
        "revision": change["revision"],
        "receipt": change["receipt"],
        "status": "filed",
        "received_at": change.get("at") if isinstance(change.get("at"), str) else None,
        "source": "changes",
    }


def _notice(change: Any) -> dict[str, Any] | None:
    """A well-formed notice as the desk keeps it (the other unit's name and day only)."""
    if not (
        isinstance(change, dict)
        and change.get("type") == "notice"
        and isinstance(change.get("id"), str)
        and 0 < len(change["id"]) <= 64
        and isinstance(change.get("seq"), int)
    ):
        return None
    out: dict[str, Any] = {"seq": change["seq"]}
    for key, limit in (("code", 64), ("other_unit", 100), ("other_date", 10), ("message", 500)):
        value = change.get(key)
        out[key] = value[:limit] if isinstance(value, str) else ""
    out["at"] = change.get("at") if isinstance(change.get("at"), str) else ""
    if out["code"] == PARK_REPLY:
        reply = _park_reply(change.get("reply"))
        if reply is not None:
            out["reply"] = reply
    return out


PARK_REPLY = "park_reply"  # a park committee's reply (office.park_replies)
PARK_REPLY_KINDS = ("send_staff", "nothing_to_add")


def _park_reply(value: Any) -> dict[str, Any] | None:
    """A park committee's reply as the desk keeps it to print (limits as the office's)."""
    if not isinstance(value, dict) or value.get("kind") not in PARK_REPLY_KINDS:
        return None
    park = value.get("park")
    if not isinstance(park, str) or not park:
        return None
    given = value.get("staff")
    staff: list[Any] = given if isinstance(given, list) else []
    people = [
        {"name": s["name"][:40], "phone": s["phone"][:40]}
        for s in staff[:5]
        if isinstance(s, dict)
        and isinstance(s.get("name"), str)
        and isinstance(s.get("phone"), str)
    ]
    note, at = value.get("note"), value.get("at")
    return {
        "park": park[:100],
        "kind": value["kind"],
        "staff": people,
        "note": note[:300] if isinstance(note, str) else "",
        "at": at[:40] if isinstance(at, str) else "",
    }


def park_replies_for(store: Any, filing_id: str) -> list[dict[str, Any]]:
    """The parks' current replies to one filing (the latest notice of each park), as
    ``forms.pdf.render_pdf(park_replies=...)`` prints them on the unit's copy."""
    latest: dict[str, tuple[int, dict[str, Any]]] = {}
    for notice in notices_for(store, filing_id):
        reply = notice.get("reply")
        if notice.get("code") != PARK_REPLY or not isinstance(reply, dict):
            continue
        given = notice.get("seq")
        seq = given if isinstance(given, int) else 0
        park = str(reply.get("park", ""))
        if park not in latest or latest[park][0] < seq:
            latest[park] = (seq, reply)
    return [reply for _, reply in sorted(latest.values(), key=lambda item: item[0])]


def keep_notices(
    store: Any,
    notices: list[tuple[str, dict[str, Any]]],
    new: list[tuple[str, dict[str, Any]]] | None = None,
) -> int:
    """Add the notices to the store's kept ones (by filing id; a seq seen twice once);
    the ones newly kept are appended to ``new`` when given."""
    if not notices:
        return 0
    held = settings.OFFICE_NOTICES.get(store) or {}
    added = 0
    for filing_id, notice in notices:
        mine = held.setdefault(filing_id, [])
        if any(n.get("seq") == notice["seq"] for n in mine):
            continue
        mine.append(notice)
        added += 1
        if new is not None:
            new.append((filing_id, notice))
    if added:
        settings.OFFICE_NOTICES.set(store, held)
    return added


def notices_for(store: Any, filing_id: str) -> list[dict[str, Any]]:
    """The office's notices on one filing, oldest first."""
    try:
        return list((settings.OFFICE_NOTICES.get(store) or {}).get(filing_id, []))
    except (StoreError, AttributeError):
        return []


def apply_changes(store: Any, changes: list[Any], *, now_text: str) -> Applied:
    out = Applied()
    notices: list[tuple[str, dict[str, Any]]] = []
    for change in changes:
        notice = _notice(change)
        if notice is not None:
            notices.append((change["id"], notice))
            continue
        if not _valid(change):
            out.bad += 1
            continue
        fid, rev = change["id"], change["revision"]
        row = store.get(fid)
        if row is None or row.revision != rev:
            out.skipped += 1
            continue
        try:
            if change["type"] == "receipt":
                if row.status == QUEUED:
                    # The receipt arrived through the feed: the office committed a send
                    # whose answer this desk never heard. No resend needed.
                    store.mark_sent(fid, rev, receipt_from_change(change))
                    out.sent.append((fid, rev, change["receipt"]))
                else:
                    out.skipped += 1
            elif change["type"] == "reviewed":
                if row.status == SENT and store.mark_reviewed(fid, rev):
                    out.reviewed.append((fid, rev))
                else:
                    out.skipped += 1
            else:
                reason = change.get("reason")
                reason = reason.strip() if isinstance(reason, str) and reason.strip() else ""
                reason = reason or "办公室未说明原因。"
                at = change.get("at") if isinstance(change.get("at"), str) else now_text
                if row.status == QUEUED:
                    store.mark_sent(fid, rev, receipt_from_change(change))
                    row = store.get(fid)
                if row is not None and row.status == SENT:
                    store.mark_returned(fid, rev, reason[:2000], at)
                    out.returned.append((fid, rev, reason))
                elif row is not None and row.status == RETURNED:
                    out.skipped += 1
                else:
                    out.skipped += 1
        except StoreError as exc:
            log.warning("change for %s revision %s not applied: %s", fid, rev, exc)
            out.skipped += 1
    try:
        new: list[tuple[str, dict[str, Any]]] = []
        out.notices = keep_notices(store, notices, new)
        out.park_replies = list(
            dict.fromkeys(fid for fid, n in new if n.get("code") == PARK_REPLY and "reply" in n)
        )
    except (StoreError, AttributeError) as exc:  # a store without meta (bundle checks)
        log.warning("notices not kept: %s", exc)
    return out
