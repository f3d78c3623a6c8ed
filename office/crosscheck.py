"""Cross-filing checks at intake (潭优发〔2024〕2号 measures 2, 3 and 9).

Every accepted filing is compared with the filings the office already holds and with
the reference data: another unit inspecting the same enterprise within a window
(``joint_inspection_suggested``), the same unit again too soon or too often, or anyone
for the same matter again (``repeated_inspection``), the white list and the
key-supervision list, and a prior filing that cites no item of its unit's registered
plan (``unplanned``). Nothing here refuses a filing: each finding is a warning on the
receipt and a flag for the workbench. The unit whose filing came first is told of a
joint-inspection suggestion through its changes feed, once per pair of filings, with
the other unit's name and the day only.

``findings`` decides (no writes); ``record`` stores what was decided.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, select

from forms import normalize
from forms.record import SHANGHAI
from forms.workdays import WorkCalendar
from office import changes
from office.reference import Reference
from office.tables import crosscheck_flags, crosscheck_notices, filings, inspections, plans
from office.tokens import unit_key

JOINT = "joint_inspection_suggested"
REPEATED = "repeated_inspection"
WHITE_LIST = "white_list"
KEY_SUPERVISION = "key_supervision"
UNPLANNED = "unplanned"
CODES = (JOINT, REPEATED, WHITE_LIST, KEY_SUPERVISION, UNPLANNED)

# The source document's words, quoted as each list's basis.
WHITE_LIST_BASIS = "潭优发〔2024〕2号第九条：对白名单企业减少检查频次，无事不扰"
KEY_SUPERVISION_BASIS = "潭优发〔2024〕2号第九条：对重点监管企业加强检查"


@dataclass(frozen=True)
class Inspection:
    """A filing as the checks compare it."""

    id: str
    revision: int
    unit: str
    office: str
    enterprise: str  # credit code, or "name:" + name key
    enterprise_name: str
    start_day: date
    matter: str
    joint_units: tuple[str, ...]  # unit keys
    kind: str = "prior"
    plan_ref: str = ""

    def row(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "revision": self.revision,
            "unit": self.unit,
            "office": self.office,
            "enterprise": self.enterprise,
            "enterprise_name": self.enterprise_name,
            "start_day": self.start_day.isoformat(),
            "year": self.start_day.year,
            "matter": self.matter,
            "joint_units": json.dumps(list(self.joint_units), ensure_ascii=False),
        }


@dataclass
class Findings:
    warnings: list[dict[str, Any]] = field(default_factory=list)
    flags: list[tuple[str, str]] = field(default_factory=list)  # (code, other filing id)
    notices: list[tuple[Inspection, str]] = field(default_factory=list)  # (first, message)

    def add(
        self, code: str, message: str, *, field: str, severity: str = "warning", other: str = ""
    ) -> None:
        """A warning for the clerk and the flag the office stores with it, always as a pair."""
        self.warnings.append(_warning(code, message, field=field, severity=severity))
        self.flags.append((code, other))


def enterprise_key(uscc: str, name: str) -> str:
    """The enterprise compared: its credit code, else its name's key."""
    code = normalize.uscc(uscc or "")
    return code if code else "name:" + normalize.name_key(name or "")


def inspection_of(
    normalized: dict[str, Any], *, filing_id: str, revision: int, unit: str, office: str
) -> Inspection | None:
    """The comparable facts of a filing that passed the rules (None without a start)."""
    enterprise = normalized.get("enterprise") or {}
    start = normalized.get("inspection_start")
    try:
        started = datetime.fromisoformat(str(start)).astimezone(SHANGHAI).date()
    except (TypeError, ValueError):
        return None
    name = normalize.single_line(str(enterprise.get("name") or ""))
    key = enterprise_key(str(enterprise.get("uscc") or ""), name)
    if key == "name:":
        return None
    joint = normalized.get("joint_units") or []
    return Inspection(
        id=filing_id,
        revision=revision,
        unit=unit,
        office=office,
        enterprise=key,
        enterprise_name=name,
        start_day=started,
        matter=normalize.name_key(str(normalized.get("items") or "")),
        joint_units=tuple(unit_key(str(u)) for u in joint if str(u).strip()),
        kind=str(normalized.get("kind") or ""),
        plan_ref=normalize.single_line(str(normalized.get("plan_ref") or "")),
    )


