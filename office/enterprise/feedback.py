"""Evaluations, complaints and visits: the decisions, in plain functions over the store.

The capability is the QR link itself: the filing id, revision and the digest of that
revision's content (``forms.record.content_digest``), printed only on the paper the
enterprise keeps. A wrong digest and an unknown filing get the same refusal, and nothing
is stored, so the routes answer no question about which filings exist.

One evaluation per filing revision: a second replaces the first within
``EDIT_DAYS`` of the first, after that (or once the office has begun handling a
complaint) it is refused. A complaint is an evaluation marked ``complaint`` with a
non-empty text; it may leave a contact for a call-back and is an office task with a
state (received → in_progress → done) and a reply the enterprise reads on the page.
"""

from __future__ import annotations

import hmac
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, update

from forms import json_limits
from forms.record import SHANGHAI, BadTimestamp, format_timestamp, parse_timestamp
from office import audit, filings, staff
from office.errors import OfficeError, Refusal, bad_request
from office.staff import Actor
from office.store import OfficeStore
from office.tables import enterprise_hits, evaluations, visits

MAX_BODY_BYTES = 8 * 1024  # an evaluation is a few hundred bytes
MAX_TEXT = 500  # characters of 意见或投诉
MAX_CONTACT = 60  # characters of a call-back contact
MAX_REPLY = 1000
EDIT_DAYS = 7
MIN_AGGREGATE = 10  # a unit sees satisfaction only over at least this many evaluations
# Posts of the public page per hour: per client address, and per filing id (whether or
# not the id exists, so the limit tells nothing either).
PER_ADDRESS_PER_HOUR = 30
PER_FILING_PER_HOUR = 10
FUTURE_SLACK = timedelta(minutes=10)  # a phone's clock a little ahead is not a lie

RECEIVED, IN_PROGRESS, DONE = "received", "in_progress", "done"
STATES = (RECEIVED, IN_PROGRESS, DONE)
STATE_TEXT = {RECEIVED: "收到", IN_PROGRESS: "处理中", DONE: "已办结"}
SATISFACTION_TEXT = {5: "非常满意", 4: "满意", 3: "基本满意", 2: "不满意", 1: "非常不满意"}
FLAG_TEXT = {
    "outside_window": "到场时间不在备案的检查日期内",
    "returned": "此版次已被退回（未备案）",
    "superseded": "此版次已被后来的版次取代",
}

NOT_FOUND = "未找到与二维码对应的备案，请重新扫描纸质备案表上的二维码。"


def refused_not_found() -> Refusal:
    """The one answer for an unknown filing and a wrong digest: no oracle."""
    return Refusal(404, "not_found", NOT_FOUND)


def invalid(message: str) -> Refusal:
    return Refusal(422, "invalid", message)


# --- parsing ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Link:
    """The capability from the QR code."""

    id: str
    revision: int
    digest: str


@dataclass(frozen=True)
class EvaluationInput:
    link: Link
    satisfaction: int
    disrupted: bool
    principal_required: bool
    text: str
    complaint: bool
    contact: str


@dataclass(frozen=True)
class VisitInput:
    link: Link
    arrived_at: datetime
    left_at: datetime | None


def parse_json(body: bytes) -> dict[str, Any]:
    """The posted object, strictly parsed within the interchange format's limits."""
    if len(body) > MAX_BODY_BYTES:
        raise Refusal(413, "too_large", f"提交的内容过大（最多 {MAX_BODY_BYTES // 1024} KiB）。")
    try:
        value = json_limits.loads(body.decode("utf-8"), max_items=10)
    except UnicodeDecodeError:
        raise bad_request("提交的内容不是 UTF-8 编码的 JSON。") from None
    except json_limits.JsonLimitError as exc:
        raise bad_request(str(exc)) from None
    except json.JSONDecodeError:
        raise bad_request("提交的内容不是 JSON。") from None
    if not isinstance(value, dict):
        raise bad_request("提交的内容应为一个 JSON 对象。")
    return value


