"""A database made by the single-office release (tests/data/office_v1/office.sqlite, built
by tests/data/office_v1/make.py) migrates in place with nothing lost, and the desks go on
with the tokens they hold."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect

from office import migrations
from office.store import OfficeStore
from tests.support.office import DEFAULT_UNIT, OfficeServer, office_cli, valid_filing

DATA = Path(__file__).resolve().parents[1] / "data" / "office_v1"
FACTS = json.loads((DATA / "facts.json").read_text("utf-8"))
KEPT = {
    "tokens": "SELECT id, unit, hash, created_at, revoked_at FROM tokens ORDER BY id",
    "filings": "SELECT id, revision, unit, body, content_sha256, digest, received_at, receipt, "
    "receipt_year, receipt_no, status, reason, returned_at, warnings, source FROM filings "
    "ORDER BY receipt_no",
    "changes": "SELECT * FROM changes ORDER BY seq",
    "notifications": "SELECT * FROM notifications ORDER BY seq",
    "reference": "SELECT * FROM reference ORDER BY version",
}


@pytest.fixture
def old_db(tmp_path: Path) -> Path:
    path = tmp_path / "office.db"
    shutil.copyfile(DATA / "office.sqlite", path)
    path.chmod(0o600)
    return path


def rows(path: Path) -> dict[str, list[tuple]]:
    with sqlite3.connect(path) as conn:
        return {name: conn.execute(sql).fetchall() for name, sql in KEPT.items()}


def test_the_old_database_is_refused_until_migrated_and_then_keeps_everything(
    old_db: Path, tmp_path: Path
) -> None:
    before = rows(old_db)
    assert len(before["filings"]) == 5 and len(before["changes"]) == 6

    refused = office_cli(old_db, "filings", "--json", check=False)
    assert refused.returncode == 1 and "beian-office migrate" in refused.stderr
    serve = office_cli(old_db, "serve", "--port", "0", check=False)
    assert serve.returncode == 1 and "结构版本较旧" in serve.stderr
    # The step before migrating works on the old schema: a backup.
    office_cli(old_db, "backup", "-o", str(tmp_path / "before-migrate.db"))
    assert rows(tmp_path / "before-migrate.db") == before

    done = office_cli(old_db, "migrate")
    assert "0001" in done.stdout and migrations.head() in done.stdout
    assert "已是最新" in office_cli(old_db, "migrate").stdout
    assert rows(old_db) == before  # every token, filing, change, notification kept

    listed = json.loads(office_cli(old_db, "filings", "--json").stdout)
    assert listed == [{**f, "office": "430300"} for f in FACTS["filings"]]
    offices = json.loads(office_cli(old_db, "office", "list", "--json").stdout)
    assert offices == [{"code": "430300", "name": "湘潭市", "parent": None, "prefix": "潭优备"}]
    units = {
        t["unit"]: t["office"]
        for t in json.loads(office_cli(old_db, "token", "list", "--json").stdout)
    }
    assert units == {DEFAULT_UNIT: "430300", "湘潭市应急管理局": "430300"}
    with sqlite3.connect(old_db) as conn:
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        parks = conn.execute("SELECT park FROM filings WHERE park IS NOT NULL").fetchall()
    assert parks == [("湘潭高新技术产业开发区",)]
    entry = json.loads(office_cli(old_db, "audit", "--json").stdout)[0]
    assert (entry["actor"], entry["action"]) == ("migrate", "schema_upgraded")


@pytest.mark.slow
def test_desks_keep_their_tokens_and_the_series_goes_on_after_migrating(
    old_db: Path, tmp_path: Path
) -> None:
    office_cli(old_db, "migrate")
    with OfficeServer.start(tmp_path / "server", db=old_db) as office:
        with office.client(FACTS["tokens"][DEFAULT_UNIT]) as http:
            feed = http.get("/api/v1/changes").json()["changes"]
            assert [c["type"] for c in feed] == [
                "receipt",
                "receipt",
                "receipt",
                "receipt",
                "returned",
            ]
            assert http.get("/api/v1/reference").json()["parks"][0]["short"] == "湘潭高新区"
            first = FACTS["filings"][0]
            resend = FACTS["bodies"][f"{first['id']}/1"]
            again = http.post("/api/v1/filings", json=resend)
            assert (again.status_code, again.json()["receipt"]) == (200, first["receipt"])
            new = http.post("/api/v1/filings", json=valid_filing())
        assert new.status_code == 201, new.text
        receipt = new.json()["receipt"]
        assert receipt.startswith("潭优备〔")
        if "〔2026〕" in receipt:  # the old series continues (the data was filed in 2026)
            assert receipt.endswith("000006号")
        with office.client(FACTS["tokens"]["湘潭市应急管理局"]) as other:
            assert len(other.get("/api/v1/changes").json()["changes"]) == 1


def test_a_migrated_database_has_the_schema_of_a_new_one(old_db: Path, tmp_path: Path) -> None:
    OfficeStore.open(old_db, migrate=True).dispose()
    OfficeStore.open(tmp_path / "new.db").dispose()

    def shape(path: Path) -> dict:
        engine = create_engine(f"sqlite:///{path}")
        try:
            with engine.connect() as conn:
                insp = inspect(conn)

                def columns(name: str) -> list[tuple]:
                    # The old release's INTEGER PRIMARY KEY columns say nullable; they are not.
                    keys = insp.get_pk_constraint(name)["constrained_columns"]
                    return [
                        (c["name"], str(c["type"]), c["nullable"] and c["name"] not in keys)
                        for c in insp.get_columns(name)
                    ]

                return {
                    name: (
                        columns(name),
                        sorted(tuple(i["column_names"]) for i in insp.get_indexes(name)),
                        sorted(tuple(u["column_names"]) for u in insp.get_unique_constraints(name)),
                        insp.get_pk_constraint(name)["constrained_columns"],
                        sorted(
                            (tuple(f["constrained_columns"]), f["referred_table"])
                            for f in insp.get_foreign_keys(name)
                        ),
                    )
                    for name in insp.get_table_names()
                }
        finally:
            engine.dispose()

    assert shape(old_db) == shape(tmp_path / "new.db")


def test_the_old_office_can_be_named_otherwise_when_migrating(old_db: Path) -> None:
    refused = office_cli(old_db, "migrate", "--office-code", "43030", check=False)
    assert refused.returncode == 1 and "6 位" in refused.stderr
    office_cli(
        old_db,
        "migrate",
        "--office-code",
        "430302",
        "--office-name",
        "雨湖区",
        "--prefix",
        "雨优备",
    )
    listed = json.loads(office_cli(old_db, "office", "list", "--json").stdout)
    assert listed == [{"code": "430302", "name": "雨湖区", "parent": None, "prefix": "雨优备"}]
    held = json.loads(office_cli(old_db, "filings", "--json").stdout)
    # The receipts already issued keep their text; new ones carry the new prefix.
    assert [f["receipt"] for f in held] == [f["receipt"] for f in FACTS["filings"]]
    assert {f["office"] for f in held} == {"430302"}
    again = office_cli(old_db, "migrate", "--prefix", "乙", check=False)
    assert "已是最新" in again.stdout


def test_filings_held_before_the_cross_filing_checks_take_part_in_them(old_db: Path) -> None:
    office_cli(old_db, "migrate")
    with sqlite3.connect(old_db) as conn:
        ids = {r[0] for r in conn.execute("SELECT id FROM filings")}
        indexed = dict(conn.execute("SELECT id, revision FROM inspections").fetchall())
        latest = dict(conn.execute("SELECT id, MAX(revision) FROM filings GROUP BY id").fetchall())
    assert set(indexed) == ids and indexed == latest


def test_the_filings_held_wait_for_review_unless_returned(old_db: Path) -> None:
    """0011_pending_marker fills 待审's marker: the old release's filings were never
    reviewed, so each waits unless its latest revision was returned."""
    office_cli(old_db, "migrate")
    with sqlite3.connect(old_db) as conn:
        marked = dict(conn.execute("SELECT id, waiting FROM filing_facts").fetchall())
        latest = conn.execute(
            "SELECT id, status FROM filings f WHERE revision = "
            "(SELECT MAX(revision) FROM filings g WHERE g.id = f.id)"
        ).fetchall()
    assert marked == {i: int(status == "filed") for i, status in latest}
    assert sorted(marked.values()) == [0, 1, 1, 1]
