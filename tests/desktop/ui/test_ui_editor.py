"""The filing editor with real widgets: built from the definition, checked as the clerk
types, keyboard-only, read-only mode."""

from __future__ import annotations

import copy
import json
import re
from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QDateTimeEdit,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from desktop.post_hoc import default_start
from desktop.ui.editor import FilingEditor
from forms.definition import load_definition
from forms.record import format_timestamp, new_filing
from tests.support.ui_helpers import by_name, show_active

DATA = Path(__file__).resolve().parents[2] / "data"
AT = datetime.fromisoformat("2026-11-27T10:00:00+08:00")
INPUTS = (QLineEdit, QPlainTextEdit, QDateTimeEdit, QComboBox)


def inputs(editor: QWidget) -> list[QWidget]:
    """The clerk's inputs (not the text box inside a date-time box)."""
    return [
        w
        for w in editor.findChildren(QWidget)
        if isinstance(w, INPUTS) and not isinstance(w.parentWidget(), QAbstractSpinBox)
    ]


def good() -> dict:
    return json.loads((DATA / "good_prior.json").read_text("utf-8"))


def post_hoc() -> dict:
    """A post-hoc filing: inspected on Friday 2026-11-20 after a complaint, filed a week on."""
    filing = good()
    filing.update(
        kind="post_hoc",
        inspection_start="2026-11-20T09:00:00+08:00",
        inspection_end="2026-11-20T12:00:00+08:00",
        post_hoc_reason="complaint",
        post_hoc_explanation="接群众投诉，现场核查。",
    )
    return filing


@pytest.fixture
def definition():
    return load_definition()


@pytest.fixture
def editor(qtbot, definition):
    editor = FilingEditor(definition)
    qtbot.addWidget(editor)
    editor.set_context({"at": AT})
    show_active(qtbot, editor)
    return editor


def message_under(widget: QWidget) -> str:
    """The message line shown under an input ('' when hidden)."""
    field = widget.parentWidget()
    line = field.message
    return line.text() if line.isVisible() else ""


def type_text(qtbot, widget: QWidget, text: str) -> None:
    """Type as a clerk does: ASCII from the keyboard, Chinese and full-width characters
    committed by the input method."""
    for run in re.findall(r"[\x20-\x7e]+|[^\x20-\x7e]+", text):
        if run.isascii():
            qtbot.keyClicks(widget, run)
        elif widget.testAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled):
            event = QInputMethodEvent()
            event.setCommitString(run)
            QApplication.sendEvent(widget, event)


def type_into(qtbot, widget: QWidget, text: str) -> None:
    """Click into a field, select what is there, type over it."""
    widget.setFocus(Qt.FocusReason.MouseFocusReason)
    qtbot.waitUntil(widget.hasFocus)
    if isinstance(widget, QLineEdit | QPlainTextEdit):
        widget.selectAll()
    type_text(qtbot, widget, text)


def leave(qtbot, widget: QWidget) -> None:
    qtbot.keyClick(widget, Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: not widget.hasFocus())


def test_phone_message_after_leaving_and_cleared_when_fixed(qtbot, editor):
    phone = by_name(editor, "联系电话")
    type_into(qtbot, phone, "12345")
    assert message_under(phone) == ""  # nothing while typing
    leave(qtbot, phone)
    qtbot.waitUntil(lambda: "不是有效的手机号" in message_under(phone))
    assert message_under(phone).startswith("错误：")
    type_into(qtbot, phone, "13807321234")
    qtbot.waitUntil(lambda: message_under(phone) == "")


# --- built from the definition ------------------------------------------------------------


