"""The filings list over many filings in a real store: paging, search, filters, sorting."""

from __future__ import annotations

import shutil
from datetime import date

import pytest
from PySide6.QtCore import QDate, Qt

from desktop.store import QUEUED, RETURNED, SENT, ListQuery, Store
from desktop.ui.filings_list import CUSTOM, FilingsListPanel
from desktop.ui.filings_model import COLUMN_IDS, PAGE_SIZE, FilingsModel
from forms.record import parse_timestamp
from tests.support.ui_helpers import fill_store, type_text

MANY = 2000


@pytest.fixture(scope="module")
def many_template(tmp_path_factory):
    """A data folder with MANY filings, built once; each test works on its own copy."""
    folder = tmp_path_factory.mktemp("many") / "data"
    store = Store.open(folder)
    made = fill_store(store, MANY)
    store.close()
    return folder, made


@pytest.fixture
def many(many_template, tmp_path):
    template, made = many_template
    folder = tmp_path / "data"
    shutil.copytree(template, folder)
    store = Store.open(folder, daily_backup=False)
    yield store, made
    store.close()


@pytest.fixture
def panel(qtbot, many):
    store, _made = many
    model = FilingsModel(store)
    panel = FilingsListPanel(model)
    qtbot.addWidget(panel)
    panel.resize(900, 600)
    panel.show()
    panel.reload()
    return panel


def all_rows(model: FilingsModel) -> list:
    while model.canFetchMore():
        model.fetchMore()
    return [model.summary(i) for i in range(model.rowCount())]


def test_only_one_page_is_loaded_until_the_view_scrolls(qtbot, panel):
    model = panel.model
    assert model.total() == MANY
    assert model.loaded() == PAGE_SIZE
    assert model.canFetchMore()
    assert panel.count_label.text() == f"共 {MANY} 份"

    panel.table.scrollToBottom()
    qtbot.waitUntil(lambda: model.loaded() > PAGE_SIZE, timeout=5000)
    assert model.loaded() < MANY  # the view asks for one more page, not everything

    rows = all_rows(model)
    assert len(rows) == MANY
    assert len({r.id for r in rows}) == MANY
    assert not model.canFetchMore()


def test_search_box_searches_the_store(qtbot, panel, many):
    store, _made = many
    type_text(panel.search, "顺阳")
    qtbot.waitUntil(lambda: panel.model.query().text == "顺阳", timeout=5000)
    expected = store.count_filings(ListQuery(text="顺阳"))
    assert 0 < expected < MANY
    assert panel.model.total() == expected
    assert all("顺阳" in r.enterprise for r in all_rows(panel.model))

    panel.search.clear()
    qtbot.waitUntil(lambda: panel.model.total() == MANY, timeout=5000)


def test_search_by_credit_code_and_by_officer(qtbot, panel):
    uscc = panel.model.summary(0).uscc
    panel.search.setText(uscc)
    panel.apply_filters()
    assert panel.model.total() >= 1
    assert all(r.uscc == uscc for r in all_rows(panel.model))

    panel.search.setText("熊平华")  # the leader of every sample filing
    panel.apply_filters()
    assert panel.model.total() == MANY


@pytest.mark.parametrize("status", [QUEUED, SENT, RETURNED])
def test_status_filter(qtbot, panel, many, status):
    store, _made = many
    index = panel.status_filter.findData(status)
    assert index > 0
    panel.status_filter.setCurrentIndex(index)
    assert panel.model.total() == store.counts_by_status()[status] > 0
    assert {r.status for r in all_rows(panel.model)} == {status}


def test_custom_date_filter(qtbot, panel):
    panel.date_filter.setCurrentIndex(CUSTOM)
    assert panel.date_from.isVisible()
    panel.date_from.setDate(QDate(2026, 11, 1))
    panel.date_to.setDate(QDate(2026, 11, 10))
    rows = all_rows(panel.model)
    assert 0 < len(rows) < MANY
    for r in rows:
        day = parse_timestamp(r.inspection_start).date()
        assert date(2026, 11, 1) <= day <= date(2026, 11, 10)


def test_the_custom_dates_pick_from_the_holiday_calendar(qtbot, panel):
    from desktop.ui.holiday_calendar import HolidayCalendar

    panel.date_filter.setCurrentIndex(CUSTOM)
    for edit in (panel.date_from, panel.date_to):
        calendar = edit.calendarWidget()
        assert isinstance(calendar, HolidayCalendar)
        calendar.setCurrentPage(2026, 10)  # 国庆节
        assert calendar.mark(date(2026, 10, 1)) is not None


def test_a_count_past_the_stores_cap_shows_plus_and_paging_goes_on(qtbot, many, monkeypatch):
    from desktop.store import filings as store_filings

    store, _made = many
    monkeypatch.setattr(store_filings, "COUNT_CAP", 1000)
    panel = FilingsListPanel(FilingsModel(store))
    qtbot.addWidget(panel)
    panel.reload()
    assert panel.model.capped() and panel.model.total() == 1000
    assert panel.count_label.text() == "共 1,000+ 份"
    assert len(all_rows(panel.model)) == MANY  # the list still reaches every filing


def test_sorting_by_clicking_headers(qtbot, panel):
    header = panel.table.horizontalHeader()
    column = COLUMN_IDS.index("enterprise")
    header.setSortIndicator(column, Qt.SortOrder.AscendingOrder)
    assert panel.model.query().sort == "enterprise"
    assert not panel.model.query().descending
    names = [r.enterprise for r in all_rows(panel.model)]
    assert names == sorted(names)

    column = COLUMN_IDS.index("inspection_start")
    header.setSortIndicator(column, Qt.SortOrder.DescendingOrder)
    starts = [parse_timestamp(r.inspection_start) for r in all_rows(panel.model)]
    assert starts == sorted(starts, reverse=True)


def test_an_unsortable_column_keeps_the_current_order(qtbot, panel):
    header = panel.table.horizontalHeader()
    before = panel.model.query()
    header.setSortIndicator(COLUMN_IDS.index("lead_unit"), Qt.SortOrder.AscendingOrder)
    assert panel.model.query() == before
    assert header.sortIndicatorSection() == COLUMN_IDS.index(before.sort)


def test_selection_survives_a_reload(qtbot, panel):
    third = panel.model.summary(2).id
    with qtbot.waitSignal(panel.currentFilingChanged) as blocker:
        panel.table.selectRow(2)
    assert blocker.args == [third]
    panel.reload()
    assert panel.current_filing_id() == third


def test_returned_rows_show_their_status_in_chinese(qtbot, panel):
    panel.status_filter.setCurrentIndex(panel.status_filter.findData(RETURNED))
    index = panel.model.index(0, COLUMN_IDS.index("status"))
    assert index.data() == "被退回"
    receipt = panel.model.index(0, COLUMN_IDS.index("receipt"))
    assert "回执" in receipt.data(Qt.ItemDataRole.ToolTipRole)
