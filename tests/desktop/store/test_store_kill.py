"""SIGKILL in the middle of saving, queuing, sending and backing up.

A child process works on a store in a tight loop and prints a line after each call
returns (its acknowledgement). The test kills it with SIGKILL once enough lines have
come, at whatever point it has reached, reads every line it printed, reopens the store
and checks: the file is sound, everything acknowledged is there, nothing is there twice.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from desktop.store import QUEUED, SENT, STATUSES, ListQuery, Store
from desktop.store import backups as backup_files

ROOT = Path(__file__).resolve().parents[3]

CHILD = r"""
import copy, json, sys, uuid
from pathlib import Path
from desktop.store import Store

data, base = Path(sys.argv[1]), json.loads(Path(sys.argv[2]).read_text("utf-8"))
store = Store.open(data, daily_backup=False)

def ack(*words):
    print(*words, flush=True)

n = 0
while True:
    n += 1
    f = copy.deepcopy(base)
    f["id"] = str(uuid.uuid4())
    ack("try", f["id"])  # before: the parent learns ids that may exist unacknowledged
    store.create_filing(f)
    ack("created", f["id"])
    for i in range(3):
        f["content"] = f"第{i}次修改 " + "检查内容。" * (50 * i)
        store.save_draft(f["id"], f, has_errors=False)
        ack("saved", f["id"], i)
    store.queue(f["id"])
    ack("queued", f["id"])
    if n % 2:
        store.mark_attempt(f["id"], 1)
        ack("attempted", f["id"])
        store.mark_sent(f["id"], 1, {"receipt": f"R{n}"})
        ack("sent", f["id"], f"R{n}")
    if n % 5 == 0:
        ack("backup", store.backup_now().name)
"""


def run_and_kill(data: Path, filing: Path, wanted: int) -> list[list[str]]:
    """Start the child, SIGKILL it after ``wanted`` acknowledgements, return all it said."""
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(data), str(filing)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    lines: list[list[str]] = []
    try:
        for line in child.stdout:
            lines.append(line.split())
            if len(lines) >= wanted:
                break
        else:
            pytest.fail(f"the child ended early: {child.stderr.read()}")
        child.send_signal(signal.SIGKILL)
        # what it printed before it died; a line cut short by the kill acknowledges nothing
        lines.extend(line.split() for line in child.stdout if line.endswith("\n"))
    finally:
        child.kill()
        child.wait(timeout=30)
        child.stdout.close()
        child.stderr.close()
    assert child.returncode == -signal.SIGKILL
    return lines


def check(data: Path, lines: list[list[str]]) -> None:
    tried = {w[1] for w in lines if w[0] == "try"}
    acked = defaultdict(set)
    for w in lines:
        if w[0] != "try":
            acked[w[0]].add(tuple(w[1:]))
    with Store.open(data, daily_backup=False) as store:
        assert store._connection().execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        rows = store.list_filings(ListQuery(limit=10_000))
        ids = [r.id for r in rows]
        assert len(ids) == len(set(ids)) and set(ids) <= tried
        for (fid,) in acked["created"]:
            assert fid in ids
        saved = defaultdict(int)
        for fid, i in acked["saved"]:
            saved[fid] = max(saved[fid], int(i))
        for fid, i in saved.items():
            assert int(store.get(fid).filing["content"][1]) >= i  # that save or a later one
        for (fid,) in acked["queued"]:
            assert store.get(fid).status in (QUEUED, SENT)
        for fid, receipt in acked["sent"]:
            row = store.get(fid)
            assert (row.status, row.receipt) == (SENT, receipt)
        statuses = Counter(r.status for r in rows)
        assert store.counts_by_status() == {s: statuses.get(s, 0) for s in STATUSES}
        outbox = [item.id for item in store.outbox()]
        assert len(outbox) == len(set(outbox))
        assert set(outbox) == {r.id for r in rows if r.status == QUEUED}
        for fid in ids:
            kinds = Counter(e.kind for e in store.history(fid))
            assert kinds["created"] == 1 and kinds["queued"] <= 1 and kinds["sent"] <= 1
            assert kinds["attempt"] <= 1
        # acknowledged backups are there, but for those rotated out (the last 7 are kept)
        assert len(store.backups()) >= min(len(acked["backup"]), backup_files.KEEP_REGULAR)
        for backup in store.backups():  # never a half-written backup among them
            assert backup_files.check_file(backup) is None


@pytest.mark.slow
def test_sigkill_while_saving_queuing_and_sending(tmp_path: Path, good_filing: dict):
    data = tmp_path / "data"
    filing = tmp_path / "filing.json"
    filing.write_text(json.dumps(good_filing, ensure_ascii=False), "utf-8")
    said: list[list[str]] = []
    # Different kill points each round; the store keeps growing across rounds.
    for wanted in (37, 101, 173, 250):
        said += run_and_kill(data, filing, wanted)
        check(data, said)
    assert len(said) >= 561
