"""The desk's main window: the filings list, the editor, the history, and the actions.

The window owns the store it is given, autosave, menus and shortcuts, the status bar,
submitting, and recording printed copies. The editor (``desktop.ui.editor``) and the
preview (``desktop.ui.preview``) are separate widgets it wires together.

Sending to the office is ``desktop.ui.sync_worker.SyncWorker``: passes run on worker threads
and report through signals, which the window turns into the list's statuses, the banner
on the filing, notices across the top (returns, refusals, a token needed) and the sync
state in the status bar. The UI thread never waits on the network.
"""

from __future__ import annotations

import base64
import contextlib
import logging
from pathlib import Path

from PySide6.QtCore import QByteArray, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QAction, QCloseEvent, QDesktopServices, QIcon, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from desktop.store import settings_registry as settings
from desktop.store.api import (
    QUEUED,
    RETURNED,
    STATUSES,
    FilingRow,
    StoreError,
)
from desktop.ui import style, sync_status
from desktop.ui.autosave import Autosaver
from desktop.ui.errors import log_file, show_error
from desktop.ui.filing_header import FilingHeader
from desktop.ui.filings_list import FilingsListPanel
from desktop.ui.filings_model import FilingsModel
from desktop.ui.history import HistoryPanel
from desktop.ui.labels import revision_label, status_label
from desktop.ui.notices import NoticeArea
from desktop.ui.sync_status import SyncStatusButton
from forms.definition import FormDefinition, load_definition
from forms.problems import Problem
from forms.record import new_filing

log = logging.getLogger(__name__)


# The sync worker (and its network libraries) start just after the window first shows,
# so they do not delay the first frame; the worker's own first pass follows 2 s later.
SYNC_START_DELAY_MS = 300
SYNC_STOP_WAIT_MS = 10_000


def _icon() -> QIcon:
    from desktop.paths import resource

    icon = QIcon()
    for size in (16, 24, 32, 48, 64, 128, 256):
        png = resource("icons", f"beian-{size}.png")
        if png.is_file():
            icon.addFile(str(png))
    return icon


