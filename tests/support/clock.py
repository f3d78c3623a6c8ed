"""A settable clock for code that takes a ``clock`` callable (the store, sync)."""

from __future__ import annotations

from datetime import datetime, timedelta

T0 = datetime.fromisoformat("2026-11-27T09:00:00+08:00")


class Clock:
    """Returns ``now``; tests move it forward (edits coalesce by time, backups are daily)."""

    def __init__(self, start: datetime = T0):
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)
