"""The office's own SQLite store: one file, WAL, one transaction per change.

Every request or command opens its own connection (cheap for SQLite, and safe across
uvicorn's worker threads and concurrently running admin commands). Writes take the
write lock up front (``BEGIN IMMEDIATE``) so that checking what is held and storing
the answer happen in one transaction: two identical submissions arriving together get
one receipt, not two.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

from sqlite_utils import Database

from office.errors import OfficeError

SCHEMA_VERSION = 1
SYNCHRONOUS = "FULL"  # a receipt handed out survives a power cut

# Receipts are UNIQUE and their numbers are UNIQUE per year: a number is never reused,
# whatever the code above does. Rows of filings, changes and notifications are never
# deleted; a return changes a filing's status and appends a change.
SCHEMA = """
CREATE TABLE tokens (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    unit TEXT NOT NULL,
    hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    revoked_at TEXT
);
CREATE INDEX tokens_unit ON tokens(unit);

CREATE TABLE filings (
    id TEXT NOT NULL,
    revision INTEGER NOT NULL CHECK (revision >= 1),
    unit TEXT NOT NULL,
    body BLOB NOT NULL,
    content_sha256 TEXT NOT NULL,
    digest TEXT NOT NULL,
    received_at TEXT NOT NULL,
    receipt TEXT NOT NULL UNIQUE,
    receipt_year INTEGER NOT NULL,
    receipt_no INTEGER NOT NULL CHECK (receipt_no >= 1),
    status TEXT NOT NULL CHECK (status IN ('filed', 'returned')),
    reason TEXT,
    returned_at TEXT,
    warnings TEXT NOT NULL,
    source TEXT NOT NULL CHECK (source IN ('api', 'bundle')),
    PRIMARY KEY (id, revision),
    UNIQUE (receipt_year, receipt_no)
);
CREATE INDEX filings_unit ON filings(unit, id);

CREATE TABLE receipt_series (
    year INTEGER PRIMARY KEY,
    last INTEGER NOT NULL
);

CREATE TABLE changes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    unit TEXT NOT NULL,
    type TEXT NOT NULL CHECK (type IN ('receipt', 'returned')),
    id TEXT NOT NULL,
    revision INTEGER NOT NULL,
    receipt TEXT NOT NULL,
    reason TEXT,
    at TEXT NOT NULL,
    FOREIGN KEY (id, revision) REFERENCES filings(id, revision)
);
CREATE INDEX changes_unit ON changes(unit, seq);

CREATE TABLE notifications (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL,
    revision INTEGER NOT NULL,
    recipient_kind TEXT NOT NULL CHECK (recipient_kind IN ('justice_bureau', 'park_committee')),
    recipient TEXT NOT NULL,
    created_at TEXT NOT NULL,
    sent_at TEXT,
    FOREIGN KEY (id, revision) REFERENCES filings(id, revision)
);

CREATE TABLE reference (
    version INTEGER PRIMARY KEY,
    data TEXT NOT NULL,
    loaded_at TEXT NOT NULL,
    source TEXT NOT NULL
);
"""


PROBE_BYTES = 16 * 1024
# SQLite's primary result codes for "database or disk is full" and "disk I/O error".
_SQLITE_FULL, _SQLITE_IOERR = 13, 10


class StoreUnwritable(OfficeError):  # noqa: N818 - a state, like OfficeError
    """The disk refuses the office's writes: nothing was stored, try again later."""

    def __init__(self) -> None:
        super().__init__(
            "办公室的数据库暂时无法写入（磁盘已满或出现故障），这次提交没有登记。"
            "请稍后重试；备案桌面程序会自动重发。"
        )


def is_disk_error(exc: BaseException) -> bool:
    """Whether an SQLite error is the disk's: full, or a failed write."""
    code = getattr(exc, "sqlite_errorcode", None)
    if isinstance(code, int) and code & 0xFF in (_SQLITE_FULL, _SQLITE_IOERR):
        return True
    text = str(exc)
    return "disk is full" in text or "disk I/O error" in text


