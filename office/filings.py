"""Filing revisions as the office holds them: the submitted JSON exactly as received,
who sent it, when, its receipt, its status and what the office did with it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlite_utils import Database

from forms.record import format_timestamp, now
from office import changes, receipts
from office.errors import OfficeError

FILED = "filed"
RETURNED = "returned"
MAX_REASON_LENGTH = 500

JUSTICE_BUREAU = "司法行政部门"


@dataclass(frozen=True)
class Held:
    """One stored filing revision (without its body unless asked for)."""

    id: str
    revision: int
    unit: str
    content_sha256: str
    digest: str
    received_at: str
    receipt: str
    status: str
    reason: str | None
    warnings: list[dict[str, Any]]

    def receipt_body(self) -> dict[str, Any]:
        """The receipt as ``POST /api/v1/filings`` answers it."""
        return {
            "id": self.id,
            "revision": self.revision,
            "receipt": self.receipt,
            "status": self.status,
            "received_at": self.received_at,
            "digest": self.digest,
            "warnings": self.warnings,
        }

    def summary(self) -> dict[str, Any]:
        """One line of ``beian-office filings --json``."""
        return {
            "id": self.id,
            "revision": self.revision,
            "unit": self.unit,
            "receipt": self.receipt,
            "status": self.status,
        }

    def view(self) -> dict[str, Any]:
        """The unit's view of its filing (``GET /api/v1/filings/{id}``)."""
        return {
            "id": self.id,
            "revision": self.revision,
            "receipt": self.receipt,
            "status": self.status,
            "reason": self.reason,
            "received_at": self.received_at,
        }


_COLUMNS = (
    "id, revision, unit, content_sha256, digest, received_at, receipt, status, reason, warnings"
)


def _held(row: dict) -> Held:
    return Held(
        row["id"],
        row["revision"],
        row["unit"],
        row["content_sha256"],
        row["digest"],
        row["received_at"],
        row["receipt"],
        row["status"],
        row["reason"],
        json.loads(row["warnings"]),
    )


def revisions(db: Database, filing_id: str) -> list[Held]:
    """Every revision of ``filing_id`` the office holds, for any unit, lowest first."""
    sql = f"SELECT {_COLUMNS} FROM filings WHERE id = ? ORDER BY revision"
    return [_held(row) for row in db.query(sql, [filing_id])]


def latest(db: Database, filing_id: str, unit: str | None = None) -> Held | None:
    """The latest revision of ``filing_id`` (only if it belongs to ``unit``, when given)."""
    held = revisions(db, filing_id)
    if not held or (unit is not None and held[-1].unit != unit):
        return None
    return held[-1]


def ids_with_prefix(db: Database, prefix: str, limit: int = 20) -> list[str]:
    """Filing ids that start with ``prefix`` (either case), found by the primary key."""
    ids: list[str] = []
    for spelled in sorted({prefix.lower(), prefix.upper()}):
        end = spelled[:-1] + chr(ord(spelled[-1]) + 1)
        sql = "SELECT DISTINCT id FROM filings WHERE id >= ? AND id < ? ORDER BY id LIMIT ?"
        ids += [row["id"] for row in db.query(sql, [spelled, end, limit])]
    return ids[:limit]


def get(db: Database, filing_id: str, revision: int) -> tuple[Held, bytes] | None:
    """One revision and its body exactly as received."""
    sql = f"SELECT {_COLUMNS}, body FROM filings WHERE id = ? AND revision = ?"
    for row in db.query(sql, [filing_id, revision]):
        return _held(row), bytes(row["body"])
    return None


def all_held(db: Database) -> list[Held]:
    return [_held(row) for row in db.query(f"SELECT {_COLUMNS} FROM filings ORDER BY rowid")]


def store(
    db: Database,
    *,
    filing_id: str,
    revision: int,
    unit: str,
    body: bytes,
    content_sha256: str,
    digest: str,
    received_at: datetime,
    warnings: list[dict[str, Any]],
    source: str,
    park: str | None,
) -> Held:
    """Store a new revision with its receipt, its change and its notifications
    (call inside a write transaction)."""
    year = received_at.year  # received_at is in Shanghai time
    number, receipt = receipts.take_next(db, year)
    at = format_timestamp(received_at)
    db.execute(
        "INSERT INTO filings (id, revision, unit, body, content_sha256, digest, received_at, "
        "receipt, receipt_year, receipt_no, status, warnings, source) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            filing_id,
            revision,
            unit,
            body,
            content_sha256,
            digest,
            at,
            receipt,
            year,
            number,
            FILED,
            json.dumps(warnings, ensure_ascii=False),
            source,
        ],
    )
    changes.append(
        db,
        unit=unit,
        type="receipt",
        filing_id=filing_id,
        revision=revision,
        receipt=receipt,
        at=at,
    )
    # The office copies every filing to the justice bureau and tells the park's
    # management committee about an enterprise in a park (潭优发〔2024〕2号, measure 1).
    recipients = [("justice_bureau", JUSTICE_BUREAU)]
    if park:
        recipients.append(("park_committee", f"{park}管理委员会"))
    for kind, recipient in recipients:
        db.execute(
            "INSERT INTO notifications (id, revision, recipient_kind, recipient, created_at) "
            "VALUES (?, ?, ?, ?, ?)",
            [filing_id, revision, kind, recipient, at],
        )
    return Held(
        filing_id, revision, unit, content_sha256, digest, at, receipt, FILED, None, warnings
    )


def return_latest(db: Database, filing_id: str, reason: str) -> Held:
    """Return the latest revision of ``filing_id`` to its unit (inside a write transaction)."""
    reason = reason.strip()
    if not reason:
        raise OfficeError("请填写退回原因（--reason）。")
    if len(reason) > MAX_REASON_LENGTH:
        raise OfficeError(f"退回原因最多 {MAX_REASON_LENGTH} 个字。")
    held = latest(db, filing_id)
    if held is None:
        raise OfficeError(f"未找到备案 {filing_id}。")
    if held.status == RETURNED:
        raise OfficeError(
            f"备案 {filing_id} 第 {held.revision} 版已于此前退回，等待检查单位修改后重新提交。"
        )
    at = format_timestamp(now())
    db.execute(
        "UPDATE filings SET status = ?, reason = ?, returned_at = ? WHERE id = ? AND revision = ?",
        [RETURNED, reason, at, filing_id, held.revision],
    )
    changes.append(
        db,
        unit=held.unit,
        type="returned",
        filing_id=filing_id,
        revision=held.revision,
        receipt=held.receipt,
        reason=reason,
        at=at,
    )
    return Held(
        held.id,
        held.revision,
        held.unit,
        held.content_sha256,
        held.digest,
        held.received_at,
        held.receipt,
        RETURNED,
        reason,
        held.warnings,
    )


def notifications(db: Database) -> list[dict[str, Any]]:
    return list(
        db.query(
            "SELECT id, revision, recipient_kind, recipient, created_at, sent_at "
            "FROM notifications ORDER BY seq"
        )
    )
