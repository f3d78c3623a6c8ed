"""The main window on a real store with the real editor: new, new-similar, autosave,
save and check, submit, a returned filing fixed as revision 2, counts, keyboard."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDateEdit,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from desktop.store import DRAFT, QUEUED, READY, RETURNED, SENT, Store, UnitProfile
from desktop.ui.main_window import MainWindow
from tests.support.ui_helpers import (
    button_named,
    button_text,
    click_in_next_dialog,
    fill_store,
    good_filing,
    type_text,
)

PROFILE = UnitProfile(
    unit_name="湘潭市市场监督管理局",
    joint_units=["湘潭市应急管理局", "湘潭市生态环境局"],
    default_leader={
        "name": "熊平华",
        "title": "四级主任科员",
        "phone": "13807321234",
        "cert_no": "43031119004",
    },
)


@pytest.fixture
def data_dir(tmp_path):
    return tmp_path / "data"


@pytest.fixture
def store(data_dir):
    s = Store.open(data_dir)
    yield s
    s.close()


@pytest.fixture
def make_window(qtbot, store, data_dir):
    def make() -> MainWindow:
        window = MainWindow(store, data_dir=data_dir)
        qtbot.addWidget(window)
        window.resize(1366, 768)
        window.show()
        window.activateWindow()  # shortcuts work in the active window only
        qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=3000)
        return window

    return make


def field(window: MainWindow, name: str) -> QWidget:
    """The editor's input whose accessible name is ``name`` (its label)."""
    for widget in window.editor.findChildren(QWidget):
        if widget.accessibleName() == name and widget.isVisible():
            return widget
    raise AssertionError(f"no visible input named {name!r}")


def test_title_and_an_empty_store(make_window, store):
    window = make_window()
    assert window.windowTitle() == "涉企行政执法检查备案"
    assert window.stack.currentWidget() is window.empty_page
    assert window.counts_label.text() == "草稿 0　待提交 0　已排队 0　已备案 0　被退回 0"
    assert not window.act_submit.isEnabled()
    assert not window.act_new_similar.isEnabled()


def test_new_filing_is_prefilled_from_the_unit_profile(qtbot, make_window, store):
    store.save_profile(PROFILE)
    window = make_window()
    QTest.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.current_row() is not None, timeout=3000)

    filing = window.editor.filing()
    assert filing["lead_unit"] == PROFILE.unit_name
    assert filing["joint_units"] == PROFILE.joint_units
    assert filing["leader"] == PROFILE.default_leader
    stored = store.get(window.current_id())
    assert stored.status == DRAFT and stored.revision == 1
    assert window.model.rowCount() == 1
    assert window.list_panel.current_filing_id() == window.current_id()
    assert "草稿 1" in window.counts_label.text()
    assert window.history.tree.topLevelItem(0).text(1) == "创建"


def test_new_similar_starts_from_the_current_filing(qtbot, make_window, store):
    first = store.create_filing(good_filing())
    window = make_window()
    assert window.current_id() == first.id
    window.act_new_similar.trigger()
    assert window.current_id() != first.id
    similar = window.editor.filing()
    assert similar["enterprise"]["name"] == first.filing["enterprise"]["name"]
    assert similar["leader"] == first.filing["leader"]
    assert window.model.rowCount() == 2
    assert store.counts_by_status()[DRAFT] == 2


