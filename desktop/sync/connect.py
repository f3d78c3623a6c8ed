"""Setting up the office connection: save URL, CA file and token, then check them.

Used by ``beian connect`` and by the window's settings dialog. The token goes to the OS
keyring (``desktop.token_keyring``); the URL, CA file and timeout to the store's meta.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop import token_keyring
from desktop.sync import engine, messages, office_key
from desktop.sync.client import OfficeClient, OfficeError
from desktop.sync.config import (
    META_CA_FILE,
    META_TIMEOUT,
    META_URL,
    ConfigError,
    OfficeConfig,
    normalize_url,
    tls_context,
)

OK = "ok"
UNREACHABLE = "unreachable"
TOKEN_REJECTED = "token_rejected"
NO_TOKEN = "no_token"
NOT_AN_OFFICE = "not_an_office"
NO_KEYRING = "no_keyring"


@dataclass(frozen=True)
class Check:
    state: str  # OK, UNREACHABLE, TOKEN_REJECTED, NO_TOKEN, NOT_AN_OFFICE, NO_KEYRING
    message: str  # Chinese
    encrypted: bool

    @property
    def ok(self) -> bool:
        return self.state == OK


def save_settings(
    store: Any,
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
        raise ConfigError("等待答复的时间应在 0.1 到 600 秒之间。")
    value = token_keyring.check_token(token) if token is not None else None
    token_keyring.backend()  # NoKeyring before anything is written
    old_url = store.get_meta(META_URL)
    if value is not None:
        token_keyring.save_token(base, value)
        if old_url and old_url != base:
            token_keyring.delete_token(old_url)  # the old office's token is of no use any more
    store.set_meta(META_URL, base)
    store.set_meta(META_CA_FILE, ca)
    if timeout_s is not None:
        store.set_meta(META_TIMEOUT, timeout_s)
    return OfficeConfig.from_store(store)


def check_connection(store: Any) -> Check:
    """Reach /health, then try the token on a harmless read of the changes feed."""
    config = OfficeConfig.from_store(store)
    if config is None:
        return Check(NO_TOKEN, messages.NO_OFFICE, False)
    try:
        token = token_keyring.load_token(config.url)
    except token_keyring.NoKeyring as exc:
        return Check(NO_KEYRING, str(exc), config.encrypted)
    if not token:
        return Check(NO_TOKEN, messages.NO_TOKEN, config.encrypted)
    with OfficeClient(config, token) as client:
        try:
            health = client.health()
            if health.status != 200 or not health.is_json_object:
                detail = f"/health 返回 HTTP {health.status}"
                return Check(
                    NOT_AN_OFFICE, messages.NOT_AN_OFFICE.format(detail=detail), config.encrypted
                )
            reply = client.changes(store.get_meta(engine.META_CURSOR))
        except OfficeError as exc:
            return Check(UNREACHABLE, str(exc), config.encrypted)
    if reply.status == 401:
        return Check(TOKEN_REJECTED, messages.TOKEN_REJECTED, config.encrypted)
    if reply.status != 200:
        return Check(
            NOT_AN_OFFICE, messages.BAD_ANSWER.format(status=reply.status), config.encrypted
        )
    _take_office_key(store, config, token)
    return Check(OK, "已连接：办公室可以访问，令牌有效。待发送的备案会自动发送。", config.encrypted)


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
