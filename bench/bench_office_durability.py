"""What a receipt that survives a power cut costs the office.

    .venv/bin/python bench/bench_office_durability.py [--filings 200] [--dir DIR] [--json]

The office commits with ``synchronous=FULL`` (``office.store.SYNCHRONOUS``): the WAL is
synced at every commit, so a receipt handed to a desk is on the disk. This takes real
filings through ``office.intake.submit`` (parse, rules, receipt, commit) on a real SQLite
file in ``DIR`` (default: a temporary folder; point it at the office's disk), once with
FULL and once with NORMAL (the floor: the same work without the sync), and times one
bare ``write`` + ``fdatasync`` of a page on the same disk (what the disk itself costs).
Prints a table; with --json the last line is one JSON object. No goal is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from office import store as office_store
from office import tokens
from office.intake import submit
from office.staff import Actor
from tests.support.office import DEFAULT_UNIT, valid_filing


def _receipts(folder: Path, synchronous: str, count: int) -> list[float]:
    office_store.SYNCHRONOUS = synchronous
    store = office_store.OfficeStore.open(folder / f"office-{synchronous.lower()}.db")
    with store.write() as db:
        tokens.create(db, Actor.cli(), DEFAULT_UNIT)
    bodies = [json.dumps(valid_filing(), ensure_ascii=False).encode() for _ in range(count)]
    times = []
    for body in bodies:
        started = time.perf_counter()
        outcome = submit(store, DEFAULT_UNIT, body)
        times.append(time.perf_counter() - started)
        assert outcome.status == 201, outcome.body
    return times


def _bare_sync(folder: Path, count: int) -> list[float]:
    path = folder / "sync-probe"
    fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
    times = []
    try:
        for _ in range(count):
            started = time.perf_counter()
            os.write(fd, b"\0" * 4096)
            os.fdatasync(fd)
            times.append(time.perf_counter() - started)
    finally:
        os.close(fd)
        path.unlink()
    return times


def measure(folder: Path, count: int) -> dict[str, Any]:
    previous = office_store.SYNCHRONOUS
    try:
        normal = _receipts(folder, "NORMAL", count)
        full = _receipts(folder, "FULL", count)
    finally:
        office_store.SYNCHRONOUS = previous
    bare = _bare_sync(folder, count)
    med = statistics.median
    return {
        "receipt_full_ms": round(med(full) * 1000, 2),
        "receipt_normal_ms": round(med(normal) * 1000, 2),
        "receipt_full_p95_ms": round(sorted(full)[int(len(full) * 0.95) - 1] * 1000, 2),
        "bare_fdatasync_ms": round(med(bare) * 1000, 2),
        "full_over_normal_ms": round((med(full) - med(normal)) * 1000, 2),
        "filings": count,
        "folder": str(folder),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--filings", type=int, default=200)
    parser.add_argument("--dir", type=Path, help="where the databases go (the office's disk)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        figures = measure(Path(tmp), max(args.filings, 2))
    rows = [
        ("one receipt, synchronous=FULL (median)", f"{figures['receipt_full_ms']} ms"),
        ("one receipt, synchronous=FULL (95th percentile)", f"{figures['receipt_full_p95_ms']} ms"),
        ("one receipt, synchronous=NORMAL (floor, median)", f"{figures['receipt_normal_ms']} ms"),
        ("FULL minus NORMAL", f"{figures['full_over_normal_ms']} ms"),
        ("bare write + fdatasync of 4 KiB on that disk", f"{figures['bare_fdatasync_ms']} ms"),
    ]
    width = max(len(label) for label, _ in rows)
    print(f"{figures['filings']} filings in {figures['folder']}")
    for label, value in rows:
        print(f"{label:<{width}}  {value}")
    if args.json:
        print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
