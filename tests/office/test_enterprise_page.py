"""The enterprise's page in Debian's chromium at phone size (390×844) against a real
office process: no sideways scrolling, large touch targets, the visit and the evaluation
submitted by clicks (no JavaScript), the answer and the office's reply shown."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import httpx
import pytest

from forms.pdf import qr_payload
from tests.support.browser import browser  # noqa: F401 (a fixture)
from tests.support.office import DEFAULT_UNIT, OfficeServer, valid_filing
from tests.support.phone_browser import phone_page  # noqa: F401 (a fixture)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OfficeServer]:
    with OfficeServer.start(tmp_path_factory.mktemp("enterprise-page")) as server:
        yield server


def filed(office: OfficeServer) -> tuple[dict, str]:
    filing = valid_filing()
    with office.client(office.create_token(DEFAULT_UNIT)) as http:
        assert http.post("/api/v1/filings", json=filing).status_code == 201
    return filing, qr_payload(filing, office.url)


def no_sideways_scroll(page) -> None:
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= 390, width


def test_the_page_fits_a_phone_and_its_targets_are_large(office, phone_page):
    _, url = filed(office)
    response = phone_page.goto(url)
    assert response.status == 200
    assert "script-src" not in response.headers["content-security-policy"]
    assert len(response.body()) < 16 * 1024  # a weak connection: one small request, no more
    requested: list[str] = []
    phone_page.on("request", lambda r: requested.append(r.url))
    phone_page.reload()
    assert requested == [url]  # no font, script, stylesheet or image fetched
    no_sideways_scroll(phone_page)
    for selector in ("button[type=submit]", ".choices label", "input[type=datetime-local]"):
        for box in [e.bounding_box() for e in phone_page.query_selector_all(selector)]:
            assert box is not None and box["height"] >= 44, (selector, box)
            assert box["x"] >= 0 and box["x"] + box["width"] <= 390, (selector, box)
    assert phone_page.query_selector_all("script") == []
    assert phone_page.locator("#rights").inner_text().count("不得要求企业主要负责人陪同") == 1


def test_a_visit_and_an_evaluation_are_submitted_by_clicks_and_shown(office, phone_page):
    filing, url = filed(office)
    phone_page.goto(url)
    phone_page.click("text=确认到场和离开")
    phone_page.wait_for_selector("#visit .ok")
    assert "已记录检查人员到场和离开的时间" in phone_page.inner_text("#visit")
    assert re.search(r"到场 \d{4}年\d{2}月\d{2}日 \d{2}:\d{2}", phone_page.inner_text("#visit"))
    no_sideways_scroll(phone_page)

    # Submitting without a choice: the browser's own check (required radios) stops it.
    phone_page.click("text=提交评价")
    assert phone_page.query_selector("#evaluate .ok") is None

    phone_page.click("#evaluate .choices label:has-text('不满意')")
    phone_page.click("fieldset:has-text('是否影响正常生产经营') label:has-text('否')")
    phone_page.click("fieldset:has-text('是否要求主要负责人陪同') label:has-text('是')")
    phone_page.fill("#text", "要求总经理全程陪同。")
    phone_page.check("input[name=complaint]")
    phone_page.fill("#contact", "王经理 13907321234")
    phone_page.click("text=提交评价")
    phone_page.wait_for_selector("#evaluate .ok")
    text = phone_page.inner_text("#evaluate")
    assert "已收到您的评价" in text and "不满意" in text and "要求总经理全程陪同。" in text
    assert phone_page.inner_text("#evaluate tr:has-text('投诉办理') td") == "收到"
    no_sideways_scroll(phone_page)

    office.cli("complaint", filing["id"], "1", "--state", "已办结", "--reply", "已约谈检查单位。")
    phone_page.goto(url)
    text = phone_page.inner_text("#evaluate")
    assert "已办结" in text and "已约谈检查单位。" in text
    assert "评价已不能修改" in text  # the office has handled it
    no_sideways_scroll(phone_page)

    [entry] = [
        e for e in json.loads(office.cli("evaluations", "--json").stdout) if e["id"] == filing["id"]
    ]
    assert set(entry) == {
        "id",
        "revision",
        "satisfaction",
        "disrupted",
        "principal_required",
        "text",
        "at",
    }
    assert (entry["satisfaction"], entry["principal_required"]) == (2, True)
    # The unit's offline changes file carries none of it either.
    out = office.workdir / "changes.json"
    office.cli("export-changes", "--unit", DEFAULT_UNIT, "-o", str(out))
    carried = out.read_text("utf-8")
    assert filing["id"] in carried
    for secret in ("要求总经理全程陪同", "王经理", "13907321234", "已约谈", "satisfaction"):
        assert secret not in carried
    # Handling a complaint is for admins and reviewers; every change is audited.
    audit = json.loads(office.cli("audit", "--json").stdout)
    assert [e["actor"] for e in audit if e["action"] == "complaint"] == ["cli"]


def test_a_refused_form_keeps_what_was_typed(office, phone_page):
    filing, url = filed(office)
    phone_page.goto(url)
    phone_page.fill("#left_at", "2020-01-01T08:00")
    phone_page.click("text=确认到场和离开")
    phone_page.wait_for_selector("#visit .error")
    assert "离开时间早于到场时间" in phone_page.inner_text("#visit .error")
    assert phone_page.input_value("#left_at") == "2020-01-01T08:00"
    # A forged digest is refused like an unknown filing and stores nothing.
    r = httpx.post(
        f"{office.url}/verify/{filing['id']}/evaluation",
        data={
            "r": "1",
            "d": "0" * 16,
            "satisfaction": "5",
            "disrupted": "no",
            "principal_required": "no",
        },
    )
    assert r.status_code == 404
    assert office.cli("evaluations", "--json").stdout.count(filing["id"]) == 0
