"""How problems look: a message line under each field and a summary list that jumps.

Errors and warnings differ by a written prefix (错误 / 提醒) and an icon in the summary,
and also by colour — never by colour alone.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFontMetrics, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QSizePolicy,
    QStyle,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from desktop.ui import style
from forms.definition import FormDefinition
from forms.problems import Problem

# Dark enough to read on white and on the usual light window colours (WCAG AA).
ERROR_COLOUR = style.ERROR
WARNING_COLOUR = style.WARNING
PATH_ROLE = Qt.ItemDataRole.UserRole + 1
# Lines of text the summary list always has room for, whatever it holds: two problems of
# two lines each, five short ones, or the lateness warning where the editor is narrowest
# (1024 × 768 at 150 %), read whole without scrolling — five, not four, because its
# overdue count grows to two and three digits and then needs a fifth line. More scrolls.
SUMMARY_LINES = 5

_STEP = re.compile(r"([A-Za-z0-9_]+)(?:\[(\d+)\])?")


def severity_prefix(p: Problem) -> str:
    return (
        QCoreApplication.translate("FilingEditor", "错误：")
        if p.is_error
        else QCoreApplication.translate("FilingEditor", "提醒：")
    )


def location_text(definition: FormDefinition, path: str) -> str:
    """Where a problem is, in the clerk's words: 其他检查人员 第2行 · 执法证号."""
    parts: list[str] = []
    prefix = ""
    for step in path.split("."):
        m = _STEP.fullmatch(step)
        if m is None:
            return path
        name, index = m.groups()
        prefix = f"{prefix}.{name}" if prefix else name
        try:
            label = definition.label(prefix)
        except KeyError:
            return path
        if index is not None:
            f = definition.field(prefix)
            row = (
                QCoreApplication.translate("FilingEditor", "第%1行")
                if f.is_repeat
                else QCoreApplication.translate("FilingEditor", "第%1项")
            )
            label = f"{label} {row.replace('%1', str(int(index) + 1))}"
        parts.append(label)
        if index is not None:
            prefix += "[]"
    return " · ".join(parts)


