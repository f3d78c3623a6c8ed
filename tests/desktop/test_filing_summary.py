"""One-line facts about a filing, decided once: its enterprise, its list row, its outbox entry."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from desktop.filing_summary import (
    due_soon_query,
    enterprise_name,
    latest_end_due_soon,
    post_hoc_due,
    summary_due,
    summary_of,
)
from desktop.store import ListQuery, Store
from forms.workdays import WorkCalendar
from tests.support.desk_store import clock, fresh, store  # noqa: F401 (fixtures)


@pytest.mark.parametrize(
    ("filing", "name"),
    [
        ({"enterprise": {"name": "湖南华菱湘钢（湘潭）有限公司"}}, "湖南华菱湘钢（湘潭）有限公司"),
        ({"enterprise": {"name": "  某某公司 "}}, "某某公司"),
        ({"enterprise": {"name": None}}, ""),
        ({"enterprise": {"name": 12}}, ""),
        ({"enterprise": "某某公司"}, ""),
        ({}, ""),
    ],
)
def test_enterprise_name(filing: dict, name: str):
    assert enterprise_name(filing) == name


def test_a_row_after_autosave_reads_as_after_a_reload(store: Store, good_filing: dict):
    filing = fresh(good_filing)
    store.create_filing(filing)
    # What a clerk may type: spaces around, a line break pasted in, a spaced credit code.
    filing["enterprise"]["name"] = "  湘潭某某\n新材料有限公司 "
    filing["enterprise"]["uscc"] = "9143 0300 MA4L 1234 5X"
    filing["lead_unit"] = " 湘潭市应急管理局  "
    row = store.save_draft(filing["id"], filing, has_errors=True)
    (listed,) = store.list_filings(ListQuery())
    assert summary_of(row) == listed
    assert listed.enterprise == "湘潭某某新材料有限公司"  # one line, as the store lists it


def test_outbox_item_by_id(store: Store, good_filing: dict):
    waiting, other = fresh(good_filing), fresh(good_filing)
    store.queue(waiting["id"], waiting)
    store.create_filing(other)
    item = store.outbox_item(waiting["id"])
    assert item is not None and item.id == waiting["id"] and item.revision == 1
    assert not item.permanent
    assert store.outbox_item(other["id"]) is None
    store.mark_failed(waiting["id"], 1, "拒收", next_try_at=None, permanent=True)
    refused = store.outbox_item(waiting["id"])
    assert refused is not None and refused.permanent and refused.last_error == "拒收"


# --- post-hoc deadlines -------------------------------------------------------------------

TODAY = date(2026, 12, 1)  # a Tuesday


def calendar(*holidays: str) -> WorkCalendar:
    cal = WorkCalendar()
    cal.extend({"2026": {"holidays": list(holidays), "workdays": []}})
    return cal


@pytest.mark.parametrize(
    ("end", "deadline", "left", "overdue", "soon"),
    [
        (date(2026, 11, 20), date(2026, 11, 27), 0, 2, True),  # Fri → Fri; Mon, Tue late
        (date(2026, 11, 23), date(2026, 11, 30), 0, 1, True),
        (date(2026, 11, 24), date(2026, 12, 1), 0, 0, True),  # today is the last day
        (date(2026, 11, 25), date(2026, 12, 2), 1, 0, True),
        (date(2026, 11, 26), date(2026, 12, 3), 2, 0, False),
    ],
)
def test_post_hoc_due(end, deadline, left, overdue, soon):
    due = post_hoc_due(end, TODAY, calendar(), 5)
    assert (due.deadline, due.left, due.overdue, due.soon) == (deadline, left, overdue, soon)


def test_post_hoc_due_skips_holidays():
    due = post_hoc_due(date(2026, 11, 25), TODAY, calendar("2026-12-02"), 5)
    assert due.deadline == date(2026, 12, 3) and due.left == 1


def test_latest_end_due_soon_matches_post_hoc_due():
    for holidays in ((), ("2026-12-02",)):
        cal = calendar(*holidays)
        latest = latest_end_due_soon(TODAY, cal, 5)
        assert post_hoc_due(latest, TODAY, cal, 5).soon
        assert not post_hoc_due(latest + timedelta(days=1), TODAY, cal, 5).soon


def test_due_soon_query_finds_pending_post_hoc_filings(store: Store, good_filing: dict):
    def post_hoc(end: str) -> dict:
        f = fresh(good_filing)
        f.update(kind="post_hoc", inspection_end=f"{end}T17:00:00+08:00")
        return f

    overdue, soon, later = post_hoc("2026-11-20"), post_hoc("2026-11-25"), post_hoc("2026-11-26")
    queued = post_hoc("2026-11-20")
    prior = fresh(good_filing, kind="prior", inspection_end="2026-11-20T17:00:00+08:00")
    for f in (overdue, soon, later, prior):
        store.create_filing(f)
    store.queue(queued["id"], queued)  # submitted: the desk has done its part
    query = due_soon_query(TODAY, calendar(), 5)
    assert {s.id for s in store.list_filings(query)} == {overdue["id"], soon["id"]}
    rows = {s.id: summary_due(s, TODAY, calendar(), 5) for s in store.list_filings(ListQuery())}
    assert rows[prior["id"]] is None and rows[later["id"]].left == 2