def test_typing_is_autosaved_without_any_action(qtbot, make_window, store):
    row = store.create_filing(good_filing())
    window = make_window()
    items = field(window, "检查项目")
    items.setFocus()
    QTest.keyClick(items, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    type_text(items, "；消防通道")
    qtbot.waitUntil(lambda: store.get(row.id).filing["items"].endswith("；消防通道"), timeout=5000)
    assert "已自动保存" in window.save_state_label.text()
    assert window.model.summary(0).id == row.id


def test_switching_filings_saves_the_one_being_edited(qtbot, make_window, store):
    a = store.create_filing(good_filing())
    b = store.create_filing(good_filing())
    window = make_window()
    window.show_filing(a.id)
    content = field(window, "检查内容")
    content.setFocus()
    QTest.keyClick(content, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    type_text(content, "补充")
    window.show_filing(b.id)  # immediately: before the debounce timer fires
    assert store.get(a.id).filing["content"].endswith("补充")
    assert window.current_id() == b.id


def test_save_and_check_marks_a_valid_filing_ready(qtbot, make_window, store):
    row = store.create_filing(good_filing())
    window = make_window()
    QTest.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert store.get(row.id).status == READY
    assert "检查通过" in window.statusBar().currentMessage()
    kinds = [window.history.tree.topLevelItem(i).text(1) for i in range(2)]
    assert kinds[0] == "检查"
    assert "待提交 1" in window.counts_label.text()


def test_save_and_check_reports_problems(qtbot, make_window, store):
    filing = good_filing()
    filing["enterprise"]["uscc"] = "91430304MA4YG57FJX"  # wrong check digit
    filing["items"] = ""
    row = store.create_filing(filing)
    window = make_window()
    report = window.save_and_check()
    assert report.has_errors
    assert store.get(row.id).status == DRAFT
    assert "错误" in window.statusBar().currentMessage()
    assert store.history(row.id)[-1].detail["errors"] == len(report.errors)


def test_submit_after_confirming_queues_the_filing(qtbot, make_window, store):
    row = store.create_filing(good_filing())
    window = make_window()
    seen: list = []
    timer = click_in_next_dialog(button_named("confirmSubmitButton"), seen=seen)
    assert window.submit()
    timer.stop()
    assert seen[0]["name"] == "confirmSubmit"
    stored = store.get(row.id)
    assert stored.status == QUEUED
    assert window.current_row().status == QUEUED
    assert window.editor.is_read_only()
    assert not window.act_submit.isEnabled()
    assert window.act_unqueue.isEnabled()
    assert window.header.banner.isVisibleTo(window)
    assert "已排队 1" in window.counts_label.text()
    assert window.model.summary(0).status == QUEUED


def test_enter_in_the_confirmation_does_not_submit(qtbot, make_window, store):
    row = store.create_filing(good_filing())
    window = make_window()
    pressed = []

    def press_enter(dialog):
        if not pressed:
            pressed.append(dialog.objectName())
            QTest.keyClick(dialog, Qt.Key.Key_Return)
        return None  # never click: Enter alone must close it without submitting

    timer = click_in_next_dialog(press_enter)
    assert not window.submit()
    timer.stop()
    assert pressed == ["confirmSubmit"]
    assert store.get(row.id).status == READY


def test_a_filing_with_errors_is_not_submitted(qtbot, make_window, store):
    filing = good_filing()
    filing["basis"] = ""
    row = store.create_filing(filing)
    window = make_window()
    seen: list = []
    timer = click_in_next_dialog(button_text("去改正"), seen=seen)
    assert not window.submit()
    timer.stop()
    assert seen[0]["name"] == "submitErrors"
    assert "检查依据" in seen[0]["info"]
    assert store.get(row.id).status == DRAFT
    assert window.focusWidget() is field(window, "检查依据")


def test_unqueue_brings_a_queued_filing_back(qtbot, make_window, store):
    filing = good_filing()
    store.queue(filing["id"], filing)
    window = make_window()
    window.header.unqueue_button.click()
    assert store.get(filing["id"]).status == READY
    assert not window.editor.is_read_only()


def test_a_returned_filing_is_fixed_as_revision_2(qtbot, make_window, store):
    filing = good_filing()
    queued = store.queue(filing["id"], filing)
    store.mark_returned(
        queued.id, 1, "检查依据条款不全，请补充具体条款", "2026-11-27T10:00:00+08:00"
    )
    window = make_window()
    assert window.current_row().status == RETURNED
    assert window.editor.is_read_only()
    assert "检查依据条款不全" in window.header.message.text()
    assert not window.editor.banner.isVisibleTo(window)  # not "已提交": only the header says why
    assert window.header.revise_button.text() == "修改（生成第 2 版）"

    window.header.revise_button.click()
    row = store.get(filing["id"])
    assert (row.revision, row.status) == (2, DRAFT)
    assert not window.editor.is_read_only()
    assert window.editor.filing()["revision"] == 2

    basis = field(window, "检查依据")
    basis.setFocus()
    QTest.keyClick(basis, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    type_text(basis, "第一百一十条第二款")
    timer = click_in_next_dialog(button_named("confirmSubmitButton"))
    assert window.submit()
    timer.stop()
    row = store.get(filing["id"])
    assert (row.revision, row.status) == (2, QUEUED)
    assert row.filing["basis"].endswith("第一百一十条第二款")
    assert store.outbox()[0].revision == 2
    assert "生成新版本" in [
        window.history.tree.topLevelItem(i).text(1).split("（")[0]
        for i in range(window.history.tree.topLevelItemCount())
    ]


def test_a_sent_filing_is_read_only(qtbot, make_window, store):
    filing = good_filing()
    store.queue(filing["id"], filing)
    store.mark_sent(filing["id"], 1, {"receipt": "潭优备〔2026〕000123号"})
    window = make_window()
    assert window.current_row().status == SENT
    assert window.editor.is_read_only()
    assert not window.act_save.isEnabled()
    assert not window.act_submit.isEnabled()
    assert window.act_preview.isEnabled()
    assert "潭优备〔2026〕000123号" in window.header.message.text()
    assert window.save_and_check() is None


def test_status_bar_counts_by_status(qtbot, make_window, store):
    made = fill_store(store, 40)
    window = make_window()
    text = window.counts_label.text()
    assert f"草稿 {made['draft']}" in text
    assert f"已排队 {made['queued']}" in text
    assert f"已备案 {made['sent']}" in text
    assert f"被退回 {made['returned']}" in text


def test_sync_without_an_office_keeps_filings_and_offers_the_connection(qtbot, make_window):
    window = make_window()
    assert window.sync_status.text() == "未设置办公室"
    QTest.keyClick(window, Qt.Key.Key_F5)
    assert window.sync is not None
    notice = window.notices.bar("connection")
    assert notice is not None and notice.isVisible()
    assert "发件箱" in notice.message.text()
    qtbot.waitUntil(lambda: window.sync.state == "not_configured", timeout=10_000)
    assert window.sync_status.text() == "未设置办公室"
    notice.action_button.click()
    assert window.connection_dialog.isVisible()
    qtbot.waitUntil(window.connection_dialog.office_url.hasFocus, timeout=3000)
    window.connection_dialog.close()


def test_enter_in_the_list_does_not_submit(qtbot, make_window, store):
    row = store.create_filing(good_filing())
    window = make_window()
    window.list_panel.table.setFocus()
    QTest.keyClick(window.list_panel.table, Qt.Key.Key_Return)
    QTest.keyClick(window.list_panel.search, Qt.Key.Key_Return)
    assert store.get(row.id).status == DRAFT
    assert store.outbox() == []


def test_every_input_outside_the_editor_has_its_label_as_name(qtbot, make_window, store):
    store.create_filing(good_filing())
    window = make_window()
    inputs = (QLineEdit, QComboBox, QDateEdit, QPlainTextEdit, QAbstractItemView)
    for widget in window.findChildren(QWidget):
        if window.editor.isAncestorOf(widget) or not isinstance(widget, inputs):
            continue
        if isinstance(widget, QHeaderView):
            continue  # part of its table
        if widget.parent() is not None and isinstance(widget.parent(), (QComboBox, QDateEdit)):
            continue  # the line edit inside a combo box or date edit
        if isinstance(widget, QAbstractItemView) and not widget.isVisibleTo(window):
            continue  # popups of combo boxes
        assert widget.accessibleName(), widget.objectName() or type(widget).__name__
    panel = window.list_panel
    assert panel.search.accessibleName() == "搜索"
    assert panel.status_filter.accessibleName() == "状态"
    assert panel.date_filter.accessibleName() == "检查日期"


def test_tab_goes_from_the_list_into_the_form(qtbot, make_window, store):
    store.create_filing(good_filing())
    window = make_window()
    window.activateWindow()
    window.list_panel.search.setFocus()
    visited = []
    for _ in range(12):
        QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        visited.append(QApplication.focusWidget())
    assert window.list_panel.table in visited
    assert any(window.editor.isAncestorOf(w) for w in visited if w is not None)


def test_notices_take_at_most_a_quarter_of_the_window(qtbot, make_window):
    window = make_window()
    size = window.size()
    reason = "检查依据未写明具体条款，请补充后重新提交。" * 6
    for i in range(5):
        window.notices.show_notice(f"returned:{i}", f"第 {i + 1} 份被退回。{reason}")
    qtbot.waitUntil(lambda: window.notices.isVisible(), timeout=3000)
    assert window.size() == size  # the window does not grow off the screen
    assert 0 < window.notices.height() <= window.height() // 4
    assert window.notices.more.isVisibleTo(window) and "还有 2 条" in window.notices.more.text()
    window.notices.bar("returned:4").close_button.click()
    assert "还有 1 条" in window.notices.more.text()
    for i in range(4):
        window.notices.dismiss(f"returned:{i}")
    assert not window.notices.isVisible()


def reminded_filing() -> dict:
    """Correct, but with a reminder: an inspection of several weeks."""
    from datetime import timedelta

    from forms.record import format_timestamp, parse_timestamp

    filing = good_filing()
    start = parse_timestamp(filing["inspection_start"])
    filing["inspection_end"] = format_timestamp(start + timedelta(days=60))
    return filing


def test_enter_does_not_submit_when_reminders_are_listed(qtbot, make_window, store):
    row = store.create_filing(reminded_filing())
    window = make_window()
    seen = []

    def press_enter(dialog):
        if not seen:
            seen.append(dialog.findChild(QLabel, "submitReminders").text())
            QTest.keyClick(dialog.focusWidget() or dialog, Qt.Key.Key_Return)
        return None

    timer = click_in_next_dialog(press_enter)
    assert not window.submit()
    timer.stop()
    assert "请留意以下提醒" in seen[0]
    assert store.get(row.id).status == READY


def test_submit_stays_in_place_with_and_without_reminders(qtbot, make_window, store):
    from desktop.ui.submit_dialogs import ConfirmSubmit
    from forms.problems import Problem

    window = make_window()
    places = []
    for warnings in (
        [],
        [Problem("inspection_end", "long_inspection", "warning", "检查时间超过 31 天。")],
    ):
        dialog = ConfirmSubmit(window, window.definition, warnings)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        submit, cancel = dialog.submit_button, dialog.cancel_button
        assert not submit.isDefault() and not cancel.isDefault()
        qtbot.waitUntil(cancel.hasFocus, timeout=3000)
        assert cancel.geometry().right() < submit.geometry().left()  # 取消 | 提交
        corner = dialog.rect().bottomRight()
        places.append(
            (corner.x() - submit.geometry().right(), corner.y() - submit.geometry().bottom())
        )
        dialog.close()
    assert places[0] == places[1]


def test_discard_a_draft_after_confirming(qtbot, make_window, store):
    kept = store.create_filing(good_filing())
    thrown = store.create_filing(good_filing())
    window = make_window()
    window.show_filing(thrown.id)
    assert window.act_discard.isEnabled()
    seen: list = []
    timer = click_in_next_dialog(button_named("confirmDiscardButton"), seen=seen)
    QTest.keyClick(
        window,
        Qt.Key.Key_D,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    qtbot.waitUntil(lambda: window.current_id() != thrown.id, timeout=3000)
    timer.stop()
    assert seen[0]["name"] == "confirmDiscard" and "丢弃" in seen[0]["text"]
    assert window.model.rowCount() == 1 and window.current_id() == kept.id
    assert "草稿 1" in window.counts_label.text()
    assert store.history(thrown.id)[-1].kind == "discarded"


def test_discard_is_asked_and_enter_keeps_the_draft(qtbot, make_window, store):
    row = store.create_filing(good_filing())
    window = make_window()
    pressed = []

    def press_enter(dialog):
        if not pressed:
            pressed.append(dialog.objectName())
            QTest.keyClick(dialog, Qt.Key.Key_Return)
        return None

    timer = click_in_next_dialog(press_enter)
    assert not window.discard_draft()
    timer.stop()
    assert pressed == ["confirmDiscard"]
    assert window.model.rowCount() == 1 and window.current_id() == row.id
    assert store.history(row.id)[-1].kind != "discarded"


def test_queued_and_returned_filings_cannot_be_discarded(qtbot, make_window, store):
    filing = good_filing()
    row = store.queue(filing["id"], filing)
    window = make_window()
    assert window.current_id() == row.id
    assert not window.act_discard.isEnabled()
    assert not window.discard_draft()
    store.mark_returned(row.id, 1, "缺少依据", "2026-11-27T10:00:00+08:00")
    window.show_synced({row.id})
    assert window.current_row().status == RETURNED
    assert not window.act_discard.isEnabled() and not window.discard_draft()
    assert store.get(row.id).status == RETURNED


def post_hoc_filing(days_ago: int) -> dict:
    """A post-hoc filing for an inspection that ended ``days_ago`` days ago."""
    from datetime import timedelta

    from forms.record import format_timestamp, now

    filing = good_filing()
    end = (now() - timedelta(days=days_ago)).replace(hour=17, minute=0, second=0, microsecond=0)
    filing["kind"] = "post_hoc"
    filing["inspection_start"] = format_timestamp(end.replace(hour=9))
    filing["inspection_end"] = format_timestamp(end)
    return filing


def test_at_1366_the_list_shows_status_to_receipt_uncut(qtbot, make_window, store):
    from desktop.ui.filings_list import FIRST_SCREEN
    from desktop.ui.filings_model import COLUMN_IDS

    returned = good_filing()
    row = store.queue(returned["id"], returned)
    store.mark_returned(row.id, 1, "缺少依据", "2026-11-27T10:00:00+08:00")
    revised = store.new_revision(row.id).filing
    store.queue(row.id, revised)  # 已排队 · 第 2 版, the widest status
    sent = good_filing()
    store.queue(sent["id"], sent)
    store.mark_sent(sent["id"], 1, {"receipt": "潭优备〔2026〕000123号"})
    store.create_filing(post_hoc_filing(12))
    window = make_window()  # 1366 × 768, no remembered layout
    table = window.list_panel.table
    qtbot.waitUntil(lambda: window.list_panel.width() >= window.list_panel.preferred_width() - 2)
    viewport = table.viewport().width()
    for column in FIRST_SCREEN:
        index = COLUMN_IDS.index(column)
        assert table.columnViewportPosition(index) + table.columnWidth(index) <= viewport, column
    metrics = table.fontMetrics()
    model = window.model
    for r in range(model.rowCount()):
        for column in ("status", "deadline", "receipt", "inspection_start"):
            text = model.index(r, COLUMN_IDS.index(column)).data() or ""
            width = table.columnWidth(COLUMN_IDS.index(column))
            assert metrics.horizontalAdvance(text) + 8 <= width, (column, text)


def test_kind_and_deadline_columns_and_the_due_soon_filter(qtbot, make_window, store):
    from desktop.ui.filings_model import COLUMN_IDS

    overdue = store.create_filing(post_hoc_filing(14))
    later = store.create_filing(post_hoc_filing(0))
    prior = store.create_filing(good_filing())
    window = make_window()
    model = window.model

    def cell(filing_id: str, column: str) -> str:
        return model.index(model.row_of(filing_id), COLUMN_IDS.index(column)).data() or ""

    assert cell(overdue.id, "kind") == "补报" and cell(prior.id, "kind") == "事前"
    assert "已逾期" in cell(overdue.id, "deadline") and "个工作日" in cell(overdue.id, "deadline")
    assert "还剩" in cell(later.id, "deadline")
    assert cell(prior.id, "deadline") == ""
    # The start-up reminder is a notice, not a dialog; 查看 filters the list.
    notice = window.list_panel.notices.bar("post_hoc_due")
    assert notice is not None and "1 份事后补报" in notice.message.text()
    notice.action_button.click()
    assert window.list_panel.kind_filter.currentText() == "补报即将到期/已逾期"
    assert [model.summary(i).id for i in range(model.rowCount())] == [overdue.id]
    window.list_panel.kind_filter.setCurrentIndex(window.list_panel.kind_filter.findData("prior"))
    assert [model.summary(i).id for i in range(model.rowCount())] == [prior.id]


def test_no_reminder_without_post_hoc_filings_due(qtbot, make_window, store):
    store.create_filing(post_hoc_filing(0))
    store.create_filing(good_filing())
    window = make_window()
    assert window.list_panel.notices.bar("post_hoc_due") is None
    assert not window.list_panel.notices.isVisible()


def test_reference_years_from_the_office_reach_the_open_date_pickers(qtbot, store, make_window):
    from PySide6.QtWidgets import QDateTimeEdit

    from desktop.ui import holiday_calendar

    window = make_window()
    picker = window.editor.findChildren(QDateTimeEdit)[0].calendarWidget()
    picker.setCurrentPage(2031, 1)
    assert picker.mark(date(2031, 1, 1)) is None
    store.save_reference(
        {"calendar": {"2031": {"holidays": ["2031-01-01"], "workdays": ["2031-01-04"]}}}
    )
    try:
        window.refresh_context()  # what a sync pass that brought reference data does
        assert picker.mark(date(2031, 1, 1)) == "holiday"
    finally:
        holiday_calendar.set_work_calendar(None)


def test_pass_warnings_are_worded_for_the_window_from_their_codes(qtbot, make_window):
    from desktop.sync.engine import PassResult
    from desktop.sync.problems import Code, Problem
    from desktop.ui import wording

    window = make_window()
    problem = Problem.of(Code.BAD_REFERENCE, detail="日历格式不对")
    result = PassResult()
    result.warning_problems.append(problem)
    result.warnings.append("terminal wording, e.g. run `beian connect`")  # not for the window
    window.sync_presenter._on_pass_finished(result)
    texts = [window.notices.text(k) for k in window.notices.keys()]  # noqa: SIM118
    assert wording.text(problem) in texts
    assert not any("beian" in t for t in texts)
