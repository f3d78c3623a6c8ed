"""The workbench end to end in a real browser (Debian's Chromium under Playwright)
against a real office process, and a real desk synced against it."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.support.browser import add_staff, browser, browser_context, login, page  # noqa: F401
from tests.support.desk import Desk
from tests.support.office import OfficeServer, office, valid_filing  # noqa: F401

pytestmark = pytest.mark.slow
ENTERPRISE = "湘潭顺阳新材料科技股份有限公司"


@pytest.fixture(scope="module")
def office_backend() -> str:
    return "sqlite"


def test_a_reviewer_finds_a_filing_returns_it_and_the_desk_sees_the_return(
    office: OfficeServer, page: Page, tmp_path
) -> None:
    add_staff(office, "reviewer1", "reviewer")
    desk = Desk(tmp_path / "desk")
    desk.configure(office.url, office.create_token())
    filing = valid_filing(
        enterprise={
            "name": "湘潭岳塘区鑫源精密机械制造有限公司",
            "uscc": "91430304MA4YG57FJC",
            "address": "湘潭市岳塘区科技路45号",
            "park": "",
        }
    )
    desk.put(filing)
    status, _ = desk.sync()
    assert status == 0

    login(page, office.url, "reviewer1")
    page.get_by_role("link", name="备案列表").click()
    page.get_by_label("企业名称或统一社会信用代码").fill("鑫源精密")
    page.get_by_role("button", name="筛选").click()
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(1)
    rows.first.get_by_role("link").click()
    expect(page.get_by_role("heading", name="湘潭市涉企行政执法检查备案表")).to_be_visible()
    expect(page.get_by_role("button", name="审核通过")).to_be_visible()
    page.get_by_role("button", name="退回").click()
    page.get_by_label("退回原因").fill("检查依据不明确，请补充具体条款。")
    page.get_by_role("button", name="确认退回").click()
    expect(page.get_by_role("status")).to_contain_text("已退回")
    expect(page.get_by_role("button", name="审核通过")).to_have_count(0)

    status, _ = desk.sync()
    assert status == 0
    with desk.store() as store:
        row = store.get(filing["id"])
        assert row is not None and row.status == "returned"
        assert row.return_reason == "检查依据不明确，请补充具体条款。"
    audit = office.cli("audit").stdout
    assert "reviewer1" in audit and "returned" in audit
    assert "鑫源精密" not in office.log_text()  # the filter typed stays out of the logs


def test_a_justice_account_reads_but_is_not_offered_and_cannot_act(
    office: OfficeServer, page: Page
) -> None:
    add_staff(office, "justice1", "justice")
    with office.client(office.create_token("湘潭市应急管理局")) as http:
        held = http.post("/api/v1/filings", json=valid_filing("湘潭市应急管理局")).json()
    login(page, office.url, "justice1")
    expect(page).to_have_url(f"{office.url}/console/feed")
    copy = page.get_by_role("row").filter(has_text="湘潭市应急管理局")
    expect(copy.get_by_role("cell", name="新", exact=True)).to_be_visible()
    page.goto(f"{office.url}/console/filings/{held['id']}")
    expect(page.get_by_role("heading", name="湘潭市涉企行政执法检查备案表")).to_be_visible()
    expect(page.get_by_role("button", name="退回")).to_have_count(0)
    expect(page.get_by_role("button", name="审核通过")).to_have_count(0)
    # A forged post with the justice account's own valid token is refused by the server.
    csrf = page.locator("form[action='/console/logout'] input[name=csrf]").get_attribute("value")
    for what, extra in (("approve", {}), ("return", {"reason": "伪造"}), ("note", {"text": "x"})):
        answer = page.request.post(
            f"{office.url}/console/filings/{held['id']}/{what}",
            form={"csrf": csrf or "", **extra},
            headers={"Origin": office.url},
        )
        assert answer.status == 403, what
    listed = [f for f in office.filings() if f["id"] == held["id"]]
    assert [f["status"] for f in listed] == ["filed"]
    # The copy was opened: the justice bureau's notification is marked seen.
    page.goto(f"{office.url}/console/filings/{held['id']}")
    expect(page.get_by_role("cell", name="第 1 版已查阅")).to_be_visible()


def test_a_post_without_the_token_or_from_another_site_changes_nothing(
    office: OfficeServer, page: Page
) -> None:
    add_staff(office, "reviewer2", "reviewer")
    with office.client(office.create_token("湘潭市教育局")) as http:
        held = http.post("/api/v1/filings", json=valid_filing("湘潭市教育局")).json()
    login(page, office.url, "reviewer2")
    url = f"{office.url}/console/filings/{held['id']}/return"
    no_token = page.request.post(url, form={"reason": "无令牌"})
    assert no_token.status == 403
    csrf = page.locator("form[action='/console/logout'] input[name=csrf]").get_attribute("value")
    elsewhere = page.request.post(
        url,
        form={"csrf": csrf or "", "reason": "别的网站"},
        headers={"Origin": "https://evil.example"},
    )
    assert elsewhere.status == 403
    assert [f["status"] for f in office.filings() if f["id"] == held["id"]] == ["filed"]


def test_review_passed_in_the_browser_shows_on_the_desk_as_reviewed(
    office: OfficeServer, page: Page, tmp_path
) -> None:
    from desktop.store.api import ListQuery

    add_staff(office, "reviewer3", "reviewer")
    desk = Desk(tmp_path / "desk")
    desk.configure(office.url, office.create_token("湘潭市住房和城乡建设局"))
    filing = valid_filing("湘潭市住房和城乡建设局")
    desk.put(filing)
    assert desk.sync()[0] == 0
    login(page, office.url, "reviewer3")
    page.get_by_role("link", name=filing_receipt(office, filing["id"])).click()
    page.get_by_role("button", name="审核通过").click()
    expect(page.get_by_role("status")).to_have_text("已审核通过。")
    assert desk.sync()[0] == 0
    with desk.store() as store:
        (summary,) = [s for s in store.list_filings(ListQuery()) if s.id == filing["id"]]
    assert summary.status == "sent" and summary.reviewed


def filing_receipt(office: OfficeServer, filing_id: str) -> str:
    return next(f["receipt"] for f in office.filings() if f["id"] == filing_id)
