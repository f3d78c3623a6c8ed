"""The office's decisions and store in-process, on real SQLite files in tmp_path."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.exc import IntegrityError

from forms.record import SHANGHAI
from office import changes, filings, intake, logs, receipts, reference, tables, tokens
from office.errors import OfficeError, Refusal
from office.staff import Actor
from office.store import SQLITE_USER_VERSION, OfficeStore
from tests.support.office import DEFAULT_UNIT, valid_filing

CLI = Actor.cli()


def body(filing: dict) -> bytes:
    return json.dumps(filing, ensure_ascii=False).encode()


def test_a_new_store_is_owner_only_in_wal_mode(tmp_path) -> None:
    store = OfficeStore.open(tmp_path / "office.db")
    assert (store.path.stat().st_mode & 0o777) == 0o600
    with store.read() as db:
        assert db.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert db.exec_driver_sql("PRAGMA user_version").scalar() == SQLITE_USER_VERSION
    with store.write() as db:
        assert db.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL


def test_a_store_from_a_newer_program_is_refused(tmp_path) -> None:
    path = tmp_path / "office.db"
    OfficeStore.open(path).dispose()
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {SQLITE_USER_VERSION + 1}")
    with pytest.raises(OfficeError, match="请升级"):
        OfficeStore.open(path)


def test_a_store_at_an_unknown_revision_is_refused(store) -> None:
    with store.write() as db:
        db.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(OfficeError, match="请升级"):
        OfficeStore.open(store.path or store.engine.url.render_as_string(hide_password=False))


def test_a_missing_store_is_not_created_by_reading_commands(tmp_path) -> None:
    with pytest.raises(OfficeError, match="找不到数据库文件"):
        OfficeStore.open(tmp_path / "typo.db", create=False)
    assert not (tmp_path / "typo.db").exists()


def test_a_resend_after_the_inspection_started_still_gets_its_receipt(store) -> None:
    """Idempotency comes before the rules: the reply lost yesterday is answered today."""
    filing = valid_filing(days_ahead=1)
    sent = datetime.now(SHANGHAI)
    first = intake.submit(store, DEFAULT_UNIT, body(filing), received_at=sent)
    assert first.status == 201
    later = sent + timedelta(days=3)  # the inspection has started: a new prior filing fails
    again = intake.submit(store, DEFAULT_UNIT, body(filing), received_at=later)
    assert (again.status, again.body["receipt"]) == (200, first.body["receipt"])
    new = intake.submit(store, DEFAULT_UNIT, body(valid_filing(days_ahead=1)), received_at=later)
    assert new.status == 422
    assert "prior_not_future" in {p["code"] for p in new.body["problems"]}


def test_receipts_are_numbered_per_year_of_receipt(store) -> None:
    late = datetime(2026, 12, 31, 23, 59, tzinfo=SHANGHAI)
    early = datetime(2027, 1, 1, 0, 1, tzinfo=SHANGHAI)
    got = []
    for moment in (late, late, early, early):
        outcome = intake.submit(
            store,
            DEFAULT_UNIT,
            body(
                valid_filing(inspection_start=_after(moment, 1), inspection_end=_after(moment, 2))
            ),
            received_at=moment,
        )
        assert outcome.status == 201, outcome.body
        got.append(outcome.body["receipt"])
    assert [receipts.parse_receipt(r) for r in got] == [
        (2026, 1),
        (2026, 2),
        (2027, 1),
        (2027, 2),
    ]
    # A moment given in UTC counts in Shanghai time: 2026-12-31T16:30Z is 2027 there.
    utc = datetime.fromisoformat("2026-12-31T16:30:00+00:00")
    filing = valid_filing(inspection_start=_after(utc, 1), inspection_end=_after(utc, 2))
    outcome = intake.submit(store, DEFAULT_UNIT, body(filing), received_at=utc)
    assert receipts.parse_receipt(outcome.body["receipt"]) == (2027, 3)


def _after(moment: datetime, days: int) -> str:
    return (moment + timedelta(days=days)).astimezone(SHANGHAI).isoformat()


def test_a_receipt_number_cannot_be_used_twice(store) -> None:
    outcome = intake.submit(store, DEFAULT_UNIT, body(valid_filing()))
    year, _ = receipts.parse_receipt(outcome.body["receipt"])
    series = tables.receipt_series
    with store.write() as db:
        db.execute(update(series).where(series.c.year == year).values(last=series.c.last - 1))
    # The series was set back by hand: the UNIQUE constraint still refuses the number.
    with pytest.raises(IntegrityError):
        intake.submit(store, DEFAULT_UNIT, body(valid_filing()))
    with store.read() as db:
        assert len(filings.all_held(db)) == 1  # the failed transaction left nothing behind


def test_the_changes_feed_pages_at_its_limit(store) -> None:
    for _ in range(5):
        intake.submit(store, DEFAULT_UNIT, body(valid_filing()))
    with store.read() as db:
        page = changes.since(db, DEFAULT_UNIT, 0, limit=2)
        assert [c["seq"] for c in page["changes"]] == [1, 2] and page["cursor"] == "2"
        rest = changes.since(db, DEFAULT_UNIT, 2, limit=500)
        assert [c["seq"] for c in rest["changes"]] == [3, 4, 5]
        assert changes.since(db, "湘潭市应急管理局", 0)["changes"] == []
    with pytest.raises(Refusal):
        changes.parse_cursor("12a")


def test_park_enterprises_are_recorded_for_the_park_committee(store) -> None:
    with store.write() as db:
        reference.load(
            db,
            {"parks": [{"name": "湘潭高新技术产业开发区", "short": "湘潭高新区"}]},
            source="t",
        )
    in_park = valid_filing(
        enterprise={
            "name": "湘潭顺阳新材料科技股份有限公司",
            "uscc": "91430304MA4YG57FJC",
            "address": "湘潭市岳塘区科技路45号",
            "park": "湘潭高新区",
        }
    )
    outside = valid_filing()
    for filing in (in_park, outside):
        assert intake.submit(store, DEFAULT_UNIT, body(filing)).status == 201
    with store.read() as db:
        told = {(n["id"], n["recipient_kind"], n["recipient"]) for n in filings.notifications(db)}
    assert told == {
        (in_park["id"], "justice_bureau", "司法行政部门"),
        (in_park["id"], "park_committee", "湘潭高新技术产业开发区管理委员会"),
        (outside["id"], "justice_bureau", "司法行政部门"),
    }


def test_the_body_is_stored_exactly_as_received(store) -> None:
    raw = ("\ufeff" + json.dumps(valid_filing(), indent=3)).encode()  # BOM, escapes, indent
    outcome = intake.submit(store, DEFAULT_UNIT, raw)
    assert outcome.status == 201, outcome.body
    with store.read() as db:
        _, stored = filings.get(db, outcome.filing_id, 1)
    assert stored == raw


def test_tokens_are_stored_only_as_hashes(store) -> None:
    with store.write() as db:
        token_id, token = tokens.create(db, CLI, DEFAULT_UNIT)
    if store.path is not None:
        raw = b"".join(p.read_bytes() for p in store.path.parent.glob("office.db*"))
        assert token.encode() not in raw
    with store.read() as db:
        rows = [tuple(r) for r in db.execute(select(tables.tokens))]
        assert token not in repr(rows)
        assert tokens.authenticate(db, token).id == token_id
        assert tokens.authenticate(db, token + "x") is None
    with store.write() as db:
        assert tokens.revoke_unit(db, CLI, DEFAULT_UNIT) == 1
    with store.read() as db:
        assert tokens.authenticate(db, token) is None
    with pytest.raises(OfficeError):
        tokens.checked_unit("   ")


@pytest.mark.parametrize(
    ("given", "words"),
    [
        ([], "JSON 对象"),
        ({"colour": 1}, "无法识别"),
        ({"calendar": {"2027": {"holidays": ["2028-01-01"]}}}, "其他年份"),
        ({"calendar": {"2027": {"holidays": ["2027-13-01"]}}}, "无效日期"),
        ({"calendar": {"2027": {"holidays": ["2027-01-01"], "workdays": ["2027-01-01"]}}}, "既是"),
        ({"calendar": {"27": {}}}, "年份"),
        ({"white_list": [{"uscc": "91430304MA4YG57FJD", "name": "某公司"}]}, "统一社会信用代码"),
        ({"parks": [{"short": "高新区"}]}, "园区"),
        (
            {
                "cert_rules": {
                    "rules": [{"kind": "x", "pattern": "(", "min_length": 1, "max_length": 9}]
                }
            },
            "执法证号规则",
        ),
        ({"cert_rules": {"rules": []}}, "执法证号规则"),
        ({"forms": [{"id": "x/1", "definition": {"id": "x/1"}}]}, "表单定义"),
    ],
)
def test_bad_reference_data_is_refused_and_nothing_changes(store, given, words) -> None:
    with store.write() as db:
        before = reference.current(db)
        with pytest.raises(OfficeError, match=words):
            reference.load(db, given, source="t")
        assert reference.current(db) == before


def test_reference_calendar_merges_by_year_and_other_sections_replace(store) -> None:
    with store.write() as db:
        reference.load(
            db,
            {
                "calendar": {"2027": {"holidays": ["2027-01-01"]}},
                "white_list": [{"uscc": "91430304MA4YG57FJC", "name": "甲公司"}],
            },
            source="t",
        )
        ref = reference.load(
            db, {"calendar": {"2028": {"workdays": ["2028-01-29"]}}, "white_list": []}, source="t"
        )
    assert ref.version == 2
    assert set(ref.data["calendar"]) == {"2027", "2028"}
    assert ref.data["white_list"] == []
    assert ref.calendar().covers(2028)
    assert not ref.calendar().is_workday(datetime(2027, 1, 1).date())[0]


def test_log_redaction_masks_phones_and_bearer_tokens() -> None:
    text = "phone 13807321234, +86 138-0732-1234, 0731-58812345, Authorization: Bearer abc.DEF-12"
    cleaned = logs.redact(text)
    for secret in ("13807321234", "138-0732-1234", "58812345", "abc.DEF-12"):
        assert secret not in cleaned
    # Ids, receipts and certificate numbers stay readable.
    keep = "6f1c2a7e-3b4d-4c5e-9f60-7a8b9c0d1e2f 潭优备〔2026〕000123号 43031119004"
    assert logs.redact(keep) == keep


def test_programs_creating_one_new_database_at_once_make_one_schema(
    request, tmp_path, office_backend
) -> None:
    import threading

    from tests.support.office import new_office_db

    target = new_office_db(request, office_backend, tmp_path)
    opened: list[OfficeStore] = []
    failed: list[BaseException] = []

    def open_it() -> None:
        try:
            opened.append(OfficeStore.open(target))
        except BaseException as exc:  # collected, asserted below
            failed.append(exc)

    threads = [threading.Thread(target=open_it) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert failed == [] and len(opened) == 4
    with opened[0].read() as db:
        assert [r.code for r in db.execute(select(tables.offices))] == ["430300"]
    for store in opened:
        store.dispose()
