"""The office's decisions on a filing, in the store: 审核通过, 备注, the return-reason
templates — each checked with ``office.staff.require`` before anything changes and
written in the same transaction as its audit entry. (退回 is ``office.filings.return_latest``,
the same operation the command line uses.)"""

from __future__ import annotations

from sqlalchemy import Connection, select, update

from forms.normalize import single_line
from forms.record import format_timestamp, now
from office import audit, changes, filings
from office.errors import OfficeError
from office.staff import Actor, require
from office.tables import notes, return_templates, reviews

MAX_NOTE_LENGTH = 1000
MAX_TEMPLATE_LENGTH = filings.MAX_REASON_LENGTH
MAX_TEMPLATES = 50


def reviewed_revisions(db: Connection, filing_id: str) -> dict[int, tuple[str, str]]:
    """revision -> (actor, at) of every 审核通过 of ``filing_id``."""
    r = reviews.c
    query = select(r.revision, r.actor, r.at).where(r.id == filing_id)
    return {row.revision: (row.actor, row.at) for row in db.execute(query)}


def approve(db: Connection, actor: Actor, filing_id: str) -> filings.Held:
    """审核通过 the latest revision (inside a write transaction): only the holding
    office's admins and reviewers; a returned or already reviewed revision is refused."""
    held = filings.latest(db, filing_id)
    if held is None:
        raise OfficeError("未找到这份备案。")
    require(actor, "return", held.office)
    if held.status == filings.RETURNED:
        raise OfficeError(f"第 {held.revision} 版已退回，等待检查单位修改后重新提交。")
    if held.revision in reviewed_revisions(db, filing_id):
        raise OfficeError(f"第 {held.revision} 版已审核通过。")
    at = format_timestamp(now())
    db.execute(
        reviews.insert().values(
            id=filing_id, revision=held.revision, office=held.office, actor=actor.name, at=at
        )
    )
    changes.append(
        db,
        unit=held.unit,
        type="reviewed",
        filing_id=filing_id,
        revision=held.revision,
        receipt=held.receipt,
        at=at,
    )
    audit.record(
        db,
        actor,
        "reviewed",
        f"{filing_id}/{held.revision}",
        office=held.office,
        receipt=held.receipt,
    )
    return held


def add_note(db: Connection, actor: Actor, filing_id: str, text: str) -> None:
    """备注: an internal note on the latest revision; the unit never sees it."""
    text = text.strip()
    if not text:
        raise OfficeError("请填写备注内容。")
    if len(text) > MAX_NOTE_LENGTH:
        raise OfficeError(f"备注最多 {MAX_NOTE_LENGTH} 个字。")
    held = filings.latest(db, filing_id)
    if held is None:
        raise OfficeError("未找到这份备案。")
    require(actor, "return", held.office)
    at = format_timestamp(now())
    db.execute(
        notes.insert().values(
            id=filing_id,
            revision=held.revision,
            office=held.office,
            actor=actor.name,
            text=text,
            at=at,
        )
    )
    audit.record(db, actor, "noted", f"{filing_id}/{held.revision}", office=held.office, text=text)


def notes_of(db: Connection, filing_id: str) -> list[dict[str, object]]:
    n = notes.c
    query = select(n.revision, n.actor, n.text, n.at).where(n.id == filing_id).order_by(n.seq)
    return [dict(row._mapping) for row in db.execute(query)]


def templates_of(db: Connection, office: str) -> list[tuple[int, str]]:
    """The office's return-reason templates in use: (seq, text), oldest first."""
    t = return_templates.c
    query = (
        select(t.seq, t.text).where((t.office == office) & t.retired_at.is_(None)).order_by(t.seq)
    )
    return [(int(row.seq), row.text) for row in db.execute(query)]


def add_template(db: Connection, actor: Actor, office: str, text: str) -> None:
    require(actor, "return", office)
    text = single_line(text)
    if not text:
        raise OfficeError("请填写模板内容。")
    if len(text) > MAX_TEMPLATE_LENGTH:
        raise OfficeError(f"退回原因模板最多 {MAX_TEMPLATE_LENGTH} 个字。")
    if len(templates_of(db, office)) >= MAX_TEMPLATES:
        raise OfficeError(f"退回原因模板最多 {MAX_TEMPLATES} 条，请先删除不用的。")
    db.execute(
        return_templates.insert().values(
            office=office, text=text, created_at=format_timestamp(now())
        )
    )
    audit.record(db, actor, "return_template_added", office, office=office, text=text)


def retire_template(db: Connection, actor: Actor, office: str, seq: int) -> None:
    require(actor, "return", office)
    t = return_templates.c
    done = db.execute(
        update(return_templates)
        .where((t.seq == seq) & (t.office == office) & t.retired_at.is_(None))
        .values(retired_at=format_timestamp(now()))
    ).rowcount
    if done:
        audit.record(db, actor, "return_template_retired", office, office=office, seq=seq)
