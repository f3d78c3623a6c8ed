"""Preview, print and save the triplicate of one filing.

The PDF comes from ``forms.pdf.render_pdf``, made off the UI thread; the dialog shows it
with QtPdf. Printing goes through the system print dialog; the pages are drawn into the
printer from a worker thread (QPainter may paint on a QPrinter outside the GUI thread),
band by band at the printer's resolution, so a 1200-dpi printer never needs a whole page
image in memory. Saving writes the PDF bytes as they were previewed.
"""

from __future__ import annotations

import logging
import os
import re
import tempfile
from collections.abc import Generator
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QCoreApplication,
    QIODevice,
    QRect,
    QRectF,
    QSize,
    QStandardPaths,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QImage, QKeySequence, QPainter, QShortcut
from PySide6.QtPdf import QPdfDocument, QPdfDocumentRenderOptions
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.filing_summary import enterprise_name
from desktop.ui import style
from desktop.ui.workers import Job, run_in_background
from forms import rules
from forms.pdf import missing_characters, render_pdf
from forms.record import copy_filing, definition_of

log = logging.getLogger(__name__)

# A printer's own resolution is used up to this; beyond it the paper shows no difference
# and the work grows with the square.
MAX_PRINT_DPI = 600
# Height of one band of a page, in rendered pixels (a band of an A4 page at 600 dpi is
# about 20 MB as an image).
BAND_ROWS = 1024


def _render_job(
    filing: dict,
    copies: tuple[int, ...],
    office_url: str | None,
    receipt: str | None,
    draft,
    park_replies: tuple[dict[str, Any], ...] = (),
) -> dict[str, Any]:
    """Plain Python, on a worker thread: the PDF and what the clerk should know about it."""
    is_draft = rules.validate(filing).has_errors if draft is None else bool(draft)
    pdf = render_pdf(
        filing,
        copies=copies,
        office_url=office_url,
        receipt=receipt,
        draft=is_draft,
        park_replies=park_replies,
    )
    return {
        "pdf": pdf,
        "copies": copies,
        "missing": missing_characters(filing),
        "draft": is_draft,
    }


def _print_job(pdf: bytes, printer: QPrinter) -> Generator[tuple[int, str], None, int]:
    """Draw every page of ``pdf`` into ``printer`` (on a worker thread); yields progress."""
    # A document of this thread's own, loaded from a file: loading from a file needs no
    # event loop, and the dialog's document stays with the UI thread.
    handle, name = tempfile.mkstemp(suffix=".pdf")
    try:
        with os.fdopen(handle, "wb") as fh:
            fh.write(pdf)
        document = QPdfDocument()
        error = document.load(name)
        if error != QPdfDocument.Error.None_:
            raise RuntimeError(f"printing: cannot reload the preview PDF ({error})")
        pages = document.pageCount()
        dpi = min(printer.resolution(), MAX_PRINT_DPI)
        painter = QPainter()
        if not painter.begin(printer):
            raise OSError("printing: the printer could not be opened")
        try:
            paper = QRectF(printer.pageLayout().fullRectPixels(printer.resolution()))
            for index in range(pages):
                text = QCoreApplication.translate("PreviewDialog", "正在打印第 %1 页，共 %2 页")
                yield (
                    100 * index // pages,
                    text.replace("%1", str(index + 1)).replace("%2", str(pages)),
                )
                if index > 0 and not printer.newPage():
                    raise OSError("printing: the printer refused a new page")
                _draw_page(painter, document, index, paper, dpi)
        finally:
            painter.end()
        document.close()
    finally:
        Path(name).unlink(missing_ok=True)
    return pages


