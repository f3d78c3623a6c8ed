"""What the desk says about a filing in one line, decided once (no Qt here).

- ``enterprise_name``: the inspected enterprise's name as the clerk typed it ('' if none).
- ``summary_of``: a stored filing as one row of the list — the same values the store
  writes into its list columns (``desktop.store.search.summary``), so a row refreshed
  after an autosave reads exactly as it will after a reload.
- ``post_hoc_due``: where a post-hoc filing stands against its deadline (the inspection's
  last day plus N working days, as ``forms.rules`` counts it): 还剩 N 个工作日 or
  已逾期 N 个工作日.
- ``due_soon_query``: the list query for post-hoc filings not yet submitted whose deadline
  is within one working day or past (the list's filter and the start-up reminder).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from desktop.post_hoc import deadline_status
from desktop.store.api import DRAFT, READY, RETURNED, FilingRow, FilingSummary, ListQuery
from desktop.store.search import summary
from forms.workdays import WorkCalendar

POST_HOC = "post_hoc"
PRIOR = "prior"
# Post-hoc filings whose deadline still matters: the clerk has not submitted them (or the
# office returned them). Once queued, the desk has done its part.
PENDING = (DRAFT, READY, RETURNED)
SOON_WORKDAYS = 1  # "due soon": the deadline is at most this many working days away


def enterprise_name(filing: dict[str, Any]) -> str:
    """The enterprise's name in ``filing``; '' when missing or not text."""
    enterprise = filing.get("enterprise")
    if not isinstance(enterprise, dict):
        return ""
    name = enterprise.get("name")
    return name.strip() if isinstance(name, str) else ""


def summary_of(row: FilingRow) -> FilingSummary:
    """The list's row for a stored filing, as the store's list would give it."""
    columns = summary(row.filing)
    return FilingSummary(
        id=row.id,
        revision=row.revision,
        status=row.status,
        enterprise=columns["enterprise"],
        uscc=columns["uscc"],
        lead_unit=columns["lead_unit"],
        inspection_start=columns["inspection_start"],
        receipt=row.receipt,
        updated_at=row.updated_at,
        kind=columns["kind"],
        inspection_end_date=columns["inspection_end_date"],
    )


@dataclass(frozen=True)
class PostHocDue:
    deadline: date
    left: int  # working days after today up to the deadline (0: today is the last day)
    overdue: int  # working days past the deadline (0: not overdue)
    estimated: bool  # the calendar did not know some year of the count

    @property
    def soon(self) -> bool:
        """Due within SOON_WORKDAYS working days, or overdue."""
        return self.overdue > 0 or self.left <= SOON_WORKDAYS


def post_hoc_due(end: date, today: date, calendar: WorkCalendar, working_days: int) -> PostHocDue:
    """The deadline of a post-hoc filing whose inspection ended on ``end``, seen ``today``."""
    deadline = calendar.add_workdays(end, working_days)
    status = deadline_status(deadline.day, today, calendar)  # the editor's count too
    return PostHocDue(deadline.day, status.left, status.overdue, deadline.estimated)


def summary_due(
    s: FilingSummary, today: date, calendar: WorkCalendar, working_days: int
) -> PostHocDue | None:
    """``post_hoc_due`` for a list row; None for a prior filing or an unknown end."""
    if s.kind != POST_HOC or not s.inspection_end_date:
        return None
    try:
        end = date.fromisoformat(s.inspection_end_date)
    except ValueError:
        return None
    return post_hoc_due(end, today, calendar, working_days)


def latest_end_due_soon(today: date, calendar: WorkCalendar, working_days: int) -> date:
    """The latest inspection end whose deadline falls within SOON_WORKDAYS of ``today``
    (every earlier end is due sooner: deadlines never go backwards as ends go forward)."""
    limit = calendar.add_workdays(today, SOON_WORKDAYS).day
    end = limit
    while calendar.add_workdays(end, working_days).day > limit:
        end -= timedelta(days=1)
    return end


def due_soon_query(
    today: date, calendar: WorkCalendar, working_days: int, base: ListQuery | None = None
) -> ListQuery:
    """``base`` narrowed to pending post-hoc filings due within a working day or overdue."""
    return dataclasses.replace(
        base or ListQuery(),
        kinds=(POST_HOC,),
        statuses=PENDING,
        ended_by=latest_end_due_soon(today, calendar, working_days),
    )