def _from_row(row: Any) -> Inspection:
    return Inspection(
        id=row.id,
        revision=row.revision,
        unit=row.unit,
        office=row.office,
        enterprise=row.enterprise,
        enterprise_name=row.enterprise_name,
        start_day=date.fromisoformat(row.start_day),
        matter=row.matter,
        joint_units=tuple(json.loads(row.joint_units)),
    )


def held_for(db: Connection, enterprise: str) -> list[Inspection]:
    """Every filing held for ``enterprise`` (its latest revision), earliest day first."""
    t = inspections.c
    query = select(inspections).where(t.enterprise == enterprise).order_by(t.start_day, t.id)
    return [_from_row(row) for row in db.execute(query)]


def within_workdays(calendar: WorkCalendar, a: date, b: date, n: int) -> bool:
    """Whether day ``b`` lies within ``n`` working days of ``a``, either side."""
    early, late = (a, b) if a <= b else (b, a)
    return calendar.workdays_between(early, late) <= n


def plan_refs(db: Connection, unit: str, year: int) -> list[str] | None:
    """The refs of ``unit``'s plan for ``year``; None when it registered none."""
    t = plans.c
    row = db.execute(select(t["items"]).where((t.unit == unit) & (t.year == year))).first()
    if row is None:
        return None
    return [
        normalize.single_line(str(item.get("ref", "")))
        for item in json.loads(row._mapping["items"])
    ]


def on_list(entries: list[dict[str, str]], enterprise: str) -> bool:
    for e in entries:
        if enterprise_key(e.get("uscc", ""), e.get("name", "")) == enterprise:
            return True
        if (
            enterprise.startswith("name:")
            and normalize.name_key(e.get("name", "")) == (enterprise[5:])
        ):
            return True
    return False


def _warning(code: str, message: str, *, field: str, severity: str = "warning") -> dict[str, Any]:
    return {"field": field, "code": code, "severity": severity, "message": message}


def findings(db: Connection, this: Inspection, ref: Reference) -> Findings:
    """What the checks find for ``this`` against what is held (reads only)."""
    settings = ref.crosscheck()
    calendar = ref.calendar()
    out = Findings()
    others = [h for h in held_for(db, this.enterprise) if h.id != this.id]

    # Joint inspection: another unit, within the window, not already a joint unit.
    window = int(settings["joint_window_workdays"])
    for other in others:
        if other.unit == this.unit:
            continue
        if other.unit in this.joint_units or this.unit in other.joint_units:
            continue
        if not within_workdays(calendar, this.start_day, other.start_day, window):
            continue
        day = other.start_day.isoformat()
        out.add(
            JOINT,
            f"{other.unit}已备案于 {day} 检查该企业，与本次检查相隔不超过 {window} 个"
            "工作日。建议联合检查，优化营商环境部门可协助安排（联系联合检查）。",
            field="inspection_start",
            other=other.id,
        )
        out.notices.append(
            (
                other,
                f"{this.unit}已备案于 {this.start_day.isoformat()} 检查同一企业，与本单位的"
                "检查时间相近。建议联合检查，优化营商环境部门可协助安排。",
            )
        )

    # Repeated: the same unit again within the days, or over the yearly cap; or anyone
    # for the same matter already inspected this year.
    own = [o for o in others if o.unit == this.unit]
    this_year = [o for o in own if o.start_day.year == this.start_day.year]
    times = len(this_year) + 1
    repeat_days = int(settings["repeat_days"])
    cap = int(settings["yearly_cap"])
    near = [o for o in own if abs((o.start_day - this.start_day).days) <= repeat_days]
    earlier = [o for o in this_year if o.start_day <= this.start_day]
    last = max((o.start_day for o in (earlier or this_year)), default=None)
    reasons = []
    if near:
        reasons.append(f"{repeat_days} 天内本单位已检查过该企业")
    if times > cap:
        reasons.append(f"超过每年 {cap} 次的上限")
    same_matter = [
        o
        for o in others
        if settings["same_matter"] == "items"
        and this.matter
        and o.matter == this.matter
        and o.start_day.year == this.start_day.year
        and o.start_day <= this.start_day
    ]
    if same_matter:
        reasons.append("本年度已有单位就相同检查项目检查过该企业")
    if reasons:
        last_day = max(
            [o.start_day for o in near + same_matter] + ([last] if last else [])
        ).isoformat()
        out.add(
            REPEATED,
            f"可能重复检查：{'；'.join(reasons)}。本单位本年度第 {times} 次检查该企业，"
            f"此前最近一次在 {last_day}。请避免重复检查（无事不扰）。",
            field="enterprise",
        )

    if on_list(ref.data.get("white_list") or [], this.enterprise):
        out.add(
            WHITE_LIST,
            f"该企业列入白名单，应减少检查频次、无事不扰（依据：{WHITE_LIST_BASIS}）。",
            field="enterprise",
        )
    if on_list(ref.data.get("key_supervision") or [], this.enterprise):
        out.add(
            KEY_SUPERVISION,
            f"该企业列入重点监管企业名单（依据：{KEY_SUPERVISION_BASIS}）。",
            field="enterprise",
            severity="info",
        )

    if this.kind == "prior":
        refs = plan_refs(db, this.unit, this.start_day.year)
        if refs is not None and this.plan_ref not in [r for r in refs if r]:
            cited = f"所填“{this.plan_ref[:40]}”" if this.plan_ref else "未填写抽查计划"
            out.add(
                UNPLANNED,
                f"本次检查不在本单位已登记的 {this.start_day.year} 年度“双随机”抽查计划内"
                f"（{cited}，不是计划中的事项）。原则上未经备案的涉企行政检查不得开展。",
                field="plan_ref",
            )
    return out


