"""A full disk: a clear Chinese message, nothing lost, the program keeps running.

The real MainWindow (pytest-qt) and real ``beian`` processes on a real store, made to fail
in two ways (tests/hardening/failing_disk.py explains why these fail for root too):

- SQLite's page limit (``PRAGMA max_page_count``): the database may not grow, exactly the
  SQLITE_FULL a full disk gives;
- the kernel's file size limit (RLIMIT_FSIZE): the next page of the WAL cannot be
  written, the same failed write() a full disk gives.

Afterwards space comes back, and saving works again without restarting.
"""

from __future__ import annotations

import sqlite3
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from desktop.store import DB_NAME, QUEUED, READY, Store
from desktop.ui.main_window import MainWindow
from tests.hardening.failing_disk import checkpoint, file_size_limit, preexec_file_size_limit
from tests.support.desk import Desk
from tests.support.office import DEFAULT_UNIT, OfficeServer, valid_filing
from tests.support.ui_helpers import good_filing, type_text

UNLIMITED_PAGES = 1_073_741_823


class PageLimit:
    """SQLite refuses to grow the database past its present size."""

    name = "sqlite-page-limit"

    def __init__(self, store: Store) -> None:
        self.conn = store._connection()  # the pragma holds for this connection only

    def __enter__(self) -> None:
        pages = self.conn.execute("PRAGMA page_count").fetchone()[0]
        self.conn.execute(f"PRAGMA max_page_count = {pages}")

    def __exit__(self, *exc: object) -> None:
        self.conn.execute(f"PRAGMA max_page_count = {UNLIMITED_PAGES}")


class FileSizeLimit:
    """The kernel refuses to let any file of this process grow past 4 KiB: with the WAL
    emptied first, the first page of the next transaction cannot be written."""

    name = "kernel-file-size-limit"

    def __init__(self, store: Store) -> None:
        self.db = store.data_dir / DB_NAME
        self._limit = None

    def __enter__(self) -> None:
        checkpoint(self.db)
        self._limit = file_size_limit(4096)
        self._limit.__enter__()

    def __exit__(self, *exc: object) -> None:
        self._limit.__exit__(*exc)


FAILURES = [PageLimit, FileSizeLimit]


@pytest.fixture(autouse=True)
def font_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("BEIAN_FONT_CACHE", str(tmp_path / "fonts"))


@pytest.fixture
def data_dir(tmp_path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def store(data_dir):
    s = Store.open(data_dir, daily_backup=False)
    yield s
    s.close()


def open_window(qtbot, store: Store, data_dir: Path) -> MainWindow:
    window = MainWindow(store, data_dir=data_dir)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=3000)
    return window


def field(window: MainWindow, name: str) -> QWidget:
    for widget in window.editor.findChildren(QWidget):
        if widget.accessibleName() == name and widget.isVisible():
            return widget
    raise AssertionError(f"no visible input named {name!r}")


def error_dialogs() -> list[QMessageBox]:
    return [
        w
        for w in QApplication.topLevelWidgets()
        if isinstance(w, QMessageBox) and w.objectName() == "errorDialog" and w.isVisible()
    ]


def stored_content(data_dir: Path, filing_id: str) -> str:
    """What is on disk, read by a connection of its own (not the window's)."""
    conn = sqlite3.connect(f"file:{data_dir / DB_NAME}?mode=ro", uri=True)
    try:
        assert conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
    finally:
        conn.close()
    with Store.open(data_dir, read_only=True, daily_backup=False) as reader:
        return reader.get(filing_id).filing["content"]


