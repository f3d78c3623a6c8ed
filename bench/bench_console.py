"""The workbench at scale: 备案列表, 待审 and 统计汇总 at 10^6 filings.

Loads ``--rows`` filings with the office bench's bulk loader (bench/bench_office.py),
fills ``filing_facts`` and ``report_facts`` for them as intake would (enterprises vary,
one in 50 in a park, one in 20 flagged, one in 5 post-hoc, each inspection ended the
day it was filed), records a review of every filing but the newest 1 % and returns one
in 1,000 (an office that keeps up: what waits is recent) — with the 待审 marker
``filing_facts.waiting`` as intake, 审核通过 and 退回 leave it — then times, as a
reviewer of office 430300 would ask them:

- ``office.console.listing.page`` — the first page, a deep page (keyset), a unit
  filter, a credit-code filter, an enterprise-name filter, a status filter (已退回: few
  rows), a received-date range, a park, a receipt search and a free search that finds
  nothing — and ``listing.choices`` (the units and parks the filter row offers, which
  the page computes on every load);
- ``office.console.pending.pending`` (待审: the oldest 200 waiting) and
  ``pending.view`` (what the page loads: its lists and their counts);
- ``office.console.dashboard.board`` for one quarter (统计汇总: ``office.reports``
  counting every filing received in it), once (``--dashboard-runs``), as it takes
  seconds;
- the floor: ``SELECT 1`` through the same ``store.read()`` — what any query costs on
  that backend (a connection from the pool, a round trip, the rollback).

Prints medians in milliseconds; asserts nothing about time.

    .venv/bin/python bench/bench_console.py --rows 1000000 --backends sqlite,postgresql
"""

from __future__ import annotations

import argparse
import signal
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.bench_office import UNITS, bulk_load, timed
from office.console import dashboard, listing, pending
from office.console.listing import Filters
from office.staff import Actor
from office.store import OfficeStore
from office.tables import filing_facts, filings, report_facts, reviews
from tests.support.postgres import PostgresServer

BATCH = 10_000
REVIEWER = Actor("bench", "reviewer", "430300")


def fill_facts(store: OfficeStore, rows: int) -> None:
    with store.read() as db:
        received = [
            r[0] for r in db.exec_driver_sql("SELECT received_at FROM filings ORDER BY receipt_no")
        ]
    reviewed_below = rows - rows // 100  # the newest 1 % waits for review
    for first in range(0, rows, BATCH):
        batch: list[dict[str, Any]] = []
        for n in range(first, min(first + BATCH, rows)):
            batch.append(
                {
                    "id": f"bench-{n:08d}",
                    "revision": 1,
                    "office": "430300",
                    "unit": UNITS[n % len(UNITS)],
                    "enterprise": f"湘潭第{n % 50_000}号制造有限公司",
                    "uscc": f"9143030{n:011d}",
                    "kind": "prior" if n % 5 else "post_hoc",
                    "inspection_start": received[n][:10] + "T09:00:00+08:00",
                    "received_at": received[n],
                    "park": "湘潭高新技术产业开发区" if n % 50 == 0 else None,
                    "flagged": int(n % 20 == 0),
                    # what intake, 审核通过 and 退回 leave: neither reviewed nor returned
                    "waiting": int(n >= reviewed_below and n % 1000 != 999),
                }
            )
        # What the counts read (office/report_facts.py): each inspection ended the day
        # its filing arrived, the flagged ones were repeated.
        counted = [
            {
                **{k: row[k] for k in ("id", "revision", "office", "unit", "kind")},
                **{k: row[k] for k in ("enterprise", "uscc")},
                "first_received_at": row["received_at"],
                "revisions": 1,
                "inspection_end": row["received_at"][:10],
                "joint_units": 0,
                "report_flags": "repeated_inspection" if row["flagged"] else "",
            }
            for row in batch
        ]
        with store.write() as db:
            db.execute(filing_facts.insert(), batch)
            db.execute(report_facts.insert(), counted)
    for first in range(0, reviewed_below, BATCH):
        done = [
            {
                "id": f"bench-{n:08d}",
                "revision": 1,
                "office": "430300",
                "actor": "bench",
                "at": received[n],
            }
            for n in range(first, min(first + BATCH, reviewed_below))
            if n % 1000 != 999
        ]
        with store.write() as db:
            db.execute(reviews.insert(), done)
    returned = [f"bench-{n:08d}" for n in range(999, rows, 1000)]
    with store.write() as db:
        for first in range(0, len(returned), 500):
            db.execute(
                filings.update()
                .where(filings.c.id.in_(returned[first : first + 500]))
                .values(status="returned", reason="材料不全", returned_at=received[0])
            )
    with store.write() as db:
        db.exec_driver_sql("ANALYZE")


