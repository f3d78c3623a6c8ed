"""Open one of the desk's windows on a screen of a given size and scaling, check that no
text is clipped (``tests.support.text_fit``), save screenshots, print the result as JSON.

    python -m tests.support.fit_driver WINDOW --screen 1366x768 --scale 1.25 --out DIR

WINDOW: connection, main, settings, import. Runs offscreen with a screen of that size
(Qt's offscreen platform configuration) and ``QT_SCALE_FACTOR`` (125 % and 150 % are
common on office PCs: Windows scales the whole window, as QT_SCALE_FACTOR does). Must run
in its own process: both are read when Qt starts.

Prints ``{"states": {name: [problem, ...]}, "screen": [w, h], "shots": [...]}``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_ROSTER = ROOT / "tests" / "data" / "import_sample_roster.csv"


def configure_qt(screen: tuple[int, int], scale: float, work: Path) -> None:
    """Before the QApplication exists: the offscreen screen's size, and the scaling."""
    config = {
        "synchronousWindowSystemEvents": False,
        "windowFrameMargins": True,
        "screens": [
            {
                "name": "office-pc",
                "x": 0,
                "y": 0,
                "width": screen[0],
                "height": screen[1],
                "logicalDpi": 96,
                "logicalBaseDpi": 96,
                "dpr": 1,
            }
        ],
    }
    path = work / "offscreen.json"
    path.write_text(json.dumps(config), "utf-8")
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={path}"
    if scale != 1:
        os.environ["QT_SCALE_FACTOR"] = str(scale)
    # The token for a connection check comes from the test keyring, never the real one.
    from tests.support.desk import TEST_BACKEND
    from tests.support.filekeyring import ENV_PATH

    os.environ["PYTHON_KEYRING_BACKEND"] = TEST_BACKEND
    os.environ[ENV_PATH] = str(work / "keyring.json")


def settle(app, rounds: int = 30) -> None:
    for _ in range(rounds):
        app.processEvents()


class Run:
    def __init__(self, app, out: Path, tag: str) -> None:
        self.app = app
        self.out = out
        self.tag = tag
        self.states: dict[str, list[str]] = {}
        self.shots: list[str] = []

    def check(self, name: str, widget, *, more: list[str] | None = None) -> None:
        from tests.support.text_fit import clipped_texts

        settle(self.app)
        self.states[name] = clipped_texts(widget) + (more or [])
        self.shot(name, widget)

    def shot(self, name: str, widget) -> None:
        shot = self.out / f"{name}-{self.tag}.png"
        widget.grab().save(str(shot))
        self.shots.append(str(shot))


def connection(run: Run, store, data_dir: Path) -> None:
    from desktop.ui.connection_dialog import ConnectionDialog

    dialog = ConnectionDialog(store, data_dir)
    dialog.show()
    settle(run.app)
    run.check("connection", dialog)
    # The clerk types an intranet address: the long 未加密 warning appears under it.
    dialog.office_url.setFocus()
    dialog.office_url.setText("http://10.20.30.40:8000")
    run.check("connection-http", dialog)
    # A CA file that does not exist: nothing is saved, and the dialog says why.
    dialog.ca_file.setText(str(data_dir / "没有这个文件" / "ca.pem"))
    dialog.save_button.click()
    run.check("connection-refused", dialog)
    dialog.close()


def late_post_hoc_filing() -> dict:
    from datetime import timedelta

    from forms.record import format_timestamp, now
    from tests.support.ui_helpers import good_filing

    filing = good_filing()
    start = (now() - timedelta(days=21)).replace(hour=9, minute=0, second=0, microsecond=0)
    filing.update(
        kind="post_hoc",
        inspection_start=format_timestamp(start),
        inspection_end=format_timestamp(start + timedelta(hours=3)),
        post_hoc_reason="complaint",
        post_hoc_explanation="接群众投诉，现场核查。",
    )
    return filing


def officers():
    """Fictional officers: a row's number belonging to another officer offers a fix."""
    from datetime import date

    from forms.roster import Officer

    later = date(2027, 10, 31)
    return [
        Officer("易桐", "43031121002", "执法大队副大队长", "湘潭市应急管理局", "", later),
        Officer("侯燕娟", "43031142003", "四级主任科员", "湘潭市生态环境局", "", later),
    ]


