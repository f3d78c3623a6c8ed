"""The audit table: every staff action, append-only — who, when, what, on what, and
what changed. Written in the same transaction as the action itself, so an action is
never without its record, nor a record without its action."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection, select

from forms.record import format_timestamp, now
from office.staff import Actor
from office.tables import audit


def record(
    db: Connection,
    actor: Actor,
    action: str,
    target: str,
    *,
    office: str | None = None,
    **details: Any,
) -> None:
    """Append one entry (inside the action's transaction). Never a password or token."""
    db.execute(
        audit.insert().values(
            at=format_timestamp(now()),
            actor=actor.name,
            action=action,
            office=office,
            target=target,
            details=json.dumps(details, ensure_ascii=False, sort_keys=True),
        )
    )


def entries(db: Connection, *, office: str | None = None) -> list[dict[str, Any]]:
    query = select(audit).order_by(audit.c.seq)
    if office is not None:
        query = query.where(audit.c.office == office)
    return [
        {
            "seq": row.seq,
            "at": row.at,
            "actor": row.actor,
            "action": row.action,
            "office": row.office,
            "target": row.target,
            "details": json.loads(row.details),
        }
        for row in db.execute(query)
    ]
