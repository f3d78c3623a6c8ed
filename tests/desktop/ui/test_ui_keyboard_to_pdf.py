"""End to end by keyboard: an empty window, a filing typed field by field with Tab in paper
order, checked, previewed, printed and saved as PDF — then the PDF read back."""

from __future__ import annotations

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from desktop.store import READY, Store
from desktop.ui.main_window import MainWindow
from tests.support.ui_helpers import type_text

# What the clerk types, in paper order: (accessible name of the field, keys).
# None: leave the field as it is; "dates": take the suggested moment with an arrow key.
TYPED = [
    ("备案类型", None),
    ("单位（牵头单位）", "湘潭市市场监督管理局"),
    ("添加联合单位", None),
    ("检查开始时间", "dates"),
    ("检查结束时间", "dates"),
    ("姓名", "熊平华"),
    ("职务", "四级主任科员"),
    ("联系电话", "13807321234"),
    ("执法证号", "43031119004"),
    ("其他检查人员 第1行 姓名", "易桐"),
    ("其他检查人员 第1行 执法证号", "43031121002"),
    ("添加其他检查人员", None),
    ("企业名称", "湘潭顺阳新材料科技股份有限公司"),
    ("统一社会信用代码", "91430304MA4YG57FJC"),
    ("地址", "湘潭市岳塘区科技路45号"),
    ("所在园区", None),
    ("检查项目", "食品生产许可条件保持情况"),
    ("检查依据", "《中华人民共和国食品安全法》第一百一十条"),
    ("“双随机”抽查计划", None),
    ("检查内容", "查看生产场所、设备设施和原料进货查验记录。"),
]


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch):
    monkeypatch.setenv("BEIAN_FONT_CACHE", str(tmp_path / "fonts"))
    store = Store.open(tmp_path / "data")
    window = MainWindow(store, data_dir=tmp_path / "data")
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=3000)
    yield window
    window.close()
    store.close()


def key(keycode, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    QTest.keyClick(QApplication.focusWidget(), keycode, modifier)


def test_keyboard_from_empty_to_a_printed_pdf(qtbot, window, tmp_path):
    store = window.store
    key(Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.current_row() is not None, timeout=3000)

    for name, keys in TYPED:
        focused = QApplication.focusWidget()
        assert focused is not None and focused.accessibleName() == name
        if keys == "dates":
            key(Qt.Key.Key_Up)  # the first arrow only sets the suggested moment
        elif keys:
            type_text(focused, keys)
        key(Qt.Key.Key_Tab)

    key(Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    report = window.editor.report()
    assert report is not None and not report.errors, [p.message for p in report.errors]
    row = store.get(window.current_id())
    assert row.status == READY
    filing = row.filing
    assert filing["enterprise"]["name"] == "湘潭顺阳新材料科技股份有限公司"
    assert filing["inspectors"] == [{"name": "易桐", "cert_no": "43031121002"}]

    key(Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    dialog = window.preview_dialog
    with qtbot.waitSignal(dialog.rendered, timeout=120_000):
        pass

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    with qtbot.waitSignal(dialog.printed, timeout=60_000) as printed:
        dialog.print_to(printer)
    assert printed.args == [(1, 2, 3)]

    saved = tmp_path / "备案表.pdf"
    assert dialog.save_to(saved)
    dialog.close()

    text = "\n".join(page.extract_text() for page in PdfReader(saved).pages)
    for value in (
        "湘潭市市场监督管理局",
        "熊平华",
        "四级主任科员",
        "13807321234",
        "43031119004",
        "易桐",
        "43031121002",
        "湘潭顺阳新材料科技股份有限公司",
        "91430304MA4YG57FJC",
        "食品生产许可条件保持情况",
        "第一联",
        "第二联",
        "第三联",
    ):
        assert value in text, value
    assert (tmp_path / "printed.pdf").stat().st_size > 0

    kinds = [e.kind for e in store.history(row.id)]
    assert "printed" in kinds and "exported" in kinds
    printed_event = next(e for e in store.history(row.id) if e.kind == "printed")
    assert printed_event.detail == {"copies": [1, 2, 3]}
    assert window.history.tree.topLevelItem(0).text(1) == "导出 PDF"
