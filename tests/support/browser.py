"""A real browser for the workbench's tests: Playwright for Python driving Debian's
``/usr/bin/chromium`` (never Playwright's own browser download), headless.

One browser per test session (``browser`` fixture); each test takes a fresh context
(cookies, storage) with ``browser_context`` or ``page``::

    from tests.support.browser import browser, page  # noqa: F401

    @pytest.mark.slow
    def test_login(office, page):
        add_staff(office, "rev", "reviewer")
        login(page, office.url, "rev")
        expect(page.get_by_role("heading", name="待审")).to_be_visible()

``add_staff(office, username, role, office_code=None, park=None)`` makes an account
through the real command line (password ``STAFF_PASSWORD``); ``login(page, url, username)``
fills the login form by its labels (用户名, 密码) and presses 登录. The office runs on
plain HTTP at 127.0.0.1, which Chromium treats as a secure context: the session
cookie's ``Secure`` attribute holds there as it does behind HTTPS.

``DESKTOP`` and ``PHONE`` are the viewport sizes the screenshots use.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Page,
    Playwright,
    ViewportSize,
    sync_playwright,
)

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
STAFF_PASSWORD = "a long staff password"
DESKTOP: ViewportSize = {"width": 1366, "height": 800}
PHONE: ViewportSize = {"width": 390, "height": 844}


class _Shared:
    """One Playwright and one Chromium however many modules import the fixture: each
    import makes a fixture of its own, and Playwright's sync API runs only once at a
    time in a process."""

    playwright: Playwright | None = None
    browser: Browser | None = None
    users = 0


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless Chromium for the whole session (contexts keep tests apart).

    Playwright starts it on a fresh temporary user-data-dir of its own and removes
    it on close; nothing of the user's profile is read."""
    if _Shared.browser is None:
        _Shared.playwright = sync_playwright().start()
        _Shared.browser = _Shared.playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=ARGS
        )
    _Shared.users += 1
    try:
        yield _Shared.browser
    finally:
        _Shared.users -= 1
        if _Shared.users == 0 and _Shared.playwright is not None:
            _Shared.browser.close()
            _Shared.playwright.stop()
            _Shared.browser = _Shared.playwright = None


@pytest.fixture
def browser_context(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    yield context
    context.close()


@pytest.fixture
def page(browser_context: BrowserContext) -> Page:
    return browser_context.new_page()


def add_staff(
    office: Any,
    username: str,
    role: str,
    office_code: str | None = None,
    park: str | None = None,
) -> None:
    """A staff account through ``beian-office user create`` on the office's database."""
    args = ["user", "create", "--username", username, "--role", role]
    if office_code:
        args += ["--office", office_code]
    if park:
        args += ["--park", park]
    office.cli(*args, "--password-stdin", input=STAFF_PASSWORD + "\n")


def login(page: Page, url: str, username: str, password: str = STAFF_PASSWORD) -> None:
    page.goto(f"{url}/console/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(lambda u: "/console/login" not in u)
