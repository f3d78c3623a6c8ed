#!/usr/bin/env python3
"""Regenerate the workbench's screenshots in docs/images/console-*.png.

Starts a real office on a temporary database, fills it (long Chinese names, 50
officers on a filing, a filing with four revisions, a county, justice and park
accounts), and photographs every page in headless Chromium at desktop and phone width;
also an empty office, and the cross-filing checks (联合检查, 重复检查, 检查计划) and
统计汇总 of an office where units overlap. Run from the repository root:
``.venv/bin/python scripts/console_screenshots.py`` (``--park``: only the 园区回复
pages; ``--reference``: only 参考数据; ``--crosscheck``: only the cross-checks and
统计汇总).
"""

from __future__ import annotations

import copy
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from playwright.sync_api import Browser, Locator, Page, sync_playwright  # noqa: E402

from tests.support.browser import ARGS, CHROMIUM, DESKTOP, PHONE, add_staff, login  # noqa: E402
from tests.support.office import OfficeServer, valid_filing  # noqa: E402

OUT = REPO / "docs" / "images"
LONG_UNIT = "湘潭市岳塘区人力资源和社会保障局劳动保障监察执法支队"
LONG_ENTERPRISE = "湘潭经济技术开发区鑫源精密机械制造与新能源材料科技股份有限公司第一分公司"


def shoot(page: Page, url: str, name: str) -> None:
    for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        page.goto(url)
        page.screenshot(path=str(OUT / f"console-{name}-{label}.png"), full_page=True)


def shoot_after(page: Page, url: str, name: str, then: Callable[[Page], None]) -> None:
    """Like ``shoot``, doing ``then`` on the page before each photograph."""
    for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        page.goto(url)
        then(page)
        page.screenshot(path=str(OUT / f"console-{name}-{label}.png"), full_page=True)


TEMPLATES = [
    "检查依据不明确，请补充所依据的法律、法规的具体条款。",
    "检查人员执法证件号码不完整或已过有效期，请核对后补正。",
    "事后补报未说明未能事前备案的紧急情形，请补充说明。",
    "检查内容与检查事项不一致，请按双随机抽查计划填写检查事项，并写明本次检查的具体内容、"
    "检查方式及发现的问题。",
]


def add_templates(page: Page, url: str) -> None:
    page.goto(f"{url}/console/return-templates")
    for text in TEMPLATES:
        page.get_by_label("模板内容", exact=True).fill(text)
        page.get_by_role("button", name="添加模板").click()
        page.get_by_role("status").wait_for()


def choose_template(page: Page) -> None:
    page.get_by_label("常用原因模板").select_option(label=TEMPLATES[0])
    page.get_by_label("退回原因").fill(TEMPLATES[0] + "本次检查涉及《食品安全法》第几条，请写明。")


def arrive(office: OfficeServer, token: str, count: int) -> None:
    with office.client(token) as http:
        for _ in range(count):
            assert http.post("/api/v1/filings", json=valid_filing()).status_code == 201


def fill(office: OfficeServer) -> dict[str, str]:
    token = office.create_token(LONG_UNIT)
    other = office.create_token()
    ids: dict[str, str] = {}
    with office.client(token) as http:
        many = valid_filing(
            LONG_UNIT,
            enterprise={
                "name": LONG_ENTERPRISE,
                "uscc": "91430304MA4YG57FJC",
                "address": "湘潭市岳塘区科技路45号创新创业园三期十二栋",
                "park": "",
            },
        )
        # The form holds the leader and at most 30 other officers: all of them.
        given = "建国志强秀英桂兰海燕文华明辉丽娟国庆卫东晓红春梅玉兰德胜红军"
        many["inspectors"] = [
            {
                "name": f"欧阳{given[i % 30]}{given[(i * 7 + 3) % 30]}",
                "cert_no": f"430311210{i:02d}",
            }
            for i in range(30)
        ]
        answer = http.post("/api/v1/filings", json=many)
        assert answer.status_code == 201, answer.text
        ids["many"] = many["id"]
        four = valid_filing(LONG_UNIT)
        assert http.post("/api/v1/filings", json=four).status_code == 201
        for rev in (2, 3, 4):
            office.cli(
                "return", four["id"], "--reason", f"第 {rev - 1} 版请补充检查依据的具体条款。"
            )
            nxt = copy.deepcopy(four)
            nxt["revision"] = rev
            nxt["basis"] = four["basis"] + "第" + "一二三"[rev - 2] + "项"
            nxt["content"] = four["content"] + f"（第 {rev} 次修改）"
            assert http.post("/api/v1/filings", json=nxt).status_code == 201
        ids["four"] = four["id"]
    with office.client(other) as http:
        for _ in range(3):
            assert http.post("/api/v1/filings", json=valid_filing()).status_code == 201
    return ids


