"""The computed deadline of a post-hoc filing, shown under its fields: the day and how it
stands today (还剩 N 个工作日 / 今天截止 / 已逾期 N 个工作日), counted by
``desktop.post_hoc.deadline_status``."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from desktop.post_hoc import deadline_status
from desktop.ui.editor.problems import ERROR_COLOUR, WARNING_COLOUR
from forms.display import date_text
from forms.workdays import Deadline, WorkCalendar


class DeadlineLabel(QLabel):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

    def show_deadline(self, deadline: Deadline | None, today: date, calendar: WorkCalendar) -> None:
        if deadline is None:
            self.setText(self.tr("填写检查结束时间后自动计算"))
            self.setStyleSheet("")
            self.setToolTip("")
            return
        text = date_text(deadline.day)
        colour = ""
        status = deadline_status(deadline.day, today, calendar)
        if status.is_overdue:
            text += self.tr("，已逾期 %1 个工作日").replace("%1", str(status.overdue))
            colour = ERROR_COLOUR
        elif status.left:
            text += self.tr("，还剩 %1 个工作日").replace("%1", str(status.left))
        else:
            text += self.tr("，今天截止")
            colour = WARNING_COLOUR
        if deadline.estimated:
            text += self.tr("（估算）")
            self.setToolTip(
                self.tr("节假日安排尚未收录的年份按周一至周五估算，请以国务院公布的安排为准。")
            )
            colour = colour or WARNING_COLOUR
        else:
            self.setToolTip("")
        # The words say it; the colour only adds to them.
        self.setStyleSheet(f"color: {colour};" if colour else "")
        self.setText(text)
