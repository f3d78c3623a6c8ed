"""统计汇总 in a real browser against a real office process: a quarter's numbers of a
small data set, the XLSX download read back, screenshots at desktop and phone width."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from office.store import OfficeStore
from tests.office.reports_data import CITY_UNIT, build
from tests.support.browser import DESKTOP, PHONE, add_staff, browser, browser_context, login, page  # noqa: F401
from tests.support.office import OfficeServer, office  # noqa: F401

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def office_backend() -> str:
    return "sqlite"


def test_a_reviewer_opens_a_quarter_sees_its_numbers_and_downloads_the_xlsx(
    office: OfficeServer, page: Page, tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = OfficeStore.open(office.db)
    try:
        build(store, monkeypatch)
    finally:
        store.dispose()
    add_staff(office, "dash", "reviewer", office_code="430300")
    login(page, office.url, "dash")
    page.get_by_role("link", name="统计汇总").click()
    page.get_by_label("统计期间（季度 2026Q3、月份 2026-07 或年份 2026）").fill("2025Q4")
    page.get_by_role("button", name="查看").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("2025年第四季度")
    units = page.locator("table").first
    city = units.locator("tr", has_text=CITY_UNIT)
    expect(city.locator("td").nth(2)).to_have_text("4")
    expect(units.locator("tr", has_text="合计").locator("td").nth(2)).to_have_text("6")
    expect(page.get_by_role("img", name="各月备案数柱状图")).to_be_visible()

    shots = Path(os.environ.get("DASHBOARD_SHOTS", tmp_path))
    page.screenshot(path=str(shots / "dashboard-desktop.png"), full_page=True)
    page.set_viewport_size(PHONE)
    page.screenshot(path=str(shots / "dashboard-phone.png"), full_page=True)
    page.set_viewport_size(DESKTOP)

    with page.expect_download() as info:
        page.get_by_role("link", name="导出按单位汇总（XLSX）").click()
    data = Path(info.value.path()).read_bytes()
    ws = load_workbook(io.BytesIO(data)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:3] == ("办公室", "单位", "备案数")
    assert (CITY_UNIT, 4) in [(r[1], r[2]) for r in rows[1:]]
    assert rows[-1][1:3] == ("合计", 6)

    with page.expect_download() as info:
        page.get_by_role("link", name="下载通报（PDF）").click()
    assert Path(info.value.path()).read_bytes()[:5] == b"%PDF-"


def test_a_wrong_period_is_told_in_chinese_and_a_park_committee_is_refused(
    office: OfficeServer, page: Page
) -> None:
    add_staff(office, "dash2", "viewer", office_code="430300")
    login(page, office.url, "dash2")
    page.goto(f"{office.url}/console/dashboard?period=last+week")
    expect(page.get_by_role("alert")).to_contain_text("无法识别")
    page.get_by_role("button", name="退出登录").click()

    add_staff(office, "parkuser", "park", office_code="430300", park="九华经开区")
    login(page, office.url, "parkuser")
    expect(page.get_by_role("link", name="统计汇总")).to_have_count(0)
    answer = page.goto(f"{office.url}/console/dashboard")
    assert answer is not None and answer.status == 403
