"""What a list row shows of a filing: plain data out of the stored revision and body."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from office.filings import Held

KIND_TEXT = {"prior": "事前备案", "post": "事后补报"}
STATUS_TEXT = {"filed": "已接收", "returned": "已退回", "reviewed": "已审核"}


@dataclass(frozen=True)
class Row:
    id: str
    revision: int
    receipt: str
    unit: str
    office: str
    enterprise: str
    uscc: str
    kind: str
    inspection_start: str
    received_at: str
    status: str
    park: str
    flags: list[str]

    @property
    def kind_text(self) -> str:
        return KIND_TEXT.get(self.kind, self.kind)

    @property
    def status_text(self) -> str:
        return STATUS_TEXT.get(self.status, self.status)


def body_fields(body: bytes) -> dict[str, Any]:
    """The submitted JSON as a dict (an unreadable body reads as empty, never a crash)."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return {}
    return data if isinstance(data, dict) else {}


def flags_of(held: Held) -> list[str]:
    """The warnings the office recorded at intake, as their Chinese messages."""
    out = []
    for warning in held.warnings:
        message = warning.get("message") if isinstance(warning, dict) else None
        out.append(str(message or warning.get("code", "")) if isinstance(warning, dict) else "")
    return [m for m in out if m]


def row(held: Held, body: bytes, status: str | None = None) -> Row:
    data = body_fields(body)
    enterprise = data.get("enterprise") if isinstance(data.get("enterprise"), dict) else {}
    assert isinstance(enterprise, dict)
    return Row(
        id=held.id,
        revision=held.revision,
        receipt=held.receipt,
        unit=held.unit,
        office=held.office,
        enterprise=str(enterprise.get("name", "")),
        uscc=str(enterprise.get("uscc", "")),
        kind=str(data.get("kind", "")),
        inspection_start=str(data.get("inspection_start", ""))[:16].replace("T", " "),
        received_at=held.received_at[:16].replace("T", " "),
        status=status or held.status,
        park=held.park or "",
        flags=flags_of(held),
    )
