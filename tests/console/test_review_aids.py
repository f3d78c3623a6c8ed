"""退回原因模板 and 待审's "since you last looked", as plain functions on a real store —
on SQLite and on PostgreSQL (tests/console/conftest.py). No browser."""

from __future__ import annotations

import json

import pytest

from office import audit, filings, intake, offices, tokens, users
from office.console import filing, pending, return_templates, review
from office.errors import OfficeError
from office.staff import Actor, Forbidden
from office.store import OfficeStore
from tests.support.office import DEFAULT_UNIT, valid_filing

CLI = Actor.cli()
CITY = "430300"
COUNTY = "430302"
COUNTY_UNIT = "雨湖区市场监督管理局"
PASSWORD = "correct horse battery"
REASON = "检查依据不明确，请补充具体条款。"


@pytest.fixture
def two(store: OfficeStore) -> OfficeStore:
    with store.write() as db:
        offices.create(db, CLI, code=COUNTY, name="雨湖区", prefix="雨优备", parent=CITY)
        tokens.create(db, CLI, DEFAULT_UNIT, CITY)
        tokens.create(db, CLI, COUNTY_UNIT, COUNTY)
    return store


def staff(store: OfficeStore, username: str, role: str, office: str = CITY) -> Actor:
    with store.write() as db:
        user = users.create(
            db,
            CLI,
            username=username,
            role=role,
            password=PASSWORD,
            office=office,
            park="湘潭高新技术产业开发区" if role == "park" else None,
        )
    return user.actor()


def file_one(store: OfficeStore, unit: str = DEFAULT_UNIT) -> dict:
    data = valid_filing(unit)
    outcome = intake.submit(store, unit, json.dumps(data, ensure_ascii=False).encode())
    assert outcome.status == 201, outcome.body
    return outcome.body


def actions(store: OfficeStore) -> list[tuple[str, str]]:
    with store.read() as db:
        return [(e["actor"], e["action"]) for e in audit.entries(db)]


# --- 退回原因模板 -------------------------------------------------------------------------


def test_templates_are_added_reworded_in_place_and_retired_with_their_audit(two: OfficeStore):
    rev = staff(two, "rev", "reviewer")
    with two.write() as db:
        first = review.add_template(db, rev, CITY, "  请补充检查依据。\n")
        second = review.add_template(db, rev, CITY, "检查人员证件号不完整。")
    with two.write() as db:
        assert review.edit_template(db, rev, CITY, first, REASON)
        assert not review.edit_template(db, rev, CITY, first, REASON)  # unchanged: nothing
    with two.read() as db:
        # Reworded in place: it keeps its place in the list; the text is kept as typed.
        assert review.templates_of(db, CITY) == [
            (first, REASON),
            (second, "检查人员证件号不完整。"),
        ]
        edited = [e for e in audit.entries(db) if e["action"] == "return_template_edited"]
    assert len(edited) == 1
    assert edited[0]["details"] == {
        "seq": first,
        "was": "请补充检查依据。",
        "text": REASON,
    }
    with two.write() as db:
        review.retire_template(db, rev, CITY, second)
    with two.read() as db:
        assert review.templates_of(db, CITY) == [(first, REASON)]
        assert review.template_text(db, CITY, second) is None
    with two.write() as db, pytest.raises(OfficeError, match="未找到"):
        review.retire_template(db, rev, CITY, second)
    assert [a for _, a in actions(two) if a.startswith("return_template")] == [
        "return_template_added",
        "return_template_added",
        "return_template_edited",
        "return_template_retired",
    ]


def test_template_limits_are_checked_first_with_chinese_messages(two: OfficeStore):
    rev = staff(two, "rev", "reviewer")
    before = actions(two)
    too_long = "字" * (review.MAX_TEMPLATE_LENGTH + 1)
    for text, message in (("   ", "请填写模板内容"), (too_long, "最多 500 个字")):
        with two.write() as db, pytest.raises(OfficeError, match=message):
            review.add_template(db, rev, CITY, text)
    with two.write() as db:
        seq = review.add_template(db, rev, CITY, REASON)
    with two.write() as db, pytest.raises(OfficeError, match="内容相同"):
        review.add_template(db, rev, CITY, REASON)
    with two.write() as db, pytest.raises(OfficeError, match="最多 500 个字"):
        review.edit_template(db, rev, CITY, seq, too_long)
    with two.write() as db:
        for i in range(review.MAX_TEMPLATES - 1):
            review.add_template(db, rev, CITY, f"第 {i} 条原因")
    with two.write() as db, pytest.raises(OfficeError, match="最多 50 条"):
        review.add_template(db, rev, CITY, "再多一条")
    with two.read() as db:
        assert len(review.templates_of(db, CITY)) == review.MAX_TEMPLATES
    assert len(actions(two)) == len(before) + review.MAX_TEMPLATES


