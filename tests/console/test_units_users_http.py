"""单位与令牌 and 工作人员 over HTTP, in-process through the office's app on a real
SQLite store: CSRF and other sites refused, every action refused to every other role
whatever is posted, a county admin kept to its county, the token only in the one answer
(no-store, never in a URL, a log line or a later page), no password ever echoed."""

from __future__ import annotations

import logging
import re

import pytest

from office import audit, tokens, users
from tests.support.console_http import CITY, CLI, COUNTY, PASSWORD, Staff, app  # noqa: F401

UNIT = "湘潭市市场监督管理局"
COUNTY_UNIT = "雨湖区市场监督管理局"
TOKEN_RE = re.compile(r'id="token"[^>]*>([A-Za-z0-9_-]{43})</textarea>')


@pytest.fixture(scope="module")
def office_backend() -> str:
    return "sqlite"  # the store-level tests run on both backends


def issue(staff: Staff, unit: str = UNIT) -> tuple[int, str]:
    answer = staff.post("/console/units/tokens", unit=unit)
    assert answer.status_code == 200, answer.text
    found = TOKEN_RE.search(answer.text)
    assert found, answer.text
    token_id = int(re.search(r"（编号 (\d+)）", answer.text).group(1))
    return token_id, found.group(1)


def test_issue_shows_the_token_once_no_store_and_never_again(app, store, caplog):
    admin = Staff(app, store, "admin1", "admin", CITY)
    caplog.set_level(logging.INFO, logger="beian.office")
    answer = admin.post("/console/units/tokens", unit=" 湘潭市 市场监督管理局")
    assert answer.status_code == 200
    assert answer.headers["cache-control"] == "no-store"
    assert "script-src 'self'" in answer.headers["content-security-policy"]
    assert '<script src="/console/static/copy.js">' in answer.text and "<script>" not in answer.text
    token = TOKEN_RE.search(answer.text).group(1)
    assert f"令牌：{token}" in answer.text  # the ready-to-copy block
    assert 'id="address" value="https://testserver"' in answer.text
    assert f"单位名称：{UNIT}" in answer.text and "代码 430300" in answer.text
    with store.read() as db:
        assert tokens.authenticate(db, token).unit == UNIT
        assert token not in str(audit.entries(db))
    later = admin.get("/console/units")
    assert later.status_code == 200 and UNIT in later.text and token not in later.text
    assert token not in caplog.text and "token_created" in caplog.text
    # The token works against the office's API, as a desk would use it.
    assert (
        app.get("/api/v1/changes", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    )


def test_bad_unit_names_keep_what_was_typed_with_a_chinese_message(app, store):
    admin = Staff(app, store, "admin1", "admin", CITY)
    for typed, message in (
        ("", "请填写单位名称"),
        ("局" * 60, "单位名称最多 50 个字"),
        ("局" * 5000, "单位名称最多 50 个字"),  # within the form limit
    ):
        answer = admin.post("/console/units/tokens", unit=typed)
        assert answer.status_code == 400 and message in answer.text
        assert 'role="alert"' in answer.text
    answer = admin.post("/console/units/tokens", unit="湘潭市\n市场监督管理局")
    assert answer.status_code == 400 and "不能换行" in answer.text
    assert "湘潭市\n市场监督管理局" in answer.text  # kept in the field as typed
    with store.read() as db:
        assert tokens.all_tokens(db) == []


def test_revoking_asks_first_then_the_token_stops_working(app, store):
    admin = Staff(app, store, "admin1", "admin", CITY)
    token_id, token = issue(admin)
    bearer = {"Authorization": f"Bearer {token}"}
    asked = admin.post(f"/console/units/tokens/{token_id}/revoke")
    assert asked.status_code == 200 and "确认吊销" in asked.text and "（编号" in asked.text
    assert app.get("/api/v1/changes", headers=bearer).status_code == 200  # not yet
    done = admin.post(f"/console/units/tokens/{token_id}/revoke", confirm="yes")
    assert done.status_code == 303 and done.headers["location"] == "/console/units?done=revoked"
    assert app.get("/api/v1/changes", headers=bearer).status_code == 401
    assert "已吊销该令牌" in admin.get("/console/units?done=revoked").text
    # All of a unit's tokens, after the same confirmation.
    _, second = issue(admin)
    _, third = issue(admin)
    asked = admin.post("/console/units/revoke", unit=UNIT)
    assert asked.status_code == 200 and f"吊销“{UNIT}”的全部有效令牌" in asked.text
    done = admin.post("/console/units/revoke", unit=UNIT, confirm="yes")
    assert done.headers["location"] == "/console/units?done=revoked_all&n=2"
    for t in (second, third):
        assert (
            app.get("/api/v1/changes", headers={"Authorization": f"Bearer {t}"}).status_code == 401
        )
    assert admin.post("/console/units/tokens/99999/revoke", confirm="yes").status_code == 404
    assert admin.post("/console/units/tokens/x1/revoke", confirm="yes").status_code == 404


def test_csrf_and_other_sites_are_refused_for_every_action(app, store):
    admin = Staff(app, store, "admin1", "admin", CITY)
    token_id, token = issue(admin)
    with store.write() as db:
        other = users.create(
            db, CLI, username="rev1", role="reviewer", password=PASSWORD, office=CITY
        )
    actions = [
        ("/console/units/tokens", {"unit": "湘潭市教育局"}),
        (f"/console/units/tokens/{token_id}/revoke", {"confirm": "yes"}),
        ("/console/units/revoke", {"unit": UNIT, "confirm": "yes"}),
        (
            "/console/users",
            {
                "username": "forged",
                "role": "admin",
                "password": PASSWORD,
                "password_again": PASSWORD,
            },
        ),
        (f"/console/users/{other.id}/disable", {}),
        (
            f"/console/users/{other.id}/password",
            {"password": "forged password 1", "password_again": "forged password 1"},
        ),
    ]
    for path, form in actions:
        assert admin.post(path, csrf="", **form).status_code == 403, path
        assert admin.post(path, csrf="0" * 64, **form).status_code == 403, path
        elsewhere = admin.client.post(
            path,
            data={"csrf": admin.csrf, **form},
            headers={"Origin": "https://evil.example"},
            follow_redirects=False,
        )
        assert elsewhere.status_code == 403, path
    with store.read() as db:
        assert [t.unit for t in tokens.all_tokens(db)] == [UNIT]
        assert tokens.authenticate(db, token) is not None
        assert users.get(db, "forged") is None
        assert users.get_by_id(db, other.id).active
        assert users.verify_password(users.password_hash(db, other.id), PASSWORD)


@pytest.mark.parametrize("role", ["reviewer", "justice", "park", "viewer"])
def test_every_other_role_is_refused_every_page_and_action(app, store, role):
    admin = Staff(app, store, "admin1", "admin", CITY)
    token_id, token = issue(admin)
    someone = Staff(app, store, "someone", role, CITY)
    for path in ("/console/units", "/console/users", f"/console/users/{admin.user.id}/password"):
        assert someone.get(path).status_code == 403, path
    assert "单位与令牌" not in someone.get("/console/filings").text  # not in its navigation
    posts = [
        ("/console/units/tokens", {"unit": "湘潭市教育局"}),
        (f"/console/units/tokens/{token_id}/revoke", {}),
        (f"/console/units/tokens/{token_id}/revoke", {"confirm": "yes"}),
        ("/console/units/revoke", {"unit": UNIT, "confirm": "yes"}),
        (
            "/console/users",
            {"username": "mine", "role": "admin", "password": PASSWORD, "password_again": PASSWORD},
        ),
        (f"/console/users/{admin.user.id}/disable", {}),
        (
            f"/console/users/{admin.user.id}/password",
            {"password": "taken over 123", "password_again": "taken over 123"},
        ),
    ]
    for path, form in posts:
        answer = someone.post(path, **form)
        assert answer.status_code == 403, path
        assert "无权" in answer.text
    with store.read() as db:
        assert tokens.authenticate(db, token) is not None
        assert [t.unit for t in tokens.all_tokens(db)] == [UNIT]
        assert users.get(db, "mine") is None and users.get(db, "admin1").active
        assert users.verify_password(users.password_hash(db, admin.user.id), PASSWORD)


def test_a_county_admin_sees_and_acts_only_within_its_county(app, store):
    city = Staff(app, store, "city-admin", "admin", CITY)
    county = Staff(app, store, "yh-admin", "admin", COUNTY)
    city_token_id, city_token = issue(city)
    issue(county, COUNTY_UNIT)
    page = county.get("/console/units").text
    assert COUNTY_UNIT in page and UNIT not in page
    assert "city-admin" not in county.get("/console/users").text
    assert COUNTY_UNIT not in city.get("/console/units").text  # the city holds no county tokens
    assert county.post(f"/console/units/tokens/{city_token_id}/revoke").status_code == 404
    assert (
        county.post(f"/console/units/tokens/{city_token_id}/revoke", confirm="yes").status_code
        == 404
    )
    assert county.post("/console/units/revoke", unit=UNIT, confirm="yes").status_code == 404
    assert county.post(f"/console/users/{city.user.id}/disable").status_code == 404
    assert county.get(f"/console/users/{city.user.id}/password").status_code == 404
    forged = county.post(
        "/console/users",
        username="yh-x",
        role="reviewer",
        password=PASSWORD,
        password_again=PASSWORD,
        office=CITY,
    )
    assert forged.status_code == 403
    with store.read() as db:
        assert tokens.authenticate(db, city_token) is not None
        assert users.get(db, "city-admin").active and users.get(db, "yh-x") is None


def test_create_disable_and_reset_accounts_never_echoing_a_password(app, store, caplog):
    admin = Staff(app, store, "admin1", "admin", CITY)
    caplog.set_level(logging.INFO, logger="beian.office")
    secret = "a reviewer's first password"
    weak = admin.post(
        "/console/users", username="rev1", role="reviewer", password="short", password_again="short"
    )
    assert weak.status_code == 400 and "密码至少 10 个字符" in weak.text
    assert 'value="rev1"' in weak.text and 'value="short"' not in weak.text
    unknown = admin.post(
        "/console/users", username="rev1", role="root", password=secret, password_again=secret
    )
    assert unknown.status_code == 400 and "请选择角色" in unknown.text
    made = admin.post(
        "/console/users", username="rev1", role="reviewer", password=secret, password_again=secret
    )
    assert made.status_code == 303
    listed = admin.get(made.headers["location"])
    assert "已新建工作人员账号“rev1”" in listed.text and "审核人员" in listed.text
    assert secret not in listed.text
    again = admin.post(
        "/console/users", username="REV1", role="viewer", password=secret, password_again=secret
    )
    assert again.status_code == 400 and "用户名“rev1”已被使用" in again.text
    assert secret not in again.text
    with store.read() as db:
        rev = users.get(db, "rev1")
        assert rev is not None and users.verify_password(users.password_hash(db, rev.id), secret)
    # Reset: the form, a mismatch refused, then done.
    assert admin.get(f"/console/users/{rev.id}/password").status_code == 200
    new = "a second long password"
    mismatch = admin.post(
        f"/console/users/{rev.id}/password", password=new, password_again=new + "x"
    )
    assert mismatch.status_code == 400 and "两次输入的密码不一致" in mismatch.text
    assert new not in mismatch.text
    done = admin.post(f"/console/users/{rev.id}/password", password=new, password_again=new)
    assert done.headers["location"] == f"/console/users?done=reset&id={rev.id}"
    # Disable; oneself never.
    assert admin.post(f"/console/users/{rev.id}/disable").status_code == 303
    self_disable = admin.post(f"/console/users/{admin.user.id}/disable")
    assert self_disable.status_code == 400 and "不能停用自己" in self_disable.text
    with store.read() as db:
        assert not users.get(db, "rev1").active and users.get(db, "admin1").active
        assert users.verify_password(users.password_hash(db, rev.id), new)
        entries = [e["action"] for e in audit.entries(db, office=CITY)]
    assert {"user_created", "password_reset", "user_disabled"} <= set(entries)
    assert secret not in caplog.text and new not in caplog.text