def reference_pages(browser: Browser, tmp: Path) -> None:
    """参考数据: the page with lists loaded, a preview with errors, the calendar."""
    from stdnum.cn import uscc

    from tests.console.reference_support import PARKS_HEADER, XIANGTAN_PARKS, xlsx

    def code(i: int) -> str:
        head = f"9143030{i % 10}MA4{i:05d}X"[:17]
        return head + uscc.calc_check_digit(head)

    folder = tmp / "reference"
    folder.mkdir()
    with OfficeServer.start(folder) as office:
        add_staff(office, "admin", "admin")
        page = browser.new_context(locale="zh-CN").new_page()
        login(page, office.url, "admin")

        def upload(label: str, rows: list[list[str]], confirm: bool) -> str:
            page.goto(f"{office.url}/console/reference")
            path = folder / f"{label}.xlsx"
            path.write_bytes(xlsx(rows))
            page.get_by_label(f"{label}文件（.xlsx）").set_input_files(path)
            page.get_by_role("button", name=f"上传并预览{label}").click()
            page.wait_for_url("**/console/reference/uploads/**")
            preview = page.url
            if confirm:
                page.get_by_role("button", name="确认载入").click()
                page.wait_for_url(lambda url: "loaded=" in url)
            return preview

        upload("园区", [PARKS_HEADER, *XIANGTAN_PARKS], True)
        header = ["统一社会信用代码", "企业名称"]
        white = [[code(i), f"{LONG_ENTERPRISE[:14]}第{i + 1}分公司"] for i in range(40)]
        upload("白名单", [header, *white], True)
        for year in ("2025", "2026"):
            page.goto(f"{office.url}/console/reference/calendar")
            page.get_by_label("年份（内置", exact=False).fill(year)
            page.get_by_role("button", name="预览内置安排").click()
            page.get_by_role("button", name="确认载入").click()
            page.wait_for_url(lambda url: "loaded=" in url)
        bad = [
            header,
            [code(1), LONG_ENTERPRISE],
            [code(2)[:17] + "0" if code(2)[17] != "0" else code(2)[:17] + "1", "校验位输错的企业"],
            ["9143030", "湘潭某某科技有限公司"],
            [code(1), "与第 2 行重复的企业"],
            [code(5), ""],
            *[[code(i), f"湘潭市重点监管企业{i}号"] for i in range(10, 16)],
        ]
        preview = upload("重点监管企业名单", bad, False)
        shoot(page, f"{office.url}/console/reference", "reference")
        shoot(page, preview, "reference-preview-errors")
        shoot(page, f"{office.url}/console/reference/calendar", "reference-calendar")


def admin_pages(page: Page, office: OfficeServer) -> None:
    """单位与令牌 (with the token-shown-once page) and 工作人员, as an admin sees them."""
    add_staff(office, "admin", "admin")
    for name, role in (("ouyang.jianguo", "reviewer"), ("viewer-01", "viewer")):
        add_staff(office, name, role)
    office.cli("token", "revoke", "--unit", LONG_UNIT)
    office.create_token(LONG_UNIT)
    login(page, office.url, "admin")
    shoot(page, f"{office.url}/console/users", "users")
    page.set_viewport_size(DESKTOP)
    page.goto(f"{office.url}/console/units")
    page.get_by_label("单位名称").fill("湘潭市岳塘区城市管理和综合执法局")
    page.get_by_role("button", name="签发令牌").click()
    page.get_by_role("heading", name="令牌已签发").wait_for()
    answer_shots(page, "token-issued")  # the answer of a POST: never reloaded
    shoot(page, f"{office.url}/console/units", "units")
    page.set_viewport_size(DESKTOP)
    page.get_by_role("button", name="吊销令牌").first.click()
    page.get_by_role("heading", name="确认吊销令牌").wait_for()
    answer_shots(page, "token-revoke-confirm")


def answer_shots(page: Page, name: str) -> None:
    """The page shown now (a POST's answer) at both sizes, without loading it again."""
    for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        page.screenshot(path=str(OUT / f"console-{name}-{label}.png"), full_page=True)


PARK = "湘潭高新技术产业开发区"