def record(db: Connection, this: Inspection, found: Findings, *, at: str) -> None:
    """Store the filing's comparable facts, its flags and the first units' notices
    (inside the intake's write transaction)."""
    db.execute(inspections.delete().where(inspections.c.id == this.id))
    db.execute(inspections.insert().values(**this.row()))
    for code, other in dict.fromkeys(found.flags):
        db.execute(
            crosscheck_flags.insert().values(
                id=this.id, revision=this.revision, code=code, other_id=other
            )
        )
    n = crosscheck_notices.c
    for first, message in found.notices:
        told = db.execute(
            select(n.seq).where((n.id == first.id) & (n.other_id == this.id) & (n.code == JOINT))
        ).first()
        if told is not None:
            continue  # once per pair of filings, whatever revisions or retries follow
        receipt = _receipt_of(db, first.id, first.revision)
        seq = changes.append(
            db,
            unit=first.unit,
            type="notice",
            filing_id=first.id,
            revision=first.revision,
            receipt=receipt,
            at=at,
        )
        db.execute(
            crosscheck_notices.insert().values(
                id=first.id,
                other_id=this.id,
                code=JOINT,
                seq=seq,
                other_unit=this.unit,
                other_date=this.start_day.isoformat(),
                message=message,
            )
        )


def _receipt_of(db: Connection, filing_id: str, revision: int) -> str:
    t = filings.c
    row = db.execute(
        select(t.receipt).where((t.id == filing_id) & (t.revision == revision))
    ).first()
    return str(row.receipt) if row else ""


def notice_details(db: Connection, seqs: list[int]) -> dict[int, dict[str, Any]]:
    """The notice fields of the feed entries ``seqs`` (for ``office.changes``)."""
    if not seqs:
        return {}
    n = crosscheck_notices.c
    rows = db.execute(
        select(n.seq, n.code, n.other_unit, n.other_date, n.message).where(n.seq.in_(seqs))
    )
    return {
        int(r.seq): {
            "code": r.code,
            "other_unit": r.other_unit,
            "other_date": r.other_date,
            "message": r.message,
        }
        for r in rows
    }


def flags_of(db: Connection, filing_id: str, revision: int) -> list[str]:
    t = crosscheck_flags.c
    query = select(t.code).where((t.id == filing_id) & (t.revision == revision))
    return sorted(set(db.execute(query).scalars()))


MAX_OVERLAP_SPAN_DAYS = 366


def overlaps(
    db: Connection, ref: Reference, *, unit: str, uscc: str, name: str, start: date, end: date
) -> list[dict[str, str]]:
    """Other units' inspections of the enterprise within the joint window of
    ``start``..``end``: ``[{"unit", "date"}]`` only — never the asking unit's own, never
    officers, phones or content (``GET /api/v1/overlaps``)."""
    window = int(ref.crosscheck()["joint_window_workdays"])
    calendar = ref.calendar()
    seen: set[tuple[str, str]] = set()
    out: list[dict[str, str]] = []
    for other in held_for(db, enterprise_key(uscc, name)):
        if other.unit == unit:
            continue
        day = other.start_day
        inside = start <= day <= end
        if not inside and not (
            within_workdays(calendar, start, day, window)
            or within_workdays(calendar, end, day, window)
        ):
            continue
        pair = (other.unit, day.isoformat())
        if pair not in seen:
            seen.add(pair)
            out.append({"unit": pair[0], "date": pair[1]})
    return out
