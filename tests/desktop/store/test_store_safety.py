"""The store under failure: damaged files, backups and restore, migrations, a full disk,
a read-only folder, several writers at once.

Tests run as root, which ignores file permissions, so "read-only" and "disk full" are
produced where they really fail for every user: SQLite itself. A full disk is SQLite's
page limit (``PRAGMA max_page_count``: the same SQLITE_FULL a full disk gives); a
read-only folder is the read-only connection SQLite falls back to when it cannot write
(``mode=ro``), whose writes SQLite refuses with SQLITE_READONLY.
"""

from __future__ import annotations

import copy
import errno
import hashlib
import os
import sqlite3
import stat
import threading
import time
import uuid
from datetime import timedelta
from pathlib import Path

import pytest

from desktop.store import (
    DB_NAME,
    QUEUED,
    READY,
    ListQuery,
    Store,
    StoreDamaged,
    StoreError,
    StoreFull,
    schema,
)
from desktop.store import backups as backup_files
from tests.support.clock import T0, Clock


@pytest.fixture
def clock() -> Clock:
    return Clock()


def fill(store: Store, good: dict, n: int) -> list[str]:
    ids = []
    for i in range(n):
        f = copy.deepcopy(good)
        f["id"] = str(uuid.uuid4())
        f["content"] = f"第 {i} 份"
        store.create_filing(f)
        store.save_draft(f["id"], f, has_errors=False)
        ids.append(f["id"])
    return ids


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- damage and restore -----------------------------------------------------------------


@pytest.mark.parametrize("where", ["header", "page"])
def test_damaged_file_is_detected_and_restored(
    tmp_path: Path, clock: Clock, good_filing: dict, where: str
):
    with Store.open(tmp_path, clock=clock) as store:
        kept = fill(store, good_filing, 20)
        backup = store.backup_now()
        clock.advance(hours=1)
        lost = fill(store, good_filing, 1)  # after the backup
    path = tmp_path / DB_NAME
    with path.open("r+b") as fh:
        if where == "header":
            fh.write(b"this is no longer a database file")
        else:
            fh.seek(4096 * 3)
            fh.write(b"\xa5" * 4096 * 2)
    before = digest(path)

    with pytest.raises(StoreDamaged) as caught:
        Store.open(tmp_path, clock=clock)
    damaged = caught.value
    assert damaged.backups == [backup]
    assert "数据文件已损坏" in str(damaged) and "2026年11月27日 09:00" in str(damaged)
    assert digest(path) == before  # detecting it changed nothing

    Store.restore(tmp_path, damaged.backups[0])
    [moved] = (tmp_path / backup_files.DAMAGED_DIR).glob("*.sqlite3")
    assert digest(moved) == before  # the damaged file is kept, never deleted
    with Store.open(tmp_path, clock=clock) as store:
        assert {s.id for s in store.list_filings(ListQuery())} == set(kept)
        assert store.get(lost[0]) is None
        assert store._connection().execute("PRAGMA quick_check").fetchone()[0] == "ok"


def test_not_a_database_lists_backups_newest_first(tmp_path: Path, clock: Clock, good_filing):
    with Store.open(tmp_path, clock=clock) as store:
        fill(store, good_filing, 1)
        first = store.backup_now()
        clock.advance(days=1)
        second = store.backup_now()
    (tmp_path / DB_NAME).write_bytes(b"\x00" * 10_000)
    with pytest.raises(StoreDamaged) as caught:
        Store.open(tmp_path, clock=clock)
    assert caught.value.backups == [second, first]


def test_damaged_without_backup_says_so(tmp_path: Path):
    (tmp_path / DB_NAME).write_bytes(b"SQLite format 3\x00" + b"\xff" * 5000)
    with pytest.raises(StoreDamaged, match="没有找到可用的备份") as caught:
        Store.open(tmp_path)
    assert caught.value.backups == []


