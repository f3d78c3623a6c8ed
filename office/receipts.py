"""Receipt numbers: the office's own series, 潭优备〔YEAR〕NNNNNN号, one series per year.

A number is taken inside the transaction that stores the filing revision it belongs
to: if that transaction rolls back, nobody ever saw the number; once it commits, the
series has moved past it for good (and the filings table's UNIQUE constraints refuse a
second use).
"""

from __future__ import annotations

import re

from sqlite_utils import Database

PATTERN = re.compile(r"潭优备〔(\d{4})〕(\d{6})号")


def format_receipt(year: int, number: int) -> str:
    return f"潭优备〔{year}〕{number:06d}号"


def parse_receipt(text: str) -> tuple[int, int] | None:
    m = PATTERN.fullmatch(text)
    return (int(m.group(1)), int(m.group(2))) if m else None


def take_next(db: Database, year: int) -> tuple[int, str]:
    """The next number of ``year``'s series (call inside a write transaction)."""
    db.execute(
        "INSERT INTO receipt_series (year, last) VALUES (?, 1) "
        "ON CONFLICT (year) DO UPDATE SET last = last + 1",
        [year],
    )
    number = db.execute("SELECT last FROM receipt_series WHERE year = ?", [year]).fetchone()[0]
    return number, format_receipt(year, number)
