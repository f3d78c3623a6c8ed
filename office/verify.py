"""Public verification of a paper copy (the QR code): does the office hold this filing
revision, is the paper's content the content held, and does that revision still stand?

Only what a person at the enterprise's door needs is ever shown: the units, the
enterprise's name, the inspection dates, the officers' names and certificate numbers,
the receipt and whether the filing stands, was returned or was replaced by a later
revision. Never phone numbers (a phone typed into a name is masked), titles, addresses,
the inspection's content, or a return's reason.

A filing can also be looked up by its 查询码 (``forms.short_code``), read out on the
phone: the answer is the latest revision of each filing with that code, without the
paper's digest check.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy import Connection

from forms.display import date_text
from forms.normalize import code, person_name, single_line
from forms.phone_text import mask_phones
from forms.record import SHANGHAI, BadTimestamp, parse_timestamp
from forms.short_code import id_prefix, parse_short_code, short_code
from office import filings

MATCH, MISMATCH, UNKNOWN = "match", "mismatch", "unknown"
FOUND = "found"  # a 查询码 look-up that found filings
# Where a held, matching revision stands: the headline must say which.
FILED, RETURNED, SUPERSEDED = "filed", "returned", "superseded"
MESSAGES = {
    MATCH: "此备案已在优化营商环境部门备案",
    MISMATCH: "纸质备案表内容与备案记录不一致",
    UNKNOWN: "未找到此备案",
}
STANDING_MESSAGES = {
    FILED: MESSAGES[MATCH],
    RETURNED: "此备案已被退回，检查单位尚未重新备案",
    SUPERSEDED: "此纸质备案表已过期：第 {revision} 版已被第 {latest} 版取代",
}
STATUS_TEXT = {
    filings.FILED: "已备案",
    filings.RETURNED: "已被退回，检查单位须修改后重新备案",
}
CODE_MESSAGES = {
    FOUND: "查询码对应的备案如下",
    UNKNOWN: "未找到此查询码对应的备案",
}
BAD_CODE = "查询码应为 10 位字母和数字（如 DWE2M-ZHV9N），请核对后重新输入。"
MAX_CODE_MATCHES = 10
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
    latest = filings.latest(db, filing_id) or held
    return {"status": MATCH, **_standing(held, latest), **_public_part(json.loads(body))}


def _standing(held: filings.Held, latest: filings.Held) -> dict[str, Any]:
    """Where ``held`` stands, told by the headline (``message``) and its keys."""
    if latest.revision > held.revision:
        standing = SUPERSEDED
        status_text = (
            f"已被第 {latest.revision} 版取代，此版本已过期"
            f"（第 {latest.revision} 版{STATUS_TEXT[latest.status]}）"
        )
    else:
        standing = RETURNED if held.status == filings.RETURNED else FILED
        status_text = STATUS_TEXT[held.status]
    return {
        "message": STANDING_MESSAGES[standing].format(
            revision=held.revision, latest=latest.revision
        ),
        "standing": standing,
        "id": held.id,
        "short_code": short_code(held.id),
        "revision": held.revision,
        "receipt": held.receipt,
        "filing_status": held.status,
        "filing_status_text": status_text,
        "latest_revision": latest.revision,
        "latest_receipt": latest.receipt,
        "latest_status": latest.status,
        "superseded_by": latest.revision if standing == SUPERSEDED else None,
    }


def lookup_code(db: Connection, text: str) -> dict[str, Any] | None:
    """The filings with the 查询码 ``text`` (their latest revisions), or None when
    ``text`` cannot be a 查询码."""
    wanted = parse_short_code(text)
    if wanted is None:
        return None
    ids = [
        i
        for i in filings.ids_with_prefix(db, id_prefix(wanted), MAX_CODE_MATCHES * 2)
        if short_code(i) == wanted
    ][:MAX_CODE_MATCHES]
    found = []
    for filing_id in ids:
        latest = filings.latest(db, filing_id)
        held = filings.get(db, filing_id, latest.revision) if latest else None
        if latest is None or held is None:
            continue
        standing = _standing(latest, latest)
        found.append({**standing, **_public_part(json.loads(held[1]))})
    status = FOUND if found else UNKNOWN
    return {"status": status, "message": CODE_MESSAGES[status], "code": wanted, "filings": found}


def _text(value: Any, normal: Callable[[str], str] = single_line) -> str:
    """A public text: normalised for display, every phone-shaped part masked."""
    return mask_phones(normal(value)) if isinstance(value, str) else ""


def _cert_no(value: Any) -> str:
    # The certificate number is what the page is for; only a mobile number typed into
    # it is masked (no certificate number is shaped like one).
    return mask_phones(code(value), mobiles_only=True) if isinstance(value, str) else ""


def _date(value: Any) -> str | None:
    try:
        return parse_timestamp(value).astimezone(SHANGHAI).date().isoformat()
    except (BadTimestamp, TypeError):
        return None


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _public_part(filing: dict[str, Any]) -> dict[str, Any]:
    """What may be shown of a held filing. Built field by field: nothing else leaks."""
    leader = _dict(filing.get("leader"))
    rows = _list(filing.get("inspectors"))
    officers = [{"role": "带队人员", **_officer(leader)}]
    officers += [{"role": "检查人员", **_officer(r)} for r in rows if isinstance(r, dict)]
    enterprise = _dict(filing.get("enterprise"))
    joint = _list(filing.get("joint_units"))
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
    return {"name": _text(row.get("name"), person_name), "cert_no": _cert_no(row.get("cert_no"))}


def _date_range_text(start: str | None, end: str | None) -> str:
    if start is None:
        return ""
    first = date_text(date.fromisoformat(start))
    if end is None or end == start:
        return first
    return f"{first}至{date_text(date.fromisoformat(end))}"
