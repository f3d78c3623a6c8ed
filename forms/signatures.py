"""Ed25519 signatures on the documents the office hands to units offline.

Shared by the office (which signs, ``office.signing``) and the desk (which checks,
``desktop.sync.office_key``), so that both compute the same bytes and the same
fingerprint. What is signed: the document without its ``signature`` member, as canonical
JSON (keys sorted, no spaces, UTF-8) — the desk recomputes these bytes from the parsed
file, which ``forms.json_limits`` has already refused if it had duplicate keys.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

KEY_FILE_FORMAT = "beian-office-key/1"
ALGORITHM = "ed25519"
PUBLIC_KEY_BYTES = 32


def fingerprint(public_key: bytes) -> str:
    """What a person compares: the first 128 bits of SHA-256, in eight groups of four."""
    digest = hashlib.sha256(public_key).hexdigest()[:32].upper()
    return " ".join(digest[i : i + 4] for i in range(0, 32, 4))


def signed_bytes(document: dict[str, Any]) -> bytes:
    """The bytes a signature covers: the document without ``signature``, canonical."""
    unsigned = {k: v for k, v in document.items() if k != "signature"}
    text = json.dumps(unsigned, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.encode("utf-8")


def public_key_from_document(document: Any) -> bytes | None:
    """The raw public key of a ``beian-office-key/1`` document, or None if it is not one."""
    if not isinstance(document, dict) or document.get("format") != KEY_FILE_FORMAT:
        return None
    if document.get("algorithm") != ALGORITHM:
        return None
    text = document.get("public_key")
    if not isinstance(text, str) or len(text) > 100:
        return None
    try:
        raw = base64.b64decode(text, validate=True)
    except (ValueError, binascii.Error):
        return None
    return raw if len(raw) == PUBLIC_KEY_BYTES else None


def verify(document: dict[str, Any], public_key: bytes) -> bool:
    """Whether ``document`` carries a valid signature by ``public_key``."""
    signature = document.get("signature")
    if not isinstance(signature, dict) or signature.get("algorithm") != ALGORITHM:
        return False
    value = signature.get("value")
    if not isinstance(value, str) or len(value) > 200:
        return False
    try:
        raw = base64.b64decode(value, validate=True)
        Ed25519PublicKey.from_public_bytes(public_key).verify(raw, signed_bytes(document))
    except (ValueError, binascii.Error, InvalidSignature):
        return False
    return True
