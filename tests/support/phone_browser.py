"""Debian's chromium driven by Playwright (never Playwright's own browser download),
headless, with a fresh profile, in a phone viewport (390×844) or any other size::

    from tests.support.browser import browser  # noqa: F401 (a fixture)
    from tests.support.phone_browser import phone_page  # noqa: F401 (a fixture)

    def test_layout(phone_page):
        phone_page.goto(url)
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support import browser as _desktop

CHROMIUM = _desktop.CHROMIUM
# The date pickers in Chinese, as on an enterprise's phone.
ARGS = [*_desktop.ARGS, "--lang=zh-CN"]
PHONE = dict(_desktop.PHONE)
DESKTOP = {"width": 1280, "height": 900}  # the enterprise pages' screenshots' size


@contextlib.contextmanager
def browser_context(viewport: dict[str, int], *, mobile: bool = True) -> Iterator[Any]:
    """A browser context of its own (fresh user-data-dir), closed afterwards."""
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="chromium-") as profile, sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            Path(profile),
            executable_path=CHROMIUM,
            headless=True,
            args=ARGS,
            viewport=viewport,
            device_scale_factor=2 if mobile else 1,
            is_mobile=mobile,
            has_touch=mobile,
            locale="zh-CN",
            timezone_id="Asia/Shanghai",
        )
        try:
            yield context
        finally:
            context.close()


@pytest.fixture
def phone_page(browser: Any) -> Iterator[Any]:
    """A phone-sized page in the session's one Chromium (``tests.support.browser``:
    Playwright's sync API runs once at a time in a process, so tests share it; a module
    using this fixture imports ``browser`` from there too)."""
    context = browser.new_context(
        viewport=PHONE,
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
    )
    try:
        yield context.new_page()
    finally:
        context.close()
