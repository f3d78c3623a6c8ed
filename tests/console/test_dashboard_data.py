"""统计汇总: what the dashboard shows, as plain functions on both backends."""

from __future__ import annotations

from datetime import date

import pytest

from office.console import access, dashboard
from office.errors import OfficeError
from office.staff import Actor
from office.store import OfficeStore
from tests.office.reports_data import CITY_UNIT, YUETANG_UNIT, YUHU_UNIT, build

CITY_REVIEWER = Actor("rev", "reviewer", "430300")
YUHU_REVIEWER = Actor("yh", "reviewer", "430302")


@pytest.fixture
def dataset(store: OfficeStore, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    return build(store, monkeypatch)


def test_the_city_sees_its_units_each_county_rolled_up_and_the_total(store, dataset):
    with store.read() as db:
        b = dashboard.board(db, CITY_REVIEWER, "2025Q4")
    by_unit = {row[1]: row[2] for row in b.unit_rows}  # unit -> 备案数
    assert by_unit[CITY_UNIT] == 4
    assert by_unit[YUHU_UNIT] == 1
    assert by_unit[YUETANG_UNIT] == 1
    assert by_unit["雨湖区小计"] == 1 and by_unit["岳塘区小计"] == 1
    assert b.unit_rows[-1][1] == "合计" and b.unit_rows[-1][2] == 6
    inspections = [e.inspections for e in b.summary.enterprises]
    assert inspections == [3, 2, 1]  # most inspected first
    assert [(bar.label, bar.value) for bar in b.bars] == [
        ("2025年10月", 3),
        ("2025年11月", 1),
        ("2025年12月", 2),
    ]


def test_a_county_sees_only_its_own_units(store, dataset):
    with store.read() as db:
        b = dashboard.board(db, YUHU_REVIEWER, "2025Q4")
    units = {row[1] for row in b.unit_rows}
    assert units == {YUHU_UNIT, "合计"}
    assert b.summary.total.filings == 1


def test_the_bars_scale_to_the_highest_month_and_stay_inside_the_chart():
    from office.reports.counts import Counts

    bars = dashboard.month_bars([("2026-01", Counts(filings=4)), ("2026-02", Counts())])
    assert bars[0].height == dashboard.CHART_HEIGHT - 60 and bars[1].height == 0
    for bar in bars:
        assert bar.x >= 0 and bar.x + bar.width <= dashboard.CHART_WIDTH
        assert bar.y >= 30


def test_the_period_comes_from_the_labelled_filters():
    today = date(2026, 5, 3)
    assert dashboard.period_text({}, today) == "2026Q2"
    assert dashboard.period_text({"period": "2026-04"}, today) == "2026-04"
    assert (
        dashboard.period_text({"period": "2026", "from": "2026-01-05", "to": "2026-02-01"}, today)
        == "2026-01-05..2026-02-01"
    )


def test_a_period_that_names_none_is_refused_in_chinese(store, dataset):
    with store.read() as db, pytest.raises(OfficeError, match="无法识别"):
        dashboard.board(db, CITY_REVIEWER, "last week")


def test_park_committees_are_not_offered_the_office_wide_counts():
    assert not access.may_open(Actor("p", "park", "430300", park="九华"), "dashboard")
    for role in ("admin", "reviewer", "justice", "viewer"):
        assert access.may_open(Actor("x", role, "430300"), "dashboard")


def test_the_enterprise_export_keeps_the_order_and_never_holds_a_formula(store, dataset):
    import io

    from openpyxl import load_workbook

    from office.reports import workbook

    with store.read() as db:
        b = dashboard.board(db, CITY_REVIEWER, "2025Q4")
    data = workbook.sheet_bytes(
        "按企业", dashboard.ENTERPRISE_HEADER, dashboard.enterprise_rows(b.summary)
    )
    rows = list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))
    assert rows[0] == tuple(dashboard.ENTERPRISE_HEADER)
    assert [r[2] for r in rows[1:]] == [3, 2, 1]
    assert all(not str(r[0]).startswith("=") for r in rows[1:])


def test_the_unit_table_shows_the_enterprises_side_and_a_blank_mean(store, monkeypatch):
    from office.console import web
    from office.reports.labels import COLUMNS
    from tests.office.reports_data import add_feedback

    add_feedback(store, build(store, monkeypatch))
    with store.read() as db:
        b = dashboard.board(db, CITY_REVIEWER, "2025Q4")
    header = ["办公室", "单位", *(label for _, label in COLUMNS)]
    rows = {row[1]: dict(zip(header, row, strict=True)) for row in b.unit_rows}
    assert rows[YUHU_UNIT]["扫码留痕"] == 2 and rows[YUHU_UNIT]["平均满意度"] == 5.0
    assert rows[CITY_UNIT]["投诉"] == 1 and rows["合计"]["评价数"] == 2
    page = web.templates.get_template("dashboard/page.html").render(
        who=None,
        nav=[],
        path="/console/dashboard",
        b=b,
        problem="",
        query="",
        columns=COLUMNS,
        params={},
    )
    assert '<th scope="col">平均满意度</th>' in page and '<th scope="col">未扫码</th>' in page
    assert "None" not in page  # 岳塘区's unit has no evaluation: its mean is blank


def test_a_years_month_labels_fit_under_their_bars():
    from office.reports.counts import Counts

    months = [(f"2026-{m:02d}", Counts(filings=m)) for m in range(1, 13)]
    bars = dashboard.month_bars(months)
    assert [bar.month for bar in bars] == [f"{m}月" for m in range(1, 13)]
    assert bars[0].label == "2026年1月"  # the full label stays (the bar's tooltip, caption)
    slot = dashboard.CHART_WIDTH // len(bars)
    for bar in bars:  # the template's 16-unit font: a CJK glyph 16 wide, a digit about 9
        width = sum(16 if ord(ch) > 0x2E80 else 9 for ch in bar.month)
        assert width < slot
