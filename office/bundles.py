"""Offline bundles for units whose PCs never reach the office network.

In: ``beian-bundle/1`` (queued filings exported by the desk); each filing goes through
``office.intake.submit`` exactly as if it had been POSTed by the unit's token.
Out: ``beian-changes/1`` (receipts and returns for one unit since a cursor), which the
desk reads with ``beian import-changes``.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from forms.normalize import single_line
from forms.record import format_timestamp, now
from office import changes, intake
from office.errors import OfficeError, Refusal
from office.intake import Outcome
from office.store import OfficeStore
from office.tokens import checked_unit, unit_key

BUNDLE_FORMAT = "beian-bundle/1"
CHANGES_FORMAT = "beian-changes/1"
MAX_BUNDLE_BYTES = 64 * 1024 * 1024


def read_bundle(path: Path) -> dict[str, Any]:
    try:
        size = path.stat().st_size
        if size > MAX_BUNDLE_BYTES:
            limit = MAX_BUNDLE_BYTES // 1024 // 1024
            raise OfficeError(f"文件过大（超过 {limit} MB），不是备案包。")
        data = json.loads(path.read_bytes().decode("utf-8-sig"))
    except FileNotFoundError:
        raise OfficeError(f"找不到文件：{path}") from None
    except OSError as exc:
        raise OfficeError(f"无法读取文件 {path}：{exc.strerror}") from None
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise OfficeError(f"{path.name} 不是有效的 JSON 文件，不是备案包。") from None
    if not isinstance(data, dict) or data.get("format") != BUNDLE_FORMAT:
        raise OfficeError(f"{path.name} 不是备案包（应为 {BUNDLE_FORMAT} 格式）。")
    if not isinstance(data.get("unit"), str) or not isinstance(data.get("filings"), list):
        raise OfficeError(f"{path.name} 缺少单位（unit）或备案列表（filings）。")
    return data


def import_bundle(store: OfficeStore, path: Path, unit: str) -> list[Outcome]:
    """Submit every filing of the bundle for ``unit``; one outcome per filing."""
    unit = checked_unit(unit)
    bundle = read_bundle(path)
    if unit_key(bundle["unit"]) != unit:
        raise OfficeError(
            f"备案包的单位“{single_line(bundle['unit'])[:50]}”与 --unit 指定的“{unit}”不一致，"
            "未导入任何备案。"
        )
    received_at = now()
    outcomes = []
    for i, filing in enumerate(bundle["filings"], 1):
        if not isinstance(filing, dict):
            refusal = Refusal(400, "bad_request", f"备案包中第 {i} 项不是备案表。")
            outcomes.append(Outcome(400, refusal.body(), "bad_request"))
            continue
        # surrogatepass: a lone surrogate in the file becomes bytes the intake refuses
        # (400, not UTF-8) instead of an exception that would stop the whole import.
        body = json.dumps(filing, ensure_ascii=False).encode("utf-8", "surrogatepass")
        outcomes.append(intake.submit(store, unit, body, received_at=received_at, source="bundle"))
    return outcomes


def outcome_line(index: int, outcome: Outcome) -> str:
    """One line in Chinese saying what happened to one filing of a bundle."""
    who = (
        f"{outcome.filing_id} 第 {outcome.revision} 版"
        if outcome.filing_id and outcome.revision is not None
        else f"第 {index} 份"
    )
    body = outcome.body
    if outcome.decision == "accepted":
        return f"{who}：已受理，回执 {body['receipt']}"
    if outcome.decision == "duplicate":
        return f"{who}：此前已受理，回执 {body['receipt']}（未重复登记）"
    text = f"{who}：不予受理（{outcome.decision}）：{body['message']}"
    errors = [p for p in body.get("problems", []) if p["severity"] == "error"]
    if errors:
        text += " " + "；".join(f"[{p['field']}] {p['message']}" for p in errors)
    return text.replace("\n", " ")


def export_changes(store: OfficeStore, unit: str, since: str | None, out: Path) -> dict[str, Any]:
    """Write ``beian-changes/1`` for ``unit`` (every change after ``since``) to ``out``."""
    unit = checked_unit(unit)
    try:
        after = changes.parse_cursor(since)
    except Refusal as exc:
        raise OfficeError(exc.message) from None
    with store.read() as db:
        answer = changes.since(db, unit, after, limit=None)
    document = {
        "format": CHANGES_FORMAT,
        "unit": unit,
        "created_at": format_timestamp(now()),
        "cursor": answer["cursor"],
        "changes": answer["changes"],
    }
    _write_atomically(out, json.dumps(document, ensure_ascii=False, indent=2) + "\n")
    return document


def _write_atomically(path: Path, text: str) -> None:
    """A half-written file is never left under the final name."""
    path = path.expanduser()
    if not path.parent.is_dir():
        raise OfficeError(f"文件夹不存在：{path.parent}")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise OfficeError(f"无法写入 {path}：{exc.strerror}") from None
