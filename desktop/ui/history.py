"""The history panel: one filing's events (留痕), newest first, with their times."""

from __future__ import annotations

import json
from collections.abc import Iterable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from desktop.store.api import Event
from desktop.ui.filings_model import short_time
from desktop.ui.labels import event_label, revision_label


def _copies_text(copies: Iterable[object]) -> str:
    numbers = "、".join(str(c) for c in copies)
    return f"第 {numbers} 联" if numbers else ""


class HistoryPanel(QWidget):
    """Shows ``store.history(id)``; call :meth:`show_events` whenever it may have changed."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._title = QLabel(self.tr("历史记录"))
        self._title.setObjectName("historyTitle")
        font = self._title.font()
        font.setBold(True)
        self._title.setFont(font)

        self.tree = QTreeWidget()
        self.tree.setObjectName("historyTree")
        self.tree.setAccessibleName(self.tr("历史记录"))
        self.tree.setColumnCount(3)
        self.tree.setHeaderLabels([self.tr("时间"), self.tr("事件"), self.tr("说明")])
        self.tree.setRootIsDecorated(False)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.setSelectionMode(QTreeWidget.SelectionMode.SingleSelection)
        self._title.setBuddy(self.tree)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._title)
        layout.addWidget(self.tree)

    def clear(self) -> None:
        self.tree.clear()

    def show_events(self, events: list[Event]) -> None:
        self.tree.clear()
        for event in reversed(events):
            description = self.describe(event)
            item = QTreeWidgetItem([short_time(event.at), self._kind_text(event), description])
            if description:
                item.setToolTip(2, description)
            elif event.detail:
                item.setToolTip(2, json.dumps(event.detail, ensure_ascii=False, indent=1))
            item.setData(0, Qt.ItemDataRole.UserRole, event.kind)
            self.tree.addTopLevelItem(item)
        for column in range(2):
            self.tree.resizeColumnToContents(column)

    def _kind_text(self, event: Event) -> str:
        text = event_label(event.kind)
        return f"{text}（{revision_label(event.revision)}）" if event.revision > 1 else text

    def describe(self, event: Event) -> str:
        """A short Chinese line for an event's details (what the clerk needs to know)."""
        d = event.detail or {}
        if event.kind == "printed" and d.get("copies"):
            return _copies_text(d["copies"])
        if event.kind == "exported" and d.get("path"):
            return str(d["path"])
        if event.kind == "returned" and d.get("reason"):
            return self.tr("退回理由：") + str(d["reason"])
        if event.kind == "sent" and d.get("receipt"):
            receipt = d["receipt"]
            number = (
                receipt.get("receipt") or receipt.get("number")
                if isinstance(receipt, dict)
                else receipt
            )
            return self.tr("回执号：") + str(number or "")
        if event.kind == "failed" and (d.get("error") or d.get("message")):
            return str(d.get("error") or d.get("message"))
        if event.kind == "validated" and ("errors" in d or "warnings" in d):
            return (
                self.tr("错误 %1 个，提醒 %2 个")
                .replace("%1", str(d.get("errors", 0)))
                .replace("%2", str(d.get("warnings", 0)))
            )
        if event.kind == "revised" and d.get("from_revision"):
            return self.tr("由%1修改而来").replace("%1", revision_label(int(d["from_revision"])))
        return ""
