"""Unit tokens: issued once, stored only as a SHA-256 hash, revocable.

A token acts for exactly one unit, and the unit files with one office. Unit names are
kept by their comparison key (``forms.normalize.name_key``) so that "湘潭市 市场监督管理局"
and "湘潭市市场监督管理局", or "（）" and "()", are one unit.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Select, select, update

from forms.normalize import name_key
from forms.record import format_timestamp, now
from office import audit, offices
from office.errors import OfficeError
from office.staff import Actor, require
from office.tables import tokens, units
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
    office: str | None = None  # the office the unit files with

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


def create(db: Connection, actor: Actor, unit: str, office: str | None = None) -> tuple[int, str]:
    """Issue a token for ``unit`` of ``office`` (the only office when not given);
    returns (token id, the token). Only its hash is kept.

    The name is checked as a new unit name (``office.unit_names``): what no filing can
    match, and look-alikes of units that already hold a token, are refused."""
    unit = check_new_unit(unit, (t.unit for t in all_tokens(db)))
    if office is None:  # the unit's office if it has one, else the admin's own
        office = offices.unit_office(db, unit) or actor.office
    where = offices.resolve(db, office).code
    require(actor, "token", where)
    offices.assign_unit(db, unit, where)
    token = secrets.token_urlsafe(32)
    token_id = db.execute(
        tokens.insert()
        .values(unit=unit, hash=token_hash(token), created_at=format_timestamp(now()))
        .returning(tokens.c.id)
    ).scalar_one()
    audit.record(db, actor, "token_created", unit, office=where, token_id=int(token_id))
    return int(token_id), token


def revoke_unit(db: Connection, actor: Actor, unit: str) -> int:
    """Revoke every active token of ``unit``; returns how many."""
    unit = unit_key(unit)
    require(actor, "token", offices.unit_office(db, unit))
    count = db.execute(
        update(tokens)
        .where((tokens.c.unit == unit) & tokens.c.revoked_at.is_(None))
        .values(revoked_at=format_timestamp(now()))
    ).rowcount
    if count:
        audit.record(
            db, actor, "tokens_revoked", unit, office=offices.unit_office(db, unit), count=count
        )
    return count


def revoke_id(db: Connection, actor: Actor, token_id: int) -> TokenInfo:
    info = get(db, token_id)
    if info is None:
        raise OfficeError(f"没有编号为 {token_id} 的令牌。")
    require(actor, "token", info.office)
    if info.active:
        db.execute(
            update(tokens).where(tokens.c.id == token_id).values(revoked_at=format_timestamp(now()))
        )
        audit.record(db, actor, "token_revoked", info.unit, office=info.office, token_id=token_id)
    return info


def _joined() -> Select[Any]:  # tokens with their unit's office
    return select(tokens, units.c.office).select_from(
        tokens.outerjoin(units, units.c.name == tokens.c.unit)
    )


def get(db: Connection, token_id: int) -> TokenInfo | None:
    row = db.execute(_joined().where(tokens.c.id == token_id)).first()
    return _info(row) if row else None


def authenticate(db: Connection, token: str) -> TokenInfo | None:
    """The active token matching ``token``, or None (unknown or revoked)."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    row = db.execute(
        _joined().where((tokens.c.hash == token_hash(token)) & tokens.c.revoked_at.is_(None))
    ).first()
    return _info(row) if row else None


def all_tokens(db: Connection) -> list[TokenInfo]:
    return [_info(row) for row in db.execute(_joined().order_by(tokens.c.id))]


def _info(row: Any) -> TokenInfo:
    return TokenInfo(row.id, row.unit, row.created_at, row.revoked_at, row.office)
