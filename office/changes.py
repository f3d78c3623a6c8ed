"""The changes feed: receipts and returns per unit, in the order they happened.

``seq`` is an AUTOINCREMENT key, so it only grows and is never reused; the cursor
handed to a unit is the last ``seq`` it was given.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from office.errors import bad_request
from office.tables import changes as changes_table

PAGE_SIZE = 500


def parse_cursor(text: str | None) -> int:
    """The ``since`` cursor as a sequence number (absent: from the beginning)."""
    if text is None or text == "":
        return 0
    if not (text.isascii() and text.isdigit() and len(text) <= 18):
        raise bad_request("同步位置（since）无效，请不带 since 重新获取全部变化。")
    return int(text)


def append(
    db: Connection,
    *,
    unit: str,
    type: str,
    filing_id: str,
    revision: int,
    receipt: str,
    at: str,
    reason: str | None = None,
) -> int:
    seq = db.execute(
        changes_table.insert()
        .values(
            unit=unit,
            type=type,
            id=filing_id,
            revision=revision,
            receipt=receipt,
            reason=reason,
            at=at,
        )
        .returning(changes_table.c.seq)
    ).scalar_one()
    return int(seq)


def since(db: Connection, unit: str, after: int, limit: int | None = PAGE_SIZE) -> dict[str, Any]:
    """``{"cursor", "changes"}`` for ``unit`` after sequence number ``after``."""
    c = changes_table.c
    query = select(changes_table).where((c.unit == unit) & (c.seq > after)).order_by(c.seq)
    if limit is not None:
        query = query.limit(limit)
    changes = [_change(row._mapping) for row in db.execute(query)]
    notices = [c["seq"] for c in changes if c["type"] == "notice"]
    if notices:
        from office.crosscheck import notice_details  # the checks use this module

        details = notice_details(db, notices)
        from office.park_replies import notice_details as park_reply_details

        details.update(park_reply_details(db, notices))  # a park committee's replies
        for entry in changes:
            if entry["type"] == "notice":
                # A notice: the other unit's name and day only (never its content).
                del entry["receipt"]
                entry.update(details.get(entry["seq"], {}))
                entry["at"] = entry.pop("at")
    cursor = changes[-1]["seq"] if changes else after
    return {"cursor": str(cursor), "changes": changes}


def _change(row: Any) -> dict[str, Any]:
    change = {
        "seq": row["seq"],
        "type": row["type"],
        "id": row["id"],
        "revision": row["revision"],
        "receipt": row["receipt"],
    }
    if row["type"] == "returned":
        change["reason"] = row["reason"]
    change["at"] = row["at"]
    return change
