"""SIGKILL of the real programs: the store stays sound, nothing acknowledged is lost,
nothing is duplicated — at the desk and at the office.

tests/desktop/test_store_kill.py kills a process driving the store API in a tight loop,
tests/desktop/test_ui_autosave_kill.py the window once after one autosave, and
tests/desktop/test_sync_faults.py one ``beian sync`` once mid-request. Here the whole
chain, again and again:

- the real window (``beian --data-dir DIR`` through its own entry point, offscreen) with
  a scripted clerk who types into filing after filing and submits each; it is killed
  after a different number of acknowledgements each round and started again on the same
  folder; then the real ``beian sync`` delivers the outbox to a real office;
- ``beian sync`` killed again and again while it delivers many filings, at whatever
  point it has reached (before a request, with the office committed and the reply on its
  way, between the receipt and the store); then one more pass finishes the work.

After each kill: ``PRAGMA integrity_check`` passes; every autosave and submit the program
acknowledged is in the store; no filing, outbox entry or event is there twice. At the
end every queued filing is at the office exactly once (``beian-office filings --json``),
with the same receipt on the desk.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from desktop.store import QUEUED, SENT, ListQuery, Store
from tests.support.desk import Desk
from tests.support.office import DEFAULT_UNIT, OfficeServer, valid_filing
from tests.support.ui_helpers import good_filing
from tests.support.waiting import NotInTimeError, OutputLines

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        sys.platform.startswith("win"), reason="SIGKILL is POSIX"
    ),  # never skipped on Linux CI; Windows has no SIGKILL,
]

ROOT = Path(__file__).resolve().parents[2]
DRIVER = Path(__file__).resolve().parents[1] / "support" / "window_driver.py"


class Child:
    """A process whose stdout lines are read as they come (with a deadline)."""

    def __init__(self, command: list[str], env: dict[str, str]) -> None:
        self.proc = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )
        self.out = OutputLines(self.proc.stdout)
        self.said: list[list[str]] = []

    def next_line(self, timeout: float = 60) -> list[str]:
        try:
            line = self.out.next_line(timeout, "a line of output")
        except NotInTimeError:
            # Not self.kill(): that closes stderr, which is what the message shows.
            self.proc.kill()
            self.proc.wait(timeout=30)
            raise AssertionError(f"no output; stderr:\n{self.proc.stderr.read()}") from None
        if line is None:
            raise AssertionError(f"the program ended early; stderr:\n{self.proc.stderr.read()}")
        words = line.split()
        self.said.append(words)
        return words

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=30)
        # Whatever it printed before it died was acknowledged too.
        lines = self.out.to_the_end(timeout=30)
        self.said.extend(line.split() for line in lines[len(self.said) :])
        self.proc.stdout.close()
        self.proc.stderr.close()


def sound_store(data_dir: Path) -> Store:
    store = Store.open(data_dir, daily_backup=False)
    assert store._connection().execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    return store


def assert_nothing_twice(store: Store) -> None:
    rows = store.list_filings(ListQuery(limit=10_000))
    ids = [r.id for r in rows]
    assert len(ids) == len(set(ids))
    outbox = [i.id for i in store.outbox()]
    assert len(outbox) == len(set(outbox))
    assert set(outbox) == {r.id for r in rows if r.status == QUEUED}
    for filing_id in ids:
        kinds = Counter(e.kind for e in store.history(filing_id))
        assert kinds["created"] == 1 and kinds["queued"] <= 1 and kinds["sent"] <= 1, kinds


def assert_at_office_exactly_once(office: OfficeServer, desk: Desk, expected: set[str]) -> None:
    rows = office.filings()
    pairs = Counter((r["id"], r["revision"]) for r in rows)
    assert [p for p, n in pairs.items() if n > 1] == []
    assert len({r["receipt"] for r in rows}) == len(rows)
    assert {r["id"] for r in rows} == expected
    held = {r["id"]: r["receipt"] for r in rows}
    with desk.store() as store:
        for filing_id in expected:
            row = store.get(filing_id)
            assert row.status == SENT and row.receipt == held[filing_id]
        assert store.outbox() == []


# --- the window ---------------------------------------------------------------------------


def test_window_killed_again_and_again_loses_nothing_and_files_once(tmp_path):
    desk = Desk(tmp_path / "desk")
    ids = []
    with desk.store() as store:
        for _ in range(40):
            filing = good_filing()
            store.create_filing(filing)
            store.save_draft(filing["id"], filing, has_errors=False)
            ids.append(filing["id"])
    ids_file = tmp_path / "ids.json"
    ids_file.write_text(json.dumps(ids), "utf-8")
    env = desk.env(
        QT_QPA_PLATFORM="offscreen",
        BEIAN_FONT_CACHE=str(tmp_path / "fonts"),
    )

    saved: dict[str, list[str]] = {}
    queued: set[str] = set()
    # A different kill point each round: after an autosave, after a submit, or in between.
    for wanted in (3, 6, 9, 4):
        window = Child([sys.executable, str(DRIVER), str(desk.data_dir), str(ids_file)], env)
        try:
            assert window.next_line()[0] == "WINDOW"
            acks = 0
            while acks < wanted:
                words = window.next_line()
                if words[0] in ("SAVED", "QUEUED"):
                    acks += 1
                assert words[0] != "DONE", "ran out of filings before the kill"
        finally:
            window.kill()
        assert window.proc.returncode == -signal.SIGKILL
        for words in window.said:
            if words[0] == "SAVED":
                saved.setdefault(words[1], []).append(words[2])
            elif words[0] == "QUEUED":
                queued.add(words[1])

        with sound_store(desk.data_dir) as store:
            assert_nothing_twice(store)
            assert {r.id for r in store.list_filings(ListQuery(limit=10_000))} == set(ids)
            for filing_id, marks in saved.items():
                content = store.get(filing_id).filing["content"]
                assert all(mark in content for mark in marks), (content, marks)
            for filing_id in queued:
                assert store.get(filing_id).status == QUEUED

    assert len(queued) >= 5
    # The window kept a log all along (its own entry point sets it up): no phone in it.
    log_text = "".join(p.read_text("utf-8") for p in (desk.data_dir / "logs").glob("beian.log*"))
    assert "starting with data folder" in log_text
    assert good_filing()["leader"]["phone"] not in log_text
    with desk.store() as store:
        in_outbox = {i.id for i in store.outbox()}
    assert queued <= in_outbox  # and perhaps one submitted just before a kill, unannounced

    with OfficeServer.start(tmp_path / "office") as office:
        token = office.create_token(DEFAULT_UNIT)
        connect = desk.connect(office.url, token, timeout=5)
        assert connect.returncode == 0, connect.stdout + connect.stderr
        code, result = desk.sync()
        assert code == 0, result
        assert_at_office_exactly_once(office, desk, in_outbox)


# --- beian sync -----------------------------------------------------------------------------


def test_sync_killed_again_and_again_files_each_exactly_once(tmp_path):
    with OfficeServer.start(tmp_path / "office") as office:
        token = office.create_token(DEFAULT_UNIT)
        desk = Desk(tmp_path / "desk")
        desk.configure(office.url, token, timeout=10)
        filings = [valid_filing(days_ahead=7 + i % 20) for i in range(30)]
        desk.put(*filings)
        queued = {f["id"] for f in filings}

        def submissions() -> int:
            return sum(1 for e in office.log_events() if e.get("event") == "submit")

        sent_before: dict[str, str] = {}
        # Kill after the office has taken a few more submissions each time: the process is
        # then anywhere between recording an attempt and storing a receipt.
        for more in (1, 3, 2, 5):
            target = submissions() + more
            sync = Child([*desk.command("sync")], desk.env())
            try:
                office.wait_for_log(lambda _e, target=target: submissions() >= target, timeout=60)
            finally:
                sync.kill()
            assert sync.proc.returncode == -signal.SIGKILL

            with sound_store(desk.data_dir) as store:
                assert_nothing_twice(store)
                rows = {r.id: r for r in store.list_filings(ListQuery(limit=10_000))}
                assert set(rows) == queued  # nothing lost
                for filing_id, receipt in sent_before.items():  # a receipt stays
                    assert rows[filing_id].status == SENT
                    assert store.get(filing_id).receipt == receipt
                sent_before = {
                    fid: store.get(fid).receipt for fid, r in rows.items() if r.status == SENT
                }
            held = Counter(r["id"] for r in office.filings())
            assert all(n == 1 for n in held.values())

        code, result = desk.sync(timeout=120)
        assert code == 0, result
        assert_at_office_exactly_once(office, desk, queued)
        # Each accepted once; every resend of something the office already held got its
        # first receipt again ("duplicate"). A request the kill cut off while its body was
        # on the wire is a 400 for a broken connection, and was sent again whole later.
        decisions = Counter(
            e.get("decision") for e in office.log_events() if e.get("event") == "submit"
        )
        assert decisions["accepted"] == len(queued)
        assert set(decisions) <= {"accepted", "duplicate", "bad_request"}
