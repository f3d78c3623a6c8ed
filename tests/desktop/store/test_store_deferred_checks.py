"""Opening with deferred checks: a header and schema check at open, the full integrity
check and the daily backup afterwards on connections of their own, and damage found then
remembered so the next open checks in full and offers the backup."""

from __future__ import annotations

import copy
import errno
import stat
import threading
import uuid
from pathlib import Path

import pytest

from desktop.store import DB_NAME, Store, StoreDamaged
from desktop.store import backups as backup_files
from desktop.store import db as store_db
from tests.support.clock import Clock


def fill(store: Store, good: dict, n: int) -> None:
    for i in range(n):
        f = copy.deepcopy(good)
        f["id"] = str(uuid.uuid4())
        f["enterprise"]["name"] = f"湘潭测试企业{i}有限公司"
        store.create_filing(f)


def damage_data_pages(path: Path) -> None:
    """Overwrite two pages near the end: table data, not the header or the schema."""
    size = path.stat().st_size
    assert size > 12 * 4096
    with path.open("r+b") as fh:
        fh.seek(size - 6 * 4096)
        fh.write(b"\xa5" * 4096 * 2)


@pytest.fixture
def large(monkeypatch):
    """Treat every store as one too large to check in full at open."""
    monkeypatch.setattr(store_db, "FULL_CHECK_AT_OPEN_BYTES", 0)


def make_store(folder: Path, good: dict, clock: Clock, n: int = 120) -> None:
    with Store.open(folder, clock=clock, daily_backup=False) as store:
        fill(store, good, n)


def test_damage_in_the_data_is_found_after_open_and_checked_first_next_time(
    tmp_path, good_filing, large
):
    clock = Clock()
    make_store(tmp_path, good_filing, clock)
    damage_data_pages(tmp_path / DB_NAME)

    with Store.open(tmp_path, clock=clock, deferred_checks=True) as store:
        outcome = store.deferred_maintenance()
        assert outcome.damaged and outcome.backup_failed is None
        assert store.backups() == []  # no backup of a damaged file
        assert store.deferred_maintenance() == store_db.Maintenance()  # done once
    marker = tmp_path / store_db.CHECK_AT_OPEN_MARKER
    assert stat.S_IMODE(marker.stat().st_mode) == 0o600

    with pytest.raises(StoreDamaged):
        Store.open(tmp_path, clock=clock, deferred_checks=True)
    assert marker.exists()  # still damaged: still checked first


def test_without_deferred_checks_the_same_damage_is_refused_at_open(tmp_path, good_filing, large):
    make_store(tmp_path, good_filing, Clock())
    damage_data_pages(tmp_path / DB_NAME)
    with pytest.raises(StoreDamaged):
        Store.open(tmp_path)


def test_a_small_store_is_checked_in_full_at_open_even_when_deferred(tmp_path, good_filing):
    make_store(tmp_path, good_filing, Clock())
    assert (tmp_path / DB_NAME).stat().st_size < store_db.FULL_CHECK_AT_OPEN_BYTES
    damage_data_pages(tmp_path / DB_NAME)
    with pytest.raises(StoreDamaged):
        Store.open(tmp_path, deferred_checks=True)


@pytest.mark.parametrize(
    "header",
    [b"not a database at all" * 10, b"SQLite format 3\x00" + b"\xff" * 84, b"SQLite"],
)
def test_a_damaged_header_is_refused_at_open(tmp_path, good_filing, large, header):
    make_store(tmp_path, good_filing, Clock(), n=1)
    path = tmp_path / DB_NAME
    data = bytearray(path.read_bytes())
    if len(header) < 100:
        path.write_bytes(header)
    else:
        data[: len(header)] = header
        path.write_bytes(bytes(data))
    with pytest.raises(StoreDamaged):
        Store.open(tmp_path, deferred_checks=True)


def test_the_daily_backup_waits_for_the_deferred_work(tmp_path, good_filing, large):
    clock = Clock()
    make_store(tmp_path, good_filing, clock)
    with Store.open(tmp_path, clock=clock, deferred_checks=True) as store:
        assert store.backups() == []  # not at open
        assert store.deferred_maintenance() == store_db.Maintenance()
        [made] = store.backups()
        assert backup_files.check_file(made) is None
    assert not (tmp_path / store_db.CHECK_AT_OPEN_MARKER).exists()


def test_a_failed_deferred_backup_is_reported_and_the_store_keeps_working(
    tmp_path, good_filing, large, monkeypatch
):
    clock = Clock()
    make_store(tmp_path, good_filing, clock)

    def no_space(*args, **kwargs):  # the OS edge a test cannot produce: ENOSPC
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(backup_files, "write_backup", no_space)
    with Store.open(tmp_path, clock=clock, deferred_checks=True) as store:
        outcome = store.deferred_maintenance()
        assert outcome.backup_failed is not None and not outcome.damaged
        assert "磁盘空间不足" in store.backup_error
        fill(store, good_filing, 1)


def test_the_deferred_work_runs_beside_other_threads_and_close_waits_for_it(
    tmp_path, good_filing, large
):
    clock = Clock()
    make_store(tmp_path, good_filing, clock)
    store = Store.open(tmp_path, clock=clock, deferred_checks=True)
    outcomes = []
    worker = threading.Thread(target=lambda: outcomes.append(store.deferred_maintenance()))
    worker.start()
    fill(store, good_filing, 3)  # the store stays usable meanwhile
    worker.join(timeout=60)
    store.close()
    assert outcomes == [store_db.Maintenance()]
    assert store.deferred_maintenance() == store_db.Maintenance()  # closed: nothing to do
