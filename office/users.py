"""Staff accounts: a username, an Argon2 hash of the password, a role in an office.

Passwords are hashed with Argon2id (argon2-cffi) and never stored, logged or shown;
user names are compared as typed after trimming (ASCII letters folded to lower case).
Creating, disabling and resetting accounts are staff actions: an admin of the office
(or the operator) only, each recorded in the audit table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, select, update

from forms.normalize import single_line
from forms.record import format_timestamp, now
from office import audit, offices
from office.errors import OfficeError
from office.staff import Actor, require
from office.tables import ROLES, sessions, users

USERNAME_RE = re.compile(r"[a-z0-9][a-z0-9._-]{1,39}")
MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 200
MAX_PARK_LENGTH = 100

_hasher = PasswordHasher()


@dataclass(frozen=True)
class User:
    id: int
    username: str
    role: str
    office: str
    park: str | None
    created_at: str
    disabled_at: str | None

    @property
    def active(self) -> bool:
        return self.disabled_at is None

    def actor(self) -> Actor:
        return Actor(self.username, self.role, self.office, self.park)

    def row(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "username": self.username,
            "role": self.role,
            "office": self.office,
            "park": self.park,
            "created_at": self.created_at,
            "disabled_at": self.disabled_at,
        }


def username_key(name: str) -> str:
    return name.strip().lower()


def checked_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise OfficeError(f"密码至少 {MIN_PASSWORD_LENGTH} 个字符。")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise OfficeError(f"密码最多 {MAX_PASSWORD_LENGTH} 个字符。")
    return password


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


# A hash of nothing anyone knows: an unknown user name costs as much time as a wrong
# password, so the answer's timing does not tell which names exist.
_DUMMY_HASH = _hasher.hash("not a password of anyone")


def burn_time(password: str) -> None:
    verify_password(_DUMMY_HASH, password)


def _user(row: Any) -> User:
    return User(
        row.id, row.username, row.role, row.office, row.park, row.created_at, row.disabled_at
    )


def get(db: Connection, username: str) -> User | None:
    row = db.execute(select(users).where(users.c.username == username_key(username))).first()
    return _user(row) if row else None


def get_by_id(db: Connection, user_id: int) -> User | None:
    row = db.execute(select(users).where(users.c.id == user_id)).first()
    return _user(row) if row else None


def password_hash(db: Connection, user_id: int) -> str:
    return str(db.execute(select(users.c.password_hash).where(users.c.id == user_id)).scalar_one())


def all_users(db: Connection) -> list[User]:
    return [_user(r) for r in db.execute(select(users).order_by(users.c.id))]


def actor_for(db: Connection, username: str) -> Actor:
    """The active user ``username`` as an actor (``--as USER`` on the command line)."""
    user = get(db, username)
    if user is None:
        raise OfficeError(f"没有用户名为“{username_key(username)}”的工作人员账号。")
    if not user.active:
        raise OfficeError(f"工作人员账号“{user.username}”已停用。")
    return user.actor()


def create(
    db: Connection,
    actor: Actor,
    *,
    username: str,
    role: str,
    password: str,
    office: str | None = None,
    park: str | None = None,
) -> User:
    """Create a staff account (inside a write transaction)."""
    name = username_key(username)
    if not USERNAME_RE.fullmatch(name):
        raise OfficeError(
            "用户名为 2 到 40 个字符：小写英文字母、数字、点、下划线或连字符，以字母或数字开头。"
        )
    if role not in ROLES:
        raise OfficeError(f"角色应为 {'、'.join(ROLES)} 之一。")
    park_name = single_line(park) if park else None
    if role == "park" and not park_name:
        raise OfficeError("园区管委会账号须用 --park 指定园区名称。")
    if role != "park" and park_name:
        raise OfficeError("只有园区管委会（park）账号可以指定园区。")
    if park_name and len(park_name) > MAX_PARK_LENGTH:
        raise OfficeError(f"园区名称最多 {MAX_PARK_LENGTH} 个字。")
    # An office's admin creates accounts in its own office unless told otherwise.
    where = offices.resolve(db, office or actor.office).code
    require(actor, "user", where)
    if get(db, name) is not None:
        raise OfficeError(f"用户名“{name}”已被使用。")
    at = format_timestamp(now())
    user_id = db.execute(
        users.insert()
        .values(
            username=name,
            password_hash=hash_password(checked_password(password)),
            role=role,
            office=where,
            park=park_name,
            created_at=at,
        )
        .returning(users.c.id)
    ).scalar_one()
    audit.record(db, actor, "user_created", name, office=where, role=role, park=park_name)
    return User(int(user_id), name, role, where, park_name, at, None)


def _existing(db: Connection, actor: Actor, username: str) -> User:
    user = get(db, username)
    if user is None:
        raise OfficeError(f"没有用户名为“{username_key(username)}”的工作人员账号。")
    require(actor, "user", user.office)
    return user


def disable(db: Connection, actor: Actor, username: str) -> User:
    """Disable an account and end its sessions (it can no longer log in or act)."""
    user = _existing(db, actor, username)
    if not actor.operator and actor.name == user.username:
        # An office would lose its last admin this way, and nobody could undo it there.
        raise OfficeError("不能停用自己正在使用的账号；请由本办公室的另一位管理员停用。")
    if not user.active:
        return user
    at = format_timestamp(now())
    db.execute(update(users).where(users.c.id == user.id).values(disabled_at=at))
    db.execute(
        update(sessions)
        .where((sessions.c.user_id == user.id) & sessions.c.ended_at.is_(None))
        .values(ended_at=at)
    )
    audit.record(db, actor, "user_disabled", user.username, office=user.office)
    return get(db, user.username) or user


def reset_password(db: Connection, actor: Actor, username: str, password: str) -> User:
    """Set a new password and end the account's sessions."""
    user = _existing(db, actor, username)
    at = format_timestamp(now())
    db.execute(
        update(users)
        .where(users.c.id == user.id)
        .values(password_hash=hash_password(checked_password(password)))
    )
    db.execute(
        update(sessions)
        .where((sessions.c.user_id == user.id) & sessions.c.ended_at.is_(None))
        .values(ended_at=at)
    )
    audit.record(db, actor, "password_reset", user.username, office=user.office)
    return user
