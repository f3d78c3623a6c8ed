"""Importing the roster of officers or the enterprise directory from CSV/XLSX.

Reading happens off the UI thread (``desktop.spreadsheets`` is plain Python). The clerk sees
which columns were recognised, the rows that will be imported, every rejected row with
its reason, and the warnings — and only then decides to apply. Applying also runs in
the background; the store writes it in one transaction.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop import spreadsheets
from desktop.ui import style, wording
from desktop.ui.errors import show_error
from desktop.ui.workers import Job, run_in_background

log = logging.getLogger(__name__)

PREVIEW_ROWS = 500  # the preview table shows this many accepted rows; all are imported


class _ClerkError(Exception):
    """An error whose message is already Chinese for the clerk (see desktop.ui.workers)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.clerk_message = message


def read_file(kind: str, path: str, options: dict):
    """Background work: read and check the file (no writing)."""
    yield (
        5,
        QCoreApplication.translate("ImportDialog", "正在读取 %1…").replace("%1", Path(path).name),
    )
    try:
        result = spreadsheets.read(kind, path, **options)
    except spreadsheets.ImportFailed as exc:
        raise _ClerkError(wording.import_text(exc)) from exc
    yield 95, QCoreApplication.translate("ImportDialog", "正在整理预览…")
    return result


def apply_result(store, result: spreadsheets.ImportResult):
    """Background work: write the accepted rows to the store in one transaction."""
    yield 10, QCoreApplication.translate("ImportDialog", "正在写入…")
    if result.kind == "roster":
        store.replace_roster(result.officers)
        return len(result.officers)
    return store.upsert_enterprises(result.enterprises)


