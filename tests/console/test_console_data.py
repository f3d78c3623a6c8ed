"""What the workbench's pages show and allow, as plain functions on a real store —
on SQLite and on PostgreSQL (tests/console/conftest.py). No browser."""

from __future__ import annotations

import csv
import io
import json

import pytest
from openpyxl import load_workbook

from office import audit, changes, filings, reference, tokens
from office.console import access, feed, filing, listing, pending, review
from office.console.listing import Filters
from office.errors import OfficeError
from office.staff import Forbidden
from office.store import OfficeStore
from tests.support.office import DEFAULT_UNIT, valid_filing
from tests.support.office_store import (
    CITY,
    CLI,
    COUNTY,
    COUNTY_UNIT,
    PARK,
    add_two_offices,
    file_one,
    staff,
)


@pytest.fixture
def two_offices(store: OfficeStore) -> OfficeStore:
    """The city and 雨湖区 with a unit each, another city unit, and a park on the list."""
    add_two_offices(store)
    with store.write() as db:
        tokens.create(db, CLI, "湘潭市应急管理局", CITY)
        reference.load(db, {"parks": [{"name": PARK, "short": "湘潭高新区"}]}, source="t")
    return store


def in_park(uscc: str = "91430304MA4YG57FJC", name: str = "湘潭顺阳新材料科技股份有限公司"):
    return {"name": name, "uscc": uscc, "address": "湘潭市岳塘区科技路45号", "park": "湘潭高新区"}


def test_pending_lists_the_offices_waiting_filings_oldest_first(two_offices: OfficeStore):
    first = file_one(two_offices, DEFAULT_UNIT)
    second = file_one(two_offices, DEFAULT_UNIT)
    file_one(two_offices, COUNTY_UNIT)
    city = staff(two_offices, "city-rev", "reviewer", "430300")
    with two_offices.read() as db:
        assert [r.id for r in pending.pending(db, city)] == [first["id"], second["id"]]
    with two_offices.write() as db:
        review.approve(db, city, first["id"])
        filings.return_latest(db, city, second["id"], "请补充检查依据。")
    with two_offices.read() as db:
        assert pending.pending(db, city) == []


def test_approve_reaches_the_units_feed_and_is_audited(two_offices: OfficeStore):
    held = file_one(two_offices, DEFAULT_UNIT)
    rev = staff(two_offices, "rev", "reviewer", "430300")
    with two_offices.write() as db:
        review.approve(db, rev, held["id"])
    with two_offices.read() as db:
        feed = changes.since(db, tokens.unit_key(DEFAULT_UNIT), 0)["changes"]
        assert [c["type"] for c in feed] == ["receipt", "reviewed"]
        assert feed[1]["id"] == held["id"] and feed[1]["revision"] == 1
        assert [(e["actor"], e["action"]) for e in audit.entries(db)][-1] == ("rev", "reviewed")
        page = filing.view(db, rev, held["id"])
        assert page is not None and page.status == "reviewed" and not page.may_review
    with two_offices.write() as db, pytest.raises(OfficeError, match="已审核通过"):
        review.approve(db, rev, held["id"])


@pytest.mark.parametrize("role", ["justice", "park", "viewer"])
def test_readers_are_never_offered_and_cannot_act(two_offices: OfficeStore, role: str):
    held = file_one(two_offices, DEFAULT_UNIT, enterprise=in_park())
    reader = staff(two_offices, f"r-{role}", role, "430300", park=PARK if role == "park" else None)
    with two_offices.read() as db:
        page = filing.view(db, reader, held["id"])
    assert page is not None and not page.may_review and not page.may_note
    assert not access.may_act(reader, "return", "430300")
    before = None
    with two_offices.read() as db:
        before = len(audit.entries(db))
    for act in (
        lambda db: review.approve(db, reader, held["id"]),
        lambda db: filings.return_latest(db, reader, held["id"], "x"),
        lambda db: review.add_note(db, reader, held["id"], "x"),
    ):
        with two_offices.write() as db, pytest.raises(Forbidden):
            act(db)
    with two_offices.read() as db:
        assert len(audit.entries(db)) == before
        assert filings.latest(db, held["id"]).status == "filed"


def test_a_county_never_sees_the_citys_and_the_city_reads_its_counties(two_offices):
    city_filing = file_one(two_offices, DEFAULT_UNIT)
    county_filing = file_one(two_offices, COUNTY_UNIT)
    county = staff(two_offices, "yh-rev", "reviewer", COUNTY)
    city = staff(two_offices, "city-rev", "reviewer", "430300")
    with two_offices.read() as db:
        seen = [r.id for r in listing.page(db, county, Filters()).rows]
        assert seen == [county_filing["id"]]
        assert filing.view(db, county, city_filing["id"]) is None
        assert {r.id for r in listing.page(db, city, Filters()).rows} == {
            city_filing["id"],
            county_filing["id"],
        }
        city_view = filing.view(db, city, county_filing["id"])
        assert city_view is not None and not city_view.may_review  # read-only
    with two_offices.write() as db, pytest.raises(Forbidden):
        review.approve(db, city, county_filing["id"])


