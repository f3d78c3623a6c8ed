"""Regenerate the enterprise page's screenshots in docs/images/ (fictional sample data).

    .venv/bin/python scripts/enterprise_screenshots.py [--out docs/images]

Starts a real office on a temporary database and a free port, files sample filings,
and photographs the page of each state in Debian's chromium (/usr/bin/chromium) at
phone width (390 px) and desktop width (1280 px), the whole page:
enterprise-{filed,returned,superseded,evaluated,answered}-{phone,desktop}.png.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "docs" / "images"), help="output folder")
    out = Path(parser.parse_args(argv).out)
    out.mkdir(parents=True, exist_ok=True)

    from forms.pdf import qr_payload
    from tests.support.office import DEFAULT_UNIT, OfficeServer, valid_filing
    from tests.support.phone_browser import DESKTOP, PHONE, browser_context

    with tempfile.TemporaryDirectory() as work, OfficeServer.start(Path(work)) as office:
        office.cli("reference", "load", str(_contact_file(Path(work))))
        token = office.create_token(DEFAULT_UNIT)

        def file(filing: dict) -> str:
            with office.client(token) as http:
                r = http.post("/api/v1/filings", json=filing)
                assert r.status_code == 201, r.text
            return qr_payload(filing, office.url)

        links = {"filed": file(valid_filing())}
        returned = valid_filing()
        links["returned"] = file(returned)
        office.cli("return", returned["id"], "--reason", "请补充检查依据。")
        old = valid_filing()
        links["superseded"] = file(old)
        file({**old, "revision": 2, "items": "食品生产许可条件保持情况（复查）"})
        evaluated = valid_filing()
        links["evaluated"] = file(evaluated)
        answered = valid_filing()
        links["answered"] = file(answered)

        from forms.record import content_digest, format_timestamp, now

        with office.client() as http:
            for filing, body in (
                (evaluated, {"satisfaction": 5, "text": "检查规范，用时短。"}),
                (
                    answered,
                    {
                        "satisfaction": 2,
                        "principal_required": True,
                        "text": "检查人员要求董事长到场陪同。",
                        "complaint": True,
                        "contact": "王经理 13907321234",
                    },
                ),
            ):
                link = {"id": filing["id"], "revision": 1, "digest": content_digest(filing)}
                r = http.post(
                    "/api/v1/evaluations",
                    json={"disrupted": False, "principal_required": False, **link, **body},
                )
                assert r.status_code == 201, r.text
                visit = {**link, "arrived_at": format_timestamp(now()), "left_at": None}
                assert http.post("/api/v1/visits", json=visit).status_code == 201
        office.cli(
            "complaint",
            answered["id"],
            "1",
            "--state",
            "已办结",
            "--reply",
            "已核实并约谈检查单位，今后检查不再要求主要负责人陪同。",
        )

        for size, viewport, mobile in (("phone", PHONE, True), ("desktop", DESKTOP, False)):
            with browser_context(viewport, mobile=mobile) as context:
                page = context.new_page()
                for state, url in links.items():
                    page.goto(url)
                    width = page.evaluate("document.scrollingElement.scrollWidth")
                    if width > viewport["width"]:
                        print(f"{state} {size}: scrolls sideways ({width} px)", file=sys.stderr)
                        return 1
                    path = out / f"enterprise-{state}-{size}.png"
                    page.screenshot(path=str(path), full_page=True)
                    print(path)
    return 0


def _contact_file(work: Path) -> Path:
    path = work / "contact.json"
    contact = "湘潭市优化营商环境协调事务中心，电话 0731-12345678（工作日 9:00—17:00）"
    path.write_text(json.dumps({"complaint_contact": contact}, ensure_ascii=False), "utf-8")
    return path


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
