"""A clerk's full day at the real window, against a real office process.

The window is the one the program builds (``desktop.ui.app.start_desk``) on a fresh data
folder; the clerk reaches everything through menus, toolbar buttons, fields and dialog
buttons found by what they say (``tests/support/clerk.py``) and works with mouse clicks
and key presses. The office is ``beian-office serve`` on 127.0.0.1 with its token made by
``beian-office token create``; the one fake is the file-backed keyring
(``tests/support/filekeyring.py``). Printed copies are saved as PDF through the file
dialog and read back (text with pdfplumber and pypdf, the QR code with zxing-cpp).

The day: import the roster and the enterprise directory; a prior filing and a post-hoc
filing, each with mistakes fixed through the editor's messages; print; submit; connect
and sync; the office returns one; sync brings the return back; revision 2 with the reason
in view until it is filed; resubmit, sync, the receipt; reprint.
"""

from __future__ import annotations

import contextlib
import io
import json
import sqlite3
from datetime import date, datetime, timedelta
from pathlib import Path

import httpx
import pdfplumber
import pypdf
import pypdfium2
import pytest
import zxingcpp
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QPushButton, QTableView, QWidget

from desktop.store import QUEUED, RETURNED, SENT
from desktop.ui.workers import running_jobs
from forms.pdf.qr import parse_payload
from forms.record import SHANGHAI
from forms.workdays import WorkCalendar
from tests.support.clerk import (
    Clerk,
    button,
    choose_in_combo,
    click,
    file_dialog,
    named,
    pick_completion,
    readable_screenshots,
    type_into,
    value,
)
from tests.support.desk import Desk
from tests.support.office import DEFAULT_UNIT, OfficeServer

pytestmark = pytest.mark.slow

WAIT_MS = 30_000
REFERENCE = Path(__file__).resolve().parents[1] / "data"
ROSTER = REFERENCE / "import_sample_roster.csv"
ENTERPRISES = REFERENCE / "import_sample_enterprises.csv"

# Free text with full-width Chinese punctuation: it must print exactly as typed.
CONTENT = "查看生产场所（车间、仓库），核对原料进货查验记录；问：台账是否齐全？是！"
POST_HOC_NAME = "湘潭市岳塘区“好味道”食品店（个体工商户）"
RETURN_REASON = "检查依据未写明具体条款，请补充后重新提交。"


def working_day(start: date, step: int) -> date:
    """The first working day from ``start`` (inclusive) going ``step`` days at a time."""
    calendar = WorkCalendar()
    day = start
    while not calendar.is_workday(day)[0]:
        day += timedelta(days=step)
    return day


def digits(day: date, hour: int, minute: int = 0) -> str:
    """What a clerk types into a date-time box: 202612080930."""
    return f"{day:%Y%m%d}{hour:02d}{minute:02d}"


@pytest.fixture
def day(qtbot, tmp_path, monkeypatch):
    """The office, the desk's data folder and keyring, the window the program builds."""
    from desktop.ui import app, i18n

    # The printing fonts start-up prepares go to this test's folder, not the user's cache.
    monkeypatch.setenv("BEIAN_FONT_CACHE", str(tmp_path / "fonts"))
    office = OfficeServer.start(tmp_path / "office")
    desk = Desk(tmp_path / "desk")
    try:
        with desk.keyring_in_process():
            app.make_application()
            readable_screenshots()
            window = app.start_desk(desk.data_dir)
            assert window is not None
            qtbot.addWidget(window)
            window.showNormal()
            window.resize(1366, 768)
            qtbot.waitExposed(window)
            clerk = Clerk(qtbot, window, shots=tmp_path / "shots")
            try:
                yield clerk, office, tmp_path
            finally:
                window.close()
                qtbot.waitUntil(lambda: not running_jobs(), timeout=WAIT_MS)
                assert window.sync is None or not window.sync.is_running()
                window.store.close()
                # start_desk installs Qt's Chinese strings; later tests expect none.
                i18n.uninstall()
    finally:
        office.stop()


def list_column(window, header: str) -> list[str]:
    """The texts the filings list (object name ``filingsTable``) shows under ``header``."""
    model = window.findChild(QTableView, "filingsTable").model()
    columns = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert header in columns, columns
    column = columns.index(header)
    return [str(model.index(r, column).data() or "") for r in range(model.rowCount())]