def park_reply_pages(browser: Browser, workdir: Path) -> None:
    """园区回复: the park committee's feed, its reply form (with a refusal), the reply."""
    with OfficeServer.start(workdir) as office:
        add_staff(office, "park", "park", park=PARK)
        with office.client(office.create_token(LONG_UNIT)) as http:
            filing = valid_filing(
                LONG_UNIT,
                enterprise={
                    "name": LONG_ENTERPRISE,
                    "uscc": "91430304MA4YG57FJC",
                    "address": "湘潭市岳塘区科技路45号",
                    "park": PARK,
                },
            )
            assert http.post("/api/v1/filings", json=filing).status_code == 201
        page = browser.new_context(locale="zh-CN").new_page()
        login(page, office.url, "park")
        url = f"{office.url}/console/filings/{filing['id']}"
        page.goto(url)
        panel = page.get_by_role("region", name="园区回复")
        shoot_element(page, url, panel, "park-reply-form")
        page.goto(url)
        page.get_by_label("派员参加").check()
        page.get_by_label("第 1 名派员的姓名").fill("阿卜杜热合曼·麦麦提敏")
        page.get_by_label("第 1 名派员的联系电话").fill("1380732")
        page.get_by_role("button", name="发送回复").click()
        page.get_by_role("alert").wait_for()
        for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
            page.set_viewport_size(size)
            panel.screenshot(path=str(OUT / f"console-park-reply-refused-{label}.png"))
        page.get_by_label("第 1 名派员的联系电话").fill("13807321234")
        page.get_by_label("第 2 名派员的姓名").fill("欧阳娜")
        page.get_by_label("第 2 名派员的联系电话").fill("0731-58812345")
        page.get_by_label("说明（可不填）").fill(
            "请提前一天与园区安全环保局联系，进入厂区须佩戴安全帽。"
        )
        page.get_by_role("button", name="发送回复").click()
        page.get_by_role("status").wait_for()
        shoot_element(page, url, panel, "park-reply-sent")
        shoot(page, f"{office.url}/console/feed", "park-feed")


def shoot_element(page: Page, url: str, element: Locator, name: str) -> None:
    for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        page.goto(url)
        element.screenshot(path=str(OUT / f"console-{name}-{label}.png"))


# --- 联合检查, 重复检查, 检查计划, 统计汇总 ---------------------------------------------

OTHER_UNIT = "湘潭市应急管理局安全生产监督管理综合行政执法支队"
THIRD_UNIT = "湘潭市市场监督管理局"
CHECK_YEAR = "2027"


def fill_crosscheck(office: OfficeServer) -> None:
    """Three units inspecting one enterprise days apart in 2027 (a cluster for 联合检查),
    one of them twice (重复检查), a second cluster, and plans for 2027 and, registered
    after 31 March, for this year (逾期)."""
    enterprise = {
        "name": LONG_ENTERPRISE,
        "uscc": "91430304MA4YG57FJC",
        "address": "湘潭市岳塘区科技路45号创新创业园三期十二栋",
        "park": "",
    }
    second = {
        "name": "湘潭顺阳新材料科技股份有限公司",
        "uscc": "91430300MA4L1PQX11",
        "address": "湘潭市雨湖区先锋街道",
        "park": "",
    }
    visits = [
        (LONG_UNIT, enterprise, "2027-03-01"),
        (OTHER_UNIT, enterprise, "2027-03-03"),
        (THIRD_UNIT, enterprise, "2027-03-04"),
        (LONG_UNIT, enterprise, "2027-05-20"),
        (OTHER_UNIT, second, "2027-06-10"),
        (THIRD_UNIT, second, "2027-06-11"),
    ]
    tokens = {u: office.create_token(u) for u in (LONG_UNIT, OTHER_UNIT, THIRD_UNIT)}
    for unit, who, day in visits:
        body = valid_filing(
            unit,
            enterprise=who,
            inspection_start=f"{day}T09:00:00+08:00",
            inspection_end=f"{day}T17:00:00+08:00",
            items="安全生产条件及隐患排查治理情况",
        )
        with office.client(tokens[unit]) as http:
            answer = http.post("/api/v1/filings", json=body)
            assert answer.status_code == 201, answer.text
    items = [
        {"ref": f"2027-{i:02d}", "matter": m, "scope": "辖区内生产经营单位"}
        for i, m in enumerate(("危险化学品经营许可条件", "安全生产标准化达标情况"), 1)
    ]
    for unit, year in ((LONG_UNIT, "2027"), (OTHER_UNIT, "2027"), (THIRD_UNIT, "2026")):
        with office.client(tokens[unit]) as http:
            answer = http.put(f"/api/v1/plans/{year}", json={"items": items})
            assert answer.status_code == 200, answer.text


