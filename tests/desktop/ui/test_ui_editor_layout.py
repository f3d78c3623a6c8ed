"""The editor in the real main window at the sizes office PCs have: problems coming and
going never move the field the clerk is in, and nothing a clerk must read is cut."""

from __future__ import annotations

import contextlib

import pytest
import pytestqt.exceptions
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDateTimeEdit,
    QLabel,
    QLineEdit,
    QStyle,
    QStyleOptionComboBox,
    QWidget,
)

from desktop.store import Store
from desktop.ui.main_window import MainWindow
from tests.support.ui_helpers import good_filing

SIZES = [(1366, 768), (1024, 768)]
# Logical sizes of a 1366 × 768 screen at 125 % and 150 % scaling: what the layout gets.
SCALED = [(1093, 614), (911, 512)]


def late_post_hoc() -> dict:
    """Inspected after a complaint on 2026-11-10, not yet filed: long past its deadline."""
    filing = good_filing()
    filing.update(
        kind="post_hoc",
        inspection_start="2026-11-10T09:00:00+08:00",
        inspection_end="2026-11-10T12:00:00+08:00",
        post_hoc_reason="complaint",
        post_hoc_explanation="接群众投诉，现场核查。",
    )
    return filing


@pytest.fixture
def store(tmp_path):
    s = Store.open(tmp_path / "data")
    yield s
    s.close()


def open_window(qtbot, store, tmp_path, size) -> MainWindow:
    window = MainWindow(store, data_dir=tmp_path / "data")
    qtbot.addWidget(window)
    window.resize(*size)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=3000)
    qtbot.waitUntil(lambda: window.current_row() is not None, timeout=3000)
    return window


def named(window: MainWindow, name: str) -> QWidget:
    found = [
        w
        for w in window.editor.findChildren(QWidget)
        if w.accessibleName() == name and w.isVisible()
    ]
    assert len(found) == 1, (name, found)
    return found[0]


def where(widget: QWidget, window: QWidget) -> QPoint:
    return widget.mapTo(window, QPoint(0, 0))


def clipped_labels(root: QWidget) -> list[str]:
    """Visible wrapping labels shorter than their text needs at their width."""
    out = []
    for label in root.findChildren(QLabel):
        shown = label.isVisible() and label.wordWrap() and label.text()
        if shown and label.height() < label.heightForWidth(label.width()):
            out.append(label.text())
    return out


def clipped_summary_entries(window: MainWindow) -> list[str]:
    """Summary entries whose wrapped text does not fit their row, or the list's view."""
    summary = window.editor.summary
    view = summary.list.viewport().height()
    metrics = QFontMetrics(summary.list.font())
    text_left = summary.list.iconSize().width() + 8  # the icon and the gaps beside it
    out = []
    for i in range(summary.list.count()):
        item = summary.list.item(i)
        rect = summary.list.visualItemRect(item)
        needed = metrics.boundingRect(
            QRect(0, 0, rect.width() - text_left, 1 << 16),
            int(Qt.TextFlag.TextWordWrap),
            item.text(),
        ).height()
        if rect.height() < needed or needed > view:
            out.append(item.text())
    return out


