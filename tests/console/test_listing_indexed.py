"""The 备案列表's queries that go through the indexes of migration 0010_list_indexes
(the filter row's units and parks by a loose index scan, 已退回 through a partial index)
give what a plain reading of every row gives — on SQLite and on PostgreSQL."""

from __future__ import annotations

import json

from sqlalchemy import select

from office import filings, intake, offices, reference, tokens
from office.console import listing
from office.console.listing import Filters
from office.staff import Actor
from office.store import OfficeStore
from office.tables import filing_facts
from tests.support.office import valid_filing

CLI = Actor.cli()
CITY = "430300"
COUNTY = "430302"
PARK = "湘潭高新技术产业开发区"
OTHER_PARK = "湘潭经济技术开发区"
CITY_UNITS = ["湘潭市市场监督管理局", "湘潭市应急管理局", "湘潭市生态环境局", "湘潭市消防救援支队"]
COUNTY_UNITS = ["雨湖区市场监督管理局", "雨湖区应急管理局"]
CITY_REVIEWER = Actor("rev", "reviewer", CITY)
COUNTY_REVIEWER = Actor("rev-yh", "reviewer", COUNTY)


# The units whose enterprises are (some of them) in a park; the others' never are.
PARK_OF = {CITY_UNITS[0]: "湘潭高新区", CITY_UNITS[1]: "湘潭经开区", COUNTY_UNITS[0]: "湘潭高新区"}


def _enterprise(n: int, unit: str, first: bool) -> dict[str, str]:
    park = "" if first else PARK_OF.get(unit, "")  # a unit's first filing: never in a park
    return {"name": f"湘潭第{n}号制造有限公司", "uscc": "", "address": "湘潭市", "park": park}


def _fill(store: OfficeStore) -> list[str]:
    with store.write() as db:
        offices.create(db, CLI, code=COUNTY, name="雨湖区", prefix="雨优备", parent=CITY)
        for unit in CITY_UNITS:
            tokens.create(db, CLI, unit, CITY)
        for unit in COUNTY_UNITS:
            tokens.create(db, CLI, unit, COUNTY)
        parks = [{"name": PARK, "short": "湘潭高新区"}, {"name": OTHER_PARK, "short": "湘潭经开区"}]
        reference.load(db, {"parks": parks}, source="t")
    ids: list[str] = []
    seen: set[str] = set()
    for n, unit in enumerate(CITY_UNITS * 3 + COUNTY_UNITS * 2):
        body = valid_filing(unit, enterprise=_enterprise(n, unit, unit not in seen))
        seen.add(unit)
        outcome = intake.submit(store, unit, json.dumps(body, ensure_ascii=False).encode())
        assert outcome.status == 201, outcome.body
        ids.append(body["id"])
    with store.write() as db:
        for filing_id in ids[1::4]:  # returned, in both offices
            filings.return_latest(db, CLI, filing_id, "请补充检查依据。")
    return ids


def _plain(store: OfficeStore, codes: list[str]) -> tuple[list[str], list[str]]:
    x = filing_facts.c
    with store.read() as db:
        rows = list(db.execute(select(x.unit, x.park).where(x.office.in_(codes))))
    return sorted({r.unit for r in rows}), sorted({r.park for r in rows if r.park})


def test_the_filter_rows_units_and_parks_are_every_distinct_one_in_reach(store: OfficeStore):
    _fill(store)
    with store.read() as db:
        city = listing.choices(db, CITY_REVIEWER)
        county = listing.choices(db, COUNTY_REVIEWER)
        park = listing.choices(db, Actor("gx", "park", CITY, park=PARK))
    units, parks = _plain(store, [CITY, COUNTY])
    assert (city["units"], city["parks"]) == (units, parks)
    assert sorted(CITY_UNITS + COUNTY_UNITS) == units and parks == sorted([PARK, OTHER_PARK])
    assert (county["units"], county["parks"]) == _plain(store, [COUNTY])
    assert county["units"] == sorted(COUNTY_UNITS)
    assert park["parks"] == [PARK]
    x = filing_facts.c
    with store.read() as db:
        in_park = set(db.execute(select(x.unit).where(x.park == PARK)).scalars())
    assert park["units"] == sorted(in_park) == sorted([CITY_UNITS[0], COUNTY_UNITS[0]])


def test_the_returned_filter_lists_exactly_the_returned_latest_revisions(store: OfficeStore):
    ids = _fill(store)
    with store.read() as db:
        city = listing.page(db, CITY_REVIEWER, Filters(status="returned"))
        county = listing.page(db, COUNTY_REVIEWER, Filters(status="returned"))
        everything = listing.page(db, CITY_REVIEWER, Filters(), size=100)
        small = listing.page(db, CITY_REVIEWER, Filters(status="returned"), size=2)
        rest = listing.page(
            db, CITY_REVIEWER, Filters(status="returned"), after=small.next_after, size=2
        )
    returned = [r.id for r in everything.rows if r.status == "returned"]
    assert sorted(returned) == sorted(ids[1::4])
    assert [r.id for r in city.rows] == returned  # newest first, as the whole list
    assert all(r.status == "returned" for r in city.rows)
    assert [r.id for r in county.rows] == [r.id for r in city.rows if r.office == COUNTY]
    assert [r.id for r in small.rows + rest.rows] == returned
