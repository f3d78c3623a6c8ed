"""What the workbench shows of the cross-filing checks, as plain functions: clusters of
overlapping filings (same enterprise, inspections within the joint window of each other)
with their units, the reviewer's decision on a cluster (已协调 / 无需联合, with a note,
audited), the filings carrying each flag, repeated-inspection counts per enterprise for
a year, and the units' plans with their lateness."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, func, select

from forms.record import format_timestamp, now
from office import audit, crosscheck
from office import reference as reference_data
from office.errors import OfficeError
from office.staff import Actor, require
from office.tables import crosscheck_clusters, crosscheck_flags, inspections

STATES = {"coordinated": "已协调", "not_needed": "无需联合"}
MAX_NOTE = 500


@dataclass(frozen=True)
class Cluster:
    key: str  # enterprise + the first day: stays while the cluster grows later
    enterprise_name: str
    members: list[dict[str, Any]]  # {"id", "unit", "office", "date"}
    state: str | None
    note: str

    @property
    def units(self) -> list[str]:
        return sorted({m["unit"] for m in self.members})


def clusters(db: Connection, offices_in: list[str] | None, year: int) -> list[Cluster]:
    """Clusters of ``year`` with two or more units, touching ``offices_in`` (None: all)."""
    ref = reference_data.current(db)
    window = int(ref.crosscheck()["joint_window_workdays"])
    calendar = ref.calendar()
    t = inspections.c
    rows = db.execute(
        select(inspections).where(t.year == year).order_by(t.enterprise, t.start_day, t.id)
    ).fetchall()
    decided = {r.key: r for r in db.execute(select(crosscheck_clusters))}
    out: list[Cluster] = []
    group: list[Any] = []

    def close() -> None:
        if len({r.unit for r in group}) >= 2 and (
            offices_in is None or any(r.office in offices_in for r in group)
        ):
            key = f"{group[0].enterprise}|{group[0].start_day}"
            d = decided.get(key)
            out.append(
                Cluster(
                    key,
                    group[0].enterprise_name,
                    [
                        {"id": r.id, "unit": r.unit, "office": r.office, "date": r.start_day}
                        for r in group
                    ],
                    d.state if d else None,
                    d.note if d else "",
                )
            )

    for row in rows:
        if group and (
            row.enterprise != group[-1].enterprise
            or not crosscheck.within_workdays(
                calendar,
                date.fromisoformat(group[-1].start_day),
                date.fromisoformat(row.start_day),
                window,
            )
        ):
            close()
            group = []
        group.append(row)
    if group:
        close()
    return out


def decide(db: Connection, actor: Actor, key: str, state: str, note: str, office: str) -> None:
    """Record 已协调 / 无需联合 on a cluster (inside a write transaction), audited.
    ``office``: the deciding reviewer's office, one of the cluster's."""
    require(actor, "return", office)
    if state not in STATES:
        raise OfficeError("请选择“已协调”或“无需联合”。")
    note = note.strip()
    if len(note) > MAX_NOTE:
        raise OfficeError(f"备注最多 {MAX_NOTE} 个字。")
    c = crosscheck_clusters.c
    before = db.execute(select(c.state).where(c.key == key)).scalar_one_or_none()
    values = {
        "state": state,
        "note": note,
        "decided_by": actor.name,
        "decided_at": format_timestamp(now()),
    }
    if before is None:
        db.execute(crosscheck_clusters.insert().values(key=key, **values))
    else:
        db.execute(crosscheck_clusters.update().where(c.key == key).values(**values))
    audit.record(
        db,
        actor,
        "cluster_decided",
        key,
        office=office,
        state={"from": before, "to": state},
        note=note,
    )


def flagged(db: Connection, code: str) -> list[tuple[str, int]]:
    """``(id, revision)`` of the revisions carrying flag ``code`` (the filters)."""
    if code not in crosscheck.CODES:
        raise OfficeError(f"未知的提示类型：{code[:40]}")
    t = crosscheck_flags.c
    query = select(t.id, t.revision).where(t.code == code).distinct().order_by(t.id, t.revision)
    return [(r.id, r.revision) for r in db.execute(query)]


def repeat_counts(db: Connection, year: int, *, at_least: int = 2) -> list[dict[str, Any]]:
    """Per enterprise and unit: how many inspections in ``year`` (at least ``at_least``)."""
    t = inspections.c
    n = func.count(t.id).label("n")
    query = (
        select(t.enterprise, func.max(t.enterprise_name).label("name"), t.unit, n)
        .where(t.year == year)
        .group_by(t.enterprise, t.unit)
        .having(func.count(t.id) >= at_least)
        .order_by(n.desc(), t.enterprise)
    )
    return [
        {"enterprise": r.enterprise, "name": r.name, "unit": r.unit, "count": int(r.n)}
        for r in db.execute(query)
    ]
