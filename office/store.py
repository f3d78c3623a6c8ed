"""The office store: one interface over SQLite (embedded, the default) and PostgreSQL.

``--db`` is a SQLite file path or a ``postgresql://`` URL. Both go through SQLAlchemy
Core (``office.tables``) and the same queries; the schema is kept by Alembic migrations
shipped in ``office/migrations``.

Every change is one transaction (``store.write()``) that serialises against every other
writer of the same office before it reads what it decides on:

- SQLite: ``BEGIN IMMEDIATE`` takes the database's write lock up front, across
  processes (several ``serve`` workers, admin commands);
- PostgreSQL: the transaction locks the rows it decides on (``SELECT … FOR UPDATE`` on
  the office's receipt series, see ``office.receipts``), at READ COMMITTED, so each
  statement after the lock sees what the previous holder committed.

So checking what is held, taking a receipt number and storing the filing cannot
interleave with another submission, in one process or in several.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect, select, text
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.pool import NullPool

from forms.record import format_timestamp, now
from office import tables
from office.errors import OfficeError

# An old release of the office reads PRAGMA user_version and refuses anything above 1
# ("made by a newer program"): every database this release makes or migrates says 2.
SQLITE_USER_VERSION = 2
DEFAULT_OFFICE = {"code": "430300", "name": "湘潭市", "prefix": "潭优备"}
ENV_DB = "BEIAN_OFFICE_DB"
SCHEMA_LOCK = 0x6265_6961_6E  # "beian": PostgreSQL advisory lock for creating the schema
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# FULL, not NORMAL: with NORMAL a power cut can lose the last commits of the WAL, and
# with them receipts already handed to desks, whose numbers would be issued again. FULL
# syncs the WAL at every commit (bench/bench_office_durability.py measures the cost);
# only writes pay it, and the office writes rarely. Read when a connection is made.
SYNCHRONOUS = "FULL"

PROBE_BYTES = 16 * 1024
# SQLite's primary result codes for "database or disk is full" and "disk I/O error";
# PostgreSQL's SQLSTATEs for disk_full and io_error.
_SQLITE_FULL, _SQLITE_IOERR = 13, 10
_PG_DISK_STATES = ("53100", "58030")


class StoreUnwritable(OfficeError):  # noqa: N818 - a state, like OfficeError
    """The disk refuses the office's writes: nothing was stored, try again later."""

    def __init__(self) -> None:
        super().__init__(
            "办公室的数据库暂时无法写入（磁盘已满或出现故障），这次提交没有登记。"
            "请稍后重试；备案桌面程序会自动重发。"
        )


def is_disk_error(exc: BaseException) -> bool:
    """Whether a database error is the disk's: full, or a failed write (SQLite's result
    code, PostgreSQL's SQLSTATE; ``exc`` may be SQLAlchemy's wrapper or the driver's)."""
    original = getattr(exc, "orig", None) or exc
    code = getattr(original, "sqlite_errorcode", None)
    if isinstance(code, int) and code & 0xFF in (_SQLITE_FULL, _SQLITE_IOERR):
        return True
    if getattr(original, "sqlstate", None) in _PG_DISK_STATES:
        return True
    text_ = str(original)
    return "disk is full" in text_ or "disk I/O error" in text_


def is_url(target: str) -> bool:
    return "://" in target


def describe(target: str | Path) -> str:
    """The database named for a message: a path, or a URL without its password."""
    text_ = str(target)
    if not is_url(text_):
        return text_
    from sqlalchemy.engine import make_url

    try:
        return make_url(text_).render_as_string(hide_password=True)
    except Exception:  # a malformed URL: say only its scheme
        return text_.split("://", 1)[0] + "://…"


