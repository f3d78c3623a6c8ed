"""The office's HTTP API against a real `beian-office serve` process (one per module)."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from datetime import datetime

import httpx
import pytest

from forms.record import content_digest
from tests.support.office import (
    DEFAULT_UNIT,
    OTHER_UNIT,
    OfficeServer,
    office,  # noqa: F401 - the module's server
    office_cli,
    valid_filing,
    write_bundle,
)

RECEIPT_RE = re.compile(r"潭优备〔(\d{4})〕(\d{6})号")
CHINESE = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def token(office: OfficeServer) -> str:
    return office.create_token(DEFAULT_UNIT)


@pytest.fixture(scope="module")
def other_token(office: OfficeServer) -> str:
    return office.create_token(OTHER_UNIT)


@pytest.fixture
def http(office: OfficeServer, token: str) -> Iterator[httpx.Client]:
    with office.client(token) as client:
        yield client


@pytest.fixture
def other_http(office: OfficeServer, other_token: str) -> Iterator[httpx.Client]:
    with office.client(other_token) as client:
        yield client


def submit(http: httpx.Client, filing: dict) -> httpx.Response:
    return http.post(
        "/api/v1/filings",
        content=json.dumps(filing, ensure_ascii=False).encode(),
        headers={"Content-Type": "application/json"},
    )


def assert_refusal(response: httpx.Response, status: int, error: str) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["error"] == error
    assert CHINESE.search(body["message"]), body["message"]
    return body


# --- health and schema -----------------------------------------------------------------


def test_health_answers_with_office_time(office: OfficeServer) -> None:
    with office.client() as anonymous:
        body = anonymous.get("/api/v1/health").json()
    assert body["status"] == "ok"
    assert datetime.fromisoformat(body["time"]).utcoffset() is not None
    assert body["version"]


def test_openapi_schema_has_exactly_the_contract_routes(tmp_path) -> None:
    with (
        OfficeServer.start(tmp_path, extra_args=["--api-docs"]) as documented,
        documented.client() as anonymous,
    ):
        schema = anonymous.get("/openapi.json").json()
        # Never the pages that load scripts from a CDN, even with --api-docs.
        assert anonymous.get("/docs").status_code == 404
        assert anonymous.get("/redoc").status_code == 404
    routes = {(path, method) for path, ops in schema["paths"].items() for method in ops}
    assert routes == {
        ("/api/v1/filings", "post"),
        ("/api/v1/filings/{filing_id}", "get"),
        ("/api/v1/changes", "get"),
        ("/api/v1/reference", "get"),
        ("/api/v1/health", "get"),
        ("/api/v1/office-key", "get"),
        ("/api/v1/forms/{form}/schema", "get"),
        ("/api/v1/verify/{filing_id}", "get"),
        ("/verify/{filing_id}", "get"),
        ("/api/v1/verify/code/{code}", "get"),
        ("/verify/code/{code}", "get"),
        # the enterprise's page (docs/office-api.md)
        ("/api/v1/evaluations", "post"),
        ("/api/v1/visits", "post"),
        ("/api/v1/satisfaction", "get"),
        ("/verify/{filing_id}/visit", "post"),
        ("/verify/{filing_id}/evaluation", "post"),
        ("/api/v1/plans/{year}", "put"),
        ("/api/v1/plans/{year}", "get"),
        ("/api/v1/overlaps", "get"),
    }
    post = schema["paths"]["/api/v1/filings"]["post"]
    assert {"200", "201", "400", "401", "403", "409", "413", "415", "422", "429", "503"} <= set(
        post["responses"]
    )


# --- submitting ------------------------------------------------------------------------


def test_submit_gives_a_receipt(office: OfficeServer, http: httpx.Client) -> None:
    filing = valid_filing()
    r = submit(http, filing)
    assert r.status_code == 201, r.text
    receipt = r.json()
    assert receipt["id"] == filing["id"] and receipt["revision"] == 1
    assert receipt["status"] == "filed"
    assert receipt["digest"] == content_digest(filing)
    received = datetime.fromisoformat(receipt["received_at"])
    assert int(RECEIPT_RE.fullmatch(receipt["receipt"]).group(1)) == received.year
    assert receipt["warnings"] == []

    view = http.get(f"/api/v1/filings/{filing['id']}").json()
    assert view == {
        "id": filing["id"],
        "revision": 1,
        "receipt": receipt["receipt"],
        "status": "filed",
        "reason": None,
        "received_at": receipt["received_at"],
    }
    held = [f for f in office.filings() if f["id"] == filing["id"]]
    assert held == [
        {
            "id": filing["id"],
            "revision": 1,
            "unit": DEFAULT_UNIT,
            "office": "430300",
            "receipt": receipt["receipt"],
            "status": "filed",
        }
    ]


def test_warnings_come_back_with_the_receipt(http: httpx.Client) -> None:
    enterprise = {"name": "湘潭顺泰食品有限公司", "uscc": "", "address": "", "park": ""}
    r = submit(http, valid_filing(enterprise=enterprise))
    assert r.status_code == 201, r.text
    warnings = r.json()["warnings"]
    assert [(w["field"], w["code"], w["severity"]) for w in warnings] == [
        ("enterprise.uscc", "uscc_missing", "warning")
    ]
    assert CHINESE.search(warnings[0]["message"])


def test_the_same_revision_again_gets_the_same_receipt(
    office: OfficeServer,
    http: httpx.Client,
) -> None:
    filing = valid_filing()
    first = submit(http, filing)
    assert first.status_code == 201
    # Same content, other bytes (key order, escaping, white space): the same revision.
    reordered = dict(reversed(list(filing.items())))
    again = http.post(
        "/api/v1/filings",
        content=json.dumps(reordered, indent=4).encode(),
        headers={"Content-Type": "application/json"},
    )
    assert again.status_code == 200, again.text
    assert again.json() == first.json()
    assert [f["receipt"] for f in office.filings() if f["id"] == filing["id"]] == [
        first.json()["receipt"]
    ]


def test_the_same_revision_with_other_content_is_a_conflict(http: httpx.Client) -> None:
    filing = valid_filing()
    receipt = submit(http, filing).json()["receipt"]
    body = assert_refusal(submit(http, {**filing, "items": "消防安全"}), 409, "conflict")
    assert receipt in body["message"]
    # The original is untouched.
    assert http.get(f"/api/v1/filings/{filing['id']}").json()["receipt"] == receipt


def test_a_lower_revision_than_held_is_stale(http: httpx.Client) -> None:
    filing = valid_filing(revision=2)
    assert submit(http, filing).status_code == 201
    body = assert_refusal(submit(http, {**filing, "revision": 1}), 409, "stale_revision")
    assert body["held_revision"] == 2


def test_rule_errors_are_refused_with_the_problem_list(http: httpx.Client) -> None:
    filing = valid_filing()
    filing["leader"] = {**filing["leader"], "name": "", "phone": "12345"}
    filing["inspection_start"] = "2020-01-06T09:00:00+08:00"  # a prior filing in the past
    filing["inspection_end"] = "2020-01-06T17:00:00+08:00"
    body = assert_refusal(submit(http, filing), 422, "invalid")
    errors = {(p["field"], p["code"]) for p in body["problems"] if p["severity"] == "error"}
    assert {
        ("leader.name", "required"),
        ("leader.phone", "bad_phone"),
        ("inspection_start", "prior_not_future"),
    } <= errors
    assert all(CHINESE.search(p["message"]) for p in body["problems"])
    assert_refusal(http.get(f"/api/v1/filings/{filing['id']}"), 404, "not_found")


def test_unknown_keys_are_refused_not_dropped(http: httpx.Client) -> None:
    body = assert_refusal(submit(http, valid_filing(remark="附言")), 422, "invalid")
    assert ("remark", "unknown_key") in {(p["field"], p["code"]) for p in body["problems"]}


@pytest.mark.parametrize(
    ("payload", "headers"),
    [
        (b"{not json", {}),
        (b"[1, 2]", {}),
        (json.dumps({"form": "xiangtan-beian/1999", "id": "x"}).encode(), {}),
        (b'{"lead_unit": "\xff\xfe"}', {}),
        (b"", {}),
    ],
    ids=["not-json", "not-an-object", "unknown-form", "not-utf8", "empty"],
)
def test_what_is_not_a_filing_is_a_bad_request(http: httpx.Client, payload, headers) -> None:
    assert_refusal(
        http.post(
            "/api/v1/filings",
            content=payload,
            headers={"Content-Type": "application/json", **headers},
        ),
        400,
        "bad_request",
    )


def test_too_large_a_body_is_refused(http: httpx.Client) -> None:
    filing = valid_filing(content="查" * 100_000)  # about 300 KB of UTF-8
    assert_refusal(submit(http, filing), 413, "too_large")

    def chunks() -> Iterator[bytes]:  # no Content-Length: the limit holds on the stream
        for _ in range(40):
            yield b" " * 10_000

    assert_refusal(
        http.post(
            "/api/v1/filings", content=chunks(), headers={"Content-Type": "application/json"}
        ),
        413,
        "too_large",
    )
    # The connection is still usable afterwards: the refusal was delivered cleanly.
    assert submit(http, valid_filing()).status_code == 201


# --- tokens and units ------------------------------------------------------------------


def test_no_token_unknown_token_and_revoked_token_are_unauthorized(
    office: OfficeServer,
    other_token: str,
) -> None:
    with office.client() as anonymous:
        r = anonymous.post("/api/v1/filings", json=valid_filing())
        assert_refusal(r, 401, "unauthorized")
        assert r.headers["www-authenticate"] == "Bearer"
        assert_refusal(anonymous.get("/api/v1/changes"), 401, "unauthorized")
        r = anonymous.get("/api/v1/reference", headers={"Authorization": "Basic dXNlcjpwdw=="})
        assert_refusal(r, 401, "unauthorized")
    with office.client("not-a-token-the-office-issued") as stranger:
        assert_refusal(stranger.get("/api/v1/changes"), 401, "unauthorized")

    unit = "湘潭市生态环境局"
    doomed = office.create_token(unit)
    with office.client(doomed) as http:
        assert http.get("/api/v1/changes").status_code == 200
        office.revoke_tokens(unit)
        assert_refusal(http.get("/api/v1/changes"), 401, "unauthorized")
        assert_refusal(http.post("/api/v1/filings", json=valid_filing(unit)), 401, "unauthorized")
    # Other units' tokens are untouched.
    with office.client(other_token) as other:
        assert other.get("/api/v1/changes").status_code == 200
    listed = json.loads(office.cli("token", "list", "--json").stdout)
    assert any(t["unit"] == unit and t["revoked_at"] for t in listed)
    assert all("hash" not in t for t in listed)


def test_a_unit_cannot_submit_read_or_learn_of_another_units_filings(
    http: httpx.Client, other_http: httpx.Client
) -> None:
    ours = valid_filing(DEFAULT_UNIT)
    receipt = submit(http, ours).json()["receipt"]

    # Submitting a filing led by another unit.
    body = assert_refusal(submit(other_http, ours), 403, "wrong_unit")
    assert receipt not in body["message"]
    # Reading it: the same answer as for an id that does not exist.
    theirs = other_http.get(f"/api/v1/filings/{ours['id']}")
    unknown = other_http.get("/api/v1/filings/00000000-0000-4000-8000-000000000000")
    assert theirs.status_code == unknown.status_code == 404
    assert theirs.json() == unknown.json()
    # Its receipt is not in the other unit's feed.
    feed = other_http.get("/api/v1/changes").json()["changes"]
    assert ours["id"] not in {c["id"] for c in feed}
    # Reusing its id under one's own unit: refused, nothing of the filing said.
    hijack = valid_filing(OTHER_UNIT, id=ours["id"], revision=5)
    body = assert_refusal(submit(other_http, hijack), 409, "conflict")
    assert receipt not in body["message"] and "held_revision" not in body
    assert "第" not in body["message"]  # no revision numbers of the other unit's filing
    # Our own view is unchanged.
    assert http.get(f"/api/v1/filings/{ours['id']}").json()["revision"] == 1


def test_unit_names_compare_after_normalisation(
    office: OfficeServer,
) -> None:
    spaced = office.create_token("  湘潭市 市场监督管理局 ")
    with office.client(spaced) as http:
        r = submit(http, valid_filing("湘潭市市场监督管理局\u3000"))
    assert r.status_code == 201, r.text


# --- changes, returns ------------------------------------------------------------------


def test_changes_feed_follows_a_cursor(office: OfficeServer) -> None:
    unit = "湘潭市交通运输局"
    with office.client(office.create_token(unit)) as http:
        first = http.get("/api/v1/changes").json()
        assert first["changes"] == [] and first["cursor"] == "0"
        assert datetime.fromisoformat(first["server_time"]).utcoffset() is not None
        ids = []
        for _ in range(3):
            filing = valid_filing(unit)
            ids.append(filing["id"])
            assert submit(http, filing).status_code == 201
        page = http.get("/api/v1/changes", params={"since": first["cursor"]}).json()
        assert [c["id"] for c in page["changes"]] == ids
        assert {c["type"] for c in page["changes"]} == {"receipt"}
        assert page["cursor"] == str(page["changes"][-1]["seq"])
        seqs = [c["seq"] for c in page["changes"]]
        assert seqs == sorted(seqs)

        later = valid_filing(unit)
        submit(http, later)
        rest = http.get("/api/v1/changes", params={"since": page["cursor"]}).json()
        assert [c["id"] for c in rest["changes"]] == [later["id"]]
        done = http.get("/api/v1/changes", params={"since": rest["cursor"]}).json()
        assert done["changes"] == [] and done["cursor"] == rest["cursor"]

        for bad in ("abc", "-1", "1e3"):
            assert_refusal(http.get("/api/v1/changes", params={"since": bad}), 400, "bad_request")


def test_a_return_reaches_the_unit(office: OfficeServer, http: httpx.Client) -> None:
    filing = valid_filing()
    receipt = submit(http, filing).json()
    cursor = http.get("/api/v1/changes").json()["cursor"]

    reason = "检查依据不明确，请补充具体条款。"
    out = office.cli("return", filing["id"], "--reason", reason).stdout
    assert receipt["receipt"] in out

    changes = http.get("/api/v1/changes", params={"since": cursor}).json()["changes"]
    returned = [c for c in changes if c["id"] == filing["id"]]
    assert len(returned) == 1
    assert returned[0]["type"] == "returned"
    assert returned[0]["reason"] == reason
    assert returned[0]["receipt"] == receipt["receipt"] and returned[0]["revision"] == 1
    view = http.get(f"/api/v1/filings/{filing['id']}").json()
    assert (view["status"], view["reason"]) == ("returned", reason)
    # Sending that revision again: its receipt, now marked returned — not a second copy.
    again = submit(http, filing)
    assert again.status_code == 200
    assert (again.json()["receipt"], again.json()["status"]) == (receipt["receipt"], "returned")
    # Returning it twice is refused.
    refused = office.cli("return", filing["id"], "--reason", reason, check=False)
    assert refused.returncode == 1 and "已于此前退回" in refused.stderr
    # The fix is a new revision with a receipt of its own.
    fixed = submit(http, {**filing, "revision": 2, "basis": "《食品安全法》第一百一十条第一款"})
    assert fixed.status_code == 201
    assert fixed.json()["receipt"] != receipt["receipt"]
    assert http.get(f"/api/v1/filings/{filing['id']}").json()["status"] == "filed"


def test_returning_an_unknown_filing_is_refused(office: OfficeServer) -> None:
    r = office.cli("return", "00000000-0000-4000-8000-000000000000", "--reason", "x", check=False)
    assert r.returncode == 1 and "未找到备案" in r.stderr


# --- reference data --------------------------------------------------------------------


def test_reference_answers_with_an_etag(http: httpx.Client) -> None:
    r = http.get("/api/v1/reference")
    assert r.status_code == 200
    body = r.json()
    assert set(body) == {
        "version",
        "calendar",
        "white_list",
        "key_supervision",
        "parks",
        "cert_rules",
        "forms",
        "verify_url",
        "crosscheck",
    }
    assert body["cert_rules"]["rules"]
    assert body["crosscheck"] == {
        "joint_window_workdays": 5,
        "repeat_days": 30,
        "yearly_cap": 2,
        "same_matter": "items",
    }
    etag = r.headers["etag"]
    cached = http.get("/api/v1/reference", headers={"If-None-Match": etag})
    assert cached.status_code == 304 and cached.content == b""
    assert cached.headers["etag"] == etag
    stale = http.get("/api/v1/reference", headers={"If-None-Match": '"other"'})
    assert stale.status_code == 200


# --- verification page -----------------------------------------------------------------


@pytest.fixture(scope="module")
def verified(office: OfficeServer, token: str) -> dict:
    filing = valid_filing(
        joint_units=["湘潭市应急管理局"],
        leader={
            "name": "熊平华",
            "title": "四级主任科员",
            "phone": "138 0732 1234",
            "cert_no": "43031119004",
        },
        inspectors=[
            {"name": "易桐", "cert_no": "43031121002"},
            {"name": "阿依古丽・买买提", "cert_no": "43031142003"},
        ],
    )
    with office.client(token) as http:
        receipt = submit(http, filing).json()
    return {"filing": filing, "receipt": receipt}


def test_verification_page_shows_a_held_filing(
    office: OfficeServer,
    verified: dict,
) -> None:
    filing, receipt = verified["filing"], verified["receipt"]
    with office.client() as anonymous:
        r = anonymous.get(f"/verify/{filing['id']}", params={"r": 1, "d": receipt["digest"]})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    page = r.text
    for shown in (
        "此备案已在优化营商环境部门备案",
        receipt["receipt"],
        DEFAULT_UNIT,
        "湘潭市应急管理局",
        "湘潭顺阳新材料科技股份有限公司",
        "熊平华",
        "43031119004",
        "易桐",
        "43031121002",
        "阿依古丽·买买提",
        "43031142003",
    ):
        assert shown in page, shown
    start = datetime.fromisoformat(filing["inspection_start"])
    assert f"{start.year}年{start.month}月{start.day}日" in page
    digits = re.sub(r"\D", "", page)
    assert "13807321234" not in digits  # not even split across markup
    for hidden in (
        "138 0732",
        "1380732",
        "四级主任科员",
        filing["items"],
        filing["basis"],
        filing["content"],
        filing["enterprise"]["address"],
        filing["enterprise"]["uscc"],
    ):
        assert hidden not in page, hidden


def test_verification_page_tells_mismatch_and_unknown(
    office: OfficeServer,
    verified: dict,
) -> None:
    filing, receipt = verified["filing"], verified["receipt"]
    with office.client() as anonymous:
        altered = anonymous.get(f"/verify/{filing['id']}", params={"r": 1, "d": "0123456789abcdef"})
        assert altered.status_code == 200
        assert "纸质备案表内容与备案记录不一致" in altered.text
        assert receipt["receipt"] not in altered.text and "熊平华" not in altered.text

        other_revision = anonymous.get(
            f"/verify/{filing['id']}", params={"r": 2, "d": receipt["digest"]}
        )
        assert other_revision.status_code == 404 and "未找到此备案" in other_revision.text
        unknown = anonymous.get(
            "/verify/00000000-0000-4000-8000-000000000000",
            params={"r": 1, "d": receipt["digest"]},
        )
        assert unknown.status_code == 404 and "未找到此备案" in unknown.text

        broken = anonymous.get(f"/verify/{filing['id']}", params={"r": "x"})
        assert broken.status_code == 400 and "二维码" in broken.text


def test_verification_json_twin(office: OfficeServer, verified: dict) -> None:
    filing, receipt = verified["filing"], verified["receipt"]
    with office.client() as anonymous:
        url = f"/api/v1/verify/{filing['id']}"
        match = anonymous.get(url, params={"r": 1, "d": receipt["digest"].upper()}).json()
        mismatch = anonymous.get(url, params={"r": 1, "d": "ffffffffffffffff"}).json()
        unknown = anonymous.get(url, params={"r": 9, "d": receipt["digest"]}).json()
        bad = anonymous.get(url)
    assert match["status"] == "match" and match["receipt"] == receipt["receipt"]
    assert match["officers"] == [
        {"role": "带队人员", "name": "熊平华", "cert_no": "43031119004"},
        {"role": "检查人员", "name": "易桐", "cert_no": "43031121002"},
        {"role": "检查人员", "name": "阿依古丽·买买提", "cert_no": "43031142003"},
    ]
    assert "13807321234" not in re.sub(r"\D", "", json.dumps(match))
    assert mismatch == {"status": "mismatch", "message": "纸质备案表内容与备案记录不一致"}
    assert unknown == {"status": "unknown", "message": "未找到此备案"}
    assert_refusal(bad, 400, "bad_request")


# --- receipts --------------------------------------------------------------------------


def test_receipts_are_unique_and_sequential_under_concurrent_submissions(
    office: OfficeServer,
    token: str,
) -> None:
    filings = [valid_filing() for _ in range(12)]
    answers: list[httpx.Response] = []
    lock = threading.Lock()

    def send(filing: dict) -> None:
        with office.client(token) as http:
            r = submit(http, filing)
        with lock:
            answers.append(r)

    # Every filing twice, all at once: each (id, revision) must get exactly one receipt.
    threads = [threading.Thread(target=send, args=(f,)) for f in filings + filings]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert len(answers) == 24
    assert sorted(r.status_code for r in answers) == [200] * 12 + [201] * 12
    by_id: dict[str, set[str]] = {}
    for r in answers:
        by_id.setdefault(r.json()["id"], set()).add(r.json()["receipt"])
    assert all(len(receipts) == 1 for receipts in by_id.values())

    numbers = sorted(int(RECEIPT_RE.fullmatch(next(iter(s))).group(2)) for s in by_id.values())
    assert numbers == list(range(numbers[0], numbers[0] + 12))  # no gaps, no repeats
    everything = [f["receipt"] for f in office.filings()]
    assert len(everything) == len(set(everything))


# --- offline bundles -------------------------------------------------------------------


def test_bundle_import_is_idempotent_and_matches_the_api(
    office: OfficeServer,
    tmp_path,
) -> None:
    unit = "湘潭市文化旅游广电体育局"
    good, bad, sent_before = valid_filing(unit), valid_filing(unit, items=""), valid_filing(unit)
    unit_token = office.create_token(unit)
    with office.client(unit_token) as http:
        earlier = submit(http, sent_before).json()["receipt"]
    bundle = write_bundle(tmp_path / "bundle.json", [good, bad, sent_before, "不是备案表"], unit)
    first = office.cli("import", str(bundle), "--unit", unit, check=False)
    assert first.returncode == 1  # something was refused
    lines = first.stdout.strip().splitlines()
    assert len(lines) == 4
    assert good["id"] in lines[0] and "已受理" in lines[0]
    assert bad["id"] in lines[1] and "不予受理（invalid）" in lines[1] and "[items]" in lines[1]
    assert sent_before["id"] in lines[2] and "此前已受理" in lines[2] and earlier in lines[2]
    assert "第 4 份" in lines[3] and "不予受理" in lines[3]

    receipts_before = office.filings()
    second = office.cli("import", str(bundle), "--unit", unit, check=False)
    lines = second.stdout.strip().splitlines()
    assert "此前已受理" in lines[0]
    assert office.filings() == receipts_before  # nothing held twice, no new receipt

    # The same revision through the API: the receipt of the import.
    with office.client(unit_token) as http:
        again = submit(http, good)
    assert again.status_code == 200 and again.json()["receipt"] in second.stdout

    # The receipts go back by file.
    out = tmp_path / "changes.json"
    office.cli("export-changes", "--unit", unit, "-o", str(out))
    document = json.loads(out.read_text("utf-8"))
    assert document["format"] == "beian-changes/1" and document["unit"] == unit
    assert [c["id"] for c in document["changes"]] == [sent_before["id"], good["id"]]
    office.cli("export-changes", "--unit", unit, "--since", document["cursor"], "-o", str(out))
    assert json.loads(out.read_text("utf-8"))["changes"] == []


def test_bundle_of_another_unit_is_refused_whole(office: OfficeServer, tmp_path) -> None:
    bundle = tmp_path / "bundle.json"
    filing = valid_filing(OTHER_UNIT)
    bundle.write_text(
        json.dumps({"format": "beian-bundle/1", "unit": OTHER_UNIT, "filings": [filing]}), "utf-8"
    )
    r = office.cli("import", str(bundle), "--unit", DEFAULT_UNIT, check=False)
    assert r.returncode == 1 and "不一致" in r.stderr
    assert filing["id"] not in {f["id"] for f in office.filings()}
    bundle.write_text("{}", "utf-8")
    r = office.cli("import", str(bundle), "--unit", DEFAULT_UNIT, check=False)
    assert r.returncode == 1 and "不是备案包" in r.stderr


# --- logs ------------------------------------------------------------------------------


def test_logs_hold_requests_and_decisions_but_no_tokens_or_phones(
    office: OfficeServer,
    token: str,
    other_token: str,
) -> None:
    landline = "0731-58812345"
    filing = valid_filing(
        leader={"name": "侯燕娟", "title": "科长", "phone": landline, "cert_no": "43031142003"}
    )
    with office.client(token) as http:
        assert submit(http, filing).status_code == 201
        bad = {**filing, "id": valid_filing()["id"], "leader": {**filing["leader"], "name": ""}}
        assert submit(http, bad).status_code == 422
        http.get(f"/api/v1/filings/{filing['id']}")
    with office.client("forged-token-13907310000") as forged:
        assert forged.get("/api/v1/changes").status_code == 401
    marker = "/api/v1/filings/00000000-0000-4000-8000-00000000beef"
    with office.client(token) as http:
        http.get(marker)
    office.wait_for_log(lambda e: e.get("event") == "request" and e.get("path") == marker)

    text = office.log_text()
    for secret in (token, other_token, "forged-token", landline, "58812345", "13807321234"):
        assert secret not in text, secret
    assert "13907310000" not in text
    events = office.log_events()
    decisions = {(e.get("decision"), e.get("id")) for e in events if e.get("event") == "submit"}
    assert ("accepted", filing["id"]) in decisions and ("invalid", bad["id"]) in decisions
    assert any(e.get("event") == "request" and e.get("status") == 401 for e in events)
    assert any(e.get("event") == "token_created" for e in events)  # the CLI's decisions too


def test_an_online_backup_holds_what_the_office_holds(
    office: OfficeServer,
    http: httpx.Client,
    tmp_path,
) -> None:
    assert submit(http, valid_filing()).status_code == 201
    copy = tmp_path / "backup.db"
    if office.backend == "postgresql":  # PostgreSQL has its own tools (docs/office.md)
        refused = office.cli("backup", "-o", str(copy), check=False)
        assert refused.returncode == 1 and "pg_dump" in refused.stderr
        assert not copy.exists()
        return
    assert "完整性检查" in office.cli("backup", "-o", str(copy)).stdout
    assert (copy.stat().st_mode & 0o777) == 0o600
    backed_up = json.loads(office_cli(copy, "filings", "--json").stdout)
    assert backed_up == office.filings()
    again = office.cli("backup", "-o", str(copy), check=False)
    assert again.returncode == 1 and "不会覆盖" in again.stderr
