"""Receipt numbers: each office's own series, {prefix}〔YEAR〕NNNNNN号, one per year.

A number is taken inside the transaction that stores the filing revision it belongs
to, with the office's series row locked for that transaction:

- the row lock (``SELECT … FOR UPDATE`` on PostgreSQL; on SQLite the database's write
  lock, taken by ``BEGIN IMMEDIATE``) makes every other taker of the same office and
  year wait until this transaction ends, so two transactions never read the same
  ``last``;
- if the transaction rolls back, its increment rolls back with it: nobody ever saw the
  number and the next taker gets it (no gap); once it commits, the series has moved past
  it for good;
- the filings table's UNIQUE constraints (the receipt, and office + year + number)
  refuse a second use even if a series were set back by hand.
"""

from __future__ import annotations

import re

from sqlalchemy import Connection, select, update
from sqlalchemy.exc import IntegrityError

from office.tables import receipt_series

PATTERN = re.compile(r"(.{1,10}?)〔(\d{4})〕(\d{6})号")


def format_receipt(prefix: str, year: int, number: int) -> str:
    return f"{prefix}〔{year}〕{number:06d}号"


def parse_receipt(text: str) -> tuple[int, int] | None:
    """(year, number) of a receipt of any office."""
    m = PATTERN.fullmatch(text)
    return (int(m.group(2)), int(m.group(3))) if m else None


def lock_series(db: Connection, office: str, year: int) -> int:
    """Lock ``office``'s series of ``year`` for this transaction (creating it at 0);
    returns the last number issued. Call first in a write transaction that may take a
    number, so that concurrent submissions to the office are decided one after another."""
    where = (receipt_series.c.office == office) & (receipt_series.c.year == year)
    query = select(receipt_series.c.last).where(where).with_for_update()
    last = db.execute(query).scalar_one_or_none()
    if last is not None:
        return int(last)
    try:
        with db.begin_nested():
            db.execute(receipt_series.insert().values(office=office, year=year, last=0))
    except IntegrityError:
        pass  # another worker created it meanwhile: lock theirs
    return int(db.execute(query).scalar_one())


def take_next(db: Connection, office: str, prefix: str, year: int) -> tuple[int, str]:
    """The next number of ``office``'s series of ``year`` (inside a write transaction)."""
    lock_series(db, office, year)
    where = (receipt_series.c.office == office) & (receipt_series.c.year == year)
    number = db.execute(
        update(receipt_series)
        .where(where)
        .values(last=receipt_series.c.last + 1)
        .returning(receipt_series.c.last)
    ).scalar_one()
    return int(number), format_receipt(prefix, year, int(number))