class OfficeStore:
    """The office database. Create with :meth:`open`."""

    def __init__(self, engine: Engine, target: str, path: Path | None):
        self.engine = engine
        self.target = target  # for messages: a path, or the URL without password
        self.path = path  # the SQLite file, None on PostgreSQL
        self.dialect = engine.dialect.name

    # --- opening ------------------------------------------------------------------------

    @classmethod
    def open(
        cls,
        target: str | Path,
        *,
        create: bool = True,
        migrate: bool = False,
        check_schema: bool = True,
        single_office: dict[str, str] | None = None,
    ) -> OfficeStore:
        """Open the store at ``target`` (a path or a ``postgresql://`` URL).

        ``create``: an empty database gets the schema (a missing SQLite file is made,
        owner-only); without it a missing or empty one is refused. ``migrate``: a
        schema that is behind is upgraded; otherwise, with ``check_schema``, refused.
        Raises OfficeError in Chinese."""
        given = str(target)
        if is_url(given):
            url = _postgresql_url(given)
            engine = _engine(url)
            store = cls(engine, describe(given), None)
        else:
            path = Path(given).expanduser().resolve()
            _ensure_file(path, create=create)
            engine = _engine(f"sqlite:///{path}")
            store = cls(engine, str(path), path)
        try:
            store._prepare(
                create=create,
                migrate=migrate,
                check_schema=check_schema,
                single_office=single_office,
            )
        except BaseException:
            engine.dispose()
            raise
        return store

    def _prepare(
        self,
        *,
        create: bool,
        migrate: bool,
        check_schema: bool,
        single_office: dict[str, str] | None = None,
    ) -> None:
        from office import migrations

        try:
            with self.engine.connect() as conn:
                state = migrations.state(conn)
                conn.rollback()
        except OperationalError as exc:
            raise OfficeError(f"无法连接数据库 {self.target}：{_reason(exc)}") from None
        except DBAPIError as exc:
            raise OfficeError(f"数据库 {self.target} 无法使用：{_reason(exc)}") from None
        if state.newer:
            raise OfficeError(
                f"数据库 {self.target} 由更新版本的 beian-office 创建"
                f"（结构版本 {state.current}），请升级本程序。"
            )
        if state.empty:
            if not create and not migrate:
                raise OfficeError(
                    f"数据库 {self.target} 中还没有备案数据（尚未建立结构）。"
                    "请先运行 beian-office migrate --db … 建立，或检查地址是否写错。"
                )
            self._create_schema()
        elif state.behind:
            if migrate:
                migrations.upgrade(self, single_office)
            elif check_schema:
                raise OfficeError(
                    f"数据库 {self.target} 的结构版本较旧（{state.current}，本程序需要 "
                    f"{state.head}）。请先备份数据库，再运行 beian-office migrate --db … 升级。"
                )

    def _create_schema(self) -> None:
        from office import migrations

        with self.write() as conn:
            # Two programs creating the same new database at once: the second finds the
            # schema made inside its own write transaction and leaves it alone (SQLite's
            # write lock; on PostgreSQL a transaction-scoped advisory lock).
            if self.dialect == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SCHEMA_LOCK})
            if inspect(conn).has_table("offices"):
                return
            tables.metadata.create_all(conn)
            migrations.stamp_head(conn)
            conn.execute(
                tables.offices.insert().values(
                    **DEFAULT_OFFICE, parent=None, created_at=format_timestamp(now())
                )
            )
            if self.dialect == "sqlite":
                conn.exec_driver_sql(f"PRAGMA user_version = {SQLITE_USER_VERSION}")

    # --- transactions -------------------------------------------------------------------

    @contextlib.contextmanager
    def read(self) -> Iterator[Connection]:
        """A connection for reading; each statement sees a committed state."""
        with self.engine.connect() as conn:
            try:
                yield conn
            finally:
                conn.rollback()

    @contextlib.contextmanager
    def write(self) -> Iterator[Connection]:
        """One transaction that serialises against other writers (see the module's
        docstring); committed on success, else rolled back.

        A write the disk refuses (full, or failing) raises :class:`StoreUnwritable`."""
        try:
            with self.engine.connect().execution_options(beian_write=True) as conn, conn.begin():
                yield conn
        except (DBAPIError, sqlite3.DatabaseError) as exc:
            if is_disk_error(exc):
                raise StoreUnwritable() from None
            raise

    # --- a full disk (kept apart: the store's engine may change, this promise does not) --

    def can_write(self) -> bool:
        """Whether the disk under the database takes a write now.

        SQLite writes a transaction's pages at commit, so a rolled-back probe proves
        nothing; instead a small file (a few WAL pages' worth) is written next to the
        database and removed. A full disk refuses it (ENOSPC), as does a file-size limit.
        PostgreSQL's disk is the database server's: a refused write there raises
        :class:`StoreUnwritable` from :meth:`write`, and this answers True."""
        if self.path is None:
            return True
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

    def dispose(self) -> None:
        self.engine.dispose()

    # --- backups ------------------------------------------------------------------------

    def backup(self, target: Path) -> None:
        """A consistent copy of the live SQLite database (online backup), checked whole.

        Safe while the server runs; the copy is owner-only and never overwrites a file.
        PostgreSQL is backed up with its own tools (pg_dump, base backups and WAL)."""
        if self.path is None:
            raise OfficeError(
                "PostgreSQL 数据库请用 pg_dump 或基础备份加 WAL 归档来备份（见 docs/office.md）。"
            )
        target = Path(target).expanduser()
        if not target.parent.is_dir():
            raise OfficeError(f"文件夹不存在：{target.parent}")
        try:
            os.close(os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        except FileExistsError:
            raise OfficeError(f"备份文件已存在，不会覆盖：{target}") from None
        except OSError as exc:
            raise OfficeError(f"无法创建备份文件 {target}：{exc.strerror}") from None
        source = sqlite3.connect(self.path, timeout=30)
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

    def ping(self) -> None:
        with self.read() as conn:
            conn.execute(select(1)).scalar_one()


def _ensure_file(path: Path, *, create: bool) -> None:
    if path.exists():
        return
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


def _postgresql_url(given: str) -> str:
    scheme, _, rest = given.partition("://")
    if scheme not in ("postgresql", "postgres", "postgresql+psycopg"):
        raise OfficeError(
            f"不支持的数据库地址“{scheme}://”：请给出 SQLite 文件路径或 postgresql:// 地址。"
        )
    return f"postgresql+psycopg://{rest}"


def _engine(url: str, *, foreign_keys: bool = True, pooled: bool = True) -> Engine:
    """An engine with the office's connection settings for its backend."""
    if url.startswith("sqlite"):
        # Connections are kept open in the pool: closing the last connection to a WAL
        # database checkpoints it and deletes the WAL, which cost most of a request's time.
        pool: dict[str, Any] = (
            {"pool_size": 8, "max_overflow": 56, "pool_timeout": 60}
            if pooled
            else {"poolclass": NullPool}
        )
        engine = create_engine(url, connect_args={"timeout": 30}, **pool)

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.isolation_level = None  # SQLAlchemy's BEGIN below, not the driver's
            dbapi_conn.execute(f"PRAGMA foreign_keys = {'ON' if foreign_keys else 'OFF'}")
            if dbapi_conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                mode = dbapi_conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
                if mode != "wal":
                    raise OfficeError("数据库无法启用 WAL 模式。")
            # FULL (SYNCHRONOUS): a receipt answered is on disk, even after a power cut.
            dbapi_conn.execute(f"PRAGMA synchronous = {SYNCHRONOUS}")

        @event.listens_for(engine, "begin")
        def _on_begin(conn: Connection) -> None:
            immediate = conn.get_execution_options().get("beian_write")
            conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

        return engine
    return create_engine(url, pool_size=5, max_overflow=20, pool_pre_ping=True, pool_timeout=60)


def migration_engine(store: OfficeStore) -> Engine:
    """An engine for migrations: on SQLite without foreign-key enforcement (tables are
    rebuilt under their references), on PostgreSQL the store's own settings."""
    if store.path is None:
        return create_engine(store.engine.url, poolclass=NullPool)
    return _engine(f"sqlite:///{store.path}", foreign_keys=False, pooled=False)


def _reason(exc: DBAPIError) -> str:
    original = exc.orig
    message = str(original).strip().splitlines()[0] if original is not None else str(exc)
    return message[:200]


def run_sql(conn: Connection, sql: str) -> Any:
    """A literal statement (migrations, tests); never with user input in ``sql``."""
    return conn.execute(text(sql))
