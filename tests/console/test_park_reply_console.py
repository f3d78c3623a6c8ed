"""园区回复 on the workbench, as plain functions on a real store (SQLite and PostgreSQL,
tests/console/conftest.py): who is offered the form, who sees the replies, the events,
the feed's column, and the posted form read back as typed."""

from __future__ import annotations

import json

import pytest

from office import intake, park_replies, tokens, users
from office.console import feed, filing, park_reply
from office.staff import Actor
from office.store import OfficeStore
from tests.support.office import DEFAULT_UNIT, valid_filing

CLI = Actor.cli()
PARK = "湘潭高新技术产业开发区"
PASSWORD = "correct horse battery"


@pytest.fixture
def held(store: OfficeStore) -> dict:
    with store.write() as db:
        tokens.create(db, CLI, DEFAULT_UNIT, "430300")
    enterprise = {
        "name": "湘潭顺阳新材料科技股份有限公司",
        "uscc": "91430304MA4YG57FJC",
        "address": "湘潭市岳塘区科技路45号",
        "park": PARK,
    }
    data = valid_filing(DEFAULT_UNIT, enterprise=enterprise)
    outcome = intake.submit(store, DEFAULT_UNIT, json.dumps(data, ensure_ascii=False).encode())
    assert outcome.status == 201
    return outcome.body


def staff(store: OfficeStore, username: str, role: str, park: str | None = None) -> Actor:
    with store.write() as db:
        user = users.create(
            db, CLI, username=username, role=role, password=PASSWORD, office="430300", park=park
        )
    return user.actor()


def test_only_the_parks_committee_is_offered_the_form_and_every_reader_sees_the_reply(
    store: OfficeStore, held: dict
):
    committee = staff(store, "gx-park", "park", PARK)
    other = staff(store, "jk-park", "park", "湘潭经济技术开发区")
    justice = staff(store, "justice", "justice")
    reviewer = staff(store, "rev", "reviewer")
    with store.read() as db:
        mine = filing.view(db, committee, held["id"])
        assert filing.view(db, other, held["id"]) is None  # another park does not read it
        assert mine is not None and mine.park is not None and mine.park.may_reply
        assert mine.park.replies == [] and [r[0] for r in mine.park.rows] == [1, 2, 3]
        for reader in (justice, reviewer):
            page = filing.view(db, reader, held["id"])
            assert page is not None and page.park is not None and not page.park.may_reply
    with store.write() as db:
        park_replies.reply(
            db, committee, held["id"], "send_staff", [("李强", "13807320001")], "已联系"
        )
    with store.read() as db:
        for reader in (committee, justice, reviewer):
            page = filing.view(db, reader, held["id"])
            assert page is not None and page.park is not None
            assert [(r.kind_text, r.staff_text) for r in page.park.replies] == [
                ("派员参加", "李强（13807320001）")
            ]
            (event,) = [e for e in page.events if e.what == "园区管委会回复"]
            assert event.actor == "gx-park" and "李强（13807320001）" in event.detail
        # The committee's form starts from its current reply, to change it.
        again = filing.view(db, committee, held["id"])
        assert again is not None and again.park is not None
        assert again.park.draft == park_reply.Draft(
            "send_staff", (("李强", "13807320001"),), "已联系"
        )
        assert [c.reply for c in feed.feed(db, committee)] == ["派员参加"]
    with store.write() as db:
        park_replies.reply(db, committee, held["id"], "nothing_to_add", [])
    with store.read() as db:
        page = filing.view(db, reviewer, held["id"])
        assert page is not None and page.park is not None
        assert [r.kind_text for r in page.park.replies] == ["无补充意见"]
        whats = [e.what for e in page.events if e.what.startswith("园区管委会回复")]
        assert whats == ["园区管委会回复（已被后续回复取代）", "园区管委会回复"]
        assert [c.reply for c in feed.feed(db, committee)] == ["无补充意见"]


def test_a_filing_outside_any_park_has_no_panel(store: OfficeStore):
    with store.write() as db:
        tokens.create(db, CLI, DEFAULT_UNIT, "430300")
    data = valid_filing(DEFAULT_UNIT)
    outcome = intake.submit(store, DEFAULT_UNIT, json.dumps(data, ensure_ascii=False).encode())
    reviewer = staff(store, "rev", "reviewer")
    with store.read() as db:
        page = filing.view(db, reviewer, outcome.body["id"])
    assert page is not None and page.park is None


def test_the_posted_form_is_read_as_typed_rows_by_number():
    draft = park_reply.draft_of(
        {
            "kind": "send_staff",
            "staff_name_1": " 李强 ",
            "staff_phone_1": "138 0732 0001",
            "staff_name_2": "",
            "staff_phone_2": "",
            "staff_name_3": "王芳",
            "staff_phone_3": "",
            "staff_name_99": "不读",
            "note": "说明",
        }
    )
    assert draft == park_reply.Draft(
        "send_staff", ((" 李强 ", "138 0732 0001"), ("王芳", "")), "说明"
    )
    shown = park_reply.Panel([], True, draft)
    assert [r[1:] for r in shown.rows] == [
        (" 李强 ", "138 0732 0001"),
        ("王芳", ""),
        ("", ""),
    ]
