"""A park committee's reply to a filing (measure 1: 可委派熟悉企业情况的工作人员参与).

The committee of the enterprise's park says that it will send staff (names and phones)
or that it has nothing to add, with a note. One reply per park and filing is current; a
later one supersedes it (the earlier stays, as history). Each reply reaches the unit
through its changes feed as a ``notice`` with code ``park_reply`` — the type older desks
already read, with a Chinese ``message`` they show as it is and a ``reply`` object newer
desks keep to print the reply on the unit's copy.

Only a park user whose park is the filing's park (and who may read the filing, as
``office.staff.can_read`` decides) may reply; the operator at the shell may record a
reply given by telephone. Every reply is audited in its own transaction.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select, update

from forms.identifiers import check_person_name, parse_phone
from forms.normalize import multi_line, person_name
from forms.record import format_timestamp, now
from office import audit, changes, filings, offices
from office.errors import OfficeError
from office.staff import MAY, ROLE_TEXT, Actor, Forbidden, can_read
from office.tables import park_replies

SEND_STAFF = "send_staff"
NOTHING_TO_ADD = "nothing_to_add"
KINDS = {SEND_STAFF: "派员参加", NOTHING_TO_ADD: "无补充意见"}
NOTICE_CODE = "park_reply"
MAX_STAFF = 5
MAX_NOTE_LENGTH = 300
MAX_PHONE_INPUT = 40


class BadReply(OfficeError):  # noqa: N818 - a refusal, like Forbidden
    """The reply as given cannot be taken; ``problems`` are Chinese, one per mistake."""

    def __init__(self, problems: list[str]):
        super().__init__("；".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Staff:
    name: str
    phone: str


@dataclass(frozen=True)
class Reply:
    seq: int
    id: str
    revision: int
    park: str
    actor: str
    kind: str
    staff: tuple[Staff, ...]
    note: str
    at: str
    superseded: bool = False

    @property
    def kind_text(self) -> str:
        return KINDS.get(self.kind, self.kind)

    @property
    def staff_text(self) -> str:
        return "、".join(f"{s.name}（{s.phone}）" for s in self.staff)

    def message(self) -> str:
        """One line in Chinese, as the unit's desk shows it."""
        what = f"派员参加：{self.staff_text}" if self.kind == SEND_STAFF else "无补充意见"
        note = f"。说明：{self.note}" if self.note else ""
        return f"{self.park}管理委员会回复：{what}{note}"

    def as_notice(self) -> dict[str, Any]:
        """The ``reply`` object of the notice in the unit's feed."""
        return {
            "park": self.park,
            "kind": self.kind,
            "staff": [{"name": s.name, "phone": s.phone} for s in self.staff],
            "note": self.note,
            "at": self.at,
        }


def clean(kind: str, staff: list[tuple[str, str]], note: str) -> tuple[str, tuple[Staff, ...], str]:
    """The reply as the office keeps it, or BadReply with every problem (limits first).

    ``staff`` is (name, phone) rows as typed; rows left empty are dropped. Names and
    phones are normalised (phones as the form does: 13812345678, 0731-58812345);
    the note is kept as typed, trimmed."""
    if kind not in KINDS:
        raise BadReply(["请选择回复内容：派员参加或无补充意见。"])
    rows = [(n.strip(), p.strip()) for n, p in staff if n.strip() or p.strip()]
    problems: list[str] = []
    if len(rows) > MAX_STAFF:
        problems.append(f"最多填写 {MAX_STAFF} 名工作人员，现在有 {len(rows)} 名。")
    if len(note) > MAX_NOTE_LENGTH * 2 or len(multi_line(note)) > MAX_NOTE_LENGTH:
        problems.append(f"说明最多 {MAX_NOTE_LENGTH} 个字。")
    if any(len(n) > 100 or len(p) > MAX_PHONE_INPUT for n, p in rows):
        problems.append("姓名或联系电话过长，请核对。")
    if problems:
        raise BadReply(problems)
    if kind == NOTHING_TO_ADD and rows:
        raise BadReply(["选择“无补充意见”时不填写派员；如要派员，请选择“派员参加”。"])
    if kind == SEND_STAFF and not rows:
        raise BadReply(["选择“派员参加”时，请至少填写一名工作人员的姓名和联系电话。"])
    out: list[Staff] = []
    for i, (raw_name, raw_phone) in enumerate(rows, 1):
        name = person_name(raw_name)
        if not name:
            problems.append(f"第 {i} 名工作人员：请填写姓名。")
        elif check_person_name(name) is not None:
            problems.append(
                f"第 {i} 名工作人员的姓名“{raw_name}”应为 1–25 个汉字或拉丁字母"
                "（少数民族姓名用“·”分隔）。"
            )
        phone, problem = parse_phone(raw_phone) if raw_phone else (None, "missing")
        if problem == "missing":
            problems.append(f"第 {i} 名工作人员：请填写联系电话。")
        elif problem == "phone_needs_area_code":
            problems.append(
                f"第 {i} 名工作人员的联系电话是固定电话，请加上区号，如 0731-58812345。"
            )
        elif problem is not None:
            problems.append(
                f"第 {i} 名工作人员的联系电话“{raw_phone}”不是有效的手机号或固定电话，请核对。"
            )
        if phone and name:
            out.append(Staff(name, phone))
    if problems:
        raise BadReply(problems)
    return kind, tuple(out), multi_line(note)


