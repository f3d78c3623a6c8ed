"""The desk's main window: builds the parts, shows a filing, runs the filing actions.

The parts live in their own modules: the actions, menus and toolbar as one table
(``window_actions``); sending and syncing, with its notices and status
(``sync_presenter``); the layout kept between sessions (``layout_memory``); what to do
when a store call fails (``store_errors``, TELL or LOG); the submit questions
(``submit_dialogs``). The editor (``desktop.ui.editor``) and the preview
(``desktop.ui.preview``) are separate widgets the window wires together.
"""

from __future__ import annotations

import contextlib
import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QMainWindow,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from desktop.filing_summary import enterprise_name
from desktop.profile_prefill import prefill
from desktop.store.api import QUEUED, RETURNED, SENT, STATUSES, FilingRow, StoreError
from desktop.ui import (
    holiday_calendar,
    preview_action,
    style,
    submit_dialogs,
    window_actions,
    window_layout,
    wording,
)
from desktop.ui.autosave import Autosaver
from desktop.ui.errors import show_error
from desktop.ui.filing_header import FilingHeader
from desktop.ui.filings_list import FilingsListPanel
from desktop.ui.filings_model import FilingsModel
from desktop.ui.history import HistoryPanel
from desktop.ui.labels import status_label
from desktop.ui.layout_memory import LayoutMemory
from desktop.ui.notices import NoticeArea
from desktop.ui.store_errors import LOG, TELL, store_call
from desktop.ui.sync_presenter import SyncPresenter
from desktop.ui.sync_status import SyncStatusButton
from desktop.ui.window_dialogs import WindowDialogs
from forms.definition import FormDefinition, load_definition
from forms.record import new_filing
from forms.workdays import WorkCalendar

log = logging.getLogger(__name__)

# The sync worker (and its network libraries) start just after the window first shows,
# so they do not delay the first frame; the worker's own first pass follows 2 s later.
SYNC_START_DELAY_MS = 300


