"""The real ``beian --data-dir DIR`` window with a scripted clerk, for the kill tests (not a
test module).

    python tests/support/window_driver.py DATA_DIR IDS_FILE

runs ``desktop.cli.main(["--data-dir", DATA_DIR])`` — the program's own entry point: log
file, exception hook, store, main window, event loop — and, once the window is up, works
like a clerk through the filings listed in IDS_FILE (a JSON list of ids, each a complete
filing already in the store): open it, type a mark at the end of 检查内容, and when the
autosave has stored it print ``SAVED <id> <mark>``; then 提交, confirm, and when it is in
the outbox print ``QUEUED <id>``; then the next one. It never exits by itself: the test
kills it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def say(*words: object) -> None:
    print(*words, flush=True)


def clerk(window, ids: list[str]) -> None:
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QAbstractButton, QApplication, QWidget

    from tests.support.ui_helpers import type_text

    todo = [i for i in ids if (row := window.store.get(i)) is not None and row.editable]
    state: dict = {"id": None, "mark": None}

    def confirm() -> None:  # the submit confirmation is modal: answer it from a timer
        dialog = QApplication.activeModalWidget()
        if dialog is not None and dialog.objectName() == "confirmSubmit":
            dialog.findChild(QAbstractButton, "confirmSubmitButton").click()

    answering = QTimer(window)
    answering.setInterval(10)
    answering.timeout.connect(confirm)
    answering.start()

    def content_field() -> QWidget:
        for widget in window.editor.findChildren(QWidget):
            if widget.accessibleName() == "检查内容" and widget.isVisible():
                return widget
        raise LookupError("检查内容")

    def next_filing() -> None:
        if not todo:
            say("DONE")
            return
        filing_id = todo.pop(0)
        window.show_filing(filing_id)
        target = content_field()
        target.setFocus()
        QTest.keyClick(target, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
        mark = f"〔{len(ids) - len(todo)}-{filing_id[:4]}〕"
        state.update(id=filing_id, mark=mark)
        type_text(target, mark)  # only the debounced autosave stores it

    def saved(row) -> None:
        if row.id == state["id"] and row.filing.get("content", "").endswith(state["mark"] or "\0"):
            say("SAVED", row.id, state["mark"])
            state["mark"] = None
            QTimer.singleShot(0, submit)

    def submit() -> None:
        filing_id = state["id"]
        if window.submit():
            say("QUEUED", filing_id)
        else:
            say("NOT-QUEUED", filing_id)
        QTimer.singleShot(0, next_filing)

    window.autosave.saved.connect(saved)
    QTimer.singleShot(0, next_filing)


def main(argv: list[str]) -> int:
    from desktop import cli
    from desktop.ui import app

    data_dir, ids = argv[1], json.loads(Path(argv[2]).read_text("utf-8"))
    real_start = app.start_desk

    def start_and_work(path):
        window = real_start(path)
        if window is not None:
            from PySide6.QtCore import QTimer

            say("WINDOW", window.current_id())
            QTimer.singleShot(0, lambda: clerk(window, ids))
        return window

    app.start_desk = start_and_work  # run_window looks it up when it runs
    return cli.main(["--data-dir", data_dir])


if __name__ == "__main__":
    sys.exit(main(sys.argv))
