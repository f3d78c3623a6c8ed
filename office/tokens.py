"""Unit tokens: issued once, stored only as a SHA-256 hash, revocable.

A token acts for exactly one unit. Unit names are kept by their comparison key
(``forms.normalize.name_key``) so that "湘潭市 市场监督管理局" and "湘潭市市场监督管理局",
or "（）" and "()", are one unit.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from sqlite_utils import Database

from forms.normalize import name_key
from forms.record import format_timestamp, now
from office.errors import OfficeError
from office.unit_names import check_new_unit

# A token is 43 URL-safe characters (256 bits); anything much longer is not one of ours.
MAX_TOKEN_LENGTH = 200
MAX_UNIT_LENGTH = 50  # the form's limit for lead_unit


@dataclass(frozen=True)
class TokenInfo:
    id: int
    unit: str
    created_at: str
    revoked_at: str | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


def unit_key(name: str) -> str:
    """A unit name as the office compares it."""
    return name_key(name)


def checked_unit(name: str) -> str:
    """The normalised unit name, or OfficeError when it cannot be a unit."""
    unit = unit_key(name)
    if not unit:
        raise OfficeError("单位名称不能为空。")
    if len(unit) > MAX_UNIT_LENGTH:
        raise OfficeError(f"单位名称最多 {MAX_UNIT_LENGTH} 个字。")
    return unit


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create(db: Database, unit: str) -> tuple[int, str]:
    """Issue a token for ``unit``; returns (token id, the token). Only its hash is kept.

    The name is checked as a new unit name (``office.unit_names``): what no filing can
    match, and look-alikes of units that already hold a token, are refused."""
    unit = check_new_unit(unit, (t.unit for t in all_tokens(db)))
    token = secrets.token_urlsafe(32)
    cursor = db.execute(
        "INSERT INTO tokens (unit, hash, created_at) VALUES (?, ?, ?)",
        [unit, token_hash(token), format_timestamp(now())],
    )
    return int(cursor.lastrowid), token


def revoke_unit(db: Database, unit: str) -> int:
    """Revoke every active token of ``unit``; returns how many."""
    cursor = db.execute(
        "UPDATE tokens SET revoked_at = ? WHERE unit = ? AND revoked_at IS NULL",
        [format_timestamp(now()), unit_key(unit)],
    )
    return cursor.rowcount


def revoke_id(db: Database, token_id: int) -> TokenInfo:
    info = get(db, token_id)
    if info is None:
        raise OfficeError(f"没有编号为 {token_id} 的令牌。")
    if info.active:
        db.execute(
            "UPDATE tokens SET revoked_at = ? WHERE id = ?", [format_timestamp(now()), token_id]
        )
    return info


def get(db: Database, token_id: int) -> TokenInfo | None:
    for row in db.query("SELECT * FROM tokens WHERE id = ?", [token_id]):
        return _info(row)
    return None


def authenticate(db: Database, token: str) -> TokenInfo | None:
    """The active token matching ``token``, or None (unknown or revoked)."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    for row in db.query(
        "SELECT * FROM tokens WHERE hash = ? AND revoked_at IS NULL", [token_hash(token)]
    ):
        return _info(row)
    return None


def all_tokens(db: Database) -> list[TokenInfo]:
    return [_info(row) for row in db.query("SELECT * FROM tokens ORDER BY id")]


def _info(row: dict) -> TokenInfo:
    return TokenInfo(row["id"], row["unit"], row["created_at"], row["revoked_at"])
