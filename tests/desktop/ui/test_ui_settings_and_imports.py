"""Settings saved to the store, and importing a roster with bad rows through the dialog."""

from __future__ import annotations

import json
import shutil

import pytest
from PySide6.QtWidgets import QFormLayout, QLabel

from desktop.store import Store, UnitProfile
from desktop.store.settings_registry import CA_FILE, OFFICE_URL
from desktop.ui.connection_dialog import ConnectionDialog
from desktop.ui.import_dialog import ImportDialog
from desktop.ui.settings_dialog import SettingsDialog, check_cert_rules
from forms.certificates import default_cert_rules
from forms.roster import Officer
from tests.support.ui_helpers import DATA, button_text, click_in_next_dialog


@pytest.fixture
def store(tmp_path):
    s = Store.open(tmp_path / "data")
    yield s
    s.close()


@pytest.fixture
def settings(qtbot, store):
    dialog = SettingsDialog(store)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_settings_are_saved_and_shown_again(qtbot, store, settings):
    settings.unit_name.setText("湘潭市市场监督管理局")
    settings.joint_units.setPlainText("湘潭市应急管理局\n\n 湘潭市生态环境局 \n")
    settings.leader["name"].setText("熊平华")
    settings.leader["cert_no"].setText("43031119004")
    assert settings.save()
    assert store.profile() == UnitProfile(
        unit_name="湘潭市市场监督管理局",
        joint_units=["湘潭市应急管理局", "湘潭市生态环境局"],
        default_leader={"name": "熊平华", "cert_no": "43031119004"},
    )

    again = SettingsDialog(store)
    qtbot.addWidget(again)
    assert again.unit_name.text() == "湘潭市市场监督管理局"
    assert again.joint_units.toPlainText() == "湘潭市应急管理局\n湘潭市生态环境局"
    assert again.leader["name"].text() == "熊平华"


def test_the_office_address_is_shown_and_changed_only_with_the_token(qtbot, store, settings):
    # Saving settings never writes the address: only the connection dialog does, together
    # with the token (see test_ui_sync.py for the whole way through a real office).
    assert settings.office_url.isReadOnly() and settings.ca_file.isReadOnly()
    OFFICE_URL.set(store, "http://10.1.2.3:8080")
    settings.load()
    assert settings.office_url.text() == "http://10.1.2.3:8080"
    assert "未加密" in settings.url_note.text()
    settings.unit_name.setText("湘潭市应急管理局")
    assert settings.save()
    assert OFFICE_URL.get(store) == "http://10.1.2.3:8080"
    assert CA_FILE.get(store) is None

    settings.tabs.setCurrentIndex(1)
    settings.findChild(type(settings.save_button), "openConnection").click()
    dialog = settings.connection_dialog
    assert isinstance(dialog, ConnectionDialog) and dialog.isVisible()
    assert dialog.office_url.text() == "http://10.1.2.3:8080"
    assert dialog.token.echoMode() == dialog.token.EchoMode.Password
    assert dialog.token.text() == ""
    dialog.office_url.setText("https://beian.example.gov.cn")
    assert "未加密" not in dialog.url_note.text() and "已加密" in dialog.url_note.text()
    dialog.close()


@pytest.mark.parametrize(
    "url", ["ftp://beian.example.gov.cn", "beian.example.gov.cn", "https://user:pw@host", "http://"]
)
def test_a_bad_office_address_is_not_saved(qtbot, store, url):
    dialog = ConnectionDialog(store, store.data_dir)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.office_url.setText(url)
    dialog.token.setText("tok_3f9a1c2b4d5e6f708192a3b4c5d6e7f8")
    assert not dialog.save_and_check()
    assert dialog.result_label.isVisibleTo(dialog) and "没有保存" in dialog.result_label.text()
    assert dialog.focusWidget() is dialog.office_url
    assert dialog.token.text()  # nothing typed is lost: the clerk fixes the address
    assert OFFICE_URL.get(store) is None


def test_certificate_rules_are_checked_before_saving(qtbot, store, settings):
    settings.rules_edit.setPlainText('{"rules": [{"kind": "x", "pattern": "[", ')
    assert not settings.save()
    assert "执法证规则" in settings.problem.text()
    settings.rules_edit.setPlainText(
        json.dumps({"rules": [{"kind": "x", "pattern": "[0-9", "min_length": 4, "max_length": 9}]})
    )
    assert not settings.save()
    assert "pattern" in settings.problem.text()
    assert "cert_rules" not in store.reference()