def test_templates_move_up_and_down_and_new_ones_go_last(two: OfficeStore):
    rev = staff(two, "rev", "reviewer")
    with two.write() as db:
        a, b, c = (review.add_template(db, rev, CITY, t) for t in ("甲", "乙", "丙"))
    with two.write() as db:
        assert return_templates.apply(db, rev, {"do": "up", "seq": str(c)}) == "moved"
        assert return_templates.apply(db, rev, {"do": "up", "seq": str(c)}) == "moved"
        assert return_templates.apply(db, rev, {"do": "up", "seq": str(c)}) == "unmoved"
        assert not review.move_template(db, rev, CITY, b, 1)  # already last
    with two.write() as db:
        review.retire_template(db, rev, CITY, a)
        d = review.add_template(db, rev, CITY, "丁")
        assert review.move_template(db, rev, CITY, c, 1)
    held = file_one(two)
    with two.read() as db:
        assert review.templates_of(db, CITY) == [(b, "乙"), (c, "丙"), (d, "丁")]
        moved = [e for e in audit.entries(db) if e["action"] == "return_template_moved"]
        page = filing.view(db, rev, held["id"])
    assert page is not None and [t for _, t in page.templates] == ["乙", "丙", "丁"]
    assert [(e["details"]["seq"], e["details"]["from"], e["details"]["to"]) for e in moved] == [
        (c, 3, 2),
        (c, 2, 1),
        (c, 1, 2),
    ]


@pytest.mark.parametrize("role", ["justice", "park", "viewer"])
def test_readers_cannot_touch_templates(two: OfficeStore, role: str):
    rev = staff(two, "rev", "reviewer")
    reader = staff(two, f"r-{role}", role)
    with two.write() as db:
        seq = review.add_template(db, rev, CITY, REASON)
    before = actions(two)
    for form in (
        {"do": "add", "text": "伪造"},
        {"do": "edit", "seq": str(seq), "text": "伪造"},
        {"do": "up", "seq": str(seq)},
        {"do": "retire", "seq": str(seq)},
    ):
        with two.write() as db, pytest.raises(Forbidden):
            return_templates.apply(db, reader, form)
    # Nor return with one, whatever is posted.
    held = file_one(two)
    with two.read() as db, pytest.raises(Forbidden):
        filing.return_reason(db, reader, held["id"], {"reason": "", "template": str(seq)})
    with two.read() as db:
        assert review.templates_of(db, CITY) == [(seq, REASON)]
        assert filings.latest(db, held["id"]).status == "filed"
    assert actions(two) == before


def test_another_offices_templates_are_untouchable(two: OfficeStore):
    city = staff(two, "city-rev", "reviewer")
    county = staff(two, "yh-rev", "admin", COUNTY)
    with two.write() as db:
        seq = review.add_template(db, city, CITY, REASON)
        mine = return_templates.apply(db, county, {"do": "add", "text": "雨湖区的原因"})
    assert mine == "added"
    for form in (
        {"do": "edit", "seq": str(seq), "text": "改掉"},
        {"do": "down", "seq": str(seq)},
        {"do": "retire", "seq": str(seq)},
    ):
        with two.write() as db, pytest.raises(OfficeError, match="未找到"):
            return_templates.apply(db, county, form)
    with two.write() as db, pytest.raises(Forbidden):
        review.add_template(db, county, CITY, "越权")
    with two.read() as db:
        assert review.templates_of(db, CITY) == [(seq, REASON)]
        assert [t for _, t in review.templates_of(db, COUNTY)] == ["雨湖区的原因"]
        assert [t for _, t in return_templates.page_of(db, county).templates] == ["雨湖区的原因"]
    with two.write() as db, pytest.raises(OfficeError, match="模板编号无效"):
        return_templates.apply(db, city, {"do": "retire", "seq": "x"})


