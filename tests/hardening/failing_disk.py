"""Storage that really fails, also for root: a full disk and a read-only folder.

Tests run as root, and root ignores permission bits (CAP_DAC_OVERRIDE): ``chmod 0500``
does not stop it from writing. These helpers use limits the kernel enforces on every
user, root included:

- ``file_size_limit(n)`` — RLIMIT_FSIZE: no file may grow past ``n`` bytes; a write
  beyond it fails with EFBIG (Python ignores SIGXFSZ, so the write returns the error
  instead of killing the process). To SQLite this is what a full disk is: the next page
  of the WAL cannot be written. ``preexec_file_size_limit(n)`` does the same for a child
  process (``subprocess.Popen(preexec_fn=…)``).
- ``read_only(paths)`` — as root, the immutable attribute (``chattr +i``,
  FS_IMMUTABLE_FL): nobody can create, write (even through a descriptor opened before),
  rename or delete anything in it until it is cleared — the folder behaves like a share
  switched to read-only or a disk the kernel remounted read-only. As any other user,
  plain permission bits, which do stop them.
"""

from __future__ import annotations

import array
import contextlib
import fcntl
import os
import resource
import sqlite3
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path

FS_IOC_GETFLAGS = 0x80086601
FS_IOC_SETFLAGS = 0x40086602
FS_IMMUTABLE_FL = 0x10


@contextlib.contextmanager
def file_size_limit(limit: int) -> Iterator[None]:
    """No file of this process grows past ``limit`` bytes while inside."""
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))


def preexec_file_size_limit(limit: int):
    def limit_child() -> None:
        _soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, hard))

    return limit_child


def checkpoint(db: Path) -> None:
    """Move everything from the WAL into the main file and empty the WAL, so that the next
    write must grow a file (and so meets a file size limit at once)."""
    conn = sqlite3.connect(db)
    try:
        busy, _, _ = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        assert busy == 0, "the checkpoint could not finish"
    finally:
        conn.close()


def _set_immutable(path: Path, on: bool) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    try:
        flags = array.array("l", [0])
        fcntl.ioctl(fd, FS_IOC_GETFLAGS, flags, True)
        flags[0] = flags[0] | FS_IMMUTABLE_FL if on else flags[0] & ~FS_IMMUTABLE_FL
        fcntl.ioctl(fd, FS_IOC_SETFLAGS, flags, True)
    finally:
        os.close(fd)


class ReadOnly:
    """Make a folder and everything in it read-only for this user (root included)."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.paths: list[Path] = []
        self._modes: dict[Path, int] = {}

    def _all(self) -> Iterable[Path]:
        return [self.folder, *sorted(self.folder.rglob("*"))]

    def apply(self) -> None:
        for path in self._all():
            if os.geteuid() == 0:
                _set_immutable(path, True)
            else:
                mode = path.stat().st_mode
                self._modes[path] = mode
                writable = stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH
                path.chmod(stat.S_IMODE(mode) & ~writable)
            self.paths.append(path)

    def undo(self) -> None:
        for path in reversed(self.paths):
            if os.geteuid() == 0:
                _set_immutable(path, False)
            else:
                path.chmod(stat.S_IMODE(self._modes[path]))
        self.paths.clear()


@contextlib.contextmanager
def read_only(folder: Path) -> Iterator[ReadOnly]:
    state = ReadOnly(folder)
    state.apply()
    try:
        yield state
    finally:
        state.undo()


def prove_unwritable(folder: Path) -> None:
    """The folder really refuses this process: creating a file in it fails."""
    try:
        (Path(folder) / ".probe").write_bytes(b"x")
    except OSError:
        return
    raise AssertionError(f"{folder} is still writable")
