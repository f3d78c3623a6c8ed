"""单位与令牌 and 工作人员 in a real browser (Debian's Chromium under Playwright) against a
real office process: an admin issues a token for a new unit and reads it once, a real
desk files with it, the admin revokes it on the page and it stops working; the admin
creates a reviewer who then signs in."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.support.browser import add_staff, browser, browser_context, login, page  # noqa: F401
from tests.support.desk import Desk
from tests.support.office import OfficeServer, office, valid_filing  # noqa: F401

pytestmark = pytest.mark.slow
NEW_UNIT = "湘潭市岳塘区城市管理和综合执法局"


@pytest.fixture(scope="module")
def office_backend() -> str:
    return "sqlite"


def test_an_admin_issues_a_token_a_desk_files_with_it_and_revoking_stops_it(
    office: OfficeServer, page: Page, tmp_path
) -> None:
    add_staff(office, "admin1", "admin")
    login(page, office.url, "admin1")
    page.get_by_role("link", name="单位与令牌").click()
    expect(page.get_by_role("heading", name="单位与令牌")).to_be_visible()
    page.get_by_label("单位名称").fill(f" {NEW_UNIT} ")
    page.get_by_role("button", name="签发令牌").click()
    expect(page.get_by_role("heading", name="令牌已签发")).to_be_visible()
    expect(page.get_by_role("status").first).to_contain_text(f"已为“{NEW_UNIT}”签发令牌")
    token = page.get_by_label("令牌", exact=True).input_value()
    address = page.get_by_label("备案办公室地址").input_value()
    assert len(token) == 43 and address == office.url
    expect(page.get_by_label("一次复制全部（可粘贴给该单位）")).to_have_value(
        f"备案办公室地址：{office.url}\n令牌：{token}\n单位名称：{NEW_UNIT}\n"
        "办公室：湘潭市（代码 430300）\n"
    )
    assert "/tokens" in page.url and token not in page.url
    # 复制连接信息 (a static script: the CSP holds) puts the whole block on the clipboard.
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=office.url)
    page.get_by_role("button", name="复制连接信息").click()
    expect(page.get_by_role("status").filter(has_text="已复制")).to_have_text("已复制到剪贴板。")
    assert page.evaluate("navigator.clipboard.readText()").startswith("备案办公室地址：")

    # A real desk, set up with what the page handed over, files with the token.
    desk = Desk(tmp_path / "desk")
    desk.configure(address, token)
    filing = valid_filing(NEW_UNIT)
    desk.put(filing)
    assert desk.sync()[0] == 0
    assert [f["unit"] for f in office.filings() if f["id"] == filing["id"]] == [NEW_UNIT]

    # Later pages never show it again; revoking asks first.
    page.get_by_role("link", name="返回单位与令牌").click()
    expect(page.get_by_role("rowgroup").filter(has_text=NEW_UNIT)).to_contain_text("有效")
    assert token not in page.content()
    unit_rows = page.get_by_role("rowgroup").filter(has_text=NEW_UNIT)
    unit_rows.get_by_role("button", name="吊销令牌").click()
    expect(page.get_by_role("heading", name="确认吊销令牌")).to_be_visible()
    with office.client(token) as http:
        assert http.get("/api/v1/changes").status_code == 200  # not until confirmed
    page.get_by_role("button", name="确认吊销").click()
    expect(page.get_by_role("status")).to_have_text("已吊销该令牌，使用它的请求将被拒绝。")
    expect(page.get_by_role("rowgroup").filter(has_text=NEW_UNIT)).to_contain_text("已吊销")
    with office.client(token) as http:
        assert http.get("/api/v1/changes").status_code == 401
    assert token not in office.log_text()
    actions = office.cli("audit").stdout
    assert "token_created" in actions and "token_revoked" in actions and "admin1" in actions


def test_an_admin_creates_a_reviewer_who_then_signs_in(
    office: OfficeServer, page: Page, browser: Browser
) -> None:
    add_staff(office, "admin2", "admin")
    login(page, office.url, "admin2")
    page.get_by_role("link", name="工作人员").click()
    expect(page.get_by_role("heading", name="工作人员")).to_be_visible()
    password = "the reviewer's first password"
    page.get_by_label("用户名").fill("new-reviewer")
    page.get_by_label("角色").select_option(label="审核人员")
    page.get_by_label("初始密码").fill("too short")
    page.get_by_label("再次输入密码").fill("too short")
    page.get_by_role("button", name="新建账号").click()
    expect(page.get_by_role("alert")).to_have_text("密码至少 10 个字符。")
    expect(page.get_by_label("用户名")).to_have_value("new-reviewer")  # kept as typed
    expect(page.get_by_label("初始密码")).to_have_value("")  # a password is never echoed
    page.get_by_label("角色").select_option(label="审核人员")
    page.get_by_label("初始密码").fill(password)
    page.get_by_label("再次输入密码").fill(password)
    page.get_by_role("button", name="新建账号").click()
    expect(page.get_by_role("status")).to_contain_text("已新建工作人员账号“new-reviewer”")
    row = page.get_by_role("row").filter(has_text="new-reviewer")
    expect(row).to_contain_text("审核人员")
    expect(row).to_contain_text("从未登录")
    # The admin's own row offers no 停用.
    expect(page.get_by_role("row").filter(has_text="admin2").get_by_role("button")).to_have_count(0)

    context = browser.new_context(locale="zh-CN")
    try:
        reviewer = context.new_page()
        login(reviewer, office.url, "new-reviewer", password)
        expect(reviewer.get_by_role("heading", name="待审")).to_be_visible()
        expect(reviewer.get_by_role("link", name="工作人员")).to_have_count(0)
    finally:
        context.close()
    page.reload()
    expect(page.get_by_role("row").filter(has_text="new-reviewer")).not_to_contain_text("从未登录")