def import_file(clerk: Clerk, item: str, path: Path, expected: str) -> None:
    """设置 → 导入…: choose the file in the file dialog, look at the preview, 导入."""

    def work(dialog) -> None:
        clerk.modal(lambda: click(button(dialog, "选择文件…")), file_dialog(path))
        clerk.qtbot.waitUntil(lambda: button(dialog, "导入").isEnabled(), timeout=WAIT_MS)
        clerk.shot(f"import-{path.stem}", dialog)
        click(button(dialog, "导入"))
        clerk.qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=WAIT_MS)

    clerk.modal(lambda: clerk.menu("设置(&S)", item), work)
    assert expected in clerk.window.statusBar().currentMessage()


def save_pdf(clerk: Clerk, path: Path) -> bytes:
    """预览/打印, wait for the preview, 另存为 PDF… through the file dialog, 关闭."""
    clerk.toolbar("预览/打印")
    dialog = clerk.dialog("previewDialog")
    clerk.qtbot.waitUntil(lambda: button(dialog, "另存为 PDF…").isEnabled(), timeout=WAIT_MS)
    view = named(dialog, "备案表预览")
    # The view draws its pages as they come from its renderer: look once the form shows.
    qtbot_wait_drawn(clerk.qtbot, view)
    clerk.shot(f"preview-{path.stem}", dialog)
    clerk.modal(lambda: click(button(dialog, "另存为 PDF…")), file_dialog(path))
    clerk.qtbot.waitUntil(path.exists, timeout=WAIT_MS)
    click(button(dialog, "关闭"))
    clerk.qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=WAIT_MS)
    return path.read_bytes()


