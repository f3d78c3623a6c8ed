"""The filings list as a table model that pages through the store.

Only the rows a view has asked for are loaded (``fetchMore`` one page at a time), and
searching, filtering and sorting are done by the store, so a hundred thousand filings
cost no more than a few hundred.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QIcon
from PySide6.QtWidgets import QApplication, QStyle

from desktop.filing_summary import PENDING, POST_HOC, PRIOR, PostHocDue, summary_due, summary_of
from desktop.store.api import QUEUED, RETURNED, SENT, FilingRow, FilingSummary, ListQuery
from desktop.ui import style
from desktop.ui.labels import reviewed_label, revision_label, status_label
from forms.record import SHANGHAI, BadTimestamp, now, parse_timestamp
from forms.workdays import WorkCalendar

DEFAULT_POST_HOC_WORKDAYS = 5  # until the window gives the form definition's

PAGE_SIZE = 200

# Column ids, in display order, with the store's sort key (None: not sortable).
# What says what a filing is and where it stands comes first, so that a list about
# half a 1366-pixel screen wide shows it all; the lead unit and last change may scroll.
COLUMNS: tuple[tuple[str, str | None], ...] = (
    ("status", "status"),
    ("kind", None),
    ("enterprise", "enterprise"),
    ("inspection_start", "inspection_start"),
    ("deadline", None),
    ("receipt", "receipt"),
    ("lead_unit", None),
    ("updated_at", "updated_at"),
)
COLUMN_IDS = tuple(c for c, _ in COLUMNS)

FILING_ID_ROLE = Qt.ItemDataRole.UserRole + 1

_LATE_COLOUR = QColor(style.ERROR)
_STATUS_COLOURS = {
    QUEUED: QColor(style.INFO),
    SENT: QColor(style.OK),
    RETURNED: QColor(style.ERROR),
}

_Index = QModelIndex | QPersistentModelIndex


def _hint_icon() -> QIcon:
    return QApplication.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxInformation)


def short_time(value: str) -> str:
    """2026-12-03 09:00 in Shanghai time; what was stored if it is not a timestamp."""
    if not value:
        return ""
    try:
        moment = parse_timestamp(value)
    except BadTimestamp:
        return value
    return moment.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")


class FilingsModel(QAbstractTableModel):
    def __init__(self, store, parent=None) -> None:
        super().__init__(parent)
        self._store = store
        self._query = ListQuery(limit=PAGE_SIZE)
        self._rows: list[FilingSummary] = []
        self._ids: dict[str, int] = {}
        self._total = 0
        self._capped = False
        self._calendar = WorkCalendar()
        self._post_hoc_workdays = DEFAULT_POST_HOC_WORKDAYS
        # The office's cross-filing hints per (id, revision), read when a row is first
        # shown and forgotten on reload (desktop.office_hints).
        self._hints: dict[tuple[str, int], list[str]] = {}

    # --- post-hoc deadlines ---------------------------------------------------------
    def set_deadline_rule(self, calendar: WorkCalendar, working_days: int) -> None:
        """The working-day calendar (with the office's years) and the form's N days."""
        self._calendar = calendar
        self._post_hoc_workdays = working_days
        if self._rows:
            column = COLUMN_IDS.index("deadline")
            self.dataChanged.emit(self.index(0, column), self.index(len(self._rows) - 1, column))

    def deadline_rule(self) -> tuple[WorkCalendar, int]:
        return self._calendar, self._post_hoc_workdays

    def due(self, s: FilingSummary) -> PostHocDue | None:
        return summary_due(s, now().date(), self._calendar, self._post_hoc_workdays)

    # --- what the list shows --------------------------------------------------------
    def query(self) -> ListQuery:
        return self._query

    def set_query(self, query: ListQuery) -> None:
        self._query = dataclasses.replace(query, limit=PAGE_SIZE, offset=0)
        self.reload()

    def reload(self) -> None:
        """Start again from the first page (after a change that may move rows)."""
        self.beginResetModel()
        self._rows = []
        self._ids = {}
        self._hints = {}
        matches = self._store.count_matches(self._query)  # stops at COUNT_CAP
        self._total, self._capped = matches.count, matches.capped
        self._append(self._store.list_filings(self._query))
        self.endResetModel()

    def count(self, query: ListQuery) -> int:
        """How many filings match another query (a reminder's count), from the store."""
        return self._store.count_filings(query)

    def total(self) -> int:
        """How many filings match the query (loaded or not); at least this if ``capped``."""
        return self._total

    def capped(self) -> bool:
        """More filings match than the store counts (``total`` is its cap)."""
        return self._capped

    def loaded(self) -> int:
        return len(self._rows)

    def summary(self, row: int) -> FilingSummary:
        return self._rows[row]

    def row_of(self, filing_id: str) -> int | None:
        return self._ids.get(filing_id)

    def refresh_filing(self, row: FilingRow) -> None:
        """Show a saved filing's new values in place, without moving rows around."""
        index = self._ids.get(row.id)
        if index is None:
            return
        self._rows[index] = summary_of(row)
        self._hints.pop((row.id, row.revision), None)
        self.dataChanged.emit(self.index(index, 0), self.index(index, len(COLUMNS) - 1))

    # --- paging ---------------------------------------------------------------------
    def canFetchMore(self, parent: _Index = QModelIndex()) -> bool:  # noqa: B008, N802
        return not parent.isValid() and (self._capped or len(self._rows) < self._total)

    def fetchMore(self, parent: _Index = QModelIndex()) -> None:  # noqa: B008, N802
        if parent.isValid():
            return
        page = self._store.list_filings(dataclasses.replace(self._query, offset=len(self._rows)))
        fresh = [s for s in page if s.id not in self._ids]
        if not fresh:
            # The store has fewer rows than counted (deleted meanwhile): stop asking.
            self._total, self._capped = len(self._rows), False
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(fresh) - 1)
        self._append(fresh)
        self.endInsertRows()

    def _append(self, summaries: list[FilingSummary]) -> None:
        for s in summaries:
            if s.id in self._ids:
                continue
            self._ids[s.id] = len(self._rows)
            self._rows.append(s)

    # --- sorting --------------------------------------------------------------------
    @staticmethod
    def sortable(column: int) -> bool:
        return 0 <= column < len(COLUMNS) and COLUMNS[column][1] is not None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not self.sortable(column):
            return
        key = COLUMNS[column][1]
        assert key is not None  # sortable columns have a sort key
        descending = order == Qt.SortOrder.DescendingOrder
        if key == self._query.sort and descending == self._query.descending:
            return
        self._query = dataclasses.replace(self._query, sort=key, descending=descending, offset=0)
        self.reload()

    # --- Qt model -------------------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:  # noqa: N802
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._headers()[section]
        if role == Qt.ItemDataRole.ToolTipRole and not self.sortable(section):
            return self.tr("此列不能排序")
        return None

    def _headers(self) -> list[str]:
        return [
            self.tr("状态"),
            self.tr("类型"),
            self.tr("检查对象"),
            self.tr("检查时间"),
            self.tr("补报截止"),
            self.tr("回执号"),
            self.tr("牵头单位"),
            self.tr("最后修改"),
        ]

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        s = self._rows[index.row()]
        column = COLUMN_IDS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(s, column)
        if role == FILING_ID_ROLE:
            return s.id
        if role == Qt.ItemDataRole.DecorationRole and column == "status":
            # 提示: the office has cross-filing hints on this filing (联合检查, 重复 …).
            return _hint_icon() if self.hints(s) else None
        if role == Qt.ItemDataRole.ToolTipRole and column == "status" and self.hints(s):
            return self.tr("优化营商环境部门提示：") + "\n" + "\n".join(self.hints(s))
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(s, column)
        if role == Qt.ItemDataRole.ForegroundRole and column == "status":
            colour = _STATUS_COLOURS.get(s.status)
            return QBrush(colour) if colour is not None else None
        if role == Qt.ItemDataRole.ForegroundRole and column == "deadline":
            due = self.due(s)
            late = due is not None and s.status in PENDING and due.soon
            return QBrush(_LATE_COLOUR) if late else None
        if role == Qt.ItemDataRole.FontRole and s.status == RETURNED and column == "status":
            font = QFont()
            font.setBold(True)
            return font
        return None

    def hints(self, s: FilingSummary) -> list[str]:
        """The office's cross-filing hints on a sent or returned filing."""
        if s.status not in (SENT, RETURNED):
            return []
        key = (s.id, s.revision)
        if key not in self._hints:
            from desktop.office_hints import office_hints

            self._hints[key] = office_hints(self._store, s.id, s.revision)
        return self._hints[key]

    def _display(self, s: FilingSummary, column: str) -> str:
        if column == "status":
            text = reviewed_label() if s.reviewed else status_label(s.status)
            return f"{text} · {revision_label(s.revision)}" if s.revision > 1 else text
        if column == "kind":
            return {PRIOR: self.tr("事前"), POST_HOC: self.tr("补报")}.get(s.kind, "")
        if column == "deadline":
            return self._deadline_text(s)
        if column == "enterprise":
            return s.enterprise or self.tr("（未填写企业）")
        if column == "lead_unit":
            return s.lead_unit
        if column == "inspection_start":
            return short_time(s.inspection_start)
        if column == "receipt":
            return s.receipt or ""
        if column == "updated_at":
            return short_time(s.updated_at)
        return ""

    def _deadline_text(self, s: FilingSummary) -> str:
        """12-03 还剩 2 个工作日 / 已逾期 1 个工作日 / 今天截止 while the clerk still has
        to act; only the date once submitted."""
        due = self.due(s)
        if due is None:
            return ""
        day = due.deadline.strftime("%m-%d")
        if s.status not in PENDING:
            return day
        if due.overdue:
            return day + " " + self.tr("已逾期 %1 个工作日").replace("%1", str(due.overdue))
        if due.left == 0:
            return day + " " + self.tr("今天截止")
        return day + " " + self.tr("还剩 %1 个工作日").replace("%1", str(due.left))

    def _tooltip(self, s: FilingSummary, column: str) -> str | None:
        if column == "deadline":
            due = self.due(s)
            if due is None:
                return None
            text = (
                self.tr("补报截止：%1（检查结束后 %2 个工作日）")
                .replace("%1", due.deadline.isoformat())
                .replace("%2", str(self._post_hoc_workdays))
            )
            if due.estimated:
                text += "\n" + self.tr("截止日按周一至周五估算（缺少该年的节假日安排）。")
            return text
        if column == "enterprise" and s.uscc:
            return f"{s.enterprise}\n{self.tr('统一社会信用代码')}：{s.uscc}"
        if column == "receipt" and not s.receipt:
            return self.tr("尚未收到优化营商环境部门的回执")
        text = self._display(s, column)
        return text or None
