"""End to end: real `beian` processes and a real office, with faults injected between them.

Every test ends with the exactly-once check: each (id, revision) at the office once, one
receipt each, and every receipt on the desk equal to the office's.
"""

from __future__ import annotations

import json
import signal
import sys
from datetime import timedelta

import pytest

from desktop.sync.lock import SyncLock
from desktop.sync.service import sync_once
from forms.record import now
from tests.support.desk import (
    Desk,
    desks,  # noqa: F401 - fixture
)
from tests.support.faultproxy import (
    DROP_REPLY,
    ERROR_500,
    GARBAGE,
    STALL,
    STALL_AFTER_FORWARD,
    TRUNCATE,
    FaultProxy,
)
from tests.support.office import (
    DEFAULT_UNIT,
    office,  # noqa: F401 - fixture
    valid_filing,
)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def token(office):
    return office.create_token(DEFAULT_UNIT)


@pytest.fixture
def proxy(office):
    with FaultProxy(office.port, lifetime_s=240) as p:
        yield p


def connected(desks, proxy, token, *, timeout: float = 2.0) -> Desk:
    desk = desks()
    desk.configure(proxy.url, token, timeout=timeout)
    return desk


def posts(proxy) -> list:
    return [e for e in proxy.exchanges if e.method == "POST"]


def pass_later(desk: Desk, hours: float = 1) -> object:
    """One pass in this process with the store's clock ahead: every backed-off filing due."""
    ahead = now() + timedelta(hours=hours)
    with desk.keyring_in_process(), desk.store(clock=lambda: ahead) as store:
        return sync_once(store, desk.data_dir)


def outbox(desk: Desk) -> list:
    with desk.store() as store:
        return store.outbox()


# --- the normal path ----------------------------------------------------------------------


def test_sends_oldest_first_and_reports_status(desks, proxy, token, office):
    desk = desks()
    connect = desk.connect(proxy.url, token, timeout=2)
    assert connect.returncode == 0, connect.stdout + connect.stderr
    assert "令牌有效" in connect.stdout and "未加密" in connect.stdout
    first, second = valid_filing(), valid_filing(days_ahead=9)
    desk.put(first, second)

    code, result = desk.sync()
    assert code == 0, result
    assert [s["id"] for s in result["sent"]] == [first["id"], second["id"]]
    assert result["remaining"] == 0 and result["state"] == "ok"
    assert proxy.exchanges[0].path == "/api/v1/health"  # reached before any attempt

    status = desk.status()
    assert status["queued"] == 0 and status["sent"] == 2
    assert status["last_sync"] and status["last_error"] is None
    assert status["office_url"] == proxy.url and status["encrypted"] is False
    assert abs(status["clock_skew_s"]) < 60

    # The token never reaches the data folder (SQLite, logs, anything).
    assert desk.files_containing(token) == []
    # Nothing left to do: a second pass sends nothing and still exits 0.
    human = desk.run("sync")
    assert human.returncode == 0 and "没有待发送的备案" in human.stdout
    assert len(posts(proxy)) == 2


def test_queue_validates_and_never_makes_a_second_copy(desks, proxy, token):
    desk = connected(desks, proxy, token)
    bad = valid_filing(enterprise={"name": "", "uscc": "123", "address": "", "park": ""})
    result = desk.queue(bad, check=False)
    assert result.returncode == 1
    assert "企业名称" in result.stdout and "未放入待发送队列" in result.stdout

    filing = valid_filing()
    desk.queue(filing)
    changed = dict(filing, items="食品生产许可条件保持情况（复查）")
    desk.queue(changed)  # queued, never attempted: replaces the queued revision
    with desk.store() as store:
        assert store.get(filing["id"]).filing["items"] == changed["items"]
    assert desk.status()["queued"] == 1
    assert [s[0] for s in pass_later(desk, hours=0).sent] == [filing["id"]]

    again = desk.queue(dict(changed, revision=2), check=False)
    assert again.returncode == 1
    assert "不会再提交第二份" in again.stderr


