"""The real office intake service (``beian-office serve``) for tests, as a subprocess.

Start one, issue unit tokens through the real command line, talk to it over HTTP, stop
it cleanly::

    from tests.support.office import OfficeServer, valid_filing

    def test_something(tmp_path):
        with OfficeServer.start(tmp_path) as office:          # waits until /health answers
            token = office.create_token("湘潭市市场监督管理局")  # `beian-office token create`
            with office.client(token) as http:                 # httpx.Client on office.url
                r = http.post("/api/v1/filings", json=valid_filing())
                assert r.status_code == 201
            office.cli("return", r.json()["id"], "--reason", "请补充检查依据。")

Or use a fixture (import it into your test module or conftest.py)::

    from tests.support.office import office  # noqa: F401  (one server per test module)

What an ``OfficeServer`` offers:

- ``url`` (``http://127.0.0.1:PORT``), ``api_url`` (``url + "/api/v1"``), ``host``, ``port``
  (e.g. for a proxy in front of it), ``db`` (its SQLite file, or its PostgreSQL URL),
  ``backend`` (``"sqlite"`` or ``"postgresql"``), ``log_path`` (JSON lines:
  the server's and every ``cli()`` command's), ``workdir``;
- ``create_token(unit) -> str`` and ``revoke_tokens(unit)``: through the real CLI;
- ``cli(*args, check=True) -> CompletedProcess``: any ``beian-office`` subcommand on this
  server's database (``--db`` and ``--log-file`` are added), e.g.
  ``office.cli("filings", "--json")``; ``filings()`` parses that JSON for you;
- ``client(token=None, **httpx_kwargs) -> httpx.Client``: with ``base_url`` and the bearer
  header set;
- ``log_text()``, ``log_events()`` and ``wait_for_log(predicate, timeout=)``;
- ``stop()`` (SIGTERM, then kill after a deadline; returns the exit status) and
  ``restart()`` (same database, same port).

``office_cli(db, *args)`` runs a ``beian-office`` command on any database without a
server.

The ``office`` and ``office_server`` fixtures run on the backend named by the
``office_backend`` fixture: ``"sqlite"`` by default (tests/conftest.py); under
tests/office it is parametrised over ``sqlite`` and ``postgresql`` (a real PostgreSQL
server, ``tests.support.postgres``), so the office's suite runs on both.
``new_office_db(request, backend, workdir)`` gives a fresh database of either kind.

``valid_filing(unit, ...)`` builds a filing the office accepts now (a prior
filing for an inspection ``days_ahead`` days from now, with a fresh id);
``write_bundle(path, filings, unit)`` writes an offline bundle of them.

Nothing here sleeps for a fixed time: start-up polls ``/api/v1/health`` until a deadline.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.waiting import NotInTimeError, wait_until

REPO = Path(__file__).resolve().parents[2]
OFFICE_COMMAND = [sys.executable, "-m", "office"]
SHANGHAI = timezone(timedelta(hours=8))
DEFAULT_UNIT = "湘潭市市场监督管理局"
OTHER_UNIT = "湘潭市应急管理局"


def office_cli(
    db: Path | str,
    *args: str,
    log_file: Path | None = None,
    check: bool = True,
    timeout: float = 60,
    input: str | None = None,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run ``beian-office <args> --db DB [--log-file LOG]`` and capture its output
    (``input`` on its stdin, e.g. for ``--password-stdin``).

    With ``check`` a non-zero exit raises AssertionError showing stdout and stderr."""
    command = [*OFFICE_COMMAND, *args, "--db", str(db)]
    if log_file is not None:
        command += ["--log-file", str(log_file)]
    result = subprocess.run(
        command,
        cwd=REPO,
        env={**_env(), **(env or {})},
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
        input=input,
        stdin=None if input is not None else subprocess.DEVNULL,
    )
    if check and result.returncode != 0:
        raise AssertionError(
            f"beian-office {' '.join(args)} exited {result.returncode}\n"
            f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
        )
    return result


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH")) if p)
    env["PYTHONIOENCODING"] = "utf-8"
    return env


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


