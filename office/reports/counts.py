"""Counting what the office received in a period: plain functions over store queries.

Rules (issue: 定期汇总, measure 13's quarterly report):

- a filing is counted once, whatever its revisions, in the period of the day the office
  first received it (its first revision's ``received_at``, a Shanghai day); what it says
  (kind, enterprise, inspection end, joint units) is read from its latest revision;
- post-hoc filed late: the first revision arrived after the 5th working day after the
  inspection's end (``forms.workdays``, the office's reference calendar: holidays and
  make-up workdays count as they should), the same rule the intake applies;
- returned: the filing was returned at least once, by the end of the period;
- reviewed: the workbench recorded a review of it (audit actions in ``REVIEWED_ACTIONS``);
- the cross-filing checks are read from the receipt warnings stored with each revision
  (codes in ``FLAG_CODES``): a flag raised on any revision counts the filing once;
- the enterprises' side (the QR page): an evaluation counts in the period of its latest
  edit (``at``), a visit in the period it was recorded; 未扫码 counts the filings whose
  inspection ended in the period (before today) and whose latest revision stands filed
  with no visit recorded on any revision. All are attributed to the filing's latest
  revision's unit and office. Only numbers leave here: never an evaluation's text or
  contact;
- the city sees its counties: each office's units separately, each office's total, and
  the total of all of them.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field, fields
from datetime import date, datetime, timedelta
from itertools import groupby
from typing import Any

from sqlalchemy import Connection, func, select

from forms.definition import load_definition
from forms.record import SHANGHAI, BadTimestamp, parse_timestamp
from forms.workdays import WorkCalendar
from office import offices
from office import reference as reference_data
from office.reports.periods import Period
from office.tables import audit, changes, evaluations, filings, visits

JOINT = "joint_inspection_suggested"
REPEATED = "repeated_inspection"
UNPLANNED = "unplanned"
WHITE_LIST = "white_list"
FLAG_CODES = (JOINT, REPEATED, UNPLANNED, WHITE_LIST)
REVIEWED_ACTIONS = ("reviewed", "approved", "review_approved")


@dataclass
class Counts:
    """One row of the summary (a unit, an office, or everything)."""

    filings: int = 0
    prior: int = 0
    post_hoc: int = 0
    late: int = 0
    returned: int = 0
    reviewed: int = 0
    joint: int = 0
    joint_joined: int = 0  # suggestions that ended with a joint inspection
    repeated: int = 0
    unplanned: int = 0
    white_list: int = 0  # white-listed enterprises inspected (each once)
    evaluations: int = 0
    disrupted: int = 0  # evaluations saying the inspection disturbed production
    principal_required: int = 0
    complaints: int = 0
    visits: int = 0  # 扫码留痕 recorded
    unvisited: int = 0  # inspection ended, no visit recorded
    _white: set[str] = field(default_factory=set, repr=False, compare=False)
    _satisfaction: int = field(default=0, repr=False, compare=False)  # sum of the levels

    def add(self, f: FilingFacts) -> None:
        self.filings += 1
        self.prior += f.kind == "prior"
        self.post_hoc += f.kind == "post_hoc"
        self.late += f.late
        self.returned += f.returned
        self.reviewed += f.reviewed
        self.joint += JOINT in f.flags
        self.joint_joined += JOINT in f.flags and f.joint_units > 0
        self.repeated += REPEATED in f.flags
        self.unplanned += UNPLANNED in f.flags
        if WHITE_LIST in f.flags:
            self._white.add(f.enterprise_key)
            self.white_list = len(self._white)

    def add_evidence(self, e: Evidence) -> None:
        if e.kind == "evaluation":
            self.evaluations += 1
            self._satisfaction += e.satisfaction
            self.disrupted += e.disrupted
            self.principal_required += e.principal_required
            self.complaints += e.complaint
        elif e.kind == "visit":
            self.visits += 1
        else:
            self.unvisited += 1

    @property
    def satisfaction_mean(self) -> float | None:
        """The mean satisfaction (1–5) to one decimal; None when nothing was evaluated."""
        if not self.evaluations:
            return None
        return round(self._satisfaction / self.evaluations, 1)

    def as_dict(self) -> dict[str, int]:
        return {f.name: getattr(self, f.name) for f in fields(self) if not f.name.startswith("_")}


@dataclass(frozen=True)
class FilingFacts:
    """What the counts need of one filing."""

    id: str
    unit: str
    office: str
    receipt: str  # the latest revision's
    received: date  # the first revision's day
    received_at: str
    revisions: int
    kind: str
    enterprise: str
    uscc: str
    inspection_end: date | None
    deadline: date | None  # post-hoc only
    late_days: int  # working days past the deadline (0: in time)
    returned: bool
    reviewed: bool
    flags: frozenset[str]
    joint_units: int

    @property
    def late(self) -> bool:
        return self.late_days > 0

    @property
    def enterprise_key(self) -> str:
        return self.uscc or self.enterprise

    @property
    def month(self) -> str:
        return self.received.strftime("%Y-%m")


@dataclass(frozen=True)
class Evidence:
    """One thing an enterprise told the office (or failed to), reduced to numbers."""

    office: str
    unit: str
    kind: str  # evaluation / visit / unvisited
    satisfaction: int = 0
    disrupted: bool = False
    principal_required: bool = False
    complaint: bool = False


@dataclass(frozen=True)
class UnitRow:
    office: str
    office_name: str
    unit: str
    counts: Counts


@dataclass(frozen=True)
class EnterpriseRow:
    name: str
    uscc: str
    inspections: int
    units: list[tuple[str, int]]  # by whom, most first


@dataclass(frozen=True)
class OfficeTotal:
    office: offices.Office
    counts: Counts


@dataclass(frozen=True)
class Summary:
    office: offices.Office
    period: Period
    units: list[UnitRow]  # by office, then most filings first
    offices: list[OfficeTotal]  # the office itself first, then its counties
    total: Counts
    enterprises: list[EnterpriseRow]  # most inspected first
    months: list[tuple[str, Counts]]
    late: list[FilingFacts]  # the late post-hoc filings, oldest first
    facts: list[FilingFacts]


def _day(text: str) -> date:
    return datetime.fromisoformat(text).astimezone(SHANGHAI).date()


def _end_day(value: Any) -> date | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=SHANGHAI)
    return parsed.astimezone(SHANGHAI).date()


def _body(raw: bytes) -> dict[str, Any]:
    try:
        parsed = json.loads(raw)
    except ValueError:
        return {}
    return parsed if isinstance(parsed, dict) else {}


def _codes(warnings_text: str) -> set[str]:
    try:
        items = json.loads(warnings_text)
    except ValueError:
        return set()
    return {str(w["code"]) for w in items if isinstance(w, dict) and isinstance(w.get("code"), str)}


def lateness(
    calendar: WorkCalendar, kind: str, end: date | None, received: date, n: int
) -> tuple[date | None, int]:
    """(deadline, working days late) of a post-hoc filing first received on ``received``."""
    if kind != "post_hoc" or end is None:
        return None, 0
    deadline = calendar.add_workdays(end, n).day
    if received <= deadline:
        return deadline, 0
    return deadline, max(calendar.workdays_between(deadline, received), 1)


def filing_facts(db: Connection, codes: list[str], period: Period) -> list[FilingFacts]:
    """Every filing of the offices ``codes`` first received within ``period``."""
    t = filings.c
    start, end = period.start.isoformat(), period.end.isoformat()
    # received_at is ISO 8601 in Shanghai time: its text orders as its days do.
    firsts = (
        select(t.id, func.min(t.received_at).label("first"))
        .where(t.office.in_(codes))
        .group_by(t.id)
        .having((func.min(t.received_at) >= start) & (func.min(t.received_at) < end))
        .subquery()
    )
    c = changes.c
    # Joined to the period's filings, not an IN list of ids: a province's year holds more
    # ids than a statement may carry parameters.
    returned = set(
        db.execute(
            select(c.id)
            .join(firsts, firsts.c.id == c.id)
            .where((c.type == "returned") & (c.at < end))
            .distinct()
        ).scalars()
    )
    a = audit.c
    reviewed = {
        target.split("/", 1)[0]
        for target in db.execute(
            select(a.target).where(a.action.in_(REVIEWED_ACTIONS) & (a.office.in_(codes)))
        ).scalars()
    }
    calendar = reference_data.current(db).calendar()
    n = load_definition().post_hoc_deadline_working_days
    rows = db.execute(
        select(t.id, t.revision, t.unit, t.office, t.body, t.receipt, t.received_at, t.warnings)
        .join(firsts, firsts.c.id == t.id)
        .order_by(t.id, t.revision)
        .execution_options(yield_per=500)
    )
    out: list[FilingFacts] = []
    # Streamed one filing at a time: only its own revisions are held in memory.
    for filing_id, group in groupby(rows, key=lambda r: r.id):
        revs = list(group)
        first, last = revs[0], revs[-1]
        body = _body(bytes(last.body))
        enterprise = body.get("enterprise") if isinstance(body.get("enterprise"), dict) else {}
        assert isinstance(enterprise, dict)
        kind = body.get("kind") if isinstance(body.get("kind"), str) else ""
        assert isinstance(kind, str)
        received = _day(first.received_at)
        end_day = _end_day(body.get("inspection_end"))
        deadline, late_days = lateness(calendar, kind, end_day, received, n)
        flags: set[str] = set()
        for r in revs:
            flags |= _codes(r.warnings) & set(FLAG_CODES)
        joint_units = body.get("joint_units")
        out.append(
            FilingFacts(
                id=filing_id,
                unit=last.unit,
                office=last.office,
                receipt=last.receipt,
                received=received,
                received_at=first.received_at,
                revisions=len(revs),
                kind=kind,
                enterprise=str(enterprise.get("name") or "").strip(),
                uscc=str(enterprise.get("uscc") or "").strip().upper(),
                inspection_end=end_day,
                deadline=deadline,
                late_days=late_days,
                returned=filing_id in returned,
                reviewed=filing_id in reviewed,
                flags=frozenset(flags),
                joint_units=len(joint_units) if isinstance(joint_units, list) else 0,
            )
        )
    out.sort(key=lambda f: (f.received_at, f.id))
    return out


def _in_period(text: str | None, period: Period) -> bool:
    if not text:
        return False
    try:
        day = parse_timestamp(text).astimezone(SHANGHAI).date()
    except (BadTimestamp, ValueError):
        return False
    return period.start <= day < period.end


def enterprise_evidence(
    db: Connection, codes: list[str], period: Period, today: date
) -> list[Evidence]:
    """The period's evaluations, visits and unvisited filings of the offices ``codes``,
    each attributed to its filing's latest revision (unit and office)."""
    t = filings.c
    latest_rev = select(t.id, func.max(t.revision).label("revision")).group_by(t.id).subquery()
    owners = {
        r.id: r
        for r in db.execute(
            select(t.id, t.unit, t.office, t.status, t.body)
            .join(latest_rev, (latest_rev.c.id == t.id) & (latest_rev.c.revision == t.revision))
            .where(t.office.in_(codes))
        )
    }
    out: list[Evidence] = []
    e = evaluations.c
    for r in db.execute(
        select(e.id, e.satisfaction, e.disrupted, e.principal_required, e.complaint, e.at)
    ):
        owner = owners.get(r.id)
        if owner is None or not _in_period(r.at, period):
            continue
        out.append(
            Evidence(
                owner.office,
                owner.unit,
                "evaluation",
                satisfaction=int(r.satisfaction),
                disrupted=bool(r.disrupted),
                principal_required=bool(r.principal_required),
                complaint=bool(r.complaint),
            )
        )
    seen: set[str] = set()
    for v in db.execute(select(visits.c.id, visits.c.recorded_at)):
        seen.add(v.id)
        owner = owners.get(v.id)
        if owner is not None and _in_period(v.recorded_at, period):
            out.append(Evidence(owner.office, owner.unit, "visit"))
    for filing_id, owner in owners.items():
        if filing_id in seen or owner.status != "filed":
            continue
        end_day = _end_day(_body(bytes(owner.body)).get("inspection_end"))
        if end_day is None or end_day >= today:
            continue
        if period.start <= end_day < period.end:
            out.append(Evidence(owner.office, owner.unit, "unvisited"))
    return out


