"""Forged changes files at the desk. A hand-written ``beian-changes/1`` file with an invented
receipt used to move a queued filing to 已备案 (and ``beian sync`` then had nothing to
send); a forged ``returned`` did the same, and the control characters of its reason went
raw to the terminal. Now the office signs what it exports (Ed25519), the desk takes the
office's public key when it connects or from a key file handed over once, and
``beian import-changes`` refuses — changing nothing — a file that is unsigned, signed by
another key, altered, for another unit, or about a revision whose content the desk holds
differently. Real office processes, real desks, real files.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.support.desk import Desk
from tests.support.office import (
    DEFAULT_UNIT,
    OTHER_UNIT,
    OfficeServer,
    office,  # noqa: F401
    office_cli,
    valid_filing,
)


def _status(desk: Desk, filing_id: str) -> str:
    with desk.store() as store:
        return store.get(filing_id).status


def _connected_desk(tmp_path: Path, office: OfficeServer, unit: str = DEFAULT_UNIT) -> Desk:
    desk = Desk(tmp_path / "desk")
    result = desk.connect(office.url, office.create_token(unit))
    assert result.returncode == 0, result.stdout + result.stderr
    return desk


def _export(office: OfficeServer, unit: str, path: Path) -> dict[str, Any]:
    office.cli("export-changes", "--unit", unit, "-o", str(path))
    return json.loads(path.read_text("utf-8"))


def _write(path: Path, document: dict[str, Any]) -> Path:
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2), "utf-8")
    return path


def _refused(desk: Desk, path: Path, *words: str) -> None:
    result = desk.run("import-changes", str(path))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "未作任何改动" in result.stderr or "公钥" in result.stderr, result.stderr
    for word in words:
        assert word in result.stderr
    assert "已备案" not in result.stdout and "被退回" not in result.stdout


def test_the_desk_takes_the_office_key_when_it_connects(
    tmp_path: Path, office: OfficeServer
) -> None:
    desk = _connected_desk(tmp_path, office)
    with office.client() as anonymous:
        published = anonymous.get("/api/v1/office-key").json()
    with desk.store() as store:
        assert store.get_meta("office_public_key")["fingerprint"] == published["fingerprint"]
    # The private key beside the database is owner-only.
    key_file = office.db.with_name(office.db.name + ".signing-key")
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert "PRIVATE KEY" in key_file.read_text("ascii")
    assert published["public_key"] not in key_file.read_text("ascii")


def test_a_hand_written_receipt_changes_nothing(tmp_path: Path, office: OfficeServer) -> None:
    desk = _connected_desk(tmp_path, office)
    filing = valid_filing()
    desk.put(filing)  # queued, never sent
    forged = {
        "format": "beian-changes/1",
        "unit": DEFAULT_UNIT,
        "created_at": "2026-11-27T10:00:00+08:00",
        "cursor": "99",
        "changes": [
            {
                "seq": 99,
                "type": "receipt",
                "id": filing["id"],
                "revision": 1,
                "receipt": "潭优备〔2026〕999999号",
                "digest": "0" * 16,
                "at": "2026-11-27T10:00:00+08:00",
            }
        ],
    }
    _refused(desk, _write(tmp_path / "unsigned.json", forged), "没有签名")
    assert _status(desk, filing["id"]) == "queued"
    # A forged signature block is no better.
    forged["signature"] = {"algorithm": "ed25519", "key": "x", "value": "A" * 88}
    _refused(desk, _write(tmp_path / "fake-signature.json", forged), "签名")
    assert _status(desk, filing["id"]) == "queued"
    # And the filing still goes to the office on the next pass.
    code, result = desk.sync()
    assert code == 0 and [s["id"] for s in result["sent"]] == [filing["id"]]


def test_a_file_signed_by_another_office_or_altered_is_refused(
    tmp_path: Path, office: OfficeServer
) -> None:
    desk = _connected_desk(tmp_path, office)
    filing = valid_filing()
    desk.put(filing)
    with office.client(office.create_token(DEFAULT_UNIT)) as http:
        assert http.post("/api/v1/filings", json=filing).status_code == 201
    # Another office with its own key exports a genuine-looking file for the same filing.
    other_db = tmp_path / "other-office.db"
    office_cli(other_db, "token", "create", "--unit", DEFAULT_UNIT)
    office_cli(other_db, "import", str(_bundle(tmp_path, filing)), "--unit", DEFAULT_UNIT)
    other = tmp_path / "other.json"
    office_cli(other_db, "export-changes", "--unit", DEFAULT_UNIT, "-o", str(other))
    _refused(desk, other, "签名")
    assert _status(desk, filing["id"]) == "queued"
    # This office's own file with one character changed.
    genuine = _export(office, DEFAULT_UNIT, tmp_path / "genuine.json")
    genuine["changes"][-1]["receipt"] = genuine["changes"][-1]["receipt"].replace("0", "9", 1)
    _refused(desk, _write(tmp_path / "altered.json", genuine), "签名")
    assert _status(desk, filing["id"]) == "queued"
    # The genuine file is taken.
    result = desk.run("import-changes", str(tmp_path / "genuine.json"))
    assert result.returncode == 0, result.stderr
    assert _status(desk, filing["id"]) == "sent"


def _bundle(tmp_path: Path, *filings: dict[str, Any]) -> Path:
    path = tmp_path / "bundle.json"
    document = {"format": "beian-bundle/1", "unit": DEFAULT_UNIT, "filings": list(filings)}
    return _write(path, dict(document, created_at="2026-11-27T10:00:00+08:00"))


def test_a_genuine_file_for_another_unit_is_refused(tmp_path: Path, office: OfficeServer) -> None:
    desk = _connected_desk(tmp_path, office)
    mine = valid_filing()
    desk.put(mine)
    theirs = valid_filing(OTHER_UNIT)
    with office.client(office.create_token(OTHER_UNIT)) as http:
        assert http.post("/api/v1/filings", json=theirs).status_code == 201
    path = tmp_path / "other-unit.json"
    _export(office, OTHER_UNIT, path)
    _refused(desk, path)
    assert _status(desk, mine["id"]) == "queued"


def test_a_receipt_for_content_the_desk_does_not_hold_is_refused(
    tmp_path: Path, office: OfficeServer
) -> None:
    desk = _connected_desk(tmp_path, office)
    held_here = valid_filing()
    desk.put(held_here)
    # The office holds the same id and revision with other content (sent from elsewhere).
    elsewhere = dict(held_here, items="另一份检查项目")
    with office.client(office.create_token(DEFAULT_UNIT)) as http:
        assert http.post("/api/v1/filings", json=elsewhere).status_code == 201
    path = tmp_path / "changes.json"
    _export(office, DEFAULT_UNIT, path)
    _refused(desk, path, "内容与本机的不同")
    assert _status(desk, held_here["id"]) == "queued"


def test_control_characters_in_a_reason_never_reach_the_terminal(
    tmp_path: Path, office: OfficeServer
) -> None:
    desk = _connected_desk(tmp_path, office)
    filing = valid_filing()
    desk.put(filing)
    with office.client(office.create_token(DEFAULT_UNIT)) as http:
        assert http.post("/api/v1/filings", json=filing).status_code == 201
    office.cli("return", filing["id"], "--reason", "请补充\x1b[2J\x1b]0;pwned\x07依据\u202e。")
    path = tmp_path / "changes.json"
    _export(office, DEFAULT_UNIT, path)
    result = desk.run("import-changes", str(path))
    assert result.returncode == 0, result.stderr
    assert "被退回" in result.stdout
    for raw in ("\x1b", "\x07", "\u202e"):
        assert raw not in result.stdout + result.stderr
    assert "\\u001b[2J" in result.stdout
    assert _status(desk, filing["id"]) == "returned"


def test_an_offline_desk_imports_the_key_file_once(tmp_path: Path, office: OfficeServer) -> None:
    desk = Desk(tmp_path / "offline")
    filing = valid_filing()
    desk.put(filing)
    office.cli("import", str(_bundle(tmp_path, filing)), "--unit", DEFAULT_UNIT)
    changes = tmp_path / "changes.json"
    _export(office, DEFAULT_UNIT, changes)
    # Without the office's key nothing is taken, not even the genuine file.
    _refused(desk, changes, "公钥")
    assert _status(desk, filing["id"]) == "queued"
    not_a_key = _write(tmp_path / "not-a-key.json", {"format": "beian-office-key/1"})
    refused = desk.run("import-office-key", str(not_a_key))
    assert refused.returncode == 2 and "不是办公室的公钥文件" in refused.stderr
    key_file = tmp_path / "office-key.json"
    exported = office.cli("key", "export", "-o", str(key_file)).stdout
    fingerprint = json.loads(key_file.read_text("utf-8"))["fingerprint"]
    imported = desk.run("import-office-key", str(key_file))
    assert imported.returncode == 0
    assert fingerprint in exported and fingerprint in imported.stdout
    assert desk.run("import-changes", str(changes)).returncode == 0
    assert _status(desk, filing["id"]) == "sent"


@pytest.mark.parametrize("bad", ["[]", '{"format": "beian-changes/1", "changes": "x"}'])
def test_a_malformed_changes_file_is_bad_input(tmp_path: Path, bad: str) -> None:
    desk = Desk(tmp_path / "desk")
    path = tmp_path / "bad.json"
    path.write_text(bad, "utf-8")
    result = desk.run("import-changes", str(path))
    assert result.returncode == 2 and "Traceback" not in result.stderr