class OfficeServer:
    """A ``beian-office serve`` process on 127.0.0.1 with its own database in ``workdir``."""

    host = "127.0.0.1"

    def __init__(
        self,
        workdir: Path,
        *,
        extra_args: Sequence[str] = (),
        port: int | None = None,
        db: Path | str | None = None,
    ):
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.db: Path | str = db if db is not None else self.workdir / "office.db"
        self.backend = "postgresql" if str(self.db).startswith("postgresql://") else "sqlite"
        self.log_path = self.workdir / "office-log.jsonl"
        self.stderr_path = self.workdir / "office-stderr.txt"
        self.extra_args = list(extra_args)
        self.port = port or free_port()
        self.process: subprocess.Popen | None = None

    # --- life -------------------------------------------------------------------------

    @classmethod
    def start(
        cls,
        workdir: Path,
        *,
        extra_args: Sequence[str] = (),
        startup_timeout: float = 30,
        db: Path | str | None = None,
    ) -> OfficeServer:
        """Start a server (retrying on another port if the chosen one was taken meanwhile)
        and return once ``/api/v1/health`` answers 200."""
        for attempt in range(3):
            server = cls(workdir, extra_args=extra_args, db=db)
            try:
                server._launch(startup_timeout)
                return server
            except _PortTakenError:
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def _launch(self, startup_timeout: float) -> None:
        command = [
            *OFFICE_COMMAND,
            "serve",
            "--db",
            str(self.db),
            "--host",
            self.host,
            "--port",
            str(self.port),
            "--log-file",
            str(self.log_path),
            *self._key_args("serve"),
            *self.extra_args,
        ]
        with self.stderr_path.open("ab") as stderr:
            self.process = subprocess.Popen(
                command, cwd=REPO, env=_env(), stdout=subprocess.DEVNULL, stderr=stderr
            )
        with httpx.Client(timeout=2) as http:

            def answering() -> bool:
                assert self.process is not None
                if self.process.poll() is not None:
                    err = self.stderr_path.read_text("utf-8", errors="replace")
                    if "端口可能已被占用" in err:
                        raise _PortTakenError(err)
                    raise AssertionError(
                        f"beian-office serve exited {self.process.returncode} on start\n{err}"
                    )
                try:
                    return http.get(f"{self.url}/api/v1/health").status_code == 200
                except httpx.TransportError:
                    return False

            try:
                wait_until(answering, startup_timeout, "beian-office serve to answer")
            except NotInTimeError as exc:
                self.stop()
                raise AssertionError(
                    f"{exc}\n" + self.stderr_path.read_text("utf-8", errors="replace")
                ) from None

    def stop(self, timeout: float = 15) -> int | None:
        """SIGTERM (uvicorn shuts down gracefully), kill after ``timeout``; the exit status."""
        if self.process is None:
            return None
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout)
        code = self.process.returncode
        self.process = None
        return code

    def restart(self, startup_timeout: float = 30) -> None:
        """Stop and start again on the same database and port."""
        self.stop()
        self._launch(startup_timeout)

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def __enter__(self) -> OfficeServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- addresses --------------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def api_url(self) -> str:
        return f"{self.url}/api/v1"

    # --- the command line -------------------------------------------------------------

    def cli(
        self, *args: str, check: bool = True, input: str | None = None
    ) -> subprocess.CompletedProcess[str]:
        """``beian-office <args>`` on this server's database, logging to its log file."""
        args = (*args, *self._key_args(*args[:2]))
        return office_cli(self.db, *args, log_file=self.log_path, check=check, input=input)

    @property
    def signing_key(self) -> Path:
        """The office's signing key: beside a SQLite file by default; on PostgreSQL
        (no file to keep it beside) given with ``--signing-key``, here in ``workdir``."""
        if self.backend == "postgresql":
            return self.workdir / "office.signing-key"
        return Path(str(self.db) + ".signing-key")

    def _key_args(self, *command: str) -> list[str]:
        takes_key = command[:1] in (("serve",), ("export-changes",)) or command == ("key", "export")
        if self.backend == "postgresql" and takes_key:
            return ["--signing-key", str(self.signing_key)]
        return []

    def create_token(self, unit: str = DEFAULT_UNIT, office: str | None = None) -> str:
        """A new token for ``unit`` (the last line ``token create`` prints)."""
        where = ["--office", office] if office else []
        made = self.cli("token", "create", "--unit", unit, *where)
        return made.stdout.strip().splitlines()[-1]

    def revoke_tokens(self, unit: str) -> None:
        self.cli("token", "revoke", "--unit", unit)

    def filings(self) -> list[dict[str, Any]]:
        """``beian-office filings --json``, parsed."""
        return json.loads(self.cli("filings", "--json").stdout)

    # --- HTTP -------------------------------------------------------------------------

    def client(self, token: str | None = None, **kwargs: Any) -> httpx.Client:
        headers = dict(kwargs.pop("headers", {}))
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        kwargs.setdefault("timeout", 30)
        return httpx.Client(base_url=self.url, headers=headers, **kwargs)

    # --- logs -------------------------------------------------------------------------

    def log_text(self) -> str:
        return self.log_path.read_text("utf-8") if self.log_path.exists() else ""

    def log_events(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.log_text().splitlines() if line.strip()]

    def wait_for_log(
        self, predicate: Callable[[dict[str, Any]], bool], timeout: float = 10
    ) -> dict[str, Any]:
        """The first log event matching ``predicate``, polling until ``timeout``.

        The server logs a request after its answer has gone out, so a test that just
        got a response may have to wait a moment for that request's line."""

        def matching() -> dict[str, Any] | None:
            return next((e for e in self.log_events() if predicate(e)), None)

        return wait_until(matching, timeout, "a matching log event", interval=0.02)