def filing_with_messages() -> dict:
    """Late, with a wrong phone and another officer's number: messages under fields, and a
    fix offered under the officer's row (the widest things the form shows)."""
    filing = late_post_hoc_filing()
    filing["leader"]["phone"] = "12345"
    filing["inspectors"] = [{"name": "侯燕娟", "cert_no": "43031121002"}]  # 易桐's number
    return filing


def summary_problems(window) -> list[str]:
    """The problems list shows its first entry whole without scrolling (a clerk reads the
    warning at the top without finding its last line hidden)."""
    view = window.editor.summary.list
    if view.count() == 0 or not view.isVisible():
        return []
    view.scrollToTop()
    rect = view.visualItemRect(view.item(0))
    if view.viewport().rect().contains(rect):
        return []
    text = view.item(0).text()
    return [
        f"problems list row 0 «{text[:24]}…» needs {rect.height()} px, the list shows "
        f"{view.viewport().height()} px: its end is only seen by scrolling"
    ]


def main_window(run: Run, store, data_dir: Path) -> None:
    from desktop.ui.app import start_desk

    late_id = store.create_filing(late_post_hoc_filing()).id
    store.replace_roster(officers())
    marked_id = store.create_filing(filing_with_messages()).id
    store.close()
    window = start_desk(data_dir)
    settle(run.app)
    run.check("main", window)
    # A post-hoc filing past its five working days, checked: the problems banner shows
    # the lateness warning above the form.
    window.show_filing(late_id)
    window.save_and_check()
    run.check("main-late-post-hoc", window, more=summary_problems(window))
    run.shot("main-late-post-hoc-form", window.editor.form)
    # Messages under fields and a fix offered in an officer's row; the form scrolled there.
    window.show_filing(marked_id)
    window.save_and_check()
    window.editor.focus_field("inspectors[0].cert_no")
    run.check("main-messages", window)
    run.shot("main-messages-form", window.editor.form)
    window.close()
    window.store.close()


def settings(run: Run, store, data_dir: Path) -> None:
    from PySide6.QtWidgets import QTabWidget

    from desktop.ui.settings_dialog import SettingsDialog

    dialog = SettingsDialog(store, data_dir=data_dir)
    dialog.show()
    settle(run.app)
    tabs = dialog.findChild(QTabWidget)
    for index in range(tabs.count() if tabs is not None else 1):
        if tabs is not None:
            tabs.setCurrentIndex(index)
        run.check(f"settings-{index}", dialog)
    dialog.close()


def import_dialog(run: Run, store, data_dir: Path) -> None:
    from PySide6.QtCore import QEventLoop, QTimer

    from desktop.ui.import_dialog import ImportDialog

    dialog = ImportDialog(store, "roster")
    dialog.show()
    settle(run.app)
    run.check("import", dialog)
    job = dialog.load(str(SAMPLE_ROSTER))
    loop = QEventLoop()
    job.finished.connect(loop.quit)
    job.failed.connect(loop.quit)
    QTimer.singleShot(60_000, loop.quit)
    loop.exec()
    run.check("import-preview", dialog)
    dialog.close()


WINDOWS = {
    "connection": connection,
    "main": main_window,
    "settings": settings,
    "import": import_dialog,
}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("window", choices=sorted(WINDOWS))
    parser.add_argument("--screen", default="1366x768")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    width, height = (int(n) for n in args.screen.split("x"))
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        configure_qt((width, height), args.scale, Path(tmp))
        from desktop.store import Store
        from desktop.ui import i18n
        from desktop.ui.app import make_application
        from tests.support.ui_helpers import fill_store

        app = make_application()
        i18n.install(None)
        data_dir = Path(tmp) / "data"
        store = Store.open(data_dir)
        if args.window == "main":
            fill_store(store, 40)
        run = Run(app, out, f"{args.screen}@{int(args.scale * 100)}")
        WINDOWS[args.window](run, store, data_dir)
        if args.window != "main":
            store.close()
        screen = app.primaryScreen().availableGeometry()
        print(
            json.dumps(
                {
                    "states": run.states,
                    "screen": [screen.width(), screen.height()],
                    "shots": run.shots,
                },
                ensure_ascii=False,
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
