"""退回原因模板 and 待审's "since you last looked" end to end: a real office process, Debian's
Chromium under Playwright (with and without JavaScript), plain HTTP posts through the
app for the refusals, and a real desk that syncs the return."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.support.browser import (  # noqa: F401
    DESKTOP,
    add_staff,
    browser,
    browser_context,
    login,
    page,
)
from tests.support.desk import Desk
from tests.support.office import OfficeServer, office, valid_filing  # noqa: F401

pytestmark = pytest.mark.slow
TEMPLATE = "检查依据不明确，请补充具体条款。"
EDITED = "检查依据不明确，请补充《食品安全法》的具体条款。"
TEMPLATES = "/console/return-templates"


@pytest.fixture(scope="module")
def office_backend() -> str:
    return "sqlite"


def post_filing(office: OfficeServer, unit: str) -> dict:
    with office.client(office.create_token(unit)) as http:
        answer = http.post("/api/v1/filings", json=valid_filing(unit))
    assert answer.status_code == 201, answer.text
    return answer.json()


def csrf_of(page: Page) -> str:
    value = page.locator("form[action='/console/logout'] input[name=csrf]").get_attribute("value")
    return value or ""


def audit_actions(office: OfficeServer) -> list[tuple[str, str]]:
    return [(e["actor"], e["action"]) for e in json.loads(office.cli("audit", "--json").stdout)]


def test_a_reviewer_keeps_a_template_and_returns_with_it_edited_to_the_desk(
    office: OfficeServer, page: Page, tmp_path
) -> None:
    add_staff(office, "rev-t", "reviewer")
    unit = "湘潭市市场监督管理局"
    desk = Desk(tmp_path / "desk")
    desk.configure(office.url, office.create_token(unit))
    filing = valid_filing(unit)
    desk.put(filing)
    assert desk.sync()[0] == 0

    login(page, office.url, "rev-t")
    page.get_by_role("link", name="退回原因模板").click()
    expect(page.get_by_role("heading", name=re.compile("^退回原因模板"))).to_be_visible()
    page.get_by_label("模板内容", exact=True).fill("请补充检查依据")
    page.get_by_role("button", name="添加模板").click()
    expect(page.get_by_role("status")).to_have_text("已添加退回原因模板。")
    row = page.get_by_role("row").filter(has=page.get_by_role("textbox"))
    expect(row).to_have_count(1)
    # Reworded in place.
    row.get_by_role("textbox").fill(TEMPLATE)
    row.get_by_role("button", name=re.compile("保存")).click()
    expect(page.get_by_role("status")).to_have_text("已保存修改。")
    expect(page.get_by_role("columnheader", name="退回原因")).to_be_visible()
    expect(page.get_by_role("row").filter(has=page.get_by_role("textbox"))).to_have_count(1)
    expect(page.get_by_role("textbox").last).to_have_value(TEMPLATE)
    # A second one, moved to the top: the 退回 form offers them in this order.
    page.get_by_label("模板内容", exact=True).fill("检查人员证件号码不全。")
    page.get_by_role("button", name="添加模板").click()
    page.get_by_role("button", name="上移第 2 条").click()
    expect(page.get_by_role("status")).to_have_text("已调整顺序。")
    expect(page.get_by_label("第 1 条模板内容")).to_have_value("检查人员证件号码不全。")
    expect(page.get_by_label("第 2 条模板内容")).to_have_value(TEMPLATE)
    # A limit is told in Chinese, with what was typed kept.
    page.get_by_label("模板内容", exact=True).fill(TEMPLATE)
    page.get_by_role("button", name="添加模板").click()
    expect(page.get_by_role("alert")).to_have_text("已有内容相同的退回原因模板。")
    expect(page.get_by_label("模板内容", exact=True)).to_have_value(TEMPLATE)

    receipt = next(f["receipt"] for f in office.filings() if f["id"] == filing["id"])
    page.get_by_role("link", name="待审").click()
    page.get_by_role("link", name=receipt).click()
    page.get_by_role("button", name="退回").click()
    choice = page.get_by_label("常用原因模板")
    expect(choice.locator("option")).to_have_text(
        ["（不使用模板）", "检查人员证件号码不全。", TEMPLATE]
    )
    choice.select_option(label=TEMPLATE)
    reason = page.get_by_label("退回原因")
    expect(reason).to_have_value(TEMPLATE)
    reason.fill(EDITED)
    page.get_by_role("button", name="确认退回").click()
    expect(page.get_by_role("status")).to_contain_text("已退回")
    expect(page.get_by_role("cell", name=EDITED)).to_be_visible()

    assert desk.sync()[0] == 0
    with desk.store() as store:
        row_ = store.get(filing["id"])
        assert row_ is not None and row_.status == "returned"
        assert row_.return_reason == EDITED
    done = [a for u, a in audit_actions(office) if u == "rev-t"]
    assert done[-1] == "returned"
    assert {"return_template_added", "return_template_edited"} <= set(done)


def test_without_javascript_the_chosen_template_is_the_reason(
    office: OfficeServer, browser: Browser
) -> None:
    add_staff(office, "rev-nojs", "reviewer")
    unit = "湘潭市教育局"
    held = post_filing(office, unit)
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN", java_script_enabled=False)
    try:
        page = context.new_page()
        login(page, office.url, "rev-nojs")
        page.goto(f"{office.url}{TEMPLATES}")
        page.get_by_label("模板内容", exact=True).fill("检查人员证件号码不完整，请补正。")
        page.get_by_role("button", name="添加模板").click()
        expect(page.get_by_role("status")).to_have_text("已添加退回原因模板。")
        page.goto(f"{office.url}/console/filings/{held['id']}")
        page.get_by_role("button", name="退回").click()
        # Neither a reason nor a template: told so, the form shown again.
        page.get_by_role("button", name="确认退回").click()
        expect(page.get_by_role("alert")).to_have_text("请填写退回原因，或选择一条常用原因模板。")
        page.get_by_label("常用原因模板").select_option(label="检查人员证件号码不完整，请补正。")
        expect(page.get_by_label("退回原因")).to_have_value("")  # no script ran
        page.get_by_role("button", name="确认退回").click()
        expect(page.get_by_role("status")).to_contain_text("已退回")
    finally:
        context.close()
    [listed] = [f for f in office.filings() if f["id"] == held["id"]]
    assert listed["status"] == "returned"
    entry = [
        e for e in json.loads(office.cli("audit", "--json").stdout) if e["actor"] == "rev-nojs"
    ]
    assert entry[-1]["details"]["reason"] == "检查人员证件号码不完整，请补正。"


def test_pending_shows_a_new_arrival_as_new_after_marking_seen(
    office: OfficeServer, page: Page
) -> None:
    office.cli("office", "create", "--code", "430304", "--name", "岳塘区", "--prefix", "岳优备")
    add_staff(office, "rev-yt", "reviewer", office_code="430304")
    unit = "岳塘区应急管理局"
    token = office.create_token(unit, "430304")

    def arrive() -> str:
        with office.client(token) as http:
            answer = http.post("/api/v1/filings", json=valid_filing(unit))
        assert answer.status_code == 201, answer.text
        return str(answer.json()["receipt"])

    first = arrive()
    login(page, office.url, "rev-yt")
    new = page.get_by_role("region", name=re.compile("^上次查看后新到"))
    expect(new.get_by_role("heading")).to_have_text("上次查看后新到 1 件")
    expect(new.get_by_role("link", name=first)).to_be_visible()
    new.get_by_role("button", name="标记为已看").click()
    expect(page.get_by_role("status")).to_have_text("已标记为已看。")
    expect(new.get_by_role("heading")).to_have_text("上次查看后新到 0 件")

    second = arrive()
    page.reload()
    expect(new.get_by_role("heading")).to_have_text("上次查看后新到 1 件")
    expect(new.get_by_role("link", name=second)).to_be_visible()
    expect(new.get_by_role("link", name=first)).to_have_count(0)
    earlier = page.get_by_role("region", name=re.compile("^此前已看"))
    expect(earlier.get_by_role("heading")).to_have_text("此前已看、仍待审 1 件")
    expect(earlier.get_by_role("link", name=first)).to_be_visible()


def test_readers_other_offices_and_forged_posts_change_no_template(
    office: OfficeServer, page: Page, browser: Browser
) -> None:
    office.cli("office", "create", "--code", "430302", "--name", "雨湖区", "--prefix", "雨优备")
    add_staff(office, "adm-t", "admin", office_code="430300")
    add_staff(office, "yh-adm", "admin", office_code="430302")
    login(page, office.url, "adm-t")
    page.goto(f"{office.url}{TEMPLATES}")
    page.get_by_label("模板内容", exact=True).fill("市级的原因，不许别人动。")
    page.get_by_role("button", name="添加模板").click()
    expect(page.get_by_role("status")).to_have_text("已添加退回原因模板。")
    seq = page.locator("input[name=seq]").last.get_attribute("value") or ""
    url = f"{office.url}{TEMPLATES}"
    forged = [
        {"do": "add", "text": "伪造"},
        {"do": "edit", "seq": seq, "text": "伪造"},
        {"do": "retire", "seq": seq},
    ]
    # Without the page's token, or from another site: refused before anything is read.
    assert page.request.post(url, form=forged[2]).status == 403
    answer = page.request.post(
        url, form={"csrf": csrf_of(page), **forged[2]}, headers={"Origin": "https://evil.example"}
    )
    assert answer.status == 403
    for role in ("justice", "park", "viewer"):
        name = f"{role}-t"
        add_staff(
            office, name, role, "430300", park="湘潭高新技术产业开发区" if role == "park" else None
        )
        context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
        try:
            reader = context.new_page()
            login(reader, office.url, name)
            csrf = csrf_of(reader)
            expect(reader.get_by_role("link", name="退回原因模板")).to_have_count(0)
            assert reader.goto(url).status == 403
            for form in forged:
                answer = reader.request.post(
                    url, form={"csrf": csrf, **form}, headers={"Origin": office.url}
                )
                assert answer.status == 403, (role, form)
            answer = reader.request.post(
                f"{office.url}/console/pending/seen",
                form={"csrf": csrf, "through": "2026-1"},
                headers={"Origin": office.url},
            )
            assert answer.status == 403, role
        finally:
            context.close()
    # Another office's admin does not reach the city's template (unknown to it).
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    try:
        county = context.new_page()
        login(county, office.url, "yh-adm")
        for form in forged[1:]:
            answer = county.request.post(
                url, form={"csrf": csrf_of(county), **form}, headers={"Origin": office.url}
            )
            assert answer.status == 400 and "未找到" in answer.text(), form
        county.goto(url)
        expect(county.get_by_text("市级的原因，不许别人动。")).to_have_count(0)
    finally:
        context.close()
    page.reload()
    expect(page.get_by_role("textbox").last).to_have_value("市级的原因，不许别人动。")
    assert not any(
        u in ("justice-t", "park-t", "viewer-t", "yh-adm") and a.startswith("return_template")
        for u, a in audit_actions(office)
    )