def test_restore_moves_the_old_wal_aside(tmp_path: Path, clock: Clock, good_filing: dict):
    """A WAL left by the damaged file must not be replayed onto the restored backup."""
    with Store.open(tmp_path, clock=clock) as store:
        ids = fill(store, good_filing, 3)
        backup = store.backup_now()
    path = tmp_path / DB_NAME
    path.write_bytes(b"garbage" * 1000)
    wal = path.with_name(DB_NAME + "-wal")
    wal.write_bytes(b"\x37\x7f\x06\x82" + b"\x01" * 5000)
    Store.restore(tmp_path, backup)
    assert not wal.exists()
    assert len(list((tmp_path / backup_files.DAMAGED_DIR).glob("*-wal"))) == 1
    with Store.open(tmp_path, clock=clock) as store:
        assert store.count_filings(ListQuery()) == len(ids)


def test_restore_refuses_a_damaged_backup(tmp_path: Path, clock: Clock, good_filing: dict):
    with Store.open(tmp_path, clock=clock) as store:
        fill(store, good_filing, 2)
        backup = store.backup_now()
    backup.write_bytes(b"not a backup")
    before = digest(tmp_path / DB_NAME)
    with pytest.raises(StoreError, match="也已损坏"):
        Store.restore(tmp_path, backup)
    assert digest(tmp_path / DB_NAME) == before
    assert not (tmp_path / backup_files.DAMAGED_DIR).exists()


# --- backups ----------------------------------------------------------------------------


def test_daily_backups_keep_the_last_seven(tmp_path: Path, clock: Clock, good_filing: dict):
    with Store.open(tmp_path, clock=clock) as store:
        assert store.backups() == []  # nothing to lose yet
        fill(store, good_filing, 1)
    for _ in range(9):
        with Store.open(tmp_path, clock=clock) as store:
            pass
        with Store.open(tmp_path, clock=clock) as store:  # same day: no second backup
            pass
        clock.advance(days=1, minutes=1)
    with Store.open(tmp_path, clock=clock, daily_backup=False) as store:
        found = store.backups()
    assert len(found) == 7
    stamps = [backup_files.stamp_of(p) for p in found]
    assert stamps == sorted(stamps, reverse=True)
    assert stamps[0].date() == (T0 + timedelta(days=8)).date()
    folder = tmp_path / backup_files.BACKUP_DIR
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    for p in found:
        assert stat.S_IMODE(p.stat().st_mode) == 0o600
        assert backup_files.check_file(p) is None


def test_backup_with_the_clock_set_back_is_still_made(tmp_path: Path, good_filing: dict):
    """A newest backup dated in the future (the clock was wrong) does not stop backups."""
    with Store.open(tmp_path, clock=Clock(T0 + timedelta(days=300))) as store:
        fill(store, good_filing, 1)
        store.backup_now()
    with Store.open(tmp_path, clock=Clock(T0)) as store:
        assert len(store.backups()) == 2


def test_failed_daily_backup_does_not_stop_the_desk(
    tmp_path: Path, clock: Clock, good_filing: dict, monkeypatch
):
    with Store.open(tmp_path, clock=clock) as store:
        fill(store, good_filing, 1)
    clock.advance(days=2)

    def no_space(*args, **kwargs):  # the OS edge a test cannot produce: ENOSPC
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(backup_files, "write_backup", no_space)
    with Store.open(tmp_path, clock=clock) as store:
        assert "自动备份没有完成" in store.backup_error and "磁盘空间不足" in store.backup_error
        with pytest.raises(StoreFull, match="磁盘空间不足"):
            store.backup_now()
        fill(store, good_filing, 1)  # the desk keeps working


def test_interrupted_backup_leaves_no_backup(tmp_path: Path, clock: Clock, good_filing: dict):
    folder = tmp_path / backup_files.BACKUP_DIR
    with Store.open(tmp_path, clock=clock) as store:
        fill(store, good_filing, 1)
        partial = backup_files.private_dir(folder) / ".partial-0000.sqlite3"
        partial.write_bytes(b"half a backup")
        assert store.backups() == []
        old = time.time() - 7200  # a backup still being written is younger than this
        os.utime(partial, (old, old))
        store.backup_now()
    assert not partial.exists()  # leftovers of a crash are cleaned up


# --- migrations -------------------------------------------------------------------------


def _next(conn: sqlite3.Connection) -> None:
    conn.execute("ALTER TABLE filings ADD COLUMN archived INTEGER NOT NULL DEFAULT 0")


