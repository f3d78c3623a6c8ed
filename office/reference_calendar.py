"""The holiday calendar (节假日安排) of the reference data, as the office's admin reads and
loads it: one year at a time, from chinesecalendar when it knows the year (the State
Council's notices up to the package's last year), or from dates typed in.

A year's spec is what ``reference.check`` takes: ``{"holidays": [...], "workdays": [...]}``
(ISO dates; workdays are the make-up working days, 调休上班). Typed dates may be written
2027-01-01, 2027/1/1, 2027年1月1日 or 1月1日 (the year being loaded), and a run of days as
``10月1日至7日`` or ``2027-10-01~2027-10-07``; every date that cannot be read, or falls
outside the year, is a problem in Chinese and the year cannot be loaded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from forms import normalize

WEEKDAYS = "一二三四五六日"
MIN_YEAR, MAX_YEAR = 2000, 2100  # as reference.check accepts
MAX_TYPED_CHARS = 5000
MAX_RUN_DAYS = 31  # no holiday runs longer than a month
MAX_PROBLEMS = 20


@dataclass(frozen=True)
class Period:
    """A run of consecutive holidays, as the page shows it."""

    first: date
    last: date
    name: str  # the holiday's Chinese name when chinesecalendar knows it, else ""

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    @property
    def text(self) -> str:
        if self.first == self.last:
            return day_text(self.first)
        return f"{day_text(self.first)} 至 {day_text(self.last)}"


@dataclass(frozen=True)
class YearView:
    year: int
    holidays: list[Period]
    workdays: list[date]

    @property
    def holiday_count(self) -> int:
        return sum(p.days for p in self.holidays)

    @property
    def workday_texts(self) -> list[str]:
        return [day_text(d) for d in self.workdays]


@dataclass
class TypedYear:
    """A year's dates as typed, checked: the spec to load, or the problems."""

    year: int | None
    spec: dict[str, list[str]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def day_text(day: date) -> str:
    return f"{day.month}月{day.day}日（周{WEEKDAYS[day.weekday()]}）"


# --- chinesecalendar ------------------------------------------------------------------------


def _package() -> Any:
    import chinese_calendar

    return chinese_calendar


def package_years() -> tuple[int, int]:
    """The first and last year chinesecalendar knows."""
    constants = _package().constants
    days = list(constants.holidays) + list(constants.workdays)
    return min(days).year, max(days).year


def from_package(year: int) -> dict[str, list[str]] | None:
    """The year's holidays and make-up workdays as chinesecalendar has them, or None
    when the package does not know the year."""
    first, last = package_years()
    if not first <= year <= last:
        return None
    constants = _package().constants
    return {
        "holidays": sorted(d.isoformat() for d in constants.holidays if d.year == year),
        "workdays": sorted(d.isoformat() for d in constants.workdays if d.year == year),
    }


def _holiday_name(day: date) -> str:
    try:
        known, name = _package().get_holiday_detail(day)
    except NotImplementedError:  # a year the package does not know
        return ""
    if not known or name is None:
        return ""
    holiday = getattr(_package().Holiday, _HOLIDAY_KEYS.get(name, ""), None)
    return str(holiday.chinese) if holiday is not None else ""


_HOLIDAY_KEYS = {
    "New Year's Day": "new_years_day",
    "Spring Festival": "spring_festival",
    "Tomb-sweeping Day": "tomb_sweeping_day",
    "Labour Day": "labour_day",
    "Dragon Boat Festival": "dragon_boat_festival",
    "National Day": "national_day",
    "Mid-autumn Festival": "mid_autumn_festival",
    "Anti-Fascist 70th Day": "anti_fascist_70th_day",
}


# --- showing a year -------------------------------------------------------------------------


def view(year: int, spec: dict[str, list[str]]) -> YearView:
    """The year's holidays as runs of days (named when chinesecalendar knows them) and
    its make-up workdays."""
    days = sorted(date.fromisoformat(d) for d in spec.get("holidays", []))
    periods: list[Period] = []
    for day in days:
        if periods and periods[-1].last + timedelta(days=1) == day:
            last = periods[-1]
            periods[-1] = Period(last.first, day, last.name or _holiday_name(day))
        else:
            periods.append(Period(day, day, _holiday_name(day)))
    workdays = sorted(date.fromisoformat(d) for d in spec.get("workdays", []))
    return YearView(year, periods, workdays)


def diff(current: dict[str, list[str]] | None, new: dict[str, list[str]]) -> dict[str, list[str]]:
    """Days the new spec adds and removes against the year as loaded now (as texts)."""
    old = current or {"holidays": [], "workdays": []}
    out: dict[str, list[str]] = {}
    for key in ("holidays", "workdays"):
        before, after = set(old.get(key, [])), set(new.get(key, []))
        out[f"{key}_added"] = [day_text(date.fromisoformat(d)) for d in sorted(after - before)]
        out[f"{key}_removed"] = [day_text(date.fromisoformat(d)) for d in sorted(before - after)]
    return out


# --- typed dates ----------------------------------------------------------------------------

_SPLIT_RE = re.compile(r"[\s,，、;；]+")
_RANGE_RE = re.compile(r"^(.+?)(?:至|到|~|～|—|–|--)(.+)$")
_FULL_RE = (
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
)
_MONTH_DAY_RE = re.compile(r"^(\d{1,2})月(\d{1,2})日?$")
_DAY_RE = re.compile(r"^(\d{1,2})日?$")


def _one_date(text: str, year: int, month: int | None) -> date | None:
    """A date as typed; a bare month and day are of ``year``, a bare day (the end of a
    run such as 10月1日至7日) of ``month``."""
    for pattern in _FULL_RE:
        m = pattern.match(text)
        if m:
            y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
            break
    else:
        m = _MONTH_DAY_RE.match(text)
        if m:
            y, mo, d = year, int(m.group(1)), int(m.group(2))
        else:
            m = _DAY_RE.match(text)
            if not m or month is None:
                return None
            y, mo, d = year, month, int(m.group(1))
    try:
        return date(y, mo, d)
    except ValueError:
        return None


def parse_days(text: str, year: int, label: str) -> tuple[list[str], list[str]]:
    """The days typed in ``text`` (ISO) and the problems, in Chinese."""
    days: set[date] = set()
    problems: list[str] = []
    for token in _SPLIT_RE.split(normalize.nfkc(text).strip()):
        if not token:
            continue
        shown = token[:30]
        m = _RANGE_RE.match(token)
        if m:
            first = _one_date(m.group(1), year, None)
            last = _one_date(m.group(2), year, first.month if first else None)
            if first is None or last is None:
                problems.append(f"{label}中的“{shown}”无法识别为日期段（可写作 10月1日至7日）")
                continue
            if last < first or (last - first).days >= MAX_RUN_DAYS:
                problems.append(f"{label}中的“{shown}”起止日期不对（结束早于开始，或超过一个月）")
                continue
            run = [first + timedelta(days=i) for i in range((last - first).days + 1)]
        else:
            one = _one_date(token, year, None)
            if one is None:
                problems.append(
                    f"{label}中的“{shown}”不是有效日期（可写作 {year}-01-01 或 1月1日）"
                )
                continue
            run = [one]
        outside = [d for d in run if d.year != year]
        if outside:
            problems.append(f"{label}中的“{shown}”不在 {year} 年内")
            continue
        days.update(run)
    return sorted(d.isoformat() for d in days), problems[:MAX_PROBLEMS]


def parse_year(year_text: str) -> int | None:
    text = normalize.nfkc(year_text).strip().removesuffix("年")
    if text.isdigit() and MIN_YEAR <= int(text) <= MAX_YEAR:
        return int(text)
    return None


def typed(year_text: str, holidays_text: str, workdays_text: str) -> TypedYear:
    """A year typed into the form: its holidays and make-up workdays, checked."""
    year = parse_year(year_text)
    if year is None:
        return TypedYear(None, problems=[f"年份应为 {MIN_YEAR} 到 {MAX_YEAR} 之间的四位数字。"])
    if len(holidays_text) + len(workdays_text) > MAX_TYPED_CHARS:
        return TypedYear(year, problems=[f"填写的日期过多（最多 {MAX_TYPED_CHARS} 个字符）。"])
    holidays, problems = parse_days(holidays_text, year, "假日")
    workdays, more = parse_days(workdays_text, year, "调休上班日")
    problems += more
    both = sorted(set(holidays) & set(workdays))
    if both:
        shown = "、".join(day_text(date.fromisoformat(d)) for d in both[:5])
        problems.append(f"{shown} 既填在假日中又填在调休上班日中")
    if not holidays and not problems:
        problems.append(f"没有填写 {year} 年的假日。")
    return TypedYear(year, {"holidays": holidays, "workdays": workdays}, problems)


def as_text(days: list[str]) -> str:
    """Days as the form shows them again (one run per line), for editing a loaded year."""
    parsed = sorted(date.fromisoformat(d) for d in days)
    lines: list[str] = []
    start = prev = None
    for day in [*parsed, None]:
        if day is not None and prev is not None and prev + timedelta(days=1) == day:
            prev = day
            continue
        if start is not None and prev is not None:
            lines.append(
                start.isoformat() if start == prev else f"{start.isoformat()}至{prev.isoformat()}"
            )
        start = prev = day
    return "\n".join(lines)
