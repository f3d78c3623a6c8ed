"""Chinese working days: public holidays and make-up workdays (调休) count as they should.

The calendar comes from chinesecalendar, which knows only the years the State Council
has published. Reference data from the office can add years (``extend``). For a year
that neither knows, Monday–Friday are counted and the answer is marked as an estimate.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from types import ModuleType


def _chinese_calendar() -> ModuleType:
    """chinesecalendar, imported on first use: building its tables takes tens of ms, and
    only post-hoc deadlines need them (the desk's start-up validates prior filings)."""
    import chinese_calendar

    module: ModuleType = chinese_calendar
    return module


@dataclass(frozen=True)
class YearCalendar:
    """The exceptions of one year: holidays on weekdays and workdays on weekends."""

    holidays: frozenset[date] = field(default_factory=frozenset)
    workdays: frozenset[date] = field(default_factory=frozenset)


@dataclass(frozen=True)
class Deadline:
    day: date
    estimated: bool  # some day in the count fell in a year the calendar does not cover
    estimated_years: tuple[int, ...] = ()


class WorkCalendar:
    def __init__(self, extra: Mapping[int, YearCalendar] | None = None):
        self._extra: dict[int, YearCalendar] = dict(extra or {})

    def extend(self, years: Mapping[str | int, Mapping[str, Iterable[str]]]) -> None:
        """Add or replace years from reference data.

        ``{"2027": {"holidays": ["2027-01-01", ...], "workdays": ["2027-02-07", ...]}}``.
        A year given here takes precedence over chinesecalendar (a correction wins).
        """
        for year, spec in years.items():
            y = int(year)
            holidays = frozenset(date.fromisoformat(d) for d in spec.get("holidays", ()))
            workdays = frozenset(date.fromisoformat(d) for d in spec.get("workdays", ()))
            if any(d.year != y for d in holidays | workdays):
                raise ValueError(f"calendar for {y} lists a day of another year")
            self._extra[y] = YearCalendar(holidays, workdays)

    def covers(self, year: int) -> bool:
        if year in self._extra:
            return True
        try:
            _chinese_calendar().is_workday(date(year, 6, 1))
        except NotImplementedError:
            return False
        return True

    @property
    def extra_years(self) -> list[int]:
        return sorted(self._extra)

    def is_workday(self, day: date) -> tuple[bool, bool]:
        """(is a working day, is an estimate)."""
        extra = self._extra.get(day.year)
        if extra is not None:
            if day in extra.workdays:
                return True, False
            if day in extra.holidays:
                return False, False
            return day.weekday() < 5, False
        try:
            return _chinese_calendar().is_workday(day), False
        except NotImplementedError:
            return day.weekday() < 5, True

    def add_workdays(self, start: date, n: int) -> Deadline:
        """The n-th working day after ``start`` (``start`` itself not counted)."""
        if n < 1:
            raise ValueError("n must be at least 1")
        day, counted, estimated_years = start, 0, set()
        while counted < n:
            day += timedelta(days=1)
            ok, estimated = self.is_workday(day)
            if estimated:
                estimated_years.add(day.year)
            if ok:
                counted += 1
        return Deadline(day, bool(estimated_years), tuple(sorted(estimated_years)))

    def workdays_between(self, start: date, end: date) -> int:
        """How many working days lie in (start, end]; 0 if end <= start.

        Exact for the first year; beyond that Monday–Friday are counted, which is
        precise enough for "how late" and keeps absurd dates cheap.
        """
        count, day = 0, start
        exact_until = min(end, start + timedelta(days=366))
        while day < exact_until:
            day += timedelta(days=1)
            if self.is_workday(day)[0]:
                count += 1
        if end > exact_until:
            weeks, rest = divmod((end - exact_until).days, 7)
            count += weeks * 5
            count += sum(
                1 for i in range(1, rest + 1) if (exact_until + timedelta(days=i)).weekday() < 5
            )
        return count
