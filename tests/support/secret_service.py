"""A real Secret Service for tests: gnome-keyring in a private D-Bus session.

    with SecretService.start(tmp_path / "secrets") as service:
        service.env            # DBUS_SESSION_BUS_ADDRESS and the private HOME/XDG dirs
        service.backend()      # keyring's SecretService backend on that bus, in-process
        service.lookup(url)    # what libsecret's secret-tool reads there (or None)

``dbus-run-session`` starts a session bus that lives as long as the command it runs: a
small shell that starts ``gnome-keyring-daemon --unlock --components=secrets`` (the
password comes on its standard input; a fresh HOME gets a new "login" collection,
unlocked) and then waits until its own standard input closes. Closing that pipe ends the
daemon and the bus. Nothing touches the machine's own keyring or session. The
``secret_service`` fixture gives one per test module.

Needs the Debian packages dbus (dbus-run-session, dbus-send), gnome-keyring and
libsecret-tools (``.ci/run`` installs them).
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.waiting import NotInTimeError, wait_until

BACKEND = "keyring.backends.SecretService.Keyring"
START_TIMEOUT_S = 60.0  # a busy CI machine starts a D-Bus session slowly

_SESSION = r"""
printf '%s' "$BEIAN_TEST_KEYRING_PASSWORD" |
    gnome-keyring-daemon --unlock --components=secrets --foreground >"$GK_LOG" 2>&1 &
daemon=$!
echo "address=$DBUS_SESSION_BUS_ADDRESS"
read -r _ || true
kill "$daemon" 2>/dev/null
wait "$daemon" 2>/dev/null
exit 0
"""


class SecretService:
    def __init__(self, root: Path, process: subprocess.Popen[str], env: dict[str, str]) -> None:
        self.root = root
        self.process = process
        self.env = env

    @classmethod
    @contextlib.contextmanager
    def start(cls, root: Path) -> Iterator[SecretService]:
        root = Path(root)
        dirs = {name: root / name for name in ("home", "data", "config", "cache", "run")}
        for path in dirs.values():
            path.mkdir(parents=True, exist_ok=True)
            path.chmod(0o700)
        private = {
            "HOME": str(dirs["home"]),
            "XDG_DATA_HOME": str(dirs["data"]),
            "XDG_CONFIG_HOME": str(dirs["config"]),
            "XDG_CACHE_HOME": str(dirs["cache"]),
            "XDG_RUNTIME_DIR": str(dirs["run"]),
        }
        session_env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "LANG": "C.UTF-8",
            **private,
            "BEIAN_TEST_KEYRING_PASSWORD": "test-login-password",
            "GK_LOG": str(root / "gnome-keyring.log"),
        }
        process = subprocess.Popen(
            ["dbus-run-session", "--", "sh", "-c", _SESSION],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,  # dbus-daemon's notes about fd limits
            text=True,
            env=session_env,
            start_new_session=True,
        )
        try:
            assert process.stdout is not None
            line = process.stdout.readline().strip()
            if not line.startswith("address="):
                raise RuntimeError(f"no session bus: {line!r}")
            env = {**private, "DBUS_SESSION_BUS_ADDRESS": line.removeprefix("address=")}
            service = cls(root, process, env)
            service._wait_until_ready()
            yield service
        finally:
            _stop(process)

    def _wait_until_ready(self) -> None:
        # Nothing announces the daemon's readiness to us: ask until it answers.
        try:
            wait_until(self._ready, START_TIMEOUT_S, "gnome-keyring to come up")
        except NotInTimeError as exc:
            raise RuntimeError(f"{exc}: {self._log()}") from None

    def _ready(self) -> bool:
        if self.process.poll() is not None:
            raise RuntimeError("the session ended early: " + self._log())
        # Ask the bus, not the service: a call to org.freedesktop.secrets before our
        # daemon owns the name would make the bus start another gnome-keyring (its
        # D-Bus activation file), locked, and ours would give way to it.
        return self._name_owned() and self._collection_ready()

    def _name_owned(self) -> bool:
        asked = subprocess.run(
            [
                "dbus-send",
                "--session",
                "--print-reply",
                "--dest=org.freedesktop.DBus",
                "/org/freedesktop/DBus",
                "org.freedesktop.DBus.NameHasOwner",
                "string:org.freedesktop.secrets",
            ],
            capture_output=True,
            text=True,
            env=self.process_env(),
            timeout=10,
        )
        return asked.returncode == 0 and "boolean true" in asked.stdout

    def _collection_ready(self) -> bool:
        probe = subprocess.run(
            [
                "secret-tool",
                "store",
                "--label=beian readiness probe",
                "service",
                "beian-test-probe",
            ],
            input="probe",
            capture_output=True,
            text=True,
            env=self.process_env(),
            timeout=10,
        )
        if probe.returncode != 0:
            return False
        subprocess.run(
            ["secret-tool", "clear", "service", "beian-test-probe"],
            capture_output=True,
            env=self.process_env(),
            timeout=10,
        )
        return True

    def _log(self) -> str:
        with contextlib.suppress(OSError):
            return (self.root / "gnome-keyring.log").read_text("utf-8", "replace")[-2000:]
        return ""

    def process_env(self, base: dict[str, str] | None = None) -> dict[str, str]:
        """``base`` (default: this process's environment) on this private session."""
        return {**(dict(os.environ) if base is None else base), **self.env}

    def lookup(self, username: str, service: str = "beian") -> str | None:
        """The secret stored for (service, username), read by libsecret's secret-tool —
        another client of the same Secret Service, not keyring's own code."""
        found = subprocess.run(
            ["secret-tool", "lookup", "service", service, "username", username],
            capture_output=True,
            text=True,
            env=self.process_env(),
            timeout=10,
        )
        return found.stdout if found.returncode == 0 and found.stdout else None

    def files_containing(self, needle: str) -> list[Path]:
        raw = needle.encode()
        return [p for p in self.root.rglob("*") if p.is_file() and raw in p.read_bytes()]

    @contextlib.contextmanager
    def in_process(self) -> Iterator[Any]:
        """keyring's SecretService backend on this bus, for code run in the test process."""
        import keyring
        from keyring.backends.SecretService import Keyring as SecretServiceKeyring

        saved = {k: os.environ.get(k) for k in self.env}
        previous = keyring.get_keyring()
        os.environ.update(self.env)
        backend = SecretServiceKeyring()
        keyring.set_keyring(backend)
        try:
            yield backend
        finally:
            keyring.set_keyring(previous)
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value


def _stop(process: subprocess.Popen[str]) -> None:
    with contextlib.suppress(OSError):
        if process.stdin is not None:
            process.stdin.close()  # the session's shell stops the daemon and exits
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)  # only the group this helper started
        process.wait(timeout=10)
    if process.stdout is not None:
        process.stdout.close()


@pytest.fixture(scope="module")
def secret_service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SecretService]:
    """One real Secret Service (gnome-keyring on a private bus) per test module."""
    with SecretService.start(tmp_path_factory.mktemp("secret-service")) as service:
        yield service
