"""The office's pages of the enterprise's page in a real browser: 企业评价, 投诉 (state and
reply, audited, seen by the enterprise), 扫码留痕 with its flags; the justice bureau and
park committees never open them."""

from __future__ import annotations

import json

import httpx
import pytest
from playwright.sync_api import Page, expect

from forms.pdf import qr_payload
from forms.record import content_digest
from tests.support.browser import add_staff, browser, browser_context, login, page  # noqa: F401
from tests.support.office import OfficeServer, office, valid_filing  # noqa: F401

pytestmark = pytest.mark.slow
COMPLAINT = "检查人员要求董事长全程陪同。"


@pytest.fixture(scope="module")
def office_backend() -> str:
    return "sqlite"


def evaluated(office: OfficeServer) -> dict:
    filing = valid_filing()
    with office.client(office.create_token()) as http:
        assert http.post("/api/v1/filings", json=filing).status_code == 201
    link = {"id": filing["id"], "revision": 1, "digest": content_digest(filing)}
    with office.client() as anonymous:
        r = anonymous.post(
            "/api/v1/evaluations",
            json={
                **link,
                "satisfaction": 2,
                "disrupted": True,
                "principal_required": True,
                "text": COMPLAINT,
                "complaint": True,
                "contact": "王经理 13907321234",
            },
        )
        assert r.status_code == 201, r.text
        r = anonymous.post(
            "/api/v1/visits", json={**link, "arrived_at": "2026-01-05T09:00:00+08:00"}
        )
        assert r.status_code == 201, r.text
    return filing


def test_a_reviewer_reads_evaluations_and_answers_a_complaint(office, page: Page) -> None:
    filing = evaluated(office)
    add_staff(office, "rev-e", "reviewer")
    login(page, office.url, "rev-e")
    page.get_by_role("link", name="企业评价").click()
    expect(page.get_by_role("heading", name="企业评价")).to_be_visible()
    expect(page.get_by_role("cell", name=COMPLAINT, exact=False)).to_be_visible()

    page.get_by_role("link", name="投诉").click()
    panel = page.locator("section.panel", has_text=COMPLAINT)
    expect(panel).to_contain_text("王经理 13907321234")
    panel.get_by_label("办理状态").select_option(label="已办结")
    panel.get_by_label("给企业的答复").fill("已约谈检查单位。")
    panel.get_by_role("button", name="保存").click()
    expect(page.get_by_role("status")).to_have_text("已保存。")
    expect(page.locator("section.panel", has_text=COMPLAINT)).to_contain_text("已办结")

    audit = json.loads(office.cli("audit", "--json").stdout)
    [entry] = [e for e in audit if e["action"] == "complaint"]
    assert entry["actor"] == "rev-e" and entry["details"]["after"]["state"] == "done"
    # The enterprise reads the reply on its page.
    with httpx.Client() as anonymous:
        text = anonymous.get(qr_payload(filing, office.url)).text
    assert "已约谈检查单位。" in text and "已办结" in text

    page.get_by_role("link", name="扫码留痕").click()
    expect(page.get_by_text("到场时间不在备案的检查日期内").first).to_be_visible()


def test_the_justice_bureau_and_parks_never_open_them(office, page: Page) -> None:
    evaluated(office)
    add_staff(office, "jus-e", "justice")
    login(page, office.url, "jus-e")
    for path in ("/console/evaluations", "/console/complaints", "/console/visits"):
        response = page.goto(f"{office.url}{path}")
        assert response is not None and response.status == 403, path
        assert COMPLAINT not in page.content()
    expect(page.get_by_role("link", name="企业评价")).to_have_count(0)
