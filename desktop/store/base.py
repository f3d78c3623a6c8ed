"""The plumbing every part of the Store shares: the connection, its lock, transactions,
the clock, events, and the messages for filings that cannot change."""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from desktop.store import rows
from desktop.store.api import (
    QUEUED,
    RETURNED,
    SENT,
    AlreadySent,
    FilingRow,
    NotEditable,
    StoreCode,
    StoreError,
)
from desktop.store.errors import translate
from forms.record import format_timestamp

DB_NAME = "beian.sqlite3"


class SentNotEditable(AlreadySent, NotEditable):
    """Editing a sent filing: both "already sent" and "not editable" to callers."""


def not_editable(status: str, revision: int) -> NotEditable:
    if status == SENT:
        return SentNotEditable(f"这份备案表（第 {revision} 版）已经备案，不能再修改。")
    if status == QUEUED:
        return NotEditable(
            "这份备案表已在待发送队列中，不能修改。如需修改，请先撤回（尚未开始发送时可以撤回）。"
        )
    if status == RETURNED:
        return NotEditable("这份备案表已被退回。请先选择“修改”生成新的版本，再编辑。")
    return NotEditable("这份备案表现在不能修改。")


class StoreBase:
    """One connection, guarded by a lock so the UI thread and workers may share it."""

    def __init__(
        self,
        data_dir: Path,
        conn: sqlite3.Connection,
        clock: Callable[[], datetime],
        read_only: bool,
    ):
        self.data_dir = data_dir
        self.path = data_dir / DB_NAME
        self.read_only = read_only
        # A daily backup that failed at open (disk full …): Chinese, for the window to show.
        self.backup_error: str | None = None
        self._conn: sqlite3.Connection | None = conn
        self._bulk: Any = None  # sqlite_utils.Database, made on first use
        self._clock = clock
        self._lock = threading.RLock()
        # Held by deferred_maintenance; close() waits for it (taken before _lock).
        self._maintenance = threading.Lock()

    @property
    def _db(self) -> Any:
        """sqlite-utils over the same connection, for bulk inserts of imports. Imported on
        first use: it pulls in click and pluggy, a tenth of a second at every start."""
        if self._bulk is None:
            import sqlite_utils

            self._bulk = sqlite_utils.Database(self._connection(), execute_plugins=False)
        return self._bulk

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            raise StoreError("数据文件已经关闭。", code=StoreCode.CLOSED)
        return self._conn

    @contextlib.contextmanager
    def _write(self, *, durable: bool = True) -> Iterator[sqlite3.Connection]:
        """One transaction; on any failure it is rolled back and the error translated.
        IMMEDIATE takes the write lock at once, so two processes never deadlock.

        ``durable=False`` commits without waiting for the disk (synchronous=NORMAL): for
        writes whose loss in a power cut repairs itself, such as a receipt the office
        gives again for the same revision. The next durable commit covers it too."""
        with self._lock:
            conn = self._connection()
            if not durable:
                conn.execute("PRAGMA synchronous = NORMAL")
            try:
                yield from self._transaction(conn)
            finally:
                if not durable:
                    with contextlib.suppress(sqlite3.Error):
                        conn.execute("PRAGMA synchronous = FULL")

    @staticmethod
    def _transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise translate(exc) from exc
        try:
            yield conn
            conn.execute("COMMIT")
        except BaseException as exc:
            if conn.in_transaction:
                with contextlib.suppress(sqlite3.Error):
                    conn.execute("ROLLBACK")
            translated = translate(exc)
            if translated is exc:
                raise
            raise translated from exc

    def _read(self, sql: str, params: Any = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            try:
                return self._connection().execute(sql, params).fetchall()
            except sqlite3.Error as exc:
                raise translate(exc) from exc

    def _now(self) -> datetime:
        return self._clock()

    def _stamp(self) -> str:
        return format_timestamp(self._clock())

    @staticmethod
    def _event(
        conn: sqlite3.Connection,
        filing_id: str,
        revision: int,
        at: str,
        kind: str,
        detail: dict[str, Any] | None = None,
    ) -> None:
        conn.execute(
            "INSERT INTO events (filing_id, revision, at, kind, detail) VALUES (?, ?, ?, ?, ?)",
            (filing_id, revision, at, kind, rows.dumps(detail or {})),
        )

    @staticmethod
    def _require(conn: sqlite3.Connection, filing_id: str) -> FilingRow:
        row = rows.fetch(conn, filing_id)
        if row is None:
            raise StoreError(
                "没有找到这份备案表，可能已被删除或数据文件已更换。", code=StoreCode.NOT_FOUND
            )
        discarded = conn.execute(
            "SELECT discarded_at FROM filings WHERE id = ?", (filing_id,)
        ).fetchone()
        if discarded[0] is not None:
            raise NotEditable("这份草稿已经丢弃，不能再打开或修改。")
        return row