class MainWindow(QMainWindow):
    """``MainWindow(store, data_dir=…)``; the caller opens and finally closes the store."""

    filingShown = Signal(str)  # noqa: N815 - the id now in the editor
    editorReady = Signal()  # noqa: N815 - the editor exists (see ``editor``)

    # Made by window_layout.build and window_actions.build.
    model: FilingsModel
    list_panel: FilingsListPanel
    history: HistoryPanel
    header: FilingHeader
    empty_page: QWidget
    empty_new_button: QPushButton
    editor_layout: QVBoxLayout
    stack: QStackedWidget
    left_splitter: QSplitter
    splitter: QSplitter
    notices: NoticeArea
    sync_status: SyncStatusButton
    save_state_label: QLabel
    counts_label: QLabel
    toolbar: QToolBar

    def __init__(
        self,
        store,
        *,
        data_dir: Path,
        definition: FormDefinition | None = None,
        parent: QWidget | None = None,
        defer_editor: bool = False,
    ) -> None:
        """``defer_editor``: build the editor just after the first paint (the desk's
        start-up: the list shows first); reading ``editor`` builds it at once."""
        super().__init__(parent)
        self.store = store
        self.data_dir = Path(data_dir)
        self.definition = definition or load_definition()
        self._row: FilingRow | None = None
        self._context: dict = {}
        self._first_show_done = False
        self.preview_dialog: Any = None  # the PreviewDialog last opened
        self.prepare_job: Any = None  # desktop.ui.app: the background start-up checks

        self.setWindowTitle(self.tr("涉企行政执法检查备案"))
        self.setWindowIcon(window_layout.window_icon())
        self.setObjectName("mainWindow")

        self._editor: Any = None  # desktop.ui.editor.FilingEditor, see ``editor``
        window_layout.build(self)
        self.autosave = Autosaver(store, None, self)
        self.sync_presenter = SyncPresenter(self, self.data_dir)
        self.layout_memory = LayoutMemory(self)
        self.dialogs = WindowDialogs(self)
        self.actions_by_name = window_actions.build(self)
        self._wire()
        if not defer_editor:
            self._build_editor()
        self.refresh_context()
        self.update_counts()
        self.sync_presenter.update_status()
        self.layout_memory.restore()
        self.list_panel.reload()
        self._show_first_filing()
        # Before the first paint, so the notice does not shift what the clerk sees.
        self.list_panel.remind_due_soon()

    @property
    def editor(self) -> Any:
        """The filing editor; built now if the first paint has not come yet."""
        if self._editor is None:
            self._build_editor()
        return self._editor

    def editor_built(self) -> bool:
        return self._editor is not None

    def _build_editor(self) -> None:
        if self._editor is not None:
            return
        editor = window_layout.build_editor(self)
        self._editor = editor
        self.autosave.attach(editor)
        editor.changed.connect(self.autosave.note_change)
        editor.set_context(self._context)
        if self._row is not None:  # the first filing: shown in the list, now in the editor
            row, self._row = self._row, None
            self._show_row(row)
        self.editorReady.emit()

    @property
    def sync(self):  # desktop.ui.sync_worker.SyncWorker once started, else None
        return self.sync_presenter.worker

    # --- construction -------------------------------------------------------------------
    def _wire(self) -> None:
        self.list_panel.currentFilingChanged.connect(self.show_filing)
        self.list_panel.activated.connect(lambda _id: self.editor.focus_field(self._first_field()))
        self.autosave.saved.connect(self._after_autosave)
        self.autosave.failed.connect(self._autosave_failed)
        self.header.reviseRequested.connect(self.revise)
        self.header.unqueueRequested.connect(self.unqueue)
        self.empty_new_button.clicked.connect(self.new_filing)
        app = QApplication.instance()
        if isinstance(app, QApplication):
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
        self._show_row(self._get(filing_id))

    def open_filing(self, filing_id: str) -> None:
        """Show a filing and select it in the list (a notice's 打开)."""
        self.show_filing(filing_id)
        self.list_panel.select_filing(filing_id, emit=False)

    def _get(self, filing_id: str) -> FilingRow | None:
        with store_call(self, TELL, "open a filing"):
            return self.store.get(filing_id)
        return None

    def _show_row(self, row: FilingRow | None) -> None:
        self._row = row
        self.autosave.track(row)
        self._show_header(row)
        if row is None:
            self.stack.setCurrentWidget(self.empty_page)
            self.history.clear()
        else:
            self.stack.setCurrentIndex(1)
            self.refresh_history()
            self.list_panel.select_filing(row.id, emit=False)
            if self._editor is not None:  # else _build_editor shows it
                # The header's banner says why a filing is read-only (queued, sent, …).
                self._editor.set_filing(row.filing, read_only=not row.editable, banner=False)
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

    def show_synced(self, ids: set[str]) -> None:
        """After a sync pass changed ``ids``: their list rows, the open one, the counts."""
        with store_call(self, LOG, "refreshing after sync"):
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
                    self.refresh_history()
        self.update_counts()

    def _show_header(self, row: FilingRow | None) -> None:
        """The header's line and banner; a filing the office refused says so instead of
        "waiting to be sent": it is not retried until the clerk fixes and resubmits it."""
        self.header.show_row(row)
        if row is not None and row.status in (SENT, RETURNED):
            from desktop.office_hints import office_hints, park_reply_hints

            hints = office_hints(self.store, row.id, row.revision, park_replies=False)
            self.header.show_office_hints(hints)
            self.header.show_park_replies(park_reply_hints(self.store, row.id))
        if row is None or row.status != QUEUED:
            return
        item = None
        with store_call(self, LOG, "outbox"):
            item = self.store.outbox_item(row.id)
        if item is not None and item.permanent:
            self.header.show_refusal(wording.stored_text(item.last_problem, item.last_error))

    def refresh_history(self) -> None:
        if self._row is None:
            self.history.clear()
            return
        with store_call(self, LOG, f"history of {self._row.id}"):
            self.history.show_events(self.store.history(self._row.id))

    def _update_actions(self) -> None:
        window_actions.update_enabled(self.actions_by_name, self._row)

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
        self.refresh_history()

    def _autosave_failed(self, message: str) -> None:
        self.save_state_label.setText(self.tr("没有保存！"))
        self.save_state_label.setStyleSheet(style.ERROR_TEXT_BOLD)
        show_error(self, message)

    # --- filing actions -----------------------------------------------------------------
    def new_filing(self) -> None:
        """新建: a blank filing, prefilled from the unit profile."""
        self.autosave.flush()
        filing = new_filing(self.definition.id)
        row = None
        with store_call(self, TELL, "new filing"):
            row = self.store.create_filing(prefill(filing, self.store.profile()))
        if row is not None:
            self._start_editing(row)

    def new_similar(self) -> None:
        """新建类似: a new filing that starts from the current one."""
        if self._row is None:
            return
        self.autosave.flush()
        row = None
        with store_call(self, TELL, "new similar"):
            row = self.store.new_similar(self._row.id)
        if row is not None:
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
        with store_call(self, LOG, "recording a check"):
            self.store.record_event(row.id, "validated", {"errors": errors, "warnings": warnings})
        self.refresh_history()
        self.statusBar().showMessage(submit_dialogs.check_outcome(errors, warnings), 8000)
        return report

    def preview(self):
        """预览/打印: the triplicate in a dialog; printing records an event."""
        dialog = preview_action.open_preview(self)
        if dialog is not None:
            self.preview_dialog = dialog
        return dialog

    def submit(self) -> bool:
        """提交: a filing without errors goes to the outbox (已排队)."""
        row = self._row
        if row is None or not row.editable:
            return False
        report = self.editor.validate_now()
        if self.autosave.save_now(report=report) is None:
            return False
        if report.has_errors:
            submit_dialogs.explain_errors(self, self.definition, report.errors)
            self.editor.focus_field(report.errors[0].field)
            return False
        if not submit_dialogs.confirm_submit(
            self, self.definition, report.warnings, self._pre_submit_reminders(row.id)
        ):
            return False
        with store_call(self, TELL, "submit") as call:
            self.store.queue(row.id)
        if call.failed:
            return False
        self.notices.dismiss(f"refused:{row.id}")
        self._reload_row()
        self.statusBar().showMessage(
            self.tr("已提交，已放入发件箱（已排队），联网时发送给优化营商环境部门。"), 8000
        )
        if self.sync is not None:
            self.sync.sync_now()  # send at once if the office is reachable
        return True

    def _pre_submit_reminders(self, filing_id: str) -> list[str]:
        from desktop.ui.submit_reminders import gather

        row = self.store.get(filing_id)
        if row is None:
            return []
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            return gather(self.store, dict(row.filing), online=self.sync is not None)
        except StoreError:
            return []  # reminders only: the submission goes on without them
        finally:
            QApplication.restoreOverrideCursor()

    def revise(self) -> None:
        """退回的备案 → 修改: a new revision, editable, with the same id."""
        row = self._row
        if row is None or row.status != RETURNED:
            return
        new = None
        with store_call(self, TELL, "new revision"):
            new = self.store.new_revision(row.id)
        if new is None:
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
        with store_call(self, TELL, "unqueue") as call:
            self.store.unqueue(row.id)
        if call.failed:
            return
        self.notices.dismiss(f"refused:{row.id}")
        self._reload_row()
        self.statusBar().showMessage(self.tr("已撤回提交，可以继续修改。"), 5000)

    def discard_draft(self) -> bool:
        """丢弃草稿 (Ctrl+Shift+D): after a confirmation, a never-submitted draft leaves the
        list for good; the store keeps its content and history (a "discarded" event)."""
        row = self._row
        if row is None or not window_actions.discardable(row):
            return False
        self.autosave.flush()
        if not submit_dialogs.confirm_discard(self, enterprise_name(row.filing)):
            return False
        self.autosave.track(None)  # nothing more is saved into a discarded draft
        with store_call(self, TELL, "discard a draft") as call:
            self.store.discard_draft(row.id)
        if call.failed:
            self.autosave.track(row)
            return False
        self._row = None
        self.list_panel.reload()
        self.update_counts()
        self._show_first_filing()
        self.statusBar().showMessage(self.tr("已丢弃草稿。"), 5000)
        return True

    # --- sync and the dialogs around the filings ---------------------------------------
    def sync_now(self) -> None:
        """立即同步 (F5): a pass now, on a worker thread (one more follows a running one)."""
        self.autosave.flush()
        self.sync_presenter.sync_now()

    def start_sync(self) -> None:
        """Create and start the sync worker (once); see SYNC_START_DELAY_MS."""
        self.sync_presenter.start()

    def open_connection(self, reason: str = ""):
        """The connection dialog (address, token, CA file), non-blocking; returns it."""
        return self.dialogs.open_connection(reason)

    @property
    def connection_dialog(self):
        return self.dialogs.connection_dialog

    # --- context, counts ----------------------------------------------------------------
    def refresh_context(self) -> None:
        """Roster, certificate rules and calendar changed (settings, imports, office)."""
        self._context = {}
        with store_call(self, LOG, "validation context"):
            self._context = self.store.validation_context()
        if self._editor is not None:
            self._editor.set_context(self._context)
        self.autosave.set_context(self._context)
        calendar = self._context.get("calendar") or WorkCalendar()
        holiday_calendar.set_work_calendar(calendar)  # the date pickers mark the same days
        self.model.set_deadline_rule(calendar, self.definition.post_hoc_deadline_working_days)

    def update_counts(self) -> None:
        with store_call(self, LOG, "counts") as call:
            counts = self.store.counts_by_status()
        if call.failed:
            return
        parts = [f"{status_label(s)} {counts.get(s, 0)}" for s in STATUSES]
        self.counts_label.setText("　".join(parts))
        self.counts_label.setAccessibleName(self.tr("各状态份数"))

    # --- layout memory and closing ------------------------------------------------------
    def has_saved_geometry(self) -> bool:
        """True when the window's size and place were restored from an earlier session."""
        return self.layout_memory.has_saved_geometry()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        self.autosave.flush()
        if self.autosave.is_dirty() and not submit_dialogs.confirm_quit_unsaved(self):
            event.ignore()
            return
        closing_again = self.sync_presenter.closing
        self.sync_presenter.stop()
        self.layout_memory.save()
        app = QApplication.instance()
        if isinstance(app, QApplication) and not closing_again:
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

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and self._editor is None:
            QTimer.singleShot(0, self._build_editor)  # after this frame is on screen
        return super().event(event)

    def _adjust_first_show(self) -> None:
        if self._first_show_done:
            return
        self._first_show_done = True
        QTimer.singleShot(SYNC_START_DELAY_MS, self.start_sync)
        self.layout_memory.first_show()
