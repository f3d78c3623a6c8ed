"""Unexpected errors: a Chinese dialog that says what to do, details in the log file."""

from __future__ import annotations

import logging
import sys
from datetime import UTC, datetime, timedelta

import pytest

from desktop.ui import errors
from tests.support.ui_helpers import button_text, click_in_next_dialog


@pytest.fixture
def log_file(tmp_path):
    path = errors.setup_logging(tmp_path / "data")
    yield path
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "baseFilename", None) == str(path):
            root.removeHandler(handler)
            handler.close()


def test_the_log_lives_in_the_data_folder(log_file, tmp_path):
    assert log_file == tmp_path / "data" / "logs" / "beian.log"
    logging.getLogger("desktop.test").warning("一条记录")
    for handler in logging.getLogger().handlers:
        handler.flush()
    assert "一条记录" in log_file.read_text("utf-8")


def test_the_log_is_in_shanghai_time_with_its_offset(log_file):
    """The window shows Shanghai time; the log says the same moment, offset included,
    whatever zone the PC is set to (this one runs in UTC)."""
    record = logging.makeLogRecord(
        {"name": "desktop.test", "levelno": logging.INFO, "levelname": "INFO", "msg": "已提交"}
    )
    record.created = datetime(2026, 12, 1, 8, 40, 5, 250_000, tzinfo=UTC).timestamp()
    logging.getLogger("desktop.test").handle(record)
    for handler in logging.getLogger().handlers:
        handler.flush()
    line = log_file.read_text("utf-8").splitlines()[-1]
    assert line.startswith("2026-12-01T16:40:05.250+08:00 INFO desktop.test ")
    assert line.endswith(" 已提交")
    stamp = datetime.fromisoformat(line.split(" ", 1)[0])
    assert stamp.utcoffset() == timedelta(hours=8)


def test_unexpected_error_shows_a_dialog_and_logs_the_details(qtbot, log_file):
    try:
        raise RuntimeError("secret technical detail")
    except RuntimeError:
        exc_type, exc, tb = sys.exc_info()
    seen: list = []
    timer = click_in_next_dialog(button_text("继续使用"), seen=seen)
    errors._excepthook(exc_type, exc, tb)
    qtbot.waitUntil(lambda: bool(seen), timeout=5000)
    timer.stop()
    assert seen[0]["title"] == "意外错误"
    assert "自动保存" in seen[0]["text"]
    assert "secret technical detail" not in seen[0]["text"]
    assert str(log_file) in seen[0]["info"]
    for handler in logging.getLogger().handlers:
        handler.flush()
    logged = log_file.read_text("utf-8")
    assert "RuntimeError: secret technical detail" in logged
    assert "Traceback" in logged


def test_show_error_names_the_log(qtbot, log_file):
    errors.show_error(None, "导入没有完成，请检查文件后重试。", "details for the log")
    from PySide6.QtWidgets import QApplication, QMessageBox

    box = next(
        w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()
    )
    qtbot.addWidget(box)
    assert box.text() == "导入没有完成，请检查文件后重试。"
    assert "beian.log" in box.informativeText()
    box.accept()
    for handler in logging.getLogger().handlers:
        handler.flush()
    assert "details for the log" in log_file.read_text("utf-8")