class _PortTakenError(AssertionError):
    pass


def valid_filing(
    unit: str = DEFAULT_UNIT,
    *,
    days_ahead: int = 7,
    revision: int = 1,
    **overrides: Any,
) -> dict[str, Any]:
    """A prior filing the office accepts now: fresh id, inspection ``days_ahead`` from now.

    ``overrides`` replace top-level keys (e.g. ``enterprise={...}``, ``items="..."``)."""
    start = (datetime.now(SHANGHAI) + timedelta(days=days_ahead)).replace(
        hour=9, minute=0, second=0, microsecond=0
    )
    filing: dict[str, Any] = {
        "form": "xiangtan-beian/2024",
        "id": str(uuid.uuid4()),
        "revision": revision,
        "kind": "prior",
        "lead_unit": unit,
        "joint_units": [],
        "inspection_start": start.isoformat(),
        "inspection_end": start.replace(hour=17).isoformat(),
        "leader": {
            "name": "熊平华",
            "title": "四级主任科员",
            "phone": "13807321234",
            "cert_no": "43031119004",
        },
        "inspectors": [{"name": "易桐", "cert_no": "43031121002"}],
        "enterprise": {
            "name": "湘潭顺阳新材料科技股份有限公司",
            "uscc": "91430304MA4YG57FJC",
            "address": "湘潭市岳塘区科技路45号",
            "park": "",
        },
        "items": "食品生产许可条件保持情况",
        "basis": "《中华人民共和国食品安全法》第一百一十条",
        "content": "查看生产场所、设备设施和原料进货查验记录。",
        "plan_ref": "",
        "head_opinion": "",
    }
    filing.update(overrides)
    return filing


def write_bundle(
    path: Path,
    filings: Sequence[Any],
    unit: str = DEFAULT_UNIT,
    *,
    created_at: str = "2026-11-27T10:00:00+08:00",
) -> Path:
    """An offline bundle (``beian-bundle/1``) at ``path``, as a desk writes one, for
    ``beian-office import``; ``filings`` may hold anything (a test of bad items)."""
    document = {
        "format": "beian-bundle/1",
        "unit": unit,
        "created_at": created_at,
        "filings": list(filings),
    }
    path.write_text(json.dumps(document, ensure_ascii=False), "utf-8")
    return path


def new_office_db(request: pytest.FixtureRequest, backend: str, workdir: Path) -> Path | str:
    """A fresh, empty office database: a file in ``workdir``, or a new PostgreSQL database."""
    if backend == "sqlite":
        return workdir / "office.db"
    if backend == "postgresql":
        return request.getfixturevalue("postgres").create_database()
    raise AssertionError(f"unknown office backend {backend!r}")


@pytest.fixture(scope="module")
def office(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    office_backend: str,
) -> Iterator[OfficeServer]:
    """One running office per test module (fresh database, free port)."""
    workdir = tmp_path_factory.mktemp("office")
    db = new_office_db(request, office_backend, workdir)
    with OfficeServer.start(workdir, db=db) as server:
        yield server


@pytest.fixture
def office_server(
    request: pytest.FixtureRequest, tmp_path: Path, office_backend: str
) -> Iterator[OfficeServer]:
    """A running office of its own for one test (when a test must change global state)."""
    workdir = tmp_path / "office"
    workdir.mkdir()
    with OfficeServer.start(workdir, db=new_office_db(request, office_backend, workdir)) as server:
        yield server
