"""The default leader in 设置 → 本单位 completes from the roster, as the form's leader does:
a real store with the sample roster, the real dialog, keys typed and the list picked from."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from desktop.spreadsheets import read_roster
from desktop.store import Store
from desktop.ui.settings_dialog import SettingsDialog
from tests.support.clerk import pick_completion, type_into
from tests.support.ui_helpers import DATA


@pytest.fixture
def dialog(qtbot, tmp_path):
    store = Store.open(tmp_path / "data", daily_backup=False)
    store.replace_roster(read_roster(DATA / "import_sample_roster.csv").officers)
    dialog = SettingsDialog(store)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    yield dialog
    dialog.close()
    store.close()


def test_picking_the_default_leader_from_the_roster_fills_title_and_number(qtbot, dialog):
    name = dialog.leader["name"]
    type_into(qtbot, name, "熊")
    pick_completion(qtbot, name, "熊平华")
    assert (name.text(), dialog.leader["title"].text(), dialog.leader["cert_no"].text()) == (
        "熊平华",
        "四级主任科员",
        "43031119004",
    )


def test_a_name_the_roster_has_once_chooses_that_officer_on_leaving(qtbot, dialog):
    dialog.leader["title"].setText("科长")  # another officer's, copied from somewhere
    name = dialog.leader["name"]
    type_into(qtbot, name, "孟欣德")
    popup = name.completer().popup()
    qtbot.keyClick(popup if popup.isVisible() else name, Qt.Key.Key_Escape)
    qtbot.keyClick(name, Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: dialog.leader["cert_no"].text() == "43031119007")
    assert dialog.leader["title"].text() == "副科长"


def test_expired_officers_are_marked_and_unknown_names_change_nothing(qtbot, dialog):
    dialog.leader_completion.refresh(today=date(2026, 12, 1))  # 康洋明's ended 2026-06-30
    name = dialog.leader["name"]
    type_into(qtbot, name, "康")
    popup = name.completer().popup()
    qtbot.waitUntil(popup.isVisible)
    rows = [popup.model().index(i, 0).data() for i in range(popup.model().rowCount())]
    assert rows == ["康洋明　43031119001　科长（执法证已过期）"]
    qtbot.keyClick(popup, Qt.Key.Key_Escape)
    dialog.leader["cert_no"].setText("43031119004")
    type_into(qtbot, name, "名册外的人")
    qtbot.keyClick(name, Qt.Key.Key_Tab)
    assert dialog.leader["cert_no"].text() == "43031119004"
