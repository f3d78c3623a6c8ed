"""The window and the office: connecting through the dialog, F5, receipts, returns, a
refusal, a revoked token, no keyring.

The real office process on 127.0.0.1 (one per module, tokens through its command line),
a real store in a fresh data folder per test, the real window and sync worker under
pytest-qt. The one fake is the keyring backend (``tests/support/filekeyring.py``).
"""

from __future__ import annotations

import keyring
import pytest
from keyring.backends import fail
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from desktop.store import QUEUED, READY, RETURNED, SENT, Store
from desktop.ui.filings_model import COLUMN_IDS
from desktop.ui.main_window import MainWindow
from desktop.ui.sync_worker import NEEDS_TOKEN
from tests.support.desk import Desk, assert_exactly_once
from tests.support.office import DEFAULT_UNIT, OTHER_UNIT, OfficeServer, office, valid_filing  # noqa: F401 (office: a fixture)
from tests.support.ui_helpers import button_named, click_in_next_dialog, type_text

pytestmark = pytest.mark.slow
WAIT_MS = 30_000
THIRD_UNIT = "湘潭市生态环境局"


@pytest.fixture
def desk(tmp_path, office):
    desk = Desk(tmp_path / "desk")
    desk.data_dir.mkdir(parents=True)
    with desk.keyring_in_process():
        yield desk
    assert_exactly_once(office, [desk])


@pytest.fixture
def open_window(qtbot, desk):
    opened: list[tuple[MainWindow, Store]] = []

    def open_() -> MainWindow:
        store = Store.open(desk.data_dir)
        window = MainWindow(store, data_dir=desk.data_dir)
        qtbot.addWidget(window)
        window.resize(1366, 768)
        window.show()
        window.activateWindow()  # shortcuts (F5) work in the active window only
        qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=3000)
        opened.append((window, store))
        # The worker starts just after the first frame (its network libraries take a while).
        qtbot.waitUntil(lambda: window.sync is not None, timeout=3000)
        return window

    yield open_
    for window, store in opened:
        window.close()  # stops the worker: no pass outlives the test
        assert window.sync is None or not window.sync.is_running()
        store.close()


def list_text(window: MainWindow, filing_id: str, column: str) -> str:
    row = window.model.row_of(filing_id)
    if row is None:
        return ""
    return window.model.index(row, COLUMN_IDS.index(column)).data() or ""


def field(window: MainWindow, name: str) -> QWidget:
    for widget in window.editor.findChildren(QWidget):
        if widget.accessibleName() == name and widget.isVisible():
            return widget
    raise AssertionError(f"no visible input named {name!r}")


def connect_by_dialog(qtbot, window: MainWindow, url: str, token: str):
    """What the clerk does in 设置 → 连接备案办公室…; returns the connection check."""
    dialog = window.open_connection()
    dialog.office_url.setText(url)
    dialog.token.setFocus()
    QTest.keyClicks(dialog.token, token)
    with qtbot.waitSignal(dialog.checked, timeout=WAIT_MS) as checked:
        dialog.save_button.click()
    assert dialog.token.text() == ""  # the secret went to the keyring, not kept here
    dialog.close()
    return checked.args[0]


def submit(window: MainWindow, filing_id: str) -> None:
    window.show_filing(filing_id)
    timer = click_in_next_dialog(button_named("confirmSubmitButton"))
    assert window.submit()
    timer.stop()


def press_f5_until(qtbot, window: MainWindow, signal, check=None):
    with qtbot.waitSignal(signal, timeout=WAIT_MS, check_params_cb=check) as caught:
        # Closing a dialog offscreen leaves no window active (a desktop gives it back);
        # waiting for that runs the event loop, so it happens inside waitSignal.
        window.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=3000)
        QTest.keyClick(window, Qt.Key.Key_F5)
    return caught.args


