"""A damaged store: detected at start, recovered from the latest backup, the clerk told what
happened — and after the recovery nothing reaches the office twice.

tests/desktop/test_store_safety.py covers detection and restore in the store, and
tests/desktop/test_ui_startup.py the window's dialogs. Here the whole story with real
parts: a desk that has sent filings to a real office since its last backup finds its
file damaged. Every ``beian`` command says so (and which backup there is) without
touching the file or the network; the window offers the backup, restores it and says
what was lost; the restored store believes two filings are still waiting, sends them
again, and the office answers with the receipts it issued the first time.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QAbstractButton, QApplication, QMessageBox

from desktop.store import DB_NAME, QUEUED, SENT
from desktop.store.backups import DAMAGED_DIR
from desktop.ui.app import start_desk
from forms.record import now
from tests.support.desk import Desk
from tests.support.office import DEFAULT_UNIT, OfficeServer, valid_filing

pytestmark = pytest.mark.slow


@pytest.fixture(autouse=True)
def font_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("BEIAN_FONT_CACHE", str(tmp_path / "fonts"))


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class Answers:
    """Answers the start-up's modal dialogs by object name; remembers what they said."""

    def __init__(self, answers: dict[str, str]) -> None:
        self.answers = answers
        self.seen: list[tuple[str, str, str]] = []
        self.timer = QTimer()
        self.timer.setInterval(20)
        self.timer.timeout.connect(self._poll)

    def _poll(self) -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QMessageBox) or not dialog.isVisible():
            return
        wanted = self.answers.get(dialog.objectName())
        for button in dialog.findChildren(QAbstractButton):
            if wanted in (button.objectName(), button.text()):
                self.seen.append((dialog.objectName(), dialog.text(), dialog.informativeText()))
                button.click()
                return

    def __enter__(self) -> Answers:
        self.timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.timer.stop()


def test_damaged_store_is_refused_by_commands_restored_by_the_window_and_filed_once(
    qtbot, tmp_path
):
    with OfficeServer.start(tmp_path / "office") as office:
        token = office.create_token(DEFAULT_UNIT)
        desk = Desk(tmp_path / "desk")
        desk.configure(office.url, token, timeout=5)

        # Two filings queued, then the backup (dated an hour ago: it is the older state).
        a, b = valid_filing(days_ahead=8), valid_filing(days_ahead=9)
        desk.put(a, b)
        with desk.store(clock=lambda: now() - timedelta(hours=1)) as store:
            backup = store.backup_now()
        # Since the backup: both sent, and a third filed and sent too.
        assert desk.sync()[0] == 0
        c = valid_filing(days_ahead=10)
        desk.put(c)
        assert desk.sync()[0] == 0
        first_receipts = {r["id"]: r["receipt"] for r in office.filings()}
        assert set(first_receipts) == {a["id"], b["id"], c["id"]}

        db = desk.data_dir / DB_NAME
        with db.open("r+b") as fh:
            fh.seek(4096 * 2)
            fh.write(b"\xa5" * 4096 * 2)  # two pages of the file overwritten
        damaged = digest(db)

        # --- every command detects it, says what to do, touches nothing -------------------
        for args in (("status",), ("sync",), ("queue", str(desk.write(valid_filing())))):
            result = desk.run(*args)
            assert result.returncode != 0, args
            said = result.stdout + result.stderr
            assert "数据文件已损坏" in said and "Traceback" not in said, said
            assert "可以从最近的备份" in said, said
        assert digest(db) == damaged
        assert not (desk.data_dir / DAMAGED_DIR).exists()
        assert len(office.filings()) == 3  # the sync attempt never reached the office

        # --- the window restores the latest backup and says what was lost -----------------
        with Answers({"askRestore": "restoreButton", "restored": "知道了"}) as answers:
            window = start_desk(desk.data_dir)
        assert window is not None
        qtbot.addWidget(window)
        try:
            names = [name for name, _, _ in answers.seen]
            assert names == ["askRestore", "restored"]
            (_, asked, offer), (_, told, _) = answers.seen
            assert "数据文件已损坏" in asked and "备份" in offer
            assert "重新录入" in told and "damaged" in told
            restored = window.store
            assert {restored.get(a["id"]).status, restored.get(b["id"]).status} == {QUEUED}
            assert restored.get(c["id"]) is None  # made after the backup: lost, as told
            # Let the start-up's deferred work (layout, font preparation) run before the
            # store closes, as the event loop of the real program would.
            qtbot.waitUntil(lambda: window.prepare_job is not None, timeout=5000)
            job = window.prepare_job
            if not job.is_done():
                with qtbot.waitSignal(job.finished, timeout=60000):
                    pass
        finally:
            window.close()
            window.store.close()
        [kept] = (desk.data_dir / DAMAGED_DIR).glob("*.sqlite3")
        assert digest(kept) == damaged  # the damaged file is kept for inspection
        assert backup.exists()

        # --- the restored desk sends A and B again; the office knows them -----------------
        code, result = desk.sync()
        assert code == 0, result
        rows = office.filings()
        assert len(rows) == 3 and {r["id"]: r["receipt"] for r in rows} == first_receipts
        with desk.store() as store:
            for filing in (a, b):
                row = store.get(filing["id"])
                assert row.status == SENT and row.receipt == first_receipts[filing["id"]]
            assert store.outbox() == []
