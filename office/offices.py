"""Offices (市县两级): the city's optimization office and each county-level office.

An office has its division code (430300 湘潭市; 430302 雨湖区 …), a name, a parent (the
city, for a county), and its own receipt prefix and yearly series. A unit files with
exactly one office (``units``); its filings land there. The city sees its counties'
filings read-only; reviews, returns and tokens stay with the office that holds them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, func, select

from forms.normalize import single_line
from forms.record import format_timestamp, now
from office import audit
from office.errors import OfficeError
from office.staff import Actor, require
from office.tables import offices, units

CODE_RE = re.compile(r"\d{6}")
MAX_NAME_LENGTH = 50
MAX_PREFIX_LENGTH = 10


@dataclass(frozen=True)
class Office:
    code: str
    name: str
    parent: str | None
    prefix: str

    def row(self) -> dict[str, Any]:
        return {"code": self.code, "name": self.name, "parent": self.parent, "prefix": self.prefix}


def _office(row: Any) -> Office:
    return Office(row.code, row.name, row.parent, row.prefix)


def get(db: Connection, code: str) -> Office | None:
    row = db.execute(select(offices).where(offices.c.code == code)).first()
    return _office(row) if row else None


def all_offices(db: Connection) -> list[Office]:
    return [_office(r) for r in db.execute(select(offices).order_by(offices.c.code))]


def parents(db: Connection) -> dict[str, str | None]:
    return {r.code: r.parent for r in db.execute(select(offices.c.code, offices.c.parent))}


def resolve(db: Connection, code: str | None) -> Office:
    """The office named by ``code``; with none given, the only one there is."""
    if code is not None:
        code = code.strip()
        found = get(db, code)
        if found is None:
            raise OfficeError(f"没有代码为 {code} 的办公室（beian-office office list 可查看）。")
        return found
    every = all_offices(db)
    if len(every) == 1:
        return every[0]
    if not every:
        raise OfficeError("还没有设立任何办公室，请先运行 beian-office office create。")
    raise OfficeError("本服务有多个办公室，请用 --office 指定代码（beian-office office list）。")


def in_reach(db: Connection, code: str) -> list[str]:
    """``code`` and the offices below it: what that office may read."""
    below = db.execute(select(offices.c.code).where(offices.c.parent == code)).scalars()
    return [code, *below]


def create(
    db: Connection,
    actor: Actor,
    *,
    code: str,
    name: str,
    prefix: str,
    parent: str | None = None,
) -> Office:
    """Set up an office (inside a write transaction)."""
    require(actor, "office", None)
    code, name, prefix = code.strip(), single_line(name), single_line(prefix)
    if not CODE_RE.fullmatch(code):
        raise OfficeError("办公室代码应为 6 位行政区划代码，例如 430302。")
    if not name or len(name) > MAX_NAME_LENGTH:
        raise OfficeError(f"办公室名称不能为空，最多 {MAX_NAME_LENGTH} 个字。")
    if not prefix or len(prefix) > MAX_PREFIX_LENGTH or any(c in prefix for c in "〔〕号"):
        raise OfficeError(
            f"回执前缀不能为空，最多 {MAX_PREFIX_LENGTH} 个字，且不含“〔”“〕”“号”，例如 雨优备。"
        )
    if get(db, code) is not None:
        raise OfficeError(f"代码为 {code} 的办公室已经存在。")
    taken = db.execute(select(offices.c.code).where(offices.c.prefix == prefix)).scalar()
    if taken is not None:
        raise OfficeError(f"回执前缀“{prefix}”已由办公室 {taken} 使用，每个办公室的前缀须不同。")
    if parent is not None:
        parent = parent.strip()
        upper = get(db, parent)
        if upper is None:
            raise OfficeError(f"上级办公室 {parent} 不存在。")
        if upper.parent is not None:
            raise OfficeError("办公室只分市、县两级：上级办公室应为市级办公室。")
    db.execute(
        offices.insert().values(
            code=code, name=name, parent=parent, prefix=prefix, created_at=format_timestamp(now())
        )
    )
    audit.record(
        db, actor, "office_created", code, office=code, name=name, prefix=prefix, parent=parent
    )
    return Office(code, name, parent, prefix)


def unit_office(db: Connection, unit: str) -> str | None:
    return db.execute(select(units.c.office).where(units.c.name == unit)).scalar()


def assign_unit(db: Connection, unit: str, office: str) -> None:
    """Record that ``unit`` files with ``office`` (a unit files with one office only)."""
    held = unit_office(db, unit)
    if held is None:
        db.execute(
            units.insert().values(name=unit, office=office, created_at=format_timestamp(now()))
        )
    elif held != office:
        raise OfficeError(f"单位“{unit}”已属于办公室 {held}，一个单位只向一个办公室备案。")


def count(db: Connection) -> int:
    return int(db.execute(select(func.count()).select_from(offices)).scalar_one())