def test_connect_send_return_and_resend_as_revision_2(qtbot, desk, office, open_window):
    filing = valid_filing(DEFAULT_UNIT)
    with desk.store() as store:
        store.create_filing(filing)
    fid = filing["id"]
    window = open_window()

    token = office.create_token(DEFAULT_UNIT)
    check = connect_by_dialog(qtbot, window, office.url, token)
    assert check.ok and not check.encrypted
    assert window.store.get_meta("office_url") == office.url
    assert desk.files_containing(token) == []  # only in the keyring, never in the data folder
    qtbot.waitUntil(lambda: "已连接" in window.sync_status.text(), timeout=WAIT_MS)
    assert "未加密" in window.sync_status.text()  # http:// is never shown as safe

    # Submit in the window, F5: the receipt comes back and the list shows it.
    submit(window, fid)
    sent = press_f5_until(qtbot, window, window.sync.sent)
    assert sent[:2] == [fid, 1] and sent[2].startswith("潭优备")
    receipt = sent[2]
    qtbot.waitUntil(lambda: list_text(window, fid, "status") == "已备案", timeout=WAIT_MS)
    assert list_text(window, fid, "receipt") == receipt
    assert window.current_row().status == SENT and receipt in window.header.message.text()
    assert receipt in window.statusBar().currentMessage()
    assert "已备案 1" in window.counts_label.text()

    # The office returns it while the clerk works on another filing.
    reason = "检查依据未写明具体条款，请补充后重新提交。"
    office.cli("return", fid, "--reason", reason)
    window.new_filing()
    assert window.current_id() != fid
    returned = press_f5_until(qtbot, window, window.sync.returned)
    assert returned == [fid, 1, reason]
    key = f"returned:{fid}"
    qtbot.waitUntil(lambda: window.notices.bar(key) is not None, timeout=WAIT_MS)
    notice = window.notices.bar(key)
    assert notice.isVisible() and reason in notice.message.text()
    assert filing["enterprise"]["name"] in notice.message.text()
    qtbot.waitUntil(lambda: list_text(window, fid, "status") == "被退回", timeout=WAIT_MS)

    # The notice opens the filing: the banner gives the reason, 修改 makes revision 2.
    notice.action_button.click()
    assert window.current_id() == fid and window.current_row().status == RETURNED
    assert reason in window.header.message.text() and window.header.banner.isVisible()
    assert not window.editor.banner.isVisible()
    assert key not in window.notices.keys()  # noqa: SIM118 - a list, not a dict
    window.header.revise_button.click()
    assert (window.current_row().revision, window.editor.is_read_only()) == (2, False)
    basis = field(window, "检查依据")
    basis.setFocus()
    QTest.keyClick(basis, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    type_text(basis, "第一款")

    submit(window, fid)
    sent = press_f5_until(qtbot, window, window.sync.sent, lambda i, rev, r: rev == 2)
    assert sent[0] == fid and sent[2] != receipt
    qtbot.waitUntil(lambda: list_text(window, fid, "receipt") == sent[2], timeout=WAIT_MS)
    assert list_text(window, fid, "status") == "已备案 · 第 2 版"
    row = window.store.get(fid)
    assert (row.revision, row.status, row.receipt) == (2, SENT, sent[2])
    assert row.filing["basis"].endswith("第一款")
    held = {(r["id"], r["revision"]): r["status"] for r in office.filings()}
    assert held[(fid, 1)] == "returned" and held[(fid, 2)] == "filed"


def test_a_refused_filing_says_so_on_the_filing_and_can_be_taken_back(
    qtbot, desk, office, open_window
):
    desk.configure(office.url, office.create_token(DEFAULT_UNIT))
    foreign = valid_filing(OTHER_UNIT)  # another unit's filing: the office refuses it (403)
    desk.put(foreign)
    fid = foreign["id"]
    window = open_window()
    window.new_filing()  # another filing is open when the refusal arrives

    failed = press_f5_until(qtbot, window, window.sync.failed)
    assert failed[:2] == [fid, 1] and failed[3] is True and OTHER_UNIT in failed[2]
    key = f"refused:{fid}"
    qtbot.waitUntil(lambda: window.notices.bar(key) is not None, timeout=WAIT_MS)
    assert OTHER_UNIT in window.notices.bar(key).message.text()

    window.notices.bar(key).action_button.click()
    assert window.current_id() == fid and window.current_row().status == QUEUED
    text = window.header.message.text()
    assert "拒收" in text and OTHER_UNIT in text and "等待发送" not in text
    window.header.unqueue_button.click()  # a refused filing may be taken back and fixed
    assert window.store.get(fid).status == READY
    assert not window.editor.is_read_only()


def test_a_revoked_token_asks_the_clerk_for_a_new_one(qtbot, desk, office, open_window):
    desk.configure(office.url, office.create_token(THIRD_UNIT))
    filing = valid_filing(THIRD_UNIT)
    desk.put(filing)
    office.revoke_tokens(THIRD_UNIT)
    window = open_window()

    press_f5_until(qtbot, window, window.sync.state_changed, lambda s, _t: s == NEEDS_TOKEN)
    qtbot.waitUntil(lambda: window.notices.bar("token") is not None, timeout=WAIT_MS)
    notice = window.notices.bar("token")
    assert "令牌" in notice.message.text() and "beian" not in notice.message.text()
    # Said for a window user: what to click, not a command to run.
    assert "不认可" in notice.message.text() and "连接设置" in notice.message.text()
    assert notice.action_button.text() == "输入令牌…"
    assert window.sync_status.text().startswith("需要令牌")
    assert "beian" not in window.sync_status.toolTip()
    assert "不认可" in window.sync_status.toolTip()
    assert window.store.get(filing["id"]).status == QUEUED  # kept, not lost

    notice.action_button.click()
    dialog = window.connection_dialog
    assert dialog.isVisible() and dialog.reason.isVisible() and "令牌" in dialog.reason.text()
    qtbot.waitUntil(dialog.token.hasFocus, timeout=3000)
    fresh = office.create_token(THIRD_UNIT)
    QTest.keyClicks(dialog.token, fresh)
    with qtbot.waitSignal(window.sync.sent, timeout=WAIT_MS) as sent:
        dialog.save_button.click()  # saved, checked, and the outbox goes at once
    assert sent.args[0] == filing["id"]
    assert dialog.last_check is not None and dialog.last_check.ok
    assert "token" not in window.notices.keys()  # noqa: SIM118 - a list, not a dict
    assert desk.files_containing(fresh) == []


def test_no_keyring_says_so_and_stores_nothing(qtbot, desk, office, open_window):
    window = open_window()
    token = office.create_token(DEFAULT_UNIT)
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        dialog = window.open_connection()
        dialog.office_url.setText(office.url)
        QTest.keyClicks(dialog.token, token)
        assert not dialog.save_and_check()
    finally:
        keyring.set_keyring(previous)
    text = dialog.result_label.text()
    assert "没有保存" in text and "密钥环" in text and "不会以明文保存" in text
    assert "gnome-keyring" in text  # how to fix it (Linux)
    assert token not in text
    assert not dialog.is_checking()
    assert window.store.get_meta("office_url") is None
    assert not desk.keyring_file.exists()
    assert [
        p for p in desk.root.rglob("*") if p.is_file() and token.encode() in p.read_bytes()
    ] == []


def test_reference_data_from_the_office_reaches_the_open_form(qtbot, desk, open_window):
    filing = valid_filing(DEFAULT_UNIT)
    filing["leader"]["cert_no"] = "JT12345678"  # fits the desk's general rule
    with desk.store() as store:
        store.create_filing(filing)
    window = open_window()

    def cert_errors() -> list:
        return [p for p in window.editor.report().errors if p.field == "leader.cert_no"]

    assert cert_errors() == []
    stricter = {
        "version": 2,
        "rules": [
            {
                "kind": "default",
                "label": "湖南省行政执法证",
                "pattern": "^[0-9]{11}$",
                "min_length": 11,
                "max_length": 11,
            }
        ],
    }
    window.store.save_reference({**window.store.reference(), "cert_rules": stricter})
    window.sync.reference_updated.emit()  # what a pass emits after storing the office's data
    assert cert_errors()  # the open form is checked with the office's rules at once
    assert "执法证规则" in window.statusBar().currentMessage()


def test_the_status_bar_knows_every_state_of_the_worker():
    from desktop.ui import sync_status, sync_worker

    for name in ("IDLE", "SYNCING", "OFFLINE", "PROBLEM", "NEEDS_TOKEN", "NOT_CONFIGURED"):
        assert getattr(sync_status, name) == getattr(sync_worker, name)


def test_closing_the_window_during_a_check_is_harmless(qtbot, desk, office, open_window):
    window = open_window()
    dialog = window.open_connection()
    dialog.office_url.setText(office.url)
    QTest.keyClicks(dialog.token, office.create_token(DEFAULT_UNIT))
    assert dialog.save_and_check() and dialog.is_checking()
    job = dialog._job
    with qtbot.waitSignal(job.finished, timeout=WAIT_MS):
        window.close()  # the check's answer arrives after the window is gone
    assert window.sync is None or not window.sync.is_running()
