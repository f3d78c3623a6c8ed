"""The navigation marks the section a page belongs to, its sub-pages included."""

from __future__ import annotations

import re

import pytest

from office.console.web import NAV, current_nav
from tests.support.console_http import CITY, Staff, app  # noqa: F401


@pytest.mark.parametrize(
    ("path", "key"),
    [
        ("/console/", "pending"),
        ("/console/pending/seen", "pending"),
        ("/console/filings", "filings"),
        ("/console/filings/5d7e-0001", "filings"),
        ("/console/filings/5d7e-0001/pdf", "filings"),
        ("/console/park-replies/5d7e-0001", "filings"),
        ("/console/reference", "reference"),
        ("/console/reference/calendar", "reference"),
        ("/console/reference/parks/preview", "reference"),
        ("/console/units/tokens/4/revoke", "units"),
        ("/console/users", "users"),
        ("/console/crosscheck", "crosscheck"),
        ("/console/plans", "crosscheck"),
        ("/console/repeats", "crosscheck"),
        ("/console/return-templates", "return_templates"),
        ("/console/login", None),
        ("/console/filingsx", None),  # a prefix of the text is not a sub-page
        ("/console/unknown", None),
    ],
)
def test_a_page_marks_its_section(path: str, key: str | None):
    assert current_nav(path) == key


def test_every_nav_entry_marks_itself():
    for key, href, _label in NAV:
        assert current_nav(href) == key


@pytest.fixture(scope="module")
def office_backend() -> str:
    return "sqlite"


def test_a_sub_page_is_rendered_with_its_section_current(app, store):
    admin = Staff(app, store, "nav.admin", "admin", CITY)
    page = admin.get("/console/reference/calendar")
    assert page.status_code == 200, page.text
    current = re.findall(r'<a href="([^"]+)" aria-current="page">', page.text)
    assert current == ["/console/reference"]