def may_reply(actor: Actor, held: filings.Held, parents: dict[str, str | None]) -> bool:
    """Whether ``actor`` may reply to ``held``: the filing's park's committee only."""
    if held.park is None:
        return False
    if actor.operator:
        return True
    return actor.role in MAY["park_reply"] and can_read(actor, held.office, held.park, parents)


def reply(
    db: Connection,
    actor: Actor,
    filing_id: str,
    kind: str,
    staff: list[tuple[str, str]],
    note: str = "",
) -> Reply:
    """Record the park's reply to ``filing_id`` (inside a write transaction): checked,
    superseding the park's current reply, put in the unit's feed, audited."""
    held = filings.latest(db, filing_id)
    parents = offices.parents(db)
    if held is None or not (actor.operator or can_read(actor, held.office, held.park, parents)):
        # Refused like a missing filing: who may not read it does not learn that it exists.
        raise Forbidden("未找到这份备案，或您无权查看。")
    if not may_reply(actor, held, parents):
        if held.park is None:
            raise Forbidden("这份备案的被检查企业不在园区内，无需园区管委会回复。")
        role = ROLE_TEXT.get(actor.role, actor.role)
        raise Forbidden(
            f"“{actor.name}”（{role}）无权回复这份备案：只有该企业所在园区的管委会可以回复。"
        )
    kind, people, note = clean(kind, staff, note)
    park = held.park
    assert park is not None
    at = format_timestamp(now())
    r = park_replies.c
    earlier = db.execute(
        select(r.seq).where((r.id == filing_id) & (r.park == park) & r.superseded_by.is_(None))
    ).scalar()
    if earlier is not None:
        # Before the insert: the partial unique index allows one current reply per park.
        db.execute(update(park_replies).where(r.seq == earlier).values(superseded_by=-1))
    seq = changes.append(
        db,
        unit=held.unit,
        type="notice",
        filing_id=filing_id,
        revision=held.revision,
        receipt=held.receipt,
        at=at,
    )
    new = db.execute(
        park_replies.insert()
        .values(
            id=filing_id,
            revision=held.revision,
            park=park,
            actor=actor.name,
            kind=kind,
            staff=json.dumps(
                [{"name": s.name, "phone": s.phone} for s in people], ensure_ascii=False
            ),
            note=note,
            at=at,
            change_seq=seq,
        )
        .returning(r.seq)
    ).scalar_one()
    if earlier is not None:
        db.execute(update(park_replies).where(r.seq == earlier).values(superseded_by=new))
    audit.record(
        db,
        actor,
        "park_reply",
        f"{filing_id}/{held.revision}",
        office=held.office,
        park=park,
        kind=kind,
        staff=len(people),
        replaces=earlier,
    )
    return Reply(int(new), filing_id, held.revision, park, actor.name, kind, people, note, at)


def _reply(row: Any) -> Reply:
    staff = tuple(Staff(str(s["name"]), str(s["phone"])) for s in json.loads(row.staff))
    return Reply(
        int(row.seq),
        row.id,
        int(row.revision),
        row.park,
        row.actor,
        row.kind,
        staff,
        row.note,
        row.at,
        row.superseded_by is not None,
    )


def replies_of(db: Connection, filing_id: str, *, current_only: bool = False) -> list[Reply]:
    """The parks' replies to ``filing_id``, oldest first (only the current ones if asked)."""
    r = park_replies.c
    query = select(park_replies).where(r.id == filing_id).order_by(r.seq)
    if current_only:
        query = query.where(r.superseded_by.is_(None))
    return [_reply(row) for row in db.execute(query)]


def current_for(db: Connection, filing_ids: list[str]) -> dict[str, list[Reply]]:
    """filing id -> its current replies (for lists such as 新收抄送)."""
    if not filing_ids:
        return {}
    r = park_replies.c
    query = (
        select(park_replies).where(r.id.in_(filing_ids) & r.superseded_by.is_(None)).order_by(r.seq)
    )
    out: dict[str, list[Reply]] = {}
    for row in db.execute(query):
        out.setdefault(row.id, []).append(_reply(row))
    return out


def notice_details(db: Connection, seqs: list[int]) -> dict[int, dict[str, Any]]:
    """The notice fields of the feed entries ``seqs`` that are park replies (for
    ``office.changes``): like a cross-filing notice (code, other_unit: the park,
    other_date: the day of the reply, message) plus ``reply``."""
    if not seqs:
        return {}
    r = park_replies.c
    out: dict[int, dict[str, Any]] = {}
    for row in db.execute(select(park_replies).where(r.change_seq.in_(seqs))):
        made = _reply(row)
        out[int(row.change_seq)] = {
            "code": NOTICE_CODE,
            "other_unit": made.park,
            "other_date": made.at[:10],
            "message": made.message(),
            "reply": made.as_notice(),
        }
    return out
