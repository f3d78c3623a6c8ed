"""The changes feed: receipts and returns per unit, in the order they happened.

``seq`` is an AUTOINCREMENT key, so it only grows and is never reused; the cursor
handed to a unit is the last ``seq`` it was given.
"""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database

from office.errors import bad_request

PAGE_SIZE = 500


def parse_cursor(text: str | None) -> int:
    """The ``since`` cursor as a sequence number (absent: from the beginning)."""
    if text is None or text == "":
        return 0
    if not (text.isascii() and text.isdigit() and len(text) <= 18):
        raise bad_request("同步位置（since）无效，请不带 since 重新获取全部变化。")
    return int(text)


def append(
    db: Database,
    *,
    unit: str,
    type: str,
    filing_id: str,
    revision: int,
    receipt: str,
    at: str,
    reason: str | None = None,
) -> int:
    cursor = db.execute(
        "INSERT INTO changes (unit, type, id, revision, receipt, reason, at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        [unit, type, filing_id, revision, receipt, reason, at],
    )
    return int(cursor.lastrowid)


def since(db: Database, unit: str, after: int, limit: int | None = PAGE_SIZE) -> dict[str, Any]:
    """``{"cursor", "changes"}`` for ``unit`` after sequence number ``after``."""
    sql = "SELECT * FROM changes WHERE unit = ? AND seq > ? ORDER BY seq"
    params: list[Any] = [unit, after]
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    changes = [_change(row) for row in db.query(sql, params)]
    cursor = changes[-1]["seq"] if changes else after
    return {"cursor": str(cursor), "changes": changes}


def _change(row: dict) -> dict[str, Any]:
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
