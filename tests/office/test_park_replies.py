"""A park committee's reply to a filing, as plain functions on a real store — on SQLite
and on PostgreSQL (tests/office/conftest.py): who may reply, what is taken, what the
unit's feed carries, supersession and the audit."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from office import audit, changes, intake, offices, park_replies, reference, tokens, users
from office.park_replies import BadReply
from office.staff import Actor, Forbidden
from office.store import OfficeStore
from office.tables import park_replies as park_replies_table
from tests.support.office import DEFAULT_UNIT, valid_filing

CLI = Actor.cli()
COUNTY = "430302"
PARK = "湘潭高新技术产业开发区"
OTHER_PARK = "湘潭经济技术开发区"
PASSWORD = "correct horse battery"


@pytest.fixture
def parks(store: OfficeStore) -> OfficeStore:
    with store.write() as db:
        offices.create(db, CLI, code=COUNTY, name="雨湖区", prefix="雨优备", parent="430300")
        tokens.create(db, CLI, DEFAULT_UNIT, "430300")
        reference.load(
            db,
            {
                "parks": [
                    {"name": PARK, "short": "湘潭高新区"},
                    {"name": OTHER_PARK, "short": "湘潭经开区"},
                ]
            },
            source="t",
        )
    return store


def staff(store: OfficeStore, username: str, role: str, office: str = "430300", park=None):
    with store.write() as db:
        user = users.create(
            db, CLI, username=username, role=role, password=PASSWORD, office=office, park=park
        )
    return user.actor()


def file_in_park(store: OfficeStore, park: str = "湘潭高新区") -> dict:
    enterprise = {
        "name": "湘潭顺阳新材料科技股份有限公司",
        "uscc": "91430304MA4YG57FJC",
        "address": "湘潭市岳塘区科技路45号",
        "park": park,
    }
    data = valid_filing(DEFAULT_UNIT, enterprise=enterprise)
    outcome = intake.submit(store, DEFAULT_UNIT, json.dumps(data, ensure_ascii=False).encode())
    assert outcome.status == 201, outcome.body
    return outcome.body


def feed_notices(store: OfficeStore) -> list[dict]:
    with store.read() as db:
        got = changes.since(db, tokens.unit_key(DEFAULT_UNIT), 0)["changes"]
    return [c for c in got if c["type"] == "notice"]


def test_the_parks_committee_replies_and_the_unit_is_told_through_its_feed(parks):
    held = file_in_park(parks)
    committee = staff(parks, "gx-park", "park", park=PARK)
    with parks.write() as db:
        made = park_replies.reply(
            db,
            committee,
            held["id"],
            "send_staff",
            [("王 小明", "138 0732 1234"), ("", ""), ("欧阳·娜", "0731—5881 2345转8001")],
            "  请提前一天联系。 ",
        )
    # Names and phones normalised as the form does; the note kept as typed, trimmed.
    assert [(s.name, s.phone) for s in made.staff] == [
        ("王小明", "13807321234"),
        ("欧阳·娜", "0731-58812345转8001"),
    ]
    assert made.note == "请提前一天联系。" and made.park == PARK
    notice = feed_notices(parks)[-1]
    assert notice["id"] == held["id"] and notice["code"] == "park_reply"
    assert notice["other_unit"] == PARK and "receipt" not in notice
    assert notice["message"] == (
        f"{PARK}管理委员会回复：派员参加：王小明（13807321234）、"
        "欧阳·娜（0731-58812345转8001）。说明：请提前一天联系。"
    )
    assert notice["reply"] == {
        "park": PARK,
        "kind": "send_staff",
        "staff": [
            {"name": "王小明", "phone": "13807321234"},
            {"name": "欧阳·娜", "phone": "0731-58812345转8001"},
        ],
        "note": "请提前一天联系。",
        "at": made.at,
    }
    with parks.read() as db:
        entry = audit.entries(db)[-1]
    assert (entry["actor"], entry["action"], entry["target"]) == (
        "gx-park",
        "park_reply",
        f"{held['id']}/1",
    )
    assert entry["details"] == {
        "kind": "send_staff",
        "park": PARK,
        "replaces": None,
        "staff": 2,
    }


def test_a_later_reply_supersedes_the_earlier_which_stays_as_history(parks):
    held = file_in_park(parks)
    committee = staff(parks, "gx-park", "park", park=PARK)
    with parks.write() as db:
        first = park_replies.reply(
            db, committee, held["id"], "send_staff", [("李强", "13807320001")]
        )
    with parks.write() as db:
        second = park_replies.reply(db, committee, held["id"], "nothing_to_add", [], "")
    with parks.read() as db:
        every = park_replies.replies_of(db, held["id"])
        current = park_replies.replies_of(db, held["id"], current_only=True)
        rows = db.execute(select(park_replies_table.c.seq, park_replies_table.c.superseded_by))
        superseded = {seq: by for seq, by in rows}
        last_audit = audit.entries(db)[-1]
    assert [r.seq for r in every] == [first.seq, second.seq]
    assert [r.superseded for r in every] == [True, False]
    assert [r.kind for r in current] == ["nothing_to_add"]
    assert superseded == {first.seq: second.seq, second.seq: None}
    assert last_audit["details"]["replaces"] == first.seq
    notices = feed_notices(parks)
    assert [n["reply"]["kind"] for n in notices] == ["send_staff", "nothing_to_add"]
    assert notices[-1]["message"] == f"{PARK}管理委员会回复：无补充意见"


@pytest.mark.parametrize(
    ("username", "role", "office", "park"),
    [
        ("jk-park", "park", "430300", OTHER_PARK),  # another park's committee
        ("justice", "justice", "430300", None),  # the justice bureau reads, never replies
        ("rev", "reviewer", "430300", None),
        ("admin", "admin", "430300", None),
        ("viewer", "viewer", "430300", None),
        ("county-park", "park", COUNTY, PARK),  # the park's name, in another office
    ],
)
def test_anyone_but_the_parks_committee_is_refused_whatever_is_posted(
    parks, username, role, office, park
):
    held = file_in_park(parks)
    actor = staff(parks, username, role, office, park)
    with parks.read() as db:
        before = (len(audit.entries(db)), len(feed_notices(parks)))
    for kind, people in (("send_staff", [("李强", "13807320001")]), ("nothing_to_add", [])):
        with parks.write() as db, pytest.raises(Forbidden):
            park_replies.reply(db, actor, held["id"], kind, people)
    # Bad input from someone who may not reply is refused as such, never judged.
    with parks.write() as db, pytest.raises(Forbidden):
        park_replies.reply(db, actor, held["id"], "nonsense", [("x" * 500, "1")], "y" * 5000)
    with parks.read() as db:
        assert park_replies.replies_of(db, held["id"]) == []
        assert (len(audit.entries(db)), len(feed_notices(parks))) == before


def test_a_filing_outside_any_park_needs_no_reply(parks):
    held = file_in_park(parks, park="")
    committee = staff(parks, "gx-park", "park", park=PARK)
    with parks.write() as db, pytest.raises(Forbidden, match="无权查看"):
        park_replies.reply(db, committee, held["id"], "nothing_to_add", [])
    with parks.write() as db, pytest.raises(Forbidden, match="不在园区内"):
        park_replies.reply(db, CLI, held["id"], "nothing_to_add", [])


@pytest.mark.parametrize(
    ("kind", "people", "note", "message"),
    [
        ("send_staff", [], "", "请至少填写一名工作人员"),
        ("send_staff", [("李强", "")], "", "第 1 名工作人员：请填写联系电话"),
        ("send_staff", [("", "13807320001")], "", "第 1 名工作人员：请填写姓名"),
        ("send_staff", [("李强", "12345")], "", "不是有效的手机号或固定电话"),
        ("send_staff", [("李强", "58812345")], "", "请加上区号"),
        ("send_staff", [("李强3", "13807320001")], "", "汉字或拉丁字母"),
        ("send_staff", [("李强", "13807320001")] * 6, "", "最多填写 5 名"),
        ("send_staff", [("李强", "13807320001")], "字" * 301, "说明最多 300 个字"),
        ("nothing_to_add", [("李强", "13807320001")], "", "不填写派员"),
        ("", [], "", "请选择回复内容"),
    ],
)
def test_bad_replies_are_refused_in_chinese_and_nothing_is_recorded(
    parks, kind, people, note, message
):
    held = file_in_park(parks)
    committee = staff(parks, "gx-park", "park", park=PARK)
    with parks.write() as db, pytest.raises(BadReply, match=message):
        park_replies.reply(db, committee, held["id"], kind, people, note)
    with parks.read() as db:
        assert park_replies.replies_of(db, held["id"]) == []
    assert feed_notices(parks) == []


def test_limits_are_checked_before_anything_else():
    # Six rows of garbage: the count is the one problem named, no row is judged.
    with pytest.raises(BadReply) as caught:
        park_replies.clean("send_staff", [("?", "?")] * 6, "")
    assert caught.value.problems == ["最多填写 5 名工作人员，现在有 6 名。"]


def test_the_operator_may_record_a_reply_given_by_telephone(parks):
    held = file_in_park(parks)
    with parks.write() as db:
        made = park_replies.reply(db, CLI, held["id"], "nothing_to_add", [], "电话告知")
    assert made.actor == "cli" and made.park == PARK


def test_the_command_line_replies_as_the_committee_and_lists_the_history(parks):
    from tests.support.office import office_cli

    held = file_in_park(parks)
    staff(parks, "gx-park", "park", park=PARK)
    staff(parks, "justice", "justice")
    url = parks.engine.url
    db = url.database if url.get_backend_name() == "sqlite" else url.render_as_string(False)
    refused = office_cli(
        db, "park-reply", held["id"], "--kind", "nothing_to_add", "--as", "justice", check=False
    )
    assert refused.returncode == 1 and "无权回复" in refused.stderr
    bad = office_cli(
        db,
        "park-reply",
        held["id"],
        "--kind",
        "send_staff",
        "--staff",
        "李强",
        "1380732",
        "--as",
        "gx-park",
        check=False,
    )
    assert bad.returncode == 1 and "不是有效的手机号或固定电话" in bad.stderr
    assert "Traceback" not in bad.stderr
    done = office_cli(
        db,
        "park-reply",
        held["id"],
        "--kind",
        "send_staff",
        "--staff",
        "李强",
        "138 0732 0001",
        "--note",
        "已电话联系",
        "--as",
        "gx-park",
    )
    assert "派员参加：李强（13807320001）" in done.stdout
    office_cli(db, "park-reply", held["id"], "--kind", "nothing_to_add", "--as", "gx-park")
    listed = json.loads(office_cli(db, "park-reply", held["id"], "--json").stdout)
    assert [(r["kind"], r["current"], r["actor"]) for r in listed] == [
        ("send_staff", False, "gx-park"),
        ("nothing_to_add", True, "gx-park"),
    ]
    assert listed[0]["staff"] == [{"name": "李强", "phone": "13807320001"}]
