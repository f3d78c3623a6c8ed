"""Regenerate the desk's screenshots in docs/images/ (1366×768, fictional sample data).

    .venv/bin/python scripts/screenshots.py [--out docs/images] [--scale 1.0]

Runs offscreen (no display needed). Without a CJK font on the machine the window uses the
bundled Noto font (desktop/ui/window_font.py), so Chinese is readable anywhere. The sample
roster and enterprise directory are the fictional ones in tests/data/.

Writes screenshot-main.png (the list, a filing and its history), screenshot-problems.png
(the editor showing problems), screenshot-preview.png (the triplicate preview),
screenshot-park-reply.png (a park committee's reply on a filing) and pdf-park-reply.png
(the unit's copy reprinted with that reply).
"""

from __future__ import annotations

import argparse
import copy
import os
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

WIDTH, HEIGHT = 1366, 768


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "docs" / "images"), help="output folder")
    parser.add_argument(
        "--scale", default="1", help="Qt scale factor, e.g. 1.5 or 2 to check high-DPI layouts"
    )
    return parser.parse_args(argv)


def at(days: int, hour: int):
    from forms.record import format_timestamp, now

    moment = (now() + timedelta(days=days)).replace(hour=hour, minute=0, second=0, microsecond=0)
    return format_timestamp(moment)


def sample_filings(officers, enterprises) -> list[tuple[str, dict]]:
    """(what to do with it, filing) for a believable list."""
    from forms.record import new_filing

    leaders = [o for o in officers if o.title and o.expires and o.expires.year >= 2027]
    units = ["湘潭市市场监督管理局", "湘潭市应急管理局", "湘潭市生态环境局"]
    subjects = [
        ("食品生产许可条件保持情况", "《中华人民共和国食品安全法》第一百一十条"),
        ("危险化学品储存场所安全条件", "《危险化学品安全管理条例》第六条"),
        ("污染防治设施运行情况", "《中华人民共和国环境保护法》第二十四条"),
        ("特种设备使用登记和定期检验", "《中华人民共和国特种设备安全法》第五十七条"),
    ]
    plan = ["sent", "sent", "returned", "queued", "ready", "sent", "draft", "sent", "ready"]
    out = []
    for i in range(24):
        filing = new_filing()
        unit = units[i % len(units)]
        same_unit = [o for o in leaders if o.unit == unit] or leaders
        leader, other = same_unit[i % len(same_unit)], same_unit[(i + 1) % len(same_unit)]
        enterprise = enterprises[(i * 7) % len(enterprises)]
        items, basis = subjects[i % len(subjects)]
        filing.update(
            lead_unit=unit,
            joint_units=[units[(i + 1) % len(units)]] if i % 4 == 0 else [],
            inspection_start=at(3 + i % 12, 9),
            inspection_end=at(3 + i % 12, 16),
            leader={
                "name": leader.name,
                "title": leader.title,
                "phone": "13807321234",
                "cert_no": leader.cert_no,
            },
            inspectors=[{"name": other.name, "cert_no": other.cert_no}],
            enterprise={
                "name": enterprise.name,
                "uscc": enterprise.uscc,
                "address": enterprise.address,
                "park": enterprise.park,
            },
            items=items,
            basis=basis,
            content="查看相关场所、设备设施和台账记录，核对许可和登记情况。",
        )
        out.append((plan[i % len(plan)], filing))
    return out


def fill(store) -> dict:
    from desktop import spreadsheets
    from desktop.store import UnitProfile

    roster = spreadsheets.read_roster(ROOT / "tests" / "data" / "import_sample_roster.csv")
    directory = spreadsheets.read_enterprises(
        ROOT / "tests" / "data" / "import_sample_enterprises.csv"
    )
    store.replace_roster(roster.officers)
    store.upsert_enterprises(directory.enterprises)
    officers, enterprises = roster.officers, directory.enterprises
    store.save_profile(
        UnitProfile(
            unit_name="湘潭市市场监督管理局",
            joint_units=["湘潭市应急管理局"],
            default_leader={
                "name": officers[3].name,
                "title": officers[3].title,
                "phone": "13807321234",
                "cert_no": officers[3].cert_no,
            },
        )
    )
    made = {}
    for n, (fate, filing) in enumerate(sample_filings(officers, enterprises)):
        if fate == "draft":
            filing["basis"] = ""
            row = store.create_filing(filing)
        elif fate == "ready":
            row = store.create_filing(filing)
            row = store.save_draft(row.id, filing, has_errors=False)
        else:
            row = store.queue(filing["id"], filing)
            if fate == "sent":
                store.mark_attempt(row.id, 1)
                store.mark_sent(row.id, 1, {"receipt": f"潭优备〔2026〕{101 + n:06d}号"})
            elif fate == "returned":
                store.mark_returned(
                    row.id, 1, "检查依据未写明具体条款，请补充后重新提交。", at(0, 10)
                )
        made[fate] = row.id  # the last of each kind: near the top of the list
    # Two post-hoc filings still to submit, one past its deadline: the list's 补报截止.
    for days_ago, reason in ((9, "complaint"), (2, "food_drug_safety")):
        late = copy.deepcopy(store.get(made["ready"]).filing)
        late.pop("id")
        late.update(
            kind="post_hoc",
            inspection_start=at(-days_ago, 9),
            inspection_end=at(-days_ago, 16),
            post_hoc_reason=reason,
            post_hoc_explanation="接群众投诉，现场核查。",
        )
        store.create_filing(late)
    # The one shown in the main screenshot: ready, checked and printed once.
    store.record_event(made["ready"], "validated", {"errors": 0, "warnings": 0})
    store.record_event(made["ready"], "printed", {"copies": [1, 2, 3]})
    # One with problems for the editor screenshot.
    bad = copy.deepcopy(store.get(made["ready"]).filing)
    bad.pop("id")
    bad["enterprise"]["uscc"] = bad["enterprise"]["uscc"][:-1] + (
        "0" if bad["enterprise"]["uscc"][-1] != "0" else "1"
    )
    expired = next(o for o in officers if o.expires and o.expires.year < 2027)
    bad["inspectors"] = [{"name": expired.name, "cert_no": expired.cert_no}]
    bad["items"] = ""
    made["problems"] = store.create_filing(bad).id
    return made


