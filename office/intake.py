"""Taking in one filing revision: the office's decision, the same for the HTTP API and
for offline bundles.

Order of checks (the first that fails answers):

1. too large (413), not JSON / not an object / unknown form (400);
2. the filing's ``lead_unit`` is another unit's (403);
3. what is held for this id: held for another unit → 409 ``conflict``; this exact
   revision held → 200 with its receipt when the content is the same, else 409
   ``conflict``; a higher revision held → 409 ``stale_revision``. This comes before
   the rules on purpose: a revision received yesterday is not refused today because
   its inspection has started since (a lost reply must get its receipt again);
4. the rules of ``forms`` as of the moment received (422 with the problems);
5. stored with a new receipt (201).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError

from forms import rules
from forms.normalize import single_line
from forms.record import SHANGHAI, NotAFiling, canonical_bytes, content_digest, now, parse
from office import crosscheck, filings, offices, receipts
from office import reference as reference_data
from office.errors import Refusal
from office.store import OfficeStore
from office.tokens import unit_key

MAX_BODY_BYTES = 256 * 1024
MAX_ID_LENGTH = 64  # ids are UUIDs (36 characters); longer ones fail the rules anyway


@dataclass(frozen=True)
class Outcome:
    """The answer to one submission: HTTP status, body, and what was decided."""

    status: int
    body: dict[str, Any]
    decision: str  # "accepted", "duplicate", or the refusal's error code
    filing_id: str | None = None
    revision: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)  # for the log, never content

    @property
    def accepted(self) -> bool:
        return self.decision in ("accepted", "duplicate")


def too_large(*, close: bool = False) -> Refusal:
    """413; ``close`` when the rest of the body is left unread (the connection must end)."""
    return Refusal(
        413,
        "too_large",
        f"提交的内容过大（超过 {MAX_BODY_BYTES // 1024} KB），"
        "一份备案表不会这么大，请检查后重新提交。",
        headers={"Connection": "close"} if close else None,
    )


def _refused(refusal: Refusal, filing_id: Any = None, revision: Any = None) -> Outcome:
    return Outcome(
        refusal.status,
        refusal.body(),
        refusal.error,
        filing_id if isinstance(filing_id, str) else None,
        revision if isinstance(revision, int) else None,
    )


def submit(
    store: OfficeStore,
    unit: str,
    body: bytes,
    *,
    received_at: datetime | None = None,
    source: str = "api",
    office: str | None = None,
) -> Outcome:
    """Decide on one submitted filing revision for ``unit`` and store it if accepted.

    It lands with the unit's office (``office`` only for a unit that has none yet, as
    an offline bundle's unit may). Two workers deciding on the same ``(id, revision)``
    at once: the series lock orders them, and should the second still meet the first's
    row (another office's series), it decides again and answers as for a resend."""
    received_at = (received_at or now()).astimezone(SHANGHAI)
    unit = unit_key(unit)
    if len(body) > MAX_BODY_BYTES:
        return _refused(too_large())
    try:
        filing = parse(body)
    except NotAFiling as exc:
        return _refused(Refusal(400, "bad_request", f"提交的内容不是备案表：{exc}"))

    filing_id, revision = filing.get("id"), filing.get("revision")
    lead = filing.get("lead_unit")
    if isinstance(lead, str) and single_line(lead) and unit_key(lead) != unit:
        return _refused(
            Refusal(
                403,
                "wrong_unit",
                f"备案表的检查单位“{single_line(lead)[:50]}”不是本令牌所属的单位“{unit}”，"
                "只能提交本单位牵头的备案。",
            ),
            filing_id,
            revision,
        )

    keyed = (
        isinstance(filing_id, str)
        and 0 < len(filing_id) <= MAX_ID_LENGTH
        and isinstance(revision, int)
        and not isinstance(revision, bool)
        and revision >= 1
    )
    content_sha256 = hashlib.sha256(canonical_bytes(filing)).hexdigest()
    for attempt in (1, 2):
        try:
            with store.write() as db:
                return _decide(
                    db, unit, office, body, filing, keyed, content_sha256, received_at, source
                )
        except IntegrityError:
            if attempt == 2 or not keyed:
                raise
    raise AssertionError("unreachable")


def _decide(
    db: Connection,
    unit: str,
    office_code: str | None,
    body: bytes,
    filing: dict[str, Any],
    keyed: bool,
    content_sha256: str,
    received_at: datetime,
    source: str,
) -> Outcome:
    filing_id, revision = filing.get("id"), filing.get("revision")
    held_by = offices.unit_office(db, unit)
    office = offices.resolve(db, held_by or office_code)
    if held_by is None:
        offices.assign_unit(db, unit, office.code)
    # First the office's series lock: everything below is decided one submission at a time.
    receipts.lock_series(db, office.code, received_at.year)
    if keyed:
        assert isinstance(filing_id, str) and isinstance(revision, int)
        answered = _already_held(db, unit, filing_id, revision, content_sha256)
        if answered is not None:
            return answered
    ref = reference_data.current(db)
    report = rules.validate(
        filing, at=received_at, cert_rules=ref.cert_rules(), calendar=ref.calendar()
    )
    if report.has_errors or not keyed:
        problems = [p.to_dict() for p in report.problems]
        return Outcome(
            422,
            {
                "error": "invalid",
                "message": f"备案表有 {len(report.errors)} 处错误，请修改后重新提交。",
                "problems": problems,
            },
            "invalid",
            filing_id if isinstance(filing_id, str) else None,
            revision if isinstance(revision, int) else None,
            {"problem_codes": sorted({p.code for p in report.errors})},
        )
    park = (report.normalized.get("enterprise") or {}).get("park")
    assert isinstance(filing_id, str) and isinstance(revision, int)  # keyed
    # Cross-filing checks (office.crosscheck): warnings on the receipt, never a refusal.
    inspection = crosscheck.inspection_of(
        report.normalized, filing_id=filing_id, revision=revision, unit=unit, office=office.code
    )
    found = crosscheck.findings(db, inspection, ref) if inspection else crosscheck.Findings()
    held = filings.store(
        db,
        filing_id=filing_id,
        revision=revision,
        unit=unit,
        office=office,
        body=body,
        content_sha256=content_sha256,
        digest=content_digest(filing),
        received_at=received_at,
        warnings=[p.to_dict() for p in report.warnings] + found.warnings,
        source=source,
        park=ref.park_name(park) if isinstance(park, str) and park.strip() else None,
    )
    if inspection is not None:
        crosscheck.record(db, inspection, found, at=held.received_at)
    return Outcome(
        201, held.receipt_body(), "accepted", filing_id, revision, {"receipt": held.receipt}
    )


def _already_held(
    db: Connection, unit: str, filing_id: str, revision: int, content_sha256: str
) -> Outcome | None:
    held = filings.revisions(db, filing_id)
    if not held:
        return None
    if held[0].unit != unit:
        # Ids are printed on paper copies and /verify already tells whether an id is
        # held, so saying "taken" reveals nothing new; nothing of the other filing is said.
        return _refused(
            Refusal(
                409,
                "conflict",
                "此备案编号已被占用，不能以本单位名义提交。请在备案桌面程序中新建备案。",
            ),
            filing_id,
            revision,
        )
    for h in held:
        if h.revision == revision:
            if h.content_sha256 == content_sha256:
                return Outcome(
                    200, h.receipt_body(), "duplicate", filing_id, revision, {"receipt": h.receipt}
                )
            return _refused(
                Refusal(
                    409,
                    "conflict",
                    f"此备案第 {revision} 版已于 {h.received_at} 受理（{h.receipt}），"
                    "这次提交的内容与之不同。同一版次不能修改，如需更正请提交新的版次。",
                ),
                filing_id,
                revision,
            )
    highest = held[-1].revision
    if highest > revision:
        return _refused(
            Refusal(
                409,
                "stale_revision",
                f"办公室已有此备案更新的第 {highest} 版，第 {revision} 版已过时，不再受理。",
                held_revision=highest,
            ),
            filing_id,
            revision,
        )
    return None
