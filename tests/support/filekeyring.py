"""A keyring backend for tests only: a JSON file in the test's temporary folder.

Chosen with ``PYTHON_KEYRING_BACKEND=tests.support.filekeyring.FileKeyring`` and
``BEIAN_TEST_KEYRING=<path>``; ``BEIAN_TEST_KEYRING_LOCKED=1`` makes it behave like a
locked keyring. This is the one fake in the sync tests: CI machines have no desktop
session and so no real keyring. The program itself refuses plaintext storage.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from keyring.backend import KeyringBackend
from keyring.errors import KeyringLocked, PasswordDeleteError

ENV_PATH = "BEIAN_TEST_KEYRING"
ENV_LOCKED = "BEIAN_TEST_KEYRING_LOCKED"


class FileKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    @property
    def _path(self) -> Path:
        value = os.environ.get(ENV_PATH)
        if not value:
            raise KeyringLocked("test keyring: BEIAN_TEST_KEYRING is not set")
        return Path(value)

    def _check(self) -> None:
        if os.environ.get(ENV_LOCKED) == "1":
            raise KeyringLocked("test keyring is locked")

    def _load(self) -> dict[str, dict[str, str]]:
        try:
            return json.loads(self._path.read_text("utf-8"))
        except FileNotFoundError:
            return {}

    def _save(self, data: dict[str, dict[str, str]]) -> None:
        tmp = self._path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data), "utf-8")
        tmp.replace(self._path)

    def get_password(self, service: str, username: str) -> str | None:
        self._check()
        return self._load().get(service, {}).get(username)

    def set_password(self, service: str, username: str, password: str) -> None:
        self._check()
        data = self._load()
        data.setdefault(service, {})[username] = password
        self._save(data)

    def delete_password(self, service: str, username: str) -> None:
        self._check()
        data = self._load()
        if username not in data.get(service, {}):
            raise PasswordDeleteError("not found")
        del data[service][username]
        self._save(data)
