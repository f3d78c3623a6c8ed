"""The office's disk fills up, and the office's receipts survive a power cut.

A full disk used to be invisible: ``/api/v1/health`` said ok while every write failed,
and submissions got a generic 500. A real office process is made to meet a full disk
while it runs — the kernel's file size limit of that process (``prlimit``), after its
WAL was emptied, so that the next page SQLite writes is refused as on a full disk
(tests/hardening/failing_disk.py says why this holds for root too). Health says the store
cannot write (503), a submission gets 503 with ``Retry-After`` and a Chinese message, the
log has one line for it and no traceback, and the desk keeps the filing queued; once
space is back the same filing is filed exactly once.

Durability: a receipt handed out must not be lost to a power cut (with
``synchronous=NORMAL`` the last commits of the WAL can be). A power cut cannot be made in
a test; what makes a commit survive one can be seen: the WAL is synced (fdatasync) at
every commit. ``strace`` watches a real ``beian-office import`` of three filings.
"""

from __future__ import annotations

import json
import re
import resource
import subprocess
from pathlib import Path

import httpx

from tests.hardening.failing_disk import checkpoint
from tests.support.desk import Desk
from tests.support.office import (
    DEFAULT_UNIT,
    OFFICE_COMMAND,
    REPO,
    _env,
    free_port,
    office_cli,
    valid_filing,
    write_bundle,
)
from tests.support.waiting import OutputLines


def _event(line: str) -> str | None:
    """The event of one of the office's JSON log lines (None for any other line)."""
    if not line.startswith("{"):
        return None
    return json.loads(line).get("event")


def test_a_full_disk_is_reported_and_the_desk_keeps_the_filing_queued(tmp_path: Path) -> None:
    db = tmp_path / "office.db"
    token = office_cli(db, "token", "create", "--unit", DEFAULT_UNIT).stdout.splitlines()[-1]
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    # Logging to a pipe, not a file: the size limit below is for the database's files.
    process = subprocess.Popen(
        [*OFFICE_COMMAND, "serve", "--db", str(db), "--port", str(port)],
        cwd=REPO,
        env=_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )
    stderr = OutputLines(process.stderr)
    unlimited = resource.getrlimit(resource.RLIMIT_FSIZE)
    try:
        # The office says "listening" once its socket takes connections.
        stderr.expect(lambda line: _event(line) == "listening", 30, "the office listening")
        desk = Desk(tmp_path / "desk")
        desk.configure(url, token)
        filing = valid_filing()
        desk.put(filing)

        checkpoint(db)  # the WAL is empty: the next commit must grow it
        resource.prlimit(process.pid, resource.RLIMIT_FSIZE, (4096, unlimited[1]))
        with httpx.Client(base_url=url, timeout=10) as http:
            health = http.get("/api/v1/health")
            assert health.status_code == 503
            assert health.json()["status"] == "store_unwritable"
            assert "磁盘" in health.json()["message"] and health.headers["Retry-After"]
            auth = {"Authorization": f"Bearer {token}"}
            answer = http.post("/api/v1/filings", json=valid_filing(), headers=auth)
            assert answer.status_code == 503, answer.text
            assert answer.json()["error"] == "store_unwritable"
            assert "无法写入" in answer.json()["message"]
            assert int(answer.headers["Retry-After"]) > 0
        # The desk's pass stops at health, says why in the office's words, keeps the filing.
        code, result = desk.sync()
        assert code == 1 and result["sent"] == []
        assert any("磁盘" in e for e in result["errors"]), result["errors"]
        with desk.store() as store:
            assert store.get(filing["id"]).status == "queued"

        resource.prlimit(process.pid, resource.RLIMIT_FSIZE, unlimited)  # space is back
        code, result = desk.sync()
        assert code == 0 and [s["id"] for s in result["sent"]] == [filing["id"]]
    finally:
        resource.prlimit(process.pid, resource.RLIMIT_FSIZE, unlimited)
        process.terminate()
        process.wait(timeout=15)
        log = stderr.to_the_end(timeout=15)
    assert not any("Traceback" in line or "internal_error" in line for line in log)
    assert "store_unwritable" in [_event(line) for line in log]
    held = json.loads(office_cli(db, "filings", "--json").stdout)
    assert [h["id"] for h in held] == [filing["id"]]


def test_every_receipt_is_synced_to_disk_before_it_is_handed_out(tmp_path: Path) -> None:
    db = tmp_path / "office.db"
    office_cli(db, "token", "create", "--unit", DEFAULT_UNIT)
    filings = [valid_filing() for _ in range(3)]
    bundle = write_bundle(tmp_path / "bundle.json", filings)
    trace = tmp_path / "strace.txt"
    command = [*OFFICE_COMMAND, "import", str(bundle), "--unit", DEFAULT_UNIT, "--db", str(db)]
    result = subprocess.run(
        ["strace", "-f", "-y", "-o", str(trace), "-e", "trace=fsync,fdatasync", *command],
        cwd=REPO,
        env=_env(),
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("已受理") == 3
    wal_syncs = re.findall(
        rf"f(?:data)?sync\(\d+<{re.escape(str(db))}-wal>\)\s+= 0", trace.read_text()
    )
    # One per receipt at least (with NORMAL: none until the checkpoint at close).
    assert len(wal_syncs) >= 3 + 1, trace.read_text()[-2000:]
