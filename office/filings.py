"""Filing revisions as the office holds them: the submitted JSON exactly as received,
who sent it, which office holds it, when, its receipt, its status and what the office
did with it."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select, update

from forms.record import format_timestamp, now
from office import audit, changes, filing_facts, offices, receipts, report_facts
from office.errors import OfficeError
from office.staff import Actor, can_read, require
from office.tables import filings as filings_table
from office.tables import notifications as notifications_table

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
    office: str = ""
    park: str | None = None

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
            "office": self.office,
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


_t = filings_table.c
_COLUMNS = (
    _t.id,
    _t.revision,
    _t.unit,
    _t.content_sha256,
    _t.digest,
    _t.received_at,
    _t.receipt,
    _t.status,
    _t.reason,
    _t.warnings,
    _t.office,
    _t.park,
)


def _held(row: Any) -> Held:
    return Held(
        row.id,
        row.revision,
        row.unit,
        row.content_sha256,
        row.digest,
        row.received_at,
        row.receipt,
        row.status,
        row.reason,
        json.loads(row.warnings),
        row.office,
        row.park,
    )


def revisions(db: Connection, filing_id: str) -> list[Held]:
    """Every revision of ``filing_id`` the office holds, for any unit, lowest first."""
    query = select(*_COLUMNS).where(_t.id == filing_id).order_by(_t.revision)
    return [_held(row) for row in db.execute(query)]


def latest(db: Connection, filing_id: str, unit: str | None = None) -> Held | None:
    """The latest revision of ``filing_id`` (only if it belongs to ``unit``, when given)."""
    held = revisions(db, filing_id)
    if not held or (unit is not None and held[-1].unit != unit):
        return None
    return held[-1]


def ids_with_prefix(db: Connection, prefix: str, limit: int = 20) -> list[str]:
    """Filing ids that start with ``prefix`` (either case), found by the primary key."""
    ids: list[str] = []
    for spelled in sorted({prefix.lower(), prefix.upper()}):
        end = spelled[:-1] + chr(ord(spelled[-1]) + 1)
        query = (
            select(_t.id)
            .distinct()
            .where((_t.id >= spelled) & (_t.id < end))
            .order_by(_t.id)
            .limit(limit)
        )
        ids += list(db.execute(query).scalars())
    return ids[:limit]


def get(db: Connection, filing_id: str, revision: int) -> tuple[Held, bytes] | None:
    """One revision and its body exactly as received."""
    query = select(*_COLUMNS, _t.body).where((_t.id == filing_id) & (_t.revision == revision))
    row = db.execute(query).first()
    return (_held(row), bytes(row.body)) if row else None


def get_many(
    db: Connection, keys: list[tuple[str, int]]
) -> dict[tuple[str, int], tuple[Held, bytes]]:
    """Several revisions (``(id, revision)``, a page of them) and their bodies in one
    query: a page of 200 fetched one by one is 200 round trips on PostgreSQL."""
    if not keys:
        return {}
    wanted = set(keys)
    # By id (the primary key's first column), the revisions not asked for left out.
    query = select(*_COLUMNS, _t.body).where(_t.id.in_(sorted({i for i, _ in wanted})))
    return {
        (row.id, row.revision): (_held(row), bytes(row.body))
        for row in db.execute(query)
        if (row.id, row.revision) in wanted
    }


def all_held(db: Connection, *, offices_in: list[str] | None = None) -> list[Held]:
    """Every revision held, in the order received (only of ``offices_in``, when given)."""
    query = select(*_COLUMNS).order_by(_t.office, _t.receipt_year, _t.receipt_no)
    if offices_in is not None:
        query = query.where(_t.office.in_(offices_in))
    return [_held(row) for row in db.execute(query)]


def visible_to(db: Connection, actor: Actor) -> list[Held]:
    """What ``actor`` may read: its office's filings and, for the city, its counties'
    (read-only); a park committee only those of enterprises in its park."""
    if actor.operator:
        return all_held(db)
    assert actor.office is not None
    ups = offices.parents(db)
    held = all_held(db, offices_in=offices.in_reach(db, actor.office))
    return [h for h in held if can_read(actor, h.office, h.park, ups)]


def store(
    db: Connection,
    *,
    filing_id: str,
    revision: int,
    unit: str,
    office: offices.Office,
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
    number, receipt = receipts.take_next(db, office.code, office.prefix, year)
    at = format_timestamp(received_at)
    db.execute(
        filings_table.insert().values(
            id=filing_id,
            revision=revision,
            unit=unit,
            office=office.code,
            body=body,
            content_sha256=content_sha256,
            digest=digest,
            received_at=at,
            receipt=receipt,
            receipt_year=year,
            receipt_no=number,
            status=FILED,
            warnings=json.dumps(warnings, ensure_ascii=False),
            source=source,
            park=park,
        )
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
    # What the workbench's list filters on (office.console.facts); waiting for review.
    filing_facts.received(
        db,
        filing_facts.facts(
            filing_id=filing_id,
            revision=revision,
            office=office.code,
            unit=unit,
            body=body,
            received_at=at,
            park=park,
            warnings=warnings,
        ),
    )
    # What the period's counts need (office.reports.counts): its report_facts row.
    report_facts.record(db, filing_id=filing_id, received_at=at, body=body, warnings=warnings)
    # The office copies every filing to the justice bureau and tells the park's
    # management committee about an enterprise in a park (潭优发〔2024〕2号, measure 1).
    recipients = [("justice_bureau", JUSTICE_BUREAU)]
    if park:
        recipients.append(("park_committee", f"{park}管理委员会"))
    for kind, recipient in recipients:
        db.execute(
            notifications_table.insert().values(
                id=filing_id,
                revision=revision,
                recipient_kind=kind,
                recipient=recipient,
                created_at=at,
            )
        )
    return Held(
        filing_id,
        revision,
        unit,
        content_sha256,
        digest,
        at,
        receipt,
        FILED,
        None,
        warnings,
        office.code,
        park,
    )


def return_latest(db: Connection, actor: Actor, filing_id: str, reason: str) -> Held:
    """Return the latest revision of ``filing_id`` to its unit (inside a write
    transaction). Only the holding office's admins and reviewers may."""
    reason = reason.strip()
    if not reason:
        raise OfficeError("请填写退回原因（--reason）。")
    if len(reason) > MAX_REASON_LENGTH:
        raise OfficeError(f"退回原因最多 {MAX_REASON_LENGTH} 个字。")
    held = latest(db, filing_id)
    if held is None:
        raise OfficeError(f"未找到备案 {filing_id}。")
    require(actor, "return", held.office)
    if held.status == RETURNED:
        raise OfficeError(
            f"备案 {filing_id} 第 {held.revision} 版已于此前退回，等待检查单位修改后重新提交。"
        )
    at = format_timestamp(now())
    db.execute(
        update(filings_table)
        .where((_t.id == filing_id) & (_t.revision == held.revision))
        .values(status=RETURNED, reason=reason, returned_at=at)
    )
    filing_facts.done(db, filing_id, held.revision)  # no longer 待审
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
    audit.record(
        db,
        actor,
        "returned",
        f"{filing_id}/{held.revision}",
        office=held.office,
        receipt=held.receipt,
        status={"from": FILED, "to": RETURNED},
        reason=reason,
    )
    return replace(held, status=RETURNED, reason=reason)