def test_every_field_of_the_definition_has_an_input_named_by_its_label(editor, definition):
    editor.set_filing(post_hoc())
    names = [w.accessibleName() for w in inputs(editor)]
    for f in definition.walk():
        if f.meta or f.is_group or f.is_repeat:
            continue
        if f.path.startswith("inspectors[]."):
            assert f"{definition.label('inspectors')} 第1行 {f.label}" in names
        elif f.type == "text_list":
            assert f"{f.label} 第1项" in names  # good_prior.json has one joint unit
        else:
            assert names.count(f.label) == 1, f.label
    # No input without a name, and nothing invented: every name contains a definition label.
    labels = {f.label for f in definition.walk()}
    for name in names:
        assert name and any(label in name for label in labels), name


def test_labels_limits_and_choices_come_from_the_definition(editor, definition):
    lead = by_name(editor, "单位（牵头单位）")
    assert lead.placeholderText() == definition.field("lead_unit").placeholder
    kind = by_name(editor, "备案类型")
    assert [kind.itemText(i) for i in range(kind.count())] == list(definition.kinds.values())
    editor.set_filing(post_hoc())
    reason = by_name(editor, "先行检查情形")
    texts = [reason.itemText(i) for i in range(reason.count()) if reason.itemData(i)]
    assert texts == list(definition.post_hoc_reasons.values())
    assert definition.exempt_notice in [w.text() for w in editor.findChildren(type(editor.banner))]


def test_tab_goes_through_the_form_in_paper_order(qtbot, editor, definition):
    editor.set_filing(post_hoc())
    # The order the paper prints its placeholders in; the kind (not printed) comes first.
    expected = [definition.label("kind")]
    for section in definition.paper["rows"]:
        for row in section["rows"]:
            for cell in row["cells"]:
                for path in re.findall(r"\{([^}]+)\}", cell.get("text", "")):
                    f = definition.field(path)
                    if f.is_repeat or path.startswith("inspectors"):
                        label = f"{definition.label('inspectors')} 第1行 {f.label}"
                    elif f.type == "text_list":
                        label = f"{f.label} 第1项"
                    else:
                        label = f.label
                    if label not in expected:
                        expected.append(label)
    kind = by_name(editor, definition.label("kind"))
    kind.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(kind.hasFocus)
    seen = [kind.accessibleName()]
    for _ in range(60):
        focused = QApplication.focusWidget()
        qtbot.keyClick(focused, Qt.Key.Key_Tab)
        now = QApplication.focusWidget()
        if now is kind or now is None:
            break
        if isinstance(now, INPUTS) and now.accessibleName() not in seen:
            seen.append(now.accessibleName())
        if len(seen) == len(expected):
            break
    assert seen == expected


def test_enter_submits_nothing_and_no_button_is_a_default(qtbot, editor):
    changes = []
    editor.changed.connect(lambda: changes.append(1))
    lead = by_name(editor, "单位（牵头单位）")
    lead.setFocus()
    qtbot.keyClick(lead, Qt.Key.Key_Return)
    assert changes == []
    for button in editor.findChildren(QAbstractButton):
        assert not getattr(button, "autoDefault", lambda: False)()
        assert not getattr(button, "isDefault", lambda: False)()


# --- checking as the clerk goes -----------------------------------------------------------


def test_messages_wait_for_leaving_and_fixing_clears_them_while_typing(qtbot, editor):
    uscc = by_name(editor, "统一社会信用代码")
    type_into(qtbot, uscc, "91430304MA4YG57FJ")  # one character short
    leave(qtbot, uscc)
    qtbot.waitUntil(lambda: "应为 18 位" in message_under(uscc))
    uscc.setFocus()
    qtbot.waitUntil(uscc.hasFocus)
    uscc.end(False)
    qtbot.keyClicks(uscc, "C")
    qtbot.waitUntil(lambda: message_under(uscc) == "")  # cleared before leaving
    qtbot.keyClick(uscc, Qt.Key.Key_Backspace)
    qtbot.keyClicks(uscc, "X")  # a wrong check digit: told only after leaving
    with qtbot.waitSignal(editor.problemsChanged):
        pass
    assert message_under(uscc) == ""
    leave(qtbot, uscc)
    qtbot.waitUntil(lambda: "校验位不正确" in message_under(uscc))


