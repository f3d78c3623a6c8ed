"""How problems look: a message line under each field and a summary list that jumps.

Errors and warnings differ by a written prefix (错误 / 提醒) and an icon in the summary,
and also by colour — never by colour alone.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QLabel,
    QListWidget,
    QListWidgetItem,
    QSizePolicy,
    QStyle,
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
    """Every problem on show, errors first; activating one asks to jump to its field."""

    jump = Signal(str)  # the problem's field path

    def __init__(self, definition: FormDefinition, parent: QWidget | None = None):
        super().__init__(parent)
        self._definition = definition
        self.heading = QLabel(self)
        self.heading.setWordWrap(True)
        self.list = QListWidget(self)
        self.list.setAccessibleName(self.tr("问题列表"))
        self.list.setWordWrap(True)
        self.list.setUniformItemSizes(False)
        self.list.itemActivated.connect(self._activated)
        self.list.itemClicked.connect(self._activated)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.heading)
        layout.addWidget(self.list)
        self.problems: list[Problem] = []
        self.hide()

    def set_problems(self, problems: list[Problem], place=lambda p: 0) -> None:
        """Show ``problems``: errors first, each kind in the order ``place`` gives
        (the editor passes the field's position on the paper)."""
        ordered = sorted(problems, key=lambda p: (not p.is_error, place(p)))
        if ordered == self.problems:
            return
        self.problems = ordered
        self.list.clear()
        if not ordered:
            self.hide()
            return
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
        warnings = len(ordered) - errors
        self.heading.setText(
            self.tr("发现 %1 个错误、%2 个提醒。选中一条可跳到对应的填写项。")
            .replace("%1", str(errors))
            .replace("%2", str(warnings))
        )
        self.show()
        self.fit()

    def set_height_limit(self, pixels: int) -> None:
        """The most the list may take (the editor gives a quarter of its height)."""
        self._limit = pixels
        self.fit()

    def fit(self) -> None:
        # Four entries at most, and never more than the limit: the list scrolls beyond
        # that and the form stays in view, even on a small screen at 200 %.
        rows = sum(self.list.sizeHintForRow(i) for i in range(min(self.list.count(), 4)))
        frame = 2 * self.list.frameWidth()
        line = self.list.fontMetrics().lineSpacing()
        limit = max(getattr(self, "_limit", 1 << 20), line * 2 + frame)
        self.list.setMaximumHeight(min(rows + frame, limit))

    def _activated(self, item: QListWidgetItem) -> None:
        self.jump.emit(item.data(PATH_ROLE))
