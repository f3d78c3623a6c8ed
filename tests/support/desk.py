"""Real ``beian`` processes for tests: one data folder, one test keyring, the command line.

    desk = Desk(tmp_path / "desk")
    desk.connect(office.url, token, timeout=2)       # beian connect --token-stdin
    desk.queue(valid_filing())                       # beian queue FILE
    result = desk.sync()                             # beian sync --json, parsed
    with desk.store() as store: ...                  # the same SQLite file, in-process

The token is kept by ``tests.support.filekeyring`` (chosen with PYTHON_KEYRING_BACKEND)
unless a test sets ``desk.backend`` and ``desk.environment`` to a real Secret Service
(``tests.support.secret_service``); the file fake stays for what a real keyring cannot be
made to do on demand (locked, failing).
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import keyring
import pytest

from tests.support.filekeyring import ENV_PATH, FileKeyring

REPO = Path(__file__).resolve().parents[2]
BEIAN = [sys.executable, "-m", "desktop.cli"]
TEST_BACKEND = "tests.support.filekeyring.FileKeyring"


class Desk:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self.data_dir = self.root / "data"
        self.keyring_file = self.root / "keyring.json"
        self.backend = TEST_BACKEND
        # More environment for its processes (a real Secret Service's bus, say).
        self.environment: dict[str, str] = {}
        self._n = 0

    def env(self, **extra: str) -> dict[str, str]:
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH")) if p)
        env["PYTHONIOENCODING"] = "utf-8"
        env["PYTHON_KEYRING_BACKEND"] = self.backend
        env[ENV_PATH] = str(self.keyring_file)
        env.update(self.environment)
        env.update(extra)
        return env

    def command(self, *args: str) -> list[str]:
        return [*BEIAN, "--data-dir", str(self.data_dir), *args]

    def run(
        self, *args: str, input: str | None = None, timeout: float = 60, **env: str
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            self.command(*args),
            cwd=REPO,
            env=self.env(**env),
            input=input,
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=timeout,
        )

    def popen(self, *args: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            self.command(*args),
            cwd=REPO,
            env=self.env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )

    # --- the usual steps --------------------------------------------------------------
    def connect(
        self, url: str, token: str, *, timeout: float | None = 3.0, ca_file: Path | None = None
    ) -> subprocess.CompletedProcess[str]:
        args = ["connect", "--url", url, "--token-stdin"]
        if timeout is not None:
            args += ["--timeout", str(timeout)]
        if ca_file is not None:
            args += ["--ca-file", str(ca_file)]
        return self.run(*args, input=token + "\n")

    def configure(self, url: str, token: str, *, timeout: float = 3.0) -> None:
        """What ``connect`` saves, done in this process (faster than a ``beian`` start)."""
        from desktop.sync.connect import save_settings

        with self.keyring_in_process(), self.store() as store:
            save_settings(store, url, token=token, timeout_s=timeout)

    def put(self, *filings: dict[str, Any]) -> None:
        """Queue checked filings in this process, as the window's 提交 does."""
        from forms import rules

        with self.store() as store:
            for filing in filings:
                report = rules.validate(filing, **store.validation_context())
                assert not report.has_errors, report.errors
                store.queue(filing["id"], filing)

    def write(self, filing: dict[str, Any]) -> Path:
        self._n += 1
        path = self.root / f"filing-{self._n}.json"
        path.write_text(json.dumps(filing, ensure_ascii=False), "utf-8")
        return path

    def queue(self, filing: dict[str, Any], *, check: bool = True):
        result = self.run("queue", str(self.write(filing)))
        if check:
            assert result.returncode == 0, result.stdout + result.stderr
        return result

    def sync(self, *, timeout: float = 60) -> tuple[int, dict[str, Any]]:
        """``beian sync --json``: (exit status, the pass result)."""
        result = self.run("sync", "--json", timeout=timeout)
        try:
            data = json.loads(result.stdout)
        except json.JSONDecodeError:
            raise AssertionError(f"no JSON:\n{result.stdout}\n{result.stderr}") from None
        return result.returncode, data

    def status(self) -> dict[str, Any]:
        result = self.run("status", "--json")
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)

    @contextlib.contextmanager
    def store(self, **options: Any) -> Iterator[Any]:
        from desktop.store import Store

        self.data_dir.mkdir(parents=True, exist_ok=True)
        store = Store.open(self.data_dir, daily_backup=False, **options)
        try:
            yield store
        finally:
            store.close()

    @contextlib.contextmanager
    def keyring_in_process(self) -> Iterator[None]:
        """This desk's keyring for code run in the test process (the worker, a pass)."""
        previous_env = os.environ.get(ENV_PATH)
        previous = keyring.get_keyring()
        os.environ[ENV_PATH] = str(self.keyring_file)
        keyring.set_keyring(FileKeyring())
        try:
            yield
        finally:
            keyring.set_keyring(previous)
            if previous_env is None:
                os.environ.pop(ENV_PATH, None)
            else:
                os.environ[ENV_PATH] = previous_env

    def files_containing(self, needle: str) -> list[Path]:
        """Files under the data folder whose bytes contain ``needle`` (for secrets)."""
        raw = needle.encode()
        return [p for p in self.data_dir.rglob("*") if p.is_file() and raw in p.read_bytes()]


def assert_exactly_once(office_server: Any, desks: list[Desk]) -> None:
    """Each (id, revision) at the office once with its own receipt, and every desk's
    receipts equal to the office's."""
    from desktop.store import ListQuery

    rows = office_server.filings()
    pairs = Counter((r["id"], r["revision"]) for r in rows)
    assert [p for p, n in pairs.items() if n > 1] == []
    receipts = Counter(r["receipt"] for r in rows)
    assert [r for r, n in receipts.items() if n > 1] == []
    held = {(r["id"], r["revision"]): r for r in rows}
    for desk in desks:
        if not desk.data_dir.exists():
            continue
        with desk.store() as store:
            for s in store.list_filings(ListQuery(limit=10_000)):
                sent_events = Counter(e.revision for e in store.history(s.id) if e.kind == "sent")
                assert all(n == 1 for n in sent_events.values()), (s.id, sent_events)
                if s.status == "sent":
                    assert held[(s.id, s.revision)]["receipt"] == s.receipt
                    assert held[(s.id, s.revision)]["status"] == "filed"
                elif s.status == "returned":
                    assert held[(s.id, s.revision)]["status"] == "returned"


@pytest.fixture
def desks(tmp_path: Path, office: Any) -> Iterator[Any]:
    """Make desks (``desks("name")``) in this test's folder; when the test ends, every
    filing they queued must be at ``office`` exactly once."""
    made: list[Desk] = []

    def make(name: str = "desk") -> Desk:
        desk = Desk(tmp_path / name)
        made.append(desk)
        return desk

    yield make
    assert_exactly_once(office, made)
