"""Every route of the workbench, found from the app itself (a page added later is
covered without editing this test): without a session it sends to the login and changes
nothing; a role its page is not for is refused, for reading and for posting."""

from __future__ import annotations

import re

import pytest
from fastapi.routing import APIRoute

from office.console import PAGES, access, web
from tests.support.console_http import CITY, Staff, app  # noqa: F401

OPEN = {"/console/login", "/console/logout"}


@pytest.fixture(scope="module")
def office_backend() -> str:
    return "sqlite"


def console_routes(client) -> list[tuple[str, str, str | None]]:
    """(method, path with its parameters filled, nav key) of every console route: the
    routes of every page module the workbench installs (office.console.PAGES)."""
    out = []
    for route in (r for router in PAGES for r in router.routes):
        if not isinstance(route, APIRoute) or not route.path.startswith("/console"):
            continue
        if route.path in OPEN:
            continue
        path = re.sub(r"\{[^}]+\}", "1", route.path)
        key = web.current_nav(path)
        for method in sorted(route.methods - {"HEAD"}):
            out.append((method, path, key))
    return out


def test_the_app_has_the_pages_this_test_walks(app):
    keys = {key for _m, _p, key in console_routes(app)}
    assert {"units", "users", "reference", "return_templates", "pending"} <= keys


def test_without_a_session_every_route_sends_to_the_login(app):
    for method, path, _key in console_routes(app):
        answer = app.request(method, path, follow_redirects=False)
        if method == "GET":
            assert answer.status_code == 303, (method, path, answer.status_code)
            assert answer.headers["location"] == "/console/login"
        else:
            assert answer.status_code in (303, 403), (method, path, answer.status_code)
            if answer.status_code == 303:
                assert answer.headers["location"] == "/console/login"


@pytest.mark.parametrize("role", ["reviewer", "justice", "park", "viewer"])
def test_a_role_is_refused_every_page_it_is_not_for(app, store, role):
    staff = Staff(app, store, f"walk.{role}", role, CITY)
    walked = 0
    for method, path, key in console_routes(app):
        if key is None or role in access.PAGE_ROLES[key]:
            continue
        walked += 1
        answer = staff.get(path) if method == "GET" else staff.post(path)
        if answer.status_code == 303:  # 待审's address sends a reader to its own start
            assert method == "GET", (role, method, path)
            assert answer.headers["location"] == web.home_path(staff.user.actor()) != path
            continue
        assert answer.status_code in (403, 404), (role, method, path, answer.status_code)
    assert walked  # every one of these roles is kept out of some page
