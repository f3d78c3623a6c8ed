"""The filings list as a table model that pages through the store.

Only the rows a view has asked for are loaded (``fetchMore`` one page at a time), and
searching, filtering and sorting are done by the store, so a hundred thousand filings
cost no more than a few hundred.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from desktop.store.api import QUEUED, RETURNED, SENT, FilingRow, FilingSummary, ListQuery
from desktop.ui import style
from desktop.ui.labels import revision_label, status_label
from forms.record import SHANGHAI, BadTimestamp, parse_timestamp

PAGE_SIZE = 200

# Column ids, in display order, with the store's sort key (None: not sortable).
COLUMNS: tuple[tuple[str, str | None], ...] = (
    ("status", "status"),
    ("enterprise", "enterprise"),
    ("lead_unit", None),
    ("inspection_start", "inspection_start"),
    ("receipt", "receipt"),
    ("updated_at", "updated_at"),
)
COLUMN_IDS = tuple(c for c, _ in COLUMNS)

FILING_ID_ROLE = Qt.ItemDataRole.UserRole + 1

_STATUS_COLOURS = {
    QUEUED: QColor(style.INFO),
    SENT: QColor(style.OK),
    RETURNED: QColor(style.ERROR),
}

_Index = QModelIndex | QPersistentModelIndex


def short_time(value: str) -> str:
    """2026-12-03 09:00 in Shanghai time; what was stored if it is not a timestamp."""
    if not value:
        return ""
    try:
        moment = parse_timestamp(value)
    except BadTimestamp:
        return value
    return moment.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")


def summary_of(row: FilingRow) -> FilingSummary:
    """The list's view of a stored filing (used to refresh a row after an autosave)."""
    filing = row.filing
    found = filing.get("enterprise")
    enterprise: dict[str, Any] = found if isinstance(found, dict) else {}
    return FilingSummary(
        id=row.id,
        revision=row.revision,
        status=row.status,
        enterprise=str(enterprise.get("name") or ""),
        uscc=str(enterprise.get("uscc") or ""),
        lead_unit=str(filing.get("lead_unit") or ""),
        inspection_start=str(filing.get("inspection_start") or ""),
        receipt=row.receipt,
        updated_at=row.updated_at,
    )


class FilingsModel(QAbstractTableModel):
    def __init__(self, store, parent=None) -> None:
        super().__init__(parent)
        self._store = store
        self._query = ListQuery(limit=PAGE_SIZE)
        self._rows: list[FilingSummary] = []
        self._ids: dict[str, int] = {}
        self._total = 0

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
        self._total = self._store.count_filings(self._query)
        self._append(self._store.list_filings(self._query))
        self.endResetModel()

    def total(self) -> int:
        """How many filings match the query (loaded or not)."""
        return self._total

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
        self.dataChanged.emit(self.index(index, 0), self.index(index, len(COLUMNS) - 1))

    # --- paging ---------------------------------------------------------------------
    def canFetchMore(self, parent: _Index = QModelIndex()) -> bool:  # noqa: B008, N802
        return not parent.isValid() and len(self._rows) < self._total

    def fetchMore(self, parent: _Index = QModelIndex()) -> None:  # noqa: B008, N802
        if parent.isValid():
            return
        page = self._store.list_filings(dataclasses.replace(self._query, offset=len(self._rows)))
        fresh = [s for s in page if s.id not in self._ids]
        if not fresh:
            # The store has fewer rows than counted (deleted meanwhile): stop asking.
            self._total = len(self._rows)
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
            self.tr("检查对象"),
            self.tr("牵头单位"),
            self.tr("检查时间"),
            self.tr("回执号"),
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
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(s, column)
        if role == Qt.ItemDataRole.ForegroundRole and column == "status":
            colour = _STATUS_COLOURS.get(s.status)
            return QBrush(colour) if colour is not None else None
        if role == Qt.ItemDataRole.FontRole and s.status == RETURNED and column == "status":
            font = QFont()
            font.setBold(True)
            return font
        return None

    def _display(self, s: FilingSummary, column: str) -> str:
        if column == "status":
            text = status_label(s.status)
            return f"{text} · {revision_label(s.revision)}" if s.revision > 1 else text
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

    def _tooltip(self, s: FilingSummary, column: str) -> str | None:
        if column == "enterprise" and s.uscc:
            return f"{s.enterprise}\n{self.tr('统一社会信用代码')}：{s.uscc}"
        if column == "receipt" and not s.receipt:
            return self.tr("尚未收到优化营商环境部门的回执")
        text = self._display(s, column)
        return text or None
