"""How values read on screen and paper: dates in Chinese, choices by their labels."""

from __future__ import annotations

from datetime import date, datetime

from forms.definition import FormDefinition
from forms.record import SHANGHAI


def datetime_text(value: datetime, definition: FormDefinition) -> str:
    """2026年12月1日 09:00, in Shanghai time, per the definition's format."""
    v = value.astimezone(SHANGHAI)
    return str(definition.paper["datetime_format"]).format(
        year=v.year, month=v.month, day=v.day, hour=v.hour, minute=v.minute
    )


def date_text(value: date) -> str:
    return f"{value.year}年{value.month}月{value.day}日"