def shoot_crosscheck(browser: Browser, workdir: Path) -> None:
    workdir.mkdir()
    with OfficeServer.start(workdir) as office:
        fill_crosscheck(office)
        add_staff(office, "reviewer", "reviewer")
        page = browser.new_context(locale="zh-CN").new_page()
        login(page, office.url, "reviewer")
        shoot(page, f"{office.url}/console/crosscheck?year={CHECK_YEAR}", "crosscheck")
        shoot(page, f"{office.url}/console/repeats?year={CHECK_YEAR}", "repeats")
        shoot(page, f"{office.url}/console/plans?year={CHECK_YEAR}", "plans")
        shoot(page, f"{office.url}/console/plans?year=2026", "plans-late")
        shoot(page, f"{office.url}/console/dashboard", "dashboard")
        shoot(page, f"{office.url}/console/dashboard?period=2026", "dashboard-year")
        for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
            # The count columns beyond the window: the table scrolled to its last column.
            page.set_viewport_size(size)
            page.goto(f"{office.url}/console/dashboard")
            wrap = page.locator(".table-wrap").first
            wrap.evaluate("e => { e.scrollLeft = e.scrollWidth; }")
            wrap.screenshot(path=str(OUT / f"console-dashboard-scrolled-{label}.png"))


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        only = {a for a in sys.argv[1:] if a in ("--reference", "--park", "--crosscheck")}
        if not only or "--crosscheck" in only:  # 联合检查, 重复检查, 检查计划, 统计汇总
            shoot_crosscheck(browser, Path(tmp) / "crosscheck")
        if not only or "--park" in only:  # 园区回复
            park_dir = Path(tmp) / "park"
            park_dir.mkdir()
            park_reply_pages(browser, park_dir)
        if not only or "--reference" in only:  # 参考数据
            reference_pages(browser, Path(tmp))
        if only:  # only those pages
            browser.close()
            return
        empty_dir = Path(tmp) / "empty"
        empty_dir.mkdir()
        with OfficeServer.start(empty_dir) as office:
            add_staff(office, "reviewer", "reviewer")
            page = browser.new_context(locale="zh-CN").new_page()
            shoot(page, f"{office.url}/console/login", "login")
            login(page, office.url, "reviewer")
            shoot(page, f"{office.url}/console/", "pending-empty")
            shoot(page, f"{office.url}/console/filings", "filings-empty")
        full_dir = Path(tmp) / "full"
        full_dir.mkdir()
        with OfficeServer.start(full_dir) as office:
            ids = fill(office)
            add_staff(office, "reviewer", "reviewer")
            add_staff(office, "justice", "justice")
            page = browser.new_context(locale="zh-CN").new_page()
            login(page, office.url, "reviewer")
            shoot(page, f"{office.url}/console/", "pending")
            shoot(page, f"{office.url}/console/filings", "filings")
            shoot(page, f"{office.url}/console/filings/{ids['many']}", "filing-31-officers")
            shoot(page, f"{office.url}/console/filings/{ids['four']}", "filing-four-revisions")
            shoot(
                page, f"{office.url}/console/filings/{ids['many']}?action=return", "filing-return"
            )
            add_templates(page, office.url)
            shoot(page, f"{office.url}/console/return-templates", "return-templates")
            shoot_after(
                page,
                f"{office.url}/console/filings/{ids['four']}?action=return",
                "filing-return-template",
                choose_template,
            )
            # 待审 after 标记为已看, with two more filings arrived since.
            page.goto(f"{office.url}/console/")
            page.get_by_role("button", name="标记为已看").click()
            page.get_by_role("status").wait_for()
            arrive(office, office.create_token(), 2)
            shoot(page, f"{office.url}/console/", "pending-since")
            justice = browser.new_context(locale="zh-CN").new_page()
            login(justice, office.url, "justice")
            shoot(justice, f"{office.url}/console/feed", "feed")
            shoot(justice, f"{office.url}/console/filings/{ids['many']}", "filing-read-only")
            admin_pages(browser.new_context(locale="zh-CN").new_page(), office)
        browser.close()
    print(f"screenshots in {OUT}")


if __name__ == "__main__":
    main()