@pytest.mark.parametrize("size", SIZES, ids=["1366x768", "1024x768"])
def test_problems_never_move_the_field_in_use(qtbot, store, tmp_path, size):
    store.create_filing(late_post_hoc())
    window = open_window(qtbot, store, tmp_path, size)
    editor = window.editor
    summary_height = editor.summary.height()

    phone = named(window, "联系电话")
    cert = named(window, "执法证号")
    editor.focus_field("leader.phone")
    qtbot.waitUntil(phone.hasFocus)
    # The phone in the middle of the form's view, so that the message under it leaves the
    # certificate number in view: a field pushed out of view by a message is scrolled
    # back into view on purpose (that is the one move allowed), and where the phone lands
    # after focus_field depends on what else the filing shows.
    viewport = editor.form_scroll.viewport()
    bar = editor.form_scroll.verticalScrollBar()

    def centred() -> bool:  # scrolls until it holds (the editor may scroll once more)
        off = phone.mapTo(viewport, QPoint(0, 0)).y() - viewport.height() // 2
        if abs(off) < viewport.height() // 4:
            return True
        bar.setValue(bar.value() + off)
        return False

    qtbot.waitUntil(centred)
    phone_at, cert_at = where(phone, window), where(cert, window)

    phone.selectAll()
    qtbot.keyClicks(phone, "12345")
    qtbot.keyClick(phone, Qt.Key.Key_Tab)  # on to the certificate number
    qtbot.waitUntil(cert.hasFocus)
    qtbot.waitUntil(lambda: len(editor.summary.problems) >= 1, timeout=3000)
    qtbot.waitUntil(phone.parentWidget().message.isVisible, timeout=3000)
    assert phone.parentWidget().message.isVisible()  # the message under the phone …
    assert where(cert, window) == cert_at  # … does not move the field the clerk is in
    assert editor.summary.height() == summary_height

    qtbot.keyClick(cert, Qt.Key.Key_Backtab)
    qtbot.waitUntil(phone.hasFocus)
    at = where(phone, window)
    phone.selectAll()
    qtbot.keyClicks(phone, "13807321234")
    qtbot.waitUntil(lambda: not phone.parentWidget().message.isVisible(), timeout=3000)
    assert where(phone, window) == at  # the fixed message went away; the field stays
    assert editor.summary.height() == summary_height
    assert phone_at.x() == at.x()


def test_a_reopened_draft_shows_its_problems_at_once(qtbot, store, tmp_path):
    filing = late_post_hoc()
    filing["lead_unit"] = ""  # blank: waits until the clerk gets there or checks
    store.create_filing(filing)
    window = open_window(qtbot, store, tmp_path, SIZES[0])
    editor = window.editor
    assert [p.code for p in editor.summary.problems] == ["post_hoc_late"]
    end = named(window, "检查结束时间")
    assert "已逾期" in end.parentWidget().message.text()
    deadline = editor._deadline.text()
    assert deadline.startswith("2026年11月17日，已逾期 ") and deadline.endswith(" 个工作日")
    window.save_and_check()
    assert "required" in [p.code for p in editor.summary.problems]


@pytest.mark.parametrize(
    "size", SIZES + SCALED, ids=["1366x768", "1024x768", "1366x768@125%", "1366x768@150%"]
)
def test_nothing_a_clerk_must_read_is_cut(qtbot, store, tmp_path, size):
    filing = late_post_hoc()
    filing["leader"]["phone"] = "12345"
    filing["inspectors"][0]["cert_no"] = "43031119004"  # the leader's own number
    store.create_filing(filing)
    window = open_window(qtbot, store, tmp_path, size)
    editor = window.editor
    editor.validate_now()
    codes = [p.code for p in editor.summary.problems]
    assert "post_hoc_late" in codes and len(codes) >= 3
    qtbot.waitUntil(lambda: not clipped_summary_entries(window), timeout=3000)
    late = next(i for i, p in enumerate(editor.summary.problems) if p.code == "post_hoc_late")
    item = editor.summary.list.item(late)
    editor.summary.list.scrollToItem(item)
    rect = editor.summary.list.visualItemRect(item)
    assert editor.summary.list.viewport().rect().contains(rect)  # wholly in view
    assert clipped_labels(editor) == []
    editor.focus_field("post_hoc_reason")
    qtbot.waitUntil(lambda: not clipped_labels(editor), timeout=3000)
    window.grab().save(str(tmp_path / f"editor-{size[0]}x{size[1]}.png"))