def parse_link(given: dict[str, Any]) -> Link:
    filing_id, revision, digest = given.get("id"), given.get("revision"), given.get("digest")
    if not isinstance(filing_id, str) or not 1 <= len(filing_id) <= 64:
        raise bad_request("缺少备案编号（id），请重新扫描二维码。")
    if isinstance(revision, bool) or not isinstance(revision, int) or not 1 <= revision <= 2**31:
        raise bad_request("修订版次（revision）应为正整数，请重新扫描二维码。")
    if not isinstance(digest, str) or not 4 <= len(digest) <= 64 or not digest.isalnum():
        raise bad_request("核验码（digest）不正确，请重新扫描二维码。")
    return Link(filing_id, revision, digest.lower())


def _bool(given: dict[str, Any], key: str, label: str) -> bool:
    value = given.get(key)
    if not isinstance(value, bool):
        raise invalid(f"请选择“{label}”：是或否。")
    return value


def _bounded_text(value: Any, limit: int, label: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise invalid(f"“{label}”应为文字。")
    text = value.strip()
    if len(text) > limit:
        raise invalid(f"“{label}”最多 {limit} 个字，现在是 {len(text)} 个字。")
    return text


def parse_evaluation(given: dict[str, Any]) -> EvaluationInput:
    link = parse_link(given)
    level = given.get("satisfaction")
    if isinstance(level, bool) or not isinstance(level, int) or not 1 <= level <= 5:
        raise invalid("请选择满意度（1 至 5）。")
    disrupted = _bool(given, "disrupted", "是否影响正常生产经营")
    principal = _bool(given, "principal_required", "是否要求主要负责人陪同")
    text = _bounded_text(given.get("text"), MAX_TEXT, "意见或投诉")
    complaint = given.get("complaint", False)
    if not isinstance(complaint, bool):
        raise invalid("“作为投诉”应为是或否。")
    # One line, otherwise as typed (a name and a number stay apart).
    contact = " ".join(_bounded_text(given.get("contact"), MAX_CONTACT, "联系方式").split())
    if complaint and not text:
        raise invalid("投诉请在“意见或投诉”中写明情况。")
    if contact and not complaint:
        raise invalid("联系方式只在投诉时留下（供优化营商环境部门回电）。")
    return EvaluationInput(link, level, disrupted, principal, text, complaint, contact)


def _timestamp(value: Any, label: str) -> datetime:
    try:
        return parse_timestamp(value)
    except (BadTimestamp, TypeError):
        raise invalid(f"“{label}”应为带时区的时间，如 2026-12-01T09:30:00+08:00。") from None


def parse_visit(given: dict[str, Any], at: datetime) -> VisitInput:
    link = parse_link(given)
    arrived = _timestamp(given.get("arrived_at"), "到场时间")
    left_given = given.get("left_at")
    left = None if left_given in (None, "") else _timestamp(left_given, "离开时间")
    if arrived > at + FUTURE_SLACK or (left is not None and left > at + FUTURE_SLACK):
        raise invalid("到场或离开时间晚于现在，请核对。")
    if left is not None and left < arrived:
        raise invalid("离开时间早于到场时间，请核对。")
    if at - arrived > timedelta(days=365):
        raise invalid("到场时间早于一年前，请核对。")
    return VisitInput(link, arrived, left)


# --- the capability and the rate limit ----------------------------------------------------


def holds(db: Connection, link: Link) -> filings.Held | None:
    """The revision the link names, when its digest is right; else None (either way)."""
    found = filings.get(db, link.id, link.revision)
    if found is None:
        hmac.compare_digest(link.digest, "0" * len(link.digest))  # the same work either way
        return None
    held = found[0]
    return held if hmac.compare_digest(held.digest.lower(), link.digest) else None


def check_rate(store: OfficeStore, address: str, filing_id: str, at: datetime) -> None:
    """Count this post per address and per filing id (in the store: every worker shares
    it); 429 beyond either limit. Counted before any other work, refused ones too."""
    moment = at.astimezone(UTC)
    since = (moment - timedelta(hours=1)).isoformat()
    keys = {
        f"addr:{address}": PER_ADDRESS_PER_HOUR,
        f"filing:{filing_id[:64]}": PER_FILING_PER_HOUR,
    }
    with store.write() as db:
        db.execute(
            delete(enterprise_hits).where(
                enterprise_hits.c.at < (moment - timedelta(days=1)).isoformat()
            )
        )
        for key, limit in keys.items():
            seen = db.execute(
                select(func.count())
                .select_from(enterprise_hits)
                .where(enterprise_hits.c.key == key, enterprise_hits.c.at > since)
            ).scalar_one()
            if seen >= limit:
                raise Refusal(
                    429,
                    "rate_limited",
                    "提交过于频繁，请一小时后再试；急事请直接联系优化营商环境部门。",
                    headers={"Retry-After": "3600"},
                )
        db.execute(insert(enterprise_hits), [{"key": k, "at": moment.isoformat()} for k in keys])


# --- evaluations and complaints -----------------------------------------------------------


def record_evaluation(store: OfficeStore, given: EvaluationInput, at: datetime) -> dict[str, Any]:
    """Store (or replace) the evaluation of the linked revision; the page's answer."""
    stamp = format_timestamp(at)
    with store.write() as db:
        if holds(db, given.link) is None:
            raise refused_not_found()
        key = (evaluations.c.id == given.link.id) & (evaluations.c.revision == given.link.revision)
        old = db.execute(select(evaluations).where(key)).first()
        values = {
            "satisfaction": given.satisfaction,
            "disrupted": int(given.disrupted),
            "principal_required": int(given.principal_required),
            "text": given.text,
            "complaint": int(given.complaint),
            "contact": given.contact,
            "at": stamp,
        }
        if old is None:
            db.execute(
                insert(evaluations).values(
                    id=given.link.id,
                    revision=given.link.revision,
                    created_at=stamp,
                    complaint_state=RECEIVED if given.complaint else None,
                    reply="",
                    replied_at=None,
                    **values,
                )
            )
            replaced = False
        else:
            if at - parse_timestamp(old.created_at) > timedelta(days=EDIT_DAYS):
                raise Refusal(
                    409,
                    "edit_closed",
                    f"评价提交后 {EDIT_DAYS} 天内可以修改，现已超过期限。"
                    "如需补充，请直接联系优化营商环境部门。",
                )
            if old.complaint_state not in (None, RECEIVED):
                raise Refusal(
                    409,
                    "complaint_in_hand",
                    "优化营商环境部门已在处理您的投诉，评价不能再修改；"
                    "如需补充，请直接联系优化营商环境部门。",
                )
            state = RECEIVED if given.complaint else None
            db.execute(update(evaluations).where(key).values(complaint_state=state, **values))
            replaced = True
        row = db.execute(select(evaluations).where(key)).one()
    return {"status": "replaced" if replaced else "recorded", **public_view(row)}


def public_view(row: Any) -> dict[str, Any]:
    """What the enterprise reads back on its page: its own evaluation and the reply."""
    edit_until = parse_timestamp(row.created_at) + timedelta(days=EDIT_DAYS)
    return {
        "satisfaction": row.satisfaction,
        "disrupted": bool(row.disrupted),
        "principal_required": bool(row.principal_required),
        "text": row.text,
        "complaint": bool(row.complaint),
        "contact": row.contact,
        "at": row.at,
        "editable_until": format_timestamp(edit_until),
        "complaint_state": row.complaint_state,
        "complaint_state_text": STATE_TEXT.get(row.complaint_state or "", ""),
        "reply": row.reply,
        "replied_at": row.replied_at,
    }


def evaluation_of(db: Connection, link: Link) -> dict[str, Any] | None:
    """The linked revision's evaluation, for the page (the caller checked the link)."""
    row = db.execute(
        select(evaluations).where(
            evaluations.c.id == link.id, evaluations.c.revision == link.revision
        )
    ).first()
    return None if row is None else public_view(row)


def all_evaluations(
    db: Connection, *, complaints_only: bool = False, offices_in: list[str] | None = None
) -> list[dict[str, Any]]:
    """Every evaluation, one per filing revision, for the office (CLI and workbench);
    ``offices_in``: only those of filings held by these offices."""
    from office.tables import filings as filings_table

    f = filings_table.c
    query = (
        select(evaluations, f.unit, f.office)
        .join(filings_table, (f.id == evaluations.c.id) & (f.revision == evaluations.c.revision))
        .order_by(evaluations.c.at, evaluations.c.id)
    )
    if complaints_only:
        query = query.where(evaluations.c.complaint == 1)
    if offices_in is not None:
        query = query.where(f.office.in_(offices_in))
    return [
        {
            "id": row.id,
            "revision": row.revision,
            "unit": row.unit,
            "office": row.office,
            "satisfaction": row.satisfaction,
            "disrupted": bool(row.disrupted),
            "principal_required": bool(row.principal_required),
            "text": row.text,
            "at": row.at,
            "complaint": bool(row.complaint),
            "contact": row.contact,
            "complaint_state": row.complaint_state,
            "reply": row.reply,
            "replied_at": row.replied_at,
        }
        for row in db.execute(query)
    ]


def set_complaint(
    db: Connection,
    actor: Actor,
    filing_id: str,
    revision: int,
    *,
    state: str | None,
    reply: str | None,
    at: datetime,
) -> dict[str, Any]:
    """Move a complaint to ``state`` and/or give the reply the enterprise reads; audited."""
    if state is not None and state not in STATES:
        raise OfficeError("投诉状态应为 收到、处理中 或 已办结（received、in_progress、done）。")
    text = None if reply is None else reply.strip()
    if text is not None and len(text) > MAX_REPLY:
        raise OfficeError(f"答复最多 {MAX_REPLY} 个字。")
    key = (evaluations.c.id == filing_id) & (evaluations.c.revision == revision)
    row = db.execute(select(evaluations).where(key)).first()
    found = filings.get(db, filing_id, revision)
    if row is None or not row.complaint or found is None:
        raise OfficeError(f"没有备案 {filing_id} 第 {revision} 版的投诉。")
    staff.require(actor, "complaint", found[0].office)
    values: dict[str, Any] = {}
    if state is not None:
        values["complaint_state"] = state
    if text is not None:
        values["reply"] = text
        values["replied_at"] = format_timestamp(at)
    if not values:
        raise OfficeError("请给出新的状态（--state）或答复（--reply）。")
    db.execute(update(evaluations).where(key).values(**values))
    audit.record(
        db,
        actor,
        "complaint",
        f"{filing_id}#{revision}",
        office=found[0].office,
        before={"state": row.complaint_state, "reply": row.reply},
        after={
            "state": values.get("complaint_state", row.complaint_state),
            "reply": values.get("reply", row.reply),
        },
    )
    return public_view(db.execute(select(evaluations).where(key)).one())


def satisfaction(db: Connection, unit: str, start: date, end: date) -> dict[str, Any]:
    """A unit's aggregate over its own filings' evaluations made from ``start`` to ``end``
    (dates in Shanghai, inclusive): count and mean only over at least MIN_AGGREGATE."""
    from office.tables import filings as filings_table

    lo = datetime.combine(start, datetime.min.time(), SHANGHAI)
    hi = datetime.combine(end + timedelta(days=1), datetime.min.time(), SHANGHAI)
    rows = db.execute(
        select(evaluations.c.satisfaction, evaluations.c.at)
        .join(
            filings_table,
            (filings_table.c.id == evaluations.c.id)
            & (filings_table.c.revision == evaluations.c.revision),
        )
        .where(filings_table.c.unit == unit)
    ).all()
    levels = [r.satisfaction for r in rows if lo <= parse_timestamp(r.at) < hi]
    period = {"from": start.isoformat(), "to": end.isoformat()}
    if len(levels) < MIN_AGGREGATE:
        return {
            **period,
            "enough": False,
            "minimum": MIN_AGGREGATE,
            "message": f"这段时间的企业评价少于 {MIN_AGGREGATE} 条，不予统计，请选择更长的时间段。",
        }
    return {
        **period,
        "enough": True,
        "count": len(levels),
        "mean": round(sum(levels) / len(levels), 2),
    }


# --- visits -------------------------------------------------------------------------------


def record_visit(store: OfficeStore, given: VisitInput, at: datetime) -> dict[str, Any]:
    with store.write() as db:
        held = holds(db, given.link)
        if held is None:
            raise refused_not_found()
        latest = filings.latest(db, held.id) or held
        standing = (
            "superseded"
            if latest.revision > held.revision
            else ("returned" if held.status == filings.RETURNED else "filed")
        )
        db.execute(
            insert(visits).values(
                id=held.id,
                revision=held.revision,
                arrived_at=format_timestamp(given.arrived_at),
                left_at=None if given.left_at is None else format_timestamp(given.left_at),
                recorded_at=format_timestamp(at),
                standing=standing,
            )
        )
        body = filings.get(db, held.id, held.revision)
    window = _window(body[1] if body else b"{}")
    flags = visit_flags(standing, window, given.arrived_at, given.left_at)
    return {
        "status": "recorded",
        "arrived_at": format_timestamp(given.arrived_at),
        "left_at": None if given.left_at is None else format_timestamp(given.left_at),
        "flags": flags,
        "flags_text": [FLAG_TEXT[f] for f in flags],
    }


def _window(body: bytes) -> tuple[date, date] | None:
    """The filed inspection dates (Shanghai), or None when the body does not say."""
    try:
        filing = json.loads(body)
        start = parse_timestamp(filing["inspection_start"]).astimezone(SHANGHAI).date()
        end = parse_timestamp(filing["inspection_end"]).astimezone(SHANGHAI).date()
    except (BadTimestamp, KeyError, TypeError, ValueError):
        return None
    return start, end


def visit_flags(
    standing: str,
    window: tuple[date, date] | None,
    arrived: datetime,
    left: datetime | None,
) -> list[str]:
    """What the office should look at in a visit. The window is compared by dates: the
    filed times of day are plans, a visit at 08:50 for 09:00 is not a finding."""
    flags = []
    if window is not None:
        first = arrived.astimezone(SHANGHAI).date()
        last = (left or arrived).astimezone(SHANGHAI).date()
        if first < window[0] or last > window[1]:
            flags.append("outside_window")
    if standing in ("returned", "superseded"):
        flags.append(standing)
    return flags


def all_visits(db: Connection) -> list[dict[str, Any]]:
    out = []
    for row in db.execute(select(visits).order_by(visits.c.seq)):
        found = filings.get(db, row.id, row.revision)
        window = _window(found[1]) if found else None
        arrived = parse_timestamp(row.arrived_at)
        left = parse_timestamp(row.left_at) if row.left_at else None
        flags = visit_flags(row.standing, window, arrived, left)
        out.append(
            {
                "id": row.id,
                "revision": row.revision,
                "unit": found[0].unit if found else "",
                "office": found[0].office if found else "",
                "arrived_at": row.arrived_at,
                "left_at": row.left_at,
                "recorded_at": row.recorded_at,
                "flags": flags,
                "flags_text": [FLAG_TEXT[f] for f in flags],
            }
        )
    return out


def visits_of(db: Connection, link: Link) -> list[dict[str, Any]]:
    rows = db.execute(
        select(visits)
        .where(visits.c.id == link.id, visits.c.revision == link.revision)
        .order_by(visits.c.seq)
    )
    return [{"arrived_at": r.arrived_at, "left_at": r.left_at} for r in rows]


def unvisited(db: Connection, at: datetime) -> list[dict[str, Any]]:
    """Filings whose latest revision stands filed, whose inspection ended before today,
    and for which no visit was ever recorded (on any revision): a question to ask."""
    today = at.astimezone(SHANGHAI).date()
    seen = {r.id for r in db.execute(select(visits.c.id).distinct())}
    out = []
    for held in filings.all_held(db):
        latest = filings.latest(db, held.id)
        if latest is None or latest.revision != held.revision or held.status != filings.FILED:
            continue
        if held.id in seen:
            continue
        found = filings.get(db, held.id, held.revision)
        window = _window(found[1]) if found else None
        if window is None or window[1] >= today:
            continue
        out.append(
            {
                "id": held.id,
                "revision": held.revision,
                "unit": held.unit,
                "office": held.office,
                "receipt": held.receipt,
                "inspection_end": window[1].isoformat(),
            }
        )
    return out
