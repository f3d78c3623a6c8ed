"""Shared pieces of the window tests: sample filings, a fresh store, answering dialogs."""

from __future__ import annotations

import copy
import csv
import json
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QAbstractButton, QApplication, QDialog, QMessageBox, QWidget

from forms.record import SHANGHAI, format_timestamp, now

DATA = Path(__file__).resolve().parent.parent / "data"

LEAD_UNITS = (
    "湘潭市市场监督管理局",
    "湘潭市应急管理局",
    "湘潭市生态环境局",
    "湘潭县市场监督管理局",
    "湘乡市文化旅游广电体育局",
)


def sample_enterprises() -> list[dict[str, str]]:
    with (DATA / "import_sample_enterprises.csv").open(encoding="utf-8-sig", newline="") as fh:
        return [
            {
                "name": r["企业名称"],
                "uscc": r["统一社会信用代码"],
                "address": r["地址"],
                "park": r["所在园区"],
            }
            for r in csv.DictReader(fh)
        ]


def good_filing() -> dict:
    """A complete, correct prior filing for an inspection a week from now."""
    filing = json.loads((DATA / "good_prior.json").read_text("utf-8"))
    filing["id"] = str(uuid.uuid4())
    start = (now() + timedelta(days=7)).replace(hour=9, minute=0, second=0, microsecond=0)
    filing["inspection_start"] = format_timestamp(start)
    filing["inspection_end"] = format_timestamp(start.replace(hour=17))
    return filing


def varied_filing(i: int, enterprises: list[dict[str, str]], first_day: datetime) -> dict:
    """The i-th of many filings: enterprises, units and days vary."""
    filing = good_filing()
    filing["enterprise"] = copy.deepcopy(enterprises[i % len(enterprises)])
    filing["lead_unit"] = LEAD_UNITS[i % len(LEAD_UNITS)]
    start = first_day + timedelta(days=i % 120, hours=i % 8)
    filing["inspection_start"] = format_timestamp(start)
    filing["inspection_end"] = format_timestamp(start + timedelta(hours=2))
    return filing


FIRST_DAY = datetime(2026, 10, 1, 9, 0, tzinfo=SHANGHAI)


def fill_store(store, count: int) -> dict[str, int]:
    """Put ``count`` filings in every status into ``store``; return how many per status."""
    enterprises = sample_enterprises()
    made = {"draft": 0, "queued": 0, "sent": 0, "returned": 0}
    for i in range(count):
        filing = varied_filing(i, enterprises, FIRST_DAY)
        kind = i % 10
        if kind < 7:
            store.create_filing(filing)
            made["draft"] += 1
            continue
        row = store.queue(filing["id"], filing)
        if kind == 7:
            made["queued"] += 1
        elif kind == 8:
            store.mark_sent(row.id, row.revision, {"receipt": f"潭优备〔2026〕{i:06d}号"})
            made["sent"] += 1
        else:
            store.mark_returned(row.id, row.revision, "检查依据条款不全", format_timestamp(now()))
            made["returned"] += 1
    return made


def show_active(qtbot, widget: QWidget, width: int = 1000, height: int = 700) -> None:
    """Show ``widget`` at that size and make it the active window: keys and focus go to
    the active window only, and offscreen nothing activates one by itself."""
    widget.resize(width, height)
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()
    qtbot.waitUntil(widget.isActiveWindow)


def by_name(parent: QWidget, name: str) -> Any:
    """The one widget in ``parent`` whose accessible name is ``name``."""
    found = [w for w in parent.findChildren(QWidget) if w.accessibleName() == name]
    assert len(found) == 1, (name, found)
    return found[0]


def click_in_next_dialog(
    choose: Callable[[QDialog], QAbstractButton | None],
    *,
    seen: list[dict[str, str]] | None = None,
) -> QTimer:
    """Poll for the next modal dialog and click the button ``choose`` picks in it.

    Modal dialogs run their own event loop (``exec``), so the click has to come from a
    timer. Returns the timer (stopped once it has clicked); ``seen`` collects the dialog.
    """
    timer = QTimer()
    timer.setInterval(20)

    def poll() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QDialog) or not dialog.isVisible():
            return
        button = choose(dialog)
        if button is None:
            return
        timer.stop()
        if seen is not None:
            seen.append(
                {
                    "name": dialog.objectName(),
                    "title": dialog.windowTitle(),
                    "text": dialog.text() if isinstance(dialog, QMessageBox) else "",
                    "info": dialog.informativeText() if isinstance(dialog, QMessageBox) else "",
                }
            )
        button.click()

    timer.timeout.connect(poll)
    timer.start()
    return timer


def button_named(name: str) -> Callable[[QDialog], QAbstractButton | None]:
    def pick(dialog: QDialog) -> QAbstractButton | None:
        return dialog.findChild(QAbstractButton, name)

    return pick


def button_text(text: str) -> Callable[[QDialog], QAbstractButton | None]:
    def pick(dialog: QDialog) -> QAbstractButton | None:
        for button in dialog.findChildren(QAbstractButton):
            if button.text() == text and button.isVisible():
                return button
        return None

    return pick


def type_text(widget, text: str) -> None:
    """Type ``text`` into ``widget`` as a clerk would: ASCII as key presses, Chinese as an
    input method commits it (QTest cannot press keys for characters beyond ASCII)."""
    from PySide6.QtGui import QInputMethodEvent
    from PySide6.QtTest import QTest

    run = ""
    for char in text:
        if char.isascii():
            if run:
                _commit(widget, run, QInputMethodEvent)
                run = ""
            QTest.keyClicks(widget, char)
        else:
            run += char
    if run:
        _commit(widget, run, QInputMethodEvent)


def _commit(widget, text: str, event_type) -> None:
    event = event_type()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)
