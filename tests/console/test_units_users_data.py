"""单位与令牌 and 工作人员: what the admin pages show and do, as plain functions on a real
store — on SQLite and on PostgreSQL (tests/console/conftest.py). No browser."""

from __future__ import annotations

import pytest

from office import audit, auth, offices, tokens, users
from office.console import units
from office.console import users as staff_page
from office.errors import OfficeError
from office.staff import Actor, Forbidden
from office.store import OfficeStore

CLI = Actor.cli()
CITY, COUNTY = "430300", "430302"
CITY_UNIT = "湘潭市市场监督管理局"
COUNTY_UNIT = "雨湖区市场监督管理局"
PASSWORD = "correct horse battery"
ADDRESS = "https://beian.example.gov.cn"


def admin_of(store: OfficeStore, username: str, office: str) -> Actor:
    with store.write() as db:
        return users.create(
            db, CLI, username=username, role="admin", password=PASSWORD, office=office
        ).actor()


@pytest.fixture
def two_offices(store: OfficeStore) -> OfficeStore:
    with store.write() as db:
        offices.create(db, CLI, code=COUNTY, name="雨湖区", prefix="雨优备", parent=CITY)
    return store


def test_an_admin_issues_a_token_shown_once_with_the_units_connection_details(two_offices):
    admin = admin_of(two_offices, "city-admin", CITY)
    with two_offices.write() as db:
        issued = units.issue(db, admin, "  湘潭市 市场监督管理局 ", ADDRESS)
    assert issued.unit == CITY_UNIT  # normalised as `token create` does
    assert (issued.office_code, issued.office_name) == (CITY, "湘潭市")
    assert issued.token not in repr(issued)
    assert issued.handover.splitlines() == [
        f"备案办公室地址：{ADDRESS}",
        f"令牌：{issued.token}",
        f"单位名称：{CITY_UNIT}",
        f"办公室：湘潭市（代码 {CITY}）",
    ]
    with two_offices.read() as db:
        assert tokens.authenticate(db, issued.token).unit == CITY_UNIT
        (row,) = units.unit_rows(db, admin)
        entries = audit.entries(db, office=CITY)
    assert row.name == CITY_UNIT and row.active_count == 1
    (token_row,) = row.tokens
    assert (token_row.id, token_row.issued_by, token_row.active) == (
        issued.token_id,
        "city-admin",
        True,
    )
    assert len(token_row.issued_at) == len("2026-12-01 09:30")
    created = [e for e in entries if e["action"] == "token_created"]
    assert created[-1]["actor"] == "city-admin"
    assert issued.token not in str(entries)  # the audit never holds the token


def test_a_county_admin_sees_and_touches_only_its_own_units(two_offices):
    city, county = admin_of(two_offices, "city-admin", CITY), admin_of(two_offices, "yh", COUNTY)
    with two_offices.write() as db:
        city_token = units.issue(db, city, CITY_UNIT, ADDRESS)
        units.issue(db, county, COUNTY_UNIT, ADDRESS)
    with two_offices.read() as db:
        assert [r.name for r in units.unit_rows(db, county)] == [COUNTY_UNIT]
        assert [r.name for r in units.unit_rows(db, city)] == [CITY_UNIT]  # not its counties'
    with pytest.raises(units.Unknown), two_offices.write() as db:
        units.revoke_token(db, county, city_token.token_id)
    with pytest.raises(units.Unknown), two_offices.write() as db:
        units.revoke_unit(db, county, CITY_UNIT)
    # A county admin naming the city's unit is told it belongs elsewhere; nothing issued.
    with pytest.raises(OfficeError, match="已属于办公室"), two_offices.write() as db:
        units.issue(db, county, CITY_UNIT, ADDRESS)
    with two_offices.read() as db:
        assert tokens.authenticate(db, city_token.token) is not None
        assert len(units.unit_rows(db, city)[0].tokens) == 1


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "请填写单位名称"),
        ("   ", "请填写单位名称"),
        ("局" * 51, "最多 50 个字"),
        ("局" * 5000, "最多 50 个字"),
        ("湘潭市\n市场监督管理局", "不能换行"),
        ("湘潭市\u00ad市场监督管理局", "不可见字符"),
    ],
)
def test_bad_unit_names_get_a_chinese_message_and_nothing_is_issued(store, typed, message):
    admin = admin_of(store, "admin1", CITY)
    with pytest.raises(OfficeError, match=message), store.write() as db:
        units.issue(db, admin, typed, ADDRESS)
    with store.read() as db:
        assert units.unit_rows(db, admin) == [] and tokens.all_tokens(db) == []


