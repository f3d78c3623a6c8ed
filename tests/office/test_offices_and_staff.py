"""Offices, staff roles, login, sessions and the audit table, in-process on both backends.

The role tests are what keeps the checks in the store layer: each one calls a store
operation as an actor who may not do it and expects the refusal, with nothing changed
and nothing audited — remove a ``require`` and one of them fails."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from office import audit, auth, filings, intake, offices, receipts, tables, tokens, users
from office.errors import OfficeError
from office.staff import Actor, Forbidden
from office.store import OfficeStore
from tests.support.office import DEFAULT_UNIT, OTHER_UNIT, valid_filing
from tests.support.office_store import (
    CLI,
    COUNTY,
    COUNTY_UNIT,
    PARK,
    PASSWORD,
    body,
    file_one,
    staff,
    two_offices,  # noqa: F401 (a fixture)
)


def audit_count(store: OfficeStore) -> int:
    with store.read() as db:
        return len(audit.entries(db))


# --- offices -----------------------------------------------------------------------------


def test_each_office_numbers_its_own_series(two_offices: OfficeStore) -> None:
    got = [file_one(two_offices, u)["receipt"] for u in (DEFAULT_UNIT, COUNTY_UNIT) * 2]
    year = datetime.now(UTC).astimezone().year
    assert [r[:3] for r in got] == ["潭优备", "雨优备", "潭优备", "雨优备"]
    assert [receipts.parse_receipt(r)[1] for r in got] == [1, 1, 2, 2]
    assert all(f"〔{year}〕" in r or receipts.parse_receipt(r) for r in got)
    with two_offices.read() as db:
        held = {h.receipt: h.office for h in filings.all_held(db)}
    assert held == dict(zip(got, ["430300", COUNTY] * 2, strict=True))


def test_office_create_refuses_bad_codes_prefixes_and_levels(two_offices: OfficeStore) -> None:
    cases = [
        ({"code": "4303", "name": "x", "prefix": "甲"}, "6 位"),
        ({"code": "430304", "name": "岳塘区", "prefix": "雨优备"}, "已由办公室"),
        ({"code": "430304", "name": "岳塘区", "prefix": "岳〔备"}, "回执前缀"),
        ({"code": "430302", "name": "雨湖区", "prefix": "乙"}, "已经存在"),
        ({"code": "430304", "name": "岳塘区", "prefix": "岳优备", "parent": "999999"}, "不存在"),
        ({"code": "430399", "name": "某街道", "prefix": "丙", "parent": COUNTY}, "市、县两级"),
    ]
    for given, words in cases:
        with two_offices.write() as db, pytest.raises(OfficeError, match=words):
            offices.create(db, CLI, **given)
    with two_offices.read() as db:
        assert [o.code for o in offices.all_offices(db)] == ["430300", COUNTY]


def test_with_several_offices_a_new_unit_must_name_its_office(two_offices: OfficeStore) -> None:
    with two_offices.write() as db, pytest.raises(OfficeError, match="--office"):
        tokens.create(db, CLI, OTHER_UNIT)
    with two_offices.write() as db, pytest.raises(OfficeError, match="只向一个办公室"):
        tokens.create(db, CLI, COUNTY_UNIT, "430300")
    with two_offices.write() as db:  # a unit already known keeps its office
        token_id, _ = tokens.create(db, CLI, COUNTY_UNIT)
        assert tokens.get(db, token_id).office == COUNTY


def test_the_city_reads_its_counties_filings_and_a_county_only_its_own(
    two_offices: OfficeStore,
) -> None:
    city = file_one(two_offices, DEFAULT_UNIT)
    county = file_one(two_offices, COUNTY_UNIT)
    city_viewer = staff(two_offices, "city-viewer", "viewer", "430300")
    county_viewer = staff(two_offices, "county-viewer", "viewer", COUNTY)
    justice = staff(two_offices, "county-justice", "justice", COUNTY)
    with two_offices.read() as db:
        assert {h.id for h in filings.visible_to(db, city_viewer)} == {city["id"], county["id"]}
        assert {h.id for h in filings.visible_to(db, county_viewer)} == {county["id"]}
        assert {h.id for h in filings.visible_to(db, justice)} == {county["id"]}


def test_a_park_committee_reads_only_its_parks_filings(two_offices: OfficeStore) -> None:
    from office import reference

    with two_offices.write() as db:
        reference.load(db, {"parks": [{"name": PARK, "short": "湘潭高新区"}]}, source="t")
    enterprise = {
        "name": "湘潭顺阳新材料科技股份有限公司",
        "uscc": "91430304MA4YG57FJC",
        "address": "湘潭市岳塘区科技路45号",
        "park": "湘潭高新区",
    }
    in_park = file_one(two_offices, DEFAULT_UNIT, enterprise=enterprise)
    file_one(two_offices, DEFAULT_UNIT)
    park = staff(two_offices, "gaoxin", "park", "430300", park=PARK)
    with two_offices.read() as db:
        assert [h.id for h in filings.visible_to(db, park)] == [in_park["id"]]


# --- roles, enforced in the store ----------------------------------------------------------


@pytest.mark.parametrize("role", ["justice", "park", "viewer"])
def test_readers_cannot_return_a_filing(two_offices: OfficeStore, role: str) -> None:
    held = file_one(two_offices, DEFAULT_UNIT)
    reader = staff(two_offices, f"reader-{role}", role, "430300", PARK if role == "park" else None)
    before = audit_count(two_offices)
    with two_offices.write() as db, pytest.raises(Forbidden, match="无权退回备案"):
        filings.return_latest(db, reader, held["id"], "请补充检查依据。")
    with two_offices.read() as db:
        assert filings.latest(db, held["id"]).status == filings.FILED
    assert audit_count(two_offices) == before


def test_returns_stay_with_the_office_that_holds_the_filing(two_offices: OfficeStore) -> None:
    county_filing = file_one(two_offices, COUNTY_UNIT)
    city_reviewer = staff(two_offices, "city-reviewer", "reviewer", "430300")
    county_reviewer = staff(two_offices, "county-reviewer", "reviewer", COUNTY)
    with two_offices.write() as db, pytest.raises(Forbidden):
        filings.return_latest(db, city_reviewer, county_filing["id"], "请补充。")
    with two_offices.write() as db:
        returned = filings.return_latest(db, county_reviewer, county_filing["id"], "请补充。")
    assert returned.status == filings.RETURNED
    with two_offices.read() as db:
        entry = audit.entries(db)[-1]
    assert entry["actor"] == "county-reviewer" and entry["action"] == "returned"
    assert entry["office"] == COUNTY
    assert entry["details"]["status"] == {"from": "filed", "to": "returned"}


def test_a_county_admin_cannot_issue_tokens_or_users_for_another_office(
    two_offices: OfficeStore,
) -> None:
    admin = staff(two_offices, "county-admin", "admin", COUNTY)
    reviewer = staff(two_offices, "county-reviewer", "reviewer", COUNTY)
    before = audit_count(two_offices)
    with two_offices.write() as db, pytest.raises(Forbidden, match="令牌"):
        tokens.create(db, admin, OTHER_UNIT, "430300")
    with two_offices.write() as db, pytest.raises(Forbidden, match="令牌"):
        tokens.revoke_unit(db, admin, DEFAULT_UNIT)
    with two_offices.write() as db, pytest.raises(Forbidden, match="令牌"):
        tokens.create(db, reviewer, "雨湖区应急管理局", COUNTY)
    with two_offices.write() as db, pytest.raises(Forbidden, match="账号"):
        users.create(
            db, admin, username="intruder", role="admin", password=PASSWORD, office="430300"
        )
    with two_offices.write() as db, pytest.raises(Forbidden, match="设立办公室"):
        offices.create(db, admin, code="430304", name="岳塘区", prefix="岳优备", parent="430300")
    assert audit_count(two_offices) == before
    with two_offices.write() as db:  # in its own office it may
        token_id, _ = tokens.create(db, admin, "雨湖区应急管理局", COUNTY)
        users.create(db, admin, username="yh-viewer", role="viewer", password=PASSWORD)
    with two_offices.read() as db:
        assert tokens.get(db, token_id).office == COUNTY
        actions = [(e["actor"], e["action"]) for e in audit.entries(db)[before:]]
    assert actions == [("county-admin", "token_created"), ("county-admin", "user_created")]


def test_a_disabled_account_cannot_act_from_the_command_line(two_offices: OfficeStore) -> None:
    staff(two_offices, "leaver", "reviewer", "430300")
    with two_offices.write() as db:
        users.disable(db, CLI, "leaver")
    with two_offices.read() as db, pytest.raises(OfficeError, match="已停用"):
        users.actor_for(db, "leaver")


# --- accounts, login, sessions -------------------------------------------------------------


def test_passwords_are_kept_only_as_argon2_hashes(two_offices: OfficeStore) -> None:
    staff(two_offices, "reviewer1", "reviewer", "430300")
    with two_offices.read() as db:
        rows = [tuple(r) for r in db.execute(select(tables.users))]
        rows += [tuple(r) for r in db.execute(select(tables.audit))]
    assert PASSWORD not in repr(rows)
    assert rows[0][2].startswith("$argon2id$")
    with two_offices.write() as db, pytest.raises(OfficeError, match="已被使用"):
        users.create(
            db, CLI, username="Reviewer1", role="viewer", password=PASSWORD, office="430300"
        )
    with two_offices.write() as db, pytest.raises(OfficeError, match="至少"):
        users.create(db, CLI, username="short", role="viewer", password="abc", office="430300")
    with two_offices.write() as db, pytest.raises(OfficeError, match="--park"):
        users.create(db, CLI, username="nopark", role="park", password=PASSWORD)


def test_login_succeeds_and_is_throttled_per_user_and_per_address(
    two_offices: OfficeStore,
) -> None:
    staff(two_offices, "reviewer1", "reviewer", "430300")
    moment = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    ok = auth.authenticate(two_offices, "Reviewer1 ", PASSWORD, "10.0.0.1", moment)
    assert ok.ok and ok.actor == Actor("reviewer1", "reviewer", "430300")
    wrong = auth.authenticate(two_offices, "reviewer1", "guess", "10.0.0.1", moment)
    unknown = auth.authenticate(two_offices, "nobody", PASSWORD, "10.0.0.1", moment)
    assert (wrong.ok, wrong.message) == (False, auth.WRONG) == (unknown.ok, unknown.message)
    for _ in range(auth.MAX_FAILURES_PER_USER - 1):
        auth.authenticate(two_offices, "reviewer1", "guess", "10.0.0.2", moment)
    # Five failures for this name: even the right password is refused now, from anywhere.
    refused = auth.authenticate(two_offices, "reviewer1", PASSWORD, "10.0.0.9", moment)
    assert (refused.ok, refused.message) == (False, auth.THROTTLED)
    later = moment + auth.WINDOW + timedelta(seconds=1)
    assert auth.authenticate(two_offices, "reviewer1", PASSWORD, "10.0.0.9", later).ok

    # Many names from one address: that address is throttled, others are not.
    for i in range(auth.MAX_FAILURES_PER_ADDRESS):
        auth.authenticate(two_offices, f"guess{i}", "x", "10.9.9.9", later)
    from_there = auth.authenticate(two_offices, "reviewer1", PASSWORD, "10.9.9.9", later)
    assert from_there.message == auth.THROTTLED
    assert auth.authenticate(two_offices, "reviewer1", PASSWORD, "10.0.0.8", later).ok


def test_sessions_expire_end_and_die_with_the_account(two_offices: OfficeStore) -> None:
    staff(two_offices, "reviewer1", "reviewer", "430300")
    moment = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    login = auth.authenticate(two_offices, "reviewer1", PASSWORD, "10.0.0.1", moment)
    session = auth.create_session(two_offices, login.user_id, "10.0.0.1", moment)
    assert auth.lookup_session(two_offices, session, moment).name == "reviewer1"
    expired = moment + auth.SESSION_LIFETIME
    assert auth.lookup_session(two_offices, session, expired) is None
    assert auth.expire_sessions(two_offices, expired) == 1
    with two_offices.read() as db:
        stored = [r.hash for r in db.execute(select(tables.sessions))]
    assert session not in stored and auth.session_hash(session) in stored

    second = auth.create_session(two_offices, login.user_id, "10.0.0.1", moment)
    auth.end_session(two_offices, second, moment)
    assert auth.lookup_session(two_offices, second, moment) is None
    third = auth.create_session(two_offices, login.user_id, "10.0.0.1", moment)
    with two_offices.write() as db:
        users.disable(db, CLI, "reviewer1")
    assert auth.lookup_session(two_offices, third, moment) is None
    assert not auth.authenticate(two_offices, "reviewer1", PASSWORD, "10.0.0.1", moment).ok


def test_the_review_list_pages_newest_first_and_search_finds_receipts_and_units(
    two_offices: OfficeStore,
) -> None:
    from datetime import timedelta as td

    from forms.record import SHANGHAI

    start = datetime.now(SHANGHAI) - td(minutes=10)
    sent = []
    for i in range(5):
        moment = start + td(minutes=i)
        outcome = intake.submit(two_offices, DEFAULT_UNIT, body(valid_filing()), received_at=moment)
        sent.append(outcome.body)
    county = file_one(two_offices, COUNTY_UNIT)
    with two_offices.read() as db:
        first = filings.review_page(db, ["430300"], limit=2)
        second = filings.review_page(db, ["430300"], limit=2, before=first[-1].received_at)
        assert [h.id for h in first + second] == [s["id"] for s in reversed(sent)][:4]
        rollup = filings.review_page(db, offices.in_reach(db, "430300"), limit=10)
        assert rollup[0].id == county["id"] and len(rollup) == 6
        assert [h.id for h in filings.search(db, ["430300"], sent[2]["receipt"])] == [sent[2]["id"]]
        assert len(filings.search(db, ["430300"], "市场监督")) == 5
        assert filings.search(db, ["430300"], "雨湖区") == []  # not in the city's own rows
        assert filings.search(db, ["430300"], "%") == []