def _draw_page(
    painter: QPainter, document: QPdfDocument, index: int, paper: QRectF, dpi: int
) -> None:
    """One PDF page, fitted to the sheet (centred, aspect kept), drawn in bands."""
    points = document.pagePointSize(index)
    scale = min(paper.width() / points.width(), paper.height() / points.height())
    target = QRectF(0, 0, points.width() * scale, points.height() * scale)
    target.moveCenter(paper.center())
    full = QSize(round(points.width() * dpi / 72), round(points.height() * dpi / 72))
    options = QPdfDocumentRenderOptions()
    options.setScaledSize(full)
    top = 0
    while top < full.height():
        rows = min(BAND_ROWS, full.height() - top)
        options.setScaledClipRect(QRect(0, top, full.width(), rows))
        band = document.render(index, QSize(full.width(), rows), options)
        # PDF pages render on a transparent background; paper is white.
        opaque = QImage(band.size(), QImage.Format.Format_RGB32)
        opaque.fill(QColor("white"))
        with_band = QPainter(opaque)
        with_band.drawImage(0, 0, band)
        with_band.end()
        y = target.top() + target.height() * top / full.height()
        h = target.height() * rows / full.height()
        painter.drawImage(QRectF(target.left(), y, target.width(), h), opaque)
        top += rows


def _safe_file_name(text: str) -> str:
    return re.sub(r'[\\/:*?"<>|\s]+', "", text)[:60]


