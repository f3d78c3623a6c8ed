"""Autocompletion in the editor from a real store: the roster, the enterprise directory,
the unit profile. Filling follows a choice and never overwrites what the clerk typed."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QLineEdit, QWidget

from desktop.store import Enterprise, Store, UnitProfile
from desktop.ui.editor import CompletionSource, FilingEditor
from forms.definition import load_definition
from forms.record import new_filing
from forms.roster import Officer
from tests.support.ui_helpers import by_name, show_active

DATA = Path(__file__).resolve().parents[2] / "data"
AT = datetime.fromisoformat("2026-11-27T10:00:00+08:00")

# Fictional officers and enterprises, in the shapes units keep them.
SAMR, YJJ, STHJ = "湘潭市市场监督管理局", "湘潭市应急管理局", "湘潭市生态环境局"
LATER = date(2027, 10, 31)
OFFICERS = [
    Officer("康洋明", "43031119001", "科长", SAMR, "", date(2026, 6, 30)),
    Officer("易桐", "43031121002", "执法大队副大队长", YJJ, "", LATER),
    Officer("侯燕娟", "43031142003", "四级主任科员", STHJ, "", LATER),
    Officer("熊平华", "43031119004", "四级主任科员", SAMR, "", LATER),
    Officer("王芳", "43031119005", "科员", SAMR, "", None),
    Officer("王芳", "43031119006", "副科长", SAMR, "", None),
]
ENTERPRISES = [
    Enterprise("湘潭顺阳新材料科技股份有限公司", "91430304MA4YG57FJC", "湘潭市岳塘区科技路45号"),
    Enterprise(
        "湘潭顺泰食品有限公司", "91430321MA4K3RYKH3", "湘潭县双马街道56号", "湘潭天易经济开发区"
    ),
    Enterprise("湘潭湘城食品有限公司", "91430321MA4HNA038X", "湘潭县工业园108号"),
]


@pytest.fixture
def store(tmp_path):
    store = Store.open(tmp_path / "data", daily_backup=False)
    store.replace_roster(OFFICERS)
    store.upsert_enterprises(ENTERPRISES)
    store.save_profile(
        UnitProfile(
            unit_name="湘潭市市场监督管理局",
            joint_units=["湘潭市应急管理局"],
            default_leader={
                "name": "熊平华",
                "title": "四级主任科员",
                "phone": "0731-58812345",
                "cert_no": "43031119004",
            },
        )
    )
    yield store
    store.close()


@pytest.fixture
def editor(qtbot, store):
    editor = FilingEditor(load_definition(), CompletionSource(store))
    qtbot.addWidget(editor)
    editor.set_context({**store.validation_context(), "at": AT})
    editor.set_filing(new_filing())
    show_active(qtbot, editor)
    return editor


def type_text(qtbot, widget: QWidget, text: str) -> None:
    """ASCII from the keyboard; Chinese committed by the input method, as a clerk types."""
    widget.setFocus(Qt.FocusReason.MouseFocusReason)
    qtbot.waitUntil(widget.hasFocus)
    if text.isascii():
        qtbot.keyClicks(widget, text)
    else:
        event = QInputMethodEvent()
        event.setCommitString(text)
        QApplication.sendEvent(widget, event)


def leave(qtbot, widget: QWidget) -> None:
    """Tab away. With the completion list open, the keys go to the list, as on a real PC."""
    completer = widget.completer() if isinstance(widget, QLineEdit) else None
    popup = completer.popup() if completer is not None else None
    qtbot.keyClick(popup if popup is not None and popup.isVisible() else widget, Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: not widget.hasFocus())


def pick_from_popup(qtbot, edit: QLineEdit, row_text: str) -> None:
    """Choose an entry of the completion list by keyboard, as the clerk would."""
    popup = edit.completer().popup()
    qtbot.waitUntil(popup.isVisible)
    model = popup.model()
    rows = [model.index(i, 0).data() for i in range(model.rowCount())]
    target = next(i for i, text in enumerate(rows) if row_text in text)
    for _ in range(target + 1):
        qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not popup.isVisible())


# --- CompletionSource itself ----------------------------------------------------------------


def test_completion_source_reads_the_store(store):
    source = CompletionSource(store)
    assert source.unit_names()[:2] == ["湘潭市市场监督管理局", "湘潭市应急管理局"]
    assert "湘潭市生态环境局" in source.unit_names()  # from the roster
    assert [o.cert_no for o in source.officers_named("易 桐")] == ["43031121002"]
    assert len(source.officers_named("王芳")) == 2
    assert source.officer_by_cert("４３０３１１１９００１").name == "康洋明"
    assert source.enterprise_named("湘潭顺泰食品有限公司").uscc == "91430321MA4K3RYKH3"
    assert source.enterprise_with_uscc("91430321ma4k3rykh3").name == "湘潭顺泰食品有限公司"
    assert source.default_leader()["phone"] == "0731-58812345"


def test_a_failing_store_offers_nothing_instead_of_failing(store):
    store.close()
    source = CompletionSource(store)
    assert source.officers() == []
    assert source.find_enterprises("顺") == []
    assert source.profile() is None


# --- the roster -----------------------------------------------------------------------------


def test_typing_a_known_name_fills_the_certificate_and_title(qtbot, editor):
    name = by_name(editor, "姓名")
    type_text(qtbot, name, "熊平华")
    leave(qtbot, name)
    assert by_name(editor, "执法证号").text() == "43031119004"
    assert by_name(editor, "职务").text() == "四级主任科员"
    assert by_name(editor, "联系电话").text() == "0731-58812345"  # the profile's leader


def test_typing_a_certificate_number_fills_the_name(qtbot, editor):
    cert = by_name(editor, "其他检查人员 第1行 执法证号")
    type_text(qtbot, cert, "43031121002")
    leave(qtbot, cert)
    assert by_name(editor, "其他检查人员 第1行 姓名").text() == "易桐"
    assert editor.filing()["inspectors"] == [{"name": "易桐", "cert_no": "43031121002"}]


def test_picking_a_name_from_the_list_fills_the_row(qtbot, editor):
    name = by_name(editor, "其他检查人员 第1行 姓名")
    type_text(qtbot, name, "王")
    edit_popup = name.completer().popup()
    qtbot.waitUntil(edit_popup.isVisible)
    pick_from_popup(qtbot, name, "43031119006")  # two officers named 王芳: pick the second
    assert name.text() == "王芳"
    assert by_name(editor, "其他检查人员 第1行 执法证号").text() == "43031119006"


def test_typing_another_officers_name_replaces_the_number_and_can_be_undone(qtbot, editor):
    cert = by_name(editor, "其他检查人员 第1行 执法证号")
    type_text(qtbot, cert, "43031121002")  # 易桐's number …
    name = by_name(editor, "其他检查人员 第1行 姓名")
    name.setFocus()
    qtbot.waitUntil(name.hasFocus)
    name.clear()
    type_text(qtbot, name, "侯燕娟")  # … but the clerk means 侯燕娟: that is a choice
    leave(qtbot, name)
    assert cert.text() == "43031142003"
    notice = editor.choice_notice
    assert (
        notice.isVisible() and "侯燕娟" in notice.text.text() and "执法证号" in notice.text.text()
    )
    # Ctrl+Z in a field the choice filled undoes the whole choice.
    cert.setFocus()
    qtbot.waitUntil(cert.hasFocus)
    qtbot.keyClick(cert, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert cert.text() == "43031121002" and name.text() == "易桐"
    assert not notice.isVisible()


def test_a_name_that_only_fills_empty_fields_is_not_announced(qtbot, editor):
    name = by_name(editor, "其他检查人员 第1行 姓名")
    name.setFocus()
    qtbot.waitUntil(name.hasFocus)
    type_text(qtbot, name, "侯燕娟")
    leave(qtbot, name)
    assert by_name(editor, "其他检查人员 第1行 执法证号").text() == "43031142003"
    assert not editor.choice_notice.isVisible()  # nothing was replaced


def test_a_number_of_another_officer_offers_the_named_officers_number(qtbot, editor):
    filing = json.loads((DATA / "good_prior.json").read_text("utf-8"))
    filing["inspectors"] = [{"name": "侯燕娟", "cert_no": "43031121002"}]  # 易桐's number
    editor.set_filing(filing)
    report = editor.validate_now()
    assert [p.code for p in report.for_field("inspectors[0].cert_no")] == ["cert_other_officer"]
    cert = by_name(editor, "其他检查人员 第1行 执法证号")
    fix = cert.parentWidget().fix_button
    assert fix.isVisibleTo(editor) and "43031142003" in fix.text() and "侯燕娟" in fix.text()
    fix.click()
    assert cert.text() == "43031142003"
    assert not editor.validate_now().for_field("inspectors[0].cert_no")
    assert not fix.isVisibleTo(editor)


def test_a_wrong_check_character_offers_the_directory_code(qtbot, editor):
    filing = json.loads((DATA / "good_prior.json").read_text("utf-8"))
    filing["enterprise"] = {"name": "湘潭顺泰食品有限公司", "uscc": "91430321MA4K3RYKH4"}
    editor.set_filing(filing)
    report = editor.validate_now()
    assert [p.code for p in report.for_field("enterprise.uscc")] == ["uscc_check"]
    uscc = by_name(editor, "统一社会信用代码")
    fix = uscc.parentWidget().fix_button
    assert fix.isVisibleTo(editor) and "91430321MA4K3RYKH3" in fix.text()
    fix.click()
    assert uscc.text() == "91430321MA4K3RYKH3"
    assert not editor.validate_now().for_field("enterprise.uscc")


def test_no_fix_is_offered_without_a_known_right_value(qtbot, editor):
    filing = json.loads((DATA / "good_prior.json").read_text("utf-8"))
    filing["enterprise"] = {"name": "名录里没有的企业", "uscc": "91430321MA4K3RYKH4"}
    filing["inspectors"] = [{"name": "王芳", "cert_no": "43031121002"}]  # two 王芳
    editor.set_filing(filing)
    editor.validate_now()
    for label in ("统一社会信用代码", "其他检查人员 第1行 执法证号"):
        assert not by_name(editor, label).parentWidget().fix_button.isVisibleTo(editor)


def test_expired_officers_are_marked_in_the_completion_list(qtbot, editor):
    name = by_name(editor, "其他检查人员 第1行 姓名")
    type_text(qtbot, name, "康")
    popup = name.completer().popup()
    qtbot.waitUntil(popup.isVisible)
    rows = [popup.model().index(i, 0).data() for i in range(popup.model().rowCount())]
    assert rows == ["康洋明　43031119001　科长（执法证已过期）"]
    name.clear()
    type_text(qtbot, name, "熊")
    qtbot.waitUntil(popup.isVisible)
    rows = [popup.model().index(i, 0).data() for i in range(popup.model().rowCount())]
    assert rows and not any("过期" in r for r in rows)


# --- a choice replaces the previous record's data (新建类似, autofill, typing) --------------


def copied_filing() -> dict:
    """What 新建类似 gives: the previous filing's enterprise and officers."""
    filing = json.loads((DATA / "good_prior.json").read_text("utf-8"))
    filing["enterprise"] = {
        "name": "湘潭顺泰食品有限公司",
        "uscc": "91430321MA4K3RYKH3",
        "address": "湘潭县双马街道56号",
        "park": "湘潭天易经济开发区",
    }
    return filing


