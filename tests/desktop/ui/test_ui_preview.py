"""The preview dialog with the real renderer: rendering off the UI thread, choosing
copies, saving, and printing on a real (PDF) printer backend read back afterwards."""

from __future__ import annotations

import io
from pathlib import Path

import pypdf
import pypdfium2
import pytest
from PIL import Image, ImageChops, ImageFilter, ImageStat
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QFileDialog, QMessageBox

from desktop.ui.preview import PreviewDialog
from desktop.ui.workers import running_jobs
from tests.support.ui_helpers import button_text, click_in_next_dialog, good_filing

ENTERPRISE = "湘潭顺阳新材料科技股份有限公司"
RARE = "\U0002a6a5"  # 𪚥: a real character the bundled fonts do not have
PRINT_DPI = 150


def pdf_text(data: bytes) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages]


def open_preview(qtbot, filing: dict, **kwargs) -> PreviewDialog:
    kwargs.setdefault("receipt", None)
    kwargs.setdefault("office_url", None)
    dialog = PreviewDialog(filing, **kwargs)
    qtbot.addWidget(dialog)
    return dialog


@pytest.fixture
def preview(qtbot):
    dialog = open_preview(qtbot, good_filing())
    with qtbot.waitSignal(dialog.rendered, timeout=30_000):
        dialog.show()
    return dialog


def test_renders_in_the_background_with_a_busy_indicator(qtbot):
    dialog = open_preview(qtbot, good_filing())
    dialog.show()
    # Until the worker is done: busy, and nothing to print or save yet.
    assert dialog.busy.isVisible()
    assert not dialog.print_button.isEnabled() and not dialog.save_button.isEnabled()
    with qtbot.waitSignal(dialog.rendered, timeout=30_000):
        pass
    assert not dialog.busy.isVisible()
    assert dialog.print_button.isEnabled() and dialog.save_button.isEnabled()
    assert dialog.document.pageCount() == 3
    assert dialog.shown_copies() == (1, 2, 3)
    pages = pdf_text(dialog.pdf_bytes())
    assert ["第一联" in p for p in pages] == [True, False, False]
    assert ["第三联" in p for p in pages] == [False, False, True]
    assert not dialog.notice.isVisible()  # valid, nothing missing: nothing to warn about


def test_choosing_one_copy_renders_only_that_copy(qtbot, preview):
    assert preview.copies.itemText(0) == "全部三联"
    assert preview.copies.itemText(2) == "第二联（检查单位留存）"
    with qtbot.waitSignal(preview.rendered, timeout=30_000):
        preview.copies.setCurrentIndex(2)
    assert preview.shown_copies() == (2,)
    assert preview.document.pageCount() == 1
    (page,) = pdf_text(preview.pdf_bytes())
    assert "第二联" in page and "第一联" not in page and "第三联" not in page


def test_save_as_pdf_writes_the_previewed_pdf(qtbot, preview, tmp_path):
    with qtbot.waitSignal(preview.saved) as saved:
        assert preview.save_to(tmp_path / "备案表")
    path = Path(saved.args[0])
    assert path == tmp_path / "备案表.pdf"
    data = path.read_bytes()
    assert data == preview.pdf_bytes()
    assert all(ENTERPRISE in page for page in pdf_text(data))
    assert not list(tmp_path.glob(".*partial"))


def test_the_save_button_asks_for_a_path_then_saves(qtbot, preview, tmp_path, monkeypatch):
    asked = []

    def answer(parent, title, suggested, filters):  # the native file dialog is the edge
        asked.append((title, Path(suggested).name, filters))
        return str(tmp_path / "chosen.pdf"), filters

    monkeypatch.setattr(QFileDialog, "getSaveFileName", answer)
    with qtbot.waitSignal(preview.saved):
        preview.save_button.click()
    assert (tmp_path / "chosen.pdf").read_bytes() == preview.pdf_bytes()
    title, suggested, filters = asked[0]
    assert title == "另存为 PDF" and "PDF" in filters
    assert suggested.startswith("备案表_" + ENTERPRISE) and suggested.endswith(".pdf")


def test_a_failed_save_says_so_and_keeps_nothing_half_written(qtbot, preview, tmp_path):
    seen: list[dict[str, str]] = []
    target = tmp_path / "missing-folder" / "x.pdf"
    saves = []
    preview.saved.connect(saves.append)
    timer = click_in_next_dialog(button_text("OK"), seen=seen)
    try:
        assert not preview.save_to(target)
    finally:
        timer.stop()
    assert seen and "PDF 没有保存" in seen[0]["text"]
    assert saves == [] and not target.exists()


def printed_pages(qtbot, dialog: PreviewDialog, path: Path) -> list:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    printer.setResolution(PRINT_DPI)
    with qtbot.waitSignal(dialog.printed, timeout=60_000) as printed:
        dialog.print_to(printer)
    assert printed.args == [dialog.shown_copies()]
    return pypdf.PdfReader(path).pages


