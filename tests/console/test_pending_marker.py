"""待审 through the marker ``filing_facts.waiting`` (migration 0011_pending_marker) lists
what the definition it replaces gives — the latest revision received, neither returned
nor reviewed, read here plainly from every row of ``filings`` and ``reviews`` — after
every kind of decision, in the city, its county and another office, on SQLite and on
PostgreSQL; and the migration fills the marker so for the filings already held."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, inspect, select, text

from office import filings, migrations, offices, tokens
from office.console import listing, pending, review
from office.console.listing import Filters
from office.staff import Actor
from office.store import OfficeStore
from office.tables import filing_facts, reviews
from office.tables import filings as filings_table
from tests.support.office import DEFAULT_UNIT, new_office_db, valid_filing
from tests.support.office_store import CITY, CLI, COUNTY, COUNTY_UNIT, add_two_offices, file_one

OTHER = "430200"
OTHER_UNIT = "株洲市市场监督管理局"
CITY_UNIT_2 = "湘潭市应急管理局"
REVIEWERS = {code: Actor(f"rev-{code}", "reviewer", code) for code in (CITY, COUNTY, OTHER)}
# What happens to each filing, in order: a 退回 (r), a 审核通过 (a), a new revision (n).
CASES = ["", "r", "rn", "a", "an", "rna", "rnr", "ana", "anr", "rnrn"]


@dataclass(frozen=True)
class Waiting:
    id: str
    office: str
    received_at: str
    point: tuple[int, int]  # its receipt in the office's series


def old_definition(db: Connection) -> list[Waiting]:
    """Every filing whose latest revision is received and neither returned nor reviewed,
    oldest first — from ``filings`` and ``reviews`` alone, as 待审 read it before."""
    f, r = filings_table.c, reviews.c
    reviewed = {(row.id, row.revision) for row in db.execute(select(r.id, r.revision))}
    latest: dict[str, Any] = {}
    query = select(
        f.id, f.revision, f.office, f.status, f.received_at, f.receipt_year, f.receipt_no
    )
    for row in db.execute(query):
        if row.id not in latest or latest[row.id].revision < row.revision:
            latest[row.id] = row
    out = [
        Waiting(row.id, row.office, row.received_at, (row.receipt_year, row.receipt_no))
        for row in latest.values()
        if row.status == "filed" and (row.id, row.revision) not in reviewed
    ]
    return sorted(out, key=lambda w: (w.received_at, w.point))


def _office_data(store: OfficeStore) -> dict[str, list[str]]:
    """Every case of ``CASES`` in the city (two units), its county and another city."""
    add_two_offices(store)
    with store.write() as db:
        offices.create(db, CLI, code=OTHER, name="株洲市", prefix="株优备")
        tokens.create(db, CLI, CITY_UNIT_2, CITY)
        tokens.create(db, CLI, OTHER_UNIT, OTHER)
    ids: dict[str, list[str]] = {}
    units = [DEFAULT_UNIT, COUNTY_UNIT, OTHER_UNIT, CITY_UNIT_2]
    # Interleaved, so that each office's waiting filings are not in the order filed.
    for n, case in enumerate(CASES * 2):
        unit = units[n % len(units)]
        data = valid_filing(unit)
        file_one(store, unit, data)
        ids.setdefault(case, []).append(data["id"])
    for step in range(max(len(c) for c in CASES)):
        for case, filed in ids.items():
            if step >= len(case):
                continue
            for filing_id in filed:
                with store.write() as db:
                    latest = filings.latest(db, filing_id)
                    assert latest is not None
                    if case[step] == "r":
                        filings.return_latest(db, CLI, filing_id, "请补充检查依据。")
                    elif case[step] == "a":
                        review.approve(db, CLI, filing_id)
                if case[step] == "n":
                    again = valid_filing(latest.unit, revision=latest.revision + 1)
                    again["id"] = filing_id
                    file_one(store, latest.unit, again)
    return ids


def _marked(db: Connection) -> dict[str, int]:
    x = filing_facts.c
    return {row.id: row.waiting for row in db.execute(select(x.id, x.waiting))}


def _listed_as_filed(db: Connection, actor: Actor) -> list[str]:
    """备案列表 with the status 已接收, every page by the keyset, pages of 2."""
    out: list[str] = []
    after = ""
    while True:
        page = listing.page(db, actor, Filters(status="filed"), after=after, size=2)
        assert all(row.status == "filed" for row in page.rows)
        out += [row.id for row in page.rows]
        if not page.next_after:
            return out
        after = page.next_after


def _check(store: OfficeStore) -> None:
    """The marker, 待审 (its lists and counts) and the 已接收 filter, against the old
    definition."""
    with store.read() as db:
        expected = old_definition(db)
        assert _marked(db) == {
            filing_id: int(filing_id in {w.id for w in expected}) for filing_id in _marked(db)
        }
        for code, actor in REVIEWERS.items():
            own = [w for w in expected if w.office == code]
            assert [r.id for r in pending.pending(db, actor)] == [w.id for w in own]
            assert [r.id for r in pending.pending(db, actor, limit=2)] == [w.id for w in own[:2]]
            seen = pending.seen_point(db, actor)
            point = seen[0] if seen else None
            new = [w for w in own if point is None or w.point > point]
            earlier = [w for w in own if point is not None and w.point <= point]
            for limit in (2, pending.PAGE_LIMIT):
                shown = pending.view(db, actor, limit=limit)
                assert [r.id for r in shown.new] == [w.id for w in new[:limit]]
                assert [r.id for r in shown.earlier] == [w.id for w in earlier[:limit]]
                assert (shown.new_count, shown.earlier_count) == (len(new), len(earlier))
        city_reach = [w for w in expected if w.office in (CITY, COUNTY)]
        newest_first = sorted(city_reach, key=lambda w: (w.received_at, w.id), reverse=True)
        assert _listed_as_filed(db, REVIEWERS[CITY]) == [w.id for w in newest_first]
        county = [w.id for w in newest_first if w.office == COUNTY]
        assert _listed_as_filed(db, REVIEWERS[COUNTY]) == county


def test_pending_through_the_marker_is_what_the_old_definition_gives(store: OfficeStore):
    ids = _office_data(store)
    with store.read() as db:
        waiting = {w.id for w in old_definition(db)}
    # The cases left waiting: filed, resubmitted after 退回, revised after 审核通过.
    assert waiting == {i for case in ("", "rn", "an", "rnrn") for i in ids[case]}
    _check(store)
    # A reviewer marks 已看 part way; then more arrive and are decided.
    city = REVIEWERS[CITY]
    with store.read() as db:
        mark = pending.view(db, city, limit=2).mark
    with store.write() as db:
        assert pending.mark_seen(db, city, mark)
    later = valid_filing(DEFAULT_UNIT)
    file_one(store, DEFAULT_UNIT, later)
    with store.write() as db:
        review.approve(db, CLI, ids[""][0])
        filings.return_latest(db, CLI, ids["rn"][0], "请补充检查依据。")
    reviewed = ids["a"][0]
    with store.read() as db:
        held = filings.latest(db, reviewed)
    assert held is not None
    again = valid_filing(held.unit, revision=2)
    again["id"] = reviewed
    file_one(store, held.unit, again)
    _check(store)
    with store.read() as db:
        marked = _marked(db)
    assert marked[later["id"]] == 1 and marked[reviewed] == 1
    assert marked[ids[""][0]] == 0 and marked[ids["rn"][0]] == 0


def _drop_the_marker(store: OfficeStore) -> None:
    """The database as it was at 0010_list_indexes: no marker, no index."""
    with store.write() as db:
        db.execute(text("DROP INDEX ix_filing_facts_waiting"))
        db.execute(text("ALTER TABLE filing_facts DROP COLUMN waiting"))
        db.execute(text("DROP TABLE report_facts"))  # …and what the reports count (0012)
        db.execute(text("UPDATE alembic_version SET version_num = '0010_list_indexes'"))


@pytest.fixture
def target(request: pytest.FixtureRequest, tmp_path: Path, office_backend: str) -> Path | str:
    return new_office_db(request, office_backend, tmp_path)


def test_the_migration_fills_the_marker_of_the_filings_held(target: Path | str):
    store = OfficeStore.open(target)
    try:
        _office_data(store)
        _drop_the_marker(store)
    finally:
        store.dispose()
    store = OfficeStore.open(target, migrate=True)
    try:
        with store.read() as db:
            assert migrations.state(db).current == migrations.head()
            made = {i["name"]: i for i in inspect(db).get_indexes("filing_facts")}
            assert made["ix_filing_facts_waiting"]["column_names"] == [
                "waiting",
                "office",
                "received_at",
                "id",
            ]
            assert sum(_marked(db).values()) == len(old_definition(db)) == 8
        _check(store)
        # …and intake, 审核通过 and 退回 keep it on the migrated database.
        data = valid_filing(DEFAULT_UNIT)
        file_one(store, DEFAULT_UNIT, data)
        _check(store)
        with store.write() as db:
            review.approve(db, CLI, data["id"])
        _check(store)
    finally:
        store.dispose()


def _plan(db: Connection, query: Any) -> str:
    compiled = query.compile(dialect=db.dialect, compile_kwargs={"literal_binds": True})
    return " | ".join(str(row[-1]) for row in db.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}"))


def test_sqlite_reads_only_the_waiting_rows_through_the_partial_index(tmp_path: Path):
    """SQLite uses a partial index only when the query names its condition as the index
    does: 待审's lists, its counts and the 已接收 filter all do."""
    store = OfficeStore.open(tmp_path / "office.db")
    try:
        file_one(store, DEFAULT_UNIT, valid_filing(DEFAULT_UNIT))
        actor = REVIEWERS[CITY]
        waiting = pending._waiting(actor)
        with store.read() as db:
            plans = [
                _plan(db, pending._select(waiting, pending.PAGE_LIMIT)),
                _plan(db, pending._count_query(waiting)),
                _plan(db, pending._count_query(waiting, pending._after((2026, 1)))),
                _plan(db, listing._select(db, actor, Filters(status="filed"))),
            ]
    finally:
        store.dispose()
    for plan in plans:
        assert "ix_filing_facts_waiting" in plan, plan
