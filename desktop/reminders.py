"""Reminders before a filing is submitted, from what the desk knows: the white and
key-supervision lists (reference data from the office), the unit's own earlier filings
for the enterprise (repeats), its annual plan (``desktop.plan_sheet``) and, online, the
office's overlaps answer (other units inspecting the enterprise near the same days).

They remind; they never stop a submission (the office decides the same things at intake
and answers them as warnings). Plain functions: the editor shows what they return.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from desktop.store.api import ListQuery
from forms import normalize
from forms.record import SHANGHAI

REPEAT_DAYS = 30  # the office's defaults (reference data ``crosscheck``)
YEARLY_CAP = 2
JOINT_GUIDANCE = (
    "请与对方单位联系联合检查（联系联合检查：可由优化营商环境部门协助安排），"
    "并在“联合单位”中填写对方单位。"
)


@dataclass(frozen=True)
class Reminder:
    code: str  # white_list, key_supervision, repeated_inspection, unplanned, joint_…
    message: str


def _day(text: Any) -> date | None:
    try:
        return datetime.fromisoformat(str(text)).astimezone(SHANGHAI).date()
    except (TypeError, ValueError):
        return None


def _key(uscc: str, name: str) -> str:
    code = normalize.uscc(uscc or "")
    return code if code else "name:" + normalize.name_key(name or "")


def _listed(entries: Any, key: str) -> bool:
    if not isinstance(entries, list):
        return False
    for e in entries:
        if isinstance(e, dict) and _key(str(e.get("uscc", "")), str(e.get("name", ""))) == key:
            return True
        if (
            isinstance(e, dict)
            and key.startswith("name:")
            and normalize.name_key(str(e.get("name", ""))) == key[5:]
        ):
            return True
    return False


def reminders(
    filing: dict[str, Any],
    *,
    reference: dict[str, Any],
    earlier: list[dict[str, Any]],
    plan_refs: list[str] | None,
    overlaps: list[dict[str, str]] | None = None,
) -> list[Reminder]:
    """What to remind the clerk of before ``filing`` is submitted.

    ``earlier``: the unit's other filings (their content); ``plan_refs``: the refs of
    the plan for the inspection's year (None: no plan kept); ``overlaps``: the office's
    answer, when online."""
    enterprise = filing.get("enterprise") or {}
    name = str(enterprise.get("name") or "")
    key = _key(str(enterprise.get("uscc") or ""), name)
    out: list[Reminder] = []
    if key == "name:":
        return out
    settings = {"repeat_days": REPEAT_DAYS, "yearly_cap": YEARLY_CAP}
    settings.update({k: v for k, v in (reference.get("crosscheck") or {}).items() if k in settings})
    if _listed(reference.get("white_list"), key):
        out.append(Reminder("white_list", "该企业列入白名单，应减少检查频次、无事不扰。"))
    if _listed(reference.get("key_supervision"), key):
        out.append(Reminder("key_supervision", "该企业列入重点监管企业名单。"))

    start = _day(filing.get("inspection_start"))
    if start is not None:
        days = []
        for other in earlier:
            if other.get("id") == filing.get("id"):
                continue
            e = other.get("enterprise") or {}
            if _key(str(e.get("uscc") or ""), str(e.get("name") or "")) != key:
                continue
            d = _day(other.get("inspection_start"))
            if d is not None:
                days.append(d)
        this_year = [d for d in days if d.year == start.year]
        near = [d for d in days if abs((d - start).days) <= int(settings["repeat_days"])]
        if near or len(this_year) + 1 > int(settings["yearly_cap"]):
            last = max(near + this_year).isoformat()
            out.append(
                Reminder(
                    "repeated_inspection",
                    f"本单位本年度已检查该企业 {len(this_year)} 次（最近一次 {last}），"
                    "请避免重复检查（无事不扰）。",
                )
            )
        if filing.get("kind") == "prior" and plan_refs is not None:
            cited = normalize.single_line(str(filing.get("plan_ref") or ""))
            if cited not in [r for r in plan_refs if r]:
                out.append(
                    Reminder(
                        "unplanned",
                        f"所填抽查计划不是本单位 {start.year} 年度计划中的事项，"
                        "办公室将标记为计划外检查。",
                    )
                )
    for overlap in overlaps or []:
        out.append(
            Reminder(
                "joint_inspection_suggested",
                f"{overlap.get('unit', '')}已备案于 {overlap.get('date', '')} 检查该企业。"
                + JOINT_GUIDANCE,
            )
        )
    return out


def earlier_filings(store: Any, filing: dict[str, Any], limit: int = 200) -> list[dict[str, Any]]:
    """The unit's own filings that may be of the same enterprise (found by its name or
    code in the store's search), as their content."""
    enterprise = filing.get("enterprise") or {}
    text = normalize.uscc(str(enterprise.get("uscc") or "")) or normalize.single_line(
        str(enterprise.get("name") or "")
    )
    if not text:
        return []
    found = []
    for summary in store.list_filings(ListQuery(text=text, limit=limit)):
        row = store.get(summary.id)
        if row is not None:
            found.append(dict(row.filing))
    return found
