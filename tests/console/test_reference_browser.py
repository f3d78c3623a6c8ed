"""参考数据 in a real browser: the admin uploads the Xiangtan parks as XLSX, reads the
preview, confirms, and desks receive the new version from the office's reference API."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.console.reference_support import PARKS_HEADER, USCC_A, XIANGTAN_PARKS, xlsx
from tests.support.browser import add_staff, browser, browser_context, login, page  # noqa: F401
from tests.support.office import DEFAULT_UNIT, OfficeServer, office  # noqa: F401

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def office_backend() -> str:
    return "sqlite"


def test_the_admin_uploads_parks_confirms_and_desks_receive_the_new_version(
    office: OfficeServer, page: Page, tmp_path: Path
) -> None:
    token = office.create_token(DEFAULT_UNIT)
    with office.client(token) as http:
        before = http.get("/api/v1/reference").json()
    add_staff(office, "ref-admin", "admin")
    login(page, office.url, "ref-admin")
    page.get_by_role("link", name="参考数据").click()
    expect(page.get_by_role("heading", name="参考数据", exact=True)).to_be_visible()

    parks = tmp_path / "湘潭园区.xlsx"
    parks.write_bytes(xlsx([["湘潭市园区名录"], PARKS_HEADER, *XIANGTAN_PARKS]))
    page.get_by_label("园区文件（.xlsx）").set_input_files(parks)
    page.get_by_role("button", name="上传并预览园区").click()

    expect(page.get_by_role("heading", name="预览：替换园区")).to_be_visible()
    expect(page.get_by_text("新增 3 条", exact=False)).to_be_visible()
    expect(page.get_by_role("cell", name="湘潭经开区")).to_be_visible()
    expect(page.get_by_role("cell", name="第 4 行")).to_be_visible()  # below the title
    page.get_by_role("button", name="确认载入").click()

    expect(page.get_by_role("status")).to_contain_text(f"参考数据现为第 {before['version'] + 1} 版")
    expect(page.get_by_role("cell", name="工作台上传：湘潭园区.xlsx").first).to_be_visible()
    with office.client(token) as http:
        after = http.get("/api/v1/reference").json()
    assert after["version"] == before["version"] + 1
    assert after["parks"] == [
        {"name": "湘潭高新技术产业开发区", "short": "湘潭高新区", "stat_code": "430371"},
        {
            "name": "湘潭经济技术开发区",
            "short": "湘潭经开区",
            "stat_code": "430373",
            "also_known_as": "九华示范区",
        },
        {"name": "湘潭昭山示范区", "short": "昭山示范区", "stat_code": "430372"},
    ]


def test_a_list_with_errors_is_shown_and_cancelled_without_storing(
    office: OfficeServer, page: Page, tmp_path: Path
) -> None:
    token = office.create_token(DEFAULT_UNIT)
    with office.client(token) as http:
        before = http.get("/api/v1/reference").json()
    add_staff(office, "ref-admin2", "admin")
    login(page, office.url, "ref-admin2")
    page.goto(f"{office.url}/console/reference")
    bad = tmp_path / "白名单.xlsx"
    bad.write_bytes(
        xlsx([["统一社会信用代码", "企业名称"], [USCC_A, "湘潭顺阳"], ["914303", "代码太短"]])
    )
    page.get_by_label("白名单文件（.xlsx）").set_input_files(bad)
    page.get_by_role("button", name="上传并预览白名单").click()
    expect(page.get_by_role("alert")).to_contain_text("有 1 处错误，不能载入")
    expect(page.get_by_role("cell", name="第 3 行")).to_be_visible()
    expect(page.get_by_role("button", name="确认载入")).to_have_count(0)
    page.get_by_role("button", name="放弃这次上传").click()
    expect(page.get_by_role("status")).to_have_text("已取消，参考数据未改变。")
    with office.client(token) as http:
        assert http.get("/api/v1/reference").json() == before
