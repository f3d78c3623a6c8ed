"""Errors the clerk sees, and the log file that keeps their details.

Every failure the clerk is told about says what to do next; the technical details go to
``<data folder>/logs/beian.log`` (rotated, a few MB at most), never to the dialog text.
"""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from datetime import datetime
from logging.handlers import RotatingFileHandler
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from desktop.log_files import OwnerOnlyRotatingFileHandler
from forms.record import SHANGHAI

log = logging.getLogger(__name__)

LOG_FILE_NAME = "beian.log"
LOG_MAX_BYTES = 1_000_000
LOG_BACKUPS = 4

_log_file: Path | None = None
_showing = False  # one unexpected-error dialog at a time
_open_boxes: set[QMessageBox] = set()


class ShanghaiTimeFormatter(logging.Formatter):
    """Timestamps in Shanghai time with their offset (``2026-12-01T18:35:04.123+08:00``):
    the times the window shows, whatever time zone the PC is set to, and unambiguous."""

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:  # noqa: N802
        return datetime.fromtimestamp(record.created, SHANGHAI).isoformat(timespec="milliseconds")


LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(threadName)s] %(message)s"


def setup_logging(data_dir: Path) -> Path:
    """Send the root logger to a rotating UTF-8 file in ``data_dir/logs``; return its path."""
    global _log_file
    folder = data_dir / "logs"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = folder / LOG_FILE_NAME
    root = logging.getLogger()
    for handler in list(root.handlers):
        if isinstance(handler, RotatingFileHandler) and Path(handler.baseFilename) == path:
            break
    else:
        handler = OwnerOnlyRotatingFileHandler(
            path, maxBytes=LOG_MAX_BYTES, backupCount=LOG_BACKUPS, encoding="utf-8"
        )
        handler.setFormatter(ShanghaiTimeFormatter(LOG_FORMAT))
        root.addHandler(handler)
    if root.level == logging.NOTSET or root.level > logging.INFO:
        root.setLevel(logging.INFO)
    _log_file = path
    return path


def log_file() -> Path | None:
    """The log file set up by :func:`setup_logging`, if any."""
    return _log_file


def _where_the_log_is() -> str:
    if _log_file is None:
        return ""
    return QCoreApplication.translate("Errors", "详细信息已写入日志文件：%1").replace(
        "%1", str(_log_file)
    )


def show_error(parent: QWidget | None, message: str, details: str | None = None) -> None:
    """Tell the clerk what went wrong and what to do; log the details.

    ``message`` is Chinese and says what to do. The dialog is window-modal and does not
    block the caller (it opens with ``open()``), so it is safe from any slot.
    """
    if details:
        log.error("%s\n%s", message, details)
    else:
        log.error("%s", message)
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(QCoreApplication.translate("Errors", "出错了"))
    box.setText(message)
    where = _where_the_log_is()
    if where:
        box.setInformativeText(where)
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    box.button(QMessageBox.StandardButton.Ok).setText(
        QCoreApplication.translate("Errors", "知道了")
    )
    box.setObjectName("errorDialog")
    # A box without a parent belongs to no one: keep it alive until the clerk closes it.
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    _open_boxes.add(box)
    box.finished.connect(lambda _result: _open_boxes.discard(box))
    box.open()


def unexpected_error_message() -> str:
    return QCoreApplication.translate(
        "Errors",
        "程序遇到了意外错误，刚才的操作可能没有完成。\n"
        "已输入的内容会自动保存，请检查后重试。"
        "如果问题反复出现，请把日志文件发给技术支持。",
    )


def _excepthook(exc_type, exc, tb) -> None:
    if issubclass(exc_type, KeyboardInterrupt):
        sys.__excepthook__(exc_type, exc, tb)
        return
    details = "".join(traceback.format_exception(exc_type, exc, tb))
    log.critical("unexpected error\n%s", details)
    if QApplication.instance() is None:
        sys.__excepthook__(exc_type, exc, tb)
        return
    # Show the dialog from the event loop: the hook may run inside a paint or a slot.
    QTimer.singleShot(0, _show_unexpected)


def _show_unexpected() -> None:
    global _showing
    if _showing:
        return
    _showing = True
    try:
        box = QMessageBox(QApplication.activeWindow())
        box.setIcon(QMessageBox.Icon.Critical)
        box.setWindowTitle(QCoreApplication.translate("Errors", "意外错误"))
        box.setText(unexpected_error_message())
        where = _where_the_log_is()
        if where:
            box.setInformativeText(where)
        box.setStandardButtons(QMessageBox.StandardButton.Ok)
        box.button(QMessageBox.StandardButton.Ok).setText(
            QCoreApplication.translate("Errors", "继续使用")
        )
        box.exec()
    finally:
        _showing = False


def _thread_excepthook(args: threading.ExceptHookArgs) -> None:
    details = "".join(traceback.format_exception(args.exc_type, args.exc_value, args.exc_traceback))
    log.critical("unexpected error in thread %s\n%s", getattr(args.thread, "name", "?"), details)


def install_excepthook() -> None:
    """Log every uncaught exception and tell the clerk; the program keeps running."""
    sys.excepthook = _excepthook
    threading.excepthook = _thread_excepthook