def test_warnings_read_differently_from_errors(qtbot, editor):
    filing = good()
    filing["enterprise"]["uscc"] = ""
    filing["leader"]["phone"] = "12345"
    editor.set_filing(filing)
    report = editor.validate_now()
    assert {p.code for p in report.warnings} == {"uscc_missing"}
    uscc = by_name(editor, "统一社会信用代码")
    phone = by_name(editor, "联系电话")
    assert message_under(uscc).startswith("提醒：")
    assert message_under(phone).startswith("错误：")
    assert uscc.parentWidget().message.styleSheet() != phone.parentWidget().message.styleSheet()
    items = [editor.summary.list.item(i).text() for i in range(editor.summary.list.count())]
    assert items[0].startswith("错误：带队人员 · 联系电话")
    assert items[1].startswith("提醒：检查对象 · 统一社会信用代码")
    assert "1 个错误、1 个提醒" in editor.summary.heading.text()


def test_validate_now_shows_every_problem_and_the_summary_jumps(qtbot, editor, definition):
    editor.set_filing(new_filing())
    assert editor.summary.problems == [] and "暂未发现问题" in editor.summary.list.item(0).text()
    report = editor.validate_now()
    assert report.has_errors
    lead = by_name(editor, "单位（牵头单位）")
    assert message_under(lead) == "错误：请填写“单位（牵头单位）”。"
    assert editor.summary.isVisible() and editor.summary.problems
    paths = [editor.summary.problems[i].field for i in range(len(editor.summary.problems))]
    assert "enterprise.name" in paths and "inspectors[0]" in paths
    row = paths.index("enterprise.name")
    editor.summary.list.setCurrentRow(row)
    qtbot.keyClick(editor.summary.list, Qt.Key.Key_Return)
    assert QApplication.focusWidget() is by_name(editor, "企业名称")


def test_a_clean_full_check_drops_the_hint_to_check(qtbot, editor):
    editor.set_filing(good())
    assert "保存并检查" in editor.summary.heading.text()
    report = editor.validate_now()
    assert not report.problems
    assert "暂未发现问题" in editor.summary.list.item(0).text()
    assert "保存并检查" not in editor.summary.heading.text()
    assert editor.summary.heading.text() == "已检查全部填写项。"
    editor.set_filing(good())  # another load: the hint is back
    assert "保存并检查" in editor.summary.heading.text()


def test_focus_field_reaches_rows_and_groups(qtbot, editor):
    editor.set_filing(good())
    editor.focus_field("inspectors[0].cert_no")
    assert QApplication.focusWidget() is by_name(editor, "其他检查人员 第1行 执法证号")
    editor.focus_field("leader.phone")
    assert QApplication.focusWidget() is by_name(editor, "联系电话")
    editor.focus_field("joint_units[0]")
    assert QApplication.focusWidget() is by_name(editor, "联合单位 第1项")


def test_full_width_input_is_accepted_and_shown_normalised(qtbot, editor):
    phone = by_name(editor, "联系电话")
    type_into(qtbot, phone, "１３８ ０７３２ １２３４")
    leave(qtbot, phone)
    qtbot.waitUntil(lambda: phone.text() == "13807321234")
    assert message_under(phone) == ""
    assert editor.filing()["leader"]["phone"] == "13807321234"
    uscc = by_name(editor, "统一社会信用代码")
    type_into(qtbot, uscc, "９１４３０３０４ｍａ４ｙｇ５７ｆｊｃ")
    leave(qtbot, uscc)
    qtbot.waitUntil(lambda: uscc.text() == "91430304MA4YG57FJC")


