"""Offline bundles (docs/office-api.md, "Offline bundles"): filings out, receipts back.

A bundle is carried to the office on a USB stick. Exporting does not change a filing's
state: it stays queued until its receipt comes back, online or by ``import-changes``; a
filing exported twice is harmless, because the office is idempotent on (id, revision).
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop.store import settings_registry as settings
from desktop.sync import office_key
from desktop.sync.changes import Applied, apply_changes
from forms import json_limits
from forms.record import format_timestamp, now

if TYPE_CHECKING:
    from desktop.store.api import StoreProtocol

BUNDLE_FORMAT = "beian-bundle/1"
CHANGES_FORMAT = "beian-changes/1"
MAX_CHANGES_FILE_BYTES = 64 * 1024 * 1024
MAX_CHANGES = 200_000  # entries of one changes file: years of a busy unit


class BundleError(ValueError):
    """A bundle or changes file that cannot be used; ``str(exc)`` is Chinese."""


def build_bundle(store: StoreProtocol, *, at_text: str | None = None) -> dict[str, Any]:
    # Refused filings would only be refused again; they wait for the clerk.
    items = [i for i in store.outbox() if not getattr(i, "permanent", False)]
    unit = ""
    try:
        unit = store.profile().unit_name or ""
    except AttributeError:
        unit = ""
    if not unit and items:
        lead = items[0].filing.get("lead_unit")
        unit = lead if isinstance(lead, str) else ""
    return {
        "format": BUNDLE_FORMAT,
        "unit": unit,
        "created_at": at_text or format_timestamp(now()),
        "filings": [item.filing for item in items],
    }


def write_json_atomically(path: Path, data: Any) -> None:
    """Write to a temporary file next to ``path`` and rename: never a half-written file."""
    path = Path(path)
    text = json.dumps(data, ensure_ascii=False, indent=2)
    fd, tmp = tempfile.mkstemp(prefix=".beian-", suffix=".tmp", dir=path.parent or ".")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def export_bundle(store: StoreProtocol, path: Path) -> dict[str, Any]:
    """Write every queued filing to ``path``; record an "exported" event for each."""
    bundle = build_bundle(store)
    write_json_atomically(path, bundle)
    for filing in bundle["filings"]:
        store.record_event(
            filing["id"],
            "exported",
            {"revision": filing.get("revision"), "file": Path(path).name},
        )
    return bundle


def read_changes_file(path: Path) -> dict[str, Any]:
    try:
        with Path(path).open("rb") as fh:
            data = fh.read(MAX_CHANGES_FILE_BYTES + 1)
    except OSError as exc:
        raise BundleError(f"无法读取文件：{exc.strerror or exc}") from None
    if len(data) > MAX_CHANGES_FILE_BYTES:
        raise BundleError("文件过大，不是办公室导出的回执文件。")
    try:
        value = json_limits.loads(data.decode("utf-8-sig"), max_items=MAX_CHANGES)
    except json_limits.JsonLimitError as exc:
        raise BundleError(f"不是办公室导出的回执文件：{exc}。") from None
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise BundleError("文件不是有效的 JSON，不是办公室导出的回执文件。") from None
    if not isinstance(value, dict) or value.get("format") != CHANGES_FORMAT:
        raise BundleError(
            "文件格式不对：应为办公室用 beian-office export-changes 导出的回执文件"
            f"（{CHANGES_FORMAT}）。"
        )
    if not isinstance(value.get("changes"), list):
        raise BundleError("回执文件缺少变更列表（changes）。")
    return value


def import_changes(store: StoreProtocol, data: dict[str, Any]) -> Applied:
    """Apply a changes file that ``office_key.check_changes_file`` lets through; raises
    ``office_key.ChangesRefused`` (and changes nothing) otherwise."""
    office_key.check_changes_file(store, data)
    applied = apply_changes(store, data["changes"], now_text=format_timestamp(now()))
    cursor = data.get("cursor")
    if isinstance(cursor, str | int) and not isinstance(cursor, bool):
        settings.BUNDLE_CURSOR.set(store, str(cursor))
    return applied
