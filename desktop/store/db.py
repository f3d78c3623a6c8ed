"""The desk's store on one SQLite file (``beian.sqlite3`` in the data folder).

Implements :mod:`desktop.store.api`; the methods live in mixins by subject (``filings``,
``outbox``, ``settings``) on top of ``base``. This module opens, checks, migrates, backs
up and restores the file.

One connection per Store, guarded by a lock, so the UI thread and worker threads may
share a Store; several processes (the window and a ``beian`` command) may open the same
file at once — WAL and a busy timeout let them take turns. Every change is one
``BEGIN IMMEDIATE`` transaction: committed whole or not at all; a failure is raised as a
StoreError with a Chinese message.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from desktop.store import backups as backup_files
from desktop.store import schema
from desktop.store.api import StoreCode, StoreDamaged, StoreError, StoreFull
from desktop.store.base import DB_NAME
from desktop.store.errors import READ_ONLY_MESSAGE, is_damage, translate
from desktop.store.outbox import OutboxMixin
from desktop.store.settings import SettingsMixin
from forms.display import date_text
from forms.record import SHANGHAI, now

BUSY_TIMEOUT_S = 10.0
BACKUP_EVERY = timedelta(days=1)
# With deferred checks, a file up to this size is still checked in full at open: SQLite's
# quick_check reads it in a few tens of milliseconds, and damage found before the window
# opens can be restored at once. A larger file gets the header and schema check at open
# and its full check on a connection of its own (``deferred_maintenance``).
FULL_CHECK_AT_OPEN_BYTES = 8 * 1024 * 1024
# Written when a deferred check found damage: the next open checks in full, before anything.
CHECK_AT_OPEN_MARKER = "check-at-open"
SQLITE_MAGIC = b"SQLite format 3\x00"


@dataclass(frozen=True)
class Maintenance:
    """What the deferred checks found: the file is damaged (the program should be closed
    and opened again, which offers the latest backup), or the daily backup failed."""

    damaged: bool = False
    backup_failed: StoreError | None = None


__all__ = ["DB_NAME", "Store"]


class Store(OutboxMixin, SettingsMixin):
    """The desk's local store. Open with :meth:`open`; see ``api.StoreProtocol``."""

    # --- life ---------------------------------------------------------------------------

    @classmethod
    def open(
        cls,
        data_dir: Path,
        *,
        clock: Callable[[], datetime] | None = None,
        read_only: bool = False,
        daily_backup: bool = True,
        deferred_checks: bool = False,
    ) -> Store:
        """Open (or create) the store in ``data_dir``.

        Checks the file's integrity (raises StoreDamaged with the backups, newest first),
        migrates it to the current schema (backing it up first), and makes the daily
        backup when the newest is older than a day. ``read_only`` opens without writing
        anything; it is also chosen when the data folder cannot be written to (the
        store then answers reads and refuses writes with StoreFull). ``clock`` returns
        an aware datetime (tests set it).

        ``deferred_checks`` (the window, so its first paint does not wait for work that
        grows with the store): a file larger than FULL_CHECK_AT_OPEN_BYTES gets only a
        header and schema check here, and neither it nor the daily backup happens until
        :meth:`deferred_maintenance` runs them, each on a connection of its own.
        """
        data_dir = Path(data_dir)
        clock = clock or now
        path = data_dir / DB_NAME
        if not read_only:
            try:
                backup_files.private_dir(data_dir)
                backup_files.private_file(path)
            except OSError as exc:
                if not path.exists():
                    raise translate(exc) from exc
                read_only = True  # the folder or file cannot be written: read what is there
        marker = data_dir / CHECK_AT_OPEN_MARKER
        defer = deferred_checks and not marker.exists() and _size(path) > FULL_CHECK_AT_OPEN_BYTES
        check = cls._check_header if defer else cls._check
        conn = cls._connect(path, read_only)
        try:
            try:
                check(conn, data_dir)
            except StoreFull:
                if not read_only or path.with_name(path.name + "-wal").exists():
                    raise
                # A WAL-mode file in a folder that cannot be written: SQLite cannot create
                # the -shm index it reads through. Without a -wal file the main file holds
                # everything, and nobody can change it: read it as immutable.
                conn.close()
                conn = cls._connect(path, True, immutable=True)
                check(conn, data_dir)
            cls._configure(conn)
            if not read_only:
                try:
                    conn.execute("PRAGMA journal_mode = WAL")
                except sqlite3.OperationalError:
                    conn.close()
                    conn = cls._connect(path, True)
                    cls._configure(conn)
                    read_only = True
            store = cls(data_dir, conn, clock, read_only)
            store._migrate()
        except BaseException:
            conn.close()
            raise
        if not defer:
            with contextlib.suppress(OSError):
                marker.unlink(missing_ok=True)  # checked in full just now
        store._check_pending = defer
        store._backup_pending = False
        if not read_only:
            for side in ("-wal", "-shm"):
                backup_files.tighten(path.with_name(path.name + side))
            if daily_backup and deferred_checks:
                store._backup_pending = True
            elif daily_backup:
                store._daily_backup()
        return store

    @staticmethod
    def _connect(path: Path, read_only: bool, *, immutable: bool = False) -> sqlite3.Connection:
        try:
            if read_only:
                conn = sqlite3.connect(
                    path.resolve().as_uri() + ("?mode=ro&immutable=1" if immutable else "?mode=ro"),
                    uri=True,
                    timeout=BUSY_TIMEOUT_S,
                    check_same_thread=False,
                    isolation_level=None,
                )
            else:
                conn = sqlite3.connect(
                    str(path),
                    timeout=BUSY_TIMEOUT_S,
                    check_same_thread=False,
                    isolation_level=None,
                )
        except sqlite3.Error as exc:
            raise translate(exc) from exc
        return conn

    @staticmethod
    def _configure(conn: sqlite3.Connection) -> None:
        # FULL: a commit that returned is on disk even if the power fails a moment
        # later ("nothing acknowledged is lost"); NORMAL would only keep the file sound.
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")

    @staticmethod
    def _check(conn: sqlite3.Connection, data_dir: Path) -> None:
        """Raise StoreDamaged unless the file passes SQLite's quick integrity check."""
        try:
            rows = conn.execute("PRAGMA quick_check").fetchall()
            damaged = rows != [("ok",)]
        except sqlite3.DatabaseError as exc:
            if not is_damage(exc):
                raise translate(exc) from exc
            damaged = True
        if damaged:
            found = backup_files.list_backups(data_dir / backup_files.BACKUP_DIR)
            raise StoreDamaged(_damaged_message(found), found)

    @staticmethod
    def _check_header(conn: sqlite3.Connection, data_dir: Path) -> None:
        """What can be checked in constant time: the file's header and its schema (the
        first page and the schema table), which SQLite must read to open anything."""
        path = data_dir / DB_NAME
        try:
            with path.open("rb") as fh:
                head = fh.read(100)
        except FileNotFoundError:
            head = b""  # a new store
        except OSError as exc:
            raise translate(exc) from exc
        damaged = bool(head) and (len(head) < 100 or not head.startswith(SQLITE_MAGIC))
        if not damaged:
            try:
                conn.execute("PRAGMA schema_version").fetchone()
                conn.execute("SELECT count(*), max(rootpage) FROM sqlite_master").fetchone()
            except sqlite3.DatabaseError as exc:
                if not is_damage(exc):
                    raise translate(exc) from exc
                damaged = True
        if damaged:
            found = backup_files.list_backups(data_dir / backup_files.BACKUP_DIR)
            raise StoreDamaged(_damaged_message(found), found)

    def deferred_maintenance(self) -> Maintenance:
        """The work ``open(deferred_checks=True)`` left: the full integrity check (when
        open skipped it) and the daily backup, each reading through a connection of its
        own, so other threads keep using the store meanwhile. Plain and blocking: the
        window runs it on a worker thread after its first paint. :meth:`close` waits for
        it. Damage found here is remembered in the data folder: the next open checks in
        full first and offers the latest backup."""
        with self._maintenance:
            if self._conn is None:
                return Maintenance()
            if self._check_pending:
                self._check_pending = False
                if not self._passes_full_check():
                    with contextlib.suppress(OSError):
                        backup_files.private_file(self.data_dir / CHECK_AT_OPEN_MARKER)
                    self._backup_pending = False  # a backup of a damaged file helps no one
                    return Maintenance(damaged=True)
            if self._backup_pending:
                self._backup_pending = False
                try:
                    self.backup_if_due()
                except StoreError as exc:
                    self.backup_error = f"今天的自动备份没有完成：{exc}"
                    return Maintenance(backup_failed=exc)
        return Maintenance()

    def _passes_full_check(self) -> bool:
        try:
            source = self._connect(self.path, True)
        except StoreError:
            return True  # cannot be read now; the next open checks again
        try:
            return bool(source.execute("PRAGMA quick_check").fetchall() == [("ok",)])
        except sqlite3.DatabaseError as exc:
            return not is_damage(exc)
        finally:
            source.close()

    def _migrate(self) -> None:
        conn = self._connection()
        version = schema.user_version(conn)
        if version > schema.LATEST:
            raise StoreError("这个数据文件是更新版本的备案程序创建的。请先升级本程序，再打开它。")
        if version == schema.LATEST:
            return
        if self.read_only:
            raise StoreFull(READ_ONLY_MESSAGE, code=StoreCode.READ_ONLY)
        try:
            if version > 0:
                backup_files.write_backup(
                    conn,
                    self.data_dir / backup_files.BACKUP_DIR,
                    self._clock(),
                    suffix=f"-before-v{version + 1}",
                )
            for v in range(version + 1, schema.LATEST + 1):
                schema.apply(conn, v)
        except (OSError, sqlite3.Error) as exc:
            raise translate(exc) from exc

    # Set by open(): what deferred_maintenance still has to do.
    _check_pending = False
    _backup_pending = False

    def _daily_backup(self) -> None:
        try:
            self.backup_if_due()
        except StoreError as exc:
            self.backup_error = f"今天的自动备份没有完成：{exc}"

    def close(self) -> None:
        with self._maintenance, self._lock:  # a running deferred_maintenance finishes first
            if self._conn is None:
                return
            with contextlib.suppress(sqlite3.Error):
                if not self.read_only:
                    self._conn.execute("PRAGMA optimize")
            self._conn.close()
            self._conn = None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @classmethod
    def restore(cls, data_dir: Path, backup: Path) -> None:
        """Replace the store with a copy of ``backup``. The current file (and its WAL) is
        moved into ``damaged/`` in the data folder, never deleted. The store must be
        closed. Raises StoreError when the backup itself is damaged (nothing is moved)."""
        data_dir = Path(data_dir)
        try:
            backup_files.restore_file(data_dir / DB_NAME, Path(backup), now())
        except OSError as exc:
            raise translate(exc) from exc

    def backup_now(self) -> Path:
        """A backup of the file as it is now. It reads through a connection of its own
        (WAL lets it read a consistent snapshot while others write), so the store stays
        usable by other threads while a large file is copied."""
        self._connection()  # not after close
        folder = self.data_dir / backup_files.BACKUP_DIR
        try:
            source = self._connect(self.path, True)
            try:
                path = backup_files.write_backup(source, folder, self._clock())
            finally:
                source.close()
            with self._lock:  # one pruning at a time
                backup_files.prune(folder)
                backup_files.clean_partials(folder)
        except (OSError, sqlite3.Error) as exc:
            raise translate(exc) from exc
        return path

    def backups(self) -> list[Path]:
        return backup_files.list_backups(self.data_dir / backup_files.BACKUP_DIR)

    def backup_if_due(self) -> Path | None:
        """Back up when the newest backup is more than a day old (or dated in the future:
        the clock was wrong) and there is something to lose. The window may call this
        now and then; opening the store calls it."""
        if self.read_only:
            return None
        with self._lock:
            if not self._read("SELECT EXISTS (SELECT 1 FROM filings)")[0][0]:
                return None
            found = self.backups()
            if found:
                stamp = backup_files.stamp_of(found[0])
                age = self._clock() - stamp if stamp else BACKUP_EVERY
                if timedelta(minutes=-5) <= age < BACKUP_EVERY:
                    return None
            return self.backup_now()


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _damaged_message(found: list[Path]) -> str:
    text = "数据文件已损坏（完整性检查没有通过）。"
    if not found:
        return text + "没有找到可用的备份。损坏的文件不会被删除，请联系技术支持人员。"
    stamp = backup_files.stamp_of(found[0])
    when = (
        f"{date_text(stamp.date())} {stamp.astimezone(SHANGHAI):%H:%M}" if stamp else found[0].name
    )
    return (
        text + f"可以从最近的备份（{when}）恢复；恢复后，这之后的修改需要重新录入。"
        "损坏的文件会移到数据文件夹的 damaged 子文件夹中保留，不会删除。"
    )
