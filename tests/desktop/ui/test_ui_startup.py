"""Start-up: a damaged store is recovered from its latest backup, and the clerk is told."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from desktop.store import DB_NAME, Store
from desktop.ui import i18n
from desktop.ui.app import open_store, start_desk
from tests.support.clock import Clock
from tests.support.ui_helpers import good_filing

T0 = datetime.fromisoformat("2026-11-20T09:00:00+08:00")


@pytest.fixture(autouse=True)
def font_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("BEIAN_FONT_CACHE", str(tmp_path / "fonts"))


@pytest.fixture(autouse=True)
def no_translators_afterwards(qapp):
    yield
    i18n.uninstall()  # start_desk installs Qt's Chinese strings; later tests expect none


def damaged_store_with_backup(data_dir):
    """A store with one filing in its backup and one made after it; then garbage."""
    clock = Clock(T0)
    with Store.open(data_dir, clock=clock, daily_backup=False) as store:
        kept = store.create_filing(good_filing())
        store.backup_now()
        clock.now += timedelta(hours=2)
        lost = store.create_filing(good_filing())
    with (data_dir / DB_NAME).open("r+b") as fh:
        fh.write(b"garbage, not a database any more" * 4)
    return kept.id, lost.id


class Dialogs:
    """Answers each modal dialog by its object name and remembers what it said."""

    def __init__(self, answers: dict[str, str]):
        self.answers = answers
        self.seen: list[dict] = []

    def __call__(self, dialog):
        from PySide6.QtWidgets import QAbstractButton, QMessageBox

        name = dialog.objectName()
        if name not in self.answers:
            return None
        if any(s["dialog"] is dialog for s in self.seen):
            return None
        wanted = self.answers[name]
        for button in dialog.findChildren(QAbstractButton):
            if wanted in (button.objectName(), button.text()):
                self.seen.append(
                    {
                        "dialog": dialog,
                        "name": name,
                        "text": dialog.text() if isinstance(dialog, QMessageBox) else "",
                        "info": dialog.informativeText() if isinstance(dialog, QMessageBox) else "",
                    }
                )
                return button
        return None


def keep_answering(dialogs: Dialogs):
    """Like click_in_next_dialog, but for a sequence of dialogs."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    timer = QTimer()
    timer.setInterval(20)

    def poll():
        dialog = QApplication.activeModalWidget()
        if dialog is None or not dialog.isVisible():
            return
        button = dialogs(dialog)
        if button is not None:
            button.click()

    timer.timeout.connect(poll)
    timer.start()
    return timer


def test_damaged_store_is_restored_from_the_latest_backup(qtbot, tmp_path):
    data_dir = tmp_path / "data"
    kept, lost = damaged_store_with_backup(data_dir)
    dialogs = Dialogs({"askRestore": "restoreButton", "restored": "知道了"})
    timer = keep_answering(dialogs)
    window = start_desk(data_dir)
    timer.stop()
    assert window is not None
    qtbot.addWidget(window)
    try:
        assert [s["name"] for s in dialogs.seen] == ["askRestore", "restored"]
        ask, told = dialogs.seen
        assert "数据文件已损坏" in ask["text"]
        assert "2026年11月20日 09:00" in ask["info"]
        assert "2026年11月20日 09:00" in told["text"]
        assert "damaged" in told["text"]
        assert "重新录入" in told["text"]

        assert window.current_id() == kept
        assert window.store.get(lost) is None
        assert list((data_dir / "damaged").iterdir())
        if window.prepare_job is None:
            qtbot.waitUntil(lambda: window.prepare_job is not None, timeout=5000)
        if not window.prepare_job.is_done():
            with qtbot.waitSignal(window.prepare_job.finished, timeout=60000):
                pass
    finally:
        window.close()
        window.store.close()


def test_declining_the_restore_changes_nothing(qtbot, tmp_path):
    data_dir = tmp_path / "data"
    damaged_store_with_backup(data_dir)
    before = (data_dir / DB_NAME).read_bytes()
    dialogs = Dialogs({"askRestore": "quitButton", "notRestored": "知道了"})
    timer = keep_answering(dialogs)
    assert open_store(data_dir) is None
    timer.stop()
    assert [s["name"] for s in dialogs.seen] == ["askRestore", "notRestored"]
    assert (data_dir / DB_NAME).read_bytes() == before
    assert not (data_dir / "damaged").exists()