def qtbot_wait_drawn(qtbot, view) -> None:
    """Until the preview shows ink (the form's lines and text), not only white paper."""

    def inked() -> bool:
        image = view.grab().toImage()
        step = max(1, image.width() // 80)
        for y in range(0, image.height(), step):
            for x in range(0, image.width(), step):
                if image.pixelColor(x, y).lightness() < 80:
                    return True
        return False

    qtbot.waitUntil(inked, timeout=WAIT_MS)


def pdf_text(pdf: bytes) -> list[str]:
    """Each page's text as pdfplumber reads it, and pypdf agreeing on the page count."""
    assert len(pypdf.PdfReader(io.BytesIO(pdf)).pages) == 3  # the triplicate
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        return [page.extract_text() or "" for page in doc.pages]


def squash(text: str) -> str:
    return "".join(text.split())


def qr_texts(pdf: bytes, page: int) -> list[str]:
    doc = pypdfium2.PdfDocument(pdf)
    try:
        image = doc[page].render(scale=200 / 72).to_pil()
    finally:
        doc.close()
    return [r.text for r in zxingcpp.read_barcodes(image)]


def header_text(window) -> str:
    """What the banner above the filing says (object name ``bannerMessage``)."""
    label = window.findChild(QLabel, "bannerMessage")
    return label.text() if label is not None and label.isVisible() else ""


def visible_button(window, text: str):
    found = [b for b in window.findChildren(QPushButton) if b.isVisible() and b.text() == text]
    return found[0] if len(found) == 1 else None


def banner_text(window, action: str) -> str:
    """The text of the notice whose button says ``action``: every label beside it."""
    bar = visible_button(window, action).parentWidget()
    return "\n".join(label.text() for label in bar.findChildren(QLabel))


def office_holds(db: Path, text: str) -> bool:
    """Whether some stored value in the office's database is or contains ``text`` —
    looked for in every text or blob column, and inside the JSON documents kept there."""

    def contains(value: object) -> bool:
        if isinstance(value, bytes):
            value = value.decode("utf-8", errors="replace")
        if isinstance(value, str):
            if text in value:
                return True
            if value[:1] in "{[":
                try:
                    return contains(json.loads(value))
                except ValueError:
                    return False
            return False
        if isinstance(value, dict):
            return any(contains(v) for v in value.values())
        if isinstance(value, list):
            return any(contains(v) for v in value)
        return False

    with contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as con:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        for table in tables:
            for row in con.execute(f'SELECT * FROM "{table}"'):
                if any(contains(v) for v in row):
                    return True
    return False


def offered_fix(window, text: str):
    """The fix button under a field offering ``text``."""
    found = [
        b
        for b in window.findChild(QWidget, "filingEditor").findChildren(QPushButton)
        if b.isVisible() and text in b.text()
    ]
    assert len(found) == 1, text
    return found[0]


def submit(clerk: Clerk) -> None:
    """提交 in the toolbar, then 提交 in the confirmation."""

    def confirm(dialog) -> None:
        clerk.shot("confirm-submit", dialog)
        click(button(dialog, "提交"))

    clerk.modal(
        lambda: clerk.toolbar("提交"), confirm, accept=lambda d: d.objectName() == "confirmSubmit"
    )


def type_datetime(clerk: Clerk, name: str, text: str) -> None:
    box = clerk.field(name)
    filled = box.dateTime() != box.minimumDateTime()
    click(box)
    clerk.qtbot.waitUntil(box.hasFocus, timeout=3000)
    if filled:
        # Digits typed after a click into a filled box change nothing (the click selects
        # no section); coming in with Tab selects the year, and digits run on from there.
        QTest.keyClick(box, Qt.Key.Key_Backtab)
        QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        clerk.qtbot.waitUntil(box.hasFocus, timeout=3000)
    QTest.keyClicks(box, text)
    clerk.leave(box)


def test_a_clerks_day(day):
    clerk, office, tmp_path = day
    qtbot, window = clerk.qtbot, clerk.window
    clerk.shot("start")

    # --- morning: the roster and the enterprise directory ------------------------------
    import_file(clerk, "导入执法人员名单…", ROSTER, "已导入 36 名执法人员")
    import_file(clerk, "导入企业名录…", ENTERPRISES, "已导入 60 家企业")

    # --- 设置 → 本单位: the unit and its usual leader, from the roster ---------------------
    def profile(dialog) -> None:
        type_into(qtbot, named(dialog, "单位名称"), DEFAULT_UNIT)
        leader = named(dialog, "姓名")
        type_into(qtbot, leader, "熊")
        pick_completion(qtbot, leader, "熊平华")
        assert value(named(dialog, "执法证号")) == "43031119004"
        clerk.shot("settings-unit", dialog)
        click(button(dialog, "保存"))

    clerk.modal(lambda: clerk.menu("设置(&S)", "设置…"), profile)

    # --- a prior filing, with mistakes fixed through the editor's messages ---------------
    today = datetime.now(SHANGHAI).date()
    visit = working_day(today + timedelta(days=7), 1)
    clerk.toolbar("新建")
    prior_id = window.current_id()
    assert value(clerk.field("单位（牵头单位）")) == DEFAULT_UNIT  # from 本单位
    type_datetime(clerk, "检查开始时间", digits(visit, 9, 30))
    type_datetime(clerk, "检查结束时间", digits(visit, 16, 30))
    assert value(clerk.field("姓名")) == "熊平华"  # the usual leader, from 本单位
    clerk.wait_value("职务", "四级主任科员")
    clerk.wait_value("执法证号", "43031119004")
    clerk.type("联系电话", "1380732123")  # one digit short
    clerk.wait_problem("联系电话")
    clerk.shot("prior-phone-mistake")
    clerk.type("联系电话", "１３８０７３２１２３４")  # full-width digits, as an IME gives them
    clerk.wait_value("联系电话", "13807321234")
    clerk.wait_problem("联系电话", present=False)
    clerk.type("其他检查人员 第1行 姓名", "孟欣德")
    clerk.wait_value("其他检查人员 第1行 执法证号", "43031119007")

    name = clerk.field("企业名称")
    type_into(qtbot, name, "顺阳")
    pick_completion(qtbot, name, "湘潭顺阳新材料科技股份有限公司")
    clerk.wait_value("统一社会信用代码", "91430304MA4YG57FJC")
    clerk.wait_value("地址", "湘潭市岳塘区科技路45号")
    clerk.type("统一社会信用代码", "91430304MA4YG57FJD")  # a wrong check character
    clerk.wait_problem("统一社会信用代码")
    clerk.shot("prior-uscc-mistake")
    click(offered_fix(window, "91430304MA4YG57FJC"))  # the directory's code, offered
    clerk.wait_value("统一社会信用代码", "91430304MA4YG57FJC")
    clerk.wait_problem("统一社会信用代码", present=False)
    clerk.type("检查项目", "食品生产许可条件保持情况")
    clerk.type("检查依据", "《中华人民共和国食品安全法》第一百一十条")
    clerk.type("检查内容", CONTENT)
    clerk.key(Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)  # 保存并检查
    clerk.shot("prior-checked")
    assert "检查通过" in window.statusBar().currentMessage(), clerk.problems()
    assert window.store.get(prior_id).filing["content"] == CONTENT

    # --- print: the triplicate saved as PDF and read back --------------------------------
    pdf = save_pdf(clerk, tmp_path / "prior.pdf")
    pages = pdf_text(pdf)
    for page in pages:
        assert squash(CONTENT) in squash(page)  # full-width punctuation as typed
        assert "湘潭顺阳新材料科技股份有限公司" in squash(page)
    for n in range(3):
        codes = qr_texts(pdf, n)
        assert len(codes) == 1 and prior_id in codes[0], codes

    submit(clerk)
    qtbot.waitUntil(lambda: window.store.get(prior_id).status == QUEUED, timeout=5000)
    clerk.shot("prior-queued")

    # --- a post-hoc filing: inspected yesterday, filed today ----------------------------
    inspected = working_day(today - timedelta(days=1), -1)
    clerk.toolbar("新建")
    post_id = window.current_id()
    assert post_id != prior_id
    choose_in_combo(qtbot, clerk.field("备案类型"), "事后补报")
    clerk.type("单位（牵头单位）", DEFAULT_UNIT)
    type_datetime(clerk, "检查开始时间", digits(today + timedelta(days=2), 9))  # a slip
    clerk.wait_problem("检查开始时间")
    clerk.shot("post-hoc-future-start")
    type_datetime(clerk, "检查开始时间", digits(inspected, 14))
    type_datetime(clerk, "检查结束时间", digits(inspected, 16))
    clerk.wait_problem("检查开始时间", present=False)
    assert window.store.get(post_id).filing["inspection_start"].startswith(f"{inspected}T14:00")
    leader = clerk.field("姓名")
    type_into(qtbot, leader, "孟")
    pick_completion(qtbot, leader, "孟欣德")
    clerk.leave(leader)
    clerk.wait_value("执法证号", "43031119007")
    clerk.type("联系电话", "0731-58812345")
    clerk.type("其他检查人员 第1行 姓名", "阎杰")
    clerk.wait_value("其他检查人员 第1行 执法证号", "43031119031")
    # A slip in the number: the roster gives it to another officer, who is chosen; 撤销.
    clerk.type("其他检查人员 第1行 执法证号", "43031119013")
    clerk.wait_value("其他检查人员 第1行 姓名", "杨杰艳")
    clerk.shot("post-hoc-wrong-number")
    click(button(clerk.editor.findChild(QWidget, "choiceNotice"), "撤销"))
    clerk.wait_value("其他检查人员 第1行 执法证号", "43031119031")
    clerk.wait_value("其他检查人员 第1行 姓名", "阎杰")
    clerk.type("企业名称", POST_HOC_NAME)
    clerk.type("统一社会信用代码", "92430302MA4T8XYL1L")
    clerk.type("地址", "湘潭市岳塘区建设北路12号")
    clerk.type("检查项目", "食品经营许可和食品安全")
    clerk.type("检查依据", "《中华人民共和国食品安全法》第一百一十条")
    clerk.type("检查内容", "群众举报（电话）：售卖过期食品；现场核查。")
    choose_in_combo(qtbot, clerk.field("先行检查情形"), "投诉举报")
    clerk.type("说明原由", "接群众举报，须当日核查，来不及事先备案。")
    clerk.key(Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: "已保存" in window.statusBar().currentMessage(), timeout=5000)
    clerk.shot("post-hoc-checked")
    assert [p for p in clerk.problems() if p.startswith("错误")] == []
    post_pdf = save_pdf(clerk, tmp_path / "post-hoc.pdf")
    assert POST_HOC_NAME in squash(pdf_text(post_pdf)[0])
    submit(clerk)
    qtbot.waitUntil(lambda: window.store.get(post_id).status == QUEUED, timeout=5000)

    # --- connect to the office: both go, both receipts come back -------------------------
    token = office.create_token(DEFAULT_UNIT)

    clerk.menu("设置(&S)", "连接备案办公室…")
    dialog = clerk.dialog("connectionDialog")
    type_into(qtbot, named(dialog, "备案办公室地址"), office.url)
    type_into(qtbot, named(dialog, "令牌"), token)
    click(button(dialog, "保存并检查连接"))
    result = named(dialog, "连接检查结果", QLabel)
    save = button(dialog, "保存并检查连接")
    qtbot.waitUntil(lambda: result.isVisible() and save.isEnabled(), timeout=WAIT_MS)
    assert "未加密" in result.text()  # http:// is never shown as safe
    clerk.shot("connection", dialog)
    assert named(dialog, "令牌", QLineEdit).text() == ""
    click(button(dialog, "关闭"))
    qtbot.waitUntil(
        lambda: (
            window.store.get(prior_id).status == SENT and window.store.get(post_id).status == SENT
        ),
        timeout=WAIT_MS,
    )
    receipt_1 = window.store.get(prior_id).receipt
    qtbot.waitUntil(lambda: receipt_1 in list_column(window, "回执号"), timeout=5000)
    clerk.shot("both-filed")

    # --- the office returns the prior filing; F5 brings the return --------------------
    office.cli("return", prior_id, "--reason", RETURN_REASON)
    clerk.key(Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: visible_button(window, "打开并修改") is not None, timeout=WAIT_MS)
    clerk.shot("returned-notice")
    notice = banner_text(window, "打开并修改")
    assert RETURN_REASON in notice and "湘潭顺阳新材料科技股份有限公司" in notice
    click(visible_button(window, "打开并修改"))
    assert window.current_id() == prior_id
    assert window.store.get(prior_id).status == RETURNED
    assert RETURN_REASON in header_text(window)
    click(button(window, "reviseButton"))
    qtbot.waitUntil(lambda: window.store.get(prior_id).revision == 2, timeout=5000)
    assert RETURN_REASON in header_text(window)
    basis = clerk.field("检查依据")
    type_into(qtbot, basis, "《中华人民共和国食品安全法》第一百一十条第一款")
    clerk.leave(basis)
    clerk.key(Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    clerk.shot("revision-2")
    assert RETURN_REASON in header_text(window)
    submit(clerk)
    qtbot.waitUntil(lambda: window.store.get(prior_id).status == QUEUED, timeout=5000)
    assert RETURN_REASON in header_text(window)  # still in view until filed
    clerk.key(Qt.Key.Key_F5)
    qtbot.waitUntil(
        lambda: (
            window.store.get(prior_id).status == SENT and window.store.get(prior_id).revision == 2
        ),
        timeout=WAIT_MS,
    )
    receipt_2 = window.store.get(prior_id).receipt
    assert receipt_2 and receipt_2 != receipt_1
    qtbot.waitUntil(lambda: receipt_2 in header_text(window), timeout=5000)
    assert RETURN_REASON not in header_text(window)
    qtbot.waitUntil(lambda: receipt_2 in list_column(window, "回执号"), timeout=5000)
    clerk.shot("revision-2-filed")
    assert office_holds(office.db, CONTENT)  # the office keeps the text as typed
    assert office_holds(office.db, POST_HOC_NAME)
    held = {(r["id"], r["revision"]): r["status"] for r in office.filings()}
    assert held[(prior_id, 1)] == "returned" and held[(prior_id, 2)] == "filed"
    assert held[(post_id, 1)] == "filed"

    # --- reprint: revision 2 with its receipt and the office's link ----------------------
    reprint = save_pdf(clerk, tmp_path / "prior-2.pdf")
    pages = pdf_text(reprint)
    for n, page in enumerate(pages):
        assert receipt_2 in squash(page)
        assert "第一百一十条第一款" in squash(page)
        assert squash(CONTENT) in squash(page)
        codes = qr_texts(reprint, n)
        assert len(codes) == 1 and codes[0].startswith(office.url), codes
        assert prior_id in codes[0] and "r=2" in codes[0]

    # --- whoever scans the papers: the reprint stands, the first print is out of date ----
    link = qr_texts(reprint, 0)[0]
    with httpx.Client(timeout=10) as http:
        answer = http.get(link.replace("/verify/", "/api/v1/verify/", 1)).json()
        assert (answer["status"], answer["standing"], answer["revision"]) == ("match", "filed", 2)
        assert answer["receipt"] == receipt_2
        first = parse_payload(qr_texts(pdf, 0)[0])  # printed offline: the compact payload
        assert first is not None and first["revision"] == "1"
        old = http.get(
            f"{office.api_url}/verify/{first['id']}",
            params={"r": first["revision"], "d": first["digest"]},
        ).json()
        assert (old["status"], old["standing"], old["superseded_by"]) == ("match", "superseded", 2)
