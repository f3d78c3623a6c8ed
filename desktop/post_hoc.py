"""Decisions for 事后补报 in the editor: where an empty time box starts, and how the
deadline reads (还剩 N 个工作日 / 已逾期 N 个工作日). Plain Python, no Qt."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from forms.workdays import WorkCalendar

MORNING = 9
AFTERNOON = 17


def default_start(kind: str, now: datetime) -> datetime:
    """Where an empty start time starts when the clerk first touches it.

    A prior filing is for an inspection still to come: tomorrow 09:00. A post-hoc one
    reports an inspection already made: today 09:00 if that has passed, else yesterday's.
    """
    morning = now.replace(hour=MORNING, minute=0, second=0, microsecond=0)
    if kind == "post_hoc":
        return morning if morning <= now else morning - timedelta(days=1)
    return morning + timedelta(days=1)


def default_end(kind: str, start: datetime | None, now: datetime) -> datetime:
    """Where an empty end time starts: the start's afternoon (for a post-hoc filing never
    later than now, since the inspection is over)."""
    if start is None:
        start = default_start(kind, now)
    end = start.replace(hour=AFTERNOON, minute=0, second=0, microsecond=0)
    if end <= start:
        end = start + timedelta(hours=1)
    if kind == "post_hoc" and end > now > start:
        end = now.replace(second=0, microsecond=0)
    return end


@dataclass(frozen=True)
class DeadlineStatus:
    """How a post-hoc deadline stands on a day: ``left`` working days after today until it
    (0: it is today), or ``overdue`` working days past it."""

    left: int = 0
    overdue: int = 0

    @property
    def is_overdue(self) -> bool:
        return self.overdue > 0


def deadline_status(deadline: date, today: date, calendar: WorkCalendar) -> DeadlineStatus:
    """The count the rules use for lateness (``post_hoc_late``), seen from ``today``."""
    if today > deadline:
        return DeadlineStatus(overdue=max(calendar.workdays_between(deadline, today), 1))
    return DeadlineStatus(left=calendar.workdays_between(today, deadline))
