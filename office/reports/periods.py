"""Reporting periods: a quarter (2026Q3), a month (2026-07), a year (2026) or a range
of days (2026-07-01..2026-08-15), always in Shanghai days, end exclusive."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from office.errors import OfficeError

_QUARTER = re.compile(r"(\d{4})[Qq]([1-4])")
_MONTH = re.compile(r"(\d{4})-(\d{1,2})")
_YEAR = re.compile(r"\d{4}")
_RANGE = re.compile(r"(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})")
MAX_RANGE_DAYS = 3 * 366


@dataclass(frozen=True)
class Period:
    start: date  # the first day
    end: date  # the day after the last
    label: str  # for people: 2026年第三季度

    def contains(self, day: date) -> bool:
        return self.start <= day < self.end

    @property
    def last(self) -> date:
        return self.end - timedelta(days=1)

    def months(self) -> list[str]:
        """Every month the period touches, as YYYY-MM."""
        out: list[str] = []
        y, m = self.start.year, self.start.month
        while date(y, m, 1) < self.end:
            out.append(f"{y:04d}-{m:02d}")
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        return out


def _next_month(y: int, m: int) -> date:
    return date(y + 1, 1, 1) if m == 12 else date(y, m + 1, 1)


def parse(text: str) -> Period:
    """The period named by ``text``; OfficeError in Chinese when it names none."""
    given = text.strip()
    if m := _QUARTER.fullmatch(given):
        y, q = int(m[1]), int(m[2])
        start = date(y, 3 * q - 2, 1)
        return Period(start, _next_month(y, 3 * q), f"{y}年第{'一二三四'[q - 1]}季度")
    if m := _MONTH.fullmatch(given):
        y, mo = int(m[1]), int(m[2])
        if not 1 <= mo <= 12:
            raise OfficeError(f"月份“{given}”无效，应为 1 至 12 月，例如 2026-07。")
        return Period(date(y, mo, 1), _next_month(y, mo), f"{y}年{mo}月")
    if _YEAR.fullmatch(given):
        y = int(given)
        return Period(date(y, 1, 1), date(y + 1, 1, 1), f"{y}年")
    if m := _RANGE.fullmatch(given):
        try:
            first, last = date.fromisoformat(m[1]), date.fromisoformat(m[2])
        except ValueError:
            raise OfficeError(f"日期范围“{given}”中的日期无效。") from None
        if last < first:
            raise OfficeError("日期范围的结束日期早于开始日期。")
        if (last - first).days > MAX_RANGE_DAYS:
            raise OfficeError("日期范围最长三年。")
        return Period(first, last + timedelta(days=1), f"{first.isoformat()} 至 {last.isoformat()}")
    raise OfficeError(
        f"统计期间“{given[:30]}”无法识别：请写成季度 2026Q3、月份 2026-07、年份 2026，"
        "或日期范围 2026-07-01..2026-08-15。"
    )