def _broken(conn: sqlite3.Connection) -> None:
    conn.execute("ALTER TABLE filings ADD COLUMN half_done INTEGER")
    conn.execute("this is not SQL")


def test_migration_backs_up_first(tmp_path: Path, clock: Clock, good_filing, monkeypatch):
    with Store.open(tmp_path, clock=clock) as store:
        ids = fill(store, good_filing, 3)
    now = schema.LATEST
    monkeypatch.setattr(schema, "MIGRATIONS", [*schema.MIGRATIONS, _next])
    monkeypatch.setattr(schema, "LATEST", now + 1)
    with Store.open(tmp_path, clock=clock) as store:
        conn = store._connection()
        assert schema.user_version(conn) == now + 1
        assert conn.execute("SELECT count(*) FROM filings WHERE archived = 0").fetchone()[0] == 3
        [before] = [p for p in store.backups() if backup_files.is_before_migration(p)]
        assert before.name.endswith(f"-before-v{now + 1}.sqlite3")
    old = sqlite3.connect(before)
    assert old.execute("PRAGMA user_version").fetchone()[0] == now
    assert {r[0] for r in old.execute("SELECT id FROM filings")} == set(ids)
    old.close()


def test_failed_migration_changes_nothing(tmp_path: Path, clock: Clock, good_filing, monkeypatch):
    with Store.open(tmp_path, clock=clock) as store:
        ids = fill(store, good_filing, 2)
    now = schema.LATEST
    monkeypatch.setattr(schema, "MIGRATIONS", [*schema.MIGRATIONS, _broken])
    monkeypatch.setattr(schema, "LATEST", now + 1)
    with pytest.raises(sqlite3.OperationalError):
        Store.open(tmp_path, clock=clock)
    monkeypatch.undo()
    with Store.open(tmp_path, clock=clock) as store:
        conn = store._connection()
        assert schema.user_version(conn) == now
        columns = {r[1] for r in conn.execute("PRAGMA table_info(filings)")}
        assert "half_done" not in columns
        assert store.count_filings(ListQuery()) == len(ids)


def test_file_from_a_newer_program_is_left_alone(tmp_path: Path, clock: Clock):
    Store.open(tmp_path, clock=clock).close()
    conn = sqlite3.connect(tmp_path / DB_NAME)
    conn.execute(f"PRAGMA user_version = {schema.LATEST + 5}")
    conn.close()
    before = digest(tmp_path / DB_NAME)
    with pytest.raises(StoreError, match="更新版本"):
        Store.open(tmp_path, clock=clock)
    assert digest(tmp_path / DB_NAME) == before


# --- disk full and read-only ------------------------------------------------------------


def test_disk_full_loses_nothing(tmp_path: Path, clock: Clock, good_filing: dict):
    store = Store.open(tmp_path, clock=clock)
    try:
        [fid] = fill(store, good_filing, 1)
        saved = store.get(fid)
        events = store.history(fid)
        conn = store._connection()
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count = {pages}")  # the disk is now full
        big = copy.deepcopy(saved.filing)
        big["content"] = "查看生产场所、设备设施和原料进货查验记录。" * 400
        clock.advance(minutes=10)
        with pytest.raises(StoreFull, match="磁盘空间不足") as caught:
            store.save_draft(fid, big, has_errors=False)
        assert "之前保存的内容都还在" in str(caught.value)
        other = dict(big, id=str(uuid.uuid4()))
        with pytest.raises(StoreFull):
            store.create_filing(other)
        assert store.get(fid) == saved and store.history(fid) == events
        assert store.get(other["id"]) is None
        assert store.count_filings(ListQuery(text="顺阳新材料")) == 1
        conn.execute("PRAGMA max_page_count = 1073741823")  # space freed: carry on
        store.save_draft(fid, big, has_errors=False)
        store.create_filing(other)
        assert store.get(fid).filing == big
        assert conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
    finally:
        store.close()


