"""The store's deferred start-up work (full integrity check, daily backup), after the
window's first paint, on a worker thread; what it finds is told to the clerk.

``Store.open(deferred_checks=True)`` leaves this work so the first paint does not wait
for something that grows with the store (docs/store.md, "Opening").
"""

from __future__ import annotations

import logging
from typing import Any

import shiboken6
from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtWidgets import QWidget

from desktop.store.db import Maintenance
from desktop.ui.errors import show_error
from desktop.ui.workers import Job, run_in_background

log = logging.getLogger(__name__)

# After the first paint: a zero timer would fire before the window is drawn.
START_DELAY_MS = 300


def _tr(text: str) -> str:
    return QCoreApplication.translate("Maintenance", text)


def damaged_text() -> str:
    return _tr(
        "检查发现数据文件已损坏。请关闭本程序后重新打开：程序会先完整检查数据文件，"
        "并提示从最近的备份恢复。在此之前请不要继续录入。"
    )


def backup_failed_text(store: Any) -> str:
    return getattr(store, "backup_error", None) or _tr("今天的自动备份没有完成。")


def tell(window: QWidget, store: Any, outcome: object) -> None:
    """Show what the deferred work found (nothing when all went well)."""
    if not isinstance(outcome, Maintenance) or not shiboken6.isValid(window):
        return  # nothing to say, or the window closed while the work ran
    if outcome.damaged:
        log.error("deferred integrity check: the store is damaged")
        show_error(window, damaged_text())
    elif outcome.backup_failed is not None:
        show_error(window, backup_failed_text(store))


def schedule(window: QWidget, store: Any) -> None:
    """Run the store's deferred work shortly after the first paint. The job is kept by
    ``desktop.ui.workers`` until it ends (``running_jobs()``); ``store.close()`` waits
    for the work itself."""

    def start() -> None:
        job: Job = run_in_background(store.deferred_maintenance)
        job.finished.connect(lambda outcome: tell(window, store, outcome))
        job.failed.connect(lambda _message, details: log.warning("maintenance: %s", details))

    if hasattr(store, "deferred_maintenance"):
        QTimer.singleShot(START_DELAY_MS, window, start)