class MainWindow(QMainWindow):
    """``MainWindow(store, data_dir=…)``; the caller opens and finally closes the store."""

    filingShown = Signal(str)  # noqa: N815 - the id now in the editor

    def __init__(
        self,
        store,
        *,
        data_dir: Path,
        definition: FormDefinition | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        from desktop.ui.editor import CompletionSource, FilingEditor

        self.store = store
        self.data_dir = Path(data_dir)
        self.definition = definition or load_definition()
        self._row: FilingRow | None = None
        self._context: dict = {}
        self._first_show_done = False
        self.sync = None  # desktop.ui.sync_worker.SyncWorker, once started (start_sync)
        self.connection_dialog = None
        self._closing = False
        self._sync_state: tuple[str, str] | None = None
        self._manual_sync = False
        self._synced_ids: set[str] = set()
        self._sent_receipts: list[str] = []
        self._warned: set[str] = set()
        self._sync_refresh = QTimer(self)
        self._sync_refresh.setSingleShot(True)
        self._sync_refresh.setInterval(0)  # after all signals of one pass
        self._sync_refresh.timeout.connect(self._refresh_after_sync)

        self.setWindowTitle(self.tr("涉企行政执法检查备案"))
        self.setWindowIcon(_icon())
        self.setObjectName("mainWindow")

        # --- widgets ----------------------------------------------------------------
        self.model = FilingsModel(store, self)
        self.list_panel = FilingsListPanel(self.model)
        self.history = HistoryPanel()
        self.header = FilingHeader()
        self.editor = FilingEditor(self.definition, CompletionSource(store))
        self.editor.setObjectName("filingEditor")

        self.empty_page = self._build_empty_page()
        editor_page = QWidget()
        editor_layout = QVBoxLayout(editor_page)
        editor_layout.setContentsMargins(0, 0, 0, 0)
        editor_layout.addWidget(self.header)
        editor_layout.addWidget(self.editor, 1)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.empty_page)
        self.stack.addWidget(editor_page)

        self.left_splitter = QSplitter(Qt.Orientation.Vertical)
        self.left_splitter.setObjectName("leftSplitter")
        self.left_splitter.addWidget(self.list_panel)
        self.left_splitter.addWidget(self.history)
        self.left_splitter.setStretchFactor(0, 3)
        self.left_splitter.setStretchFactor(1, 1)
        self.left_splitter.setChildrenCollapsible(False)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.addWidget(self.left_splitter)
        self.splitter.addWidget(self.stack)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setChildrenCollapsible(False)
        # A handle wide enough to grab, and air between the list and the form.
        self.splitter.setHandleWidth(max(6, self.fontMetrics().horizontalAdvance("中") // 2))
        self.notices = NoticeArea()
        central = QWidget()
        central_layout = QVBoxLayout(central)
        central_layout.addWidget(self.notices)
        central_layout.addWidget(self.splitter, 1)
        self.setCentralWidget(central)

        self.sync_status = SyncStatusButton()
        self.sync_status.clicked.connect(lambda _checked=False: self.open_connection())
        self.save_state_label = QLabel()
        self.save_state_label.setObjectName("saveState")
        self.counts_label = QLabel()
        self.counts_label.setObjectName("statusCounts")
        self.statusBar().addPermanentWidget(self.sync_status)
        self.statusBar().addPermanentWidget(self.save_state_label)
        self.statusBar().addPermanentWidget(self.counts_label)

        self.autosave = Autosaver(store, self.editor, self)
        self._build_actions()
        self._wire()
        self.refresh_context()
        self.update_counts()
        self._update_sync_status()
        self._restore_layout()
        self.list_panel.reload()
        self._show_first_filing()

    # --- construction -------------------------------------------------------------------
    def _build_empty_page(self) -> QWidget:
        page = QWidget()
        page.setObjectName("emptyPage")
        text = QLabel(
            self.tr("还没有打开备案表。\n\n按 Ctrl+N 新建一份备案，或在左侧列表中选择一份。")
        )
        text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        text.setWordWrap(True)
        self.empty_new_button = QPushButton(self.tr("新建备案"))
        self.empty_new_button.setObjectName("emptyNewButton")
        self.empty_new_button.setAutoDefault(False)
        layout = QVBoxLayout(page)
        layout.addStretch(1)
        layout.addWidget(text)
        layout.addWidget(self.empty_new_button, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)
        return page

    def _action(self, text: str, slot, shortcut=None, name: str = "", tip: str = "") -> QAction:
        action = QAction(text, self)
        action.setObjectName(name)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        if tip:
            action.setStatusTip(tip)
            action.setToolTip(f"{text}（{action.shortcut().toString()}）" if shortcut else text)
        action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        self.act_new = self._action(
            self.tr("新建"),
            self.new_filing,
            QKeySequence.StandardKey.New,
            "actNew",
            self.tr("新建一份备案，按本单位设置预先填好单位和带队人员"),
        )
        self.act_new_similar = self._action(
            self.tr("新建类似"),
            self.new_similar,
            "Ctrl+Shift+N",
            "actNewSimilar",
            self.tr("以当前备案为样子新建一份"),
        )
        self.act_save = self._action(
            self.tr("保存并检查"),
            self.save_and_check,
            QKeySequence.StandardKey.Save,
            "actSave",
            self.tr("保存并检查整张备案表，显示所有问题"),
        )
        self.act_preview = self._action(
            self.tr("预览/打印"),
            self.preview,
            QKeySequence.StandardKey.Print,
            "actPreview",
            self.tr("预览一式三份的备案表，打印或存为 PDF"),
        )
        self.act_submit = self._action(
            self.tr("提交"),
            self.submit,
            None,
            "actSubmit",
            self.tr("检查无误后放入发件箱，联网时发送给优化营商环境部门"),
        )
        self.act_revise = self._action(
            self.tr("修改退回的备案"),
            self.revise,
            None,
            "actRevise",
            self.tr("为被退回的备案生成新的版本，改正后重新提交"),
        )
        self.act_unqueue = self._action(
            self.tr("撤回提交"),
            self.unqueue,
            None,
            "actUnqueue",
            self.tr("把尚未发送的备案从发件箱取回，继续修改"),
        )
        self.act_sync = self._action(
            self.tr("立即同步"),
            self.sync_now,
            "F5",
            "actSync",
            self.tr("立即发送发件箱中的备案并取回回执"),
        )
        self.act_connection = self._action(
            self.tr("连接备案办公室…"),
            self.open_connection,
            None,
            "actConnection",
            self.tr("办公室地址、本单位的令牌和根证书"),
        )
        self.act_settings = self._action(
            self.tr("设置…"),
            self.open_settings,
            "Ctrl+,",
            "actSettings",
            self.tr("本单位信息、连接、执法证规则、导入"),
        )
        self.act_import_roster = self._action(
            self.tr("导入执法人员名单…"),
            lambda: self.open_import("roster"),
            None,
            "actImportRoster",
            self.tr("从 CSV 或 Excel 文件导入本单位的执法人员名单"),
        )
        self.act_import_enterprises = self._action(
            self.tr("导入企业名录…"),
            lambda: self.open_import("enterprises"),
            None,
            "actImportEnterprises",
            self.tr("从 CSV 或 Excel 文件导入企业名录"),
        )
        self.act_open_logs = self._action(
            self.tr("打开日志文件夹"),
            self.open_log_folder,
            None,
            "actOpenLogs",
            self.tr("出错时把日志发给技术支持"),
        )
        self.act_quit = self._action(self.tr("退出"), self.close, "Ctrl+Q", "actQuit")
        self.act_about = self._action(self.tr("关于"), self.about, None, "actAbout")

        menu = self.menuBar()
        file_menu = menu.addMenu(self.tr("文件(&F)"))
        for action in (self.act_new, self.act_new_similar, self.act_save, self.act_preview):
            file_menu.addAction(action)
        file_menu.addSeparator()
        file_menu.addAction(self.act_quit)
        filing_menu = menu.addMenu(self.tr("备案(&B)"))
        for action in (self.act_submit, self.act_unqueue, self.act_revise):
            filing_menu.addAction(action)
        filing_menu.addSeparator()
        filing_menu.addAction(self.act_sync)
        settings_menu = menu.addMenu(self.tr("设置(&S)"))
        for action in (
            self.act_settings,
            self.act_connection,
            self.act_import_roster,
            self.act_import_enterprises,
        ):
            settings_menu.addAction(action)
        help_menu = menu.addMenu(self.tr("帮助(&H)"))
        help_menu.addAction(self.act_open_logs)
        help_menu.addAction(self.act_about)

        toolbar = QToolBar(self.tr("常用操作"))
        toolbar.setObjectName("mainToolbar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for action in (
            self.act_new,
            self.act_new_similar,
            self.act_save,
            self.act_preview,
            self.act_submit,
        ):
            toolbar.addAction(action)
        toolbar.addSeparator()
        toolbar.addAction(self.act_sync)
        self.addToolBar(toolbar)
        self.toolbar = toolbar

    def _wire(self) -> None:
        self.list_panel.currentFilingChanged.connect(self.show_filing)
        self.list_panel.activated.connect(lambda _id: self.editor.focus_field(self._first_field()))
        self.editor.changed.connect(self.autosave.note_change)
        self.autosave.saved.connect(self._after_autosave)
        self.autosave.failed.connect(self._autosave_failed)
        self.header.reviseRequested.connect(self.revise)
        self.header.unqueueRequested.connect(self.unqueue)
        self.empty_new_button.clicked.connect(self.new_filing)
        app = QApplication.instance()
        if app is not None:
            app.focusChanged.connect(self._focus_changed)

    # --- showing filings ----------------------------------------------------------------
    def current_row(self) -> FilingRow | None:
        return self._row

    def current_id(self) -> str | None:
        return self._row.id if self._row is not None else None

    def _show_first_filing(self) -> None:
        if self.model.rowCount() > 0:
            first = self.model.summary(0).id
            self.list_panel.select_filing(first, emit=False)
            self.show_filing(first)
        else:
            self._show_row(None)

    def show_filing(self, filing_id: str) -> None:
        """Put a stored filing in the editor (saving the one being edited first)."""
        if self._row is not None and filing_id == self._row.id:
            return
        self.autosave.flush()
        row = self._get(filing_id)
        self._show_row(row)

    def _get(self, filing_id: str) -> FilingRow | None:
        try:
            return self.store.get(filing_id)
        except StoreError as exc:
            show_error(self, str(exc))
            return None

    def _show_row(self, row: FilingRow | None) -> None:
        self._row = row
        self.autosave.track(row)
        self._show_header(row)
        if row is None:
            self.stack.setCurrentWidget(self.empty_page)
            self.history.clear()
        else:
            # The header's banner says why a filing is read-only (queued, sent, returned).
            self.editor.set_filing(row.filing, read_only=not row.editable, banner=False)
            self.stack.setCurrentIndex(1)
            self._refresh_history()
            self.list_panel.select_filing(row.id, emit=False)
            self.filingShown.emit(row.id)
        self._update_actions()

    def _reload_row(self) -> None:
        """After a status change: show the stored filing again and refresh around it."""
        if self._row is None:
            return
        row = self._get(self._row.id)
        self.list_panel.reload(keep=self._row.id)
        self._row = None
        self._show_row(row)
        self.update_counts()

    def _show_header(self, row: FilingRow | None) -> None:
        """The header's line and banner; a filing the office refused says so instead of
        "waiting to be sent": it is not retried until the clerk fixes and resubmits it."""
        self.header.show_row(row)
        if row is None or row.status != QUEUED:
            return
        refusal = self._refusal(row.id)
        if refusal is None:
            return
        self.header.message.setText(
            self.tr("备案办公室拒收了这份备案：")
            + refusal
            + "\n"
            + self.tr("不会自动重发。请点“撤回提交”，改正后重新提交。")
        )
        self.header.banner.setStyleSheet(style.ERROR_BANNER.sheet("filingBanner", "bannerMessage"))
        self.header.banner.setVisible(True)

    def _refusal(self, filing_id: str) -> str | None:
        """The office's message if ``filing_id`` waits in the outbox refused, else None."""
        try:
            for item in self.store.outbox():
                if item.id == filing_id:
                    return (item.last_error or "") if item.permanent else None
        except StoreError as exc:
            log.error("outbox: %s", exc)
        return None

    def _refresh_history(self) -> None:
        if self._row is None:
            self.history.clear()
            return
        try:
            self.history.show_events(self.store.history(self._row.id))
        except StoreError as exc:
            log.error("history of %s: %s", self._row.id, exc)

    def _update_actions(self) -> None:
        row = self._row
        has = row is not None
        editable = has and row.editable
        self.act_new_similar.setEnabled(has)
        self.act_save.setEnabled(editable)
        self.act_preview.setEnabled(has)
        self.act_submit.setEnabled(editable)
        self.act_revise.setEnabled(has and row.status == RETURNED)
        self.act_unqueue.setEnabled(has and row.status == QUEUED)

    # --- autosave -----------------------------------------------------------------------
    def _focus_changed(self, _old, _new) -> None:
        # Leaving a field is a natural moment to save (besides the debounce timer).
        if self.autosave.is_dirty():
            self.autosave.flush()

    def _after_autosave(self, row: FilingRow) -> None:
        previous = self._row
        self._row = row
        self.model.refresh_filing(row)
        self.header.show_row(row)
        self.save_state_label.setText(self.tr("已自动保存 %1").replace("%1", row.updated_at[11:19]))
        self.save_state_label.setStyleSheet("")
        if previous is None or previous.status != row.status:
            self.update_counts()
            self._update_actions()
        self._refresh_history()

    def _autosave_failed(self, message: str) -> None:
        self.save_state_label.setText(self.tr("没有保存！"))
        self.save_state_label.setStyleSheet(style.ERROR_TEXT_BOLD)
        show_error(self, message)

    # --- actions --------------------------------------------------------------------------
    def new_filing(self) -> None:
        """新建: a blank filing, prefilled from the unit profile."""
        self.autosave.flush()
        filing = new_filing(self.definition.id)
        try:
            profile = self.store.profile()
            if profile.unit_name:
                filing["lead_unit"] = profile.unit_name
            if profile.joint_units:
                filing["joint_units"] = list(profile.joint_units)
            leader = filing.get("leader")
            if isinstance(leader, dict):
                for key in leader:
                    value = (profile.default_leader or {}).get(key)
                    if value:
                        leader[key] = str(value)
            row = self.store.create_filing(filing)
        except StoreError as exc:
            show_error(self, str(exc))
            return
        self._start_editing(row)

    def new_similar(self) -> None:
        """新建类似: a new filing that starts from the current one."""
        if self._row is None:
            return
        self.autosave.flush()
        try:
            row = self.store.new_similar(self._row.id)
        except StoreError as exc:
            show_error(self, str(exc))
            return
        self._start_editing(row)

    def _start_editing(self, row: FilingRow) -> None:
        self._row = None
        self.list_panel.reload(keep=row.id)
        self._show_row(row)
        self.update_counts()
        # The clerk starts typing at once, at the top of the paper.
        self.editor.focus_field(self._first_field())
        self.statusBar().showMessage(self.tr("已新建备案。"), 5000)

    def _first_field(self) -> str:
        for f in self.definition.walk():
            if not f.meta and not f.is_group and not f.only_for_kind:
                return f.path
        return "kind"

    def save_and_check(self):
        """保存并检查: show every problem and save; returns the report (None: nothing open)."""
        if self._row is None or not self._row.editable:
            return None
        report = self.editor.validate_now()
        row = self.autosave.save_now(report=report)
        if row is None:
            return report
        errors, warnings = len(report.errors), len(report.warnings)
        try:
            self.store.record_event(row.id, "validated", {"errors": errors, "warnings": warnings})
        except StoreError as exc:
            log.error("recording a check: %s", exc)
        self._refresh_history()
        if errors or warnings:
            text = (
                self.tr("已保存。发现 %1 个错误、%2 个提醒，请查看表中标出的地方。")
                .replace("%1", str(errors))
                .replace("%2", str(warnings))
            )
        else:
            text = self.tr("已保存，检查通过，可以打印和提交。")
        self.statusBar().showMessage(text, 8000)
        return report

    def preview(self):
        """预览/打印: the triplicate in a dialog; printing records an event."""
        if self._row is None:
            return None
        from desktop.ui.preview import PreviewDialog

        self.autosave.flush()
        row = self._row
        filing = self.editor.filing() if row.editable else row.filing
        dialog = PreviewDialog(
            filing,
            receipt=row.receipt,
            office_url=self.store.verification_url(),
            parent=self,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        filing_id = row.id
        dialog.printed.connect(lambda copies: self._record_printed(filing_id, copies))
        dialog.saved.connect(lambda path: self._record_exported(filing_id, path))
        dialog.open()
        self.preview_dialog = dialog
        return dialog

    def _record_printed(self, filing_id: str, copies) -> None:
        self._record(filing_id, "printed", {"copies": [int(c) for c in copies]})
        self.statusBar().showMessage(self.tr("已打印。"), 5000)

    def _record_exported(self, filing_id: str, path: str) -> None:
        self._record(filing_id, "exported", {"path": str(path)})
        self.statusBar().showMessage(self.tr("已存为 PDF：%1").replace("%1", str(path)), 8000)

    def _record(self, filing_id: str, kind: str, detail: dict) -> None:
        try:
            self.store.record_event(filing_id, kind, detail)
        except StoreError as exc:
            show_error(self, str(exc))
            return
        if self.current_id() == filing_id:
            self._refresh_history()

    def submit(self) -> bool:
        """提交: a filing without errors goes to the outbox (已排队)."""
        row = self._row
        if row is None or not row.editable:
            return False
        report = self.editor.validate_now()
        if self.autosave.save_now(report=report) is None:
            return False
        if report.has_errors:
            self._explain_errors(report.errors)
            return False
        if not self._confirm_submit(report.warnings):
            return False
        try:
            self.store.queue(row.id)
        except StoreError as exc:
            show_error(self, str(exc))
            return False
        self.notices.dismiss(f"refused:{row.id}")
        self._reload_row()
        self.statusBar().showMessage(
            self.tr("已提交，已放入发件箱（已排队），联网时发送给优化营商环境部门。"), 8000
        )
        if self.sync is not None:
            self.sync.sync_now()  # send at once if the office is reachable
        return True

    def _problem_line(self, p: Problem) -> str:
        try:
            label = self.definition.label(p.field)
        except KeyError:
            label = ""
        return f"• {label}：{p.message}" if label else f"• {p.message}"

    def _explain_errors(self, errors: list[Problem]) -> None:
        box = QMessageBox(self)
        box.setObjectName("submitErrors")
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(self.tr("还不能提交"))
        box.setText(self.tr("备案表还有 %n 个错误，改正后才能提交。", "", len(errors)))
        box.setInformativeText("\n".join(self._problem_line(p) for p in errors[:8]))
        box.setStandardButtons(QMessageBox.StandardButton.Ok)
        box.button(QMessageBox.StandardButton.Ok).setText(self.tr("去改正"))
        box.exec()
        self.editor.focus_field(errors[0].field)

    def _confirm_submit(self, warnings: list[Problem]) -> bool:
        box = QMessageBox(self)
        box.setObjectName("confirmSubmit")
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(self.tr("提交备案"))
        box.setText(
            self.tr(
                "提交后，备案表放入发件箱，联网时发送给优化营商环境部门。"
                "发送前可以撤回，发送后不能再修改。"
            )
        )
        if warnings:
            box.setInformativeText(
                self.tr("请留意以下提醒：")
                + "\n"
                + "\n".join(self._problem_line(p) for p in warnings[:8])
            )
        submit = box.addButton(self.tr("提交"), QMessageBox.ButtonRole.AcceptRole)
        cancel = box.addButton(self.tr("取消"), QMessageBox.ButtonRole.RejectRole)
        submit.setObjectName("confirmSubmitButton")
        # Enter must not submit by accident: the default is to go back.
        box.setDefaultButton(cancel)
        box.setEscapeButton(cancel)
        box.exec()
        return box.clickedButton() is submit

    def revise(self) -> None:
        """退回的备案 → 修改: a new revision, editable, with the same id."""
        row = self._row
        if row is None or row.status != RETURNED:
            return
        try:
            new = self.store.new_revision(row.id)
        except StoreError as exc:
            show_error(self, str(exc))
            return
        self._row = None
        self.notices.dismiss(f"returned:{new.id}")
        self.list_panel.reload(keep=new.id)
        self._show_row(new)
        self.update_counts()
        self.statusBar().showMessage(
            self.tr("已生成%1，改正后重新提交。").replace(
                "%1", self.tr("第 %n 版", "", new.revision)
            ),
            8000,
        )

    def unqueue(self) -> None:
        row = self._row
        if row is None or row.status != QUEUED:
            return
        try:
            self.store.unqueue(row.id)
        except StoreError as exc:
            show_error(self, str(exc))
            return
        self.notices.dismiss(f"refused:{row.id}")
        self._reload_row()
        self.statusBar().showMessage(self.tr("已撤回提交，可以继续修改。"), 5000)

    def sync_now(self) -> None:
        """立即同步 (F5): a pass now, on a worker thread (one more follows a running one)."""
        self.autosave.flush()
        self.start_sync()
        if self.sync is None:
            return  # closing
        self._manual_sync = True
        if not self._office_url():
            self._offer_connection(self._no_office_text())
        if not self.sync.sync_now():
            self.statusBar().showMessage(self.tr("正在同步，完成后会再同步一次。"), 5000)

    # --- sync: the worker and what it reports ---------------------------------------------
    def start_sync(self) -> None:
        """Create and start the sync worker (once); see SYNC_START_DELAY_MS."""
        if self.sync is not None or self._closing:
            return
        from desktop.ui.sync_worker import SyncWorker

        self.sync = SyncWorker(self.data_dir, parent=self)
        self.sync.sent.connect(self._on_sent)
        self.sync.returned.connect(self._on_returned)
        self.sync.failed.connect(self._on_send_failed)
        self.sync.state_changed.connect(self._on_sync_state)
        self.sync.reference_updated.connect(self._on_reference_updated)
        self.sync.pass_finished.connect(self._on_pass_finished)
        self.sync.start()

    def _on_sent(self, filing_id: str, revision: int, receipt: str) -> None:
        if self._closing:
            return
        self._sent_receipts.append(receipt)
        self._note_synced(filing_id)

    def _on_returned(self, filing_id: str, revision: int, reason: str) -> None:
        if self._closing:
            return
        name = self._enterprise_of(filing_id)
        text = (
            self.tr("“%1”的备案（%2）被优化营商环境部门退回。")
            .replace("%1", name)
            .replace("%2", revision_label(revision))
            + "\n"
            + self.tr("退回理由：")
            + (reason or self.tr("（未说明）"))
        )
        self.notices.show_notice(
            f"returned:{filing_id}",
            text,
            kind="returned",
            action_text=self.tr("打开并修改"),
            action=lambda: self.open_filing(filing_id),
        )
        QApplication.alert(self)  # the taskbar entry flashes if the window is behind others
        self._note_synced(filing_id)

    def _on_send_failed(self, filing_id: str, revision: int, message: str, permanent: bool) -> None:
        if self._closing:
            return
        if permanent:
            name = self._enterprise_of(filing_id)
            self.notices.show_notice(
                f"refused:{filing_id}",
                self.tr("备案办公室拒收了“%1”的备案（%2）：")
                .replace("%1", name)
                .replace("%2", revision_label(revision))
                + message
                + "\n"
                + self.tr("请打开它，撤回提交，改正后重新提交。"),
                kind="refused",
                action_text=self.tr("打开"),
                action=lambda: self.open_filing(filing_id),
            )
        self._note_synced(filing_id)

    def _note_synced(self, filing_id: str) -> None:
        self._synced_ids.add(filing_id)
        self._sync_refresh.start()

    def _refresh_after_sync(self) -> None:
        """After a pass changed filings: their rows in the list, the open one, the counts."""
        ids, self._synced_ids = self._synced_ids, set()
        receipts, self._sent_receipts = self._sent_receipts, []
        if self._closing:
            return
        try:
            for filing_id in ids:
                row = self.store.get(filing_id)
                if row is not None:
                    self.model.refresh_filing(row)
            current = self._row
            if current is not None and current.id in ids:
                fresh = self.store.get(current.id)
                if fresh is not None and (fresh.status, fresh.revision) != (
                    current.status,
                    current.revision,
                ):
                    self._row = None
                    self._show_row(fresh)
                elif fresh is not None and not current.editable:
                    self._row = fresh
                    self._show_header(fresh)
                    self._refresh_history()
        except StoreError as exc:
            log.error("refreshing after sync: %s", exc)
        self.update_counts()
        if len(receipts) == 1:
            self.statusBar().showMessage(
                self.tr("已备案，回执号 %1").replace("%1", receipts[0]), 15000
            )
        elif receipts:
            self.statusBar().showMessage(
                self.tr("%n 份备案已备案，最后一份回执号 %1", "", len(receipts)).replace(
                    "%1", receipts[-1]
                ),
                15000,
            )

    def _on_sync_state(self, state: str, text: str) -> None:
        if self._closing:
            return
        self._sync_state = (state, text)
        # Problems of a pass the clerk asked for (F5) are said, not only shown in the label.
        manual = self._manual_sync and state != sync_status.SYNCING
        if state != sync_status.SYNCING:
            self._manual_sync = False
        if state == sync_status.NEEDS_TOKEN:
            self._ask_for_token(text)
        elif state == sync_status.IDLE:
            self.notices.dismiss("token")
            self.notices.dismiss("connection")
        elif state == sync_status.NOT_CONFIGURED and manual:
            self._offer_connection(self._no_office_text() if not self._office_url() else text)
        elif state in (sync_status.OFFLINE, sync_status.PROBLEM) and manual:
            self.statusBar().showMessage(text, 15000)
        self._update_sync_status()

    def _on_reference_updated(self) -> None:
        if self._closing:
            return
        self.refresh_context()  # the office's calendar and rules apply to the open form now
        self.statusBar().showMessage(
            self.tr("已收到办公室下发的最新节假日安排和执法证规则。"), 8000
        )

    def _on_pass_finished(self, result) -> None:
        if self._closing:
            return
        # Warnings (the PC's clock is off, unusable reference data) once per session each:
        # the next pass, minutes later, would say the same.
        for text in result.warnings:
            if text not in self._warned:
                self._warned.add(text)
                self.notices.show_notice(f"warning:{len(self._warned)}", text, kind="warning")

    def _ask_for_token(self, text: str) -> None:
        from desktop.sync.problems import Code, Problem

        if self.sync is not None and self.sync.last_problem == Problem.of(Code.TOKEN_REJECTED):
            why = self.tr(
                "备案办公室不认可本单位的令牌（可能已被收回或输入有误）。"
                "请向优化营商环境办公室索取新的令牌，点“输入令牌…”保存。待发送的备案会继续保留。"
            )
        else:
            why = self.tr(
                "尚未保存本单位的令牌。请向优化营商环境办公室索取令牌，点“输入令牌…”保存。"
                "待发送的备案会继续保留。"
            )
        self.notices.show_notice(
            "token",
            why,
            kind="token",
            action_text=self.tr("输入令牌…"),
            action=lambda: self.open_connection(reason=why),
            dismiss_on_action=False,
        )

    def _offer_connection(self, text: str) -> None:
        self.notices.show_notice(
            "connection",
            text,
            kind="setup",
            action_text=self.tr("连接备案办公室…"),
            action=lambda: self.open_connection(reason=text),
            dismiss_on_action=False,
        )

    def _no_office_text(self) -> str:
        return self.tr(
            "尚未设置备案办公室。已提交的备案保存在发件箱中，不会丢失；"
            "设置办公室地址和令牌后会自动发送。"
        )

    def _office_url(self) -> str:
        try:
            return settings.OFFICE_URL.get(self.store) or ""
        except StoreError:
            return ""

    def _update_sync_status(self) -> None:
        state, text = self._sync_state or ("", "")
        try:
            last_sync = settings.LAST_SYNC.get(self.store)
        except StoreError:
            last_sync = None
        self.sync_status.show_status(state, text, url=self._office_url(), last_sync=last_sync)

    def _enterprise_of(self, filing_id: str) -> str:
        try:
            row = self.store.get(filing_id)
        except StoreError:
            row = None
        enterprise = row.filing.get("enterprise") if row is not None else None
        name = enterprise.get("name") if isinstance(enterprise, dict) else ""
        return str(name or "") or self.tr("（未填写企业）")

    def open_filing(self, filing_id: str) -> None:
        """Show a filing and select it in the list (a notice's 打开)."""
        self.show_filing(filing_id)
        self.list_panel.select_filing(filing_id, emit=False)

    def open_connection(self, reason: str = ""):
        """The connection dialog (address, token, CA file), non-blocking; returns it."""
        from desktop.ui.connection_dialog import ConnectionDialog

        dialog = self.connection_dialog
        if dialog is not None and dialog.isVisible():
            dialog.raise_()
            dialog.activateWindow()
            return dialog
        dialog = ConnectionDialog(self.store, self.data_dir, reason=reason, parent=self)
        dialog.saved.connect(self._connection_saved)
        dialog.checked.connect(self._connection_checked)
        self.connection_dialog = dialog
        dialog.open()
        # The first thing missing gets the cursor: the address, else the token.
        (dialog.token if dialog.office_url.text() else dialog.office_url).setFocus()
        return dialog

    def _connection_saved(self) -> None:
        if not self._closing:
            self._update_sync_status()

    def _connection_checked(self, check) -> None:
        if self._closing:
            return
        self._update_sync_status()
        if check.ok:
            self.notices.dismiss("token")
            self.notices.dismiss("connection")
            self.start_sync()
            if self.sync is not None:
                self.sync.sync_now()  # whatever waits in the outbox goes now

    def open_settings(self) -> None:
        from desktop.ui.settings_dialog import SettingsDialog

        self.autosave.flush()
        dialog = SettingsDialog(self.store, parent=self, data_dir=self.data_dir)
        dialog.connectionSaved.connect(self._connection_saved)
        dialog.connectionChecked.connect(self._connection_checked)
        saved = dialog.exec()
        # Imports from the dialog apply at once, so the context may change either way.
        self.refresh_context()
        if saved:
            self.statusBar().showMessage(self.tr("设置已保存。"), 5000)

    def open_import(self, kind: str) -> None:
        from desktop.ui.import_dialog import ImportDialog

        dialog = ImportDialog(self.store, kind, parent=self)
        if dialog.exec():
            self.refresh_context()
            self.statusBar().showMessage(dialog.outcome, 10000)

    def open_log_folder(self) -> None:
        path = log_file()
        folder = path.parent if path is not None else self.data_dir / "logs"
        folder.mkdir(parents=True, exist_ok=True)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    def about(self) -> None:
        from forms import __version__

        QMessageBox.about(
            self,
            self.tr("关于"),
            self.tr("涉企行政执法检查备案 %1\n\n数据文件夹：%2")
            .replace("%1", __version__)
            .replace("%2", str(self.data_dir)),
        )

    # --- context, counts ----------------------------------------------------------------
    def refresh_context(self) -> None:
        """Roster, certificate rules and calendar changed (settings, imports, office)."""
        try:
            self._context = self.store.validation_context()
        except StoreError as exc:
            log.error("validation context: %s", exc)
            self._context = {}
        self.editor.set_context(self._context)
        self.autosave.set_context(self._context)

    def update_counts(self) -> None:
        try:
            counts = self.store.counts_by_status()
        except StoreError as exc:
            log.error("counts: %s", exc)
            return
        parts = [f"{status_label(s)} {counts.get(s, 0)}" for s in STATUSES]
        self.counts_label.setText("　".join(parts))
        self.counts_label.setAccessibleName(self.tr("各状态份数"))

    # --- layout memory and closing ------------------------------------------------------
    def _restore_layout(self) -> None:
        try:
            geometry = settings.UI_WINDOW_GEOMETRY.get(self.store)
            splitters = settings.UI_SPLITTERS.get(self.store)
        except StoreError:
            return
        if geometry:
            self.restoreGeometry(QByteArray(base64.b64decode(geometry)))
        if isinstance(splitters, list) and len(splitters) == 2:
            self.splitter.restoreState(QByteArray(base64.b64decode(splitters[0])))
            self.left_splitter.restoreState(QByteArray(base64.b64decode(splitters[1])))

    def has_saved_geometry(self) -> bool:
        """True when the window's size and place were restored from an earlier session."""
        try:
            return bool(settings.UI_WINDOW_GEOMETRY.get(self.store))
        except StoreError:
            return False

    def _save_layout(self) -> None:
        def encode(data: QByteArray) -> str:
            return base64.b64encode(bytes(data.data())).decode("ascii")

        try:
            settings.UI_WINDOW_GEOMETRY.set(self.store, encode(self.saveGeometry()))
            settings.UI_SPLITTERS.set(
                self.store,
                [encode(self.splitter.saveState()), encode(self.left_splitter.saveState())],
            )
        except StoreError as exc:
            log.warning("window layout not saved: %s", exc)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        self.autosave.flush()
        if self.autosave.is_dirty():
            answer = QMessageBox.warning(
                self,
                self.tr("还有内容没有保存"),
                self.tr("刚才的修改没能保存（见之前的提示）。仍要退出吗？退出后这些修改会丢失。"),
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No,
            )
            if answer != QMessageBox.StandardButton.Yes:
                event.ignore()
                return
        self._closing = True
        # A pass in flight stops between filings; a request on the wire has its attempt
        # recorded, so whatever it did is found again at the next start.
        if self.sync is not None and not self.sync.stop(wait_ms=SYNC_STOP_WAIT_MS):
            log.warning("a sync pass was still running at exit")
        self._save_layout()
        app = QApplication.instance()
        if app is not None:
            with contextlib.suppress(RuntimeError, TypeError):
                app.focusChanged.disconnect(self._focus_changed)
        super().closeEvent(event)

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        # Notices take at most a quarter of the window; the rest scrolls.
        self.notices.set_height_limit(self.height() // 4)

    def showEvent(self, event) -> None:  # noqa: N802
        super().showEvent(event)
        QTimer.singleShot(0, self._adjust_first_show)

    def _adjust_first_show(self) -> None:
        # Without a remembered layout, give the list what it needs and the editor the rest.
        if self._first_show_done:
            return
        self._first_show_done = True
        QTimer.singleShot(SYNC_START_DELAY_MS, self.start_sync)
        total = sum(self.splitter.sizes())
        if total <= 0 or settings.UI_SPLITTERS.get(self.store) is not None:
            return
        left = min(self.list_panel.preferred_width(), int(total * 0.5))
        self.splitter.setSizes([left, total - left])
