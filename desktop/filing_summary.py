"""What the desk says about a filing in one line, decided once (no Qt here).

- ``enterprise_name``: the inspected enterprise's name as the clerk typed it ('' if none).
- ``summary_of``: a stored filing as one row of the list — the same values the store
  writes into its list columns (``desktop.store.search.summary``), so a row refreshed
  after an autosave reads exactly as it will after a reload.
"""

from __future__ import annotations

from typing import Any

from desktop.store.api import FilingRow, FilingSummary
from desktop.store.search import summary


def enterprise_name(filing: dict[str, Any]) -> str:
    """The enterprise's name in ``filing``; '' when missing or not text."""
    enterprise = filing.get("enterprise")
    if not isinstance(enterprise, dict):
        return ""
    name = enterprise.get("name")
    return name.strip() if isinstance(name, str) else ""


def summary_of(row: FilingRow) -> FilingSummary:
    """The list's row for a stored filing, as the store's list would give it."""
    columns = summary(row.filing)
    return FilingSummary(
        id=row.id,
        revision=row.revision,
        status=row.status,
        enterprise=columns["enterprise"],
        uscc=columns["uscc"],
        lead_unit=columns["lead_unit"],
        inspection_start=columns["inspection_start"],
        receipt=row.receipt,
        updated_at=row.updated_at,
    )
