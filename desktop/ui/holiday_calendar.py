"""The date pickers' calendar: China's public holidays and make-up workdays (调休) marked.

A clerk choosing an inspection day, or counting the five working days of a post-hoc
filing, needs to see that 10月1日–7日 are days off and that a Sunday is a working day.
The days come from ``forms.workdays`` (chinesecalendar, plus years the office's reference
data adds): every day of a holiday period is red with 休 in its corner, weekends inside
it included; a weekend day that is a make-up workday is drawn as a working day with 班.
The tooltip names the holiday where chinesecalendar knows it.
"""

from __future__ import annotations

import contextlib
import weakref
from datetime import date, timedelta

from PySide6.QtCore import QDate, QRect, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QTextCharFormat
from PySide6.QtWidgets import QCalendarWidget, QSpinBox, QTableView, QWidget

from desktop.ui import style
from forms.workdays import WorkCalendar

HOLIDAY = "holiday"  # a day off of a public holiday period
WORKDAY = "workday"  # a weekend day worked to make up for a holiday (调休上班)

HOLIDAY_COLOUR = QColor(style.HOLIDAY)
WORKDAY_COLOUR = QColor(style.WORKDAY)

_work_calendar: WorkCalendar | None = None


_following: weakref.WeakSet[HolidayCalendar] = weakref.WeakSet()  # pickers of the default


def set_work_calendar(calendar: WorkCalendar | None) -> None:
    """The calendar the pickers use (the store's, with the office's reference years);
    None: chinesecalendar alone. Pickers already open mark their page again with it
    (new reference data arrived while the desk runs)."""
    global _work_calendar
    _work_calendar = calendar
    for picker in list(_following):
        with contextlib.suppress(RuntimeError):  # its C++ side is gone
            picker.use_calendar(work_calendar())


def work_calendar() -> WorkCalendar:
    global _work_calendar
    if _work_calendar is None:
        _work_calendar = WorkCalendar()
    return _work_calendar


def day_marks(calendar: WorkCalendar, first: date, last: date) -> dict[date, str]:
    """The days from ``first`` to ``last`` that differ from an ordinary week.

    A run of consecutive days off that holds a weekday off is a holiday period: all its
    days are HOLIDAY (so 国庆 shows as one block, its weekend included); an ordinary
    weekend is not marked. A Saturday or Sunday that is a working day is WORKDAY. Years
    the calendar does not know count as ordinary weeks, so nothing is marked there.
    """
    # Look a week beyond both ends: a holiday period crossing the edge is still seen whole.
    start, end = first - timedelta(days=7), last + timedelta(days=7)
    marks: dict[date, str] = {}
    run: list[date] = []
    day = start
    while day <= end + timedelta(days=1):
        working = day > end or calendar.is_workday(day)[0]
        if not working:
            run.append(day)
        else:
            if any(d.weekday() < 5 for d in run):
                marks.update(dict.fromkeys(run, HOLIDAY))
            run = []
            if day <= end and day.weekday() >= 5:
                marks[day] = WORKDAY
        day += timedelta(days=1)
    return {d: mark for d, mark in marks.items() if first <= d <= last}


def holiday_name(day: date) -> str | None:
    """The Chinese name of the holiday ``day`` belongs to (or is worked for), if known."""
    import chinese_calendar
    from chinese_calendar.constants import Holiday

    try:
        _on_holiday, name = chinese_calendar.get_holiday_detail(day)
    except NotImplementedError:
        return None
    if not name:
        return None
    try:
        return str(Holiday(name).chinese)
    except ValueError:
        return None


class HolidayCalendar(QCalendarWidget):
    """A QCalendarWidget that marks holidays (休, red) and make-up workdays (班)."""

    def __init__(self, parent: QWidget | None = None, calendar: WorkCalendar | None = None):
        super().__init__(parent)
        self.setObjectName("holidayCalendar")
        self.setFirstDayOfWeek(Qt.DayOfWeek.Monday)
        self.setVerticalHeaderFormat(QCalendarWidget.VerticalHeaderFormat.NoVerticalHeader)
        # Room for the 休/班 mark beside each number: two lines of text a row.
        em = self.fontMetrics().horizontalAdvance("中")
        self.setMinimumSize(em * 24, em * 17)
        self.setAccessibleName(self.tr("日历"))
        # Qt's own parts get names a screen reader can say.
        year = self.findChild(QSpinBox, "qt_calendar_yearedit")
        if year is not None:
            year.setAccessibleName(self.tr("年份"))
            year.lineEdit().setAccessibleName(self.tr("年份"))
        view = self.findChild(QTableView, "qt_calendar_calendarview")
        if view is not None:
            view.setAccessibleName(self.tr("日期"))
        self._calendar = calendar or work_calendar()
        if calendar is None:
            _following.add(self)
        self.marks: dict[date, str] = {}
        self.currentPageChanged.connect(self._mark_page)
        self._mark_page(self.yearShown(), self.monthShown())

    def use_calendar(self, calendar: WorkCalendar) -> None:
        self._calendar = calendar
        self._mark_page(self.yearShown(), self.monthShown())

    def mark(self, day: date) -> str | None:
        return self.marks.get(day)

    def _mark_page(self, year: int, month: int) -> None:
        # The grid shows up to six weeks: from the week before the 1st to after the month.
        first = date(year, month, 1)
        last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        self.marks = day_marks(self._calendar, first - timedelta(days=7), last + timedelta(days=14))
        self.setDateTextFormat(QDate(), QTextCharFormat())  # forget the last page's marks
        for day, mark in self.marks.items():
            fmt = QTextCharFormat()
            name = holiday_name(day)
            if mark == HOLIDAY:
                fmt.setForeground(HOLIDAY_COLOUR)
                fmt.setToolTip(self.tr("%1 放假").replace("%1", name or self.tr("法定节假日")))
            else:
                # Drawn like any working day, not in the weekend's red.
                fmt.setForeground(self.palette().text())
                fmt.setToolTip(
                    self.tr("%1 调休上班").replace("%1", name) if name else self.tr("调休上班")
                )
            self.setDateTextFormat(QDate(day.year, day.month, day.day), fmt)
        self.updateCells()

    def paintCell(self, painter: QPainter, rect: QRect, qdate: QDate) -> None:  # noqa: N802
        super().paintCell(painter, rect, qdate)
        day = qdate.toPython()
        mark = self.marks.get(day) if isinstance(day, date) else None
        if mark is None:
            return
        painter.save()
        # Just above and right of the day's number, inside the cell.
        number = QFontMetrics(self.font()).horizontalAdvance(str(qdate.day()))
        font = QFont(self.font())
        font.setPointSizeF(max(6.0, font.pointSizeF() * 0.62))
        painter.setFont(font)
        painter.setPen(HOLIDAY_COLOUR if mark == HOLIDAY else WORKDAY_COLOUR)
        text = self.tr("休") if mark == HOLIDAY else self.tr("班")
        width = QFontMetrics(font).horizontalAdvance(text)
        left = min(rect.center().x() + number // 2 + 2, rect.right() - width - 1)
        badge = QRect(left, rect.top() + 1, width + 1, rect.height() // 2)
        painter.drawText(badge, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop, text)
        painter.restore()
