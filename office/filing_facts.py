"""``filing_facts``: one row per filing with what the workbench's list filters on
(office/console), from its latest revision — written by ``office.filings.store`` in
the same transaction, so the list never parses a million JSON bodies."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection, select, update

from office.tables import filing_facts

MAX_TEXT = 200


def facts(
    *,
    filing_id: str,
    revision: int,
    office: str,
    unit: str,
    body: bytes,
    received_at: str,
    park: str | None,
    warnings: list[Any],
) -> dict[str, Any]:
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        data = {}
    data = data if isinstance(data, dict) else {}
    enterprise = data.get("enterprise")
    enterprise = enterprise if isinstance(enterprise, dict) else {}
    return {
        "id": filing_id,
        "revision": revision,
        "office": office,
        "unit": unit,
        "enterprise": str(enterprise.get("name") or "")[:MAX_TEXT],
        "uscc": str(enterprise.get("uscc") or "").strip().upper()[:MAX_TEXT],
        "kind": str(data.get("kind") or "")[:20],
        "inspection_start": str(data.get("inspection_start") or "")[:40],
        "received_at": received_at,
        "park": park,
        "flagged": int(bool(warnings)),
    }


def record(db: Connection, values: dict[str, Any]) -> None:
    """Insert or replace the filing's row (a later revision replaces an earlier)."""
    exists = db.execute(select(filing_facts.c.id).where(filing_facts.c.id == values["id"])).first()
    if exists is None:
        db.execute(filing_facts.insert().values(**values))
    else:
        db.execute(update(filing_facts).where(filing_facts.c.id == values["id"]).values(**values))