# --- replies that never arrive --------------------------------------------------------------


def test_reply_lost_after_commit_comes_back_through_the_changes_feed(
    desks,
    proxy,
    token,
    office,
):
    desk = connected(desks, proxy, token)
    lost, other = valid_filing(), valid_filing(days_ahead=8)
    desk.put(lost)
    desk.put(other)
    proxy.fault(DROP_REPLY, times=1)

    code, result = desk.sync()
    # The office committed the first and answered; the desk heard nothing, stopped
    # sending, and the changes feed of the same pass brought the receipt.
    assert posts(proxy)[0].office_status == 201
    assert [s["id"] for s in result["sent"]] == [lost["id"]]
    assert result["remaining"] == 1 and code == 1
    with desk.store() as store:
        kinds = [e.kind for e in store.history(lost["id"])]
        assert kinds[-3:] == ["attempt", "failed", "sent"]
    assert desk.sync()[0] == 0
    assert len(posts(proxy)) == 2  # the lost one was never sent again


def test_reply_lost_and_resent_gets_the_same_receipt(desks, proxy, token, office):
    desk = connected(desks, proxy, token)
    filing = valid_filing()
    desk.put(filing)
    proxy.fault(DROP_REPLY, times=1)
    proxy.fault(ERROR_500, method="GET", path="/api/v1/changes", times=1)

    code, result = desk.sync()
    assert code == 1 and result["sent"] == [] and result["errors"]
    [row] = [r for r in office.filings() if r["id"] == filing["id"]]

    later = pass_later(desk)
    assert [s[0] for s in later.sent] == [filing["id"]]
    # The resend of the same revision was answered 200 with the receipt issued before.
    assert [p.office_status for p in posts(proxy)] == [201, 200]
    with desk.store() as store:
        assert store.get(filing["id"]).receipt == row["receipt"]


def test_truncated_reply(desks, proxy, token):
    desk = connected(desks, proxy, token)
    filing = valid_filing()
    desk.put(filing)
    proxy.fault(TRUNCATE, times=1)
    code, result = desk.sync()
    assert [p.office_status for p in posts(proxy)] == [201]
    assert [s["id"] for s in result["sent"]] == [filing["id"]]
    assert code == 0


def test_connection_refused_touches_no_filing(desks, proxy, token):
    desk = connected(desks, proxy, token)
    filing = valid_filing()
    desk.put(filing)
    proxy.refuse()
    shown = desk.run("sync")
    assert shown.returncode == 1
    assert "联系不上" in shown.stdout and "仍在待发送队列中：1" in shown.stdout
    [item] = outbox(desk)
    assert item.attempts == 0 and item.next_try_at is None  # no backoff for being offline
    status = desk.status()
    assert status["queued"] == 1 and "联系不上" in status["last_error"]

    proxy.accept()
    code, result = desk.sync()
    assert code == 0 and [s["id"] for s in result["sent"]] == [filing["id"]]
    with desk.store() as store:
        assert store.get_meta("last_error") is None


def test_stalled_office_times_out_and_backs_off(desks, proxy, token):
    desk = connected(desks, proxy, token, timeout=1.0)
    stalled, waiting = valid_filing(), valid_filing(days_ahead=8)
    desk.put(stalled)
    desk.put(waiting)
    proxy.fault(STALL, times=1)

    code, result = desk.sync()
    assert code == 1 and result["sent"] == []
    [failure] = result["failed"]
    assert failure["id"] == stalled["id"] and failure["permanent"] is False
    assert "完整答复" in failure["message"]
    items = {i.id: i for i in outbox(desk)}
    assert items[stalled["id"]].attempts == 1 and items[stalled["id"]].next_try_at
    assert items[waiting["id"]].attempts == 0  # not tried while the office was silent

    # The next pass sends the one not backed off (and the stalled one if it fell due
    # meanwhile); a pass after the backoff sends whatever is left.
    code, result = desk.sync()
    assert waiting["id"] in [s["id"] for s in result["sent"]]
    if code:
        later = pass_later(desk)
        assert [s[0] for s in later.sent] == [stalled["id"]]
    assert desk.status()["queued"] == 0
    assert posts(proxy)[0].office_status is None  # the stall never reached the office