def test_a_locked_filing_looks_read_only(qtbot, store, tmp_path):
    row = store.create_filing(good_filing())
    store.save_draft(row.id, row.filing, has_errors=False)
    window = open_window(qtbot, store, tmp_path, SIZES[0])
    lead = named(window, "单位（牵头单位）")
    assert isinstance(lead, QLineEdit) and not lead.isReadOnly()
    editable = lead.grab().toImage().pixelColor(3, lead.height() // 2)
    store.queue(row.id)
    window._reload_row()
    lead = named(window, "单位（牵头单位）")
    assert lead.isReadOnly()
    locked = lead.grab().toImage().pixelColor(3, lead.height() // 2)
    assert locked != editable  # not the white box of an input waiting for text
    assert lead.placeholderText() == ""
    # No drop-down arrow on a choice that cannot be changed (备案类型).
    kind = named(window, "备案类型")
    assert isinstance(kind, QComboBox) and not kind.isEnabled()
    option = QStyleOptionComboBox()
    kind.initStyleOption(option)
    arrow = kind.style().subControlRect(
        QStyle.ComplexControl.CC_ComboBox, option, QStyle.SubControl.SC_ComboBoxArrow, kind
    )
    assert arrow.width() == 0
    # Nor on a date (检查开始时间): QDateTimeEdit draws its calendar drop-down as a combo's.
    start = named(window, "检查开始时间")
    assert isinstance(start, QDateTimeEdit) and start.calendarPopup() and start.isReadOnly()
    option = QStyleOptionComboBox()
    option.initFrom(start)
    option.editable = True
    option.frame = True
    arrow = start.style().subControlRect(
        QStyle.ComplexControl.CC_ComboBox, option, QStyle.SubControl.SC_ComboBoxArrow, start
    )
    assert arrow.width() == 0
    assert not window.editor.summary.isVisible()
    # No room kept for problems there: the form starts at the top of the editor.
    qtbot.waitUntil(lambda: window.editor.form_scroll.y() == 0, timeout=3000)
    window.grab().save(str(tmp_path / "editor-locked.png"))


def officer_row_lines(editor) -> int:
    """On how many lines the first officer row lays out its inputs."""
    row = editor._rows["inspectors"].rows[0]
    return len({field.mapTo(editor, QPoint(0, 0)).y() for field in row.scalars})


def test_a_narrow_editor_reflows_instead_of_scrolling_sideways(qtbot, tmp_path):
    """On a narrow editor (the right pane at 1024 × 768 and 150 %) the form is no wider
    than its view: officer rows stack their inputs, text boxes and the note narrow, and
    nothing runs past the side; widened again, the officer row is back on one line."""
    from desktop.ui.editor import FilingEditor
    from forms.definition import load_definition
    from tests.support.text_fit import clipped_texts

    editor = FilingEditor(load_definition())
    qtbot.addWidget(editor)
    filing = late_post_hoc()
    filing["inspectors"] = [{"name": "侯燕娟", "cert_no": "43031121002"}]
    editor.set_filing(filing)
    editor.resize(760, 560)
    editor.show()
    qtbot.waitExposed(editor)
    qtbot.waitUntil(lambda: officer_row_lines(editor) == 1, timeout=3000)
    bar = editor.form_scroll.horizontalScrollBar()
    for width in (330, 300, 760):
        editor.resize(width, 560)
        editor.validate_now()
        qtbot.waitUntil(lambda: editor.form.width() <= editor.form_scroll.viewport().width())
        # On a time-out the assertion below says what is cut.
        with contextlib.suppress(pytestqt.exceptions.TimeoutError):
            qtbot.waitUntil(lambda: not clipped_texts(editor), timeout=3000)
        assert clipped_texts(editor) == []
        assert bar.maximum() == 0
        lines = 1 if width == 760 else 2
        qtbot.waitUntil(lambda lines=lines: officer_row_lines(editor) == lines, timeout=3000)
    editor.grab().save(str(tmp_path / "editor-narrow.png"))
