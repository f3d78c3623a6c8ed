"""The counts of a period against a data set with every case, on both backends."""

from __future__ import annotations

from datetime import date

import pytest

from office.errors import OfficeError
from office.reports import counts, periods
from office.store import OfficeStore
from tests.office.reports_data import (
    CITY_UNIT,
    ENTERPRISE_X,
    ENTERPRISE_Z,
    YUETANG_UNIT,
    YUHU_UNIT,
    build,
)


@pytest.fixture
def dataset(store: OfficeStore, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    return build(store, monkeypatch)


def _row(summary: counts.Summary, unit: str) -> dict[str, int]:
    (row,) = [r for r in summary.units if r.unit == unit]
    return row.counts.as_dict()


ZERO = dict.fromkeys(counts.Counts().as_dict(), 0)


def test_the_city_sees_every_unit_each_county_and_the_total(store, dataset):
    with store.read() as db:
        s = counts.summarise(db, "430300", periods.parse("2025Q4"))
    assert _row(s, CITY_UNIT) == {
        **ZERO,
        "filings": 4,  # A, B, D (three revisions), H; not G (first received in Q3)
        "prior": 2,
        "post_hoc": 2,
        "late": 1,  # B; A arrived on the 5th working day after the National Day holiday
        "returned": 1,  # D, returned twice; H was returned only in January
        "unvisited": 2,  # D, and G (received in Q3, its inspection ended in Q4); no visits
    }
    assert _row(s, YUHU_UNIT) == {
        **ZERO,
        "filings": 1,
        "prior": 1,
        "joint": 1,
        "repeated": 1,
        "white_list": 1,
        "unvisited": 1,
    }
    assert _row(s, YUETANG_UNIT) == {
        **ZERO,
        "filings": 1,
        "post_hoc": 1,
        "late": 1,
        "unplanned": 1,
        "unvisited": 1,
    }
    assert s.total.as_dict() == {
        **ZERO,
        "filings": 6,
        "prior": 3,
        "post_hoc": 3,
        "late": 2,
        "returned": 1,
        "joint": 1,
        "repeated": 1,
        "unplanned": 1,
        "white_list": 1,
        "unvisited": 4,
    }
    assert [(o.office.code, o.counts.filings) for o in s.offices] == [
        ("430300", 4),
        ("430302", 1),
        ("430304", 1),
    ]
    assert [(m, c.filings, c.late) for m, c in s.months] == [
        ("2025-10", 3, 1),
        ("2025-11", 1, 0),
        ("2025-12", 2, 1),
    ]
    assert [(e.uscc, e.inspections) for e in s.enterprises][:2] == [
        (ENTERPRISE_Z["uscc"], 3),
        (ENTERPRISE_X["uscc"], 2),
    ]
    assert s.enterprises[0].units == [(CITY_UNIT, 2), (YUETANG_UNIT, 1)]
    late = {f.id: (f.deadline, f.late_days) for f in s.late}
    assert late == {
        dataset["B"]: (date(2025, 10, 14), 1),
        dataset["F"]: (date(2025, 11, 27), 2),
    }
    (d,) = [f for f in s.facts if f.id == dataset["D"]]
    assert d.revisions == 3 and d.month == "2025-10"


def test_a_county_sees_only_its_own_units(store, dataset):
    with store.read() as db:
        s = counts.summarise(db, "430302", periods.parse("2025Q4"))
    assert [r.unit for r in s.units] == [YUHU_UNIT]
    assert [o.office.code for o in s.offices] == ["430302"]
    assert s.total.filings == 1


def test_a_filing_counts_in_the_period_it_was_first_received(store, dataset):
    with store.read() as db:
        q3 = counts.summarise(db, "430300", periods.parse("2025Q3"))
        october = counts.summarise(db, "430300", periods.parse("2025-10"))
        year = counts.summarise(db, "430300", periods.parse("2025"))
    assert [f.id for f in q3.facts] == [dataset["G"]]
    assert dataset["G"] not in {f.id for f in october.facts}
    assert october.total.filings == 3
    assert year.total.filings == 7
    assert year.total.returned == 1  # H's return fell in 2026


def test_a_return_after_the_period_is_not_counted_but_one_within_is(store, dataset):
    with store.read() as db:
        s = counts.summarise(db, "430300", periods.parse("2025-12-01..2026-01-31"))
    assert s.total.returned == 1 and s.total.filings == 2  # F and H; H returned 01-03


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2025Q4", date(2025, 10, 1), date(2026, 1, 1)),
        ("2026-02", date(2026, 2, 1), date(2026, 3, 1)),
        ("2026", date(2026, 1, 1), date(2027, 1, 1)),
        ("2026-01-05..2026-01-05", date(2026, 1, 5), date(2026, 1, 6)),
    ],
)
def test_periods(text, start, end):
    p = periods.parse(text)
    assert (p.start, p.end) == (start, end)


@pytest.mark.parametrize("text", ["2026Q5", "2026-13", "26", "2026-02-30..2026-03-01", "上季度"])
def test_a_period_that_names_none_is_refused_in_chinese(text):
    with pytest.raises(OfficeError, match=r"期间|月份|日期"):
        periods.parse(text)


def test_the_previous_quarter_for_a_scheduled_run():
    assert counts.previous_quarter(date(2026, 1, 2)) == "2025Q4"
    assert counts.previous_quarter(date(2026, 7, 1)) == "2026Q2"