class OfficeStore:
    """The office database at ``path``. Create with :meth:`open`."""

    def __init__(self, path: Path):
        self.path = path
        # One connection per thread, kept open: closing the last connection to a WAL
        # database checkpoints it and deletes the WAL, which cost most of a request's time.
        self._local = threading.local()

    @classmethod
    def open(cls, path: Path | str, *, create: bool = True) -> OfficeStore:
        """Open (and with ``create``, create) the store; raises OfficeError in Chinese."""
        path = Path(path).expanduser().resolve()
        if not path.exists():
            if not create:
                raise OfficeError(f"找不到数据库文件：{path}")
            if not path.parent.is_dir():
                raise OfficeError(f"数据库所在的文件夹不存在：{path.parent}")
            try:
                # Owner-only from the first byte: it holds token hashes and filings.
                os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
            except FileExistsError:
                pass
            except OSError as exc:
                raise OfficeError(f"无法创建数据库文件 {path}：{exc.strerror}") from None
        store = cls(path)
        store._migrate()
        return store

    def _connect(self) -> sqlite3.Connection:
        try:
            conn = sqlite3.connect(self.path, timeout=30)
            conn.execute("PRAGMA foreign_keys = ON")
            # FULL, not NORMAL: with NORMAL a power cut can lose the last commits of the
            # WAL, and with them receipts already handed to desks, whose numbers would be
            # issued again. FULL syncs the WAL at every commit (bench/bench_office_durability.py
            # measures the cost); only writes pay it, and the office writes rarely.
            conn.execute(f"PRAGMA synchronous = {SYNCHRONOUS}")
        except sqlite3.DatabaseError as exc:
            raise OfficeError(f"无法打开数据库 {self.path}：{exc}") from None
        return conn

    def _migrate(self) -> None:
        conn = self._connect()
        db = Database(conn)
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise OfficeError(
                    f"数据库 {self.path} 由更新版本的 beian-office 创建（结构版本 {version}），"
                    "请升级本程序。"
                )
            db.enable_wal()
            if db.journal_mode != "wal":
                raise OfficeError(f"数据库 {self.path} 无法启用 WAL 模式。")
            if version == 0:
                # A new file: nothing to back up before creating the schema.
                db.execute("BEGIN IMMEDIATE")
                try:
                    if conn.execute("PRAGMA user_version").fetchone()[0] == 0:
                        for statement in SCHEMA.split(";"):
                            if statement.strip():
                                db.execute(statement)
                        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
                except BaseException:
                    db.rollback()
                    raise
                db.commit()
        except sqlite3.DatabaseError as exc:
            raise OfficeError(f"数据库 {self.path} 无法使用：{exc}") from None
        finally:
            conn.close()

    def _thread_connection(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = self._connect()
        return conn

    @contextlib.contextmanager
    def read(self) -> Iterator[Database]:
        """A connection for reading (each statement sees a committed state)."""
        yield Database(self._thread_connection())

    @contextlib.contextmanager
    def write(self) -> Iterator[Database]:
        """One transaction holding the write lock; committed on success, else rolled back.

        A write the disk refuses (full, or failing) raises :class:`StoreUnwritable`."""
        db = Database(self._thread_connection())
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
            db.commit()
        except sqlite3.DatabaseError as exc:
            with contextlib.suppress(sqlite3.DatabaseError):
                db.rollback()
            if is_disk_error(exc):
                raise StoreUnwritable() from None
            raise
        except BaseException:
            with contextlib.suppress(sqlite3.DatabaseError):
                db.rollback()
            raise

    # --- a full disk (kept apart: the store's engine may change, this promise does not) --

    def can_write(self) -> bool:
        """Whether the disk under the database takes a write now.

        SQLite writes a transaction's pages at commit, so a rolled-back probe proves
        nothing; instead a small file (a few WAL pages' worth) is written next to the
        database and removed. A full disk refuses it (ENOSPC), as does a file-size limit."""
        probe = self.path.with_name(
            f".{self.path.name}.probe-{os.getpid()}-{threading.get_ident()}"
        )
        try:
            fd = os.open(probe, os.O_CREAT | os.O_TRUNC | os.O_WRONLY, 0o600)
        except OSError:
            return False
        try:
            written = os.write(fd, b"\0" * PROBE_BYTES)
            return written == PROBE_BYTES
        except OSError:
            return False
        finally:
            os.close(fd)
            with contextlib.suppress(OSError):
                probe.unlink()

    def backup(self, target: Path) -> None:
        """A consistent copy of the live database (SQLite's online backup), checked whole.

        Safe while the server runs; the copy is owner-only and never overwrites a file."""
        target = Path(target).expanduser()
        if not target.parent.is_dir():
            raise OfficeError(f"文件夹不存在：{target.parent}")
        try:
            os.close(os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        except FileExistsError:
            raise OfficeError(f"备份文件已存在，不会覆盖：{target}") from None
        except OSError as exc:
            raise OfficeError(f"无法创建备份文件 {target}：{exc.strerror}") from None
        source = self._connect()
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)
            verdict = copy.execute("PRAGMA integrity_check").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            copy.close()
            target.unlink(missing_ok=True)
            raise OfficeError(f"备份失败：{exc}") from None
        finally:
            source.close()
        copy.close()
        if verdict != "ok":
            target.unlink(missing_ok=True)
            raise OfficeError(f"备份副本未通过完整性检查（{verdict}），已删除。")