def test_an_invalid_value_stays_exactly_as_typed(qtbot, editor):
    phone = by_name(editor, "联系电话")
    type_into(qtbot, phone, "１２３")
    leave(qtbot, phone)
    qtbot.waitUntil(lambda: message_under(phone) != "")
    assert phone.text() == "１２３"
    assert editor.filing()["leader"]["phone"] == "１２３"


def test_a_too_long_paste_is_kept_and_explained(qtbot, editor):
    lead = by_name(editor, "单位（牵头单位）")
    text = "湘潭市" * 20  # 60 characters; the form allows 50
    lead.setFocus()
    QApplication.clipboard().setText(text)
    lead.paste()
    assert lead.text() == text
    leave(qtbot, lead)
    qtbot.waitUntil(lambda: "最多 50 个字，现在有 60 个字" in message_under(lead))
    # A loaded value longer than the input's own limit is not cut either.
    filing = good()
    filing["lead_unit"] = "局" * 500
    editor.set_filing(filing)
    assert editor.filing()["lead_unit"] == "局" * 500


def test_problems_changed_reports_after_each_check(qtbot, editor):
    with qtbot.waitSignal(editor.problemsChanged) as blocker:
        editor.set_filing(good())
    assert not blocker.args[0].has_errors
    lead = by_name(editor, "单位（牵头单位）")
    type_into(qtbot, lead, "")
    lead.clear()
    with qtbot.waitSignal(editor.problemsChanged) as blocker:
        leave(qtbot, lead)
    assert [p.code for p in blocker.args[0].errors] == ["required"]


# --- the post-hoc part --------------------------------------------------------------------


def test_post_hoc_fields_and_deadline_show_only_for_post_hoc(qtbot, editor):
    editor.set_filing(good())
    reason = by_name(editor, "先行检查情形")
    explanation = by_name(editor, "说明原由")
    assert not reason.isVisibleTo(editor) and not explanation.isVisibleTo(editor)
    assert "post_hoc_reason" not in editor.filing()

    kind = by_name(editor, "备案类型")
    kind.setFocus()
    kind.setCurrentIndex(kind.findData("post_hoc"))
    assert reason.isVisibleTo(editor) and explanation.isVisibleTo(editor)
    assert editor.filing()["kind"] == "post_hoc"
    assert editor.filing()["post_hoc_reason"] == ""

    editor.set_filing(post_hoc())
    assert reason.currentData() == "complaint"
    editor.validate_now()
    # Friday 20 November + 5 working days = Friday 27 November.
    assert editor._deadline.isVisibleTo(editor)
    assert editor._deadline.text() == "2026年11月27日，今天截止"


def test_the_deadline_is_marked_when_estimated(qtbot, editor):
    filing = post_hoc()
    filing.update(
        inspection_start="2035-03-05T09:00:00+08:00", inspection_end="2035-03-05T11:00:00+08:00"
    )
    editor.set_context({"at": datetime.fromisoformat("2035-03-06T10:00:00+08:00")})
    editor.set_filing(filing)
    report = editor.validate_now()
    assert report.deadline.estimated
    assert editor._deadline.text().endswith("（估算）")


def test_post_hoc_text_is_kept_and_flagged_after_switching_back_to_prior(qtbot, editor):
    editor.set_filing(post_hoc())
    kind = by_name(editor, "备案类型")
    kind.setCurrentIndex(kind.findData("prior"))
    filing = editor.filing()
    assert filing["post_hoc_explanation"] == "接群众投诉，现场核查。"  # nothing typed is lost
    explanation = by_name(editor, "说明原由")
    assert explanation.isVisibleTo(editor)
    report = editor.validate_now()
    assert "not_for_prior" in {p.code for p in report.for_field("post_hoc_explanation")}


# --- rows -----------------------------------------------------------------------------------


