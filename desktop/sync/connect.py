"""Setting up the office connection: save URL, CA file and token, then check them.

Used by ``beian connect`` and by the window's settings dialog. The token goes to the OS
keyring (``desktop.token_keyring``); the URL, CA file and timeout to the store's meta.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop import token_keyring
from desktop.store import settings_registry as settings
from desktop.sync import office_key
from desktop.sync.client import OfficeClient, OfficeError
from desktop.sync.config import (
    ConfigError,
    OfficeConfig,
    normalize_url,
    tls_context,
)
from desktop.sync.problems import Code, Problem
from desktop.sync.states import CheckState

if TYPE_CHECKING:
    from desktop.store.api import StoreProtocol

# Check states (desktop.sync.states); the names stay for the code that imports them here.
OK = CheckState.OK
UNREACHABLE = CheckState.UNREACHABLE
TOKEN_REJECTED = CheckState.TOKEN_REJECTED
NO_TOKEN = CheckState.NO_TOKEN
NOT_AN_OFFICE = CheckState.NOT_AN_OFFICE
NO_KEYRING = CheckState.NO_KEYRING


@dataclass(frozen=True)
class Check:
    state: CheckState
    problem: Problem  # what to say: Code.CONNECTED when all is well
    encrypted: bool

    @property
    def ok(self) -> bool:
        return self.state == OK

    @property
    def message(self) -> str:
        """The terminal's wording (``beian connect``); the window words ``problem``."""
        return str(self.problem)


def save_settings(
    store: StoreProtocol,
    url: str,
    *,
    token: str | None = None,
    ca_file: str | None = None,
    timeout_s: float | None = None,
) -> OfficeConfig:
    """Check and save the settings; raises ConfigError, token_keyring.BadToken or NoKeyring
    (and then nothing was saved)."""
    base = normalize_url(url)
    ca = str(Path(ca_file).expanduser().resolve()) if ca_file else None
    if ca:
        tls_context(ca)  # an unreadable or invalid CA file fails now, not at the first send
    if timeout_s is not None and not 0.1 <= timeout_s <= 600:
        raise ConfigError(Problem.of(Code.TIMEOUT_RANGE))
    value = token_keyring.check_token(token) if token is not None else None
    token_keyring.backend()  # NoKeyring before anything is written
    old_url = settings.OFFICE_URL.get(store)
    if value is not None:
        token_keyring.save_token(base, value)
        if old_url and old_url != base:
            token_keyring.delete_token(old_url)  # the old office's token is of no use any more
    settings.OFFICE_URL.set(store, base)
    settings.CA_FILE.set(store, ca)
    if timeout_s is not None:
        settings.OFFICE_TIMEOUT_S.set(store, timeout_s)
    config = OfficeConfig.from_store(store)
    assert config is not None  # the address was saved just above
    return config


def check_connection(store: StoreProtocol) -> Check:
    """Reach /health, then try the token on a harmless read of the changes feed."""
    config = OfficeConfig.from_store(store)
    if config is None:
        return Check(NO_TOKEN, Problem.of(Code.NO_OFFICE), False)
    try:
        token = token_keyring.load_token(config.url)
    except token_keyring.NoKeyring as exc:
        return Check(NO_KEYRING, exc.problem, config.encrypted)
    if not token:
        return Check(NO_TOKEN, Problem.of(Code.NO_TOKEN), config.encrypted)
    with OfficeClient(config, token) as client:
        try:
            health = client.health()
            if health.status != 200 or not health.is_json_object:
                problem = Problem.of(Code.NOT_AN_OFFICE, status=health.status)
                return Check(NOT_AN_OFFICE, problem, config.encrypted)
            reply = client.changes(settings.CHANGES_CURSOR.get(store))
        except OfficeError as exc:
            return Check(UNREACHABLE, exc.problem, config.encrypted)
    if reply.status == 401:
        return Check(TOKEN_REJECTED, Problem.of(Code.TOKEN_REJECTED), config.encrypted)
    if reply.status != 200:
        problem = Problem.of(Code.BAD_ANSWER, status=reply.status)
        return Check(NOT_AN_OFFICE, problem, config.encrypted)
    _take_office_key(store, config, token)
    return Check(OK, Problem.of(Code.CONNECTED), config.encrypted)


def _take_office_key(store: Any, config: OfficeConfig, token: str) -> None:
    """Keep the office's public key, for checking offline changes files later.

    It comes over the connection just checked (TLS, the token accepted); an office that
    serves none (an older version) leaves the stored key as it was."""
    try:
        with OfficeClient(config, token) as client:
            reply = client.office_key()
    except OfficeError:
        return
    key = office_key.parse_key_document(reply.body) if reply.status == 200 else None
    if key is not None:
        office_key.save(store, key)


def check_data_dir(data_dir: Any) -> Check:
    """``check_connection`` with a store of its own: for a worker thread (SQLite
    connections stay on the thread that opened them)."""
    from desktop.store import Store

    store = Store.open(data_dir, daily_backup=False)
    try:
        return check_connection(store)
    finally:
        store.close()
