"""The date pickers' calendar marks public holidays (休, red) and make-up workdays (班)."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QDateTimeEdit, QTableView

from desktop.ui.editor import FilingEditor
from desktop.ui.holiday_calendar import (
    HOLIDAY,
    HOLIDAY_COLOUR,
    WORKDAY,
    WORKDAY_COLOUR,
    HolidayCalendar,
    day_marks,
    holiday_name,
)
from forms.definition import load_definition
from forms.workdays import WorkCalendar


def test_national_day_2026_is_one_block_with_its_make_up_days():
    marks = day_marks(WorkCalendar(), date(2026, 9, 14), date(2026, 10, 18))
    holidays = sorted(d for d, m in marks.items() if m == HOLIDAY)
    workdays = sorted(d for d, m in marks.items() if m == WORKDAY)
    # 中秋 25–27 September, 国庆 1–7 October, weekends inside both included.
    assert holidays == [date(2026, 9, d) for d in (25, 26, 27)] + [
        date(2026, 10, d) for d in range(1, 8)
    ]
    assert workdays == [date(2026, 9, 20), date(2026, 10, 10)]  # a Sunday and a Saturday
    assert date(2026, 10, 17) not in marks  # an ordinary weekend is not marked


def test_reference_years_are_marked_and_unknown_years_are_not():
    calendar = WorkCalendar()
    calendar.extend({"2031": {"holidays": ["2031-01-01"], "workdays": ["2031-01-04"]}})
    marks = day_marks(calendar, date(2030, 12, 1), date(2031, 1, 31))
    assert marks == {date(2031, 1, 1): HOLIDAY, date(2031, 1, 4): WORKDAY}
    assert holiday_name(date(2031, 1, 1)) is None  # a year chinesecalendar does not know
    assert day_marks(WorkCalendar(), date(2035, 1, 1), date(2035, 12, 31)) == {}


def test_holiday_names_in_chinese():
    assert holiday_name(date(2026, 10, 3)) == "国庆节"
    assert holiday_name(date(2026, 10, 10)) == "国庆节"  # worked for it
    assert holiday_name(date(2026, 10, 14)) is None


def cell_corner_colours(calendar: HolidayCalendar, day: int) -> list[QColor]:
    """The colours in the cell showing ``day`` of the month: right half, top quarter (above
    the number, where the mark goes)."""
    view = calendar.findChild(QTableView, "qt_calendar_calendarview")
    model = view.model()
    seen_first = False
    for row in range(1, model.rowCount()):
        for column in range(model.columnCount()):
            index = model.index(row, column)
            text = str(index.data(Qt.ItemDataRole.DisplayRole))
            seen_first = seen_first or text == "1"
            if seen_first and text == str(day):
                rect = view.visualRect(index)
                image = view.viewport().grab().toImage()
                return [
                    QColor(image.pixel(x, y))
                    for x in range(rect.center().x(), rect.right())
                    for y in range(rect.top(), rect.top() + rect.height() // 4)
                ]
    raise AssertionError(f"day {day} not shown")


def near(colour: QColor, wanted: QColor) -> bool:
    """The same hue, clearly coloured (anti-aliased strokes are lighter than the pen)."""
    turn = abs(colour.hslHue() - wanted.hslHue()) % 360
    return colour.saturation() > 60 and min(turn, 360 - turn) < 20


@pytest.fixture
def october(qtbot):
    calendar = HolidayCalendar(calendar=WorkCalendar())
    qtbot.addWidget(calendar)
    calendar.setSelectedDate(QDate(2026, 10, 20))
    calendar.setCurrentPage(2026, 10)
    calendar.resize(420, 300)
    calendar.show()
    qtbot.waitExposed(calendar)
    return calendar


def test_the_widget_draws_the_marks_and_says_why(october: HolidayCalendar):
    assert october.mark(date(2026, 10, 1)) == HOLIDAY
    assert october.mark(date(2026, 10, 10)) == WORKDAY
    national_day = october.dateTextFormat(QDate(2026, 10, 3))
    assert national_day.foreground().color() == HOLIDAY_COLOUR
    assert national_day.toolTip() == "国庆节 放假"
    make_up = october.dateTextFormat(QDate(2026, 10, 10))
    assert make_up.toolTip() == "国庆节 调休上班"
    assert make_up.foreground().color() != HOLIDAY_COLOUR  # a working day, not weekend red
    assert any(near(c, HOLIDAY_COLOUR) for c in cell_corner_colours(october, 1))
    assert any(near(c, WORKDAY_COLOUR) for c in cell_corner_colours(october, 10))
    assert not any(c.saturation() > 80 for c in cell_corner_colours(october, 17))
    assert not any(c.saturation() > 80 for c in cell_corner_colours(october, 14))


def test_reference_years_get_plain_tooltips(qtbot):
    calendar = WorkCalendar()
    calendar.extend({"2031": {"holidays": ["2031-01-01"], "workdays": ["2031-01-04"]}})
    widget = HolidayCalendar(calendar=calendar)
    qtbot.addWidget(widget)
    widget.setCurrentPage(2031, 1)
    assert widget.dateTextFormat(QDate(2031, 1, 1)).toolTip() == "法定节假日 放假"
    assert widget.dateTextFormat(QDate(2031, 1, 4)).toolTip() == "调休上班"


def test_turning_the_page_marks_the_new_month(october: HolidayCalendar):
    october.setCurrentPage(2026, 2)
    assert october.mark(date(2026, 2, 17)) == HOLIDAY  # 春节
    assert october.mark(date(2026, 2, 28)) == WORKDAY
    assert october.dateTextFormat(QDate(2026, 10, 3)).toolTip() == ""  # October's are gone
    assert october.mark(date(2026, 10, 3)) is None


def test_the_editors_date_time_boxes_pop_up_the_holiday_calendar(qtbot):
    editor = FilingEditor(load_definition())
    qtbot.addWidget(editor)
    boxes = editor.findChildren(QDateTimeEdit)
    assert len(boxes) >= 2
    for box in boxes:
        assert box.calendarPopup()
        assert isinstance(box.calendarWidget(), HolidayCalendar)


def test_open_pickers_mark_reference_years_that_arrive_later(qtbot):
    from desktop.ui import holiday_calendar

    editor = FilingEditor(load_definition())  # its date boxes, made before the data came
    qtbot.addWidget(editor)
    picker = editor.findChildren(QDateTimeEdit)[0].calendarWidget()
    assert isinstance(picker, HolidayCalendar)
    picker.setCurrentPage(2031, 1)
    assert picker.mark(date(2031, 1, 1)) is None  # a year chinesecalendar does not know
    calendar = WorkCalendar()
    calendar.extend({"2031": {"holidays": ["2031-01-01"], "workdays": ["2031-01-04"]}})
    try:
        holiday_calendar.set_work_calendar(calendar)
        assert picker.mark(date(2031, 1, 1)) == HOLIDAY
        assert picker.dateTextFormat(QDate(2031, 1, 4)).toolTip() == "调休上班"
    finally:
        holiday_calendar.set_work_calendar(None)
