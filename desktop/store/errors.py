"""Turn SQLite and OS failures into the store's exceptions, with messages a clerk can act on.

Every write runs in one transaction; when it fails the transaction is rolled back and
the exception raised here says what happened in Chinese. The original error is chained
(``raise ... from``) for the log file, never shown to the clerk as is.
"""

from __future__ import annotations

import errno
import sqlite3

from desktop.store.api import StoreCode, StoreError, StoreFull

# Primary result codes (the low byte of an extended code); see sqlite.org/rescode.html.
SQLITE_BUSY = 5
SQLITE_LOCKED = 6
SQLITE_NOMEM = 7
SQLITE_READONLY = 8
SQLITE_IOERR = 10
SQLITE_CORRUPT = 11
SQLITE_FULL = 13
SQLITE_CANTOPEN = 14
SQLITE_NOTADB = 26

DISK_FULL_MESSAGE = (
    "磁盘空间不足，刚才的修改没有保存（之前保存的内容都还在）。"
    "请清理磁盘或把数据文件夹移到空间充足的磁盘后再试。"
)
READ_ONLY_MESSAGE = (
    "数据文件夹是只读的，刚才的修改没有保存（之前保存的内容都还在）。"
    "请检查数据文件夹的权限，或确认磁盘没有被设为只读后再试。"
)
IO_ERROR_MESSAGE = (
    "写入数据文件时出错（磁盘故障、空间不足或文件被其他程序锁定），刚才的修改没有保存"
    "（之前保存的内容都还在）。请检查磁盘后再试。"
)
BUSY_MESSAGE = "数据文件正被另一个程序占用，刚才的修改没有保存。请稍后再试。"
DAMAGED_MESSAGE = "数据文件已损坏，无法继续读写。请关闭程序后重新打开，按提示从备份恢复。"

_FULL_ERRNOS = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC), errno.EFBIG}
_READ_ONLY_ERRNOS = {errno.EROFS, errno.EACCES, errno.EPERM}


def primary_code(exc: sqlite3.Error) -> int | None:
    code = getattr(exc, "sqlite_errorcode", None)
    return None if code is None else code & 0xFF


def is_damage(exc: BaseException) -> bool:
    return isinstance(exc, sqlite3.DatabaseError) and primary_code(exc) in (
        SQLITE_CORRUPT,
        SQLITE_NOTADB,
    )


def translate(exc: BaseException) -> BaseException:
    """The store exception for ``exc``, or ``exc`` itself when it is not a storage failure."""
    if isinstance(exc, StoreError):
        return exc
    if isinstance(exc, OSError):
        if exc.errno in _FULL_ERRNOS:
            return StoreFull(DISK_FULL_MESSAGE, code=StoreCode.DISK_FULL)
        if exc.errno in _READ_ONLY_ERRNOS:
            return StoreFull(READ_ONLY_MESSAGE, code=StoreCode.READ_ONLY)
        return StoreFull(IO_ERROR_MESSAGE, code=StoreCode.IO_ERROR)
    if isinstance(exc, sqlite3.Error):
        code = primary_code(exc)
        if code == SQLITE_FULL:
            return StoreFull(DISK_FULL_MESSAGE, code=StoreCode.DISK_FULL)
        if code in (SQLITE_READONLY, SQLITE_CANTOPEN):
            return StoreFull(READ_ONLY_MESSAGE, code=StoreCode.READ_ONLY)
        if code in (SQLITE_IOERR, SQLITE_NOMEM):
            return StoreFull(IO_ERROR_MESSAGE, code=StoreCode.IO_ERROR)
        if code in (SQLITE_BUSY, SQLITE_LOCKED):
            return StoreError(BUSY_MESSAGE, code=StoreCode.BUSY)
        if code in (SQLITE_CORRUPT, SQLITE_NOTADB):
            return StoreError(DAMAGED_MESSAGE, code=StoreCode.DAMAGED)
    return exc
