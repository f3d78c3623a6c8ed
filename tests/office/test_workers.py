"""``serve --workers N``: several worker processes on one store, on both backends.

Concurrent submitters send every filing twice to a three-worker office holding a city
and a county office: each (id, revision) gets exactly one receipt, and each office's
numbers are unique and without gaps, although the submissions were decided by
different processes."""

from __future__ import annotations

import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.support.office import DEFAULT_UNIT, OfficeServer, new_office_db, valid_filing

RECEIPT_RE = re.compile(r"(.+?)〔(\d{4})〕(\d{6})号")
COUNTY_UNIT = "雨湖区市场监督管理局"
WORKERS = 3


@pytest.fixture
def workers(request, tmp_path, office_backend) -> Iterator[OfficeServer]:
    db = new_office_db(request, office_backend, tmp_path)
    with OfficeServer.start(
        tmp_path / "office", db=db, extra_args=["--workers", str(WORKERS)]
    ) as server:
        server.wait_for_log(
            lambda e: (
                len([x for x in server.log_events() if x.get("event") == "worker_started"])
                >= WORKERS
            ),
            timeout=60,
        )
        yield server


@pytest.mark.slow
def test_receipts_stay_unique_and_gap_free_across_workers(workers: OfficeServer) -> None:
    workers.cli(
        "office",
        "create",
        "--code",
        "430302",
        "--name",
        "雨湖区",
        "--prefix",
        "雨优备",
        "--parent",
        "430300",
    )
    tokens = {
        DEFAULT_UNIT: workers.create_token(DEFAULT_UNIT, "430300"),
        COUNTY_UNIT: workers.create_token(COUNTY_UNIT, "430302"),
    }
    sent = [(unit, valid_filing(unit)) for unit in tokens for _ in range(20)]

    def send(item: tuple[str, dict]) -> httpx.Response:
        unit, filing = item
        # A new connection each time, so the kernel hands them to different workers.
        with workers.client(tokens[unit], headers={"Connection": "close"}) as http:
            return http.post("/api/v1/filings", json=filing)

    with ThreadPoolExecutor(max_workers=12) as pool:
        answers = list(pool.map(send, sent + sent))

    assert sorted(r.status_code for r in answers) == [200] * 40 + [201] * 40, [
        r.text for r in answers if r.status_code not in (200, 201)
    ]
    by_id: dict[str, set[str]] = {}
    for r in answers:
        by_id.setdefault(r.json()["id"], set()).add(r.json()["receipt"])
    assert all(len(receipts) == 1 for receipts in by_id.values())
    series: dict[str, list[int]] = {}
    for receipts in by_id.values():
        prefix, _, number = RECEIPT_RE.fullmatch(next(iter(receipts))).groups()
        series.setdefault(prefix, []).append(int(number))
    assert {p: sorted(n) for p, n in series.items()} == {
        "潭优备": list(range(1, 21)),
        "雨优备": list(range(1, 21)),
    }
    held = workers.filings()
    assert len(held) == 40 and len({f["receipt"] for f in held}) == 40
    deciders = {e["pid"] for e in workers.log_events() if e.get("event") == "submit"}
    assert len(deciders) >= 2, "the submissions should have been spread over the workers"
