"""Public verification of a paper copy (the QR code): does the office hold this filing
revision, and is the paper's content the content held?

Only what a person at the enterprise's door needs is ever shown: the units, the
enterprise's name, the inspection dates, the officers' names and certificate numbers,
the receipt and whether the filing stands or was returned. Never phone numbers, titles,
addresses, the inspection's content, or a return's reason.
"""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any

from sqlalchemy import Connection

from forms.display import date_text
from forms.normalize import code, person_name, single_line
from forms.record import SHANGHAI, BadTimestamp, parse_timestamp
from office import filings

MATCH, MISMATCH, UNKNOWN = "match", "mismatch", "unknown"
MESSAGES = {
    MATCH: "此备案已在优化营商环境部门备案",
    MISMATCH: "纸质备案表内容与备案记录不一致",
    UNKNOWN: "未找到此备案",
}
STATUS_TEXT = {
    filings.FILED: "已备案",
    filings.RETURNED: "已被退回，检查单位须修改后重新备案",
}
_DIGEST_RE = re.compile(r"[0-9a-fA-F]{4,64}")


def check_params(revision: str | None, digest: str | None) -> tuple[int, str] | None:
    """The revision and digest of a verification link, or None when it is malformed."""
    if revision is None or digest is None:
        return None
    if not (revision.isascii() and revision.isdigit() and 1 <= len(revision) <= 9):
        return None
    if not _DIGEST_RE.fullmatch(digest):
        return None
    rev = int(revision)
    return (rev, digest.lower()) if rev >= 1 else None


def verify(db: Connection, filing_id: str, revision: int, digest: str) -> dict[str, Any]:
    """The verification answer (the JSON twin of the page)."""
    found = filings.get(db, filing_id, revision) if len(filing_id) <= 64 else None
    if found is None:
        return {"status": UNKNOWN, "message": MESSAGES[UNKNOWN]}
    held, body = found
    if held.digest != digest:
        return {"status": MISMATCH, "message": MESSAGES[MISMATCH]}
    return {
        "status": MATCH,
        "message": MESSAGES[MATCH],
        "id": held.id,
        "revision": held.revision,
        "receipt": held.receipt,
        "filing_status": held.status,
        "filing_status_text": STATUS_TEXT[held.status],
        **_public_part(json.loads(body)),
    }


def _text(value: Any, normal=single_line) -> str:
    return normal(value) if isinstance(value, str) else ""


def _date(value: Any) -> str | None:
    try:
        return parse_timestamp(value).astimezone(SHANGHAI).date().isoformat()
    except (BadTimestamp, TypeError):
        return None


def _public_part(filing: dict[str, Any]) -> dict[str, Any]:
    """What may be shown of a held filing. Built field by field: nothing else leaks."""
    leader = filing.get("leader") if isinstance(filing.get("leader"), dict) else {}
    rows = filing.get("inspectors") if isinstance(filing.get("inspectors"), list) else []
    officers = [{"role": "带队人员", **_officer(leader)}]
    officers += [{"role": "检查人员", **_officer(r)} for r in rows if isinstance(r, dict)]
    enterprise = filing.get("enterprise") if isinstance(filing.get("enterprise"), dict) else {}
    joint = filing.get("joint_units") if isinstance(filing.get("joint_units"), list) else []
    start, end = _date(filing.get("inspection_start")), _date(filing.get("inspection_end"))
    return {
        "unit": _text(filing.get("lead_unit")),
        "joint_units": [_text(u) for u in joint if _text(u)],
        "enterprise": _text(enterprise.get("name")),
        "inspection_date": {"start": start, "end": end},
        "inspection_date_text": _date_range_text(start, end),
        "officers": [o for o in officers if o["name"] or o["cert_no"]],
    }


def _officer(row: dict[str, Any]) -> dict[str, str]:
    return {"name": _text(row.get("name"), person_name), "cert_no": _text(row.get("cert_no"), code)}


def _date_range_text(start: str | None, end: str | None) -> str:
    if start is None:
        return ""
    first = date_text(date.fromisoformat(start))
    if end is None or end == start:
        return first
    return f"{first}至{date_text(date.fromisoformat(end))}"