def wait_for_ink(app, dialog, seconds: float = 30):
    """Grab the dialog until the rendered page shows (or the time is up)."""
    import time

    from PySide6.QtGui import QColor

    deadline = time.monotonic() + seconds
    while True:
        settle(app, 5)
        image = dialog.grab().toImage()
        view = dialog.view.geometry()
        dark = 0
        for y in range(view.top() + 20, view.bottom() - 20, 8):
            for x in range(view.left() + 20, view.right() - 20, 8):
                if QColor(image.pixel(x, y)).lightness() < 100:
                    dark += 1
        if dark > 50 or time.monotonic() > deadline:
            return image
        time.sleep(0.05)


def settle(app, rounds: int = 20) -> None:
    for _ in range(rounds):
        app.processEvents()


def reprint(filing: dict, receipt: str | None, replies: list, out: Path) -> None:
    """The unit's copy with the park's reply, as pdf-park-reply.png (pdftoppm, 100 dpi)."""
    import subprocess

    from forms.pdf import render_pdf

    with tempfile.TemporaryDirectory() as tmp:
        pdf = Path(tmp) / "unit-copy.pdf"
        pdf.write_bytes(render_pdf(filing, copies=(2,), receipt=receipt, park_replies=replies))
        subprocess.run(
            ["pdftoppm", "-png", "-r", "100", "-singlefile", str(pdf), str(out / "pdf-park-reply")],
            check=True,
        )


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if args.scale != "1":
        os.environ["QT_SCALE_FACTOR"] = args.scale
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    from PySide6.QtCore import QEventLoop, QTimer

    from desktop.store import Store
    from desktop.ui import i18n
    from desktop.ui.app import make_application
    from desktop.ui.main_window import MainWindow
    from desktop.ui.preview import PreviewDialog

    app = make_application()
    i18n.install(None)
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp) / "data"
        store = Store.open(data_dir)
        made = fill(store)
        window = MainWindow(store, data_dir=data_dir)
        window.resize(WIDTH, HEIGHT)
        window.show()
        settle(app)

        window.show_filing(made["ready"])
        window.list_panel.select_filing(made["ready"], emit=False)
        settle(app)
        window.grab().save(str(out / "screenshot-main.png"))

        window.show_filing(made["problems"])
        report = window.save_and_check()
        window.editor.focus_field(report.errors[0].field)  # show a message under its field
        settle(app)
        window.grab().save(str(out / "screenshot-problems.png"))

        row = store.get(made["sent"])
        dialog = PreviewDialog(row.filing, receipt=row.receipt, office_url=None, parent=window)
        dialog.resize(int(WIDTH * 0.62), HEIGHT - 40)
        dialog.show()
        loop = QEventLoop()
        dialog.rendered.connect(loop.quit)
        dialog.failed.connect(loop.quit)
        QTimer.singleShot(180_000, loop.quit)
        loop.exec()
        # QPdfView draws pages asynchronously: wait until the page shows ink.
        image = wait_for_ink(app, dialog)
        image.save(str(out / "screenshot-preview.png"))
        dialog.close()

        # A park committee's reply, as the office's feed brings it: on the filing, and
        # printed on a reprint of the unit's copy.
        from desktop.sync.changes import keep_notices, park_replies_for

        reply = {
            "park": "湘潭高新技术产业开发区",
            "kind": "send_staff",
            "staff": [
                {"name": "阿卜杜热合曼·麦麦提敏", "phone": "13807321234"},
                {"name": "欧阳娜", "phone": "0731-58812345"},
            ],
            "note": "请提前一天与园区安全环保局联系，进入厂区须佩戴安全帽。",
            "at": at(-1, 10),
        }
        keep_notices(
            store,
            [(made["sent"], {"seq": 1, "code": "park_reply", "message": "", "reply": reply})],
        )
        window.show_filing(made["sent"])
        window.list_panel.select_filing(made["sent"], emit=False)
        settle(app)
        window.grab().save(str(out / "screenshot-park-reply.png"))
        reprint(row.filing, row.receipt, park_replies_for(store, made["sent"]), out)
        window.close()
        store.close()
    print(f"wrote screenshots to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
