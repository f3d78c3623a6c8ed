"""A real PostgreSQL server for tests: Debian's package, started by the tests.

PostgreSQL refuses to run as root, so when the tests run as root (CI) the server runs as
the ``postgres`` user through ``runuser``; otherwise as the current user. Its data
folder, log and unix socket live in a temporary folder (owned by that user), it listens
on 127.0.0.1 on a free port with trust authentication, and it is stopped and removed at
the end of the session. Each office gets a database of its own
(``create_database()``), so tests never see each other's rows.

    from tests.support.postgres import postgres  # noqa: F401 (a session fixture)

Durability settings are off (``fsync``, ``synchronous_commit``): the tests check the
office's decisions, not the disk's; the SQLite tests keep the real settings.
"""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.office import free_port

_names = itertools.count(1)


def _bindir() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]))
    if not found:
        raise AssertionError(
            "PostgreSQL is not installed (apt-get install postgresql): the office's tests "
            "run on it as well as on SQLite"
        )
    return Path(found[-1])


class PostgresServer:
    def __init__(self, *, durable: bool = False) -> None:
        self.durable = durable  # bench/: the real settings; tests: fsync off
        self.bin = _bindir()
        self.root = Path(tempfile.mkdtemp(prefix="beian-pg-"))
        self.data = self.root / "data"
        self.socket_dir = self.root / "sock"
        self.socket_dir.mkdir()
        self.log = self.root / "postgres.log"
        self.port = 0
        self.as_user: list[str] = []
        if os.geteuid() == 0:
            self.as_user = ["runuser", "-u", "postgres", "--"]
            shutil.chown(self.root, "postgres", "postgres")
            shutil.chown(self.socket_dir, "postgres", "postgres")
        os.chmod(self.root, 0o700)

    def _run(self, *command: str, timeout: float = 120) -> None:
        result = subprocess.run(
            [*self.as_user, *command], capture_output=True, text=True, timeout=timeout
        )
        if result.returncode != 0:
            log = self.log.read_text("utf-8", "replace") if self.log.exists() else ""
            raise AssertionError(
                f"{' '.join(command)} exited {result.returncode}\n{result.stdout}\n"
                f"{result.stderr}\n{log}"
            )

    def start(self) -> None:
        self._run(
            str(self.bin / "initdb"),
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--no-locale",
            "--no-sync",
        )
        for attempt in range(3):
            self.port = free_port()
            options = (
                f"-p {self.port} -k {self.socket_dir} -c listen_addresses=127.0.0.1 "
                "-c max_connections=300"
            )
            if not self.durable:
                options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
            try:
                self._run(
                    str(self.bin / "pg_ctl"),
                    "-D",
                    str(self.data),
                    "-l",
                    str(self.log),
                    "-o",
                    options,
                    "-w",
                    "-t",
                    "60",
                    "start",
                )
                return
            except AssertionError:
                if attempt == 2:
                    raise

    def stop(self) -> None:
        if self.data.exists():
            subprocess.run(
                [
                    *self.as_user,
                    str(self.bin / "pg_ctl"),
                    "-D",
                    str(self.data),
                    "-m",
                    "fast",
                    "-w",
                    "stop",
                ],
                capture_output=True,
                timeout=60,
            )
        shutil.rmtree(self.root, ignore_errors=True)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self) -> str:
        """A new empty database; returns its URL."""
        import psycopg

        name = f"office_{os.getpid()}_{next(_names)}"
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    server = PostgresServer()
    try:
        server.start()
        yield server
    finally:
        server.stop()