def test_edited_certificate_rules_reach_validation(qtbot, store, settings):
    rules = default_cert_rules().to_dict()
    rules["rules"].append(
        {
            "kind": "traffic",
            "label": "交通运输执法证",
            "pattern": "^JT[0-9]{8}$",
            "min_length": 10,
            "max_length": 10,
        }
    )
    settings.rules_edit.setPlainText(json.dumps(rules, ensure_ascii=False))
    settings.findChild(type(settings.save_button), "checkRules").click()
    assert "有效" in settings.rules_note.text()
    assert settings.save()
    context = store.validation_context()
    assert context["cert_rules"].rule_for("traffic") is not None
    assert check_cert_rules(json.dumps(rules))[0] == store.reference()["cert_rules"]


def test_settings_inputs_are_named_by_their_labels(settings):
    checked = 0
    for form in settings.findChildren(QFormLayout):
        for row in range(form.rowCount()):
            label = form.itemAt(row, QFormLayout.ItemRole.LabelRole)
            field = form.itemAt(row, QFormLayout.ItemRole.FieldRole)
            if label is None or field is None or not isinstance(label.widget(), QLabel):
                continue
            text = label.widget().text()
            widget = field.widget() or label.widget().buddy()
            if not text or widget is None:
                continue
            assert widget.accessibleName() == text, text
            checked += 1
    assert checked >= 9
    assert settings.rules_edit.accessibleName() == "执法证规则"


def test_enter_does_not_close_the_settings(qtbot, settings):
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    settings.unit_name.setFocus()
    QTest.keyClick(settings.unit_name, Qt.Key.Key_Return)
    assert settings.isVisible()


def test_roster_import_with_bad_rows(qtbot, store, tmp_path):
    store.replace_roster([Officer("旧名单", "43031100001")])
    source = tmp_path / "名单.csv"
    shutil.copy(DATA / "import_bad_roster_gb18030.csv", source)
    dialog = ImportDialog(store, "roster")
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.import_button.isEnabled()

    job = dialog.load(str(source))
    with qtbot.waitSignal(job.finished, timeout=10000):
        pass
    result = dialog.import_result
    assert len(result.officers) == 4 and len(result.rejected) == 7
    assert dialog.accepted_table.rowCount() == 4
    assert dialog.rejected_table.rowCount() == 7
    assert dialog.tabs.currentWidget() is dialog.rejected_table
    assert dialog.tabs.tabText(1) == "拒绝的行（7）"
    rows = [dialog.rejected_table.item(r, 0).text() for r in range(7)]
    reasons = [dialog.rejected_table.item(r, 1).text() for r in range(7)]
    assert rows[0] == "5" and reasons[0] == "缺少姓名"
    assert any("证号待补" in r for r in reasons)
    assert "拒绝 7 行" in dialog.summary.text()
    assert "GB18030" in dialog.summary.text()
    assert store.officers()[0].name == "旧名单"  # nothing written before the clerk applies

    timer = click_in_next_dialog(button_text("替换名单"))
    with qtbot.waitSignal(dialog.accepted, timeout=10000):
        dialog.import_button.click()
    timer.stop()
    names = sorted(o.name for o in store.officers())
    assert names == sorted(o.name for o in result.officers)
    assert "旧名单" not in names
    assert "已导入 4 名执法人员" in dialog.outcome
    assert "7 行" in dialog.outcome


def test_an_unreadable_file_says_so(qtbot, store, tmp_path):
    bad = tmp_path / "名单.xlsx"
    bad.write_bytes(b"this is not a workbook")
    dialog = ImportDialog(store, "roster")
    qtbot.addWidget(dialog)
    dialog.show()
    timer = click_in_next_dialog(button_text("知道了"))
    job = dialog.load(str(bad))
    with qtbot.waitSignal(job.failed, timeout=10000) as blocker:
        pass
    timer.stop()
    assert blocker.args[0] and "Traceback" not in blocker.args[0]
    assert dialog.summary.text() == blocker.args[0]
    assert not dialog.import_button.isEnabled()
    assert store.officers() == []


def test_enterprise_import_adds_to_the_directory(qtbot, store):
    dialog = ImportDialog(store, "enterprises")
    qtbot.addWidget(dialog)
    job = dialog.load(str(DATA / "import_sample_enterprises.csv"))
    with qtbot.waitSignal(job.finished, timeout=10000):
        pass
    count = len(dialog.import_result.enterprises)
    assert count > 50 and not dialog.import_result.rejected
    with qtbot.waitSignal(dialog.accepted, timeout=10000):
        dialog.import_button.click()
    assert dialog.applied == count
    assert store.find_enterprises("顺阳")[0].uscc == "91430304MA4YG57FJC"


