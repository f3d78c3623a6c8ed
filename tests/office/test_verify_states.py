"""The public verification page and its JSON twin against a real office process: the
headline tells the truth for every state of a revision (filed, returned, superseded),
the 查询码 finds a filing, phone numbers typed into names are masked, and text prints
and reads back as typed."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest

from forms.pdf import qr_payload, render_pdf
from forms.record import content_digest
from forms.short_code import short_code
from office.crosscheck import CODES as CROSSCHECK_CODES
from tests.support.office import DEFAULT_UNIT, OfficeServer, valid_filing

FILED_HEADLINE = "此备案已在优化营商环境部门备案"


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OfficeServer]:
    with OfficeServer.start(tmp_path_factory.mktemp("verify-office")) as server:
        yield server


@pytest.fixture(scope="module")
def token(office: OfficeServer) -> str:
    return office.create_token(DEFAULT_UNIT)


@pytest.fixture
def http(office: OfficeServer, token: str) -> Iterator[httpx.Client]:
    with office.client(token) as client:
        yield client


def submit(http: httpx.Client, filing: dict) -> dict:
    r = http.post("/api/v1/filings", json=filing)
    assert r.status_code == 201, r.text
    return r.json()


def check(office: OfficeServer, filing: dict) -> tuple[dict, httpx.Response]:
    """The JSON twin and the page, for the paper of ``filing`` (its QR link)."""
    link = qr_payload(filing, office.url).removeprefix(office.url)
    with office.client() as anonymous:
        page = anonymous.get(link)
        answer = anonymous.get("/api" + link.replace("/verify/", "/v1/verify/", 1)).json()
    return answer, page


def headline(page: httpx.Response) -> str:
    return re.search(r'<div class="verdict [a-z]+">(.*?)</div>', page.text).group(1)


# --- the state of the revision in hand ------------------------------------------------


def test_a_current_filed_revision_says_filed(office, http):
    filing = valid_filing()
    receipt = submit(http, filing)["receipt"]
    answer, page = check(office, filing)
    assert answer["status"] == "match" and answer["standing"] == "filed"
    assert answer["message"] == FILED_HEADLINE and headline(page) == FILED_HEADLINE
    assert answer["receipt"] == receipt and answer["superseded_by"] is None
    assert 'class="verdict match"' in page.text


def test_a_returned_revision_says_returned_not_filed(office, http):
    filing = valid_filing()
    submit(http, filing)
    office.cli("return", filing["id"], "--reason", "请补充检查依据。")
    answer, page = check(office, filing)
    assert answer["standing"] == "returned" and answer["filing_status"] == "returned"
    assert answer["message"] == "此备案已被退回，检查单位尚未重新备案"
    assert headline(page) == answer["message"]
    assert FILED_HEADLINE not in page.text
    assert "不能作为已备案的凭证" in page.text
    assert "请补充检查依据" not in page.text  # never the reason


def test_a_superseded_revision_says_which_replaced_it(office, http):
    first = valid_filing()
    submit(http, first)
    office.cli("return", first["id"], "--reason", "请补充检查依据。")
    second = dict(first, revision=2, basis="《中华人民共和国食品安全法》第一百一十条第一款")
    second_receipt = submit(http, second)["receipt"]

    answer, page = check(office, first)
    assert answer["status"] == "match"  # the paper is what revision 1 was
    assert answer["standing"] == "superseded"
    assert answer["superseded_by"] == 2 and answer["latest_revision"] == 2
    assert answer["latest_receipt"] == second_receipt and answer["latest_status"] == "filed"
    assert answer["message"] == "此纸质备案表已过期：第 1 版已被第 2 版取代"
    assert headline(page) == answer["message"]
    assert 'class="verdict superseded"' in page.text
    assert FILED_HEADLINE not in page.text
    assert "已不是最新版本" in page.text and second_receipt in page.text

    answer, page = check(office, second)
    assert answer["standing"] == "filed" and headline(page) == FILED_HEADLINE


def test_a_superseded_revision_whose_successor_was_returned_too(office, http):
    first = valid_filing()
    submit(http, first)
    office.cli("return", first["id"], "--reason", "请补充检查依据。")
    second = dict(first, revision=2, items="食品生产许可条件保持情况（复查）")
    submit(http, second)
    office.cli("return", first["id"], "--reason", "请核对检查时间。")
    answer, _ = check(office, first)
    assert answer["standing"] == "superseded" and answer["latest_status"] == "returned"
    assert "第 2 版已被退回" in answer["filing_status_text"]
    answer, _ = check(office, second)
    assert answer["standing"] == "returned"


def test_an_altered_paper_is_still_a_mismatch(office, http):
    filing = valid_filing()
    submit(http, filing)
    altered = dict(filing, items="另一项检查")
    answer, page = check(office, dict(altered, id=filing["id"]))
    assert answer == {"status": "mismatch", "message": "纸质备案表内容与备案记录不一致"}
    assert page.status_code == 200


# --- the 查询码 ---------------------------------------------------------------------------


def test_the_short_code_is_printed_and_shown(office, http):
    filing = valid_filing()
    submit(http, filing)
    code = short_code(filing["id"])
    answer, page = check(office, filing)
    assert answer["short_code"] == code and code in page.text
    import io

    import pypdf

    pdf = render_pdf(filing, copies=(1,), office_url=office.url)
    text = "".join(pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())
    assert f"查询码：{code}" in text


def test_the_office_finds_a_filing_by_its_short_code(office, http):
    filing = valid_filing()
    receipt = submit(http, filing)["receipt"]
    code = short_code(filing["id"])
    read_out = code.lower().replace("-", " ").replace("1", "l").replace("0", "o")
    with office.client() as anonymous:
        for spelled in (code, read_out):
            r = anonymous.get(f"/api/v1/verify/code/{spelled}")
            assert r.status_code == 200, r.text
            body = r.json()
            assert body["status"] == "found" and body["code"] == code
            assert [f["id"] for f in body["filings"]] == [filing["id"]]
            assert body["filings"][0]["receipt"] == receipt
            assert body["filings"][0]["standing"] == "filed"
        page = anonymous.get(f"/verify/code/{code}")
        assert page.status_code == 200 and receipt in page.text and code in page.text
        assert "未核对您手中纸质表的内容" in page.text


def test_a_short_code_lookup_gives_the_latest_revision(office, http):
    first = valid_filing()
    submit(http, first)
    office.cli("return", first["id"], "--reason", "请补充检查依据。")
    second_receipt = submit(http, dict(first, revision=2, plan_ref="2026年度抽查计划"))["receipt"]
    with office.client() as anonymous:
        body = anonymous.get(f"/api/v1/verify/code/{short_code(first['id'])}").json()
    assert [(f["revision"], f["receipt"]) for f in body["filings"]] == [(2, second_receipt)]


def test_unknown_and_malformed_short_codes(office):
    with office.client() as anonymous:
        unknown = anonymous.get("/api/v1/verify/code/ZZZZZ-ZZZZZ")
        assert unknown.status_code == 200
        assert unknown.json()["status"] == "unknown" and unknown.json()["filings"] == []
        assert anonymous.get("/verify/code/ZZZZZ-ZZZZZ").status_code == 404
        bad = anonymous.get("/api/v1/verify/code/not-a-code!")
        assert bad.status_code == 400 and "查询码" in bad.json()["message"]
        assert anonymous.get("/verify/code/UUUUU-UUUUU").status_code == 400


# --- no phone numbers on the public page ----------------------------------------------------

PHONES = ["13807321234", "58812345", "13907325678"]


def test_phone_numbers_typed_into_names_are_masked(office, http):
    filing = valid_filing(
        joint_units=["湘潭市应急管理局 电话0731-58812345"],
        enterprise={
            "name": "湘潭顺阳新材料科技股份有限公司（联系人13807321234）",
            "uscc": "91430304MA4YG57FJC",
            "address": "湘潭市岳塘区科技路45号，电话13907325678",
            "park": "",
        },
    )
    filing["leader"]["title"] = "科长（手机１３６ ０７３２ ９８７６）"
    receipt = submit(http, filing)
    # (the cross-filing checks may add theirs: other filings of this module meet this one)
    own = [w for w in receipt["warnings"] if w["code"] not in CROSSCHECK_CODES]
    assert {w["code"] for w in own} == {"phone_in_name"}
    assert {w["field"] for w in own} == {"joint_units[0]", "enterprise.name"}
    answer, page = check(office, filing)
    assert answer["standing"] == "filed"
    assert answer["enterprise"] == "湘潭顺阳新材料科技股份有限公司（联系人***********）"
    assert answer["joint_units"] == ["湘潭市应急管理局电话****-********"]
    with office.client() as anonymous:
        by_code = anonymous.get(f"/api/v1/verify/code/{short_code(filing['id'])}").text
        code_page = anonymous.get(f"/verify/code/{short_code(filing['id'])}").text
    for text in (page.text, str(answer), by_code, code_page):
        for phone in PHONES:
            assert phone not in text
        assert "９８７６" not in text and "0731-5881" not in text


# --- text as typed --------------------------------------------------------------------------


def test_what_the_office_shows_is_what_was_typed(office, tmp_path):
    unit = "湘潭市自然资源和规划局(湘潭县分局)"  # the token was made with ASCII brackets
    unit_token = office.create_token(unit)
    filing = valid_filing("湘潭市自然资源和规划局（湘潭县分局）")
    filing["enterprise"] = dict(filing["enterprise"], name="湖南华菱湘钢（湘潭）有限公司")
    with office.client(unit_token) as http:
        receipt = submit(http, filing)
    assert receipt["digest"] == content_digest(filing)
    answer, page = check(office, filing)
    assert answer["enterprise"] == "湖南华菱湘钢（湘潭）有限公司"
    assert answer["unit"] == "湘潭市自然资源和规划局（湘潭县分局）"
    assert "湖南华菱湘钢（湘潭）有限公司" in page.text
