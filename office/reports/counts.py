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

No body is parsed here: what the rules need of a filing was recorded in its
``report_facts`` row at intake (office/report_facts.py, migration 0012_report_facts);
the period's filings are read by (office, first_received_at), the 未扫码 ones by
(office, inspection_end). Lateness is worked out here, with the calendar in force.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field, fields
from datetime import date, datetime, timedelta

from sqlalchemy import ColumnElement, Connection, exists, func, select

from forms.definition import load_definition
from forms.record import SHANGHAI, BadTimestamp, parse_timestamp
from forms.workdays import WorkCalendar
from office import offices, report_facts
from office import reference as reference_data
from office.reports.periods import Period
from office.tables import audit, changes, evaluations, filings, visits
from office.tables import report_facts as report_facts_table

JOINT = report_facts.JOINT
REPEATED = report_facts.REPEATED
UNPLANNED = report_facts.UNPLANNED
WHITE_LIST = report_facts.WHITE_LIST
FLAG_CODES = report_facts.FLAG_CODES
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
            self.unvisited += e.count

    def merge(self, other: Counts) -> None:
        """Add ``other``'s counts (a part of this row: e.g. a unit's month into its total)."""
        for f in fields(self):
            if not f.name.startswith("_") and f.name != "white_list":
                setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))
        self._satisfaction += other._satisfaction
        if other._white:
            self._white |= other._white
            self.white_list = len(self._white)

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
        return self.received.isoformat()[:7]


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
    count: int = 1  # unvisited: how many filings of the unit


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
    if text.endswith("+08:00") and text[:4] >= "1992":  # Shanghai's offset since 1992
        return date.fromisoformat(text[:10])
    return datetime.fromisoformat(text).astimezone(SHANGHAI).date()


def _end_day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


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


def _in_period_facts(codes: list[str], period: Period) -> ColumnElement[bool]:
    """The filings of the offices ``codes`` (their latest revision's) first received
    within ``period``: ``report_facts`` by its (office, first_received_at) index."""
    x = report_facts_table.c
    # received_at is ISO 8601 in Shanghai time: its text orders as its days do.
    return (
        x.office.in_(codes)
        & (x.first_received_at >= period.start.isoformat())
        & (x.first_received_at < period.end.isoformat())
    )


def filing_facts(db: Connection, codes: list[str], period: Period) -> list[FilingFacts]:
    """Every filing of the offices ``codes`` first received within ``period``, from the
    narrow columns intake recorded (office/report_facts.py): no body is read."""
    x, t = report_facts_table.c, filings.c
    end = period.end.isoformat()
    in_period = _in_period_facts(codes, period)
    c = changes.c
    # Joined to the period's filings, not an IN list of ids: a province's year holds more
    # ids than a statement may carry parameters.
    returned = set(
        db.execute(
            select(c.id)
            .join(report_facts_table, x.id == c.id)
            .where(in_period & (c.type == "returned") & (c.at < end))
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
        select(
            x.id,
            x.unit,
            x.office,
            x.kind,
            x.enterprise,
            x.uscc,
            x.first_received_at,
            x.revisions,
            x.inspection_end,
            x.joint_units,
            x.report_flags,
            t.receipt,
        )
        .join(filings, (t.id == x.id) & (t.revision == x.revision))
        .where(in_period)
    )
    out: list[FilingFacts] = []
    # Many filings share an inspection end, a day, a set of flags: each worked out once.
    late_of: dict[tuple[str, date | None, date], tuple[date | None, int]] = {}
    flag_sets: dict[str, frozenset[str]] = {}
    # Plain tuples, positional (fetched in one go): the period may hold 10^5–10^6 rows.
    for (
        filing_id,
        unit,
        office,
        kind,
        enterprise,
        uscc,
        first_at,
        revisions,
        inspection_end,
        joint_units,
        flag_text,
        receipt,
    ) in rows.all():
        received = _day(first_at)
        end_day = _end_day(inspection_end)
        key = (kind, end_day, received)
        late = late_of.get(key)
        if late is None:
            late = late_of[key] = lateness(calendar, kind, end_day, received, n)
        flags = flag_sets.get(flag_text)
        if flags is None:
            flags = flag_sets[flag_text] = report_facts.split(flag_text)
        out.append(
            FilingFacts(
                filing_id,
                unit,
                office,
                receipt,
                received,
                first_at,
                revisions,
                kind,
                enterprise.strip(),
                uscc,
                end_day,
                late[0],
                late[1],
                filing_id in returned,
                filing_id in reviewed,
                flags,
                joint_units,
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
    each attributed to its filing's latest revision (unit and office): only the filings
    evaluated or visited and those whose inspection ended in the period are read."""
    x, t = report_facts_table.c, filings.c
    owned = x.office.in_(codes)
    out: list[Evidence] = []
    e = evaluations.c
    for r in db.execute(
        select(
            x.office, x.unit, e.satisfaction, e.disrupted, e.principal_required, e.complaint, e.at
        )
        .join(report_facts_table, x.id == e.id)
        .where(owned)
    ):
        if not _in_period(r.at, period):
            continue
        out.append(
            Evidence(
                r.office,
                r.unit,
                "evaluation",
                satisfaction=int(r.satisfaction),
                disrupted=bool(r.disrupted),
                principal_required=bool(r.principal_required),
                complaint=bool(r.complaint),
            )
        )
    v = visits.c
    for visit in db.execute(
        select(x.office, x.unit, v.recorded_at).join(report_facts_table, x.id == v.id).where(owned)
    ):
        if _in_period(visit.recorded_at, period):
            out.append(Evidence(visit.office, visit.unit, "visit"))
    # Ended in the period and before today; the latest revision stands filed; no visit on
    # any revision. inspection_end is a Shanghai day as text: it orders as days do.
    before = min(period.end, today).isoformat()
    for group in db.execute(
        select(x.office, x.unit, func.count().label("n"))
        .join(filings, (t.id == x.id) & (t.revision == x.revision))
        .where(
            owned
            & (x.inspection_end >= period.start.isoformat())
            & (x.inspection_end < before)
            & (t.status == "filed")
            & ~exists().where(v.id == x.id)
        )
        .group_by(x.office, x.unit)
    ):
        out.append(Evidence(group.office, group.unit, "unvisited", count=group.n))
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
    # Each filing is added to its unit's month once; the rows are sums of those.
    cells: dict[tuple[str, str, str], Counts] = defaultdict(Counts)
    for f in facts:
        cells[(f.office, f.unit, f.month)].add(f)
        by_enterprise[f.enterprise_key].append(f)
    for (code, unit, month), cell in cells.items():
        per_unit[(code, unit)].merge(cell)
        per_office[code].merge(cell)
        per_month.setdefault(month, Counts()).merge(cell)
        total.merge(cell)
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
                [(fs[0].unit, 1)] if len(fs) == 1 else Counter(f.unit for f in fs).most_common(),
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