def test_the_default_leader_completes_from_the_roster(qtbot, store):
    from datetime import date

    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from tests.support.ui_helpers import type_text

    store.replace_roster(
        [
            Officer("熊平华", "43031119004", "四级主任科员"),
            Officer("熊一", "43031100007", "科员", expires=date(2020, 1, 1)),
            Officer("易桐", "43031121002", "科员"),
        ]
    )
    dialog = SettingsDialog(store)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    name = dialog.leader["name"]
    dialog.leader["title"].setText("旧职务")
    dialog.leader["cert_no"].setText("11111111")
    name.setFocus()
    type_text(name, "熊")
    popup = dialog.leader_completer.popup()
    qtbot.waitUntil(popup.isVisible, timeout=3000)
    shown = [popup.model().index(r, 0).data() for r in range(popup.model().rowCount())]
    assert len(shown) == 2 and any("已过期" in s for s in shown)
    assert not any("已过期" in s for s in shown if s.startswith("熊平华"))
    row = next(r for r, s in enumerate(shown) if s.startswith("熊平华"))
    popup.setCurrentIndex(popup.model().index(row, 0))
    QTest.keyClick(popup, Qt.Key.Key_Return)
    assert name.text() == "熊平华"
    assert dialog.leader["title"].text() == "四级主任科员"
    assert dialog.leader["cert_no"].text() == "43031119004"
    # Typing a name that is not in the roster changes nothing else.
    name.clear()
    type_text(name, "张三")
    assert dialog.leader["cert_no"].text() == "43031119004"


def test_certificate_rules_have_a_form_and_a_live_test(qtbot, store, settings):
    from PySide6.QtTest import QTest

    settings.tabs.setCurrentIndex(2)
    table = settings.rules_table
    assert table.rowCount() == 1  # the default rule, shown as a shape, not a regex
    assert table.cellWidget(0, 2).currentData() == "groups"
    assert not settings.rules_edit.isVisible()
    QTest.keyClicks(settings.cert_test, "43031119004")
    assert "符合" in settings.cert_test_result.text()
    assert "行政执法证件（通用）" in settings.cert_test_result.text()

    settings.findChild(type(settings.save_button), "addRule").click()
    row = table.rowCount() - 1
    table.cellWidget(row, 0).setText("traffic")
    table.cellWidget(row, 1).setText("交通运输执法证")
    shape = table.cellWidget(row, 2)
    shape.setCurrentIndex(shape.findData("prefix_digits"))
    table.cellWidget(row, 3).setText("JT")
    table.cellWidget(row, 4).setValue(10)
    table.cellWidget(row, 5).setValue(10)
    settings.cert_test.setText("jt12345678")  # read as the desk reads it: JT12345678
    assert "交通运输执法证（traffic）" in settings.cert_test_result.text()
    settings.cert_test.setText("12")  # too short for either rule
    assert settings.cert_test_result.text() == "不符合任何一条规则。"

    # A half-made rule is said at once and never saved.
    table.cellWidget(row, 3).setText("J-T")
    assert "前缀" in settings.rules_note.text()
    assert not settings.save()
    assert "前缀" in settings.problem.text()
    table.cellWidget(row, 3).setText("JT")
    assert settings.save()
    stored = store.reference()["cert_rules"]["rules"]
    assert stored[-1] == {
        "kind": "traffic",
        "label": "交通运输执法证",
        "pattern": "^JT[0-9]+$",
        "min_length": 10,
        "max_length": 10,
    }
    assert store.validation_context()["cert_rules"].accepts("JT12345678", "traffic")


def test_rules_edited_as_json_show_in_the_form(qtbot, store, settings):
    rules = {
        "version": 3,
        "rules": [
            {
                "kind": "x",
                "label": "某证",
                "pattern": "^A[0-9]{3}$",
                "min_length": 4,
                "max_length": 4,
            }
        ],
    }
    settings.show_json.setChecked(True)
    settings.rules_edit.setPlainText(json.dumps(rules, ensure_ascii=False))
    table = settings.rules_table
    assert table.rowCount() == 1 and table.cellWidget(0, 2).currentData() == "custom"
    assert table.cellWidget(0, 3).text() == "^A[0-9]{3}$"
    settings.cert_test.setText("A123")
    assert "某证（x）" in settings.cert_test_result.text()
    assert settings.save()
    assert store.reference()["cert_rules"] == rules
