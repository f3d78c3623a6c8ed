"""The desk's store on one SQLite file (``beian.sqlite3`` in the data folder).

Implements :mod:`desktop.store.api`. One connection per Store, guarded by a lock, so the
UI thread and worker threads may share a Store; several processes (the window and a
``beian`` command) may open the same file at once — WAL and a busy timeout let them
take turns. Every change is one ``BEGIN IMMEDIATE`` transaction: it is committed whole
or not at all, and a failure is raised as a StoreError with a Chinese message.
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import json
import sqlite3
import threading
import uuid
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlite_utils

from desktop.store import backups as backup_files
from desktop.store import schema, search
from desktop.store.api import (
    DRAFT,
    EVENT_KINDS,
    QUEUED,
    READY,
    RETURNED,
    SENT,
    STATUSES,
    AlreadySent,
    Enterprise,
    Event,
    FilingRow,
    FilingSummary,
    ListQuery,
    NotEditable,
    OutboxItem,
    StoreDamaged,
    StoreError,
    StoreFull,
    UnitProfile,
)
from desktop.store.errors import READ_ONLY_MESSAGE, is_damage, translate
from forms import normalize
from forms.certificates import CertRules, default_cert_rules
from forms.display import date_text
from forms.record import (
    SHANGHAI,
    BadTimestamp,
    content_digest,
    format_timestamp,
    now,
    parse_timestamp,
)
from forms.roster import Officer, Roster
from forms.workdays import WorkCalendar

DB_NAME = "beian.sqlite3"
BUSY_TIMEOUT_S = 10.0
# Saves closer together than this make one "edited" event: a clerk typing for an hour
# leaves a readable history, not thousands of lines.
COALESCE_EDITS = timedelta(minutes=5)
BACKUP_EVERY = timedelta(days=1)
# A retry planned further ahead than this can only come from a clock that jumped
# (the sync backoff is capped at minutes): treat it as due instead of waiting for months.
FUTURE_RETRY_LIMIT = timedelta(days=1)

_FILING_COLUMNS = (
    "id, revision, status, filing, created_at, updated_at, receipt, return_reason, last_error"
)
_SUMMARY_COLUMNS = (
    "id, revision, status, enterprise, uscc, lead_unit, inspection_start, receipt, updated_at"
)


class _SentNotEditable(AlreadySent, NotEditable):
    """Editing a sent filing: both "already sent" and "not editable" to callers."""


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _filing_row(r: sqlite3.Row | tuple) -> FilingRow:
    return FilingRow(
        id=r[0],
        revision=r[1],
        status=r[2],
        filing=json.loads(r[3]),
        created_at=r[4],
        updated_at=r[5],
        receipt=r[6],
        return_reason=r[7],
        last_error=r[8],
    )


def _not_editable(status: str, revision: int) -> NotEditable:
    if status == SENT:
        return _SentNotEditable(f"这份备案表（第 {revision} 版）已经备案，不能再修改。")
    if status == QUEUED:
        return NotEditable(
            "这份备案表已在待发送队列中，不能修改。如需修改，请先撤回（尚未开始发送时可以撤回）。"
        )
    if status == RETURNED:
        return NotEditable("这份备案表已被退回。请先选择“修改”生成新的版本，再编辑。")
    return NotEditable("这份备案表现在不能修改。")


class Store:
    """The desk's local store. Open with :meth:`open`; see ``api.StoreProtocol``."""

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
        self._db = sqlite_utils.Database(conn, execute_plugins=False)
        self._clock = clock
        self._lock = threading.RLock()

    # --- life ---------------------------------------------------------------------------

    @classmethod
    def open(
        cls,
        data_dir: Path,
        *,
        clock: Callable[[], datetime] | None = None,
        read_only: bool = False,
        daily_backup: bool = True,
    ) -> Store:
        """Open (or create) the store in ``data_dir``.

        Checks the file's integrity (raises StoreDamaged with the backups, newest first),
        migrates it to the current schema (backing it up first), and makes the daily
        backup when the newest is older than a day. ``read_only`` opens without writing
        anything; it is also chosen when the data folder cannot be written to (the
        store then answers reads and refuses writes with StoreFull). ``clock`` returns
        an aware datetime (tests set it).
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
        conn = cls._connect(path, read_only)
        try:
            cls._check(conn, data_dir)
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
        if not read_only:
            for side in ("-wal", "-shm"):
                backup_files.tighten(path.with_name(path.name + side))
            if daily_backup:
                store._daily_backup()
        return store

    @staticmethod
    def _connect(path: Path, read_only: bool) -> sqlite3.Connection:
        try:
            if read_only:
                conn = sqlite3.connect(
                    path.resolve().as_uri() + "?mode=ro",
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

    def _migrate(self) -> None:
        conn = self._connection()
        version = schema.user_version(conn)
        if version > schema.LATEST:
            raise StoreError("这个数据文件是更新版本的备案程序创建的。请先升级本程序，再打开它。")
        if version == schema.LATEST:
            return
        if self.read_only:
            raise StoreFull(READ_ONLY_MESSAGE)
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

    def _daily_backup(self) -> None:
        try:
            self.backup_if_due()
        except StoreError as exc:
            self.backup_error = f"今天的自动备份没有完成：{exc}"

    def close(self) -> None:
        with self._lock:
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
        with self._lock:
            conn = self._connection()
            folder = self.data_dir / backup_files.BACKUP_DIR
            try:
                path = backup_files.write_backup(conn, folder, self._clock())
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

    # --- plumbing -----------------------------------------------------------------------

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            raise StoreError("数据文件已经关闭。")
        return self._conn

    @contextlib.contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One transaction; on any failure it is rolled back and the error translated."""
        with self._lock:
            conn = self._connection()
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

    def _read(self, sql: str, params: Any = ()) -> list[tuple]:
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
    def _next_seq(conn: sqlite3.Connection) -> int:
        return conn.execute("SELECT coalesce(max(seq), 0) + 1 FROM filings").fetchone()[0]

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
            (filing_id, revision, at, kind, _dumps(detail or {})),
        )

    @staticmethod
    def _fetch(conn: sqlite3.Connection, filing_id: str) -> FilingRow | None:
        r = conn.execute(
            f"SELECT {_FILING_COLUMNS} FROM filings WHERE id = ?", (filing_id,)
        ).fetchone()
        return _filing_row(r) if r else None

    def _require(self, conn: sqlite3.Connection, filing_id: str) -> FilingRow:
        row = self._fetch(conn, filing_id)
        if row is None:
            raise StoreError("没有找到这份备案表，可能已被删除或数据文件已更换。")
        return row

    def _write_content(
        self,
        conn: sqlite3.Connection,
        filing_id: str,
        filing: dict[str, Any],
        status: str,
        at: str,
        receipt: str | None,
    ) -> None:
        """Store the filing JSON, its summary columns and search text; bump the order."""
        cols = search.summary(filing)
        conn.execute(
            """UPDATE filings SET filing = ?, status = ?, updated_at = ?, seq = ?, kind = ?,
                   enterprise = ?, uscc = ?, lead_unit = ?, inspection_start = ?,
                   inspection_date = ?, search_text = ?
               WHERE id = ?""",
            (
                _dumps(filing),
                status,
                at,
                self._next_seq(conn),
                cols["kind"],
                cols["enterprise"],
                cols["uscc"],
                cols["lead_unit"],
                cols["inspection_start"],
                cols["inspection_date"],
                search.search_text(filing, receipt),
                filing_id,
            ),
        )

    def _set_status(
        self, conn: sqlite3.Connection, filing_id: str, at: str, **columns: Any
    ) -> None:
        names = ", ".join(f"{k} = ?" for k in columns)
        conn.execute(
            f"UPDATE filings SET {names}, updated_at = ?, seq = ? WHERE id = ?",
            (*columns.values(), at, self._next_seq(conn), filing_id),
        )

    # --- filings ------------------------------------------------------------------------

    def create_filing(self, filing: dict[str, Any]) -> FilingRow:
        if not isinstance(filing, dict):
            raise TypeError("a filing is a dict")
        filing = copy.deepcopy(filing)
        filing_id = filing.get("id")
        if not isinstance(filing_id, str) or not filing_id.strip():
            filing_id = str(uuid.uuid4())
        revision = filing.get("revision")
        if not isinstance(revision, int) or isinstance(revision, bool) or revision < 1:
            revision = 1
        filing.update(id=filing_id, revision=revision)
        with self._write() as conn:
            self._insert(conn, filing, self._stamp())
            return self._require(conn, filing_id)

    def _insert(
        self,
        conn: sqlite3.Connection,
        filing: dict[str, Any],
        at: str,
        detail: dict[str, Any] | None = None,
    ) -> None:
        filing_id, revision = filing["id"], filing["revision"]
        if conn.execute("SELECT 1 FROM filings WHERE id = ?", (filing_id,)).fetchone():
            raise StoreError(f"已经有编号相同的备案表（{filing_id}），不能重复创建。")
        conn.execute(
            """INSERT INTO filings (id, revision, status, filing, created_at, updated_at, seq)
               VALUES (?, ?, ?, '{}', ?, ?, 0)""",
            (filing_id, revision, DRAFT, at, at),
        )
        self._write_content(conn, filing_id, filing, DRAFT, at, None)
        self._event(conn, filing_id, revision, at, "created", detail)

    def save_draft(self, filing_id: str, filing: dict[str, Any], *, has_errors: bool) -> FilingRow:
        if isinstance(filing.get("id"), str) and filing["id"] != filing_id:
            raise ValueError("the filing's id differs from filing_id")
        with self._write() as conn:
            row = self._require(conn, filing_id)
            if not row.editable:
                raise _not_editable(row.status, row.revision)
            content = dict(filing)
            content.update(id=filing_id, revision=row.revision)
            status = DRAFT if has_errors else READY
            if content == row.filing and status == row.status:
                return row  # nothing changed: no write, no fsync
            at_dt = self._now()
            at = format_timestamp(at_dt)
            self._write_content(conn, filing_id, content, status, at, row.receipt)
            if content != row.filing and not self._continues_editing(conn, row, at_dt):
                self._event(conn, filing_id, row.revision, at, "edited")
            return self._require(conn, filing_id)

    @staticmethod
    def _continues_editing(conn: sqlite3.Connection, row: FilingRow, at: datetime) -> bool:
        last = conn.execute(
            "SELECT kind FROM events WHERE filing_id = ? ORDER BY seq DESC LIMIT 1", (row.id,)
        ).fetchone()
        if last is None or last[0] != "edited":
            return False
        try:
            since = at - parse_timestamp(row.updated_at)
        except BadTimestamp:
            return False
        return timedelta(0) <= since < COALESCE_EDITS

    def get(self, filing_id: str) -> FilingRow | None:
        rows = self._read(f"SELECT {_FILING_COLUMNS} FROM filings WHERE id = ?", (filing_id,))
        return _filing_row(rows[0]) if rows else None

    def get_revision(self, filing_id: str, revision: int) -> dict[str, Any] | None:
        """The content of a revision as it was queued (and sent), or None."""
        rows = self._read(
            "SELECT filing FROM revisions WHERE filing_id = ? AND revision = ?",
            (filing_id, revision),
        )
        return json.loads(rows[0][0]) if rows else None

    def list_filings(self, query: ListQuery) -> list[FilingSummary]:
        where, params = search.where(query)
        limit = max(0, min(int(query.limit), 10_000))
        offset = max(0, int(query.offset))
        rows = self._read(
            f"SELECT {_SUMMARY_COLUMNS} FROM filings{where}{search.order_by(query)}"
            " LIMIT ? OFFSET ?",
            (*params, limit, offset),
        )
        return [FilingSummary(*r) for r in rows]

    def count_filings(self, query: ListQuery) -> int:
        where, params = search.where(query)
        return self._read(f"SELECT count(*) FROM filings{where}", params)[0][0]

    def counts_by_status(self) -> dict[str, int]:
        counts = dict.fromkeys(STATUSES, 0)
        for status, n in self._read("SELECT status, count(*) FROM filings GROUP BY status"):
            counts[status] = n
        return counts

    def history(self, filing_id: str) -> list[Event]:
        rows = self._read(
            "SELECT at, kind, revision, detail FROM events WHERE filing_id = ? ORDER BY seq",
            (filing_id,),
        )
        return [Event(at, kind, rev, json.loads(detail)) for at, kind, rev, detail in rows]

    def record_event(self, filing_id: str, kind: str, detail: dict[str, Any] | None = None) -> None:
        if kind not in EVENT_KINDS:
            raise ValueError(f"unknown event kind: {kind}")
        with self._write() as conn:
            row = self._require(conn, filing_id)
            self._event(conn, filing_id, row.revision, self._stamp(), kind, detail)

    def new_similar(self, filing_id: str) -> FilingRow:
        """A new draft (new id, revision 1) with the content of ``filing_id``; the
        inspection times and the head's opinion are left blank for the new inspection."""
        with self._write() as conn:
            source = self._require(conn, filing_id)
            filing = copy.deepcopy(source.filing)
            new_id = str(uuid.uuid4())
            filing.update(id=new_id, revision=1)
            for key in ("inspection_start", "inspection_end", "head_opinion"):
                if key in filing:
                    filing[key] = ""
            self._insert(conn, filing, self._stamp(), {"from": filing_id})
            return self._require(conn, new_id)

    def new_revision(self, filing_id: str) -> FilingRow:
        with self._write() as conn:
            row = self._require(conn, filing_id)
            if row.status != RETURNED:
                raise NotEditable("只有被退回的备案表才能修改后重新提交（生成新版本）。")
            self._revise(conn, row, self._stamp())
            return self._require(conn, filing_id)

    def _revise(self, conn: sqlite3.Connection, row: FilingRow, at: str) -> int:
        revision = row.revision + 1
        filing = copy.deepcopy(row.filing)
        filing["revision"] = revision
        conn.execute(
            "UPDATE filings SET revision = ?, receipt = NULL, last_error = NULL WHERE id = ?",
            (revision, row.id),
        )
        self._write_content(conn, row.id, filing, DRAFT, at, None)
        self._event(conn, row.id, revision, at, "revised", {"from_revision": row.revision})
        return revision

    # --- outbox -------------------------------------------------------------------------

    def queue(self, filing_id: str, filing: dict[str, Any] | None = None) -> FilingRow:
        """READY → QUEUED (see the api). With ``filing`` (checked by the caller: no
        errors), that content is queued: a new filing is created, a READY/DRAFT one is
        overwritten, a queued one not yet attempted has its queued revision replaced,
        and a returned one gets revision n+1 when ``filing`` carries that number."""
        if filing is not None and filing.get("id", filing_id) != filing_id:
            raise ValueError("the filing's id differs from filing_id")
        with self._write() as conn:
            at = self._stamp()
            row = self._fetch(conn, filing_id)
            if row is None:
                if filing is None:
                    raise StoreError("没有找到这份备案表，可能已被删除或数据文件已更换。")
                content = copy.deepcopy(filing)
                content["id"] = filing_id
                if not isinstance(content.get("revision"), int) or content["revision"] < 1:
                    content["revision"] = 1
                self._insert(conn, content, at)
                row = self._require(conn, filing_id)
            if row.status == SENT:
                raise AlreadySent(
                    f"这份备案表（第 {row.revision} 版）已经备案"
                    + (f"（回执 {row.receipt}）" if row.receipt else "")
                    + "，不会再提交第二份。"
                )
            wanted = filing.get("revision") if filing is not None else None
            if row.status == RETURNED:
                if filing is None or wanted != row.revision + 1:
                    raise _not_editable(RETURNED, row.revision)
                self._revise(conn, row, at)
                row = self._require(conn, filing_id)
            elif filing is not None and wanted not in (None, row.revision):
                raise NotEditable(
                    f"文件中的备案表是第 {wanted} 版，本机保存的是第 {row.revision} 版，"
                    "不能用它替换。"
                )
            if row.status == DRAFT and filing is None:
                raise NotEditable("这份备案表还有错误，不能提交。请先改正所有错误。")
            content = row.filing
            if filing is not None:
                content = copy.deepcopy(filing)
                content.update(id=filing_id, revision=row.revision)
            if row.status == QUEUED:
                self._requeue(conn, row, content, at, replace=filing is not None)
            else:
                self._enqueue(conn, row, content, at)
            return self._require(conn, filing_id)

    def _enqueue(
        self, conn: sqlite3.Connection, row: FilingRow, content: dict[str, Any], at: str
    ) -> None:
        digest = content_digest(content)
        held = conn.execute(
            "SELECT sent_at FROM revisions WHERE filing_id = ? AND revision = ?",
            (row.id, row.revision),
        ).fetchone()
        if held and held[0]:
            raise AlreadySent(f"这份备案表（第 {row.revision} 版）已经备案，不会再提交第二份。")
        conn.execute(
            """INSERT INTO revisions (filing_id, revision, filing, digest, queued_at)
               VALUES (?, ?, ?, ?, ?)
               ON CONFLICT (filing_id, revision) DO UPDATE SET
                   filing = excluded.filing, digest = excluded.digest,
                   queued_at = excluded.queued_at""",
            (row.id, row.revision, _dumps(content), digest, at),
        )
        position = conn.execute("SELECT coalesce(max(position), 0) + 1 FROM outbox").fetchone()[0]
        conn.execute(
            "INSERT INTO outbox (filing_id, revision, queued_at, position) VALUES (?, ?, ?, ?)",
            (row.id, row.revision, at, position),
        )
        self._write_content(conn, row.id, content, QUEUED, at, row.receipt)
        conn.execute("UPDATE filings SET last_error = NULL WHERE id = ?", (row.id,))
        self._event(conn, row.id, row.revision, at, "queued", {"digest": digest})

    def _requeue(
        self,
        conn: sqlite3.Connection,
        row: FilingRow,
        content: dict[str, Any],
        at: str,
        *,
        replace: bool,
    ) -> None:
        attempts, permanent = conn.execute(
            "SELECT attempts, permanent FROM outbox WHERE filing_id = ?", (row.id,)
        ).fetchone()
        queued = self.get_revision_in(conn, row.id, row.revision)
        if replace and content == queued:
            replace = False  # the same content again: nothing to replace
        if not replace:
            if permanent:  # queued again after a refusal: try once more
                conn.execute(
                    "UPDATE outbox SET permanent = 0, next_try_at = NULL WHERE filing_id = ?",
                    (row.id,),
                )
                self._event(conn, row.id, row.revision, at, "queued", {"retry": True})
            return
        if attempts and not permanent:
            raise NotEditable(
                f"这份备案表已开始发送（已尝试 {attempts} 次），可能已到达备案部门，"
                "现在不能替换。请等待发送结果。"
            )
        digest = content_digest(content)
        conn.execute(
            "UPDATE revisions SET filing = ?, digest = ?, queued_at = ? "
            "WHERE filing_id = ? AND revision = ?",
            (_dumps(content), digest, at, row.id, row.revision),
        )
        conn.execute(
            """UPDATE outbox SET attempts = 0, permanent = 0, next_try_at = NULL,
                   last_error = NULL, last_attempt_at = NULL WHERE filing_id = ?""",
            (row.id,),
        )
        self._write_content(conn, row.id, content, QUEUED, at, row.receipt)
        conn.execute("UPDATE filings SET last_error = NULL WHERE id = ?", (row.id,))
        self._event(conn, row.id, row.revision, at, "queued", {"digest": digest, "replaced": True})

    @staticmethod
    def get_revision_in(conn: sqlite3.Connection, filing_id: str, revision: int) -> Any:
        r = conn.execute(
            "SELECT filing FROM revisions WHERE filing_id = ? AND revision = ?",
            (filing_id, revision),
        ).fetchone()
        return json.loads(r[0]) if r else None

    def unqueue(self, filing_id: str) -> FilingRow:
        with self._write() as conn:
            row = self._require(conn, filing_id)
            if row.status != QUEUED:
                raise NotEditable("这份备案表不在待发送队列中。")
            attempts, permanent = conn.execute(
                "SELECT attempts, permanent FROM outbox WHERE filing_id = ?", (filing_id,)
            ).fetchone()
            if attempts and not permanent:
                raise NotEditable(
                    "这份备案表已开始发送，可能已到达备案部门，不能撤回。请等待发送结果。"
                )
            at = self._stamp()
            conn.execute("DELETE FROM outbox WHERE filing_id = ?", (filing_id,))
            self._set_status(conn, filing_id, at, status=READY)
            self._event(conn, filing_id, row.revision, at, "unqueued")
            return self._require(conn, filing_id)

    def outbox(self, *, due_only: bool = False) -> list[OutboxItem]:
        sql = """SELECT o.filing_id, o.revision, r.filing, o.queued_at, o.attempts,
                        o.next_try_at, o.last_error, o.permanent
                 FROM outbox o JOIN revisions r
                   ON r.filing_id = o.filing_id AND r.revision = o.revision"""
        params: tuple = ()
        if due_only:
            current = self._now()
            sql += """ WHERE o.permanent = 0 AND (o.next_try_at IS NULL OR o.next_try_at <= ?
                                                  OR o.next_try_at > ?)"""
            params = (
                format_timestamp(current),
                format_timestamp(current + FUTURE_RETRY_LIMIT),
            )
        rows = self._read(sql + " ORDER BY o.position", params)
        return [
            OutboxItem(
                id=r[0],
                revision=r[1],
                filing=json.loads(r[2]),
                queued_at=r[3],
                attempts=r[4],
                next_try_at=r[5],
                last_error=r[6],
                permanent=bool(r[7]),
            )
            for r in rows
        ]

    def _outbox_revision(self, conn: sqlite3.Connection, filing_id: str) -> tuple | None:
        return conn.execute(
            "SELECT revision, attempts, permanent FROM outbox WHERE filing_id = ?", (filing_id,)
        ).fetchone()

    def mark_attempt(self, filing_id: str, revision: int) -> None:
        with self._write() as conn:
            held = self._outbox_revision(conn, filing_id)
            if held is None or held[0] != revision:
                raise StoreError(f"这份备案表（第 {revision} 版）不在待发送队列中，不能发送。")
            at = self._stamp()
            conn.execute(
                "UPDATE outbox SET attempts = attempts + 1, last_attempt_at = ? "
                "WHERE filing_id = ?",
                (at, filing_id),
            )
            self._event(conn, filing_id, revision, at, "attempt", {"attempt": held[1] + 1})

    def mark_sent(self, filing_id: str, revision: int, receipt: dict[str, Any]) -> None:
        """The office's receipt for ``revision``. Idempotent: a receipt seen twice (the
        reply and the changes feed) is recorded once."""
        number = receipt.get("receipt") if isinstance(receipt, dict) else None
        with self._write() as conn:
            row = self._require(conn, filing_id)
            at = self._stamp()
            if not self._hold_revision(conn, row, revision, at, receipt):
                return
            if row.revision == revision and row.status == RETURNED:
                conn.execute("UPDATE filings SET receipt = ? WHERE id = ?", (number, filing_id))
            elif row.revision == revision:
                conn.execute("DELETE FROM outbox WHERE filing_id = ?", (filing_id,))
                conn.execute(
                    "UPDATE filings SET receipt = ?, last_error = NULL, return_reason = NULL "
                    "WHERE id = ?",
                    (number, filing_id),
                )
                self._write_content(conn, filing_id, row.filing, SENT, at, number)
            self._event(conn, filing_id, revision, at, "sent", receipt)

    def _hold_revision(
        self,
        conn: sqlite3.Connection,
        row: FilingRow,
        revision: int,
        at: str,
        receipt: dict[str, Any] | None,
    ) -> bool:
        """Mark ``revision`` as held by the office; False if it already was."""
        held = conn.execute(
            "SELECT sent_at, receipt FROM revisions WHERE filing_id = ? AND revision = ?",
            (row.id, revision),
        ).fetchone()
        if held is None:
            if row.revision != revision:
                raise StoreError(f"本机没有这份备案表的第 {revision} 版。")
            # The office holds a revision this store never queued (restored from an
            # older backup): keep the content we have, marked as the office's.
            conn.execute(
                """INSERT INTO revisions (filing_id, revision, filing, digest, queued_at,
                                          sent_at, receipt) VALUES (?, ?, ?, ?, ?, ?, ?)""",
                (
                    row.id,
                    revision,
                    _dumps(row.filing),
                    content_digest(row.filing),
                    at,
                    at,
                    _dumps(receipt) if receipt else None,
                ),
            )
            return True
        if held[0] is not None:
            # Known already; but a return may have come first and the receipt only now.
            return bool(receipt) and held[1] is None
        conn.execute(
            "UPDATE revisions SET sent_at = ?, receipt = ? WHERE filing_id = ? AND revision = ?",
            (at, _dumps(receipt) if receipt else None, row.id, revision),
        )
        return True

    def mark_failed(
        self,
        filing_id: str,
        revision: int,
        error: str,
        *,
        next_try_at: str | None,
        permanent: bool,
    ) -> None:
        retry = None
        if next_try_at:
            retry = format_timestamp(parse_timestamp(next_try_at))
        with self._write() as conn:
            held = self._outbox_revision(conn, filing_id)
            if held is None or held[0] != revision:
                return  # no longer waiting (a receipt arrived meanwhile): nothing to record
            at = self._stamp()
            conn.execute(
                "UPDATE outbox SET last_error = ?, next_try_at = ?, permanent = ? "
                "WHERE filing_id = ?",
                (error, retry, int(permanent), filing_id),
            )
            conn.execute("UPDATE filings SET last_error = ? WHERE id = ?", (error, filing_id))
            self._event(
                conn,
                filing_id,
                revision,
                at,
                "failed",
                {"error": error, "next_try_at": retry, "permanent": permanent},
            )

    def mark_returned(self, filing_id: str, revision: int, reason: str, at: str) -> None:
        try:
            when = format_timestamp(parse_timestamp(at))
        except BadTimestamp:
            when = self._stamp()
        with self._write() as conn:
            row = self._require(conn, filing_id)
            seen = conn.execute(
                "SELECT 1 FROM events WHERE filing_id = ? AND revision = ? AND kind = 'returned'"
                " AND detail = ?",
                (filing_id, revision, _dumps({"reason": reason, "at": when})),
            ).fetchone()
            if seen:
                return
            stamp = self._stamp()
            self._hold_revision(conn, row, revision, stamp, None)
            if row.revision == revision:
                conn.execute("DELETE FROM outbox WHERE filing_id = ?", (filing_id,))
                conn.execute(
                    "UPDATE filings SET return_reason = ?, last_error = NULL WHERE id = ?",
                    (reason, filing_id),
                )
                self._set_status(conn, filing_id, stamp, status=RETURNED)
            detail = {"reason": reason, "at": when}
            self._event(conn, filing_id, revision, stamp, "returned", detail)

    # --- settings and reference data ----------------------------------------------------

    def get_meta(self, key: str, default: Any = None) -> Any:
        rows = self._read("SELECT value FROM meta WHERE key = ?", (key,))
        return json.loads(rows[0][0]) if rows else default

    def set_meta(self, key: str, value: Any) -> None:
        text = _dumps(value)
        with self._write() as conn:
            conn.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, text),
            )

    def profile(self) -> UnitProfile:
        rows = self._read("SELECT data FROM profile WHERE id = 1")
        if not rows:
            return UnitProfile()
        data = json.loads(rows[0][0])
        return UnitProfile(
            unit_name=str(data.get("unit_name", "")),
            joint_units=[str(u) for u in data.get("joint_units", [])],
            default_leader={str(k): str(v) for k, v in data.get("default_leader", {}).items()},
        )

    def save_profile(self, profile: UnitProfile) -> None:
        text = _dumps(dataclasses.asdict(profile))
        with self._write() as conn:
            conn.execute(
                "INSERT INTO profile (id, data) VALUES (1, ?) "
                "ON CONFLICT (id) DO UPDATE SET data = excluded.data",
                (text,),
            )

    def replace_roster(self, officers: list[Officer]) -> None:
        rows: dict[str, dict[str, Any]] = {}
        for o in officers:
            cert_no = normalize.code(o.cert_no)
            name = normalize.person_name(o.name)
            if not cert_no or not name or cert_no in rows:
                continue
            rows[cert_no] = {
                "cert_no": cert_no,
                "name": name,
                "title": normalize.single_line(o.title or ""),
                "unit": normalize.single_line(o.unit or ""),
                "kind": normalize.single_line(o.kind or ""),
                "expires": o.expires.isoformat() if o.expires else None,
                "position": len(rows),
            }
        with self._write() as conn:
            conn.execute("DELETE FROM officers")
            self._db["officers"].insert_all(rows.values())
            conn.execute(
                "INSERT INTO meta (key, value) VALUES ('roster_updated_at', ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (_dumps(self._stamp()),),
            )

    def officers(self) -> list[Officer]:
        rows = self._read(
            "SELECT name, cert_no, title, unit, kind, expires FROM officers ORDER BY position"
        )
        return [
            Officer(name, cert_no, title, unit, kind, date.fromisoformat(exp) if exp else None)
            for name, cert_no, title, unit, kind, exp in rows
        ]

    def roster(self) -> Roster:
        return Roster(self.officers())

    def upsert_enterprises(self, enterprises: list[Enterprise]) -> int:
        rows: dict[str, dict[str, Any]] = {}
        at = self._stamp()
        for e in enterprises:
            name = normalize.single_line(e.name or "")
            if not name:
                continue
            code = normalize.uscc(e.uscc or "")
            key = code or f"name:{name}"
            rows[key] = {
                "key": key,
                "name": name,
                "uscc": code,
                "address": normalize.single_line(e.address or ""),
                "park": normalize.single_line(e.park or ""),
                "updated_at": at,
            }
        with self._write():
            if rows:
                self._db["enterprises"].upsert_all(rows.values(), pk="key")
        return len(rows)

    def find_enterprises(self, text: str, limit: int = 20) -> list[Enterprise]:
        """Autocomplete: exact matches, then names or credit codes starting with
        ``text``, then names containing it."""
        word = normalize.single_line(text or "")
        if not word:
            return []
        code = normalize.uscc(word)
        like = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        code_like = code.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        rows = self._read(
            """SELECT name, uscc, address, park,
                      CASE WHEN name = :word OR (uscc != '' AND uscc = :code) THEN 0
                           WHEN name LIKE :prefix ESCAPE '\\'
                                OR (:code != '' AND uscc LIKE :code_prefix ESCAPE '\\') THEN 1
                           ELSE 2 END AS rank
               FROM enterprises
               WHERE name LIKE :inner ESCAPE '\\'
                  OR (:code != '' AND uscc LIKE :code_prefix ESCAPE '\\')
               ORDER BY rank, name LIMIT :limit""",
            {
                "word": word,
                "code": code,
                "prefix": like + "%",
                "inner": "%" + like + "%",
                "code_prefix": code_like + "%",
                "limit": max(1, min(int(limit), 500)),
            },
        )
        return [Enterprise(name, uscc, address, park) for name, uscc, address, park, _ in rows]

    def enterprise_count(self) -> int:
        return self._read("SELECT count(*) FROM enterprises")[0][0]

    def save_reference(self, reference: dict[str, Any]) -> None:
        """Store the office's reference data; refuses (StoreError) what it cannot use."""
        problem = _reference_problem(reference)
        if problem:
            raise StoreError(f"备案部门发来的参考数据无法使用（{problem}），已保留原有的参考数据。")
        self.set_meta("reference", reference)

    def reference(self) -> dict[str, Any]:
        value = self.get_meta("reference", {})
        return value if isinstance(value, dict) else {}

    def validation_context(self) -> dict[str, Any]:
        reference = self.reference()
        cert_rules = default_cert_rules()
        if isinstance(reference.get("cert_rules"), dict):
            with contextlib.suppress(KeyError, TypeError, ValueError, AttributeError):
                cert_rules = CertRules.from_dict(reference["cert_rules"])
        calendar = WorkCalendar()
        if isinstance(reference.get("calendar"), dict):
            with contextlib.suppress(KeyError, TypeError, ValueError, AttributeError):
                calendar.extend(reference["calendar"])
        roster = self.roster()
        return {
            "roster": roster if len(roster) else None,
            "cert_rules": cert_rules,
            "calendar": calendar,
        }


def _reference_problem(reference: Any) -> str | None:
    if not isinstance(reference, dict):
        return "不是 JSON 对象"
    if "cert_rules" in reference:
        try:
            CertRules.from_dict(reference["cert_rules"])
        except (KeyError, TypeError, ValueError, AttributeError):
            return "证件号规则格式不对"
    if "calendar" in reference:
        try:
            WorkCalendar().extend(reference["calendar"])
        except (KeyError, TypeError, ValueError, AttributeError):
            return "节假日安排格式不对"
    return None


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
