"""Cross-filing checks at intake (office.crosscheck), on both backends: each code fires
where it should and not where it should not; the first unit is told once."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import pytest

from forms.record import SHANGHAI
from office import changes, intake, plans
from office import reference as reference_data
from office.store import OfficeStore
from office.tables import crosscheck_flags, inspections
from tests.support.office import valid_filing

A = "湘潭市市场监督管理局"
B = "湘潭市应急管理局"
C = "湘潭市生态环境局"
RECEIVED = datetime(2027, 1, 4, 9, 0, tzinfo=SHANGHAI)  # a Monday
# 2027-02-08 .. 02-12 (Monday to Friday) are holidays in this calendar; 02-20 (a Saturday)
# is a working day.
CALENDAR = {
    "2027": {
        "holidays": [f"2027-02-{d:02d}" for d in range(8, 13)],
        "workdays": ["2027-02-20"],
    }
}
USCC = "91430304MA4YG57FJC"


@pytest.fixture
def office(store: OfficeStore) -> OfficeStore:
    with store.write() as db:
        reference_data.load(db, {"calendar": CALENDAR}, source="test")
    return store


def filing(unit: str, day: str, **overrides: Any) -> dict[str, Any]:
    start = f"{day}T09:00:00+08:00"
    return valid_filing(
        unit, inspection_start=start, inspection_end=f"{day}T17:00:00+08:00", **overrides
    )


def submit(store: OfficeStore, unit: str, body: dict[str, Any]) -> dict[str, Any]:
    outcome = intake.submit(store, unit, json.dumps(body).encode(), received_at=RECEIVED)
    assert outcome.status in (200, 201), outcome.body
    return outcome.body


def codes(receipt: dict[str, Any]) -> list[str]:
    return [w["code"] for w in receipt["warnings"]]


def feed(store: OfficeStore, unit: str) -> list[dict[str, Any]]:
    with store.read() as db:
        return list(changes.since(db, unit, 0, None)["changes"])


def notices(store: OfficeStore, unit: str) -> list[dict[str, Any]]:
    return [c for c in feed(store, unit) if c["type"] == "notice"]


# --- joint inspections -----------------------------------------------------------------


def test_another_unit_within_five_working_days_across_a_holiday_is_suggested(
    office: OfficeStore,
) -> None:
    first = filing(A, "2027-02-03")  # Wednesday before the holiday week
    submit(office, A, first)
    # Thursday 18 is the sixth working day: no suggestion.
    far = submit(office, C, filing(C, "2027-02-18"))
    assert "joint_inspection_suggested" not in codes(far)
    # Thu 4, Fri 5, (holidays 8-12), Mon 15, Tue 16, Wed 17: five working days.
    near = submit(office, B, filing(B, "2027-02-17"))
    assert "joint_inspection_suggested" in codes(near)
    joint = next(w for w in near["warnings"] if w["code"] == "joint_inspection_suggested")
    assert A in joint["message"] and "2027-02-03" in joint["message"]
    assert joint["severity"] == "warning" and joint["field"] == "inspection_start"


def test_the_window_counts_a_weekend_working_day_and_is_office_reference_data(
    office: OfficeStore,
) -> None:
    submit(office, A, filing(A, "2027-02-17"))  # Wednesday
    # Thu 18, Fri 19, Sat 20 (a working day), Mon 22, Tue 23: five; Wed 24 is six.
    assert "joint_inspection_suggested" not in codes(submit(office, C, filing(C, "2027-02-24")))
    with office.write() as db:  # C's filing no longer counts: compare with A's alone
        db.execute(inspections.delete().where(inspections.c.unit == C))
    assert "joint_inspection_suggested" in codes(submit(office, B, filing(B, "2027-02-23")))
    with office.write() as db:
        reference_data.load(db, {"crosscheck": {"joint_window_workdays": 0}}, source="test")
    later = submit(office, "湘潭市交通运输局", filing("湘潭市交通运输局", "2027-02-18"))
    assert "joint_inspection_suggested" not in codes(later)
    same_day = submit(office, "湘潭市水利局", filing("湘潭市水利局", "2027-02-17"))
    assert "joint_inspection_suggested" in codes(same_day)


def test_the_first_unit_is_told_once_with_the_other_units_name_and_day_only(
    office: OfficeStore,
) -> None:
    first = filing(A, "2027-03-01")
    submit(office, A, first)
    second = filing(
        B,
        "2027-03-02",
        leader={
            "name": "欧阳明辉",
            "title": "科长",
            "phone": "13973212345",
            "cert_no": "43031119004",
        },
        content="检查危险化学品储存场所的台账和应急预案。",
    )
    body = json.dumps(second).encode()
    for _ in range(3):  # the desk's retries: the same revision again
        outcome = intake.submit(office, B, body, received_at=RECEIVED)
        assert outcome.status in (200, 201)
    # A new revision of the second filing, and one that names no new pair, tell nobody.
    submit(office, B, {**second, "revision": 2, "items": "安全生产条件"})

    told = notices(office, A)
    assert len(told) == 1
    notice = told[0]
    assert set(notice) == {
        "type",
        "code",
        "id",
        "revision",
        "other_unit",
        "other_date",
        "message",
        "seq",
        "at",
    }
    assert notice["code"] == "joint_inspection_suggested"
    assert (notice["id"], notice["revision"]) == (first["id"], 1)
    assert (notice["other_unit"], notice["other_date"]) == (B, "2027-03-02")
    text = json.dumps(feed(office, A), ensure_ascii=False)
    for private in ("欧阳明辉", "13973212345", "科长", "危险化学品", second["id"], "43031119004"):
        assert private not in text
    # The later unit gets no notice of its own: its receipt carried the warning.
    assert notices(office, B) == []


def test_no_suggestion_to_join_a_unit_already_named_as_a_joint_unit(
    office: OfficeStore,
) -> None:
    submit(office, A, filing(A, "2027-03-10"))
    named = submit(office, B, filing(B, "2027-03-10", joint_units=["湘潭市市场监督管理局"]))
    assert "joint_inspection_suggested" not in codes(named)
    # …nor the other way round: A's later filing names B, B's held filing does not name A.
    submit(office, C, filing(C, "2027-04-20", joint_units=[A]))
    again = submit(office, A, filing(A, "2027-04-21", items="计量器具使用情况"))
    assert "joint_inspection_suggested" not in codes(again)
    assert notices(office, A) == [] and notices(office, C) == []


def test_name_only_enterprises_meet_by_their_normalised_name(office: OfficeStore) -> None:
    plain = {"name": "湘潭小林食品（湘潭）有限公司", "uscc": "", "address": "", "park": ""}
    wide = {**plain, "name": "湘潭小林食品 (湘潭) 有限公司"}
    other = {**plain, "name": "湘潭大林食品有限公司"}
    submit(office, A, filing(A, "2027-05-10", enterprise=plain))
    assert "joint_inspection_suggested" in codes(
        submit(office, B, filing(B, "2027-05-11", enterprise=wide))
    )
    assert "joint_inspection_suggested" not in codes(
        submit(office, C, filing(C, "2027-05-11", enterprise=other))
    )


# --- repeated inspections --------------------------------------------------------------


def test_the_same_unit_within_thirty_days_and_over_the_yearly_cap(office: OfficeStore) -> None:
    assert "repeated_inspection" not in codes(submit(office, A, filing(A, "2027-06-01")))
    within = submit(office, A, filing(A, "2027-07-01", items="计量器具"))  # 30 days later
    assert "repeated_inspection" in codes(within)
    message = next(w for w in within["warnings"] if w["code"] == "repeated_inspection")
    assert "第 2 次" in message["message"] and "2027-06-01" in message["message"]


def test_the_cap_counts_the_unit_s_inspections_of_the_year(office: OfficeStore) -> None:
    submit(office, A, filing(A, "2027-01-20", items="许可条件"))
    second = submit(office, A, filing(A, "2027-03-01", items="广告发布"))  # 40 days on
    assert "repeated_inspection" not in codes(second)
    third = submit(office, A, filing(A, "2027-05-01", items="价格公示"))
    assert "repeated_inspection" in codes(third)
    w = next(w for w in third["warnings"] if w["code"] == "repeated_inspection")
    assert "第 3 次" in w["message"] and "2027-03-01" in w["message"] and "2 次" in w["message"]


def test_any_unit_for_the_same_matter_already_inspected(office: OfficeStore) -> None:
    submit(office, A, filing(A, "2027-02-01", items="食品生产许可条件保持情况"))
    same = submit(office, B, filing(B, "2027-06-01", items="食品生产许可条件 保持情况"))
    assert "repeated_inspection" in codes(same)
    assert "joint_inspection_suggested" not in codes(same)  # months apart
    different = submit(office, C, filing(C, "2027-06-01", items="环境影响评价执行情况"))
    assert "repeated_inspection" not in codes(different)


# --- lists -----------------------------------------------------------------------------


def test_white_and_key_supervision_lists_by_code_and_by_name(office: OfficeStore) -> None:
    with office.write() as db:
        reference_data.load(
            db,
            {
                "white_list": [{"uscc": USCC, "name": "湘潭顺阳新材料科技股份有限公司"}],
                "key_supervision": [
                    {"uscc": "91430300MA4L16JQ9P", "name": "湘潭重点化工（湘潭）有限公司"}
                ],
            },
            source="test",
        )
    listed = submit(office, A, filing(A, "2027-08-02"))
    assert "white_list" in codes(listed) and "key_supervision" not in codes(listed)
    white = next(w for w in listed["warnings"] if w["code"] == "white_list")
    assert "减少" in white["message"] and "依据" in white["message"]
    name_only = {"name": "湘潭重点化工(湘潭)有限公司", "uscc": "", "address": "", "park": ""}
    key = submit(office, B, filing(B, "2027-09-06", enterprise=name_only))
    assert "key_supervision" in codes(key) and "white_list" not in codes(key)
    info = next(w for w in key["warnings"] if w["code"] == "key_supervision")
    assert info["severity"] == "info"
    unlisted = {"name": "湘潭其他企业有限公司", "uscc": "", "address": "", "park": ""}
    plain = submit(office, C, filing(C, "2027-09-06", enterprise=unlisted))
    assert not {"white_list", "key_supervision"} & set(codes(plain))


# --- the plan --------------------------------------------------------------------------


def test_unplanned_only_against_a_registered_plan(office: OfficeStore) -> None:
    # No plan registered for the year: nothing to match, no flag.
    assert "unplanned" not in codes(submit(office, A, filing(A, "2027-10-04")))
    with office.write() as db:
        items = plans.check_items({"items": [{"ref": "XT-SJ-2027-01", "matter": "食品生产"}]})
        plans.replace(db, A, 2027, items, at=RECEIVED)
    cited = submit(office, A, filing(A, "2027-11-08", plan_ref="XT-SJ-2027-01", items="a"))
    assert "unplanned" not in codes(cited)
    off_plan = submit(office, A, filing(A, "2027-12-13", plan_ref="临时检查", items="b"))
    assert "unplanned" in codes(off_plan)
    blank = submit(office, A, filing(A, "2027-12-20", items="c"))
    assert "unplanned" in codes(blank)
    # Another unit's plan is not this unit's.
    assert "unplanned" not in codes(
        submit(office, B, filing(B, "2027-12-20", plan_ref="XT-SJ-2027-01", items="d"))
    )


def test_flags_are_stored_for_the_workbench(office: OfficeStore) -> None:
    first = filing(A, "2027-04-05")
    second = filing(B, "2027-04-06")
    submit(office, A, first)
    submit(office, B, second)
    with office.read() as db:
        rows = db.execute(crosscheck_flags.select()).fetchall()
    flagged = {(r.id, r.code, r.other_id) for r in rows}
    assert (second["id"], "joint_inspection_suggested", first["id"]) in flagged
    assert not any(r.id == first["id"] for r in rows)


def test_a_late_plan_is_marked() -> None:
    assert plans.is_late(2027, datetime(2027, 4, 1, 0, 0, tzinfo=SHANGHAI))
    assert not plans.is_late(2027, datetime(2027, 3, 31, 23, 59, tzinfo=SHANGHAI))
    assert not plans.is_late(2027, datetime(2026, 12, 1, 9, 0, tzinfo=SHANGHAI))


# --- the workbench's view ----------------------------------------------------------------


def test_clusters_with_their_units_a_decision_audited_and_repeat_counts(
    office: OfficeStore,
) -> None:
    from office import crosscheck_review
    from office.staff import Actor
    from office.tables import audit

    submit(office, A, filing(A, "2027-03-01", items="一"))
    submit(office, B, filing(B, "2027-03-03", items="二"))
    submit(office, C, filing(C, "2027-03-05", items="三"))  # within 5 of B: same cluster
    submit(office, A, filing(A, "2027-06-01", items="四"))  # months later: alone
    with office.read() as db:
        found = crosscheck_review.clusters(db, None, 2027)
        counts = crosscheck_review.repeat_counts(db, 2027)
        joint = crosscheck_review.flagged(db, "joint_inspection_suggested")
    assert len(found) == 1
    cluster = found[0]
    assert cluster.units == sorted([A, B, C]) and cluster.state is None
    assert [m["date"] for m in cluster.members] == ["2027-03-01", "2027-03-03", "2027-03-05"]
    assert counts == [{"enterprise": USCC, "name": counts[0]["name"], "unit": A, "count": 2}]
    assert len(joint) == 2  # B's and C's filings

    reviewer = Actor("李审核", "reviewer", "430300")
    with office.write() as db:
        crosscheck_review.decide(
            db, reviewer, cluster.key, "coordinated", "3月3日联合检查", "430300"
        )
    with office.read() as db:
        again = crosscheck_review.clusters(db, ["430300"], 2027)[0]
        logged = db.execute(audit.select().where(audit.c.action == "cluster_decided")).fetchall()
    assert (again.state, again.note) == ("coordinated", "3月3日联合检查")
    assert len(logged) == 1 and logged[0].actor == "李审核"
    viewer = Actor("王查看", "viewer", "430300")
    with pytest.raises(Exception, match="无权"), office.write() as db:
        crosscheck_review.decide(db, viewer, cluster.key, "not_needed", "", "430300")


def test_an_offline_changes_file_leaves_notices_out(office: OfficeStore, tmp_path) -> None:
    """A desk of an earlier release refuses a whole changes file with an entry type it
    does not know: the signed file keeps to receipts and returns."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from office import bundles

    first = filing(A, "2027-03-01")
    submit(office, A, first)
    submit(office, B, filing(B, "2027-03-02"))
    assert len(notices(office, A)) == 1
    document = bundles.export_changes(
        office, A, None, tmp_path / "changes.json", key=Ed25519PrivateKey.generate()
    )
    assert [c["type"] for c in document["changes"]] == ["receipt"]
    assert int(document["cursor"]) == max(c["seq"] for c in feed(office, A))