def notifications(db: Connection) -> list[dict[str, Any]]:
    n = notifications_table.c
    query = select(
        n.id, n.revision, n.recipient_kind, n.recipient, n.created_at, n.sent_at
    ).order_by(n.seq)
    return [dict(row._mapping) for row in db.execute(query)]


def review_page(
    db: Connection, offices_in: list[str], *, limit: int = 50, before: str | None = None
) -> list[Held]:
    """A page of the review list: the newest revisions first of ``offices_in``, after
    the ``received_at`` of the previous page's last row (keyset paging: as fast on page
    1,000 as on page 1, through the index on office and received time)."""
    query = select(*_COLUMNS).where(_t.office.in_(offices_in))
    if before is not None:
        query = query.where(_t.received_at < before)
    query = query.order_by(_t.received_at.desc(), _t.id).limit(limit)
    return [_held(row) for row in db.execute(query)]


def search(db: Connection, offices_in: list[str], text: str, *, limit: int = 50) -> list[Held]:
    """Revisions of ``offices_in`` whose receipt or id is ``text`` (through their
    indexes), else those whose unit contains it (a scan of the offices' rows: there is
    no full-text index), newest first."""
    text = text.strip()[:64]
    if not text:
        return []
    exact = (
        select(*_COLUMNS)
        .where(_t.office.in_(offices_in) & ((_t.receipt == text) | (_t.id == text)))
        .order_by(_t.received_at.desc())
        .limit(limit)
    )
    found = [_held(row) for row in db.execute(exact)]
    if found:
        return found
    pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    query = (
        select(*_COLUMNS)
        .where(_t.office.in_(offices_in) & _t.unit.like(pattern, escape="\\"))
        .order_by(_t.received_at.desc())
        .limit(limit)
    )
    return [_held(row) for row in db.execute(query)]
