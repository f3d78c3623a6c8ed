"""Alembic migrations of the office store, shipped inside the package.

They run from a source checkout, an installed wheel and the PyInstaller bundle alike
(the spec collects this folder's files): ``script_location`` is this folder, and the
connection is the store's own, so there is no ``alembic.ini`` to find.

Revisions:

- ``0001`` the single-office release (one SQLite file, ``PRAGMA user_version = 1``);
  such a database has no ``alembic_version`` table and is recognised by its tables;
- ``0002`` offices (市县两级), units, receipt series per office, staff users, sessions,
  login attempts and the audit table.

A new database is created from ``office.tables`` and stamped with the head revision;
``tests/office/test_migrations.py`` checks that a migrated one has the same tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import Connection, inspect

from office.errors import OfficeError

if TYPE_CHECKING:
    from office.store import OfficeStore

HERE = Path(__file__).resolve().parent
SINGLE_OFFICE = "0001"
OUR_TABLES = {"alembic_version", "offices", "tokens", "filings"}


@dataclass(frozen=True)
class SchemaState:
    current: str | None  # None: no schema at all
    head: str
    newer: bool  # made by a newer program (a revision this one does not know)

    @property
    def empty(self) -> bool:
        return self.current is None and not self.newer

    @property
    def behind(self) -> bool:
        return self.current is not None and not self.newer and self.current != self.head


def _config(conn: Connection | None = None, **attributes: object) -> Config:
    config = Config()
    config.set_main_option("script_location", str(HERE))
    config.attributes["connection"] = conn
    config.attributes.update(attributes)
    return config


def script() -> ScriptDirectory:
    return ScriptDirectory.from_config(_config())


def head() -> str:
    current = script().get_current_head()
    assert current is not None
    return current


def state(conn: Connection) -> SchemaState:
    """Which revision the database at ``conn`` is at, compared with this program's."""
    names = set(inspect(conn).get_table_names())
    top = head()
    if conn.dialect.name == "sqlite":
        user_version = conn.exec_driver_sql("PRAGMA user_version").scalar_one()
        from office.store import SQLITE_USER_VERSION

        if user_version > SQLITE_USER_VERSION:
            return SchemaState(str(user_version), top, newer=True)
    if "alembic_version" in names:
        current = MigrationContext.configure(conn).get_current_revision()
        if current is None:
            return SchemaState(None, top, newer=False)
        try:
            script().get_revision(current)
        except CommandError:
            return SchemaState(current, top, newer=True)
        return SchemaState(current, top, newer=False)
    if "tokens" in names and "filings" in names:
        return SchemaState(SINGLE_OFFICE, top, newer=False)
    if names & OUR_TABLES:
        raise OfficeError("数据库中的表不完整，不是 beian-office 的数据库。")
    return SchemaState(None, top, newer=False)


def stamp_head(conn: Connection) -> None:
    """Record that ``conn``'s database is at the head revision (a new database)."""
    command.stamp(_config(conn), "head")


def upgrade(
    store: OfficeStore, single_office: dict[str, str] | None = None
) -> tuple[str | None, str]:
    """Upgrade the store's schema to the head revision in one transaction; returns
    (from, to). A database of the single-office release is stamped ``0001`` first;
    ``single_office`` (``code``, ``name``, ``prefix``) names its office when it was not
    430300 湘潭市 潭优备."""
    from office.store import SQLITE_USER_VERSION, migration_engine

    engine = migration_engine(store)
    try:
        with engine.connect().execution_options(beian_write=True) as conn, conn.begin():
            if conn.dialect.name == "postgresql":  # one migrating program at a time
                from sqlalchemy import text

                from office.store import SCHEMA_LOCK

                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SCHEMA_LOCK})
            before = state(conn)
            if before.newer:
                raise OfficeError(f"数据库 {store.target} 由更新版本的 beian-office 创建。")
            if before.empty:
                return None, before.head
            names = set(inspect(conn).get_table_names())
            if "alembic_version" not in names:
                command.stamp(_config(conn), SINGLE_OFFICE)
            command.upgrade(_config(conn, single_office=single_office), "head")
            if conn.dialect.name == "sqlite":
                broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise OfficeError(f"升级后数据不一致（{len(broken)} 处外键问题），已撤销。")
                conn.exec_driver_sql(f"PRAGMA user_version = {SQLITE_USER_VERSION}")
            return before.current, before.head
    finally:
        engine.dispose()