def test_500_and_garbage_do_not_block_the_rest(desks, proxy, token):
    desk = connected(desks, proxy, token)
    filings = [valid_filing(days_ahead=7 + i) for i in range(3)]
    for f in filings:
        desk.put(f)
    proxy.fault(ERROR_500, times=1)
    _code, result = desk.sync()
    assert [s["id"] for s in result["sent"]] == [filings[1]["id"], filings[2]["id"]]
    [failure] = result["failed"]
    assert failure["id"] == filings[0]["id"] and failure["status"] == 500
    assert not failure["permanent"] and failure["next_try_at"]

    proxy.fault(GARBAGE, times=1)
    later = pass_later(desk)
    assert later.sent == [] and later.failed[0].status == 200  # 200 but not a receipt
    later = pass_later(desk, hours=2)
    assert [s[0] for s in later.sent] == [filings[0]["id"]]


@pytest.mark.skipif(
    sys.platform.startswith("win"), reason="SIGKILL is POSIX"
)  # never skipped on Linux CI; Windows has no SIGKILL
@pytest.mark.parametrize("mode", [STALL_AFTER_FORWARD, STALL])
def test_sync_killed_mid_flight_then_rerun_is_exactly_once(
    desks,
    proxy,
    token,
    office,
    mode,
):
    desk = connected(desks, proxy, token, timeout=60)
    filing = valid_filing()
    desk.put(filing)
    proxy.fault(mode, times=1)
    process = desk.popen("sync")
    try:
        assert proxy.wait_for(lambda ex: any(e.method == "POST" for e in ex), timeout=30)
        process.send_signal(signal.SIGKILL)
        process.wait(30)
    finally:
        if process.poll() is None:
            process.kill()
        process.communicate()
    committed = mode == STALL_AFTER_FORWARD
    assert any(r["id"] == filing["id"] for r in office.filings()) is committed
    [item] = outbox(desk)
    assert item.attempts == 1  # recorded before it went out

    code, result = desk.sync()
    assert code == 0 and [s["id"] for s in result["sent"]] == [filing["id"]]
    assert posts(proxy)[-1].office_status == (200 if committed else 201)


def test_body_limit_is_a_permanent_refusal_with_the_office_message(desks, proxy, token):
    desk = connected(desks, proxy, token)
    huge = valid_filing(content="检查" * 150_000)  # ~900 KB, over the office's 256 KiB
    small = valid_filing(days_ahead=8)
    with desk.store() as store:  # past the desk's own checks, as an older desk might be
        store.queue(huge["id"], huge)
    desk.put(small)
    code, result = desk.sync()
    assert code == 1
    [failure] = result["failed"]
    assert failure["status"] == 413 and failure["permanent"] is True
    assert "过大" in failure["message"]
    assert [s["id"] for s in result["sent"]] == [small["id"]]
    # Not retried blindly: the next pass leaves it alone.
    code, again = desk.sync()
    assert again["failed"] == [] and code == 1
    with desk.store() as store:
        row = store.get(huge["id"])
        assert row.status == "queued" and "过大" in row.last_error
    shown = desk.run("sync")
    assert "被拒收" not in shown.stdout  # nothing new was tried
    assert "仍在待发送队列中：1" in shown.stdout


def test_one_pass_at_a_time_per_data_folder(desks, proxy, token):
    desk = connected(desks, proxy, token)
    desk.put(valid_filing())
    with SyncLock(desk.data_dir):  # the window's worker is in the middle of a pass
        busy = desk.run("sync")
    assert busy.returncode == 1 and "另一个同步正在进行" in busy.stdout
    assert posts(proxy) == []
    assert desk.sync()[0] == 0