@pytest.mark.parametrize("failure", FAILURES, ids=[f.name for f in FAILURES])
def test_window_disk_full_keeps_the_typing_and_saves_once_space_is_back(
    qtbot, store, data_dir, failure
):
    row = store.create_filing(good_filing())
    window = open_window(qtbot, store, data_dir)
    assert window.current_id() == row.id
    content = field(window, "检查内容")
    content.setFocus()
    QTest.keyClick(content, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    type_text(content, "第一段。")
    qtbot.waitUntil(lambda: stored_content(data_dir, row.id).endswith("第一段。"), timeout=5000)
    saved_before = stored_content(data_dir, row.id)

    typed_while_full = "磁盘满时输入的第二段，" * 20
    with failure(store):
        type_text(content, typed_while_full)
        qtbot.waitUntil(lambda: bool(error_dialogs()), timeout=5000)
        message = error_dialogs()[0].text()
        assert "没有保存" in message and ("磁盘" in message or "空间" in message), message
        assert "之前保存的内容都还在" in message
        assert window.save_state_label.text() == "没有保存！"
        # Nothing the clerk typed is gone from the screen; nothing half-written on disk.
        assert window.editor.filing()["content"] == saved_before + typed_while_full
        assert stored_content(data_dir, row.id) == saved_before
        # The program keeps working: reading, the list, switching the error away.
        assert window.isVisible() and window.model.rowCount() == 1
        assert store.get(row.id).filing["content"] == saved_before
        for dialog in error_dialogs():
            dialog.button(QMessageBox.StandardButton.Ok).click()

    # Space is back: the autosaver tries again by itself, no restart, no retyping.
    qtbot.waitUntil(
        lambda: stored_content(data_dir, row.id) == saved_before + typed_while_full,
        timeout=15000,
    )
    qtbot.waitUntil(lambda: "已自动保存" in window.save_state_label.text(), timeout=3000)
    assert Counter(e.kind for e in store.history(row.id))["created"] == 1
    for dialog in error_dialogs():
        dialog.button(QMessageBox.StandardButton.Ok).click()
    window.close()


# --- the command line -----------------------------------------------------------------------


def test_beian_queue_on_a_full_disk_says_so_and_queues_nothing(tmp_path):
    desk = Desk(tmp_path / "desk")
    with desk.store() as store:
        kept = store.create_filing(good_filing())
    checkpoint(desk.data_dir / DB_NAME)
    big = valid_filing(content="查看生产场所、设备设施和原料进货查验记录。" * 90)
    path = desk.write(big)
    full = subprocess.run(
        desk.command("queue", str(path)),
        env=desk.env(),
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        preexec_fn=preexec_file_size_limit(4096),
    )
    assert full.returncode != 0
    said = full.stdout + full.stderr
    assert "没有保存" in said and "Traceback" not in said, said
    with desk.store() as store:
        assert store.get(big["id"]) is None and store.outbox() == []
        assert store.get(kept.id).status in (READY, "draft")
        assert store._connection().execute("PRAGMA quick_check").fetchone()[0] == "ok"
    # Space again: the same command queues it, once.
    desk.queue(big)
    with desk.store() as store:
        assert store.get(big["id"]).status == QUEUED and len(store.outbox()) == 1


@pytest.mark.slow
def test_beian_sync_on_a_full_disk_sends_nothing_then_exactly_once(tmp_path):
    with OfficeServer.start(tmp_path / "office") as office:
        token = office.create_token(DEFAULT_UNIT)
        desk = Desk(tmp_path / "desk")
        desk.configure(office.url, token)
        filings = [valid_filing(days_ahead=7 + i) for i in range(3)]
        desk.put(*filings)
        checkpoint(desk.data_dir / DB_NAME)

        full = subprocess.run(
            desk.command("sync", "--json"),
            env=desk.env(),
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=60,
            preexec_fn=preexec_file_size_limit(4096),
        )
        assert full.returncode != 0
        assert "Traceback" not in full.stderr, full.stderr
        # Not even the -shm index of the store could be written: the pass stopped before
        # recording any attempt, so nothing went out (exactly-once rests on that order).
        assert office.filings() == []
        with desk.store() as store:
            assert [i.id for i in store.outbox()] == [f["id"] for f in filings]

        code, result = desk.sync()
        assert code == 0, result
        rows = office.filings()
        assert sorted(r["id"] for r in rows) == sorted(f["id"] for f in filings)
        assert len({r["receipt"] for r in rows}) == len(rows) == 3