def test_a_park_committee_lists_only_its_park_and_opening_marks_the_copy_seen(two_offices):
    mine = file_one(two_offices, DEFAULT_UNIT, enterprise=in_park())
    file_one(two_offices, DEFAULT_UNIT)
    park = staff(two_offices, "gaoxin", "park", "430300", park=PARK)
    with two_offices.read() as db:
        assert [r.id for r in listing.page(db, park, Filters()).rows] == [mine["id"]]
    with two_offices.write() as db:
        assert filing.mark_seen(db, park, mine["id"]) == 1
        assert filing.mark_seen(db, park, mine["id"]) == 0  # once
    with two_offices.read() as db:
        sent = {
            n["recipient_kind"]: n["sent_at"]
            for n in filings.notifications(db)
            if n["id"] == mine["id"]
        }
    assert sent["park_committee"] is not None and sent["justice_bureau"] is None
    with two_offices.read() as db:
        copies = feed.feed(db, park)
    assert [(c.id, c.new) for c in copies] == [(mine["id"], False)]


def test_filters_search_paging_and_exports(two_offices: OfficeStore):
    rev = staff(two_offices, "rev", "reviewer", "430300")
    made = [
        file_one(two_offices, DEFAULT_UNIT, enterprise=in_park(name=f"=企业{i}号有限公司"))
        for i in range(5)
    ]
    other = file_one(two_offices, "湘潭市应急管理局")
    with two_offices.read() as db:
        first = listing.page(db, rev, Filters(), size=2)
        assert len(first.rows) == 2 and first.next_after
        second = listing.page(db, rev, Filters(), after=first.next_after, size=2)
        third = listing.page(db, rev, Filters(), after=second.next_after, size=2)
        ids = [r.id for r in first.rows + second.rows + third.rows]
        assert sorted(ids) == sorted([m["id"] for m in made] + [other["id"]])
        assert third.next_after == ""
        by_unit = listing.page(db, rev, Filters(unit="湘潭市应急管理局")).rows
        assert [r.id for r in by_unit] == [other["id"]]
        by_name = listing.page(db, rev, Filters(enterprise="企业3号")).rows
        assert [r.id for r in by_name] == [made[3]["id"]]
        by_receipt = listing.page(db, rev, Filters(q=made[1]["receipt"])).rows
        assert [r.id for r in by_receipt] == [made[1]["id"]]
        assert len(listing.page(db, rev, Filters(park=PARK)).rows) == 5
        rows = listing.every(db, rev, Filters(park=PARK))
    flt, problems = Filters.parse({"received_from": "2026-13-40", "status": "nonsense"})
    assert flt == Filters() and problems == [
        "日期“2026-13-40”格式不正确（应为 年-月-日），已忽略。"
    ]
    text = listing.to_csv(rows).decode("utf-8-sig")
    cells = list(csv.reader(io.StringIO(text)))
    assert cells[0][0] == "回执编号" and all(c[3].startswith("'=企业") for c in cells[1:])
    sheet = load_workbook(io.BytesIO(listing.to_xlsx(rows))).active
    values = [row[3] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert len(values) == 5 and all(v.startswith("'=") for v in values)


def test_status_filter_and_the_diff_between_revisions(two_offices: OfficeStore):
    rev = staff(two_offices, "rev", "reviewer", "430300")
    one = valid_filing(DEFAULT_UNIT)
    held = file_one(two_offices, DEFAULT_UNIT, one)
    with two_offices.write() as db:
        filings.return_latest(db, rev, held["id"], "请补充检查依据。")
    two = dict(one, revision=2, basis="《食品安全法》第一百一十条第一项")
    file_one(two_offices, DEFAULT_UNIT, two)
    with two_offices.read() as db:
        page = filing.view(db, rev, held["id"])
        assert page is not None
        newest, changes_ = page.revisions[0]
        assert newest.revision == 2
        assert changes_ == [("检查依据", one["basis"], two["basis"])]
        assert [e.what for e in page.events] == [
            "收到第 1 版",
            "第 1 版抄送",
            "第 1 版退回",
            "收到第 2 版",
            "第 2 版抄送",
        ]
        assert listing.page(db, rev, Filters(status="returned")).rows == []
        assert [r.id for r in listing.page(db, rev, Filters(status="filed")).rows] == [held["id"]]


def test_notes_and_return_templates(two_offices: OfficeStore):
    rev = staff(two_offices, "rev", "reviewer", "430300")
    held = file_one(two_offices, DEFAULT_UNIT)
    with two_offices.write() as db:
        review.add_note(db, rev, held["id"], "已电话联系带队人员。")
        review.add_template(db, rev, "430300", "检查依据不明确，请补充具体条款。")
    with two_offices.read() as db:
        assert [n["text"] for n in review.notes_of(db, held["id"])] == ["已电话联系带队人员。"]
        templates = review.templates_of(db, "430300")
        assert [t for _, t in templates] == ["检查依据不明确，请补充具体条款。"]
        assert "已电话联系带队人员。" not in json.dumps(
            changes.since(db, tokens.unit_key(DEFAULT_UNIT), 0), ensure_ascii=False
        )
    with two_offices.write() as db:
        review.retire_template(db, rev, "430300", templates[0][0])
    with two_offices.read() as db:
        assert review.templates_of(db, "430300") == []
