"""A park committee's reply reaches the unit's desk: a real office process on 127.0.0.1,
the reply recorded there by the committee's account, the desk's own ``beian sync``; the
reply is kept as a notice on the filing (a fresh store, as after a restart, still has
it), the window shows it on the filing under pytest-qt, and a reprint from the window's
preview carries it on the unit's copy only (read back with pdfplumber)."""

from __future__ import annotations

import io

import pdfplumber
import pytest
from PySide6.QtWidgets import QApplication

from desktop.office_hints import office_hints, park_reply_hints
from desktop.store import Store
from desktop.sync.changes import notices_for, park_replies_for
from desktop.ui.main_window import MainWindow
from desktop.ui.preview_action import open_preview
from tests.support.desk import Desk
from tests.support.office import DEFAULT_UNIT, OfficeServer, valid_filing

pytestmark = pytest.mark.slow
PARK = "湘潭高新技术产业开发区"
WAIT_MS = 30_000


@pytest.fixture(scope="module")
def office(tmp_path_factory):
    with OfficeServer.start(tmp_path_factory.mktemp("office")) as server:
        server.cli(
            "user",
            "create",
            "--username",
            "gx-park",
            "--role",
            "park",
            "--park",
            PARK,
            "--password-stdin",
            input="a long staff password\n",
        )
        yield server


def in_park() -> dict:
    return valid_filing(
        DEFAULT_UNIT,
        enterprise={
            "name": "湘潭顺阳新材料科技股份有限公司",
            "uscc": "91430304MA4YG57FJC",
            "address": "湘潭市岳塘区科技路45号",
            "park": PARK,
        },
    )


def reply(office: OfficeServer, filing_id: str, *args: str) -> None:
    office.cli("park-reply", filing_id, *args, "--as", "gx-park")


def test_the_reply_arrives_as_a_notice_is_kept_shown_and_printed_on_the_units_copy(
    qtbot, office, tmp_path
):
    desk = Desk(tmp_path / "desk")
    desk.configure(office.url, office.create_token())
    filing = in_park()
    fid = filing["id"]
    desk.put(filing)
    assert desk.sync()[0] == 0
    # First 派员参加, then the committee changes its mind: only the latest is current.
    reply(office, fid, "--kind", "send_staff", "--staff", "李强", "13807320001")
    reply(
        office,
        fid,
        "--kind",
        "send_staff",
        "--staff",
        "王小明",
        "138 0732 1234",
        "--staff",
        "欧阳·娜",
        "0731-58812345",
        "--note",
        "请提前一天联系园区安全环保局。",
    )
    status, _ = desk.sync()
    assert status == 0

    store = Store.open(desk.data_dir)  # a fresh store: what the desk has after a restart
    try:
        assert [n["code"] for n in notices_for(store, fid)] == ["park_reply", "park_reply"]
        (current,) = park_replies_for(store, fid)
        assert current["park"] == PARK and current["kind"] == "send_staff"
        assert current["staff"] == [
            {"name": "王小明", "phone": "13807321234"},
            {"name": "欧阳·娜", "phone": "0731-58812345"},
        ]
        said = (
            f"{PARK}管理委员会：派员参加——王小明（13807321234）、欧阳·娜（0731-58812345）"
            "。说明：请提前一天联系园区安全环保局。"
        )
        assert park_reply_hints(store, fid) == [said]
        assert office_hints(store, fid, 1) == [said]  # the list's hints have it too
        assert office_hints(store, fid, 1, park_replies=False) == []

        window = MainWindow(store, data_dir=desk.data_dir)
        qtbot.addWidget(window)
        window.resize(1366, 768)
        window.show()
        window.open_filing(fid)
        qtbot.waitUntil(lambda: window.current_id() == fid, timeout=WAIT_MS)
        text = window.header.message.text()
        assert f"园区管委会回复：\n• {said}" in text and "李强" not in text
        assert "优化营商环境部门提示" not in text
        assert window.header.banner.isVisible()

        dialog = open_preview(window)
        with qtbot.waitSignal(dialog.rendered, timeout=WAIT_MS):
            pass
        data = dialog._pdf
        assert data is not None
        dialog.close()
        window.close()
        QApplication.processEvents()
    finally:
        store.close()

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        pages = ["".join((p.extract_text() or "").split()) for p in pdf.pages]
        fonts = {c["fontname"] for p in pdf.pages for c in p.chars}
    copy_of = [
        "第二联" if "第二联" in t else "第三联" if "第三联" in t else "第一联" for t in pages
    ]
    with_reply = [c for c, t in zip(copy_of, pages, strict=True) if "园区管委会回复" in t]
    assert with_reply == ["第二联"]
    unit_copy = next(t for c, t in zip(copy_of, pages, strict=True) if c == "第二联")
    assert "王小明13807321234、欧阳·娜0731-58812345" in unit_copy  # white space taken out above
    assert "李强" not in unit_copy
    assert "说明：请提前一天联系园区安全环保局。" in unit_copy
    assert fonts and all("+" in f for f in fonts)  # subset-embedded, none from the system


def test_a_reply_met_by_the_windows_own_sync_is_told_across_the_top(qtbot, office, tmp_path):
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    desk = Desk(tmp_path / "desk")
    desk.configure(office.url, office.create_token())
    filing = in_park()
    fid = filing["id"]
    desk.put(filing)
    assert desk.sync()[0] == 0
    reply(office, fid, "--kind", "nothing_to_add", "--note", "已电话联系检查单位。")
    with desk.keyring_in_process():
        store = Store.open(desk.data_dir)
        window = MainWindow(store, data_dir=desk.data_dir)
        qtbot.addWidget(window)
        try:
            window.resize(1366, 768)
            window.show()
            window.activateWindow()
            qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=3000)
            qtbot.waitUntil(lambda: window.sync is not None, timeout=3000)
            window.new_filing()  # another filing is open when the reply arrives
            key = f"park_reply:{fid}"
            # The worker's first pass may already have met it; F5 until the notice shows.
            QTest.keyClick(window, Qt.Key.Key_F5)
            qtbot.waitUntil(lambda: window.notices.bar(key) is not None, timeout=WAIT_MS)
            bar = window.notices.bar(key)
            assert "园区管委会回复了“湘潭顺阳新材料科技股份有限公司”的备案" in bar.message.text()
            assert f"{PARK}管理委员会：无补充意见。说明：已电话联系检查单位。" in bar.message.text()
            bar.action_button.click()
            assert window.current_id() == fid
            assert "无补充意见" in window.header.message.text()
            assert key not in window.notices.keys()  # noqa: SIM118 - a list, not a dict
        finally:
            window.close()
            store.close()
