"""A read-only data folder: a clear Chinese message, nothing lost, the program keeps running.

"Read-only" here is the real thing for root too: the kernel's immutable attribute on the
folder and every file in it (tests/hardening/failing_disk.py explains why chmod is not
enough). Two moments:

- the folder is read-only when the desk starts (a folder copied from a CD, a share
  mounted read-only): the window opens on what is there, says it cannot save, and keeps
  what the clerk types on screen; the command line reads but refuses to queue;
- the folder turns read-only while the window is open (a share switched to read-only,
  a disk the kernel remounted read-only after an error): the next save fails with a
  message, the text stays, and saving works again once the folder is writable.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from desktop.store import DB_NAME, QUEUED, READY, Store
from desktop.ui.app import start_desk
from desktop.ui.main_window import MainWindow
from tests.hardening.failing_disk import prove_unwritable, read_only
from tests.support.desk import Desk
from tests.support.ui_helpers import click_in_next_dialog, good_filing, type_text


@pytest.fixture(autouse=True)
def font_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("BEIAN_FONT_CACHE", str(tmp_path / "fonts"))


def field(window: MainWindow, name: str) -> QWidget:
    for widget in window.editor.findChildren(QWidget):
        if widget.accessibleName() == name and widget.isVisible():
            return widget
    raise AssertionError(f"no visible input named {name!r}")


def error_texts() -> list[str]:
    return [
        w.text()
        for w in QApplication.topLevelWidgets()
        if isinstance(w, QMessageBox) and w.objectName() == "errorDialog" and w.isVisible()
    ]


def dismiss_errors() -> None:
    for w in QApplication.topLevelWidgets():
        if isinstance(w, QMessageBox) and w.objectName() == "errorDialog" and w.isVisible():
            w.button(QMessageBox.StandardButton.Ok).click()


def yes_button(dialog):
    return (
        dialog.button(QMessageBox.StandardButton.Yes) if isinstance(dialog, QMessageBox) else None
    )


def type_at_end(window: MainWindow, name: str, text: str) -> None:
    target = field(window, name)
    target.setFocus()
    QTest.keyClick(target, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    type_text(target, text)


def stored(data_dir: Path, filing_id: str) -> dict:
    with Store.open(data_dir, read_only=True, daily_backup=False) as reader:
        conn = reader._connection()
        assert conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
        return reader.get(filing_id).filing


def wait_for_prepare(qtbot, window) -> None:
    """start_desk prepares the printing fonts in the background; let that job end."""
    qtbot.waitUntil(lambda: window.prepare_job is not None or True, timeout=1000)
    job = window.prepare_job
    if job is not None and not job.is_done():
        with qtbot.waitSignal(job.finished, timeout=60000):
            pass


def test_window_starts_on_a_read_only_folder_and_keeps_the_typing(qtbot, tmp_path):
    data_dir = tmp_path / "data"
    with Store.open(data_dir, daily_backup=False) as store:
        row = store.create_filing(good_filing())
        before = store.save_draft(row.id, row.filing, has_errors=False).filing
    # Closed cleanly: no -wal or -shm beside the file, and none can be made once the folder
    # is read-only (SQLite needs them to read a WAL-mode file unless told it is immutable).
    assert sorted(p.name for p in data_dir.iterdir()) == [DB_NAME]

    with read_only(data_dir):
        prove_unwritable(data_dir)
        window = start_desk(data_dir)
        assert window is not None, "the desk refused to open a folder it can read"
        qtbot.addWidget(window)
        try:
            assert window.store.read_only
            qtbot.waitUntil(lambda: bool(error_texts()), timeout=3000)
            assert any("只能读不能写" in t for t in error_texts()), error_texts()
            dismiss_errors()
            # Everything is there to read.
            assert window.current_id() == row.id
            assert window.editor.filing()["enterprise"] == before["enterprise"]

            type_at_end(window, "检查内容", "只读时补充的内容")
            qtbot.waitUntil(lambda: bool(error_texts()), timeout=5000)
            assert any("只读" in t and "没有保存" in t for t in error_texts()), error_texts()
            assert window.save_state_label.text() == "没有保存！"
            assert window.editor.filing()["content"].endswith("只读时补充的内容")
            dismiss_errors()
            wait_for_prepare(qtbot, window)

            # Closing warns that the typing was not saved; the clerk confirms.
            seen: list[dict] = []
            timer = click_in_next_dialog(yes_button, seen=seen)
            window.close()
            timer.stop()
            qtbot.waitUntil(lambda: not window.isVisible(), timeout=5000)
        finally:
            window.store.close()
    assert seen and "没能保存" in seen[0]["text"]
    assert stored(data_dir, row.id) == before  # nothing lost, nothing half-written


def test_folder_turns_read_only_while_the_window_is_open(qtbot, tmp_path):
    data_dir = tmp_path / "data"
    store = Store.open(data_dir, daily_backup=False)
    try:
        row = store.create_filing(good_filing())
        window = MainWindow(store, data_dir=data_dir)
        qtbot.addWidget(window)
        window.resize(1366, 768)
        window.show()
        type_at_end(window, "检查内容", "第一段。")
        qtbot.waitUntil(
            lambda: stored(data_dir, row.id)["content"].endswith("第一段。"), timeout=5000
        )
        saved = stored(data_dir, row.id)["content"]
        assert (data_dir / (DB_NAME + "-wal")).exists()  # the store is in the middle of work

        more = "文件夹变为只读后输入的第二段。"
        with read_only(data_dir):
            prove_unwritable(data_dir)
            type_at_end(window, "检查内容", more)
            qtbot.waitUntil(lambda: bool(error_texts()), timeout=5000)
            message = error_texts()[0]
            assert "没有保存" in message and "之前保存的内容都还在" in message, message
            assert window.editor.filing()["content"] == saved + more
            assert store.get(row.id).filing["content"] == saved  # reading still works
            assert window.isVisible()
            dismiss_errors()

        # Writable again: the autosaver's retry saves what was typed, without a restart.
        qtbot.waitUntil(lambda: stored(data_dir, row.id)["content"] == saved + more, timeout=15000)
        qtbot.waitUntil(lambda: "已自动保存" in window.save_state_label.text(), timeout=3000)
        dismiss_errors()
        window.close()
    finally:
        store.close()


def test_command_line_reads_a_read_only_folder_and_refuses_to_queue(tmp_path):
    desk = Desk(tmp_path / "desk")
    ready = good_filing()
    with desk.store() as store:
        store.create_filing(ready)
        store.save_draft(ready["id"], ready, has_errors=False)
    another = good_filing()
    path = desk.write(another)

    with read_only(desk.data_dir):
        prove_unwritable(desk.data_dir)
        status = desk.run("status", "--json")
        assert status.returncode == 0, status.stderr
        assert json.loads(status.stdout)["ready"] == 1

        refused = desk.run("queue", str(path))
        assert refused.returncode != 0
        assert "只读" in refused.stderr and "Traceback" not in refused.stderr, refused.stderr

    with desk.store() as store:
        assert store.get(another["id"]) is None and store.outbox() == []
        assert store.get(ready["id"]).status == READY
    desk.queue(another)  # writable again: it goes in, once
    with desk.store() as store:
        assert store.get(another["id"]).status == QUEUED and len(store.outbox()) == 1