def test_a_return_takes_the_typed_reason_or_else_the_chosen_template(two: OfficeStore):
    rev = staff(two, "rev", "reviewer")
    county = staff(two, "yh-rev", "reviewer", COUNTY)
    with two.write() as db:
        seq = review.add_template(db, rev, CITY, REASON)
        other = review.add_template(db, county, COUNTY, "雨湖区的原因")
    held = file_one(two)
    with two.read() as db:
        page = filing.view(db, rev, held["id"])
        assert page is not None and page.templates == [(seq, REASON)]
        typed = {"reason": "已修改的原因", "template": str(seq)}
        assert filing.return_reason(db, rev, held["id"], typed) == "已修改的原因"
        chosen = {"reason": "  ", "template": str(seq)}
        assert filing.return_reason(db, rev, held["id"], chosen) == REASON
        for form, message in (
            ({"reason": ""}, "请填写退回原因"),
            ({"reason": "", "template": str(other)}, "已停用"),  # another office's
            ({"reason": "", "template": "abc"}, "已停用"),
        ):
            with pytest.raises(OfficeError, match=message):
                filing.return_reason(db, rev, held["id"], form)
        with pytest.raises(Forbidden):
            filing.return_reason(db, county, held["id"], chosen)
    with two.write() as db:
        filings.return_latest(
            db, rev, held["id"], filing.return_reason(db, rev, held["id"], chosen)
        )
    with two.read() as db:
        assert filings.latest(db, held["id"]).reason == REASON


# --- 待审: since you last looked ------------------------------------------------------------


def ids(rows: list) -> list[str]:
    return [r.id for r in rows]


def test_pending_splits_new_from_earlier_at_the_mark_per_user_and_office(two: OfficeStore):
    rev = staff(two, "rev", "reviewer")
    other = staff(two, "rev2", "admin")
    county = staff(two, "yh-rev", "reviewer", COUNTY)
    first, second = file_one(two), file_one(two)
    file_one(two, COUNTY_UNIT)
    with two.read() as db:
        never = pending.view(db, rev)
    assert ids(never.new) == [first["id"], second["id"]] and never.earlier == []
    assert never.seen_at is None and never.new_count == 2
    with two.write() as db:
        assert pending.mark_seen(db, rev, never.mark)
        assert not pending.mark_seen(db, rev, never.mark)  # already there
    third = file_one(two)
    with two.read() as db:
        looked = pending.view(db, rev)
        assert ids(looked.new) == [third["id"]] and looked.new_count == 1
        assert ids(looked.earlier) == [first["id"], second["id"]] and looked.earlier_count == 2
        assert looked.seen_at is not None
        # Another user of the office, and another office, keep their own point.
        assert ids(pending.view(db, other).new) == [first["id"], second["id"], third["id"]]
        assert len(pending.view(db, county).new) == 1
    # A mark never goes backwards, nor to a receipt the office does not hold.
    with two.write() as db:
        assert not pending.mark_seen(db, rev, f"{never.mark.split('-')[0]}-1")
    for bad in ("", "2026", "abc-1", "2026-999999", "2026-1; drop"):
        with two.write() as db, pytest.raises(OfficeError, match="标记的位置无效"):
            pending.mark_seen(db, rev, bad)
    with two.write() as db, pytest.raises(OfficeError, match="标记的位置无效"):
        # the county's first receipt is a receipt of another office
        pending.mark_seen(db, county, looked.mark)
    # Reviewed and returned filings leave both parts.
    with two.write() as db:
        review.approve(db, rev, first["id"])
        filings.return_latest(db, rev, third["id"], REASON)
    with two.read() as db:
        after = pending.view(db, rev)
    assert after.new == [] and ids(after.earlier) == [second["id"]] and after.mark == ""
    assert [a for u, a in actions(two) if u == "rev" and a == "pending_seen"] == ["pending_seen"]


@pytest.mark.parametrize("role", ["justice", "park", "viewer"])
def test_readers_have_no_pending_mark(two: OfficeStore, role: str):
    file_one(two)
    rev = staff(two, "rev", "reviewer")
    reader = staff(two, f"r-{role}", role)
    with two.read() as db:
        mark = pending.view(db, rev).mark
    with two.write() as db, pytest.raises(Forbidden):
        pending.mark_seen(db, reader, mark)
