"""Each unit's annual 双随机 plan (潭优发〔2024〕2号 measure 2: filed by the end of March).

``PUT /api/v1/plans/{year}`` replaces the unit's plan for that year whole; the office
keeps when it first arrived (a plan first registered after 31 March of its year is
late) and when it was last replaced. Filings cite a plan item by its ``ref``
(``plan_ref``); ``office.crosscheck`` flags a prior filing that cites none.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, select

from forms import identifiers, normalize
from forms.record import SHANGHAI, format_timestamp
from office.errors import Refusal
from office.tables import plans

MAX_ITEMS = 2000
MAX_REF = 64
MAX_MATTER = 200
MAX_SCOPE = 1000
MAX_ENTERPRISES = 1000
DEADLINE = (3, 31)  # month, day: a plan first registered after this is late


@dataclass(frozen=True)
class Plan:
    unit: str
    year: int
    items: list[dict[str, Any]]
    arrived_at: str
    updated_at: str
    late: bool

    def answer(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "items": self.items,
            "arrived_at": self.arrived_at,
            "updated_at": self.updated_at,
            "late": self.late,
        }


def _bad(message: str) -> Refusal:
    return Refusal(422, "invalid_plan", message)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def check_year(text: str) -> int:
    if not (text.isascii() and text.isdigit() and len(text) == 4 and 2000 <= int(text) <= 2100):
        raise Refusal(400, "bad_request", "年份无效，应为 2000 到 2100 之间的四位数字。")
    return int(text)


def check_items(given: Any) -> list[dict[str, Any]]:
    """The plan's items, checked whole (422 naming the first fault, in Chinese)."""
    if not isinstance(given, dict) or set(given) != {"items"}:
        raise _bad('抽查计划应为 {"items": [...]}。')
    items = given["items"]
    if not isinstance(items, list) or len(items) > MAX_ITEMS:
        raise _bad(f"抽查计划的事项（items）应为列表，最多 {MAX_ITEMS} 项。")
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for i, item in enumerate(items, 1):
        if not isinstance(item, dict):
            raise _bad(f"第 {i} 项应为对象。")
        unknown = set(item) - {"ref", "matter", "scope", "enterprises", "quarter"}
        if unknown:
            raise _bad(f"第 {i} 项有无法识别的项目：{'、'.join(sorted(unknown))}")
        ref = normalize.single_line(_text(item.get("ref")))
        matter = normalize.single_line(_text(item.get("matter")))
        if not ref or len(ref) > MAX_REF:
            raise _bad(f"第 {i} 项缺少计划编号（ref）或编号超过 {MAX_REF} 个字。")
        if ref in seen:
            raise _bad(f"第 {i} 项的计划编号“{ref}”与前面的重复。")
        seen.add(ref)
        if not matter or len(matter) > MAX_MATTER:
            raise _bad(f"第 {i} 项缺少抽查事项（matter）或超过 {MAX_MATTER} 个字。")
        checked: dict[str, Any] = {"ref": ref, "matter": matter}
        scope = item.get("scope")
        if scope is not None:
            if not isinstance(scope, str) or len(scope) > MAX_SCOPE:
                raise _bad(f"第 {i} 项的抽查范围（scope）应为文本，最多 {MAX_SCOPE} 个字。")
            checked["scope"] = normalize.multi_line(scope)
        enterprises = item.get("enterprises")
        if enterprises is not None:
            if not isinstance(enterprises, list) or len(enterprises) > MAX_ENTERPRISES:
                raise _bad(f"第 {i} 项的企业（enterprises）应为统一社会信用代码的列表。")
            codes = []
            for code in enterprises:
                uscc = normalize.uscc(code) if isinstance(code, str) else ""
                if identifiers.check_uscc(uscc) is not None:
                    raise _bad(f"第 {i} 项的统一社会信用代码“{str(code)[:20]}”无效。")
                codes.append(uscc)
            checked["enterprises"] = codes
        quarter = item.get("quarter")
        if quarter is not None:
            if not isinstance(quarter, int) or isinstance(quarter, bool) or not 1 <= quarter <= 4:
                raise _bad(f"第 {i} 项的季度（quarter）应为 1 到 4。")
            checked["quarter"] = quarter
        out.append(checked)
    return out


def is_late(year: int, arrived: datetime) -> bool:
    return arrived.astimezone(SHANGHAI).date() > date(year, *DEADLINE)


def replace(
    db: Connection, unit: str, year: int, items: list[dict[str, Any]], *, at: datetime
) -> Plan:
    """Replace ``unit``'s plan for ``year`` (inside a write transaction)."""
    held = get(db, unit, year)
    stamp = format_timestamp(at)
    arrived_at = held.arrived_at if held else stamp
    late = held.late if held else is_late(year, at)
    text = json.dumps(items, ensure_ascii=False)
    t = plans.c
    if held is None:
        db.execute(
            plans.insert().values(
                unit=unit, year=year, items=text, arrived_at=stamp, updated_at=stamp, late=int(late)
            )
        )
    else:
        db.execute(
            plans.update()
            .where((t.unit == unit) & (t.year == year))
            .values(items=text, updated_at=stamp)
        )
    return Plan(unit, year, items, arrived_at, stamp, late)


def get(db: Connection, unit: str, year: int) -> Plan | None:
    t = plans.c
    row = db.execute(select(plans).where((t.unit == unit) & (t.year == year))).first()
    if row is None:
        return None
    return Plan(
        row.unit,
        row.year,
        json.loads(row._mapping["items"]),
        row.arrived_at,
        row.updated_at,
        bool(row.late),
    )


def all_for_year(db: Connection, year: int) -> list[Plan]:
    """Every unit's plan for ``year`` (for the workbench)."""
    t = plans.c
    rows = db.execute(select(plans).where(t.year == year).order_by(t.unit))
    return [
        Plan(
            r.unit,
            r.year,
            json.loads(r._mapping["items"]),
            r.arrived_at,
            r.updated_at,
            bool(r.late),
        )
        for r in rows
    ]