def grey(pdf: pypdfium2.PdfDocument, index: int):
    """A page at the test printer's resolution, in grey levels."""
    return pdf[index].render(scale=PRINT_DPI / 72).to_pil().convert("L")


def mean_difference(a, b) -> float:
    """Mean grey-level difference, blurred first so anti-aliased edges do not count (a
    sheet shifted by 8 px or scaled by 2 % differs more than a blank one does)."""
    a, b = a.filter(ImageFilter.GaussianBlur(2)), b.filter(ImageFilter.GaussianBlur(2))
    return ImageStat.Stat(ImageChops.difference(a, b)).mean[0]


def test_printing_draws_every_page_on_the_printer(qtbot, preview, tmp_path):
    path = tmp_path / "printed.pdf"
    pages = printed_pages(qtbot, preview, path)
    assert len(pages) == 3
    for page in pages:  # A4 sheets
        assert abs(float(page.mediabox.width) - 595.3) < 2
        assert abs(float(page.mediabox.height) - 841.9) < 2
    # Each printed sheet is the previewed page it came from, in place and at full size.
    printed = pypdfium2.PdfDocument(str(path))
    original = pypdfium2.PdfDocument(preview.pdf_bytes())
    blank = None
    for i in range(3):
        a, b = grey(printed, i), grey(original, i)
        assert abs(a.width - b.width) <= 1 and abs(a.height - b.height) <= 1  # rounding
        size = (0, 0, min(a.width, b.width), min(a.height, b.height))
        a, b = a.crop(size), b.crop(size)
        blank = blank or Image.new("L", a.size, 255)
        assert mean_difference(a, b) < 0.35 * mean_difference(b, blank)


def test_printing_one_copy_prints_one_sheet(qtbot, preview, tmp_path):
    with qtbot.waitSignal(preview.rendered, timeout=30_000):
        preview.choose_copies((3,))
    pages = printed_pages(qtbot, preview, tmp_path / "third.pdf")
    assert len(pages) == 1


def test_a_filing_with_errors_is_previewed_and_printed_as_a_draft(qtbot):
    filing = good_filing()
    filing["lead_unit"] = ""
    dialog = open_preview(qtbot, filing)
    with qtbot.waitSignal(dialog.rendered, timeout=30_000):
        dialog.show()
    assert "草稿" in dialog.notice.text() and dialog.notice.isVisible()
    assert all("草稿" in page for page in pdf_text(dialog.pdf_bytes()))


def test_the_receipt_number_is_printed(qtbot):
    dialog = open_preview(qtbot, good_filing(), receipt="潭优备〔2026〕000123号")
    with qtbot.waitSignal(dialog.rendered, timeout=30_000):
        dialog.show()
    assert all("潭优备〔2026〕000123号" in page for page in pdf_text(dialog.pdf_bytes()))


def test_missing_characters_are_shown_and_asked_about_before_printing(qtbot):
    filing = good_filing()
    filing["content"] = f"查看{RARE}字号招牌和生产场所。"
    dialog = open_preview(qtbot, filing)
    with qtbot.waitSignal(dialog.rendered, timeout=30_000):
        dialog.show()
    assert dialog.missing() == {RARE}
    assert RARE in dialog.notice.text()

    seen: list[dict[str, str]] = []
    printed = []
    dialog.printed.connect(printed.append)
    timer = click_in_next_dialog(
        lambda box: box.button(QMessageBox.StandardButton.Cancel), seen=seen
    )
    try:
        dialog.print_button.click()  # declined: no print dialog, nothing printed
    finally:
        timer.stop()
    assert seen and RARE in seen[0]["text"]
    assert printed == []

    timer = click_in_next_dialog(lambda box: box.button(QMessageBox.StandardButton.Yes))
    try:
        assert dialog.confirm_missing_characters()
    finally:
        timer.stop()


def test_closing_while_rendering_drops_the_result_quietly(qtbot):
    # As the main window opens it: deleted on close (so not handed to qtbot to close).
    dialog = PreviewDialog(good_filing(), receipt=None, office_url=None)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    with qtbot.waitSignal(dialog.destroyed):
        dialog.close()  # the rendering is still under way
    # The worker finishes after the dialog is gone; nothing may touch it (pytest-qt fails
    # the test on any exception raised in a slot meanwhile).
    qtbot.waitUntil(lambda: running_jobs() == 0, timeout=30_000)


def test_the_dialog_stays_open_until_printing_is_done(qtbot, preview, tmp_path):
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "p.pdf"))
    printer.setResolution(PRINT_DPI)
    with qtbot.waitSignal(preview.printed, timeout=60_000):
        preview.print_to(printer)
        assert not preview.close_button.isEnabled()
        preview.close()
        assert preview.isVisible()
    assert preview.close_button.isEnabled()
    preview.close()
    assert not preview.isVisible()
