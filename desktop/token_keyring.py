"""The unit's office token, kept only in the operating system's keyring.

Windows: Credential Manager (凭据管理器), always present. macOS: the login keychain.
Linux: the Secret Service (gnome-keyring, KeePassXC) or KWallet of a desktop session.
There is deliberately no fallback: with no usable keyring the token is not stored at
all, and the clerk is told how to get one. Nothing here ever puts the token in a message,
an exception, a log line, the SQLite file or a config file.
"""

from __future__ import annotations

import logging

import keyring
import keyring.errors
from keyring.backend import KeyringBackend

from desktop.sync.problems import Code, Problem, ProblemError

log = logging.getLogger(__name__)

SERVICE = "beian"
MAX_TOKEN_LENGTH = 4096

# Backends that are not a keyring: the "fail" and "null" placeholders keyring falls back
# to, and keyrings.alt's plaintext file, which is exactly the fallback this module refuses.
_REFUSED = {
    "keyring.backends.fail.Keyring",
    "keyring.backends.null.Keyring",
    "keyrings.alt.file.PlaintextKeyring",
}


class NoKeyring(ProblemError):  # noqa: N818
    """No usable keyring: ``.problem`` is Code.NO_KEYRING with its reason (none,
    unloadable, locked, error); ``str(exc)`` words it for a terminal."""


class BadToken(ProblemError, ValueError):  # noqa: N818
    """The text given as a token cannot be one (Code.TOKEN_MISSING, TOKEN_MALFORMED);
    never repeats it."""


def _no_keyring(reason: str) -> NoKeyring:
    return NoKeyring(Problem.of(Code.NO_KEYRING, reason=reason))


def how_to_fix() -> str:
    """For a terminal: how to get a working keyring on this platform."""
    from desktop.sync import messages

    return messages.how_to_get_a_keyring()


def _name(backend: KeyringBackend) -> str:
    cls = type(backend)
    return f"{cls.__module__}.{cls.__qualname__}"


def _usable(backend: KeyringBackend) -> bool:
    if _name(backend) in _REFUSED:
        return False
    inner = getattr(backend, "backends", None)  # the chainer: usable if any member is
    if inner is not None:
        return any(_usable(b) for b in inner)
    return True


def backend() -> KeyringBackend:
    """The keyring in use, or NoKeyring when there is none worth the name."""
    try:
        chosen = keyring.get_keyring()
    except Exception as exc:  # a broken backend module or configuration
        log.warning("keyring backend failed to load: %s", type(exc).__name__)
        raise _no_keyring("unloadable") from None
    if not _usable(chosen):
        raise _no_keyring("none")
    return chosen


def backend_name() -> str:
    """For ``beian status``: which keyring holds the token (never the token)."""
    try:
        return _name(backend())
    except NoKeyring:
        return ""


def _translate(exc: Exception) -> NoKeyring:
    if isinstance(exc, keyring.errors.KeyringLocked):
        return _no_keyring("locked")
    if isinstance(exc, keyring.errors.NoKeyringError):
        return _no_keyring("none")
    # Never str(exc): some backends echo what they were given.
    log.warning("keyring operation failed: %s", type(exc).__name__)
    return _no_keyring("error")


def check_token(token: str) -> str:
    """The token as it will be stored (trimmed), or BadToken."""
    value = (token or "").strip()
    if not value:
        raise BadToken(Problem.of(Code.TOKEN_MISSING))
    if len(value) > MAX_TOKEN_LENGTH or any(c.isspace() or not c.isprintable() for c in value):
        raise BadToken(Problem.of(Code.TOKEN_MALFORMED))
    return value


def save_token(office_url: str, token: str) -> None:
    value = check_token(token)
    kr = backend()
    try:
        kr.set_password(SERVICE, office_url, value)
    except Exception as exc:
        raise _translate(exc) from None


def load_token(office_url: str) -> str | None:
    kr = backend()
    try:
        return kr.get_password(SERVICE, office_url)
    except Exception as exc:
        raise _translate(exc) from None


def delete_token(office_url: str) -> None:
    """Forget the token for ``office_url``; nothing if none is stored."""
    kr = backend()
    try:
        kr.delete_password(SERVICE, office_url)
    except keyring.errors.PasswordDeleteError:
        return
    except Exception as exc:
        raise _translate(exc) from None
