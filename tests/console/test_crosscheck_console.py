"""联合检查, 重复检查, 检查计划: what the pages show and who may mark a cluster, on both
backends (no browser)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import pytest

from forms.record import SHANGHAI
from office import intake, plans
from office.console import crosscheck, listing
from office.errors import OfficeError
from office.staff import Actor
from office.store import OfficeStore
from tests.support.office import valid_filing

A = "湘潭市市场监督管理局"
B = "湘潭市应急管理局"
RECEIVED = datetime(2027, 1, 4, 9, 0, tzinfo=SHANGHAI)
REVIEWER = Actor("李审核", "reviewer", "430300")


def submit(store: OfficeStore, unit: str, day: str, items: str) -> dict[str, Any]:
    body = valid_filing(
        unit,
        inspection_start=f"{day}T09:00:00+08:00",
        inspection_end=f"{day}T17:00:00+08:00",
        items=items,
    )
    outcome = intake.submit(store, unit, json.dumps(body).encode(), received_at=RECEIVED)
    assert outcome.status in (200, 201), outcome.body
    return body


@pytest.fixture
def overlapping(store: OfficeStore) -> OfficeStore:
    submit(store, A, "2027-03-01", "一")
    submit(store, B, "2027-03-03", "二")
    submit(store, A, "2027-03-22", "三")  # within 30 days: repeated
    return store


def test_clusters_repeats_and_plans_of_the_year(overlapping: OfficeStore) -> None:
    with overlapping.write() as db:
        plans.replace(
            db, A, 2027, plans.check_items({"items": [{"ref": "1", "matter": "食品"}]}), at=RECEIVED
        )
    with overlapping.read() as db:
        rows = crosscheck.cluster_rows(db, REVIEWER, 2027)
        repeats = crosscheck.repeat_rows(db, REVIEWER, 2027)
        planned = crosscheck.plan_rows(db, REVIEWER, 2027)
        assert crosscheck.cluster_rows(db, REVIEWER, 2026) == []
    assert len(rows) == 1 and rows[0].state_text == "待协调" and rows[0].may_decide
    assert rows[0].cluster.units == sorted([A, B])
    assert [(r["unit"], r["count"]) for r in repeats] == [(A, 2)]
    assert [(p["unit"], p["items"], p["late"]) for p in planned] == [(A, 1, False)]


def test_a_reviewer_marks_a_cluster_and_a_forged_decide_by_justice_is_refused(
    overlapping: OfficeStore,
) -> None:
    with overlapping.read() as db:
        key = crosscheck.cluster_rows(db, REVIEWER, 2027)[0].cluster.key
        justice = Actor("司法局", "justice", "430300")
        assert not crosscheck.cluster_rows(db, justice, 2027)[0].may_decide
    with pytest.raises(OfficeError, match="无权"), overlapping.write() as db:
        crosscheck.decide(db, justice, key, "coordinated", "伪造")
    with pytest.raises(OfficeError), overlapping.write() as db:
        crosscheck.decide(db, Actor("外区", "reviewer", "430302"), key, "coordinated", "")
    with overlapping.read() as db:
        assert crosscheck.cluster_rows(db, REVIEWER, 2027)[0].cluster.state is None
    with overlapping.write() as db:
        crosscheck.decide(db, REVIEWER, key, "coordinated", "3月2日联合检查")
    with overlapping.read() as db:
        row = crosscheck.cluster_rows(db, REVIEWER, 2027)[0]
    assert (row.state_text, row.cluster.note) == ("已协调", "3月2日联合检查")


def test_the_list_filters_by_each_cross_check_code(overlapping: OfficeStore) -> None:
    flt, problems = listing.Filters.parse({"flagged": "joint_inspection_suggested"})
    assert problems == [] and flt.flagged == "joint_inspection_suggested"
    assert listing.Filters.parse({"flagged": "nonsense"})[0].flagged == ""
    with overlapping.read() as db:
        joint = listing.page(db, REVIEWER, flt, "").rows
        repeated = listing.page(db, REVIEWER, listing.Filters(flagged="repeated_inspection"), "")
    assert [r.unit for r in joint] == [B]
    assert [r.unit for r in repeated.rows] == [A]