def test_officer_rows_are_added_and_removed_by_keyboard(qtbot, editor):
    editor.set_filing(good())
    add = by_name(editor, "添加其他检查人员")
    add.setFocus()
    qtbot.keyClick(add, Qt.Key.Key_Space)
    second = by_name(editor, "其他检查人员 第2行 姓名")
    assert QApplication.focusWidget() is second
    type_text(qtbot, second, "侯燕娟")
    qtbot.keyClick(second, Qt.Key.Key_Tab)
    qtbot.keyClicks(QApplication.focusWidget(), "43031142003")
    assert editor.filing()["inspectors"] == [
        {"name": "易桐", "cert_no": "43031121002"},
        {"name": "侯燕娟", "cert_no": "43031142003"},
    ]
    remove = by_name(editor, "删除其他检查人员 第1行")
    remove.setFocus()
    qtbot.keyClick(remove, Qt.Key.Key_Space)
    assert editor.filing()["inspectors"] == [{"name": "侯燕娟", "cert_no": "43031142003"}]
    assert by_name(editor, "其他检查人员 第1行 姓名").text() == "侯燕娟"
    # The last row stays: it can be emptied, not removed.
    assert not by_name(editor, "删除其他检查人员 第1行").isEnabled()


def test_messages_follow_a_row_when_an_earlier_row_is_removed(qtbot, editor):
    filing = good()
    filing["inspectors"] = [
        {"name": "易桐", "cert_no": "43031121002"},
        {"name": "侯燕娟", "cert_no": "12"},
    ]
    editor.set_filing(filing)
    editor.validate_now()
    cert = by_name(editor, "其他检查人员 第2行 执法证号")
    assert "格式不正确" in message_under(cert)
    by_name(editor, "删除其他检查人员 第1行").click()
    cert = by_name(editor, "其他检查人员 第1行 执法证号")
    editor.validate_now()
    assert "格式不正确" in message_under(cert)
    assert editor.filing()["inspectors"] == [{"name": "侯燕娟", "cert_no": "12"}]


def test_a_wrapping_message_keeps_the_row_inputs_aligned(qtbot, editor):
    filing = good()
    filing["inspectors"] = [{"name": "侯燕娟", "cert_no": "12"}]
    editor.set_filing(filing)
    editor.resize(560, 700)  # narrow: the certificate message wraps
    editor.validate_now()
    name = by_name(editor, "其他检查人员 第1行 姓名")
    cert = by_name(editor, "其他检查人员 第1行 执法证号")
    line = cert.parentWidget().message
    qtbot.waitUntil(lambda: line.height() >= 2 * line.fontMetrics().lineSpacing())
    row = name.parentWidget().parentWidget()
    assert name.mapTo(row, name.rect().topLeft()).y() == cert.mapTo(row, cert.rect().topLeft()).y()


def test_joint_units_list(qtbot, editor):
    editor.set_filing(new_filing())
    assert editor.filing()["joint_units"] == []
    add = by_name(editor, "添加联合单位")
    add.click()
    first = by_name(editor, "联合单位 第1项")
    assert QApplication.focusWidget() is first
    type_text(qtbot, first, "湘潭市应急管理局")
    add.click()
    type_text(qtbot, by_name(editor, "联合单位 第2项"), "湘潭市生态环境局")
    assert editor.filing()["joint_units"] == ["湘潭市应急管理局", "湘潭市生态环境局"]
    by_name(editor, "删除联合单位 第1项").click()
    assert editor.filing()["joint_units"] == ["湘潭市生态环境局"]


# --- dates ----------------------------------------------------------------------------------


def test_times_are_shanghai_iso_and_may_start_empty(qtbot, editor):
    editor.set_filing(new_filing())
    assert editor.filing()["inspection_start"] == ""
    start = by_name(editor, "检查开始时间")
    assert start.text() == "未填写"
    start.setFocus()
    qtbot.waitUntil(start.hasFocus)
    qtbot.keyClicks(start, "202612030930")  # digits run on from year to minute
    assert start.text() == "2026年12月03日 09:30"
    assert editor.filing()["inspection_start"] == "2026-12-03T09:30:00+08:00"
    end = by_name(editor, "检查结束时间")
    end.setFocus()
    qtbot.keyClick(end, Qt.Key.Key_Up)  # the first step only sets the start's afternoon …
    assert editor.filing()["inspection_end"] == "2026-12-03T17:00:00+08:00"
    qtbot.keyClick(end, Qt.Key.Key_Down)  # … and the next steps from there (the year)
    assert editor.filing()["inspection_end"] == "2025-12-03T17:00:00+08:00"