def summarise(
    db: Connection, office_code: str, period: Period, *, today: date | None = None
) -> Summary:
    """The summary ``office_code`` sees for ``period``: its own units and, for the city,
    each county's, each office's total and the grand total."""
    office = offices.get(db, office_code)
    if office is None:
        raise ValueError(office_code)
    reach = offices.in_reach(db, office.code)
    names = {o.code: o for o in offices.all_offices(db)}
    facts = filing_facts(db, reach, period)
    per_unit: dict[tuple[str, str], Counts] = defaultdict(Counts)
    per_office: dict[str, Counts] = {code: Counts() for code in reach}
    per_month: dict[str, Counts] = {m: Counts() for m in period.months()}
    total = Counts()
    by_enterprise: dict[str, list[FilingFacts]] = defaultdict(list)
    for f in facts:
        per_unit[(f.office, f.unit)].add(f)
        per_office[f.office].add(f)
        per_month.setdefault(f.month, Counts()).add(f)
        total.add(f)
        by_enterprise[f.enterprise_key].append(f)
    day = today if today is not None else shanghai_today()
    for ev in enterprise_evidence(db, reach, period, day):
        per_unit[(ev.office, ev.unit)].add_evidence(ev)
        per_office[ev.office].add_evidence(ev)
        total.add_evidence(ev)
    order = {code: i for i, code in enumerate(reach)}
    units = sorted(
        (UnitRow(code, names[code].name, unit, c) for (code, unit), c in per_unit.items()),
        key=lambda r: (order[r.office], -r.counts.filings, r.unit),
    )
    enterprises = sorted(
        (
            EnterpriseRow(
                fs[-1].enterprise,
                fs[-1].uscc,
                len(fs),
                Counter(f.unit for f in fs).most_common(),
            )
            for fs in by_enterprise.values()
        ),
        key=lambda e: (-e.inspections, e.name),
    )
    return Summary(
        office=office,
        period=period,
        units=units,
        offices=[OfficeTotal(names[code], per_office[code]) for code in reach],
        total=total,
        enterprises=enterprises,
        months=sorted(per_month.items()),
        late=[f for f in facts if f.late],
        facts=facts,
    )


def shanghai_today() -> date:
    return datetime.now(SHANGHAI).date()


def previous_quarter(today: date) -> str:
    """The quarter before the one ``today`` is in, as YYYYQn (for a scheduled run)."""
    first = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1) - timedelta(days=1)
    return f"{first.year}Q{(first.month - 1) // 3 + 1}"
