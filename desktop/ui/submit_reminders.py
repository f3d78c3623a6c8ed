"""The pre-submit reminders the confirmation shows (desktop.reminders): the lists, the
unit's own earlier filings, its plan and, when the desk is connected, the office's
overlaps answer with the 联系联合检查 guidance. Asking the office is bounded by the
connection's timeout; an office that cannot be reached leaves that reminder out (the
office decides the same at intake and answers with a warning on the receipt)."""

from __future__ import annotations

from typing import Any

from desktop import plan_sheet, reminders
from desktop.store import settings_registry as settings
from desktop.sync.office_plans import ask_overlaps
from forms.record import SHANGHAI


def _day(text: Any) -> str | None:
    from datetime import datetime

    try:
        return datetime.fromisoformat(str(text)).astimezone(SHANGHAI).date().isoformat()
    except (TypeError, ValueError):
        return None


def gather(store: Any, filing: dict[str, Any], *, online: bool) -> list[str]:
    """The reminders' texts for ``filing`` (never raises for the office's trouble)."""
    start, end = _day(filing.get("inspection_start")), _day(filing.get("inspection_end"))
    year = int(start[:4]) if start else None
    plan = plan_sheet.kept(store, year) if year else None
    plan_refs = [str(i.get("ref", "")) for i in plan["items"]] if plan else None
    overlaps = None
    enterprise = filing.get("enterprise") or {}
    if online and start and (enterprise.get("uscc") or enterprise.get("name")):
        answer = ask_overlaps(
            store,
            uscc=str(enterprise.get("uscc") or ""),
            name=str(enterprise.get("name") or ""),
            start=start,
            end=end if end and end >= start else start,
        )
        overlaps = answer.body if answer.ok else None
    found = reminders.reminders(
        filing,
        reference=settings.REFERENCE.get(store),
        earlier=reminders.earlier_filings(store, filing),
        plan_refs=plan_refs,
        overlaps=overlaps,
    )
    return [r.message for r in found]
