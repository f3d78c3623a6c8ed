"""The workbench's 备案列表 at scale: a page and a search at 10^6 filings.

Loads ``--rows`` filings with the office bench's bulk loader (bench/bench_office.py),
fills ``filing_facts`` for them as intake would (enterprises vary, one in 50 in a park,
one in 20 flagged), then times ``office.console.listing.page`` — the first page, a
deep page (keyset), a unit filter, a credit-code filter, an enterprise-name filter and
a free search — as a reviewer of office 430300 would ask them. Prints medians in
milliseconds; asserts nothing about time.

    .venv/bin/python bench/bench_console.py --rows 1000000 --backends sqlite,postgresql
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.bench_office import UNITS, bulk_load, timed
from office.console import listing
from office.console.listing import Filters
from office.staff import Actor
from office.store import OfficeStore
from office.tables import filing_facts
from tests.support.postgres import PostgresServer

BATCH = 10_000
REVIEWER = Actor("bench", "reviewer", "430300")


def fill_facts(store: OfficeStore, rows: int) -> None:
    with store.read() as db:
        received = [
            r[0] for r in db.exec_driver_sql("SELECT received_at FROM filings ORDER BY receipt_no")
        ]
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
                }
            )
        with store.write() as db:
            db.execute(filing_facts.insert(), batch)
    with store.write() as db:
        db.exec_driver_sql("ANALYZE filing_facts" if store.dialect == "postgresql" else "ANALYZE")


def measure(store: OfficeStore, rows: int) -> dict[str, float]:
    out: dict[str, float] = {}

    def run(name: str, flt: Filters, after: str = "") -> None:
        def once() -> None:
            with store.read() as db:
                listing.page(db, REVIEWER, flt, after=after)

        once()
        out[name] = timed(once)

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
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args()
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
                for key, value in measure(store, args.rows).items():
                    print(f"{backend}_{key}\t{value:.2f}", flush=True)
                store.dispose()
    finally:
        if postgres:
            postgres.stop()


if __name__ == "__main__":
    main()