class MessageLine(QLabel):
    """The messages of one field, under it; hidden when there are none."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.problems: list[Problem] = []
        self.hide()

    def set_problems(self, problems: list[Problem]) -> None:
        if problems == self.problems:
            return
        self.problems = list(problems)
        if not problems:
            self.clear()
            self.hide()
            return
        self.setText("\n".join(severity_prefix(p) + p.message for p in problems))
        worst = ERROR_COLOUR if any(p.is_error for p in problems) else WARNING_COLOUR
        self.setStyleSheet(f"color: {worst};")
        self.setProperty("severity", "error" if worst == ERROR_COLOUR else "warning")
        self.show()


class ProblemSummary(QWidget):
    """Every problem on show, errors first; activating one asks to jump to its field.

    It keeps one height whatever it holds (set from the editor's size, never from the
    problems), so the form below never moves while problems come and go. Each entry is
    as tall as its wrapped text: nothing in it is cut, and more entries scroll.
    """

    jump = Signal(str)  # the problem's field path

    def __init__(self, definition: FormDefinition, parent: QWidget | None = None):
        super().__init__(parent)
        self._definition = definition
        self._limit = 1 << 20
        self.heading = QLabel(self)
        self.heading.setWordWrap(True)
        self.list = QListWidget(self)
        self.list.setAccessibleName(self.tr("问题列表"))
        self.list.setWordWrap(True)
        self.list.setUniformItemSizes(False)
        self.list.setResizeMode(QListView.ResizeMode.Adjust)
        self.list.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.list.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.list.itemActivated.connect(self._activated)
        self.list.itemClicked.connect(self._activated)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.heading)
        layout.addWidget(self.list)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.problems: list[Problem] = []
        self._idle = True
        self._complete = False
        self._show_idle()
        self.fit()

    def _idle_text(self) -> str:
        return self.tr("离开一项后，发现的问题列在这里；点“保存并检查”可查看全部问题。")

    def _checked_text(self) -> str:
        return self.tr("已检查全部填写项。")

    def _found_text(self, errors: int, warnings: int) -> str:
        return (
            self.tr("发现 %1 个错误、%2 个提醒。选中一条可跳到对应的填写项。")
            .replace("%1", str(errors))
            .replace("%2", str(warnings))
        )

    def _show_idle(self) -> None:
        # After a full check the hint to press 保存并检查 has been followed.
        self.heading.setText(self._checked_text() if self._complete else self._idle_text())
        self.list.clear()
        item = QListWidgetItem(self.tr("暂未发现问题。"))
        item.setFlags(Qt.ItemFlag.NoItemFlags)  # not a problem: nothing to select
        self.list.addItem(item)

    def set_problems(
        self,
        problems: list[Problem],
        place: Callable[[Problem], int] = lambda p: 0,
        *,
        complete: bool = False,
    ) -> None:
        """Show ``problems``: errors first, each kind in the order ``place`` gives
        (the editor passes the field's position on the paper). ``complete``: every
        problem of the filing is shown (after 保存并检查), not only those of fields left."""
        ordered = sorted(problems, key=lambda p: (not p.is_error, place(p)))
        if ordered == self.problems and not (self._idle and ordered):
            if self._idle and complete != self._complete:
                self._complete = complete
                self._show_idle()
            return
        self._complete = complete
        self.problems = ordered
        self.list.clear()
        if not ordered:
            self._idle = True
            self._show_idle()
            self.fit()
            return
        self._idle = False
        style = self.style()
        error_icon = style.standardIcon(QStyle.StandardPixmap.SP_MessageBoxCritical)
        warning_icon = style.standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        for p in ordered:
            where = location_text(self._definition, p.field)
            item = QListWidgetItem(f"{severity_prefix(p)}{where} — {p.message}")
            item.setIcon(error_icon if p.is_error else warning_icon)
            item.setForeground(QColor(ERROR_COLOUR if p.is_error else WARNING_COLOUR))
            item.setData(PATH_ROLE, p.field)
            item.setToolTip(p.message)
            self.list.addItem(item)
        errors = sum(1 for p in ordered if p.is_error)
        self.heading.setText(self._found_text(errors, len(ordered) - errors))
        self.fit()

    def set_height_limit(self, pixels: int) -> None:
        """The most the list may take (the editor gives a third of its height)."""
        self._limit = pixels
        self.fit()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        self.fit()

    def entry_height(self, row: int) -> int:
        """How tall row ``row`` must be for all of its wrapped text at the list's width:
        the style's own measure, the one the list's delegate draws by (its sizeHint would
        only return the hint already set)."""
        item = self.list.item(row)
        option = QStyleOptionViewItem()
        self.list.initViewItemOption(option)
        option.rect = QRect(0, 0, self.list.viewport().width(), 1)
        option.text = item.text()
        option.features |= QStyleOptionViewItem.ViewItemFeature.HasDisplay
        option.features |= QStyleOptionViewItem.ViewItemFeature.WrapText
        if not item.icon().isNull():
            option.icon = item.icon()
            option.features |= QStyleOptionViewItem.ViewItemFeature.HasDecoration
        size = self.list.style().sizeFromContents(
            QStyle.ContentsType.CT_ItemViewItem, option, QSize(), self.list
        )
        return size.height()

    def fit(self) -> None:
        """Entries as tall as their wrapped text; the list's and heading's heights from
        the available width and the editor's size only."""
        line = self.list.fontMetrics().lineSpacing()
        frame = 2 * self.list.frameWidth()
        width = self.list.viewport().width()
        pad = max(line // 3, 4)
        for i in range(self.list.count()):
            hint = QSize(width, max(self.entry_height(i), line) + pad)
            if self.list.item(i).sizeHint() != hint:  # each change lays the list out again
                self.list.item(i).setSizeHint(hint)
        # SUMMARY_LINES lines, the pad under each entry and the style's margins around its text
        # (about another pad).
        list_height = min(
            line * SUMMARY_LINES + pad * 3 + frame, max(self._limit, line * 2 + frame)
        )
        self.list.setFixedHeight(list_height)
        heading_width = max(self.width(), 40)
        heading_metrics = QFontMetrics(self.heading.font())
        heading_height = max(
            heading_metrics.boundingRect(
                QRect(0, 0, heading_width, 1 << 16), int(Qt.TextFlag.TextWordWrap), text
            ).height()
            for text in (self._idle_text(), self._checked_text(), self._found_text(99, 99))
        )
        self.heading.setFixedHeight(heading_height)

    def _activated(self, item: QListWidgetItem) -> None:
        path = item.data(PATH_ROLE)
        if path:
            self.jump.emit(path)
