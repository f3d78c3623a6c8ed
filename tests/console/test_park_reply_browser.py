"""园区回复 in a real browser against a real office process: the park committee replies from
its feed (bad input comes back in Chinese with everything as typed), the reviewer reads
the reply, forged posts change nothing, and the unit's desk receives it on its sync."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.support.browser import add_staff, browser, browser_context, login, page  # noqa: F401
from tests.support.desk import Desk
from tests.support.office import OfficeServer, office, valid_filing  # noqa: F401

pytestmark = pytest.mark.slow
PARK = "湘潭高新技术产业开发区"
ENTERPRISE = "湘潭顺阳新材料科技股份有限公司"


@pytest.fixture(scope="module")
def office_backend() -> str:
    return "sqlite"


def in_park(unit: str) -> dict:
    return valid_filing(
        unit,
        enterprise={
            "name": ENTERPRISE,
            "uscc": "91430304MA4YG57FJC",
            "address": "湘潭市岳塘区科技路45号",
            "park": PARK,
        },
    )


def test_the_park_committee_replies_from_its_feed_and_the_desk_receives_it(
    office: OfficeServer, page: Page, tmp_path
) -> None:
    unit = "湘潭市市场监督管理局"
    add_staff(office, "gx-park", "park", park=PARK)
    add_staff(office, "rev-p", "reviewer")
    desk = Desk(tmp_path / "desk")
    desk.configure(office.url, office.create_token(unit))
    filing = in_park(unit)
    desk.put(filing)
    assert desk.sync()[0] == 0

    login(page, office.url, "gx-park")
    expect(page).to_have_url(f"{office.url}/console/feed")
    row = page.get_by_role("row").filter(has_text=ENTERPRISE)
    row.get_by_role("link", name="未回复").click()
    panel = page.get_by_role("region", name="园区回复")
    expect(panel.get_by_text("园区管委会尚未回复。")).to_be_visible()

    # 派员参加 without anyone named: refused, the note kept as typed.
    panel.get_by_label("派员参加").check()
    panel.get_by_label("说明（可不填）").fill("进入厂区须佩戴安全帽。")
    panel.get_by_role("button", name="发送回复").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("请至少填写一名工作人员的姓名和联系电话")
    expect(page.get_by_label("说明（可不填）")).to_have_value("进入厂区须佩戴安全帽。")
    expect(page.get_by_label("派员参加")).to_be_checked()

    # A bad phone: refused, the rows kept as typed.
    page.get_by_label("第 1 名派员的姓名").fill("王小明")
    page.get_by_label("第 1 名派员的联系电话").fill("1380732")
    page.get_by_role("button", name="发送回复").click()
    expect(page.get_by_role("alert")).to_contain_text("“1380732”不是有效的手机号或固定电话")
    expect(page.get_by_label("第 1 名派员的姓名")).to_have_value("王小明")

    page.get_by_label("第 1 名派员的联系电话").fill("138 0732 1234")
    page.get_by_label("第 2 名派员的姓名").fill("欧阳·娜")
    page.get_by_label("第 2 名派员的联系电话").fill("0731-58812345")
    page.get_by_role("button", name="发送回复").click()
    expect(page.get_by_role("status")).to_have_text("园区回复已发送，检查单位同步后即可看到。")
    panel = page.get_by_role("region", name="园区回复")
    expect(panel.get_by_role("listitem")).to_contain_text(
        "派员参加——王小明（13807321234）、欧阳·娜（0731-58812345）"
    )
    expect(page.get_by_role("cell", name="园区管委会回复", exact=True)).to_be_visible()
    page.get_by_role("link", name="新收抄送").click()
    expect(page.get_by_role("row").filter(has_text=ENTERPRISE)).to_contain_text("派员参加")

    # The reviewer reads the reply; it is not offered the form.
    page.context.clear_cookies()
    login(page, office.url, "rev-p")
    page.goto(f"{office.url}/console/filings/{filing['id']}")
    panel = page.get_by_role("region", name="园区回复")
    expect(panel).to_contain_text("王小明（13807321234）")
    expect(panel.get_by_role("button")).to_have_count(0)

    assert desk.sync()[0] == 0
    from desktop.sync.changes import park_replies_for

    with desk.store() as store:
        (kept,) = park_replies_for(store, filing["id"])
    assert kept["staff"] == [
        {"name": "王小明", "phone": "13807321234"},
        {"name": "欧阳·娜", "phone": "0731-58812345"},
    ]
    audit = office.cli("audit").stdout
    assert "gx-park" in audit and "park_reply" in audit


def test_forged_and_foreign_posts_change_nothing(office: OfficeServer, page: Page) -> None:
    unit = "湘潭市应急管理局"
    add_staff(office, "jk-park", "park", park="湘潭经济技术开发区")
    add_staff(office, "jus-p", "justice")
    add_staff(office, "gx-park2", "park", park=PARK)
    with office.client(office.create_token(unit)) as http:
        held = http.post("/api/v1/filings", json=in_park(unit)).json()
    url = f"{office.url}/console/park-replies/{held['id']}"
    form = {"kind": "nothing_to_add", "note": "伪造"}

    login(page, office.url, "gx-park2")
    assert page.request.post(url, form=form).status == 403  # no CSRF token
    csrf = page.locator("form[action='/console/logout'] input[name=csrf]").get_attribute("value")
    elsewhere = page.request.post(
        url, form={**form, "csrf": csrf or ""}, headers={"Origin": "https://evil.example"}
    )
    assert elsewhere.status == 403
    for username in ("jk-park", "jus-p"):  # their own valid token: refused by the store
        page.context.clear_cookies()
        login(page, office.url, username)
        token = page.locator("form[action='/console/logout'] input[name=csrf]")
        answer = page.request.post(
            url,
            form={**form, "csrf": token.get_attribute("value") or ""},
            headers={"Origin": office.url},
        )
        assert answer.status == 403, username
    assert "还没有园区回复" in office.cli("park-reply", held["id"]).stdout