def test_clock_skew_is_kept_and_warned_about(desks, proxy, token):
    desk = connected(desks, proxy, token)
    ahead = now() + timedelta(minutes=12)
    with desk.keyring_in_process(), desk.store() as store:
        result = sync_once(store, desk.data_dir, clock=lambda: ahead)
    assert result.clock_skew_s < -600
    assert any("时钟" in w for w in result.warnings)
    assert desk.status()["clock_skew_s"] < -600
    assert "校准" in desk.run("status").stdout


# --- returns, revisions, bundles ------------------------------------------------------------


def test_return_comes_back_and_revision_2_is_filed(desks, proxy, token, office):
    desk = connected(desks, proxy, token)
    filing = valid_filing()
    desk.put(filing)
    assert desk.sync()[0] == 0
    reason = "检查依据不明确，请补充具体条款。"
    office.cli("return", filing["id"], "--reason", reason)

    code, result = desk.sync()
    assert code == 0
    assert result["returned"] == [{"id": filing["id"], "revision": 1, "reason": reason}]
    shown = desk.status()
    assert shown["returned"] == 1 and shown["sent"] == 0

    with desk.store() as store:
        row = store.get(filing["id"])
        assert row.status == "returned" and row.return_reason == reason
        revised = store.new_revision(filing["id"])
        assert revised.revision == 2
        fixed = dict(revised.filing, basis=filing["basis"] + "第二款")
        store.save_draft(filing["id"], fixed, has_errors=False)
        store.queue(filing["id"])
    code, result = desk.sync()
    assert code == 0 and [(s["id"], s["revision"]) for s in result["sent"]] == [(filing["id"], 2)]
    rows = sorted(
        (r for r in office.filings() if r["id"] == filing["id"]), key=lambda r: r["revision"]
    )
    assert [(r["revision"], r["status"]) for r in rows] == [(1, "returned"), (2, "filed")]
    with desk.store() as store:
        assert store.get(filing["id"]).receipt == rows[1]["receipt"]
    # Revision 1 cannot come back as a second copy.
    assert desk.queue(filing, check=False).returncode == 1


def test_bundle_round_trip(desks, office, tmp_path):
    desk = desks("offline-desk")
    filings = [valid_filing(days_ahead=7 + i) for i in range(2)]
    for f in filings:
        desk.put(f)
    bundle_path = tmp_path / "bundle.json"
    result = desk.run("export-bundle", "-o", str(bundle_path))
    assert result.returncode == 0, result.stderr
    bundle = json.loads(bundle_path.read_text("utf-8"))
    assert bundle["format"] == "beian-bundle/1"
    assert [f["id"] for f in bundle["filings"]] == [f["id"] for f in filings]
    assert bundle["unit"] == DEFAULT_UNIT and bundle["created_at"]
    with desk.store() as store:
        assert "exported" in [e.kind for e in store.history(filings[0]["id"])]
        assert store.counts_by_status()["queued"] == 2  # queued until receipts come back

    office.cli("import", str(bundle_path), "--unit", DEFAULT_UNIT)
    changes_path = tmp_path / "changes.json"
    office.cli("export-changes", "--unit", DEFAULT_UNIT, "-o", str(changes_path))
    # The office's public key, handed over once; both sides print the same fingerprint.
    key_path = tmp_path / "office-key.json"
    exported = office.cli("key", "export", "-o", str(key_path)).stdout
    imported = desk.run("import-office-key", str(key_path))
    assert imported.returncode == 0, imported.stderr
    fingerprint = json.loads(key_path.read_text("utf-8"))["fingerprint"]
    assert fingerprint in exported and fingerprint in imported.stdout

    result = desk.run("import-changes", str(changes_path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("已备案") == 2
    with desk.store() as store:
        counts = store.counts_by_status()
        assert counts["queued"] == 0 and counts["sent"] == 2
        assert store.get_meta("bundle_cursor")
    again = desk.run("import-changes", str(changes_path))
    assert again.returncode == 0 and "没有新的回执" in again.stdout

    junk = tmp_path / "junk.json"
    junk.write_text('{"format": "something-else"}', "utf-8")
    refused = desk.run("import-changes", str(junk))
    assert refused.returncode == 2 and "格式不对" in refused.stderr
