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

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from forms import json_limits
from forms.normalize import single_line
from forms.record import format_timestamp, now
from office import changes, filings, intake, signing
from office.errors import OfficeError, Refusal
from office.intake import Outcome
from office.store import OfficeStore
from office.tokens import checked_unit, unit_key

BUNDLE_FORMAT = "beian-bundle/1"
CHANGES_FORMAT = "beian-changes/1"
MAX_BUNDLE_BYTES = 64 * 1024 * 1024


def _read_bounded(path: Path) -> bytes:
    """At most ``MAX_BUNDLE_BYTES`` of whatever ``path`` is (a pipe or ``/dev/zero`` too):
    the size is what is read, not what ``stat`` says."""
    try:
        with path.open("rb") as fh:
            data = fh.read(MAX_BUNDLE_BYTES + 1)
    except FileNotFoundError:
        raise OfficeError(f"找不到文件：{path}") from None
    except IsADirectoryError:
        raise OfficeError(f"{path} 是文件夹，不是备案包。") from None
    except OSError as exc:
        raise OfficeError(f"无法读取文件 {path}：{exc.strerror}") from None
    if len(data) > MAX_BUNDLE_BYTES:
        limit = MAX_BUNDLE_BYTES // 1024 // 1024
        raise OfficeError(f"文件过大（超过 {limit} MB），不是备案包。")
    return data


def read_bundle(path: Path) -> tuple[dict[str, Any], list[str]]:
    """The bundle's envelope (format, unit, ...) and the text of each of its filings.

    The filings are split off unparsed, so that one filing beyond a limit of the
    interchange format refuses that filing only (``office.intake`` parses each)."""
    try:
        text = _read_bounded(path).decode("utf-8-sig")
    except UnicodeDecodeError:
        raise OfficeError(f"{path.name} 不是 UTF-8 编码的文本，不是备案包。") from None
    split = json_limits.split_list(text, "filings")
    envelope_text, items = split if split is not None else (text, [])
    try:
        data = json_limits.loads(envelope_text)
    except json_limits.JsonLimitError as exc:
        raise OfficeError(f"{path.name} 不是备案包：{exc}。") from None
    except json.JSONDecodeError:
        raise OfficeError(f"{path.name} 不是有效的 JSON 文件，不是备案包。") from None
    if not isinstance(data, dict) or data.get("format") != BUNDLE_FORMAT:
        raise OfficeError(f"{path.name} 不是备案包（应为 {BUNDLE_FORMAT} 格式）。")
    if not isinstance(data.get("unit"), str) or not isinstance(data.get("filings"), list):
        raise OfficeError(f"{path.name} 缺少单位（unit）或备案列表（filings）。")
    return data, items


def import_bundle(
    store: OfficeStore, path: Path, unit: str, office: str | None = None
) -> list[Outcome]:
    """Submit every filing of the bundle for ``unit``; one outcome per filing. They land
    with the unit's office (``office``, or the only one, for a unit that has none yet).

    A filing that cannot be taken in is refused on its own and the next one is tried."""
    unit = checked_unit(unit)
    bundle, items = read_bundle(path)
    if unit_key(bundle["unit"]) != unit:
        raise OfficeError(
            f"备案包的单位“{single_line(bundle['unit'])[:50]}”与 --unit 指定的“{unit}”不一致，"
            "未导入任何备案。"
        )
    received_at = now()
    outcomes = []
    for i, item in enumerate(items, 1):
        if not item.lstrip().startswith("{"):
            refusal = Refusal(400, "bad_request", f"备案包中第 {i} 项不是备案表。")
            outcomes.append(Outcome(400, refusal.body(), "bad_request"))
            continue
        body = item.strip().encode("utf-8")
        outcomes.append(
            intake.submit(
                store, unit, body, received_at=received_at, source="bundle", office=office
            )
        )
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


def export_changes(
    store: OfficeStore,
    unit: str,
    since: str | None,
    out: Path,
    *,
    key: Ed25519PrivateKey,
) -> dict[str, Any]:
    """Write ``beian-changes/1`` for ``unit`` (every change after ``since``) to ``out``,
    signed with the office's ``key`` (``office.signing``). Each change carries the
    digest of the revision it is about, so the desk can tell it holds that content."""
    unit = checked_unit(unit)
    try:
        after = changes.parse_cursor(since)
    except Refusal as exc:
        raise OfficeError(exc.message) from None
    with store.read() as db:
        answer = changes.since(db, unit, after, limit=None)
        # Notices and reviews stay in the online feed: a desk of an earlier release
        # refuses a whole changes file with an entry type it does not know, receipts and all.
        answer["changes"] = [c for c in answer["changes"] if c["type"] in ("receipt", "returned")]
        digests = {
            (held.id, held.revision): held.digest
            for filing_id in {change["id"] for change in answer["changes"]}
            for held in filings.revisions(db, filing_id)
        }
    for change in answer["changes"]:
        change["digest"] = digests.get((change["id"], change["revision"]))
    document = {
        "format": CHANGES_FORMAT,
        "unit": unit,
        "created_at": format_timestamp(now()),
        "cursor": answer["cursor"],
        "changes": answer["changes"],
    }
    document = signing.sign(document, key)
    write_atomically(out, json.dumps(document, ensure_ascii=False, indent=2) + "\n")
    return document


def write_atomically(path: Path, text: str) -> None:
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
