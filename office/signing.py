"""The office's signing key: what it exports for offline units is signed with Ed25519.

A changes file (``beian-changes/1``) travels on a USB stick and marks filings filed at
the desk; anyone can write one by hand. So the office signs it, and the desk accepts
only a file signed by the key of its office (``desktop.sync.office_key``). The public
key reaches the desk when it connects (``GET /api/v1/office-key``, over the connection
the token authenticates) or, for a unit that never connects, in a key file the office
hands over once (``beian-office key export``), with a fingerprint a person compares.

The private key is created on first use, owner-only (``0600``), as PKCS#8 PEM in a file
next to the office's database (``<db>.signing-key``) unless a path is configured
(``--signing-key``). Back it up with the database (docs/office.md): a lost key means
every offline unit has to import a new key file.

What is signed and how it is checked: ``forms.signatures``.
"""

from __future__ import annotations

import base64
import os
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from forms import signatures
from office.errors import OfficeError

KEY_SUFFIX = ".signing-key"


def default_key_path(db_path: Path) -> Path:
    db_path = Path(db_path).expanduser().resolve()
    return db_path.with_name(db_path.name + KEY_SUFFIX)


def load_or_create(path: Path) -> Ed25519PrivateKey:
    """The key at ``path``; created (owner-only, never overwriting) when there is none."""
    path = Path(path).expanduser()
    try:
        return _load(path)
    except FileNotFoundError:
        pass
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        return _load(path)  # another process created it meanwhile
    except OSError as exc:
        raise OfficeError(f"无法创建签名密钥文件 {path}：{exc.strerror}") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(pem)
            fh.flush()
            os.fsync(fh.fileno())
    except OSError as exc:
        path.unlink(missing_ok=True)
        raise OfficeError(f"无法写入签名密钥文件 {path}：{exc.strerror}") from None
    return key


def _load(path: Path) -> Ed25519PrivateKey:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise OfficeError(f"无法读取签名密钥文件 {path}：{exc.strerror}") from None
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError):
        raise OfficeError(f"签名密钥文件 {path} 已损坏或不是本程序的密钥。") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise OfficeError(f"签名密钥文件 {path} 不是 Ed25519 密钥。")
    return key


def public_bytes(key: Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_document(key: Ed25519PrivateKey) -> dict[str, Any]:
    """The public key as the desk takes it (the route's answer and the key file)."""
    raw = public_bytes(key)
    return {
        "format": signatures.KEY_FILE_FORMAT,
        "algorithm": signatures.ALGORITHM,
        "public_key": base64.b64encode(raw).decode("ascii"),
        "fingerprint": signatures.fingerprint(raw),
    }


def sign(document: dict[str, Any], key: Ed25519PrivateKey) -> dict[str, Any]:
    """``document`` with a ``signature`` member added (``forms.signatures``)."""
    value = key.sign(signatures.signed_bytes(document))
    return {
        **document,
        "signature": {
            "algorithm": signatures.ALGORITHM,
            "key": signatures.fingerprint(public_bytes(key)),
            "value": base64.b64encode(value).decode("ascii"),
        },
    }
