"""``filing_facts``: one row per filing with what the workbench's list filters on
(office/console), from its latest revision — written by ``office.filings.store`` in
the same transaction, so the list never parses a million JSON bodies.

``waiting`` says whether the latest revision waits for review (received, neither
returned nor reviewed: 待审 and the list's 已接收). It is kept in the transactions that
change it — set by ``received`` at intake, cleared by ``done`` on 审核通过 and 退回 —
so that 待审 reads only the waiting rows instead of probing every filing's status and
reviews."""

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


def received(db: Connection, values: dict[str, Any]) -> None:
    """A new revision at intake (``values`` from ``facts``): recorded, and waiting. A
    new revision has no review and is not returned, so a returned filing resubmitted,
    or a reviewed one revised, waits for review again."""
    record(db, {**values, "waiting": 1})


def done(db: Connection, filing_id: str, revision: int) -> None:
    """审核通过 or 退回 of ``revision`` (the latest): the filing waits no more."""
    x = filing_facts.c
    db.execute(
        update(filing_facts).where((x.id == filing_id) & (x.revision == revision)).values(waiting=0)
    )