def test_damaged_without_a_backup_says_what_to_do(qtbot, tmp_path):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    (data_dir / DB_NAME).write_bytes(b"SQLite format 3\x00" + b"\xff" * 5000)
    dialogs = Dialogs({"cannotOpen": "知道了"})
    timer = keep_answering(dialogs)
    assert open_store(data_dir) is None
    timer.stop()
    [told] = dialogs.seen
    assert "没有找到可用的备份" in told["text"]
    assert "技术支持" in told["text"]


def _error_boxes(window):
    from PySide6.QtWidgets import QMessageBox

    return [
        box.text()
        for box in window.findChildren(QMessageBox)
        if box.objectName() == "errorDialog" and box.isVisible()
    ]


def test_damage_found_after_the_first_paint_tells_the_clerk_to_reopen(qtbot, tmp_path, monkeypatch):
    """A large store opens with a header check; its full check runs after the window is
    up, finds the damage, and the next start checks in full and offers the backup."""
    from desktop.store import StoreDamaged
    from desktop.store import db as store_db
    from desktop.ui.workers import running_jobs

    monkeypatch.setattr(store_db, "FULL_CHECK_AT_OPEN_BYTES", 0)  # every store is "large"
    data_dir = tmp_path / "data"
    with Store.open(data_dir, clock=Clock(T0), daily_backup=False) as store:
        for _ in range(120):
            store.create_filing(good_filing())
    path = data_dir / DB_NAME
    size = path.stat().st_size
    with path.open("r+b") as fh:  # two pages of filings, not the header or the schema
        fh.seek(size - 6 * 4096)
        fh.write(b"\xa5" * 4096 * 2)

    window = start_desk(data_dir)
    assert window is not None  # the header and schema are sound: the window opens
    qtbot.addWidget(window)
    try:
        qtbot.waitUntil(lambda: bool(_error_boxes(window)), timeout=20000)
        [told] = _error_boxes(window)
        assert "已损坏" in told and "重新打开" in told and "beian" not in told
        qtbot.waitUntil(lambda: running_jobs() == 0, timeout=60000)
    finally:
        window.close()
        window.store.close()
    assert (data_dir / store_db.CHECK_AT_OPEN_MARKER).exists()
    with pytest.raises(StoreDamaged):
        Store.open(data_dir, deferred_checks=True)  # the next start checks in full first


def test_the_daily_backup_is_made_after_the_first_paint(qtbot, tmp_path, monkeypatch):
    from desktop.store import db as store_db
    from desktop.ui.workers import running_jobs

    monkeypatch.setattr(store_db, "FULL_CHECK_AT_OPEN_BYTES", 0)
    data_dir = tmp_path / "data"
    with Store.open(data_dir, daily_backup=False) as store:
        store.create_filing(good_filing())
        assert store.backups() == []
    window = start_desk(data_dir)
    assert window is not None
    qtbot.addWidget(window)
    try:
        qtbot.waitUntil(lambda: len(window.store.backups()) == 1, timeout=20000)
        qtbot.waitUntil(lambda: running_jobs() == 0, timeout=60000)
        assert _error_boxes(window) == []
    finally:
        window.close()
        window.store.close()


def test_the_list_paints_first_and_the_editor_follows_with_one_validation(
    qtbot, tmp_path, monkeypatch
):
    """Start-up shows the list before the editor exists; the editor is built after the
    first paint and validates the first filing once (not the blank form, not twice)."""
    from desktop.ui.workers import running_jobs
    from forms import rules

    data_dir = tmp_path / "data"
    with Store.open(data_dir, daily_backup=False) as store:
        first = store.create_filing(good_filing())
    validated: list[str] = []
    real_validate = rules.validate

    def counting(filing, **kwargs):
        validated.append(str(filing.get("id") or ""))
        return real_validate(filing, **kwargs)

    monkeypatch.setattr(rules, "validate", counting)
    window = start_desk(data_dir)
    assert window is not None
    qtbot.addWidget(window)
    try:
        assert not window.editor_built()  # start_desk returned: the window is shown
        assert window.model.rowCount() == 1 and window.current_id() == first.id
        with qtbot.waitSignal(window.editorReady, timeout=20000):
            pass  # the first paint comes, then the editor
        assert window.editor_built()
        assert window.editor.filing()["id"] == first.id
        assert validated == [first.id]
        qtbot.waitUntil(lambda: running_jobs() == 0, timeout=60000)
    finally:
        window.close()
        window.store.close()
