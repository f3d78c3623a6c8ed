"""The workbench in a real browser: login, the session cookie, CSRF, CSP."""

from __future__ import annotations

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.support.browser import add_staff, browser, browser_context, login, page  # noqa: F401
from tests.support.office import OfficeServer, office, valid_filing  # noqa: F401

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def office_backend() -> str:
    return "sqlite"


def test_login_pending_and_logout(office: OfficeServer, page: Page) -> None:
    add_staff(office, "rev1", "reviewer")
    token = office.create_token()
    with office.client(token) as http:
        assert http.post("/api/v1/filings", json=valid_filing()).status_code == 201
    page.goto(f"{office.url}/console/")
    expect(page).to_have_url(f"{office.url}/console/login")
    login(page, office.url, "rev1")
    expect(page.get_by_role("heading", name="待审 · 湘潭市")).to_be_visible()
    expect(page.get_by_role("cell", name="湘潭顺阳新材料科技股份有限公司")).to_be_visible()
    cookie = next(c for c in page.context.cookies() if c["name"] == "beian_console")
    assert cookie["secure"] and cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    page.get_by_role("button", name="退出登录").click()
    expect(page.get_by_role("button", name="登录")).to_be_visible()
    page.goto(f"{office.url}/console/")
    expect(page).to_have_url(f"{office.url}/console/login")


def test_wrong_password_and_a_post_without_csrf(office: OfficeServer, page: Page) -> None:
    add_staff(office, "rev2", "reviewer")
    login_page = f"{office.url}/console/login"
    page.goto(login_page)
    page.get_by_label("用户名").fill("rev2")
    page.get_by_label("密码").fill("not the password")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("alert")).to_have_text("用户名或密码不正确。")
    login(page, office.url, "rev2")
    # A logout posted without the page's token is refused and the session lives on.
    answer = page.request.post(f"{office.url}/console/logout", form={"x": "1"})
    assert answer.status == 403
    page.goto(f"{office.url}/console/")
    expect(page.get_by_role("heading", name="待审 · 湘潭市")).to_be_visible()


def test_security_headers(office: OfficeServer) -> None:
    answer = httpx.get(f"{office.url}/console/login")
    csp = answer.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