@pytest.mark.parametrize(
    "key", [Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp], ids=["Up", "Down", "PageUp"]
)
@pytest.mark.parametrize(
    "reason", [Qt.FocusReason.TabFocusReason, Qt.FocusReason.MouseFocusReason], ids=["tab", "click"]
)
def test_first_arrow_sets_the_suggestion_and_digits_still_type(qtbot, editor, key, reason):
    editor.set_filing(new_filing())
    start = by_name(editor, "检查开始时间")
    start.setFocus(reason)
    qtbot.waitUntil(start.hasFocus)
    qtbot.keyClick(start, key)
    suggested = default_start("prior", AT)  # tomorrow 09:00, as the editor sees the day
    assert suggested == datetime.fromisoformat("2026-11-28T09:00:00+08:00")
    assert editor.filing()["inspection_start"] == format_timestamp(suggested)
    qtbot.keyClicks(start, "202612040830")
    assert editor.filing()["inspection_start"] == "2026-12-04T08:30:00+08:00"


def test_digits_replace_a_filled_date_after_a_click(qtbot, editor):
    editor.set_filing(good())
    start = by_name(editor, "检查开始时间")
    assert start.text() != "未填写"
    line = start.lineEdit()
    qtbot.mouseClick(line, Qt.MouseButton.LeftButton, pos=line.rect().center())
    qtbot.waitUntil(start.hasFocus)
    qtbot.keyClicks(start, "202611281400")
    assert editor.filing()["inspection_start"] == "2026-11-28T14:00:00+08:00"


def test_a_time_that_is_not_valid_is_kept_and_shown(qtbot, editor):
    filing = good()
    filing["inspection_start"] = "2026-12-03 09:00"  # no offset: a problem, not lost
    editor.set_filing(filing)
    start = by_name(editor, "检查开始时间")
    assert start.text() == "2026-12-03 09:00"
    assert editor.filing()["inspection_start"] == "2026-12-03 09:00"
    editor.validate_now()
    assert "缺少时区" in message_under(start)


# --- round trip, read-only, signals ---------------------------------------------------------


def test_filing_round_trips_set_filing(editor):
    for filing in (good(), post_hoc(), new_filing(), new_filing(kind="post_hoc")):
        editor.set_filing(filing)
        assert editor.filing() == filing


def test_unknown_keys_and_seconds_survive(editor):
    filing = good()
    filing["inspection_start"] = "2026-12-03T09:00:30+08:00"
    filing["leader"]["nickname"] = "老熊"
    filing["extra"] = {"a": 1}
    editor.set_filing(copy.deepcopy(filing))
    assert editor.filing() == filing


def test_set_filing_is_quiet_and_typing_is_not(qtbot, editor):
    changes = []
    editor.changed.connect(lambda: changes.append(1))
    editor.set_filing(good())
    editor.set_filing(post_hoc())
    assert changes == []
    content = by_name(editor, "检查内容")
    type_into(qtbot, content, "查看")
    assert changes