def test_disk_full_while_queuing(tmp_path: Path, clock: Clock, good_filing: dict):
    store = Store.open(tmp_path, clock=clock)
    try:
        big = copy.deepcopy(good_filing)
        big["content"] = "查看生产场所。" * 1500
        store.create_filing(big)
        store.save_draft(big["id"], big, has_errors=False)
        conn = store._connection()
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count = {pages}")
        with pytest.raises(StoreFull):
            store.queue(big["id"])
        assert store.get(big["id"]).status == READY
        assert store.outbox() == [] and store.get_revision(big["id"], 1) is None
    finally:
        store.close()


def test_read_only_store_reads_and_refuses_writes(tmp_path: Path, clock: Clock, good_filing):
    with Store.open(tmp_path, clock=clock) as store:
        [fid] = fill(store, good_filing, 1)
    before = digest(tmp_path / DB_NAME)
    with Store.open(tmp_path, clock=clock, read_only=True) as store:
        content = store.get(fid).filing
        assert store.read_only
        assert store.get(fid).status == READY
        assert store.count_filings(ListQuery(text="顺阳新材料")) == 1
        for write in (
            lambda: store.save_draft(fid, dict(content, items="改"), has_errors=False),
            lambda: store.queue(fid),
            lambda: store.set_meta("k", 1),
            lambda: store.create_filing(dict(good_filing, id=str(uuid.uuid4()))),
        ):
            with pytest.raises(StoreFull, match="只读") as caught:
                write()
            # refused by SQLite itself, not by a flag in the store
            assert isinstance(caught.value.__cause__, sqlite3.OperationalError)
        assert store.backup_if_due() is None
    assert digest(tmp_path / DB_NAME) == before


def test_unwritable_folder_opens_read_only(tmp_path: Path, clock: Clock, good_filing, monkeypatch):
    with Store.open(tmp_path, clock=clock) as store:
        [fid] = fill(store, good_filing, 1)

    def read_only_fs(path):  # the OS edge a root test cannot produce: EROFS
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(backup_files, "private_file", read_only_fs)
    with Store.open(tmp_path, clock=clock) as store:
        assert store.read_only and store.get(fid) is not None
        with pytest.raises(StoreFull, match="只读"):
            store.save_draft(fid, dict(store.get(fid).filing, items="改"), has_errors=False)


def test_no_folder_and_cannot_create_it(tmp_path: Path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StoreFull):
        Store.open(blocker / "data")  # the data folder's parent is a file


# --- several writers --------------------------------------------------------------------


def test_two_stores_on_one_file(tmp_path: Path, good_filing: dict):
    """The window and a ``beian`` command open the same file at the same time."""
    a = Store.open(tmp_path)
    b = Store.open(tmp_path)
    try:
        [fid] = fill(a, good_filing, 1)
        assert b.get(fid).status == READY
        b.queue(fid)
        assert a.get(fid).status == QUEUED and len(a.outbox()) == 1
        fill(b, good_filing, 3)
        assert a.count_filings(ListQuery()) == 4
    finally:
        a.close()
        b.close()


def test_threads_share_one_store(tmp_path: Path, good_filing: dict):
    errors: list[BaseException] = []
    with Store.open(tmp_path) as store:

        def work():
            try:
                fill(store, good_filing, 15)
                store.list_filings(ListQuery(text="第 1"))
            except BaseException as exc:
                errors.append(exc)

        threads = [threading.Thread(target=work) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        assert store.counts_by_status()[READY] == 60


def test_backup_reads_a_consistent_snapshot_while_another_writer_works(
    tmp_path: Path, clock: Clock, good_filing: dict
):
    a = Store.open(tmp_path, clock=clock)
    b = Store.open(tmp_path, clock=clock)
    try:
        fill(a, good_filing, 2)
        writer = b._connection()
        writer.execute("BEGIN IMMEDIATE")  # another process is in the middle of a change
        writer.execute("INSERT INTO meta (key, value) VALUES ('half', '1')")
        backup = a.backup_now()  # does not wait for it, does not see it
        writer.execute("COMMIT")
    finally:
        a.close()
        b.close()
    copy_ = sqlite3.connect(backup)
    try:
        assert copy_.execute("SELECT count(*) FROM filings").fetchone()[0] == 2
        assert copy_.execute("SELECT count(*) FROM meta WHERE key = 'half'").fetchone()[0] == 0
    finally:
        copy_.close()
