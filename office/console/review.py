"""The office's decisions on a filing, in the store: 审核通过, 备注, the return-reason
templates — each checked with ``office.staff.require`` before anything changes and
written in the same transaction as its audit entry. (退回 is ``office.filings.return_latest``,
the same operation the command line uses.)"""

from __future__ import annotations

from sqlalchemy import Connection, func, select, update

from forms.record import format_timestamp, now
from office import audit, changes, filing_facts, filings
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
    filing_facts.done(db, filing_id, held.revision)  # no longer 待审
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
    """The office's return-reason templates in use: (seq, text), in the office's order
    (oldest first until someone moves one)."""
    t = return_templates.c
    query = (
        select(t.seq, t.text)
        .where((t.office == office) & t.retired_at.is_(None))
        .order_by(func.coalesce(t.position, t.seq), t.seq)
    )
    return [(int(row.seq), row.text) for row in db.execute(query)]


def template_text(db: Connection, office: str, seq: int) -> str | None:
    """The text of the office's template ``seq`` in use; None for any other (retired,
    unknown, another office's)."""
    t = return_templates.c
    query = select(t.text).where((t.seq == seq) & (t.office == office) & t.retired_at.is_(None))
    found = db.execute(query).scalar_one_or_none()
    return None if found is None else str(found)


def checked_template_text(text: str) -> str:
    """A template's text as typed (only trimmed: it becomes a return reason verbatim),
    within the reason's length; a Chinese OfficeError otherwise."""
    text = text.strip()
    if not text:
        raise OfficeError("请填写模板内容。")
    if len(text) > MAX_TEMPLATE_LENGTH:
        raise OfficeError(f"退回原因模板最多 {MAX_TEMPLATE_LENGTH} 个字（现为 {len(text)} 个字）。")
    return text


def _refuse_duplicate(db: Connection, office: str, text: str, seq: int | None = None) -> None:
    if any(t == text and s != seq for s, t in templates_of(db, office)):
        raise OfficeError("已有内容相同的退回原因模板。")


def add_template(db: Connection, actor: Actor, office: str, text: str) -> int:
    """A new template at the end of the office's list; returns its ``seq``."""
    require(actor, "return_template", office)
    text = checked_template_text(text)
    if len(templates_of(db, office)) >= MAX_TEMPLATES:
        raise OfficeError(f"退回原因模板最多 {MAX_TEMPLATES} 条，请先停用不用的。")
    _refuse_duplicate(db, office, text)
    t = return_templates.c
    last = db.execute(
        select(func.max(func.coalesce(t.position, t.seq))).where(
            (t.office == office) & t.retired_at.is_(None)
        )
    ).scalar_one_or_none()
    key = db.execute(
        return_templates.insert().values(
            office=office,
            text=text,
            created_at=format_timestamp(now()),
            position=None if last is None else int(last) + 1,
        )
    ).inserted_primary_key
    assert key is not None
    seq = key[0]
    audit.record(db, actor, "return_template_added", office, office=office, seq=int(seq), text=text)
    return int(seq)


def edit_template(db: Connection, actor: Actor, office: str, seq: int, text: str) -> bool:
    """Change the wording of the office's template ``seq`` in place (it keeps its place
    in the list); the audit keeps the old and the new wording. Returns False when the
    text is unchanged (nothing written)."""
    require(actor, "return_template", office)
    text = checked_template_text(text)
    was = template_text(db, office, seq)
    if was is None:
        raise OfficeError("未找到这条退回原因模板，可能已被停用。")
    if was == text:
        return False
    _refuse_duplicate(db, office, text, seq)
    t = return_templates.c
    db.execute(
        update(return_templates)
        .where((t.seq == seq) & (t.office == office) & t.retired_at.is_(None))
        .values(text=text)
    )
    audit.record(
        db, actor, "return_template_edited", office, office=office, seq=seq, was=was, text=text
    )
    return True


def retire_template(db: Connection, actor: Actor, office: str, seq: int) -> None:
    """Stop offering the office's template ``seq`` (the row stays, with ``retired_at``)."""
    require(actor, "return_template", office)
    was = template_text(db, office, seq)
    if was is None:
        raise OfficeError("未找到这条退回原因模板，可能已被停用。")
    t = return_templates.c
    db.execute(
        update(return_templates)
        .where((t.seq == seq) & (t.office == office) & t.retired_at.is_(None))
        .values(retired_at=format_timestamp(now()))
    )
    audit.record(db, actor, "return_template_retired", office, office=office, seq=seq, text=was)


def move_template(db: Connection, actor: Actor, office: str, seq: int, step: int) -> bool:
    """Move the office's template ``seq`` one place up (``step`` -1) or down (+1) in
    the list the 退回 form offers. Returns False at either end (nothing written)."""
    require(actor, "return_template", office)
    if step not in (-1, 1):
        raise OfficeError("没有这个操作。")
    order = [s for s, _ in templates_of(db, office)]
    if seq not in order:
        raise OfficeError("未找到这条退回原因模板，可能已被停用。")
    at = order.index(seq)
    to = at + step
    if not 0 <= to < len(order):
        return False
    order[at], order[to] = order[to], order[at]
    t = return_templates.c
    for place, each in enumerate(order, start=1):
        db.execute(update(return_templates).where(t.seq == each).values(position=place))
    audit.record(
        db,
        actor,
        "return_template_moved",
        office,
        office=office,
        seq=seq,
        **{"from": at + 1, "to": to + 1},
    )
    return True
