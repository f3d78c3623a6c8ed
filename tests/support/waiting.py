"""Waiting in tests on a condition, never for a fixed time.

    from tests.support.waiting import OutputLines, wait_until

    wait_until(port_answers, timeout=30, what="the office to answer")  # polls until then
    lines = OutputLines(process.stderr)  # a child's pipe, read as it comes
    lines.expect(lambda line: "listening" in line, timeout=30, what="the listening line")

Prefer a wait that is woken by the event itself: a line a process prints
(``OutputLines``), a socket becoming readable (``select``), a condition variable, a Qt
signal (``qtbot.waitSignal``). ``wait_until`` is for the conditions nothing announces —
a port that starts answering, a name appearing on a bus we do not own, a line in a log
file another process writes: it checks the condition every ``interval`` seconds until it
holds or the deadline passes, and then fails with ``NotInTimeError`` naming what it waited for.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from typing import IO, TypeVar

T = TypeVar("T")


class NotInTimeError(AssertionError):
    """What a test waited for did not happen before its deadline."""


def wait_until(
    condition: Callable[[], T], timeout: float, what: str, *, interval: float = 0.05
) -> T:
    """Check ``condition()`` until it returns something true, and return that; after
    ``timeout`` seconds raise ``NotInTimeError``. An exception from ``condition`` (a process
    that died meanwhile, say) is raised at once."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            raise NotInTimeError(f"{what}: not within {timeout:g} s")
        time.sleep(interval)  # the pace of the checks, bounded by the deadline


class OutputLines:
    """The lines a child process writes to one of its pipes, read by a thread as they come,
    so that a test can wait for a line instead of polling. ``seen`` holds every line read
    so far (without its line end); the pipe's end is noticed too."""

    def __init__(self, stream: IO[str]) -> None:
        self.seen: list[str] = []
        self._lines: queue.Queue[str | None] = queue.Queue()
        self._ended = False
        threading.Thread(target=self._read, args=(stream,), daemon=True).start()

    def _read(self, stream: IO[str]) -> None:
        for line in stream:
            self._lines.put(line.rstrip("\n"))
        self._lines.put(None)

    def _next(self, deadline: float, what: str) -> str | None:
        try:
            line = self._lines.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            so_far = self.text()
            raise NotInTimeError(f"{what}: not within the deadline; so far:\n{so_far}") from None
        if line is None:
            self._ended = True
        else:
            self.seen.append(line)
        return line

    def next_line(self, timeout: float, what: str) -> str | None:
        """The next line, or None once the pipe has ended; ``NotInTimeError`` after
        ``timeout`` seconds."""
        if self._ended:
            return None
        return self._next(time.monotonic() + timeout, what)

    def expect(self, predicate: Callable[[str], bool], timeout: float, what: str) -> str:
        """The next line for which ``predicate`` holds (lines before it are kept in
        ``seen``); ``NotInTimeError`` after ``timeout`` seconds or when the pipe ends first."""
        deadline = time.monotonic() + timeout
        while not self._ended:
            line = self._next(deadline, what)
            if line is not None and predicate(line):
                return line
        raise NotInTimeError(f"{what}: the output ended first:\n{self.text()}")

    def to_the_end(self, timeout: float) -> list[str]:
        """Every line, once the pipe has ended (the process closed it or exited)."""
        deadline = time.monotonic() + timeout
        while not self._ended:
            self._next(deadline, "the end of the output")
        return list(self.seen)

    def text(self) -> str:
        return "\n".join(self.seen)
