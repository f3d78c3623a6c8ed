"""The office's public key on the desk, and the checks of an offline changes file.

A changes file marks filings filed or returned; anyone can write one by hand. The desk
takes one only when (``check_changes_file``):

- it is signed by the key of its office (``forms.signatures``): the key arrives when the
  desk connects (``GET /api/v1/office-key``, over the connection the token
  authenticates) or from a key file the office hands over once
  (``beian import-office-key``, whose fingerprint a person compares by phone);
- it is for this desk's unit;
- every change is well formed (a receipt number as the office issues them), and every
  change about a revision this desk holds names that revision's content digest.

Otherwise the whole file is refused and nothing changes. Changes about filings this desk
does not hold (another PC of the same unit) are skipped, as online; a file with changes
of which none is about a filing held here is refused as not meant for this desk.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from desktop.store import settings_registry as settings
from forms import signatures
from forms.normalize import single_line
from forms.record import content_digest

# Each office has its own receipt prefix (潭优备 for the city, its own for a county).
RECEIPT_RE = re.compile(r"[\u4e00-\u9fff]{1,12}〔\d{4}〕\d{6}号")
MAX_REASON_LENGTH = 2000


class ChangesRefused(ValueError):  # noqa: N818 - a refusal, like forms.record.NotAFiling
    """The changes file is not to be applied; ``str(exc)`` is Chinese."""


@dataclass(frozen=True)
class OfficeKey:
    public_key: bytes
    fingerprint: str


def parse_key_document(document: Any) -> OfficeKey | None:
    raw = signatures.public_key_from_document(document)
    if raw is None:
        return None
    return OfficeKey(raw, signatures.fingerprint(raw))


def save(store: Any, key: OfficeKey) -> None:
    import base64

    settings.OFFICE_PUBLIC_KEY.set(
        store,
        {
            "public_key": base64.b64encode(key.public_key).decode("ascii"),
            "fingerprint": key.fingerprint,
        },
    )


def load(store: Any) -> OfficeKey | None:
    value = settings.OFFICE_PUBLIC_KEY.get(store)
    if not isinstance(value, dict):
        return None
    document = {
        "format": signatures.KEY_FILE_FORMAT,
        "algorithm": signatures.ALGORITHM,
        "public_key": value.get("public_key"),
    }
    return parse_key_document(document)


def _desk_unit(store: Any) -> str:
    try:
        return single_line(store.profile().unit_name or "")
    except AttributeError:
        return ""


def _well_formed(change: Any) -> bool:
    return (
        isinstance(change, dict)
        and change.get("type") in ("receipt", "returned")
        and isinstance(change.get("id"), str)
        and 0 < len(change["id"]) <= 64
        and isinstance(change.get("revision"), int)
        and not isinstance(change.get("revision"), bool)
        and change["revision"] >= 1
        and isinstance(change.get("receipt"), str)
        and RECEIPT_RE.fullmatch(change["receipt"]) is not None
        and isinstance(change.get("digest"), str)
        and (change.get("reason") is None or isinstance(change.get("reason"), str))
        and len(change.get("reason") or "") <= MAX_REASON_LENGTH
    )


def check_changes_file(store: Any, document: dict[str, Any]) -> None:
    """Raise ChangesRefused unless ``document`` may be applied to ``store`` (see above)."""
    key = load(store)
    if key is None:
        raise ChangesRefused(
            "本机还没有办公室的公钥，无法核对回执文件的来源。请先连接办公室（beian connect），"
            "或导入办公室给的公钥文件（beian import-office-key FILE）。"
        )
    if "signature" not in document:
        raise ChangesRefused("回执文件没有签名，不是办公室导出的文件，未作任何改动。")
    if not signatures.verify(document, key.public_key):
        raise ChangesRefused(
            "回执文件的签名与本机保存的办公室公钥不符：文件被改动过，或不是本办公室导出的，"
            f"未作任何改动。（本机公钥指纹 {key.fingerprint}）"
        )
    unit = document.get("unit")
    desk_unit = _desk_unit(store)
    if not isinstance(unit, str) or (desk_unit and single_line(unit) != desk_unit):
        raise ChangesRefused("回执文件是其他单位的，未作任何改动。")
    changes = document.get("changes")
    if not isinstance(changes, list):
        raise ChangesRefused("回执文件缺少变更列表（changes）。")
    relevant = 0
    for i, change in enumerate(changes, 1):
        if not _well_formed(change):
            raise ChangesRefused(f"回执文件第 {i} 条记录格式不对，未作任何改动。")
        row = store.get(change["id"])
        if row is None:
            continue  # another PC of the same unit filed it
        lead = row.filing.get("lead_unit")
        if isinstance(lead, str) and single_line(lead) and single_line(lead) != single_line(unit):
            raise ChangesRefused("回执文件是其他单位的，未作任何改动。")
        relevant += 1
        if row.revision == change["revision"] and change["digest"] != content_digest(row.filing):
            raise ChangesRefused(
                f"回执文件中备案 {change['id']} 第 {change['revision']} 版的内容与本机的不同，"
                "未作任何改动。"
            )
    if changes and not relevant:
        raise ChangesRefused("回执文件中的备案本机都没有，不是给本机的文件，未作任何改动。")