def test_revoking_one_token_and_all_of_a_unit_is_audited(store):
    admin = admin_of(store, "admin1", CITY)
    with store.write() as db:
        first = units.issue(db, admin, CITY_UNIT, ADDRESS)
        second = units.issue(db, admin, CITY_UNIT, ADDRESS)
        third = units.issue(db, admin, CITY_UNIT, ADDRESS)
    with store.write() as db:
        assert units.revoke_token(db, admin, first.token_id).active  # was active
        assert not units.revoke_token(db, admin, first.token_id).active  # twice: no change
    with store.write() as db:
        assert units.revoke_unit(db, admin, " 湘潭市市场监督管理局") == 2
        assert units.revoke_unit(db, admin, CITY_UNIT) == 0
    with store.read() as db:
        assert all(tokens.authenticate(db, t.token) is None for t in (first, second, third))
        (row,) = units.unit_rows(db, admin)
        actions = [e["action"] for e in audit.entries(db, office=CITY)]
    assert row.active_count == 0 and all(t.revoked_at for t in row.tokens)
    assert actions.count("token_revoked") == 1 and actions.count("tokens_revoked") == 1


@pytest.mark.parametrize("role", ["reviewer", "justice", "park", "viewer"])
def test_no_other_role_reads_or_changes_units_or_accounts(store, role):
    admin = admin_of(store, "admin1", CITY)
    with store.write() as db:
        issued = units.issue(db, admin, CITY_UNIT, ADDRESS)
    other = Actor("someone", role, CITY, "湘潭高新技术产业开发区" if role == "park" else None)
    with store.write() as db:
        for call in (
            lambda: units.unit_rows(db, other),
            lambda: units.issue(db, other, "湘潭市教育局", ADDRESS),
            lambda: units.revoke_token(db, other, issued.token_id),
            lambda: units.revoke_unit(db, other, CITY_UNIT),
            lambda: staff_page.user_rows(db, other),
            lambda: staff_page.create_user(
                db, other, username="x1", role="admin", password=PASSWORD, again=PASSWORD
            ),
            lambda: staff_page.disable_user(db, other, 1),
            lambda: staff_page.reset_user_password(db, other, 1, PASSWORD, PASSWORD),
        ):
            with pytest.raises(Forbidden):
                call()
    with store.read() as db:
        assert tokens.authenticate(db, issued.token) is not None
        assert [u.username for u in users.all_users(db)] == ["admin1"]


def test_the_office_users_with_role_text_state_and_last_login(two_offices):
    from datetime import UTC, datetime

    admin = admin_of(two_offices, "city-admin", CITY)
    admin_of(two_offices, "yh-admin", COUNTY)
    with two_offices.write() as db:
        made = staff_page.create_user(
            db, admin, username=" Rev1 ", role="reviewer", password=PASSWORD, again=PASSWORD
        )
    assert (made.username, made.office, made.role) == ("rev1", CITY, "reviewer")
    auth.create_session(two_offices, made.id, "127.0.0.1", datetime(2026, 3, 2, 1, 5, tzinfo=UTC))
    with two_offices.read() as db:
        rows = staff_page.user_rows(db, admin)
    assert [(r.username, r.role_text, r.office, r.is_self) for r in rows] == [
        ("city-admin", "管理员", "湘潭市（430300）", True),
        ("rev1", "审核人员", "湘潭市（430300）", False),
    ]
    assert rows[0].last_login == "" and rows[1].last_login == "2026-03-02 09:05"
    with two_offices.read() as db:
        assert users.verify_password(users.password_hash(db, made.id), PASSWORD)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"username": ""}, "请填写用户名"),
        ({"username": "a" * 101}, "最多 40 个字符"),
        ({"username": "张三"}, "小写英文字母"),
        ({"role": ""}, "请选择角色：管理员、审核人员"),
        ({"role": "superuser"}, "请选择角色"),
        ({"password": "short", "again": "short"}, "密码至少 10 个字符"),
        ({"password": "x" * 201, "again": "x" * 201}, "密码最多 200 个字符"),
        ({"again": "another long password"}, "两次输入的密码不一致"),
        ({"role": "park"}, "还没有载入园区名单"),
        ({"username": "city-admin"}, "已被使用"),
        ({"office": COUNTY}, "只能新建本办公室"),
        ({"office": "999999"}, "只能新建本办公室"),
    ],
)
def test_bad_account_input_gets_a_chinese_message_and_nothing_is_made(two_offices, fields, message):
    admin = admin_of(two_offices, "city-admin", CITY)
    given = {"username": "rev2", "role": "reviewer", "password": PASSWORD, "again": PASSWORD}
    with pytest.raises(OfficeError, match=message), two_offices.write() as db:
        staff_page.create_user(db, admin, **{**given, **fields})
    with two_offices.read() as db:
        assert [u.username for u in users.all_users(db)] == ["city-admin"]


