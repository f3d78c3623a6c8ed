"""联合检查 in a real browser: a reviewer marks a cluster 已协调 with a note."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.support.browser import add_staff, browser, browser_context, login, page  # noqa: F401
from tests.support.office import OfficeServer, office, valid_filing  # noqa: F401

A = "湘潭市市场监督管理局"
B = "湘潭市应急管理局"


@pytest.fixture(scope="module")
def office_backend() -> str:
    return "sqlite"


def _file(office: OfficeServer, unit: str, day: str, items: str) -> None:
    body = valid_filing(
        unit,
        inspection_start=f"{day}T09:00:00+08:00",
        inspection_end=f"{day}T17:00:00+08:00",
        items=items,
    )
    with office.client(office.create_token(unit)) as http:
        assert http.post("/api/v1/filings", json=body).status_code == 201


@pytest.mark.slow
def test_a_reviewer_marks_a_cluster_coordinated_with_a_note(office, page: Page) -> None:
    _file(office, A, "2027-03-01", "一")
    _file(office, B, "2027-03-03", "二")
    add_staff(office, "rev-x", "reviewer")
    login(page, office.url, "rev-x")
    page.get_by_role("link", name="联合检查").click()
    page.get_by_label("年度").fill("2027")
    page.get_by_role("button", name="查看").click()
    expect(page.get_by_role("heading", name="联合检查")).to_be_visible()
    expect(page.get_by_role("heading", level=2)).to_contain_text("待协调")
    # Undecided: the choice is blank (请选择), not a preselected 已协调 saved unseen.
    expect(page.get_by_label("协调结果")).to_have_value("")
    page.get_by_label("协调结果").select_option(label="已协调")
    page.get_by_label("协调备注").fill("3月2日两局联合检查")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_role("status")).to_have_text("已保存。")
    expect(page.get_by_role("heading", level=2)).to_contain_text("已协调")
    expect(page.get_by_text("备注：3月2日两局联合检查")).to_be_visible()