def measure(store: OfficeStore, rows: int, dashboard_runs: int = 1) -> dict[str, float]:
    out: dict[str, float] = {}

    def timed_read(name: str, fn: Any, runs: int = 5) -> None:
        def once() -> None:
            with store.read() as db:
                fn(db)

        once()  # warm the cache: the figures are for a running office
        out[name] = timed(once, runs)

    def run(name: str, flt: Filters, after: str = "") -> None:
        timed_read(name, lambda db: listing.page(db, REVIEWER, flt, after=after))

    timed_read("floor_select_1_ms", lambda db: db.exec_driver_sql("SELECT 1").scalar_one())

    with store.read() as db:
        at = db.exec_driver_sql(
            f"SELECT received_at FROM filing_facts WHERE id = 'bench-{rows // 2:08d}'"
        ).scalar_one()
    middle = f"{at}|bench-{rows // 2:08d}"
    run("list_first_page_ms", Filters())
    run("list_deep_page_ms", Filters(), after=middle)
    run("list_unit_ms", Filters(unit=UNITS[3]))
    run("list_credit_code_ms", Filters(enterprise=f"9143030{rows // 3:011d}"))
    run("list_enterprise_name_ms", Filters(enterprise="第4321号制造"))
    run("list_search_receipt_ms", Filters(q=f"潭优备〔2026〕{rows // 3:07d}号"))
    run("list_search_miss_ms", Filters(q="不存在的企业"))
    run("list_status_returned_ms", Filters(status="returned"))
    run("list_status_filed_ms", Filters(status="filed"))
    run("list_received_range_ms", Filters(received_from="2026-03-01", received_to="2026-03-31"))
    run("list_park_ms", Filters(park="湘潭高新技术产业开发区"))
    timed_read("list_choices_ms", lambda db: listing.choices(db, REVIEWER))
    timed_read("pending_ms", lambda db: pending.pending(db, REVIEWER))
    # What the 待审 page loads: both lists (new since the reviewer's mark, earlier) and
    # their counts — the reviewer has never marked, so everything waiting is new.
    timed_read("pending_page_ms", lambda db: pending.view(db, REVIEWER))
    if dashboard_runs > 0:
        timed_read(
            "dashboard_quarter_ms",
            lambda db: dashboard.board(db, REVIEWER, "2026Q1"),
            runs=dashboard_runs,
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--dashboard-runs", type=int, default=1, help="0: not measured")
    args = parser.parse_args()
    # A terminated run stops its PostgreSQL server and removes its files (the finally).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    postgres = PostgresServer(durable=True) if "postgresql" in args.backends else None
    if postgres:
        postgres.start()
    try:
        with tempfile.TemporaryDirectory(prefix="beian-bench-console-") as tmp:
            for backend in args.backends.split(","):
                target = Path(tmp) / "c.db" if backend == "sqlite" else postgres.create_database()  # type: ignore[union-attr]
                store = OfficeStore.open(target)
                load_s = bulk_load(store, args.rows)
                fill_facts(store, args.rows)
                print(f"{backend}: loaded {args.rows} filings in {load_s:.1f} s", flush=True)
                for key, value in measure(store, args.rows, args.dashboard_runs).items():
                    print(f"{backend}_{key}\t{value:.2f}", flush=True)
                store.dispose()
    finally:
        if postgres:
            postgres.stop()


if __name__ == "__main__":
    main()