def test_a_park_committee_account_names_a_park_of_the_list(store):
    from office import reference

    admin = admin_of(store, "admin1", CITY)
    with store.write() as db:
        reference.load(db, {"parks": [{"name": "湘潭高新技术产业开发区"}]}, source="t")
    with pytest.raises(OfficeError, match="园区名单中选择"), store.write() as db:
        staff_page.create_user(
            db, admin, username="p1", role="park", password=PASSWORD, again=PASSWORD, park="别处"
        )
    with store.write() as db:
        made = staff_page.create_user(
            db,
            admin,
            username="p1",
            role="park",
            password=PASSWORD,
            again=PASSWORD,
            park="湘潭高新技术产业开发区",
        )
        viewer = staff_page.create_user(
            db,
            admin,
            username="v1",
            role="viewer",
            password=PASSWORD,
            again=PASSWORD,
            park="湘潭高新技术产业开发区",  # posted with another role: not kept
        )
    assert made.park == "湘潭高新技术产业开发区" and viewer.park is None


def test_disable_and_reset_within_the_office_and_never_oneself(two_offices):
    from datetime import UTC, datetime

    admin = admin_of(two_offices, "city-admin", CITY)
    county = admin_of(two_offices, "yh-admin", COUNTY)
    with two_offices.write() as db:
        rev = staff_page.create_user(
            db, admin, username="rev1", role="reviewer", password=PASSWORD, again=PASSWORD
        )
        me = users.get(db, "city-admin")
    moment = datetime.now(UTC)
    session = auth.create_session(two_offices, rev.id, "127.0.0.1", moment)
    with pytest.raises(OfficeError, match="不能停用自己"), two_offices.write() as db:
        staff_page.disable_user(db, admin, me.id)
    with pytest.raises(OfficeError, match="不能停用自己"), two_offices.write() as db:
        users.disable(db, admin, "city-admin")  # the guard is the store's: `--as` too
    with pytest.raises(staff_page.Unknown), two_offices.write() as db:
        staff_page.disable_user(db, county, rev.id)  # another office's account: unknown
    with pytest.raises(staff_page.Unknown), two_offices.write() as db:
        staff_page.reset_user_password(db, county, rev.id, PASSWORD, PASSWORD)
    with pytest.raises(OfficeError, match="密码至少"), two_offices.write() as db:
        staff_page.reset_user_password(db, admin, rev.id, "short", "short")
    assert auth.lookup_session(two_offices, session, moment) is not None
    new = "another long password"
    with two_offices.write() as db:
        staff_page.reset_user_password(db, admin, rev.id, new, new)
    assert auth.lookup_session(two_offices, session, moment) is None  # sessions ended
    with two_offices.write() as db:
        staff_page.disable_user(db, admin, rev.id)
    with two_offices.read() as db:
        assert users.verify_password(users.password_hash(db, rev.id), new)
        rows = {r.username: r for r in staff_page.user_rows(db, admin)}
        actions = [e["action"] for e in audit.entries(db, office=CITY)]
        assert users.get(db, "city-admin").active
    assert not rows["rev1"].active and rows["rev1"].disabled_at
    assert "password_reset" in actions and "user_disabled" in actions
