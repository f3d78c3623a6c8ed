"""Backups of the store file, and restoring one over a damaged file.

Backups are complete SQLite files made with SQLite's online backup API (consistent
while the store is open), written under a temporary name and renamed into place, so a
backup interrupted by a crash never looks like a good one. Names carry their time:
``beian-20261127-093000.sqlite3`` (daily or on request) and
``beian-20261127-093000-before-v2.sqlite3`` (before a migration).
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
import sqlite3
import time
from datetime import datetime
from pathlib import Path

from desktop.store.api import StoreError
from forms.record import SHANGHAI

BACKUP_DIR = "backups"
DAMAGED_DIR = "damaged"  # damaged files moved aside by restore(); never deleted
KEEP_REGULAR = 7
KEEP_BEFORE_MIGRATION = 3
_PARTIAL_PREFIX = ".partial-"
_STALE_PARTIAL_S = 3600

_NAME_RE = re.compile(r"^beian-(\d{8}-\d{6})(?:-(\d+))?(-before-v\d+)?\.sqlite3$")
_SIDE_FILES = ("-wal", "-shm", "-journal")


def private_dir(path: Path) -> Path:
    """A folder only the owner may enter."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    with contextlib.suppress(OSError):
        path.chmod(0o700)
    return path


def private_file(path: Path) -> None:
    """Create ``path`` empty with owner-only permissions, unless it exists."""
    fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
    os.close(fd)


def tighten(path: Path) -> None:
    """Owner-only permissions on an existing file (SQLite makes -wal and -shm itself)."""
    with contextlib.suppress(OSError):
        if path.exists() and path.stat().st_mode & 0o077:
            path.chmod(0o600)


def _fsync_dir(path: Path) -> None:
    # Make a rename durable. Not possible (nor needed) on Windows.
    if os.name != "posix":
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDWR)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def stamp_of(path: Path) -> datetime | None:
    m = _NAME_RE.match(path.name)
    if m is None:
        return None
    return datetime.strptime(m.group(1), "%Y%m%d-%H%M%S").replace(tzinfo=SHANGHAI)


def is_before_migration(path: Path) -> bool:
    m = _NAME_RE.match(path.name)
    return bool(m and m.group(3))


def list_backups(folder: Path) -> list[Path]:
    """Every backup in ``folder``, newest first."""
    if not folder.is_dir():
        return []
    found = []
    for p in folder.iterdir():
        m = _NAME_RE.match(p.name)
        if m and p.is_file():
            found.append((m.group(1), int(m.group(2) or 0), p.stat().st_mtime, p))
    found.sort(key=lambda t: t[:3], reverse=True)
    return [t[3] for t in found]


def _free_name(folder: Path, stamp: str, suffix: str) -> Path:
    path = folder / f"beian-{stamp}{suffix}.sqlite3"
    n = 1
    while path.exists():
        path = folder / f"beian-{stamp}-{n}{suffix}.sqlite3"
        n += 1
    return path


def write_backup(conn: sqlite3.Connection, folder: Path, at: datetime, suffix: str = "") -> Path:
    """Copy the open database ``conn`` into a new backup file; returns its path."""
    private_dir(folder)
    stamp = at.astimezone(SHANGHAI).strftime("%Y%m%d-%H%M%S")
    temp = folder / f"{_PARTIAL_PREFIX}{secrets.token_hex(6)}.sqlite3"
    private_file(temp)
    try:
        target = sqlite3.connect(str(temp))
        try:
            conn.backup(target)
        finally:
            target.close()
        _fsync_file(temp)
        final = _free_name(folder, stamp, suffix)
        os.replace(temp, final)
        _fsync_dir(folder)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    return final


def prune(folder: Path) -> None:
    """Keep the newest regular backups and the newest pre-migration backups."""
    regular: list[Path] = []
    migration: list[Path] = []
    for p in list_backups(folder):
        (migration if is_before_migration(p) else regular).append(p)
    for p in regular[KEEP_REGULAR:] + migration[KEEP_BEFORE_MIGRATION:]:
        with contextlib.suppress(OSError):
            p.unlink()


def clean_partials(folder: Path) -> None:
    """Remove leftovers of backups interrupted by a crash (not those still being written)."""
    if not folder.is_dir():
        return
    for p in folder.glob(f"{_PARTIAL_PREFIX}*"):
        with contextlib.suppress(OSError):
            if time.time() - p.stat().st_mtime > _STALE_PARTIAL_S:
                p.unlink()


def check_file(path: Path) -> str | None:
    """None if ``path`` is a sound SQLite file, else a short reason (English, for logs)."""
    try:
        uri = path.resolve().as_uri() + "?mode=ro"
        conn = sqlite3.connect(uri, uri=True)
    except sqlite3.Error as exc:
        return str(exc)
    try:
        rows = conn.execute("PRAGMA quick_check").fetchall()
    except sqlite3.Error as exc:
        return str(exc)
    finally:
        conn.close()
    if rows != [("ok",)]:
        return "; ".join(str(r[0]) for r in rows[:5])
    return None


def move_aside(db_path: Path, at: datetime) -> Path:
    """Move the store file and its side files into ``damaged/``; returns the new path."""
    folder = private_dir(db_path.parent / DAMAGED_DIR)
    stamp = at.astimezone(SHANGHAI).strftime("%Y%m%d-%H%M%S")
    target = folder / f"{db_path.stem}-{stamp}{db_path.suffix}"
    n = 1
    while target.exists():
        target = folder / f"{db_path.stem}-{stamp}-{n}{db_path.suffix}"
        n += 1
    for side in _SIDE_FILES:
        src = db_path.with_name(db_path.name + side)
        if src.exists():
            os.replace(src, target.with_name(target.name + side))
    if db_path.exists():
        os.replace(db_path, target)
    _fsync_dir(db_path.parent)
    return target


def restore_file(db_path: Path, backup: Path, at: datetime) -> Path | None:
    """Put a copy of ``backup`` in place of ``db_path``; the old file is moved aside.

    Returns where the old file went (None if there was none). Raises StoreError when the
    backup itself is unreadable, before anything is moved.
    """
    problem = check_file(backup)
    if problem is not None:
        raise StoreError(f"备份文件 {backup.name} 也已损坏，无法用它恢复。请选择更早的备份。")
    temp = db_path.with_name(f"{_PARTIAL_PREFIX}{secrets.token_hex(6)}{db_path.suffix}")
    private_file(temp)
    try:
        with backup.open("rb") as src, temp.open("wb") as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
            dst.flush()
            os.fsync(dst.fileno())
        moved = (
            move_aside(db_path, at)
            if db_path.exists() or db_path.with_name(db_path.name + "-wal").exists()
            else None
        )
        os.replace(temp, db_path)
        _fsync_dir(db_path.parent)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    return moved
