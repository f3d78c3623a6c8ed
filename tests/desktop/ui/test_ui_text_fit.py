"""Nothing a clerk must read is clipped: the connection dialog's notes and the main
window's editor on office-PC screens (1366×768 and 1024×768 at 100, 125 and 150 %), and
the check itself."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import QSize
from PySide6.QtWidgets import QLabel, QListWidget, QMainWindow, QVBoxLayout, QWidget

from desktop.store import Store
from desktop.ui.connection_dialog import ConnectionDialog
from tests.support.probe import run_probe
from tests.support.text_fit import clipped_texts
from tests.support.ui_helpers import type_text

ROOT = Path(__file__).resolve().parents[3]
SHOTS = ROOT / "build" / "screens"  # kept for a person to look at


def test_the_check_sees_a_squeezed_wrapped_label(qtbot):
    window = QWidget()
    qtbot.addWidget(window)
    layout = QVBoxLayout(window)
    label = QLabel("未加密：此地址以 http:// 开头，备案内容和令牌在网络上不加密传输。" * 3)
    label.setWordWrap(True)
    label.setObjectName("squeezed")
    layout.addWidget(label)
    window.show()
    qtbot.waitExposed(window)
    window.resize(300, label.heightForWidth(300) + 40)
    qtbot.waitUntil(lambda: not clipped_texts(window))
    window.resize(300, 30)  # the layout lets the label be squeezed below its text
    qtbot.waitUntil(lambda: bool(clipped_texts(window)))
    assert "squeezed" in clipped_texts(window)[0]


def test_the_check_sees_an_unwrapped_label_cut_by_its_parent(qtbot):
    window = QWidget()
    qtbot.addWidget(window)
    window.resize(120, 60)
    label = QLabel("备案办公室地址和令牌", window)
    label.setObjectName("cut")
    label.move(60, 10)
    label.resize(label.sizeHint())
    window.show()
    qtbot.waitExposed(window)
    problems = clipped_texts(window)
    assert problems and "runs past the side" in problems[0]


def test_the_check_sees_a_status_message_cut_by_the_permanent_widgets(qtbot):
    window = QMainWindow()
    qtbot.addWidget(window)
    window.resize(420, 200)
    window.statusBar().addPermanentWidget(QLabel("草稿 1　已排队 0　已备案 0"))
    window.show()
    qtbot.waitExposed(window)
    window.statusBar().showMessage("已保存。")
    qtbot.waitUntil(lambda: clipped_texts(window) == [])  # once the bar is laid out
    window.statusBar().showMessage("已保存。发现 0 个错误、1 个提醒，请查看表中标出的地方。")
    qtbot.waitUntil(lambda: bool(clipped_texts(window)))
    assert "status bar message «已保存。发现" in clipped_texts(window)[0]


def test_the_check_sees_a_list_row_cut_by_a_list_that_cannot_scroll(qtbot):
    window = QWidget()
    qtbot.addWidget(window)
    layout = QVBoxLayout(window)
    rows = QListWidget()
    rows.setWordWrap(True)
    rows.addItem("提醒：事后补报应在检查结束后 5 个工作日内报备，现已逾期 10 个工作日。" * 2)
    layout.addWidget(rows)
    window.resize(300, 400)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: not clipped_texts(window))
    rows.setMaximumHeight(rows.fontMetrics().height() + 2 * rows.frameWidth())
    qtbot.waitUntil(lambda: bool(clipped_texts(window)))
    assert "row 0" in clipped_texts(window)[0]


def test_the_check_sees_a_list_row_lower_than_its_wrapped_text(qtbot):
    window = QWidget()
    qtbot.addWidget(window)
    layout = QVBoxLayout(window)
    rows = QListWidget()
    rows.setWordWrap(True)
    rows.addItem("提醒：事后补报应在检查结束后 5 个工作日内报备，现已逾期 10 个工作日。" * 2)
    layout.addWidget(rows)
    window.resize(300, 400)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: not clipped_texts(window))
    # A size hint measured at the wrong width: the row is one line, its text is four.
    rows.item(0).setSizeHint(QSize(rows.viewport().width(), rows.fontMetrics().lineSpacing() + 4))
    qtbot.waitUntil(lambda: bool(clipped_texts(window)))
    assert "for its text" in clipped_texts(window)[0]


@pytest.fixture
def dialog(qtbot, tmp_path):
    store = Store.open(tmp_path / "data")
    dialog = ConnectionDialog(store, tmp_path / "data")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    yield dialog
    dialog.close()
    store.close()


def test_typing_an_http_address_shows_the_whole_warning_at_once(qtbot, dialog):
    assert clipped_texts(dialog) == []
    dialog.office_url.setFocus()
    type_text(dialog.office_url, "http://10.20.30.40:8000")
    note = dialog.findChild(QLabel, "urlNote")
    assert "未加密" in note.text()
    # Without a check or a resize: the dialog grows with the note.
    qtbot.waitUntil(lambda: clipped_texts(dialog) == [], timeout=3000)
    token_note = dialog.findChild(QLabel, "tokenNote")
    assert token_note.heightForWidth(token_note.width()) <= token_note.height()


def test_a_narrower_dialog_grows_taller_instead_of_cutting_the_notes(qtbot, dialog):
    dialog.office_url.setText("http://10.20.30.40:8000")
    qtbot.waitUntil(lambda: clipped_texts(dialog) == [], timeout=3000)
    height = dialog.height()
    dialog.resize(dialog.width() * 2 // 3, height)
    qtbot.waitUntil(lambda: dialog.height() > height, timeout=3000)
    assert clipped_texts(dialog) == []


SCREENS = [(s, k) for s in ("1366x768", "1024x768") for k in (1.0, 1.25, 1.5)]
SCREEN_IDS = [f"{s}@{k}" for s, k in SCREENS]


def fit_driver(window: str, screen: str, scale: float) -> dict:
    """A fresh process per screen: the screen's size and the scaling are read at start."""
    env = {k: v for k, v in os.environ.items() if k not in ("QT_SCALE_FACTOR",)}
    result = run_probe(
        "tests.support.fit_driver",
        env,
        window,
        "--screen",
        screen,
        "--scale",
        str(scale),
        "--out",
        str(SHOTS),
        timeout=180,
    )
    width, height = (int(n) for n in screen.split("x"))
    assert result["screen"] == [round(width / scale), round(height / scale)]
    assert all(Path(shot).stat().st_size > 0 for shot in result["shots"])
    return result


@pytest.mark.slow
@pytest.mark.parametrize(("screen", "scale"), SCREENS, ids=SCREEN_IDS)
def test_connection_dialog_on_office_screens(screen: str, scale: float):
    result = fit_driver("connection", screen, scale)
    assert set(result["states"]) == {"connection", "connection-http", "connection-refused"}
    assert result["states"] == {name: [] for name in result["states"]}


@pytest.mark.slow
@pytest.mark.parametrize(("screen", "scale"), SCREENS, ids=SCREEN_IDS)
def test_main_window_editor_on_office_screens(screen: str, scale: float):
    """The form fits its scroll area (no label, note or button runs past its side), the
    officer rows reflow, messages and the offered fix wrap, and the problems list shows
    the lateness warning whole without scrolling."""
    result = fit_driver("main", screen, scale)
    assert set(result["states"]) == {"main", "main-late-post-hoc", "main-messages"}
    assert result["states"] == {name: [] for name in result["states"]}
