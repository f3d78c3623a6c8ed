"""Run long work off the UI thread and report back through Qt signals.

Long work (rendering a PDF, importing a roster, later syncing) is written as plain Python:
a function, or a generator function that yields ``(percent, text)`` while it works and
``return``s its result. ``run_in_background`` runs it on ``QThreadPool.globalInstance()``
and hands back a ``Job`` whose signals arrive on the UI thread, so the work itself never
imports Qt and never touches a widget.
"""

from __future__ import annotations

import inspect
import logging
import threading
import traceback
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QRunnable, QThreadPool, Signal, Slot

log = logging.getLogger(__name__)

# Jobs stay referenced here until they end, so a caller may drop its own reference and
# the signals still reach their slots.
_running: set[Job] = set()
_running_lock = threading.Lock()


class Job(QObject):
    """The UI-thread face of one piece of background work."""

    progress = Signal(int, str)  # percent 0-100, Chinese text for the clerk
    finished = Signal(object)  # the result
    failed = Signal(str, str)  # Chinese message for the clerk, technical details for the log

    # Private relays: emitted from the worker thread, delivered queued on the Job's thread.
    _progress_from_worker = Signal(int, str)
    _finished_from_worker = Signal(object)
    _failed_from_worker = Signal(str, str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._done = False
        self._progress_from_worker.connect(self._relay_progress)
        self._finished_from_worker.connect(self._relay_finished)
        self._failed_from_worker.connect(self._relay_failed)

    def is_done(self) -> bool:
        """True once ``finished`` or ``failed`` has been emitted."""
        return self._done

    @Slot(int, str)
    def _relay_progress(self, percent: int, text: str) -> None:
        if not self._done:
            self.progress.emit(percent, text)

    @Slot(object)
    def _relay_finished(self, result: object) -> None:
        self._done = True
        try:
            self.finished.emit(result)
        finally:
            _forget(self)

    @Slot(str, str)
    def _relay_failed(self, message: str, details: str) -> None:
        self._done = True
        try:
            self.failed.emit(message, details)
        finally:
            _forget(self)


def _forget(job: Job) -> None:
    with _running_lock:
        _running.discard(job)


def failure_message(exc: BaseException) -> str:
    """A Chinese message the clerk can act on for an exception raised by background work.

    Exceptions that carry a clerk-facing message (``clerk_message`` attribute) keep it.
    """
    custom = getattr(exc, "clerk_message", None)
    if isinstance(custom, str) and custom:
        return custom
    if isinstance(exc, MemoryError):
        return QCoreApplication.translate(
            "Workers", "内存不足，操作没有完成。请关闭其他程序后重试。"
        )
    if isinstance(exc, PermissionError):
        return QCoreApplication.translate(
            "Workers", "没有权限读写所需的文件。请检查文件是否被其他程序占用，或换一个位置后重试。"
        )
    if isinstance(exc, FileNotFoundError):
        return QCoreApplication.translate(
            "Workers", "找不到所需的文件。请确认文件仍在原来的位置后重试。"
        )
    if isinstance(exc, OSError):
        return QCoreApplication.translate(
            "Workers", "读写文件时出错。请检查磁盘空间和文件位置后重试。"
        )
    return QCoreApplication.translate(
        "Workers",
        "操作没有完成。请重试；如果仍然出错，请把数据文件夹中 logs 里的日志发给技术支持。",
    )


class _Runner(QRunnable):
    def __init__(self, job: Job, fn, args: tuple, kwargs: dict) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._job = job
        self._fn = fn
        self._args = args
        self._kwargs = kwargs

    def run(self) -> None:  # runs on a pool thread
        job = self._job
        try:
            result = self._fn(*self._args, **self._kwargs)
            if inspect.isgenerator(result):
                result = _drain(result, job)
        except BaseException as exc:  # every failure must reach the clerk, never the pool
            details = "".join(traceback.format_exception(exc))
            log.error("background job %r failed:\n%s", _name(self._fn), details)
            job._failed_from_worker.emit(failure_message(exc), details)
            return
        job._finished_from_worker.emit(result)


def _drain(generator, job: Job) -> Any:
    while True:
        try:
            item = next(generator)
        except StopIteration as stop:
            return stop.value
        percent, text = _progress_item(item)
        job._progress_from_worker.emit(percent, text)


def _progress_item(item: Any) -> tuple[int, str]:
    try:
        percent, text = item
    except (TypeError, ValueError):
        return 0, str(item)
    try:
        value = int(percent)
    except (TypeError, ValueError):
        value = 0
    return max(0, min(100, value)), str(text)


def _name(fn) -> str:
    return getattr(fn, "__qualname__", None) or repr(fn)


def run_in_background(fn, *args, **kwargs) -> Job:
    """Run ``fn(*args, **kwargs)`` on the global thread pool; return its ``Job``.

    If ``fn`` returns a generator, each yielded ``(percent, text)`` becomes ``progress``
    and the generator's return value becomes ``finished``. Any exception becomes
    ``failed(message, details)``. Signals arrive on the thread that called this function
    (the UI thread). Connect to the Job's signals right after this call returns: they are
    delivered through the event loop, never before control goes back to it.
    """
    job = Job()
    with _running_lock:
        _running.add(job)
    QThreadPool.globalInstance().start(_Runner(job, fn, args, kwargs))
    return job


def running_jobs() -> int:
    """How many jobs have not yet finished or failed (for a clean shutdown)."""
    with _running_lock:
        return len(_running)
