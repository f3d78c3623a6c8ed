"""What one unit's token could do to the office with a crafted body, and the desk's commands
with a crafted file: each used to end in a 500 (RecursionError, ValueError, OverflowError),
a traceback line of up to 150 KB in the log, or a crash of ``beian queue``. The limits of
``forms.json_limits`` refuse them at parse time: 400 with a Chinese message at the office,
exit 2 with one line at the desk, a one-line log event, nothing stored.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.support.desk import Desk
from tests.support.office import DEFAULT_UNIT, OfficeServer, office, valid_filing  # noqa: F401

JSON = {"Content-Type": "application/json"}


def _text(filing: dict) -> str:
    return json.dumps(filing, ensure_ascii=False)


def _deep_under_unknown_key(filing: dict) -> str:
    return _text(filing)[:-1] + ', "remark": ' + "[" * 600 + "]" * 600 + "}"


def _deep_in_inspectors(filing: dict) -> str:
    deep = "{" + '"a": {' * 300 + "}" * 300 + "}"
    return _text(filing).replace('"inspectors": [', f'"inspectors": [{deep}, ', 1)


def _huge_integer(filing: dict) -> str:
    return _text(filing)[:-1] + ', "remark": ' + "9" * 5000 + "}"


def _revision_beyond_64_bits(filing: dict) -> str:
    return _text(dict(filing, revision=2**63))


def _duplicate_lead_unit(filing: dict) -> str:
    # Python keeps the last, other parsers the first: two readers, two units.
    return _text(filing).replace(
        '"lead_unit": ', '"lead_unit": "湘潭市应急管理局", "lead_unit": ', 1
    )


def _not_a_number(filing: dict) -> str:
    return _text(filing)[:-1] + ', "remark": NaN}'


def _thousands_of_officers(filing: dict) -> str:
    return _text(dict(filing, inspectors=[{"name": "易桐", "cert_no": "43031121002"}] * 5400))


ATTACKS: dict[str, Callable[[dict], str]] = {
    "600-deep-under-unknown-key": _deep_under_unknown_key,
    "300-deep-in-inspectors": _deep_in_inspectors,
    "5000-digit-integer": _huge_integer,
    "revision-2^63": _revision_beyond_64_bits,
    "duplicate-lead_unit": _duplicate_lead_unit,
    "NaN": _not_a_number,
    "5400-officers": _thousands_of_officers,
}


@pytest.mark.parametrize("attack", ATTACKS.values(), ids=ATTACKS.keys())
def test_a_crafted_body_is_a_bad_request_with_one_log_line(
    office: OfficeServer, attack: Callable[[dict], str]
) -> None:
    token = office.create_token(DEFAULT_UNIT)
    crafted, good = valid_filing(), valid_filing()
    log_before = len(office.log_text())
    with office.client(token) as http:
        answer = http.post("/api/v1/filings", content=attack(crafted).encode(), headers=JSON)
        assert answer.status_code == 400, answer.text[:300]
        body = answer.json()
        assert body["error"] == "bad_request"
        assert any("\u4e00" <= ch <= "\u9fff" for ch in body["message"])
        # The same connection goes on: the next filing is taken.
        assert http.post("/api/v1/filings", json=good).status_code == 201
    office.wait_for_log(lambda e: e.get("event") == "submit" and e.get("id") == good["id"])
    held = {r["id"] for r in office.filings()}
    assert good["id"] in held and crafted["id"] not in held
    new_log = office.log_text()[log_before:]
    assert "Traceback" not in new_log and "internal_error" not in new_log
    assert max(len(line) for line in new_log.splitlines()) < 2000
    refused = [
        json.loads(line)
        for line in new_log.splitlines()
        if '"submit"' in line and '"bad_request"' in line
    ]
    assert len(refused) == 1


@pytest.mark.parametrize(
    "content_type",
    [None, "text/plain", "application/x-www-form-urlencoded", "application/json; charset=latin-1"],
)
def test_a_json_route_takes_only_json(office: OfficeServer, content_type: str | None) -> None:
    token = office.create_token(DEFAULT_UNIT)
    filing = valid_filing()
    headers = {"Content-Type": content_type} if content_type else {}
    with office.client(token) as http:
        answer = http.post("/api/v1/filings", content=_text(filing).encode(), headers=headers)
        assert answer.status_code == 415, answer.text
        assert answer.json()["error"] == "unsupported_media_type"
        utf8 = {"Content-Type": "application/json; charset=utf-8"}
        assert (
            http.post("/api/v1/filings", content=_text(filing).encode(), headers=utf8).status_code
            == 201
        )


def test_api_docs_are_off_unless_asked_for(office: OfficeServer) -> None:
    with office.client() as anonymous:
        for path in ("/docs", "/redoc", "/openapi.json", "/docs/oauth2-redirect"):
            assert anonymous.get(path).status_code == 404, path


# --- the desk's commands -----------------------------------------------------------------


@pytest.mark.parametrize("attack", ATTACKS.values(), ids=ATTACKS.keys())
@pytest.mark.parametrize("command", ["validate", "queue"])
def test_validate_and_queue_refuse_a_crafted_file_in_one_line(
    tmp_path: Path, attack: Callable[[dict], str], command: str
) -> None:
    desk = Desk(tmp_path / "desk")
    path = tmp_path / "crafted.json"
    path.write_text(attack(valid_filing()), "utf-8")
    result = desk.run(command, str(path))
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert result.stdout == ""
    if command == "queue":
        with desk.store() as store:
            assert store.counts_by_status().get("queued", 0) == 0


def test_a_revision_at_the_limit_is_still_a_filing(tmp_path: Path) -> None:
    desk = Desk(tmp_path / "desk")
    path = tmp_path / "high.json"
    path.write_text(_text(valid_filing(revision=2**31 - 1)), "utf-8")
    assert desk.run("validate", str(path)).returncode == 0
    path.write_text(_text(valid_filing(revision=2**31)), "utf-8")
    result = desk.run("validate", str(path))
    assert result.returncode == 2 and "2147483647" in result.stderr


def test_the_bounds_cost_nothing_on_a_real_filing() -> None:
    # The scan that bounds depth and lists must not refuse what a clerk can make.
    from forms import record

    filing = valid_filing(
        inspectors=[{"name": "易桐", "cert_no": "43031121002"}] * 30,
        joint_units=["湘潭市应急管理局"] * 10,
        items='[]{},"\\' * 50,
    )
    assert record.parse(_text(filing)) == filing


def test_a_reference_file_with_duplicate_keys_is_refused_and_nothing_loaded(
    tmp_path: Path,
) -> None:
    from tests.support.office import office_cli

    db = tmp_path / "office.db"
    office_cli(db, "token", "create", "--unit", DEFAULT_UNIT)
    path = tmp_path / "reference.json"
    path.write_text('{"parks": [{"name": "甲", "short": "甲"}], "parks": []}', "utf-8")
    result = office_cli(db, "reference", "load", str(path), check=False)
    assert result.returncode == 1 and "重复的键" in result.stderr
    assert json.loads(office_cli(db, "reference", "show").stdout)["version"] == 0