class ImportDialog(QDialog):
    def __init__(self, store, kind: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        if kind not in ("roster", "enterprises"):
            raise ValueError(kind)
        self.store = store
        self.kind = kind
        self.import_result: spreadsheets.ImportResult | None = None
        self.applied: int | None = None
        self.outcome = ""  # what was imported, in Chinese, once applied
        self._job: Job | None = None
        self.setObjectName("importDialog")
        self.setWindowTitle(
            self.tr("导入执法人员名单") if kind == "roster" else self.tr("导入企业名录")
        )

        intro = QLabel(
            self.tr(
                "选择 CSV 或 Excel（.xlsx）文件。程序按表头找到各列（中文表头即可），"
                "先显示预览和有问题的行，确认后才导入。"
            )
            + (
                self.tr("导入的名单会替换现有的执法人员名单。")
                if kind == "roster"
                else self.tr("已有的企业按统一社会信用代码更新，新的企业会加入名录。")
            )
        )
        intro.setWordWrap(True)

        self.path_edit = QLineEdit()
        self.path_edit.setObjectName("importPath")
        self.path_edit.setAccessibleName(self.tr("文件"))
        self.path_edit.setReadOnly(True)
        self.path_edit.setPlaceholderText(self.tr("尚未选择文件"))
        path_label = QLabel(self.tr("文件"))
        path_label.setBuddy(self.path_edit)
        self.choose_button = QPushButton(self.tr("选择文件…"))
        self.choose_button.setObjectName("chooseFile")
        self.choose_button.setAutoDefault(False)
        self.choose_button.clicked.connect(self.choose_file)
        file_row = QHBoxLayout()
        file_row.addWidget(path_label)
        file_row.addWidget(self.path_edit, 1)
        file_row.addWidget(self.choose_button)

        self.progress = QProgressBar()
        self.progress.setObjectName("importProgress")
        self.progress.setAccessibleName(self.tr("进度"))
        self.progress.setRange(0, 100)
        self.progress.hide()
        self.progress_text = QLabel()
        self.progress_text.hide()

        self.summary = QLabel()
        self.summary.setObjectName("importSummary")
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.accepted_table = self._table("acceptedTable", self.tr("可导入的行"))
        self.rejected_table = self._table("rejectedTable", self.tr("拒绝的行"))
        self.warnings_table = self._table("warningsTable", self.tr("提醒"))
        self.tabs = QTabWidget()
        self.tabs.setObjectName("importTabs")
        self.tabs.addTab(self.accepted_table, self.tr("可导入"))
        self.tabs.addTab(self.rejected_table, self.tr("拒绝的行"))
        self.tabs.addTab(self.warnings_table, self.tr("提醒"))

        buttons = QDialogButtonBox()
        self.copy_button = buttons.addButton(
            self.tr("复制报告"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.copy_button.setObjectName("copyReport")
        self.import_button = buttons.addButton(
            self.tr("导入"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.import_button.setObjectName("applyImport")
        self.close_button = buttons.addButton(
            self.tr("取消"), QDialogButtonBox.ButtonRole.RejectRole
        )
        self.close_button.setObjectName("closeImport")
        for button in (self.copy_button, self.import_button, self.close_button):
            button.setAutoDefault(False)
            button.setDefault(False)
        self.copy_button.clicked.connect(self.copy_report)
        buttons.accepted.connect(self.apply)
        buttons.rejected.connect(self.reject)
        self._set_ready(False)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(file_row)
        layout.addWidget(self.progress)
        layout.addWidget(self.progress_text)
        layout.addWidget(self.summary)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(buttons)
        em = self.fontMetrics().horizontalAdvance("中")
        self.resize(em * 56, em * 38)

    def _table(self, name: str, accessible: str) -> QTableWidget:
        table = QTableWidget()
        table.setObjectName(name)
        table.setAccessibleName(accessible)
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        table.setTabKeyNavigation(False)
        table.setAlternatingRowColors(True)
        table.verticalHeader().hide()
        table.horizontalHeader().setStretchLastSection(True)
        return table

    # --- reading ----------------------------------------------------------------------------
    def choose_file(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self,
            self.windowTitle(),
            "",
            self.tr("表格文件 (*.csv *.xlsx);;所有文件 (*)"),
        )
        if path:
            self.load(path)

    def load(self, path: str) -> Job:
        """Read ``path`` in the background and show the preview when it is ready."""
        self.import_result = None
        self._set_ready(False)
        self.path_edit.setText(path)
        self.summary.setText("")
        for table in (self.accepted_table, self.rejected_table, self.warnings_table):
            table.setRowCount(0)
        options = {}
        if self.kind == "roster":
            try:
                options["cert_rules"] = self.store.validation_context().get("cert_rules")
            except Exception:
                log.exception("certificate rules for the roster import")
        job = run_in_background(read_file, self.kind, path, options)
        self._watch(job)
        job.finished.connect(self._show_preview)
        return job

    def _watch(self, job: Job) -> None:
        self._job = job
        self.choose_button.setEnabled(False)
        self.progress.setValue(0)
        self.progress.show()
        self.progress_text.show()
        job.progress.connect(self._progress)
        job.finished.connect(self._done)
        job.failed.connect(self._failed)

    def _progress(self, percent: int, text: str) -> None:
        self.progress.setValue(percent)
        self.progress_text.setText(text)

    def _done(self, _result=None) -> None:
        self._job = None
        self.progress.hide()
        self.progress_text.hide()
        self.choose_button.setEnabled(True)

    def _failed(self, message: str, details: str) -> None:
        self._done()
        self.summary.setText(message)
        self.summary.setStyleSheet(style.ERROR_TEXT)
        show_error(self, message, details)

    def _show_preview(self, result: spreadsheets.ImportResult) -> None:
        self.import_result = result
        what = self.tr("名执法人员") if result.kind == "roster" else self.tr("家企业")
        mapped = "；".join(f"{c.label} ← {c.letter} 列“{c.header}”" for c in result.columns)
        lines = [
            self.tr("文件：") + f"{result.source}（{result.file_format}）",
            self.tr("识别的列：") + mapped,
        ]
        if result.ignored_headers:
            lines.append(
                self.tr("未使用的列：") + "、".join(f"“{h}”" for h in result.ignored_headers)
            )
        lines.append(
            self.tr("可导入 %1 %2；拒绝 %3 行；提醒 %4 条。")
            .replace("%1", str(len(result.accepted)))
            .replace("%2", what)
            .replace("%3", str(len(result.rejected)))
            .replace("%4", str(len(result.warnings)))
        )
        if result.rejected:
            lines.append(self.tr("拒绝的行不会导入；请在原表格中改正后重新导入。"))
        self.summary.setStyleSheet("")
        self.summary.setText("\n".join(lines))

        headers = [c.label for c in result.columns]
        fields = [c.field for c in result.columns]
        table = self.accepted_table
        table.setColumnCount(len(headers))
        table.setHorizontalHeaderLabels(headers)
        shown = result.accepted[:PREVIEW_ROWS]
        table.setRowCount(len(shown))
        for r, item in enumerate(shown):
            for c, field in enumerate(fields):
                value = getattr(item, field, "")
                text = "" if value is None else str(value)
                table.setItem(r, c, QTableWidgetItem(text))
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        table.horizontalHeader().setStretchLastSection(True)
        self._fill_notes(self.rejected_table, result.rejected)
        self._fill_notes(self.warnings_table, result.warnings)
        self.tabs.setTabText(1, self.tr("拒绝的行（%1）").replace("%1", str(len(result.rejected))))
        self.tabs.setTabText(2, self.tr("提醒（%1）").replace("%1", str(len(result.warnings))))
        self.tabs.setTabText(0, self.tr("可导入（%1）").replace("%1", str(len(result.accepted))))
        if result.rejected:
            self.tabs.setCurrentWidget(self.rejected_table)
        self._set_ready(bool(result.accepted))
        self.copy_button.setEnabled(True)

    def _fill_notes(self, table: QTableWidget, notes: list) -> None:
        table.setColumnCount(3)
        table.setHorizontalHeaderLabels([self.tr("行号"), self.tr("问题"), self.tr("原始内容")])
        table.setRowCount(len(notes))
        for r, note in enumerate(notes):
            raw = "，".join(v for v in note.values.values() if v) if note.values else ""
            for c, text in enumerate((str(note.row), note.message, raw)):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                table.setItem(r, c, item)
        # The reason is what the clerk must read in full: wrap it rather than cut it.
        table.setWordWrap(True)
        table.resizeColumnToContents(0)
        table.setColumnWidth(1, self.fontMetrics().horizontalAdvance("中") * 30)
        table.resizeRowsToContents()

    def _set_ready(self, ready: bool) -> None:
        self.import_button.setEnabled(ready)
        self.copy_button.setEnabled(ready)

    def copy_report(self) -> None:
        if self.import_result is not None:
            QGuiApplication.clipboard().setText("\n".join(self.import_result.report_lines()))

    # --- applying ---------------------------------------------------------------------------
    def apply(self) -> Job | None:
        """Write the accepted rows (after the clerk confirms replacing a roster)."""
        result = self.import_result
        if result is None or not result.accepted or self._job is not None:
            return None
        if result.kind == "roster" and not self._confirm_replace(len(result.officers)):
            return None
        self._set_ready(False)
        job = run_in_background(apply_result, self.store, result)
        self._watch(job)
        job.finished.connect(self._applied)
        return job

    def _confirm_replace(self, count: int) -> bool:
        try:
            current = len(self.store.officers())
        except Exception:
            current = 0
        if current == 0:
            return True
        box = QMessageBox(self)
        box.setObjectName("confirmReplaceRoster")
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(self.windowTitle())
        box.setText(
            self.tr("现有名单中的 %1 人将被这次导入的 %2 人替换。要继续吗？")
            .replace("%1", str(current))
            .replace("%2", str(count))
        )
        go = box.addButton(self.tr("替换名单"), QMessageBox.ButtonRole.AcceptRole)
        cancel = box.addButton(self.tr("取消"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(cancel)
        box.exec()
        return box.clickedButton() is go

    def _applied(self, count: int) -> None:
        self.applied = int(count)
        what = self.tr("名执法人员") if self.kind == "roster" else self.tr("家企业")
        rejected = len(self.import_result.rejected) if self.import_result is not None else 0
        message = self.tr("已导入 %1 %2。").replace("%1", str(count)).replace("%2", what)
        if rejected:
            message += self.tr("有 %1 行因有问题没有导入。").replace("%1", str(rejected))
        log.info("import %s from %s: %s", self.kind, self.path_edit.text(), message)
        self.outcome = message
        self.summary.setText(message)
        self.accept()

    def reject(self) -> None:
        if self._job is not None:
            return  # work is running: closing now would hide its result
        super().reject()
