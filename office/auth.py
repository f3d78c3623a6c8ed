"""Staff login and sessions, kept in the store so that every worker sees the same.

``authenticate(store, username, password, address, now)`` is what a login form calls:
it answers a :class:`Login` (the actor on success, else a Chinese reason) and records
the attempt. Failed attempts are throttled per user name and per client address, over
a sliding window, before the password is even checked — so guessing is slow for one
account from many addresses and for many accounts from one address. Sessions are
random ids of which only the SHA-256 is stored, with an expiry; ``lookup_session``
refuses an expired or ended one.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import ColumnElement, Connection, func, select, update

from office import users
from office.staff import Actor
from office.store import OfficeStore
from office.tables import login_attempts, sessions

WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_USER = 5
MAX_FAILURES_PER_ADDRESS = 20
SESSION_LIFETIME = timedelta(hours=8)
MAX_ADDRESS_LENGTH = 64

WRONG = "用户名或密码不正确。"
THROTTLED = "登录失败次数过多，请 15 分钟后再试。"


@dataclass(frozen=True)
class Login:
    ok: bool
    message: str
    actor: Actor | None = None
    user_id: int | None = None


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def _failures(db: Connection, column: ColumnElement[str], value: str, since: str) -> int:
    query = (
        select(func.count())
        .select_from(login_attempts)
        .where((column == value) & (login_attempts.c.at > since) & (login_attempts.c.ok == 0))
    )
    return int(db.execute(query).scalar_one())


def authenticate(
    store: OfficeStore, username: str, password: str, address: str, now: datetime
) -> Login:
    """Check a staff login; every attempt is recorded, failures count for throttling."""
    name = users.username_key(username)[:64]
    address = address[:MAX_ADDRESS_LENGTH]
    since = _utc(now - WINDOW)
    with store.write() as db:
        c = login_attempts.c
        throttled = (
            _failures(db, c.username, name, since) >= MAX_FAILURES_PER_USER
            or _failures(db, c.address, address, since) >= MAX_FAILURES_PER_ADDRESS
        )
        user = users.get(db, name)
        ok = False
        if throttled:
            pass  # not even checked: a right guess now would teach the guesser nothing
        elif user is None or not user.active:
            users.burn_time(password)
        else:
            ok = users.verify_password(users.password_hash(db, user.id), password)
        db.execute(
            login_attempts.insert().values(username=name, address=address, at=_utc(now), ok=int(ok))
        )
    if throttled:
        return Login(False, THROTTLED)
    if not ok or user is None:
        return Login(False, WRONG)
    return Login(True, "", user.actor(), user.id)


def session_hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode("utf-8")).hexdigest()


def create_session(
    store: OfficeStore,
    user_id: int,
    address: str,
    now: datetime,
    lifetime: timedelta = SESSION_LIFETIME,
) -> str:
    """A new session for the user; returns its id (for a cookie), stored only hashed."""
    session_id = secrets.token_urlsafe(32)
    with store.write() as db:
        db.execute(
            sessions.insert().values(
                hash=session_hash(session_id),
                user_id=user_id,
                created_at=_utc(now),
                expires_at=_utc(now + lifetime),
                address=address[:MAX_ADDRESS_LENGTH],
            )
        )
    return session_id


def lookup_session(store: OfficeStore, session_id: str, now: datetime) -> Actor | None:
    """The actor of a live session, or None (unknown, expired, ended, user disabled)."""
    if not session_id or len(session_id) > 200:
        return None
    with store.read() as db:
        row = db.execute(
            select(sessions).where(sessions.c.hash == session_hash(session_id))
        ).first()
        if row is None or row.ended_at is not None or row.expires_at <= _utc(now):
            return None
        user = users.get_by_id(db, row.user_id)
    if user is None or not user.active:
        return None
    return user.actor()


def end_session(store: OfficeStore, session_id: str, now: datetime) -> None:
    """Log out: the session can no longer be used."""
    with store.write() as db:
        db.execute(
            update(sessions)
            .where((sessions.c.hash == session_hash(session_id)) & sessions.c.ended_at.is_(None))
            .values(ended_at=_utc(now))
        )


def expire_sessions(store: OfficeStore, now: datetime) -> int:
    """End every session past its expiry (housekeeping); returns how many."""
    with store.write() as db:
        return db.execute(
            update(sessions)
            .where((sessions.c.expires_at <= _utc(now)) & sessions.c.ended_at.is_(None))
            .values(ended_at=_utc(now))
        ).rowcount
