"""The copies that must reach people (measure 1): the daily digest per recipient.

Every filing revision is copied to the justice bureau and, for an enterprise in a park,
told to that park's committee (``notifications``, written at intake). A digest gathers
what a recipient has not yet been sent, per office: an XLSX written to a folder, and,
when the office has an address for the recipient, an e-mail queued in ``outbox`` with
the same workbook. Writing the digest sets the notifications' ``sent_at`` (the copy has
left the database); the e-mail's own state is its outbox row: a failed send keeps the
row with its attempts and last error, and the next run tries again. Nothing is deleted.

What is still unsent a working day after it was copied is listed by :func:`unseen`.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, select, update

from forms.record import SHANGHAI, format_timestamp, now
from forms.workdays import WorkCalendar
from office import offices
from office import reference as reference_data
from office.errors import OfficeError
from office.reports.files import write_bytes
from office.staff import Actor, can_read
from office.tables import digest_addresses, filings, notifications, outbox

EMAIL_RE = re.compile(r"[^@\s<>,;\"']+@[^@\s<>,;\"']+\.[^@\s<>,;\"']+")
MAX_EMAIL_LENGTH = 254
KIND_TEXT = {"prior": "事前备案", "post_hoc": "事后补报"}


@dataclass(frozen=True)
class Copy:
    """One notification with what the recipient needs to read of its filing."""

    seq: int
    office: str
    recipient: str
    created_at: str
    sent_at: str | None
    receipt: str
    unit: str
    enterprise: str
    kind: str
    inspection_start: str
    revision: int
    recipient_kind: str = "justice_bureau"
    park: str | None = None


@dataclass(frozen=True)
class Digest:
    office: str
    recipient: str
    copies: list[Copy]
    path: Path | None
    queued: int | None  # the outbox row, when an address is set


def copies(db: Connection, offices_in: list[str], *, unsent_only: bool = True) -> list[Copy]:
    n, f = notifications.c, filings.c
    query = (
        select(
            n.seq,
            f.office,
            n.recipient,
            n.created_at,
            n.sent_at,
            f.receipt,
            f.unit,
            f.body,
            n.revision,
            n.recipient_kind,
            f.park,
        )
        .join(filings, (f.id == n.id) & (f.revision == n.revision))
        .where(f.office.in_(offices_in))
        .order_by(n.seq)
    )
    if unsent_only:
        query = query.where(n.sent_at.is_(None))
    out = []
    for row in db.execute(query):
        try:
            body = json.loads(bytes(row.body))
        except ValueError:
            body = {}
        enterprise = body.get("enterprise") if isinstance(body, dict) else None
        out.append(
            Copy(
                seq=int(row.seq),
                office=row.office,
                recipient=row.recipient,
                created_at=row.created_at,
                sent_at=row.sent_at,
                receipt=row.receipt,
                unit=row.unit,
                enterprise=str((enterprise or {}).get("name") or ""),
                kind=KIND_TEXT.get(str(body.get("kind")), ""),
                inspection_start=str(body.get("inspection_start") or "")[:16].replace("T", " "),
                revision=int(row.revision),
                recipient_kind=row.recipient_kind,
                park=row.park,
            )
        )
    return out


def feed(db: Connection, actor: Actor) -> list[Copy]:
    """The copies a staff member's feed shows, newest first: the justice bureau's to a
    justice user, a park committee's (of its park only) to a park user, every copy to
    the office's admins, reviewers and viewers; each only of the offices in reach."""
    if actor.operator:
        return list(
            reversed(copies(db, [o.code for o in offices.all_offices(db)], unsent_only=False))
        )
    assert actor.office is not None
    ups = offices.parents(db)
    reach = offices.in_reach(db, actor.office)
    shown = []
    for c in copies(db, reach, unsent_only=False):
        if not can_read(actor, c.office, c.park, ups):
            continue
        if actor.role == "justice" and c.recipient_kind != "justice_bureau":
            continue
        if actor.role == "park" and c.recipient_kind != "park_committee":
            continue
        shown.append(c)
    return list(reversed(shown))


def mark_sent(db: Connection, seqs: list[int]) -> int:
    """Record that these copies reached their recipient (an entry opened or exported in
    the workbench's feed; inside a write transaction). The first time counts."""
    if not seqs:
        return 0
    n = notifications.c
    done = db.execute(
        update(notifications)
        .where(n.seq.in_(seqs) & n.sent_at.is_(None))
        .values(sent_at=format_timestamp(now()))
    )
    return int(done.rowcount or 0)


def unseen(db: Connection, offices_in: list[str], at: datetime | None = None) -> list[Copy]:
    """Copies not yet sent a full working day after they were made (as of ``at``)."""
    today = (at or now()).astimezone(SHANGHAI).date()
    calendar: WorkCalendar = reference_data.current(db).calendar()
    late = []
    for c in copies(db, offices_in):
        made = datetime.fromisoformat(c.created_at).astimezone(SHANGHAI).date()
        if today > calendar.add_workdays(made, 1).day:
            late.append(c)
    return late