def test_a_postgresql_office_before_the_checks_takes_notices_after_migrating(
    request, tmp_path
) -> None:
    """A PostgreSQL office at the revision before this one: a named CHECK on the change
    types, which the migration replaces by the same name."""
    from sqlalchemy import text

    from tests.support.office import office_cli

    url = request.getfixturevalue("postgres").create_database()
    store = OfficeStore.open(url)
    first = filing(A, "2027-03-01")
    submit(store, A, first)
    with store.write() as db:
        for table in ("crosscheck_notices", "crosscheck_flags", "inspections", "plans"):
            db.execute(text(f"DROP TABLE {table}"))
        db.execute(text("DROP TABLE crosscheck_clusters"))
        # …and what the revisions after this one add (reports): migrate runs them again.
        db.execute(text("DROP TABLE digest_addresses"))
        db.execute(text("DROP TABLE outbox"))
        # …and the enterprise's page's (visits, evaluations, the rate-limit counter).
        for table in ("evaluations", "visits", "enterprise_hits"):
            db.execute(text(f"DROP TABLE {table}"))
        # …and the workbench's reference data uploads.
        db.execute(text("DROP TABLE reference_uploads"))
        # …and the 待审 page's marks and the templates' order (0008_pending_seen).
        db.execute(text("DROP TABLE pending_seen"))
        db.execute(text("ALTER TABLE return_templates DROP COLUMN position"))
        db.execute(text("DROP TABLE park_replies"))  # the parks' replies
        # …and the list's partial indexes (0010_list_indexes).
        for index in ("ix_filings_returned", "ix_filing_facts_office_park"):
            db.execute(text(f"DROP INDEX {index}"))
        # …and 待审's marker and its partial index (0011_pending_marker).
        db.execute(text("DROP INDEX ix_filing_facts_waiting"))
        db.execute(text("ALTER TABLE filing_facts DROP COLUMN waiting"))
        db.execute(text("DROP TABLE report_facts"))  # what the reports count (0012)
        db.execute(text("ALTER TABLE changes DROP CONSTRAINT ck_changes_type"))
        db.execute(
            text(
                "ALTER TABLE changes ADD CONSTRAINT ck_changes_type "
                "CHECK (type IN ('receipt', 'returned', 'reviewed'))"
            )
        )
        db.execute(text("UPDATE alembic_version SET version_num = '0003_console'"))
    store.dispose()
    assert "0003_console" in office_cli(url, "migrate").stdout
    store = OfficeStore.open(url)
    try:
        with store.write() as db:
            reference_data.load(db, {"calendar": CALENDAR}, source="test")
        later = submit(store, B, filing(B, "2027-03-02"))
        assert "joint_inspection_suggested" in codes(later)
        assert len(notices(store, A)) == 1
        with store.read() as db:
            names = db.execute(
                text(
                    "SELECT conname FROM pg_constraint "
                    "WHERE conrelid = 'changes'::regclass AND contype = 'c'"
                )
            ).scalars()
            assert list(names) == ["ck_changes_type"]  # as a new database names it
    finally:
        store.dispose()
