"""The window's sync worker: passes off the UI thread, signals for what happened.

Real office process, real SQLite, the real worker under pytest-qt; only the keyring is
the test backend.
"""

from __future__ import annotations

import threading

import pytest
from PySide6.QtNetwork import QNetworkInformation

from desktop.ui import sync_worker
from desktop.ui.sync_worker import SyncWorker
from tests.support.desk import Desk, assert_exactly_once
from tests.support.office import DEFAULT_UNIT, OTHER_UNIT, OfficeServer, office, valid_filing  # noqa: F401 (office: a fixture)

pytestmark = pytest.mark.slow
WAIT_MS = 30_000


@pytest.fixture(scope="module")
def token(office):
    return office.create_token(DEFAULT_UNIT)


@pytest.fixture
def desk(tmp_path, office, token):
    desk = Desk(tmp_path / "desk")
    desk.configure(office.url, token)
    with desk.keyring_in_process():
        yield desk
    assert_exactly_once(office, [desk])


@pytest.fixture
def worker(desk, qtbot):
    w = SyncWorker(desk.data_dir, periodic_ms=10 * 60_000)
    yield w
    assert w.stop(wait_ms=WAIT_MS)


def test_sent_returned_and_refused_reach_the_window_as_signals(desk, worker, office, qtbot):
    ui_thread = threading.get_ident()
    pass_threads = []
    original = worker._run_pass

    def spy():
        pass_threads.append(threading.get_ident())
        return original()

    worker._run_pass = spy
    mine, foreign = valid_filing(), valid_filing(OTHER_UNIT, days_ahead=8)
    desk.put(mine, foreign)
    states = []
    worker.state_changed.connect(lambda state, text: states.append((state, text)))
    failed = []
    worker.failed.connect(lambda *args: failed.append(args))

    with qtbot.waitSignal(worker.sent, timeout=WAIT_MS) as sent:
        assert worker.sync_now()
    assert sent.args[:2] == [mine["id"], 1] and sent.args[2].startswith("潭优备")
    qtbot.waitUntil(lambda: not worker.is_running(), timeout=WAIT_MS)
    assert pass_threads and ui_thread not in pass_threads  # never on the UI thread
    [(fid, rev, message, permanent)] = failed
    assert (fid, rev, permanent) == (foreign["id"], 1, True) and OTHER_UNIT in message
    assert states[0][0] == sync_worker.SYNCING
    assert states[-1][0] == sync_worker.PROBLEM and OTHER_UNIT in states[-1][1]

    reason = "检查内容与检查项目不对应，请核实。"
    office.cli("return", mine["id"], "--reason", reason)
    with qtbot.waitSignal(worker.returned, timeout=WAIT_MS) as returned:
        worker.sync_now()
    assert returned.args == [mine["id"], 1, reason]


def test_network_coming_back_starts_a_pass(desk, worker, qtbot):
    filing = valid_filing()
    desk.put(filing)
    reachability = QNetworkInformation.Reachability
    with qtbot.waitSignal(worker.state_changed, timeout=WAIT_MS) as offline:
        worker.on_reachability(reachability.Disconnected)
    assert offline.args[0] == sync_worker.OFFLINE and worker.state == sync_worker.OFFLINE
    with qtbot.waitSignal(worker.sent, timeout=WAIT_MS) as sent:
        worker.on_reachability(reachability.Online)
    assert sent.args[0] == filing["id"]
    qtbot.waitUntil(lambda: worker.state == sync_worker.IDLE, timeout=WAIT_MS)


def test_start_runs_a_first_pass_and_requests_during_a_pass_are_not_lost(desk, worker, qtbot):
    results = []
    worker.pass_finished.connect(results.append)
    desk.put(valid_filing())
    worker.start()
    qtbot.waitUntil(lambda: len(results) == 1, timeout=WAIT_MS)
    assert [r.state for r in results] == ["ok"] and len(results[0].sent) == 1

    second = valid_filing(days_ahead=9)
    desk.put(second)
    assert worker.sync_now()
    assert not worker.sync_now()  # a pass is running: one more follows it
    qtbot.waitUntil(lambda: len(results) == 3, timeout=WAIT_MS)
    assert [s[0] for r in results[1:] for s in r.sent] == [second["id"]]
    assert worker.stop(wait_ms=WAIT_MS)
    assert not worker.sync_now()  # stopped: no more passes


def test_a_missing_token_asks_the_clerk(tmp_path, office, qtbot):
    desk = Desk(tmp_path / "no-token")
    with desk.keyring_in_process():
        desk.configure(office.url, "placeholder-token")
        from desktop import token_keyring

        token_keyring.delete_token(office.url)
        w = SyncWorker(desk.data_dir)
        with qtbot.waitSignal(
            w.state_changed,
            timeout=WAIT_MS,
            check_params_cb=lambda state, text: state == sync_worker.NEEDS_TOKEN,
        ) as asked:
            w.sync_now()
        assert "令牌" in asked.args[1]
        assert w.stop(wait_ms=WAIT_MS)


def test_the_settings_check_runs_off_the_ui_thread(desk, office, qtbot):
    from desktop import token_keyring
    from desktop.sync import connect
    from desktop.ui.workers import run_in_background

    job = run_in_background(connect.check_data_dir, desk.data_dir)
    with qtbot.waitSignal(job.finished, timeout=WAIT_MS) as done:
        pass
    assert done.args[0].state == connect.OK and "令牌有效" in done.args[0].message

    token_keyring.delete_token(office.url)
    assert connect.check_data_dir(desk.data_dir).state == connect.NO_TOKEN
