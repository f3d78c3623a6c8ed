"""What the reports count of a filing (``office.reports.counts``): its ``report_facts``
row, kept by ``office.filings.store`` in the same transaction as each revision — the
office, unit, kind, enterprise and credit code of its ``filing_facts`` row, the first
revision's received_at, how many revisions arrived, the latest revision's inspection end
(a Shanghai day) and joint units, and the cross-filing checks raised on any revision.
A quarter is then counted from narrow columns, never from JSON bodies.

Lateness is not kept here: it depends on the office's reference calendar, which may be
replaced after a filing arrived, so the counts work it out when they run."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update

from forms.record import SHANGHAI
from office.tables import filing_facts, report_facts

JOINT = "joint_inspection_suggested"
REPEATED = "repeated_inspection"
UNPLANNED = "unplanned"
WHITE_LIST = "white_list"
FLAG_CODES = (JOINT, REPEATED, UNPLANNED, WHITE_LIST)


def end_day(value: Any) -> str | None:
    """The Shanghai day (YYYY-MM-DD) of an inspection end as the body has it; None when
    it is not a timestamp (a time without a zone is Shanghai time)."""
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=SHANGHAI)
    return parsed.astimezone(SHANGHAI).date().isoformat()


def body_values(body: bytes) -> dict[str, Any]:
    """The inspection end and the number of joint units a revision's body names."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        data = {}
    data = data if isinstance(data, dict) else {}
    joint = data.get("joint_units")
    return {
        "inspection_end": end_day(data.get("inspection_end")),
        "joint_units": len(joint) if isinstance(joint, list) else 0,
    }


def flags(warnings: Any) -> set[str]:
    """The cross-filing checks (``FLAG_CODES``) among a revision's receipt warnings."""
    if not isinstance(warnings, list):
        return set()
    codes = {w["code"] for w in warnings if isinstance(w, dict) and isinstance(w.get("code"), str)}
    return codes & set(FLAG_CODES)


def warnings_flags(text: str) -> set[str]:
    """``flags`` of the warnings as stored (JSON text)."""
    try:
        return flags(json.loads(text))
    except ValueError:
        return set()


def joined(codes: set[str]) -> str:
    return ",".join(sorted(codes))


def split(text: str) -> frozenset[str]:
    return frozenset(code for code in text.split(",") if code)


def record(
    db: Connection, *, filing_id: str, received_at: str, body: bytes, warnings: list[Any]
) -> None:
    """Insert or update the filing's row for the revision received at ``received_at``
    (after the filing's ``filing_facts`` row was written: it copies from it)."""
    x, r = filing_facts.c, report_facts.c
    listed = db.execute(
        select(x.revision, x.office, x.unit, x.kind, x.enterprise, x.uscc).where(x.id == filing_id)
    ).one()
    values = {**listed._asdict(), **body_values(body)}
    held = db.execute(select(r.revisions, r.report_flags).where(r.id == filing_id)).one_or_none()
    if held is None:
        db.execute(
            insert(report_facts).values(
                id=filing_id,
                first_received_at=received_at,
                revisions=1,
                report_flags=joined(flags(warnings)),
                **values,
            )
        )
        return
    db.execute(
        update(report_facts)
        .where(r.id == filing_id)
        .values(
            revisions=held.revisions + 1,
            report_flags=joined(set(split(held.report_flags)) | flags(warnings)),
            **values,
        )
    )
