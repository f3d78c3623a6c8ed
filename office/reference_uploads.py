"""Reference data uploads held between the preview and the administrator's confirmation.

The workbench reads an uploaded list (``office.reference_xlsx``) or a calendar year
(``office.reference_calendar``) and :func:`stage` keeps what it read — the section's
value exactly as ``reference.load`` will store it, the rows' problems, the comparison
with the current data — in ``reference_uploads``, for the session that uploaded it and
for :data:`LIFETIME`. The preview page shows that row; :func:`confirm` loads that row's
value, never anything posted again, and only when it has no problems and the reference
data is still at the version it was read against (else the admin uploads again, so a
confirmation never undoes someone else's load unseen). :func:`cancel` drops it.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, delete, select

from office import reference
from office.auth import session_hash
from office.errors import OfficeError
from office.staff import Actor, require
from office.tables import reference_uploads as uploads

LIFETIME = timedelta(minutes=30)
SECTIONS = ("parks", "white_list", "key_supervision", "calendar")
GONE = "这次上传的预览已过期或已处理，请重新上传。"
CHANGED = "参考数据刚被其他人更新，这次上传的比较已不准确，未载入。请重新上传。"


@dataclass(frozen=True)
class Upload:
    id: str
    actor: str
    section: str
    base_version: int
    source: str
    preview: dict[str, Any]  # "value" (what is stored), "problems", and what the page shows
    created_at: str
    expires_at: str

    @property
    def problems(self) -> list[Any]:
        return list(self.preview.get("problems", []))

    @property
    def value(self) -> Any:
        return self.preview["value"]


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def purge(db: Connection, at: datetime) -> int:
    """Drop the uploads that expired (every session's)."""
    return db.execute(delete(uploads).where(uploads.c.expires_at <= _utc(at))).rowcount or 0


def stage(
    db: Connection,
    actor: Actor,
    session_id: str,
    section: str,
    source: str,
    preview: dict[str, Any],
    at: datetime,
) -> str:
    """Keep ``preview`` for the session's confirmation (inside a write transaction);
    returns the upload's id. The session's earlier upload of the same section goes."""
    require(actor, "reference", actor.office)
    if section not in SECTIONS or "value" not in preview:
        raise OfficeError("无法识别的参考数据类别。")
    purge(db, at)
    mine = uploads.c.session == session_hash(session_id)
    db.execute(delete(uploads).where(mine & (uploads.c.section == section)))
    upload_id = secrets.token_urlsafe(18)
    db.execute(
        uploads.insert().values(
            id=upload_id,
            session=session_hash(session_id),
            actor=actor.name,
            section=section,
            base_version=reference.current(db).version,
            source=source[:200],
            preview=json.dumps(preview, ensure_ascii=False),
            created_at=_utc(at),
            expires_at=_utc(at + LIFETIME),
        )
    )
    return upload_id


def get(db: Connection, session_id: str, upload_id: str, at: datetime) -> Upload | None:
    """The session's live upload of that id, or None (another session's, expired, gone)."""
    if not session_id or not upload_id or len(upload_id) > 64:
        return None
    row = db.execute(
        select(uploads).where(
            (uploads.c.id == upload_id)
            & (uploads.c.session == session_hash(session_id))
            & (uploads.c.expires_at > _utc(at))
        )
    ).first()
    if row is None:
        return None
    return Upload(
        row.id,
        row.actor,
        row.section,
        row.base_version,
        row.source,
        json.loads(row.preview),
        row.created_at,
        row.expires_at,
    )


def confirm(
    db: Connection, actor: Actor, session_id: str, upload_id: str, at: datetime
) -> reference.Reference:
    """Load the staged value as the next reference version (inside a write transaction)
    and drop the upload. Raises OfficeError, in Chinese, and stores nothing when the
    upload is gone, has problems, or the reference data changed since its preview."""
    require(actor, "reference", actor.office)
    upload = get(db, session_id, upload_id, at)
    if upload is None:
        raise OfficeError(GONE)
    if upload.problems:
        raise OfficeError("文件中有错误，不能载入。请改正后重新上传。")
    now_version = reference.current(db).version
    if now_version != upload.base_version:
        raise OfficeError(
            f"预览之后参考数据已有更新（现为第 {now_version} 版），"
            "这次上传的比较已不准确，未载入。请重新上传。"
        )
    new = reference.load(db, {upload.section: upload.value}, source=upload.source, actor=actor)
    db.execute(delete(uploads).where(uploads.c.id == upload.id))
    return new


def cancel(db: Connection, actor: Actor, session_id: str, upload_id: str) -> bool:
    """Drop the session's upload; nothing is stored. False when there was none."""
    require(actor, "reference", actor.office)
    gone = db.execute(
        delete(uploads).where(
            (uploads.c.id == upload_id) & (uploads.c.session == session_hash(session_id))
        )
    )
    return bool(gone.rowcount)
