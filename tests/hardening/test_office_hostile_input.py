"""Hostile input the fuzzers found at the real office: answered, logged safely, never a 500.

- A lone UTF-16 surrogate spelled as a JSON escape (``"\\ud800"``) is valid JSON but no
  text: it used to reach the content hash and crash the request (500); it is a 400 now,
  and in an offline bundle it refuses that one filing, not the whole import.
- A request path with U+2028 or U+0085 (legal in a URL, percent-encoded) used to be
  written raw into the JSON-lines log, where readers that honour Unicode line breaks split
  the line; they are escaped now, and every log line stays one JSON object.
"""

from __future__ import annotations

import json

import pytest

from tests.support.office import DEFAULT_UNIT, OfficeServer, office, valid_filing  # noqa: F401


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def office_backend(request: pytest.FixtureRequest) -> str:
    """These office-side tests run on both stores, like tests/office."""
    return str(request.param)


def _with_lone_surrogate(filing: dict) -> bytes:
    text = json.dumps(filing, ensure_ascii=False)
    return text.replace('"items": "', '"items": "\\ud800', 1).encode("utf-8")


def test_a_lone_surrogate_is_a_bad_request_not_a_crash(office: OfficeServer) -> None:
    token = office.create_token(DEFAULT_UNIT)
    broken, good = valid_filing(), valid_filing()
    with office.client(token) as http:
        answer = http.post(
            "/api/v1/filings",
            content=_with_lone_surrogate(broken),
            headers={"Content-Type": "application/json"},
        )
        assert answer.status_code == 400, answer.text
        assert answer.json()["error"] == "bad_request" and "字符" in answer.json()["message"]
        # The office goes on as before.
        assert http.post("/api/v1/filings", json=good).status_code == 201
    held = {r["id"] for r in office.filings()}
    assert good["id"] in held and broken["id"] not in held
    assert not [e for e in office.log_events() if e.get("event") == "internal_error"]


def test_a_bundle_with_a_lone_surrogate_refuses_only_that_filing(
    office: OfficeServer,
    tmp_path,
) -> None:
    broken, good = valid_filing(), valid_filing()
    filings = json.dumps([broken, good], ensure_ascii=False)
    filings = filings.replace('"items": "', '"items": "\\udc80', 1)
    bundle = tmp_path / "bundle.json"
    head = json.dumps(
        {
            "format": "beian-bundle/1",
            "unit": DEFAULT_UNIT,
            "created_at": "2026-11-27T10:00:00+08:00",
        },
        ensure_ascii=False,
    )
    bundle.write_text(head[:-1] + f', "filings": {filings}}}', "utf-8")
    result = office.cli("import", str(bundle), "--unit", DEFAULT_UNIT, "--json", check=False)
    assert result.returncode == 1, result.stderr  # one refused
    assert "Traceback" not in result.stderr
    held = {r["id"] for r in office.filings()}
    assert good["id"] in held and broken["id"] not in held


def test_unicode_line_breaks_in_a_path_do_not_split_a_log_line(
    office: OfficeServer,
) -> None:
    token = office.create_token(DEFAULT_UNIT)
    odd = "/api/v1/filings/a\u2028b\u0085c\u2029d"
    with office.client(token) as http:
        assert http.get(odd).status_code == 404
    event = office.wait_for_log(lambda e: e.get("event") == "request" and e.get("path") == odd)
    assert event["status"] == 404
    raw = office.log_text()
    for char in ("\u2028", "\u2029", "\u0085"):
        assert char not in raw
    # Every line is one JSON object, however the reader splits lines.
    assert len(raw.splitlines()) == len(raw.rstrip("\n").split("\n"))
