#!/usr/bin/env python3
"""Regenerate the workbench's screenshots in docs/images/console-*.png.

Starts a real office on a temporary database, fills it (long Chinese names, 50
officers on a filing, a filing with four revisions, a county, justice and park
accounts), and photographs every page in headless Chromium at desktop and phone width;
also an empty office. Run from the repository root: ``.venv/bin/python
scripts/console_screenshots.py`` (``… park``: only the 园区回复 pages).
"""

from __future__ import annotations

import copy
import sys
import tempfile
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


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        park_dir = Path(tmp) / "park"
        park_dir.mkdir()
        park_reply_pages(browser, park_dir)
        if sys.argv[1:] == ["park"]:  # only the 园区回复 pages
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
            justice = browser.new_context(locale="zh-CN").new_page()
            login(justice, office.url, "justice")
            shoot(justice, f"{office.url}/console/feed", "feed")
            shoot(justice, f"{office.url}/console/filings/{ids['many']}", "filing-read-only")
        browser.close()
    print(f"screenshots in {OUT}")


if __name__ == "__main__":
    main()