def set_address(db: Connection, office: str, recipient: str, email: str) -> None:
    """Where ``office``'s digest to ``recipient`` goes (inside a write transaction)."""
    recipient, email = recipient.strip(), email.strip()
    if not recipient:
        raise OfficeError("请写明接收方，例如 司法行政部门 或 某园区管理委员会。")
    if len(email) > MAX_EMAIL_LENGTH or not EMAIL_RE.fullmatch(email):
        raise OfficeError(f"电子邮件地址“{email[:60]}”格式不正确。")
    if offices.get(db, office) is None:
        raise OfficeError(f"没有代码为 {office} 的办公室。")
    d = digest_addresses.c
    held = db.execute(
        select(d.email).where((d.office == office) & (d.recipient == recipient))
    ).first()
    at = format_timestamp(now())
    if held is None:
        db.execute(
            digest_addresses.insert().values(
                office=office, recipient=recipient, email=email, updated_at=at
            )
        )
    else:
        db.execute(
            update(digest_addresses)
            .where((d.office == office) & (d.recipient == recipient))
            .values(email=email, updated_at=at)
        )


def addresses(db: Connection) -> dict[tuple[str, str], str]:
    d = digest_addresses.c
    return {
        (r.office, r.recipient): r.email for r in db.execute(select(d.office, d.recipient, d.email))
    }


def workbook(recipient: str, office_name: str, day: date, items: list[Copy]) -> bytes:
    from office.reports.workbook import sheet_bytes

    return sheet_bytes(
        "抄送",
        ["回执编号", "版次", "检查单位", "被检查企业", "备案类型", "检查开始", "抄送时间"],
        [
            [c.receipt, c.revision, c.unit, c.enterprise, c.kind, c.inspection_start, c.created_at]
            for c in items
        ],
        title=f"{office_name}{day.isoformat()}抄送{recipient}的备案",
    )


def _file_name(text: str) -> str:
    return re.sub(r"[\\/:*?\"<>|\s]+", "_", text)[:80]


def make(db: Connection, offices_in: list[str], day: date, folder: Path | None) -> list[Digest]:
    """Gather each recipient's unsent copies into a digest (inside a write transaction):
    the workbook into ``folder`` when given, an e-mail queued where an address is set,
    and the copies marked sent. A recipient with neither gets nothing marked."""
    groups: dict[tuple[str, str], list[Copy]] = defaultdict(list)
    for c in copies(db, offices_in):
        groups[(c.office, c.recipient)].append(c)
    known = addresses(db)
    names = {o.code: o.name for o in offices.all_offices(db)}
    at = format_timestamp(now())
    made: list[Digest] = []
    for (office, recipient), items in sorted(groups.items()):
        email = known.get((office, recipient))
        if folder is None and email is None:
            continue
        data = workbook(recipient, names[office], day, items)
        name = _file_name(f"备案抄送-{names[office]}-{recipient}-{day.isoformat()}.xlsx")
        path = None
        if folder is not None:
            path = folder / name
            write_bytes(path, data)
        queued = None
        if email is not None:
            queued = int(
                db.execute(
                    outbox.insert()
                    .values(
                        office=office,
                        recipient=recipient,
                        email=email,
                        subject=(
                            f"{names[office]}涉企行政检查备案抄送"
                            f"（{day.isoformat()}，{len(items)} 件）"
                        ),
                        text=(
                            f"{recipient}：\n\n附件为{names[office]}优化营商环境部门"
                            f"{day.isoformat()}抄送的涉企行政检查备案 {len(items)} 件。\n"
                        ),
                        attachment_name=name,
                        attachment=data,
                        created_at=at,
                        attempts=0,
                    )
                    .returning(outbox.c.seq)
                ).scalar_one()
            )
        n = notifications.c
        db.execute(
            update(notifications)
            .where(n.seq.in_([c.seq for c in items]) & n.sent_at.is_(None))
            .values(sent_at=at)
        )
        made.append(Digest(office, recipient, items, path, queued))
    return made


def pending_mail(db: Connection) -> list[Any]:
    o = outbox.c
    return list(db.execute(select(outbox).where(o.sent_at.is_(None)).order_by(o.seq)))


def mail_state(db: Connection) -> list[dict[str, Any]]:
    """Every outbox row without its attachment: what was sent, what waits and why."""
    o = outbox.c
    query = select(
        o.seq,
        o.office,
        o.recipient,
        o.email,
        o.subject,
        o.created_at,
        o.attempts,
        o.last_attempt_at,
        o.last_error,
        o.sent_at,
    ).order_by(o.seq)
    return [dict(r._mapping) for r in db.execute(query)]
