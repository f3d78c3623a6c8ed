"""The counts' definition before ``filing_facts`` held what they need: every revision of
the period and every filing body of the office read and parsed in Python. Kept only to
show that the counts from narrow columns (office/reports/counts.py) are the same."""

from __future__ import annotations

import json
from datetime import date, datetime
from itertools import groupby
from typing import Any

from sqlalchemy import Connection, func, select

from forms.definition import load_definition
from forms.record import SHANGHAI
from office import reference as reference_data
from office.reports.counts import (
    FLAG_CODES,
    REVIEWED_ACTIONS,
    Evidence,
    FilingFacts,
    _in_period,
    lateness,
)
from office.reports.periods import Period
from office.tables import audit, changes, evaluations, filings, visits


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


def filing_facts(db: Connection, codes: list[str], period: Period) -> list[FilingFacts]:
    t = filings.c
    start, end = period.start.isoformat(), period.end.isoformat()
    firsts = (
        select(t.id, func.min(t.received_at).label("first"))
        .where(t.office.in_(codes))
        .group_by(t.id)
        .having((func.min(t.received_at) >= start) & (func.min(t.received_at) < end))
        .subquery()
    )
    c = changes.c
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
    )
    out: list[FilingFacts] = []
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


def enterprise_evidence(
    db: Connection, codes: list[str], period: Period, today: date
) -> list[Evidence]:
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