def test_choosing_another_enterprise_replaces_the_copied_one(qtbot, editor):
    editor.set_filing(copied_filing())
    name = by_name(editor, "企业名称")
    name.setFocus()
    qtbot.waitUntil(name.hasFocus)
    name.selectAll()
    type_text(qtbot, name, "湘城")
    pick_from_popup(qtbot, name, "湘潭湘城食品有限公司")
    assert editor.filing()["enterprise"] == {
        "name": "湘潭湘城食品有限公司",
        "uscc": "91430321MA4HNA038X",
        "address": "湘潭县工业园108号",
        "park": "",  # the new one is in no park: the old park must not stay
    }
    assert editor.choice_notice.isVisible()
    editor.choice_notice.undo_button.click()
    assert editor.filing()["enterprise"] == copied_filing()["enterprise"]


def test_choosing_another_leader_replaces_title_number_and_phone(qtbot, editor, store):
    # 易桐 led an earlier filing: the phone used there is remembered.
    earlier = json.loads((DATA / "good_prior.json").read_text("utf-8"))
    earlier.update(id="0b7f1d2e-3c4a-4b5c-8d6e-7f8091a2b3c4")
    earlier["leader"] = {
        "name": "易桐",
        "title": "执法大队副大队长",
        "phone": "13907325678",
        "cert_no": "43031121002",
    }
    store.create_filing(earlier)
    editor.set_filing(copied_filing())  # led by 熊平华, phone 13807321234
    name = by_name(editor, "姓名")
    name.setFocus()
    qtbot.waitUntil(name.hasFocus)
    name.selectAll()
    type_text(qtbot, name, "易")
    pick_from_popup(qtbot, name, "易桐")
    assert editor.filing()["leader"] == earlier["leader"]
    # An officer with no known phone: the previous leader's phone is not kept.
    name.setFocus()
    qtbot.waitUntil(name.hasFocus)
    name.selectAll()
    type_text(qtbot, name, "侯燕娟")
    leave(qtbot, name)
    assert editor.filing()["leader"] == {
        "name": "侯燕娟",
        "title": "四级主任科员",
        "phone": "",
        "cert_no": "43031142003",
    }
    title = by_name(editor, "职务")
    title.setFocus()
    qtbot.waitUntil(title.hasFocus)
    qtbot.keyClick(title, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert editor.filing()["leader"] == earlier["leader"]


def test_a_name_that_matches_no_record_changes_nothing_else(qtbot, editor):
    editor.set_filing(copied_filing())
    before = editor.filing()
    for label, text in (("企业名称", "一家新开的企业"), ("姓名", "名册外的人")):
        field = by_name(editor, label)
        field.setFocus()
        qtbot.waitUntil(field.hasFocus)
        field.selectAll()
        type_text(qtbot, field, text)
        leave(qtbot, field)
    after = editor.filing()
    assert after["enterprise"] == {**before["enterprise"], "name": "一家新开的企业"}
    assert after["leader"] == {**before["leader"], "name": "名册外的人"}
    assert not editor.choice_notice.isVisible()


def test_passing_through_a_copied_name_changes_nothing(qtbot, editor):
    filing = copied_filing()
    filing["leader"]["title"] = "副局长"  # not the roster's title, but the clerk's to keep
    editor.set_filing(filing)
    name = by_name(editor, "姓名")
    name.setFocus()
    qtbot.waitUntil(name.hasFocus)
    leave(qtbot, name)
    assert editor.filing()["leader"]["title"] == "副局长"
    assert not editor.choice_notice.isVisible()


def test_a_filled_value_follows_a_changed_choice(qtbot, editor):
    name = by_name(editor, "其他检查人员 第1行 姓名")
    cert = by_name(editor, "其他检查人员 第1行 执法证号")
    type_text(qtbot, name, "易桐")
    leave(qtbot, name)
    assert cert.text() == "43031121002"
    name.setFocus()
    qtbot.waitUntil(name.hasFocus)
    name.clear()
    type_text(qtbot, name, "侯燕娟")
    leave(qtbot, name)
    assert cert.text() == "43031142003"  # the number was ours to change


def test_an_expired_certificate_is_pointed_out(qtbot, editor):
    cert = by_name(editor, "其他检查人员 第1行 执法证号")
    type_text(qtbot, cert, "43031119001")  # 康洋明, expired on 2026-06-30
    leave(qtbot, cert)
    report = editor.validate_now()
    assert [p.code for p in report.for_field("inspectors[0].cert_no")] == ["cert_expired"]


# --- the enterprise directory ---------------------------------------------------------------


def test_picking_an_enterprise_fills_its_credit_code_address_and_park(qtbot, editor):
    name = by_name(editor, "企业名称")
    type_text(qtbot, name, "顺泰")
    pick_from_popup(qtbot, name, "湘潭顺泰食品有限公司")
    assert name.text() == "湘潭顺泰食品有限公司"
    assert by_name(editor, "统一社会信用代码").text() == "91430321MA4K3RYKH3"
    assert by_name(editor, "地址").text() == "湘潭县双马街道56号"
    assert by_name(editor, "所在园区").text() == "湘潭天易经济开发区"
    assert editor.filing()["enterprise"]["uscc"] == "91430321MA4K3RYKH3"


def test_typing_an_exact_name_or_code_fills_the_other(qtbot, editor):
    name = by_name(editor, "企业名称")
    type_text(qtbot, name, "湘潭湘城食品有限公司")
    leave(qtbot, name)
    assert by_name(editor, "统一社会信用代码").text() == "91430321MA4HNA038X"
    editor.set_filing(new_filing())
    uscc = by_name(editor, "统一社会信用代码")
    type_text(qtbot, uscc, "91430304MA4YG57FJC")
    leave(qtbot, uscc)
    assert by_name(editor, "企业名称").text() == "湘潭顺阳新材料科技股份有限公司"


# --- the unit profile -----------------------------------------------------------------------


def test_unit_names_are_offered_and_the_profile_fills_blanks(qtbot, editor):
    lead = by_name(editor, "单位（牵头单位）")
    type_text(qtbot, lead, "湘潭市市")
    pick_from_popup(qtbot, lead, "湘潭市市场监督管理局")
    assert lead.text() == "湘潭市市场监督管理局"

    editor.set_filing(new_filing())
    changes = []
    editor.changed.connect(lambda: changes.append(1))
    assert editor.profile_button.isVisible()
    editor.profile_button.click()
    filing = editor.filing()
    assert filing["lead_unit"] == "湘潭市市场监督管理局"
    assert filing["joint_units"] == ["湘潭市应急管理局"]
    assert filing["leader"] == {
        "name": "熊平华",
        "title": "四级主任科员",
        "phone": "0731-58812345",
        "cert_no": "43031119004",
    }
    assert changes
    assert not editor.profile_button.isVisible()


def test_no_completion_in_read_only_mode(qtbot, editor):
    filing = json.loads((DATA / "good_prior.json").read_text("utf-8"))
    filing["inspectors"][0]["cert_no"] = ""
    editor.set_filing(filing, read_only=True)
    assert not editor.profile_button.isVisible()
    name = by_name(editor, "其他检查人员 第1行 姓名")
    name.setFocus()
    leave(qtbot, name)
    assert by_name(editor, "其他检查人员 第1行 执法证号").text() == ""
