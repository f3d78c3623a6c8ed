"""The pre-submit reminders through the real window against a real office process: the
white list (reference data from the office), the unit's own earlier filing, and another
unit's filing for the enterprise near the same day, with the 联系联合检查 guidance."""

from __future__ import annotations

import uuid

import pytest
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QLineEdit

from desktop.store import Store
from desktop.store import settings_registry as settings
from desktop.ui.main_window import MainWindow
from tests.support.desk import Desk
from tests.support.office import DEFAULT_UNIT, OTHER_UNIT, OfficeServer, office, valid_filing  # noqa: F401 (office: a fixture)
from tests.support.ui_helpers import click_in_next_dialog

pytestmark = pytest.mark.slow


def test_the_confirmation_reminds_of_lists_repeats_and_the_other_unit(
    qtbot, tmp_path, office: OfficeServer
) -> None:
    firm = {
        "name": f"湘潭提醒{uuid.uuid4().hex[:6]}有限公司",
        "uscc": "",
        "address": "",
        "park": "",
    }
    desk = Desk(tmp_path / "desk")
    desk.data_dir.mkdir(parents=True)
    earlier = valid_filing(DEFAULT_UNIT, days_ahead=3, enterprise=firm)
    draft = valid_filing(DEFAULT_UNIT, days_ahead=10, enterprise=firm)
    theirs = valid_filing(OTHER_UNIT, days_ahead=11, enterprise=firm)
    with office.client(office.create_token(OTHER_UNIT)) as other:
        assert other.post("/api/v1/filings", json=theirs).status_code == 201
    with desk.keyring_in_process():
        desk.configure(office.url, office.create_token(DEFAULT_UNIT))
        with desk.store() as store:
            store.create_filing(earlier)
            store.create_filing(draft)
            settings.REFERENCE.set(
                store, {"white_list": [{"uscc": "", "name": firm["name"]}], "key_supervision": []}
            )
        store = Store.open(desk.data_dir)
        window = MainWindow(store, data_dir=desk.data_dir)
        qtbot.addWidget(window)
        window.resize(1366, 768)
        window.show()
        qtbot.waitUntil(lambda: window.sync is not None, timeout=5000)
        try:
            window.show_filing(draft["id"])
            shown: list[str] = []

            def read_and_cancel(dialog: QDialog):
                if dialog.objectName() != "confirmSubmit":
                    return None
                label = dialog.findChild(QLabel, "submitReminders")
                shown.append(label.text() if label and label.isVisible() else "")
                dialog.grab().save(str(tmp_path / "confirm.png"))
                return dialog.cancel_button

            timer = click_in_next_dialog(read_and_cancel)
            assert window.submit() is False  # cancelled: nothing queued
            timer.stop()
            assert len(shown) == 1
            text = shown[0]
            assert "白名单" in text
            assert "本单位本年度已检查该企业" in text or "重复检查" in text
            their_day = theirs["inspection_start"][:10]
            assert f"{OTHER_UNIT}已备案于 {their_day}" in text
            assert "联系联合检查" in text
            assert theirs["leader"]["phone"] not in text
            assert store.get(draft["id"]).status != "queued"
        finally:
            window.close()
            store.close()
            QApplication.processEvents()


def test_the_plan_ref_field_offers_the_kept_plan_s_items(qtbot, tmp_path) -> None:
    from desktop import plan_sheet
    from forms.record import now

    desk = Desk(tmp_path / "desk")
    desk.data_dir.mkdir(parents=True)
    draft = valid_filing(DEFAULT_UNIT, days_ahead=10)
    with desk.store() as store:
        store.create_filing(draft)
        plan_sheet.keep(
            store,
            plan_sheet.PlanSheet(
                now().year, [{"ref": "XT-SJ-07", "matter": "特种设备使用单位抽查"}]
            ),
        )
    store = Store.open(desk.data_dir)
    window = MainWindow(store, data_dir=desk.data_dir)
    qtbot.addWidget(window)
    window.show()
    try:
        window.show_filing(draft["id"])
        edit = next(
            w
            for w in window.editor.findChildren(QLineEdit)
            if w.accessibleName() == "“双随机”抽查计划" and w.isVisible()
        )
        completer = edit.completer()
        assert completer is not None
        model = completer.model()
        texts = [model.index(i, 0).data() for i in range(model.rowCount())]
        assert texts == ["XT-SJ-07　特种设备使用单位抽查"]
        edit.setText("临时专项")  # free text stays possible
        assert edit.text() == "临时专项"
    finally:
        window.close()
        store.close()


def test_a_sent_filing_shows_the_office_s_hints_under_its_banner(qtbot, tmp_path) -> None:
    from desktop.sync.changes import keep_notices

    desk = Desk(tmp_path / "desk")
    desk.data_dir.mkdir(parents=True)
    sent = valid_filing(DEFAULT_UNIT, days_ahead=10)
    with desk.store() as store:
        store.queue(sent["id"], sent)
        store.mark_sent(
            sent["id"],
            1,
            {
                "id": sent["id"],
                "revision": 1,
                "receipt": "潭优备〔2026〕000123号",
                "status": "filed",
                "warnings": [
                    {
                        "field": "enterprise",
                        "code": "white_list",
                        "severity": "warning",
                        "message": "该企业列入白名单，应减少检查频次、无事不扰。",
                    }
                ],
            },
        )
        keep_notices(
            store,
            [
                (
                    sent["id"],
                    {
                        "seq": 9,
                        "code": "joint_inspection_suggested",
                        "other_unit": OTHER_UNIT,
                        "other_date": "2026-12-20",
                        "message": f"{OTHER_UNIT}已备案于 2026-12-20 检查同一企业。",
                        "at": "",
                    },
                )
            ],
        )
    store = Store.open(desk.data_dir)
    window = MainWindow(store, data_dir=desk.data_dir)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    try:
        window.show_filing(sent["id"])
        text = window.header.message.text()
        assert "回执号" in text and "优化营商环境部门提示" in text
        assert "白名单" in text and f"{OTHER_UNIT}已备案于 2026-12-20" in text
        assert window.header.banner.isVisible()
        # …and the list marks the row (提示): an icon and the hints in its tooltip.
        from PySide6.QtCore import Qt

        from desktop.ui.filings_model import COLUMN_IDS

        index = window.model.index(window.model.row_of(sent["id"]), COLUMN_IDS.index("status"))
        assert index.data(Qt.ItemDataRole.DecorationRole) is not None
        assert "白名单" in index.data(Qt.ItemDataRole.ToolTipRole)
        window.header.grab().save(str(tmp_path / "header.png"))
    finally:
        window.close()
        store.close()