def test_read_only_mode(qtbot, editor):
    editor.set_filing(good(), read_only=True)
    assert editor.banner.isVisible()
    changes = []
    editor.changed.connect(lambda: changes.append(1))
    lead = by_name(editor, "单位（牵头单位）")
    assert lead.isReadOnly()
    lead.setFocus()
    type_text(qtbot, lead, "改")
    assert editor.filing() == good()
    assert by_name(editor, "检查内容").isReadOnly()
    assert by_name(editor, "检查开始时间").isReadOnly()
    assert not by_name(editor, "备案类型").isEnabled()
    assert not by_name(editor, "添加其他检查人员").isVisible()
    assert not by_name(editor, "删除其他检查人员 第1行").isVisible()
    assert changes == []
    editor.set_filing(good())
    assert not lead.isReadOnly() and not editor.banner.isVisible()
    # A window with banners of its own turns the editor's off (a returned filing is
    # read-only but not "submitted").
    editor.set_filing(good(), read_only=True, banner=False)
    assert lead.isReadOnly() and not editor.banner.isVisible()


# --- screen size ----------------------------------------------------------------------------


def test_fits_a_small_screen_at_double_scale(qtbot, editor):
    # 1366 × 768 at 200 % leaves 683 logical pixels: the form must not need more.
    editor.set_filing(post_hoc())
    scroll_bar = editor.form_scroll.verticalScrollBar().sizeHint().width()
    assert editor.form.minimumSizeHint().width() <= 683 - scroll_bar
    editor.resize(683, 384)
    qtbot.waitUntil(lambda: editor.form_scroll.viewport().width() <= 683)
    assert editor.form_scroll.horizontalScrollBar().maximum() == 0


# --- post-hoc: defaults, the deadline countdown, the note at the top -------------------------


def test_a_post_hoc_start_suggests_a_moment_in_the_past(qtbot, editor):
    editor.set_filing(new_filing(kind="post_hoc"))
    start = by_name(editor, "检查开始时间")
    start.setFocus()
    qtbot.waitUntil(start.hasFocus)
    qtbot.keyClick(start, Qt.Key.Key_Up)
    assert editor.filing()["inspection_start"] == "2026-11-27T09:00:00+08:00"  # before AT
    end = by_name(editor, "检查结束时间")
    end.setFocus()
    qtbot.waitUntil(end.hasFocus)
    qtbot.keyClick(end, Qt.Key.Key_Up)
    assert editor.filing()["inspection_end"] == "2026-11-27T10:00:00+08:00"  # not after AT
    assert not [p for p in editor.validate_now().problems if p.code == "post_hoc_not_started"]


def test_the_deadline_says_how_many_working_days_are_left_or_overdue(qtbot, editor):
    filing = post_hoc()
    filing.update(
        inspection_start="2026-11-25T09:00:00+08:00", inspection_end="2026-11-25T12:00:00+08:00"
    )
    editor.set_filing(filing)
    # Wednesday 25 + 5 working days = Wednesday 2 December; on Friday 27: 3 left.
    assert editor._deadline.text() == "2026年12月2日，还剩 3 个工作日"
    filing.update(
        inspection_start="2026-11-16T09:00:00+08:00", inspection_end="2026-11-16T12:00:00+08:00"
    )
    editor.set_filing(filing)
    # Monday 16 + 5 = Monday 23; on Friday 27 that is 4 working days late, as the rules say.
    assert editor._deadline.text() == "2026年11月23日，已逾期 4 个工作日"
    late = [p for p in editor.report().problems if p.code == "post_hoc_late"]
    assert "逾期 4 个工作日" in late[0].message


def test_the_note_at_the_top_agrees_with_the_post_hoc_reasons(editor, definition):
    notice = definition.exempt_notice
    shown = [w.text() for w in editor.findChildren(type(editor.banner))]
    assert notice in shown
    # Work safety: no prior filing needed, and an emergency may be inspected first and
    # filed afterwards — both as the source document says, so the reason list fits.
    assert "安全生产" in definition.choices(definition.field("post_hoc_reason")).values()
    assert "不属于入企检查报备范围" not in notice
    assert "先行实施检查" in notice and "事后补报" in notice
    assert f"{definition.post_hoc_deadline_working_days} 个工作日内" in notice