class PreviewDialog(QDialog):
    """The triplicate of one filing: look at it, print it, save it as PDF."""

    printed = Signal(tuple)  # the copies printed, e.g. (1, 2, 3) or (2,)
    saved = Signal(str)  # path of a saved PDF
    rendered = Signal()  # a rendering is on screen (the print and save buttons work)
    failed = Signal(str)  # a rendering or printing failed; Chinese message

    def __init__(
        self,
        filing: dict,
        *,
        receipt: str | None,
        office_url: str | None,
        parent: QWidget | None = None,
        draft: bool | None = None,
        park_replies: list[dict[str, Any]] | None = None,
    ):
        super().__init__(parent)
        self.setObjectName("previewDialog")
        self._filing = copy_filing(filing)
        self._receipt = receipt
        self._office_url = office_url
        self._draft = draft  # None: the rules decide (a filing with errors is a draft)
        # The park committee's replies, printed on the unit's copy (docs/pdf.md).
        self._park_replies = tuple(park_replies or ())
        self._definition = definition_of(self._filing)
        self._pdf: bytes | None = None
        self._shown_copies: tuple[int, ...] = ()
        self._missing: set[str] = set()
        self._is_draft = False
        self._generation = 0
        self._jobs: list[Job] = []
        self._printing = False
        self._build()
        self._render()

    # --- layout -------------------------------------------------------------------------------

    def _build(self) -> None:
        name = enterprise_name(self._filing)
        title = self.tr("预览与打印")
        self.setWindowTitle(f"{title} — {name}" if name else title)

        self.copies = QComboBox(self)
        self.copies.setAccessibleName(self.tr("打印联次"))
        paper_copies = self._definition.paper["copies"]
        self._copy_choices = [tuple(c["number"] for c in paper_copies)]
        self.copies.addItem(self.tr("全部三联"))
        for c in paper_copies:
            self._copy_choices.append((c["number"],))
            self.copies.addItem(f"{c['label']}（{c['keeper']}）")
        self.copies.currentIndexChanged.connect(self._render)
        copies_label = QLabel(self.tr("打印联次"), self)
        copies_label.setBuddy(self.copies)

        self.busy = QProgressBar(self)
        self.busy.setRange(0, 0)  # no percentages for one rendering: it just moves
        self.busy.setTextVisible(False)
        self.busy.setAccessibleName(self.tr("正在处理"))
        self.busy_text = QLabel(self)

        top = QHBoxLayout()
        top.addWidget(copies_label)
        top.addWidget(self.copies)
        top.addStretch(1)
        top.addWidget(self.busy_text)
        top.addWidget(self.busy)

        self.notice = QLabel(self)
        self.notice.setWordWrap(True)
        self.notice.setTextFormat(Qt.TextFormat.PlainText)
        self.notice.hide()

        self.document = QPdfDocument(self)
        self.view = QPdfView(self)
        self.view.setAccessibleName(self.tr("备案表预览"))
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self._buffer: QBuffer | None = None
        self._printer: QPrinter | None = None

        self.print_button = QPushButton(self.tr("打印…"), self)
        self.save_button = QPushButton(self.tr("另存为 PDF…"), self)
        self.close_button = QPushButton(self.tr("关闭"), self)
        for button in (self.print_button, self.save_button, self.close_button):
            button.setAutoDefault(False)
            button.setDefault(False)
        self.print_button.clicked.connect(self._print_clicked)
        self.save_button.clicked.connect(self._save_clicked)
        self.close_button.clicked.connect(self.reject)
        QShortcut(QKeySequence.StandardKey.Print, self, self._print_clicked)
        QShortcut(QKeySequence.StandardKey.Save, self, self._save_clicked)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.close_button)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.notice)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        self._set_busy(self.tr("正在生成预览…"))

        screen = self.screen().availableGeometry() if self.screen() is not None else None
        if screen is not None:
            self.resize(screen.width() * 3 // 5, screen.height() * 9 // 10)

    def _set_busy(self, text: str | None) -> None:
        working = text is not None
        self.busy.setVisible(working)
        self.busy_text.setVisible(working)
        self.busy_text.setText(text or "")
        ready = not working and self._pdf is not None
        self.print_button.setEnabled(ready)
        self.save_button.setEnabled(ready)
        self.copies.setEnabled(not self._printing)
        self.close_button.setEnabled(not self._printing)

    # --- rendering ----------------------------------------------------------------------------

    def selected_copies(self) -> tuple[int, ...]:
        return self._copy_choices[max(self.copies.currentIndex(), 0)]

    def choose_copies(self, copies: tuple[int, ...]) -> None:
        """Choose what to preview and print, as the clerk would with the list."""
        self.copies.setCurrentIndex(self._copy_choices.index(tuple(copies)))

    def shown_copies(self) -> tuple[int, ...]:
        """The copies of the PDF on screen (what printing and saving use)."""
        return self._shown_copies

    def pdf_bytes(self) -> bytes | None:
        return self._pdf

    def missing(self) -> set[str]:
        return set(self._missing)

    def _render(self) -> None:
        self._generation += 1
        generation = self._generation
        self._pdf = None
        self._set_busy(self.tr("正在生成预览…"))
        job = run_in_background(
            _render_job,
            self._filing,
            self.selected_copies(),
            self._office_url,
            self._receipt,
            self._draft,
            self._park_replies,
        )
        job.finished.connect(lambda result: self._rendered(generation, result))
        job.failed.connect(lambda message, details: self._failed(generation, message, details))
        self._keep(job)

    def _keep(self, job: Job) -> None:
        self._jobs.append(job)
        job.finished.connect(lambda _r: self._jobs.remove(job) if job in self._jobs else None)
        job.failed.connect(lambda *_a: self._jobs.remove(job) if job in self._jobs else None)

    def _rendered(self, generation: int, result: dict[str, Any]) -> None:
        if generation != self._generation:
            return  # the clerk chose other copies meanwhile
        self.document.close()
        buffer = QBuffer(self)
        buffer.setData(QByteArray(result["pdf"]))
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document.load(buffer)
        if self._buffer is not None:
            self._buffer.deleteLater()
        self._buffer = buffer
        if self.document.status() == QPdfDocument.Status.Error:
            self._failed(generation, self.tr("预览无法显示。请关闭后重试。"), "QPdfDocument error")
            return
        self._pdf = result["pdf"]
        self._shown_copies = tuple(result["copies"])
        self._missing = set(result["missing"])
        self._is_draft = bool(result["draft"])
        self._show_notice()
        self._set_busy(None)
        self.rendered.emit()

    def _failed(self, generation: int, message: str, details: str) -> None:
        if generation != self._generation:
            return
        log.error("preview failed: %s", details)
        self._set_busy(None)
        self.notice.setText(message)
        self.notice.setStyleSheet(style.ERROR_TEXT)
        self.notice.show()
        self.failed.emit(message)

    def _show_notice(self) -> None:
        lines = []
        if self._is_draft:
            lines.append(
                self.tr("本表还有错误，打印件会标注“草稿”，不能作为正式备案。请先改正错误。")
            )
        if self._missing:
            lines.append(
                self.tr("以下字符打印字体中没有，纸面上会显示为“%2”：%1。")
                .replace("%1", "、".join(sorted(self._missing)))
                .replace("%2", self._missing_mark())
            )
        self.notice.setText("\n".join(lines))
        self.notice.setStyleSheet(style.WARNING_TEXT if lines else "")
        self.notice.setVisible(bool(lines))

    # --- closing ------------------------------------------------------------------------------

    def done(self, result: int) -> None:  # accept, reject, Esc, the close button
        if self._printing:
            return  # a print in progress finishes first (a few seconds); then it may close
        self._generation += 1  # a rendering still on its way is dropped, never shown
        super().done(result)

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt API
        if self._printing:
            event.ignore()
            return
        super().closeEvent(event)

    # --- printing -----------------------------------------------------------------------------

    def _print_clicked(self) -> None:
        if self._pdf is None or self._printing:
            return
        if not self.confirm_missing_characters():
            return
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self.windowTitle())
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle(self.tr("打印备案表"))
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        self.print_to(printer)

    def _missing_mark(self) -> str:
        return self._definition.paper.get("marks", {}).get("missing_glyph", "〓")

    def confirm_missing_characters(self) -> bool:
        """Ask before printing characters the fonts lack; True to go on."""
        if not self._missing:
            return True
        answer = QMessageBox.warning(
            self,
            self.tr("有字符无法打印"),
            self.tr(
                "以下字符打印字体中没有，纸面上会显示为“%2”：%1\n\n"
                "可以先在表中改用常用写法，或打印后在纸面上手写补正。仍要打印吗？"
            )
            .replace("%1", "、".join(sorted(self._missing)))
            .replace("%2", self._missing_mark()),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        return answer == QMessageBox.StandardButton.Yes

    def print_to(self, printer: QPrinter) -> None:
        """Print the previewed PDF on ``printer`` (set up by the print dialog, or a test)."""
        if self._pdf is None or self._printing:
            return
        printer.setFullPage(True)  # the PDF has its own margins
        self._printing = True
        copies = self._shown_copies
        self._set_busy(self.tr("正在打印…"))
        job = run_in_background(_print_job, self._pdf, printer)
        job.progress.connect(lambda _percent, text: self.busy_text.setText(text))

        def done(_pages: object) -> None:
            self._printing = False
            self._printer = None
            self._set_busy(None)
            self.printed.emit(copies)

        def failed(message: str, details: str) -> None:
            self._printing = False
            self._printer = None
            self._failed(self._generation, self.tr("打印没有完成：") + message, details)

        job.finished.connect(done)
        job.failed.connect(failed)
        self._printer = printer  # alive until the worker is done with it
        self._keep(job)

    # --- saving -------------------------------------------------------------------------------

    def suggested_file_name(self) -> str:
        name = enterprise_name(self._filing)
        start = self._filing.get("inspection_start", "")
        day = start[:10] if isinstance(start, str) else ""
        parts = [self.tr("备案表"), _safe_file_name(str(name)), day.replace("-", "")]
        return "_".join(p for p in parts if p) + ".pdf"

    def _save_clicked(self) -> None:
        if self._pdf is None:
            return
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        path, _filter = QFileDialog.getSaveFileName(
            self,
            self.tr("另存为 PDF"),
            str(Path(folder) / self.suggested_file_name()),
            self.tr("PDF 文件 (*.pdf)"),
        )
        if path:
            self.save_to(path)

    def save_to(self, path: str | os.PathLike[str]) -> bool:
        """Write the previewed PDF to ``path``; tell the clerk if that fails."""
        if self._pdf is None:
            return False
        target = Path(path)
        if target.suffix.lower() != ".pdf":
            target = target.with_name(target.name + ".pdf")
        partial = target.with_name(f".{target.name}.partial")
        try:
            partial.write_bytes(self._pdf)
            os.replace(partial, target)
        except OSError as exc:
            log.error("saving the PDF to %s failed: %s", target, exc)
            partial.unlink(missing_ok=True)
            QMessageBox.warning(
                self,
                self.tr("没有保存"),
                self.tr(
                    "PDF 没有保存到“%1”。请检查该文件是否正被其他程序打开、磁盘是否已满，"
                    "或换一个文件夹再试。"
                ).replace("%1", str(target)),
            )
            return False
        self.saved.emit(str(target))
        return True
