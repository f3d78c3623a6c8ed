"""The office store at scale, on SQLite and on PostgreSQL: intake, review list, search.

    .venv/bin/python bench/bench_office.py [--rows 1000000] [--intake 400] [--json]

Prints figures; asserts nothing about time. What is measured:

- intake: filings per second accepted by a real ``beian-office serve`` on 127.0.0.1
  with one worker and with four (``--workers``), 8 units submitting at once over HTTP,
  each filing checked by the rules and given a receipt (SQLite with synchronous=FULL;
  PostgreSQL with its durable defaults, fsync on);
- at ``--rows`` filings bulk-loaded straight into the tables (in one office, realistic
  bodies): the latency of the first page and of a deep page of the review list
  (``office.filings.review_page``), of a search by receipt (indexed), of a search by
  unit name that finds a page early, and of one that finds nothing (a scan of every
  row), median of 5;
- peak memory: the largest resident set of a server process during intake (VmHWM), and
  of this process while loading and querying (ru_maxrss).

PostgreSQL is Debian's, started for the run in a temporary folder (as ``postgres`` when
run as root), like the tests do. docs/benchmarks.md holds the latest figures.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from office import filings  # noqa: E402
from office.store import OfficeStore  # noqa: E402
from office.tables import filings as filings_table  # noqa: E402
from tests.support.office import OfficeServer, valid_filing  # noqa: E402
from tests.support.postgres import PostgresServer  # noqa: E402

UNITS = [f"湘潭市第{i}执法单位" for i in range(1, 9)]
BATCH = 10_000


def _peak_rss_kib(pid: int) -> int:
    """VmHWM of ``pid`` and its children (the workers), the largest of them."""
    pids = [pid]
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            pids += [int(p) for p in (task / "children").read_text().split()]
    except OSError:
        pass
    peaks = []
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peaks.append(int(line.split()[1]))
        except OSError:
            continue
    return max(peaks, default=0)


def intake(db: Path | str, workdir: Path, workers: int, count: int) -> dict[str, float]:
    args = ["--workers", str(workers), "--rate-limit", "0"]
    with OfficeServer.start(workdir, db=db, extra_args=args, startup_timeout=60) as server:
        if workers > 1:
            server.wait_for_log(
                lambda _e: (
                    sum(1 for e in server.log_events() if e.get("event") == "worker_started")
                    >= workers
                ),
                timeout=60,
            )
        tokens = [server.create_token(u) for u in UNITS]
        per_unit = count // len(UNITS)
        failures: list[str] = []

        def submit(i: int) -> None:
            with server.client(tokens[i]) as http:
                for _ in range(per_unit):
                    r = http.post("/api/v1/filings", json=valid_filing(UNITS[i]))
                    if r.status_code != 201:
                        failures.append(r.text)

        threads = [threading.Thread(target=submit, args=(i,)) for i in range(len(UNITS))]
        started = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - started
        peak = _peak_rss_kib(server.process.pid) if server.process else 0
    if failures:
        raise SystemExit(f"intake refused {len(failures)} filings: {failures[0]}")
    return {"filings_per_s": per_unit * len(UNITS) / elapsed, "server_peak_mib": peak / 1024}


def bulk_load(store: OfficeStore, rows: int) -> float:
    """``rows`` filings of 8 units in office 430300, straight into the table."""
    sample = json.dumps(valid_filing(UNITS[0]), ensure_ascii=False).encode()
    base = datetime(2026, 1, 1, 8, 0)
    started = time.perf_counter()
    for first in range(0, rows, BATCH):
        batch: list[dict[str, Any]] = []
        for n in range(first, min(first + BATCH, rows)):
            at = (base + timedelta(seconds=20 * n)).isoformat() + "+08:00"
            batch.append(
                {
                    "id": f"bench-{n:08d}",
                    "revision": 1,
                    "unit": UNITS[n % len(UNITS)],
                    "office": "430300",
                    "body": sample,
                    "content_sha256": f"{n:064x}",
                    "digest": f"{n:016x}",
                    "received_at": at,
                    "receipt": f"潭优备〔2026〕{n + 1:07d}号",
                    "receipt_year": 2026,
                    "receipt_no": n + 1,
                    "status": "filed",
                    "warnings": "[]",
                    "source": "api",
                }
            )
        with store.write() as db:
            db.execute(filings_table.insert(), batch)
    with store.write() as db:
        if store.dialect == "postgresql":
            db.exec_driver_sql("ANALYZE filings")
        else:
            db.exec_driver_sql("ANALYZE")
    return time.perf_counter() - started


def timed(fn: Any, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def queries(store: OfficeStore, rows: int) -> dict[str, float]:
    middle = (datetime(2026, 1, 1, 8, 0) + timedelta(seconds=20 * (rows // 2))).isoformat()
    receipt = f"潭优备〔2026〕{rows // 3:07d}号"
    results: dict[str, float] = {}

    def run(name: str, fn: Any, expect: int) -> None:
        def once() -> None:
            with store.read() as db:
                got = fn(db)
            assert len(got) == expect, (name, len(got))

        once()  # warm the cache: the figures are for a running office
        results[name] = timed(once)

    run("review_first_page_ms", lambda db: filings.review_page(db, ["430300"]), 50)
    run(
        "review_deep_page_ms",
        lambda db: filings.review_page(db, ["430300"], before=middle + "+08:00"),
        50,
    )
    run("search_receipt_ms", lambda db: filings.search(db, ["430300"], receipt), 1)
    run("search_unit_ms", lambda db: filings.search(db, ["430300"], "第3执法"), 50)
    # The worst case: nothing matches, so the whole office's rows are scanned.
    run("search_miss_ms", lambda db: filings.search(db, ["430300"], "不存在的单位"), 0)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--intake", type=int, default=400, help="filings sent per intake run")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    figures: dict[str, Any] = {"rows": args.rows}
    postgres = PostgresServer(durable=True)
    postgres.start()
    try:
        with tempfile.TemporaryDirectory(prefix="beian-bench-office-") as tmp:
            work = Path(tmp)
            for backend in args.backends.split(","):

                def fresh(name: str, backend: str = backend) -> Path | str:
                    if backend == "sqlite":
                        return work / f"{name}.db"
                    return postgres.create_database()

                for workers in (1, 4):
                    got = intake(
                        fresh(f"intake{workers}"),
                        work / f"srv-{backend}-{workers}",
                        workers,
                        args.intake,
                    )
                    for key, value in got.items():
                        figures[f"{backend}_intake_w{workers}_{key}"] = round(value, 1)
                    print(f"{backend} intake, {workers} worker(s): {got}", flush=True)
                store = OfficeStore.open(fresh("bulk"))
                load_s = bulk_load(store, args.rows)
                figures[f"{backend}_bulk_load_s"] = round(load_s, 1)
                print(f"{backend}: loaded {args.rows} filings in {load_s:.1f} s", flush=True)
                for key, value in queries(store, args.rows).items():
                    figures[f"{backend}_{key}"] = round(value, 2)
                    print(f"{backend} {key}: {value:.2f}", flush=True)
                store.dispose()
    finally:
        postgres.stop()
    figures["bench_peak_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    if args.json:
        print(json.dumps(figures, ensure_ascii=False))
    else:
        for key, value in figures.items():
            print(f"{key}\t{value}")


if __name__ == "__main__":
    main()
