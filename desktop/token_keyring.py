"""The unit's office token, kept only in the operating system's keyring.

Windows: Credential Manager (凭据管理器), always present. macOS: the login keychain.
Linux: the Secret Service (gnome-keyring, KeePassXC) or KWallet of a desktop session.
There is deliberately no fallback: with no usable keyring the token is not stored at
all, and the clerk is told how to get one. Nothing here ever puts the token in a message,
an exception, a log line, the SQLite file or a config file.
"""

from __future__ import annotations

import logging
import sys

import keyring
import keyring.errors
from keyring.backend import KeyringBackend

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


class NoKeyring(Exception):  # noqa: N818
    """No usable keyring; ``str(exc)`` is Chinese and says how to fix it."""


class BadToken(ValueError):  # noqa: N818
    """The text given as a token cannot be one; says why without repeating it."""


def how_to_fix() -> str:
    if sys.platform.startswith("win"):
        return (
            "Windows 自带“凭据管理器”，通常无需设置；"
            "请确认是以正常用户身份登录的桌面会话，并且 Credential Manager 服务未被禁用。"
        )
    if sys.platform == "darwin":
        return "请登录 macOS 桌面会话并解锁“钥匙串访问”中的登录钥匙串。"
    return (
        "Linux 上请安装并启动密钥服务：GNOME/统信/麒麟桌面安装 gnome-keyring"
        "（如 sudo apt install gnome-keyring），KDE 桌面使用 KWallet；"
        "然后在桌面会话中登录并解锁密钥环后重试。"
    )


def _message(reason: str) -> str:
    return f"{reason}本程序不会以明文保存令牌。{how_to_fix()}"


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
        raise NoKeyring(_message("系统密钥环无法加载。")) from None
    if not _usable(chosen):
        raise NoKeyring(_message("本机没有可用的系统密钥环（用于安全保存令牌）。"))
    return chosen


def backend_name() -> str:
    """For ``beian status``: which keyring holds the token (never the token)."""
    try:
        return _name(backend())
    except NoKeyring:
        return ""


def _translate(exc: Exception) -> NoKeyring:
    if isinstance(exc, keyring.errors.KeyringLocked):
        return NoKeyring(_message("系统密钥环已锁定，请先解锁。"))
    if isinstance(exc, keyring.errors.NoKeyringError):
        return NoKeyring(_message("本机没有可用的系统密钥环（用于安全保存令牌）。"))
    # Never str(exc): some backends echo what they were given.
    log.warning("keyring operation failed: %s", type(exc).__name__)
    return NoKeyring(_message("访问系统密钥环时出错。"))


def check_token(token: str) -> str:
    """The token as it will be stored (trimmed), or BadToken."""
    value = (token or "").strip()
    if not value:
        raise BadToken("没有收到令牌：请把办公室发放的令牌从标准输入传入。")
    if len(value) > MAX_TOKEN_LENGTH or any(c.isspace() or not c.isprintable() for c in value):
        raise BadToken("收到的内容不像令牌（含有空白或不可打印字符，或过长），请核对后重试。")
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
