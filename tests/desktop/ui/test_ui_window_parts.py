"""The main window's parts: the action table, the store-error rule, the layout memory."""

from __future__ import annotations

import logging

import pytest
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QMenu, QMessageBox

from desktop.store import QUEUED, RETURNED, Store, StoreError
from desktop.store.api import FilingRow
from desktop.ui import window_actions
from desktop.ui.main_window import MainWindow
from desktop.ui.store_errors import LOG, TELL, store_call
from tests.support.ui_helpers import good_filing


@pytest.fixture
def store(tmp_path):
    s = Store.open(tmp_path / "data")
    yield s
    s.close()


@pytest.fixture
def window(qtbot, store, tmp_path):
    w = MainWindow(store, data_dir=tmp_path / "data")
    qtbot.addWidget(w)
    return w


def row(status: str, revision: int = 1) -> FilingRow:
    return FilingRow("x", revision, status, {}, "", "")


def test_every_action_in_the_table_is_built_with_its_handler(window):
    shortcuts = []
    for spec in window_actions.ACTIONS:
        action = getattr(window, f"act_{spec.name}")
        assert action.objectName() == spec.object_name and action.text()
        if spec.shortcut is not None:
            shortcuts.append(action.shortcut().toString())
            assert action.shortcut() == QKeySequence(spec.shortcut)
    assert len(shortcuts) == len(set(shortcuts)), "a shortcut is used twice"
    menus = {
        m.title(): [a.objectName() for a in m.actions() if a.objectName()]
        for m in window.menuBar().findChildren(QMenu)
    }
    assert menus["备案(&B)"] == ["actSubmit", "actUnqueue", "actRevise", "actDiscard", "actSync"]
    toolbar = [a.objectName() for a in window.toolbar.actions() if a.objectName()]
    assert toolbar == ["actNew", "actNewSimilar", "actSave", "actPreview", "actSubmit", "actSync"]


@pytest.mark.parametrize(
    ("shown", "enabled"),
    [
        (None, {"new", "sync", "settings", "about"}),
        (row("draft"), {"save", "submit", "discard", "preview", "new_similar"}),
        (row("draft", 2), {"save", "submit", "preview"}),
        (row(QUEUED), {"unqueue", "preview"}),
        (row(RETURNED), {"revise", "preview"}),
    ],
)
def test_enabled_when_rules(window, shown, enabled):
    window_actions.update_enabled(window.actions_by_name, shown)
    on = {name for name, action in window.actions_by_name.items() if action.isEnabled()}
    assert enabled <= on
    if shown is None or shown.revision > 1:
        assert "discard" not in on
    if shown is None or shown.status != RETURNED:
        assert "revise" not in on


def test_a_store_error_is_only_logged_for_a_refresh(qtbot, window, caplog):
    with caplog.at_level(logging.ERROR), store_call(window, LOG, "counts") as call:
        raise StoreError("数据文件正被另一个程序占用。")
    assert call.failed and call.message == "数据文件正被另一个程序占用。"
    assert "counts" in caplog.text
    assert not [
        w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()
    ]


def test_a_store_error_is_told_when_the_clerk_asked(qtbot, window):
    window.show()
    with store_call(window, TELL, "submit") as call:
        raise StoreError("磁盘空间不足，刚才的修改没有保存。")
    assert call.failed
    boxes = [
        w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()
    ]
    assert [b.text() for b in boxes] == ["磁盘空间不足，刚才的修改没有保存。"]
    boxes[0].close()


def test_a_call_that_works_is_not_failed(window):
    with store_call(window, TELL, "nothing") as call:
        pass
    assert not call.failed


def test_column_widths_are_remembered(qtbot, store, tmp_path):
    from desktop.ui.filings_model import COLUMN_IDS

    store.create_filing(good_filing())
    first = MainWindow(store, data_dir=tmp_path / "data")
    qtbot.addWidget(first)
    first.resize(1366, 768)
    first.show()
    column = COLUMN_IDS.index("lead_unit")
    first.list_panel.table.setColumnWidth(column, 333)
    first.close()
    again = MainWindow(store, data_dir=tmp_path / "data")
    qtbot.addWidget(again)
    assert again.list_panel.table.columnWidth(column) == 333
    assert again.has_saved_geometry()


def test_a_layout_saved_for_other_columns_is_ignored(qtbot, store, tmp_path):
    from desktop.store import settings_registry as settings
    from desktop.ui.filings_model import COLUMN_IDS

    first = MainWindow(store, data_dir=tmp_path / "data")
    qtbot.addWidget(first)
    column = COLUMN_IDS.index("lead_unit")
    first.list_panel.table.setColumnWidth(column, 333)
    first.close()
    saved = settings.UI_LIST_COLUMNS.get(store)
    # As an older desk with other columns would have saved it.
    settings.UI_LIST_COLUMNS.set(store, dict(saved, columns=["status", "enterprise", "receipt"]))
    again = MainWindow(store, data_dir=tmp_path / "data")
    qtbot.addWidget(again)
    assert again.list_panel.table.columnWidth(column) != 333


def test_the_submit_confirmation_and_discard_question_are_readable(qtbot, window):
    from desktop.ui.submit_dialogs import ConfirmSubmit
    from forms.problems import Problem
    from tests.support.text_fit import clipped_texts

    late = "已超过补报期限（检查结束后 5 个工作日，截止 2026年11月30日），逾期 1 个工作日。"
    warnings = [Problem("inspection_end", "post_hoc_late", "warning", late)] * 3
    dialog = ConfirmSubmit(window, window.definition, warnings)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(lambda: clipped_texts(dialog) == [], timeout=3000)


@pytest.mark.parametrize("tab", range(5))
def test_every_settings_tab_is_readable(qtbot, store, tab):
    from desktop.ui.settings_dialog import SettingsDialog
    from tests.support.text_fit import clipped_texts

    dialog = SettingsDialog(store)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.tabs.setCurrentIndex(tab)
    qtbot.waitExposed(dialog)
    if tab == 2:
        dialog.cert_test.setText("43031119004")
    qtbot.waitUntil(lambda: clipped_texts(dialog) == [], timeout=3000)


@pytest.mark.parametrize("size", [(1366, 768), (1024, 768)], ids=["1366x768", "1024x768"])
def test_the_window_with_a_reminder_is_readable(qtbot, store, tmp_path, size):
    from datetime import timedelta

    from forms.record import format_timestamp, now
    from tests.support.text_fit import clipped_texts

    filing = good_filing()
    end = (now() - timedelta(days=12)).replace(hour=17, minute=0, second=0, microsecond=0)
    filing.update(
        kind="post_hoc",
        inspection_start=format_timestamp(end.replace(hour=9)),
        inspection_end=format_timestamp(end),
    )
    store.create_filing(filing)
    window = MainWindow(store, data_dir=tmp_path / "data")
    qtbot.addWidget(window)
    window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    assert window.list_panel.notices.bar("post_hoc_due") is not None
    notices = window.list_panel.notices
    qtbot.waitUntil(lambda: clipped_texts(notices) == [], timeout=3000)
    qtbot.waitUntil(lambda: clipped_texts(window.list_panel) == [], timeout=3000)
