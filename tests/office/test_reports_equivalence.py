"""The counts from the narrow columns intake records (office/report_facts.py) are the
counts of the earlier definition that parsed every body (tests/office/reports_before.py),
over the reports data set with its feedback and a few more shapes of filing, for every
office and several periods, on both backends — and a database filled by migration
0012_report_facts counts the same as one filled at intake."""

from __future__ import annotations

import json
import uuid
from collections import Counter
from dataclasses import replace
from datetime import date
from typing import Any

import pytest
from alembic import command
from sqlalchemy import distinct, func, select, text

from office import filings, migrations, offices
from office.reports import counts, periods
from office.store import OfficeStore
from office.tables import filings as filings_table
from office.tables import report_facts
from tests.office import reports_before
from tests.office.reports_data import CITY_UNIT, YUHU_UNIT, add_feedback, at, build, warning

PERIODS = ("2025Q3", "2025Q4", "2025-10", "2025-11", "2025", "2025-12-01..2026-01-31", "2026Q1")
OFFICES = ("430300", "430302", "430304")
TODAYS = (date(2025, 11, 1), date(2026, 3, 1))


def _put(
    store: OfficeStore,
    filing_id: str,
    revision: int,
    unit: str,
    office: str,
    received: str,
    warnings: list[dict[str, Any]],
    body: bytes,
) -> None:
    with store.write() as db:
        held = offices.get(db, office)
        assert held is not None
        filings.store(
            db,
            filing_id=filing_id,
            revision=revision,
            unit=unit,
            office=held,
            body=body,
            content_sha256=f"{filing_id}{revision}",
            digest=f"{filing_id}{revision}",
            received_at=at(received),
            warnings=warnings,
            source="api",
            park=None,
        )


def _json(**fields: Any) -> bytes:
    return json.dumps(fields, ensure_ascii=False).encode()


def more(store: OfficeStore) -> None:
    """Shapes the data set lacks: joint units named, an end in UTC that is the next day in
    Shanghai, a flag raised on the first revision only, an enterprise typed with spaces
    and a lower-case code, an end without a zone, a body that is not an object."""
    joint = _json(
        kind="post_hoc",
        joint_units=["湘潭市应急管理局"],
        inspection_end="2025-10-31T20:00:00Z",
        enterprise={"name": " 湘潭某某有限公司 ", "uscc": " 91430300abc "},
    )
    j, k, odd = (str(uuid.uuid4()) for _ in range(3))
    flagged = [warning("joint_inspection_suggested")]
    _put(store, j, 1, CITY_UNIT, "430300", "2025-11-12T10:00:00", flagged, joint)
    _put(store, j, 2, CITY_UNIT, "430300", "2025-11-14T10:00:00", [], joint)
    naive = _json(kind="prior", inspection_end="2025-11-05T17:00:00")
    _put(store, k, 1, YUHU_UNIT, "430302", "2025-11-01T10:00:00", [], naive)
    _put(store, odd, 1, CITY_UNIT, "430300", "2025-12-02T10:00:00", [], b"[1, 2]")


@pytest.fixture
def full(store: OfficeStore, monkeypatch: pytest.MonkeyPatch) -> OfficeStore:
    add_feedback(store, build(store, monkeypatch))
    more(store)
    return store


def _evidence(items: list[counts.Evidence]) -> Counter[counts.Evidence]:
    return Counter(replace(e, count=1) for e in items for _ in range(e.count))


def _same_as_before(store: OfficeStore) -> int:
    compared = 0
    with store.read() as db:
        for code in OFFICES:
            reach = offices.in_reach(db, code)
            for text_ in PERIODS:
                period = periods.parse(text_)
                now = counts.filing_facts(db, reach, period)
                assert now == reports_before.filing_facts(db, reach, period), (code, text_)
                compared += len(now)
                for today in TODAYS:
                    assert _evidence(
                        counts.enterprise_evidence(db, reach, period, today)
                    ) == _evidence(reports_before.enterprise_evidence(db, reach, period, today))
    return compared


def test_the_counts_are_those_of_the_definition_that_parsed_every_body(full):
    assert _same_as_before(full) > 30  # the comparison saw the filings, not empty lists
    with full.read() as db:
        s = counts.summarise(db, "430300", periods.parse("2025Q4"), today=date(2026, 3, 1))
    assert s.total.joint_joined == 1 and s.total.filings == 9  # the data set's 6, J, K, odd


def test_migration_0012_fills_the_columns_of_the_filings_held(full):
    # The database as it was before 0012 (the columns and their indexes not there), then
    # migrated: the filings already held count as before.
    with full.write() as db:
        db.execute(text("DROP TABLE report_facts"))
        command.stamp(migrations._config(db), "0011_pending_marker")
        command.upgrade(migrations._config(db), "head")
    with full.read() as db:
        filled = db.execute(select(func.count(), func.sum(report_facts.c.revisions))).one()
        held = db.execute(select(func.count(distinct(filings_table.c.id)), func.count())).one()
    assert tuple(filled) == tuple(held)  # every filing, with its revisions counted again
    assert _same_as_before(full) > 30
