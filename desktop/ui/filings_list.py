"""The filings list with its search box and filters (layout and wiring only)."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

from PySide6.QtCore import QByteArray, QDate, QModelIndex, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.filing_summary import PENDING, POST_HOC, PRIOR, due_soon_query
from desktop.store.api import STATUSES, ListQuery
from desktop.ui.filings_model import COLUMN_IDS, FILING_ID_ROLE, FilingsModel
from desktop.ui.holiday_calendar import HolidayCalendar
from desktop.ui.labels import revision_label, status_label
from desktop.ui.notices import NoticeArea
from desktop.ui.store_errors import LOG, store_call
from forms.record import now

SEARCH_DEBOUNCE_MS = 250
DUE_SOON = "due_soon"
# Columns that should fit without scrolling: what a filing is and where it stands.
FIRST_SCREEN = (
    "status",
    "kind",
    "enterprise",
    "inspection_start",
    "deadline",
    "receipt",
)  # the type filter's 补报即将到期/已逾期

# Date filter presets (by inspection date).
ANY_DATE, TODAY, NEXT_7, LAST_30, THIS_MONTH, CUSTOM = range(6)


def _qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


def _pydate(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


class FilingsListPanel(QWidget):
    """Search box, status and date filters above the paged table of filings."""

    currentFilingChanged = Signal(str)  # noqa: N815 - Qt signal naming
    activated = Signal(str)  # Enter or double-click on a row

    def __init__(self, model: FilingsModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model

        self.search = QLineEdit()
        self.search.setObjectName("search")
        self.search.setAccessibleName(self.tr("搜索"))
        self.search.setPlaceholderText(self.tr("搜索企业、信用代码、人员、单位或任意文字"))
        self.search.setClearButtonEnabled(True)
        search_label = QLabel(self.tr("搜索"))
        search_label.setBuddy(self.search)

        self.status_filter = QComboBox()
        self.status_filter.setObjectName("statusFilter")
        self.status_filter.setAccessibleName(self.tr("状态"))
        self.status_filter.addItem(self.tr("全部状态"), "")
        for status in STATUSES:
            self.status_filter.addItem(status_label(status), status)
        status_label_widget = QLabel(self.tr("状态"))
        status_label_widget.setBuddy(self.status_filter)

        self.kind_filter = QComboBox()
        self.kind_filter.setObjectName("kindFilter")
        self.kind_filter.setAccessibleName(self.tr("类型"))
        self.kind_filter.addItem(self.tr("全部类型"), "")
        self.kind_filter.addItem(self.tr("事前备案"), PRIOR)
        self.kind_filter.addItem(self.tr("事后补报"), POST_HOC)
        self.kind_filter.addItem(self.tr("补报即将到期/已逾期"), DUE_SOON)
        kind_label = QLabel(self.tr("类型"))
        kind_label.setBuddy(self.kind_filter)

        self.date_filter = QComboBox()
        self.date_filter.setObjectName("dateFilter")
        self.date_filter.setAccessibleName(self.tr("检查日期"))
        for text in (
            self.tr("全部日期"),
            self.tr("今天"),
            self.tr("今后 7 天"),
            self.tr("最近 30 天"),
            self.tr("本月"),
            self.tr("自定义…"),
        ):
            self.date_filter.addItem(text)
        date_label = QLabel(self.tr("检查日期"))
        date_label.setBuddy(self.date_filter)

        today = now().date()
        self.date_from = QDateEdit(_qdate(today - timedelta(days=30)))
        self.date_from.setObjectName("dateFrom")
        self.date_from.setAccessibleName(self.tr("从"))
        self.date_to = QDateEdit(_qdate(today))
        self.date_to.setObjectName("dateTo")
        self.date_to.setAccessibleName(self.tr("到"))
        for edit in (self.date_from, self.date_to):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
        self._from_label = QLabel(self.tr("从"))
        self._from_label.setBuddy(self.date_from)
        self._to_label = QLabel(self.tr("到"))
        self._to_label.setBuddy(self.date_to)

        self.table = QTableView()
        self.table.setObjectName("filingsTable")
        self.table.setAccessibleName(self.tr("备案列表"))
        self.table.setModel(model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setTabKeyNavigation(False)  # Tab leaves the list, arrows move in it
        self.table.verticalHeader().hide()
        rows = self.table.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.fontMetrics().height() + 10)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        # Every column keeps the width its values need; the enterprise takes what is left
        # (its full name is in the tooltip), so status, deadline and receipt are never cut.
        # The lead unit and the last change come last and may scroll into view.
        header.setStretchLastSection(False)
        header.setMinimumSectionSize(self.fontMetrics().horizontalAdvance("中中中"))
        for column, width in self._column_widths().items():
            self.table.setColumnWidth(COLUMN_IDS.index(column), width)
        self._min_enterprise = self.table.fontMetrics().horizontalAdvance("中" * 6)
        model_query = model.query()
        self._sort = (COLUMN_IDS.index(model_query.sort), model_query.descending)
        header.setSortIndicator(
            self._sort[0],
            Qt.SortOrder.DescendingOrder if self._sort[1] else Qt.SortOrder.AscendingOrder,
        )
        self.table.setSortingEnabled(True)
        header.sortIndicatorChanged.connect(self._keep_sortable_indicator)

        self.count_label = QLabel()
        self.count_label.setObjectName("listCount")

        # Two filters a row, so the list needs no more width than before the 类型 filter
        # came (on a small screen at 150 % the form keeps the room it needs).
        filters = QHBoxLayout()
        filters.addWidget(status_label_widget)
        filters.addWidget(self.status_filter, 1)
        filters.addWidget(kind_label)
        filters.addWidget(self.kind_filter, 1)
        dates = QHBoxLayout()
        dates.addWidget(date_label)
        dates.addWidget(self.date_filter, 1)
        custom = QHBoxLayout()
        custom.addWidget(self._from_label)
        custom.addWidget(self.date_from, 1)
        custom.addWidget(self._to_label)
        custom.addWidget(self.date_to, 1)
        search_row = QHBoxLayout()
        search_row.addWidget(search_label)
        search_row.addWidget(self.search, 1)

        # Reminders about the list itself (post-hoc filings due): above it, so they never
        # push the form the clerk is typing in.
        self.notices = NoticeArea()
        self.notices.setObjectName("listNotices")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.notices)
        layout.addLayout(search_row)
        layout.addLayout(filters)
        layout.addLayout(dates)
        layout.addLayout(custom)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count_label)
        self._show_custom_dates(False)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DEBOUNCE_MS)
        self._search_timer.timeout.connect(self.apply_filters)
        self.search.textChanged.connect(self._search_timer.start)
        self.search.returnPressed.connect(self.apply_filters)
        self.status_filter.currentIndexChanged.connect(self.apply_filters)
        self.kind_filter.currentIndexChanged.connect(self.apply_filters)
        self.date_filter.currentIndexChanged.connect(self._date_preset_changed)
        self.date_from.dateChanged.connect(self.apply_filters)
        self.date_to.dateChanged.connect(self.apply_filters)

        self.table.selectionModel().currentRowChanged.connect(self._current_row_changed)
        self.table.activated.connect(self._row_activated)
        model.modelReset.connect(self._update_count)
        model.rowsInserted.connect(self._update_count)
        self._update_count()

    def _column_widths(self) -> dict[str, int]:
        """Widths that fit typical values (and their headers) in the current font."""
        metrics = self.table.fontMetrics()
        pad = metrics.horizontalAdvance("中") + 8
        revised = revision_label(2)
        samples = {
            # A revised filing's status reads e.g. 已排队 · 第 2 版: it must fit too.
            "status": [f"{status_label(s)} · {revised}" for s in STATUSES],
            "kind": [self.tr("补报"), self.tr("类型") + "▲"],
            "enterprise": ["湘潭某某新材料科技有限公司"],
            "inspection_start": ["2026-12-03 09:00"],
            "deadline": ["12-03 " + self.tr("已逾期 %1 个工作日").replace("%1", "10")],
            "receipt": ["潭优备〔2026〕000123号"],
            "lead_unit": ["湘潭市应急管理局"],
            "updated_at": ["2026-12-03 09:00"],
        }
        return {
            column: max(metrics.horizontalAdvance(t) for t in texts) + pad
            for column, texts in samples.items()
        }

    def save_columns(self) -> tuple[tuple[str, ...], QByteArray]:
        """The column ids and the header's state (widths, order), for layout memory."""
        return COLUMN_IDS, self.table.horizontalHeader().saveState()

    def restore_columns(self, ids: object, state: QByteArray | None) -> None:
        """Widths the clerk set in an earlier session, if saved for the same columns."""
        if state is None or not isinstance(ids, list) or tuple(ids) != COLUMN_IDS:
            return
        self.table.horizontalHeader().restoreState(state)

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._fit_enterprise()

    def _fit_enterprise(self) -> None:
        """The enterprise column takes the room the columns up to the receipt leave."""
        table = self.table
        others = sum(
            table.columnWidth(COLUMN_IDS.index(c)) for c in FIRST_SCREEN if c != "enterprise"
        )
        room = table.viewport().width() - others
        table.setColumnWidth(COLUMN_IDS.index("enterprise"), max(self._min_enterprise, room))

    def preferred_width(self) -> int:
        """Wide enough for every column with a readable enterprise name."""
        widths = self._column_widths()
        widths["enterprise"] = self.table.fontMetrics().horizontalAdvance("中" * 10)
        return (
            sum(widths[c] for c in FIRST_SCREEN)
            + self.table.verticalScrollBar().sizeHint().width()
            + 8
        )

    # --- filters --------------------------------------------------------------------
    def build_query(self) -> ListQuery:
        date_from, date_to = self._date_range()
        current = self.model.query()
        status = self.status_filter.currentData()
        kind = self.kind_filter.currentData()
        query = ListQuery(
            text=self.search.text().strip(),
            statuses=(status,) if status else (),
            kinds=(kind,) if kind in (PRIOR, POST_HOC) else (),
            date_from=date_from,
            date_to=date_to,
            sort=current.sort,
            descending=current.descending,
        )
        if kind == DUE_SOON:
            calendar, working_days = self.model.deadline_rule()
            due = due_soon_query(now().date(), calendar, working_days, query)
            # With a status chosen too: that status, if it is one still to act on.
            statuses = tuple(s for s in due.statuses if not status or s == status)
            query = dataclasses.replace(due, statuses=statuses or ("-",))
        return query

    def remind_due_soon(self) -> None:
        """At start-up: a notice above the list (never a dialog) when post-hoc filings not
        yet submitted are due within a working day or overdue; 查看 shows only them."""
        calendar, working_days = self.model.deadline_rule()
        count = 0
        with store_call(self, LOG, "post-hoc deadlines"):
            # Without any post-hoc filing still to submit (a cheap count) the holiday
            # calendar, which deadlines need, is not even loaded.
            if self.model.count(ListQuery(kinds=(POST_HOC,), statuses=PENDING)):
                today = now().date()
                count = self.model.count(due_soon_query(today, calendar, working_days))
        if not count:
            return
        self.notices.show_notice(
            "post_hoc_due",
            self.tr(
                "%n 份事后补报即将到期或已逾期（期限为检查结束后 %1 个工作日）。", "", count
            ).replace("%1", str(working_days)),
            kind="warning",
            action_text=self.tr("查看"),
            action=self.show_due_soon,
        )

    def show_due_soon(self) -> None:
        """Only post-hoc filings due within a working day or overdue (a reminder's 查看)."""
        self.status_filter.setCurrentIndex(0)
        self.kind_filter.setCurrentIndex(self.kind_filter.findData(DUE_SOON))
        self.apply_filters()

    def _date_range(self) -> tuple[date | None, date | None]:
        preset = self.date_filter.currentIndex()
        today = now().date()
        if preset == TODAY:
            return today, today
        if preset == NEXT_7:
            return today, today + timedelta(days=7)
        if preset == LAST_30:
            return today - timedelta(days=30), today
        if preset == THIS_MONTH:
            first = today.replace(day=1)
            following = (first + timedelta(days=32)).replace(day=1)
            return first, following - timedelta(days=1)
        if preset == CUSTOM:
            start, end = _pydate(self.date_from.date()), _pydate(self.date_to.date())
            return (start, end) if start <= end else (end, start)
        return None, None

    def apply_filters(self) -> None:
        self._search_timer.stop()
        query = self.build_query()
        current = self.model.query()
        if dataclasses.replace(query, limit=current.limit, offset=0) == dataclasses.replace(
            current, offset=0
        ):
            return
        selected = self.current_filing_id()
        self.model.set_query(query)
        if selected:
            self.select_filing(selected, emit=False)

    def _date_preset_changed(self) -> None:
        self._show_custom_dates(self.date_filter.currentIndex() == CUSTOM)
        self.apply_filters()

    def _show_custom_dates(self, visible: bool) -> None:
        if visible and not isinstance(self.date_to.calendarWidget(), HolidayCalendar):
            # Made when first needed: each one marks its month's holidays (not before
            # the window's first paint).
            for edit in (self.date_from, self.date_to):
                edit.setCalendarWidget(HolidayCalendar(edit))
        for widget in (self._from_label, self.date_from, self._to_label, self.date_to):
            widget.setVisible(visible)

    # --- selection ------------------------------------------------------------------
    def current_filing_id(self) -> str | None:
        index = self.table.currentIndex()
        return index.data(FILING_ID_ROLE) if index.isValid() else None

    def select_filing(self, filing_id: str, *, emit: bool = True) -> bool:
        """Make ``filing_id`` the current row if it is loaded; return whether it is."""
        row = self.model.row_of(filing_id)
        if row is None:
            self.table.clearSelection()
            return False
        index = self.model.index(row, 0)
        selection = self.table.selectionModel()
        if not emit:
            selection.blockSignals(True)
        try:
            self.table.setCurrentIndex(index)
            self.table.selectRow(row)
        finally:
            if not emit:
                selection.blockSignals(False)
        self.table.scrollTo(index)
        return True

    def reload(self, keep: str | None = None) -> None:
        """Reload from the store and keep ``keep`` (or the current filing) selected."""
        keep = keep or self.current_filing_id()
        self.model.reload()
        if keep:
            self.select_filing(keep, emit=False)

    def _current_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            self.currentFilingChanged.emit(current.data(FILING_ID_ROLE))

    def _row_activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.activated.emit(index.data(FILING_ID_ROLE))

    def _keep_sortable_indicator(self, column: int, order: Qt.SortOrder) -> None:
        header = self.table.horizontalHeader()
        if not self.model.sortable(column):
            previous, descending = self._sort
            header.blockSignals(True)
            header.setSortIndicator(
                previous,
                Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder,
            )
            header.blockSignals(False)
            return
        self._sort = (column, order == Qt.SortOrder.DescendingOrder)

    def _update_count(self, *_args) -> None:
        total = self.model.total()
        if self.model.capped():  # the store stops counting at 10,000
            self.count_label.setText(self.tr("共 %1+ 份").replace("%1", f"{total:,}"))
        else:
            self.count_label.setText(self.tr("共 %n 份", "", total))
